//! Distances from each base unit to the nearest mediation place.

use std::collections::HashMap;

use geo::MultiPolygon;
use ifn_core::geodesy::NearestPoints;
use ifn_core::{Level, Place};
use rayon::prelude::*;

use crate::geography::{centre, Geography};

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
/// point), through the one nearest-point index of ifn ([`ifn_core::geodesy::NearestPoints`],
/// also used by the mediation offer).
pub(super) fn nearest_km(centres: &[Option<(f64, f64)>], points: &[&Place]) -> Vec<f64> {
    let index = NearestPoints::new(points.iter().map(|p| ((p.lon, p.lat), ())));
    centres
        .par_iter()
        .map(|c| match c {
            None => f64::NAN,
            Some(centre) => index.nearest(*centre).map_or(f64::NAN, |(_, km)| km),
        })
        .collect()
}
