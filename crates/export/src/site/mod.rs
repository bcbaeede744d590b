//! The data of a static IFN site (`ifn site`): what a browser needs to score any selection
//! exactly as `ifn score` does, and the tile archives it draws, with no ifn process behind.
//!
//! Written into a folder (the caller makes it and puts it in place atomically):
//!
//! - `data/site.json`: the [`SiteManifest`] (indicators in column order, reference sets,
//!   levels with their territory counts and archives);
//! - `data/population.f64.gz`: the population of each base unit (little-endian `f64`);
//! - `data/classes-<reference>.u8.gz`: the class (1–10, 0 when missing) of each base unit for
//!   each indicator, column by column (indicator `j` is bytes `j·n .. (j+1)·n`);
//! - `data/of-unit-<level>.u32.gz`: for each base unit, the row of its territory at that level
//!   (`u32::MAX` when it has none), for every level above the base units;
//! - `data/raw-<indicator>.f64.gz`: the raw value of each base unit (NaN when missing);
//! - `data/territories-<level>.json.gz`: `{"codes": […], "names": […], "bbox": […]}` in row
//!   order — the row is the feature id in the tiles;
//! - `tiles/<level>.pmtiles`: the level's contours, each feature carrying every indicator's class
//!   and raw value ([`ifn_tiles::level::PublishedLevel`]); `tiles/labels-<level>.pmtiles`: the
//!   name points; `tiles/places.pmtiles`: the mediation places.
//!
//! Every `.gz` file is gzip: hosts serve it as bytes, the browser inflates it
//! (`DecompressionStream`), so the transfer is compressed on any host.

mod tables;
mod tiles;

use std::path::Path;

use ifn_core::{Engine, Level, Reference, Territory};
use serde::Serialize;

use crate::error::{ExportError, ExportResult};

pub use tables::write_tables;
pub use tiles::{write_tiles, LevelZooms};

/// Version of the site's data layout (bumped when a file changes meaning).
pub const SITE_FORMAT: u32 = 1;

/// `data/site.json`: the index of a site's data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SiteManifest {
    /// [`SITE_FORMAT`].
    pub format: u32,
    /// Name of the territory.
    pub name: String,
    /// Number of base units.
    pub units: usize,
    /// Indicator keys, in the column order of the class tables.
    pub indicators: Vec<String>,
    /// Reference sets with a class table.
    pub references: Vec<String>,
    /// Levels, from the base units up.
    pub levels: Vec<SiteLevel>,
    /// `[west, south, east, north]` of the territory.
    pub bbox: [f64; 4],
    /// Whether the site has a places archive.
    pub places: bool,
}

/// One level of a site.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SiteLevel {
    /// `iris`, `commune`, …
    pub level: String,
    /// Number of territories.
    pub count: usize,
    /// Archive of the contours (relative to the site's root), when the level has contours.
    pub tiles: Option<String>,
    /// Archive of the name points.
    pub labels: Option<String>,
    /// Highest zoom of the archives.
    pub max_zoom: u8,
}

/// The levels the engine can score, base units first.
pub fn site_levels(engine: &Engine) -> Vec<Level> {
    Level::ALL
        .iter()
        .copied()
        .filter(|&l| engine.has_level(l))
        .collect()
}

/// The reference sets the dataset can rank within.
pub fn site_references(engine: &Engine) -> Vec<Reference> {
    Reference::ALL
        .iter()
        .copied()
        .filter(|&r| engine.classes(r).is_ok())
        .collect()
}

/// Writes `data/site.json`.
pub fn write_manifest(manifest: &SiteManifest, dir: &Path) -> ExportResult<()> {
    let path = dir.join("data").join("site.json");
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| ExportError::Write(e.into()))?;
    std::fs::write(&path, text).map_err(|source| ExportError::Io { path, source })
}

/// The manifest of a site of `territory`; `zooms` gives each level's highest zoom.
pub fn manifest(
    territory: &Territory,
    engine: &Engine,
    zooms: &LevelZooms,
) -> ExportResult<SiteManifest> {
    let mut levels = Vec::new();
    for level in site_levels(engine) {
        let count = engine.codes(level).map_err(core_error)?.len();
        let tiled = territory
            .geometries
            .get(&level)
            .is_some_and(|g| !g.is_empty());
        levels.push(SiteLevel {
            level: level.as_str().to_string(),
            count,
            tiles: tiled.then(|| format!("tiles/{level}.pmtiles")),
            labels: tiled.then(|| format!("tiles/labels-{level}.pmtiles")),
            max_zoom: zooms.of(level),
        });
    }
    Ok(SiteManifest {
        format: SITE_FORMAT,
        name: territory.meta.name.clone(),
        units: territory.dataset.units().len(),
        indicators: territory.dataset.indicators().to_vec(),
        references: site_references(engine)
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        levels,
        bbox: territory.meta.bbox,
        places: !territory.places.is_empty(),
    })
}

/// A scoring error while publishing (a level the engine cannot produce).
fn core_error(e: ifn_core::CoreError) -> ExportError {
    ExportError::Unsupported(format!("site : {e}"))
}
