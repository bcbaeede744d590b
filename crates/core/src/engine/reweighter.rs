//! Totals of one level for many weight sets (sliders, Monte Carlo over weights).

use ndarray::Array2;

use super::sums::{ColumnWeights, LevelSums, Patterns};
use super::{Engine, Grouping};
use crate::error::{CoreError, CoreResult, DatasetError};
use crate::level::Level;
use crate::selection::Reference;

/// Totals of every territory of one level for weight sets over fixed indicator columns and a
/// fixed reference set. Everything that does not depend on the weights (classes, presence
/// patterns, per-pattern sums, the units of each territory) is fetched once, so each weight
/// set only costs a pass over the (territory, pattern) pairs or over the units' classes,
/// whichever the level found cheaper. The totals are the same bits as [`Engine::score`]'s.
///
/// ```
/// use ifn_core::{Catalogue, Engine, Level, Selection};
/// let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
/// let s = Selection::builder("tout-age").build(&engine).unwrap();
/// let cols = engine.columns_of(&s).unwrap();
/// let r = engine.reweighter(Level::Commune, s.reference, &cols).unwrap();
/// let a = r.totals(&s.weights).unwrap();
/// assert_eq!(a, engine.score(Level::Commune, &s).unwrap().total);
/// // Scaling every weight by a power of two changes nothing.
/// let doubled: Vec<f64> = s.weights.iter().map(|w| 2.0 * w).collect();
/// assert_eq!(r.totals(&doubled).unwrap(), a);
/// ```
#[derive(Debug)]
pub struct Reweighter<'a> {
    engine: &'a Engine,
    level: Level,
    cols: Vec<usize>,
    path: Path<'a>,
}

#[derive(Debug)]
enum Path<'a> {
    /// IRIS level: one total per unit.
    Units { patterns: &'a Patterns },
    /// Levels above IRIS: per-pattern sums.
    Sums {
        patterns: &'a Patterns,
        sums: &'a LevelSums,
    },
    /// Too many indicator columns for the pattern masks: unit totals, then a roll-up.
    Slow {
        classes: &'a Array2<u8>,
        grouping: Option<&'a Grouping>,
    },
}

/// Buffers a [`Reweighter`] reuses from one weight set to the next (see
/// [`Reweighter::totals_with`]).
#[derive(Debug, Default)]
pub struct ReweighterScratch {
    /// Unit totals, on levels rolled up from them.
    units: Vec<f64>,
    /// Weighted sums of a run of (territory, pattern) pairs.
    pairs: Vec<f64>,
}

