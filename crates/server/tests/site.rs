//! `ifn site` on the demo: the folder's layout, tables that score like the engine, archives the
//! `pmtiles` crate reads (header and directories valid) whose features carry every indicator,
//! and nothing left behind on failure.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::io::Read;
use std::path::Path;

use ifn_core::{Catalogue, Engine, Level, Reference, Selection};
use ifn_export::site::LevelZooms;
use ifn_server::site::{write_site, SiteError, SiteOptions};
use ifn_server::AppState;
use ifn_tiles::mvt::decode::decode_tile;
use ifn_tiles::PmtilesReader;

fn state() -> AppState {
    AppState::new(ifn_core::demo::generate(), Catalogue::builtin().clone())
}

fn small() -> SiteOptions {
    SiteOptions {
        zooms: LevelZooms {
            iris: 9,
            commune: 8,
            epci: 7,
            departement: 6,
            points: 9,
        },
        force: false,
    }
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_has_its_tables_and_readable_archives() {
    if !ifn_server::assets::viewer_built() {
        // Without web/dist the site is refused with a message saying how to build the map.
        let dir = tempfile::tempdir().unwrap();
        let err = write_site(state(), &dir.path().join("s"), &small()).await;
        assert!(matches!(err, Err(SiteError::NoViewer)));
        assert!(!dir.path().join("s").exists());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let report = write_site(state(), &out, &small()).await.unwrap();
    assert!(report.total_bytes() > 0);
    for f in [
        "index.html",
        "config.json",
        "data/site.json",
        "api/meta.json",
        "api/catalogue.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // Only the site is left in the parent: the temporary folder was renamed into place.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/site.json")).unwrap()).unwrap();
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let n = engine.dataset().units().len();
    assert_eq!(manifest["units"], n);

    // The tables give back the engine's classes, and a unit total recomputed from them is the
    // engine's, bit for bit.
    let classes = gunzip(&out.join("data/classes-departement.u8.gz"));
    let m = engine.dataset().indicators().len();
    assert_eq!(classes.len(), n * m);
    let reference = engine.classes(Reference::Departement).unwrap();
    for i in (0..n).step_by(37) {
        for j in 0..m {
            assert_eq!(classes[j * n + i], reference[(i, j)]);
        }
    }
    let selection = Selection::builder("tout-age")
        .reference(Reference::Departement)
        .build(&engine)
        .unwrap();
    let units = engine.unit_scores(&selection).unwrap();
    let cols = engine.columns_of(&selection).unwrap();
    for i in 0..n {
        let (mut num, mut den) = (0.0, 0.0);
        let mut sorted: Vec<(usize, f64)> = cols
            .iter()
            .copied()
            .zip(selection.weights.iter().copied())
            .collect();
        sorted.sort_by_key(|c| c.0);
        for (c, w) in sorted {
            let v = classes[c * n + i];
            if v != 0 && w > 0.0 {
                num += w * f64::from(v);
                den += w;
            }
        }
        let t = if den > 0.0 { num / den } else { f64::NAN };
        assert!(
            t.to_bits() == units.total[i].to_bits() || (t.is_nan() && units.total[i].is_nan()),
            "unit {i}"
        );
    }
    let population = gunzip(&out.join("data/population.f64.gz"));
    assert_eq!(population.len(), n * 8);

    // Every archive opens with the crate's reader; level tiles carry classes and raw values.
    for level in [Level::Departement, Level::Commune] {
        let bytes = std::fs::read(out.join(format!("tiles/{level}.pmtiles"))).unwrap();
        let archive = PmtilesReader::new(bytes).unwrap();
        let header = archive.header();
        assert_eq!(header.min_zoom, 0);
        assert!(header.max_zoom >= 6);
        let meta = archive.metadata().unwrap();
        assert!(meta["vector_layers"][0]["fields"]["poverty_rate__brut"].is_string());
        let tile = archive
            .tile_decompressed(0, 0, 0)
            .unwrap()
            .expect("tile 0/0/0");
        let decoded = decode_tile(&tile).unwrap();
        let layer = decoded.layer(level.as_str()).unwrap();
        assert!(!layer.features.is_empty());
        let f = &layer.features[0];
        assert!(f.properties.contains_key("code"));
        assert!(f.properties.contains_key("no_thd_coverage_rate"));
        assert!(f.properties.contains_key("no_thd_coverage_rate__brut"));
        assert!(!f.properties.contains_key("score"), "no frozen score");
    }
    for name in ["labels-commune", "places"] {
        let bytes = std::fs::read(out.join(format!("tiles/{name}.pmtiles"))).unwrap();
        PmtilesReader::new(bytes).unwrap();
    }

    // An existing folder is refused without `force`, and kept.
    let again = write_site(state(), &out, &small()).await;
    assert!(matches!(again, Err(SiteError::Exists(_))));
    assert!(out.join("index.html").is_file());
}
