//! What a store holds besides its tables: `store.json` and the columns of `places.fgb`.

use flatgeobuf::FgbCrs;
use ifn_core::{Level, TerritoryMeta};
use serde::{Deserialize, Serialize};

/// Version of the store layout written by this crate.
pub const STORE_FORMAT_VERSION: u32 = 1;

/// `store.json`.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoreJson {
    /// Always `ifn-store`.
    pub format: String,
    /// [`STORE_FORMAT_VERSION`] when written.
    pub version: u32,
    /// Name, description, sources.
    pub meta: TerritoryMeta,
    /// Indicator columns of `units.parquet`, in order.
    pub indicators: Vec<String>,
    /// Levels with a `geometry/<level>.fgb`.
    pub levels_with_geometry: Vec<Level>,
    /// Number of base units.
    pub units: usize,
    /// Number of places.
    pub places: usize,
}

/// String columns of `places.fgb`; lists are joined with `|`.
pub(super) const PLACE_COLUMNS: [&str; 8] = [
    "id", "name", "commune", "address", "kinds", "services", "publics", "source",
];

/// The CRS of every FlatGeobuf of a store.
pub(super) fn wgs84() -> FgbCrs<'static> {
    FgbCrs {
        org: Some("EPSG"),
        code: 4326,
        ..Default::default()
    }
}

/// File of the values estimated under statistical secrecy (absent when none is).
pub const ESTIMATES_FILE: &str = "estimated.parquet";
