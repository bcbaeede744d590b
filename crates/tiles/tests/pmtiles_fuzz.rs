//! Property-based fuzzing of the PMTiles reading path (`ifn_tiles::PmtilesReader`, over the
//! `pmtiles` crate): arbitrary or corrupted bytes give an error or a value, never a panic.
#![allow(clippy::unwrap_used)]

use ifn_tiles::pyramid::{write_pyramid, PyramidOptions};
use ifn_tiles::PmtilesReader;
use proptest::prelude::*;

/// A small valid archive (z 0..=4, repeated and distinct tiles), built once.
fn archive() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let mut out = std::io::Cursor::new(Vec::new());
        let options = PyramidOptions {
            max_zoom: 4,
            metadata: serde_json::json!({"name": "fuzz", "vector_layers": []}),
            ..PyramidOptions::default()
        };
        write_pyramid(&options, &mut out, |t| {
            if (t.x + t.y) % 2 == 0 {
                b"same".to_vec()
            } else {
                t.to_string().into_bytes()
            }
        })
        .unwrap();
        out.into_inner()
    })
}

/// Everything a user of the reader does with an archive.
fn read_everything(bytes: Vec<u8>) {
    let Ok(r) = PmtilesReader::new(bytes) else {
        return;
    };
    let _ = r.metadata();
    for (z, x, y) in [(0, 0, 0), (1, 1, 0), (3, 5, 2), (4, 15, 15), (4, 0, 0)] {
        let _ = r.tile(z, x, y);
        let _ = r.tile_decompressed(z, x, y);
    }
}

#[test]
fn the_valid_archive_reads() {
    let r = PmtilesReader::new(archive().to_vec()).unwrap();
    assert_eq!(
        r.tile_decompressed(0, 0, 0).unwrap().as_deref(),
        Some(&b"same"[..])
    );
    assert_eq!(
        r.tile_decompressed(1, 1, 0).unwrap().as_deref(),
        Some(&b"1/1/0"[..])
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_everything(bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_magic_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"PMTiles\x03".to_vec();
        bytes.extend(tail);
        read_everything(bytes);
    }

    #[test]
    fn a_corrupted_header_never_panics(flips in proptest::collection::vec((0usize..127, any::<u8>()), 1..6)) {
        let mut bytes = archive().to_vec();
        for (i, v) in flips {
            bytes[i] = v;
        }
        read_everything(bytes);
    }

    #[test]
    fn a_corrupted_or_truncated_archive_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        keep in any::<prop::sample::Index>(),
    ) {
        let mut bytes = archive().to_vec();
        for (at, v) in flips {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        bytes.truncate(keep.index(bytes.len() + 1).max(1));
        read_everything(bytes);
    }
}
