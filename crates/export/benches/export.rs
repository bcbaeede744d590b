//! Export benchmarks: each format on the demo communes and IRIS, plus PMTiles: archive writing
//! on a synthetic pyramid, and the demo communes' pyramid. The comparison with `ogr2ogr` is `benches/export/run.sh`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ifn_core::{Catalogue, Engine, Level, Selection};
use ifn_export::{to_bytes, ExportFormat, ExportInput, ExportOptions};
use ifn_tiles::pyramid::{write_pyramid, PyramidOptions};

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
    let mut group = c.benchmark_group("pmtiles");
    group.sample_size(10);
    // Synthetic pyramid: isolates the archive writing (gzip, dedup, directories).
    let options = PyramidOptions {
        max_zoom: PYRAMID_MAX_ZOOM,
        ..PyramidOptions::default()
    };
    group.bench_function("write_z0_8", |b| {
        b.iter(|| {
            let mut out = std::io::Cursor::new(Vec::with_capacity(8 << 20));
            write_pyramid(&options, &mut out, |t| {
                // Sea tiles repeat, land tiles are distinct: as in a national pyramid.
                if (t.x * 7 + t.y * 3) % 5 == 0 {
                    format!("land {t}").repeat(20).into_bytes()
                } else {
                    b"sea".to_vec()
                }
            })
            .expect("archive");
            out
        })
    });
    // The real export: the demo's communes, tiled and written.
    let territory = ifn_core::demo::generate();
    let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
    let selection = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let scores = engine.score(Level::Commune, &selection).expect("score");
    let input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    let opts = ExportOptions {
        pmtiles_max_zoom: PYRAMID_MAX_ZOOM,
        ..ExportOptions::default()
    };
    group.bench_function("commune_z0_8", |b| {
        b.iter(|| to_bytes(ExportFormat::Pmtiles, black_box(&input), &opts).expect("export"))
    });
    group.finish();
}

criterion_group!(benches, formats, pmtiles);
criterion_main!(benches);
