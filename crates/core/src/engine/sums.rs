//! Weight-independent sums behind a fast re-weighting.
//!
//! A base unit's total is a weighted mean over the indicators *present* for it:
//! `t_i = Σ_j w_j c_ij / Σ_{j present} w_j`. The denominator depends on which indicators are
//! present, so the totals of a territory cannot be rolled up from per-indicator roll-ups of
//! the classes alone. But every unit with the same *presence pattern* (the set of indicators
//! that have a class) shares the same denominator `D_P`. So for each territory `T` and
//! pattern `P` we keep, once per reference set, the population `W_TP`, the count `n_TP` and the
//! per-indicator sums `S_TPj = Σ p_i c_ij` (and `Σ c_ij` for the zero-population rule); then
//!
//! ```text
//! total_T = Σ_P (Σ_j w_j S_TPj) / D_P  /  Σ_{P: D_P > 0} W_TP
//! ```
//!
//! which is the population-weighted mean of the unit totals, up to rounding (≈ 1e-15), and
//! costs (territory, pattern) pairs × indicators instead of units × indicators per weight set.
//! Real data has few patterns (most units have every indicator), so above the commune level
//! there are far fewer pairs than units.
//!
//! But a pair costs `m` sums of 8 bytes where a unit costs `m` classes of 4 bytes (`f32`): when
//! the pairs are nearly as many as the units (the commune level, where most communes have one
//! unit), computing the unit totals and rolling them up does about the same arithmetic and
//! reads half the memory (2.8 MB instead of 4.8 MB per weight set for the synthetic France,
//! which matters when both cores run Monte Carlo draws), and reuses unit totals
//! the caller already has. Each level picks its [`Plan`] once, from its number of pairs, and
//! every path (scores, [`super::Reweighter`], analyses) follows it, so the totals of a level
//! are the same bits whichever way they are asked for.

use ndarray::Array2;
use rayon::prelude::*;

use super::pairs::PairSums;
use super::units::{Members, UnitColumns};
use crate::classes::MISSING;
use crate::error::{CoreResult, DatasetError};

/// The error of a units-plan level asked for totals without the unit totals (a bug).
fn no_unit_totals() -> crate::error::CoreError {
    DatasetError::Missing {
        what: "unit totals",
    }
    .into()
}

/// Most indicator columns the pattern masks can hold; beyond it the engine rolls up unit
/// totals one by one (the slow path).
pub(super) const MAX_COLUMNS: usize = 64;

/// Territories per rayon task on the pairs plan.
const CHUNK: usize = 1024;

/// A level takes the units plan when its pairs are at least this share of the units. Not
/// lower: a level scored alone (the server's path) must compute every unit total first, so
/// with fewer pairs the pairs plan does less work (the EPCI of the synthetic France: 0.4 pair
/// per unit, 0.55 ms on the units plan against 0.2 ms on the old pairs loop).
const UNITS_PLAN_PAIRS_PER_UNIT: f64 = 0.75;

/// Below this many (pair × selected column) terms, the pairs plan runs on one thread.
const PARALLEL_PAIR_WORK: usize = 50_000;

/// Presence patterns of the base units under one reference set.
#[derive(Debug)]
pub(super) struct Patterns {
    /// Bit `j` is set when indicator column `j` has a class.
    pub(super) masks: Vec<u64>,
    /// Pattern of each base unit (index in `masks`).
    pub(super) of_unit: Vec<u32>,
    /// The classes, column by column, for the unit totals.
    pub(super) columns: UnitColumns,
}

impl Patterns {
    /// Patterns of every unit, numbered in order of first appearance.
    pub(super) fn new(classes: &Array2<u8>) -> Patterns {
        debug_assert!(classes.ncols() <= MAX_COLUMNS);
        let mut masks: Vec<u64> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let of_unit = classes
            .rows()
            .into_iter()
            .map(|row| {
                let mask = row
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| c != MISSING)
                    .fold(0u64, |m, (j, _)| m | (1 << j));
                *index.entry(mask).or_insert_with(|| {
                    masks.push(mask);
                    (masks.len() - 1) as u32
                })
            })
            .collect();
        Patterns {
            masks,
            of_unit,
            columns: UnitColumns::new(classes),
        }
    }
}

/// One weight set spread over every indicator column of the dataset.
#[derive(Debug, Clone)]
pub(super) struct ColumnWeights {
    /// Weight of each dataset column (0 when not selected or weighted ≤ 0).
    pub(super) full: Vec<f64>,
    /// Columns with a weight > 0.
    pub(super) positive: u64,
    /// `Σ w_j` over the columns of each pattern (0: units of that pattern have no total).
    pub(super) denominator: Vec<f64>,
    /// The columns with a weight > 0, in increasing order.
    pub(super) columns: Vec<usize>,
}

impl ColumnWeights {
    /// Spreads `weights` (one per entry of `cols`) over `m` columns.
    pub(super) fn new(m: usize, cols: &[usize], weights: &[f64], patterns: &Patterns) -> Self {
        let mut full = vec![0.0; m];
        let mut positive = 0u64;
        for (&c, &w) in cols.iter().zip(weights) {
            if w > 0.0 {
                full[c] = w;
                positive |= 1 << c;
            }
        }
        let denominator = patterns
            .masks
            .iter()
            .map(|&mask| {
                // The set bits in increasing order: the same sum as a filter over 0..m.
                let (mut on, mut d) = (mask & positive, 0.0);
                while on != 0 {
                    d += full[on.trailing_zeros() as usize];
                    on &= on - 1;
                }
                d
            })
            .collect();
        let columns = (0..m).filter(|&j| positive & (1 << j) != 0).collect();
        ColumnWeights {
            full,
            positive,
            denominator,
            columns,
        }
    }
}

