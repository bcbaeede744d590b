//! Tile encoding: cold (clip + simplify + encode) and warm (scores attached to cached geometry).
#![allow(missing_docs)] // criterion_group! generates an undocumented public fn

use criterion::{criterion_group, criterion_main, Criterion};
use ifn_core::{demo, Catalogue, Engine, Level, Selection};
use ifn_tiles::{gzip, tile::tiles_covering, LevelTiler, TileId, TileOptions};

/// Zoom of the tiles benched: the demo island spans a few tiles at this zoom.
const ZOOM: u8 = 8;

fn bench(c: &mut Criterion) {
    let t = demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let sel = Selection::builder("tout-age")
        .build(&engine)
        .expect("default selection");
    for level in [Level::Commune, Level::Iris] {
        let codes = engine.codes(level).expect("level");
        let scores = engine.score(level, &sel).expect("scores");
        let (xs, ys) = tiles_covering(t.meta.bbox, ZOOM);
        let tiles: Vec<TileId> = xs
            .flat_map(|x| {
                ys.clone()
                    .map(move |y| TileId::new(ZOOM, x, y).expect("valid"))
            })
            .collect();
        let name = level.as_str();
        c.bench_function(&format!("{name}_z{ZOOM}_cold_{}_tiles", tiles.len()), |b| {
            b.iter(|| {
                // A fresh tiler: nothing cached, every tile clipped and simplified.
                let tiler = LevelTiler::new(&t.geometries[&level], &codes, TileOptions::default());
                tiles
                    .iter()
                    .map(|&id| tiler.tile(id, name, &scores, None).len())
                    .sum::<usize>()
            })
        });
        let tiler = LevelTiler::new(&t.geometries[&level], &codes, TileOptions::default());
        c.bench_function(
            &format!("{name}_z{ZOOM}_warm_encode_gzip_{}_tiles", tiles.len()),
            |b| {
                b.iter(|| {
                    tiles
                        .iter()
                        .map(|&id| {
                            gzip(&tiler.tile(id, name, &scores, None))
                                .expect("gzip")
                                .len()
                        })
                        .sum::<usize>()
                })
            },
        );
        let z0 = TileId::new(0, 0, 0).expect("valid");
        c.bench_function(&format!("{name}_z0_cold"), |b| {
            b.iter(|| {
                LevelTiler::new(&t.geometries[&level], &codes, TileOptions::default())
                    .tile(z0, name, &scores, None)
                    .len()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
