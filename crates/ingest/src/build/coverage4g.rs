//! Step 4, `site_reach` sources: the share of each base unit's area beyond a reach of every
//! antenna site (ARCEP's 4G sites), estimated on a regular grid of points.
//!
//! Sites are read from CSV files (coordinates in the dataset's `crs`, reprojected to WGS84),
//! kept when their technology column is `1`, and indexed as points on the unit sphere
//! ([`unit_vector`]) in an R-tree, so a within-reach query is a great-circle test with no
//! projection. Each unit (its IRIS contour, else its commune's) is sampled on a grid of
//! step `grid_m` metres in a local equirectangular projection centred on the unit (metres per
//! degree of longitude scaled by the cosine of its mean latitude); a small unit gets a finer
//! step so that it holds about [`MIN_POINTS`] points. The value is `100 × uncovered / points`.

use geo::{Area, BoundingRect, MultiPolygon};
use rayon::prelude::*;
use rstar::RTree;

use crate::geography::{centre, chord_of_metres, unit_vector, Geography};
use crate::manifest::SiteReach;
use crate::report::BuildReport;

use super::contours::Geometries;
use super::sources::{col, Sources};
use super::BuildError;

/// Points a small unit gets at least (its grid step shrinks to reach this).
pub const MIN_POINTS: f64 = 64.0;

/// Mean Earth radius, metres (as [`chord_of_metres`]).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres per degree of latitude (mean Earth radius).
const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// The sites (lon, lat) of one dataset whose technology column is 1.
fn read_sites(
    src: &Sources<'_>,
    key: &str,
    report: &mut BuildReport,
) -> Result<Vec<(f64, f64)>, BuildError> {
    let (spec, table) = src.table(key)?;
    let role_err = |message: String| BuildError::Role {
        key: key.to_string(),
        message,
    };
    let cells = |role: &str| -> Result<Vec<Option<&str>>, BuildError> {
        table
            .text(col(&spec, role)?)
            .map_err(|source| BuildError::Table {
                key: key.to_string(),
                source,
            })
    };
    let (xs, ys, tech) = (cells("x")?, cells("y")?, cells("technology")?);
    let number = |c: Option<&str>| c.and_then(|v| v.replace(',', ".").parse::<f64>().ok());
    let mut pts = Vec::new();
    let mut without_position = Vec::new();
    for row in 0..table.len() {
        if tech[row] != Some("1") {
            continue;
        }
        match (number(xs[row]), number(ys[row])) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => pts.push((x, y)),
            _ => without_position.push(table.line_of(row)),
        }
    }
    if let Some(crs) = spec.crs.as_deref().filter(|c| *c != "EPSG:4326") {
        pts = to_wgs84(&pts, crs).map_err(|e| role_err(format!("CRS '{crs}': {e}")))?;
    }
    let r = report.dataset(key);
    r.path = spec.path.clone();
    r.rows = table.len();
    r.matched = pts.len();
    if !without_position.is_empty() {
        let shown: Vec<String> = without_position
            .iter()
            .take(10)
            .map(|l| l.to_string())
            .collect();
        r.notes.push(format!(
            "{} site(s) with the technology but no usable coordinates, left out (lines {})",
            without_position.len(),
            shown.join(", ")
        ));
    }
    Ok(pts)
}

/// Reprojects (x, y) points from `crs` (`EPSG:n` or any GDAL definition) to WGS84 lon/lat.
fn to_wgs84(pts: &[(f64, f64)], crs: &str) -> Result<Vec<(f64, f64)>, gdal::errors::GdalError> {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let mut from = match crs
        .strip_prefix("EPSG:")
        .and_then(|c| c.parse::<u32>().ok())
    {
        Some(code) => SpatialRef::from_epsg(code)?,
        None => SpatialRef::from_definition(crs)?,
    };
    from.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut to = SpatialRef::from_epsg(4326)?;
    to.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let t = CoordTransform::new(&from, &to)?;
    let mut x: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let mut y: Vec<f64> = pts.iter().map(|p| p.1).collect();
    let mut z = vec![0.0; pts.len()];
    t.transform_coords(&mut x, &mut y, &mut z)?;
    Ok(x.into_iter().zip(y).collect())
}

