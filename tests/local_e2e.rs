//! End-to-end tests of `--indicators-file`: the analyst's own indicators through the binary.

use std::path::{Path, PathBuf};

use crate::cli::{ifn, stderr, stdout};

/// Writes the demo store into `dir` and returns its path.
fn demo_store(dir: &Path) -> String {
    let store = dir.join("demo");
    let s = store.to_str().expect("utf-8 path").to_string();
    let o = ifn(&["demo", "--out", &s]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

/// The raw values of one indicator for every IRIS of the store, from `ifn score --format json`
/// (`None` when missing).
fn iris_values(store: &str, key: &str) -> Vec<(String, Option<f64>)> {
    let o = ifn(&[
        "score",
        "--store",
        store,
        "--level",
        "iris",
        "--format",
        "json",
        "--indicators",
        key,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["territories"]
        .as_array()
        .expect("territories")
        .iter()
        .map(|t| {
            (
                t["code"].as_str().expect("code").to_string(),
                t["raw"][key].as_f64(),
            )
        })
        .collect()
}

/// Writes `text` to `dir/name` and returns the path as text.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p.display().to_string()
}

/// `ifn score` output without its header line.
fn body(out: &str) -> &str {
    out.split_once('\n').map_or("", |(_, b)| b)
}

#[test]
fn a_local_copy_of_an_indicator_scores_like_the_indicator_at_every_level_and_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = demo_store(dir.path());
    // `{}` writes the shortest text that reads back as the same f64: the copy is exact.
    let mut csv = String::from("code;my_age\n");
    for (code, v) in iris_values(&store, "older_65_rate") {
        let cell = v
            .map(|v| v.to_string().replace('.', ","))
            .unwrap_or_else(|| "s".into());
        csv.push_str(&format!("{code};{cell}\n"));
    }
    let file = write(dir.path(), "age.csv", &csv);
    for (level, reference) in [
        ("iris", "france"),
        ("commune", "france"),
        ("epci", "departement"),
        ("departement", "region"),
    ] {
        let base = [
            "score",
            "--store",
            &store,
            "--level",
            level,
            "--reference",
            reference,
        ];
        let existing = ifn(&[&base[..], &["--indicators", "poverty_rate,older_65_rate"]].concat());
        assert!(existing.status.success(), "{}", stderr(&existing));
        let local = ifn(&[
            &base[..],
            &[
                "--indicators-file",
                &file,
                "--indicators",
                "poverty_rate,my_age",
            ],
        ]
        .concat());
        assert!(local.status.success(), "{}", stderr(&local));
        let (a, b) = (stdout(&existing), stdout(&local));
        assert!(
            b.starts_with("code,name,population,total,poverty_rate,my_age\n"),
            "{b}"
        );
        assert_eq!(body(&a), body(&b), "{level}, {reference}");
        assert!(!stderr(&local).contains("attention"), "{}", stderr(&local));
    }
}

#[test]
fn a_commune_value_goes_to_each_iris_and_unmatched_codes_are_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = demo_store(dir.path());
    let file = write(
        dir.path(),
        "illectronisme.csv",
        "code,illectronisme\nX1001,12.5\nX10010002,40\nZZ001,1\nZZ002,2\n",
    );
    write(
        dir.path(),
        "illectronisme.toml",
        "[indicators.illectronisme]\nlabel = \"Illectronisme\"\nunit = \"%\"\n",
    );
    let o = ifn(&[
        "score",
        "--store",
        &store,
        "--level",
        "iris",
        "--format",
        "json",
        "--indicators-file",
        &file,
        "--indicators",
        "illectronisme",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("illectronisme.csv") && e.contains("2 code(s)") && e.contains("ZZ001, ZZ002"),
        "{e}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let raw = |code: &str| {
        v["territories"]
            .as_array()
            .expect("territories")
            .iter()
            .find(|t| t["code"] == code)
            .map(|t| t["raw"]["illectronisme"].clone())
            .expect("territory")
    };
    assert_eq!(raw("X10010001"), 12.5);
    assert_eq!(raw("X10010002"), 40.0);
    assert_eq!(raw("X10010003"), 12.5);
    // A commune absent from the file keeps a missing value.
    assert!(raw("X10190000").is_null());
}

#[test]
fn a_bad_local_file_names_the_line_and_the_column_and_nothing_is_scored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = demo_store(dir.path());
    let file = write(
        dir.path(),
        "bad.csv",
        "code,a,b\nX1001,1,2\nX1002,3,trois\n",
    );
    let o = ifn(&[
        "score",
        "--store",
        &store,
        "--level",
        "commune",
        "--indicators-file",
        &file,
    ]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty());
    let e = stderr(&o);
    assert!(
        e.contains("bad.csv : ligne 3, colonne « b »") && e.contains("trois"),
        "{e}"
    );
    // The options are for a single column.
    let two = write(dir.path(), "two.csv", "code,a,b\nX1001,1,2\n");
    let o = ifn(&[
        "score",
        "--store",
        &store,
        "--level",
        "commune",
        "--indicators-file",
        &two,
        "--indicator-label",
        "A",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("TOML"), "{}", stderr(&o));
}

#[test]
fn export_diagnostic_and_analyse_carry_the_local_indicator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/fixtures/local-illectronisme.csv")
        .display()
        .to_string();
    let local = [
        "--indicators-file",
        file.as_str(),
        "--indicators",
        "poverty_rate,illectronisme",
    ];
    let csv = dir.path().join("communes.csv");
    let o = ifn(&[
        &["export", "--level", "commune", "--no-offer", "--out"][..],
        &[csv.to_str().expect("utf-8 path")],
        &local[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let exported = std::fs::read_to_string(&csv).expect("export written");
    assert!(
        exported
            .lines()
            .next()
            .expect("header")
            .contains("illectronisme"),
        "{exported}"
    );
    let html = dir.path().join("x1001.html");
    let o = ifn(&[
        &[
            "diagnostic",
            "--level",
            "commune",
            "--code",
            "X1001",
            "--out",
        ][..],
        &[html.to_str().expect("utf-8 path")],
        &local[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).expect("diagnostic written");
    assert!(
        page.contains("Part des personnes en situation d") && page.contains("indicateur local"),
        "the diagnostic shows the local indicator and its provenance"
    );
    let o = ifn(&[
        &["analyse", "correlations", "--level", "commune"][..],
        &local[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("illectronisme"), "{}", stdout(&o));
}