/// How a level's totals are computed from a weight set.
#[derive(Debug)]
pub(super) enum Plan {
    /// Unit totals, then a population-weighted roll-up of them.
    Units(Members),
    /// The (territory, pattern) sums.
    Pairs(PairSums),
}

/// The weight-independent part of one level's totals under one reference set.
#[derive(Debug)]
pub(super) struct LevelSums {
    /// Distinct unions of the patterns of a territory's units (few: most territories have
    /// every indicator somewhere).
    present: Vec<u64>,
    /// Index in `present` of each territory.
    present_of: Vec<u32>,
    /// How the totals are computed.
    plan: Plan,
}

impl LevelSums {
    /// Groups the units of each territory (`of_unit[i]` < `territories`) and picks the plan:
    /// the pairs plan when the level has few (territory, pattern) pairs for its units, or
    /// `force` (tests).
    pub(super) fn new(
        classes: &Array2<u8>,
        patterns: &Patterns,
        of_unit: &[u32],
        territories: usize,
        population: &[f64],
        force: Option<bool>,
    ) -> LevelSums {
        let mut union = vec![0u64; territories];
        for (&t, &p) in of_unit.iter().zip(&patterns.of_unit) {
            union[t as usize] |= patterns.masks[p as usize];
        }
        let mut present = Vec::new();
        let mut index = std::collections::HashMap::new();
        let present_of = union
            .iter()
            .map(|&mask| {
                *index.entry(mask).or_insert_with(|| {
                    present.push(mask);
                    (present.len() - 1) as u32
                })
            })
            .collect();
        let mut order: Vec<(u32, u32, u32)> = of_unit
            .iter()
            .zip(&patterns.of_unit)
            .enumerate()
            .map(|(i, (&t, &p))| (t, p, i as u32))
            .collect();
        order.sort_unstable();
        let pairs = 1 + order
            .windows(2)
            .filter(|w| w[0].0 != w[1].0 || w[0].1 != w[1].1)
            .count();
        let pairs = if order.is_empty() { 0 } else { pairs };
        let use_units =
            force.unwrap_or(pairs as f64 >= UNITS_PLAN_PAIRS_PER_UNIT * of_unit.len() as f64);
        let plan = if use_units {
            Plan::Units(Members::new(of_unit, territories, population))
        } else {
            Plan::Pairs(PairSums::new(
                classes,
                &order,
                pairs,
                territories,
                population,
            ))
        };
        LevelSums {
            present,
            present_of,
            plan,
        }
    }

    /// Number of territories.
    pub(super) fn len(&self) -> usize {
        self.present_of.len()
    }

    /// Whether the totals are rolled up from unit totals (which the caller then passes).
    pub(super) fn needs_unit_totals(&self) -> bool {
        matches!(self.plan, Plan::Units(_))
    }

    /// Number of selected indicators with a weight > 0 that some unit of each territory has:
    /// one count per distinct union, then a look-up per territory (no `popcnt` instruction in
    /// the baseline x86-64 target: a count per territory cost more than its total).
    pub(super) fn used(&self, w: &ColumnWeights) -> Vec<u8> {
        let counts: Vec<u8> = self
            .present
            .iter()
            .map(|m| (m & w.positive).count_ones() as u8)
            .collect();
        self.present_of
            .iter()
            .map(|&i| counts[i as usize])
            .collect()
    }

    /// Totals of every territory into `out`, on this thread. `unit_total` is required on the
    /// units plan (see [`LevelSums::needs_unit_totals`]); `scratch` is reused between calls.
    pub(super) fn totals_into(
        &self,
        w: &ColumnWeights,
        unit_total: Option<&[f64]>,
        out: &mut [f64],
        scratch: &mut Vec<f64>,
    ) -> CoreResult<()> {
        match (&self.plan, unit_total) {
            (Plan::Units(members), Some(u)) => members.totals_into(u, out),
            (Plan::Units(_), None) => return Err(no_unit_totals()),
            (Plan::Pairs(pairs), _) => {
                // The chunks of the parallel path, so that the two give the same bits.
                for (c, o) in out.chunks_mut(CHUNK).enumerate() {
                    pairs.totals_range(w, c * CHUNK, o, scratch);
                }
            }
        }
        Ok(())
    }

    /// Like [`LevelSums::totals_into`], in parallel when the work is large enough (the same
    /// bits either way).
    pub(super) fn totals_par(
        &self,
        w: &ColumnWeights,
        unit_total: Option<&[f64]>,
    ) -> CoreResult<Vec<f64>> {
        let mut out = vec![f64::NAN; self.len()];
        match (&self.plan, unit_total) {
            (Plan::Units(members), Some(u)) => members.totals_par(u, &mut out),
            (Plan::Units(_), None) => return Err(no_unit_totals()),
            (Plan::Pairs(pairs), _) => {
                if pairs.pairs() * w.columns.len() < PARALLEL_PAIR_WORK {
                    self.totals_into(w, None, &mut out, &mut Vec::new())?;
                } else {
                    out.par_chunks_mut(CHUNK)
                        .enumerate()
                        .for_each_init(Vec::new, |scratch, (c, o)| {
                            pairs.totals_range(w, c * CHUNK, o, scratch)
                        });
                }
            }
        }
        Ok(out)
    }
}
