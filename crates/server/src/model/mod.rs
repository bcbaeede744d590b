//! The JSON answers of the API as types: handlers build these, serde writes them, and utoipa
//! derives the OpenAPI schemas from the same definitions (`/api/openapi.json`).
//!
//! Numbers that cannot be computed (no data) are `null`: fields are `Option<f64>` built with
//! [`finite`].

use std::collections::BTreeMap;

use ifn_core::{Axis, Level, PlaceKind, ProfileDef, Reference, SourceInfo};
use serde::Serialize;
use utoipa::ToSchema;

mod analyse;
mod evolution;
mod table;

pub use analyse::*;
pub use evolution::*;
pub use table::*;

/// `Some(v)` for a finite number, `None` (JSON `null`) otherwise.
pub fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
    /// Name of the store.
    pub store: String,
    /// Whether the store is the fictional demo territory.
    pub fictional: bool,
    /// Number of base units (IRIS, or communes where a store has no IRIS).
    pub units: usize,
}

/// `GET /api/meta`: the store and the rules the viewer applies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Meta {
    /// Name of the store.
    pub name: String,
    /// Description of the store.
    pub description: String,
    /// Whether the store is the fictional demo territory.
    pub fictional: bool,
    /// Licence of the data.
    pub licence: String,
    /// Sources of the data with their producer and vintage.
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<SourceInfo>,
    /// `[west, south, east, north]`, WGS84 degrees.
    #[schema(value_type = Vec<f64>)]
    pub bbox: [f64; 4],
    /// Levels with contours (tiles can be served), coarse → fine.
    #[schema(value_type = Vec<String>)]
    pub levels: Vec<Level>,
    /// Highest zoom at which the places tiles merge nearby places into clusters; from the
    /// next zoom on, every place is drawn on its own.
    pub places_cluster_max_zoom: u8,
    /// The domain rules the viewer applies, as `ifn_core::rules()` defines them: score
    /// rounding, colour and text colour of each class, missing-value tokens, offer defaults and
    /// bounds, place kinds and offer groups with their French labels.
    #[schema(value_type = Object)]
    pub rules: ifn_core::DomainRules,
    /// Lowest score of each class 2..10 under `ifn_core::rules::score_class` (class 1 takes
    /// everything below): what a map style needs to colour scores without reimplementing
    /// the rule.
    pub class_starts: Vec<f64>,
}

/// The lowest score of each class 2..=10 under [`ifn_core::rules::score_class`], found by
/// bisection of the rule itself (so that it cannot drift from it).
///
/// ```
/// let starts = ifn_server::model::class_starts();
/// assert_eq!(starts.len(), 9);
/// for (i, s) in starts.iter().enumerate() {
///     let k = i as u8 + 2;
///     assert_eq!(ifn_core::rules::score_class(*s), Some(k));
///     assert!(ifn_core::rules::score_class(s - 1e-9).unwrap() < k);
/// }
/// ```
pub fn class_starts() -> Vec<f64> {
    use ifn_core::rules::score_class;
    (2..=10u8)
        .map(|k| {
            let at_least = |s: f64| score_class(s).is_some_and(|c| c >= k);
            // score_class is monotone: below k - 1 the class is < k, at k it is ≥ k.
            let (mut lo, mut hi) = (f64::from(k) - 1.0, f64::from(k));
            for _ in 0..64 {
                let mid = (lo + hi) / 2.0;
                if at_least(mid) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        })
        .collect()
}

/// One indicator of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueIndicator {
    /// Key (`no_thd_coverage_rate`, …).
    pub key: String,
    /// French label.
    pub label: String,
    /// Definition.
    pub definition: String,
    /// Unit (`%`, `km`, …).
    pub unit: String,
    /// Producer of the data.
    pub producer: String,
    /// Source dataset.
    pub source: String,
    /// Vintage of the data.
    pub vintage: String,
    /// Whether a higher value means more fragility.
    pub higher_is_fragile: bool,
}

