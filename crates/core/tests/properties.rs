//! Property tests of the class rule and of the table reader (bounded case counts, so CI stays
//! fast; raise `PROPTEST_CASES` locally to search longer).

use ifn_core::classes::{decile_classes, decile_classes_grouped, MISSING};
use ifn_core::{
    BaseUnit, Catalogue, CoreError, Dataset, Engine, Level, Names, Reference, Selection,
};
use ndarray::Array2;
use proptest::prelude::*;

/// Values with many ties (few distinct values) and some missing ones.
fn values(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            8 => (0i32..20).prop_map(f64::from),
            3 => -1e6f64..1e6,
            1 => Just(f64::NAN),
        ],
        0..max_len,
    )
}

/// Independent oracle: the number of present values ≤ x, counted naively.
fn expected_class(x: f64, all: &[f64]) -> u8 {
    if x.is_nan() {
        return MISSING;
    }
    let present: Vec<f64> = all.iter().copied().filter(|v| !v.is_nan()).collect();
    let k = present.iter().filter(|&&v| v <= x).count();
    // ceil(10·k/n) clamped to 1..10, in exact integer arithmetic.
    ((10 * k).div_ceil(present.len())).clamp(1, 10) as u8
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn classes_are_in_1_to_10_and_missing_only_for_missing_values(v in values(200)) {
        for (x, c) in v.iter().zip(decile_classes(&v)) {
            if x.is_nan() {
                prop_assert_eq!(c, MISSING);
            } else {
                prop_assert!((1..=10).contains(&c), "{} → {}", x, c);
            }
        }
    }

    #[test]
    fn classes_are_monotone_in_the_value(v in values(200)) {
        let c = decile_classes(&v);
        for i in 0..v.len() {
            for j in 0..v.len() {
                if !v[i].is_nan() && !v[j].is_nan() && v[i] <= v[j] {
                    prop_assert!(c[i] <= c[j], "{} → {} but {} → {}", v[i], c[i], v[j], c[j]);
                }
            }
        }
    }

    #[test]
    fn ties_take_the_same_upper_class(v in values(200)) {
        let c = decile_classes(&v);
        for (i, &x) in v.iter().enumerate() {
            prop_assert_eq!(c[i], expected_class(x, &v), "value {}", x);
        }
    }

    #[test]
    fn classes_do_not_depend_on_row_order(
        (v, perm) in values(200).prop_flat_map(|v| {
            let n = v.len();
            (Just(v), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let c = decile_classes(&v);
        let shuffled: Vec<f64> = perm.iter().map(|&i| v[i]).collect();
        let cs = decile_classes(&shuffled);
        for (k, &i) in perm.iter().enumerate() {
            prop_assert_eq!(cs[k], c[i]);
        }
    }

    #[test]
    fn grouped_classes_equal_ungrouped_classes_of_each_group(
        rows in prop::collection::vec((values(2).prop_map(|v| v.first().copied().unwrap_or(1.0)), 0u32..4), 0..200)
    ) {
        let v: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let g: Vec<u32> = rows.iter().map(|r| r.1).collect();
        let grouped = decile_classes_grouped(&v, &g, 4);
        for group in 0..4 {
            let idx: Vec<usize> = (0..v.len()).filter(|&i| g[i] == group).collect();
            let sub: Vec<f64> = idx.iter().map(|&i| v[i]).collect();
            let alone = decile_classes(&sub);
            for (k, &i) in idx.iter().enumerate() {
                prop_assert_eq!(grouped[i], alone[k]);
            }
        }
    }
}

/// A dataset of `n` units in 7 départements with two indicators from `seed`.
fn dataset(values: &[(f64, f64)]) -> Dataset {
    let units: Vec<BaseUnit> = (0..values.len())
        .map(|i| BaseUnit {
            code: format!("U{i:06}"),
            name: format!("Unit {i}"),
            commune: format!("C{:05}", i / 3),
            epci: format!("E{:03}", i / 40),
            departement: format!("{:02}", i % 7),
            region: format!("R{}", i % 2),
            population: (i % 13) as f64 * 10.0,
        })
        .collect();
    let flat: Vec<f64> = values.iter().flat_map(|&(a, b)| [a, b]).collect();
    let matrix = Array2::from_shape_vec((values.len(), 2), flat).expect("two columns");
    Dataset::new(
        units,
        vec!["poverty_rate".into(), "older_65_rate".into()],
        matrix,
        Names::default(),
    )
    .expect("consistent dataset")
}

/// Scores of every level for both references, bitwise (NaN-aware) comparable.
fn all_scores(d: &Dataset) -> Vec<Vec<u64>> {
    let engine = Engine::new(d.clone(), Catalogue::builtin().clone());
    let mut out = Vec::new();
    for reference in [Reference::France, Reference::Departement] {
        let sel = Selection::builder("tout-age")
            .indicators(["poverty_rate", "older_65_rate"])
            .weights(vec![("poverty_rate".into(), 2.0)])
            .reference(reference)
            .build(&engine)
            .expect("selection");
        for level in [Level::Iris, Level::Commune, Level::Departement] {
            let s = engine.score(level, &sel).expect("scores");
            out.push(s.total.iter().map(|v| v.to_bits()).collect());
            out.push(s.classes.iter().map(|v| v.to_bits()).collect());
        }
    }
    out
}

proptest! {
    // Datasets large enough to be split into several rayon chunks: few cases.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn scores_are_the_same_on_one_and_two_threads(
        v in prop::collection::vec(
            (prop_oneof![9 => (0i32..50).prop_map(f64::from), 1 => Just(f64::NAN)],
             (0i32..50).prop_map(f64::from)),
            1..6000,
        )
    ) {
        let d = dataset(&v);
        let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("thread pool");
        let one = pool(1).install(|| all_scores(&d));
        let two = pool(2).install(|| all_scores(&d));
        prop_assert_eq!(one, two);
    }
}

/// The reader's errors must name the file, a line ≥ 1 and a column.
fn check_error(e: &CoreError) -> Result<(), TestCaseError> {
    match e {
        CoreError::Table {
            file, line, column, ..
        } => {
            prop_assert_eq!(file.as_str(), "f.csv");
            prop_assert!(*line >= 1, "line {} in {}", line, e);
            prop_assert!(!column.is_empty(), "no column in {}", e);
            Ok(())
        }
        other => Err(TestCaseError::fail(format!("not a table error: {other:?}"))),
    }
}

fn read(bytes: &[u8]) -> Result<Dataset, CoreError> {
    ifn_core::table::read_table(bytes, "f.csv", Catalogue::builtin())
}

/// A cell as analysts write them, and as they should not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (-100.0f64..100.0).prop_map(|x| format!("{x}")),
        (0u32..1000).prop_map(|n| format!("{},{}", n / 10, n % 10)),
        prop::sample::select(vec![
            "", "s", "ND", "n/a", "NaN", "-", "abc", "1e999", "\"", "\"a,b\"", " 7 ", "inf"
        ])
        .prop_map(str::to_string),
        "[a-z0-9;,\" ]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_locate_themselves(
        bytes in prop::collection::vec(any::<u8>(), 0..400)
    ) {
        if let Err(e) = read(&bytes) {
            check_error(&e)?;
        }
    }

    #[test]
    fn arbitrary_text_after_a_good_header_never_panics(
        body in "[a-z0-9;,\"\n\r ]{0,300}",
        semicolon in any::<bool>(),
    ) {
        let sep = if semicolon { ";" } else { "," };
        let header = ["code", "commune", "epci", "departement", "population", "poverty_rate"].join(sep);
        if let Err(e) = read(format!("{header}\n{body}").as_bytes()) {
            check_error(&e)?;
        }
    }

    #[test]
    fn arbitrary_rows_are_read_or_refused_with_a_location(
        rows in prop::collection::vec(prop::collection::vec(cell(), 4..8), 0..12),
        semicolon in any::<bool>(),
    ) {
        let sep = if semicolon { ";" } else { "," };
        let header = ["code", "commune", "epci", "departement", "population", "poverty_rate"].join(sep);
        let body: Vec<String> = rows.iter().map(|r| r.join(sep)).collect();
        let text = format!("{header}\n{}\n", body.join("\n"));
        match read(text.as_bytes()) {
            Ok(d) => prop_assert!(d.units().len() <= rows.len()),
            Err(e) => check_error(&e)?,
        }
    }
}
