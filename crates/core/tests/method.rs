//! The 2023 IFN method on hand-computed cases, and its invariants.

use approx::assert_relative_eq;
use ifn_core::{BaseUnit, Catalogue, Dataset, Engine, Level, Names, Reference, Selection};
use ndarray::Array2;

/// A unit in commune `c`, EPCI `e`, département `d`, région `r`.
fn unit(code: &str, c: &str, e: &str, d: &str, r: &str, pop: f64) -> BaseUnit {
    BaseUnit {
        code: code.into(),
        name: format!("IRIS {code}"),
        commune: c.into(),
        epci: e.into(),
        departement: d.into(),
        region: r.into(),
        population: pop,
    }
}

fn engine(units: Vec<BaseUnit>, keys: &[&str], rows: &[&[f64]]) -> Engine {
    let flat: Vec<f64> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    let values = Array2::from_shape_vec((rows.len(), keys.len()), flat).expect("shape");
    let d = Dataset::new(
        units,
        keys.iter().map(|s| s.to_string()).collect(),
        values,
        Names::default(),
    )
    .expect("dataset");
    Engine::new(d, Catalogue::builtin().clone())
}

fn sel(e: &Engine, keys: &[&str], weights: &[(&str, f64)]) -> Selection {
    Selection::builder("tout-age")
        .indicators(keys.iter().copied())
        .weights(weights.iter().map(|(k, w)| (k.to_string(), *w)).collect())
        .build(e)
        .expect("selection")
}

const POV: &str = "poverty_rate";
const AGE: &str = "older_65_rate";
const THD: &str = "no_thd_coverage_rate";

fn four_units() -> Engine {
    // Two communes (A: units 1, 2; B: units 3, 4) of one EPCI and département.
    let units = vec![
        unit("A1", "A", "E", "01", "84", 100.0),
        unit("A2", "A", "E", "01", "84", 300.0),
        unit("B1", "B", "E", "01", "84", 600.0),
        unit("B2", "B", "E", "01", "84", 0.0),
    ];
    engine(
        units,
        &[POV, AGE, THD],
        &[
            &[10.0, 30.0, 0.0],
            &[20.0, 30.0, 0.0],
            &[30.0, 10.0, 50.0],
            &[f64::NAN, 20.0, 0.0],
        ],
    )
}

#[test]
fn classes_of_a_hand_computed_case() {
    let e = four_units();
    let c = e.classes(Reference::France).expect("classes");
    // poverty: 3 values 10, 20, 30 → F = 1/3, 2/3, 1 → ceil(3.33)=4, ceil(6.67)=7, 10; NaN → 0.
    assert_eq!(c.column(0).to_vec(), vec![4, 7, 10, 0]);
    // age: 30, 30, 10, 20 → F(30) = 1 → 10; F(10) = 1/4 → 3; F(20) = 2/4 → 5.
    assert_eq!(c.column(1).to_vec(), vec![10, 10, 3, 5]);
    // THD: three zeros of four tie at F = 3/4 → ceil(7.5) = 8; 50 → 10.
    assert_eq!(c.column(2).to_vec(), vec![8, 8, 10, 8]);
}

#[test]
fn the_total_is_the_mean_of_the_classes_of_present_indicators() {
    let e = four_units();
    let s = sel(&e, &[POV, AGE, THD], &[]);
    let u = e.unit_scores(&s).expect("scores");
    assert_relative_eq!(u.total[0], (4.0 + 10.0 + 8.0) / 3.0);
    assert_relative_eq!(u.total[2], (10.0 + 3.0 + 10.0) / 3.0);
    // Poverty is secret for B2: left out of its mean, 2 indicators used.
    assert_relative_eq!(u.total[3], (5.0 + 8.0) / 2.0);
    assert_eq!(u.used, vec![3, 3, 3, 2]);
}

