//! The scoring engine: classes computed once, totals and roll-ups on demand.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ndarray::{Array2, Axis as NdAxis};
use rayon::prelude::*;
use serde::Serialize;
use tracing::debug;

use crate::catalogue::Catalogue;
use crate::classes::{decile_classes_grouped, MISSING};
use crate::dataset::Dataset;
use crate::error::{CoreError, CoreResult, DatasetError};
use crate::level::Level;
use crate::selection::{Reference, Selection, SelectionContext};

mod grouping;
mod kernel;
mod pairs;
mod reweighter;
mod rollup;
mod sums;
#[cfg(test)]
mod tests;
mod units;

use grouping::Grouping;
pub use reweighter::{Reweighter, ReweighterScratch};
use sums::{ColumnWeights, LevelSums, Patterns};

/// Units per rayon task when computing unit totals on the slow path.
const CHUNK: usize = 2048;

/// Scores of the base units for one selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScores {
    /// Total of each base unit (NaN when none of the selected indicators is present).
    pub total: Vec<f64>,
    /// Number of selected indicators (with a weight > 0) present for each unit.
    pub used: Vec<u8>,
}

/// Scores of every territory of one level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelScores {
    /// The level.
    pub level: Level,
    /// Territory codes (base units in dataset order; other levels sorted by code). Shared
    /// between score sets of the same level, so a re-weighting copies no string.
    pub codes: Arc<[String]>,
    /// Territory names, in the order of `codes`.
    pub names: Arc<[String]>,
    /// Population (sum of base units), in the order of `codes`.
    pub population: Arc<[f64]>,
    /// Total score, full precision; NaN when no indicator is present.
    pub total: Vec<f64>,
    /// Selected indicator keys (columns of `classes` and `raw`).
    pub indicators: Vec<String>,
    /// Class of each selected indicator (base units: 1..10; other levels: population-weighted
    /// mean of the base units' classes); NaN when missing. Shared with the engine's cache: it
    /// depends on the indicators and the reference set, not on the weights.
    pub classes: Arc<Array2<f64>>,
    /// Raw value of each selected indicator (other levels: population-weighted mean).
    pub raw: Arc<Array2<f64>>,
    /// Number of selected indicators with a value for the territory.
    pub used: Vec<u8>,
}

