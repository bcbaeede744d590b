//! Locating places in base units and the distance from each base unit to the nearest place.

use std::collections::{BTreeMap, HashMap};

use geo::{BoundingRect, Centroid, Contains, Intersects, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use serde::Serialize;
use tracing::debug;

use super::{ByKind, OfferKind};
use crate::dataset::BaseUnit;
use crate::geodesy::NearestPoints;
use crate::level::Level;
use crate::territory::{Feature, Place};

/// How a place was attached to a base unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum PlaceLocation {
    /// The place's point lies in the contour of this base unit (or on its edge).
    UnitContour {
        /// Index of the base unit.
        unit: usize,
    },
    /// The point lies in no base-unit contour but in the contour of a commune (base-unit
    /// contours missing, or gaps between generalised layers). `unit` is a base unit of that
    /// commune, which gives the codes of the commune and the levels above.
    CommuneContour {
        /// A base unit of the commune (the first in dataset order).
        unit: usize,
    },
    /// The point lies in no contour (or has no usable coordinates): the place is attached to
    /// the commune named by its INSEE code.
    CommuneCode {
        /// A base unit of the commune (the first in dataset order).
        unit: usize,
    },
    /// Neither the point nor the INSEE code matches a territory of the store: the place is
    /// counted nowhere and reported (it still counts as the nearest place of units nearby).
    Unassigned,
}

