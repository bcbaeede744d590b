//! Two vintages over HTTP (`/api/evolution…`): the demo's vintage 2 served and compared with
//! vintage 1; the answers are those of `ifn_core::evolution`; without a second vintage the
//! routes say how to get one (404 in French), bad options are 4xx.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use std::sync::OnceLock;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use ifn_core::{demo, evolution, Catalogue, Engine, Level, Selection};
use ifn_server::routes::evolution::Comparison;
use ifn_server::{router, AppState};
use serde_json::Value as Json;
use tower::ServiceExt;

/// Vintage 2 of the demo, compared with vintage 1 through its table of changes.
fn two_vintages() -> Router {
    static STATE: OnceLock<AppState> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        let (b, changes) = demo::vintage(2).unwrap();
        let compare = Comparison::new(demo::generate(), Catalogue::builtin().clone(), changes);
        AppState::new(b, Catalogue::builtin().clone()).with_comparison(compare)
    });
    router(state.clone())
}

async fn answer(uri: &str) -> (StatusCode, Json) {
    let res = two_vintages()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn without_a_second_vintage_info_says_how_and_the_level_route_is_404_in_french() {
    let info = common::json("/api/evolution").await;
    assert_eq!(info["available"], false);
    assert!(info["hint"].as_str().unwrap().contains("--compare-store"));
    let res = common::get("/api/evolution/commune").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Json = serde_json::from_slice(&common::body(res).await).unwrap();
    assert!(body["error"].as_str().unwrap().contains("deux millésimes"));
}

#[tokio::test]
async fn info_lists_the_vintages_their_levels_and_the_cog_events() {
    let (status, info) = answer("/api/evolution").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["available"], true);
    assert_eq!(info["has_changes"], true);
    assert!(info["levels"]
        .as_array()
        .unwrap()
        .contains(&"commune".into()));
    let events = info["events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    assert!(events
        .iter()
        .any(|e| e["mod_code"] == 32 && e["before"].as_array().unwrap().len() == 3));
}

#[tokio::test]
async fn the_commune_level_is_the_core_comparison_and_codes_filter_it() {
    let (status, e) = answer("/api/evolution/commune?top=4&weights=poverty_rate=2").await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let (t2, changes) = demo::vintage(2).unwrap();
    let (a, b) = (
        Engine::new(demo::generate().dataset, Catalogue::builtin().clone()),
        Engine::new(t2.dataset, Catalogue::builtin().clone()),
    );
    let sel = |e: &Engine| {
        Selection::builder("tout-age")
            .weights(vec![("poverty_rate".into(), 2.0)])
            .build(e)
            .unwrap()
    };
    let want =
        evolution::compare(&a, &sel(&a), &b, &sel(&b), Level::Commune, changes.as_ref()).unwrap();
    let rows = e["territories"].as_array().unwrap();
    assert_eq!(rows.len(), want.territories.len());
    let merged = rows.iter().find(|t| t["code"] == "X2019").unwrap();
    let m = want.get("X2019").unwrap();
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["status_label"], "fusion");
    assert_eq!(merged["score_before"].as_f64(), m.score_before);
    assert_eq!(merged["difference"].as_f64(), m.difference);
    assert_eq!(e["selection"]["weights"]["poverty_rate"], 2.0);
    let biggest: Vec<&str> = e["biggest_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = want
        .biggest_changes(4)
        .iter()
        .map(|t| t.code.as_str())
        .collect();
    assert_eq!(biggest, expected);
    assert_eq!(e["counts"]["fusion"], 3);

    let (_, one) = answer("/api/evolution/commune?codes=X3101").await;
    let rows = one["territories"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "split");
    assert_eq!(rows[0]["sources"][0], "X3003");
}

#[tokio::test]
async fn bad_options_are_4xx_with_a_french_message() {
    for (uri, status) in [
        ("/api/evolution/canton", 404),
        ("/api/evolution/commune?top=1000", 400),
        ("/api/evolution/commune?top=beaucoup", 400),
        ("/api/evolution/commune?profile=inconnu", 400),
        ("/api/evolution/commune?weights=poverty_rate=-1", 400),
    ] {
        let (s, body) = answer(uri).await;
        assert_eq!(s.as_u16(), status, "{uri}: {body}");
        assert!(body["error"].as_str().unwrap().len() > 10, "{uri}");
    }
}
