//! Hand-made fixtures where every count and distance is known.
//!
//! Five base units stacked along the meridian 0.05° E, each 0.1° × 0.1°: along a meridian the
//! great-circle distance is exactly `R · Δlat` (radians), which gives the expected distances
//! without calling the haversine code under test.
#![allow(clippy::unwrap_used)] // a failing test should panic where it fails

use std::collections::BTreeMap;

use approx::assert_relative_eq;
use geo::{MultiPolygon, Rect};
use ndarray::array;

use super::*;
use crate::geodesy::EARTH_RADIUS_KM;
use crate::{BaseUnit, Catalogue, Dataset, Engine, Feature, Level, Selection, UnitScores};

/// km along a meridian for `deg` degrees of latitude.
fn km(deg: f64) -> f64 {
    EARTH_RADIUS_KM * deg.to_radians()
}

fn square(lat0: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![Rect::new((0.0, lat0), (0.1, lat0 + 0.1)).to_polygon()])
}

fn unit(code: &str, commune: &str, dep: &str, population: f64) -> BaseUnit {
    BaseUnit {
        code: code.into(),
        name: format!("Unité {code}"),
        commune: commune.into(),
        epci: format!("E{dep}"),
        departement: dep.into(),
        region: "R1".into(),
        population,
    }
}

fn place(id: &str, lon: f64, lat: f64, commune: &str, kinds: &[PlaceKind]) -> Place {
    Place {
        id: id.into(),
        name: id.into(),
        lon,
        lat,
        commune: commune.into(),
        address: String::new(),
        kinds: kinds.to_vec(),
        services: vec![],
        publics: vec![],
        source: "test".into(),
    }
}

/// A (C1, 1000, class 2), B (C1, 3000, class 10), C (C2, 500, class 8) in département 01;
/// D (C3, 1500, class 6, commune contour only), E (C4, 200, class 4, no contour) in 02.
struct Fixture {
    engine: Engine,
    places: Vec<Place>,
    geometries: BTreeMap<Level, Vec<Feature>>,
}

fn fixture() -> Fixture {
    let units = vec![
        unit("A", "C1", "01", 1000.0),
        unit("B", "C1", "01", 3000.0),
        unit("C", "C2", "01", 500.0),
        unit("D", "C3", "02", 1500.0),
        unit("E", "C4", "02", 200.0),
    ];
    // One indicator ranked over 5 units: values 1..5 → classes 2, 4, 6, 8, 10.
    let values = array![[1.0], [5.0], [4.0], [3.0], [2.0]];
    let dataset = Dataset::new(
        units,
        vec!["poverty_rate".into()],
        values,
        Default::default(),
    )
    .expect("valid fixture");
    let engine = Engine::new(dataset, Catalogue::builtin().clone());
    let mut geometries = BTreeMap::new();
    geometries.insert(
        Level::Iris,
        ["A", "B", "C"]
            .iter()
            .zip([0.0, 0.1, 0.2])
            .map(|(c, lat)| Feature {
                code: c.to_string(),
                geometry: square(lat),
            })
            .collect(),
    );
    geometries.insert(
        Level::Commune,
        vec![Feature {
            code: "C3".into(),
            geometry: square(0.3),
        }],
    );
    use PlaceKind::*;
    let places = vec![
        place("p1", 0.05, 0.05, "C2", &[FranceServices, AidantsConnect]), // in A (point wins)
        place("p2", 0.05, 0.02, "C1", &[Bibliotheque]),                   // in A
        place("p3", 0.05, 0.25, "C2", &[ConseillerNumerique]),            // in C
        place("p4", 0.05, 0.38, "", &[Autre]),                            // in C3's contour → D
        place("p5", f64::NAN, f64::NAN, "C1", &[Autre]),                  // C1 by code only
        place("p6", 5.0, 5.0, "", &[Autre]),                              // nowhere
        place("p7", 0.05, 0.1, "", &[Autre]),                             // on the A/B edge → A
    ];
    Fixture {
        engine,
        places,
        geometries,
    }
}

fn scores(f: &Fixture) -> UnitScores {
    let sel = Selection::builder("tout-age")
        .indicators(["poverty_rate"])
        .build(&f.engine)
        .expect("poverty_rate is in tout-age");
    f.engine.unit_scores(&sel).expect("scores")
}

fn index(f: &Fixture) -> PlaceIndex {
    PlaceIndex::build(f.engine.dataset().units(), &f.geometries, &f.places)
}

#[test]
fn the_fixture_scores_are_the_expected_classes() {
    let f = fixture();
    assert_eq!(scores(&f).total, vec![2.0, 10.0, 8.0, 6.0, 4.0]);
}

