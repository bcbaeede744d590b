//! The page's figures are the library's: each `data-figure` is checked against values the
//! engine and the offer module compute on their own.
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

mod common;

use approx::assert_relative_eq;
use common::{demo, demo_input, figure, figures, Demo};
use ifn_core::offer::{offer, OfferOptions};
use ifn_core::report::display_round;
use ifn_core::{Level, Selection};
use ifn_diagnostic::format::{fr, pct};
use ifn_diagnostic::render_html;

#[test]
fn a_departement_page_shows_the_engine_and_offer_figures() {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let opts = OfferOptions {
        threshold: 6.0,
        distance_km: 4.0,
    };
    let input = demo_input(t, engine, index, Level::Departement, "X3", &sel, &opts);
    let html = render_html(&input);

    let scores = engine.score(Level::Departement, &sel).unwrap();
    let r = scores.index_of("X3").unwrap();
    let units = engine.unit_scores(&sel).unwrap();
    let o = offer(Level::Departement, engine, &units, index, &opts).unwrap();
    let x3 = o.get("X3").unwrap();

    assert_eq!(figure(&html, "score"), Some(scores.total[r]));
    assert_eq!(figure(&html, "population"), Some(scores.population[r]));
    assert_eq!(
        figure(&html, "places-total"),
        Some(f64::from(x3.places.all))
    );
    assert_eq!(
        figure(&html, "places-france_services"),
        Some(f64::from(x3.places.france_services))
    );
    assert_eq!(
        figure(&html, "places-bibliotheque"),
        Some(f64::from(x3.places.bibliotheque))
    );
    assert_eq!(
        figure(&html, "fragile-population"),
        Some(x3.fragile_population)
    );
    assert_eq!(
        figure(&html, "zones-blanches-count"),
        Some(x3.zones_blanches.len() as f64)
    );
    assert_eq!(
        figure(&html, "places-per-10k-all"),
        Some(x3.places_per_10k.all)
    );
    assert_eq!(
        figure(&html, "mean-distance-all"),
        Some(x3.mean_distance_km.all)
    );
    let share = figure(&html, "fragile-share-beyond").unwrap();
    assert_eq!(share, x3.fragile_share_beyond);
    // A département is never compared with itself (its région, here the whole store, and
    // France instead).
    assert_eq!(
        ifn_diagnostic::read_figure(&html, "score-departement"),
        None
    );
    // France: population-weighted mean of the base units' totals, computed here on its own.
    let (mut sw, mut w) = (0.0, 0.0);
    for (u, s) in t.dataset.units().iter().zip(&units.total) {
        if !s.is_nan() {
            sw += u.population * s;
            w += u.population;
        }
    }
    assert_relative_eq!(
        figure(&html, "score-france").unwrap(),
        sw / w,
        max_relative = 1e-12
    );
    for (k, key) in sel.indicators.iter().enumerate() {
        assert_eq!(
            figure(&html, &format!("indicator-class-{key}")),
            Some(scores.classes[(r, k)])
        );
        assert_eq!(
            figure(&html, &format!("indicator-raw-{key}")),
            Some(scores.raw[(r, k)])
        );
    }
    // What is printed is the value rounded the French way.
    for (name, value, text) in figures(&html) {
        match (name.as_str(), value) {
            ("score", Some(v)) => assert_eq!(text, fr(display_round(v), 1)),
            ("fragile-share-beyond", Some(v)) => assert_eq!(text, pct(v)),
            ("population", Some(v)) => assert_eq!(text, fr(v, 0)),
            _ => {}
        }
    }
    assert!(html.contains("Données fictives"));
    assert!(html.contains("@page") && html.contains("size: A4"));
    assert!(
        html.contains("<svg") && html.contains("data-code=\"X0000000"),
        "EPCI shapes on the map"
    );
}