#[test]
fn weights_change_the_mean() {
    let e = four_units();
    let s = sel(&e, &[POV, AGE, THD], &[(POV, 2.0), (THD, 0.0)]);
    let u = e.unit_scores(&s).expect("scores");
    assert_relative_eq!(u.total[0], (2.0 * 4.0 + 10.0) / 3.0);
    // B2: poverty missing, THD weight 0 → age alone.
    assert_relative_eq!(u.total[3], 5.0);
    assert_eq!(u.used[3], 1);
}

#[test]
fn roll_up_is_population_weighted() {
    let e = four_units();
    let s = sel(&e, &[POV, AGE, THD], &[]);
    let u = e.unit_scores(&s).expect("scores");
    let com = e.score(Level::Commune, &s).expect("commune");
    assert_eq!(com.codes.to_vec(), vec!["A", "B"]);
    assert_relative_eq!(
        com.total[0],
        (100.0 * u.total[0] + 300.0 * u.total[1]) / 400.0
    );
    // B2 has population 0: B's total is B1's.
    assert_relative_eq!(com.total[1], u.total[2]);
    assert_eq!(com.population.to_vec(), vec![400.0, 600.0]);
    // Selected indicators come in profile order: THD, poverty, age.
    assert_eq!(com.indicators, vec![THD, POV, AGE]);
    // Indicator classes roll up the same way: poverty of A = (100·4 + 300·7) / 400.
    assert_relative_eq!(com.classes[(0, 1)], (100.0 * 4.0 + 300.0 * 7.0) / 400.0);
    // Raw values too: poverty of A = (100·10 + 300·20) / 400 = 17.5.
    assert_relative_eq!(com.raw[(0, 1)], 17.5);
    let dep = e.score(Level::Departement, &s).expect("dep");
    let expected = (100.0 * u.total[0] + 300.0 * u.total[1] + 600.0 * u.total[2]) / 1000.0;
    assert_relative_eq!(dep.total[0], expected);
    // Not the mean of the communes, not recomputed from counts.
    assert!((dep.total[0] - (com.total[0] + com.total[1]) / 2.0).abs() > 1e-6);
}

#[test]
fn a_single_unit_takes_class_ten_everywhere() {
    let e = engine(
        vec![unit("U", "C", "E", "01", "84", 10.0)],
        &[POV, AGE],
        &[&[12.0, 40.0]],
    );
    let s = sel(&e, &[POV, AGE], &[]);
    let r = e.score(Level::Iris, &s).expect("iris");
    assert_eq!(r.total, vec![10.0]);
    assert_eq!(
        e.score(Level::Region, &s).expect("region").total,
        vec![10.0]
    );
}

#[test]
fn all_equal_values_take_class_ten() {
    let units = (0..5)
        .map(|i| unit(&format!("U{i}"), "C", "E", "01", "84", 1.0))
        .collect();
    let e = engine(units, &[POV], &[&[7.0], &[7.0], &[7.0], &[7.0], &[7.0]]);
    let s = sel(&e, &[POV], &[]);
    assert!(e
        .unit_scores(&s)
        .expect("s")
        .total
        .iter()
        .all(|&t| t == 10.0));
}

#[test]
fn a_unit_with_every_indicator_missing_has_no_score() {
    let e = engine(
        vec![
            unit("U1", "C", "E", "01", "84", 1.0),
            unit("U2", "C", "E", "01", "84", 1.0),
        ],
        &[POV],
        &[&[f64::NAN], &[3.0]],
    );
    let s = sel(&e, &[POV], &[]);
    let u = e.unit_scores(&s).expect("s");
    assert!(u.total[0].is_nan());
    assert_eq!(u.used[0], 0);
    // The commune takes the value of its scored unit.
    assert_eq!(e.score(Level::Commune, &s).expect("c").total, vec![10.0]);
}

