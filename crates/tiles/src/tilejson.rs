//! The `vector_layers` entries of TileJSON 3.0: one builder for the server's TileJSON documents
//! and the metadata of PMTiles archives, so both describe the same fields.

use ifn_core::offer::TerritoryOffer;
use ifn_core::Catalogue;
use serde_json::{json, Map, Value};

/// Fields of a level layer, as TileJSON `fields` (name → `"Type: description"`): `code`,
/// `name`, `population`, `score`, one class per selected indicator and, `with_offer`, the
/// mediation-offer figures ([`TerritoryOffer::FLAT_FIELD_NAMES`]).
///
/// ```
/// use ifn_core::Catalogue;
/// let keys = vec!["older_65_rate".to_string()];
/// let f = ifn_tiles::tilejson::level_fields(&keys, Catalogue::builtin(), false);
/// assert!(f["code"].as_str().unwrap().starts_with("String"));
/// assert!(f["older_65_rate"].as_str().unwrap().starts_with("Number"));
/// assert!(!f.contains_key("places_all"));
/// ```
pub fn level_fields(
    indicators: &[String],
    catalogue: &Catalogue,
    with_offer: bool,
) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert(
        "code".into(),
        json!("String: territory code (INSEE, or X… in the fictional demo)"),
    );
    f.insert("name".into(), json!("String: name"));
    f.insert("population".into(), json!("Number: population"));
    f.insert(
        "score".into(),
        json!("Number: IFN total score, 1 (low) to 10 (high) fragility; absent when no indicator has data"),
    );
    for key in indicators {
        let label = catalogue
            .indicator(key)
            .map(|d| d.label.as_str())
            .unwrap_or(key.as_str());
        f.insert(
            key.clone(),
            json!(format!("Number: class 1–10 of « {label} »")),
        );
    }
    if with_offer {
        for name in TerritoryOffer::FLAT_FIELD_NAMES {
            f.insert(
                name.into(),
                json!(format!(
                    "Number: mediation offer, {}",
                    name.replace('_', " ")
                )),
            );
        }
    }
    f
}

/// Fields of the label-points layer ([`crate::labels::LABEL_LAYER`]).
pub fn label_fields() -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("code".into(), json!("String"));
    f.insert("name".into(), json!("String"));
    f.insert("population".into(), json!("Number"));
    f
}

/// Fields of the places layer (points of the mediation offer).
pub fn places_fields() -> Map<String, Value> {
    let mut f = Map::new();
    for (k, v) in [
        ("id", "String"),
        ("name", "String"),
        ("kinds", "String: |-separated kinds"),
        ("services", "String: |-separated services"),
        ("publics", "String"),
        ("address", "String"),
        ("commune", "String: INSEE code"),
    ] {
        f.insert(k.into(), json!(v));
    }
    f
}

/// One `vector_layers` entry: `{"id", "description", "minzoom", "maxzoom", "fields"}`.
///
/// This is the builder both the server's TileJSON and the PMTiles metadata use.
///
/// ```
/// use ifn_core::Catalogue;
/// let fields = ifn_tiles::tilejson::level_fields(&[], Catalogue::builtin(), true);
/// let layer = ifn_tiles::tilejson::vector_layer("commune", "communes (demo)", 0, 10, fields);
/// assert_eq!(layer["id"], "commune");
/// assert_eq!(layer["maxzoom"], 10);
/// assert!(layer["fields"]["places_all"].is_string());
/// ```
pub fn vector_layer(
    id: &str,
    description: &str,
    minzoom: u8,
    maxzoom: u8,
    fields: Map<String, Value>,
) -> Value {
    json!({
        "id": id,
        "description": description,
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "fields": Value::Object(fields),
    })
}
