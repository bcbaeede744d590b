//! # ifn-diagnostic — the *diagnostic territorial* of a territory, as a printable page
//!
//! France Numérique Ensemble asks every département for a roadmap whose first chapter is a
//! territorial diagnostic: the needs of the public and the offer of accompaniment. This crate
//! builds that chapter for any territory of a store, in French and in the words of the FNE
//! roadmaps (*besoins des publics*, *offre d'accompagnement*, *enjeux*):
//!
//! - [`build_input`] computes every figure from `ifn-core`: the score and each indicator
//!   against the enclosing territories (EPCI, département or région) and France, the most
//!   fragile sub-territories, the mediation offer and its gaps ([`ifn_core::offer`]), sources and vintages;
//! - [`render_html`] turns them into one self-contained HTML page (inline CSS and SVG map, no
//!   network) that prints to a clean A4 PDF from any browser. Key numbers carry
//!   `data-figure` / `data-value` attributes so that tests can read them back;
//! - [`write_atomic`] writes the page without ever leaving a half-written file.
//!
//! ```
//! use ifn_core::offer::{OfferOptions, PlaceIndex};
//! use ifn_core::{Catalogue, Engine, Level, Selection};
//! use ifn_diagnostic::{build_input, render_html, DiagnosticContext};
//!
//! let t = ifn_core::demo::generate();
//! let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
//! let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
//! let ctx = DiagnosticContext { meta: &t.meta, engine: &engine, geometries: &t.geometries, places: &t.places, index: &index };
//! let sel = Selection::builder("tout-age").build(&engine).unwrap();
//! let input = build_input(&ctx, Level::Epci, "X00000001", &sel, &OfferOptions::default(), "2026-11-23").unwrap();
//! let html = render_html(&input);
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Besoins des publics") && html.contains("Offre d'accompagnement") && html.contains("Enjeux"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compare;
mod error;
pub mod format;
mod input;
mod render;
pub mod scale;
pub mod svg;

use std::io::Write;
use std::path::Path;

pub use compare::{Compared, Reference};
pub use error::{DiagnosticError, DiagnosticResult};
pub use input::{
    build_input, ChildRow, DiagnosticContext, DiagnosticInput, IndicatorRow, MapData, MapShape,
    ZoneBlancheRow, TOP_FRAGILE, ZONES_BLANCHES_LISTED,
};
pub use render::{read_figure, render_error_page, render_html};

/// Writes `contents` to `path` through a temporary file in the same folder, renamed at the
/// end: readers see the old file or the new one, never half of it.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("d.html");
/// ifn_diagnostic::write_atomic(&p, "<p>ok</p>").unwrap();
/// assert_eq!(std::fs::read_to_string(&p).unwrap(), "<p>ok</p>");
/// assert!(ifn_diagnostic::write_atomic(&dir.path().join("missing/d.html"), "x").is_err());
/// ```
pub fn write_atomic(path: &Path, contents: &str) -> DiagnosticResult<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| DiagnosticError::Write { path: p, source }
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ifn-diagnostic-").suffix(".tmp");
    // tempfile creates private (0600) files; a page is a document to share, so it gets the
    // permissions `File::create` would give (0666 less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // The temporary file is removed when dropped, so an error below leaves nothing behind.
    let mut tmp = builder.tempfile_in(dir).map_err(err(dir))?;
    tmp.write_all(contents.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(err(tmp.path()))?;
    tmp.persist(path).map_err(|e| DiagnosticError::Write {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Today's date in UTC as `YYYY-MM-DD` (civil-from-days, no time-zone database needed).
///
/// ```
/// let d = ifn_diagnostic::today_utc();
/// assert_eq!(d.len(), 10);
/// assert!(d.starts_with("20"));
/// ```
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
