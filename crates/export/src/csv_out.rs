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
        Some(d) => {
            // Half away from zero first, as `ifn_core::rules::display_round` (the map's
            // rounding): formatting alone rounds an exact half to even (6.25 → "6.2").
            let k = 10f64.powi(d as i32);
            let r = (v * k).round() / k;
            format!("{r:.d$}").replace('.', ",")
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_numbers_round_half_away_from_zero_as_the_map_does() {
        assert_eq!(number(6.25, Some(1)), "6,3");
        assert_eq!(number(6.950926747040935, Some(1)), "7,0");
        assert_eq!(number(0.12345, Some(3)), "0,123");
        assert_eq!(number(f64::NAN, Some(1)), "");
        assert_eq!(number(6.25, None), "6.25");
    }

    #[test]
    fn scores_and_classes_take_the_display_decimals() {
        let d = ifn_core::rules().score.decimals as usize;
        assert_eq!(excel_decimals("total"), d);
        assert_eq!(excel_decimals("poverty_rate_class"), d);
        assert_eq!(excel_decimals("fragile_share_beyond"), 3);
        assert_eq!(excel_decimals("mean_distance_km"), 2);
    }
}
