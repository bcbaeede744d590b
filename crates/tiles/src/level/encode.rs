//! Encoding a level tile: the scores of a selection attached to cached geometry, within the
//! tile size budget ([`TileOptions::max_tile_bytes`](super::TileOptions::max_tile_bytes)).

use ifn_core::offer::LevelOffer;
use ifn_core::LevelScores;
use tracing::debug;

use super::{LevelTiler, TileFeature, TileGeometry};
use crate::mvt::{GeomType, LayerBuilder, Value};

impl LevelTiler {
    /// Encodes already clipped geometry with the scores of a selection attached (see
    /// [`LevelTiler::tile`]). This is the per-request part: no clipping happens here.
    ///
    /// A tile over [`TileOptions::max_tile_bytes`](super::TileOptions::max_tile_bytes) is encoded with the light properties only
    /// (`code`, `name`, `population`, `score`, `zones_blanches`); if still over, its smallest
    /// features are left out until it fits.
    pub fn encode(
        &self,
        geometry: &TileGeometry,
        layer: &str,
        scores: &LevelScores,
        offer: Option<&LevelOffer>,
    ) -> Vec<u8> {
        if geometry.features.is_empty() {
            return Vec::new();
        }
        let budget = self.options.max_tile_bytes;
        let all: Vec<&TileFeature> = geometry.features.iter().collect();
        let full = self.encode_features(&all, layer, scores, offer, true);
        if full.len() <= budget {
            return full;
        }
        let light = self.encode_features(&all, layer, scores, offer, false);
        if light.len() <= budget {
            return light;
        }
        // Largest first; ties by source index, so that the result is deterministic.
        let mut by_area = all;
        by_area.sort_by(|a, b| b.area.total_cmp(&a.area).then(a.source.cmp(&b.source)));
        let mut keep = (by_area.len() as f64 * budget as f64 / light.len() as f64) as usize;
        loop {
            keep = keep.min(by_area.len());
            let mut kept: Vec<&TileFeature> = by_area[..keep].to_vec();
            // Back to the geometry's order: the same features always give the same bytes.
            kept.sort_by_key(|f| f.source);
            let t = self.encode_features(&kept, layer, scores, offer, false);
            if t.len() <= budget || keep <= 1 {
                debug!(
                    features = geometry.features.len(),
                    kept = keep,
                    bytes = t.len(),
                    "tile over budget: smallest features left out"
                );
                return t;
            }
            keep = keep * 9 / 10;
        }
    }

    fn encode_features(
        &self,
        features: &[&TileFeature],
        layer: &str,
        scores: &LevelScores,
        offer: Option<&LevelOffer>,
        detail: bool,
    ) -> Vec<u8> {
        let mut builder = LayerBuilder::new(layer);
        let mut props: Vec<(&str, Value)> = Vec::with_capacity(4 + scores.indicators.len());
        for tf in features {
            let Some(f) = self.features.get(tf.source as usize) else {
                continue;
            };
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
                    // Rows of an offer follow the rows of the scores (Engine::codes order).
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
                            props.push((
                                "zones_blanches",
                                Value::Uint(t.zones_blanches.len() as u64),
                            ));
                        }
                    }
                }
                None => props.push(("name", Value::String(f.code.clone()))),
            }
            builder.add_feature(
                row.map(|r| r as u64),
                GeomType::Polygon,
                &tf.commands,
                &props,
            );
        }
        let mut out = Vec::new();
        builder.finish_into(&mut out);
        out
    }
}

fn number(v: f64) -> Value {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Value::Uint(v as u64)
    } else {
        Value::Double(v)
    }
}
