//! PMTiles export: the tile pyramid of a level, built by `ifn-tiles` (the server's tiler, so a
//! stored tile is the tile `ifn serve` gives for the same address and selection).

use std::io::{Seek, Write};

use ifn_tiles::pyramid::{write_level_pyramid, PyramidOptions, PyramidStats};
use ifn_tiles::tilejson::{level_fields, vector_layer};
use ifn_tiles::{LevelTiler, TileOptions};

use crate::error::{ExportError, ExportResult};
use crate::{ExportInput, ExportOptions};

/// Writes the pyramid z 0..=[`ExportOptions::pmtiles_max_zoom`] over the territory's bounding
/// box; tiles without any contour are left out.
pub(crate) fn write<W: Write + Seek>(
    input: &ExportInput<'_>,
    options: &ExportOptions,
    out: &mut W,
) -> ExportResult<PyramidStats> {
    let level = input.scores.level;
    let max_zoom = options.pmtiles_max_zoom;
    if max_zoom > ifn_tiles::MAX_ZOOM {
        return Err(ExportError::MaxZoom {
            max_zoom,
            limit: ifn_tiles::MAX_ZOOM,
        });
    }
    // Fails with a clear message when the level has no contours.
    input.rows()?;
    let features = input
        .territory
        .geometries
        .get(&level)
        .map_or(&[][..], Vec::as_slice);
    let codes: Vec<&str> = input.scores.codes.iter().map(String::as_str).collect();
    let tiler = LevelTiler::new(
        features,
        &codes,
        TileOptions {
            // The pyramid builds each tile once, outside the cache.
            geometry_cache_bytes: 0,
            ..TileOptions::default()
        },
    );
    let layer = level.as_str();
    let prov = input.provenance();
    let fields = level_fields(
        &input.scores.indicators,
        input.catalogue,
        input.offer.is_some(),
    );
    let description = format!("{layer} ({})", input.territory.meta.name);
    let metadata = serde_json::json!({
        "name": prov.title,
        "description": prov.description,
        "attribution": input.territory.meta.licence,
        "type": "overlay",
        "format": "pbf",
        "minzoom": 0,
        "maxzoom": max_zoom,
        "vector_layers": [vector_layer(layer, &description, 0, max_zoom, fields)],
        "ifn": prov.json,
    });
    let pyramid = PyramidOptions {
        min_zoom: 0,
        max_zoom,
        bounds: input.territory.meta.bbox,
        metadata,
        ..PyramidOptions::default()
    };
    Ok(write_level_pyramid(
        &tiler,
        layer,
        input.scores,
        input.offer,
        &pyramid,
        out,
    )?)
}
