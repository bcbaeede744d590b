//! The published IFN 2020 département table, derived from the IRIS score files of
//! `reference/ifn-2020-iris-par-region`, and the two figures that compare ifn's département
//! totals with it: Spearman's rank correlation and the mean absolute difference.
//!
//! Derivation (see `docs/data.md`, "Comparaison avec l'IFN publié"): each row of the region
//! files is an IRIS (or a commune not split into IRIS) with its `SCORE GLOBAL region 1`
//! (base 100 = the région); a département's value is the mean of its rows weighted by
//! population, each row taking its commune's population (from the store) divided by the
//! number of rows of that commune, or a nominal 2,000 inhabitants (INSEE's IRIS size) when the
//! commune is not in the store.

use std::collections::HashMap;
use std::path::Path;

/// Nominal population of an IRIS, for the rare row whose commune the store does not know.
const NOMINAL_IRIS_POPULATION: f64 = 2_000.0;

/// Département code → population-weighted mean of `SCORE GLOBAL region 1`.
pub fn departement_table(
    dir: &Path,
    commune_population: &HashMap<String, f64>,
) -> HashMap<String, f64> {
    let header = std::fs::read_to_string(dir.join("headers.csv")).expect("headers.csv");
    let header: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split(';')
        .map(str::to_string)
        .collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in headers.csv"))
    };
    let (score, com, dep) = (
        at("SCORE GLOBAL region 1"),
        at("Insee Com"),
        at("Insee Dep"),
    );
    let mut rows: Vec<(String, String, f64)> = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reference folder") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n == "headers.csv")
            || path.extension().is_none_or(|e| e != "csv")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("region file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.trim_end_matches('\r').split(';').collect();
            let Ok(s) = cells[score].parse::<f64>() else {
                continue;
            };
            // Leading zeros are lost in these files: restore them.
            let d = cells[dep].trim();
            let d = if d.len() == 1 {
                format!("0{d}")
            } else {
                d.to_string()
            };
            let c = format!("{:0>5}", cells[com].trim());
            rows.push((d, c, s));
        }
    }
    let mut per_commune: HashMap<&str, f64> = HashMap::new();
    for (_, c, _) in &rows {
        *per_commune.entry(c.as_str()).or_default() += 1.0;
    }
    let mut acc: HashMap<String, (f64, f64)> = HashMap::new();
    for (d, c, s) in &rows {
        let w = commune_population
            .get(c)
            .map_or(NOMINAL_IRIS_POPULATION, |p| p / per_commune[c.as_str()]);
        let e = acc.entry(d.clone()).or_default();
        e.0 += w * s;
        e.1 += w;
    }
    acc.into_iter()
        .filter(|(_, (_, w))| *w > 0.0)
        .map(|(d, (sw, w))| (d, sw / w))
        .collect()
}

/// Ranks from 1, ties sharing their mean rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            r[*k] = mean;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Spearman's rank correlation of two paired series.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

/// Mean absolute difference between `ifn` and `reference` once the reference is put on ifn's
/// scale (same mean and standard deviation): the two indices have different units (2023
/// decile classes vs 2020 base 100), so only their relative positions can be compared.
pub fn mean_absolute_difference(ifn: &[f64], reference: &[f64]) -> f64 {
    let n = ifn.len() as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
    let sd = |v: &[f64], m: f64| (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt();
    let (mi, mr) = (mean(ifn), mean(reference));
    let (si, sr) = (sd(ifn, mi), sd(reference, mr));
    ifn.iter()
        .zip(reference)
        .map(|(x, r)| (x - (mi + (r - mr) / sr * si)).abs())
        .sum::<f64>()
        / n
}

#[test]
fn spearman_is_one_for_the_same_order_and_minus_one_for_the_reverse() {
    let a = [1.0, 2.0, 3.0, 10.0];
    assert!((spearman(&a, &[5.0, 6.0, 7.0, 8.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&a, &[8.0, 7.0, 6.0, 5.0]) + 1.0).abs() < 1e-12);
    assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
}

#[test]
fn the_mean_absolute_difference_ignores_scale_but_not_order() {
    let a = [1.0, 2.0, 3.0];
    assert!(mean_absolute_difference(&a, &[10.0, 20.0, 30.0]) < 1e-12);
    assert!(mean_absolute_difference(&a, &[30.0, 20.0, 10.0]) > 0.5);
}
