//! Reading a file of local indicators and the TOML beside it.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use ndarray::Array2;
use serde::Deserialize;

use super::{LocalIndicators, LocalOptions, Sidecar, LOCAL_PRODUCER};
use crate::catalogue::IndicatorDef;
use crate::error::{CoreError, CoreResult};
use crate::rules::MISSING_TOKENS;
use crate::table::parse_cell;

/// The TOML beside the CSV.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarFile {
    #[serde(default)]
    indicators: BTreeMap<String, SidecarIndicator>,
}

/// One `[indicators.<column>]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarIndicator {
    label: Option<String>,
    unit: Option<String>,
    definition: Option<String>,
    source: Option<String>,
    vintage: Option<String>,
    higher_is_fragile: Option<bool>,
}

/// An error of `file` at `line`, `column`.
fn error(file: &str, line: u64, column: &str, message: String) -> CoreError {
    CoreError::LocalIndicators {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message,
    }
}

/// The missing-value tokens, as a French list for messages.
fn missing_tokens_fr() -> String {
    let mut t: Vec<&str> = MISSING_TOKENS
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect();
    t.insert(0, "cellule vide");
    t.join(", ")
}

/// Whether a column name can be an indicator key: it goes into `--indicators`, `--weights`,
/// URLs and export column names, so ASCII letters, digits, `_` and `-`, starting with a letter.
fn valid_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// 1-based line of a byte offset of `text`.
fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

impl LocalIndicators {
    /// Reads a CSV of local indicators (see the [module docs](super)), with the TOML beside it
    /// when there is one and the command-line `options`. `origin` names the CSV in messages
    /// and is the default source of its indicators.
    ///
    /// Errors ([`CoreError::LocalIndicators`]) name the file, the line and the column: no
    /// `code` column, no value column, a column name that cannot be a key or appears twice, an
    /// empty or repeated code, a cell that is neither a number nor a missing value, a TOML
    /// table for a column the CSV does not have, options given for a file of several columns.
    ///
    /// ```
    /// use ifn_core::local::{LocalIndicators, LocalOptions, Sidecar};
    /// let toml = "[indicators.illectronisme]\nlabel = \"Illectronisme\"\nunit = \"%\"\n";
    /// let sidecar = Sidecar { text: toml, origin: "illectronisme.toml" };
    /// let l = LocalIndicators::read("code,illectronisme\n01001,12.5\n".as_bytes(),
    ///     "illectronisme.csv", Some(sidecar), &LocalOptions::default()).unwrap();
    /// assert_eq!(l.definitions()[0].label, "Illectronisme");
    ///
    /// let e = LocalIndicators::read("code,illectronisme\n01001,douze\n".as_bytes(),
    ///     "illectronisme.csv", None, &LocalOptions::default()).unwrap_err().to_string();
    /// assert!(e.starts_with("illectronisme.csv : ligne 2, colonne « illectronisme »"), "{e}");
    /// ```
    pub fn read(
        mut input: impl Read,
        origin: &str,
        sidecar: Option<Sidecar<'_>>,
        options: &LocalOptions,
    ) -> CoreResult<LocalIndicators> {
        let err = |line: u64, column: &str, message: String| error(origin, line, column, message);
        let mut text = String::new();
        input.read_to_string(&mut text).map_err(|e| {
            err(
                1,
                "-",
                format!("illisible comme texte UTF-8 ({e}) : enregistrez le fichier en CSV UTF-8"),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let header_line = text.lines().next().unwrap_or("");
        let sep = if header_line.matches(';').count() > header_line.matches(',').count() {
            b';'
        } else {
            b','
        };
        let decimal_comma = sep == b';';
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&e, &[], origin))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let code_col = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case("code"))
            .ok_or_else(|| {
                err(
                    1,
                    "code",
                    format!(
                        "pas de colonne « code » : la première ligne doit nommer la colonne des \
                         codes INSEE (IRIS ou commune) puis les colonnes de valeurs ; colonnes \
                         lues : {}",
                        headers.join(", ")
                    ),
                )
            })?;
        let mut columns: Vec<(usize, String)> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if i == code_col {
                continue;
            }
            if h.eq_ignore_ascii_case("code") {
                return Err(err(1, h, "deux colonnes « code »".into()));
            }
            if !valid_key(h) {
                let shown = if h.is_empty() {
                    format!("n° {}", i + 1)
                } else {
                    h.clone()
                };
                return Err(err(
                    1,
                    &shown,
                    "un nom de colonne devient la clé de l'indicateur : lettres ASCII, chiffres, \
                     « _ » et « - » seulement, en commençant par une lettre (par exemple \
                     taux_illectronisme)"
                        .into(),
                ));
            }
            if columns.iter().any(|(_, k)| k == h) {
                return Err(err(1, h, "la colonne apparaît deux fois".into()));
            }
            columns.push((i, h.clone()));
        }
        if columns.is_empty() {
            return Err(err(
                1,
                "-",
                "aucune colonne de valeurs : ajoutez après « code » une colonne par indicateur, \
                 nommée par sa clé (par exemple code,illectronisme)"
                    .into(),
            ));
        }
        let described = match sidecar {
            Some(s) => read_sidecar(s, origin, &columns)?,
            None => BTreeMap::new(),
        };
        if !options.is_empty() && columns.len() != 1 {
            return Err(err(
                1,
                "-",
                format!(
                    "--indicator-label, --indicator-unit et --lower-is-fragile ne valent que pour \
                     un fichier à une seule colonne de valeurs ; celui-ci en a {} ({}) : décrivez \
                     chacune dans le fichier TOML à côté du CSV ([indicators.{}] label = …, \
                     unit = …, higher_is_fragile = …)",
                    columns.len(),
                    columns
                        .iter()
                        .map(|(_, k)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    columns[0].1
                ),
            ));
        }
        let defs = columns
            .iter()
            .map(|(_, key)| definition(key, described.get(key), options, origin))
            .collect();

        let mut codes = Vec::new();
        let mut lines = Vec::new();
        let mut cells: Vec<f64> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| csv_error(&e, &headers, origin))?;
            // The csv reader counts lines from 1; a record always has a position.
            let line = rec.position().map_or(1, |p| p.line().max(1));
            let code = rec.get(code_col).unwrap_or("").trim().to_string();
            if code.is_empty() {
                return Err(err(line, &headers[code_col], "code vide".into()));
            }
            if let Some(first) = seen.insert(code.clone(), line) {
                return Err(err(
                    line,
                    &headers[code_col],
                    format!("le code « {code} » apparaît déjà ligne {first}"),
                ));
            }
            for (i, key) in &columns {
                let cell = rec.get(*i).unwrap_or("");
                match parse_cell(cell, decimal_comma) {
                    Ok(v) => cells.push(v.unwrap_or(f64::NAN)),
                    Err(e) => {
                        return Err(err(
                            line,
                            key,
                            format!(
                                "« {} » n'est pas un nombre (valeurs manquantes : {}){}",
                                e.text,
                                missing_tokens_fr(),
                                if !decimal_comma && e.text.contains(',') {
                                    " ; une virgule décimale demande le séparateur « ; »"
                                } else {
                                    ""
                                }
                            ),
                        ))
                    }
                }
            }
            codes.push(code);
            lines.push(line);
        }
        if codes.is_empty() {
            return Err(err(
                2,
                "-",
                "le fichier a une ligne d'en-tête mais aucune ligne de valeurs".into(),
            ));
        }
        let values = Array2::from_shape_vec((codes.len(), columns.len()), cells)
            .expect("one value pushed per row and value column");
        Ok(LocalIndicators {
            origin: origin.to_string(),
            defs,
            codes,
            lines,
            values,
        })
    }
}

