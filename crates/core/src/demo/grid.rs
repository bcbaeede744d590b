//! A jittered grid whose cells tile the demo island without gaps: neighbouring cells share
//! their vertices exactly, so unions of cells are clean polygons.

use geo::{Coord, LineString, Polygon};

use crate::rng::{DemoRng, SeedableRng, SplitMix64};

/// The grid of the demo territory.
#[derive(Debug)]
pub struct Grid {
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    x0: f64,
    y0: f64,
    dx: f64,
    dy: f64,
    corners: Vec<Coord<f64>>,
    hmid: Vec<Coord<f64>>,
    vmid: Vec<Coord<f64>>,
}

impl Grid {
    /// A grid of `nx × ny` cells from (`x0`, `y0`) with steps `dx`, `dy` degrees.
    pub fn new(nx: usize, ny: usize, origin: (f64, f64), step: (f64, f64), seed: u64) -> Grid {
        let (x0, y0) = origin;
        let (dx, dy) = step;
        let mut rng = SplitMix64::seed_from_u64(seed);
        let mut corners = Vec::with_capacity((nx + 1) * (ny + 1));
        for j in 0..=ny {
            for i in 0..=nx {
                corners.push(Coord {
                    x: x0 + (i as f64 + rng.range(-0.28, 0.28)) * dx,
                    y: y0 + (j as f64 + rng.range(-0.28, 0.28)) * dy,
                });
            }
        }
        let mut g = Grid {
            nx,
            ny,
            x0,
            y0,
            dx,
            dy,
            corners,
            hmid: Vec::new(),
            vmid: Vec::new(),
        };
        // Edge midpoints pushed sideways, so that cells do not look like quadrilaterals.
        for j in 0..=ny {
            for i in 0..nx {
                let (a, b) = (g.corner(i, j), g.corner(i + 1, j));
                let s = rng.range(-0.18, 0.18) * dy;
                g.hmid.push(Coord {
                    x: (a.x + b.x) / 2.0,
                    y: (a.y + b.y) / 2.0 + s,
                });
            }
        }
        for j in 0..ny {
            for i in 0..=nx {
                let (a, b) = (g.corner(i, j), g.corner(i, j + 1));
                let s = rng.range(-0.18, 0.18) * dx;
                g.vmid.push(Coord {
                    x: (a.x + b.x) / 2.0 + s,
                    y: (a.y + b.y) / 2.0,
                });
            }
        }
        g
    }

    fn corner(&self, i: usize, j: usize) -> Coord<f64> {
        self.corners[j * (self.nx + 1) + i]
    }

    /// The polygon of cell (`i`, `j`), counter-clockwise.
    pub fn cell(&self, i: usize, j: usize) -> Polygon<f64> {
        let pts = vec![
            self.corner(i, j),
            self.hmid[j * self.nx + i],
            self.corner(i + 1, j),
            self.vmid[j * (self.nx + 1) + i + 1],
            self.corner(i + 1, j + 1),
            self.hmid[(j + 1) * self.nx + i],
            self.corner(i, j + 1),
            self.vmid[j * (self.nx + 1) + i],
            self.corner(i, j),
        ];
        Polygon::new(LineString::from(pts), vec![])
    }

    /// A point well inside cell (`i`, `j`), offset by (`u`, `v`) ∈ [-1, 1]² times a third of
    /// the cell.
    pub fn point_in(&self, i: usize, j: usize, u: f64, v: f64) -> (f64, f64) {
        let c = [
            self.corner(i, j),
            self.corner(i + 1, j),
            self.corner(i + 1, j + 1),
            self.corner(i, j + 1),
        ];
        let cx = c.iter().map(|p| p.x).sum::<f64>() / 4.0;
        let cy = c.iter().map(|p| p.y).sum::<f64>() / 4.0;
        (cx + u * self.dx / 6.0, cy + v * self.dy / 6.0)
    }

    /// Bounding box `[west, south, east, north]` of the whole grid.
    pub fn bbox(&self) -> [f64; 4] {
        [
            self.x0 - self.dx,
            self.y0 - self.dy,
            self.x0 + (self.nx as f64 + 1.0) * self.dx,
            self.y0 + (self.ny as f64 + 1.0) * self.dy,
        ]
    }
}
