//! In-process tests of the Router on the demo territory (`tower::ServiceExt::oneshot`): the
//! store, search, details, scores, tiles and the refusals of bad requests.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use std::io::Read;

use axum::http::{header, StatusCode};
use common::*;
use ifn_tiles::mvt::{ring_area2, Value};
use serde_json::Value as Json;

#[tokio::test]
async fn health_reports_the_demo_store() {
    let h = json("/health").await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["fictional"], true);
    assert!(h["units"].as_u64().unwrap() > 500);
}

#[tokio::test]
async fn meta_lists_levels_with_contours_coarse_to_fine() {
    let m = json("/api/meta").await;
    let levels: Vec<&str> = m["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let pos = |l: &str| {
        levels
            .iter()
            .position(|x| *x == l)
            .unwrap_or_else(|| panic!("{l} missing from {levels:?}"))
    };
    assert!(
        pos("departement") < pos("epci")
            && pos("epci") < pos("commune")
            && pos("commune") < pos("iris")
    );
    assert_eq!(m["bbox"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn meta_serves_the_domain_rules_of_core_and_the_cluster_zoom_of_tiles() {
    let m = json("/api/meta").await;
    assert_eq!(
        m["places_cluster_max_zoom"],
        ifn_tiles::cluster::CLUSTER_MAX_ZOOM
    );
    let rules = serde_json::to_value(ifn_core::rules()).unwrap();
    assert_eq!(m["rules"], rules);
    assert_eq!(
        m["rules"]["offer"]["default_threshold"],
        ifn_core::offer::DEFAULT_THRESHOLD
    );
    let starts: Vec<f64> = m["class_starts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(starts.len(), 9);
    for (i, s) in starts.iter().enumerate() {
        assert_eq!(ifn_core::rules::score_class(*s), Some(i as u8 + 2));
    }
}

#[tokio::test]
async fn catalogue_lists_profiles_and_available_indicators() {
    let c = json("/api/catalogue").await;
    assert_eq!(c["profiles"].as_array().unwrap().len(), 3);
    assert!(c["available"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "no_thd_coverage_rate"));
    assert!(c["indicators"][0]["label"].is_string());
}

#[tokio::test]
async fn search_ignores_accents_and_case_and_puts_the_exact_code_first() {
    let r = json("/api/search?q=ARMOR%20du%20large").await;
    assert_eq!(r["results"][0]["code"], "X1");
    assert_eq!(r["results"][0]["level"], "departement");
    let r = json("/api/search?q=x1").await;
    assert_eq!(r["results"][0]["code"], "X1", "exact code first: {r}");
    let r = json("/api/search?q=oc%C3%A9anes&limit=3").await;
    assert!(r["results"].as_array().unwrap().len() <= 3);
    assert_eq!(r["results"][0]["code"], "X2");
    let r = json("/api/search?q=oceanes").await;
    assert_eq!(r["results"][0]["code"], "X2", "accent-insensitive");
}

#[tokio::test]
async fn search_results_carry_parent_and_bbox() {
    let communes = json("/api/scores/commune").await;
    let name = communes["territories"][5]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let q: String = name.to_uppercase();
    let r = json(&format!("/api/search?q={}", urlencode(&q))).await;
    let hit = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name.as_str())
        .expect("found by upper-case name");
    assert!(hit["parent"].as_str().unwrap().contains("fictif"));
    assert_eq!(hit["bbox"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn territory_detail_has_parents_total_and_every_indicator_of_the_profile() {
    let scores = json("/api/scores/commune").await;
    let code = scores["territories"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let d = json(&format!(
        "/api/territories/commune/{code}?weights=no_thd_coverage_rate=2"
    ))
    .await;
    assert_eq!(d["code"], code.as_str());
    let parents: Vec<&str> = d["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["level"].as_str().unwrap())
        .collect();
    assert_eq!(parents, ["region", "departement", "epci"]);
    assert_eq!(d["selection"]["weights"]["no_thd_coverage_rate"], 2.0);
    let inds = d["indicators"].as_array().unwrap();
    assert!(inds.len() > 5, "unticked context indicators are listed too");
    let thd = inds
        .iter()
        .find(|i| i["key"] == "no_thd_coverage_rate")
        .unwrap();
    assert_eq!(thd["selected"], true);
    assert_eq!(thd["axis"], "ifn");
    assert!(
        thd["label"].as_str().unwrap().len() > 3
            && thd["vintage"].is_string()
            && thd["source"].is_string()
    );
    let total = d["total"].as_f64().unwrap();
    assert_eq!(
        d["total_display"],
        format!("{:.1}", (total * 10.0).round() / 10.0)
    );
    assert!(inds
        .iter()
        .any(|i| i["selected"] == false && i["weight"].is_null()));
}

#[tokio::test]
async fn scores_come_as_json_or_csv() {
    let j = json("/api/scores/departement?profile=senior").await;
    assert_eq!(j["territories"].as_array().unwrap().len(), 3);
    assert_eq!(j["profile"], "senior");
    let res = get("/api/scores/epci?format=csv").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = String::from_utf8(body(res).await).unwrap();
    assert!(
        text.starts_with("code,name,population,total,no_thd_coverage_rate"),
        "{}",
        &text[..80]
    );
    let epci = json("/api/scores/epci").await;
    let n = epci["territories"].as_array().unwrap().len();
    assert!(n >= 10);
    assert_eq!(text.lines().count(), n + 1, "header + one line per EPCI");
}

#[tokio::test]
async fn compare_returns_one_detail_per_code() {
    let c = json("/api/compare?level=departement&codes=X1,X3&profile=jeune").await;
    let t = c["territories"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0]["code"].as_str(), t[1]["code"].as_str()),
        (Some("X1"), Some("X3"))
    );
    assert_eq!(t[0]["selection"]["profile"], "jeune");
}

#[tokio::test]
async fn places_are_geojson_filtered_by_bbox() {
    let all = json("/api/places").await;
    let n = all["features"].as_array().unwrap().len();
    assert!(n > 100);
    let m = json("/api/meta").await;
    let b = m["bbox"].as_array().unwrap();
    let (w, s) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
    let half = json(&format!("/api/places?bbox={w},{s},{},{}", w + 1.0, s + 1.0)).await;
    let k = half["features"].as_array().unwrap().len();
    assert!(k < n, "{k} of {n}");
    assert_eq!(all["features"][0]["geometry"]["type"], "Point");
}

#[tokio::test]
async fn openapi_documents_every_endpoint() {
    let o = json("/api/openapi.json").await;
    for p in [
        "/health",
        "/api/search",
        "/api/territories/{level}/{code}",
        "/api/scores/{level}",
        "/api/compare",
        "/api/catalogue",
        "/tiles/{level}/{z}/{x}/{y}.mvt",
        "/tiles/{level}.json",
        "/api/places/facets",
        "/api/export/{level}.{format}",
        "/diagnostic/{level}/{code}",
    ] {
        assert!(o["paths"][p].is_object(), "{p} missing");
    }
}

#[tokio::test]
async fn tilejson_describes_the_layer_and_keeps_the_selection() {
    let res = get_with(
        "/tiles/commune.json?profile=senior&weights=older_75_rate%3D2&bogus=1",
        &[("host", "example.org:9000")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let t: Json = serde_json::from_slice(&body(res).await).unwrap();
    assert_eq!(t["tilejson"], "3.0.0");
    assert_eq!(t["scheme"], "xyz");
    assert_eq!(t["tiles"][0], "http://example.org:9000/tiles/commune/{z}/{x}/{y}.mvt?profile=senior&weights=older_75_rate%3D2");
    assert_eq!(
        (t["minzoom"].as_u64(), t["maxzoom"].as_u64()),
        (Some(0), Some(16))
    );
    assert_eq!(t["vector_layers"][0]["id"], "commune");
    let fields: Vec<&String> = t["vector_layers"][0]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        fields.len(),
        4 + 5 + ifn_core::offer::TerritoryOffer::FLAT_FIELD_NAMES.len(),
        "code name population score + 5 senior IFN indicators + offer figures: {fields:?}"
    );
    assert!(t["vector_layers"][0]["fields"]["older_75_rate"].is_string());
    assert!(t["vector_layers"][0]["fields"]["zones_blanches"].is_string());
    assert_eq!(t["bounds"].as_array().unwrap().len(), 4);
    let p = json("/tiles/places.json").await;
    assert_eq!(p["vector_layers"][0]["id"], "places");
}

#[tokio::test]
async fn a_departement_tile_decodes_with_properties_ids_and_clockwise_exteriors() {
    let t = tile("/tiles/departement/0/0/0.mvt").await;
    let l = t.layer("departement").expect("layer named as the level");
    assert_eq!((l.version, l.extent), (2, 4096));
    assert_eq!(l.features.len(), 3);
    let scores = json("/api/scores/departement").await;
    for f in &l.features {
        let Some(Value::String(code)) = f.properties.get("code") else {
            panic!("code")
        };
        let row = scores["territories"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t["code"] == code.as_str())
            .unwrap();
        assert_eq!(f.id, Some(row as u64), "id = row index of the territory");
        let Some(Value::Double(score)) = f.properties.get("score") else {
            panic!("score")
        };
        assert!((score - scores["territories"][row]["total"].as_f64().unwrap()).abs() < 1e-9);
        assert!(matches!(f.properties.get("name"), Some(Value::String(_))));
        assert!(f.properties.contains_key("population"));
        assert!(f.properties.contains_key("no_thd_coverage_rate"));
        assert_eq!(f.geom_type, 3);
        assert!(
            ring_area2(&f.parts[0]) > 0,
            "first ring of {code} must be an exterior: positive area in y-down tile coordinates"
        );
        assert!(f.parts.iter().all(|r| ring_area2(r) != 0 && r.len() >= 3));
    }
}

#[tokio::test]
async fn commune_and_iris_tiles_are_clipped_to_the_buffer_and_oriented() {
    for uri in [
        COMMUNE_TILE,
        "/tiles/iris/10/490/365.mvt",
        "/tiles/epci/7/61/45.mvt",
    ] {
        let t = tile(uri).await;
        let l = &t.layers[0];
        assert!(!l.features.is_empty(), "{uri}");
        let mut exteriors = 0;
        for f in &l.features {
            assert!(
                ring_area2(&f.parts[0]) > 0,
                "{uri}: a feature must start with an exterior ring"
            );
            for r in &f.parts {
                exteriors += usize::from(ring_area2(r) > 0);
                assert!(
                    r.iter()
                        .all(|&(x, y)| (-64..=4160).contains(&x) && (-64..=4160).contains(&y)),
                    "{uri}: outside the buffer"
                );
            }
        }
        assert!(exteriors >= l.features.len());
    }
}

#[tokio::test]
async fn two_weight_sets_give_different_scores_on_the_same_geometry() {
    let a = tile(&format!("{COMMUNE_TILE}?weights=no_thd_coverage_rate=5")).await;
    let b = tile(&format!("{COMMUNE_TILE}?weights=no_thd_coverage_rate=0.1")).await;
    let (fa, fb) = (&a.layers[0].features, &b.layers[0].features);
    assert_eq!(fa.len(), fb.len());
    let mut differ = 0;
    for (x, y) in fa.iter().zip(fb) {
        assert_eq!(x.parts, y.parts, "geometry does not depend on weights");
        assert_eq!(x.properties["code"], y.properties["code"]);
        if x.properties.get("score") != y.properties.get("score") {
            differ += 1;
        }
    }
    assert!(
        differ > fa.len() / 2,
        "only {differ} of {} scores changed",
        fa.len()
    );
}

#[tokio::test]
async fn tiles_are_gzipped_on_request_and_revalidated_by_etag() {
    let plain = get(COMMUNE_TILE).await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let etag = plain.headers()[header::ETAG].to_str().unwrap().to_string();
    assert!(plain.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let raw = body(plain).await;
    let gz = get_with(COMMUNE_TILE, &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(gz.headers()[header::ETAG].to_str().unwrap(), etag);
    let zipped = body(gz).await;
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, raw);
    let again = get_with(COMMUNE_TILE, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_empty_tile_is_204() {
    let res = get("/tiles/commune/10/0/0.mvt").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn places_tiles_carry_points_and_kinds() {
    // Zoom 0: clusters (point_count) and single places; zoom 12: every place with its details.
    let t = tile("/tiles/places/0/0/0.mvt").await;
    let l = t.layer("places").unwrap();
    assert!(l.features.iter().all(|f| f.geom_type == 1));
    assert!(l
        .features
        .iter()
        .any(|f| f.properties.contains_key("point_count")));
    assert_eq!(
        places_in(&l.features) as usize,
        ifn_core::demo::generate().places.len(),
        "every demo place counted once"
    );
    let z12 = tile(&place_tile_at(12)).await;
    let f = &z12.layer("places").unwrap().features[0];
    assert!(!f.properties.contains_key("point_count"));
    assert!(matches!(f.properties.get("kinds"), Some(Value::String(_))));
    assert!(f.properties.contains_key("name") && f.properties.contains_key("id"));
}

#[tokio::test]
async fn bad_tile_addresses_are_400_with_a_json_message() {
    assert_json_error("/tiles/commune/17/0/0.mvt", 400).await;
    assert_json_error("/tiles/commune/300/0/0.mvt", 400).await;
    assert_json_error("/tiles/commune/3/8/0.mvt", 400).await;
    assert_json_error("/tiles/commune/3/0/8.mvt", 400).await;
    assert_json_error("/tiles/commune/3/-1/0.mvt", 400).await;
    assert_json_error("/tiles/commune/3/0/a.mvt", 400).await;
    assert_json_error("/tiles/commune/3/0/99999999999999999999.mvt", 400).await;
    assert_json_error("/tiles/commune/3/0/0.png", 404).await;
}

#[tokio::test]
async fn unknown_levels_and_codes_are_404_with_a_json_message() {
    assert_json_error("/tiles/canton/0/0/0.mvt", 404).await;
    assert_json_error("/tiles/canton.json", 404).await;
    assert_json_error("/api/territories/canton/X1", 404).await;
    assert_json_error("/api/territories/commune/99999", 404).await;
    assert_json_error("/api/scores/canton", 404).await;
    assert_json_error("/api/compare?level=commune&codes=X1,nope", 404).await;
    assert_json_error("/api/nothing-here", 404).await;
    assert_json_error("/no-such-file.js", 404).await;
}

#[tokio::test]
async fn bad_weights_and_selections_are_400() {
    for q in [
        "weights=no_thd_coverage_rate=NaN",
        "weights=no_thd_coverage_rate=-1",
        "weights=no_thd_coverage_rate=inf",
        "weights=not_an_indicator=1",
        "weights=no_thd_coverage_rate",
        "weights=no_thd_coverage_rate=0,no_4g_coverage_rate=0,poverty_rate=0,older_65_rate=0,nscol15p_rate=0,no_thd_coverage_rate=1",
        "profile=adulte",
        "reference=monde",
        "indicators=bogus",
        "indicators=%2C%2C",
    ] {
        assert_json_error(&format!("/api/scores/commune?{q}"), 400).await;
        assert_json_error(&format!("{COMMUNE_TILE}?{q}"), 400).await;
    }
    assert_json_error("/api/scores/commune?format=xlsx", 400).await;
    assert_json_error("/api/search", 400).await;
    assert_json_error("/api/search?q=a&limit=0", 400).await;
    assert_json_error("/api/search?q=a&limit=many", 400).await;
    assert_json_error("/api/places?bbox=1,2,3", 400).await;
    assert_json_error("/api/places?bbox=3,2,1,NaN", 400).await;
    assert_json_error("/api/compare?level=commune", 400).await;
}

#[tokio::test]
async fn an_oversized_query_is_refused() {
    // The `http` crate caps a URI at 64 KB, so in-process this is the largest query one can
    // send; megabyte queries are tested over TCP in tests/server_e2e.rs.
    let q = "x".repeat(60_000);
    assert_json_error(&format!("/api/search?q={q}"), 414).await;
    assert_json_error(&format!("{COMMUNE_TILE}?weights={q}"), 414).await;
    let q = "a".repeat(5000);
    assert_json_error(&format!("/api/search?q={q}"), 414).await;
}

#[tokio::test]
async fn dot_dot_in_a_path_is_refused() {
    assert_json_error("/../Cargo.toml", 400).await;
    assert_json_error("/assets/../../etc/passwd", 400).await;
    assert_json_error("/assets/%2e%2e/%2e%2e/etc/passwd", 400).await;
    assert_json_error("/tiles/..%2f..%2fetc/0/0/0.mvt", 404).await;
    assert_json_error("/api/territories/commune/..%2F..%2Fetc", 404).await;
}

#[tokio::test]
async fn the_viewer_or_its_placeholder_is_served_at_the_root() {
    let res = get_with("/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.headers().contains_key(header::ETAG));
    let gz = res.headers().get(header::CONTENT_ENCODING).is_some();
    let b = body(res).await;
    let text = if gz {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&b[..])
            .read_to_string(&mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(b).unwrap()
    };
    assert!(text.contains("<html") || text.contains("<!doctype") || text.contains("<!DOCTYPE"));
    if !ifn_server::assets::viewer_built() {
        assert!(text.contains("build-web.sh"));
    }
}
