//! Re-weighting all of France: 50,000 base units, 14 indicators, roll-up to commune, EPCI and
//! département. Classes are computed once when the engine is built (not measured here); a new
//! weight set redoes the means and roll-ups, which is what a user moving a slider waits for:
//! unit totals then the three levels (`score_with`, as the exports do), or the three levels
//! alone (`score`, as the server does).
//!
//! Run: `cargo bench -p ifn-core --bench scoring`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ifn_core::{Catalogue, Engine, Level, Selection};

#[path = "common/france.rs"]
mod france;
use france::france_like;

fn reweight(c: &mut Criterion) {
    let engine = Engine::new(france_like(), Catalogue::builtin().clone());
    let keys: Vec<String> = engine.dataset().indicators().to_vec();
    let selections: Vec<Selection> = (0..8)
        .map(|k| {
            let weights = keys
                .iter()
                .enumerate()
                .map(|(i, key)| (key.clone(), 0.5 + ((i + k) % 5) as f64))
                .collect();
            Selection::builder("tout-age")
                .indicators(keys.clone())
                .weights(weights)
                .build(&engine)
                .expect("valid selection")
        })
        .collect();
    // Warm the cached class roll-ups, computed on first use of each level.
    for level in [Level::Commune, Level::Epci, Level::Departement] {
        engine.score(level, &selections[0]).expect("score");
    }
    let mut k = 0;
    c.bench_function("reweight_france_50k_units_14_indicators_3_levels", |b| {
        b.iter(|| {
            k = (k + 1) % selections.len();
            let s = &selections[k];
            let units = engine.unit_scores(s).expect("unit scores");
            for level in [Level::Commune, Level::Epci, Level::Departement] {
                black_box(engine.score_with(level, s, &units).expect("score"));
            }
        })
    });
    // What the server does for a new weight set: each level's scores on their own (levels
    // rolled up from unit totals compute them, the others read their per-pattern sums).
    c.bench_function(
        "reweight_france_50k_units_14_indicators_3_levels_without_unit_scores",
        |b| {
            b.iter(|| {
                k = (k + 1) % selections.len();
                for level in [Level::Commune, Level::Epci, Level::Departement] {
                    black_box(engine.score(level, &selections[k]).expect("score"));
                }
            })
        },
    );
    c.bench_function("unit_totals_only_50k_units_14_indicators", |b| {
        b.iter(|| black_box(engine.unit_scores(&selections[1]).expect("unit scores")))
    });
    c.bench_function("classes_from_scratch_50k_units_14_indicators", |b| {
        b.iter(|| black_box(Engine::new(france_like(), Catalogue::builtin().clone())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = reweight
}
criterion_main!(benches);
