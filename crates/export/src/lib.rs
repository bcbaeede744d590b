//! # ifn-export — scores with contours for GIS
//!
//! Writes the scores of one level, joined to the level's contours, as
//!
//! - **FlatGeobuf** ([`ExportFormat::Fgb`]) with a packed Hilbert R-tree, so QGIS and web clients
//!   read a bounding box over HTTP range requests;
//! - **GeoPackage** ([`ExportFormat::Gpkg`], through GDAL);
//! - **GeoJSON** ([`ExportFormat::GeoJson`], RFC 7946: WGS84, exterior rings counter-clockwise,
//!   coordinates to 6 decimals; provenance in an `"ifn"` foreign member);
//! - **CSV** ([`ExportFormat::Csv`], no geometry; an Excel variant with a BOM, `;` and decimal
//!   commas);
//! - **PMTiles** ([`ExportFormat::Pmtiles`]): the level's vector-tile pyramid, built by
//!   `ifn-tiles` (the tiles `ifn serve` gives) and written through the `pmtiles` crate.
//!
//! Every format has the same columns (see [`columns`]): `code`, `name`, `population` (integer),
//! `total` (double, full precision), `indicators_used`, then `<key>_class` and `<key>_raw` for
//! each selected indicator, then `<key>_estimee` for each selected indicator with values
//! estimated under statistical secrecy (share 0–1 of the population whose value was estimated,
//! see [`estimated_shares`]). Missing values are nulls (empty cells in CSV). Each file says which
//! profile, indicators, weights, reference set, data vintages and licence produced it
//! ([`Provenance`]).
//!
//! Files are written to a temporary file beside the target and renamed into place, so a failed
//! export leaves nothing half-written, and an existing file is only replaced with `force`.
//!
//! ```
//! use ifn_core::{Catalogue, Engine, Level, Selection};
//! use ifn_export::{to_bytes, ExportFormat, ExportInput, ExportOptions};
//!
//! let territory = ifn_core::demo::generate();
//! let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
//! let selection = Selection::builder("tout-age").build(&engine).unwrap();
//! let scores = engine.score(Level::Departement, &selection).unwrap();
//! let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
//! let csv = to_bytes(ExportFormat::Csv, &input, &ExportOptions::default()).unwrap();
//! assert!(csv.starts_with(b"code,name,population,total,indicators_used,"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod atomic;
mod csv_out;
mod error;
mod estimated;
mod fgb;
mod geojson_out;
mod gpkg;
mod input;
mod places;
mod pmtiles_out;
pub mod site;

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

pub use atomic::write_atomic;
pub use error::{ExportError, ExportResult};
pub use estimated::{estimated_shares, EstimatedShares};
pub use input::{columns, Cell, Column, ColumnKind, ExportInput, Provenance, Rows};
pub use places::{places_to_bytes, PLACE_COLUMNS};

/// A file format ifn exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// FlatGeobuf with a spatial index (`.fgb`).
    Fgb,
    /// OGC GeoPackage (`.gpkg`).
    Gpkg,
    /// RFC 7946 GeoJSON (`.geojson`).
    GeoJson,
    /// CSV without geometry (`.csv`).
    Csv,
    /// PMTiles v3 archive of the level's vector tiles (`.pmtiles`), zoom 0 to
    /// [`ExportOptions::pmtiles_max_zoom`].
    Pmtiles,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Fgb,
        ExportFormat::Gpkg,
        ExportFormat::GeoJson,
        ExportFormat::Csv,
        ExportFormat::Pmtiles,
    ];

    /// The file extension (without the dot), also the name used on the command line.
    ///
    /// ```
    /// assert_eq!(ifn_export::ExportFormat::GeoJson.extension(), "geojson");
    /// ```
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Fgb => "fgb",
            ExportFormat::Gpkg => "gpkg",
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Csv => "csv",
            ExportFormat::Pmtiles => "pmtiles",
        }
    }

    /// The media type to serve the format with over HTTP.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Fgb => "application/vnd.flatgeobuf",
            ExportFormat::Gpkg => "application/geopackage+sqlite3",
            ExportFormat::GeoJson => "application/geo+json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Pmtiles => "application/vnd.pmtiles",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ExportFormat {
    type Err = ExportError;

    /// Parses a format name or file extension, with or without a leading dot.
    ///
    /// ```
    /// use ifn_export::ExportFormat;
    /// assert_eq!("FGB".parse::<ExportFormat>().unwrap(), ExportFormat::Fgb);
    /// assert_eq!(".json".parse::<ExportFormat>().unwrap(), ExportFormat::GeoJson);
    /// assert!("shp".parse::<ExportFormat>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('.').to_ascii_lowercase();
        match t.as_str() {
            "fgb" | "flatgeobuf" => Ok(ExportFormat::Fgb),
            "gpkg" | "geopackage" => Ok(ExportFormat::Gpkg),
            "geojson" | "json" => Ok(ExportFormat::GeoJson),
            "csv" => Ok(ExportFormat::Csv),
            "pmtiles" => Ok(ExportFormat::Pmtiles),
            _ => Err(ExportError::UnknownFormat(s.to_string())),
        }
    }
}

