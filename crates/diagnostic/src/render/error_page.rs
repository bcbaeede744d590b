//! The page a browser gets instead of a diagnostic when the address is wrong.

use maud::{html, PreEscaped, DOCTYPE};

/// What the reader can do after an error of this HTTP status.
fn advice(status: u16) -> &'static str {
    match status {
        404 => {
            "Vérifiez le niveau et le code dans l'adresse : /diagnostic/<niveau>/<code>, où le \
             niveau est iris, commune, epci, departement ou region. Les codes INSEE gardent \
             leur zéro initial (01053, pas 1053) et un EPCI se désigne par son numéro SIREN \
             (9 chiffres). Le plus simple : retrouvez le territoire avec la recherche de la \
             carte, puis ouvrez son diagnostic depuis sa fiche."
        }
        400 | 414 => {
            "Un paramètre de l'adresse (après le « ? ») n'est pas valide : corrigez-le comme \
             indiqué ci-dessus, ou retirez-le pour obtenir le diagnostic avec les réglages \
             par défaut."
        }
        _ => {
            "Le serveur n'a pas pu calculer ce diagnostic. Réessayez dans un instant ; si le \
             problème persiste, signalez-le à l'administrateur du service (le détail est dans \
             le journal du serveur)."
        }
    }
}

/// A short French HTML page explaining why the diagnostic of an address cannot be shown and
/// what to do: the route `/diagnostic/{level}/{code}` is opened in a browser, so its errors
/// are pages, not JSON. `message` (already in French) says what is wrong; the page adds the
/// advice for the `status` and a link back to the map.
///
/// ```
/// let page = ifn_diagnostic::render_error_page(404, "aucune commune de code « 99999 »");
/// assert!(page.starts_with("<!DOCTYPE html>") && page.contains("lang=\"fr\""));
/// assert!(page.contains("Diagnostic introuvable") && page.contains("99999"));
/// assert!(page.contains("href=\"/\""));
/// ```
pub fn render_error_page(status: u16, message: &str) -> String {
    let title = match status {
        404 => "Diagnostic introuvable",
        400 | 414 => "Adresse du diagnostic incorrecte",
        _ => "Diagnostic indisponible",
    };
    html! {
        (DOCTYPE) "\n"
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — ifn" }
                style { (PreEscaped(CSS)) }
            }
            body {
                main {
                    h1 { (title) }
                    p class="message" data-status=(status) { (message) }
                    p { (advice(status)) }
                    p { a href="/" { "Retour à la carte" } }
                    p class="note" { "Erreur HTTP " (status) "." }
                }
            }
        }
        "\n"
    }
    .into_string()
}

/// A few rules in the page's colours; the page stands alone, like the diagnostic.
const CSS: &str = "body{font-family:\"Marianne\",\"Segoe UI\",Arial,Helvetica,sans-serif;\
color:#161616;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5}\
h1{color:#000091;font-size:1.6rem}.message{font-weight:bold;border-left:4px solid #ce0500;\
padding:.5rem 1rem;background:#ffe9e9}a{color:#000091}.note{color:#3a3a3a;font-size:.85rem}";