impl LevelScores {
    /// Row of a territory code.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    /// Number of territories.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there is no territory.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// The scoring engine over one dataset.
///
/// Classes depend only on the data and the reference set: they are computed once per reference
/// (France eagerly, the others on first use) together with their roll-ups. Per level, the
/// classes are also summed by territory and *presence pattern* (which indicators a unit has;
/// units of one pattern share the denominator of their weighted mean), so a new weight set
/// or indicator selection costs a pass over (territory, pattern) pairs, not over the units;
/// a level with nearly as many pairs as units (communes) rolls the unit totals up instead,
/// which reads less memory (see `engine/sums.rs`). Both passes run over column-major data a
/// block of rows at a time (see `engine/kernel.rs`).
#[derive(Debug)]
pub struct Engine {
    dataset: Dataset,
    catalogue: Catalogue,
    groupings: HashMap<Level, Grouping>,
    /// Codes, names and populations of the base units, shared by every IRIS score set.
    unit_codes: Arc<[String]>,
    unit_names: Arc<[String]>,
    unit_population: Arc<[f64]>,
    classes: [OnceLock<Array2<u8>>; 3],
    class_rollups: [[OnceLock<Array2<f64>>; 4]; 3],
    raw_rollups: [OnceLock<Array2<f64>>; 4],
    /// Presence patterns of the base units, per reference set (see `sums`).
    patterns: [OnceLock<Patterns>; 3],
    /// (territory, pattern) sums of the classes, per reference set and level above IRIS.
    level_sums: [[OnceLock<LevelSums>; 4]; 3],
    /// Class and raw columns of recent indicator selections, per (reference, level, columns):
    /// moving a weight slider reuses them.
    columns_cache: Mutex<HashMap<ColumnsKey, ColumnsPair>>,
}

type ColumnsKey = (Reference, Level, Vec<usize>);
/// Classes and raw values of a level's territories (territories × columns).
pub type ColumnsPair = (Arc<Array2<f64>>, Arc<Array2<f64>>);

/// Entries kept in the columns cache before it is emptied.
const COLUMNS_CACHE_CAP: usize = 64;

fn reference_slot(r: Reference) -> usize {
    match r {
        Reference::France => 0,
        Reference::Departement => 1,
        Reference::Region => 2,
    }
}

fn level_slot(l: Level) -> usize {
    match l {
        Level::Iris | Level::Commune => 0,
        Level::Epci => 1,
        Level::Departement => 2,
        Level::Region => 3,
    }
}

impl Engine {
    /// Builds the engine and computes the classes over all of France.
    pub fn new(dataset: Dataset, catalogue: Catalogue) -> Engine {
        let mut groupings = HashMap::new();
        for level in [
            Level::Commune,
            Level::Epci,
            Level::Departement,
            Level::Region,
        ] {
            if level == Level::Region && dataset.units().iter().any(|u| u.region.is_empty()) {
                continue;
            }
            groupings.insert(level, Grouping::new(&dataset, level));
        }
        let unit_codes = dataset.units().iter().map(|u| u.code.clone()).collect();
        let unit_names = dataset.units().iter().map(|u| u.name.clone()).collect();
        let unit_population = dataset.units().iter().map(|u| u.population).collect();
        let engine = Engine {
            dataset,
            catalogue,
            groupings,
            unit_codes,
            unit_names,
            unit_population,
            classes: Default::default(),
            class_rollups: Default::default(),
            raw_rollups: Default::default(),
            patterns: Default::default(),
            level_sums: Default::default(),
            columns_cache: Mutex::new(HashMap::new()),
        };
        // France classes are always needed: compute them now, not on the first request.
        let _ = engine.classes(Reference::France);
        engine
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Whether the dataset can produce this level.
    pub fn has_level(&self, level: Level) -> bool {
        level == Level::Iris || self.groupings.contains_key(&level)
    }

    fn grouping(&self, level: Level) -> CoreResult<&Grouping> {
        self.groupings
            .get(&level)
            .ok_or_else(|| CoreError::LevelUnavailable {
                level: level.to_string(),
                reason: "des unités de base n'ont pas de code à cette échelle (une table sans colonne « region » ?)".into(),
            })
    }

    /// Codes of the territories of a level (base units in dataset order, others sorted).
    pub fn codes(&self, level: Level) -> CoreResult<Vec<&str>> {
        if level == Level::Iris {
            return Ok(self
                .dataset
                .units()
                .iter()
                .map(|u| u.code.as_str())
                .collect());
        }
        Ok(self
            .grouping(level)?
            .codes
            .iter()
            .map(String::as_str)
            .collect())
    }

    /// Indices of the base units of a territory (empty when the code is unknown).
    pub fn members(&self, level: Level, code: &str) -> Vec<usize> {
        if level == Level::Iris {
            return self
                .dataset
                .units()
                .iter()
                .position(|u| u.code == code)
                .into_iter()
                .collect();
        }
        let Ok(g) = self.grouping(level) else {
            return Vec::new();
        };
        let Some(&gi) = g.index.get(code) else {
            return Vec::new();
        };
        g.of_unit
            .iter()
            .enumerate()
            .filter(|(_, &x)| x == gi)
            .map(|(i, _)| i)
            .collect()
    }

    /// Classes of every base unit and every indicator of the dataset for a reference set
    /// (units × indicators, 0 for missing).
    pub fn classes(&self, reference: Reference) -> CoreResult<&Array2<u8>> {
        let slot = &self.classes[reference_slot(reference)];
        if let Some(c) = slot.get() {
            return Ok(c);
        }
        let (groups, n_groups): (Vec<u32>, usize) = match reference {
            Reference::France => (vec![0; self.dataset.units().len()], 1),
            Reference::Departement => {
                let g = self.grouping(Level::Departement)?;
                (g.of_unit.clone(), g.codes.len())
            }
            Reference::Region => {
                let g = self.grouping(Level::Region)?;
                (g.of_unit.clone(), g.codes.len())
            }
        };
        let values = self.dataset.values();
        let columns: Vec<Vec<u8>> = (0..values.ncols())
            .into_par_iter()
            .map(|j| {
                let higher = self
                    .catalogue
                    .indicator(&self.dataset.indicators()[j])
                    .is_none_or(|d| d.higher_is_fragile);
                let col: Vec<f64> = values
                    .column(j)
                    .iter()
                    .map(|&v| if higher { v } else { -v })
                    .collect();
                decile_classes_grouped(&col, &groups, n_groups)
            })
            .collect();
        let n = values.nrows();
        let m = values.ncols();
        let classes = Array2::from_shape_fn((n, m), |(i, j)| columns[j][i]);
        debug!(reference = %reference, units = n, indicators = m, "classes computed");
        Ok(slot.get_or_init(|| classes))
    }

    /// Totals of every base unit for a selection.
    pub fn unit_scores(&self, selection: &Selection) -> CoreResult<UnitScores> {
        let classes = self.classes(selection.reference)?;
        let cols = self.columns_of(selection)?;
        let n = self.dataset.units().len();
        let mut total = vec![f64::NAN; n];
        let mut used = vec![0u8; n];
        match self.patterns(selection.reference)? {
            Some(patterns) => {
                let w = ColumnWeights::new(classes.ncols(), &cols, &selection.weights, patterns);
                patterns.columns.totals_par(patterns, &w, &mut total);
                // One count per pattern, then a look-up per unit: without a `popcnt`
                // instruction in the baseline x86-64 target, a count per unit costs more than
                // its total.
                let of_pattern: Vec<u8> = patterns
                    .masks
                    .iter()
                    .map(|m| (m & w.positive).count_ones() as u8)
                    .collect();
                for (u, &p) in used.iter_mut().zip(&patterns.of_unit) {
                    *u = of_pattern[p as usize];
                }
            }
            None => {
                self.unit_totals_slow(classes, &cols, &selection.weights, &mut total, &mut used)
            }
        }
        Ok(UnitScores { total, used })
    }

    /// Presence patterns under a reference set; `None` when the dataset has too many
    /// indicator columns for the pattern masks.
    fn patterns(&self, reference: Reference) -> CoreResult<Option<&Patterns>> {
        if self.dataset.indicators().len() > sums::MAX_COLUMNS {
            return Ok(None);
        }
        let slot = &self.patterns[reference_slot(reference)];
        if let Some(p) = slot.get() {
            return Ok(Some(p));
        }
        let p = Patterns::new(self.classes(reference)?);
        Ok(Some(slot.get_or_init(|| p)))
    }

    /// Patterns and (territory, pattern) sums of a level above IRIS; `None` on the slow path.
    fn level_sums(
        &self,
        reference: Reference,
        level: Level,
    ) -> CoreResult<Option<(&Patterns, &LevelSums)>> {
        let Some(patterns) = self.patterns(reference)? else {
            return Ok(None);
        };
        let slot = &self.level_sums[reference_slot(reference)][level_slot(level)];
        if let Some(s) = slot.get() {
            return Ok(Some((patterns, s)));
        }
        let g = self.grouping(level)?;
        let s = LevelSums::new(
            self.classes(reference)?,
            patterns,
            &g.of_unit,
            g.codes.len(),
            &self.unit_population,
            None,
        );
        debug!(reference = %reference, level = %level, "per-pattern sums computed");
        Ok(Some((patterns, slot.get_or_init(|| s))))
    }

    /// Totals of every territory of a level for a selection, without the classes and raw
    /// values of [`Engine::score`]: what re-weighting and rank analyses need.
    pub fn level_totals(&self, level: Level, selection: &Selection) -> CoreResult<Vec<f64>> {
        let cols = self.columns_of(selection)?;
        self.reweighter(level, selection.reference, &cols)?
            .totals_par(&selection.weights)
    }

    /// A [`Reweighter`]: totals of a level for many weight sets over the same indicator
    /// columns (dataset column indices) and reference set.
    pub fn reweighter(
        &self,
        level: Level,
        reference: Reference,
        cols: &[usize],
    ) -> CoreResult<Reweighter<'_>> {
        Reweighter::new(self, level, reference, cols)
    }

