//! Errors of the exporters.

use std::path::PathBuf;

use ifn_core::Level;
use thiserror::Error;

/// Result of the exporters.
pub type ExportResult<T> = Result<T, ExportError>;

/// What can go wrong while exporting.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The output exists and `force` was not given.
    #[error("{0} already exists: choose another file or pass --force to replace it")]
    Exists(PathBuf),
    /// A file or folder could not be created, written or renamed.
    #[error("{path}: cannot create, write or rename it (is the folder there and writable?)")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The output path names a folder or has no file name.
    #[error("{0}: not a file path (give a file name, e.g. scores.fgb)")]
    NotAFile(PathBuf),
    /// The format name or extension is not one ifn writes.
    #[error("unknown export format '{0}': expected fgb, gpkg, geojson, csv or pmtiles")]
    UnknownFormat(String),
    /// The territory store has no contours for the level.
    #[error("the store has no contours for level '{level}' (levels with contours: {available}): export another level or rebuild the store with its geometry")]
    NoContours {
        /// The level asked for.
        level: Level,
        /// Levels that have contours.
        available: String,
    },
    /// The offer given with the scores is of another level or other territories.
    #[error("the mediation offer is for level '{offer_level}' but the scores are for '{level}' (or their territories differ): compute both with the same engine, level and selection")]
    OfferMismatch {
        /// Level of the scores.
        level: Level,
        /// Level of the offer.
        offer_level: Level,
    },
    /// FlatGeobuf encoding failed.
    #[error("FlatGeobuf: {context}: {message}")]
    Fgb {
        /// Which feature or step.
        context: String,
        /// What failed.
        message: String,
    },
    /// GDAL failed writing the GeoPackage.
    #[error("GeoPackage {path}: {context}")]
    Gdal {
        /// The file being written.
        path: PathBuf,
        /// Which feature or step.
        context: String,
        /// The cause.
        #[source]
        source: gdal::errors::GdalError,
    },
    /// CSV encoding failed.
    #[error("CSV encoding failed")]
    Csv(#[source] csv::Error),
    /// GeoJSON encoding or writing failed.
    #[error("writing the GeoJSON failed")]
    GeoJson(#[source] geojson::Error),
    /// Writing to the output stream failed.
    #[error("writing the export failed")]
    Write(#[source] std::io::Error),
    /// The PMTiles pyramid could not be built or written.
    #[error("PMTiles export")]
    Tiles(#[from] ifn_tiles::TilesError),
    /// The PMTiles pyramid would go deeper than the tiler.
    #[error("--max-zoom {max_zoom}: the tiler stops at zoom {limit}")]
    MaxZoom {
        /// Zoom asked.
        max_zoom: u8,
        /// Highest zoom of the tiler.
        limit: u8,
    },
    /// The format cannot be produced this way.
    #[error("{0}")]
    Unsupported(String),
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Write(e)
    }
}
