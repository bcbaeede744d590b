//! The (territory, presence pattern) sums of one level: see `sums.rs` for the formula.
//!
//! The sums are stored column by column, and the weighted sums `Σ_j w_j S_ej` of a run of pairs
//! are computed by [`add_columns`]: the pairs' additions are independent and vectorise, where a
//! pair-by-pair dot product waits on each addition in turn. Each pair still adds its columns in
//! order, so the result depends neither on the blocking nor on the number of threads.

use ndarray::Array2;

use super::kernel::add_columns;
use super::sums::ColumnWeights;
use crate::classes::MISSING;

/// Pairs per block of the kernel (accumulators in L1).
const BLOCK: usize = 512;

/// The (territory, pattern) sums of one level under one reference set.
#[derive(Debug)]
pub(super) struct PairSums {
    /// Pairs of territory `t` are `offsets[t]..offsets[t + 1]`.
    offsets: Vec<u32>,
    /// Pattern of each pair.
    pattern: Vec<u32>,
    /// Population of each pair.
    population: Vec<f64>,
    /// Number of units of each pair.
    count: Vec<u32>,
    /// `Σ p_i c_ij`, column `j` at `weighted[j * pairs..(j + 1) * pairs]`.
    weighted: Vec<f64>,
    /// `Σ c_ij`, same layout: only read for territories whose population is 0.
    plain: Vec<f64>,
}

impl PairSums {
    /// Sums the units, given as `(territory, pattern, unit)` sorted, so that units are added in
    /// dataset order within a pair (the sums do not depend on the thread count).
    pub(super) fn new(
        classes: &Array2<u8>,
        order: &[(u32, u32, u32)],
        pairs: usize,
        territories: usize,
        population: &[f64],
    ) -> PairSums {
        let m = classes.ncols();
        let mut s = PairSums {
            offsets: vec![0; territories + 1],
            pattern: Vec::with_capacity(pairs),
            population: Vec::with_capacity(pairs),
            count: Vec::with_capacity(pairs),
            weighted: vec![0.0; m * pairs],
            plain: vec![0.0; m * pairs],
        };
        let mut last: Option<(u32, u32)> = None;
        for &(t, p, i) in order {
            if last != Some((t, p)) {
                last = Some((t, p));
                s.pattern.push(p);
                s.population.push(0.0);
                s.count.push(0);
                s.offsets[t as usize + 1] = s.pattern.len() as u32;
            }
            let e = s.pattern.len() - 1;
            let pop = population[i as usize];
            s.population[e] += pop;
            s.count[e] += 1;
            for (j, &c) in classes.row(i as usize).iter().enumerate() {
                if c != MISSING {
                    s.weighted[j * pairs + e] += pop * f64::from(c);
                    s.plain[j * pairs + e] += f64::from(c);
                }
            }
        }
        debug_assert_eq!(s.pattern.len(), pairs);
        // Territories without units (none in practice) get an empty range.
        let mut previous = 0;
        for o in &mut s.offsets {
            *o = (*o).max(previous);
            previous = *o;
        }
        s
    }

    /// Number of pairs.
    pub(super) fn pairs(&self) -> usize {
        self.pattern.len()
    }

    /// `Σ_j w_j sums[j][e]` for the pairs `start..start + out.len()`, columns in order.
    fn dots(&self, sums: &[f64], w: &ColumnWeights, start: usize, out: &mut [f64]) {
        let n = self.pairs();
        for (b, o) in out.chunks_mut(BLOCK).enumerate() {
            let s = start + b * BLOCK;
            let len = o.len();
            o.fill(0.0);
            // Zero weights are skipped: they would add +0.0 and change nothing.
            let columns = w
                .columns
                .iter()
                .map(|&j| (w.full[j], &sums[j * n + s..j * n + s + len]));
            add_columns(o, columns);
        }
    }

    /// Totals of territories `first..first + out.len()` into `out`; `scratch` is reused.
    /// Each total is the population-weighted mean of its units' totals; the plain mean when
    /// the units with a total all have population 0; NaN when none has a total.
    pub(super) fn totals_range(
        &self,
        w: &ColumnWeights,
        first: usize,
        out: &mut [f64],
        scratch: &mut Vec<f64>,
    ) {
        let e0 = self.offsets[first] as usize;
        let e1 = self.offsets[first + out.len()] as usize;
        scratch.clear();
        scratch.resize(e1 - e0, 0.0);
        self.dots(&self.weighted, w, e0, scratch);
        for (k, o) in out.iter_mut().enumerate() {
            let t = first + k;
            let range = self.offsets[t] as usize..self.offsets[t + 1] as usize;
            let (mut num, mut den, mut n) = (0.0, 0.0, 0u32);
            for e in range.clone() {
                let d = w.denominator[self.pattern[e] as usize];
                if d > 0.0 {
                    num += scratch[e - e0] / d;
                    den += self.population[e];
                    n += self.count[e];
                }
            }
            *o = if den > 0.0 {
                num / den
            } else if n == 0 {
                f64::NAN
            } else {
                self.plain_mean(w, range, n)
            };
        }
    }

    /// Plain mean of the unit totals of a territory whose units with a total all have
    /// population 0 (rare: computed pair by pair).
    fn plain_mean(&self, w: &ColumnWeights, range: std::ops::Range<usize>, n: u32) -> f64 {
        let mut one = [0.0];
        let plain: f64 = range
            .filter_map(|e| {
                let d = w.denominator[self.pattern[e] as usize];
                (d > 0.0).then(|| {
                    self.dots(&self.plain, w, e, &mut one);
                    one[0] / d
                })
            })
            .sum();
        plain / f64::from(n)
    }
}
