//! End of the page: datasets and vintages, indicator sources, method, footer.

use maud::{html, Markup};

use super::{fig, Page};

/// Sources, method note and footer.
pub(super) fn section(page: &Page<'_>) -> Markup {
    let d = page.d;
    let unassigned = d.unassigned_places as f64;
    html! {
        h2 { "Sources et millésimes" }
        table class="keep" {
            thead { tr { th { "Jeu de données" } th { "Producteur" } th { "Millésime" } th { "Licence" } } }
            tbody {
                @for s in &d.sources {
                    tr {
                        td { (s.name) }
                        td { (s.producer) }
                        td data-figure="source-vintage" { (s.vintage) }
                        td { (s.licence) }
                    }
                }
            }
        }
        table class="keep" {
            thead { tr { th { "Indicateur" } th { "Producteur" } th { "Source" } th { "Millésime" } } }
            tbody {
                @for r in &d.indicators {
                    tr { td { (r.label) } td { (r.producer) } td { (r.source) } td { (r.vintage) } }
                }
            }
        }
        p class="note" {
            "Méthode : IFN 2023 (classes par déciles, moyenne pondérée des classes, agrégation \
             pondérée par la population), catalogue d'indicateurs « " (d.catalogue_version)
            " ». Centre d'un IRIS : centroïde de son contour (à défaut, de sa commune). Distances \
             à vol d'oiseau (haversine). "
            (fig("unassigned-places", unassigned, &d.unassigned_places.to_string()))
            " lieu(x) du fichier n'ont pu être rattachés à aucun territoire et ne sont pas comptés."
        }
        footer {
            "Document généré par ifn le " (d.generated_on) " à partir de « " (d.store_name) " »."
            @if d.fictional { " Données fictives." }
        }
    }
}
