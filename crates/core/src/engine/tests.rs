//! The fast re-weighting (per-pattern sums) against the direct computation (unit totals, then
//! a population-weighted roll-up), on the demo and on random data with missing values.

use ndarray::Array2;

use super::Engine;
use crate::rng::{DemoRng, SeedableRng, SplitMix64};
use crate::{BaseUnit, Catalogue, Dataset, Level, Names, Reference, Selection};

/// Totals the way the engine computed them before the per-pattern sums.
fn direct(engine: &Engine, level: Level, s: &Selection) -> (Vec<f64>, Vec<u8>) {
    let classes = engine.classes(s.reference).expect("classes");
    let cols = engine.columns_of(s).expect("columns");
    let n = classes.nrows();
    let (mut total, mut used) = (vec![f64::NAN; n], vec![0u8; n]);
    engine.unit_totals_slow(classes, &cols, &s.weights, &mut total, &mut used);
    if level == Level::Iris {
        return (total, used);
    }
    let g = engine.grouping(level).expect("grouping");
    (engine.rollup(g, |i| total[i]), Vec::new())
}

fn assert_close(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x.is_nan() || y.is_nan() {
            assert!(x.is_nan() && y.is_nan(), "{what}[{i}]: {x} vs {y}");
        } else {
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1.0),
                "{what}[{i}]: {x} vs {y}"
            );
        }
    }
}

fn check_every_level(engine: &Engine, s: &Selection, what: &str) {
    let (unit_total, unit_used) = direct(engine, Level::Iris, s);
    let u = engine.unit_scores(s).expect("unit scores");
    assert_close(&u.total, &unit_total, what);
    assert_eq!(u.used, unit_used, "{what}: used");
    for level in Level::ALL {
        if !engine.has_level(level) {
            continue;
        }
        let (expected, _) = direct(engine, level, s);
        let scores = engine.score_with(level, s, &u).expect("score");
        assert_close(&scores.total, &expected, &format!("{what} {level}"));
        assert_close(
            &engine.level_totals(level, s).expect("totals"),
            &expected,
            &format!("{what} {level} level_totals"),
        );
        let cols = engine.columns_of(s).expect("columns");
        let r = engine.reweighter(level, s.reference, &cols).expect("r");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let sequential = r.totals(&s.weights).expect("seq");
        assert_eq!(bits(&sequential), bits(&scores.total), "{what} {level} seq");
        // `used` counts the selected indicators with a weight > 0 some unit has.
        for (t, &n) in scores.used.iter().enumerate() {
            let expected = scores
                .classes
                .row(t)
                .iter()
                .zip(&s.weights)
                .filter(|(c, &w)| !c.is_nan() && w > 0.0)
                .count() as u8;
            assert_eq!(n, expected, "{what} {level} used[{t}]");
        }
    }
}

/// Random base units in nested communes, EPCI, départements and régions; values with missing
/// shares from 0 to 60 % by indicator, a few units with no value at all, some populations 0.
fn random_engine(seed: u64, units: usize) -> Engine {
    let mut rng = SplitMix64::seed_from_u64(seed);
    let keys: Vec<String> = Catalogue::builtin()
        .profile("tout-age")
        .expect("profile")
        .all()
        .map(str::to_string)
        .collect();
    let mut list = Vec::with_capacity(units);
    for i in 0..units {
        let c = rng.below(units / 3 + 1);
        let pop = if rng.unit() < 0.1 {
            0.0
        } else {
            rng.range(0.0, 3000.0).round()
        };
        list.push(BaseUnit {
            code: format!("{i:09}"),
            name: format!("U{i}"),
            commune: format!("{c:05}"),
            epci: format!("E{}", c % 40),
            departement: format!("{:02}", c % 12),
            region: format!("{}", c % 12 % 5),
            population: pop,
        });
    }
    let m = keys.len();
    let missing: Vec<f64> = (0..m).map(|j| 0.6 * j as f64 / m as f64).collect();
    let values = Array2::from_shape_fn((units, m), |(i, j)| {
        if i % 97 == 0 || rng.unit() < missing[j] {
            f64::NAN
        } else {
            (rng.unit() * 50.0).round()
        }
    });
    let d = Dataset::new(list, keys, values, Names::default()).expect("dataset");
    Engine::new(d, Catalogue::builtin().clone())
}

fn random_selection(engine: &Engine, rng: &mut SplitMix64, reference: Reference) -> Selection {
    let catalogue = Catalogue::builtin();
    let profile = catalogue.profile("tout-age").expect("profile");
    let keys: Vec<String> = engine
        .dataset()
        .indicators()
        .iter()
        .filter(|k| profile.axis_of(k).is_some())
        .cloned()
        .collect();
    let picked: Vec<String> = keys.iter().filter(|_| rng.unit() < 0.7).cloned().collect();
    let picked = if picked.is_empty() { keys } else { picked };
    let mut weights: Vec<(String, f64)> = picked
        .iter()
        .map(|k| {
            let w = if rng.unit() < 0.2 {
                0.0
            } else {
                rng.range(0.0, 5.0)
            };
            (k.clone(), w)
        })
        .collect();
    weights[0].1 = 1.5;
    Selection::builder("tout-age")
        .indicators(picked)
        .weights(weights)
        .reference(reference)
        .build(engine)
        .expect("selection")
}