#[test]
fn roll_up_of_a_constant_is_that_constant() {
    let t = ifn_core::demo::generate();
    let n = t.dataset.units().len();
    let values = Array2::from_elem((n, 1), 4.2);
    let d = Dataset::new(
        t.dataset.units().to_vec(),
        vec![POV.into()],
        values,
        Names::default(),
    )
    .expect("dataset");
    let e = Engine::new(d, Catalogue::builtin().clone());
    let s = sel(&e, &[POV], &[]);
    for level in Level::ALL {
        let r = e.score(level, &s).expect("score");
        assert!(r.total.iter().all(|&x| x == 10.0), "{level}");
        assert!(r.raw.iter().all(|&x| (x - 4.2).abs() < 1e-9), "{level}");
    }
}

#[test]
fn switching_profile_switches_the_default_indicators() {
    let t = ifn_core::demo::generate();
    let e = Engine::new(t.dataset, Catalogue::builtin().clone());
    let a = Selection::builder("tout-age").build(&e).expect("a");
    let s = Selection::builder("senior").build(&e).expect("s");
    let j = Selection::builder("jeune").build(&e).expect("j");
    assert_eq!(a.indicators[2], "poverty_rate");
    assert_eq!(s.indicators[3], "older_75_rate");
    assert_eq!(j.indicators[3], "neet_16_25_year_rate");
    let ta = e.score(Level::Departement, &a).expect("a").total;
    let ts = e.score(Level::Departement, &s).expect("s").total;
    assert_ne!(ta, ts);
    // An indicator of another profile is refused, naming the profile's indicators.
    let err = Selection::builder("senior")
        .indicators(["older_65_rate"])
        .build(&e)
        .unwrap_err()
        .to_string();
    assert!(err.contains("older_75_rate"), "{err}");
}

#[test]
fn reference_by_departement_reranks_within_each_departement() {
    // Département 01 has low values, 02 high ones: re-ranked, both get the same classes.
    let units = vec![
        unit("A", "A", "E", "01", "84", 1.0),
        unit("B", "B", "E", "01", "84", 1.0),
        unit("C", "C", "F", "02", "84", 1.0),
        unit("D", "D", "F", "02", "84", 1.0),
    ];
    let e = engine(units, &[POV], &[&[1.0], &[2.0], &[10.0], &[20.0]]);
    let fr = e.classes(Reference::France).expect("fr").column(0).to_vec();
    let dep = e
        .classes(Reference::Departement)
        .expect("dep")
        .column(0)
        .to_vec();
    assert_eq!(fr, vec![3, 5, 8, 10]);
    assert_eq!(dep, vec![5, 10, 5, 10]);
}

#[test]
fn bad_weights_are_refused() {
    let e = four_units();
    let b = || Selection::builder("tout-age").indicators([POV, AGE]);
    assert!(b().weights(vec![(POV.into(), f64::NAN)]).build(&e).is_err());
    assert!(b().weights(vec![(POV.into(), -1.0)]).build(&e).is_err());
    assert!(b()
        .weights(vec![(POV.into(), f64::INFINITY)])
        .build(&e)
        .is_err());
    assert!(b()
        .weights(vec![("not_a_key".into(), 1.0)])
        .build(&e)
        .is_err());
    assert!(
        b().weights(vec![(THD.into(), 1.0)]).build(&e).is_err(),
        "not selected"
    );
    assert!(b()
        .weights(vec![(POV.into(), 0.0), (AGE.into(), 0.0)])
        .build(&e)
        .is_err());
    assert!(b().weights(vec![(POV.into(), 0.0)]).build(&e).is_ok());
}

#[test]
fn an_indicator_without_data_is_refused() {
    let e = four_units();
    let err = Selection::builder("tout-age")
        .indicators(["nscol15p_rate"])
        .build(&e)
        .unwrap_err()
        .to_string();
    assert!(err.contains("pas de données"), "{err}");
}

