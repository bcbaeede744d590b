use std::io::Cursor;

use super::*;

fn archive(tiles: Vec<(u8, u32, u32, Vec<u8>)>, gzip_tiles: bool) -> (Vec<u8>, ArchiveStats) {
    let mut out = Vec::new();
    let opts = WriterOptions {
        gzip_tiles,
        bounds: [-5.0, 41.0, 10.0, 51.5],
        metadata: serde_json::json!({"name": "test", "vector_layers": []}),
        ..Default::default()
    };
    let stats = write_archive(tiles, &opts, &mut out).expect("write");
    (out, stats)
}

/// A full pyramid z 0..=max with a content that depends on the tile (and repeats, to exercise
/// deduplication and runs).
fn pyramid(max: u8) -> Vec<(u8, u32, u32, Vec<u8>)> {
    let mut v = Vec::new();
    for z in 0..=max {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                let content = if (x + y) % 3 == 0 {
                    b"ocean".to_vec()
                } else {
                    format!("{z}/{x}/{y}").into_bytes()
                };
                v.push((z, x, y, content));
            }
        }
    }
    v
}

#[test]
fn an_empty_archive_is_valid_and_has_no_tile() {
    let (bytes, stats) = archive(vec![], true);
    assert_eq!(stats.addressed_tiles, 0);
    let mut r = PmtilesReader::new(Cursor::new(bytes)).expect("open");
    assert_eq!(r.tile(0, 0, 0).expect("read"), None);
    assert!(r.entries().expect("entries").is_empty());
}

#[test]
fn tile_ids_round_trip_over_every_tile_of_the_first_zooms() {
    let mut expected = 0u64;
    for z in 0..=8u8 {
        let mut ids: Vec<u64> = Vec::new();
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                let id = zxy_to_tile_id(z, x, y);
                assert_eq!(tile_id_to_zxy(id), (z, x, y));
                ids.push(id);
            }
        }
        ids.sort_unstable();
        // The ids of a zoom are exactly the next 4^z integers.
        assert_eq!(ids.first().copied(), Some(expected));
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
        expected += 1u64 << (2 * u32::from(z));
    }
}

#[test]
fn the_header_survives_a_write_and_read_back() {
    let (bytes, _) = archive(pyramid(2), true);
    let mut r = PmtilesReader::new(Cursor::new(bytes)).expect("open");
    let h = r.header().clone();
    assert_eq!((h.min_zoom, h.max_zoom), (0, 2));
    assert_eq!(h.tile_type, TileType::Mvt);
    assert_eq!(h.tile_compression, Compression::Gzip);
    assert_eq!(h.internal_compression, Compression::Gzip);
    assert!(h.clustered);
    assert_eq!(h.addressed_tiles, 1 + 4 + 16);
    assert_eq!(h.bounds, [-5.0, 41.0, 10.0, 51.5]);
    assert_eq!(h.root_offset, HEADER_SIZE as u64);
    assert_eq!(r.metadata().expect("metadata")["name"], "test");
}

#[test]
fn every_tile_reads_back_identical_and_missing_tiles_are_none() {
    let tiles = pyramid(4);
    let (bytes, stats) = archive(tiles.clone(), true);
    assert_eq!(stats.addressed_tiles, tiles.len() as u64);
    // "ocean" is stored once, every other tile once.
    let distinct = tiles.iter().filter(|t| t.3 != b"ocean").count() as u64 + 1;
    assert_eq!(stats.tile_contents, distinct);
    let mut r = PmtilesReader::new(Cursor::new(bytes)).expect("open");
    for (z, x, y, content) in &tiles {
        let got = r.tile_decompressed(*z, *x, *y).expect("read");
        assert_eq!(got.as_deref(), Some(content.as_slice()), "{z}/{x}/{y}");
    }
    assert_eq!(r.tile(5, 0, 0).expect("read"), None);
    assert_eq!(r.tile(1, 2, 0).expect("read"), None);
}

#[test]
fn consecutive_identical_tiles_share_one_entry() {
    // Four z2 tiles with ids 5..=8 and the same content: one run of 4.
    let tiles: Vec<_> = (5..=8)
        .map(|id| {
            let (z, x, y) = tile_id_to_zxy(id);
            (z, x, y, b"same".to_vec())
        })
        .collect();
    let (bytes, stats) = archive(tiles, false);
    assert_eq!((stats.tile_entries, stats.tile_contents), (1, 1));
    let mut r = PmtilesReader::new(Cursor::new(bytes)).expect("open");
    let e = r.entries().expect("entries");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].tile_id, e[0].run_length), (5, 4));
    assert_eq!(
        r.tile(2, 0, 0).expect("read").as_deref(),
        Some(&b"same"[..])
    );
}

#[test]
fn a_large_pyramid_uses_leaf_directories_and_keeps_the_root_in_16_kib() {
    // z 0..=8 with distinct tiles: 87 381 entries, far too many for a 16 KiB root.
    let tiles = pyramid(8);
    let (bytes, stats) = archive(tiles.clone(), false);
    assert!(stats.leaf_directories > 1, "{stats:?}");
    let mut r = PmtilesReader::new(Cursor::new(bytes)).expect("open");
    let h = r.header().clone();
    assert!(h.root_offset + h.root_length <= MAX_INITIAL_BYTES as u64);
    assert_eq!(
        r.entries()
            .expect("entries")
            .iter()
            .map(|e| u64::from(e.run_length))
            .sum::<u64>(),
        tiles.len() as u64
    );
    for (z, x, y, content) in tiles.iter().step_by(997) {
        assert_eq!(
            r.tile(*z, *x, *y).expect("read").as_deref(),
            Some(content.as_slice()),
            "{z}/{x}/{y}"
        );
    }
}

#[test]
fn tiles_outside_the_grid_and_duplicates_are_refused() {
    let mut out = Vec::new();
    let e = write_archive(
        vec![(1, 2, 0, b"x".to_vec())],
        &WriterOptions::default(),
        &mut out,
    );
    assert!(e.unwrap_err().to_string().contains("1/2/0"));
    let dup = vec![(3, 1, 1, b"a".to_vec()), (3, 1, 1, b"b".to_vec())];
    let e = write_archive(dup, &WriterOptions::default(), &mut out);
    assert!(e.unwrap_err().to_string().contains("3/1/1"));
}

#[test]
fn garbage_is_refused_with_a_clear_error() {
    let e = PmtilesReader::new(Cursor::new(b"not an archive at all".to_vec())).unwrap_err();
    assert!(e.to_string().contains("header"), "{e}");
    let mut bytes = vec![0u8; 200];
    bytes[..7].copy_from_slice(b"PMTiles");
    bytes[7] = 2;
    let e = PmtilesReader::new(Cursor::new(bytes)).unwrap_err();
    assert!(e.to_string().contains("version 2"), "{e}");
}

#[test]
fn a_truncated_directory_is_an_error_not_a_panic() {
    let entries = vec![
        Entry {
            tile_id: 3,
            offset: 0,
            length: 10,
            run_length: 1,
        },
        Entry {
            tile_id: 9,
            offset: 10,
            length: 5,
            run_length: 2,
        },
    ];
    let ser = serialize_directory(&entries).expect("ser");
    assert_eq!(deserialize_directory(&ser).expect("de"), entries);
    let raw = gunzip(&ser).expect("gunzip");
    for cut in 0..raw.len() {
        let trunc = gzip(&raw[..cut]).expect("gzip");
        assert!(deserialize_directory(&trunc).is_err(), "cut at {cut}");
    }
}
