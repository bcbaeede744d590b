//! End-to-end tests of `ifn analyse`: delta, robustness and correlations through the binary.

use std::path::Path;

use crate::cli::{ifn, stderr, stdout};

fn table() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/fixtures/table-small.csv")
        .display()
        .to_string()
}

#[test]
fn delta_of_a_table_against_the_public_method() {
    // Public method on poverty + age (the fixture's IFN indicators): units I1 5.5, I2 7, I3 10,
    // I4 4 (see tests/cli.rs). With poverty alone: I1 4, I2 7, I3 10, I4 missing.
    let t = table();
    let o = ifn(&[
        "analyse",
        "delta",
        "--table",
        &t,
        "--level",
        "iris",
        "--indicators",
        "poverty_rate",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "code,name,score_base,score,difference,rank_base,rank,rank_change"
    );
    assert_eq!(lines[1], "I1,I1,5.5,4,-1.5,3,3,0");
    assert_eq!(lines[4], "I4,I4,4,,,4,,");
}

#[test]
fn robustness_of_the_demo_is_reproducible_and_has_the_documented_columns() {
    let args = [
        "analyse",
        "robustness",
        "--level",
        "epci",
        "--draws",
        "50",
        "--seed",
        "3",
    ];
    let a = ifn(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    let b = ifn(&args);
    assert_eq!(stdout(&a), stdout(&b));
    let out = stdout(&a);
    let header = out.lines().next().expect("header");
    assert!(
        header.starts_with(
            "code,name,score,rank,rank_median,rank_p05,rank_p95,top_decile_share,rank_without_"
        ),
        "{header}"
    );
    assert!(header.ends_with(",wide"), "{header}");
}

#[test]
fn robustness_refuses_a_spread_above_one() {
    let o = ifn(&[
        "analyse",
        "robustness",
        "--level",
        "epci",
        "--spread",
        "1.5",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("spread"), "{}", stderr(&o));
}

#[test]
fn correlations_of_the_demo_as_json() {
    let o = ifn(&[
        "analyse",
        "correlations",
        "--level",
        "commune",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let n = v["indicators"]
        .as_array()
        .map(Vec::len)
        .expect("indicators");
    assert!(n >= 2);
    assert_eq!(v["classes"].as_array().map(Vec::len), Some(n));
    assert_eq!(v["threshold"], 0.9);
}
