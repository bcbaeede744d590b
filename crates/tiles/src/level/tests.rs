//! The encoder with interned properties writes the very bytes of the encoder it replaced (one
//! `LayerBuilder` per try of the size budget, kept here as the reference), on the demo's
//! tiles, with and without the offer figures, under budgets that take each of its paths.
#![allow(clippy::unwrap_used)]

use ifn_core::offer::{offer, LevelOffer, OfferOptions, PlaceIndex};
use ifn_core::{demo, Catalogue, Engine, Level, LevelScores, Selection};

use super::{LevelTiler, TileFeature, TileGeometry, TileOptions};
use crate::mvt::{GeomType, LayerBuilder, Value};
use crate::tile::{tiles_covering, TileId};

/// The encoder as it was before properties were interned (commit b22fcc4).
fn reference(
    tiler: &LevelTiler,
    geometry: &TileGeometry,
    layer: &str,
    scores: &LevelScores,
    offer: Option<&LevelOffer>,
) -> Vec<u8> {
    if geometry.features.is_empty() {
        return Vec::new();
    }
    let budget = tiler.options.max_tile_bytes;
    let all: Vec<&TileFeature> = geometry.features.iter().collect();
    let full = reference_features(tiler, &all, layer, scores, offer, true);
    if full.len() <= budget {
        return full;
    }
    let light = reference_features(tiler, &all, layer, scores, offer, false);
    if light.len() <= budget {
        return light;
    }
    let mut by_area = all;
    by_area.sort_by(|a, b| b.area.total_cmp(&a.area).then(a.source.cmp(&b.source)));
    let mut keep = (by_area.len() as f64 * budget as f64 / light.len() as f64) as usize;
    loop {
        keep = keep.min(by_area.len());
        let mut kept: Vec<&TileFeature> = by_area[..keep].to_vec();
        kept.sort_by_key(|f| f.source);
        let t = reference_features(tiler, &kept, layer, scores, offer, false);
        if t.len() <= budget || keep <= 1 {
            return t;
        }
        keep = keep * 9 / 10;
    }
}

fn reference_features(
    tiler: &LevelTiler,
    features: &[&TileFeature],
    layer: &str,
    scores: &LevelScores,
    offer: Option<&LevelOffer>,
    detail: bool,
) -> Vec<u8> {
    let mut builder = LayerBuilder::new(layer);
    let mut props: Vec<(&str, Value)> = Vec::new();
    for tf in features {
        let f = &tiler.features[tf.source as usize];
        props.clear();
        props.push(("code", Value::String(f.code.clone())));
        let row = f.row.map(|r| r as usize).filter(|&r| r < scores.len());
        match row {
            Some(r) => {
                props.push(("name", Value::String(scores.names[r].clone())));
                props.push(("population", number(scores.population[r])));
                if !scores.total[r].is_nan() {
                    props.push(("score", Value::Double(scores.total[r])));
                }
                if detail {
                    for (k, key) in scores.indicators.iter().enumerate() {
                        let c = scores.classes[(r, k)];
                        if !c.is_nan() {
                            props.push((key.as_str(), Value::Double(c)));
                        }
                    }
                }
                if let Some(t) = offer
                    .and_then(|o| o.territories.get(r))
                    .filter(|t| t.code == f.code)
                {
                    if detail {
                        for (name, v) in t.flat_fields() {
                            if !v.is_nan() {
                                props.push((name, number(v)));
                            }
                        }
                    } else {
                        props.push(("zones_blanches", Value::Uint(t.zones_blanches.len() as u64)));
                    }
                }
            }
            None => props.push(("name", Value::String(f.code.clone()))),
        }
        builder.add_encoded_feature(
            row.map(|r| r as u64),
            GeomType::Polygon,
            &tf.geometry,
            &props,
        );
    }
    let mut out = Vec::new();
    builder.finish_into(&mut out);
    out
}

fn number(v: f64) -> Value {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Value::Uint(v as u64)
    } else {
        Value::Double(v)
    }
}

#[test]
fn interned_tiles_are_byte_identical_to_the_reference_encoder() {
    let t = demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    let selections = [
        Selection::builder("tout-age").build(&engine).unwrap(),
        Selection::builder("senior")
            .weights(vec![("poverty_rate_50_plus".into(), 3.0)])
            .build(&engine)
            .unwrap(),
    ];
    let mut compared = 0;
    for level in [Level::Departement, Level::Commune, Level::Iris] {
        let codes = engine.codes(level).unwrap();
        for sel in &selections {
            let scores = engine.score(level, sel).unwrap();
            let units = engine.unit_scores(sel).unwrap();
            let o = offer(level, &engine, &units, &index, &OfferOptions::default()).unwrap();
            // Unbounded, just under a full tile (light properties), and tight (features
            // left out).
            for budget in [usize::MAX, 20_000, 3_000, 200] {
                let options = TileOptions {
                    max_tile_bytes: budget,
                    ..TileOptions::default()
                };
                let tiler = LevelTiler::new(&t.geometries[&level], &codes, options);
                for z in [5, 8, 10] {
                    let (xs, ys) = tiles_covering(t.meta.bbox, z);
                    for x in xs {
                        for y in ys.clone() {
                            let id = TileId::new(z, x, y).unwrap();
                            let g = tiler.geometry(id);
                            for o in [None, Some(&o)] {
                                let new = tiler.encode(&g, level.as_str(), &scores, o);
                                let old = reference(&tiler, &g, level.as_str(), &scores, o);
                                assert_eq!(new, old, "{level} {id:?} budget {budget}");
                                compared += usize::from(!new.is_empty());
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 100, "{compared} non-empty tiles compared");
}
