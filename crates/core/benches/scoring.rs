//! Re-weighting all of France: 50,000 base units, 14 indicators, roll-up to commune, EPCI and
//! département. Classes are computed once when the engine is built (not measured here); a new
//! weight set redoes the means and roll-ups, which is what a user moving a slider waits for.
//!
//! Run: `cargo bench -p ifn-core --bench scoring`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ifn_core::rng::{DemoRng, SeedableRng, SplitMix64};
use ifn_core::{BaseUnit, Catalogue, Dataset, Engine, Level, Names, Selection};
use ndarray::Array2;

const UNITS: usize = 50_000;
const COMMUNES: usize = 35_000;
const EPCI: usize = 1_250;
const DEPARTEMENTS: usize = 100;

/// A France-sized synthetic dataset: the first communes are split into several IRIS, like
/// the cities; values are random with 5 % missing.
fn france_like() -> Dataset {
    let mut rng = SplitMix64::seed_from_u64(2023);
    let catalogue = Catalogue::builtin();
    let profile = catalogue.profile("tout-age").expect("built-in profile");
    let keys: Vec<String> = profile.all().map(str::to_string).collect();
    let mut units = Vec::with_capacity(UNITS);
    for i in 0..UNITS {
        // Units beyond COMMUNES are extra IRIS of the first (largest) communes.
        let c = if i < COMMUNES {
            i
        } else {
            (i - COMMUNES) % 2_000
        };
        let dep = c % DEPARTEMENTS;
        units.push(BaseUnit {
            code: format!("{i:09}"),
            name: format!("IRIS {i}"),
            commune: format!("{c:05}"),
            epci: format!("{:09}", 200_000_000 + c % EPCI),
            departement: format!("{dep:02}"),
            region: format!("{}", dep % 13),
            population: (rng.range(50.0, 5_000.0)).round(),
        });
    }
    let values = Array2::from_shape_fn((UNITS, keys.len()), |_| {
        if rng.unit() < 0.05 {
            f64::NAN
        } else {
            (rng.unit() * 1000.0).round() / 10.0
        }
    });
    Dataset::new(units, keys, values, Names::default()).expect("consistent synthetic dataset")
}

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
