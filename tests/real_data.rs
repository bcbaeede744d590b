//! `ifn build` on the real files of `../shared/data`, built once and shared by the tests.
//! Fails (does not skip) when `IFN_REQUIRE_REAL_DATA=1` and the folder is missing.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

mod reference;

fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("IFN_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")));
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    if std::env::var("IFN_REQUIRE_REAL_DATA").as_deref() == Ok("1") {
        panic!("IFN_REQUIRE_REAL_DATA=1 but {} is missing", dir.display());
    }
    eprintln!(
        "skipping: {} not found (set IFN_SHARED_DATA)",
        dir.display()
    );
    None
}

/// The France store, built once (None when the real data is absent and not required).
fn store() -> Option<&'static PathBuf> {
    static STORE: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let data = shared_data()?;
            let tmp = tempfile::tempdir().expect("tempdir");
            let out = tmp.path().join("france");
            let st = Command::new(env!("CARGO_BIN_EXE_ifn"))
                // --strict: every unmatched or ambiguous code of the France manifest is either
                // resolved or declared (with its reason) in the manifest.
                .args(["build", "--strict", "--sources"])
                .arg(&data)
                .arg("--out")
                .arg(&out)
                .status()
                .expect("run ifn build");
            assert!(st.success(), "ifn build failed");
            Some((tmp, out))
        })
        .as_ref()
        .map(|(_, p)| p)
}

fn score(level: &str) -> Vec<csv::StringRecord> {
    let out = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["score", "--level", level, "--store"])
        .arg(store().expect("store"))
        .output()
        .expect("run ifn score");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    r.records().map(|x| x.expect("csv record")).collect()
}

#[test]
fn the_france_store_holds_every_departement_and_the_rhone_iris() {
    let Some(dir) = store() else { return };
    let t = ifn_ingest::read_store(dir).expect("read store");
    let units = t.dataset.units();
    let deps: std::collections::BTreeSet<&str> =
        units.iter().map(|u| u.departement.as_str()).collect();
    let metro = deps.iter().filter(|d| d.len() == 2).count();
    assert_eq!(metro, 96, "{deps:?}");
    for d in ["971", "972", "973", "974", "976"] {
        assert!(deps.contains(d), "overseas département {d} missing");
    }
    let communes: std::collections::BTreeSet<&str> =
        units.iter().map(|u| u.commune.as_str()).collect();
    assert!(
        (34_000..36_500).contains(&communes.len()),
        "{} communes",
        communes.len()
    );
    let iris = &t.geometries[&ifn_core::Level::Iris];
    let in_69: std::collections::BTreeSet<&str> = units
        .iter()
        .filter(|u| u.departement == "69")
        .map(|u| u.code.as_str())
        .collect();
    let rhone_iris = iris
        .iter()
        .filter(|f| in_69.contains(f.code.as_str()))
        .count();
    assert_eq!(rhone_iris, 752);
    let epci: std::collections::BTreeSet<&str> = units
        .iter()
        .map(|u| u.code_at(ifn_core::Level::Epci))
        .collect();
    assert!(epci.len() > 1200, "{} EPCI", epci.len());
    assert!(t.geometries[&ifn_core::Level::Departement].len() >= 101);
    assert!(!t.places.is_empty());
}

#[test]
fn every_departement_gets_a_total_and_cantal_haute_loire_rhone_are_in_order() {
    if store().is_none() {
        return;
    }
    let rows = score("departement");
    assert!(rows.len() >= 101, "{} départements", rows.len());
    let total = |code: &str| -> f64 {
        let r = rows
            .iter()
            .find(|r| &r[0] == code)
            .expect("département row");
        r[3].parse().expect("total is a number")
    };
    for r in &rows {
        assert!(
            r[3].parse::<f64>().is_ok_and(f64::is_finite),
            "no total for {}",
            &r[0]
        );
    }
    let (cantal, haute_loire, rhone) = (total("15"), total("43"), total("69"));
    assert!(
        cantal > haute_loire && haute_loire > rhone,
        "{cantal} {haute_loire} {rhone}"
    );
}

#[test]
fn the_store_carries_its_build_report_and_provenance() {
    let Some(dir) = store() else { return };
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("build-report.json")).expect("report"))
            .expect("json");
    assert!(report["datasets"]["arcep_debit_communes_2019"]["matched"].as_u64() > Some(30_000));
    assert!(dir.join("build-report.txt").is_file());
    assert!(dir.join("provenance.parquet").is_file());
    // The SIG Ville rows of quartiers spanning communes are declared, not unmatched.
    let sig = &report["datasets"]["anct_sig_ville_demo_2020_com"];
    assert_eq!(sig["unmatched"].as_object().map(|m| m.len()), Some(0));
    assert!(
        sig["notes"].as_array().expect("notes").iter().any(|n| n
            .as_str()
            .is_some_and(|n| n.starts_with("134 rows ignored"))),
        "{sig}"
    );
}

/// Spearman of ifn's département totals (Tout âge, default selection) against the published
/// IFN 2020 département table, measured on the store without 4G (0.2196, 98 départements),
/// rounded down: it must not fall.
const MIN_SPEARMAN: f64 = 0.21;
/// Mean absolute difference (ifn's scale) measured on the store without 4G (1.0889), rounded
/// up: it must not grow.
const MAX_MEAN_ABSOLUTE_DIFFERENCE: f64 = 1.10;

