//! Helpers shared by the integration tests of ifn-diagnostic.
#![allow(dead_code)]

use ifn_core::offer::{OfferOptions, PlaceIndex};
use ifn_core::{Catalogue, Engine, Level, Selection, Territory};
use ifn_diagnostic::{build_input, DiagnosticContext, DiagnosticInput};

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
    figures(html)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("figure {name} is not on the page"))
        .1
}

/// Demo territory, engine and index.
pub fn demo() -> (Territory, Engine, PlaceIndex) {
    let t = ifn_core::demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    (t, engine, index)
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
