//! End-to-end tests of the `ifn` binary: demo, score (store and table), errors.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `ifn` binary (shared with the other modules of the test binary).
pub(crate) fn ifn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(args)
        .output()
        .expect("the ifn binary runs")
}

/// Standard output as text.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn score_table_gives_the_hand_computed_commune_scores() {
    // Classes: poverty 10, 20, 30 → 4, 7, 10 (I4 secret); age 30, 40, 20 → 7, 10, 4 (I2 secret).
    // Totals: I1 (4+7)/2 = 5.5, I2 7, I3 10, I4 4. C1 = (100·5.5 + 300·7)/400 = 6.625;
    // C1 poverty class (100·4 + 300·7)/400 = 6.25, age class 7 (I2 missing); C3 has population 0:
    // plain mean.
    let o = ifn(&[
        "score",
        "--table",
        &fixture("table-small.csv"),
        "--level",
        "commune",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "code,name,population,total,poverty_rate,older_65_rate\n\
         C1,C1,400,6.625,6.25,7\n\
         C2,C2,600,10,10,10\n\
         C3,C3,0,4,,4\n"
    );
}

#[test]
fn score_table_rolls_up_to_epci_with_the_pseudo_epci() {
    let o = ifn(&[
        "score",
        "--table",
        &fixture("table-small.csv"),
        "--level",
        "epci",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // E1 = (100·5.5 + 300·7 + 600·10)/1000 = 8.65.
    assert!(out.contains("\nE1,E1,1000,8.65,"), "{out}");
    assert!(out.contains("\nZZZZZZZZZ,Communes sans EPCI,0,4,"), "{out}");
}

#[test]
fn weights_change_the_table_scores() {
    let o = ifn(&[
        "score",
        "--table",
        &fixture("table-small.csv"),
        "--level",
        "iris",
        "--weights",
        "poverty_rate=3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // I1 = (3·4 + 7)/4 = 4.75.
    assert!(
        stdout(&o).contains("\nI1,I1,100,4.75,4,7\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn score_json_carries_the_selection_and_raw_values() {
    let o = ifn(&[
        "score",
        "--table",
        &fixture("table-small.csv"),
        "--level",
        "departement",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"], "tout-age");
    assert_eq!(v["territories"][0]["code"], "D1");
    assert_eq!(v["territories"][0]["total"], 8.65);
    assert_eq!(v["territories"][0]["raw"]["poverty_rate"], 25.0); // (100·10+300·20+600·30)/1000
    assert!(v["territories"][1]["classes"]["poverty_rate"].is_null());
}

#[test]
fn a_bad_number_names_the_file_the_line_and_the_column() {
    let o = ifn(&[
        "score",
        "--table",
        &fixture("table-bad-number.csv"),
        "--level",
        "commune",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("table-bad-number.csv") && e.contains("ligne 3") && e.contains("poverty_rate"),
        "{e}"
    );
}

#[test]
fn bad_options_are_clear_errors() {
    let t = fixture("table-small.csv");
    for (args, expect) in [
        (
            vec!["score", "--table", &t, "--level", "canton"],
            "niveau inconnu",
        ),
        (
            vec![
                "score",
                "--table",
                &t,
                "--level",
                "commune",
                "--weights",
                "poverty_rate=NaN",
            ],
            "nombre fini",
        ),
        (
            vec![
                "score",
                "--table",
                &t,
                "--level",
                "commune",
                "--weights",
                "poverty_rate=-2",
            ],
            "nombre fini",
        ),
        (
            vec![
                "score",
                "--table",
                &t,
                "--level",
                "commune",
                "--weights",
                "foo=1",
            ],
            "foo",
        ),
        (
            vec![
                "score",
                "--table",
                &t,
                "--level",
                "commune",
                "--profile",
                "adulte",
            ],
            "profil inconnu",
        ),
        (vec!["score", "--table", &t, "--level", "region"], "region"),
        (
            vec![
                "score",
                "--table",
                "/nonexistent/t.csv",
                "--level",
                "commune",
            ],
            "/nonexistent/t.csv",
        ),
        (vec!["score", "--level", "commune"], "--store"),
    ] {
        let o = ifn(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn demo_store_scores_every_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo");
    let s = store.to_str().expect("utf-8 path");
    let o = ifn(&["demo", "--out", s]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A second demo into the same folder is refused without --force.
    let again = ifn(&["demo", "--out", s]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    for (level, rows) in [("departement", 3), ("epci", 11), ("region", 1)] {
        let o = ifn(&["score", "--store", s, "--level", level]);
        assert!(o.status.success(), "{level}: {}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(out.lines().count(), rows + 1, "{level}: {out}");
        // Every territory has a total in 1..10.
        for line in out.lines().skip(1) {
            let total: f64 = line
                .split(',')
                .nth(3)
                .and_then(|t| t.parse().ok())
                .expect("total");
            assert!((1.0..=10.0).contains(&total), "{line}");
        }
    }
    let o = ifn(&[
        "score",
        "--store",
        s,
        "--level",
        "commune",
        "--profile",
        "senior",
        "--reference",
        "departement",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!((250..=330).contains(&(stdout(&o).lines().count() - 1)));
    assert!(stdout(&o).starts_with("code,name,population,total,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate_50_plus,older_75_rate,nscol15p_rate_50_plus\n"));
}
