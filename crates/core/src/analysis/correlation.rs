//! Which indicators overlap: Spearman correlations between the selected indicators at a
//! level, on their classes and on their raw values, and of each indicator with the total.
//!
//! As in COINr (`get_corr_flags`, `cor_thresh = 0.9`, `thresh_type = "high"`), a pair is
//! flagged when its correlation is *above* 0.9 (a strong negative correlation is not a
//! redundancy); here a pair is flagged when either its class or its raw-value correlation is.
//! Correlations use the territories where both values are present (R's
//! `use = "pairwise.complete.obs"`); Spearman's ρ is Pearson's correlation of the average
//! ranks. It is NaN with fewer than two such territories or when one side is constant.

use std::io::Write;

use ndarray::{Array2, ArrayView1};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use super::rank::average_ranks;
use super::{csv_io, num, selection_json};
use crate::engine::Engine;
use crate::error::CoreResult;
use crate::level::Level;
use crate::report::format_number;
use crate::selection::Selection;

/// Correlation above which two indicators are flagged as possibly redundant (COINr's default).
pub const REDUNDANCY_THRESHOLD: f64 = 0.9;

/// Two indicators whose correlation exceeds [`REDUNDANCY_THRESHOLD`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlaggedPair {
    /// First indicator key (selection order).
    pub a: String,
    /// Second indicator key.
    pub b: String,
    /// Spearman correlation of their classes.
    pub classes: f64,
    /// Spearman correlation of their raw values.
    pub raw: f64,
}

/// The correlations of the selected indicators at one level.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlations {
    /// The level.
    pub level: Level,
    /// The selection.
    pub selection: Selection,
    /// Number of territories of the level.
    pub territories: usize,
    /// Spearman correlations of the classes, indicators × indicators (selection order).
    pub classes: Array2<f64>,
    /// Spearman correlations of the raw values.
    pub raw: Array2<f64>,
    /// Spearman correlation of each indicator's classes with the total: its effective
    /// weight in the ranking.
    pub with_total: Vec<f64>,
    /// Each indicator's nominal weight as a share of the sum of the weights.
    pub nominal_weight: Vec<f64>,
    /// Pairs above [`REDUNDANCY_THRESHOLD`] on classes or raw values, each pair once.
    pub flagged: Vec<FlaggedPair>,
}

/// Spearman's ρ over the rows where both `x` and `y` are present.
///
/// ```
/// use ifn_core::analysis::spearman;
/// let x = [1.0, 2.0, 3.0, 4.0, f64::NAN];
/// assert!((spearman(&x, &[10.0, 20.0, 30.0, 40.0, 0.0]) - 1.0).abs() < 1e-12);
/// assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0, 9.0]) + 1.0).abs() < 1e-12);
/// assert!(spearman(&x, &[5.0; 5]).is_nan());
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (a, b): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(&a, &b)| (a, b))
        .unzip();
    pearson(&average_ranks(&a), &average_ranks(&b))
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 {
        return f64::NAN;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
}

/// The symmetric Spearman matrix of the columns of `m`, pairs in parallel.
fn spearman_matrix(m: &Array2<f64>) -> Array2<f64> {
    let k = m.ncols();
    let columns: Vec<Vec<f64>> = (0..k).map(|j| m.column(j).to_vec()).collect();
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i..k).map(move |j| (i, j))).collect();
    let values: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| spearman(&columns[i], &columns[j]))
        .collect();
    let mut out = Array2::from_elem((k, k), f64::NAN);
    for (&(i, j), &v) in pairs.iter().zip(&values) {
        out[(i, j)] = v;
        out[(j, i)] = v;
    }
    out
}

