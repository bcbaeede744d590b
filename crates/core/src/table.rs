//! An analyst's own table of base units (`ifn score --table FILE.csv`).
//!
//! Columns: `code,commune,epci,departement,population`, then indicator keys of the catalogue.
//! Optional columns: `name`, `region`, `commune_name`, `epci_name`, `departement_name`,
//! `region_name`. Separator `,` or `;` (detected from the header); with `;`, decimal commas are
//! accepted. Empty cells, `s`, `nd`, `NA` and `n/a` are missing values (never zero), see
//! [`parse_cell`]. Codes are
//! kept as text exactly as written.

use std::io::Read;

use ndarray::Array2;

use crate::catalogue::Catalogue;
use crate::dataset::{BaseUnit, Dataset, Names};
use crate::error::{CoreError, CoreResult};
use crate::level::Level;
use crate::rules::MISSING_TOKENS;

/// Columns every table must have, in this order.
pub const REQUIRED: [&str; 5] = ["code", "commune", "epci", "departement", "population"];
const OPTIONAL: [&str; 6] = [
    "name",
    "region",
    "commune_name",
    "epci_name",
    "departement_name",
    "region_name",
];

/// Whether a cell is a missing value (statistical secrecy or no data): one of
/// [`MISSING_TOKENS`], ignoring case and surrounding spaces.
///
/// ```
/// use ifn_core::table::is_missing;
/// assert!(is_missing("") && is_missing(" s ") && is_missing("ND") && !is_missing("0"));
/// ```
pub fn is_missing(cell: &str) -> bool {
    let t = cell.trim();
    MISSING_TOKENS.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// A cell that is neither a number nor a missing value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {text} » n'est pas un nombre (une valeur manquante s'écrit {tokens})", tokens = missing_tokens_text())]
pub struct InvalidNumber {
    /// The cell, trimmed.
    pub text: String,
}

fn missing_tokens_text() -> String {
    let mut t: Vec<&str> = MISSING_TOKENS
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect();
    t.insert(0, "vide");
    t.join(", ")
}

/// Parses a number written with a dot, or with a decimal comma when `decimal_comma`; `None`
/// when it is not a finite number. Missing-value tokens are not numbers: use
/// [`parse_cell`] to tell them apart.
///
/// ```
/// use ifn_core::table::parse_number;
/// assert_eq!(parse_number("12,5", true), Some(12.5));
/// assert_eq!(parse_number("12,5", false), None);
/// assert_eq!(parse_number("1\u{a0}234", true), Some(1234.0));
/// assert_eq!(parse_number("inf", false), None);
/// ```
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let t = cell.trim();
    let v: f64 = if decimal_comma {
        // French tables group thousands with (no-break) spaces: "1 234,5".
        let t: String = t
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        if t.contains(',') && !t.contains('.') {
            t.replace(',', ".").parse().ok()
        } else {
            t.parse().ok()
        }
    } else {
        t.parse().ok()
    }?;
    v.is_finite().then_some(v)
}

/// The one reader of a numeric cell in ifn (tables of base units here, official sources in
/// `ifn-ingest`): `Ok(Some(v))` for a number, `Ok(None)` for a missing value
/// ([`is_missing`]), `Err` for anything else, so a typo is reported rather than taken as
/// missing.
///
/// ```
/// use ifn_core::table::parse_cell;
/// assert_eq!(parse_cell(" 12.5 ", false), Ok(Some(12.5)));
/// assert_eq!(parse_cell("1 234,5", true), Ok(Some(1234.5)));
/// assert_eq!(parse_cell("ND", false), Ok(None));
/// assert_eq!(parse_cell("", true), Ok(None));
/// let e = parse_cell("12a", false).unwrap_err();
/// assert_eq!(e.text, "12a");
/// ```
pub fn parse_cell(cell: &str, decimal_comma: bool) -> Result<Option<f64>, InvalidNumber> {
    if is_missing(cell) {
        return Ok(None);
    }
    match parse_number(cell, decimal_comma) {
        Some(v) => Ok(Some(v)),
        None => Err(InvalidNumber {
            text: cell.trim().to_string(),
        }),
    }
}

