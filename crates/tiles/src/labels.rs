//! Label points of a level's territories, served as selection-independent point tiles so that
//! the map can write names: one point per territory, at the pole of inaccessibility (the
//! `polylabel` crate) of its largest polygon, computed once in Web Mercator (so the point is
//! centred as drawn) for every territory in parallel.
//!
//! A tile carries the points of the territories big enough on screen at its zoom to hold a
//! name ([`LABEL_MIN_SIDE_PX`]), most populated first, at most [`MAX_LABELS_PER_TILE`]: a
//! zoom-5 tile of France carries départements, not 35,000 communes.

use geo::{Area, Coord, LineString, Polygon};
use ifn_core::Feature;
use rayon::prelude::*;

use crate::mvt::{encode_points, GeomType, LayerBuilder, Value, EXTENT};
use crate::tile::{lonlat_to_world, TileId};

/// Name of the layer of label tiles.
pub const LABEL_LAYER: &str = "labels";

/// A territory is labelled at a zoom when the side of the square of its area is at least
/// this many screen pixels (512-pixel tiles): an average commune of France from zoom 9, a
/// département from zoom 5. A name may overflow its territory a little; the map's collision
/// detection keeps the most populated when names overlap.
pub const LABEL_MIN_SIDE_PX: f64 = 32.0;

/// Most points in one tile (the most populated are kept).
pub const MAX_LABELS_PER_TILE: usize = 1500;

/// The label point of one territory.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelPoint {
    /// Territory code.
    pub code: String,
    /// Territory name.
    pub name: String,
    /// Population.
    pub population: f64,
    /// Web Mercator world coordinates (0..1, y down) of the point.
    pub world: (f64, f64),
    /// Area of the territory (all its polygons) in world units² (Web Mercator).
    pub area_world: f64,
}

impl LabelPoint {
    /// The zoom from which the territory is labelled ([`LABEL_MIN_SIDE_PX`]).
    ///
    /// ```
    /// use ifn_tiles::labels::LabelPoint;
    /// // A square of a thousandth of the world's width: 512 px wide at zoom 0 would be 0.5 px.
    /// let p = LabelPoint { code: "1".into(), name: "A".into(), population: 1.0,
    ///                      world: (0.5, 0.5), area_world: 1e-6 };
    /// assert_eq!(p.min_zoom(), 6); // 0.001 × 512 × 2^6 = 32.8 px
    /// ```
    pub fn min_zoom(&self) -> u8 {
        let side = self.area_world.sqrt() * 512.0;
        if side.is_nan() || side <= 0.0 {
            return u8::MAX;
        }
        let z = (LABEL_MIN_SIDE_PX / side).log2().ceil().max(0.0);
        if z > f64::from(u8::MAX - 1) {
            u8::MAX
        } else {
            z as u8
        }
    }
}

/// The label points of a level, most populated first.
#[derive(Debug, Clone, Default)]
pub struct LabelTiler {
    points: Vec<LabelPoint>,
    min_zoom: Vec<u8>,
}

impl LabelTiler {
    /// Computes the label point of each contour (rayon); `info` gives a code's name and
    /// population (contours it does not know are left out).
    ///
    /// ```
    /// use ifn_core::{demo, Level};
    /// use ifn_tiles::labels::LabelTiler;
    /// let t = demo::generate();
    /// let labels = LabelTiler::new(&t.geometries[&Level::Departement], |c| Some((c.to_string(), 1.0)));
    /// assert_eq!(labels.len(), t.geometries[&Level::Departement].len());
    /// ```
    pub fn new(
        features: &[Feature],
        info: impl Fn(&str) -> Option<(String, f64)> + Sync,
    ) -> LabelTiler {
        let mut points: Vec<LabelPoint> = features
            .par_iter()
            .filter_map(|f| {
                let (name, population) = info(&f.code)?;
                let (world, area_world) = label_of(f)?;
                Some(LabelPoint {
                    code: f.code.clone(),
                    name,
                    population,
                    world,
                    area_world,
                })
            })
            .collect();
        points.sort_by(|a, b| {
            b.population
                .total_cmp(&a.population)
                .then_with(|| a.code.cmp(&b.code))
        });
        let min_zoom = points.iter().map(LabelPoint::min_zoom).collect();
        LabelTiler { points, min_zoom }
    }

