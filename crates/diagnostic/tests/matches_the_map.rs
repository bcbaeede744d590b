//! The printed diagnostic agrees with the map: the class colours are the core's rules, a
//! territory is compared with the territories that enclose it (never with itself), and raw
//! values are rounded the way the viewer rounds the API's values.
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

mod common;

use common::{demo, demo_input, figure, figures, Demo};
use ifn_core::offer::OfferOptions;
use ifn_core::{Level, Selection};
use ifn_diagnostic::{read_figure, render_html, DiagnosticInput};

/// Every `#rrggbb` colour following `prefix` in the page (swatch backgrounds, path fills).
fn colours_after(html: &str, prefix: &str) -> Vec<String> {
    html.split(prefix)
        .skip(1)
        .map(|c| c.chars().take(7).collect::<String>())
        .filter(|c| c.starts_with('#'))
        .collect()
}

fn page(level: Level, code: &str, profile: &str) -> (DiagnosticInput, String) {
    let Demo {
        territory: t,
        engine,
        index,
    } = demo();
    let sel = Selection::builder(profile).build(engine).unwrap();
    let input = demo_input(
        t,
        engine,
        index,
        level,
        code,
        &sel,
        &OfferOptions::default(),
    );
    let html = render_html(&input);
    (input, html)
}

#[test]
fn the_class_colours_of_the_page_are_exactly_the_rules_colours() {
    let (_, html) = page(Level::Epci, "X00000001", "tout-age");
    let rules = ifn_core::rules();
    let class_colours: Vec<String> = rules
        .score
        .classes
        .iter()
        .map(|c| c.colour.to_string())
        .collect();
    // The legend: classes 10 down to 1, then the missing colour.
    let legend = html.split("class=\"legend\"").nth(1).unwrap();
    let swatches = colours_after(legend, "class=\"swatch\" style=\"background:");
    let mut want: Vec<String> = class_colours.iter().rev().cloned().collect();
    want.push(rules.score.missing.colour.to_string());
    assert_eq!(swatches, want);
    // The map: every shape in a class colour (or the missing one), several classes drawn.
    let fills = colours_after(&html, "fill=\"");
    assert!(fills.len() > 3, "{fills:?}");
    let drawn: std::collections::BTreeSet<&String> = fills
        .iter()
        .filter(|f| class_colours.contains(f) || **f == rules.score.missing.colour)
        .collect();
    assert!(drawn.len() > 1, "{drawn:?}");
    let others: Vec<&String> = fills
        .iter()
        .filter(|f| !class_colours.contains(f) && **f != rules.score.missing.colour)
        .collect();
    // Besides the classes, only the places' dots are filled (the map's own marker colour).
    assert!(others.iter().all(|f| *f == "#000091"), "{others:?}");
}

#[test]
fn a_communes_page_has_an_epci_column_with_the_epcis_values() {
    let Demo {
        territory: t,
        engine,
        ..
    } = demo();
    let unit = t
        .dataset
        .units()
        .iter()
        .find(|u| u.commune == "X1001")
        .unwrap();
    let (input, html) = page(Level::Commune, "X1001", "tout-age");
    let levels: Vec<Option<Level>> = input.references.iter().map(|r| r.level).collect();
    assert_eq!(levels, [Some(Level::Epci), Some(Level::Departement), None]);
    assert_eq!(input.references[0].code, unit.epci);
    let epci_name = t.dataset.name_of(Level::Epci, &unit.epci);
    assert!(
        html.contains(&epci_name),
        "the EPCI's name heads its column"
    );

    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let epci = engine.score(Level::Epci, &sel).unwrap();
    let r = epci.index_of(&unit.epci).unwrap();
    assert_eq!(figure(&html, "score-epci"), Some(epci.total[r]));
    assert_eq!(
        figure(&html, "population-table-epci"),
        Some(epci.population[r])
    );
    for (k, key) in sel.indicators.iter().enumerate() {
        assert_eq!(
            read_figure(&html, &format!("indicator-raw-{key}-epci")).unwrap(),
            Some(epci.raw[(r, k)]).filter(|v| v.is_finite())
        );
        assert_eq!(
            read_figure(&html, &format!("indicator-class-{key}-epci")).unwrap(),
            Some(epci.classes[(r, k)]).filter(|v| v.is_finite())
        );
    }
    assert!(
        read_figure(&html, "places-per-10k-all-epci").is_some(),
        "the offer is compared with the EPCI too"
    );
}