/// `GET /api/catalogue`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueAnswer {
    /// Version of the catalogue.
    pub version: String,
    /// Profiles with their indicators per axis.
    #[schema(value_type = Vec<Object>)]
    pub profiles: Vec<ProfileDef>,
    /// Indicators, in catalogue order.
    pub indicators: Vec<CatalogueIndicator>,
    /// Keys of the indicators that have data in this store.
    pub available: Vec<String>,
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// Level.
    #[schema(value_type = String)]
    pub level: Level,
    /// Territory code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Name of its département (empty for départements and régions).
    pub parent: String,
    /// Population.
    pub population: Option<f64>,
    /// `[west, south, east, north]` of its contour, when the level has contours.
    #[schema(value_type = Option<Vec<f64>>)]
    pub bbox: Option<[f64; 4]>,
}

/// `GET /api/search`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Best first: exact code, then prefix, then substring; then population.
    pub results: Vec<SearchResult>,
}

/// A territory containing another.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentRef {
    /// Level.
    #[schema(value_type = String)]
    pub level: Level,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The selection a detail was computed with.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionEcho {
    /// Profile.
    pub profile: String,
    /// Selected indicators.
    pub indicators: Vec<String>,
    /// Weight of each selected indicator.
    pub weights: BTreeMap<String, f64>,
    /// Reference set of the classes.
    #[schema(value_type = String)]
    pub reference: Reference,
}

impl From<&ifn_core::Selection> for SelectionEcho {
    fn from(sel: &ifn_core::Selection) -> SelectionEcho {
        SelectionEcho {
            profile: sel.profile.clone(),
            indicators: sel.indicators.clone(),
            weights: sel
                .indicators
                .iter()
                .cloned()
                .zip(sel.weights.iter().copied())
                .collect(),
            reference: sel.reference,
        }
    }
}

/// One indicator of a territory (every indicator of the profile with data, selected or not).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDetail {
    /// Key.
    pub key: String,
    /// French label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Axis of the profile it belongs to.
    #[schema(value_type = Option<String>)]
    pub axis: Option<Axis>,
    /// Whether it is in the selection.
    pub selected: bool,
    /// Its weight when selected.
    pub weight: Option<f64>,
    /// Raw value (other levels: population-weighted mean of the base units).
    pub raw: Option<f64>,
    /// Class 1–10 (other levels: population-weighted mean).
    pub class: Option<f64>,
    /// Points of the total it brings when selected: weight × class / sum of the weights of the
    /// selected indicators present (they add up to the total). The viewer orders by it.
    pub contribution: Option<f64>,
    /// Whether a higher raw value means more fragility (else classes are counted from the top).
    pub higher_is_fragile: bool,
    /// The same indicator for the territory's département (`null` for a département or a
    /// région: not compared with itself).
    pub departement: Option<ValueAt>,
    /// The same indicator over all of France (population-weighted mean of the base units).
    pub france: Option<ValueAt>,
    /// Definition.
    pub definition: String,
    /// Source dataset.
    pub source: String,
    /// Producer.
    pub producer: String,
    /// Vintage.
    pub vintage: String,
    /// Whether the value is (wholly or partly) estimated under statistical secrecy: not
    /// published for the unit, taken from an enclosing territory (`ifn build --secret
    /// estimate`).
    pub estimated: bool,
    /// How much is estimated and from where (`null` when nothing is).
    pub estimate: Option<EstimateDetail>,
}

/// Statistical secrecy: how much of a territory's indicator value is estimated.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateDetail {
    /// Share (0–1) of the territory's population living in base units whose value was
    /// estimated.
    pub population_share: f64,
    /// Number of base units whose value was estimated.
    pub units: usize,
    /// Number of base units of the territory.
    pub units_total: usize,
    /// The enclosing territory the value was taken from, when there is one (a base unit, or
    /// every estimated unit of the territory takes it from the same territory).
    pub from: Option<ParentRef>,
}

/// An indicator's raw value and class for a territory it is compared with.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ValueAt {
    /// Raw value (population-weighted mean of the base units).
    pub raw: Option<f64>,
    /// Class (population-weighted mean of the base units' classes).
    pub class: Option<f64>,
}

