//! `ifn diagnostic` end to end: the binary writes the page, its figures are the library's, a
//! bad code fails cleanly, and headless Chromium prints the page to an A4 PDF.
//!
//! The Chromium part is skipped (with a message) when no browser is installed, and fails
//! instead when `IFN_REQUIRE_BROWSER=1` (as `.ci/run` sets it).
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

use std::path::Path;
use std::process::Command;

use ifn_core::offer::{offer, OfferOptions};
use ifn_core::Level;

fn ifn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ifn"))
}

/// Value of a `data-figure` of the page (it must be there).
fn figure(html: &str, name: &str) -> Option<f64> {
    ifn_diagnostic::read_figure(html, name)
        .unwrap_or_else(|| panic!("figure {name} not on the page"))
}

#[test]
fn the_diagnostic_command_writes_the_library_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x2.html");
    let status = ifn()
        .args([
            "diagnostic",
            "--level",
            "departement",
            "--code",
            "X2",
            "--threshold",
            "6",
            "--distance-km",
            "4",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(&out).unwrap();

    // The binary builds the same demo territory on its own.
    let demo = ifn_test_support::demo();
    let engine = &demo.engine;
    let sel = ifn_test_support::selection("tout-age");
    let scores = engine.score(Level::Departement, &sel).unwrap();
    let r = scores.index_of("X2").unwrap();
    let units = engine.unit_scores(&sel).unwrap();
    let opts = OfferOptions {
        threshold: 6.0,
        distance_km: 4.0,
    };
    let o = offer(Level::Departement, engine, &units, &demo.index, &opts).unwrap();
    let x2 = o.get("X2").unwrap();
    assert_eq!(figure(&html, "score"), Some(scores.total[r]));
    assert_eq!(
        figure(&html, "places-total"),
        Some(f64::from(x2.places.all))
    );
    assert_eq!(
        figure(&html, "fragile-population"),
        Some(x2.fragile_population)
    );
    assert_eq!(
        figure(&html, "fragile-share-beyond"),
        Some(x2.fragile_share_beyond)
    );
    assert_eq!(
        figure(&html, "zones-blanches-count"),
        Some(x2.zones_blanches.len() as f64)
    );
    // The options of the command line reach the page.
    assert_eq!(figure(&html, "threshold"), Some(6.0));
    assert_eq!(figure(&html, "distance-km"), Some(4.0));
    assert!(html.contains("Données fictives"));
}

#[test]
fn an_unknown_code_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nope.html");
    let o = ifn()
        .args([
            "diagnostic",
            "--level",
            "commune",
            "--code",
            "16015",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("16015"), "{err}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left"
    );
    let o = ifn()
        .args([
            "diagnostic",
            "--level",
            "commune",
            "--code",
            "X1001",
            "--distance-km=-3",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("distance"));
}

#[test]
fn a_communes_diagnostic_has_an_epci_column_and_a_departements_none_for_itself() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ifn_test_support::demo();
    let engine = &demo.engine;
    let sel = ifn_test_support::selection("tout-age");
    let unit = demo
        .territory
        .dataset
        .units()
        .iter()
        .find(|u| u.commune == "X1001")
        .unwrap();
    let run = |level: &str, code: &str| {
        let out = dir.path().join(format!("{level}-{code}.html"));
        let status = ifn()
            .args(["diagnostic", "--level", level, "--code", code, "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(&out).unwrap()
    };

    let html = run("commune", "X1001");
    let epci = engine.score(Level::Epci, &sel).unwrap();
    let r = epci.index_of(&unit.epci).unwrap();
    assert_eq!(figure(&html, "score-epci"), Some(epci.total[r]));
    for (k, key) in sel.indicators.iter().enumerate() {
        let v = epci.raw[(r, k)];
        if v.is_finite() {
            assert_eq!(figure(&html, &format!("indicator-raw-{key}-epci")), Some(v));
        }
    }
    assert!(figure(&html, "score-departement").is_some());

    let html = run("departement", &unit.departement);
    assert_eq!(
        ifn_diagnostic::read_figure(&html, "score-departement"),
        None
    );
    assert!(!html.contains("-departement\""), "no column for itself");
    // The demo's single région is the whole store: only the France column remains.
    assert_eq!(ifn_diagnostic::read_figure(&html, "score-region"), None);
    assert!(figure(&html, "score-france").is_some());
}

#[test]
fn a_bad_diagnostic_address_answers_a_french_html_404() {
    let server = crate::server_e2e::start();
    let (status, raw) = crate::server_e2e::http_get(&server.addr, "/diagnostic/commune/99999");
    assert_eq!(status, 404);
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{text}"
    );
    assert!(
        text.contains("lang=\"fr\"") && text.contains("Diagnostic introuvable"),
        "{text}"
    );
    assert!(
        text.contains("99999") && text.contains("recherche"),
        "{text}"
    );
    assert!(!text.contains("{\"error\""), "{text}");
    // The API keeps its JSON errors.
    let (status, raw) = crate::server_e2e::http_get(&server.addr, "/api/territories/commune/99999");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&raw).contains("\"status\":404"));
}

#[test]
fn the_diagnostic_page_prints_to_pdf_in_headless_chromium() {
    let Some(browser) = ifn_test_support::browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("epci.html");
    assert!(ifn()
        .args([
            "diagnostic",
            "--level",
            "epci",
            "--code",
            "X00000001",
            "--out"
        ])
        .arg(&html)
        .status()
        .unwrap()
        .success());
    let pdf = dir.path().join("epci.pdf");
    let o = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(Path::new(&pdf)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() > 20_000, "{} bytes", bytes.len());
    assert!(
        String::from_utf8_lossy(&bytes).contains("/MediaBox [0 0 594.95996 841.91998]"),
        "not A4"
    );
}
