//! Base-unit totals one block of units at a time, and their roll-up to a level.
//!
//! A unit's total is `Σ_j w_j c_ij / D_P`. Summed unit by unit, the 14 additions of one unit form
//! a chain of dependent floating-point additions (≈ 4 cycles each), and that latency, not the
//! arithmetic, bounded the old loop (0.5 ms for 50,000 units on 2 cores). Here the classes are
//! kept column by column and a block of units is summed by [`add_columns`]: the additions of
//! different units are independent and vectorise, while each unit still adds its terms in
//! column order — the same operations in the same order as the unit-by-unit sum.

use ndarray::Array2;
use rayon::prelude::*;

use super::kernel::add_columns;
use super::sums::{ColumnWeights, Patterns};

/// Units per block of the kernel: the accumulators (4 KB) stay in L1.
const BLOCK: usize = 512;

/// Below this many (unit × selected column) terms, one thread is faster than waking rayon.
const PARALLEL_WORK: usize = 100_000;

/// Territories per chunk of a roll-up (its accumulators, 28 KB, are on the stack).
const ROLLUP_CHUNK: usize = 1024;

/// The classes of the base units under one reference set, column-major (`m` columns of `n`).
///
/// Stored as `f32` (exact for classes 0–10), not bytes: widening two `f32` to `f64` is one
/// SSE2 instruction where two bytes take three, and that conversion bounded the kernel (unit
/// totals 1.4–2× faster for 4× the memory: 2.8 MB for 50,000 units and 14 indicators).
#[derive(Debug)]
pub(super) struct UnitColumns {
    n: usize,
    data: Vec<f32>,
}

impl UnitColumns {
    /// Transposes the units × columns classes.
    pub(super) fn new(classes: &Array2<u8>) -> UnitColumns {
        let (n, m) = classes.dim();
        let mut data = vec![0f32; n * m];
        for (i, row) in classes.rows().into_iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                data[j * n + i] = f32::from(c);
            }
        }
        UnitColumns { n, data }
    }

    /// Number of units.
    pub(super) fn len(&self) -> usize {
        self.n
    }

    /// Totals of units `start..start + out.len()` (at most [`BLOCK`] of them).
    fn block(&self, start: usize, patterns: &Patterns, w: &ColumnWeights, out: &mut [f64]) {
        let len = out.len();
        debug_assert!(len <= BLOCK);
        let mut acc = [0.0f64; BLOCK];
        let acc = &mut acc[..len];
        // Columns with a weight of 0 are skipped: they would only add +0.0, which leaves a
        // positive sum unchanged (a unit with a total has a class ≥ 1 at some weighted column).
        let n = self.n;
        let columns = w
            .columns
            .iter()
            .map(|&j| (w.full[j], &self.data[j * n + start..j * n + start + len]));
        add_columns(acc, columns);
        let of_unit = &patterns.of_unit[start..start + len];
        for ((o, &a), &p) in out.iter_mut().zip(acc.iter()).zip(of_unit) {
            let d = w.denominator[p as usize];
            *o = if d > 0.0 { a / d } else { f64::NAN };
        }
    }

    /// Totals of every unit into `out` (length [`UnitColumns::len`]), on this thread.
    pub(super) fn totals_into(&self, patterns: &Patterns, w: &ColumnWeights, out: &mut [f64]) {
        for (b, o) in out.chunks_mut(BLOCK).enumerate() {
            self.block(b * BLOCK, patterns, w, o);
        }
    }

    /// Totals of every unit into `out`, in parallel when the work is large enough (the same
    /// bits either way: each unit is computed alone).
    pub(super) fn totals_par(&self, patterns: &Patterns, w: &ColumnWeights, out: &mut [f64]) {
        if self.n * w.columns.len() < PARALLEL_WORK {
            return self.totals_into(patterns, w, out);
        }
        // Several blocks per task: a task per 512 units would cost more in rayon than in work.
        const TASK: usize = 8 * BLOCK;
        out.par_chunks_mut(TASK).enumerate().for_each(|(t, o)| {
            for (b, ob) in o.chunks_mut(BLOCK).enumerate() {
                self.block(t * TASK + b * BLOCK, patterns, w, ob);
            }
        });
    }
}

