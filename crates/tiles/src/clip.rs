//! Clipping to a buffered tile, simplification in tile pixel space, and MVT ring orientation.

use crate::mvt::ring_area2;

/// A point in tile coordinates (x right, y down, `0..extent` inside the tile).
pub type TilePoint = (f64, f64);

/// Sutherland–Hodgman clipping of a closed ring (given open: the first point is not repeated)
/// to the square `[min, max]²`. Clipping to a convex window keeps a valid ring; where a ring
/// leaves and re-enters, the output runs along the window edge, which lies in the buffer, out
/// of sight.
///
/// ```
/// use ifn_tiles::clip::clip_ring;
/// let ring = [(-10.0, -10.0), (50.0, -10.0), (50.0, 50.0), (-10.0, 50.0)];
/// let out = clip_ring(&ring, 0.0, 100.0);
/// assert_eq!(out.len(), 4);
/// assert!(out.iter().all(|&(x, y)| x >= 0.0 && y >= 0.0));
/// ```
pub fn clip_ring(ring: &[TilePoint], min: f64, max: f64) -> Vec<TilePoint> {
    let mut current: Vec<TilePoint> = ring.to_vec();
    let mut next = Vec::with_capacity(ring.len() + 4);
    // Each edge: (axis, bound, keep when coordinate >= bound?)
    for (axis, bound, keep_above) in [
        (0, min, true),
        (0, max, false),
        (1, min, true),
        (1, max, false),
    ] {
        if current.is_empty() {
            break;
        }
        next.clear();
        let coord = |p: &TilePoint| if axis == 0 { p.0 } else { p.1 };
        let inside = |p: &TilePoint| {
            if keep_above {
                coord(p) >= bound
            } else {
                coord(p) <= bound
            }
        };
        let n = current.len();
        for i in 0..n {
            let a = current[(i + n - 1) % n];
            let b = current[i];
            let (ia, ib) = (inside(&a), inside(&b));
            if ib {
                if !ia {
                    next.push(intersect(a, b, axis, bound));
                }
                next.push(b);
            } else if ia {
                next.push(intersect(a, b, axis, bound));
            }
        }
        std::mem::swap(&mut current, &mut next);
    }
    current
}

fn intersect(a: TilePoint, b: TilePoint, axis: usize, bound: f64) -> TilePoint {
    if axis == 0 {
        let t = (bound - a.0) / (b.0 - a.0);
        (bound, a.1 + t * (b.1 - a.1))
    } else {
        let t = (bound - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), bound)
    }
}

fn seg_dist2(p: TilePoint, a: TilePoint, b: TilePoint) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    (p.0 - qx).powi(2) + (p.1 - qy).powi(2)
}

fn douglas_peucker(points: &[TilePoint], first: usize, last: usize, tol2: f64, keep: &mut [bool]) {
    let mut stack = vec![(first, last)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut best, mut best_d) = (a, -1.0);
        for (i, &p) in points.iter().enumerate().take(b).skip(a + 1) {
            let d = seg_dist2(p, points[a], points[b]);
            if d > best_d {
                best = i;
                best_d = d;
            }
        }
        if best_d > tol2 {
            keep[best] = true;
            stack.push((a, best));
            stack.push((best, b));
        }
    }
}

/// Douglas–Peucker simplification of a closed ring (given open) with a tolerance in the
/// ring's units. The ring is split at its first point and the point farthest from it, so the
/// result keeps the ring's extent.
///
/// ```
/// use ifn_tiles::clip::simplify_ring;
/// // A square with a nearly collinear extra point on its top edge.
/// let ring = [(0.0, 0.0), (5.0, 0.1), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
/// assert_eq!(simplify_ring(&ring, 1.0).len(), 4);
/// ```
pub fn simplify_ring(ring: &[TilePoint], tolerance: f64) -> Vec<TilePoint> {
    let n = ring.len();
    if n <= 4 || tolerance <= 0.0 {
        return ring.to_vec();
    }
    let mut pts = Vec::with_capacity(n + 1);
    pts.extend_from_slice(ring);
    pts.push(ring[0]);
    let far = (1..n)
        .max_by(|&i, &j| {
            let di = (ring[i].0 - ring[0].0).powi(2) + (ring[i].1 - ring[0].1).powi(2);
            let dj = (ring[j].0 - ring[0].0).powi(2) + (ring[j].1 - ring[0].1).powi(2);
            di.total_cmp(&dj)
        })
        .unwrap_or(n / 2);
    let mut keep = vec![false; n + 1];
    keep[0] = true;
    keep[far] = true;
    keep[n] = true;
    let tol2 = tolerance * tolerance;
    douglas_peucker(&pts, 0, far, tol2, &mut keep);
    douglas_peucker(&pts, far, n, tol2, &mut keep);
    (0..n).filter(|&i| keep[i]).map(|i| pts[i]).collect()
}

/// Rounds a ring to integer tile coordinates, dropping repeated points.
pub fn quantize_ring(ring: &[TilePoint]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
    for &(x, y) in ring {
        let p = (x.round() as i32, y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Orients a ring as MVT 2.1 requires: exterior rings with a positive surveyor's area in tile
/// coordinates (clockwise on screen, y down), holes with a negative one.
///
/// ```
/// use ifn_tiles::{clip::orient_ring, mvt::ring_area2};
/// let mut ring = vec![(0, 0), (0, 10), (10, 10), (10, 0)];
/// orient_ring(&mut ring, true);
/// assert!(ring_area2(&ring) > 0);
/// ```
pub fn orient_ring(ring: &mut [(i32, i32)], exterior: bool) {
    let a = ring_area2(ring);
    if (exterior && a < 0) || (!exterior && a > 0) {
        ring.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_outside_the_window_vanishes() {
        let ring = [(200.0, 200.0), (300.0, 200.0), (300.0, 300.0)];
        assert!(clip_ring(&ring, 0.0, 100.0).is_empty());
    }

    #[test]
    fn a_ring_inside_the_window_is_unchanged() {
        let ring = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)];
        assert_eq!(clip_ring(&ring, 0.0, 100.0), ring.to_vec());
    }

    #[test]
    fn a_ring_covering_the_window_becomes_the_window() {
        let ring = [
            (-50.0, -50.0),
            (150.0, -50.0),
            (150.0, 150.0),
            (-50.0, 150.0),
        ];
        let out = quantize_ring(&clip_ring(&ring, 0.0, 100.0));
        assert_eq!(out.len(), 4);
        assert_eq!(ring_area2(&out).abs(), 2 * 100 * 100);
    }

    #[test]
    fn simplifying_a_triangle_keeps_it() {
        let ring = [(0.0, 0.0), (10.0, 0.0), (5.0, 8.0)];
        assert_eq!(simplify_ring(&ring, 100.0).len(), 3);
    }

    #[test]
    fn quantizing_a_tiny_ring_collapses_it() {
        let ring = [(0.1, 0.1), (0.2, 0.1), (0.2, 0.2)];
        assert_eq!(quantize_ring(&ring).len(), 1);
    }

    #[test]
    fn holes_are_oriented_negative() {
        let mut hole = vec![(0, 0), (10, 0), (10, 10), (0, 10)];
        orient_ring(&mut hole, false);
        assert!(ring_area2(&hole) < 0);
    }
}