#[test]
fn places_are_located_by_contour_then_commune_contour_then_code() {
    let f = fixture();
    let ix = index(&f);
    assert_eq!(ix.location(0), PlaceLocation::UnitContour { unit: 0 });
    assert_eq!(ix.location(1), PlaceLocation::UnitContour { unit: 0 });
    assert_eq!(ix.location(2), PlaceLocation::UnitContour { unit: 2 });
    assert_eq!(ix.location(3), PlaceLocation::CommuneContour { unit: 3 });
    assert_eq!(ix.unit_of_place(3), Some(3), "C3 has one unit: exact");
    assert_eq!(ix.location(4), PlaceLocation::CommuneCode { unit: 0 });
    assert_eq!(ix.unit_of_place(4), None, "C1 has two units: not exact");
    assert_eq!(ix.location(5), PlaceLocation::Unassigned);
    assert_eq!(ix.location(6), PlaceLocation::UnitContour { unit: 0 });
    assert_eq!(ix.unassigned(), &[5]);
    assert_eq!(ix.unassigned_ids(), vec!["p6"]);
}

#[test]
fn centres_come_from_the_unit_then_the_commune_contour() {
    let f = fixture();
    let ix = index(&f);
    let c = ix.centre(1).expect("B has a contour");
    assert_relative_eq!(c.0, 0.05, epsilon = 1e-12);
    assert_relative_eq!(c.1, 0.15, epsilon = 1e-12);
    assert_eq!(ix.centre_source(1), CentreSource::UnitContour);
    assert_eq!(ix.centre_source(3), CentreSource::CommuneContour);
    assert_eq!(ix.centre_source(4), CentreSource::None);
    assert_eq!(ix.centre(4), None);
}

#[test]
fn nearest_distances_per_kind_are_the_meridian_distances() {
    let f = fixture();
    let ix = index(&f);
    let expect = |unit: usize, kind: OfferKind, deg: f64| {
        assert_relative_eq!(
            ix.nearest_km(unit, kind),
            km(deg),
            epsilon = 1e-9,
            max_relative = 1e-9
        );
    };
    // All kinds: A has p1 at its centre, B's nearest is p7 on its edge, C has p3, D has p4.
    expect(0, OfferKind::All, 0.0);
    expect(1, OfferKind::All, 0.05);
    expect(2, OfferKind::All, 0.0);
    expect(3, OfferKind::All, 0.03);
    // France Services and Aidants Connect: p1 only.
    for k in [OfferKind::FranceServices, OfferKind::AidantsConnect] {
        expect(0, k, 0.0);
        expect(1, k, 0.1);
        expect(2, k, 0.2);
        expect(3, k, 0.3);
    }
    // Libraries: p2 at 0.02.
    expect(0, OfferKind::Bibliotheque, 0.03);
    expect(3, OfferKind::Bibliotheque, 0.33);
    // Conseillers numériques: p3 at 0.25.
    expect(1, OfferKind::ConseillerNumerique, 0.1);
    expect(3, OfferKind::ConseillerNumerique, 0.1);
    assert!(ix.nearest_km(4, OfferKind::All).is_nan(), "E has no centre");
    assert_relative_eq!(km(0.1), 11.119_508, epsilon = 1e-5);
}

