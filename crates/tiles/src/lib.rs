//! # ifn-tiles — tile math, clipping and simplification per zoom, MVT encoding
//!
//! Contours of a level are projected to Web Mercator once ([`LevelTiler::new`]). A tile's
//! geometry is clipped to the tile plus a buffer, simplified in pixel space (Douglas–Peucker,
//! a quarter pixel), rounded to the 4096 grid, oriented as MVT 2.1 requires and encoded as
//! geometry commands; that result is cached per tile ([`LevelTiler::geometry`]). Scores are
//! attached per request ([`LevelTiler::encode`]): a new weight set never re-clips.
//!
//! Whole pyramids are written as PMTiles archives through the `pmtiles` crate
//! ([`pyramid::write_level_pyramid`]: rayon-parallel per batch of tiles, written in tile-id
//! order, never the whole pyramid in memory) and read back with [`PmtilesReader`]. The
//! `vector_layers` of TileJSON documents and PMTiles metadata come from one builder,
//! [`tilejson::vector_layer`] with [`tilejson::level_fields`].
//!
//! Modules follow the data: [`level`] (contours of a level: clipping, then encoding within the
//! size budget), [`places`] (mediation places) and [`cluster`] (places merged at low zoom).
//! With the `decode` feature, [`mvt`] also decodes tiles through an independent crate, for
//! tests.
//!
//! The crate has no web dependency; the server and the exporters share it.
//!
//! ```
//! use ifn_core::{demo, Catalogue, Engine, Level, Selection};
//! use ifn_tiles::{mvt::decode::decode_tile, LevelTiler, TileId, TileOptions};
//!
//! let territory = demo::generate();
//! let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
//! let codes = engine.codes(Level::Commune).unwrap();
//! let tiler = LevelTiler::new(&territory.geometries[&Level::Commune], &codes, TileOptions::default());
//! let selection = Selection::builder("senior").build(&engine).unwrap();
//! let scores = engine.score(Level::Commune, &selection).unwrap();
//! let bytes = tiler.tile(TileId::new(5, 15, 11).unwrap(), "commune", &scores, None);
//! let tile = decode_tile(&bytes).unwrap();
//! assert!(tile.layer("commune").is_some_and(|l| !l.features.is_empty()));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clip;
pub mod cluster;
pub mod error;
pub mod labels;
pub mod level;
pub mod mvt;
pub mod places;
pub mod pmtiles;
pub mod pyramid;
pub mod tile;
pub mod tilejson;

use std::io::Write;

pub use error::{TilesError, TilesResult};
pub use labels::LabelTiler;
pub use level::{LevelTiler, TileFeature, TileGeometry, TileOptions, TILE_BUDGET_BYTES};
pub use places::PlacesTiler;
pub use pmtiles::PmtilesReader;
pub use pyramid::{write_level_pyramid, PyramidOptions, PyramidStats};
pub use tile::{TileId, MAX_ZOOM};

/// Gzips a buffer (tiles are served and stored gzipped, as MapLibre and MBTiles expect).
///
/// ```
/// let z = ifn_tiles::gzip(b"hello").unwrap();
/// assert_eq!(&z[..2], &[0x1f, 0x8b]);
/// ```
pub fn gzip(bytes: &[u8]) -> TilesResult<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        flate2::Compression::fast(),
    );
    enc.write_all(bytes).map_err(TilesError::Gzip)?;
    enc.finish().map_err(TilesError::Gzip)
}
