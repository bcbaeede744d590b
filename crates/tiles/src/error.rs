//! Errors of the tile crate.

use thiserror::Error;

/// Result type of this crate.
pub type TilesResult<T> = Result<T, TilesError>;

/// What can go wrong when addressing, building or decoding tiles.
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
    /// A vector tile could not be decoded.
    #[error("invalid vector tile at byte {offset}: {message}")]
    Decode {
        /// Byte offset in the buffer being read.
        offset: usize,
        /// What was expected.
        message: String,
    },
    /// Compression failed (an I/O error of the in-memory encoder).
    #[error("gzip compression failed")]
    Gzip(#[source] std::io::Error),
}