/// Where a base unit's centre comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreSource {
    /// Centroid of the unit's own contour.
    UnitContour,
    /// The unit has no contour: centroid of its commune's contour.
    CommuneContour,
    /// Neither the unit nor its commune has a contour: no distance can be computed.
    None,
}

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Places located in base units, and for every base unit the distance to the nearest place of
/// each kind. Built once per territory store; independent of the profile, indicators and
/// weights.
///
/// **Location of a place**: the base unit whose contour (`geometries[&Level::Iris]`) contains
/// its point — candidates come from an R-tree of the contours' bounding boxes, tried in
/// dataset order, interior first then edge, so the answer is deterministic; failing that the
/// commune whose contour (`geometries[&Level::Commune]`) contains it; failing that the commune
/// of its INSEE code; failing that the place is *unassigned* and reported. The point wins over
/// the declared INSEE code: published codes are often the postal commune.
///
/// **Centre of a base unit**: the centroid (planar, in lon/lat degrees) of its contour, or,
/// for a unit without contour, the centroid of its commune's contour. The centroid of a
/// crescent-shaped unit can fall outside it; at the scale of an IRIS or a commune this moves
/// the centre by at most a few hundred metres.
///
/// **Distance**: haversine (great circle) from the centre to the nearest place, found with a
/// [`NearestPoints`] index per kind (an R-tree over unit-sphere coordinates). Every
/// place with coordinates counts, assigned or not: a place just across the département's edge
/// still serves the people near it.
#[derive(Debug)]
pub struct PlaceIndex {
    unit_count: usize,
    places: Vec<IndexedPlace>,
    unassigned: Vec<usize>,
    centres: Vec<Option<(f64, f64)>>,
    centre_sources: Vec<CentreSource>,
    /// Per unit, distance (km) to the nearest place of each kind.
    nearest: Vec<ByKind<f64>>,
    /// Places of each kind with usable coordinates; the value is the place's index.
    trees: ByKind<NearestPoints<u32>>,
    ids: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct IndexedPlace {
    location: PlaceLocation,
    /// The base unit when it is known exactly (its contour, or a commune of one unit).
    unit: Option<u32>,
    mask: u8,
}

fn usable(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
        // (0, 0) is the usual placeholder of a failed geocoding, in the Gulf of Guinea.
        && !(lon == 0.0 && lat == 0.0)
}

/// Contours with an R-tree of their bounding boxes, for point-in-polygon queries.
struct PolygonIndex<'a> {
    /// (owner, geometry): owner is a unit index or a commune code index.
    shapes: Vec<(u32, &'a MultiPolygon<f64>)>,
    tree: RTree<BoxEntry>,
}

impl<'a> PolygonIndex<'a> {
    fn new(shapes: Vec<(u32, &'a MultiPolygon<f64>)>) -> PolygonIndex<'a> {
        let boxes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, (_, g))| {
                let r = g.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                ))
            })
            .collect();
        PolygonIndex {
            shapes,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// The owner of the first shape (in input order) containing the point, interior first,
    /// then edges and vertices.
    fn locate(&self, lon: f64, lat: f64) -> Option<u32> {
        let mut candidates: Vec<u32> = self
            .tree
            .locate_all_at_point(&[lon, lat])
            .map(|e| e.data)
            .collect();
        candidates.sort_unstable();
        let p = Point::new(lon, lat);
        candidates
            .iter()
            .find(|&&i| self.shapes[i as usize].1.contains(&p))
            .or_else(|| {
                candidates
                    .iter()
                    .find(|&&i| self.shapes[i as usize].1.intersects(&p))
            })
            .map(|&i| self.shapes[i as usize].0)
    }
}

impl PlaceIndex {
    /// Locates the places and computes the distances (rayon-parallel, deterministic).
    ///
    /// `geometries` are the store's contours: `Level::Iris` for the base units (matched by
    /// code), `Level::Commune` as a fallback (matched by commune code). Either may be absent.
    ///
    /// ```
    /// use ifn_core::offer::{OfferKind, PlaceIndex, PlaceLocation};
    /// let t = ifn_core::demo::generate();
    /// let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    /// assert!(matches!(index.location(0), PlaceLocation::UnitContour { .. }));
    /// // The demo's places all lie on the island.
    /// assert!(index.unassigned().is_empty());
    /// assert!(index.nearest_km(0, OfferKind::All) < 30.0);
    /// ```
    pub fn build(
        units: &[BaseUnit],
        geometries: &BTreeMap<Level, Vec<Feature>>,
        places: &[Place],
    ) -> PlaceIndex {
        let unit_of_code: HashMap<&str, u32> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.as_str(), i as u32))
            .collect();
        // Base units of each commune, in dataset order.
        let mut units_of_commune: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            units_of_commune
                .entry(u.commune.as_str())
                .or_default()
                .push(i as u32);
        }
        let empty = Vec::new();
        let unit_features = geometries.get(&Level::Iris).unwrap_or(&empty);
        let commune_features = geometries.get(&Level::Commune).unwrap_or(&empty);

        let mut unit_geom: Vec<Option<&MultiPolygon<f64>>> = vec![None; units.len()];
        for f in unit_features {
            if let Some(&i) = unit_of_code.get(f.code.as_str()) {
                unit_geom[i as usize].get_or_insert(&f.geometry);
            }
        }
        let commune_geom: HashMap<&str, &MultiPolygon<f64>> = commune_features
            .iter()
            .map(|f| (f.code.as_str(), &f.geometry))
            .collect();

        // Centres.
        let (centres, centre_sources): (Vec<_>, Vec<_>) = units
            .par_iter()
            .zip(unit_geom.par_iter())
            .map(|(u, g)| {
                let centroid = |g: &MultiPolygon<f64>| g.centroid().map(|p| (p.x(), p.y()));
                if let Some(c) = g.and_then(centroid) {
                    (Some(c), CentreSource::UnitContour)
                } else if let Some(c) = commune_geom
                    .get(u.commune.as_str())
                    .and_then(|g| centroid(g))
                {
                    (Some(c), CentreSource::CommuneContour)
                } else {
                    (None, CentreSource::None)
                }
            })
            .unzip();

        // Location of the places.
        let unit_polys = PolygonIndex::new(
            unit_geom
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.map(|g| (i as u32, g)))
                .collect(),
        );
        // Only communes with base units: a contour of a commune absent from the dataset
        // would locate a place in a territory the engine does not know.
        let commune_polys = PolygonIndex::new(
            commune_features
                .iter()
                .filter_map(|f| {
                    units_of_commune
                        .get(f.code.as_str())
                        .map(|us| (us[0], &f.geometry))
                })
                .collect(),
        );
        let exact_in_commune = |rep: u32| -> Option<u32> {
            let c = units[rep as usize].commune.as_str();
            match units_of_commune.get(c) {
                Some(us) if us.len() == 1 => Some(us[0]),
                _ => None,
            }
        };
        let indexed: Vec<IndexedPlace> = places
            .par_iter()
            .map(|p| {
                let mask = OfferKind::mask_of(p);
                let point_ok = usable(p.lon, p.lat);
                if point_ok {
                    if let Some(u) = unit_polys.locate(p.lon, p.lat) {
                        return IndexedPlace {
                            location: PlaceLocation::UnitContour { unit: u as usize },
                            unit: Some(u),
                            mask,
                        };
                    }
                    if let Some(u) = commune_polys.locate(p.lon, p.lat) {
                        return IndexedPlace {
                            location: PlaceLocation::CommuneContour { unit: u as usize },
                            unit: exact_in_commune(u),
                            mask,
                        };
                    }
                }
                if let Some(us) = units_of_commune.get(p.commune.trim()) {
                    return IndexedPlace {
                        location: PlaceLocation::CommuneCode {
                            unit: us[0] as usize,
                        },
                        unit: exact_in_commune(us[0]),
                        mask,
                    };
                }
                IndexedPlace {
                    location: PlaceLocation::Unassigned,
                    unit: None,
                    mask,
                }
            })
            .collect();
        let unassigned: Vec<usize> = indexed
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == PlaceLocation::Unassigned)
            .map(|(i, _)| i)
            .collect();

        // Nearest place of each kind.
        let trees: ByKind<NearestPoints<u32>> = ByKind::from_fn(|k| {
            NearestPoints::new(
                places
                    .iter()
                    .zip(&indexed)
                    .enumerate()
                    .filter(|(_, (p, ip))| ip.mask & (1 << k.slot()) != 0 && usable(p.lon, p.lat))
                    .map(|(i, (p, _))| ((p.lon, p.lat), i as u32)),
            )
        });
        let nearest: Vec<ByKind<f64>> = centres
            .par_iter()
            .map(|c| match *c {
                Some(c) => ByKind::from_fn(|k| trees.get_ref(k).nearest_km(c)),
                None => ByKind::splat(f64::NAN),
            })
            .collect();
        debug!(
            places = places.len(),
            places.unassigned = unassigned.len(),
            units = units.len(),
            "place index built"
        );
        PlaceIndex {
            unit_count: units.len(),
            places: indexed,
            unassigned,
            centres,
            centre_sources,
            nearest,
            trees,
            ids: places.iter().map(|p| p.id.clone()).collect(),
        }
    }

    /// Number of base units the index was built for.
    pub fn unit_count(&self) -> usize {
        self.unit_count
    }

    /// Number of places.
    pub fn place_count(&self) -> usize {
        self.places.len()
    }

    /// How place `i` (index in the places given to [`PlaceIndex::build`]) was located.
    pub fn location(&self, i: usize) -> PlaceLocation {
        self.places[i].location
    }

    /// The base unit of place `i` when it is known exactly: the unit whose contour holds it,
    /// or the only unit of its commune. `None` for a place located only at commune level in a
    /// commune split into several units, or unassigned.
    pub fn unit_of_place(&self, i: usize) -> Option<usize> {
        self.places[i].unit.map(|u| u as usize)
    }

    /// A base unit of the commune of place `i` (gives its codes at commune level and above).
    pub fn commune_unit_of_place(&self, i: usize) -> Option<usize> {
        match self.places[i].location {
            PlaceLocation::UnitContour { unit }
            | PlaceLocation::CommuneContour { unit }
            | PlaceLocation::CommuneCode { unit } => Some(unit),
            PlaceLocation::Unassigned => None,
        }
    }

    /// Whether place `i` counts in a group.
    pub fn place_is(&self, i: usize, kind: OfferKind) -> bool {
        self.places[i].mask & (1 << kind.slot()) != 0
    }

    /// Indices of the places attached to no territory.
    pub fn unassigned(&self) -> &[usize] {
        &self.unassigned
    }

    /// Identifiers of the places attached to no territory.
    pub fn unassigned_ids(&self) -> Vec<&str> {
        self.unassigned
            .iter()
            .map(|&i| self.ids[i].as_str())
            .collect()
    }

    /// Centre (lon, lat) of base unit `unit`, `None` when neither it nor its commune has a
    /// contour.
    pub fn centre(&self, unit: usize) -> Option<(f64, f64)> {
        self.centres[unit]
    }

    /// Centres of all base units, in dataset order.
    pub fn centres(&self) -> &[Option<(f64, f64)>] {
        &self.centres
    }

    /// Where the centre of base unit `unit` comes from.
    pub fn centre_source(&self, unit: usize) -> CentreSource {
        self.centre_sources[unit]
    }

    /// Haversine distance (km) from the centre of base unit `unit` to the nearest place of a
    /// group: `INFINITY` when there is no such place, NaN when the unit has no centre.
    pub fn nearest_km(&self, unit: usize, kind: OfferKind) -> f64 {
        self.nearest[unit].get(kind)
    }

    /// The nearest place of a group to any point: (place index, haversine km).
    ///
    /// ```
    /// use ifn_core::offer::{OfferKind, PlaceIndex};
    /// let t = ifn_core::demo::generate();
    /// let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    /// let p = &t.places[10];
    /// let (i, d) = index.nearest_place((p.lon, p.lat), OfferKind::All).unwrap();
    /// assert_eq!(d, 0.0);
    /// assert_eq!((t.places[i].lon, t.places[i].lat), (p.lon, p.lat));
    /// ```
    pub fn nearest_place(&self, point: (f64, f64), kind: OfferKind) -> Option<(usize, f64)> {
        let (&i, km) = self.trees.get_ref(kind).nearest(point)?;
        Some((i as usize, km))
    }
}
