//! The tile size budget: over it, a tile loses its detail properties, then its smallest
//! features (polygons) or its overlapping points (places), and always ends within budget.
#![allow(clippy::unwrap_used)]

use ifn_core::offer::{offer, OfferOptions, PlaceIndex};
use ifn_core::{demo, Catalogue, Engine, Level, Selection};
use ifn_tiles::mvt::decode::decode_tile;
use ifn_tiles::{LevelTiler, PlacesTiler, TileId, TileOptions};

/// Zoom-5 tile holding the whole demo island.
fn island_tile() -> TileId {
    TileId::new(5, 15, 11).unwrap()
}

#[test]
fn a_tile_over_budget_loses_detail_then_its_smallest_features() {
    let t = demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let sel = Selection::builder("tout-age").build(&engine).unwrap();
    let scores = engine.score(Level::Commune, &sel).unwrap();
    let units = engine.unit_scores(&sel).unwrap();
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    let o = offer(
        Level::Commune,
        &engine,
        &units,
        &index,
        &OfferOptions::default(),
    )
    .unwrap();
    let codes = engine.codes(Level::Commune).unwrap();
    let features = &t.geometries[&Level::Commune];
    let tiler = |budget: usize| {
        LevelTiler::new(
            features,
            &codes,
            TileOptions {
                max_tile_bytes: budget,
                ..TileOptions::default()
            },
        )
    };
    let id = island_tile();
    let full = tiler(usize::MAX).tile(id, "commune", &scores, Some(&o));
    let full_tile = decode_tile(&full).unwrap();
    let full_layer = full_tile.layer("commune").unwrap();
    let n = full_layer.features.len();
    assert!(n > 100, "the whole island: {n} communes");
    assert!(full_layer.features[0].properties.contains_key("places_all"));
    assert!(full_layer.features[0]
        .properties
        .contains_key("no_thd_coverage_rate"));

    // A budget just under the full tile: every feature, light properties only.
    let light = tiler(full.len() - 1).tile(id, "commune", &scores, Some(&o));
    assert!(light.len() < full.len());
    let light_tile = decode_tile(&light).unwrap();
    let l = light_tile.layer("commune").unwrap();
    assert_eq!(l.features.len(), n);
    for f in &l.features {
        let keys: Vec<&str> = f.properties.keys().map(String::as_str).collect();
        assert!(
            keys.iter()
                .all(|k| ["code", "name", "population", "score", "zones_blanches"].contains(k)),
            "{keys:?}"
        );
        assert!(keys.contains(&"zones_blanches"));
    }

    // A budget of a third of the light tile: fewer features, within budget, the largest kept.
    let budget = light.len() / 3;
    let small = tiler(budget).tile(id, "commune", &scores, Some(&o));
    assert!(small.len() <= budget, "{} > {budget}", small.len());
    let small_tile = decode_tile(&small).unwrap();
    let kept = &small_tile.layer("commune").unwrap().features;
    assert!(!kept.is_empty() && kept.len() < n, "{} of {n}", kept.len());
    let geometry = tiler(usize::MAX).geometry(id);
    let area_of = |code: &str| {
        let tf = geometry
            .features
            .iter()
            .find(|tf| features[tf.source as usize].code == code)
            .unwrap();
        tf.area
    };
    let code = |f: &ifn_tiles::mvt::decode::DecodedFeature| match f.properties.get("code") {
        Some(ifn_tiles::mvt::Value::String(c)) => c.clone(),
        other => panic!("{other:?}"),
    };
    let smallest_kept = kept
        .iter()
        .map(|f| area_of(&code(f)))
        .fold(f64::INFINITY, f64::min);
    let kept_codes: Vec<String> = kept.iter().map(code).collect();
    for f in &l.features {
        let c = code(f);
        if !kept_codes.contains(&c) {
            assert!(
                area_of(&c) <= smallest_kept,
                "{c} dropped but larger than a kept one"
            );
        }
    }
    // Deterministic: the same request gives the same bytes.
    assert_eq!(small, tiler(budget).tile(id, "commune", &scores, Some(&o)));
}