/// The definition of column `key`: options, then TOML, then defaults.
fn definition(
    key: &str,
    toml: Option<&SidecarIndicator>,
    options: &LocalOptions,
    origin: &str,
) -> IndicatorDef {
    let toml = toml.cloned().unwrap_or_default();
    let higher_is_fragile = if options.lower_is_fragile {
        false
    } else {
        toml.higher_is_fragile.unwrap_or(true)
    };
    IndicatorDef {
        key: key.to_string(),
        label: options
            .label
            .clone()
            .or(toml.label)
            .unwrap_or_else(|| key.to_string()),
        definition: toml
            .definition
            .unwrap_or_else(|| format!("Indicateur local « {key} » lu dans {origin}.")),
        unit: options.unit.clone().or(toml.unit).unwrap_or_default(),
        producer: LOCAL_PRODUCER.to_string(),
        source: toml.source.unwrap_or_else(|| origin.to_string()),
        vintage: toml.vintage.unwrap_or_default(),
        higher_is_fragile,
    }
}

/// Parses the TOML beside the CSV, refusing tables for columns the CSV does not have.
fn read_sidecar(
    s: Sidecar<'_>,
    csv_origin: &str,
    columns: &[(usize, String)],
) -> CoreResult<BTreeMap<String, SidecarIndicator>> {
    let parsed: SidecarFile = toml::from_str(s.text).map_err(|e| {
        let line = e.span().map_or(1, |r| line_of(s.text, r.start));
        error(
            s.origin,
            line,
            "-",
            format!(
                "TOML invalide : {} (format attendu : [indicators.<colonne>] avec label, unit, \
                 higher_is_fragile, definition, source, vintage)",
                e.message().trim()
            ),
        )
    })?;
    for key in parsed.indicators.keys() {
        if !columns.iter().any(|(_, k)| k == key) {
            let header = format!("indicators.{key}");
            let line = s
                .text
                .lines()
                .position(|l| l.contains(&header))
                .map_or(1, |i| i as u64 + 1);
            return Err(error(
                s.origin,
                line,
                key,
                format!(
                    "[indicators.{key}] décrit une colonne absente de {csv_origin} ; colonnes de \
                     valeurs : {}",
                    columns
                        .iter()
                        .map(|(_, k)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(parsed.indicators)
}

/// A csv error as a [`CoreError::LocalIndicators`] with its line and the column it concerns.
fn csv_error(e: &csv::Error, headers: &[String], origin: &str) -> CoreError {
    let line = e.position().map_or(1, |p| p.line().max(1));
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            // The first missing column, or the first extra field.
            let at = (*len).min(*expected_len) as usize;
            let column = headers.get(at).map_or("-", String::as_str);
            error(
                origin,
                line,
                column,
                format!(
                    "{len} champs alors que l'en-tête a {expected_len} colonnes (un séparateur \
                     en trop ou manquant ?)"
                ),
            )
        }
        _ => error(origin, line, "-", format!("CSV mal formé : {e}")),
    }
}
