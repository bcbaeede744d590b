//! Decile classes: step 1 of the method.
//!
//! Over a reference set of base units (each counted once, not weighted by population, missing
//! values left out), `F(x)` is the share of units whose value is ≤ `x`; the class of `x` is
//! `clamp(ceil(10·F(x)), 1, 10)`. Ties therefore take the upper class.

/// Class of a missing value.
pub const MISSING: u8 = 0;

/// The class of a unit given `k`, the number of reference values ≤ its value, and `n`, the
/// number of reference values. Integer arithmetic, so `ceil` is exact.
///
/// ```
/// use ifn_core::classes::class_from_rank;
/// assert_eq!(class_from_rank(1, 4), 3);   // F = 0.25 → ceil(2.5) = 3
/// assert_eq!(class_from_rank(4, 4), 10);
/// assert_eq!(class_from_rank(1, 1000), 1); // ceil(0.01) = 1
/// ```
pub fn class_from_rank(k: usize, n: usize) -> u8 {
    if n == 0 {
        return MISSING;
    }
    let c = (10 * k).div_ceil(n);
    c.clamp(1, 10) as u8
}

/// Classes of `values` over themselves (one reference set). NaN → [`MISSING`].
///
/// ```
/// use ifn_core::classes::decile_classes;
/// // half the units at 0: all of them take class 5.
/// let c = decile_classes(&[0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// assert_eq!(c, vec![4, 4, 4, 4, 5, 6, 7, 8, 9, 10]);
/// let c = decile_classes(&[0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// assert_eq!(&c[..5], &[5, 5, 5, 5, 5]);
/// assert_eq!(decile_classes(&[f64::NAN, 1.0]), vec![0, 10]);
/// ```
pub fn decile_classes(values: &[f64]) -> Vec<u8> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len();
    values
        .iter()
        .map(|&x| {
            if x.is_nan() {
                MISSING
            } else {
                class_from_rank(sorted.partition_point(|&v| v <= x), n)
            }
        })
        .collect()
}

/// Classes of `values` ranked within groups: `groups[i]` is the reference set of unit `i`
/// (for example its département), `n_groups` the number of groups.
pub fn decile_classes_grouped(values: &[f64], groups: &[u32], n_groups: usize) -> Vec<u8> {
    debug_assert_eq!(values.len(), groups.len());
    if n_groups <= 1 {
        return decile_classes(values);
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in groups.iter().enumerate() {
        members[g as usize].push(i);
    }
    let mut out = vec![MISSING; values.len()];
    for idx in members {
        let sub: Vec<f64> = idx.iter().map(|&i| values[i]).collect();
        for (&i, c) in idx.iter().zip(decile_classes(&sub)) {
            out[i] = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_value_gives_no_class() {
        assert!(decile_classes(&[]).is_empty());
        assert_eq!(decile_classes(&[f64::NAN, f64::NAN]), vec![0, 0]);
    }

    #[test]
    fn one_unit_takes_class_ten() {
        assert_eq!(decile_classes(&[42.0]), vec![10]);
    }

    #[test]
    fn all_equal_values_take_class_ten() {
        assert_eq!(decile_classes(&[3.0; 7]), vec![10; 7]);
    }

    #[test]
    fn ten_distinct_values_take_each_class_once() {
        let v: Vec<f64> = (0..10).map(|i| (9 - i) as f64).collect();
        assert_eq!(decile_classes(&v), vec![10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn ties_take_the_upper_decile() {
        // 3 of 7 are ≤ 1 → F = 3/7, ceil(30/7) = 5 for all three.
        let c = decile_classes(&[1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(c, vec![5, 5, 5, 6, 8, 9, 10]);
    }

    #[test]
    fn missing_values_are_left_out_of_the_reference() {
        let c = decile_classes(&[1.0, f64::NAN, 2.0]);
        assert_eq!(c, vec![5, 0, 10]);
    }

    #[test]
    fn grouped_classes_rank_within_each_group() {
        let c = decile_classes_grouped(&[1.0, 100.0, 2.0, 200.0], &[0, 1, 0, 1], 2);
        assert_eq!(c, vec![5, 5, 10, 10]);
    }
}
