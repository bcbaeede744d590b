//! The printable HTML page, written as [maud] templates: one module per part of the page, in
//! the order the page shows them.
//!
//! - [`header`]: title, parents, fictional-data warning, parameters and the key figures;
//! - [`needs`]: 1. *Besoins des publics* (score, indicators, most fragile sub-territories);
//! - [`map`]: the map box of part 1 (the SVG of [`crate::svg`] and its legend);
//! - [`offer`]: 2. *Offre d'accompagnement*;
//! - [`enjeux`]: 3. *Enjeux* and the zones blanches;
//! - [`sources`]: sources, vintages, method and footer;
//! - [`error_page`]: the French page answered instead when the address is wrong.
//!
//! maud escapes every spliced value; only the style sheet is inserted as it is.

mod enjeux;
mod error_page;
mod header;
mod map;
mod needs;
mod offer;
mod sources;

use ifn_core::offer::TerritoryOffer;
use ifn_core::Level;
use maud::{html, Markup, PreEscaped, DOCTYPE};

pub use error_page::render_error_page;

use crate::compare::Compared;
use crate::format::{esc, fr};
use crate::input::DiagnosticInput;
use crate::scale;

/// The page's style sheet (print layout for A4, screen layout around it).
const CSS: &str = include_str!("page.css");

/// What several parts of the page use, computed once.
struct Page<'a> {
    d: &'a DiagnosticInput,
    /// Share of the population living in fragile zones (NaN for an empty territory).
    fragile_share: f64,
}

impl<'a> Page<'a> {
    fn new(d: &'a DiagnosticInput) -> Self {
        let fragile_share = if d.population.territory > 0.0 {
            d.offer.fragile_population / d.population.territory
        } else {
            f64::NAN
        };
        Page { d, fragile_share }
    }

    /// An offer figure for the territory and each of its references.
    fn offer_compared(&self, f: impl Fn(&TerritoryOffer) -> f64) -> Compared {
        Compared {
            territory: f(&self.d.offer),
            references: self.d.offer_references.iter().map(&f).collect(),
        }
    }

    /// One header cell per reference (its name, its level in small type).
    fn reference_headers(&self) -> Markup {
        html! {
            @for r in &self.d.references {
                th class="n" {
                    (r.name)
                    @if let Some(l) = r.level { br; small { (l.label_fr()) } }
                }
            }
        }
    }

    /// "territoire · EPCI · dép. · France": the columns of a compared value, for a header.
    fn columns_text(&self) -> String {
        std::iter::once("territoire")
            .chain(self.d.references.iter().map(|r| r.short_label()))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// A compared figure in a sentence: "EPCI : 12,5 %, département : 10,0 %, France : 9,1 %".
    fn references_text(&self, c: &Compared, text: impl Fn(f64) -> String) -> String {
        self.d
            .references
            .iter()
            .zip(&c.references)
            .map(|(r, &v)| {
                let label = match r.level {
                    Some(Level::Epci) => "EPCI".to_string(),
                    Some(l) => l.label_fr().to_lowercase(),
                    None => r.name.clone(),
                };
                format!("{label} : {}", text(v))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The distance threshold in French, for the sentences that quote it.
    fn distance_text(&self) -> String {
        fr(self.d.options.distance_km, 1)
    }
}

/// Renders the diagnostic as one self-contained HTML page (inline CSS and SVG, no network),
/// laid out for A4 printing. Key numbers carry `data-figure="…"` and `data-value="…"` (full
/// precision) attributes.
pub fn render_html(d: &DiagnosticInput) -> String {
    let page = Page::new(d);
    html! {
        (DOCTYPE) "\n"
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Diagnostic territorial — " (d.name) }
                style { (PreEscaped(CSS)) }
            }
            body {
                // One `main` landmark holds the whole document, in reading (and printing) order.
                main {
                    div class="no-print" {
                        button type="button" onclick="window.print()" { "Imprimer / enregistrer en PDF" }
                    }
                    (header::header(&page))
                    (header::key_figures(&page))
                    (needs::section(&page))
                    (offer::section(&page))
                    (enjeux::section(&page))
                    (sources::section(&page))
                }
            }
        }
        "\n"
    }
    .into_string()
}

/// A number with its stable `data-figure` name and its machine value (full precision, blank
/// when unknown), for tests and scrapers; [`read_figure`] reads it back.
fn fig(name: &str, value: f64, text: &str) -> Markup {
    let machine = if value.is_finite() {
        value.to_string()
    } else {
        String::new()
    };
    html! { span data-figure=(name) data-value=(machine) { (text) } }
}

/// The cells territory · references of a compared value, each a figure named `name` for the
/// territory and `name-<level>` (`name-epci`, `name-departement`, `name-france`…) for each
/// reference.
fn compared_cells(
    page: &Page<'_>,
    name: &str,
    c: &Compared,
    text: impl Fn(f64) -> String,
) -> Markup {
    html! {
        td class="n" { (fig(name, c.territory, &text(c.territory))) }
        @for (r, &v) in page.d.references.iter().zip(&c.references) {
            td class="n" { (fig(&format!("{name}-{}", r.figure_suffix()), v, &text(v))) }
        }
    }
}

/// Reads back a figure of a rendered page: `None` when the page has no `data-figure="name"`
/// with a value, `Some(None)` when its value is blank (unknown), `Some(Some(v))` otherwise.
/// For tests and scripts that check a page against the API.
///
/// ```
/// let html = r#"<span data-figure="score" data-value="6.5">6,5</span><span data-figure="x" data-value="">–</span>"#;
/// assert_eq!(ifn_diagnostic::read_figure(html, "score"), Some(Some(6.5)));
/// assert_eq!(ifn_diagnostic::read_figure(html, "x"), Some(None));
/// assert_eq!(ifn_diagnostic::read_figure(html, "nope"), None);
/// ```
pub fn read_figure(html: &str, name: &str) -> Option<Option<f64>> {
    let key = format!("data-figure=\"{}\" data-value=\"", esc(name));
    let rest = &html[html.find(&key)? + key.len()..];
    let value = &rest[..rest.find('"')?];
    Some(value.parse().ok())
}

/// A score as the page prints it (the rule shared with the map, see [`crate::scale`]).
fn score_text(v: f64) -> String {
    scale::score_text(v)
}

/// "of the …" for a level, in French.
fn level_article(level: Level) -> &'static str {
    match level {
        Level::Iris => "de l'IRIS",
        Level::Commune => "de la commune",
        Level::Epci => "de l'EPCI",
        Level::Departement => "du département",
        Level::Region => "de la région",
    }
}

/// Plural name of the sub-territories of a level, in French.
fn child_label(level: Level) -> &'static str {
    match level {
        Level::Iris => "IRIS",
        Level::Commune => "communes",
        Level::Epci => "EPCI",
        Level::Departement => "départements",
        Level::Region => "régions",
    }
}
