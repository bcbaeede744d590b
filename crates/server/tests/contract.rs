//! The HTTP contract held by snapshots (OpenAPI and TileJSON, `insta`), and the parsers of
//! outside input fuzzed with bounded property tests (`proptest`): query strings and `Range`
//! headers never make the server fail or panic.
//!
//! Snapshots live in `tests/snapshots/`; after an intended change of the contract, review and
//! accept them with `cargo insta review` (or `INSTA_UPDATE=always cargo test -p ifn-server`
//! and read the diff).
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use std::sync::OnceLock;

use axum::body::to_bytes;
use axum::http::{header, StatusCode};
use common::{get_with, json};
use ifn_server::http::{parse_range, RangeRequest};
use proptest::prelude::*;
use serde_json::Value;

/// One runtime for the property tests, which are synchronous.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    })
}

#[tokio::test]
async fn the_openapi_document_is_the_snapshot() {
    insta::assert_json_snapshot!("openapi", json("/api/openapi.json").await);
}

#[tokio::test]
async fn the_tilejson_of_each_layer_is_the_snapshot() {
    let meta = json("/api/meta").await;
    let mut layers: Vec<String> = meta["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    assert!(!layers.is_empty(), "the demo has levels with contours");
    layers.push("places".into());
    for layer in layers {
        let doc = json(&format!("/tiles/{layer}.json?profile=senior&threshold=6")).await;
        insta::assert_json_snapshot!(format!("tilejson_{layer}"), doc);
    }
}

#[tokio::test]
async fn every_route_of_the_router_is_in_the_openapi_document() {
    let doc = json("/api/openapi.json").await;
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/health",
        "/api/meta",
        "/api/catalogue",
        "/api/search",
        "/api/territories/{level}/{code}",
        "/api/scores/{level}",
        "/api/table/{level}",
        "/api/compare",
        "/api/analyse/delta/{level}",
        "/api/analyse/robustness/{level}",
        "/api/analyse/correlations/{level}",
        "/api/places",
        "/api/places/facets",
        "/api/export/{level}.{format}",
        "/diagnostic/{level}/{code}",
        "/tiles/{level}.json",
        "/tiles/{level}/{z}/{x}/{y}.mvt",
        "/tiles/labels/{level}.json",
        "/tiles/labels/{level}/{z}/{x}/{y}.mvt",
        "/fonts/{fontstack}/{range}.pbf",
        "/api/style/{level}.{format}",
        "/api/export/places.{format}",
    ] {
        assert!(paths.contains_key(p), "{p} is not documented");
    }
}

/// Sends a request and checks the server's side of the contract: never a 5xx, and every
/// error a JSON body repeating its status (an HTML page for the diagnostic, which browsers
/// open).
fn assert_answers_well(uri: &str, headers: &[(&str, &str)]) -> Result<StatusCode, TestCaseError> {
    let res = runtime().block_on(get_with(uri, headers));
    let status = res.status();
    prop_assert!(!status.is_server_error(), "{uri}: {status}");
    if status.is_client_error() && uri.starts_with("/diagnostic/") {
        // A page a browser opens answers its errors as a French HTML page.
        let html = res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("text/html");
        prop_assert!(html, "{uri}: {status} without an HTML page");
    } else if status.is_client_error() {
        let body = runtime()
            .block_on(to_bytes(res.into_body(), 16 << 20))
            .unwrap();
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| TestCaseError::fail(format!("{uri}: {status} without JSON: {e}")))?;
        prop_assert_eq!(v["status"].as_u64(), Some(u64::from(status.as_u16())));
        prop_assert!(v["error"].as_str().is_some_and(|m| !m.is_empty()));
    }
    Ok(status)
}

/// Endpoints that read a query string.
const ENDPOINTS: [&str; 12] = [
    "/api/analyse/delta/commune",
    "/api/analyse/robustness/epci",
    "/api/analyse/correlations/departement",
    "/api/scores/commune",
    "/api/territories/commune/X1",
    "/api/compare",
    "/api/search",
    "/api/places",
    "/tiles/commune.json",
    "/tiles/commune/8/122/91.mvt",
    "/tiles/places/8/122/91.mvt",
    "/diagnostic/departement/X1",
];