/// `n` synthetic places spread over about a kilometre around a point.
fn dense_places(n: usize) -> Vec<ifn_core::Place> {
    (0..n)
        .map(|i| ifn_core::Place {
            id: format!("place-{i:05}"),
            name: format!("Lieu de médiation numéro {i}"),
            lon: 2.375 + (i % 50) as f64 * 0.0002,
            lat: 48.851 + (i / 50) as f64 * 0.0002,
            commune: "75056".into(),
            address: format!("{i} rue de l'Exemple"),
            kinds: vec![ifn_core::PlaceKind::Autre],
            services: vec!["Aide aux démarches administratives".into()],
            publics: vec!["Tous publics".into()],
            source: String::new(),
        })
        .collect()
}

#[test]
fn a_places_tile_over_budget_keeps_one_place_per_cell_and_fits() {
    let places = dense_places(2000);
    let id = TileId::new(14, 8300, 5636).unwrap(); // zoom > 11: no clusters
    let full = PlacesTiler::with_budget(&places, usize::MAX).tile(id, None);
    let full_tile = decode_tile(&full).unwrap();
    let n = full_tile.layer("places").map_or(0, |l| l.features.len());
    assert!(n > 100, "{n} places in the tile");
    let light = PlacesTiler::with_budget(&places, full.len() - 1).tile(id, None);
    let light_tile = decode_tile(&light).unwrap();
    let l = &light_tile.layer("places").unwrap().features;
    assert_eq!(l.len(), n);
    assert!(l.iter().all(|f| !f.properties.contains_key("address")
        && f.properties.contains_key("kinds")
        && f.properties.contains_key("name")));
    let budget = light.len() / 4;
    let thin = PlacesTiler::with_budget(&places, budget).tile(id, None);
    assert!(thin.len() <= budget);
    let thin_tile = decode_tile(&thin).unwrap();
    let kept = &thin_tile.layer("places").unwrap().features;
    assert!(!kept.is_empty() && kept.len() < n);
    // No two kept places share a screen pixel.
    let mut cells = std::collections::HashSet::new();
    for f in kept {
        let (x, y) = f.parts[0][0];
        assert!(cells.insert((x / 8, y / 8)), "two places in one pixel");
    }
}

#[test]
fn places_are_clustered_below_zoom_12_and_every_place_is_counted_once() {
    use ifn_tiles::mvt::Value;
    let t = demo::generate();
    let tiler = PlacesTiler::new(&t.places);
    let count = |v: Option<&Value>| match v {
        Some(Value::Uint(n)) => *n,
        other => panic!("{other:?}"),
    };
    let z0 = decode_tile(&tiler.tile(TileId::new(0, 0, 0).unwrap(), None)).unwrap();
    let features = &z0.layer("places").unwrap().features;
    assert!(features.len() < t.places.len(), "clustered at zoom 0");
    let mut total = 0;
    let mut clusters = 0;
    for f in features {
        if f.properties.contains_key("point_count") {
            clusters += 1;
            let n = count(f.properties.get("point_count"));
            assert!(n >= 2 && f.id.is_none());
            // The per-kind counts never exceed the cluster (a place may have several kinds).
            for key in ["count_france_services", "count_conseiller_numerique"] {
                if let Some(v) = f.properties.get(key) {
                    assert!(count(Some(v)) <= n);
                }
            }
            total += n;
        } else {
            assert!(f.properties.contains_key("id"));
            total += 1;
        }
    }
    assert!(clusters > 0);
    assert_eq!(total as usize, t.places.len(), "every place counted once");
    // From zoom 12, no cluster.
    let (xs, ys) = ifn_tiles::tile::tiles_covering(t.meta.bbox, 12);
    let mut seen = 0;
    for x in xs {
        for y in ys.clone() {
            let b = tiler.tile(TileId::new(12, x, y).unwrap(), None);
            if b.is_empty() {
                continue;
            }
            let d = decode_tile(&b).unwrap();
            let l = d.layer("places").unwrap();
            assert!(l
                .features
                .iter()
                .all(|f| !f.properties.contains_key("point_count")));
            seen += l.features.len();
        }
    }
    assert_eq!(seen, t.places.len());
}
