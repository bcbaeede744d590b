//! Tables as published (INSEE, ARCEP, ANCT, derived CSV; INSEE XLSX) read with `polars`.
//!
//! Every cell is read as text, so codes keep their leading zeros and `2A`/`2B`; numbers are
//! parsed afterwards with the file's decimal mark, and any error names the file, the line and
//! the column. A byte-order mark and lines before the header (ARCEP's disclaimer) are skipped.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use thiserror::Error;

use crate::manifest::CodeKind;

/// Errors reading a table.
#[derive(Debug, Error)]
pub enum TableError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid delimited text.
    #[error("{path}, line {line}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// polars could not parse the file.
    #[error("{path}: {source}")]
    Polars {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: PolarsError,
    },
    /// A column the manifest names is not in the header.
    #[error("{path}: no column '{column}' (columns: {available}); fix the manifest or the file")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns found.
        available: String,
    },
    /// A cell that must be a number is not.
    #[error("{path}, line {line}, column '{column}': '{value}' is not a number{hint}")]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Column.
        column: String,
        /// The cell.
        value: String,
        /// What to check.
        hint: String,
    },
    /// A code is not a valid code of its kind.
    #[error("{path}, line {line}, column '{column}': '{value}' is not a valid {kind} code")]
    BadCode {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Column.
        column: String,
        /// The cell.
        value: String,
        /// Kind of code expected.
        kind: String,
    },
    /// A code appears twice and the manifest does not allow merging.
    #[error("{path}, column '{column}': code '{code}' appears on lines {first} and {second}; remove one, or set `duplicates = \"merge\"` in the manifest")]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// Column.
        column: String,
        /// The code.
        code: String,
        /// First line.
        first: usize,
        /// Second line.
        second: usize,
    },
    /// The workbook could not be read.
    #[error("{path}: {message}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

/// How to read a delimited file.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Field separator.
    pub separator: u8,
    /// Lines before the header.
    pub skip_lines: usize,
    /// Decimal comma (`12,5`).
    pub decimal_comma: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            separator: b';',
            skip_lines: 0,
            decimal_comma: false,
        }
    }
}

