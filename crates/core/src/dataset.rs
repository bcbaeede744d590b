//! Base units and their raw indicator values.

use std::collections::{HashMap, HashSet};

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::error::{CoreResult, DatasetError};
use crate::level::Level;

/// Code of the pseudo-EPCI that gathers communes belonging to no EPCI (some islands).
pub const NO_EPCI_CODE: &str = "ZZZZZZZZZ";

/// The mark of an estimate from `level`: 1 + its position in [`Level::ALL`] (0 = published).
fn level_mark(level: Level) -> u8 {
    Level::ALL
        .iter()
        .position(|l| *l == level)
        .map_or(0, |i| i as u8 + 1)
}

/// A base unit: an IRIS, or a commune not split into IRIS (IRIS code = commune code + `0000`).
///
/// All codes are text: leading zeros, `2A`/`2B`, `97x`, 9-character IRIS and SIREN codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseUnit {
    /// IRIS code (9 characters for real data).
    pub code: String,
    /// IRIS name (or commune name for a commune not split into IRIS).
    pub name: String,
    /// Commune (or municipal arrondissement) code.
    pub commune: String,
    /// EPCI SIREN; empty or [`NO_EPCI_CODE`] when the commune belongs to none.
    pub epci: String,
    /// Département code.
    pub departement: String,
    /// Région code (may be empty when unknown).
    pub region: String,
    /// Population (municipal population of the vintage used).
    pub population: f64,
}

impl BaseUnit {
    /// The code of the territory of `level` this unit belongs to.
    ///
    /// ```
    /// use ifn_core::{BaseUnit, Level};
    /// let u = BaseUnit { code: "010010000".into(), name: "L'Abergement".into(), commune: "01001".into(),
    ///     epci: "".into(), departement: "01".into(), region: "84".into(), population: 776.0 };
    /// assert_eq!(u.code_at(Level::Epci), "ZZZZZZZZZ");
    /// ```
    pub fn code_at(&self, level: Level) -> &str {
        match level {
            Level::Iris => &self.code,
            Level::Commune => &self.commune,
            Level::Epci if self.epci.is_empty() => NO_EPCI_CODE,
            Level::Epci => &self.epci,
            Level::Departement => &self.departement,
            Level::Region => &self.region,
        }
    }
}

/// Names of territories above the base unit, per level (`code → name`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Names(pub HashMap<Level, HashMap<String, String>>);

impl Names {
    /// Sets the name of a territory.
    pub fn insert(&mut self, level: Level, code: impl Into<String>, name: impl Into<String>) {
        self.0
            .entry(level)
            .or_default()
            .insert(code.into(), name.into());
    }

    /// The name of a territory, if known.
    pub fn get(&self, level: Level, code: &str) -> Option<&str> {
        self.0.get(&level)?.get(code).map(String::as_str)
    }
}

/// Base units × indicators: the raw values the method ranks. Missing values are `NaN`
/// (statistical secrecy, no data), never zero.
#[derive(Debug, Clone)]
pub struct Dataset {
    units: Vec<BaseUnit>,
    indicators: Vec<String>,
    values: Array2<f64>,
    names: Names,
    /// Statistical secrecy: for each value estimated from an enclosing territory, that
    /// territory's level (see [`Dataset::estimated_from`]); None when no value is estimated.
    estimates: Option<std::sync::Arc<Array2<u8>>>,
}