/// Writer settings shared by the formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// CSV for Excel in French: a UTF-8 byte-order mark, `;` separator, decimal commas.
    pub excel: bool,
    /// Decimals of GeoJSON coordinates (RFC 7946 recommends 6: about 10 cm).
    pub geojson_decimals: u8,
    /// Highest zoom of a PMTiles pyramid (at most [`ifn_tiles::MAX_ZOOM`]).
    pub pmtiles_max_zoom: u8,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            excel: false,
            geojson_decimals: 6,
            pmtiles_max_zoom: 10,
        }
    }
}

/// Writes an export to a stream. GeoPackage (a SQLite file) and PMTiles (whose header is
/// written last) cannot be streamed: use [`write_file`] or [`to_bytes`] for them.
pub fn write_to(
    format: ExportFormat,
    input: &ExportInput<'_>,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> ExportResult<()> {
    match format {
        ExportFormat::Fgb => fgb::write(input, out),
        ExportFormat::GeoJson => geojson_out::write(input, options, out),
        ExportFormat::Csv => csv_out::write(input, options, out),
        ExportFormat::Gpkg => Err(ExportError::Unsupported(
            "a GeoPackage cannot be streamed: write it to a file".into(),
        )),
        ExportFormat::Pmtiles => Err(ExportError::Unsupported(
            "a PMTiles archive cannot be streamed: write it to a file".into(),
        )),
    }
}

/// Writes an export to `path` atomically: into a temporary file in the same folder, renamed
/// into place once complete. An existing `path` is refused unless `force`.
///
/// ```
/// # use ifn_core::{Catalogue, Engine, Level, Selection};
/// # use ifn_export::*;
/// # let territory = ifn_core::demo::generate();
/// # let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
/// # let selection = Selection::builder("tout-age").build(&engine).unwrap();
/// # let scores = engine.score(Level::Epci, &selection).unwrap();
/// let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("epci.fgb");
/// write_file(ExportFormat::Fgb, &input, &ExportOptions::default(), &path, false).unwrap();
/// // A second write without force is refused and leaves the file as it was.
/// assert!(write_file(ExportFormat::Fgb, &input, &ExportOptions::default(), &path, false).is_err());
/// ```
pub fn write_file(
    format: ExportFormat,
    input: &ExportInput<'_>,
    options: &ExportOptions,
    path: &Path,
    force: bool,
) -> ExportResult<()> {
    // Check the contours before the (possibly long) write; CSV needs none.
    if format != ExportFormat::Csv {
        let missing = input.rows()?.without_contour;
        if !missing.is_empty() {
            tracing::warn!(
                export.without_contour = missing.len(),
                codes = %missing.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                "territories without a contour in the store are left out of the {format} file (the CSV keeps them)"
            );
        }
    }
    atomic::write_atomic(path, force, |tmp| match format {
        ExportFormat::Gpkg => gpkg::write(input, tmp),
        ExportFormat::Pmtiles => {
            let mut file = std::fs::File::create(tmp).map_err(|source| ExportError::Io {
                path: tmp.to_path_buf(),
                source,
            })?;
            let stats = pmtiles_out::write(input, options, &mut file)?;
            tracing::info!(
                export.tiles = stats.tiles,
                export.bytes = stats.bytes,
                "tile pyramid written"
            );
            Ok(())
        }
        _ => {
            let file = std::fs::File::create(tmp).map_err(|source| ExportError::Io {
                path: tmp.to_path_buf(),
                source,
            })?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            write_to(format, input, options, &mut w)?;
            w.flush()?;
            Ok(())
        }
    })?;
    tracing::info!(
        export.path = %path.display(),
        export.format = %format,
        export.features = input.scores.len(),
        "export written"
    );
    Ok(())
}

/// An export in memory, for HTTP responses (a GeoPackage goes through a temporary file).
pub fn to_bytes(
    format: ExportFormat,
    input: &ExportInput<'_>,
    options: &ExportOptions,
) -> ExportResult<Vec<u8>> {
    match format {
        ExportFormat::Gpkg => gpkg::to_bytes(input),
        ExportFormat::Pmtiles => {
            let mut out = std::io::Cursor::new(Vec::new());
            pmtiles_out::write(input, options, &mut out)?;
            Ok(out.into_inner())
        }
        _ => {
            let mut out = Vec::new();
            write_to(format, input, options, &mut out)?;
            Ok(out)
        }
    }
}
