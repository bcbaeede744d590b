//! Matching local indicators to base units: own code first, else the commune's.

use std::collections::HashMap;

use ndarray::{concatenate, Array2, Axis};

use super::LocalIndicators;
use crate::catalogue::Catalogue;
use crate::dataset::Dataset;
use crate::error::{CoreError, CoreResult};

/// What [`LocalIndicators::apply`] did: the indicators added, the rows used, the codes that
/// matched nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalReport {
    /// The CSV file name.
    pub origin: String,
    /// Keys of the indicators added, in column order.
    pub indicators: Vec<String>,
    /// For each indicator, the number of base units with a value.
    pub units_with_value: Vec<usize>,
    /// Number of base units of the dataset.
    pub units: usize,
    /// Rows whose code is a base unit's code (an IRIS, or a commune not split into IRIS).
    pub unit_rows: usize,
    /// Rows whose code is a commune's code, spread to its base units.
    pub commune_rows: usize,
    /// Codes that match no base unit and no commune, in file order.
    pub unmatched: Vec<String>,
}

/// Where a row of the file goes.
enum Target {
    Unit(usize),
    Commune(String),
}

impl LocalIndicators {
    /// Adds the indicators of the file to a dataset and a catalogue: a new column per
    /// indicator, filled by the rule of the [module docs](super) (own code, else the commune's:
    /// same value for each IRIS of a commune), and a new context indicator in every profile.
    ///
    /// Refused (nothing is returned) when a column key is already an indicator of the catalogue
    /// or of the dataset, or when two rows name the same unit once leading zeros are restored.
    pub fn apply(
        &self,
        dataset: &Dataset,
        catalogue: &Catalogue,
    ) -> CoreResult<(Dataset, Catalogue, LocalReport)> {
        let err = |line: u64, column: &str, message: String| CoreError::LocalIndicators {
            file: self.origin.clone(),
            line,
            column: column.to_string(),
            message,
        };
        for def in &self.defs {
            if let Some(existing) = catalogue.indicator(&def.key) {
                return Err(err(
                    1,
                    &def.key,
                    format!(
                        "« {} » est déjà un indicateur du catalogue ({}) : renommez la colonne \
                         (par exemple {}_local)",
                        def.key, existing.label, def.key
                    ),
                ));
            }
            if dataset.indicator_index(&def.key).is_some() {
                return Err(err(
                    1,
                    &def.key,
                    format!(
                        "« {} » est déjà une colonne des données : renommez la colonne",
                        def.key
                    ),
                ));
            }
        }

        let units = dataset.units();
        let unit_index: HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.as_str(), i))
            .collect();
        let mut commune_units: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            commune_units.entry(u.commune.as_str()).or_default().push(i);
        }
        let target_of = |code: &str| -> Option<Target> {
            if let Some(&i) = unit_index.get(code) {
                Some(Target::Unit(i))
            } else if commune_units.contains_key(code) {
                Some(Target::Commune(code.to_string()))
            } else {
                None
            }
        };

        let mut report = LocalReport {
            origin: self.origin.clone(),
            indicators: self.defs.iter().map(|d| d.key.clone()).collect(),
            units: units.len(),
            ..Default::default()
        };
        // Resolved code → line, to refuse `1001` and `01001` in the same file.
        let mut resolved: HashMap<String, u64> = HashMap::new();
        let mut unit_rows: Vec<(usize, usize)> = Vec::new();
        let mut commune_rows: Vec<(String, usize)> = Vec::new();
        for (row, code) in self.codes.iter().enumerate() {
            let line = self.lines[row];
            let (target, as_code) = match target_of(code) {
                Some(t) => (Some(t), code.clone()),
                // Spreadsheets drop the leading zero of 01001 and 010010101.
                None if matches!(code.len(), 4 | 8) && code.bytes().all(|b| b.is_ascii_digit()) => {
                    let padded = format!("0{code}");
                    (target_of(&padded), padded)
                }
                None => (None, code.clone()),
            };
            let Some(target) = target else {
                report.unmatched.push(code.clone());
                continue;
            };
            if let Some(first) = resolved.insert(as_code.clone(), line) {
                return Err(err(
                    line,
                    "code",
                    format!(
                        "le code « {code} » (lu {as_code}) désigne la même unité que la ligne \
                         {first}"
                    ),
                ));
            }
            match target {
                Target::Unit(i) => unit_rows.push((i, row)),
                Target::Commune(c) => commune_rows.push((c, row)),
            }
        }
        report.unit_rows = unit_rows.len();
        report.commune_rows = commune_rows.len();

        let mut added = Array2::from_elem((units.len(), self.defs.len()), f64::NAN);
        // The commune's row first, so that a unit's own row wins.
        for (commune, row) in &commune_rows {
            for &i in commune_units.get(commune.as_str()).into_iter().flatten() {
                added.row_mut(i).assign(&self.values.row(*row));
            }
        }
        for &(i, row) in &unit_rows {
            added.row_mut(i).assign(&self.values.row(row));
        }
        report.units_with_value = added
            .columns()
            .into_iter()
            .map(|c| c.iter().filter(|v| !v.is_nan()).count())
            .collect();

        let values = concatenate(Axis(1), &[dataset.values().view(), added.view()])
            .expect("same number of rows");
        let mut keys = dataset.indicators().to_vec();
        keys.extend(report.indicators.iter().cloned());
        let new_dataset = Dataset::new(units.to_vec(), keys, values, dataset.names().clone())?;
        let mut new_catalogue = catalogue.clone();
        for def in &self.defs {
            new_catalogue.push_context_indicator(def.clone())?;
        }
        Ok((new_dataset, new_catalogue, report))
    }
}
