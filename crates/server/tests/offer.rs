//! In-process tests of the offer figures, the places, the exports with byte ranges and the
//! diagnostic page, on the demo territory.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use axum::http::{header, StatusCode};
use common::*;
use ifn_tiles::mvt::Value;
use serde_json::Value as Json;

/// The demo's offer figures of a level, computed directly with the library.
fn library_offer(
    level: ifn_core::Level,
    profile: &str,
    threshold: f64,
    distance_km: f64,
) -> ifn_core::offer::LevelOffer {
    use ifn_core::offer::{offer, OfferOptions, PlaceIndex};
    let t = ifn_core::demo::generate();
    let engine = ifn_core::Engine::new(t.dataset.clone(), ifn_core::Catalogue::builtin().clone());
    let sel = ifn_core::Selection::builder(profile)
        .build(&engine)
        .unwrap();
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    let units = engine.unit_scores(&sel).unwrap();
    let opts = OfferOptions {
        threshold,
        distance_km,
    };
    offer(level, &engine, &units, &index, &opts).unwrap()
}

#[tokio::test]
async fn territory_detail_and_compare_carry_the_library_offer_figures() {
    let lib = library_offer(ifn_core::Level::Epci, "senior", 6.0, 4.0);
    let code = lib
        .territories
        .iter()
        .find(|t| !t.zones_blanches.is_empty())
        .expect("a demo EPCI with zones blanches at threshold 6, 4 km")
        .code
        .clone();
    let want = lib.get(&code).unwrap();
    let q = "profile=senior&threshold=6&distance_km=4";
    let d = json(&format!("/api/territories/epci/{code}?{q}")).await;
    let o = &d["offer"];
    assert_eq!(o["options"]["threshold"], 6.0);
    assert_eq!(o["options"]["distance_km"], 4.0);
    assert_eq!(o["places"]["all"], want.places.all);
    assert_eq!(o["places"]["france_services"], want.places.france_services);
    assert_eq!(o["fragile_population"], want.fragile_population);
    assert_eq!(o["fragile_share_beyond"], want.fragile_share_beyond);
    assert_eq!(
        o["zones_blanches"].as_array().unwrap().len(),
        want.zones_blanches.len()
    );
    // Another threshold changes the fragile population; the default options are 7 and 10 km.
    let d7 = json(&format!("/api/territories/epci/{code}?profile=senior")).await;
    assert_eq!(d7["offer"]["options"]["threshold"], 7.0);
    assert_eq!(d7["offer"]["options"]["distance_km"], 10.0);
    assert!(
        d7["offer"]["fragile_population"].as_f64().unwrap() <= want.fragile_population,
        "a higher threshold cannot make more people fragile"
    );
    let c = json(&format!("/api/compare?level=epci&codes={code}&{q}")).await;
    assert_eq!(c["territories"][0]["offer"], *o);
}

#[tokio::test]
async fn level_tiles_carry_the_offer_figures_of_their_territories() {
    let lib = library_offer(ifn_core::Level::Commune, "tout-age", 6.0, 4.0);
    let t = tile(&format!("{COMMUNE_TILE}?threshold=6&distance_km=4")).await;
    let l = t.layer("commune").unwrap();
    assert!(!l.features.is_empty());
    let mut with_zones = 0;
    for f in &l.features {
        let Some(Value::String(code)) = f.properties.get("code") else {
            panic!("no code")
        };
        let want = lib.get(code).unwrap();
        let num = |k: &str| match f.properties.get(k) {
            Some(Value::Uint(v)) => *v as f64,
            Some(Value::Double(v)) => *v,
            other => panic!("{code} {k}: {other:?}"),
        };
        assert_eq!(num("places_all"), f64::from(want.places.all), "{code}");
        assert_eq!(
            num("zones_blanches"),
            want.zones_blanches.len() as f64,
            "{code}"
        );
        assert_eq!(
            num("fragile_population"),
            want.fragile_population.round(),
            "{code}"
        );
        with_zones += usize::from(!want.zones_blanches.is_empty());
    }
    assert!(with_zones > 0, "the tile shows some zones blanches");
    // Other options, other tile.
    let other = body(get(&format!("{COMMUNE_TILE}?threshold=9&distance_km=4")).await).await;
    let first = body(get(&format!("{COMMUNE_TILE}?threshold=6&distance_km=4")).await).await;
    assert_ne!(other, first);
}

