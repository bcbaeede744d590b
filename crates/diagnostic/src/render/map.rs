//! The map of part 1 with its legend.

use maud::{html, Markup};

use super::{child_label, level_article, Page};
use crate::scale::{score_colour, MISSING_COLOUR};
use crate::svg::map_svg;

/// Title, map and legend (classes 10 down to 1, missing, places, zones blanches).
pub(super) fn map_box(page: &Page<'_>) -> Markup {
    let d = page.d;
    let title = match d.map.level {
        Some(l) if Some(l) == d.child_level => format!(
            "Carte : score IFN des {} {}",
            child_label(l),
            level_article(d.level)
        ),
        _ => "Carte : score IFN du territoire".to_string(),
    };
    html! {
        h3 { (title) }
        div class="mapbox" {
            (map_svg(&d.map))
            div class="legend" {
                @for k in (1..=10u8).rev() {
                    div {
                        span class="swatch" style={ "background:" (score_colour(f64::from(k))) } {}
                        (k)
                        @if k == 10 { " (très forte fragilité)" }
                        @if k == 1 { " (faible fragilité)" }
                    }
                }
                div { span class="swatch" style={ "background:" (MISSING_COLOUR) } {} "donnée manquante" }
                div {
                    svg width="12" height="12" aria-hidden="true" { circle cx="6" cy="6" r="3.5" fill="#000091" {} }
                    " lieu de médiation"
                }
                div {
                    svg width="12" height="12" aria-hidden="true" {
                        rect width="12" height="12" fill="none" stroke="#1d1d8f" {}
                        line x1="0" y1="12" x2="12" y2="0" stroke="#1d1d8f" {}
                    }
                    " zone blanche"
                }
            }
        }
    }
}
