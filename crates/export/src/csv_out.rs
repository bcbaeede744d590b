//! CSV: the export's columns without geometry; an Excel variant for French locales.

use std::io::Write;

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ExportInput};
use crate::ExportOptions;

/// UTF-8 byte-order mark: without it, Excel reads UTF-8 CSV as Windows-1252.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Formats a float: empty when missing; shortest round-trip digits, or for Excel (French
/// locales: `;`-separated, decimal comma) rounded as people read it ([`excel_decimals`]).
fn number(v: f64, excel: Option<usize>) -> String {
    if v.is_nan() {
        return String::new();
    }
    match excel {
        Some(d) => format!("{v:.d$}").replace('.', ","),
        None => format!("{v}"),
    }
}

/// Decimals of a column in the Excel CSV: scores and classes as displayed
/// (`ifn_core::rules()`), raw values and offer figures with a few more.
///
pub(crate) fn excel_decimals(column: &str) -> usize {
    let rules = ifn_core::rules();
    if column == "total" || column.ends_with("_class") {
        rules.score.decimals as usize
    } else if column == "fragile_share_beyond" {
        3
    } else if column.ends_with("_raw") {
        rules.score.raw_decimals as usize + 2
    } else {
        2
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
    let decimals: Vec<Option<usize>> = cols
        .iter()
        .map(|c| options.excel.then(|| excel_decimals(&c.name)))
        .collect();
    let mut cells = Vec::with_capacity(cols.len());
    let mut row: Vec<String> = Vec::with_capacity(cols.len());
    for t in 0..input.scores.len() {
        input.cells(t, &mut cells);
        row.clear();
        row.extend(cells.iter().zip(&decimals).map(|(c, &d)| match *c {
            Cell::Str(v) => v.to_string(),
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Float(v) => number(v, d),
        }));
        w.write_record(&row).map_err(ExportError::Csv)?;
    }
    w.flush()?;
    Ok(())
}
