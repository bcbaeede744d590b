//! The tile archives of a static site: one PMTiles per level (contours with every indicator),
//! one per level of name points, one of the mediation places.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use ifn_core::{Catalogue, Engine, Level, Reference, Territory};
use ifn_tiles::labels::{LabelTiler, LABEL_LAYER};
use ifn_tiles::level::{PublishedLevel, RAW_SUFFIX};
use ifn_tiles::pyramid::{write_point_pyramid, write_pyramid, PyramidOptions, PyramidStats};
use ifn_tiles::tilejson::{label_fields, places_fields, vector_layer};
use ifn_tiles::{LevelTiler, PlacesTiler, TileOptions};
use serde_json::{json, Map, Value};

use super::core_error;
use crate::error::{ExportError, ExportResult};

/// Highest zoom of each level's archives: deep enough for each level's smallest territories
/// (the map over-zooms beyond), no deeper, since each zoom quadruples the tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelZooms {
    /// IRIS (base units).
    pub iris: u8,
    /// Communes.
    pub commune: u8,
    /// EPCI.
    pub epci: u8,
    /// Départements and régions.
    pub departement: u8,
    /// Name points and places.
    pub points: u8,
}

impl Default for LevelZooms {
    fn default() -> Self {
        LevelZooms {
            iris: 12,
            commune: 10,
            epci: 9,
            departement: 8,
            points: 12,
        }
    }
}

impl LevelZooms {
    /// The highest zoom of a level's contours.
    pub fn of(&self, level: Level) -> u8 {
        match level {
            Level::Iris => self.iris,
            Level::Commune => self.commune,
            Level::Epci => self.epci,
            Level::Departement | Level::Region => self.departement,
        }
    }
}

/// Writes every archive of the site into `dir/tiles`; returns each archive with its stats.
/// `labels`: the name points of each level ([`ifn_tiles::labels::level_labels`]; a server has
/// them already).
pub fn write_tiles(
    territory: &Territory,
    engine: &Engine,
    labels: &BTreeMap<Level, LabelTiler>,
    zooms: &LevelZooms,
    dir: &Path,
) -> ExportResult<Vec<(PathBuf, PyramidStats)>> {
    let tiles = dir.join("tiles");
    std::fs::create_dir_all(&tiles).map_err(|source| ExportError::Io {
        path: tiles.clone(),
        source,
    })?;
    let bbox = territory.meta.bbox;
    let mut written = Vec::new();
    let indicators = engine.dataset().indicators().to_vec();
    for (&level, features) in &territory.geometries {
        if features.is_empty() || !engine.has_level(level) {
            continue;
        }
        let codes = engine.codes(level).map_err(core_error)?;
        // The classes of the tiles are those of the default reference set; the browser scores
        // from the tables, whichever reference set is asked.
        let (classes, raw) = engine
            .level_columns(level, Reference::France)
            .map_err(core_error)?;
        let scores_names: Vec<String> = codes
            .iter()
            .map(|c| engine.dataset().name_of(level, c))
            .collect();
        let population = level_population(engine, level, &codes);
        let published = PublishedLevel {
            names: &scores_names,
            population: &population,
            indicators: &indicators,
            classes: &classes,
            raw: &raw,
        };
        let tiler = LevelTiler::new(
            features,
            &codes,
            TileOptions {
                geometry_cache_bytes: 0,
                ..TileOptions::default()
            },
        );
        let layer = level.as_str();
        let max_zoom = zooms.of(level);
        let metadata = archive_metadata(
            territory,
            layer,
            max_zoom,
            published_fields(&indicators, engine.catalogue()),
        );
        let path = tiles.join(format!("{level}.pmtiles"));
        let stats = write_archive(&path, bbox, max_zoom, metadata, |t| {
            let geometry = tiler.build_geometry(t);
            tiler.encode_published(&geometry, layer, &published)
        })?;
        written.push((path, stats));
    }
    for (level, labels) in labels {
        let path = tiles.join(format!("labels-{level}.pmtiles"));
        let metadata = archive_metadata(territory, LABEL_LAYER, zooms.points, label_fields());
        let world = labels.world();
        let stats = write_points(&path, bbox, zooms.points, metadata, &world, |t, i| {
            labels.tile_of(t, i.iter().copied())
        })?;
        written.push((path, stats));
    }
    if !territory.places.is_empty() {
        let places = PlacesTiler::new(&territory.places);
        let path = tiles.join("places.pmtiles");
        let metadata = archive_metadata(territory, "places", zooms.points, places_fields());
        let stats = write_points(
            &path,
            bbox,
            zooms.points,
            metadata,
            places.world(),
            |t, i| places.tile_of(t, i.iter().copied(), None),
        )?;
        written.push((path, stats));
    }
    Ok(written)
}