    /// Dataset column of each selected indicator.
    pub fn columns_of(&self, selection: &Selection) -> CoreResult<Vec<usize>> {
        selection
            .indicators
            .iter()
            .map(|k| {
                self.dataset
                    .indicator_index(k)
                    .ok_or_else(|| CoreError::IndicatorWithoutData {
                        key: k.clone(),
                        available: self.dataset.indicators().join(", "),
                    })
            })
            .collect()
    }

    /// Scores of every territory of a level for a selection.
    pub fn score(&self, level: Level, selection: &Selection) -> CoreResult<LevelScores> {
        self.score_from(level, selection, None)
    }

    /// Like [`Engine::score`], reusing base-unit totals already computed for this selection
    /// (to score several levels). `units` must be `unit_scores(selection)`: at IRIS level they
    /// are the result; above it, levels with many (territory, presence pattern) pairs for
    /// their units roll these totals up, and the others take their totals from the
    /// weight-independent per-pattern sums (the same population-weighted mean of the unit
    /// totals, to rounding): either way no unit total is computed twice. The totals are the
    /// same bits as [`Engine::score`]'s.
    pub fn score_with(
        &self,
        level: Level,
        selection: &Selection,
        units: &UnitScores,
    ) -> CoreResult<LevelScores> {
        self.score_from(level, selection, Some(units))
    }

