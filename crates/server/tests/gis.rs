//! Issue 11 on the demo: label tiles, glyphs served offline, QGIS styles of the exports, the
//! places export, export file names and the rounding of the Excel CSV.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use axum::http::{header, StatusCode};
use common::*;
use ifn_tiles::mvt::Value;
use quick_xml::events::Event;

#[tokio::test]
async fn label_tiles_carry_names_of_big_enough_territories_only() {
    let tj = json("/tiles/labels/commune.json").await;
    assert_eq!(tj["vector_layers"][0]["id"], "labels");
    assert!(tj["tiles"][0]
        .as_str()
        .unwrap()
        .ends_with("/tiles/labels/commune/{z}/{x}/{y}.mvt"));
    // Zoom 3: communes far too small to be named.
    let res = get("/tiles/labels/commune/3/3/2.mvt").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let deps = tile("/tiles/labels/departement/5/15/11.mvt").await;
    let l = deps.layer("labels").unwrap();
    assert!(!l.features.is_empty());
    for f in &l.features {
        assert_eq!(f.geom_type, 1);
        assert!(matches!(f.properties["name"], Value::String(_)));
        assert!(matches!(f.properties["code"], Value::String(_)));
        assert!(matches!(f.properties["population"], Value::Uint(_)));
    }
    // Zoomed in, communes get labels, most populated first.
    let t = tile("/tiles/labels/commune/10/490/366.mvt").await;
    let pops: Vec<u64> = t
        .layer("labels")
        .unwrap()
        .features
        .iter()
        .map(|f| match f.properties["population"] {
            Value::Uint(p) => p,
            ref v => panic!("{v:?}"),
        })
        .collect();
    assert!(!pops.is_empty());
    assert!(pops.windows(2).all(|w| w[0] >= w[1]), "{pops:?}");
}

#[tokio::test]
async fn label_routes_refuse_unknown_levels_and_tiles_in_french() {
    assert_json_error("/tiles/labels/canton/5/15/11.mvt", 404).await;
    assert_json_error("/tiles/labels/commune/5/99/11.mvt", 400).await;
    assert_json_error("/tiles/labels/commune/x/1/1.mvt", 400).await;
    assert_json_error("/tiles/labels/canton.json", 404).await;
    let res = get("/tiles/labels/canton.json").await;
    let v: serde_json::Value = serde_json::from_slice(&body(res).await).unwrap();
    assert!(v["error"].as_str().unwrap().contains("niveau"));
}

/// The code points of the glyphs of a MapLibre glyph PBF (`glyphs { stacks { name, range,
/// glyphs { id, … } } }`), read with a minimal protobuf reader.
fn glyph_ids(pbf: &[u8]) -> Vec<u32> {
    fn varint(b: &[u8], i: &mut usize) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let byte = b[*i];
            *i += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    /// (field, wire type, payload for length-delimited fields, varint value otherwise).
    fn fields(b: &[u8]) -> Vec<(u64, u64, &[u8], u64)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let key = varint(b, &mut i);
            let (field, wire) = (key >> 3, key & 7);
            match wire {
                0 => {
                    let v = varint(b, &mut i);
                    out.push((field, wire, &b[0..0], v));
                }
                2 => {
                    let n = varint(b, &mut i) as usize;
                    out.push((field, wire, &b[i..i + n], 0));
                    i += n;
                }
                5 => i += 4,
                1 => i += 8,
                w => panic!("wire type {w}"),
            }
        }
        out
    }
    let mut ids = Vec::new();
    for (f, _, stack, _) in fields(pbf) {
        assert_eq!(f, 1, "glyphs.stacks");
        for (f, _, glyph, _) in fields(stack) {
            if f == 3 {
                for (f, w, _, v) in fields(glyph) {
                    if f == 1 && w == 0 {
                        ids.push(v as u32);
                    }
                }
            }
        }
    }
    ids
}

