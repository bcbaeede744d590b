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

#[test]
fn a_places_tile_over_budget_keeps_one_place_per_cell_and_fits() {
    let t = demo::generate();
    let id = TileId::new(0, 0, 0).unwrap();
    let full = PlacesTiler::with_budget(&t.places, usize::MAX).tile(id, None);
    let full_tile = decode_tile(&full).unwrap();
    let n = full_tile.layer("places").unwrap().features.len();
    assert_eq!(n, t.places.len());
    let light = PlacesTiler::with_budget(&t.places, full.len() - 1).tile(id, None);
    let light_tile = decode_tile(&light).unwrap();
    let l = &light_tile.layer("places").unwrap().features;
    assert_eq!(l.len(), n);
    assert!(l.iter().all(|f| !f.properties.contains_key("address")
        && f.properties.contains_key("kinds")
        && f.properties.contains_key("name")));
    let budget = light.len() / 4;
    let thin = PlacesTiler::with_budget(&t.places, budget).tile(id, None);
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
