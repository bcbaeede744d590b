//! The diagnostic page printed to PDF by headless Chromium.
//!
//! Skipped (with a message) when Chromium is absent, a failure when `IFN_REQUIRE_BROWSER=1`
//! (as `.ci/run` sets it).
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

mod common;

use std::path::Path;
use std::process::Command;

use common::{demo, demo_input, Demo};
use ifn_core::offer::OfferOptions;
use ifn_core::{Level, Selection};
use ifn_diagnostic::{render_html, write_atomic};

fn print_to_pdf(browser: &Path, html: &Path, pdf: &Path, profile: &Path) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Pages of a PDF: `/Type /Page` objects (not `/Pages`), as Chromium writes them.
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
        + text
            .match_indices("/Type/Page")
            .filter(|(i, _)| !text[i + 10..].starts_with('s'))
            .count()
}

#[test]
fn the_diagnostic_prints_to_a_few_a4_pages() {
    // Skipped (with a message) without Chromium, a failure when `IFN_REQUIRE_BROWSER=1`.
    let Some(browser) = ifn_test_support::browser() else {
        return;
    };
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let opts = OfferOptions {
        threshold: 6.0,
        distance_km: 3.0,
    };
    let input = demo_input(t, engine, index, Level::Departement, "X1", &sel, &opts);
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("diagnostic.html");
    write_atomic(&html, &render_html(&input)).unwrap();
    let pdf = dir.path().join("diagnostic.pdf");
    print_to_pdf(&browser, &html, &pdf, &dir.path().join("profile"));
    let bytes = std::fs::read(&pdf).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(
        bytes.len() > 20_000,
        "PDF of {} bytes: too small to hold the page",
        bytes.len()
    );
    let pages = page_count(&bytes);
    assert!((2..=8).contains(&pages), "{pages} pages");
    // A4 portrait is 595 × 842 points.
    let boxes = media_boxes(&bytes);
    assert!(!boxes.is_empty(), "no /MediaBox in the PDF");
    for b in &boxes {
        assert!(
            (b[2] - b[0] - 595.0).abs() < 1.5 && (b[3] - b[1] - 842.0).abs() < 1.5,
            "page box {b:?} is not A4 portrait"
        );
    }
    if let Ok(dir) = std::env::var("IFN_KEEP_PDF") {
        std::fs::copy(&pdf, Path::new(&dir).join("diagnostic.pdf")).unwrap();
        std::fs::copy(&html, Path::new(&dir).join("diagnostic.html")).unwrap();
    }
}

fn media_boxes(pdf: &[u8]) -> Vec<[f64; 4]> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(i, _)| {
            let rest = &text[i + 9..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let nums: Vec<f64> = rest[open + 1..close]
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (nums.len() == 4).then(|| [nums[0], nums[1], nums[2], nums[3]])
        })
        .collect()
}