#[tokio::test]
async fn glyphs_of_french_text_are_served_offline() {
    let mut ids = Vec::new();
    for font in [
        "DejaVu%20Sans%20Book",
        "DejaVu%20Sans%20Bold",
        "Inconnue,DejaVu%20Sans%20Bold",
    ] {
        for range in ["0-255", "256-511", "8192-8447"] {
            let res = get(&format!("/fonts/{font}/{range}.pbf")).await;
            assert_eq!(res.status(), StatusCode::OK, "{font} {range}");
            assert_eq!(
                res.headers()[header::CONTENT_TYPE],
                "application/x-protobuf"
            );
            assert!(res.headers().contains_key(header::ETAG));
            ids.extend(glyph_ids(&body(res).await));
        }
    }
    for c in ['é', 'ç', 'œ', '’', '«', '»', 'É', 'A'] {
        assert!(ids.contains(&(c as u32)), "no glyph for {c}");
    }
}

#[tokio::test]
async fn unknown_fonts_and_ranges_are_json_404s() {
    assert_json_error("/fonts/Comic%20Sans/0-255.pbf", 404).await;
    assert_json_error("/fonts/DejaVu%20Sans%20Book/512-767.pbf", 404).await;
    assert_json_error("/fonts/DejaVu%20Sans%20Book/0-300.pbf", 404).await;
    assert_json_error("/fonts/DejaVu%20Sans%20Book/abc", 404).await;
}

/// An XML element: name, attributes, text directly inside.
type Element = (String, Vec<(String, String)>, String);

fn xml_events(text: &str) -> Vec<Element> {
    // (element name, attributes, text directly inside), for every element; fails on bad XML.
    let mut r = quick_xml::Reader::from_str(text);
    let mut out: Vec<Element> = Vec::new();
    // The element whose text is being read: the last one opened and not closed yet.
    let mut current = None;
    let element = |e: &quick_xml::events::BytesStart| {
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let attrs = e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().to_string(),
                )
            })
            .collect();
        (name, attrs, String::new())
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                current = Some(out.len());
                out.push(element(&e));
            }
            Event::Empty(e) => {
                current = None;
                out.push(element(&e));
            }
            Event::End(_) => current = None,
            Event::Text(t) => {
                if let Some(i) = current {
                    out[i].2.push_str(std::str::from_utf8(&t).unwrap());
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

fn attr<'a>(attrs: &'a [(String, String)], k: &str) -> &'a str {
    attrs
        .iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[tokio::test]
async fn the_qml_style_has_the_ten_classes_of_the_map_on_the_total_column() {
    let res = get("/api/style/commune.qml").await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("ifn-commune.qml"), "{disposition}");
    let text = String::from_utf8(body(res).await).unwrap();
    let ev = xml_events(&text);
    let renderer = ev.iter().find(|e| e.0 == "renderer-v2").unwrap();
    assert_eq!(attr(&renderer.1, "attr"), "total");
    let ranges: Vec<_> = ev.iter().filter(|e| e.0 == "range").collect();
    assert_eq!(ranges.len(), 10);
    let colours: Vec<&str> = ev
        .iter()
        .filter(|e| e.0 == "Option" && e.1.iter().any(|(k, v)| k == "name" && v == "color"))
        .map(|e| attr(&e.1, "value"))
        .collect();
    let rules = ifn_core::rules();
    let starts = ifn_server::model::class_starts();
    for (i, c) in rules.score.classes.iter().enumerate() {
        let hex = c.colour;
        let rgb = |j: usize| u8::from_str_radix(&hex[j..j + 2], 16).unwrap();
        assert_eq!(
            colours[i],
            format!("{},{},{},255", rgb(1), rgb(3), rgb(5)),
            "class {}",
            i + 1
        );
        let symbol: usize = attr(&ranges[i].1, "symbol").parse().unwrap();
        assert_eq!(symbol, i);
        // A score at the start of a class falls in it: QGIS takes lower < v ≤ upper.
        if i > 0 {
            let lower: f64 = attr(&ranges[i].1, "lower").parse().unwrap();
            let upper_before: f64 = attr(&ranges[i - 1].1, "upper").parse().unwrap();
            assert!(lower < starts[i - 1] && starts[i - 1] - lower < 1e-6);
            assert_eq!(lower, upper_before);
        }
    }
}