#[test]
fn the_most_fragile_sub_territories_are_the_top_scores_of_the_next_level() {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("senior").build(engine).unwrap();
    let input = demo_input(
        t,
        engine,
        index,
        Level::Epci,
        "X00000001",
        &sel,
        &OfferOptions::default(),
    );
    assert_eq!(input.child_level, Some(Level::Commune));
    let communes = engine.score(Level::Commune, &sel).unwrap();
    let members: std::collections::BTreeSet<&str> = t
        .dataset
        .units()
        .iter()
        .filter(|u| u.epci == "X00000001")
        .map(|u| u.commune.as_str())
        .collect();
    let mut expected: Vec<(f64, &str)> = members
        .iter()
        .map(|c| (communes.total[communes.index_of(c).unwrap()], *c))
        .collect();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let got: Vec<&str> = input.top_fragile.iter().map(|r| r.code.as_str()).collect();
    let want: Vec<&str> = expected.iter().take(10).map(|e| e.1).collect();
    assert_eq!(got, want);
    assert_eq!(input.child_count, members.len());
    let html = render_html(&input);
    assert_eq!(figure(&html, "top-fragile-1-score"), Some(expected[0].0));
}

#[test]
fn zones_blanches_are_listed_and_hatched_when_the_distance_is_short() {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let opts = OfferOptions {
        threshold: 5.0,
        distance_km: 2.0,
    };
    let input = demo_input(t, engine, index, Level::Region, "X0", &sel, &opts);
    assert!(
        !input.offer.zones_blanches.is_empty(),
        "2 km around fragile units leaves gaps in the demo"
    );
    // A région is compared with France only.
    assert_eq!(input.references.len(), 1);
    assert_eq!(input.references[0].level, None);
    let html = render_html(&input);
    assert!(html.contains("class=\"zone-blanche\""));
    assert_eq!(
        figure(&html, "zones-blanches-population"),
        Some(input.offer.zones_blanches_population)
    );
    assert!(input
        .zones_blanches
        .windows(2)
        .all(|w| w[0].population >= w[1].population));
}

#[test]
fn a_real_store_has_no_fictional_warning_and_names_are_escaped() {
    let Demo {
        territory,
        engine,
        index,
    } = demo();
    let mut t = territory.clone();
    t.meta.fictional = false;
    t.meta.name = "Store <réel> & \"test\"".into();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let input = demo_input(
        &t,
        engine,
        index,
        Level::Commune,
        "X1001",
        &sel,
        &OfferOptions::default(),
    );
    let html = render_html(&input);
    assert!(!html.contains("Données fictives"));
    assert!(!html.contains("<réel>"));
    assert_eq!(input.france_label, "France");
    assert_eq!(input.child_level, Some(Level::Iris));
}

#[test]
fn an_iris_page_has_no_sub_territories_and_an_unknown_code_is_an_error() {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("jeune").build(engine).unwrap();
    let code = t.dataset.units()[0].code.clone();
    let input = demo_input(
        t,
        engine,
        index,
        Level::Iris,
        &code,
        &sel,
        &OfferOptions::default(),
    );
    assert_eq!(input.child_level, None);
    assert!(input.top_fragile.is_empty());
    assert_eq!(input.map.shapes.len(), 1);
    let ctx = ifn_diagnostic::DiagnosticContext {
        meta: &t.meta,
        engine,
        geometries: &t.geometries,
        places: &t.places,
        index,
    };
    let e = ifn_diagnostic::build_input(
        &ctx,
        Level::Departement,
        "16",
        &sel,
        &OfferOptions::default(),
        "",
    )
    .unwrap_err();
    assert!(e.to_string().contains("« 16 »"), "{e}");
}

/// The colours of a page's map.
struct MapColours {
    /// `(code, fill)` of every coloured shape.
    shapes: Vec<(String, String)>,
    /// `(class, colour)` of the legend, in its order.
    legend: Vec<(u8, String)>,
}