/// Reads a table of base units. `file` names the source in error messages.
pub fn read_table(mut input: impl Read, file: &str, catalogue: &Catalogue) -> CoreResult<Dataset> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| CoreError::Table {
            file: file.into(),
            line: 1,
            column: "-".into(),
            message: format!("illisible en texte UTF-8 (enregistrez le fichier en UTF-8) : {e}"),
        })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let header_line = text.lines().next().unwrap_or("");
    let sep = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let comma_decimal = sep == b';';
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let table_err = |line: u64, column: &str, message: String| CoreError::Table {
        file: file.into(),
        line,
        column: column.into(),
        message,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e, &[], &table_err))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for (i, req) in REQUIRED.iter().enumerate() {
        if headers.get(i).map(String::as_str) != Some(*req) {
            return Err(table_err(
                1,
                headers.get(i).map(String::as_str).unwrap_or("(aucune)"),
                format!(
                    "la colonne {} devrait être « {req} » ; un tableau commence par {}",
                    i + 1,
                    REQUIRED.join(",")
                ),
            ));
        }
    }
    let mut optional = [None; 6];
    let mut indicator_cols = Vec::new();
    for (i, h) in headers.iter().enumerate().skip(REQUIRED.len()) {
        if let Some(o) = OPTIONAL.iter().position(|o| o == h) {
            optional[o] = Some(i);
        } else if catalogue.contains(h) {
            if indicator_cols.iter().any(|(_, k): &(usize, String)| k == h) {
                return Err(table_err(1, h, "colonne présente deux fois".into()));
            }
            indicator_cols.push((i, h.clone()));
        } else {
            return Err(table_err(
                1,
                h,
                format!(
                    "colonne inconnue : ce n'est ni une clé d'indicateur du catalogue ni l'une de {}",
                    OPTIONAL.join(", ")
                ),
            ));
        }
    }
    if indicator_cols.is_empty() {
        return Err(table_err(
            1,
            "-",
            "aucune colonne d'indicateur : ajoutez des colonnes nommées par les clés des indicateurs, par exemple poverty_rate".into(),
        ));
    }
    let mut units = Vec::new();
    let mut rows: Vec<f64> = Vec::new();
    let mut names = Names::default();
    let mut seen = std::collections::HashMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| csv_error(&e, &headers, &table_err))?;
        // The csv reader counts lines from 1; a record always has a position.
        let line = rec.position().map_or(1, |p| p.line().max(1));
        let cell = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        // An empty EPCI means the commune belongs to none (pseudo-EPCI ZZZZZZZZZ).
        for (i, req) in REQUIRED.iter().enumerate().take(4) {
            if i != 2 && cell(i).is_empty() {
                return Err(table_err(line, req, "code vide".into()));
            }
        }
        let code = cell(0);
        if let Some(first) = seen.insert(code.clone(), line) {
            return Err(table_err(
                line,
                "code",
                format!("le code « {code} » apparaît déjà ligne {first}"),
            ));
        }
        let pop_text = cell(4);
        let population = match parse_number(&pop_text, comma_decimal) {
            Some(p) if p >= 0.0 => p,
            _ => {
                return Err(table_err(
                    line,
                    "population",
                    format!("« {pop_text} » n'est pas un nombre ≥ 0"),
                ))
            }
        };
        let opt = |o: usize| optional[o].map(cell).unwrap_or_default();
        let unit = BaseUnit {
            name: if opt(0).is_empty() {
                code.clone()
            } else {
                opt(0)
            },
            code,
            commune: cell(1),
            epci: cell(2),
            departement: cell(3),
            region: opt(1),
            population,
        };
        for (o, level) in [
            (2, Level::Commune),
            (3, Level::Epci),
            (4, Level::Departement),
            (5, Level::Region),
        ] {
            let n = opt(o);
            if !n.is_empty() {
                names.insert(level, unit.code_at(level).to_string(), n);
            }
        }
        for (i, key) in &indicator_cols {
            match parse_cell(&cell(*i), comma_decimal) {
                Ok(v) => rows.push(v.unwrap_or(f64::NAN)),
                Err(e) => return Err(table_err(line, key, e.to_string())),
            }
        }
        units.push(unit);
    }
    if units.is_empty() {
        return Err(table_err(
            2,
            "-",
            "le tableau a un en-tête mais aucune ligne".into(),
        ));
    }
    let keys: Vec<String> = indicator_cols.into_iter().map(|(_, k)| k).collect();
    let values = Array2::from_shape_vec((units.len(), keys.len()), rows)
        .expect("one value pushed per unit and indicator column");
    Dataset::new(units, keys, values, names)
}

