//! Part 1, *Besoins des publics*: the score against the enclosing territories and France,
//! the indicators of the selection, the map, the most fragile sub-territories.

use ifn_core::Axis;
use maud::{html, Markup};

use super::{child_label, compared_cells, fig, level_article, map, score_text, Page};
use crate::format::{fr, pct};
use crate::scale::{class_text, raw_text};

/// The whole of part 1.
pub(super) fn section(page: &Page<'_>) -> Markup {
    let d = page.d;
    html! {
        h2 { "1. Besoins des publics" }
        p {
            "L'Indice de Fragilité Numérique classe chaque IRIS de 1 (faible) à 10 (forte) sur \
             chaque indicateur, puis fait la moyenne pondérée des classes ; le score "
            (level_article(d.level))
            " est la moyenne des scores de ses IRIS pondérée par leur population."
        }
        table class="keep" {
            thead {
                tr { th { span class="sr-only" { "Indicateur" } } th class="n" { (d.name) } (page.reference_headers()) }
            }
            tbody {
                tr {
                    th { "Score IFN" }
                    td class="n" { (fig("score-table", d.score.territory, &score_text(d.score.territory))) }
                    @for (r, &v) in d.references.iter().zip(&d.score.references) {
                        td class="n" { (fig(&format!("score-{}", r.figure_suffix()), v, &score_text(v))) }
                    }
                }
                tr {
                    th { "Population" }
                    (compared_cells(page, "population-table", &d.population, |v| fr(v, 0)))
                }
            }
        }
        (indicators(page))
        (map::map_box(page))
        (most_fragile(page))
    }
}

/// "Indicateurs retenus": weight, raw value (with its unit, rounded as on the map) and class
/// of each indicator, compared.
fn indicators(page: &Page<'_>) -> Markup {
    let span = 1 + page.d.references.len();
    let columns = page.columns_text();
    html! {
        h3 { "Indicateurs retenus" }
        table {
            thead {
                tr {
                    th { "Indicateur" }
                    th class="n" { "Poids" }
                    th class="n" colspan=(span) { "Valeur (" (columns) ")" }
                    th class="n" colspan=(span) { "Classe 1–10 (" (columns) ")" }
                }
            }
            tbody {
                @for r in &page.d.indicators {
                    tr {
                        td {
                            (r.label)
                            @if matches!(r.axis, Some(Axis::Contexte)) { " " small { "(contexte)" } }
                            @if r.estimated_share > 0.0 {
                                " " sup data-figure={ "indicator-estimated-" (r.key) } {
                                    a href="#note-secret" aria-label="valeur estimée, voir la note" { "*" }
                                }
                            }
                        }
                        td class="n" { (fr(r.weight, 1)) }
                        (compared_cells(page, &format!("indicator-raw-{}", r.key), &r.raw, |v| raw_text(v, &r.unit)))
                        (compared_cells(page, &format!("indicator-class-{}", r.key), &r.class, class_text))
                    }
                }
            }
        }
        @let estimated: Vec<_> = page.d.indicators.iter().filter(|r| r.estimated_share > 0.0).collect();
        @if !estimated.is_empty() {
            p class="note" id="note-secret" {
                "* Valeur estimée (secret statistique) : l'INSEE ne publie pas cette valeur pour \
                 les plus petites unités ; ifn leur donne celle du plus petit territoire englobant \
                 qui en publie une (commune, EPCI puis département), calculée sur les seules \
                 valeurs publiées. Part de la population concernée : "
                @for (k, r) in estimated.iter().enumerate() {
                    @if k > 0 { " ; " }
                    (r.label) " " (pct(r.estimated_share))
                }
                "."
            }
        }
    }
}

/// The most fragile sub-territories, when the level has any.
fn most_fragile(page: &Page<'_>) -> Markup {
    let d = page.d;
    let Some(child_level) = d.child_level else {
        return html! {};
    };
    html! {
        h3 {
            "Les " (child_label(child_level)) " les plus fragiles ("
            (d.top_fragile.len()) " sur " (d.child_count) ")"
        }
        table class="keep" {
            thead {
                tr {
                    th { "#" }
                    th { (child_level.label_fr()) }
                    th class="n" { "Score" }
                    th class="n" { "Habitants" }
                    th class="n" { "Publics fragiles" }
                    th class="n" { "Lieux" }
                    th class="n" { "Fragiles à plus de " (page.distance_text()) " km" }
                }
            }
            tbody {
                @for (k, r) in d.top_fragile.iter().enumerate() {
                    @let n = k + 1;
                    @let places = f64::from(r.places);
                    tr {
                        td class="n" { (n) }
                        td { (r.name) " " small data-figure={ "top-fragile-" (n) "-code" } { (r.code) } }
                        td class="n" { (fig(&format!("top-fragile-{n}-score"), r.score, &score_text(r.score))) }
                        td class="n" { (fr(r.population, 0)) }
                        td class="n" { (fr(r.fragile_population, 0)) }
                        td class="n" { (fig(&format!("top-fragile-{n}-places"), places, &fr(places, 0))) }
                        td class="n" { (pct(r.fragile_share_beyond)) }
                    }
                }
            }
        }
    }
}