impl<'a> Reweighter<'a> {
    pub(super) fn new(
        engine: &'a Engine,
        level: Level,
        reference: Reference,
        cols: &[usize],
    ) -> CoreResult<Self> {
        let m = engine.dataset.indicators().len();
        if let Some(&c) = cols.iter().find(|&&c| c >= m) {
            return Err(DatasetError::ColumnOutOfRange {
                column: c,
                indicators: m,
            }
            .into());
        }
        let classes = engine.classes(reference)?;
        let path = match (level, engine.patterns(reference)?) {
            (Level::Iris, Some(patterns)) => Path::Units { patterns },
            (_, Some(_)) => {
                let (patterns, sums) = engine.level_sums(reference, level)?.ok_or_else(|| {
                    CoreError::from(DatasetError::Missing {
                        what: "pattern sums",
                    })
                })?;
                Path::Sums { patterns, sums }
            }
            (Level::Iris, None) => Path::Slow {
                classes,
                grouping: None,
            },
            (_, None) => Path::Slow {
                classes,
                grouping: Some(engine.grouping(level)?),
            },
        };
        Ok(Reweighter {
            engine,
            level,
            cols: cols.to_vec(),
            path,
        })
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Number of territories (length of the totals).
    pub fn len(&self) -> usize {
        match &self.path {
            Path::Units { patterns } => patterns.columns.len(),
            Path::Sums { sums, .. } => sums.len(),
            Path::Slow { classes, grouping } => grouping.map_or(classes.nrows(), |g| g.codes.len()),
        }
    }

    /// Whether the level has no territory.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of indicator columns (length of a weight set).
    pub fn indicators(&self) -> usize {
        self.cols.len()
    }

    fn check(&self, weights: &[f64]) -> CoreResult<()> {
        if weights.len() != self.cols.len() {
            return Err(CoreError::InvalidWeight {
                text: format!("{} weights", weights.len()),
                reason: format!("un poids par indicateur est attendu ({})", self.cols.len()),
            });
        }
        if let Some(w) = weights.iter().find(|w| !w.is_finite() || **w < 0.0) {
            return Err(CoreError::InvalidWeight {
                text: w.to_string(),
                reason: "un poids doit être un nombre fini ≥ 0".into(),
            });
        }
        Ok(())
    }

    fn column_weights(&self, patterns: &Patterns, weights: &[f64]) -> ColumnWeights {
        let m = self.engine.dataset.indicators().len();
        ColumnWeights::new(m, &self.cols, weights, patterns)
    }

    /// Totals for one weight set (one weight per indicator column, finite and ≥ 0),
    /// sequentially: call it from parallel loops over weight sets. NaN where no indicator
    /// with a weight > 0 is present.
    pub fn totals(&self, weights: &[f64]) -> CoreResult<Vec<f64>> {
        let mut out = vec![f64::NAN; self.len()];
        self.totals_into(weights, &mut out)?;
        Ok(out)
    }

    /// Like [`Reweighter::totals`], into a buffer of length [`Reweighter::len`].
    pub fn totals_into(&self, weights: &[f64], out: &mut [f64]) -> CoreResult<()> {
        self.totals_with(weights, &mut ReweighterScratch::default(), out)
    }

    /// Like [`Reweighter::totals_into`], reusing the intermediate buffers of `scratch` from
    /// one call to the next (one scratch per thread in a parallel loop over weight sets): on
    /// levels rolled up from unit totals, a weight set then allocates nothing.
    ///
    /// ```
    /// use ifn_core::{Catalogue, Engine, Level, ReweighterScratch, Selection};
    /// let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
    /// let s = Selection::builder("tout-age").build(&engine).unwrap();
    /// let cols = engine.columns_of(&s).unwrap();
    /// let r = engine.reweighter(Level::Commune, s.reference, &cols).unwrap();
    /// let (mut scratch, mut out) = (ReweighterScratch::default(), vec![0.0; r.len()]);
    /// r.totals_with(&s.weights, &mut scratch, &mut out).unwrap();
    /// assert_eq!(out, r.totals(&s.weights).unwrap());
    /// ```
    pub fn totals_with(
        &self,
        weights: &[f64],
        scratch: &mut ReweighterScratch,
        out: &mut [f64],
    ) -> CoreResult<()> {
        self.check(weights)?;
        if out.len() != self.len() {
            return Err(DatasetError::BufferLength {
                len: out.len(),
                territories: self.len(),
            }
            .into());
        }
        match &self.path {
            Path::Units { patterns } => {
                let w = self.column_weights(patterns, weights);
                patterns.columns.totals_into(patterns, &w, out);
            }
            Path::Sums { patterns, sums } => {
                let w = self.column_weights(patterns, weights);
                let units = if sums.needs_unit_totals() {
                    let u = &mut scratch.units;
                    u.resize(patterns.columns.len(), f64::NAN);
                    patterns.columns.totals_into(patterns, &w, u);
                    Some(u.as_slice())
                } else {
                    None
                };
                sums.totals_into(&w, units, out, &mut scratch.pairs)?;
            }
            Path::Slow { .. } => out.copy_from_slice(&self.slow(weights)),
        }
        Ok(())
    }

    /// Like [`Reweighter::totals`], in parallel over territories (same result).
    pub fn totals_par(&self, weights: &[f64]) -> CoreResult<Vec<f64>> {
        self.check(weights)?;
        Ok(match &self.path {
            Path::Units { patterns } => {
                let w = self.column_weights(patterns, weights);
                let mut total = vec![f64::NAN; patterns.columns.len()];
                patterns.columns.totals_par(patterns, &w, &mut total);
                total
            }
            Path::Sums { patterns, sums } => {
                let w = self.column_weights(patterns, weights);
                Engine::plan_totals(patterns, sums, &w, None)?
            }
            Path::Slow { .. } => self.slow(weights),
        })
    }

    fn slow(&self, weights: &[f64]) -> Vec<f64> {
        let Path::Slow { classes, grouping } = &self.path else {
            return Vec::new();
        };
        let n = classes.nrows();
        let (mut total, mut used) = (vec![f64::NAN; n], vec![0u8; n]);
        self.engine
            .unit_totals_slow(classes, &self.cols, weights, &mut total, &mut used);
        match grouping {
            None => total,
            Some(g) => self.engine.rollup(g, |i| total[i]),
        }
    }
}
