//! Encoding a level tile for publication (`ifn site`): each feature carries the class and the
//! raw value of every indicator instead of one selection's score, so that a browser can score
//! any selection itself and re-colour the map without fetching tiles again.
//!
//! Property names: `code`, `name`, `population`, then `<indicator>` (class, 1–10 for a base
//! unit, a population-weighted mean above) and `<indicator>__brut` (raw value), left out when
//! missing. The feature id is the territory's row in `Engine::codes(level)` order, as on the
//! served tiles.

use ndarray::Array2;

use super::encode::number;
use super::{LevelTiler, Projected, TileFeature, TileGeometry};
use crate::mvt::{GeomType, InternedLayer, ValueRef};

/// Suffix of the raw-value property of an indicator in a published tile.
pub const RAW_SUFFIX: &str = "__brut";

/// What a published tile says of each territory of a level (rows in `Engine::codes` order).
#[derive(Debug, Clone, Copy)]
pub struct PublishedLevel<'a> {
    /// Names.
    pub names: &'a [String],
    /// Populations.
    pub population: &'a [f64],
    /// Indicator keys (columns of `classes` and `raw`).
    pub indicators: &'a [String],
    /// Classes (NaN when missing).
    pub classes: &'a Array2<f64>,
    /// Raw values (NaN when missing).
    pub raw: &'a Array2<f64>,
}

impl LevelTiler {
    /// Encodes already clipped geometry with every indicator's class and raw value (see the
    /// module). Over the size budget, the tile keeps `code`, `name` and `population` only,
    /// then drops its smallest features, as [`LevelTiler::encode`] does.
    pub fn encode_published(
        &self,
        geometry: &TileGeometry,
        layer: &str,
        level: &PublishedLevel<'_>,
    ) -> Vec<u8> {
        let features = self.tile_features(geometry);
        let raw_keys: Vec<String> = level
            .indicators
            .iter()
            .map(|k| format!("{k}{RAW_SUFFIX}"))
            .collect();
        self.fit_budget(
            &features,
            layer,
            || intern(&features, level, Some(&raw_keys)),
            || intern(&features, level, None),
        )
    }
}

/// The properties of every feature; `raw_keys` (the `__brut` names) adds the indicators.
fn intern<'a>(
    features: &[(&'a TileFeature, &'a Projected)],
    level: &PublishedLevel<'a>,
    raw_keys: Option<&'a [String]>,
) -> InternedLayer<'a> {
    let per_feature = 3 + raw_keys.map_or(0, |k| 2 * k.len());
    let mut layer = InternedLayer::with_capacity(features.len(), per_feature);
    let mut props: Vec<(&'a str, ValueRef<'a>)> = Vec::with_capacity(per_feature);
    for &(tf, f) in features {
        props.clear();
        props.push(("code", ValueRef::Str(&f.code)));
        let row = f.row.map(|r| r as usize).filter(|&r| r < level.names.len());
        match row {
            Some(r) => {
                props.push(("name", ValueRef::Str(&level.names[r])));
                if let Some(&p) = level.population.get(r) {
                    props.push(("population", number(p)));
                }
                if let Some(raw_keys) = raw_keys {
                    for (k, key) in level.indicators.iter().enumerate() {
                        let c = level.classes[(r, k)];
                        if !c.is_nan() {
                            props.push((key.as_str(), ValueRef::Double(c)));
                        }
                        let v = level.raw[(r, k)];
                        if !v.is_nan() {
                            props.push((raw_keys[k].as_str(), ValueRef::Double(v)));
                        }
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
