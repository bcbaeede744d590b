//! Real data, Charente (16): the mediation places of the département's published export,
//! located by `ifn_core::offer` in the commune contours, against an independent
//! point-in-polygon count (even-odd ray casting written here, no R-tree, no geo algorithm).
//!
//! Needs `../shared/data` (or env `IFN_SHARED_DATA`): skipped with a message when it is
//! missing, a failure when `IFN_REQUIRE_REAL_DATA=1`. There are no IRIS or full-resolution
//! commune contours for Charente in the shared data: the communes come from the generalised
//! whole-France `comleg-france-communes-2017.json.gz`, as base units not split into IRIS.
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;

use geo::{LineString, MultiPolygon, Polygon};
use ifn_core::offer::{offer, OfferOptions, PlaceIndex, PlaceLocation};
use ifn_core::{BaseUnit, Catalogue, Dataset, Engine, Feature, Level, Place, PlaceKind, Selection};
use serde_json::Value;

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var("IFN_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let required = std::env::var("IFN_REQUIRE_REAL_DATA").is_ok_and(|v| v == "1");
    let comleg = dir.join("boundaries/communes/comleg-france-communes-2017.json.gz");
    let places = dir.join(
        "mediation/exports/20230711-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine.json",
    );
    if comleg.exists() && places.exists() {
        Some(dir)
    } else {
        assert!(
            !required,
            "IFN_REQUIRE_REAL_DATA=1 but {} or {} is missing",
            comleg.display(),
            places.display()
        );
        eprintln!(
            "skipped: real data not found under {} (set IFN_SHARED_DATA)",
            dir.display()
        );
        None
    }
}