#[tokio::test]
async fn bad_offer_options_are_400() {
    for q in [
        "threshold=abc",
        "distance_km=-1",
        "distance_km=NaN",
        "threshold=inf",
    ] {
        assert_json_error(&format!("/api/territories/departement/X1?{q}"), 400).await;
        assert_json_error(&format!("{COMMUNE_TILE}?{q}"), 400).await;
        assert_json_error(&format!("/api/export/commune.csv?{q}"), 400).await;
        assert_html_error(&format!("/diagnostic/commune/X1001?{q}"), 400).await;
    }
    assert_json_error("/api/places?kinds=mairie", 400).await;
    assert_json_error("/tiles/places/0/0/0.mvt?kinds=mairie", 400).await;
}

#[tokio::test]
async fn places_filter_by_kind_service_and_public_and_facets_count_them() {
    let facets = json("/api/places/facets").await;
    let total = facets["total"].as_u64().unwrap();
    let fs = facets["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "france_services")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    assert!(fs > 0 && fs < total, "{fs} of {total}");
    let only = json("/api/places?kinds=france_services").await;
    let features = only["features"].as_array().unwrap();
    assert_eq!(features.len() as u64, fs);
    assert!(features.iter().all(|f| f["properties"]["kinds"]
        .as_array()
        .unwrap()
        .contains(&"france_services".into())));
    let service = facets["services"][0]["value"].as_str().unwrap().to_string();
    let count = facets["services"][0]["count"].as_u64().unwrap();
    let by_service = json(&format!(
        "/api/places?services={}",
        urlencode(&service.to_uppercase())
    ))
    .await;
    assert_eq!(
        by_service["features"].as_array().unwrap().len() as u64,
        count
    );
    // Tiles: the filtered layer holds exactly the France Services (clusters counted).
    let t = tile("/tiles/places/0/0/0.mvt?kinds=france_services").await;
    let l = t.layer("places").unwrap();
    assert_eq!(places_in(&l.features), fs);
    let all = tile("/tiles/places/0/0/0.mvt").await;
    assert_eq!(places_in(&all.layer("places").unwrap().features), total);
}

#[tokio::test]
async fn exports_are_served_with_offer_columns_and_byte_ranges() {
    let res = get("/api/export/commune.fgb?profile=jeune").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/vnd.flatgeobuf"
    );
    assert_eq!(res.headers()[header::ACCEPT_RANGES], "bytes");
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    let whole = body(res).await;
    assert_eq!(&whole[..4], b"fgb\x03");
    // A range, as QGIS asks for the header and index.
    let res = get_with(
        "/api/export/commune.fgb?profile=jeune",
        &[("range", "bytes=0-1023")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[header::CONTENT_RANGE],
        format!("bytes 0-1023/{}", whole.len()).as_str()
    );
    assert_eq!(body(res).await, &whole[..1024]);
    let res = get_with(
        "/api/export/commune.fgb?profile=jeune",
        &[("range", "bytes=-100")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(body(res).await, &whole[whole.len() - 100..]);
    let res = get_with(
        "/api/export/commune.fgb?profile=jeune",
        &[("range", &format!("bytes={}-", whole.len()))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    // If-Range with another ETag: the whole (new) file.
    let res = get_with(
        "/api/export/commune.fgb?profile=jeune",
        &[("range", "bytes=0-9"), ("if-range", "\"other\"")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = get_with(
        "/api/export/commune.fgb?profile=jeune",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    // CSV: the score and offer columns, one row per commune; the Excel variant.
    let csv =
        String::from_utf8(body(get("/api/export/commune.csv?threshold=6").await).await).unwrap();
    let header_line = csv.lines().next().unwrap();
    assert!(header_line.starts_with("code,name,population,total,"));
    assert!(header_line.contains(",places_all,") && header_line.ends_with(",zones_blanches"));
    let n = json("/api/scores/commune").await["territories"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(csv.lines().count(), n + 1);
    let excel = body(get("/api/export/commune.csv?excel=1").await).await;
    assert!(excel.starts_with(b"\xEF\xBB\xBFcode;name;"));
    let gj: Json =
        serde_json::from_slice(&body(get("/api/export/departement.geojson").await).await).unwrap();
    assert_eq!(gj["features"].as_array().unwrap().len(), 3);
    assert!(
        gj["features"][0]["properties"]["places_all"]
            .as_u64()
            .unwrap()
            > 0
    );
    let gpkg = get("/api/export/epci.gpkg").await;
    assert_eq!(gpkg.status(), StatusCode::OK);
    assert!(body(gpkg).await.starts_with(b"SQLite format 3\0"));

    assert_json_error("/api/export/commune.shp", 404).await;
    assert_json_error("/api/export/commune.pmtiles", 404).await;
    assert_json_error("/api/export/commune", 404).await;
    assert_json_error("/api/export/canton.fgb", 404).await;
    assert_json_error("/api/export/commune.csv?excel=yes", 400).await;
}

/// Value of a `data-figure` of the page (it must be there).
fn figure(html: &str, name: &str) -> Option<f64> {
    ifn_diagnostic::read_figure(html, name)
        .unwrap_or_else(|| panic!("figure {name} not on the page"))
}

#[tokio::test]
async fn the_diagnostic_page_has_the_api_figures() {
    let q = "profile=senior&threshold=6&distance_km=4";
    let res = get(&format!("/diagnostic/epci/X00000002?{q}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = String::from_utf8(body(res).await).unwrap();
    let d = json(&format!("/api/territories/epci/X00000002?{q}")).await;
    assert_eq!(figure(&html, "score"), d["total"].as_f64());
    assert_eq!(
        figure(&html, "places-total"),
        d["offer"]["places"]["all"].as_f64()
    );
    assert_eq!(
        figure(&html, "fragile-population"),
        d["offer"]["fragile_population"].as_f64()
    );
    assert_eq!(
        figure(&html, "zones-blanches-count"),
        Some(d["offer"]["zones_blanches"].as_array().unwrap().len() as f64)
    );
    assert_eq!(figure(&html, "threshold"), Some(6.0));
}

#[tokio::test]
async fn a_bad_diagnostic_address_is_a_french_page_saying_what_to_do() {
    let page = assert_html_error("/diagnostic/epci/nope", 404).await;
    assert!(page.contains("Diagnostic introuvable"), "{page}");
    assert!(
        page.contains("nope") && page.contains("recherche"),
        "{page}"
    );
    assert!(page.contains("href=\"/\""), "a link back to the map");
    let page = assert_html_error("/diagnostic/canton/X1", 404).await;
    assert!(page.contains("canton"), "{page}");
    let page = assert_html_error("/diagnostic/commune/X1001?threshold=abc", 400).await;
    assert!(page.contains("threshold"), "the parameter is named: {page}");
}

/// The viewer's rounding of a JSON number, written out: its text (the shortest that reads
/// back as the same number) rounded half up at one decimal, French comma.
fn viewer_text(v: &Json) -> String {
    let text = v.to_string();
    let negative = text.starts_with('-');
    let text = text.trim_start_matches('-');
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(!int.contains('e'), "{text}");
    let digit = |k: usize| frac.as_bytes().get(k).map_or(0, |b| u64::from(b - b'0'));
    let mut tenths = int.parse::<u64>().unwrap() * 10 + digit(0);
    if digit(1) >= 5 {
        tenths += 1;
    }
    let sign = if negative && tenths > 0 { "-" } else { "" };
    format!("{sign}{},{}", tenths / 10, tenths % 10)
}

/// The printed text of a `data-figure`.
fn figure_text(html: &str, name: &str) -> String {
    let key = format!("data-figure=\"{name}\" data-value=\"");
    let rest = &html[html.find(&key).unwrap_or_else(|| panic!("{name}")) + key.len()..];
    rest.split_once('>')
        .unwrap()
        .1
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_diagnostic_prints_the_api_raw_values_as_the_viewer_does() {
    // Every commune: the demo's two-decimal IRIS values make ties (x.x5) that rounding the
    // binary value would print one tenth lower than the viewer.
    let communes: std::collections::BTreeSet<String> = ifn_core::demo::generate()
        .dataset
        .units()
        .iter()
        .map(|u| u.commune.clone())
        .collect();
    let mut checked = 0;
    for code in communes.iter().step_by(10) {
        let q = "profile=senior";
        let d = json(&format!("/api/territories/commune/{code}?{q}")).await;
        let res = get(&format!("/diagnostic/commune/{code}?{q}")).await;
        let html = String::from_utf8(body(res).await).unwrap();
        let parents = d["parents"].as_array().unwrap();
        let epci = parents.iter().find(|p| p["level"] == "epci").unwrap();
        let e = json(&format!(
            "/api/territories/epci/{}?{q}",
            epci["code"].as_str().unwrap()
        ))
        .await;
        for i in d["indicators"].as_array().unwrap() {
            if i["selected"] != true || i["raw"].is_null() {
                continue;
            }
            let key = i["key"].as_str().unwrap();
            let unit = i["unit"].as_str().unwrap();
            let want = format!("{}\u{a0}{unit}", viewer_text(&i["raw"]));
            let got = figure_text(&html, &format!("indicator-raw-{key}"));
            assert_eq!(got, want.trim_end_matches('\u{a0}'), "{code} {key}");
            // The EPCI column holds the EPCI's own value, as its detail gives it.
            let ei = e["indicators"].as_array().unwrap();
            let ei = ei.iter().find(|x| x["key"] == key).unwrap();
            // (To an ulp: serde_json's float parsing, without `float_roundtrip`, may be one off.)
            let got = figure(&html, &format!("indicator-raw-{key}-epci")).unwrap();
            let want = ei["raw"].as_f64().unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "{code} {key}: {got} {want}"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
}