#[test]
fn fast_reweighting_matches_the_direct_roll_up_on_the_demo() {
    let engine = Engine::new(
        crate::demo::generate().dataset,
        Catalogue::builtin().clone(),
    );
    for profile in ["tout-age", "senior", "jeune"] {
        let s = Selection::builder(profile)
            .build(&engine)
            .expect("selection");
        check_every_level(&engine, &s, profile);
    }
    let mut rng = SplitMix64::seed_from_u64(5);
    for reference in Reference::ALL {
        let s = random_selection(&engine, &mut rng, reference);
        check_every_level(&engine, &s, &format!("demo {reference}"));
    }
}

#[test]
fn fast_reweighting_matches_the_direct_roll_up_on_random_data_with_missing_values() {
    for seed in 1..=4 {
        let engine = random_engine(seed, 1500);
        let mut rng = SplitMix64::seed_from_u64(seed * 31);
        for reference in Reference::ALL {
            for k in 0..3 {
                let s = random_selection(&engine, &mut rng, reference);
                check_every_level(&engine, &s, &format!("seed {seed} {reference} #{k}"));
            }
        }
    }
}

#[test]
fn a_territory_whose_units_have_no_population_takes_the_plain_mean() {
    let units: Vec<BaseUnit> = (0..3)
        .map(|i| BaseUnit {
            code: format!("U{i}"),
            name: format!("U{i}"),
            commune: if i < 2 { "A".into() } else { "B".into() },
            epci: "E".into(),
            departement: "01".into(),
            region: "84".into(),
            population: if i < 2 { 0.0 } else { 5.0 },
        })
        .collect();
    let values = ndarray::array![[1.0, f64::NAN], [2.0, 3.0], [3.0, 1.0]];
    let keys = vec!["poverty_rate".to_string(), "older_65_rate".to_string()];
    let d = Dataset::new(units, keys, values, Names::default()).expect("dataset");
    let engine = Engine::new(d, Catalogue::builtin().clone());
    let s = Selection::builder("tout-age")
        .indicators(["poverty_rate", "older_65_rate"])
        .build(&engine)
        .expect("selection");
    let u = engine.unit_scores(&s).expect("units");
    let c = engine.score(Level::Commune, &s).expect("communes");
    assert_eq!(c.total[0], (u.total[0] + u.total[1]) / 2.0);
    assert_eq!(c.total[1], u.total[2]);
    check_every_level(&engine, &s, "zero population");
}

#[test]
fn reweighter_refuses_weights_of_the_wrong_length_or_sign() {
    let engine = random_engine(9, 200);
    let s = Selection::builder("tout-age")
        .build(&engine)
        .expect("selection");
    let cols = engine.columns_of(&s).expect("columns");
    let r = engine
        .reweighter(Level::Commune, Reference::France, &cols)
        .expect("r");
    assert!(r.totals(&[1.0]).is_err());
    let mut w = s.weights.clone();
    w[0] = -1.0;
    assert!(r.totals(&w).is_err());
    w[0] = f64::NAN;
    assert!(r.totals_par(&w).is_err());
}

/// Totals of a level with its sums built on the plan `units_plan`, on this thread and in
/// parallel (the unit totals given when the plan needs them).
fn plan_totals(engine: &Engine, level: Level, s: &Selection, units_plan: bool) -> [Vec<f64>; 2] {
    use super::sums::{ColumnWeights, LevelSums};
    let classes = engine.classes(s.reference).expect("classes");
    let patterns = engine
        .patterns(s.reference)
        .expect("patterns")
        .expect("fast path");
    let g = engine.grouping(level).expect("grouping");
    let sums = LevelSums::new(
        classes,
        patterns,
        &g.of_unit,
        g.codes.len(),
        &engine.unit_population,
        Some(units_plan),
    );
    assert_eq!(sums.needs_unit_totals(), units_plan);
    let cols = engine.columns_of(s).expect("columns");
    let w = ColumnWeights::new(classes.ncols(), &cols, &s.weights, patterns);
    let mut u = vec![f64::NAN; classes.nrows()];
    patterns.columns.totals_par(patterns, &w, &mut u);
    let mut serial = vec![0.0; sums.len()];
    sums.totals_into(&w, Some(&u), &mut serial, &mut Vec::new())
        .expect("serial");
    let parallel = sums.totals_par(&w, Some(&u)).expect("parallel");
    [serial, parallel]
}

#[test]
fn both_plans_match_the_direct_roll_up_with_one_and_two_threads() {
    // Large enough for every kernel to take its parallel path.
    let engine = random_engine(11, 30_000);
    let mut rng = SplitMix64::seed_from_u64(77);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for reference in Reference::ALL {
        let s = random_selection(&engine, &mut rng, reference);
        for level in [Level::Commune, Level::Epci, Level::Departement] {
            let (expected, _) = direct(&engine, level, &s);
            for units_plan in [true, false] {
                let what = format!("{reference} {level} units plan {units_plan}");
                let run = |threads: usize| {
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .expect("pool")
                        .install(|| plan_totals(&engine, level, &s, units_plan))
                };
                let [serial, parallel] = run(2);
                assert_eq!(bits(&serial), bits(&parallel), "{what}: serial vs parallel");
                assert_eq!(bits(&run(1)[1]), bits(&parallel), "{what}: 1 vs 2 threads");
                assert_close(&parallel, &expected, &what);
                if units_plan {
                    // Rolled up from the unit totals in unit order: the direct roll-up itself
                    // (the selection lists its indicators in dataset order, so even the unit
                    // totals add their terms in the same order).
                    assert_eq!(bits(&parallel), bits(&expected), "{what}: bits");
                }
            }
        }
    }
}