fn ring(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .expect("ring")
        .iter()
        .map(|p| (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat")))
        .collect()
}

/// Polygons, each a list of rings (exterior first) of (lon, lat).
type Rings = Vec<Vec<Vec<(f64, f64)>>>;

/// Communes of Charente: (INSEE code, rings of each polygon).
fn charente_communes(dir: &std::path::Path) -> Vec<(String, Rings)> {
    let f =
        std::fs::File::open(dir.join("boundaries/communes/comleg-france-communes-2017.json.gz"))
            .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut text)
        .unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for feat in json["features"].as_array().unwrap() {
        let code = feat["properties"]["insee"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if !code.starts_with("16") {
            continue;
        }
        let g = &feat["geometry"];
        let polys: Vec<Vec<Vec<(f64, f64)>>> = match g["type"].as_str() {
            Some("Polygon") => vec![g["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(ring)
                .collect()],
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_array().unwrap().iter().map(ring).collect())
                .collect(),
            other => panic!("commune {code}: unexpected geometry {other:?}"),
        };
        out.push((code, polys));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn to_geo(polys: &[Vec<Vec<(f64, f64)>>]) -> MultiPolygon<f64> {
    MultiPolygon::new(
        polys
            .iter()
            .map(|rings| {
                let mut it = rings.iter().map(|r| LineString::from(r.clone()));
                let ext = it.next().expect("exterior");
                Polygon::new(ext, it.collect())
            })
            .collect(),
    )
}

/// Even-odd ray casting over every ring: the independent check.
fn inside(polys: &[Vec<Vec<(f64, f64)>>], (x, y): (f64, f64)) -> bool {
    let mut odd = false;
    for rings in polys {
        for r in rings {
            for k in 0..r.len().saturating_sub(1) {
                let ((x1, y1), (x2, y2)) = (r[k], r[k + 1]);
                if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                    odd = !odd;
                }
            }
        }
    }
    odd
}

fn charente_places(dir: &std::path::Path) -> Vec<Place> {
    read_places(&dir.join(
        "mediation/exports/20230711-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine.json",
    ))
}

/// Places of an export in the "lieux de médiation numérique" field names.
fn read_places(path: &std::path::Path) -> Vec<Place> {
    let text = std::fs::read_to_string(path).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let labels = r["labels_nationaux"].as_str().unwrap_or("");
            let mut kinds = Vec::new();
            if labels.contains("France Services") {
                kinds.push(PlaceKind::FranceServices);
            }
            if labels.contains("CNFS") {
                kinds.push(PlaceKind::ConseillerNumerique);
            }
            if labels.contains("Aidants Connect") {
                kinds.push(PlaceKind::AidantsConnect);
            }
            Place {
                id: r["id"].as_str().unwrap_or("").to_string(),
                name: r["nom"].as_str().unwrap_or("").to_string(),
                lon: r["longitude"].as_f64().unwrap_or(f64::NAN),
                lat: r["latitude"].as_f64().unwrap_or(f64::NAN),
                commune: r["code_insee"].as_str().unwrap_or("").to_string(),
                address: String::new(),
                kinds,
                services: vec![],
                publics: vec![],
                source: "charente".into(),
            }
        })
        .collect()
}

#[test]
fn charente_places_per_commune_match_an_independent_point_in_polygon_count() {
    let Some(dir) = data_dir() else { return };
    let places = charente_places(&dir);
    assert_eq!(places.len(), 188, "the README lists 188 places");
    let outside = check_counts(&charente_communes(&dir), &places);
    assert!(
        outside.is_empty(),
        "the Charente hub's places all lie in Charente"
    );
}

#[test]
fn national_cnfs_places_outside_charente_are_reported_not_counted() {
    let Some(dir) = data_dir() else { return };
    let places = read_places(&dir.join("mediation/exports/lieux-de-mediation-numerique.cnfs.json"));
    assert_eq!(places.len(), 2733, "the README lists 2,733 places");
    let outside = check_counts(&charente_communes(&dir), &places);
    let inside = places.len() - outside.len();
    assert!(
        inside > 0 && inside < 200,
        "{inside} CNFS places in Charente"
    );
}

/// Locates `places` in the Charente communes with `ifn_core::offer` and checks every count
/// against ray casting; returns the places outside every commune (all must be reported).
fn check_counts(communes: &[(String, Rings)], places: &[Place]) -> Vec<usize> {
    assert!(
        communes.len() > 350,
        "{} Charente communes in comleg 2017",
        communes.len()
    );

    let units: Vec<BaseUnit> = communes
        .iter()
        .map(|(c, _)| BaseUnit {
            code: format!("{c}0000"),
            name: c.clone(),
            commune: c.clone(),
            epci: "E16".into(),
            departement: "16".into(),
            region: "75".into(),
            population: 1000.0,
        })
        .collect();
    let mut geometries = BTreeMap::new();
    geometries.insert(
        Level::Commune,
        communes
            .iter()
            .map(|(c, p)| Feature {
                code: c.clone(),
                geometry: to_geo(p),
            })
            .collect::<Vec<_>>(),
    );
    let index = PlaceIndex::build(&units, &geometries, places);

    // Independent count.
    let mut expected: HashMap<&str, u32> = HashMap::new();
    let mut outside = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let hits: Vec<&str> = communes
            .iter()
            .filter(|(_, polys)| inside(polys, (p.lon, p.lat)))
            .map(|(c, _)| c.as_str())
            .collect();
        assert!(hits.len() <= 1, "place {} lies in {hits:?}", p.id);
        match hits.first() {
            Some(c) => *expected.entry(c).or_default() += 1,
            None => outside.push(i),
        }
    }

    // Every place lands in a commune or is reported.
    for (i, place) in places.iter().enumerate() {
        match index.location(i) {
            PlaceLocation::CommuneContour { .. } => {}
            PlaceLocation::Unassigned => assert!(
                outside.contains(&i),
                "place {} reported but inside",
                place.id
            ),
            other => panic!("place {}: {other:?}", place.id),
        }
    }
    assert_eq!(index.unassigned(), outside.as_slice());
    eprintln!(
        "Charente: {} places, {} located in {} communes, {} outside every Charente commune (first ids: {:?})",
        places.len(),
        places.len() - outside.len(),
        expected.len(),
        outside.len(),
        index.unassigned_ids().iter().take(10).collect::<Vec<_>>()
    );

    // Counts per commune through the offer computation.
    let n = units.len();
    let values = Dataset::new(
        units,
        vec!["poverty_rate".into()],
        ndarray::Array2::from_shape_fn((n, 1), |(i, _)| (i % 97) as f64),
        Default::default(),
    )
    .unwrap();
    let engine = Engine::new(values, Catalogue::builtin().clone());
    let sel = Selection::builder("tout-age")
        .indicators(["poverty_rate"])
        .build(&engine)
        .unwrap();
    let scores = engine.unit_scores(&sel).unwrap();
    let o = offer(
        Level::Commune,
        &engine,
        &scores,
        &index,
        &OfferOptions::default(),
    )
    .unwrap();
    for t in &o.territories {
        assert_eq!(
            t.places.all,
            expected.get(t.code.as_str()).copied().unwrap_or(0),
            "commune {}",
            t.code
        );
    }
    let total: u32 = o.territories.iter().map(|t| t.places.all).sum();
    assert_eq!(total as usize + o.unassigned_places.len(), places.len());
    assert!(o.territories.iter().all(|t| t.units_without_centre == 0));
    outside
}