#[test]
fn communes_without_epci_go_to_the_pseudo_epci() {
    let e = engine(
        vec![
            unit("A", "A", "", "01", "84", 1.0),
            unit("B", "B", "E", "01", "84", 1.0),
        ],
        &[POV],
        &[&[1.0], &[2.0]],
    );
    let s = sel(&e, &[POV], &[]);
    let r = e.score(Level::Epci, &s).expect("epci");
    assert_eq!(r.codes.to_vec(), vec!["E", "ZZZZZZZZZ"]);
}

// ---------------------------------------------------------------------------- invariants

fn demo_engine() -> Engine {
    let t = ifn_core::demo::generate();
    Engine::new(t.dataset, Catalogue::builtin().clone())
}

#[test]
fn every_class_is_between_one_and_ten_or_missing() {
    let e = demo_engine();
    for r in Reference::ALL {
        let c = e.classes(r).expect("classes");
        assert!(c.iter().all(|&k| k <= 10));
        let vals = e.dataset().values();
        for ((i, j), &k) in c.indexed_iter() {
            assert_eq!(k == 0, vals[(i, j)].is_nan(), "missing iff class 0");
        }
    }
}

#[test]
fn classes_are_monotone_in_the_raw_value() {
    let e = demo_engine();
    let c = e.classes(Reference::France).expect("classes");
    let v = e.dataset().values();
    for j in 0..v.ncols() {
        let mut pairs: Vec<(f64, u8)> = (0..v.nrows())
            .filter(|&i| !v[(i, j)].is_nan())
            .map(|i| (v[(i, j)], c[(i, j)]))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(pairs.windows(2).all(|w| w[0].1 <= w[1].1), "column {j}");
        assert!(
            pairs
                .windows(2)
                .all(|w| w[0].0 != w[1].0 || w[0].1 == w[1].1),
            "ties"
        );
    }
}

#[test]
fn one_thread_and_many_threads_give_identical_scores() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let e = demo_engine();
            let s = Selection::builder("tout-age")
                .indicators([
                    "poverty_rate",
                    "older_65_rate",
                    "no_thd_coverage_rate",
                    "library_distance",
                ])
                .weights(vec![("poverty_rate".into(), 1.7)])
                .reference(Reference::Departement)
                .build(&e)
                .expect("sel");
            Level::ALL
                .iter()
                .map(|&l| e.score(l, &s).expect("score"))
                .collect::<Vec<_>>()
        })
    };
    let (a, b) = (run(1), run(4));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.codes, y.codes);
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&x.total), bits(&y.total), "{}", x.level);
        assert_eq!(
            x.classes.iter().map(|f| f.to_bits()).collect::<Vec<_>>(),
            y.classes.iter().map(|f| f.to_bits()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn scaling_every_weight_by_a_constant_changes_nothing() {
    let e = demo_engine();
    let keys = ["poverty_rate", "older_65_rate", "nscol15p_rate"];
    let w1 = vec![
        ("poverty_rate".to_string(), 1.0),
        ("older_65_rate".to_string(), 2.0),
        ("nscol15p_rate".to_string(), 0.5),
    ];
    let w2: Vec<(String, f64)> = w1.iter().map(|(k, w)| (k.clone(), w * 7.3)).collect();
    let s1 = Selection::builder("tout-age")
        .indicators(keys)
        .weights(w1)
        .build(&e)
        .expect("s1");
    let s2 = Selection::builder("tout-age")
        .indicators(keys)
        .weights(w2)
        .build(&e)
        .expect("s2");
    for level in Level::ALL {
        let (a, b) = (
            e.score(level, &s1).expect("a"),
            e.score(level, &s2).expect("b"),
        );
        for (x, y) in a.total.iter().zip(&b.total) {
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9,
                "{level}: {x} vs {y}"
            );
        }
    }
}

#[test]
fn the_built_in_catalogue_covers_every_demo_indicator() {
    let t = ifn_core::demo::generate();
    let c = Catalogue::builtin();
    assert!(t
        .dataset
        .indicators()
        .iter()
        .all(|k| c.indicator(k).is_some()));
    assert_eq!(t.dataset.indicators().len(), c.indicators.len());
}
