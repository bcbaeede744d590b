//! Tile addressing (XYZ, Web Mercator) and the projection from WGS84 to tile space.

use std::fmt;

use crate::error::{TilesError, TilesResult};

/// Highest zoom level served. Beyond it, geometry is finer than the source contours anyway.
pub const MAX_ZOOM: u8 = 16;

/// Latitude limit of Web Mercator (the square world).
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// An XYZ tile address (y grows southwards, as in OSM and MapLibre; not TMS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level, 0..=[`MAX_ZOOM`].
    pub z: u8,
    /// Column, 0..2^z.
    pub x: u32,
    /// Row from the north, 0..2^z.
    pub y: u32,
}

impl TileId {
    /// Checks the address: `z ≤ MAX_ZOOM` and `x, y < 2^z`.
    ///
    /// ```
    /// use ifn_tiles::TileId;
    /// assert!(TileId::new(3, 7, 0).is_ok());
    /// assert!(TileId::new(3, 8, 0).is_err());
    /// assert!(TileId::new(17, 0, 0).is_err());
    /// ```
    pub fn new(z: u8, x: u32, y: u32) -> TilesResult<TileId> {
        if z > MAX_ZOOM {
            return Err(TilesError::ZoomOutOfRange { z, max: MAX_ZOOM });
        }
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(TilesError::TileOutOfRange { z, x, y, n });
        }
        Ok(TileId { z, x, y })
    }

    /// Number of tiles along one side at this zoom.
    pub fn side(self) -> u32 {
        1u32 << self.z
    }

    /// Bounds `[west, south, east, north]` of the tile in WGS84 degrees.
    ///
    /// ```
    /// let b = ifn_tiles::TileId::new(0, 0, 0).unwrap().bounds_lonlat();
    /// assert!((b[0] + 180.0).abs() < 1e-9 && (b[3] - ifn_tiles::tile::MAX_LATITUDE).abs() < 1e-6);
    /// ```
    pub fn bounds_lonlat(self) -> [f64; 4] {
        let n = f64::from(self.side());
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| {
            let m = std::f64::consts::PI * (1.0 - 2.0 * y / n);
            m.sinh().atan().to_degrees()
        };
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        [lon(x), lat(y + 1.0), lon(x + 1.0), lat(y)]
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Projects WGS84 longitude/latitude to Web Mercator in *world units*: x and y in `[0, 1]`,
/// y growing southwards (the whole world is one unit square).
///
/// ```
/// let (x, y) = ifn_tiles::tile::lonlat_to_world(0.0, 0.0);
/// assert!((x - 0.5).abs() < 1e-12 && (y - 0.5).abs() < 1e-12);
/// ```
pub fn lonlat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0;
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    let y = 0.5 - (lat.tan() + 1.0 / lat.cos()).ln() / (2.0 * std::f64::consts::PI);
    (x, y.clamp(0.0, 1.0))
}

/// Tiles of zoom `z` that cover a WGS84 bounding box `[w, s, e, n]`, as inclusive ranges
/// `(x0..=x1, y0..=y1)`.
pub fn tiles_covering(
    bbox: [f64; 4],
    z: u8,
) -> (std::ops::RangeInclusive<u32>, std::ops::RangeInclusive<u32>) {
    let n = f64::from(1u32 << z.min(MAX_ZOOM));
    let max = (1u32 << z.min(MAX_ZOOM)) - 1;
    let (x0, y0) = lonlat_to_world(bbox[0], bbox[3]);
    let (x1, y1) = lonlat_to_world(bbox[2], bbox[1]);
    let cell = |v: f64| ((v * n).floor().max(0.0) as u32).min(max);
    (cell(x0)..=cell(x1), cell(y0)..=cell(y1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_zero_has_a_single_tile() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert!(TileId::new(0, 1, 0).is_err());
        assert!(TileId::new(0, 0, 1).is_err());
    }

    #[test]
    fn max_zoom_edges_are_accepted_and_beyond_refused() {
        let n = 1u32 << MAX_ZOOM;
        assert!(TileId::new(MAX_ZOOM, n - 1, n - 1).is_ok());
        assert!(TileId::new(MAX_ZOOM, n, 0).is_err());
        assert!(TileId::new(MAX_ZOOM + 1, 0, 0).is_err());
    }

    #[test]
    fn projection_puts_the_north_at_the_top() {
        let (_, north) = lonlat_to_world(0.0, 60.0);
        let (_, south) = lonlat_to_world(0.0, -60.0);
        assert!(north < 0.5 && south > 0.5);
        let (_, pole) = lonlat_to_world(0.0, 90.0);
        assert!(pole.abs() < 1e-9, "clamped to the Mercator limit");
    }

    #[test]
    fn covering_a_small_box_gives_the_tile_containing_it() {
        let (xs, ys) = tiles_covering([2.34, 48.85, 2.36, 48.86], 10);
        assert_eq!((*xs.start(), *ys.start()), (518, 352));
        assert_eq!(xs.start(), xs.end());
    }
}
