//! Encoding a level tile: the scores of a selection attached to cached geometry, within the
//! tile size budget ([`TileOptions::max_tile_bytes`](super::TileOptions::max_tile_bytes)).
//!
//! The geometry is already encoded ([`TileFeature::geometry`]); the properties of every
//! feature are interned once per property set ([`InternedLayer`]), so that the tries of the
//! size budget (every feature, then fewer and fewer) cost integer work only.

use ifn_core::offer::LevelOffer;
use ifn_core::LevelScores;
use tracing::debug;

use super::{LevelTiler, Projected, TileFeature, TileGeometry};
use crate::mvt::{GeomType, InternedLayer, ValueRef};

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
        let features = self.tile_features(geometry);
        self.fit_budget(
            &features,
            layer,
            || intern(&features, scores, offer, true),
            || intern(&features, scores, offer, false),
        )
    }

    /// The features of a tile with their source feature (those the tiler knows).
    pub(super) fn tile_features<'a>(
        &'a self,
        geometry: &'a TileGeometry,
    ) -> Vec<(&'a TileFeature, &'a Projected)> {
        geometry
            .features
            .iter()
            .filter_map(|tf| Some((tf, self.features.get(tf.source as usize)?)))
            .collect()
    }

    /// Encodes the full properties if the tile fits the budget, else the light ones, else the
    /// light ones of fewer and fewer features (largest kept).
    pub(super) fn fit_budget<'a>(
        &self,
        features: &[(&'a TileFeature, &'a Projected)],
        layer: &str,
        full: impl FnOnce() -> InternedLayer<'a>,
        light: impl FnOnce() -> InternedLayer<'a>,
    ) -> Vec<u8> {
        if features.is_empty() {
            return Vec::new();
        }
        let budget = self.options.max_tile_bytes;
        let all = 0..features.len();
        // A tile is longer than its geometry: when the geometry alone is over the budget, so
        // are the full and the light tiles, and the full one is not worth writing.
        let geometry_bytes: usize = features.iter().map(|(tf, _)| tf.geometry.len()).sum();
        if geometry_bytes <= budget {
            let bytes = encode_subset(&full(), layer, all.clone());
            if bytes.len() <= budget {
                return bytes;
            }
        }
        let light = light();
        let light_bytes = encode_subset(&light, layer, all.clone());
        if light_bytes.len() <= budget {
            return light_bytes;
        }
        // Largest first; ties by source index, so that the result is deterministic.
        let mut by_area: Vec<usize> = all.collect();
        by_area.sort_by(|&a, &b| {
            let (a, b) = (features[a].0, features[b].0);
            b.area.total_cmp(&a.area).then(a.source.cmp(&b.source))
        });
        let mut keep = (by_area.len() as f64 * budget as f64 / light_bytes.len() as f64) as usize;
        loop {
            keep = keep.min(by_area.len());
            let mut kept = by_area[..keep].to_vec();
            // Back to the geometry's order: the same features always give the same bytes.
            kept.sort_by_key(|&i| features[i].0.source);
            let t = encode_subset(&light, layer, kept);
            if t.len() <= budget || keep <= 1 {
                debug!(
                    features = features.len(),
                    kept = keep,
                    bytes = t.len(),
                    "tile over budget: smallest features left out"
                );
                return t;
            }
            keep = keep * 9 / 10;
        }
    }
}

fn encode_subset(
    layer: &InternedLayer<'_>,
    name: &str,
    subset: impl IntoIterator<Item = usize>,
) -> Vec<u8> {
    let mut out = Vec::new();
    layer.encode_into(name, subset, &mut out);
    out
}

/// The properties of every feature, interned: `detail` adds the indicator classes and every
/// offer figure; without it, the offer gives `zones_blanches` only.
fn intern<'a>(
    features: &[(&'a TileFeature, &'a Projected)],
    scores: &'a LevelScores,
    offer: Option<&'a LevelOffer>,
    detail: bool,
) -> InternedLayer<'a> {
    let per_feature = if detail {
        4 + scores.indicators.len() + ifn_core::offer::TerritoryOffer::FLAT_FIELD_NAMES.len()
    } else {
        5
    };
    let mut layer = InternedLayer::with_capacity(features.len(), per_feature);
    let mut props: Vec<(&'a str, ValueRef<'a>)> = Vec::with_capacity(per_feature);
    for &(tf, f) in features {
        props.clear();
        props.push(("code", ValueRef::Str(&f.code)));
        let row = f.row.map(|r| r as usize).filter(|&r| r < scores.len());
        match row {
            Some(r) => {
                props.push(("name", ValueRef::Str(&scores.names[r])));
                props.push(("population", number(scores.population[r])));
                if !scores.total[r].is_nan() {
                    props.push(("score", ValueRef::Double(scores.total[r])));
                }
                if detail {
                    for (k, key) in scores.indicators.iter().enumerate() {
                        let c = scores.classes[(r, k)];
                        if !c.is_nan() {
                            props.push((key.as_str(), ValueRef::Double(c)));
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
                            ValueRef::Uint(t.zones_blanches.len() as u64),
                        ));
                    }
                }
            }
            None => props.push(("name", ValueRef::Str(&f.code))),
        }
        layer.push(
            row.map(|r| r as u64),
            GeomType::Polygon,
            &tf.geometry,
            props.iter().copied(),
        );
    }
    layer
}

pub(super) fn number(v: f64) -> ValueRef<'static> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        ValueRef::Uint(v as u64)
    } else {
        ValueRef::Double(v)
    }
}
