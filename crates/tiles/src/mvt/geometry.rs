//! MVT geometry commands (MoveTo, LineTo, ClosePath with zigzag deltas).

use super::pbf::zigzag;

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

/// MVT geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum GeomType {
    /// Unknown geometry.
    Unknown = 0,
    /// Point or multipoint.
    Point = 1,
    /// Line string or multi line string.
    LineString = 2,
    /// Polygon or multipolygon.
    Polygon = 3,
}

fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// Twice the signed area of a ring by the surveyor's formula, in tile coordinates (x right,
/// y down). MVT 2.1 exterior rings have a positive area, holes a negative one.
///
/// ```
/// // Clockwise on screen (y down): right along the top, then down.
/// assert!(ifn_tiles::mvt::ring_area2(&[(0, 0), (10, 0), (10, 10), (0, 10)]) > 0);
/// ```
pub fn ring_area2(ring: &[(i32, i32)]) -> i64 {
    let n = ring.len();
    let mut s = 0i64;
    for i in 0..n {
        let (x0, y0) = ring[i];
        let (x1, y1) = ring[(i + 1) % n];
        s += i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0);
    }
    s
}

/// Encodes polygons (each an exterior ring followed by its holes; rings open, i.e. without
/// repeating the first point, and already oriented) as MVT commands.
///
/// ```
/// let square = vec![vec![(0, 0), (10, 0), (10, 10), (0, 10)]];
/// let cmds = ifn_tiles::mvt::encode_polygons(&[square]);
/// assert_eq!(cmds[0], 9); // MoveTo, count 1
/// assert_eq!(*cmds.last().unwrap(), 15); // ClosePath
/// ```
pub fn encode_polygons(polygons: &[Vec<Vec<(i32, i32)>>]) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut cx, mut cy) = (0i32, 0i32);
    for polygon in polygons {
        for ring in polygon {
            if ring.len() < 3 {
                continue;
            }
            out.push(command(MOVE_TO, 1));
            out.push(zigzag(ring[0].0 - cx));
            out.push(zigzag(ring[0].1 - cy));
            (cx, cy) = ring[0];
            out.push(command(LINE_TO, (ring.len() - 1) as u32));
            for &(x, y) in &ring[1..] {
                out.push(zigzag(x - cx));
                out.push(zigzag(y - cy));
                (cx, cy) = (x, y);
            }
            out.push(command(CLOSE_PATH, 1));
        }
    }
    out
}

/// Encodes points (one MoveTo with all of them: a multipoint when more than one).
pub fn encode_points(points: &[(i32, i32)]) -> Vec<u32> {
    let mut out = Vec::with_capacity(1 + 2 * points.len());
    if points.is_empty() {
        return out;
    }
    out.push(command(MOVE_TO, points.len() as u32));
    let (mut cx, mut cy) = (0i32, 0i32);
    for &(x, y) in points {
        out.push(zigzag(x - cx));
        out.push(zigzag(y - cy));
        (cx, cy) = (x, y);
    }
    out
}