/// Spearman correlations of the indicators of `selection` at `level`.
///
/// ```
/// use ifn_core::{analysis, Catalogue, Engine, Level};
/// let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
/// let s = analysis::public_method(&engine, "tout-age").unwrap();
/// let c = analysis::correlations(&engine, Level::Commune, &s).unwrap();
/// assert_eq!(c.classes.nrows(), s.indicators.len());
/// assert!((c.classes[(0, 0)] - 1.0).abs() < 1e-12);
/// assert!((c.nominal_weight.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn correlations(
    engine: &Engine,
    level: Level,
    selection: &Selection,
) -> CoreResult<Correlations> {
    let scores = engine.score(level, selection)?;
    let classes = spearman_matrix(&scores.classes);
    let raw = spearman_matrix(&scores.raw);
    let with_total = (0..selection.indicators.len())
        .map(|j| {
            let col: ArrayView1<f64> = scores.classes.column(j);
            spearman(&col.to_vec(), &scores.total)
        })
        .collect();
    let sum: f64 = selection.weights.iter().sum();
    let nominal_weight = selection.weights.iter().map(|w| w / sum).collect();
    let keys = &selection.indicators;
    let mut flagged = Vec::new();
    for (i, a) in keys.iter().enumerate() {
        for (j, b) in keys.iter().enumerate().skip(i + 1) {
            let (c, r) = (classes[(i, j)], raw[(i, j)]);
            if c > REDUNDANCY_THRESHOLD || r > REDUNDANCY_THRESHOLD {
                flagged.push(FlaggedPair {
                    a: a.clone(),
                    b: b.clone(),
                    classes: c,
                    raw: r,
                });
            }
        }
    }
    Ok(Correlations {
        level,
        selection: selection.clone(),
        territories: scores.len(),
        classes,
        raw,
        with_total,
        nominal_weight,
        flagged,
    })
}