    /// Number of label points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there is no label point.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The label points, most populated first.
    pub fn points(&self) -> &[LabelPoint] {
        &self.points
    }

    /// Encodes the points inside a tile whose territory is labelled at its zoom, as layer
    /// [`LABEL_LAYER`] (properties `code`, `name`, `population`), most populated first; an
    /// empty buffer when there is none.
    pub fn tile(&self, tile: TileId) -> Vec<u8> {
        self.tile_of(tile, 0..self.points.len())
    }

    /// Where each point is, in world units (for [`crate::pyramid::write_point_pyramid`]).
    pub fn world(&self) -> Vec<(f64, f64)> {
        self.points.iter().map(|p| p.world).collect()
    }

    /// [`LabelTiler::tile`] among the points of `candidates` only (indices into
    /// [`LabelTiler::points`], increasing: most populated first).
    pub fn tile_of(&self, tile: TileId, candidates: impl IntoIterator<Item = usize>) -> Vec<u8> {
        let extent = f64::from(EXTENT);
        let scale = extent * f64::from(tile.side());
        let (ox, oy) = (f64::from(tile.x) * extent, f64::from(tile.y) * extent);
        let mut layer = LayerBuilder::new(LABEL_LAYER);
        for i in candidates {
            let (Some(p), Some(&z)) = (self.points.get(i), self.min_zoom.get(i)) else {
                continue;
            };
            if layer.len() >= MAX_LABELS_PER_TILE {
                break;
            }
            if z > tile.z {
                continue;
            }
            let (x, y) = (p.world.0 * scale - ox, p.world.1 * scale - oy);
            if !((0.0..extent).contains(&x) && (0.0..extent).contains(&y)) {
                continue;
            }
            layer.add_feature(
                None,
                GeomType::Point,
                &encode_points(&[(x.floor() as i32, y.floor() as i32)]),
                &[
                    ("code", Value::String(p.code.clone())),
                    ("name", Value::String(p.name.clone())),
                    (
                        "population",
                        Value::Uint(p.population.max(0.0).round() as u64),
                    ),
                ],
            );
        }
        if layer.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        layer.finish_into(&mut out);
        out
    }
}

/// The pole of inaccessibility of the largest polygon of a contour and the area of the
/// contour, both in world units; `None` for a contour without area.
fn label_of(f: &Feature) -> Option<((f64, f64), f64)> {
    let project = |ring: &LineString<f64>| -> LineString<f64> {
        ring.0
            .iter()
            .map(|c| {
                let (x, y) = lonlat_to_world(c.x, c.y);
                Coord { x, y }
            })
            .collect()
    };
    let mut total = 0.0;
    let mut largest: Option<(f64, Polygon<f64>)> = None;
    for p in &f.geometry.0 {
        let projected = Polygon::new(
            project(p.exterior()),
            p.interiors().iter().map(project).collect(),
        );
        let area = projected.unsigned_area();
        total += area;
        if largest.as_ref().is_none_or(|(a, _)| area > *a) {
            largest = Some((area, projected));
        }
    }
    let (area, polygon) = largest?;
    if area.is_nan() || area <= 0.0 {
        return None;
    }
    // A hundredth of the polygon's size: about a third of a pixel when the label is first
    // drawn (the territory is then about 32 px wide), and much faster than a thousandth.
    let tolerance = area.sqrt() / 100.0;
    let point = polylabel::polylabel(&polygon, &tolerance).ok()?;
    Some(((point.x(), point.y()), total))
}

