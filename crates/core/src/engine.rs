//! The scoring engine: classes computed once, totals and roll-ups on demand.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use ndarray::{Array2, Axis as NdAxis};
use rayon::prelude::*;
use serde::Serialize;
use tracing::debug;

use crate::catalogue::Catalogue;
use crate::classes::{decile_classes_grouped, MISSING};
use crate::dataset::Dataset;
use crate::error::{CoreError, CoreResult};
use crate::level::Level;
use crate::selection::{Reference, Selection, SelectionContext};

/// Units per rayon task when computing unit totals.
const CHUNK: usize = 2048;

/// The territories of one level above the base units and which unit belongs to which.
#[derive(Debug, Clone)]
struct Grouping {
    /// Territory codes, sorted.
    codes: Arc<[String]>,
    /// Display names, in the order of `codes`.
    names: Arc<[String]>,
    /// Index in `codes` of each base unit.
    of_unit: Vec<u32>,
    /// Population of each territory (sum of its units).
    population: Arc<[f64]>,
    /// Index of each code.
    index: HashMap<String, u32>,
}

impl Grouping {
    fn new(dataset: &Dataset, level: Level) -> Grouping {
        let mut map: BTreeMap<&str, u32> = BTreeMap::new();
        for u in dataset.units() {
            map.insert(u.code_at(level), 0);
        }
        let codes: Vec<String> = map.keys().map(|s| s.to_string()).collect();
        for (i, v) in map.values_mut().enumerate() {
            *v = i as u32;
        }
        let of_unit: Vec<u32> = dataset
            .units()
            .iter()
            .map(|u| map[u.code_at(level)])
            .collect();
        let mut population = vec![0.0; codes.len()];
        for (u, &g) in dataset.units().iter().zip(&of_unit) {
            population[g as usize] += u.population;
        }
        let index = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect();
        let names = codes.iter().map(|c| dataset.name_of(level, c)).collect();
        Grouping {
            codes: codes.into(),
            names,
            of_unit,
            population: population.into(),
            index,
        }
    }
}

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
/// (France eagerly, the others on first use) together with their roll-ups, so a new weight set
/// or indicator selection only recomputes the base-unit totals and their roll-ups.
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
    /// Class and raw columns of recent indicator selections, per (reference, level, columns):
    /// moving a weight slider reuses them.
    columns_cache: Mutex<HashMap<ColumnsKey, ColumnsPair>>,
}

type ColumnsKey = (Reference, Level, Vec<usize>);
type ColumnsPair = (Arc<Array2<f64>>, Arc<Array2<f64>>);

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
                reason: "some base units have no code at this level (a table without a 'region' column?)".into(),
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
        let weights = &selection.weights;
        let n = self.dataset.units().len();
        let mut total = vec![f64::NAN; n];
        let mut used = vec![0u8; n];
        total
            .par_chunks_mut(CHUNK)
            .zip(used.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(chunk, (t, u))| {
                for j in 0..t.len() {
                    let row = classes.row(chunk * CHUNK + j);
                    let (mut s, mut w, mut c) = (0.0, 0.0, 0u8);
                    for (&col, &wt) in cols.iter().zip(weights) {
                        let k = row[col];
                        if k != MISSING && wt > 0.0 {
                            s += wt * f64::from(k);
                            w += wt;
                            c += 1;
                        }
                    }
                    t[j] = if w > 0.0 { s / w } else { f64::NAN };
                    u[j] = c;
                }
            });
        Ok(UnitScores { total, used })
    }

    fn columns_of(&self, selection: &Selection) -> CoreResult<Vec<usize>> {
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
        let units = self.unit_scores(selection)?;
        self.score_with(level, selection, &units)
    }

    /// Like [`Engine::score`], reusing base-unit totals already computed for this selection
    /// (to roll the same totals up to several levels).
    pub fn score_with(
        &self,
        level: Level,
        selection: &Selection,
        units: &UnitScores,
    ) -> CoreResult<LevelScores> {
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
        if level == Level::Iris {
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
        let total = self.rollup(g, |i| units.total[i]);
        let used = (0..g.codes.len()).map(used_of).collect();
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

    /// Class and raw-value columns of a level for some indicator columns, cached.
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

    /// Population-weighted mean of a per-unit value over each territory of a grouping. Units
    /// whose value is missing are left out; a territory whose units all have population 0
    /// takes the plain mean; one with no value is NaN. Sequential in unit order, so the result
    /// does not depend on the number of threads.
    fn rollup(&self, g: &Grouping, value: impl Fn(usize) -> f64) -> Vec<f64> {
        let m = g.codes.len();
        let mut sw = vec![0.0; m];
        let mut w = vec![0.0; m];
        let mut su = vec![0.0; m];
        let mut n = vec![0u32; m];
        for (i, (u, &gi)) in self.dataset.units().iter().zip(&g.of_unit).enumerate() {
            let v = value(i);
            if v.is_nan() {
                continue;
            }
            let gi = gi as usize;
            sw[gi] += u.population * v;
            w[gi] += u.population;
            su[gi] += v;
            n[gi] += 1;
        }
        (0..m)
            .map(|t| {
                if w[t] > 0.0 {
                    sw[t] / w[t]
                } else if n[t] > 0 {
                    su[t] / f64::from(n[t])
                } else {
                    f64::NAN
                }
            })
            .collect()
    }

    fn rollup_matrix(
        &self,
        g: &Grouping,
        cell: impl Fn(usize, usize) -> f64 + Sync,
    ) -> Array2<f64> {
        let m = self.dataset.indicators().len();
        let columns: Vec<Vec<f64>> = (0..m)
            .into_par_iter()
            .map(|j| self.rollup(g, |i| cell(i, j)))
            .collect();
        Array2::from_shape_fn((g.codes.len(), m), |(t, j)| columns[j][t])
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
