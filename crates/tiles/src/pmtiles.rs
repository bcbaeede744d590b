//! Reading PMTiles archives held in memory, through the `pmtiles` crate's reader.
//!
//! The crate's reader is asynchronous (it is made for HTTP and object stores). Here the bytes
//! are in memory, so every read is ready at once: the futures are polled to completion on the
//! calling thread, without a runtime. The crate checks the header's sections and directory
//! entries against the archive; `tests/pmtiles_fuzz.rs` holds it to that on arbitrary and
//! corrupted bytes.
//!
//! ```
//! use ifn_tiles::pmtiles::PmtilesReader;
//! use ifn_tiles::pyramid::{write_pyramid, PyramidOptions};
//! let mut out = std::io::Cursor::new(Vec::new());
//! let options = PyramidOptions { max_zoom: 1, ..Default::default() };
//! write_pyramid(&options, &mut out, |t| if t.z == 1 { vec![t.x as u8 + 1] } else { vec![] }).unwrap();
//! let archive = PmtilesReader::new(out.into_inner()).unwrap();
//! assert_eq!(archive.tile_decompressed(1, 1, 0).unwrap(), Some(vec![2]));
//! assert_eq!(archive.tile_decompressed(0, 0, 0).unwrap(), None);
//! ```

use std::future::Future;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, Header, PmtResult, TileCoord};

use crate::error::{TilesError, TilesResult};

/// The archive's bytes, as a backend of the crate's reader.
struct MemoryBackend(Bytes);

impl AsyncBackend for MemoryBackend {
    async fn read(&self, offset: u64, length: usize) -> PmtResult<BackendResponse> {
        let len = self.0.len();
        let start = usize::try_from(offset).map_or(len, |o| o.min(len));
        let end = start.saturating_add(length).min(len);
        Ok(BackendResponse::new(self.0.slice(start..end)))
    }
}

/// A PMTiles v3 archive in memory.
pub struct PmtilesReader {
    inner: AsyncPmTilesReader<MemoryBackend>,
}

impl PmtilesReader {
    /// Opens an archive: checks the header and reads the root directory.
    pub fn new(bytes: impl Into<Bytes>) -> TilesResult<PmtilesReader> {
        let inner = ready(AsyncPmTilesReader::try_from_source(MemoryBackend(
            bytes.into(),
        )))?
        .map_err(|source| TilesError::Pmtiles {
            context: "opening the archive",
            source,
        })?;
        Ok(PmtilesReader { inner })
    }

    /// The fixed header (zooms, bounds, compression, counts).
    pub fn header(&self) -> &Header {
        self.inner.get_header()
    }

    /// The JSON metadata.
    pub fn metadata(&self) -> TilesResult<serde_json::Value> {
        let text = ready(self.inner.get_metadata())?.map_err(|source| TilesError::Pmtiles {
            context: "reading the metadata",
            source,
        })?;
        serde_json::from_str(&text).map_err(TilesError::Metadata)
    }

    /// The stored bytes of a tile (compressed as the header says), `None` when absent.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> TilesResult<Option<Vec<u8>>> {
        let coord = coord(z, x, y)?;
        let t = ready(self.inner.get_tile(coord))?.map_err(|source| TilesError::Pmtiles {
            context: "reading a tile",
            source,
        })?;
        Ok(t.map(|b| b.to_vec()))
    }

    /// A tile, decompressed, `None` when absent.
    pub fn tile_decompressed(&self, z: u8, x: u32, y: u32) -> TilesResult<Option<Vec<u8>>> {
        let coord = coord(z, x, y)?;
        let t = ready(self.inner.get_tile_decompressed(coord))?.map_err(|source| {
            TilesError::Pmtiles {
                context: "reading a tile",
                source,
            }
        })?;
        Ok(t.map(|b| b.to_vec()))
    }
}

fn coord(z: u8, x: u32, y: u32) -> TilesResult<TileCoord> {
    TileCoord::new(z, x, y).map_err(|source| TilesError::Pmtiles {
        context: "addressing a tile",
        source,
    })
}

