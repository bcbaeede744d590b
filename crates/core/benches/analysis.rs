//! The analyst's bench on a France-sized synthetic dataset (see `common/france.rs`): rank
//! robustness at commune level (1,000 Monte Carlo draws over the weights + leave-one-out),
//! the delta of two selections and the correlation matrix.
//!
//! Run: `cargo bench -p ifn-core --bench analysis`. The comparison with numpy is
//! `benches/analysis/run.sh` at the root of the repository.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ifn_core::analysis::{self, RobustnessOptions};
use ifn_core::{Catalogue, Engine, Level, Selection};

#[path = "common/france.rs"]
mod france;
use france::france_like;

fn selection(engine: &Engine) -> Selection {
    let keys: Vec<String> = engine.dataset().indicators().to_vec();
    let weights = keys
        .iter()
        .enumerate()
        .map(|(i, key)| (key.clone(), 0.5 + (i % 5) as f64))
        .collect();
    Selection::builder("tout-age")
        .indicators(keys)
        .weights(weights)
        .build(engine)
        .expect("valid selection")
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new(france_like(), Catalogue::builtin().clone());
    let s = selection(&engine);
    let public = analysis::public_method(&engine, "tout-age").expect("public method");
    // Warm the per-pattern sums of the commune level.
    engine.score(Level::Commune, &s).expect("score");
    let options = RobustnessOptions::default();
    let mut g = c.benchmark_group("analysis");
    g.sample_size(10);
    g.bench_function("robustness_commune_1000_draws_loo_14_indicators", |b| {
        b.iter(|| black_box(analysis::robustness(&engine, Level::Commune, &s, &options)))
    });
    g.bench_function("delta_commune_14_vs_5_indicators", |b| {
        b.iter(|| black_box(analysis::delta(&engine, Level::Commune, &public, &s)))
    });
    g.bench_function("correlations_commune_14_indicators", |b| {
        b.iter(|| black_box(analysis::correlations(&engine, Level::Commune, &s)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
