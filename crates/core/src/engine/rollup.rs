//! The direct computation: unit totals one indicator at a time and population-weighted
//! roll-ups of any per-unit value. Used for the classes and raw values, for datasets with
//! more indicator columns than the fast path's masks, and as the fast path's reference in tests.

use ndarray::Array2;
use rayon::prelude::*;

use super::{Engine, Grouping, CHUNK};
use crate::classes::MISSING;

impl Engine {
    /// Unit totals one indicator at a time: the path for more than
    /// [`sums::MAX_COLUMNS`] indicator columns, and the reference the fast path is tested
    /// against.
    pub(super) fn unit_totals_slow(
        &self,
        classes: &Array2<u8>,
        cols: &[usize],
        weights: &[f64],
        total: &mut [f64],
        used: &mut [u8],
    ) {
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
    }

    /// Population-weighted mean of a per-unit value over each territory of a grouping. Units
    /// whose value is missing are left out; a territory whose units all have population 0
    /// takes the plain mean; one with no value is NaN. Sequential in unit order, so the result
    /// does not depend on the number of threads.
    pub(super) fn rollup(&self, g: &Grouping, value: impl Fn(usize) -> f64) -> Vec<f64> {
        let m = g.codes.len();
        let mut sw = vec![0.0; m];
        let mut w = vec![0.0; m];
        let mut su = vec![0.0; m];
        let mut n = vec![0u32; m];
        // The populations come from their own array: walking `dataset.units()` would read a
        // whole `BaseUnit` (six strings) per unit.
        for (i, (&pop, &gi)) in self.unit_population.iter().zip(&g.of_unit).enumerate() {
            let v = value(i);
            if v.is_nan() {
                continue;
            }
            let gi = gi as usize;
            sw[gi] += pop * v;
            w[gi] += pop;
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

    pub(super) fn rollup_matrix(
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
}