/// Population of each territory of a level (sum of its base units), in `codes` order.
fn level_population(engine: &Engine, level: Level, codes: &[&str]) -> Vec<f64> {
    let row: std::collections::HashMap<&str, usize> =
        codes.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut population = vec![0.0; codes.len()];
    for u in engine.dataset().units() {
        if let Some(&r) = row.get(u.code_at(level)) {
            population[r] += u.population;
        }
    }
    population
}

/// TileJSON fields of a published level layer.
fn published_fields(indicators: &[String], catalogue: &Catalogue) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("code".into(), json!("String: territory code"));
    f.insert("name".into(), json!("String: name"));
    f.insert("population".into(), json!("Number: population"));
    for key in indicators {
        let label = catalogue
            .indicator(key)
            .map_or(key.as_str(), |d| d.label.as_str());
        f.insert(
            key.clone(),
            json!(format!(
                "Number: class 1–10 of « {label} » (reference France)"
            )),
        );
        f.insert(
            format!("{key}{RAW_SUFFIX}"),
            json!(format!("Number: raw value of « {label} »")),
        );
    }
    f
}

fn archive_metadata(
    territory: &Territory,
    layer: &str,
    max_zoom: u8,
    fields: Map<String, Value>,
) -> Value {
    let description = format!("{layer} ({})", territory.meta.name);
    json!({
        "name": format!("IFN — {}", territory.meta.name),
        "description": description,
        "attribution": territory.meta.licence,
        "type": "overlay",
        "format": "pbf",
        "minzoom": 0,
        "maxzoom": max_zoom,
        "vector_layers": [vector_layer(layer, &description, 0, max_zoom, fields)],
    })
}

/// Writes one archive of points, z 0..=`max_zoom`: only the tiles holding a point.
fn write_points(
    path: &Path,
    bbox: [f64; 4],
    max_zoom: u8,
    metadata: Value,
    world: &[(f64, f64)],
    tile: impl Fn(ifn_tiles::TileId, &[usize]) -> Vec<u8> + Sync,
) -> ExportResult<PyramidStats> {
    with_archive(path, bbox, max_zoom, metadata, |options, out| {
        write_point_pyramid(options, out, world, tile)
    })
}

/// Writes one archive, z 0..=`max_zoom` over `bbox`.
fn write_archive(
    path: &Path,
    bbox: [f64; 4],
    max_zoom: u8,
    metadata: Value,
    tile: impl Fn(ifn_tiles::TileId) -> Vec<u8> + Sync,
) -> ExportResult<PyramidStats> {
    with_archive(path, bbox, max_zoom, metadata, |options, out| {
        write_pyramid(options, out, tile)
    })
}

/// Creates `path` and runs `write` on it with the pyramid options of z 0..=`max_zoom`.
fn with_archive(
    path: &Path,
    bbox: [f64; 4],
    max_zoom: u8,
    metadata: Value,
    write: impl FnOnce(&PyramidOptions, &mut BufWriter<File>) -> ifn_tiles::TilesResult<PyramidStats>,
) -> ExportResult<PyramidStats> {
    let file = File::create(path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = BufWriter::new(file);
    let options = PyramidOptions {
        min_zoom: 0,
        max_zoom,
        bounds: bbox,
        metadata,
        ..PyramidOptions::default()
    };
    Ok(write(&options, &mut out)?)
}