#[test]
fn a_departements_page_is_never_compared_with_itself() {
    let (input, html) = page(Level::Departement, "X3", "senior");
    assert!(input
        .references
        .iter()
        .all(|r| r.level != Some(Level::Departement)));
    for (name, _, _) in figures(&html) {
        assert!(!name.ends_with("-departement"), "{name}");
    }
    assert_eq!(read_figure(&html, "score-departement"), None);
    assert!(read_figure(&html, "score-france").is_some());
    // The demo's single région is the whole store: the France column stands for it, and no
    // column repeats another.
    assert_eq!(input.references.len(), 1);
    assert_eq!(input.references[0].level, None);
    assert_eq!(read_figure(&html, "score-region"), None);
    assert!(!html.contains("celui du département"));
    let Demo { territory: t, .. } = demo();
    let region = &t
        .dataset
        .units()
        .iter()
        .find(|u| u.departement == "X3")
        .unwrap()
        .region;

    // A région is compared with France only.
    let (input, html) = page(Level::Region, region, "senior");
    assert_eq!(input.references.len(), 1);
    assert_eq!(input.references[0].level, None);
    assert_eq!(read_figure(&html, "score-region"), None);
}

/// The viewer's rounding, written out independently: the shortest decimal text of the value
/// (what JSON carries) rounded half up at one decimal, French comma.
fn viewer_text(v: f64) -> String {
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits: Vec<u32> = frac.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let mut tenths = int.parse::<u64>().unwrap() * 10 + u64::from(*digits.first().unwrap_or(&0));
    if digits.get(1).is_some_and(|&d| d >= 5) {
        tenths += 1;
    }
    let sign = if v < 0.0 && tenths > 0 { "-" } else { "" };
    format!("{sign}{},{}", tenths / 10, tenths % 10)
}

#[test]
fn raw_values_are_printed_as_the_viewer_rounds_them_with_their_unit() {
    let Demo { engine, .. } = demo();
    let sel = Selection::builder("tout-age").build(engine).unwrap();
    let iris = engine.score(Level::Iris, &sel).unwrap();
    let catalogue = engine.catalogue();
    // Demo IRIS values have two decimals: many end in 5, where rounding the binary value
    // (`{:.1}`) and the viewer disagree. Find such a tie and print its IRIS.
    let (row, k) = (0..iris.len())
        .flat_map(|r| (0..sel.indicators.len()).map(move |k| (r, k)))
        .find(|&(r, k)| {
            let v = iris.raw[(r, k)];
            v.is_finite() && format!("{v:.1}").replace('.', ",") != viewer_text(v)
        })
        .expect("a tie in the demo values");
    let code = iris.codes[row].clone();
    let (_, html) = page(Level::Iris, &code, "tout-age");
    let mut checked = 0;
    for (name, value, text) in figures(&html) {
        let Some(key) = name.strip_prefix("indicator-raw-") else {
            continue;
        };
        let key = key.split_once('-').map_or(key, |(k, _)| k);
        let Some(v) = value else {
            assert_eq!(text, "—", "{name}");
            continue;
        };
        let unit = &catalogue.indicator(key).unwrap().unit;
        let want = if unit.is_empty() {
            viewer_text(v)
        } else {
            format!("{}\u{a0}{unit}", viewer_text(v))
        };
        assert_eq!(text, want, "{name} = {v}");
        checked += 1;
    }
    assert!(checked >= sel.indicators.len(), "{checked}");
    let key = &sel.indicators[k];
    let v = iris.raw[(row, k)];
    let (_, _, text) = figures(&html)
        .into_iter()
        .find(|(n, _, _)| *n == format!("indicator-raw-{key}"))
        .unwrap();
    assert!(text.starts_with(&viewer_text(v)), "{text} for {v}");
}

#[test]
fn no_label_is_lower_cased_into_a_typo() {
    for level_code in [(Level::Commune, "X1001"), (Level::Departement, "X1")] {
        let (_, html) = page(level_code.0, level_code.1, "tout-age");
        // (`no_4g_coverage_rate` is a key, in the figure names; the label says "en 4G".)
        assert!(!html.contains("en 4g"), "an acronym lost its case");
    }
}
