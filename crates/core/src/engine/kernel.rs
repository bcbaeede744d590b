//! The one inner loop of re-weighting: weighted column sums over a block of rows.

/// `acc[k] += Σ_j w_j · column_j[k]` over the `(w_j, column_j)` given, each row adding its
/// columns in the order given, i.e. the very roundings of a row-by-row `Σ_j` (Rust never fuses
/// a multiply-add).
///
/// Why columns: a row-by-row sum is a chain of dependent additions (≈ 4 cycles each), while
/// here the rows of a block are independent and the loop vectorises. Why four columns at a
/// time: each row's accumulator then stays in a register for four terms instead of being
/// loaded and stored once per column.
pub(super) fn add_columns<'a, T>(acc: &mut [f64], columns: impl Iterator<Item = (f64, &'a [T])>)
where
    T: Copy + Into<f64> + 'a,
{
    let mut group: [(f64, &[T]); 4] = [(0.0, &[]); 4];
    let mut k = 0;
    for c in columns {
        group[k] = c;
        k += 1;
        if k == 4 {
            add_group(acc, &group);
            k = 0;
        }
    }
    add_group(acc, &group[..k]);
}

/// [`add_columns`] for one to four columns (nothing for none).
fn add_group<T: Copy + Into<f64>>(acc: &mut [f64], group: &[(f64, &[T])]) {
    let n = acc.len();
    match *group {
        [(wa, a)] => {
            for (s, &x) in acc.iter_mut().zip(&a[..n]) {
                *s += wa * x.into();
            }
        }
        [(wa, a), (wb, b)] => {
            for ((s, &x), &y) in acc.iter_mut().zip(&a[..n]).zip(&b[..n]) {
                *s = *s + wa * x.into() + wb * y.into();
            }
        }
        [(wa, a), (wb, b), (wc, c)] => {
            let abc = a[..n].iter().zip(&b[..n]).zip(&c[..n]);
            for (s, ((&x, &y), &z)) in acc.iter_mut().zip(abc) {
                *s = *s + wa * x.into() + wb * y.into() + wc * z.into();
            }
        }
        [(wa, a), (wb, b), (wc, c), (wd, d)] => {
            let abcd = a[..n].iter().zip(&b[..n]).zip(&c[..n]).zip(&d[..n]);
            for (s, (((&x, &y), &z), &u)) in acc.iter_mut().zip(abcd) {
                *s = *s + wa * x.into() + wb * y.into() + wc * z.into() + wd * u.into();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::add_columns;

    #[test]
    fn columns_are_added_in_order_as_a_row_sum_would() {
        let w = [0.1, 1.0 / 3.0, 7.25, 1e-3, 2.0 / 7.0, 0.9];
        let cols: Vec<Vec<u8>> = (0..6)
            .map(|j| (0..37).map(|k| ((k * 7 + j * 3) % 11) as u8).collect())
            .collect();
        for used in 0..=6 {
            let mut acc = vec![0.0; 37];
            add_columns(&mut acc, (0..used).map(|j| (w[j], cols[j].as_slice())));
            for (k, &a) in acc.iter().enumerate() {
                let row: f64 = (0..used).fold(0.0, |s, j| s + w[j] * f64::from(cols[j][k]));
                assert_eq!(a.to_bits(), row.to_bits(), "{used} columns, row {k}");
            }
        }
    }
}
