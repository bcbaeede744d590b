//! Export benchmarks: each format on the demo communes and IRIS, plus PMTiles archive writing
//! on a synthetic pyramid. The comparison with `ogr2ogr` is `benches/export/run.sh`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ifn_core::{Catalogue, Engine, Level, Selection};
use ifn_export::pmtiles::{write_archive, WriterOptions};
use ifn_export::{to_bytes, ExportFormat, ExportInput, ExportOptions};

/// Highest zoom of the synthetic PMTiles pyramid (z 0..=8: 87 381 tiles).
const PYRAMID_MAX_ZOOM: u8 = 8;

fn formats(c: &mut Criterion) {
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let mut group = c.benchmark_group("export");
    group.sample_size(20);
    for level in [Level::Commune, Level::Iris] {
        let scores = engine.score(level, &selection).expect("score");
        let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
        for format in [
            ExportFormat::Fgb,
            ExportFormat::GeoJson,
            ExportFormat::Csv,
            ExportFormat::Gpkg,
        ] {
            group.bench_function(format!("{format}/{level}"), |b| {
                b.iter(|| {
                    to_bytes(format, black_box(&input), &ExportOptions::default()).expect("export")
                })
            });
        }
    }
    group.finish();
}

fn pmtiles(c: &mut Criterion) {
    let mut tiles = Vec::new();
    for z in 0..=PYRAMID_MAX_ZOOM {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                // Sea tiles repeat, land tiles are distinct: as in a national pyramid.
                let content = if (x * 7 + y * 3) % 5 == 0 {
                    format!("land {z}/{x}/{y}").repeat(20).into_bytes()
                } else {
                    b"sea".to_vec()
                };
                tiles.push((z, x, y, content));
            }
        }
    }
    let opts = WriterOptions {
        gzip_tiles: false,
        ..Default::default()
    };
    c.bench_function("pmtiles/write_z0_8", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(8 << 20);
            write_archive(tiles.iter().cloned(), &opts, &mut out).expect("archive");
            out
        })
    });
}

criterion_group!(benches, formats, pmtiles);
criterion_main!(benches);
