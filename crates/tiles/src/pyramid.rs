//! Tile pyramids written as PMTiles v3 archives through the `pmtiles` crate.
//!
//! Tiles are built in batches: the tiles of a batch in parallel (rayon), then written to the
//! archive in tile-id order as the batch completes, so memory holds one batch of tiles, never
//! the whole pyramid. Ordering by tile id (the Hilbert order of PMTiles, zoom by zoom) keeps
//! the archive `clustered`, which readers and CDNs like.

use std::io::{Seek, SeekFrom, Write};

use ifn_core::offer::LevelOffer;
use ifn_core::LevelScores;
use pmtiles::{Compression, PmTilesWriter, TileCoord, TileType};
use rayon::prelude::*;

use crate::error::{TilesError, TilesResult};
use crate::level::LevelTiler;
use crate::tile::{tiles_covering, TileId, MAX_ZOOM};

/// Tiles built in parallel before they are written: enough to keep every core busy, few
/// enough that a batch of national tiles stays within tens of megabytes.
pub const DEFAULT_BATCH_TILES: usize = 512;

/// What the pyramid covers and how the archive is described.
#[derive(Debug, Clone, PartialEq)]
pub struct PyramidOptions {
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom, at most [`MAX_ZOOM`].
    pub max_zoom: u8,
    /// WGS84 bounds `[west, south, east, north]`: the tiles covering them are built.
    pub bounds: [f64; 4],
    /// JSON metadata of the archive (TileJSON-like: `name`, `vector_layers`, …).
    pub metadata: serde_json::Value,
    /// Tiles built in parallel before being written (see [`DEFAULT_BATCH_TILES`]).
    pub batch_tiles: usize,
}

