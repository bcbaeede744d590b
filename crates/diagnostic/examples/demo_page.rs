//! Prints the diagnostic page of a demo territory to standard output, with a fixed date, so
//! that two versions of the renderer can be compared byte for byte:
//!
//! ```text
//! cargo run -p ifn-diagnostic --example demo_page -- departement X1 > x1.html
//! ```
//!
//! Arguments: level (default `departement`) and code (default `X1`).

use ifn_core::offer::{OfferOptions, PlaceIndex};
use ifn_core::{Catalogue, Engine, Level, Selection};
use ifn_diagnostic::{build_input, render_html, DiagnosticContext};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let level: Level = args.next().as_deref().unwrap_or("departement").parse()?;
    let code = args.next().unwrap_or_else(|| "X1".to_string());
    let t = ifn_core::demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    let ctx = DiagnosticContext {
        meta: &t.meta,
        engine: &engine,
        geometries: &t.geometries,
        places: &t.places,
        index: &index,
    };
    let selection = Selection::builder("tout-age").build(&engine)?;
    let input = build_input(
        &ctx,
        level,
        &code,
        &selection,
        &OfferOptions::default(),
        "2026-11-23",
    )?;
    print!("{}", render_html(&input));
    Ok(())
}