    /// Scores of a level; the unit totals are computed here when not given and needed (at
    /// IRIS level and on the slow path).
    fn score_from(
        &self,
        level: Level,
        selection: &Selection,
        units: Option<&UnitScores>,
    ) -> CoreResult<LevelScores> {
        let computed;
        let units = match units {
            Some(u) => Some(u),
            None if level == Level::Iris
                || self.level_sums(selection.reference, level)?.is_none() =>
            {
                computed = self.unit_scores(selection)?;
                Some(&computed)
            }
            None => None,
        };
        let cols = self.columns_of(selection)?;
        let (classes, raw) = self.selected_columns(level, selection.reference, &cols)?;
        let weights = &selection.weights;
        let used_of = |t: usize| -> u8 {
            classes
                .row(t)
                .iter()
                .zip(weights)
                .filter(|(c, &w)| !c.is_nan() && w > 0.0)
                .count() as u8
        };
        if let (Level::Iris, Some(units)) = (level, units) {
            return Ok(LevelScores {
                level,
                codes: Arc::clone(&self.unit_codes),
                names: Arc::clone(&self.unit_names),
                population: Arc::clone(&self.unit_population),
                total: units.total.clone(),
                indicators: selection.indicators.clone(),
                classes,
                raw,
                used: units.used.clone(),
            });
        }
        let g = self.grouping(level)?;
        let (total, used) = match self.level_sums(selection.reference, level)? {
            Some((patterns, sums)) => {
                let w =
                    ColumnWeights::new(self.dataset.indicators().len(), &cols, weights, patterns);
                let used = sums.used(&w);
                let units = units.map(|u| u.total.as_slice());
                (Self::plan_totals(patterns, sums, &w, units)?, used)
            }
            None => {
                let units = units.ok_or_else(|| {
                    CoreError::from(DatasetError::Missing {
                        what: "unit totals",
                    })
                })?;
                (
                    self.rollup(g, |i| units.total[i]),
                    (0..g.codes.len()).map(used_of).collect(),
                )
            }
        };
        Ok(LevelScores {
            level,
            codes: Arc::clone(&g.codes),
            names: Arc::clone(&g.names),
            population: Arc::clone(&g.population),
            total,
            indicators: selection.indicators.clone(),
            classes,
            raw,
            used,
        })
    }

