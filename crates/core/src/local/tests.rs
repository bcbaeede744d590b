use approx::assert_relative_eq;
use ndarray::{array, Array2};
use proptest::prelude::*;

use super::*;
use crate::catalogue::{Axis, Catalogue};
use crate::dataset::{BaseUnit, Dataset};
use crate::error::{CoreError, CoreResult};
use crate::selection::Reference;
use crate::Engine;

fn unit(code: &str, commune: &str, departement: &str) -> BaseUnit {
    BaseUnit {
        code: code.into(),
        name: code.into(),
        commune: commune.into(),
        epci: "200000001".into(),
        departement: departement.into(),
        region: "84".into(),
        population: 100.0,
    }
}

/// Six base units: three IRIS of 01001, two of 01002 (département 01), a commune of the 02
/// not split into IRIS. Poverty rates with a secret value.
fn dataset() -> Dataset {
    let units = vec![
        unit("010010101", "01001", "01"),
        unit("010010102", "01001", "01"),
        unit("010010103", "01001", "01"),
        unit("010020101", "01002", "01"),
        unit("010020102", "01002", "01"),
        unit("020010000", "02001", "02"),
    ];
    let values = array![[12.0], [30.5], [f64::NAN], [7.25], [30.5], [18.0]];
    Dataset::new(
        units,
        vec!["poverty_rate".into()],
        values,
        Default::default(),
    )
    .expect("valid dataset")
}

fn read(text: &str) -> CoreResult<LocalIndicators> {
    LocalIndicators::read(text.as_bytes(), "local.csv", None, &LocalOptions::default())
}

fn read_with(text: &str, toml: &str) -> CoreResult<LocalIndicators> {
    let sidecar = Sidecar {
        text: toml,
        origin: "local.toml",
    };
    LocalIndicators::read(
        text.as_bytes(),
        "local.csv",
        Some(sidecar),
        &LocalOptions::default(),
    )
}

/// File, line and column of a local-indicators error.
fn position(e: CoreError) -> (String, u64, String) {
    match e {
        CoreError::LocalIndicators {
            file, line, column, ..
        } => (file, line, column),
        other => panic!("not a local-indicators error: {other:?}"),
    }
}

fn column(d: &Dataset, key: &str) -> Vec<f64> {
    let c = d.indicator_index(key).expect("column");
    d.values().column(c).to_vec()
}

#[test]
fn an_empty_file_or_a_header_alone_is_refused() {
    assert_eq!(position(read("").unwrap_err()).1, 1);
    let (file, line, _) = position(read("code,x\n").unwrap_err());
    assert_eq!((file.as_str(), line), ("local.csv", 2));
}

#[test]
fn a_file_without_code_or_value_column_is_refused() {
    assert_eq!(
        position(read("insee,x\n01001,1\n").unwrap_err()),
        ("local.csv".into(), 1, "code".into())
    );
    let e = read("code\n01001\n").unwrap_err().to_string();
    assert!(e.contains("aucune colonne de valeurs"), "{e}");
}

#[test]
fn a_column_name_that_cannot_be_a_key_or_appears_twice_is_refused() {
    assert_eq!(
        position(read("code,taux é\n01001,1\n").unwrap_err()).2,
        "taux é"
    );
    assert_eq!(position(read("code,x,x\n01001,1,2\n").unwrap_err()).2, "x");
    assert_eq!(
        position(read("code,,x\n01001,1,2\n").unwrap_err()).2,
        "n° 2"
    );
}

#[test]
fn a_bad_number_names_the_file_the_line_and_the_column() {
    let e = read("code,a,b\n01001,1,2\n01002,3,4x\n").unwrap_err();
    let message = e.to_string();
    assert_eq!(position(e), ("local.csv".into(), 3, "b".into()));
    assert!(message.contains("« 4x » n'est pas un nombre"), "{message}");
}

#[test]
fn a_decimal_comma_with_a_comma_separator_says_to_use_semicolons() {
    let e = read("code,a\n01001,\"1,5\"\n").unwrap_err().to_string();
    assert!(e.contains("séparateur « ; »"), "{e}");
}

#[test]
fn a_repeated_or_empty_code_names_both_lines() {
    let e = read("code,a\n01001,1\n01002,1\n01001,2\n").unwrap_err();
    let message = e.to_string();
    assert_eq!(position(e), ("local.csv".into(), 4, "code".into()));
    assert!(message.contains("ligne 2"), "{message}");
    assert_eq!(position(read("code,a\n ,1\n").unwrap_err()).1, 2);
}

#[test]
fn a_row_with_a_missing_field_names_the_missing_column() {
    assert_eq!(
        position(read("code,a,b\n01001,1,2\n01002,1\n").unwrap_err()),
        ("local.csv".into(), 3, "b".into())
    );
}

#[test]
fn semicolon_files_accept_decimal_commas_a_bom_and_missing_tokens() {
    let l = read("\u{feff}CODE;a;b\n01001;12,5;s\n01002; 1 234,5 ;NA\n").expect("valid");
    assert_eq!(l.codes(), ["01001", "01002"]);
    assert_eq!(l.values()[(0, 0)], 12.5);
    assert_eq!(l.values()[(1, 0)], 1234.5);
    assert!(l.values().column(1).iter().all(|v| v.is_nan()));
}