/// The values of a `site_reach` source for every base unit (NaN for a unit with no contour).
pub(super) fn site_reach_values(
    src: &Sources<'_>,
    spec: &SiteReach,
    geo: &Geography,
    geometries: &Geometries,
    report: &mut BuildReport,
) -> Result<Vec<f64>, BuildError> {
    let mut sites = Vec::new();
    for k in &spec.sites {
        sites.extend(read_sites(src, k, report)?);
    }
    let index = RTree::bulk_load(sites.iter().map(|&(x, y)| unit_vector(x, y)).collect());
    let communes: std::collections::HashMap<&str, &MultiPolygon<f64>> = geometries
        .get(&ifn_core::Level::Commune)
        .into_iter()
        .flatten()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    Ok(geo
        .units
        .par_iter()
        .map(|u| {
            geo.iris_geometry
                .get(&u.code)
                .or_else(|| communes.get(u.commune.as_str()).copied())
                .map_or(f64::NAN, |g| {
                    uncovered_share(g, &index, spec.reach_m, spec.grid_m)
                })
        })
        .collect())
}

/// `100 ×` the share of the grid points of `unit` (lon/lat) farther than `reach_m` from every
/// site of `index` (unit-sphere points). A unit too small for any grid point is judged by its
/// centre.
///
/// Rows of the grid are filled by scanline (crossings of the row with every edge, even-odd
/// rule), and each point is tested only against the sites that can reach the unit, nearest
/// to its centre first: both keep the cost low even in a debug build.
pub fn uncovered_share(
    unit: &MultiPolygon<f64>,
    index: &RTree<[f64; 3]>,
    reach_m: f64,
    grid_m: f64,
) -> f64 {
    let Some(bbox) = unit.bounding_rect() else {
        return f64::NAN;
    };
    let lat0 = (bbox.min().y + bbox.max().y) / 2.0;
    let lon0 = (bbox.min().x + bbox.max().x) / 2.0;
    let m_per_deg_lon = M_PER_DEG * lat0.to_radians().cos();
    // Sites that can reach some point of the bounding box, nearest to its centre first.
    let half_diagonal_m =
        ((bbox.width() * m_per_deg_lon).powi(2) + (bbox.height() * M_PER_DEG).powi(2)).sqrt() / 2.0;
    let c = unit_vector(lon0, lat0);
    let mut near: Vec<[f64; 3]> = index
        .locate_within_distance(c, chord_of_metres(reach_m + half_diagonal_m).powi(2))
        .copied()
        .collect();
    let dot = |a: &[f64; 3], b: &[f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    near.sort_by(|a, b| dot(b, &c).total_cmp(&dot(a, &c)));
    let cos_reach = (reach_m / EARTH_RADIUS_M).cos();
    let uncovered = |p: [f64; 3]| {
        for s in &near {
            if s[0] * p[0] + s[1] * p[1] + s[2] * p[2] >= cos_reach {
                return false;
            }
        }
        true
    };

    let area_m2 = unit.unsigned_area() * M_PER_DEG * m_per_deg_lon;
    let step_m = grid_m.min((area_m2 / MIN_POINTS).sqrt()).max(1.0);
    let (dlon, dlat) = (step_m / m_per_deg_lon, step_m / M_PER_DEG);
    let edges: Vec<(f64, f64, f64, f64)> = unit
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| {
            ring.lines()
                .map(|l| (l.start.x, l.start.y, l.end.x, l.end.y))
        })
        .collect();
    // The grid's columns are the same on every row: their sines and cosines once.
    let columns = ((bbox.width() / dlon).ceil() as usize).max(1);
    let lon_trig: Vec<(f64, f64)> = (0..columns)
        .map(|k| {
            (bbox.min().x + (k as f64 + 0.5) * dlon)
                .to_radians()
                .sin_cos()
        })
        .collect();
    let (mut points, mut out) = (0usize, 0usize);
    let mut crossings: Vec<f64> = Vec::new();
    let mut lat = bbox.min().y + dlat / 2.0;
    while lat < bbox.max().y {
        crossings.clear();
        crossings.extend(
            edges
                .iter()
                .filter(|(_, y0, _, y1)| (*y0 > lat) != (*y1 > lat))
                .map(|(x0, y0, x1, y1)| x0 + (lat - y0) * (x1 - x0) / (y1 - y0)),
        );
        crossings.sort_by(f64::total_cmp);
        let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
        for pair in crossings.chunks_exact(2) {
            // Columns of the grid inside [pair[0], pair[1]].
            let first = ((pair[0] - bbox.min().x) / dlon - 0.5).ceil().max(0.0) as usize;
            let last = ((pair[1] - bbox.min().x) / dlon - 0.5).floor();
            if last < 0.0 {
                continue;
            }
            let last = (last as usize).min(columns - 1);
            for &(sin_lon, cos_lon) in lon_trig.get(first..=last).unwrap_or(&[]) {
                points += 1;
                out += usize::from(uncovered([cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]));
            }
        }
        lat += dlat;
    }
    if points == 0 {
        return match centre(unit) {
            Some((lon, lat)) => 100.0 * f64::from(u8::from(uncovered(unit_vector(lon, lat)))),
            None => f64::NAN,
        };
    }
    100.0 * out as f64 / points as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    /// A square of side `side_m` metres with its south-west corner at (lon0, lat0).
    fn square(lon0: f64, lat0: f64, side_m: f64) -> MultiPolygon<f64> {
        let dlat = side_m / M_PER_DEG;
        let dlon = side_m / (M_PER_DEG * (lat0 + dlat / 2.0).to_radians().cos());
        MultiPolygon(vec![polygon![
            (x: lon0, y: lat0),
            (x: lon0 + dlon, y: lat0),
            (x: lon0 + dlon, y: lat0 + dlat),
            (x: lon0, y: lat0 + dlat),
        ]])
    }

    fn index(sites: &[(f64, f64)]) -> RTree<[f64; 3]> {
        RTree::bulk_load(sites.iter().map(|&(x, y)| unit_vector(x, y)).collect())
    }

    #[test]
    fn no_site_leaves_the_whole_unit_uncovered() {
        let u = square(2.0, 45.0, 10_000.0);
        approx::assert_relative_eq!(uncovered_share(&u, &index(&[]), 5_000.0, 500.0), 100.0);
    }

    #[test]
    fn a_site_in_the_middle_with_a_long_reach_covers_everything() {
        let u = square(2.0, 45.0, 10_000.0);
        let c = centre(&u).expect("centre");
        approx::assert_relative_eq!(uncovered_share(&u, &index(&[c]), 8_000.0, 500.0), 0.0);
    }

    #[test]
    fn a_site_at_a_corner_covers_a_quarter_disc() {
        // 10 km square, one site at its south-west corner reaching 5 km: covered area
        // π·5²/4 = 19.63 km² of 100 km², so 80.37 % is beyond reach (hand computation);
        // the 250 m grid (1,600 points) gets within half a point.
        let u = square(2.0, 45.0, 10_000.0);
        let got = uncovered_share(&u, &index(&[(2.0, 45.0)]), 5_000.0, 250.0);
        let want = 100.0 - 100.0 * std::f64::consts::PI * 25.0 / 4.0 / 100.0;
        assert!((got - want).abs() < 0.5, "{got} vs {want}");
    }

    #[test]
    fn a_unit_smaller_than_the_grid_still_gets_enough_points() {
        // 200 m square (finer than the 500 m grid), a site at its centre reaching 100 m: the
        // disc covers π·100² / 200² = 78.5 % of it, 21.5 % is beyond reach; 64 points.
        let u = square(2.0, 45.0, 200.0);
        let dlon = 100.0 / (M_PER_DEG * 45.0009_f64.to_radians().cos());
        let mid = (2.0 + dlon, 45.0 + 100.0 / M_PER_DEG);
        let got = uncovered_share(&u, &index(&[mid]), 100.0, 500.0);
        let want = 100.0 - 100.0 * std::f64::consts::PI / 4.0;
        assert!((got - want).abs() < 6.0, "{got} vs {want}");
    }
}
