//! Distances from each base unit to the nearest mediation place.

use std::collections::HashMap;

use geo::MultiPolygon;
use ifn_core::{Level, Place};
use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};

use crate::geography::{centre, unit_vector, Geography};

use super::contours::Geometries;

/// The centre of each base unit: of its IRIS contour, else of its commune's (None when
/// neither has one).
pub(super) fn unit_centres(geo: &Geography, geometries: &Geometries) -> Vec<Option<(f64, f64)>> {
    let communes: HashMap<&str, &MultiPolygon<f64>> = geometries
        .get(&Level::Commune)
        .into_iter()
        .flatten()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    geo.units
        .par_iter()
        .map(|u| {
            geo.iris_geometry
                .get(&u.code)
                .or_else(|| communes.get(u.commune.as_str()).copied())
                .and_then(centre)
        })
        .collect()
}

/// Haversine distance (km) from each centre to the nearest point (NaN without a centre or a
/// point). The R-tree holds unit vectors on the sphere, where the nearest by chord is the
/// nearest by great circle.
pub(super) fn nearest_km(centres: &[Option<(f64, f64)>], points: &[&Place]) -> Vec<f64> {
    let tree = RTree::bulk_load(
        points
            .iter()
            .map(|p| GeomWithData::new(unit_vector(p.lon, p.lat), (p.lon, p.lat)))
            .collect(),
    );
    centres
        .par_iter()
        .map(|c| match c {
            None => f64::NAN,
            Some((lon, lat)) => tree
                .nearest_neighbor(&unit_vector(*lon, *lat))
                .map(|n| ifn_core::geodesy::distance_km_haversine((*lon, *lat), n.data))
                .unwrap_or(f64::NAN),
        })
        .collect()
}
