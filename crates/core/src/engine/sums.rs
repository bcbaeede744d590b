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
//! Real data has few patterns (most units have every indicator), so at commune level there
//! are barely more pairs than communes; above it, far fewer pairs than units.

use ndarray::Array2;
use rayon::prelude::*;

use crate::classes::MISSING;

/// Most indicator columns the pattern masks can hold; beyond it the engine rolls up unit
/// totals one by one (the slow path).
pub(super) const MAX_COLUMNS: usize = 64;

/// Territories per rayon task.
const CHUNK: usize = 1024;

/// Presence patterns of the base units under one reference set.
#[derive(Debug)]
pub(super) struct Patterns {
    /// Bit `j` is set when indicator column `j` has a class.
    pub(super) masks: Vec<u64>,
    /// Pattern of each base unit (index in `masks`).
    pub(super) of_unit: Vec<u32>,
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
        Patterns { masks, of_unit }
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
                let on = mask & positive;
                (0..m)
                    .filter(|&j| on & (1 << j) != 0)
                    .map(|j| full[j])
                    .sum::<f64>()
            })
            .collect();
        ColumnWeights {
            full,
            positive,
            denominator,
        }
    }

    fn dot(&self, row: &[f64]) -> f64 {
        row.iter().zip(&self.full).map(|(a, b)| a * b).sum()
    }
}

/// Totals and counts of every base unit: `Σ w_j c_ij / D_P`, in parallel chunks.
pub(super) fn unit_totals(
    classes: &Array2<u8>,
    patterns: &Patterns,
    w: &ColumnWeights,
    total: &mut [f64],
    used: &mut [u8],
) {
    const UNIT_CHUNK: usize = 4096;
    total
        .par_chunks_mut(UNIT_CHUNK)
        .zip(used.par_chunks_mut(UNIT_CHUNK))
        .enumerate()
        .for_each(|(chunk, (t, u))| {
            for k in 0..t.len() {
                let i = chunk * UNIT_CHUNK + k;
                let p = patterns.of_unit[i] as usize;
                u[k] = (patterns.masks[p] & w.positive).count_ones() as u8;
                t[k] = unit_total(classes, i, p, w);
            }
        });
}

/// Total of unit `i` of pattern `p` (NaN when no selected indicator is present).
pub(super) fn unit_total(classes: &Array2<u8>, i: usize, p: usize, w: &ColumnWeights) -> f64 {
    let d = w.denominator[p];
    if d > 0.0 {
        let s: f64 = classes
            .row(i)
            .iter()
            .zip(&w.full)
            .map(|(&c, &wt)| wt * f64::from(c))
            .sum();
        s / d
    } else {
        f64::NAN
    }
}

/// The (territory, pattern) sums of one level under one reference set.
#[derive(Debug)]
pub(super) struct LevelSums {
    /// Pairs of territory `t` are `offsets[t]..offsets[t + 1]`.
    offsets: Vec<u32>,
    /// Pattern of each pair.
    pattern: Vec<u32>,
    /// Population of each pair.
    population: Vec<f64>,
    /// Number of units of each pair.
    count: Vec<u32>,
    /// `Σ p_i c_ij`, pairs × columns, row-major.
    weighted: Vec<f64>,
    /// `Σ c_ij`, pairs × columns: only read for territories whose population is 0.
    plain: Vec<f64>,
    /// Union of the patterns of each territory's units.
    present: Vec<u64>,
    /// Number of columns.
    m: usize,
}

impl LevelSums {
    /// Sums the units of each territory (`of_unit[i]` < `territories`) by pattern. Units are
    /// added in dataset order within a pair, so the sums do not depend on the thread count.
    pub(super) fn new(
        classes: &Array2<u8>,
        patterns: &Patterns,
        of_unit: &[u32],
        territories: usize,
        population: &[f64],
    ) -> LevelSums {
        let m = classes.ncols();
        let mut order: Vec<(u32, u32, u32)> = of_unit
            .iter()
            .zip(&patterns.of_unit)
            .enumerate()
            .map(|(i, (&t, &p))| (t, p, i as u32))
            .collect();
        order.sort_unstable();
        let mut s = LevelSums {
            offsets: vec![0; territories + 1],
            pattern: Vec::new(),
            population: Vec::new(),
            count: Vec::new(),
            weighted: Vec::new(),
            plain: Vec::new(),
            present: vec![0; territories],
            m,
        };
        let mut last: Option<(u32, u32)> = None;
        for &(t, p, i) in &order {
            if last != Some((t, p)) {
                last = Some((t, p));
                s.pattern.push(p);
                s.population.push(0.0);
                s.count.push(0);
                s.weighted.extend(std::iter::repeat_n(0.0, m));
                s.plain.extend(std::iter::repeat_n(0.0, m));
                s.offsets[t as usize + 1] = s.pattern.len() as u32;
                s.present[t as usize] |= patterns.masks[p as usize];
            }
            let e = s.pattern.len() - 1;
            let pop = population[i as usize];
            s.population[e] += pop;
            s.count[e] += 1;
            for (j, &c) in classes.row(i as usize).iter().enumerate() {
                if c != MISSING {
                    s.weighted[e * m + j] += pop * f64::from(c);
                    s.plain[e * m + j] += f64::from(c);
                }
            }
        }
        // Territories without units (none in practice) get an empty range.
        let mut previous = 0;
        for o in &mut s.offsets {
            *o = (*o).max(previous);
            previous = *o;
        }
        s
    }

    /// Number of territories.
    pub(super) fn len(&self) -> usize {
        self.present.len()
    }

    /// Number of selected indicators with a weight > 0 that some unit of `t` has.
    pub(super) fn used(&self, t: usize, w: &ColumnWeights) -> u8 {
        (self.present[t] & w.positive).count_ones() as u8
    }

    /// Total of territory `t`: population-weighted mean of its units' totals; plain mean when
    /// the units with a total all have population 0; NaN when none has a total.
    pub(super) fn total(&self, t: usize, w: &ColumnWeights) -> f64 {
        let range = self.offsets[t] as usize..self.offsets[t + 1] as usize;
        let (mut num, mut den, mut n) = (0.0, 0.0, 0u32);
        for e in range.clone() {
            let d = w.denominator[self.pattern[e] as usize];
            if d > 0.0 {
                num += w.dot(&self.weighted[e * self.m..(e + 1) * self.m]) / d;
                den += self.population[e];
                n += self.count[e];
            }
        }
        if den > 0.0 {
            return num / den;
        }
        if n == 0 {
            return f64::NAN;
        }
        let plain: f64 = range
            .filter_map(|e| {
                let d = w.denominator[self.pattern[e] as usize];
                (d > 0.0).then(|| w.dot(&self.plain[e * self.m..(e + 1) * self.m]) / d)
            })
            .sum();
        plain / f64::from(n)
    }

    /// Totals of every territory into `out`, sequentially.
    pub(super) fn totals_into(&self, w: &ColumnWeights, out: &mut [f64]) {
        for (t, o) in out.iter_mut().enumerate() {
            *o = self.total(t, w);
        }
    }

    /// Totals of every territory, in parallel chunks (same result as [`Self::totals_into`]).
    pub(super) fn totals_par(&self, w: &ColumnWeights) -> Vec<f64> {
        let mut out = vec![f64::NAN; self.len()];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(chunk, o)| {
                for (k, x) in o.iter_mut().enumerate() {
                    *x = self.total(chunk * CHUNK + k, w);
                }
            });
        out
    }
}