impl Dataset {
    /// Builds a dataset, checking it: one row of `values` per unit and one column per indicator,
    /// unit codes and indicator keys unique, populations finite and ≥ 0, values finite or NaN.
    pub fn new(
        units: Vec<BaseUnit>,
        indicators: Vec<String>,
        values: Array2<f64>,
        names: Names,
    ) -> CoreResult<Dataset> {
        if values.nrows() != units.len() || values.ncols() != indicators.len() {
            return Err(DatasetError::Shape {
                rows: values.nrows(),
                columns: values.ncols(),
                units: units.len(),
                indicators: indicators.len(),
            }
            .into());
        }
        let mut seen = HashSet::new();
        for u in &units {
            if !seen.insert(u.code.as_str()) {
                return Err(DatasetError::DuplicateUnit {
                    code: u.code.clone(),
                }
                .into());
            }
            if !u.population.is_finite() || u.population < 0.0 {
                return Err(DatasetError::Population {
                    code: u.code.clone(),
                    population: u.population,
                }
                .into());
            }
        }
        let mut keys = HashSet::new();
        for k in &indicators {
            if !keys.insert(k.as_str()) {
                return Err(DatasetError::DuplicateIndicator { key: k.clone() }.into());
            }
        }
        for ((row, col), v) in values.indexed_iter() {
            if v.is_infinite() {
                return Err(DatasetError::InfiniteValue {
                    unit: units[row].code.clone(),
                    indicator: indicators[col].clone(),
                }
                .into());
            }
        }
        Ok(Dataset {
            units,
            indicators,
            values,
            names,
            estimates: None,
        })
    }

    /// Marks values as *estimated* (statistical secrecy): each `(unit, indicator, level)`
    /// says that the value of unit row `unit`, indicator column `indicator`, is not published
    /// for the unit and was taken from its enclosing territory of `level`.
    ///
    /// ```
    /// # use ifn_core::{BaseUnit, Dataset, Level};
    /// # let u = BaseUnit { code: "010010000".into(), name: "A".into(), commune: "01001".into(),
    /// #     epci: "200000000".into(), departement: "01".into(), region: "84".into(), population: 10.0 };
    /// let d = Dataset::new(vec![u], vec!["poverty_rate".into()], ndarray::arr2(&[[12.0]]), Default::default())
    ///     .unwrap()
    ///     .with_estimates([(0, 0, Level::Departement)])
    ///     .unwrap();
    /// assert_eq!(d.estimated_from(0, 0), Some(Level::Departement));
    /// ```
    pub fn with_estimates(
        mut self,
        marks: impl IntoIterator<Item = (usize, usize, Level)>,
    ) -> CoreResult<Dataset> {
        let mut m = Array2::<u8>::zeros(self.values.dim());
        let mut any = false;
        for (row, col, level) in marks {
            let Some(cell) = m.get_mut((row, col)) else {
                return Err(DatasetError::Shape {
                    rows: row + 1,
                    columns: col + 1,
                    units: self.units.len(),
                    indicators: self.indicators.len(),
                }
                .into());
            };
            *cell = level_mark(level);
            any = true;
        }
        self.estimates = any.then(|| std::sync::Arc::new(m));
        Ok(self)
    }

    /// The level of the territory a value was estimated from (statistical secrecy), or None
    /// for a published (or missing) value.
    pub fn estimated_from(&self, unit: usize, indicator: usize) -> Option<Level> {
        let m = *self.estimates.as_ref()?.get((unit, indicator))?;
        Level::ALL.get(usize::from(m).checked_sub(1)?).copied()
    }

    /// True when some value is estimated.
    pub fn has_estimates(&self) -> bool {
        self.estimates.is_some()
    }

    /// The base units, in input order.
    pub fn units(&self) -> &[BaseUnit] {
        &self.units
    }

    /// The indicator keys (columns of [`Dataset::values`]).
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }

    /// Column index of an indicator.
    pub fn indicator_index(&self, key: &str) -> Option<usize> {
        self.indicators.iter().position(|k| k == key)
    }

    /// Raw values, units × indicators, NaN for missing.
    pub fn values(&self) -> &Array2<f64> {
        &self.values
    }

    /// Names of the territories above the base units.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// Display name of a territory: the base unit's name for IRIS, the name table otherwise,
    /// the code itself when no name is known.
    pub fn name_of(&self, level: Level, code: &str) -> String {
        if let Some(n) = self.names.get(level, code) {
            return n.to_string();
        }
        if level == Level::Iris {
            if let Some(u) = self.units.iter().find(|u| u.code == code) {
                return u.name.clone();
            }
        }
        if level == Level::Epci && code == NO_EPCI_CODE {
            return "Communes sans EPCI".to_string();
        }
        code.to_string()
    }
}