/// `GET /api/territories/{level}/{code}`: one territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryDetail {
    /// Level.
    #[schema(value_type = String)]
    pub level: Level,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Population.
    pub population: Option<f64>,
    /// `[west, south, east, north]` of its contour, when the level has contours.
    #[schema(value_type = Option<Vec<f64>>)]
    pub bbox: Option<[f64; 4]>,
    /// Containing territories, coarse → fine.
    pub parents: Vec<ParentRef>,
    /// Total score, full precision; `null` when no indicator has data.
    pub total: Option<f64>,
    /// Total score rounded for display (one decimal).
    pub total_display: Option<String>,
    /// Selected indicators with a value.
    pub indicators_used: u8,
    /// Selected indicators (the score is computed on `indicators_used` of them).
    pub indicators_selected: usize,
    /// The selection used.
    pub selection: SelectionEcho,
    /// Every indicator of the profile with data.
    pub indicators: Vec<IndicatorDetail>,
    /// Mediation offer figures (places by kind and per 10,000, fragile population, distances,
    /// zones blanches) and the `options` used; `null` when not computed.
    #[schema(value_type = Option<Object>)]
    pub offer: Option<serde_json::Value>,
}

/// `GET /api/compare`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// One detail per code asked, in the order asked.
    pub territories: Vec<TerritoryDetail>,
}

/// A GeoJSON point.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointGeometry {
    /// `Point`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `[lon, lat]`, WGS84.
    #[schema(value_type = Vec<f64>)]
    pub coordinates: [f64; 2],
}

/// What is known of a mediation place.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceProperties {
    /// Identifier (the source's).
    pub id: String,
    /// Name.
    pub name: String,
    /// Kinds and national labels.
    #[schema(value_type = Vec<String>)]
    pub kinds: Vec<PlaceKind>,
    /// Services offered.
    pub services: Vec<String>,
    /// Publics specifically addressed.
    pub publics: Vec<String>,
    /// Postal address.
    pub address: String,
    /// INSEE code of the commune.
    pub commune: String,
    /// Source dataset(s).
    pub source: String,
}

/// A mediation place as a GeoJSON feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The place's position.
    pub geometry: PointGeometry,
    /// The place.
    pub properties: PlaceProperties,
}

/// `GET /api/places`: a GeoJSON FeatureCollection.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The places.
    pub features: Vec<PlaceFeature>,
}

/// A place kind and how many places have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    /// Key (`france_services`, …).
    pub key: &'static str,
    /// French label.
    pub label: &'static str,
    /// Places of that kind.
    pub count: usize,
}

/// A value of a facet and how many places have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueCount {
    /// The value as written in the data.
    pub value: String,
    /// Places with it.
    pub count: usize,
}

/// `GET /api/places/facets`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceFacets {
    /// Number of places.
    pub total: usize,
    /// Kinds, most frequent first.
    pub kinds: Vec<KindCount>,
    /// Services, most frequent first.
    pub services: Vec<ValueCount>,
    /// Publics, most frequent first.
    pub publics: Vec<ValueCount>,
}

/// `GET /tiles/{layer}.json`: TileJSON 3.0.0.
#[derive(Debug, Serialize, ToSchema)]
pub struct TileJson {
    /// `3.0.0`.
    pub tilejson: &'static str,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Attribution of the data.
    pub attribution: String,
    /// `xyz`.
    pub scheme: &'static str,
    /// The tile URL template, carrying the selection.
    pub tiles: Vec<String>,
    /// Lowest zoom.
    pub minzoom: u8,
    /// Highest zoom.
    pub maxzoom: u8,
    /// `[west, south, east, north]`, WGS84 degrees.
    #[schema(value_type = Vec<f64>)]
    pub bounds: [f64; 4],
    /// `[lon, lat, zoom]`.
    #[schema(value_type = Vec<f64>)]
    pub center: [f64; 3],
    /// The one layer of the tiles: `{"id", "description", "minzoom", "maxzoom", "fields"}`,
    /// built by `ifn_tiles::tilejson` as in the PMTiles archives.
    #[schema(value_type = Vec<Object>)]
    pub vector_layers: Vec<serde_json::Value>,
}