/// The base units of each territory of a level, to roll unit totals up.
#[derive(Debug)]
pub(super) struct Members {
    /// Units of territory `t` are `units[offsets[t]..offsets[t + 1]]`, in dataset order.
    offsets: Vec<u32>,
    /// Unit indices, grouped by territory.
    units: Vec<u32>,
    /// Territory of each entry of `units`.
    territory: Vec<u32>,
    /// Population of each entry of `units` (gathered once, read in order).
    population: Vec<f64>,
}

impl Members {
    /// Groups the units (`of_unit[i]` < `territories`).
    pub(super) fn new(of_unit: &[u32], territories: usize, population: &[f64]) -> Members {
        let mut offsets = vec![0u32; territories + 1];
        for &t in of_unit {
            offsets[t as usize + 1] += 1;
        }
        for t in 0..territories {
            offsets[t + 1] += offsets[t];
        }
        let mut next: Vec<u32> = offsets[..territories].to_vec();
        let mut units = vec![0u32; of_unit.len()];
        for (i, &t) in of_unit.iter().enumerate() {
            units[next[t as usize] as usize] = i as u32;
            next[t as usize] += 1;
        }
        let territory = units.iter().map(|&i| of_unit[i as usize]).collect();
        let population = units.iter().map(|&i| population[i as usize]).collect();
        Members {
            offsets,
            units,
            territory,
            population,
        }
    }

    /// Totals of territories `first..first + out.len()` (at most [`ROLLUP_CHUNK`]): the
    /// population-weighted mean of their unit totals; the plain mean when the units with a
    /// total all have population 0; NaN when none has a total.
    ///
    /// Each territory adds its units in dataset order, the very sums of `Engine::rollup`, so
    /// the same bits. One flat loop over the units carries the running sums of the current
    /// territory, restarts them without a branch when the territory changes, and stores them
    /// after every unit (the last store of a territory is its sum): this plan serves levels
    /// with about one unit per territory (communes), where a loop per territory mispredicted
    /// its exit once per territory.
    fn totals_chunk(&self, unit_total: &[f64], first: usize, out: &mut [f64]) {
        let len = out.len();
        debug_assert!(len <= ROLLUP_CHUNK);
        // Per territory: Σ p·v, Σ p, Σ v, and the number of units with a total.
        let mut acc = [[0.0f64; 3]; ROLLUP_CHUNK];
        let mut count = [0u32; ROLLUP_CHUNK];
        let entries = self.offsets[first] as usize..self.offsets[first + len] as usize;
        let units = &self.units[entries.clone()];
        let territory = &self.territory[entries.clone()];
        let population = &self.population[entries];
        let (mut previous, mut sums, mut n) = (u32::MAX, [0.0f64; 3], 0u32);
        for ((&i, &t), &p) in units.iter().zip(territory).zip(population) {
            let v = unit_total[i as usize];
            if v.is_nan() {
                continue;
            }
            // × 1 keeps a running sum exactly, × 0 restarts it at +0.0 (sums are finite).
            let same = u32::from(t == previous);
            let keep = f64::from(same);
            previous = t;
            sums = [
                sums[0] * keep + p * v,
                sums[1] * keep + p,
                sums[2] * keep + v,
            ];
            n = n * same + 1;
            let k = t as usize - first;
            acc[k] = sums;
            count[k] = n;
        }
        for ((o, a), &n) in out.iter_mut().zip(&acc).zip(&count) {
            *o = if a[1] > 0.0 {
                a[0] / a[1]
            } else if n > 0 {
                a[2] / f64::from(n)
            } else {
                f64::NAN
            };
        }
    }

    /// Totals of every territory into `out` from the unit totals, on this thread.
    pub(super) fn totals_into(&self, unit_total: &[f64], out: &mut [f64]) {
        for (c, o) in out.chunks_mut(ROLLUP_CHUNK).enumerate() {
            self.totals_chunk(unit_total, c * ROLLUP_CHUNK, o);
        }
    }

    /// Like [`Members::totals_into`], in parallel chunks of territories when there are many
    /// units (the same bits: each territory is summed alone).
    pub(super) fn totals_par(&self, unit_total: &[f64], out: &mut [f64]) {
        if self.units.len() < PARALLEL_WORK / 4 {
            return self.totals_into(unit_total, out);
        }
        out.par_chunks_mut(ROLLUP_CHUNK)
            .enumerate()
            .for_each(|(c, o)| self.totals_chunk(unit_total, c * ROLLUP_CHUNK, o));
    }
}
