//! The arithmetic of table sources: merging duplicate rows, the formula of a source (a scaled
//! column or a ratio), and combining the rows that resolve to one commune.
//!
//! NaN means missing throughout.

use crate::manifest::IndicatorSource;

/// Relative tolerance under which two duplicate cells are the same value.
const SAME_VALUE: f64 = 1e-9;

/// Merges the cells of rows sharing a code: the value when the non-missing cells agree (NaN
/// when all are missing), `None` when they disagree.
pub(super) fn merge_cells(cells: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut vals = cells.into_iter().filter(|x| !x.is_nan());
    let Some(x) = vals.next() else {
        return Some(f64::NAN);
    };
    let agree = vals.all(|y| (y - x).abs() <= SAME_VALUE * x.abs().max(1.0));
    agree.then_some(x)
}

/// How a source turns the cells of a row into a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Formula {
    /// One column times `scale`.
    Column {
        /// Factor.
        scale: f64,
    },
    /// Sum of the numerators over the denominator (the last cell), optionally `1 − ratio`,
    /// times `scale`.
    Ratio {
        /// `1 − ratio`.
        complement: bool,
        /// Factor.
        scale: f64,
    },
}

impl Formula {
    /// The formula of a table source.
    pub(super) fn of(src: &IndicatorSource) -> Formula {
        if src.column.is_some() {
            Formula::Column { scale: src.scale }
        } else {
            Formula::Ratio {
                complement: src.complement,
                scale: src.scale,
            }
        }
    }

    /// The value of one row's cells (a column: one cell; a ratio: numerators then the
    /// denominator). A missing cell, a denominator ≤ 0 or no cell at all give NaN.
    pub(super) fn apply(&self, cells: &[f64]) -> f64 {
        match *self {
            Formula::Column { scale } => cells.first().map_or(f64::NAN, |x| x * scale),
            Formula::Ratio { complement, scale } => {
                let Some((&den, nums)) = cells.split_last() else {
                    return f64::NAN;
                };
                let num: f64 = nums.iter().sum();
                if den.is_nan() || den <= 0.0 || num.is_nan() {
                    return f64::NAN;
                }
                let r = num / den;
                let r = if complement { 1.0 - r } else { r };
                r * scale
            }
        }
    }
}

/// Combines the rows (weight, cells) that resolve to one commune: ratios by summing
/// numerators and denominators cell by cell; plain values by a mean weighted by the former
/// communes' populations (equal weights when one is unknown). No row gives NaN.
pub(super) fn aggregate(contrib: &[(f64, &[f64])], formula: Formula) -> f64 {
    match contrib {
        [] => f64::NAN,
        [(_, cells)] => formula.apply(cells),
        _ => match formula {
            Formula::Ratio { .. } => {
                let width = contrib[0].1.len();
                let sums: Vec<f64> = (0..width)
                    .map(|k| {
                        let vals = contrib
                            .iter()
                            .filter_map(|c| c.1.get(k).copied())
                            .filter(|x| !x.is_nan());
                        vals.fold(None, |s: Option<f64>, x| Some(s.unwrap_or(0.0) + x))
                            .unwrap_or(f64::NAN)
                    })
                    .collect();
                formula.apply(&sums)
            }
            Formula::Column { .. } => {
                let vals: Vec<(f64, f64)> = contrib
                    .iter()
                    .map(|(w, v)| (*w, formula.apply(v)))
                    .filter(|(_, x)| !x.is_nan())
                    .collect();
                if vals.is_empty() {
                    return f64::NAN;
                }
                let weighted = vals.iter().all(|(w, _)| w.is_finite() && *w > 0.0);
                let (s, ws) = vals.iter().fold((0.0, 0.0), |(s, ws), (w, x)| {
                    let w = if weighted { *w } else { 1.0 };
                    (s + w * x, ws + w)
                });
                s / ws
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const NAN: f64 = f64::NAN;
    const RATIO: Formula = Formula::Ratio {
        complement: false,
        scale: 1.0,
    };

    #[test]
    fn merging_no_cell_or_only_missing_cells_gives_missing() {
        assert!(merge_cells([]).is_some_and(f64::is_nan));
        assert!(merge_cells([NAN, NAN]).is_some_and(f64::is_nan));
    }

    #[test]
    fn duplicate_cells_that_agree_or_are_missing_merge() {
        assert_eq!(merge_cells([2.5, NAN, 2.5]), Some(2.5));
        assert_eq!(merge_cells([1e9, 1e9 + 0.1]), Some(1e9));
    }

    #[test]
    fn duplicate_cells_that_disagree_are_ambiguous() {
        assert_eq!(merge_cells([1.5, 2.5]), None);
        assert_eq!(merge_cells([0.0, 1e-6]), None);
    }

    #[test]
    fn a_ratio_with_no_cell_is_missing_instead_of_panicking() {
        assert!(RATIO.apply(&[]).is_nan());
        assert!(Formula::Column { scale: 2.0 }.apply(&[]).is_nan());
    }

    #[test]
    fn a_ratio_sums_its_numerators_and_applies_complement_and_scale() {
        assert_relative_eq!(RATIO.apply(&[1.0, 2.0, 10.0]), 0.3);
        let f = Formula::Ratio {
            complement: true,
            scale: 100.0,
        };
        assert_relative_eq!(f.apply(&[1.0, 3.0]), 100.0 * (1.0 - 1.0 / 3.0));
        assert_relative_eq!(Formula::Column { scale: 0.5 }.apply(&[8.0]), 4.0);
    }

    #[test]
    fn a_ratio_over_a_zero_or_missing_denominator_is_missing() {
        assert!(RATIO.apply(&[1.0, 0.0]).is_nan());
        assert!(RATIO.apply(&[1.0, -3.0]).is_nan());
        assert!(RATIO.apply(&[1.0, NAN]).is_nan());
        assert!(RATIO.apply(&[NAN, 4.0]).is_nan());
    }

    #[test]
    fn aggregating_nothing_is_missing() {
        assert!(aggregate(&[], RATIO).is_nan());
    }

    #[test]
    fn merged_communes_sum_numerators_and_denominators() {
        let a = [1.0, 4.0];
        let b = [3.0, 4.0];
        // (1 + 3) / (4 + 4), not the mean of 1/4 and 3/4 weighted by anything.
        let v = aggregate(&[(NAN, &a[..]), (NAN, &b[..])], RATIO);
        assert_relative_eq!(v, 0.5);
        // A missing cell of one commune does not hide the other's.
        let c = [NAN, 2.0];
        assert_relative_eq!(aggregate(&[(NAN, &a[..]), (NAN, &c[..])], RATIO), 1.0 / 6.0);
    }

    #[test]
    fn merged_communes_average_plain_values_by_population() {
        let col = Formula::Column { scale: 1.0 };
        let (a, b) = ([10.0], [20.0]);
        assert_relative_eq!(aggregate(&[(100.0, &a[..]), (300.0, &b[..])], col), 17.5);
        // One unknown population: equal weights.
        assert_relative_eq!(aggregate(&[(100.0, &a[..]), (NAN, &b[..])], col), 15.0);
        // Missing values are left out.
        let m = [NAN];
        assert_relative_eq!(aggregate(&[(100.0, &a[..]), (300.0, &m[..])], col), 10.0);
        assert!(aggregate(&[(1.0, &m[..]), (1.0, &m[..])], col).is_nan());
    }
}