/// The label points of every level with contours that `engine` scores, with names and
/// populations from the dataset (CPU work, in parallel).
pub fn level_labels(
    engine: &ifn_core::Engine,
    geometries: &std::collections::BTreeMap<ifn_core::Level, Vec<Feature>>,
) -> std::collections::BTreeMap<ifn_core::Level, LabelTiler> {
    let dataset = engine.dataset();
    let mut out = std::collections::BTreeMap::new();
    for (&level, features) in geometries {
        if features.is_empty() || !engine.has_level(level) {
            continue;
        }
        let mut population: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
        for u in dataset.units() {
            *population.entry(u.code_at(level)).or_default() += u.population;
        }
        let tiler = LabelTiler::new(features, |code| {
            let p = *population.get(code)?;
            Some((dataset.name_of(level, code), p))
        });
        out.insert(level, tiler);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use geo::{polygon, MultiPolygon};

    use super::*;
    use crate::mvt::decode::decode_tile;

    fn feature(code: &str, polygons: Vec<Polygon<f64>>) -> Feature {
        Feature {
            code: code.into(),
            geometry: MultiPolygon(polygons),
        }
    }

    #[test]
    fn no_contour_gives_no_label_and_empty_tiles() {
        let labels = LabelTiler::new(&[], |_| Some((String::new(), 0.0)));
        assert!(labels.is_empty());
        assert!(labels.tile(TileId::new(0, 0, 0).unwrap()).is_empty());
    }

    #[test]
    fn a_contour_without_area_or_unknown_code_is_left_out() {
        let flat = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0)];
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let labels = LabelTiler::new(
            &[
                feature("flat", vec![flat]),
                feature("unknown", vec![square]),
            ],
            |c| (c != "unknown").then(|| (c.to_string(), 1.0)),
        );
        assert!(labels.is_empty());
    }

    #[test]
    fn the_label_of_a_u_shape_is_inside_its_largest_polygon() {
        // A U (open to the north) and a small island far east: the label is in the U's
        // arms' base, never in the notch, and never on the island.
        let u = polygon![
            (x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 2.0, y: 3.0),
            (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0)
        ];
        let island =
            polygon![(x: 10.0, y: 0.0), (x: 10.1, y: 0.0), (x: 10.1, y: 0.1), (x: 10.0, y: 0.1)];
        let labels = LabelTiler::new(&[feature("u", vec![island, u])], |c| {
            Some((c.to_uppercase(), 10.0))
        });
        let p = &labels.points()[0];
        let (x0, y_top) = lonlat_to_world(0.0, 1.0);
        let (x3, y0) = lonlat_to_world(3.0, 0.0);
        let (x1, _) = lonlat_to_world(1.0, 0.0);
        let (x2, _) = lonlat_to_world(2.0, 0.0);
        assert!(p.world.0 > x0 && p.world.0 < x3, "{:?}", p.world);
        let in_notch = p.world.0 > x1 && p.world.0 < x2 && p.world.1 < y_top;
        assert!(!in_notch, "{:?}", p.world);
        assert!(p.world.1 <= y0);
        assert_eq!(p.name, "U");
    }

    #[test]
    fn small_territories_appear_only_when_zoomed_in_and_the_most_populated_come_first() {
        // Two squares: one a degree wide, one a hundredth.
        let big = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let small =
            polygon![(x: 0.5, y: 0.5), (x: 0.51, y: 0.5), (x: 0.51, y: 0.51), (x: 0.5, y: 0.51)];
        let labels = LabelTiler::new(
            &[feature("big", vec![big]), feature("small", vec![small])],
            |c| Some((c.to_string(), if c == "small" { 100.0 } else { 10.0 })),
        );
        let names = |z: u8| -> Vec<String> {
            let (wx, wy) = lonlat_to_world(0.505, 0.505);
            let n = f64::from(1u32 << z);
            let id = TileId::new(z, (wx * n) as u32, (wy * n) as u32).unwrap();
            let bytes = labels.tile(id);
            if bytes.is_empty() {
                return Vec::new();
            }
            let tile = decode_tile(&bytes).unwrap();
            let layer = tile.layer(LABEL_LAYER).unwrap();
            layer
                .features
                .iter()
                .map(|f| match &f.properties["name"] {
                    Value::String(s) => s.clone(),
                    other => panic!("name {other:?}"),
                })
                .collect()
        };
        assert!(names(3).is_empty());
        assert_eq!(names(8), ["big"]);
        assert_eq!(names(16), ["small", "big"]);
    }
}