fn map_colours(html: &str) -> MapColours {
    let mut shapes = Vec::new();
    for chunk in html.split("<path ").skip(1) {
        let attr = |name: &str| {
            let key = format!("{name}=\"");
            chunk.find(&key).map(|i| {
                chunk[i + key.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string()
            })
        };
        if let (Some(code), Some(fill)) = (attr("data-code"), attr("fill")) {
            shapes.push((code, fill));
        }
    }
    let legend = html.split("class=\"legend\"").nth(1).expect("a legend");
    let mut classes = Vec::new();
    for chunk in legend
        .split("<span class=\"swatch\" style=\"background:")
        .skip(1)
    {
        let (colour, rest) = chunk.split_once('"').unwrap();
        let label = rest.split("</span>").nth(1).unwrap();
        if let Ok(k) = label.split([' ', '<']).next().unwrap().parse::<u8>() {
            classes.push((k, colour.to_string()));
        }
    }
    MapColours {
        shapes,
        legend: classes,
    }
}

#[test]
fn each_shape_has_the_legend_colour_of_its_class_with_the_web_maps_rule() {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let input = demo_input(
        t,
        engine,
        index,
        Level::Epci,
        "X00000001",
        &sel,
        &OfferOptions::default(),
    );
    let html = render_html(&input);
    let MapColours { shapes, legend } = map_colours(&html);
    assert_eq!(
        legend.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        (1..=10).rev().collect::<Vec<u8>>(),
        "the legend lists classes 10 down to 1"
    );
    let level = input.map.level.expect("a map level");
    let scores = engine.score(level, &sel).unwrap();
    assert!(shapes.len() > 3, "{} shapes", shapes.len());
    let mut classes_seen = std::collections::BTreeSet::new();
    for (code, fill) in &shapes {
        let score = scores.total[scores.index_of(code).unwrap()];
        // The web map's rule (web/src/config.js): class k covers [k, k + 1).
        let class = (score.floor() as u8).clamp(1, 10);
        let (_, legend_colour) = legend.iter().find(|(k, _)| *k == class).unwrap();
        assert_eq!(fill, legend_colour, "{code}: score {score}, class {class}");
        classes_seen.insert(class);
    }
    assert!(
        classes_seen.len() > 1,
        "the demo spreads over several classes"
    );
}

#[test]
fn an_estimated_indicator_is_marked_with_a_footnote_giving_the_population_share() {
    let Demo {
        territory, index, ..
    } = demo();
    let d = &territory.dataset;
    let j = d.indicator_index("poverty_rate").unwrap();
    // Poverty of the base units of commune X1001 estimated (statistical secrecy).
    let marks: Vec<_> = d
        .units()
        .iter()
        .enumerate()
        .filter(|(_, u)| u.commune == "X1001")
        .map(|(i, _)| (i, j, Level::Epci))
        .collect();
    assert!(!marks.is_empty());
    let engine = ifn_core::Engine::new(
        d.clone().with_estimates(marks).unwrap(),
        ifn_core::Catalogue::builtin().clone(),
    );
    let sel = Selection::builder("tout-age").build(&engine).unwrap();
    let opts = OfferOptions::default();
    let commune = demo_input(
        territory,
        &engine,
        index,
        Level::Commune,
        "X1001",
        &sel,
        &opts,
    );
    let html = render_html(&commune);
    assert!(html.contains("data-figure=\"indicator-estimated-poverty_rate\""));
    assert!(!html.contains("indicator-estimated-older_65_rate"));
    assert!(html.contains("id=\"note-secret\""));
    assert!(
        html.contains(&format!("Taux de pauvreté {}", pct(1.0))),
        "{html}"
    );
    // Its département is only partly estimated, and says how much.
    let dep = &d
        .units()
        .iter()
        .find(|u| u.commune == "X1001")
        .unwrap()
        .departement;
    let input = demo_input(
        territory,
        &engine,
        index,
        Level::Departement,
        dep,
        &sel,
        &opts,
    );
    let row = input
        .indicators
        .iter()
        .find(|r| r.key == "poverty_rate")
        .unwrap();
    assert!(row.estimated_share > 0.0 && row.estimated_share < 1.0);
    assert!(render_html(&input).contains(&pct(row.estimated_share)));
}
