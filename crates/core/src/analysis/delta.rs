//! What changed between two selections: scores and ranks of every territory under a base
//! selection A and a selection B, the difference and the rank change, the biggest movers.

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Value};

use super::rank::ranks;
use super::{csv_io, num, selection_json};
use crate::engine::Engine;
use crate::error::CoreResult;
use crate::level::Level;
use crate::report::format_number;
use crate::selection::Selection;

/// One territory under the base selection A and the selection B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryDelta {
    /// Territory code.
    pub code: String,
    /// Territory name.
    pub name: String,
    /// Total under A (NaN when no indicator of A is present).
    pub score_base: f64,
    /// Total under B.
    pub score: f64,
    /// `score − score_base` (NaN when either is missing).
    pub difference: f64,
    /// Rank under A (1 = most fragile, see [`super::rank`]).
    pub rank_base: Option<u32>,
    /// Rank under B.
    pub rank: Option<u32>,
    /// `rank_base − rank`: positive when the territory climbs towards rank 1 (relatively
    /// more fragile under B), negative when it falls back.
    pub rank_change: Option<i64>,
}

/// The comparison of two selections at one level.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// The level.
    pub level: Level,
    /// Selection A (the reference of the comparison).
    pub base: Selection,
    /// Selection B.
    pub selection: Selection,
    /// Every territory of the level, in the engine's order.
    pub territories: Vec<TerritoryDelta>,
}

impl Delta {
    /// The `n` territories that climbed most towards rank 1 (largest positive rank change;
    /// ties by largest score difference, then code). Territories that did not climb are left
    /// out.
    pub fn movers_up(&self, n: usize) -> Vec<&TerritoryDelta> {
        self.movers(n, 1)
    }

    /// The `n` territories that fell back most (largest negative rank change).
    pub fn movers_down(&self, n: usize) -> Vec<&TerritoryDelta> {
        self.movers(n, -1)
    }

    fn movers(&self, n: usize, sign: i64) -> Vec<&TerritoryDelta> {
        let mut v: Vec<&TerritoryDelta> = self
            .territories
            .iter()
            .filter(|t| t.rank_change.is_some_and(|c| c * sign > 0))
            .collect();
        v.sort_by(|a, b| {
            let (ca, cb) = (a.rank_change.unwrap_or(0), b.rank_change.unwrap_or(0));
            (cb * sign)
                .cmp(&(ca * sign))
                .then((b.difference * sign as f64).total_cmp(&(a.difference * sign as f64)))
                .then(a.code.cmp(&b.code))
        });
        v.truncate(n);
        v
    }

    /// CSV: `code,name,score_base,score,difference,rank_base,rank,rank_change`, one line per
    /// territory; missing values are empty cells.
    pub fn write_csv(&self, out: impl Write, decimals: Option<usize>) -> CoreResult<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "code",
            "name",
            "score_base",
            "score",
            "difference",
            "rank_base",
            "rank",
            "rank_change",
        ])
        .map_err(csv_io)?;
        let opt = |r: Option<i64>| r.map(|x| x.to_string()).unwrap_or_default();
        for t in &self.territories {
            w.write_record([
                t.code.clone(),
                t.name.clone(),
                format_number(t.score_base, decimals),
                format_number(t.score, decimals),
                format_number(t.difference, decimals),
                opt(t.rank_base.map(i64::from)),
                opt(t.rank.map(i64::from)),
                opt(t.rank_change),
            ])
            .map_err(csv_io)?;
        }
        w.flush()?;
        Ok(())
    }

    /// JSON document: the two selections, the `top` biggest movers each way, then every
    /// territory.
    pub fn to_json(&self, top: usize) -> Value {
        let item = |t: &TerritoryDelta| {
            json!({
                "code": t.code,
                "name": t.name,
                "score_base": num(t.score_base),
                "score": num(t.score),
                "difference": num(t.difference),
                "rank_base": t.rank_base,
                "rank": t.rank,
                "rank_change": t.rank_change,
            })
        };
        json!({
            "level": self.level,
            "base": selection_json(&self.base),
            "selection": selection_json(&self.selection),
            "movers_up": self.movers_up(top).into_iter().map(item).collect::<Vec<_>>(),
            "movers_down": self.movers_down(top).into_iter().map(item).collect::<Vec<_>>(),
            "territories": self.territories.iter().map(item).collect::<Vec<_>>(),
        })
    }
}

