use super::*;
use crate::Catalogue;

fn demo() -> Engine {
    Engine::new(
        crate::demo::generate().dataset,
        Catalogue::builtin().clone(),
    )
}

fn weighted(e: &Engine, scale: f64) -> Selection {
    let s = Selection::builder("tout-age").build(e).expect("selection");
    let weights = s
        .indicators
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), scale * (1.0 + i as f64)))
        .collect();
    Selection::builder("tout-age")
        .weights(weights)
        .build(e)
        .expect("selection")
}

/// Every field, floats as bits (NaN for territories never ranked compares equal).
type Row = (String, Option<u32>, [u64; 5], Vec<Option<u32>>, bool);

fn fingerprint(r: &Robustness) -> Vec<Row> {
    r.territories
        .iter()
        .map(|t| {
            let floats = [
                t.score,
                t.rank_median,
                t.rank_p05,
                t.rank_p95,
                t.top_decile_share,
            ];
            (
                t.code.clone(),
                t.rank,
                floats.map(f64::to_bits),
                t.rank_without.clone(),
                t.wide,
            )
        })
        .collect()
}

fn options(draws: usize, spread: f64) -> RobustnessOptions {
    RobustnessOptions {
        draws,
        spread,
        ..Default::default()
    }
}

#[test]
fn a_spread_of_zero_gives_a_zero_width_interval() {
    let e = demo();
    let r = robustness(&e, Level::Commune, &weighted(&e, 1.0), &options(20, 0.0)).expect("r");
    assert!(r.ranked > 0);
    let cut = r.ranked.div_ceil(10) as u32;
    for t in &r.territories {
        let rank = t.rank.map_or(f64::NAN, f64::from);
        assert_eq!(t.rank_p05.to_bits(), rank.to_bits(), "{}", t.code);
        assert_eq!(t.rank_median.to_bits(), rank.to_bits(), "{}", t.code);
        assert_eq!(t.rank_p95.to_bits(), rank.to_bits(), "{}", t.code);
        let top = if t.rank.is_some_and(|x| x <= cut) {
            1.0
        } else {
            0.0
        };
        assert_eq!(t.top_decile_share, top, "{}", t.code);
        assert!(!t.wide);
    }
}

#[test]
fn a_positive_spread_moves_some_ranks() {
    let e = demo();
    let r = robustness(&e, Level::Commune, &weighted(&e, 1.0), &options(200, 0.5)).expect("r");
    assert!(r.territories.iter().any(|t| t.rank_p95 > t.rank_p05));
    for t in r.territories.iter().filter(|t| t.rank.is_some()) {
        assert!(t.rank_p05 <= t.rank_median && t.rank_median <= t.rank_p95);
        assert!((0.0..=1.0).contains(&t.top_decile_share));
        assert_eq!(t.wide, t.rank_p95 - t.rank_p05 > 0.1 * r.ranked as f64);
    }
}

#[test]
fn the_same_seed_gives_the_same_output_with_one_and_two_threads() {
    let e = demo();
    let s = weighted(&e, 1.0);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| robustness(&e, Level::Commune, &s, &options(100, 0.5)).expect("r"))
    };
    let one = fingerprint(&run(1));
    assert_eq!(one, fingerprint(&run(2)));
    assert_eq!(one, fingerprint(&run(3)));
    let other_seed = RobustnessOptions {
        seed: 7,
        ..options(100, 0.5)
    };
    let r = robustness(&e, Level::Commune, &s, &other_seed).expect("r");
    assert_ne!(one, fingerprint(&r));
}

#[test]
fn scaling_all_weights_changes_nothing() {
    let e = demo();
    let a = robustness(&e, Level::Epci, &weighted(&e, 1.0), &options(100, 0.4)).expect("a");
    let b = robustness(&e, Level::Epci, &weighted(&e, 3.0), &options(100, 0.4)).expect("b");
    assert_eq!(a.territories.len(), b.territories.len());
    for (x, y) in a.territories.iter().zip(&b.territories) {
        assert!((x.score - y.score).abs() < 1e-12, "{}", x.code);
    }
    // Scores may differ in the last bit; ranks and their statistics do not.
    let mut b = b;
    for (x, y) in a.territories.iter().zip(b.territories.iter_mut()) {
        y.score = x.score;
    }
    assert_eq!(fingerprint(&a), fingerprint(&b));
}