#[test]
fn the_code_column_may_be_anywhere() {
    let l = read("a,code\n1,01001\n").expect("valid");
    assert_eq!(l.definitions()[0].key, "a");
    assert_eq!(l.codes(), ["01001"]);
}

#[test]
fn defaults_say_the_indicator_is_local() {
    let l = read("code,illectronisme\n01001,1\n").expect("valid");
    let d = &l.definitions()[0];
    assert_eq!(d.label, "illectronisme");
    assert_eq!(d.producer, LOCAL_PRODUCER);
    assert_eq!(d.source, "local.csv");
    assert!(d.higher_is_fragile);
}

#[test]
fn the_toml_gives_label_unit_orientation_and_source() {
    let l = read_with(
        "code,a,b\n01001,1,2\n",
        "[indicators.b]\nlabel = \"Bé\"\nunit = \"km\"\nhigher_is_fragile = false\nsource = \"Mairie\"\nvintage = \"2024\"\n",
    )
    .expect("valid");
    let (a, b) = (&l.definitions()[0], &l.definitions()[1]);
    assert_eq!((a.label.as_str(), a.higher_is_fragile), ("a", true));
    assert_eq!(
        (
            b.label.as_str(),
            b.unit.as_str(),
            b.source.as_str(),
            b.vintage.as_str()
        ),
        ("Bé", "km", "Mairie", "2024")
    );
    assert!(!b.higher_is_fragile);
    assert_eq!(b.producer, LOCAL_PRODUCER);
}

#[test]
fn a_toml_table_for_an_unknown_column_or_field_is_refused_with_its_line() {
    let e = read_with(
        "code,a\n01001,1\n",
        "[indicators.a]\nlabel = \"A\"\n\n[indicators.z]\nlabel = \"Z\"\n",
    )
    .unwrap_err();
    assert_eq!(position(e), ("local.toml".into(), 4, "z".into()));
    let e = read_with("code,a\n01001,1\n", "[indicators.a]\nlabell = \"A\"\n").unwrap_err();
    let message = e.to_string();
    assert_eq!(position(e).1, 2);
    assert!(message.contains("labell"), "{message}");
}

#[test]
fn options_override_the_toml_for_a_single_column_only() {
    let options = LocalOptions {
        label: Some("Illectronisme".into()),
        unit: Some("%".into()),
        lower_is_fragile: true,
    };
    let sidecar = Sidecar {
        text: "[indicators.a]\nlabel = \"A\"\nunit = \"km\"\n",
        origin: "local.toml",
    };
    let l = LocalIndicators::read(
        "code,a\n01001,1\n".as_bytes(),
        "local.csv",
        Some(sidecar),
        &options,
    )
    .expect("valid");
    let d = &l.definitions()[0];
    assert_eq!((d.label.as_str(), d.unit.as_str()), ("Illectronisme", "%"));
    assert!(!d.higher_is_fragile);
    let e = LocalIndicators::read(
        "code,a,b\n01001,1,2\n".as_bytes(),
        "local.csv",
        None,
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("TOML") && e.contains("a, b"), "{e}");
}

#[test]
fn a_local_indicator_equal_to_an_existing_one_gives_the_same_classes() {
    let d = dataset();
    let text: String = std::iter::once("code,my_poverty".to_string())
        .chain(d.units().iter().zip(d.values().column(0)).map(|(u, v)| {
            format!(
                "{},{}",
                u.code,
                if v.is_nan() {
                    "s".into()
                } else {
                    v.to_string()
                }
            )
        }))
        .collect::<Vec<_>>()
        .join("\n");
    let (d2, c2, report) = read(&text)
        .expect("valid")
        .apply(&d, Catalogue::builtin())
        .expect("applies");
    assert_eq!(report.unit_rows, 6);
    let engine = Engine::new(d2, c2);
    let (poverty, local) = (
        engine
            .dataset()
            .indicator_index("poverty_rate")
            .expect("column"),
        engine
            .dataset()
            .indicator_index("my_poverty")
            .expect("column"),
    );
    for reference in Reference::ALL {
        let classes = engine.classes(reference).expect("classes");
        assert_eq!(
            classes.column(poverty),
            classes.column(local),
            "{reference:?}"
        );
    }
    // France: 7.25, 12, 18, 30.5, 30.5 → classes 2, 4, 6, 10, 10 (ties take the upper class).
    assert_eq!(
        engine
            .classes(Reference::France)
            .expect("classes")
            .column(local)
            .to_vec(),
        vec![4, 10, 0, 2, 10, 6]
    );
}

