//! Tables as published (INSEE, ARCEP, ANCT, derived CSV; INSEE XLSX): delimited text read
//! with the `csv` crate (`delimited`), workbooks with `calamine`
//! (`xlsx`), both kept as a `polars` frame of text columns.
//!
//! Every cell is read as text, so codes keep their leading zeros and `2A`/`2B`; numbers are
//! parsed afterwards with the file's decimal mark, and any error names the file, the line and
//! the column. A byte-order mark and lines before the header (ARCEP's disclaimer) are skipped.

use std::path::PathBuf;

use polars::prelude::*;
use thiserror::Error;

use crate::manifest::{CodeKind, TextEncoding};

mod cells;
mod dataset;
mod delimited;
mod xlsx;

pub use cells::{normalize_code, parse_number};
pub use xlsx::XlsxHeader;

/// Errors reading a table.
#[derive(Debug, Error)]
pub enum TableError {
    /// The file could not be read.
    #[error("{path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid delimited text.
    #[error("{path}, line {line}, column '{column}': {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file.
        line: usize,
        /// The column (header name, `field N`, or `-` when the whole line is at fault).
        column: String,
        /// What is wrong.
        message: String,
    },
    /// polars could not parse the file.
    #[error("{path}: not readable as delimited text")]
    Polars {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: PolarsError,
    },
    /// A column the manifest names is not in the header.
    #[error("{path}, line {line}: no column '{column}' (columns: {available}); fix the manifest or the file")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// 1-based line of the header.
        line: usize,
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
    /// The archive holding the table could not be read.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
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
    /// Text encoding of the file.
    pub encoding: TextEncoding,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            separator: b';',
            skip_lines: 0,
            decimal_comma: false,
            encoding: TextEncoding::Utf8,
        }
    }
}

/// A table of text cells with the line number of each row in its file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    df: DataFrame,
    /// 1-based line of the header.
    header_line: usize,
    /// 1-based line of each data row (a quoted field may span lines).
    lines: Vec<usize>,
    /// Numbers use a decimal comma.
    pub decimal_comma: bool,
}

impl Table {
    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.df.height()
    }

    /// True when the table has no data row.
    pub fn is_empty(&self) -> bool {
        self.df.height() == 0
    }

    /// 1-based line of data row `row` in the file (where the row starts).
    pub fn line_of(&self, row: usize) -> usize {
        self.lines
            .get(row)
            .copied()
            .unwrap_or(self.header_line + 1 + row)
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
                line: self.header_line,
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

/// A frame of text columns. Empty header names become `column_N` and repeated ones get a
/// `_duplicated_K` suffix, as polars' own CSV reader names them, so that every column has a
/// distinct name.
fn string_frame(header: &[String], rows: &[Vec<Option<String>>]) -> PolarsResult<DataFrame> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let cols: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let mut name = if name.is_empty() {
                format!("column_{}", j + 1)
            } else {
                name.clone()
            };
            let n = seen.entry(name.clone()).or_default();
            if *n > 0 {
                name = format!("{name}_duplicated_{}", *n - 1);
            }
            *n += 1;
            let v: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.get(j).and_then(|c| c.as_deref()))
                .collect();
            Column::new(name.as_str().into(), v)
        })
        .collect();
    DataFrame::new(rows.len(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn a_field_spanning_two_lines_does_not_shift_the_lines_of_the_next_rows() {
        let t = parse(
            "code;v;note\n01001;1;\"a\nb\"\n01002;abc;\n",
            CsvOptions::default(),
        )
        .expect("parse");
        assert_eq!((t.line_of(0), t.line_of(1)), (2, 4));
        let e = t.numbers("v").unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("'v'"), "{e}");
    }

    #[test]
    fn empty_and_repeated_header_names_get_distinct_names() {
        let t = parse("code;;code\n1;2;3\n", CsvOptions::default()).expect("parse");
        assert_eq!(t.columns(), ["code", "column_2", "code_duplicated_0"]);
    }

    #[test]
    fn a_missing_column_names_the_header_line() {
        let opts = CsvOptions {
            skip_lines: 2,
            ..Default::default()
        };
        let t = parse("x\ny\ncode;v\n1;2\n", opts).expect("parse");
        let e = t.numbers("w").unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("'w'"), "{e}");
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