#[test]
fn leaving_an_indicator_out_ranks_by_the_others() {
    let e = demo();
    let s = weighted(&e, 1.0);
    let r = robustness(&e, Level::Departement, &s, &options(10, 0.5)).expect("r");
    for (k, key) in s.indicators.iter().enumerate() {
        let others: Vec<(String, f64)> = s
            .indicators
            .iter()
            .zip(&s.weights)
            .map(|(i, &w)| (i.clone(), if i == key { 0.0 } else { w }))
            .collect();
        let without = Selection::builder("tout-age")
            .weights(others)
            .build(&e)
            .expect("selection");
        let expected = ranks(
            &e.level_totals(Level::Departement, &without)
                .expect("totals"),
        );
        let got: Vec<Option<u32>> = r.territories.iter().map(|t| t.rank_without[k]).collect();
        assert_eq!(got, expected, "without {key}");
    }
}

#[test]
fn one_indicator_alone_has_no_rank_without_it() {
    let e = demo();
    let s = Selection::builder("tout-age")
        .indicators(["poverty_rate"])
        .build(&e)
        .expect("selection");
    let r = robustness(&e, Level::Epci, &s, &options(5, 0.5)).expect("r");
    assert!(r.territories.iter().all(|t| t.rank_without == vec![None]));
    // With one indicator, its weight does not matter: every draw gives the same ranks.
    assert!(r
        .territories
        .iter()
        .filter(|t| t.rank.is_some())
        .all(|t| t.rank_p05 == t.rank_p95));
}

#[test]
fn options_out_of_range_are_refused() {
    let e = demo();
    let s = weighted(&e, 1.0);
    for o in [
        options(0, 0.5),
        options(10, 1.5),
        options(10, -0.1),
        options(10, f64::NAN),
    ] {
        let err = robustness(&e, Level::Epci, &s, &o).expect_err("refused");
        assert!(matches!(err, CoreError::AnalysisOption { .. }), "{err}");
    }
}

#[test]
fn csv_has_one_rank_without_column_per_indicator() {
    let e = demo();
    let s = weighted(&e, 1.0);
    let r = robustness(&e, Level::Departement, &s, &options(10, 0.5)).expect("r");
    let mut out = Vec::new();
    r.write_csv(&mut out, Some(2)).expect("csv");
    let text = String::from_utf8(out).expect("utf-8");
    let header = text.lines().next().expect("header");
    let mut expected =
        "code,name,score,rank,rank_median,rank_p05,rank_p95,top_decile_share".to_string();
    for k in &s.indicators {
        expected.push_str(&format!(",rank_without_{k}"));
    }
    expected.push_str(",wide");
    assert_eq!(header, expected);
    assert_eq!(text.lines().count(), r.territories.len() + 1);
    assert_eq!(
        r.to_json()["territories"].as_array().map(Vec::len),
        Some(r.territories.len())
    );
}

#[test]
fn quantiles_by_selection_are_those_of_the_sorted_ranks() {
    let mut rng = SplitMix64::seed_from_u64(12);
    for len in (0..40).chain([999, 1000, 1001]) {
        for spread in [3, 1000] {
            let mut v: Vec<u32> = (0..len)
                .map(|_| 1 + (rng.next_u64() % spread) as u32)
                .collect();
            let mut sorted: Vec<f64> = v.iter().map(|&r| f64::from(r)).collect();
            sorted.sort_by(f64::total_cmp);
            let expected = [0.5, 0.05, 0.95].map(|p| super::super::quantile_sorted(&sorted, p));
            let got = rank_quantiles(&mut v);
            assert_eq!(
                got.map(f64::to_bits),
                expected.map(f64::to_bits),
                "{len} {spread}"
            );
        }
    }
}
