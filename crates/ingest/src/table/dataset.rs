//! A manifest dataset's table as published: a CSV or XLSX file, or such a file inside a ZIP or
//! 7z archive (`member`), in UTF-8 or Latin-1 (`encoding`).

use std::path::{Path, PathBuf};

use super::{Table, TableError, XlsxHeader};
use crate::archive::read_member;
use crate::manifest::{DatasetSpec, Format};

impl Table {
    /// Reads the table of `spec` from `path` (the file of the dataset in the sources folder),
    /// following the manifest: the archive member, the encoding, the separator, the header
    /// row. A member is named `<archive>/<member>` in messages.
    pub fn read_dataset(spec: &DatasetSpec, path: &Path) -> Result<Table, TableError> {
        let (bytes, origin) = match &spec.member {
            Some(pattern) => {
                let (name, bytes) = read_member(path, pattern)?;
                (bytes, PathBuf::from(format!("{}/{name}", path.display())))
            }
            None => {
                let bytes = std::fs::read(path).map_err(|source| TableError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                (bytes, path.to_path_buf())
            }
        };
        match spec.format {
            Format::Xlsx => {
                let header = match spec.header_row {
                    Some(row) => XlsxHeader::Row(row),
                    None => XlsxHeader::Holding(spec.code_column.as_deref().unwrap_or("CODGEO")),
                };
                Table::parse_xlsx(
                    bytes,
                    &origin,
                    spec.sheet.as_deref().unwrap_or("Sheet1"),
                    header,
                )
            }
            _ => Table::parse_csv(bytes, &origin, &spec.csv_options()),
        }
    }
}
