//! The analyst's bench over HTTP (`/api/analyse/…`) on the demo territory: the answers are
//! those of `ifn_core::analysis`, filtered and bounded as documented, and bad options are 4xx.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use ifn_core::analysis::{self, RobustnessOptions};
use ifn_core::{Catalogue, Engine, Level, Selection};
use serde_json::Value as Json;

fn engine() -> Engine {
    Engine::new(
        ifn_core::demo::generate().dataset,
        Catalogue::builtin().clone(),
    )
}

fn rows(v: &Json) -> &Vec<Json> {
    v["territories"].as_array().unwrap()
}

#[tokio::test]
async fn delta_against_the_public_method_lists_movers_and_every_territory() {
    let d = json("/api/analyse/delta/commune?weights=poverty_rate=4&top=5").await;
    assert_eq!(d["level"], "commune");
    assert_eq!(d["base"]["weights"]["poverty_rate"], 1.0);
    assert_eq!(d["selection"]["weights"]["poverty_rate"], 4.0);
    let e = engine();
    let a = analysis::public_method(&e, "tout-age").unwrap();
    let b = Selection::builder("tout-age")
        .weights(vec![("poverty_rate".into(), 4.0)])
        .build(&e)
        .unwrap();
    let expected = analysis::delta(&e, Level::Commune, &a, &b).unwrap();
    assert_eq!(rows(&d).len(), expected.territories.len());
    let ups = d["movers_up"].as_array().unwrap();
    assert!(!ups.is_empty() && ups.len() <= 5);
    let want: Vec<&str> = expected
        .movers_up(5)
        .iter()
        .map(|t| t.code.as_str())
        .collect();
    let got: Vec<&str> = ups.iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(got, want);
    for t in ups {
        assert!(t["rank_change"].as_i64().unwrap() > 0);
    }
    for t in d["movers_down"].as_array().unwrap() {
        assert!(t["rank_change"].as_i64().unwrap() < 0);
    }
}

#[tokio::test]
async fn delta_of_a_selection_with_itself_moves_nothing_and_codes_filter_the_list() {
    let all = json("/api/analyse/delta/epci").await;
    let first = rows(&all)[0]["code"].as_str().unwrap().to_string();
    let d = json(&format!("/api/analyse/delta/epci?codes={first}")).await;
    assert_eq!(rows(&d).len(), 1);
    assert_eq!(rows(&d)[0]["code"], first.as_str());
    assert_eq!(rows(&d)[0]["rank_change"], 0);
    assert!(all["movers_up"].as_array().unwrap().is_empty());
    assert!(all["movers_down"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn robustness_equals_the_core_analysis_and_spread_zero_gives_a_point() {
    let r = json("/api/analyse/robustness/epci?draws=200&spread=0.3&seed=7").await;
    let e = engine();
    let sel = analysis::public_method(&e, "tout-age").unwrap();
    let options = RobustnessOptions {
        draws: 200,
        spread: 0.3,
        seed: 7,
        ..Default::default()
    };
    let expected = analysis::robustness(&e, Level::Epci, &sel, &options).unwrap();
    assert_eq!(r["options"]["draws"], 200);
    assert_eq!(r["ranked"], expected.ranked);
    assert_eq!(rows(&r).len(), expected.territories.len());
    for (got, want) in rows(&r).iter().zip(&expected.territories) {
        assert_eq!(got["code"], want.code.as_str());
        assert_eq!(got["rank_p05"].as_f64(), Some(want.rank_p05));
        assert_eq!(got["rank_p95"].as_f64(), Some(want.rank_p95));
        assert_eq!(got["wide"], want.wide);
        assert_eq!(
            got["rank_without"].as_object().unwrap().len(),
            sel.indicators.len()
        );
    }
    let point = json("/api/analyse/robustness/epci?draws=20&spread=0").await;
    for t in rows(&point) {
        let rank = t["rank"].as_f64().unwrap();
        assert_eq!(t["rank_p05"].as_f64(), Some(rank));
        assert_eq!(t["rank_p95"].as_f64(), Some(rank));
    }
    assert_eq!(point["wide"], 0);
}

#[tokio::test]
async fn robustness_filtered_by_codes_keeps_the_ranks_of_the_whole_level() {
    let all = json("/api/analyse/robustness/commune?draws=50").await;
    let pick: Vec<&Json> = rows(&all).iter().step_by(7).take(3).collect();
    let codes: Vec<&str> = pick.iter().map(|t| t["code"].as_str().unwrap()).collect();
    let some = json(&format!(
        "/api/analyse/robustness/commune?draws=50&codes={}",
        codes.join(",")
    ))
    .await;
    assert_eq!(rows(&some).len(), 3);
    for (a, b) in rows(&some).iter().zip(pick) {
        assert_eq!(a, b);
    }
}

#[tokio::test]
async fn correlations_give_a_unit_diagonal_and_one_row_per_selected_indicator() {
    let c = json("/api/analyse/correlations/commune?profile=tout-age").await;
    let n = c["indicators"].as_array().unwrap().len();
    assert!(n >= 2);
    assert_eq!(c["threshold"], 0.9);
    for (i, row) in c["classes"].as_array().unwrap().iter().enumerate() {
        assert_eq!(row.as_array().unwrap().len(), n);
        assert!((row[i].as_f64().unwrap() - 1.0).abs() < 1e-12);
    }
    let shares: f64 = c["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["nominal_weight"].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-12);
}

#[tokio::test]
async fn bad_analysis_options_are_400_and_unknown_levels_404() {
    for uri in [
        "/api/analyse/robustness/epci?draws=0",
        "/api/analyse/robustness/epci?draws=5001",
        "/api/analyse/robustness/epci?draws=abc",
        "/api/analyse/robustness/epci?spread=1.5",
        "/api/analyse/robustness/epci?spread=NaN",
        "/api/analyse/robustness/epci?seed=-1",
        "/api/analyse/delta/epci?top=101",
        "/api/analyse/delta/epci?base_weights=poverty_rate=-1",
        "/api/analyse/delta/epci?base_profile=nope",
        "/api/analyse/correlations/epci?weights=poverty_rate=0,no_thd_coverage_rate=0,older_65_rate=0,nscol15p_rate=0,no_4g_coverage_rate=0",
    ] {
        assert_json_error(uri, 400).await;
    }
    assert_json_error("/api/analyse/delta/pays", 404).await;
    assert_json_error("/api/analyse/correlations/canton", 404).await;
}
