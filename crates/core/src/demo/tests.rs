use super::*;
use std::collections::HashSet;

#[test]
fn the_demo_has_the_announced_size() {
    let t = generate();
    let units = t.dataset.units();
    let communes: HashSet<&str> = units.iter().map(|u| u.commune.as_str()).collect();
    let epci: HashSet<&str> = units
        .iter()
        .map(|u| u.epci.as_str())
        .filter(|e| !e.is_empty())
        .collect();
    let deps: HashSet<&str> = units.iter().map(|u| u.departement.as_str()).collect();
    assert_eq!(deps.len(), 3);
    assert_eq!(epci.len(), 10);
    assert!(
        (250..=330).contains(&communes.len()),
        "{} communes",
        communes.len()
    );
    assert!((600..=800).contains(&units.len()), "{} IRIS", units.len());
    assert!(
        (200..=450).contains(&t.places.len()),
        "{} places",
        t.places.len()
    );
    assert!(
        units.iter().any(|u| u.epci.is_empty()),
        "some commune has no EPCI"
    );
}

#[test]
fn the_demo_is_deterministic() {
    let (a, b) = (generate(), generate());
    assert_eq!(a.dataset.units(), b.dataset.units());
    assert_eq!(a.places, b.places);
    let (va, vb) = (a.dataset.values(), b.dataset.values());
    assert!(va
        .iter()
        .zip(vb.iter())
        .all(|(x, y)| x.to_bits() == y.to_bits()));
}

#[test]
fn every_unit_has_a_contour_and_contours_do_not_overlap() {
    use geo::{Area, BooleanOps};
    let t = generate();
    let iris = &t.geometries[&Level::Iris];
    assert_eq!(iris.len(), t.dataset.units().len());
    let total: f64 = iris.iter().map(|f| f.geometry.unsigned_area()).sum();
    let region = t.geometries[&Level::Region][0].geometry.unsigned_area();
    assert!(
        (total - region).abs() < 1e-9 * region.max(1.0) + 1e-9,
        "{total} vs {region}"
    );
    // Two neighbouring IRIS share an edge but no area.
    let inter = iris[0]
        .geometry
        .intersection(&iris[1].geometry)
        .unsigned_area();
    assert!(inter < 1e-9, "{inter}");
}

#[test]
fn demo_values_look_like_real_ones() {
    let t = generate();
    let d = &t.dataset;
    let col = |k: &str| d.indicator_index(k).expect("key");
    let v = d.values();
    let no4g = v.column(col("no_4g_coverage_rate"));
    let zeros = no4g.iter().filter(|&&x| x == 0.0).count();
    assert!(
        zeros * 3 > no4g.len(),
        "many units fully covered in 4G: {zeros}"
    );
    let pov = v.column(col("poverty_rate"));
    assert!(
        pov.iter().any(|x| x.is_nan()),
        "secrecy leaves some poverty rates missing"
    );
    assert!(v.iter().all(|x| x.is_nan() || (0.0..=500.0).contains(x)));
    assert!(
        d.units().iter().any(|u| u.population == 0.0),
        "activity IRIS"
    );
}

#[test]
fn vintage_1_is_the_demo_and_vintage_2_is_deterministic() {
    let (v1, none) = vintage(1).unwrap();
    assert!(none.is_none());
    assert_eq!(v1.dataset.units(), generate().dataset.units());
    let ((a, ca), (b, cb)) = (vintage(2).unwrap(), vintage(2).unwrap());
    assert_eq!(a.dataset.units(), b.dataset.units());
    assert_eq!(ca, cb);
    assert!(vintage(0).is_none() && vintage(LATEST_VINTAGE + 1).is_none());
}

#[test]
fn vintage_2_keeps_every_base_unit_and_its_contour_under_its_new_code() {
    use geo::Area;
    let v1 = generate();
    let (v2, _) = vintage(2).unwrap();
    assert_eq!(v1.dataset.units().len(), v2.dataset.units().len());
    let area = |t: &Territory, level: Level| -> f64 {
        t.geometries[&level]
            .iter()
            .map(|f| f.geometry.unsigned_area())
            .sum()
    };
    for level in [Level::Iris, Level::Commune] {
        let (a, b) = (area(&v1, level), area(&v2, level));
        assert!((a - b).abs() < 1e-9 * a, "{level}: {a} vs {b}");
    }
    let communes = |t: &Territory| {
        t.dataset
            .units()
            .iter()
            .map(|u| u.commune.clone())
            .collect::<HashSet<_>>()
    };
    // 7 communes merge into 3, one is re-established: 4 fewer, 1 more.
    assert_eq!(communes(&v2).len(), communes(&v1).len() - 4 + 1);
    assert_eq!(v2.geometries[&Level::Commune].len(), communes(&v2).len());
    // Every unit's code starts with its commune's, as INSEE numbers IRIS.
    assert!(v2
        .dataset
        .units()
        .iter()
        .all(|u| u.code.starts_with(&u.commune)));
}

#[test]
fn vintage_2_values_drift_plausibly() {
    let v1 = generate();
    let (v2, _) = vintage(2).unwrap();
    let col = |t: &Territory, key: &str| -> Vec<f64> {
        let c = t.dataset.indicator_index(key).unwrap();
        t.dataset.values().column(c).to_vec()
    };
    // Units keep their order where the code did not change (vintage 2 is sorted by code).
    let row = |t: &Territory, code: &str| {
        t.dataset
            .units()
            .iter()
            .position(|u| u.code == code)
            .unwrap()
    };
    let (a, b) = (row(&v1, "X10050001"), row(&v2, "X10050001"));
    assert_eq!(
        col(&v1, "library_distance")[a],
        col(&v2, "library_distance")[b],
        "the places did not move"
    );
    assert!(col(&v2, "no_thd_coverage_rate")[b] <= col(&v1, "no_thd_coverage_rate")[a]);
    assert!(col(&v2, "older_65_rate")[b] > col(&v1, "older_65_rate")[a]);
    let missing = |t: &Territory| col(t, "poverty_rate").iter().filter(|v| v.is_nan()).count();
    assert_eq!(missing(&v1), missing(&v2), "secret cells stay secret");
}
