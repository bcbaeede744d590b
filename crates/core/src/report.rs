//! Writing scores as CSV or JSON (to any `io::Write`).

use std::io::Write;

use serde_json::{json, Map, Value};

use crate::engine::LevelScores;
use crate::error::CoreResult;
use crate::selection::Selection;

/// Formats a number: empty for NaN, full precision (shortest round-trip) or `decimals` digits.
///
/// ```
/// use ifn_core::report::format_number;
/// assert_eq!(format_number(f64::NAN, None), "");
/// assert_eq!(format_number(5.0 / 3.0, Some(1)), "1.7");
/// assert_eq!(format_number(1200.0, None), "1200");
/// ```
pub fn format_number(v: f64, decimals: Option<usize>) -> String {
    if v.is_nan() {
        return String::new();
    }
    match decimals {
        Some(d) => format!("{v:.d$}"),
        None => format!("{v}"),
    }
}

/// Rounds a score for display: one decimal, as the public tool shows scores (the rule lives
/// in [`crate::rules`](mod@crate::rules)).
pub use crate::rules::display_round;

/// Writes `code,name,population,total,<indicator classes>` with a header line. Codes are text,
/// numbers use a dot, missing values are empty cells.
pub fn write_csv(out: impl Write, scores: &LevelScores, decimals: Option<usize>) -> CoreResult<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["code", "name", "population", "total"];
    header.extend(scores.indicators.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_io)?;
    for t in 0..scores.len() {
        let mut row = vec![
            scores.codes[t].clone(),
            scores.names[t].clone(),
            format_number(scores.population[t], None),
            format_number(scores.total[t], decimals),
        ];
        row.extend(
            scores
                .classes
                .row(t)
                .iter()
                .map(|&c| format_number(c, decimals)),
        );
        w.write_record(&row).map_err(csv_io)?;
    }
    w.flush()?;
    Ok(())
}

fn csv_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

fn num(v: f64) -> Value {
    if v.is_nan() {
        Value::Null
    } else {
        json!(v)
    }
}

/// The JSON document of a level's scores: the selection, then one object per territory.
pub fn to_json(scores: &LevelScores, selection: &Selection) -> Value {
    let weights: Map<String, Value> = selection
        .indicators
        .iter()
        .zip(&selection.weights)
        .map(|(k, w)| (k.clone(), json!(w)))
        .collect();
    let territories: Vec<Value> = (0..scores.len())
        .map(|t| {
            let classes: Map<String, Value> = scores
                .indicators
                .iter()
                .enumerate()
                .map(|(k, key)| (key.clone(), num(scores.classes[(t, k)])))
                .collect();
            let raw: Map<String, Value> = scores
                .indicators
                .iter()
                .enumerate()
                .map(|(k, key)| (key.clone(), num(scores.raw[(t, k)])))
                .collect();
            json!({
                "code": scores.codes[t],
                "name": scores.names[t],
                "population": num(scores.population[t]),
                "total": num(scores.total[t]),
                "indicators_used": scores.used[t],
                "classes": classes,
                "raw": raw,
            })
        })
        .collect();
    json!({
        "level": scores.level,
        "profile": selection.profile,
        "reference": selection.reference,
        "indicators": selection.indicators,
        "weights": weights,
        "territories": territories,
    })
}

/// Writes [`to_json`] pretty-printed.
pub fn write_json(
    mut out: impl Write,
    scores: &LevelScores,
    selection: &Selection,
) -> CoreResult<()> {
    serde_json::to_writer_pretty(&mut out, &to_json(scores, selection))?;
    writeln!(out)?;
    Ok(())
}
