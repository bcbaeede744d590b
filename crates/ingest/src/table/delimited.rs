//! Delimited text read with the `csv` crate: every malformed row is reported with the line it
//! starts on and the column at fault.

use std::path::Path;

use super::{string_frame, CsvOptions, Table, TableError};
use crate::manifest::TextEncoding;

const NOT_UTF8: &str = "not UTF-8 text: re-encode the file as UTF-8, or set \
                        `encoding = \"latin-1\"` in the manifest if the producer publishes it in Latin-1";

impl Table {
    /// Reads a delimited file.
    pub fn read_csv(path: &Path, opts: &CsvOptions) -> Result<Table, TableError> {
        let bytes = std::fs::read(path).map_err(|source| TableError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Table::parse_csv(bytes, path, opts)
    }

    /// Parses delimited text already in memory; `path` names it in messages.
    pub fn parse_csv(
        mut bytes: Vec<u8>,
        path: &Path,
        opts: &CsvOptions,
    ) -> Result<Table, TableError> {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        let mut start = 0;
        for _ in 0..opts.skip_lines {
            match bytes[start..].iter().position(|&b| b == b'\n') {
                Some(p) => start += p + 1,
                None => start = bytes.len(),
            }
        }
        bytes.drain(..start);
        if opts.encoding == TextEncoding::Latin1 {
            // Windows-1252 is the superset of ISO-8859-1 that producers actually write; every
            // byte decodes, so there is no error to report.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            bytes = text.into_owned().into_bytes();
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            let line = opts.skip_lines
                + 1
                + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
            let line_start = bytes[..e.valid_up_to()]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let field = bytes[line_start..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == opts.separator)
                .count();
            return Err(TableError::Malformed {
                path: path.to_path_buf(),
                line,
                column: format!("field {}", field + 1),
                message: NOT_UTF8.into(),
            });
        }
        let (header, rows, lines) = read_records(&bytes, path, opts)?;
        let df = string_frame(&header, &rows).map_err(|source| TableError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Table {
            path: path.to_path_buf(),
            df,
            header_line: opts.skip_lines + 1,
            lines,
            decimal_comma: opts.decimal_comma,
        })
    }
}

/// Header, rows (None = empty cell) and the line of each row, read with the `csv` crate,
/// which gives the position of a malformed row (polars does not).
type Records = (Vec<String>, Vec<Vec<Option<String>>>, Vec<usize>);

fn read_records(bytes: &[u8], path: &Path, opts: &CsvOptions) -> Result<Records, TableError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(opts.separator)
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    // Lines of the file before the bytes given to the reader.
    let offset = opts.skip_lines;
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return Err(csv_error(e, bytes, path, opts, &[])),
    };
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut counter = LineCounter::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                // The csv crate's own line count lags by one after a CRLF terminator (the LF
                // is consumed with the next record), so the line is counted from the bytes.
                let line = record
                    .position()
                    .map_or(0, |p| counter.line_at(bytes, p.byte() as usize));
                lines.push(offset + line);
                rows.push(
                    record
                        .iter()
                        .map(|f| (!f.is_empty()).then(|| f.to_string()))
                        .collect(),
                );
            }
            Ok(false) => break,
            Err(e) => return Err(csv_error(e, bytes, path, opts, &header)),
        }
    }
    // The csv crate reads an unclosed quote to the end of the file: a well-formed file has
    // an even number of quote characters (opening, closing, and doubled ones inside).
    if bytes.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        return Err(TableError::Malformed {
            path: path.to_path_buf(),
            line: lines.last().copied().unwrap_or(offset + 1),
            column: "-".into(),
            message: "a quoted field opened on this line or after it is never closed".into(),
        });
    }
    Ok((header, rows, lines))
}

/// A csv error as a [`TableError`] naming the file line (`opts.skip_lines` lines were skipped)
/// and the column: for a row of the wrong length, the first header column it lacks or the
/// first field it has too many.
fn csv_error(
    e: csv::Error,
    bytes: &[u8],
    path: &Path,
    opts: &CsvOptions,
    header: &[String],
) -> TableError {
    let offset = opts.skip_lines;
    let line = |pos: Option<&csv::Position>| {
        offset
            + pos.map_or(1, |p| {
                LineCounter::default().line_at(bytes, p.byte() as usize)
            })
    };
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let (expected_len, len) = (*expected_len as usize, *len as usize);
            let column = if len < expected_len {
                header
                    .get(len)
                    .filter(|name| !name.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| format!("field {}", len + 1))
            } else {
                format!("field {} (after the last header column)", expected_len + 1)
            };
            TableError::Malformed {
                path: path.to_path_buf(),
                line: line(pos.as_ref()),
                column,
                message: format!(
                    "{len} fields where the header has {expected_len} (separator '{}')",
                    opts.separator as char
                ),
            }
        }
        csv::ErrorKind::Utf8 { pos, err } => TableError::Malformed {
            path: path.to_path_buf(),
            line: line(pos.as_ref()),
            column: format!("field {}", err.field() + 1),
            message: NOT_UTF8.into(),
        },
        _ => TableError::Malformed {
            path: path.to_path_buf(),
            line: line(e.position()),
            column: "-".into(),
            message: e.to_string(),
        },
    }
}

/// Counts the lines of a byte buffer up to increasing offsets, in one pass overall.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of the first character at or after `byte` that is not a line ending.
    fn line_at(&mut self, bytes: &[u8], byte: usize) -> usize {
        let mut end = byte.min(bytes.len());
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end >= self.byte {
            self.newlines += bytes[self.byte..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.byte = end;
        }
        self.newlines + 1
    }
}