/// A table of text cells with the line number of each row in its file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    df: DataFrame,
    /// 1-based line of the first data row.
    first_line: usize,
    /// Numbers use a decimal comma.
    pub decimal_comma: bool,
}

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
        if let Err(e) = std::str::from_utf8(&bytes) {
            let line = opts.skip_lines
                + 1
                + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
            return Err(TableError::Malformed {
                path: path.to_path_buf(),
                line,
                message: "not UTF-8 text: re-encode the file as UTF-8".into(),
            });
        }
        check_field_counts(&bytes, path, opts)?;
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(opts.separator)
                    .with_truncate_ragged_lines(false),
            )
            .into_reader_with_file_handle(Cursor::new(bytes))
            .finish()
            .map_err(|source| TableError::Polars {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Table {
            path: path.to_path_buf(),
            df,
            first_line: opts.skip_lines + 2,
            decimal_comma: opts.decimal_comma,
        })
    }

    /// Reads a sheet of an XLSX workbook, the header being the first row that holds
    /// `header_column` (INSEE puts title rows above the header).
    pub fn read_xlsx(path: &Path, sheet: &str, header_column: &str) -> Result<Table, TableError> {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let xerr = |message: String| TableError::Xlsx {
            path: path.to_path_buf(),
            message,
        };
        let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| xerr(format!("{e}")))?;
        let range = wb
            .worksheet_range(sheet)
            .map_err(|e| xerr(format!("sheet '{sheet}': {e}")))?;
        let cell = |d: &Data| -> Option<String> {
            match d {
                Data::Empty => None,
                Data::String(s) => Some(s.clone()),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    Some(format!("{}", *f as i64))
                }
                Data::Float(f) => Some(f.to_string()),
                Data::Int(i) => Some(i.to_string()),
                Data::Bool(b) => Some(b.to_string()),
                other => Some(other.to_string()),
            }
        };
        let rows: Vec<Vec<Option<String>>> =
            range.rows().map(|r| r.iter().map(cell).collect()).collect();
        let header_idx = rows
            .iter()
            .position(|r| r.iter().any(|c| c.as_deref() == Some(header_column)))
            .ok_or_else(|| TableError::MissingColumn {
                path: path.to_path_buf(),
                column: header_column.to_string(),
                available: format!("no row of sheet '{sheet}' holds it"),
            })?;
        let header: Vec<String> = rows[header_idx]
            .iter()
            .enumerate()
            .map(|(i, c)| c.clone().unwrap_or_else(|| format!("column_{}", i + 1)))
            .collect();
        let data = &rows[header_idx + 1..];
        let cols: Vec<Column> = header
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let v: Vec<Option<&str>> = data
                    .iter()
                    .map(|r| r.get(j).and_then(|c| c.as_deref()))
                    .collect();
                Column::new(name.as_str().into(), v)
            })
            .collect();
        let df = DataFrame::new(data.len(), cols).map_err(|source| TableError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Table {
            path: path.to_path_buf(),
            df,
            first_line: range.start().map(|(r, _)| r as usize).unwrap_or(0) + header_idx + 2,
            decimal_comma: false,
        })
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.df.height()
    }

    /// True when the table has no data row.
    pub fn is_empty(&self) -> bool {
        self.df.height() == 0
    }

    /// 1-based line of data row `row` in the file.
    pub fn line_of(&self, row: usize) -> usize {
        self.first_line + row
    }

    /// Column names.
    pub fn columns(&self) -> Vec<String> {
        self.df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// The text cells of a column (None = empty).
    pub fn text(&self, column: &str) -> Result<Vec<Option<&str>>, TableError> {
        let c = self
            .df
            .column(column)
            .map_err(|_| TableError::MissingColumn {
                path: self.path.clone(),
                column: column.to_string(),
                available: self.columns().join(", "),
            })?;
        let s = c.str().map_err(|source| TableError::Polars {
            path: self.path.clone(),
            source,
        })?;
        Ok(s.iter()
            .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
            .collect())
    }

    /// A numeric column: empty cells and statistical-secrecy tokens (`s`, `nd`, `NA`) are
    /// missing (NaN); anything else that is not a number is an error naming the line.
    pub fn numbers(&self, column: &str) -> Result<Vec<f64>, TableError> {
        let cells = self.text(column)?;
        cells
            .iter()
            .enumerate()
            .map(|(row, c)| match c {
                None => Ok(f64::NAN),
                Some(v) => parse_number(v, self.decimal_comma).ok_or_else(|| {
                    let hint = if !self.decimal_comma && v.contains(',') {
                        ": the file may use a decimal comma (set `decimal = \",\"`)".to_string()
                    } else {
                        String::new()
                    };
                    TableError::NotANumber {
                        path: self.path.clone(),
                        line: self.line_of(row),
                        column: column.to_string(),
                        value: v.to_string(),
                        hint,
                    }
                }),
            })
            .collect()
    }

    /// The code column, normalised (leading zeros restored); an empty or invalid code is an
    /// error naming the line.
    pub fn codes(&self, column: &str, kind: Option<CodeKind>) -> Result<Vec<String>, TableError> {
        let cells = self.text(column)?;
        cells
            .iter()
            .enumerate()
            .map(|(row, c)| {
                let bad = || TableError::BadCode {
                    path: self.path.clone(),
                    line: self.line_of(row),
                    column: column.to_string(),
                    value: c.unwrap_or("").to_string(),
                    kind: kind.map(kind_name).unwrap_or("territory").to_string(),
                };
                let v = c.ok_or_else(bad)?;
                match kind {
                    Some(k) => normalize_code(v, k).ok_or_else(bad),
                    None => Ok(v.to_string()),
                }
            })
            .collect()
    }
}

fn kind_name(k: CodeKind) -> &'static str {
    match k {
        CodeKind::Commune => "commune",
        CodeKind::Iris => "IRIS",
        CodeKind::Epci => "EPCI (SIREN)",
        CodeKind::Departement => "département",
    }
}

/// Counts fields per line (outside quotes) so that a malformed row is reported with its line
/// number, which polars does not give.
fn check_field_counts(bytes: &[u8], path: &Path, opts: &CsvOptions) -> Result<(), TableError> {
    let mut expected: Option<usize> = None;
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut line = opts.skip_lines + 1;
    let mut line_start = true;
    let mut empty_line = true;
    for &b in bytes {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                empty_line = false;
            }
            b'\n' if !in_quotes => {
                if !empty_line {
                    match expected {
                        None => expected = Some(fields),
                        Some(n) if n != fields => {
                            return Err(TableError::Malformed {
                                path: path.to_path_buf(),
                                line,
                                message: format!(
                                    "{fields} fields where the header has {n} (separator '{}')",
                                    opts.separator as char
                                ),
                            })
                        }
                        _ => {}
                    }
                }
                fields = 1;
                line += 1;
                line_start = true;
                empty_line = true;
                continue;
            }
            b'\r' => {}
            x if x == opts.separator && !in_quotes => {
                fields += 1;
                empty_line = false;
            }
            _ => empty_line = false,
        }
        line_start = false;
    }
    let _ = line_start;
    if !empty_line {
        if let Some(n) = expected {
            if n != fields {
                return Err(TableError::Malformed {
                    path: path.to_path_buf(),
                    line,
                    message: format!("{fields} fields where the header has {n}"),
                });
            }
        }
    }
    if in_quotes {
        return Err(TableError::Malformed {
            path: path.to_path_buf(),
            line,
            message: "a quoted field is never closed".into(),
        });
    }
    Ok(())
}

