//! Top of the page: title, parents, fictional-data warning, parameters, key figures.

use maud::{html, Markup};

use super::{fig, score_text, Page};
use crate::format::{fr, pct};

/// Title, territory, parents, the fictional-data warning and the parameters of the diagnostic.
pub(super) fn header(page: &Page<'_>) -> Markup {
    let d = page.d;
    html! {
        header {
            h1 { "Diagnostic territorial de l'inclusion numérique" }
            p class="subtitle" {
                strong data-figure="name" { (d.name) }
                " — " (d.level.label_fr()) " "
                span data-figure="code" { (d.code) }
            }
            @if !d.parents.is_empty() {
                p class="context" {
                    @for (k, (level, _, name)) in d.parents.iter().enumerate() {
                        @if k > 0 { " · " }
                        (level.label_fr()) " : " (name)
                    }
                }
            }
            p class="context" {
                "Premier chapitre d'une feuille de route France Numérique Ensemble : les besoins \
                 des publics, l'offre d'accompagnement et les enjeux qui en découlent."
            }
        }
        @if d.fictional {
            div class="fictional" data-figure="fictional" {
                "Données fictives — ce document est calculé sur « " (d.store_name) " », un \
                 territoire inventé. Les chiffres, les noms et les lieux ne décrivent aucun \
                 territoire réel : ne pas utiliser pour un diagnostic."
            }
        }
        p class="params" {
            "Profil : " strong { (d.profile) } " · " (d.indicators.len())
            " indicateur(s) retenu(s) · " (reference_fr(&d.reference))
            " · publics fragiles : score ≥ "
            (fig("threshold", d.options.threshold, &fr(d.options.threshold, 1)))
            " · distance d'accès : "
            (fig("distance-km", d.options.distance_km, &page.distance_text()))
            " km"
        }
    }
}

/// "Chiffres clés": six cards.
pub(super) fn key_figures(page: &Page<'_>) -> Markup {
    let d = page.d;
    let o = &d.offer;
    let places = f64::from(o.places.all);
    let zones_blanches = o.zones_blanches.len() as f64;
    html! {
        h2 { "Chiffres clés" }
        div class="cards" {
            (card(
                html! { (fig("score", d.score.territory, &score_text(d.score.territory))) " / 10" },
                "Score de fragilité numérique (IFN)",
            ))
            (card(
                fig("population", d.population.territory, &fr(d.population.territory, 0)),
                "Habitants",
            ))
            (card(
                html! {
                    (fig("fragile-population", o.fragile_population, &fr(o.fragile_population, 0)))
                    " "
                    small { "(" (fig("fragile-population-share", page.fragile_share, &pct(page.fragile_share))) ")" }
                },
                &format!(
                    "Habitants de zones au score ≥ {} (publics fragiles)",
                    fr(d.options.threshold, 1)
                ),
            ))
            (card(fig("places-total", places, &fr(places, 0)), "Lieux de médiation numérique"))
            (card(
                fig("fragile-share-beyond", o.fragile_share_beyond, &pct(o.fragile_share_beyond)),
                &format!("des publics fragiles à plus de {} km d'un lieu", page.distance_text()),
            ))
            (card(
                fig("zones-blanches-count", zones_blanches, &fr(zones_blanches, 0)),
                "Zones blanches (zones fragiles sans lieu à proximité)",
            ))
        }
    }
}

/// One key figure: the value in large type above its label.
fn card(value: Markup, label: &str) -> Markup {
    html! {
        div class="card" { span class="v" { (value) } span class="l" { (label) } }
    }
}

/// How the classes were computed, from the selection's reference.
fn reference_fr(reference: &str) -> &'static str {
    match reference {
        "departement" => "classes calculées au sein de chaque département",
        "region" => "classes calculées au sein de chaque région",
        _ => "classes calculées sur l'ensemble des IRIS (France)",
    }
}