#[test]
fn departement_totals_stay_as_close_to_the_published_ifn_as_before() {
    let Some(data) = shared_data() else { return };
    if store().is_none() {
        return;
    }
    let population: std::collections::HashMap<String, f64> = score("commune")
        .iter()
        .filter_map(|r| Some((r[0].to_string(), r[2].parse().ok()?)))
        .collect();
    let published = reference::departement_table(
        &data.join("reference/ifn-2020-iris-par-region"),
        &population,
    );
    let (mut ifn, mut refv) = (Vec::new(), Vec::new());
    for r in score("departement") {
        if let (Some(p), Ok(t)) = (published.get(&r[0]), r[3].parse::<f64>()) {
            ifn.push(t);
            refv.push(*p);
        }
    }
    assert!(ifn.len() >= 90, "{} départements compared", ifn.len());
    let rho = reference::spearman(&ifn, &refv);
    let mad = reference::mean_absolute_difference(&ifn, &refv);
    println!(
        "published IFN 2020 vs ifn, {} départements: Spearman {rho:.4}, mean absolute difference {mad:.4}",
        ifn.len()
    );
    assert!(rho >= MIN_SPEARMAN, "Spearman {rho} < {MIN_SPEARMAN}");
    assert!(
        mad <= MAX_MEAN_ABSOLUTE_DIFFERENCE,
        "mean absolute difference {mad} > {MAX_MEAN_ABSOLUTE_DIFFERENCE}"
    );
}

#[test]
fn the_4g_approximation_covers_every_unit_and_is_listed_in_the_report() {
    let Some(dir) = store() else { return };
    let t = ifn_ingest::read_store(dir).expect("read store");
    let d = &t.dataset;
    let j = d
        .indicator_index("no_4g_coverage_rate")
        .expect("4G in the store");
    let value = |commune: &str| -> f64 {
        let i = d
            .units()
            .iter()
            .position(|u| u.commune == commune)
            .unwrap_or_else(|| panic!("commune {commune}"));
        d.values()[(i, j)]
    };
    let missing = d.values().column(j).iter().filter(|v| v.is_nan()).count();
    assert!(missing <= 1, "{missing} units without 4G value");
    assert!(d
        .values()
        .column(j)
        .iter()
        .all(|v| v.is_nan() || (0.0..=100.0).contains(v)));
    // Paris 1er is covered everywhere; Saül, in the Guyane forest, almost nowhere.
    assert_eq!(value("75101"), 0.0);
    assert!(value("97352") > 90.0, "Saül {}", value("97352"));
    let report = std::fs::read_to_string(dir.join("build-report.txt")).expect("report");
    assert!(
        report.contains("approximations:") && report.contains("no_4g_coverage_rate: 100 ×"),
        "{report}"
    );
    // Tout âge is scored on its five IFN indicators.
    let header = score("departement");
    assert!(header.iter().all(|r| r.len() >= 9), "{:?}", header.first());
}

#[test]
fn secret_values_are_estimated_from_the_published_values_of_the_enclosing_territory() {
    let Some(dir) = store() else { return };
    let t = ifn_ingest::read_store(dir).expect("read store");
    let d = &t.dataset;
    let j = d.indicator_index("poverty_rate").expect("poverty");
    let units = d.units();
    let est: Vec<usize> = (0..units.len())
        .filter(|&i| d.estimated_from(i, j).is_some())
        .collect();
    assert!(est.len() > 20_000, "{} estimated", est.len());
    // Recompute, from the published units only, the EPCI mean of one estimated unit.
    let i = *est
        .iter()
        .find(|&&i| d.estimated_from(i, j) == Some(ifn_core::Level::Epci))
        .expect("an estimate from an EPCI");
    let (mut w, mut wv) = (0.0, 0.0);
    for (k, u) in units.iter().enumerate() {
        if u.epci == units[i].epci && d.estimated_from(k, j).is_none() {
            let v = d.values()[(k, j)];
            if v.is_finite() {
                w += u.population;
                wv += u.population * v;
            }
        }
    }
    assert!(w > 0.0);
    assert!((d.values()[(i, j)] - wv / w).abs() < 1e-9);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("build-report.json")).expect("report"))
            .expect("json");
    let p = &report["secret"]["indicators"]["poverty_rate"];
    assert_eq!(report["secret"]["policy"], "estimate");
    assert_eq!(p["estimated"]["epci"].as_u64().map(|n| n as usize), {
        let n = est
            .iter()
            .filter(|&&i| d.estimated_from(i, j) == Some(ifn_core::Level::Epci))
            .count();
        Some(n)
    });
    // Exports carry the mark.
    let out = tempfile::tempdir().expect("tempdir");
    let csv_path = out.path().join("communes.csv");
    let st = Command::new(env!("CARGO_BIN_EXE_ifn"))
        .args(["export", "--level", "commune", "--store"])
        .arg(dir)
        .arg("--out")
        .arg(&csv_path)
        .status()
        .expect("run ifn export");
    assert!(st.success());
    let mut r = csv::Reader::from_path(&csv_path).expect("csv");
    let h = r.headers().expect("header").clone();
    assert!(h.iter().any(|c| c == "poverty_rate_estimee"), "{h:?}");
}
