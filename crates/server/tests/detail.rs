//! The "why" of a score in the territory detail: each indicator next to the same indicator for
//! the territory's département and for France, and the points of the total it brings.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use serde_json::Value as Json;

fn indicator<'a>(t: &'a Json, key: &str) -> &'a Json {
    t["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("{key} missing"))
}

fn close(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// The first commune of the demo with a score.
async fn a_commune() -> Json {
    let scores = json("/api/scores/commune").await;
    let code = scores["territories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["total"].is_number())
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    json(&format!("/api/territories/commune/{code}")).await
}

#[tokio::test]
async fn a_commune_is_compared_with_its_departement_and_france() {
    let t = a_commune().await;
    let dep = t["parents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["level"] == "departement")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let d = json(&format!("/api/territories/departement/{dep}")).await;
    // The demo has one région: France is that région.
    let regions = json("/api/scores/region").await;
    assert_eq!(regions["territories"].as_array().unwrap().len(), 1);
    let region_code = regions["territories"][0]["code"].as_str().unwrap();
    let r = json(&format!("/api/territories/region/{region_code}")).await;
    for i in t["indicators"].as_array().unwrap() {
        let key = i["key"].as_str().unwrap();
        let (di, ri) = (indicator(&d, key), indicator(&r, key));
        assert!(
            close(&i["departement"]["raw"], &di["raw"]),
            "{key} dép. raw"
        );
        assert!(
            close(&i["departement"]["class"], &di["class"]),
            "{key} dép. class"
        );
        assert!(close(&i["france"]["raw"], &ri["raw"]), "{key} France raw");
        assert!(
            close(&i["france"]["class"], &ri["class"]),
            "{key} France class"
        );
    }
    // A département is not compared with itself; France is still given.
    for i in d["indicators"].as_array().unwrap() {
        assert!(i["departement"].is_null());
        assert!(i["france"].is_object());
    }
}

#[tokio::test]
async fn contributions_of_the_selected_indicators_add_up_to_the_total() {
    let t = a_commune().await;
    assert_eq!(t["indicators_selected"], 5);
    let sum: f64 = t["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["contribution"].as_f64())
        .sum();
    assert!(
        (sum - t["total"].as_f64().unwrap()).abs() < 1e-9,
        "{sum} vs {}",
        t["total"]
    );
    for i in t["indicators"].as_array().unwrap() {
        assert_eq!(
            i["selected"] == true && i["class"].is_number(),
            i["contribution"].is_number(),
            "{}",
            i["key"]
        );
        assert!(i["higher_is_fragile"].is_boolean());
    }
}

#[tokio::test]
async fn weights_change_the_contributions() {
    let t = a_commune().await;
    let code = t["code"].as_str().unwrap();
    let w = json(&format!(
        "/api/territories/commune/{code}?weights=poverty_rate=3"
    ))
    .await;
    let (c1, c3) = (
        indicator(&t, "poverty_rate")["contribution"]
            .as_f64()
            .unwrap(),
        indicator(&w, "poverty_rate")["contribution"]
            .as_f64()
            .unwrap(),
    );
    let class = indicator(&t, "poverty_rate")["class"].as_f64().unwrap();
    let used = t["indicators_used"].as_f64().unwrap();
    assert!((c1 - class / used).abs() < 1e-9);
    assert!((c3 - 3.0 * class / (used + 2.0)).abs() < 1e-9);
}

/// The demo with the poverty rate of the first commune's base units marked as estimated from
/// their EPCI (statistical secrecy), and that commune's code.
fn demo_with_an_estimated_commune() -> (axum::Router, String, String) {
    let mut t = ifn_core::demo::generate();
    let d = &t.dataset;
    let j = d.indicator_index("poverty_rate").unwrap();
    let commune = d.units()[0].commune.clone();
    let epci = d.units()[0].epci.clone();
    let marks: Vec<_> = d
        .units()
        .iter()
        .enumerate()
        .filter(|(_, u)| u.commune == commune)
        .map(|(i, _)| (i, j, ifn_core::Level::Epci))
        .collect();
    t.dataset = t.dataset.clone().with_estimates(marks).unwrap();
    let state = ifn_server::AppState::new(t, ifn_core::Catalogue::builtin().clone());
    (ifn_server::router(state), commune, epci)
}

async fn json_from(app: axum::Router, uri: &str) -> Json {
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), axum::http::StatusCode::OK, "{uri}");
    serde_json::from_slice(&body(res).await).unwrap()
}

#[tokio::test]
async fn an_estimated_value_says_so_and_names_the_territory_it_comes_from() {
    let (app, commune, epci) = demo_with_an_estimated_commune();
    let t = json_from(app.clone(), &format!("/api/territories/commune/{commune}")).await;
    let p = indicator(&t, "poverty_rate");
    assert_eq!(p["estimated"], true);
    assert_eq!(p["estimate"]["from"]["level"], "epci");
    assert_eq!(p["estimate"]["from"]["code"], epci.as_str());
    assert!(close(&p["estimate"]["population_share"], &Json::from(1.0)));
    assert_eq!(indicator(&t, "older_65_rate")["estimated"], false);
    assert!(indicator(&t, "older_65_rate")["estimate"].is_null());
    // At the EPCI level, only part of the population is estimated.
    let e = json_from(app, &format!("/api/territories/epci/{epci}")).await;
    let share = indicator(&e, "poverty_rate")["estimate"]["population_share"]
        .as_f64()
        .unwrap();
    assert!(share > 0.0 && share < 1.0, "{share}");
}
