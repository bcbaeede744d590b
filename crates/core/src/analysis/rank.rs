//! Ranks and rank statistics shared by the analyses.
//!
//! **Rank 1 is the most fragile territory** (highest total). Ties take the *smallest* rank of
//! their group ("1224" competition ranking, R's `rank(-x, ties.method = "min")`, which COINr
//! uses for its rankings): two territories sharing the highest total are both 1st, the next
//! is 3rd. Territories without a total (no selected indicator present) have no rank and do
//! not count in the others' ranks.
//!
//! Totals are compared after rounding to a grid of 2⁻²⁸ (≈ 3.7·10⁻⁹): territories whose
//! totals are equal in exact arithmetic but differ by floating-point noise (≈ 10⁻¹⁵, e.g. after
//! scaling every weight by 3) still tie, so ranks do not depend on rounding accidents. Totals are
//! means of classes 1–10, far from the grid's limit of 16.

/// Scale of the rounding grid of totals before ranking (2²⁸).
const GRID: f64 = (1u64 << 28) as f64;

/// Rank value meaning "no rank" in the compact `u32` ranks of Monte Carlo draws.
pub(crate) const NO_RANK: u32 = 0;

/// Ranks of `totals` (1 = highest total, ties take the smallest rank); `None` for NaN.
///
/// ```
/// use ifn_core::analysis::ranks;
/// let r = ranks(&[5.0, 9.0, f64::NAN, 5.0, 2.0]);
/// assert_eq!(r, vec![Some(2), Some(1), None, Some(2), Some(4)]);
/// assert!(ranks(&[]).is_empty());
/// ```
pub fn ranks(totals: &[f64]) -> Vec<Option<u32>> {
    let mut scratch = RankScratch::default();
    let mut out = vec![NO_RANK; totals.len()];
    ranks_into(totals, &mut scratch, &mut out);
    out.into_iter()
        .map(|r| (r != NO_RANK).then_some(r))
        .collect()
}

/// Buffers reused from one ranking to the next (Monte Carlo draws).
#[derive(Debug, Default)]
pub(crate) struct RankScratch {
    keys: Vec<u64>,
    tmp: Vec<u64>,
}

/// Ranks into `out` ([`NO_RANK`] for NaN). Returns the number of ranked territories.
pub(crate) fn ranks_into(totals: &[f64], scratch: &mut RankScratch, out: &mut [u32]) -> usize {
    debug_assert_eq!(totals.len(), out.len());
    let keys = &mut scratch.keys;
    keys.clear();
    // Key: inverted grid value in the high 32 bits (so ascending order = most fragile first),
    // territory index in the low 32 bits (so the sort is total and deterministic). The
    // histograms of the radix passes are counted on the way.
    let mut counts = [[0u32; RADIX]; PASSES];
    for (i, &t) in totals.iter().enumerate() {
        if t.is_nan() {
            continue;
        }
        let k = (u64::from(u32::MAX - grid(t)) << 32) | i as u64;
        for (pass, c) in counts.iter_mut().enumerate() {
            c[digit(k, pass)] += 1;
        }
        keys.push(k);
    }
    radix_sort_high_half(keys, &mut scratch.tmp, &mut counts);
    out.fill(NO_RANK);
    let mut rank = 0u32;
    let mut previous = u64::MAX;
    for (pos, &k) in keys.iter().enumerate() {
        let value = k >> 32;
        if value != previous {
            rank = pos as u32 + 1;
            previous = value;
        }
        out[(k & 0xFFFF_FFFF) as usize] = rank;
    }
    keys.len()
}

/// Bits per radix digit: 3 passes of 11 bits cover the 32 bits of a grid value, one pass
/// fewer than bytes, with counts (8 KB) that stay in L1.
const DIGIT_BITS: u32 = 11;
const RADIX: usize = 1 << DIGIT_BITS;
const PASSES: usize = 3;

/// Digit `pass` (least significant first) of the high half of a key.
fn digit(k: u64, pass: usize) -> usize {
    ((k >> (32 + DIGIT_BITS as usize * pass)) as usize) & (RADIX - 1)
}

