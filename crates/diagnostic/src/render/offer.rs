//! Part 2, *Offre d'accompagnement*: places per kind, density and distance, then the offer as
//! the fragile publics see it.

use ifn_core::offer::OfferKind;
use maud::{html, Markup};

use super::{compared_cells, fig, Page};
use crate::format::{fr, pct};

/// The whole of part 2.
pub(super) fn section(page: &Page<'_>) -> Markup {
    let d = page.d;
    let span = 1 + d.references.len();
    html! {
        h2 { "2. Offre d'accompagnement" }
        p {
            "Lieux de médiation numérique recensés (cartographie nationale, France Services, \
             bibliothèques), rattachés au territoire par leur position. Distance : du centre de \
             chaque IRIS au lieu le plus proche, à vol d'oiseau, moyenne pondérée par la \
             population."
        }
        table class="keep" {
            thead {
                tr {
                    th rowspan="2" { "Type de lieu" }
                    th class="n" rowspan="2" { "Nombre" }
                    th class="n" colspan=(span) { "Pour 10 000 habitants" }
                    th class="n" colspan=(span) { "Distance moyenne au plus proche (km)" }
                }
                tr {
                    @for _ in 0..2 {
                        th class="n" { "Territoire" }
                        (page.reference_headers())
                    }
                }
            }
            tbody {
                @for kind in OfferKind::ALL {
                    @let key = kind.as_str();
                    @let count = f64::from(d.offer.places.get(kind));
                    tr {
                        td { (kind.label_fr()) }
                        td class="n" { (fig(&format!("places-{key}"), count, &fr(count, 0))) }
                        (compared_cells(
                            page,
                            &format!("places-per-10k-{key}"),
                            &page.offer_compared(|o| o.places_per_10k.get(kind)),
                            |v| fr(v, 2),
                        ))
                        (compared_cells(
                            page,
                            &format!("mean-distance-{key}"),
                            &page.offer_compared(|o| o.mean_distance_km.get(kind)),
                            |v| fr(v, 1),
                        ))
                    }
                }
            }
        }
        (fragile_publics(page))
    }
}

/// "L'offre face aux publics fragiles": density, distance and share beyond the distance.
fn fragile_publics(page: &Page<'_>) -> Markup {
    html! {
        h3 { "L'offre face aux publics fragiles" }
        table class="keep" {
            thead {
                tr {
                    th { span class="sr-only" { "Mesure" } }
                    th class="n" { "Territoire" }
                    (page.reference_headers())
                }
            }
            tbody {
                tr {
                    td { "Lieux pour 10 000 habitants fragiles" }
                    (compared_cells(
                        page,
                        "places-per-10k-fragile",
                        &page.offer_compared(|o| o.places_per_10k_fragile),
                        |v| fr(v, 2),
                    ))
                }
                tr {
                    td { "Distance moyenne des publics fragiles au lieu le plus proche (km)" }
                    (compared_cells(
                        page,
                        "fragile-mean-distance",
                        &page.offer_compared(|o| o.fragile_mean_distance_km),
                        |v| fr(v, 1),
                    ))
                }
                tr {
                    td { "Part des publics fragiles à plus de " (page.distance_text()) " km d'un lieu" }
                    (compared_cells(
                        page,
                        "fragile-share-beyond-table",
                        &page.offer_compared(|o| o.fragile_share_beyond),
                        pct,
                    ))
                }
            }
        }
    }
}
