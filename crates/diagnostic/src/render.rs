//! The printable HTML page.

use std::fmt::Write;

use ifn_core::offer::{OfferKind, TerritoryOffer};
use ifn_core::{report::display_round, Axis, Level};

use crate::format::{esc, fr, pct};
use crate::input::{Compared, DiagnosticInput};
use crate::svg::{map_svg, score_colour};

const CSS: &str = r#"
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Marianne", "Segoe UI", Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.4;
       color: #161616; margin: 0 auto; max-width: 184mm; padding: 8mm 0; }
h1 { font-size: 19pt; color: #000091; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; color: #000091; border-bottom: 2px solid #000091; padding-bottom: 1mm; margin: 7mm 0 3mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.subtitle { font-size: 12pt; margin: 0 0 1mm; }
.context { color: #3a3a3a; margin: 0 0 3mm; }
.fictional { border: 3px solid #ce0500; background: #ffe9e9; color: #ce0500; font-weight: bold; padding: 3mm 4mm;
             margin: 3mm 0; font-size: 11pt; }
.params { background: #f6f6f6; padding: 2mm 3mm; font-size: 9pt; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin: 3mm 0; }
.card { border: 1px solid #ddd; border-left: 4px solid #000091; padding: 2mm 3mm; break-inside: avoid; }
.card .v { font-size: 15pt; font-weight: bold; display: block; }
.card .l { font-size: 8.5pt; color: #3a3a3a; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #e3e3fd; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
.swatch { display: inline-block; width: 3.2mm; height: 3.2mm; border: 1px solid #888; vertical-align: middle; margin-right: 1mm; }
.mapbox { display: grid; grid-template-columns: 1fr 38mm; gap: 3mm; break-inside: avoid; page-break-inside: avoid; }
svg.map { width: 100%; max-height: 120mm; }
.legend { font-size: 8.5pt; }
.legend div { margin-bottom: 0.6mm; }
.note { font-size: 8.5pt; color: #3a3a3a; }
ul.enjeux li { margin-bottom: 1.5mm; }
.section { break-inside: auto; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.no-print { margin: 0 0 4mm; }
.no-print button { font: inherit; background: #000091; color: #fff; border: 0; padding: 2mm 4mm; cursor: pointer; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #3a3a3a; border-top: 1px solid #ccc; padding-top: 2mm; }
@media print { .no-print { display: none; } body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
"#;

/// A number with its stable `data-figure` name and its machine value, for tests and scrapers.
fn fig(name: &str, value: f64, text: &str) -> String {
    let v = if value.is_finite() {
        format!("{value}")
    } else {
        String::new()
    };
    format!(
        "<span data-figure=\"{}\" data-value=\"{v}\">{}</span>",
        esc(name),
        esc(text)
    )
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

fn score_text(v: f64) -> String {
    fr(display_round(v), 1)
}

fn level_article(level: Level) -> &'static str {
    match level {
        Level::Iris => "de l'IRIS",
        Level::Commune => "de la commune",
        Level::Epci => "de l'EPCI",
        Level::Departement => "du département",
        Level::Region => "de la région",
    }
}

fn child_label(level: Level) -> &'static str {
    match level {
        Level::Iris => "IRIS",
        Level::Commune => "communes",
        Level::Epci => "EPCI",
        Level::Departement => "départements",
        Level::Region => "régions",
    }
}

fn reference_fr(r: &str) -> &'static str {
    match r {
        "departement" => "classes calculées au sein de chaque département",
        "region" => "classes calculées au sein de chaque région",
        _ => "classes calculées sur l'ensemble des IRIS (France)",
    }
}

fn compared_cells(out: &mut String, name: &str, c: &Compared, text: impl Fn(f64) -> String) {
    let _ = write!(
        out,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        fig(name, c.territory, &text(c.territory)),
        fig(
            &format!("{name}-departement"),
            c.departement,
            &text(c.departement)
        ),
        fig(&format!("{name}-france"), c.france, &text(c.france)),
    );
}

fn offer_value(o: Option<&TerritoryOffer>, f: impl Fn(&TerritoryOffer) -> f64) -> f64 {
    o.map_or(f64::NAN, f)
}

/// Renders the diagnostic as one self-contained HTML page (inline CSS and SVG, no network),
/// laid out for A4 printing. Key numbers carry `data-figure="…"` and `data-value="…"` (full
/// precision) attributes.
pub fn render_html(d: &DiagnosticInput) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("Diagnostic territorial — {}", d.name);
    let dep_name = d
        .departement
        .as_ref()
        .map_or_else(|| "Département".to_string(), |(_, n)| n.clone());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body>",
        esc(&title)
    );
    h.push_str(
        "<div class=\"no-print\"><button type=\"button\" onclick=\"window.print()\">\
         Imprimer / enregistrer en PDF</button></div>",
    );

    // En-tête.
    let _ = write!(
        h,
        "<header><h1>Diagnostic territorial de l'inclusion numérique</h1>\
         <p class=\"subtitle\"><strong data-figure=\"name\">{}</strong> — {} <span data-figure=\"code\">{}</span></p>",
        esc(&d.name),
        esc(d.level.label_fr()),
        esc(&d.code)
    );
    if !d.parents.is_empty() {
        let p: Vec<String> = d
            .parents
            .iter()
            .map(|(l, _, n)| format!("{} : {}", l.label_fr(), esc(n)))
            .collect();
        let _ = write!(h, "<p class=\"context\">{}</p>", p.join(" · "));
    }
    h.push_str(
        "<p class=\"context\">Premier chapitre d'une feuille de route France Numérique Ensemble : \
         les besoins des publics, l'offre d'accompagnement et les enjeux qui en découlent.</p></header>",
    );
    if d.fictional {
        let _ = write!(
            h,
            "<div class=\"fictional\" data-figure=\"fictional\">Données fictives — ce document est \
             calculé sur « {} », un territoire inventé. Les chiffres, les noms et les lieux ne \
             décrivent aucun territoire réel : ne pas utiliser pour un diagnostic.</div>",
            esc(&d.store_name)
        );
    }
    let _ = write!(
        h,
        "<p class=\"params\">Profil : <strong>{}</strong> · {} indicateur(s) retenu(s) · {} · \
         publics fragiles : score ≥ {} · distance d'accès : {} km</p>",
        esc(&d.profile),
        d.indicators.len(),
        reference_fr(&d.reference),
        fig(
            "threshold",
            d.options.threshold,
            &fr(d.options.threshold, 1)
        ),
        fig(
            "distance-km",
            d.options.distance_km,
            &fr(d.options.distance_km, 1)
        ),
    );

    // Chiffres clés.
    let o = &d.offer;
    let fragile_share = if d.population.territory > 0.0 {
        o.fragile_population / d.population.territory
    } else {
        f64::NAN
    };
    h.push_str("<h2>Chiffres clés</h2><div class=\"cards\">");
    let card = |h: &mut String, value: String, label: &str| {
        let _ = write!(
            h,
            "<div class=\"card\"><span class=\"v\">{value}</span><span class=\"l\">{label}</span></div>"
        );
    };
    card(
        &mut h,
        format!(
            "{} / 10",
            fig("score", d.score.territory, &score_text(d.score.territory))
        ),
        "Score de fragilité numérique (IFN)",
    );
    card(
        &mut h,
        fig(
            "population",
            d.population.territory,
            &fr(d.population.territory, 0),
        ),
        "Habitants",
    );
    card(
        &mut h,
        format!(
            "{} <small>({})</small>",
            fig(
                "fragile-population",
                o.fragile_population,
                &fr(o.fragile_population, 0)
            ),
            fig(
                "fragile-population-share",
                fragile_share,
                &pct(fragile_share)
            )
        ),
        &format!(
            "Habitants de zones au score ≥ {} (publics fragiles)",
            fr(d.options.threshold, 1)
        ),
    );
    card(
        &mut h,
        fig(
            "places-total",
            f64::from(o.places.all),
            &fr(f64::from(o.places.all), 0),
        ),
        "Lieux de médiation numérique",
    );
    card(
        &mut h,
        fig(
            "fragile-share-beyond",
            o.fragile_share_beyond,
            &pct(o.fragile_share_beyond),
        ),
        &format!(
            "des publics fragiles à plus de {} km d'un lieu",
            fr(d.options.distance_km, 1)
        ),
    );
    card(
        &mut h,
        fig(
            "zones-blanches-count",
            o.zones_blanches.len() as f64,
            &fr(o.zones_blanches.len() as f64, 0),
        ),
        "Zones blanches (zones fragiles sans lieu à proximité)",
    );
    h.push_str("</div>");

    // 1. Besoins des publics.
    let _ = write!(
        h,
        "<h2>1. Besoins des publics</h2><p>L'Indice de Fragilité Numérique classe chaque IRIS de 1 \
         (faible) à 10 (forte) sur chaque indicateur, puis fait la moyenne pondérée des classes ; \
         le score {} est la moyenne des scores de ses IRIS pondérée par leur population.</p>\
         <table class=\"keep\"><thead><tr><th></th><th class=\"n\">{}</th><th class=\"n\">{}</th>\
         <th class=\"n\">{}</th></tr></thead><tbody><tr><th>Score IFN</th>",
        level_article(d.level),
        esc(&d.name),
        esc(&dep_name),
        esc(&d.france_label)
    );
    let _ = write!(
        h,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        fig(
            "score-table",
            d.score.territory,
            &score_text(d.score.territory)
        ),
        fig(
            "score-departement",
            d.score.departement,
            &score_text(d.score.departement)
        ),
        fig("score-france", d.score.france, &score_text(d.score.france)),
    );
    h.push_str("<tr><th>Population</th>");
    compared_cells(&mut h, "population-table", &d.population, |v| fr(v, 0));
    h.push_str("</tr></tbody></table>");

    h.push_str(
        "<h3>Indicateurs retenus</h3><table><thead><tr><th>Indicateur</th><th class=\"n\">Poids</th>\
         <th class=\"n\" colspan=\"3\">Valeur (territoire · dép. · France)</th>\
         <th class=\"n\" colspan=\"3\">Classe 1–10 (territoire · dép. · France)</th></tr></thead><tbody>",
    );
    for r in &d.indicators {
        let axis = match r.axis {
            Some(Axis::Ifn) => "",
            Some(Axis::Contexte) => " <small>(contexte)</small>",
            None => "",
        };
        let unit = if r.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", esc(&r.unit))
        };
        let _ = write!(
            h,
            "<tr><td>{}{unit}{axis}</td><td class=\"n\">{}</td>",
            esc(&r.label),
            fr(r.weight, 1)
        );
        compared_cells(&mut h, &format!("indicator-raw-{}", r.key), &r.raw, |v| {
            fr(v, 1)
        });
        compared_cells(
            &mut h,
            &format!("indicator-class-{}", r.key),
            &r.class,
            |v| fr(v, 1),
        );
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");

    // Carte.
    let map_title = match d.map.level {
        Some(l) if Some(l) == d.child_level => format!(
            "Carte : score IFN des {} {}",
            child_label(l),
            level_article(d.level)
        ),
        _ => "Carte : score IFN du territoire".to_string(),
    };
    let _ = write!(
        h,
        "<h3>{}</h3><div class=\"mapbox\">{}<div class=\"legend\">",
        esc(&map_title),
        map_svg(&d.map)
    );
    for k in (1..=10).rev() {
        let _ = write!(
            h,
            "<div><span class=\"swatch\" style=\"background:{}\"></span>{k}{}</div>",
            score_colour(f64::from(k)),
            match k {
                10 => " (très forte fragilité)",
                1 => " (faible fragilité)",
                _ => "",
            }
        );
    }
    h.push_str(
        "<div><span class=\"swatch\" style=\"background:#d9d9d9\"></span>donnée manquante</div>\
         <div><svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"3.5\" fill=\"#000091\"/></svg> \
         lieu de médiation</div><div><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" \
         fill=\"none\" stroke=\"#1d1d8f\"/><line x1=\"0\" y1=\"12\" x2=\"12\" y2=\"0\" stroke=\"#1d1d8f\"/>\
         </svg> zone blanche</div></div></div>",
    );

    // Sous-territoires les plus fragiles.
    if let Some(cl) = d.child_level {
        let _ = write!(
            h,
            "<h3>Les {} les plus fragiles ({} sur {})</h3><table class=\"keep\"><thead><tr><th>#</th>\
             <th>{}</th><th class=\"n\">Score</th><th class=\"n\">Habitants</th>\
             <th class=\"n\">Publics fragiles</th><th class=\"n\">Lieux</th>\
             <th class=\"n\">Fragiles à plus de {} km</th></tr></thead><tbody>",
            child_label(cl),
            d.top_fragile.len(),
            d.child_count,
            esc(cl.label_fr()),
            fr(d.options.distance_km, 1)
        );
        for (k, r) in d.top_fragile.iter().enumerate() {
            let n = k + 1;
            let _ = write!(
                h,
                "<tr><td class=\"n\">{n}</td><td>{} <small data-figure=\"top-fragile-{n}-code\">{}</small></td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&r.name),
                esc(&r.code),
                fig(&format!("top-fragile-{n}-score"), r.score, &score_text(r.score)),
                fr(r.population, 0),
                fr(r.fragile_population, 0),
                fig(&format!("top-fragile-{n}-places"), f64::from(r.places), &fr(f64::from(r.places), 0)),
                pct(r.fragile_share_beyond)
            );
        }
        h.push_str("</tbody></table>");
    }

    // 2. Offre d'accompagnement.
    let od = d.offer_departement.as_ref();
    let of = &d.offer_france;
    let _ = write!(
        h,
        "<h2>2. Offre d'accompagnement</h2><p>Lieux de médiation numérique recensés (cartographie \
         nationale, France Services, bibliothèques), rattachés au territoire par leur position. \
         Distance : du centre de chaque IRIS au lieu le plus proche, à vol d'oiseau, moyenne pondérée \
         par la population.</p><table class=\"keep\"><thead><tr><th rowspan=\"2\">Type de lieu</th>\
         <th class=\"n\" rowspan=\"2\">Nombre</th><th class=\"n\" colspan=\"3\">Pour 10 000 habitants</th>\
         <th class=\"n\" colspan=\"3\">Distance moyenne au plus proche (km)</th></tr><tr>\
         <th class=\"n\">Territoire</th><th class=\"n\">{dep}</th><th class=\"n\">{fr}</th>\
         <th class=\"n\">Territoire</th><th class=\"n\">{dep}</th><th class=\"n\">{fr}</th></tr></thead><tbody>",
        dep = esc(&dep_name),
        fr = esc(&d.france_label)
    );
    for k in OfferKind::ALL {
        let ks = k.as_str();
        let n = f64::from(o.places.get(k));
        let per = Compared {
            territory: o.places_per_10k.get(k),
            departement: offer_value(od, |x| x.places_per_10k.get(k)),
            france: of.places_per_10k.get(k),
        };
        let dist = Compared {
            territory: o.mean_distance_km.get(k),
            departement: offer_value(od, |x| x.mean_distance_km.get(k)),
            france: of.mean_distance_km.get(k),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td>",
            esc(k.label_fr()),
            fig(&format!("places-{ks}"), n, &fr(n, 0))
        );
        compared_cells(&mut h, &format!("places-per-10k-{ks}"), &per, |v| fr(v, 2));
        compared_cells(&mut h, &format!("mean-distance-{ks}"), &dist, |v| fr(v, 1));
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    let fragile_cmp = Compared {
        territory: o.places_per_10k_fragile,
        departement: offer_value(od, |x| x.places_per_10k_fragile),
        france: of.places_per_10k_fragile,
    };
    let beyond_cmp = Compared {
        territory: o.fragile_share_beyond,
        departement: offer_value(od, |x| x.fragile_share_beyond),
        france: of.fragile_share_beyond,
    };
    let fdist_cmp = Compared {
        territory: o.fragile_mean_distance_km,
        departement: offer_value(od, |x| x.fragile_mean_distance_km),
        france: of.fragile_mean_distance_km,
    };
    let _ = write!(
        h,
        "<h3>L'offre face aux publics fragiles</h3><table class=\"keep\"><thead><tr><th></th>\
         <th class=\"n\">Territoire</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\
         <tr><td>Lieux pour 10 000 habitants fragiles</td>",
        esc(&dep_name),
        esc(&d.france_label)
    );
    compared_cells(&mut h, "places-per-10k-fragile", &fragile_cmp, |v| fr(v, 2));
    h.push_str(
        "</tr><tr><td>Distance moyenne des publics fragiles au lieu le plus proche (km)</td>",
    );
    compared_cells(&mut h, "fragile-mean-distance", &fdist_cmp, |v| fr(v, 1));
    let _ = write!(
        h,
        "</tr><tr><td>Part des publics fragiles à plus de {} km d'un lieu</td>",
        fr(d.options.distance_km, 1)
    );
    compared_cells(&mut h, "fragile-share-beyond-table", &beyond_cmp, pct);
    h.push_str("</tr></tbody></table>");

    // 3. Enjeux.
    h.push_str("<h2>3. Enjeux</h2><ul class=\"enjeux\">");
    if d.score.territory.is_finite()
        && d.score.departement.is_finite()
        && d.level != Level::Departement
    {
        let cmp = if d.score.territory > d.score.departement + 0.05 {
            "supérieur à"
        } else if d.score.territory < d.score.departement - 0.05 {
            "inférieur à"
        } else {
            "proche de"
        };
        let _ = write!(
            h,
            "<li>Le score IFN du territoire ({}) est {cmp} celui du département ({}) : les besoins \
             d'accompagnement y sont {}.</li>",
            score_text(d.score.territory),
            score_text(d.score.departement),
            match cmp {
                "supérieur à" => "plus marqués",
                "inférieur à" => "moins marqués",
                _ => "comparables",
            }
        );
    }
    let mut worst: Vec<&crate::input::IndicatorRow> = d
        .indicators
        .iter()
        .filter(|r| r.class.territory.is_finite())
        .collect();
    worst.sort_by(|a, b| b.class.territory.total_cmp(&a.class.territory));
    if let Some(w) = worst.first() {
        let names: Vec<String> = worst
            .iter()
            .take(3)
            .map(|r| {
                format!(
                    "{} (classe {})",
                    esc(&r.label.to_lowercase()),
                    fr(r.class.territory, 1)
                )
            })
            .collect();
        let _ = write!(
            h,
            "<li>Facteurs de fragilité les plus marqués : {}.{}</li>",
            names.join(", "),
            if w.class.territory >= 7.0 {
                " Ce sont les premiers leviers d'action."
            } else {
                ""
            }
        );
    }
    let _ = write!(
        h,
        "<li>{} habitants ({}) vivent dans des zones au score IFN ≥ {} : ce sont les publics \
         prioritaires de l'accompagnement.</li>",
        fr(o.fragile_population, 0),
        pct(fragile_share),
        fr(d.options.threshold, 1)
    );
    if o.fragile_population > 0.0 {
        let _ = write!(
            h,
            "<li>{} de ces publics fragiles résident à plus de {} km d'un lieu de médiation \
             numérique (département : {}, {} : {}).</li>",
            pct(o.fragile_share_beyond),
            fr(d.options.distance_km, 1),
            pct(beyond_cmp.departement),
            esc(&d.france_label),
            pct(beyond_cmp.france)
        );
    }
    if o.places_per_10k.all.is_finite() {
        let _ = write!(
            h,
            "<li>L'offre compte {} lieu(x) de médiation, soit {} pour 10 000 habitants \
             (département : {}, {} : {}) ; dont {} France Services et {} lieu(x) avec conseiller numérique.</li>",
            fr(f64::from(o.places.all), 0),
            fr(o.places_per_10k.all, 2),
            fr(offer_value(od, |x| x.places_per_10k.all), 2),
            esc(&d.france_label),
            fr(of.places_per_10k.all, 2),
            o.places.france_services,
            o.places.conseiller_numerique
        );
    }
    if o.zones_blanches.is_empty() {
        let _ = write!(
            h,
            "<li>Aucune zone blanche : chaque zone fragile dispose d'un lieu de médiation à moins de {} km.</li>",
            fr(d.options.distance_km, 1)
        );
    } else {
        let _ = write!(
            h,
            "<li>{} zone(s) blanche(s) — zones fragiles sans lieu de médiation à moins de {} km — \
             rassemblent {} habitants : des permanences itinérantes ou un nouveau lieu y sont à \
             envisager.</li>",
            o.zones_blanches.len(),
            fr(d.options.distance_km, 1),
            fig(
                "zones-blanches-population",
                o.zones_blanches_population,
                &fr(o.zones_blanches_population, 0)
            )
        );
    }
    h.push_str("</ul>");
    if !d.zones_blanches.is_empty() {
        let _ = write!(
            h,
            "<h3>Zones blanches ({} plus peuplées sur {})</h3><table class=\"keep\"><thead><tr><th>Zone (IRIS)</th>\
             <th>Commune</th><th class=\"n\">Habitants</th><th class=\"n\">Score</th>\
             <th class=\"n\">Lieu le plus proche (km)</th></tr></thead><tbody>",
            d.zones_blanches.len(),
            o.zones_blanches.len()
        );
        for z in &d.zones_blanches {
            let _ = write!(
                h,
                "<tr><td>{} <small>{}</small></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&z.name),
                esc(&z.code),
                esc(&z.commune),
                fr(z.population, 0),
                score_text(z.score),
                fr(z.nearest_km, 1)
            );
        }
        h.push_str("</tbody></table>");
    }

    // Sources.
    h.push_str(
        "<h2>Sources et millésimes</h2><table class=\"keep\"><thead><tr><th>Jeu de données</th>\
         <th>Producteur</th><th>Millésime</th><th>Licence</th></tr></thead><tbody>",
    );
    for s in &d.sources {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td data-figure=\"source-vintage\">{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(&s.producer),
            esc(&s.vintage),
            esc(&s.licence)
        );
    }
    h.push_str(
        "</tbody></table><table class=\"keep\"><thead><tr><th>Indicateur</th><th>Producteur</th>\
         <th>Source</th><th>Millésime</th></tr></thead><tbody>",
    );
    for r in &d.indicators {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.label),
            esc(&r.producer),
            esc(&r.source),
            esc(&r.vintage)
        );
    }
    let _ = write!(
        h,
        "</tbody></table><p class=\"note\">Méthode : IFN 2023 (classes par déciles, moyenne \
         pondérée des classes, agrégation pondérée par la population), catalogue d'indicateurs \
         « {} ». Centre d'un IRIS : centroïde de son contour (à défaut, de sa commune). \
         Distances à vol d'oiseau (haversine). {} lieu(x) du fichier n'ont pu être rattachés à \
         aucun territoire et ne sont pas comptés.</p>",
        esc(&d.catalogue_version),
        fig(
            "unassigned-places",
            d.unassigned_places as f64,
            &d.unassigned_places.to_string()
        )
    );
    let _ = writeln!(
        h,
        "<footer>Document généré par ifn le {} à partir de « {} ».{}</footer></body></html>",
        esc(&d.generated_on),
        esc(&d.store_name),
        if d.fictional {
            " Données fictives."
        } else {
            ""
        }
    );
    h
}