#[test]
fn departement_figures_are_the_hand_counted_ones() {
    let f = fixture();
    let ix = index(&f);
    let o = offer(
        Level::Departement,
        &f.engine,
        &scores(&f),
        &ix,
        &OfferOptions::default(),
    )
    .unwrap();
    assert_eq!(o.territories.len(), 2);
    let d1 = o.get("01").unwrap();
    assert_eq!(d1.population, 4500.0);
    // p1, p2, p7 in A, p3 in C, p5 in C1 by code.
    assert_eq!(
        d1.places,
        ByKind {
            all: 5,
            france_services: 1,
            conseiller_numerique: 1,
            aidants_connect: 1,
            bibliotheque: 1
        }
    );
    assert_relative_eq!(d1.places_per_10k.all, 5.0 * 10_000.0 / 4500.0);
    assert_relative_eq!(d1.places_per_10k.bibliotheque, 10_000.0 / 4500.0);
    // Fragile (≥ 7): B (10) and C (8).
    assert_eq!(d1.fragile_population, 3500.0);
    assert_relative_eq!(d1.places_per_10k_fragile, 5.0 * 10_000.0 / 3500.0);
    assert_relative_eq!(
        d1.mean_distance_km.all,
        3000.0 * km(0.05) / 4500.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        d1.mean_distance_km.france_services,
        (3000.0 * km(0.1) + 500.0 * km(0.2)) / 4500.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        d1.fragile_mean_distance_km,
        3000.0 * km(0.05) / 3500.0,
        max_relative = 1e-9
    );
    // 5.56 km < 10 km: nobody beyond.
    assert_eq!(d1.fragile_population_beyond, 0.0);
    assert_eq!(d1.fragile_share_beyond, 0.0);
    assert!(d1.zones_blanches.is_empty());

    let d2 = o.get("02").unwrap();
    assert_eq!(d2.population, 1700.0);
    assert_eq!(d2.places.all, 1);
    assert_eq!(d2.places.france_services, 0);
    assert_eq!(d2.fragile_population, 0.0);
    assert!(d2.places_per_10k_fragile.is_nan());
    assert!(d2.fragile_share_beyond.is_nan());
    assert!(d2.fragile_mean_distance_km.is_nan());
    assert_eq!(d2.units_without_centre, 1);
    // Only D has a centre.
    assert_relative_eq!(d2.mean_distance_km.all, km(0.03), max_relative = 1e-9);
    assert_relative_eq!(
        d2.mean_distance_km.france_services,
        km(0.3),
        max_relative = 1e-9
    );
    assert_eq!(o.unassigned_places, vec!["p6".to_string()]);
    assert_eq!(o.places_without_unit, 0);
}

#[test]
fn a_shorter_distance_makes_the_far_fragile_unit_a_zone_blanche() {
    let f = fixture();
    let ix = index(&f);
    let s = scores(&f);
    let opts = OfferOptions {
        threshold: 7.0,
        distance_km: 5.0,
    };
    let o = offer(Level::Departement, &f.engine, &s, &ix, &opts).unwrap();
    let d1 = o.get("01").unwrap();
    assert_eq!(d1.zones_blanches, vec!["B".to_string()]);
    assert_eq!(d1.zone_blanche_units, vec![1]);
    assert_eq!(d1.fragile_population_beyond, 3000.0);
    assert_eq!(d1.zones_blanches_population, 3000.0);
    assert_relative_eq!(d1.fragile_share_beyond, 3000.0 / 3500.0);
    assert_eq!(
        zone_blanche_units(&s, &ix, &opts),
        vec![false, true, false, false, false]
    );
    // Exactly at the distance is not beyond.
    let at = OfferOptions {
        threshold: 7.0,
        distance_km: ix.nearest_km(1, OfferKind::All),
    };
    assert_eq!(zone_blanche_units(&s, &ix, &at), vec![false; 5]);
}

#[test]
fn the_threshold_is_inclusive_and_user_settable() {
    let f = fixture();
    let ix = index(&f);
    let s = scores(&f);
    let o = offer(
        Level::Departement,
        &f.engine,
        &s,
        &ix,
        &OfferOptions {
            threshold: 6.0,
            distance_km: 10.0,
        },
    )
    .unwrap();
    assert_eq!(o.get("02").unwrap().fragile_population, 1500.0);
    assert_eq!(o.get("01").unwrap().fragile_population, 3500.0);
    let o = offer(
        Level::Departement,
        &f.engine,
        &s,
        &ix,
        &OfferOptions {
            threshold: 10.0,
            distance_km: 10.0,
        },
    )
    .unwrap();
    assert_eq!(o.get("01").unwrap().fragile_population, 3000.0);
}

#[test]
fn iris_and_commune_counts_follow_the_places_units() {
    let f = fixture();
    let ix = index(&f);
    let s = scores(&f);
    let iris = offer(Level::Iris, &f.engine, &s, &ix, &OfferOptions::default()).unwrap();
    let counts: Vec<u32> = iris.territories.iter().map(|t| t.places.all).collect();
    assert_eq!(counts, vec![3, 0, 1, 1, 0]);
    assert_eq!(
        iris.places_without_unit, 1,
        "p5 is known only as commune C1"
    );
    let com = offer(Level::Commune, &f.engine, &s, &ix, &OfferOptions::default()).unwrap();
    let counts: Vec<(&str, u32)> = com
        .territories
        .iter()
        .map(|t| (t.code.as_str(), t.places.all))
        .collect();
    assert_eq!(counts, vec![("C1", 4), ("C2", 1), ("C3", 1), ("C4", 0)]);
    let all: Vec<usize> = (0..5).collect();
    let fr = offer_for_units("FR", &all, &f.engine, &s, &ix, &OfferOptions::default()).unwrap();
    assert_eq!(fr.places.all, 6);
    assert_eq!(fr.population, 6200.0);
}