/// Names the API reads, and a few it does not.
const NAMES: [&str; 24] = [
    "draws",
    "spread",
    "seed",
    "top",
    "base_profile",
    "base_weights",
    "profile",
    "indicators",
    "weights",
    "reference",
    "threshold",
    "distance_km",
    "kinds",
    "services",
    "publics",
    "q",
    "limit",
    "level",
    "codes",
    "format",
    "bbox",
    "excel",
    "x",
    "",
];

/// A query string: `name=value` pairs, values of any characters, percent-encoded as a client
/// would (or left raw when they are already URI-safe).
fn query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        any::<String>().prop_map(|s| percent_encoding::utf8_percent_encode(
            &s,
            percent_encoding::NON_ALPHANUMERIC
        )
        .to_string()),
        "[-a-zA-Z0-9_.,|=%+:;!*'()~]{0,40}",
        Just("no_thd_coverage_rate=2,poverty_rate=0".to_string()),
        Just("1e308".to_string()),
        Just("-0".to_string()),
        Just("NaN".to_string()),
    ];
    proptest::collection::vec((proptest::sample::select(&NAMES[..]), value), 0..6).prop_map(
        |pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        },
    )
}

proptest! {
    // Bounded, so that CI runs them on every push; failures are printed, not persisted.
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_query_string_gets_an_answer_or_a_json_client_error(
        endpoint in proptest::sample::select(&ENDPOINTS[..]),
        q in query(),
    ) {
        assert_answers_well(&format!("{endpoint}?{q}"), &[])?;
    }

    #[test]
    fn raw_query_bytes_get_an_answer_or_a_json_client_error(
        endpoint in proptest::sample::select(&ENDPOINTS[..]),
        q in "[ -~]{0,80}",
    ) {
        // Printable ASCII as sent, escaped only where a URI cannot hold it.
        let q: String = percent_encoding::utf8_percent_encode(&q, QUERY_UNSAFE).to_string();
        assert_answers_well(&format!("{endpoint}?{q}"), &[])?;
    }

    #[test]
    fn a_range_header_is_honoured_refused_or_ignored(
        value in prop_oneof![
            "bytes=[0-9]{0,6}-[0-9]{0,6}",
            "bytes=-[0-9]{0,7}",
            "[ -~]{0,30}",
            "bytes=[0-9,-]{0,20}",
        ],
    ) {
        let status = assert_answers_well("/api/export/departement.csv", &[("range", &value)])?;
        prop_assert!(
            [StatusCode::OK, StatusCode::PARTIAL_CONTENT, StatusCode::RANGE_NOT_SATISFIABLE]
                .contains(&status),
            "{value}: {status}"
        );
    }

    #[test]
    fn a_parsed_range_lies_inside_the_file(value in "[ -~]{0,40}", len in 0u64..10_000) {
        match parse_range(&value, len) {
            RangeRequest::Part(r) => prop_assert!(r.start <= r.end && r.end < len, "{value}: {r:?}"),
            RangeRequest::Whole | RangeRequest::Unsatisfiable => {}
        }
    }

    #[test]
    fn a_satisfiable_range_is_served_exactly(start in 0u64..400, n in 1u64..400) {
        let (status, headers, body) = runtime().block_on(async {
            let res = get_with(
                "/api/export/departement.csv",
                &[("range", &format!("bytes={start}-{}", start + n - 1))],
            )
            .await;
            let status = res.status();
            let headers = res.headers().clone();
            (status, headers, to_bytes(res.into_body(), 16 << 20).await.unwrap())
        });
        let total: u64 = runtime()
            .block_on(async {
                to_bytes(get_with("/api/export/departement.csv", &[]).await.into_body(), 16 << 20)
                    .await
                    .unwrap()
            })
            .len() as u64;
        if start >= total {
            prop_assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
        } else {
            prop_assert_eq!(status, StatusCode::PARTIAL_CONTENT);
            let end = (start + n - 1).min(total - 1);
            prop_assert_eq!(body.len() as u64, end - start + 1);
            prop_assert_eq!(
                headers[header::CONTENT_RANGE].to_str().unwrap(),
                format!("bytes {start}-{end}/{total}")
            );
        }
    }
}

/// Characters a query string cannot hold as they are (controls, space, `"#<>` and the
/// backtick, braces, backslash, caret, pipe is allowed by `http`).
const QUERY_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^');