#[tokio::test]
async fn the_sld_style_has_one_rule_per_class_and_one_for_missing_scores() {
    let text = String::from_utf8(body(get("/api/style/epci.sld").await).await).unwrap();
    let ev = xml_events(&text);
    let fills: Vec<&str> = ev
        .iter()
        .filter(|e| e.0 == "se:SvgParameter" && attr(&e.1, "name") == "fill")
        .map(|e| e.2.as_str())
        .collect();
    let rules = ifn_core::rules();
    assert_eq!(fills.len(), 11);
    for (i, c) in rules.score.classes.iter().enumerate() {
        assert_eq!(fills[i], c.colour, "class {}", i + 1);
    }
    assert_eq!(fills[10], rules.score.missing.colour);
    let names: Vec<&str> = ev
        .iter()
        .filter(|e| e.0 == "se:PropertyName" || e.0 == "ogc:PropertyName")
        .map(|e| e.2.as_str())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|n| *n == "total"));
    assert_json_error("/api/style/commune.lyr", 404).await;
    assert_json_error("/api/style/canton.qml", 404).await;
}

#[tokio::test]
async fn places_are_exported_with_their_filters_and_file_names() {
    let all = get("/api/export/places.geojson").await;
    assert_eq!(all.status(), StatusCode::OK);
    assert!(all.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename=\"ifn-lieux.geojson\""));
    let all: serde_json::Value = serde_json::from_slice(&body(all).await).unwrap();
    let n = all["features"].as_array().unwrap().len();
    assert_eq!(n, ifn_core::demo::generate().places.len());
    let fs: serde_json::Value = serde_json::from_slice(
        &body(get("/api/export/places.geojson?kinds=france_services").await).await,
    )
    .unwrap();
    let fs = fs["features"].as_array().unwrap();
    assert!(!fs.is_empty() && fs.len() < n);
    assert!(fs.iter().all(|f| f["properties"]["kinds"]
        .as_str()
        .unwrap()
        .contains("france_services")));

    let fgb = body(get("/api/export/places.fgb?kinds=france_services").await).await;
    assert_eq!(&fgb[..3], b"fgb");
    let csv = get("/api/export/places.csv?excel=1").await;
    assert!(csv.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("ifn-lieux-excel.csv"));
    let csv = body(csv).await;
    assert!(csv
        .starts_with(b"\xEF\xBB\xBFid;name;kinds;services;publics;address;commune;source;lon;lat"));
    assert_json_error("/api/export/places.gpkg", 404).await;
    assert_json_error("/api/export/places.csv?kinds=nope", 400).await;
}

#[tokio::test]
async fn export_file_names_say_level_profile_and_format() {
    for (uri, name) in [
        ("/api/export/commune.fgb", "ifn-commune-tout-age.fgb"),
        ("/api/export/epci.csv?profile=senior", "ifn-epci-senior.csv"),
        (
            "/api/export/epci.csv?profile=senior&excel=1",
            "ifn-epci-senior-excel.csv",
        ),
    ] {
        let res = get(uri).await;
        assert_eq!(res.status(), StatusCode::OK, "{uri}");
        let d = res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(d.contains(&format!("filename=\"{name}\"")), "{uri}: {d}");
    }
}

#[tokio::test]
async fn the_excel_csv_rounds_scores_as_displayed() {
    let text = String::from_utf8(body(get("/api/export/commune.csv?excel=1").await).await).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let total = header.iter().position(|c| *c == "total").unwrap();
    let decimals = ifn_core::rules().score.decimals as usize;
    let mut seen = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(';').collect();
        for (name, cell) in header.iter().zip(&cells) {
            if let Some((_, frac)) = cell.split_once(',') {
                if frac.chars().all(|c| c.is_ascii_digit()) {
                    assert!(frac.len() <= 3, "{name}: {cell}");
                }
            }
        }
        let t = cells[total];
        if !t.is_empty() {
            assert_eq!(t.split_once(',').unwrap().1.len(), decimals, "{t}");
            seen += 1;
        }
    }
    assert!(seen > 100);
}