/// A csv error as a [`CoreError::Table`] with its line and the column it concerns, so every
/// error of a table names file, line and column.
fn csv_error(
    e: &csv::Error,
    headers: &[String],
    table_err: &impl Fn(u64, &str, String) -> CoreError,
) -> CoreError {
    let line = e.position().map_or(1, |p| p.line().max(1));
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            // The first missing column, or the first extra field.
            let at = (*len).min(*expected_len) as usize;
            let column = headers.get(at).map_or("-", String::as_str);
            table_err(
                line,
                column,
                format!("{len} champs alors que l'en-tête en a {expected_len} (un séparateur en trop ou manquant ?)"),
            )
        }
        _ => table_err(line, "-", format!("CSV mal formé : {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> CoreResult<Dataset> {
        read_table(text.as_bytes(), "t.csv", Catalogue::builtin())
    }

    #[test]
    fn secrecy_tokens_are_missing_not_zero() {
        let d = read("code,commune,epci,departement,population,poverty_rate\nA,c,e,01,10,s\nB,c,e,01,10,nd\nC,c,e,01,10,\n").unwrap();
        assert!(d.values().iter().all(|v| v.is_nan()));
    }

    #[test]
    fn semicolon_tables_accept_decimal_commas_and_a_bom() {
        let d = read("\u{feff}code;commune;epci;departement;population;poverty_rate\n01001;01001;200;01;10;12,5\n").unwrap();
        assert_eq!(d.values()[(0, 0)], 12.5);
        assert_eq!(d.units()[0].code, "01001");
    }

    #[test]
    fn a_bad_number_names_file_line_and_column() {
        let e = read("code,commune,epci,departement,population,poverty_rate\nA,c,e,01,10,1\nB,c,e,01,10,abc\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.csv") && e.contains("ligne 3") && e.contains("poverty_rate"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_header_and_an_unknown_column_are_refused() {
        assert!(read("code,commune,dep,departement,population,poverty_rate\n").is_err());
        let e = read("code,commune,epci,departement,population,povrety_rate\nA,c,e,01,1,2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("povrety_rate"), "{e}");
    }

    #[test]
    fn a_duplicated_code_is_refused() {
        let e = read(
            "code,commune,epci,departement,population,poverty_rate\nA,c,e,01,1,2\nA,c,e,01,1,2\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("ligne 3") && e.contains("ligne 2"), "{e}");
    }

    #[test]
    fn a_row_with_a_missing_field_names_its_line_and_the_missing_column() {
        let e = read(
            "code,commune,epci,departement,population,poverty_rate\nA,c,e,01,1,2\nB,c,e,01,1\n",
        )
        .unwrap_err();
        match e {
            CoreError::Table { line, column, .. } => {
                assert_eq!((line, column.as_str()), (3, "poverty_rate"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_negative_population_is_refused() {
        assert!(
            read("code,commune,epci,departement,population,poverty_rate\nA,c,e,01,-1,2\n").is_err()
        );
    }
}
