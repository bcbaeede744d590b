//! CSV: the export's columns without geometry; an Excel variant for French locales.

use std::io::Write;

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ExportInput};
use crate::ExportOptions;

/// UTF-8 byte-order mark: without it, Excel reads UTF-8 CSV as Windows-1252.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Formats a float: empty when missing, shortest round-trip digits otherwise (a decimal comma
/// for Excel in French, whose `;`-separated CSV expects one).
fn number(v: f64, excel: bool) -> String {
    if v.is_nan() {
        return String::new();
    }
    let s = format!("{v}");
    if excel {
        s.replace('.', ",")
    } else {
        s
    }
}

/// Writes the CSV to `out`. CSV needs no contours, so a level without them still exports.
pub(crate) fn write(
    input: &ExportInput<'_>,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> ExportResult<()> {
    if options.excel {
        out.write_all(BOM)?;
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if options.excel { b';' } else { b',' })
        .from_writer(out);
    let cols = input.columns();
    w.write_record(cols.iter().map(|c| c.name.as_str()))
        .map_err(ExportError::Csv)?;
    let excel = options.excel;
    let mut cells = Vec::with_capacity(cols.len());
    let mut row: Vec<String> = Vec::with_capacity(cols.len());
    for t in 0..input.scores.len() {
        input.cells(t, &mut cells);
        row.clear();
        row.extend(cells.iter().map(|c| match *c {
            Cell::Str(v) => v.to_string(),
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Float(v) => number(v, excel),
        }));
        w.write_record(&row).map_err(ExportError::Csv)?;
    }
    w.flush()?;
    Ok(())
}