/// Parses a number written with `.` or (when `decimal_comma`) `,` as decimal mark. Statistical
/// secrecy tokens give NaN.
///
/// ```
/// use ifn_ingest::table::parse_number;
/// assert_eq!(parse_number("12,5", true), Some(12.5));
/// assert_eq!(parse_number("12.5", false), Some(12.5));
/// assert!(parse_number("s", false).is_some_and(f64::is_nan));
/// assert_eq!(parse_number("abc", false), None);
/// ```
pub fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let s = s.trim();
    if matches!(s, "" | "s" | "nd" | "NA" | "N/A" | "nan" | "NaN") {
        return Some(f64::NAN);
    }
    let v: f64 = if decimal_comma {
        s.replace(' ', "").replace(',', ".").parse().ok()?
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Normalises a territory code, restoring leading zeros that spreadsheets drop
/// (`1001` → `01001`, `30450000` → `030450000`) and removing a `.0` float suffix.
///
/// ```
/// use ifn_ingest::{manifest::CodeKind, table::normalize_code};
/// assert_eq!(normalize_code("1001", CodeKind::Commune).as_deref(), Some("01001"));
/// assert_eq!(normalize_code("30450000", CodeKind::Iris).as_deref(), Some("030450000"));
/// assert_eq!(normalize_code("2A004", CodeKind::Commune).as_deref(), Some("2A004"));
/// assert_eq!(normalize_code("1", CodeKind::Departement).as_deref(), Some("01"));
/// assert_eq!(normalize_code("971", CodeKind::Departement).as_deref(), Some("971"));
/// assert_eq!(normalize_code("01A01", CodeKind::Commune), None);
/// ```
pub fn normalize_code(raw: &str, kind: CodeKind) -> Option<String> {
    let mut s = raw.trim().trim_matches('"').to_uppercase();
    if let Some(stripped) = s.strip_suffix(".0") {
        s = stripped.to_string();
    }
    let width = match kind {
        CodeKind::Commune => 5,
        CodeKind::Iris => 9,
        CodeKind::Epci => 9,
        CodeKind::Departement => {
            if s.len() == 3 {
                3
            } else {
                2
            }
        }
    };
    if s.is_empty() || s.len() > width {
        return None;
    }
    let s = format!("{s:0>width$}");
    let corsica = matches!(
        kind,
        CodeKind::Commune | CodeKind::Iris | CodeKind::Departement
    ) && (s.starts_with("2A") || s.starts_with("2B"));
    let ok = if corsica {
        s[2..].chars().all(|c| c.is_ascii_digit())
    } else {
        s.chars().all(|c| c.is_ascii_digit())
    };
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, opts: CsvOptions) -> Result<Table, TableError> {
        Table::parse_csv(text.as_bytes().to_vec(), Path::new("t.csv"), &opts)
    }

    #[test]
    fn an_empty_table_has_no_rows() {
        let t = parse("code;v\n", CsvOptions::default()).expect("parse");
        assert!(t.is_empty());
    }

    #[test]
    fn a_disclaimer_line_and_a_bom_are_skipped_and_codes_keep_their_zeros() {
        let text = "\u{feff}Version beta : en l'état\r\ncode;v\r\n01001;1,5\r\n2A004;\r\n";
        let t = parse(
            text,
            CsvOptions {
                skip_lines: 1,
                decimal_comma: true,
                ..Default::default()
            },
        )
        .expect("parse");
        assert_eq!(
            t.codes("code", Some(CodeKind::Commune)).expect("codes"),
            ["01001", "2A004"]
        );
        let v = t.numbers("v").expect("numbers");
        assert_eq!(v[0], 1.5);
        assert!(v[1].is_nan());
        assert_eq!(t.line_of(1), 4);
    }

    #[test]
    fn a_malformed_row_names_its_line() {
        let e = parse("a;b\n1;2\n3;4;5\n", CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn a_non_numeric_value_names_line_and_column() {
        let t = parse("code;v\n01001;1\n01002;abc\n", CsvOptions::default()).expect("parse");
        let e = t.numbers("v").unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("'v'") && e.contains("'abc'"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_column_name_lists_the_columns() {
        let t = parse("code;v\n01001;1\n", CsvOptions::default()).expect("parse");
        let e = t.numbers("value").unwrap_err().to_string();
        assert!(e.contains("'value'") && e.contains("code, v"), "{e}");
    }
}
