//! Merging the places of several files that describe the same place.

use ifn_core::{Place, PlaceKind};
use rstar::{primitives::GeomWithData, RTree};

use crate::geography::{chord_of_metres, unit_vector};

/// Places of two files with the same folded name closer than this are one place.
const SAME_PLACE_M: f64 = 100.0;

/// The name of a place as compared for merging: accents, case and punctuation folded, so
/// "Médiathèque" and "MEDIATHEQUE" are the same name.
fn folded_name(s: &str) -> String {
    // The one text normaliser of ifn, then only letters and digits: "Médiathèque" and
    // "Mediatheque" (or "MEDIATHE\u{300}QUE", decomposed) are the same name.
    ifn_core::text::fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Merges places of several files that describe the same place: same folded name within
/// 100 m (great circle) of a place kept before. Kinds, services, publics
/// and sources are united into the first. Returns the places and the number merged away.
pub fn merge_duplicates(places: Vec<Place>) -> (Vec<Place>, usize) {
    let radius = chord_of_metres(SAME_PLACE_M);
    let mut tree: RTree<GeomWithData<[f64; 3], usize>> = RTree::new();
    let mut names: Vec<String> = Vec::new();
    let mut out: Vec<Place> = Vec::new();
    let mut merged = 0;
    for p in places {
        let at = unit_vector(p.lon, p.lat);
        let name = folded_name(&p.name);
        // The first place kept among the matches, so that the result does not depend on the
        // R-tree's order.
        let same = tree
            .locate_within_distance(at, radius * radius)
            .map(|c| c.data)
            .filter(|&i| names[i] == name)
            .min();
        match same {
            Some(i) => {
                absorb(&mut out[i], p);
                merged += 1;
            }
            None => {
                tree.insert(GeomWithData::new(at, out.len()));
                names.push(name);
                out.push(p);
            }
        }
    }
    (out, merged)
}

/// Unites `p` into `q`, the place kept.
fn absorb(q: &mut Place, p: Place) {
    for k in p.kinds {
        if !q.kinds.contains(&k) {
            q.kinds.push(k);
        }
    }
    if q.kinds.len() > 1 {
        q.kinds.retain(|k| *k != PlaceKind::Autre);
    }
    for s in p.services {
        if !q.services.contains(&s) {
            q.services.push(s);
        }
    }
    for s in p.publics {
        if !q.publics.contains(&s) {
            q.publics.push(s);
        }
    }
    if !q.source.split('+').any(|s| s == p.source) {
        q.source = format!("{}+{}", q.source, p.source);
    }
    if q.commune.is_empty() {
        q.commune = p.commune;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ifn_core::PlaceKind;

    fn place(src: &str, name: &str, lon: f64, lat: f64, kind: PlaceKind) -> Place {
        Place {
            id: format!("{src}:1"),
            name: name.into(),
            lon,
            lat,
            commune: String::new(),
            address: String::new(),
            kinds: vec![kind],
            services: vec![],
            publics: vec![],
            source: src.into(),
        }
    }

    #[test]
    fn no_place_merges_nothing() {
        assert_eq!(merge_duplicates(vec![]), (vec![], 0));
    }

    #[test]
    fn the_same_place_in_two_files_is_merged() {
        let p = |src: &str, kind| place(src, "Médiathèque  de Cognac", -0.3291, 45.6951, kind);
        let (out, merged) = merge_duplicates(vec![
            p("a", PlaceKind::ConseillerNumerique),
            p("b", PlaceKind::AidantsConnect),
        ]);
        assert_eq!((out.len(), merged), (1, 1));
        assert_eq!(out[0].kinds.len(), 2);
        assert_eq!(out[0].source, "a+b");
    }

    #[test]
    fn places_5_m_apart_across_a_grid_cell_edge_are_merged() {
        // 45.6955 lies on the edge of the former 0.001° cells: 45.69548 and 45.69552 rounded
        // to different cells although they are 4.4 m apart.
        let a = place("a", "Espace numérique", 2.3521, 45.69548, PlaceKind::Autre);
        let b = place(
            "b",
            "Espace numérique",
            2.3521,
            45.69552,
            PlaceKind::FranceServices,
        );
        let (out, merged) = merge_duplicates(vec![a, b]);
        assert_eq!((out.len(), merged), (1, 1));
        assert_eq!(out[0].kinds, vec![PlaceKind::FranceServices]);
    }

    #[test]
    fn names_differing_only_by_accents_and_case_are_merged() {
        let a = place("a", "Médiathèque", 2.0, 46.0, PlaceKind::Bibliotheque);
        let b = place("b", "MEDIATHEQUE", 2.0, 46.0, PlaceKind::AidantsConnect);
        assert_eq!(merge_duplicates(vec![a, b]).1, 1);
    }

    #[test]
    fn places_farther_than_100_m_or_with_other_names_are_kept_apart() {
        // 0.0015° of latitude ≈ 167 m.
        let a = place("a", "Mairie", 2.0, 46.0, PlaceKind::Autre);
        let b = place("b", "Mairie", 2.0, 46.0015, PlaceKind::Autre);
        let c = place("c", "Bibliothèque", 2.0, 46.0, PlaceKind::Autre);
        let (out, merged) = merge_duplicates(vec![a, b, c]);
        assert_eq!((out.len(), merged), (3, 0));
    }
}
