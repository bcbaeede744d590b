//! Helpers shared by the integration tests of ifn-diagnostic.
#![allow(dead_code)]

use ifn_core::offer::{OfferOptions, PlaceIndex};
use ifn_core::{Engine, Level, Selection, Territory};
use ifn_diagnostic::{build_input, DiagnosticContext, DiagnosticInput};
pub use ifn_test_support::{demo, Demo};

/// `(name, value, text)` of every `data-figure` element carrying a `data-value`.
pub fn figures(html: &str) -> Vec<(String, Option<f64>, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-figure=\"") {
        rest = &rest[i + 13..];
        let Some(end) = rest.find('"') else { break };
        let name = rest[..end].to_string();
        let tail = &rest[end + 1..];
        let value = tail
            .strip_prefix(" data-value=\"")
            .and_then(|t| t.split_once('"'))
            .map(|(v, _)| v.to_string());
        let text = tail
            .split_once('>')
            .map(|(_, t)| t.split('<').next().unwrap_or("").to_string())
            .unwrap_or_default();
        if let Some(v) = value {
            out.push((name, v.parse().ok(), text));
        }
    }
    out
}

/// The value of a figure that must appear (the first one).
pub fn figure(html: &str, name: &str) -> Option<f64> {
    ifn_diagnostic::read_figure(html, name)
        .unwrap_or_else(|| panic!("figure {name} is not on the page"))
}

/// Diagnostic input of a demo territory.
pub fn demo_input(
    t: &Territory,
    engine: &Engine,
    index: &PlaceIndex,
    level: Level,
    code: &str,
    selection: &Selection,
    options: &OfferOptions,
) -> DiagnosticInput {
    let ctx = DiagnosticContext {
        meta: &t.meta,
        engine,
        geometries: &t.geometries,
        places: &t.places,
        index,
    };
    build_input(&ctx, level, code, selection, options, "2026-11-23").expect("demo diagnostic")
}
