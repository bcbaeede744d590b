//! Errors of the tile crate.

use thiserror::Error;

/// Result type of this crate.
pub type TilesResult<T> = Result<T, TilesError>;

/// What can go wrong when addressing, building, writing or reading tiles.
#[derive(Debug, Error)]
pub enum TilesError {
    /// The zoom level is above the highest served zoom.
    #[error("zoom {z} is out of range: tiles are served for zoom 0 to {max}")]
    ZoomOutOfRange {
        /// Zoom asked.
        z: u8,
        /// Highest zoom.
        max: u8,
    },
    /// x or y is not below 2^z.
    #[error("tile {z}/{x}/{y} does not exist: at zoom {z}, x and y go from 0 to {}", n - 1)]
    TileOutOfRange {
        /// Zoom.
        z: u8,
        /// Column asked.
        x: u32,
        /// Row asked.
        y: u32,
        /// Tiles per side at this zoom.
        n: u32,
    },
    /// A vector tile could not be decoded (test decoding, feature `decode`).
    #[error("invalid vector tile: {message}")]
    Decode {
        /// The decoder's message.
        message: String,
    },
    /// Compression failed (an I/O error of the in-memory encoder).
    #[error("gzip compression failed")]
    Gzip(#[source] std::io::Error),
    /// The `pmtiles` crate failed writing or reading an archive.
    #[error("PMTiles archive: {context}")]
    Pmtiles {
        /// The step that failed.
        context: &'static str,
        /// The cause.
        #[source]
        source: pmtiles::PmtError,
    },
    /// Bytes given as a PMTiles archive are not a valid one.
    #[error("invalid PMTiles archive: {reason}")]
    InvalidArchive {
        /// What is wrong, with the offsets involved.
        reason: String,
    },
    /// The metadata of a PMTiles archive is not JSON.
    #[error("the PMTiles metadata is not valid JSON")]
    Metadata(#[source] serde_json::Error),
    /// Writing an archive to its output failed.
    #[error("writing the tile archive")]
    Io(#[source] std::io::Error),
}