/// Sorts keys by their high 32 bits, stably (LSD passes over the histograms `counts`, counted
/// by the caller): keys come in index order, so the result is the order of the whole keys, as
/// `sort_unstable` would give, in a few linear passes instead of a comparison sort (the
/// largest cost of a Monte Carlo draw).
fn radix_sort_high_half(
    keys: &mut Vec<u64>,
    tmp: &mut Vec<u64>,
    counts: &mut [[u32; RADIX]; PASSES],
) {
    tmp.clear();
    tmp.resize(keys.len(), 0);
    for (pass, count) in counts.iter_mut().enumerate() {
        if count.contains(&(keys.len() as u32)) {
            continue; // every key in one bucket: this digit does not reorder anything
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let x = *c;
            *c = sum;
            sum += x;
        }
        for &k in keys.iter() {
            let b = digit(k, pass);
            tmp[count[b] as usize] = k;
            count[b] += 1;
        }
        std::mem::swap(keys, tmp);
    }
}

/// A total on the rounding grid, saturated to the `u32` range. `(x + 0.5)` truncated is
/// `x.round()` for the non-negative `x` below 2³² met here (the sum is exact: `x` has at most
/// 20 fraction bits), and avoids a call to libm's `round` (no SSE4.1 `roundsd` in the
/// baseline x86-64 target); the cast saturates negatives to 0 and large values to `u32::MAX`.
fn grid(t: f64) -> u32 {
    (t * GRID + 0.5) as u32
}

/// Quantile `p` (0..=1) of sorted values, interpolating linearly between order statistics
/// (R's default type 7, numpy's default `linear`). NaN for no value.
///
/// ```
/// use ifn_core::analysis::quantile_sorted;
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// assert_eq!(quantile_sorted(&[10.0], 0.05), 10.0);
/// assert!(quantile_sorted(&[], 0.5).is_nan());
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Average ranks of the values (ascending, ties share the mean of their positions), the
/// ranks Spearman's correlation is computed on. NaN values must have been removed.
pub(crate) fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) → ranks start+1..=end, mean (start + 1 + end) / 2.
        let mean = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            out[i] = mean;
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_total_gives_no_rank() {
        assert_eq!(ranks(&[f64::NAN, f64::NAN]), vec![None, None]);
    }

    #[test]
    fn one_territory_is_first() {
        assert_eq!(ranks(&[3.3]), vec![Some(1)]);
    }

    #[test]
    fn ties_take_the_smallest_rank_of_their_group() {
        // 7, 7 share rank 1; then 5 is 3rd; 5, 5 would share 3rd; 1 is 5th.
        let r = ranks(&[5.0, 7.0, 1.0, 7.0, 5.0]);
        assert_eq!(r, vec![Some(3), Some(1), Some(5), Some(1), Some(3)]);
    }

    #[test]
    fn floating_point_noise_does_not_break_a_tie() {
        let a = 0.1 + 0.2;
        let b = 0.3;
        assert_ne!(a, b);
        assert_eq!(ranks(&[a, b, 0.1]), vec![Some(1), Some(1), Some(3)]);
    }

    #[test]
    fn radix_sort_gives_the_order_of_a_comparison_sort() {
        use crate::rng::{Rng, SeedableRng};
        let mut rng = crate::rng::SplitMix64::seed_from_u64(3);
        // Few distinct values (many ties, digits skipped) and the whole 32-bit range.
        for high in [300, 1 << 32] {
            let keys: Vec<u64> = (0..5000u64)
                .map(|i| ((rng.next_u64() % high) << 32) | i)
                .collect();
            check_radix(keys);
        }
    }

    fn check_radix(mut keys: Vec<u64>) {
        let mut expected = keys.clone();
        expected.sort_unstable();
        let mut counts = [[0u32; RADIX]; PASSES];
        for &k in &keys {
            for (pass, c) in counts.iter_mut().enumerate() {
                c[digit(k, pass)] += 1;
            }
        }
        radix_sort_high_half(&mut keys, &mut Vec::new(), &mut counts);
        assert_eq!(keys, expected);
    }

    #[test]
    fn the_grid_rounds_like_round_and_saturates() {
        for t in [
            0.0,
            1.0,
            3.7,
            9.999_999_9,
            10.0,
            15.99,
            1e-9,
            0.5 / GRID,
            1.5 / GRID,
        ] {
            let expected = (t * GRID).round().clamp(0.0, f64::from(u32::MAX)) as u32;
            assert_eq!(grid(t), expected, "{t}");
        }
        assert_eq!(grid(-2.0), 0);
        assert_eq!(grid(1e6), u32::MAX);
    }

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 5.0]),
            vec![2.5, 4.0, 2.5, 1.0]
        );
        assert!(average_ranks(&[]).is_empty());
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 11.0);
        assert_eq!(quantile_sorted(&v, 0.05), 1.5);
        assert_eq!(quantile_sorted(&v, 0.95), 10.5);
    }
}
