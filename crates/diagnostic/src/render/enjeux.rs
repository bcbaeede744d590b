//! Part 3, *Enjeux*: the sentences that sum the diagnostic up, and the zones blanches.

use maud::{html, Markup};

use super::{fig, level_article, score_text, Page};
use crate::format::{fr, pct};
use crate::input::IndicatorRow;
use crate::scale::class_text;

/// Scores closer than this to the enclosing territory's read as "close to" it: the printed
/// scores have one decimal, so a smaller gap would not be visible on the page.
const SAME_SCORE: f64 = 0.05;

/// The indicators quoted as the most marked factors.
const WORST_LISTED: usize = 3;

/// From this class on, the most marked factor is called a lever for action.
const LEVER_CLASS: f64 = 7.0;

/// The whole of part 3.
pub(super) fn section(page: &Page<'_>) -> Markup {
    let d = page.d;
    let o = &d.offer;
    let beyond = page.offer_compared(|x| x.fragile_share_beyond);
    let distance = page.distance_text();
    html! {
        h2 { "3. Enjeux" }
        ul class="enjeux" {
            (score_against_enclosing(page))
            (worst_factors(&d.indicators))
            li {
                (fr(o.fragile_population, 0)) " habitants (" (pct(page.fragile_share))
                ") vivent dans des zones au score IFN ≥ " (fr(d.options.threshold, 1))
                " : ce sont les publics prioritaires de l'accompagnement."
            }
            @if o.fragile_population > 0.0 {
                li {
                    (pct(o.fragile_share_beyond)) " de ces publics fragiles résident à plus de "
                    (distance) " km d'un lieu de médiation numérique ("
                    (page.references_text(&beyond, pct)) ")."
                }
            }
            @if o.places_per_10k.all.is_finite() {
                @let per_10k = page.offer_compared(|x| x.places_per_10k.all);
                li {
                    "L'offre compte " (fr(f64::from(o.places.all), 0)) " lieu(x) de médiation, soit "
                    (fr(per_10k.territory, 2)) " pour 10 000 habitants ("
                    (page.references_text(&per_10k, |v| fr(v, 2)))
                    ") ; dont " (o.places.france_services) " France Services et "
                    (o.places.conseiller_numerique) " lieu(x) avec conseiller numérique."
                }
            }
            @if o.zones_blanches.is_empty() {
                li {
                    "Aucune zone blanche : chaque zone fragile dispose d'un lieu de médiation à \
                     moins de " (distance) " km."
                }
            } @else {
                li {
                    (o.zones_blanches.len()) " zone(s) blanche(s) — zones fragiles sans lieu de \
                     médiation à moins de " (distance) " km — rassemblent "
                    (fig("zones-blanches-population", o.zones_blanches_population, &fr(o.zones_blanches_population, 0)))
                    " habitants : des permanences itinérantes ou un nouveau lieu y sont à envisager."
                }
            }
        }
        (zones_blanches(page))
    }
}

/// The territory's score against the closest enclosing territory's (its EPCI for a commune,
/// its région for a département; nothing for a région, compared with France only).
fn score_against_enclosing(page: &Page<'_>) -> Markup {
    let d = page.d;
    let Some((reference, &other)) = d
        .references
        .iter()
        .zip(&d.score.references)
        .find(|(r, _)| r.level.is_some())
    else {
        return html! {};
    };
    let Some(level) = reference.level else {
        return html! {};
    };
    let score = d.score.territory;
    if !score.is_finite() || !other.is_finite() {
        return html! {};
    }
    let (cmp, needs) = if score > other + SAME_SCORE {
        ("supérieur à", "plus marqués")
    } else if score < other - SAME_SCORE {
        ("inférieur à", "moins marqués")
    } else {
        ("proche de", "comparables")
    };
    html! {
        li {
            "Le score IFN du territoire (" (score_text(score)) ") est " (cmp)
            " celui " (level_article(level)) " (" (reference.name) " : " (score_text(other))
            ") : les besoins d'accompagnement y sont " (needs) "."
        }
    }
}

/// The indicators with the highest classes in the territory.
fn worst_factors(indicators: &[IndicatorRow]) -> Markup {
    let mut worst: Vec<&IndicatorRow> = indicators
        .iter()
        .filter(|r| r.class.territory.is_finite())
        .collect();
    worst.sort_by(|a, b| b.class.territory.total_cmp(&a.class.territory));
    let Some(first) = worst.first() else {
        return html! {};
    };
    html! {
        li {
            "Facteurs de fragilité les plus marqués : "
            @for (k, r) in worst.iter().take(WORST_LISTED).enumerate() {
                @if k > 0 { ", " }
                (lower_first(&r.label)) " (classe " (class_text(r.class.territory)) ")"
            }
            "."
            @if first.class.territory >= LEVER_CLASS { " Ce sont les premiers leviers d'action." }
        }
    }
}

/// The most populated zones blanches (the count in the sentence above covers them all).
fn zones_blanches(page: &Page<'_>) -> Markup {
    let d = page.d;
    if d.zones_blanches.is_empty() {
        return html! {};
    }
    html! {
        h3 {
            "Zones blanches (" (d.zones_blanches.len()) " plus peuplées sur "
            (d.offer.zones_blanches.len()) ")"
        }
        table class="keep" {
            thead {
                tr {
                    th { "Zone (IRIS)" }
                    th { "Commune" }
                    th class="n" { "Habitants" }
                    th class="n" { "Score" }
                    th class="n" { "Lieu le plus proche (km)" }
                }
            }
            tbody {
                @for z in &d.zones_blanches {
                    tr {
                        td { (z.name) " " small { (z.code) } }
                        td { (z.commune) }
                        td class="n" { (fr(z.population, 0)) }
                        td class="n" { (score_text(z.score)) }
                        td class="n" { (fr(z.nearest_km, 1)) }
                    }
                }
            }
        }
    }
}

/// A label inside a sentence: its first letter in lower case, unless the first word is an
/// acronym or a code ("IRIS", "4G", "THD" keep their case; "4g" would read as a typo).
///
/// Only the first letter changes: "Part non couverte en 4G" → "part non couverte en 4G".
fn lower_first(label: &str) -> String {
    let first_word = label.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().skip(1).any(char::is_uppercase)
        || first_word.chars().any(|c| c.is_ascii_digit());
    let mut chars = label.chars();
    match chars.next() {
        Some(c) if !acronym => c.to_lowercase().chain(chars).collect(),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::lower_first;

    #[test]
    fn only_the_first_letter_of_a_label_is_lowered_and_acronyms_keep_their_case() {
        assert_eq!(
            lower_first("Part non couverte en 4G"),
            "part non couverte en 4G"
        );
        assert_eq!(lower_first("Taux de pauvreté"), "taux de pauvreté");
        assert_eq!(lower_first("THD non couvert"), "THD non couvert");
        assert_eq!(lower_first("4G absente"), "4G absente");
        assert_eq!(lower_first("Équipement"), "équipement");
        assert_eq!(lower_first(""), "");
    }
}
