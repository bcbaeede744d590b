//! XLSX workbooks (INSEE) read with `calamine`.

use std::path::Path;

use super::{string_frame, Table, TableError};

/// Where the header of a sheet is.
#[derive(Debug, Clone, Copy)]
pub enum XlsxHeader<'a> {
    /// The first row holding this cell (the code column's name).
    Holding(&'a str),
    /// This 1-based row of the sheet.
    Row(usize),
}

impl Table {
    /// Reads a sheet of an XLSX workbook, the header being the first row that holds
    /// `header_column` (INSEE puts title rows above the header).
    pub fn read_xlsx(path: &Path, sheet: &str, header_column: &str) -> Result<Table, TableError> {
        let bytes = std::fs::read(path).map_err(|source| TableError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Table::parse_xlsx(bytes, path, sheet, XlsxHeader::Holding(header_column))
    }

    /// Parses an XLSX workbook already in memory (e.g. a member of a ZIP archive); `path`
    /// names it in messages.
    pub fn parse_xlsx(
        bytes: Vec<u8>,
        path: &Path,
        sheet: &str,
        header: XlsxHeader<'_>,
    ) -> Result<Table, TableError> {
        use calamine::{Data, Reader, Xlsx};
        let xerr = |message: String| TableError::Xlsx {
            path: path.to_path_buf(),
            message,
        };
        let mut wb: Xlsx<_> =
            Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| xerr(format!("{e}")))?;
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
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let header_idx = match header {
            XlsxHeader::Holding(column) => rows
                .iter()
                .position(|r| r.iter().any(|c| c.as_deref() == Some(column)))
                .ok_or_else(|| TableError::MissingColumn {
                    path: path.to_path_buf(),
                    line: first_row + 1,
                    column: column.to_string(),
                    available: format!("no row of sheet '{sheet}' holds it"),
                })?,
            XlsxHeader::Row(row) => match row.checked_sub(first_row + 1) {
                Some(i) if i < rows.len() => i,
                _ => {
                    return Err(xerr(format!(
                        "sheet '{sheet}' has no row {row} (header_row in the manifest)"
                    )))
                }
            },
        };
        let header: Vec<String> = rows[header_idx]
            .iter()
            .enumerate()
            .map(|(i, c)| c.clone().unwrap_or_else(|| format!("column_{}", i + 1)))
            .collect();
        let data = &rows[header_idx + 1..];
        let df = string_frame(&header, data).map_err(|source| TableError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
        let header_line = first_row + header_idx + 1;
        Ok(Table {
            path: path.to_path_buf(),
            df,
            header_line,
            lines: (1..=data.len()).map(|i| header_line + i).collect(),
            decimal_comma: false,
        })
    }
}