impl Correlations {
    /// CSV, one line per indicator: `indicator,nominal_weight,with_total`, then its class
    /// correlation with each indicator (`classes_<key>`), then its raw-value correlation
    /// (`raw_<key>`), then the keys it is flagged with (`;`-separated).
    pub fn write_csv(&self, out: impl Write, decimals: Option<usize>) -> CoreResult<()> {
        let keys = &self.selection.indicators;
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec![
            "indicator".to_string(),
            "nominal_weight".into(),
            "with_total".into(),
        ];
        header.extend(keys.iter().map(|k| format!("classes_{k}")));
        header.extend(keys.iter().map(|k| format!("raw_{k}")));
        header.push("flagged_with".into());
        w.write_record(&header).map_err(csv_io)?;
        for (i, key) in keys.iter().enumerate() {
            let mut row = vec![
                key.clone(),
                format_number(self.nominal_weight[i], decimals),
                format_number(self.with_total[i], decimals),
            ];
            row.extend(
                self.classes
                    .row(i)
                    .iter()
                    .map(|&v| format_number(v, decimals)),
            );
            row.extend(self.raw.row(i).iter().map(|&v| format_number(v, decimals)));
            let with: Vec<&str> = self
                .flagged
                .iter()
                .filter_map(|p| {
                    if &p.a == key {
                        Some(p.b.as_str())
                    } else if &p.b == key {
                        Some(p.a.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            row.push(with.join(";"));
            w.write_record(&row).map_err(csv_io)?;
        }
        w.flush()?;
        Ok(())
    }

    /// JSON document: level, selection, both matrices (rows in selection order), the
    /// correlation with the total and the flagged pairs.
    pub fn to_json(&self) -> Value {
        let matrix = |m: &Array2<f64>| -> Vec<Vec<Value>> {
            m.rows()
                .into_iter()
                .map(|r| r.iter().map(|&v| num(v)).collect())
                .collect()
        };
        let indicators: Vec<Value> = self
            .selection
            .indicators
            .iter()
            .enumerate()
            .map(|(i, k)| {
                json!({
                    "key": k,
                    "nominal_weight": num(self.nominal_weight[i]),
                    "with_total": num(self.with_total[i]),
                })
            })
            .collect();
        let flagged: Vec<Value> = self
            .flagged
            .iter()
            .map(|p| json!({"a": p.a, "b": p.b, "classes": num(p.classes), "raw": num(p.raw)}))
            .collect();
        json!({
            "level": self.level,
            "selection": selection_json(&self.selection),
            "territories": self.territories,
            "threshold": REDUNDANCY_THRESHOLD,
            "indicators": indicators,
            "classes": matrix(&self.classes),
            "raw": matrix(&self.raw),
            "flagged": flagged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BaseUnit, Catalogue, Dataset, Names};

    const POV: &str = "poverty_rate";
    const AGE: &str = "older_65_rate";
    const THD: &str = "no_thd_coverage_rate";

    /// 40 units in 20 communes; `age` is a copy of `poverty`, THD is unrelated.
    fn with_a_copy() -> Engine {
        let units = (0..40)
            .map(|i| BaseUnit {
                code: format!("U{i:02}"),
                name: format!("U{i}"),
                commune: format!("C{:02}", i / 2),
                epci: "E".into(),
                departement: "01".into(),
                region: "84".into(),
                population: 10.0 + i as f64,
            })
            .collect();
        let values = Array2::from_shape_fn((40, 3), |(i, j)| match j {
            0 | 1 => (i * 7 % 40) as f64,
            _ => ((i * 13 + 5) % 17) as f64,
        });
        let keys = vec![POV.to_string(), AGE.to_string(), THD.to_string()];
        let d = Dataset::new(units, keys, values, Names::default()).expect("dataset");
        Engine::new(d, Catalogue::builtin().clone())
    }

    #[test]
    fn a_copy_of_an_indicator_correlates_at_one_and_is_flagged() {
        let e = with_a_copy();
        let s = Selection::builder("tout-age")
            .indicators([POV, AGE, THD])
            .build(&e)
            .expect("selection");
        for level in [Level::Iris, Level::Commune] {
            let c = correlations(&e, level, &s).expect("correlations");
            let (p, a) = (
                s.indicators.iter().position(|k| k == POV).expect("pov"),
                s.indicators.iter().position(|k| k == AGE).expect("age"),
            );
            assert!((c.classes[(p, a)] - 1.0).abs() < 1e-12, "{level}");
            assert!((c.raw[(p, a)] - 1.0).abs() < 1e-12, "{level}");
            assert_eq!(c.flagged.len(), 1, "{level}: {:?}", c.flagged);
            let pair = [c.flagged[0].a.as_str(), c.flagged[0].b.as_str()];
            assert!(pair.contains(&POV) && pair.contains(&AGE));
            // The two copies weigh 2/3 together: each correlates with the total more than THD.
            let t = s.indicators.iter().position(|k| k == THD).expect("thd");
            assert!(c.with_total[p] > c.with_total[t], "{level}");
        }
    }

    #[test]
    fn no_territory_or_a_constant_gives_no_correlation() {
        assert!(spearman(&[], &[]).is_nan());
        assert!(spearman(&[1.0], &[2.0]).is_nan());
        assert!(spearman(&[f64::NAN, 1.0], &[1.0, f64::NAN]).is_nan());
        assert!(spearman(&[1.0, 2.0, 3.0], &[3.0, 3.0, 3.0]).is_nan());
    }

    #[test]
    fn csv_lists_each_indicator_with_its_flags() {
        let e = with_a_copy();
        let s = Selection::builder("tout-age")
            .indicators([POV, AGE, THD])
            .build(&e)
            .expect("selection");
        let c = correlations(&e, Level::Iris, &s).expect("correlations");
        let mut out = Vec::new();
        c.write_csv(&mut out, Some(3)).expect("csv");
        let text = String::from_utf8(out).expect("utf-8");
        let pov_line = text
            .lines()
            .find(|l| l.starts_with(POV))
            .expect("poverty line");
        assert!(pov_line.ends_with(AGE), "{pov_line}");
        assert_eq!(text.lines().count(), 4);
        assert_eq!(c.to_json()["flagged"].as_array().map(Vec::len), Some(1));
    }
}
