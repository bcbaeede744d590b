//! Distances on the sphere: `geo`'s haversine in kilometres, and a nearest-point index.

use geo::{Distance, HaversineMeasure, Point};
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// Mean Earth radius in kilometres (IUGG R1, the radius of `geo::Haversine`).
pub const EARTH_RADIUS_KM: f64 = HaversineMeasure::GRS80_MEAN_RADIUS.radius() / 1000.0;

/// `geo`'s haversine on a sphere measured in kilometres, so distances need no conversion.
const HAVERSINE_KM: HaversineMeasure = HaversineMeasure::new(EARTH_RADIUS_KM);

/// Great-circle distance in kilometres between two WGS84 points (lon, lat in degrees), by the
/// haversine formula (`geo::Haversine`).
///
/// ```
/// use ifn_core::geodesy::distance_km_haversine;
/// // Paris (Notre-Dame) → Lyon (Bellecour): about 392 km.
/// let d = distance_km_haversine((2.3499, 48.8530), (4.8320, 45.7578));
/// assert!((d - 392.0).abs() < 2.0, "{d}");
/// assert_eq!(distance_km_haversine((1.0, 2.0), (1.0, 2.0)), 0.0);
/// ```
pub fn distance_km_haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    HAVERSINE_KM.distance(Point::from(a), Point::from(b))
}

/// A point on the unit sphere, from lon/lat in degrees. The straight-line (chord) distance
/// between two such points grows with their great-circle distance, so a Euclidean nearest
/// neighbour among them is the haversine nearest neighbour.
fn unit_sphere((lon, lat): (f64, f64)) -> [f64; 3] {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// An indexed point: its unit-sphere position, and its (lon, lat) with the caller's value.
type SpherePoint<T> = GeomWithData<[f64; 3], ((f64, f64), T)>;

/// Points (lon, lat in degrees) with a value each, indexed for the nearest point by
/// great-circle distance: an R-tree over their unit-sphere coordinates, so it is exact across
/// the antimeridian and near the poles, unlike an R-tree on raw degrees.
///
/// Used by the mediation offer (nearest place of each kind) and by `ifn build` (distance to
/// the nearest place of a source).
///
/// ```
/// use ifn_core::geodesy::NearestPoints;
/// let index = NearestPoints::new([((2.35, 48.85), "Paris"), ((4.83, 45.76), "Lyon")]);
/// let (name, km) = index.nearest((4.0, 46.0)).unwrap();
/// assert_eq!(*name, "Lyon");
/// assert!((km - 68.0).abs() < 2.0, "{km}");
/// assert!(NearestPoints::<u32>::new([]).nearest((0.0, 0.0)).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct NearestPoints<T> {
    tree: RTree<SpherePoint<T>>,
}

impl<T> NearestPoints<T> {
    /// Indexes the points (bulk-loaded). Callers leave out points without usable
    /// coordinates: a NaN coordinate would be nobody's nearest neighbour but still cost a node.
    pub fn new(points: impl IntoIterator<Item = ((f64, f64), T)>) -> NearestPoints<T> {
        let entries = points
            .into_iter()
            .map(|(p, v)| GeomWithData::new(unit_sphere(p), (p, v)))
            .collect();
        NearestPoints {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The value of the point nearest to `(lon, lat)` and its haversine distance in km;
    /// `None` when the index is empty.
    pub fn nearest(&self, point: (f64, f64)) -> Option<(&T, f64)> {
        let n = self.tree.nearest_neighbor(&unit_sphere(point))?;
        let (p, v) = &n.data;
        Some((v, distance_km_haversine(point, *p)))
    }

    /// The haversine distance in km to the nearest point: `INFINITY` when the index is empty.
    pub fn nearest_km(&self, point: (f64, f64)) -> f64 {
        self.nearest(point).map_or(f64::INFINITY, |(_, d)| d)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether there is no point.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written formula this module used before `geo`, kept as a reference.
    fn reference_km(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
        let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
        let h = ((lat2 - lat1) / 2.0).sin().powi(2)
            + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
        2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
    }

    #[test]
    fn geo_haversine_matches_the_former_formula() {
        let pts = [
            (2.3499, 48.853),
            (4.832, 45.7578),
            (-61.5, 16.2),
            (55.5, -21.1),
            (0.0, 0.0),
            (179.9, 10.0),
            (-179.9, 10.0),
        ];
        for &a in &pts {
            for &b in &pts {
                approx::assert_relative_eq!(
                    distance_km_haversine(a, b),
                    reference_km(a, b),
                    epsilon = 1e-9,
                    max_relative = 1e-12
                );
            }
        }
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        approx::assert_relative_eq!(
            distance_km_haversine((3.0, 45.0), (3.0, 46.0)),
            EARTH_RADIUS_KM * 1f64.to_radians(),
            max_relative = 1e-12
        );
    }

    #[test]
    fn the_nearest_point_is_found_across_the_antimeridian() {
        let index = NearestPoints::new([((179.9, 0.0), 'e'), ((170.0, 0.0), 'w')]);
        let (v, km) = index.nearest((-179.9, 0.0)).expect("non-empty");
        assert_eq!(*v, 'e');
        assert!(km < 25.0, "{km}");
    }

    #[test]
    fn the_nearest_point_agrees_with_a_linear_scan() {
        let pts: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                let t = i as f64;
                (-5.0 + (t * 0.37) % 14.0, 42.0 + (t * 0.61) % 9.0)
            })
            .collect();
        let index = NearestPoints::new(pts.iter().copied().enumerate().map(|(i, p)| (p, i)));
        assert_eq!(index.len(), 200);
        for q in [(2.0, 47.0), (-4.5, 48.3), (7.7, 43.7), (0.1, 51.0)] {
            let scan = pts
                .iter()
                .map(|&p| distance_km_haversine(q, p))
                .fold(f64::INFINITY, f64::min);
            approx::assert_relative_eq!(index.nearest_km(q), scan, max_relative = 1e-12);
        }
        assert_eq!(
            NearestPoints::<()>::new([]).nearest_km((0.0, 0.0)),
            f64::INFINITY
        );
    }
}