/// Polls a future whose reads are all in memory to completion on this thread.
fn ready<F: Future>(future: F) -> TilesResult<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    // An in-memory read never waits; a few polls cover any internal yield.
    for _ in 0..64 {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return Ok(v);
        }
    }
    Err(TilesError::InvalidArchive {
        reason: "the in-memory reader kept waiting".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyramid::{write_pyramid, PyramidOptions};

    fn archive(max_zoom: u8) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let options = PyramidOptions {
            max_zoom,
            bounds: [-5.0, 41.0, 10.0, 51.5],
            metadata: serde_json::json!({"name": "test", "vector_layers": []}),
            ..Default::default()
        };
        write_pyramid(&options, &mut out, |t| {
            // Repeats, to exercise deduplication; empties, to exercise absent tiles.
            match (t.x + t.y) % 3 {
                0 => b"same".to_vec(),
                1 => format!("{t}").into_bytes(),
                _ => Vec::new(),
            }
        })
        .expect("write");
        out.into_inner()
    }

    #[test]
    fn an_archive_reads_back_with_its_header_metadata_and_tiles() {
        let bytes = archive(6);
        let r = PmtilesReader::new(bytes).expect("open");
        let h = r.header();
        assert_eq!((h.min_zoom, h.max_zoom), (0, 6));
        assert_eq!(h.tile_type, pmtiles::TileType::Mvt);
        assert_eq!(h.tile_compression, pmtiles::Compression::Gzip);
        assert!(h.clustered());
        assert_eq!(r.metadata().expect("metadata")["name"], "test");
        for z in 0..=6u8 {
            let (xs, ys) = crate::tile::tiles_covering([-5.0, 41.0, 10.0, 51.5], z);
            for x in xs {
                for y in ys.clone() {
                    let expected = match (x + y) % 3 {
                        0 => Some(b"same".to_vec()),
                        1 => Some(format!("{z}/{x}/{y}").into_bytes()),
                        _ => None,
                    };
                    let got = r.tile_decompressed(z, x, y).expect("tile");
                    assert_eq!(got, expected, "{z}/{x}/{y}");
                    if got.is_some() {
                        let raw = r.tile(z, x, y).expect("raw").expect("stored");
                        assert_eq!(&raw[..2], &[0x1f, 0x8b], "stored gzipped");
                    }
                }
            }
        }
        // Outside the bounds, nothing.
        assert_eq!(r.tile_decompressed(6, 0, 0).expect("tile"), None);
    }

    #[test]
    fn the_header_and_its_counts_are_valid() {
        let bytes = archive(5);
        // The fixed header (spec §3): magic, version 3, then the root directory at 127.
        assert_eq!(&bytes[..8], b"PMTiles\x03");
        let root_offset = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let root_length = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes"));
        assert_eq!(root_offset, 127);
        assert!(
            root_offset + root_length <= 16_384,
            "header and root in the first 16 KiB"
        );
        let r = PmtilesReader::new(bytes).expect("open");
        let h = r.header();
        assert_eq!(h.spec_version(), 3);
        assert!(h.clustered());
        assert_eq!(
            (
                h.min_longitude,
                h.min_latitude,
                h.max_longitude,
                h.max_latitude
            ),
            (-5.0, 41.0, 10.0, 51.5)
        );
        let addressed = h.n_addressed_tiles().map_or(0, u64::from);
        let contents = h.n_tile_contents().map_or(0, u64::from);
        assert!(
            contents > 0 && contents < addressed,
            "identical tiles stored once"
        );
    }

    #[test]
    fn bytes_that_are_not_an_archive_are_refused() {
        assert!(PmtilesReader::new(Vec::new()).is_err());
        assert!(PmtilesReader::new(vec![0u8; 200]).is_err());
        let mut bytes = archive(2);
        bytes.truncate(100);
        assert!(PmtilesReader::new(bytes).is_err());
    }
}
