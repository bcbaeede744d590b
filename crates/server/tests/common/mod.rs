//! Helpers shared by the server's test binaries: the demo router (built once per binary) and
//! requests through it with `tower::ServiceExt::oneshot`.
#![allow(dead_code)] // each test binary uses some of them
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::sync::OnceLock;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use ifn_server::{router, AppState};
use ifn_tiles::mvt::decode::{decode_tile, DecodedTile};
use ifn_tiles::mvt::Value;
use serde_json::Value as Json;
use tower::ServiceExt;

pub fn app() -> Router {
    static STATE: OnceLock<AppState> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        AppState::new(
            ifn_core::demo::generate(),
            ifn_core::Catalogue::builtin().clone(),
        )
    });
    router(state.clone())
}

pub async fn get_with(uri: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app()
        .oneshot(req.body(Body::empty()).expect("valid request"))
        .await
        .expect("infallible")
}

pub async fn get(uri: &str) -> Response {
    get_with(uri, &[]).await
}

pub async fn body(res: Response) -> Vec<u8> {
    to_bytes(res.into_body(), 64 << 20)
        .await
        .expect("body")
        .to_vec()
}

pub async fn json(uri: &str) -> Json {
    let res = get(uri).await;
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    serde_json::from_slice(&body(res).await).expect("JSON body")
}

pub async fn tile(uri: &str) -> DecodedTile {
    let res = get(uri).await;
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/vnd.mapbox-vector-tile"
    );
    decode_tile(&body(res).await).expect("a valid MVT")
}

/// Tile of the demo island at zoom 8 (it spans x 121..124, y 90..92).
pub const COMMUNE_TILE: &str = "/tiles/commune/8/122/91.mvt";

/// URL of the tile at zoom `z` holding the first demo place.
pub fn place_tile_at(z: u8) -> String {
    let p = &ifn_core::demo::generate().places[0];
    let n = f64::from(1u32 << z);
    let x = ((p.lon + 180.0) / 360.0 * n).floor();
    let r = p.lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    format!("/tiles/places/{z}/{x}/{y}.mvt")
}

pub async fn assert_json_error(uri: &str, status: u16) {
    let res = get(uri).await;
    assert_eq!(res.status().as_u16(), status, "{uri}");
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{uri}"
    );
    let b: Json = serde_json::from_slice(&body(res).await).unwrap_or_else(|e| panic!("{uri}: {e}"));
    assert_eq!(b["status"], status, "{uri}");
    assert!(
        b["error"].as_str().is_some_and(|m| m.len() > 10),
        "{uri}: {b}"
    );
}

/// An error of a page a browser opens (`/diagnostic/…`): a French HTML page with `status`,
/// never JSON. Returns the page.
pub async fn assert_html_error(uri: &str, status: u16) -> String {
    let res = get(uri).await;
    assert_eq!(res.status().as_u16(), status, "{uri}");
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{uri}"
    );
    let page = String::from_utf8(body(res).await).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("lang=\"fr\""),
        "{uri}: {page}"
    );
    assert!(!page.contains("\"error\""), "{uri}: {page}");
    assert!(
        page.contains(&format!("data-status=\"{status}\"")),
        "{uri}: {page}"
    );
    page
}

/// Percent-encodes every byte but ASCII letters and digits.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Places in decoded place features: a cluster counts its `point_count`.
pub fn places_in(features: &[ifn_tiles::mvt::decode::DecodedFeature]) -> u64 {
    features
        .iter()
        .map(|f| match f.properties.get("point_count") {
            Some(Value::Uint(n)) => *n,
            _ => 1,
        })
        .sum()
}