/// Scores and ranks of every territory of `level` under `base` (A) and `selection` (B).
///
/// ```
/// use ifn_core::{analysis, Catalogue, Engine, Level, Selection};
/// let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
/// let a = analysis::public_method(&engine, "tout-age").unwrap();
/// let b = Selection::builder("tout-age")
///     .weights(vec![("poverty_rate".into(), 3.0)])
///     .build(&engine).unwrap();
/// let d = analysis::delta(&engine, Level::Commune, &a, &b).unwrap();
/// // Comparing a selection with itself moves nothing.
/// let same = analysis::delta(&engine, Level::Commune, &a, &a).unwrap();
/// assert!(same.territories.iter().all(|t| t.rank_change == Some(0) && t.difference == 0.0));
/// assert!(same.movers_up(5).is_empty());
/// assert_eq!(d.territories.len(), same.territories.len());
/// ```
pub fn delta(
    engine: &Engine,
    level: Level,
    base: &Selection,
    selection: &Selection,
) -> CoreResult<Delta> {
    let a = engine.level_totals(level, base)?;
    let b = engine.level_totals(level, selection)?;
    let (ra, rb) = (ranks(&a), ranks(&b));
    let codes = engine.codes(level)?;
    let territories = codes
        .iter()
        .enumerate()
        .map(|(t, code)| TerritoryDelta {
            code: code.to_string(),
            name: engine.dataset().name_of(level, code),
            score_base: a[t],
            score: b[t],
            difference: b[t] - a[t],
            rank_base: ra[t],
            rank: rb[t],
            rank_change: ra[t].zip(rb[t]).map(|(x, y)| i64::from(x) - i64::from(y)),
        })
        .collect();
    Ok(Delta {
        level,
        base: base.clone(),
        selection: selection.clone(),
        territories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BaseUnit, Catalogue, Dataset, Names};
    use ndarray::Array2;

    const POV: &str = "poverty_rate";
    const AGE: &str = "older_65_rate";

    /// Five communes of one unit each; poverty 10..50 rising, age 50..10 falling, so the
    /// classes are poverty 2, 4, 6, 8, 10 and age 10, 8, 6, 4, 2.
    fn five_units() -> Engine {
        let units = (0..5)
            .map(|i| BaseUnit {
                code: format!("U{i}"),
                name: format!("Unité {i}"),
                commune: format!("C{i}"),
                epci: "E".into(),
                departement: "01".into(),
                region: "84".into(),
                population: 100.0,
            })
            .collect();
        let values = Array2::from_shape_fn((5, 2), |(i, j)| {
            let x = 10.0 * (i + 1) as f64;
            if j == 0 {
                x
            } else {
                60.0 - x
            }
        });
        let keys = vec![POV.to_string(), AGE.to_string()];
        let d = Dataset::new(units, keys, values, Names::default()).expect("dataset");
        Engine::new(d, Catalogue::builtin().clone())
    }

    fn weighted(e: &Engine, pov: f64, age: f64) -> Selection {
        Selection::builder("tout-age")
            .indicators([POV, AGE])
            .weights(vec![(POV.into(), pov), (AGE.into(), age)])
            .build(e)
            .expect("selection")
    }

    #[test]
    fn a_hand_computed_delta_on_five_units() {
        let e = five_units();
        // A: equal weights → every total is (c_pov + c_age) / 2 = 6: all tie at rank 1.
        let a = weighted(&e, 1.0, 1.0);
        // B: poverty 3, age 1 → (3·c_pov + c_age) / 4 = 4, 5, 6, 7, 8.
        let b = weighted(&e, 3.0, 1.0);
        let d = delta(&e, Level::Commune, &a, &b).expect("delta");
        let score: Vec<f64> = d.territories.iter().map(|t| t.score).collect();
        assert_eq!(score, vec![4.0, 5.0, 6.0, 7.0, 8.0]);
        assert!(d.territories.iter().all(|t| t.score_base == 6.0));
        let diff: Vec<f64> = d.territories.iter().map(|t| t.difference).collect();
        assert_eq!(diff, vec![-2.0, -1.0, 0.0, 1.0, 2.0]);
        let ranks: Vec<Option<u32>> = d.territories.iter().map(|t| t.rank).collect();
        assert_eq!(ranks, vec![Some(5), Some(4), Some(3), Some(2), Some(1)]);
        assert!(d.territories.iter().all(|t| t.rank_base == Some(1)));
        let change: Vec<Option<i64>> = d.territories.iter().map(|t| t.rank_change).collect();
        assert_eq!(
            change,
            vec![Some(-4), Some(-3), Some(-2), Some(-1), Some(0)]
        );
        assert!(d.movers_up(3).is_empty());
        let down: Vec<&str> = d.movers_down(2).iter().map(|t| t.code.as_str()).collect();
        assert_eq!(down, vec!["C0", "C1"]);
        // The other way round, C4 stays first and C0 climbs most.
        let back = delta(&e, Level::Commune, &b, &a).expect("delta");
        let up: Vec<&str> = back.movers_up(5).iter().map(|t| t.code.as_str()).collect();
        assert_eq!(up, vec!["C0", "C1", "C2", "C3"]);
    }

    #[test]
    fn delta_writes_csv_with_empty_cells_for_missing_ranks() {
        let e = five_units();
        let d = delta(
            &e,
            Level::Iris,
            &weighted(&e, 1.0, 1.0),
            &weighted(&e, 0.0, 1.0),
        )
        .expect("delta");
        let mut out = Vec::new();
        d.write_csv(&mut out, None).expect("csv");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "code,name,score_base,score,difference,rank_base,rank,rank_change"
        );
        // U0: A total 6 (tied 1st), B = age class 10 → 1st alone.
        assert_eq!(lines[1], "U0,Unité 0,6,10,4,1,1,0");
        assert_eq!(lines.len(), 6);
        let json = d.to_json(2);
        assert_eq!(json["movers_down"].as_array().map(Vec::len), Some(2));
        assert_eq!(json["territories"][4]["rank"], 5);
    }
}