#[test]
fn without_places_distances_are_unknown_and_every_fragile_unit_is_a_zone_blanche() {
    let f = fixture();
    let ix = PlaceIndex::build(f.engine.dataset().units(), &f.geometries, &[]);
    let s = scores(&f);
    assert_eq!(ix.nearest_km(0, OfferKind::All), f64::INFINITY);
    let o = offer(
        Level::Departement,
        &f.engine,
        &s,
        &ix,
        &OfferOptions::default(),
    )
    .unwrap();
    let d1 = o.get("01").unwrap();
    assert_eq!(d1.places.all, 0);
    assert_eq!(d1.places_per_10k.all, 0.0);
    assert!(d1.mean_distance_km.all.is_nan());
    assert_eq!(d1.zones_blanches, vec!["B".to_string(), "C".to_string()]);
    assert_eq!(d1.fragile_share_beyond, 1.0);
}

#[test]
fn without_contours_places_fall_back_on_their_commune_code() {
    let f = fixture();
    let ix = PlaceIndex::build(f.engine.dataset().units(), &BTreeMap::new(), &f.places);
    assert_eq!(
        ix.location(0),
        PlaceLocation::CommuneCode { unit: 2 },
        "p1 declares C2"
    );
    assert_eq!(ix.location(3), PlaceLocation::Unassigned, "p4 has no code");
    assert!(ix.centres().iter().all(Option::is_none));
    let o = offer(
        Level::Departement,
        &f.engine,
        &scores(&f),
        &ix,
        &OfferOptions::default(),
    )
    .unwrap();
    assert!(o.get("01").unwrap().mean_distance_km.all.is_nan());
    assert_eq!(o.get("01").unwrap().units_without_centre, 3);
}

#[test]
fn bad_options_and_mismatched_inputs_are_refused() {
    let f = fixture();
    let ix = index(&f);
    let s = scores(&f);
    let bad = OfferOptions {
        threshold: 7.0,
        distance_km: f64::INFINITY,
    };
    let e = offer(Level::Commune, &f.engine, &s, &ix, &bad).unwrap_err();
    assert!(e.to_string().contains("distance_km"), "{e}");
    let short = UnitScores {
        total: vec![1.0],
        used: vec![1],
    };
    assert!(matches!(
        offer(
            Level::Commune,
            &f.engine,
            &short,
            &ix,
            &OfferOptions::default()
        ),
        Err(OfferError::ScoresMismatch {
            scores: 1,
            engine: 5
        })
    ));
    let other = PlaceIndex::build(&f.engine.dataset().units()[..2], &f.geometries, &f.places);
    assert!(matches!(
        offer(
            Level::Commune,
            &f.engine,
            &s,
            &other,
            &OfferOptions::default()
        ),
        Err(OfferError::IndexMismatch {
            index: 2,
            engine: 5
        })
    ));
}

#[test]
fn the_demo_offer_is_the_same_on_one_thread_and_many() {
    let t = crate::demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let sel = Selection::builder("tout-age").build(&engine).unwrap();
    let s = engine.unit_scores(&sel).unwrap();
    let run = || {
        let ix = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
        offer(Level::Commune, &engine, &s, &ix, &OfferOptions::default()).unwrap()
    };
    let many = run();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    assert_eq!(
        format!("{:?}", one.territories),
        format!("{:?}", many.territories)
    );
    assert_eq!(one.unassigned_places, many.unassigned_places);
    let located: u32 = many.territories.iter().map(|t| t.places.all).sum();
    assert_eq!(located as usize, t.places.len());
    // Every demo place lies in a unit contour, and every demo unit has its own centre.
    let ix = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    assert!(
        (0..t.places.len()).all(|i| matches!(ix.location(i), PlaceLocation::UnitContour { .. }))
    );
    assert!((0..t.dataset.units().len()).all(|u| ix.centre_source(u) == CentreSource::UnitContour));
}

#[test]
fn the_demo_distances_match_a_brute_force_search() {
    let t = crate::demo::generate();
    let ix = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    for u in (0..t.dataset.units().len()).step_by(7) {
        let c = ix.centre(u).unwrap();
        for k in OfferKind::ALL {
            let brute = t
                .places
                .iter()
                .filter(|p| k.matches(&p.kinds))
                .map(|p| crate::geodesy::distance_km_haversine(c, (p.lon, p.lat)))
                .fold(f64::INFINITY, f64::min);
            assert_relative_eq!(ix.nearest_km(u, k), brute, epsilon = 1e-9);
        }
    }
}
