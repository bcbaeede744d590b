//! Tiles as an independent decoder (`mvt-reader`) reads them: MVT 2.1 ring orientation on the
//! decoded coordinates, and decoding of arbitrary bytes never panics.
#![allow(clippy::unwrap_used)]

use geo_types::{LineString, MultiPolygon, Polygon};
use ifn_core::{demo, Catalogue, Engine, Feature, Level, Selection};
use ifn_tiles::mvt::decode::decode_tile;
use ifn_tiles::{LevelTiler, TileId, TileOptions};
use proptest::prelude::*;

/// Surveyor's formula (twice the signed area) on decoded tile coordinates, y down: MVT 2.1
/// wants exterior rings positive (clockwise on screen) and holes negative.
fn area2(ring: &[(i32, i32)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (x0, y0) = ring[i];
            let (x1, y1) = ring[(i + 1) % n];
            i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0)
        })
        .sum()
}

/// A square of `half` degrees around (lon, lat), counter-clockwise on the map (as GeoJSON).
fn square(lon: f64, lat: f64, half: f64, ccw: bool) -> LineString<f64> {
    let mut pts = vec![
        (lon - half, lat - half),
        (lon + half, lat - half),
        (lon + half, lat + half),
        (lon - half, lat + half),
        (lon - half, lat - half),
    ];
    if !ccw {
        pts.reverse();
    }
    LineString::from(pts)
}

#[test]
fn a_polygon_with_a_hole_decodes_as_one_exterior_clockwise_and_one_hole_counter_clockwise() {
    // Given with the *wrong* orientations on purpose (exterior clockwise on the map, hole
    // counter-clockwise): the tiler must orient them as MVT wants whatever the input.
    let donut = Polygon::new(
        square(2.0, 47.0, 1.0, false),
        vec![square(2.0, 47.0, 0.4, true)],
    );
    let island = Polygon::new(square(6.0, 47.0, 0.5, true), vec![]);
    let features = vec![Feature {
        code: "DONUT".into(),
        geometry: MultiPolygon(vec![donut, island]),
    }];
    let t = demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let sel = Selection::builder("tout-age").build(&engine).unwrap();
    let scores = engine.score(Level::Region, &sel).unwrap();
    let tiler = LevelTiler::new(&features, &[], TileOptions::default());
    for tile in [
        TileId::new(4, 8, 5).unwrap(),
        TileId::new(5, 16, 11).unwrap(),
    ] {
        let bytes = tiler.tile(tile, "shapes", &scores, None);
        let decoded = decode_tile(&bytes).unwrap();
        let layer = decoded.layer("shapes").unwrap();
        assert_eq!((layer.version, layer.extent), (2, 4096));
        let f = &layer.features[0];
        assert_eq!(f.geom_type, 3);
        let holes: usize = f.polygons.iter().map(|(_, h)| h.len()).sum();
        assert!(
            !f.polygons.is_empty() && holes >= 1,
            "{tile}: {:?}",
            f.polygons
        );
        for (exterior, holes) in &f.polygons {
            assert!(area2(exterior) > 0, "{tile}: exterior clockwise (y down)");
            assert!(
                holes.iter().all(|h| area2(h) < 0),
                "{tile}: holes counter-clockwise"
            );
        }
    }
}

#[test]
fn every_demo_departement_tile_has_clockwise_exteriors_once_decoded() {
    let t = demo::generate();
    let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
    let codes = engine.codes(Level::Departement).unwrap();
    let tiler = LevelTiler::new(
        &t.geometries[&Level::Departement],
        &codes,
        TileOptions::default(),
    );
    let sel = Selection::builder("tout-age").build(&engine).unwrap();
    let scores = engine.score(Level::Departement, &sel).unwrap();
    let mut polygons = 0;
    for z in [0u8, 4, 7] {
        let (xs, ys) = ifn_tiles::tile::tiles_covering(t.meta.bbox, z);
        for x in xs {
            for y in ys.clone() {
                let bytes = tiler.tile(TileId::new(z, x, y).unwrap(), "departement", &scores, None);
                if bytes.is_empty() {
                    continue;
                }
                for f in &decode_tile(&bytes).unwrap().layers[0].features {
                    for (exterior, holes) in &f.polygons {
                        assert!(area2(exterior) > 0, "{z}/{x}/{y}");
                        assert!(holes.iter().all(|h| area2(h) < 0), "{z}/{x}/{y}");
                        polygons += 1;
                    }
                }
            }
        }
    }
    assert!(polygons > 10, "{polygons}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_tile(&bytes);
    }

    #[test]
    fn decoding_a_corrupted_tile_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = z0_tile().to_vec();
        for (at, v) in flips {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        let _ = decode_tile(&bytes);
    }
}

/// The demo's departements at zoom 0, built once for all cases.
fn z0_tile() -> &'static [u8] {
    static TILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TILE.get_or_init(|| {
        let t = demo::generate();
        let tiler = LevelTiler::new(
            &t.geometries[&Level::Departement],
            &[],
            TileOptions::default(),
        );
        let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
        let sel = Selection::builder("tout-age").build(&engine).unwrap();
        let scores = engine.score(Level::Departement, &sel).unwrap();
        tiler.tile(TileId::new(0, 0, 0).unwrap(), "departement", &scores, None)
    })
}