    /// Totals of a level on its plan (see `sums::Plan`), computing the unit totals when the
    /// plan rolls them up and `units` (the unit totals of this weight set) is not given.
    fn plan_totals(
        patterns: &Patterns,
        sums: &LevelSums,
        w: &ColumnWeights,
        units: Option<&[f64]>,
    ) -> CoreResult<Vec<f64>> {
        match units {
            None if sums.needs_unit_totals() => {
                let mut u = vec![f64::NAN; patterns.columns.len()];
                patterns.columns.totals_par(patterns, w, &mut u);
                sums.totals_par(w, Some(&u))
            }
            _ => sums.totals_par(w, units),
        }
    }

    /// Class and raw-value columns of a level for some indicator columns, cached.
    /// Classes and raw values of **every** indicator of the dataset for the territories of a
    /// level (rows in [`Engine::codes`] order, columns in [`Dataset::indicators`] order; NaN
    /// when missing), as [`LevelScores::classes`] and [`LevelScores::raw`] give them for a
    /// selection. Used to publish a level whatever the selection (`ifn site`).
    pub fn level_columns(&self, level: Level, reference: Reference) -> CoreResult<ColumnsPair> {
        let cols: Vec<usize> = (0..self.dataset.indicators().len()).collect();
        self.selected_columns(level, reference, &cols)
    }

    fn selected_columns(
        &self,
        level: Level,
        reference: Reference,
        cols: &[usize],
    ) -> CoreResult<ColumnsPair> {
        let key = (reference, level, cols.to_vec());
        if let Some(hit) = self.lock_cache().get(&key) {
            return Ok((Arc::clone(&hit.0), Arc::clone(&hit.1)));
        }
        let pair = if level == Level::Iris {
            let classes = self.classes(reference)?;
            let values = self.dataset.values();
            let n = self.dataset.units().len();
            let cls =
                Array2::from_shape_fn((n, cols.len()), |(i, k)| match classes[(i, cols[k])] {
                    MISSING => f64::NAN,
                    c => f64::from(c),
                });
            let raw = Array2::from_shape_fn((n, cols.len()), |(i, k)| values[(i, cols[k])]);
            (Arc::new(cls), Arc::new(raw))
        } else {
            let cls_all = self.class_rollup(reference, level)?;
            let raw_all = self.raw_rollup(level)?;
            (
                Arc::new(cls_all.select(NdAxis(1), cols)),
                Arc::new(raw_all.select(NdAxis(1), cols)),
            )
        };
        let mut cache = self.lock_cache();
        if cache.len() >= COLUMNS_CACHE_CAP {
            cache.clear();
        }
        cache.insert(key, (Arc::clone(&pair.0), Arc::clone(&pair.1)));
        Ok(pair)
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, HashMap<ColumnsKey, ColumnsPair>> {
        // A panic while holding the lock cannot leave the map inconsistent (inserts are atomic
        // from the map's point of view), so a poisoned lock is still usable.
        self.columns_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn class_rollup(&self, reference: Reference, level: Level) -> CoreResult<&Array2<f64>> {
        let slot = &self.class_rollups[reference_slot(reference)][level_slot(level)];
        if let Some(r) = slot.get() {
            return Ok(r);
        }
        let classes = self.classes(reference)?;
        let g = self.grouping(level)?;
        let r = self.rollup_matrix(g, |i, j| match classes[(i, j)] {
            MISSING => f64::NAN,
            c => f64::from(c),
        });
        Ok(slot.get_or_init(|| r))
    }

    fn raw_rollup(&self, level: Level) -> CoreResult<&Array2<f64>> {
        let slot = &self.raw_rollups[level_slot(level)];
        if let Some(r) = slot.get() {
            return Ok(r);
        }
        let values = self.dataset.values();
        let g = self.grouping(level)?;
        let r = self.rollup_matrix(g, |i, j| values[(i, j)]);
        Ok(slot.get_or_init(|| r))
    }
}

impl SelectionContext for Engine {
    fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
    fn dataset(&self) -> &Dataset {
        &self.dataset
    }
}
