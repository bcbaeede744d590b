//! The server built with the analyst's local indicators (`ifn serve --indicators-file`): the
//! catalogue lists them with their provenance, scores and tiles accept them.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use ifn_core::local::{LocalIndicators, LocalOptions, LOCAL_PRODUCER};
use ifn_core::{demo, Catalogue, Territory};
use ifn_server::{router, AppState};
use serde_json::Value as Json;
use tower::ServiceExt;

/// The demo with a local indicator given for three communes.
fn state() -> AppState {
    let Territory {
        meta,
        dataset,
        geometries,
        places,
    } = demo::generate();
    let options = LocalOptions {
        label: Some("Illectronisme".into()),
        unit: Some("%".into()),
        lower_is_fragile: false,
    };
    let csv = "code,illectronisme\nX1001,12.5\nX1002,40\nX1003,7\n";
    let local = LocalIndicators::read(csv.as_bytes(), "illectronisme.csv", None, &options).unwrap();
    let (dataset, catalogue, _) = local.apply(&dataset, Catalogue::builtin()).unwrap();
    let territory = Territory {
        meta,
        dataset,
        geometries,
        places,
    };
    AppState::new(territory, catalogue)
}

async fn json(state: &AppState, uri: &str) -> Json {
    let res = router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    serde_json::from_slice(&to_bytes(res.into_body(), 64 << 20).await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_catalogue_lists_a_local_indicator_with_its_provenance_and_scores_use_it() {
    let state = state();
    let c = json(&state, "/api/catalogue").await;
    let ind = c["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "illectronisme")
        .expect("the local indicator is in the catalogue");
    assert_eq!(ind["label"], "Illectronisme");
    assert_eq!(ind["producer"], LOCAL_PRODUCER);
    assert_eq!(ind["source"], "illectronisme.csv");
    assert!(c["available"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "illectronisme"));
    for p in c["profiles"].as_array().unwrap() {
        assert!(p["contexte"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "illectronisme"));
    }
    let s = json(
        &state,
        "/api/scores/commune?indicators=poverty_rate,illectronisme&weights=illectronisme=2",
    )
    .await;
    assert!(s.to_string().contains("illectronisme"), "{s}");
}
