//! `/api/table/{level}`: the table view's columns agree with the scores and the territory
//! details, and travel gzipped.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use axum::http::header;
use common::*;

#[tokio::test]
async fn the_table_has_one_row_per_territory_with_the_scores_and_parents() {
    let t = json("/api/table/commune?weights=poverty_rate=2").await;
    let s = json("/api/scores/commune?weights=poverty_rate=2").await;
    let rows = s["territories"].as_array().unwrap();
    let n = t["code"].as_array().unwrap().len();
    assert_eq!(n, rows.len());
    for col in [
        "name",
        "departement",
        "epci",
        "population",
        "total",
        "indicators_used",
    ] {
        assert_eq!(t[col].as_array().unwrap().len(), n, "{col}");
    }
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(t["code"][i], r["code"]);
        assert_eq!(t["total"][i], r["total"]);
        for (key, class) in r["classes"].as_object().unwrap() {
            assert_eq!(&t["classes"][key][i], class, "{key}");
        }
    }
    // Parents as the territory detail gives them.
    let code = t["code"][3].as_str().unwrap();
    let d = json(&format!("/api/territories/commune/{code}")).await;
    for level in ["departement", "epci"] {
        let parent = d["parents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["level"] == level)
            .unwrap();
        assert_eq!(t[level][3], parent["code"]);
        let names = &t[format!("{level}_names")];
        assert_eq!(names[parent["code"].as_str().unwrap()], parent["name"]);
    }
    // A département has neither.
    let deps = json("/api/table/departement").await;
    assert!(deps["departement"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v.is_null()));
}

#[tokio::test]
async fn the_table_is_gzipped_when_the_client_accepts_it() {
    let res = get_with("/api/table/commune", &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let plain = get("/api/table/commune").await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
}