#[test]
fn a_reversed_orientation_ranks_the_lowest_values_as_most_fragile() {
    // -poverty with lower_is_fragile is poverty again: the same classes.
    let d = dataset();
    let text: String = std::iter::once("code,neg".to_string())
        .chain(
            d.units()
                .iter()
                .zip(d.values().column(0))
                .map(|(u, v)| format!("{},{}", u.code, -v)),
        )
        .collect::<Vec<_>>()
        .join("\n")
        .replace("NaN", "");
    let options = LocalOptions {
        lower_is_fragile: true,
        ..Default::default()
    };
    let (d2, c2, _) = LocalIndicators::read(text.as_bytes(), "local.csv", None, &options)
        .expect("valid")
        .apply(&d, Catalogue::builtin())
        .expect("applies");
    let engine = Engine::new(d2, c2);
    let classes = engine.classes(Reference::France).expect("classes");
    assert_eq!(classes.column(0), classes.column(1));
}

#[test]
fn a_commune_value_is_spread_to_each_of_its_iris_and_an_iris_row_wins() {
    // 01001 for all its IRIS but 010010102, which has its own row; 01002 absent; 02001 by
    // its commune code.
    let l = read("code;a\n01001;10\n010010102;20,5\n02001;30\n").expect("valid");
    let (d, _, report) = l.apply(&dataset(), Catalogue::builtin()).expect("applies");
    let a = column(&d, "a");
    assert_eq!(&a[..3], &[10.0, 20.5, 10.0]);
    assert!(a[3].is_nan() && a[4].is_nan());
    assert_relative_eq!(a[5], 30.0);
    assert_eq!((report.unit_rows, report.commune_rows), (1, 2));
    assert_eq!(report.units_with_value, vec![4]);
    assert_eq!(report.units, 6);
    assert!(report.unmatched.is_empty());
}

#[test]
fn codes_that_match_nothing_are_listed_and_lost_zeros_restored() {
    let l = read("code,a\n99999,1\n1001,2\n20010000,3\nXYZ,4\n").expect("valid");
    let (d, _, report) = l.apply(&dataset(), Catalogue::builtin()).expect("applies");
    assert_eq!(report.unmatched, vec!["99999", "XYZ"]);
    let a = column(&d, "a");
    assert_eq!(&a[..3], &[2.0, 2.0, 2.0]);
    assert!(a[3].is_nan() && a[4].is_nan());
    assert_eq!(a[5], 3.0);
}

#[test]
fn a_code_given_with_and_without_its_zero_is_refused() {
    let e = read("code,a\n01001,1\n1001,2\n")
        .expect("valid")
        .apply(&dataset(), Catalogue::builtin())
        .unwrap_err();
    let message = e.to_string();
    assert_eq!(position(e).1, 3);
    assert!(message.contains("ligne 2"), "{message}");
}

#[test]
fn a_key_of_the_catalogue_is_refused_and_nothing_is_added() {
    let e = read("code,older_65_rate\n01001,1\n")
        .expect("valid")
        .apply(&dataset(), Catalogue::builtin())
        .unwrap_err();
    assert_eq!(position(e), ("local.csv".into(), 1, "older_65_rate".into()));
}

#[test]
fn local_indicators_are_context_indicators_of_every_profile() {
    let (d, c, report) = read("code,a,b\n01001,1,2\n")
        .expect("valid")
        .apply(&dataset(), Catalogue::builtin())
        .expect("applies");
    assert_eq!(report.indicators, vec!["a", "b"]);
    assert_eq!(d.indicators(), ["poverty_rate", "a", "b"]);
    for p in &c.profiles {
        assert_eq!(p.axis_of("a"), Some(Axis::Contexte), "{}", p.key);
        assert_eq!(p.axis_of("b"), Some(Axis::Contexte), "{}", p.key);
        assert_eq!(
            p.ifn,
            Catalogue::builtin().profile(&p.key).expect("profile").ifn
        );
    }
    // Tickable and weightable like the others.
    let engine = Engine::new(d, c);
    let selection = crate::Selection::builder("tout-age")
        .indicators(["poverty_rate", "a"])
        .weights(vec![("a".into(), 2.0)])
        .build(&engine)
        .expect("selection");
    assert_eq!(selection.weight_of("a"), Some(2.0));
}

#[test]
fn an_all_missing_column_adds_an_empty_indicator() {
    let (d, _, report) = read("code,a\n01001,s\n")
        .expect("valid")
        .apply(&dataset(), Catalogue::builtin())
        .expect("applies");
    assert!(column(&d, "a").iter().all(|v| v.is_nan()));
    assert_eq!(report.units_with_value, vec![0]);
}

proptest! {
    // The fuzz target of this parser: any text is read or refused, never a panic, and a file
    // that is read applies or is refused.
    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "(?s)[code,;a-z0-9\\n\" .é]{0,80}") {
        if let Ok(l) = read(&text) {
            let _ = l.apply(&dataset(), Catalogue::builtin());
        }
    }
}

#[test]
fn values_keep_their_shape() {
    let l = read("code,a,b\n01001,1,2\n01002,3,\n").expect("valid");
    let expected: Array2<f64> = array![[1.0, 2.0], [3.0, f64::NAN]];
    assert_eq!(l.values().shape(), expected.shape());
    assert_eq!(l.values()[(1, 0)], 3.0);
}
