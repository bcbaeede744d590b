//! Distances on the sphere.

/// Mean Earth radius in kilometres (IUGG R1).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two WGS84 points (lon, lat in degrees), by the
/// haversine formula.
///
/// ```
/// use ifn_core::geodesy::distance_km_haversine;
/// // Paris (Notre-Dame) → Lyon (Bellecour): about 392 km.
/// let d = distance_km_haversine((2.3499, 48.8530), (4.8320, 45.7578));
/// assert!((d - 392.0).abs() < 2.0, "{d}");
/// assert_eq!(distance_km_haversine((1.0, 2.0), (1.0, 2.0)), 0.0);
/// ```
pub fn distance_km_haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}