impl Default for PyramidOptions {
    fn default() -> Self {
        PyramidOptions {
            min_zoom: 0,
            max_zoom: 10,
            bounds: [-180.0, -85.0, 180.0, 85.0],
            metadata: serde_json::json!({}),
            batch_tiles: DEFAULT_BATCH_TILES,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyramidStats {
    /// Tiles stored (empty tiles are left out).
    pub tiles: u64,
    /// Size of the archive in bytes.
    pub bytes: u64,
}

/// Writes the pyramid of one level (tiles of [`LevelTiler::tile`], layer `layer`) as a PMTiles
/// archive with gzipped MVT tiles. Tiles without any contour are left out. Geometry is built
/// without going through the tiler's cache, so a long export does not evict the server's tiles.
///
/// ```
/// use ifn_core::{demo, Catalogue, Engine, Level, Selection};
/// use ifn_tiles::pyramid::{write_level_pyramid, PyramidOptions};
/// use ifn_tiles::{LevelTiler, TileOptions};
/// let t = demo::generate();
/// let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
/// let codes = engine.codes(Level::Departement).unwrap();
/// let tiler = LevelTiler::new(&t.geometries[&Level::Departement], &codes, TileOptions::default());
/// let sel = Selection::builder("tout-age").build(&engine).unwrap();
/// let scores = engine.score(Level::Departement, &sel).unwrap();
/// let options = PyramidOptions { max_zoom: 4, bounds: t.meta.bbox, ..Default::default() };
/// let mut out = std::io::Cursor::new(Vec::new());
/// let stats = write_level_pyramid(&tiler, "departement", &scores, None, &options, &mut out).unwrap();
/// assert!(stats.tiles >= 5, "at least one tile per zoom");
/// assert_eq!(stats.bytes as usize, out.get_ref().len());
/// ```
pub fn write_level_pyramid<W: Write + Seek>(
    tiler: &LevelTiler,
    layer: &str,
    scores: &LevelScores,
    offer: Option<&LevelOffer>,
    options: &PyramidOptions,
    out: &mut W,
) -> TilesResult<PyramidStats> {
    write_pyramid(options, out, |tile| {
        let geometry = tiler.build_geometry(tile);
        tiler.encode(&geometry, layer, scores, offer)
    })
}

/// Writes a pyramid of MVT tiles given by `tile` (uncompressed MVT; an empty buffer for no
/// tile) as a PMTiles archive: every tile covering [`PyramidOptions::bounds`] at each zoom.
/// `tile` runs on rayon's threads.
pub fn write_pyramid<W, F>(
    options: &PyramidOptions,
    out: &mut W,
    tile: F,
) -> TilesResult<PyramidStats>
where
    W: Write + Seek,
    F: Fn(TileId) -> Vec<u8> + Sync,
{
    let b = options.bounds;
    write_tiles(
        options,
        out,
        |z| {
            let (xs, ys) = tiles_covering(b, z);
            let mut ids = Vec::new();
            for x in xs {
                for y in ys.clone() {
                    ids.push((TileId::new(z, x, y)?, ()));
                }
            }
            Ok(ids)
        },
        |t, ()| tile(t),
    )
}

/// Writes the pyramid of points given in world units (`[0, 1]²`, see
/// [`crate::tile::lonlat_to_world`]): only the tiles holding a point are built, each from the
/// indices of its points, in increasing order (`tile(t, &indices)`). A national layer of points
/// covers a few thousand tiles at zoom 12 where its bounding box covers a million.
pub fn write_point_pyramid<W, F>(
    options: &PyramidOptions,
    out: &mut W,
    world: &[(f64, f64)],
    tile: F,
) -> TilesResult<PyramidStats>
where
    W: Write + Seek,
    F: Fn(TileId, &[usize]) -> Vec<u8> + Sync,
{
    write_tiles(
        options,
        out,
        |z| {
            let side = f64::from(1u32 << z);
            let max = (1u32 << z) - 1;
            let cell = |v: f64| ((v * side).floor().max(0.0) as u32).min(max);
            let mut by_tile: std::collections::HashMap<TileId, Vec<usize>> =
                std::collections::HashMap::new();
            for (i, &(x, y)) in world.iter().enumerate() {
                if x.is_finite() && y.is_finite() {
                    by_tile
                        .entry(TileId::new(z, cell(x), cell(y))?)
                        .or_default()
                        .push(i);
                }
            }
            Ok(by_tile.into_iter().collect())
        },
        |t, indices: &Vec<usize>| tile(t, indices),
    )
}

/// Writes the tiles `tiles_of(z)` of each zoom (each with what its builder needs), built by
/// `tile` in parallel batches, in tile-id order.
fn write_tiles<W, T, L, F>(
    options: &PyramidOptions,
    out: &mut W,
    mut tiles_of: L,
    tile: F,
) -> TilesResult<PyramidStats>
where
    W: Write + Seek,
    T: Sync,
    L: FnMut(u8) -> TilesResult<Vec<(TileId, T)>>,
    F: Fn(TileId, &T) -> Vec<u8> + Sync,
{
    let (min_zoom, max_zoom) = (options.min_zoom, options.max_zoom);
    if max_zoom > MAX_ZOOM || min_zoom > max_zoom {
        return Err(TilesError::ZoomOutOfRange {
            z: max_zoom.max(min_zoom),
            max: MAX_ZOOM,
        });
    }
    let b = options.bounds;
    let metadata = options.metadata.to_string();
    // Tiles are gzipped here, in parallel, and stored as given.
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .min_zoom(min_zoom)
        .max_zoom(max_zoom)
        .bounds(b[0], b[1], b[2], b[3])
        .center((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
        .center_zoom(min_zoom)
        .metadata(metadata)
        .create(&mut *out)
        .map_err(|source| TilesError::Pmtiles {
            context: "starting the archive",
            source,
        })?;
    let batch = options.batch_tiles.max(1);
    let mut stored = 0u64;
    for z in min_zoom..=max_zoom {
        let mut ids = Vec::new();
        for (t, data) in tiles_of(z)? {
            let coord = TileCoord::new(t.z, t.x, t.y).map_err(|source| TilesError::Pmtiles {
                context: "addressing a tile",
                source,
            })?;
            ids.push((pmtiles::TileId::from(coord).value(), t, data));
        }
        ids.sort_unstable_by_key(|(id, _, _)| *id);
        for chunk in ids.chunks(batch) {
            let built: Vec<TilesResult<Vec<u8>>> = chunk
                .par_iter()
                .map(|(_, t, data)| {
                    let mvt = tile(*t, data);
                    if mvt.is_empty() {
                        Ok(mvt)
                    } else {
                        crate::gzip(&mvt)
                    }
                })
                .collect();
            for ((_, t, _), gz) in chunk.iter().zip(built) {
                let gz = gz?;
                if gz.is_empty() {
                    continue;
                }
                let coord =
                    TileCoord::new(t.z, t.x, t.y).map_err(|source| TilesError::Pmtiles {
                        context: "addressing a tile",
                        source,
                    })?;
                writer
                    .add_tile(coord, &gz)
                    .map_err(|source| TilesError::Pmtiles {
                        context: "writing a tile",
                        source,
                    })?;
                stored += 1;
            }
        }
        tracing::debug!(tile.z = z, tiles = stored, "zoom written");
    }
    writer.finalize().map_err(|source| TilesError::Pmtiles {
        context: "writing the directories",
        source,
    })?;
    let bytes = out.seek(SeekFrom::End(0)).map_err(TilesError::Io)?;
    Ok(PyramidStats {
        tiles: stored,
        bytes,
    })
}
