//! The tiler of one level's contours: projected once, clipped and simplified per tile on demand
//! (and cached); encoding with the scores of a selection, within a size budget, is in
//! the private `encode` module.

mod encode;
mod publish;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use ifn_core::offer::LevelOffer;
use ifn_core::{Feature, LevelScores};

pub use publish::{PublishedLevel, RAW_SUFFIX};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use tracing::debug;

use crate::clip::{clip_ring, orient_ring, quantize_ring, simplify_ring, TilePoint};
use crate::mvt::{encode_polygons, geometry_field, ring_area2, EXTENT};
use crate::tile::{lonlat_to_world, TileId};

/// How tiles are cut. The defaults suit MapLibre (512-pixel tiles, so 8 tile units per pixel).
#[derive(Debug, Clone, PartialEq)]
pub struct TileOptions {
    /// Buffer around the tile, in tile units (extent 4096), so that strokes at tile edges join.
    pub buffer: u32,
    /// Tile units per screen pixel (4096 / 512 for MapLibre).
    pub units_per_pixel: f64,
    /// Douglas–Peucker tolerance in screen pixels.
    pub tolerance_px: f64,
    /// Rings smaller than this area in square screen pixels are dropped (and whole polygons
    /// when it is their exterior ring): they would not be drawn anyway.
    pub min_area_px2: f64,
    /// Memory budget of the clipped-geometry cache, in bytes.
    pub geometry_cache_bytes: usize,
    /// Size budget of one encoded (uncompressed) tile. A tile over it first loses the detail
    /// properties (indicator classes and offer figures other than `zones_blanches`), then its
    /// smallest features, as tippecanoe drops the densest features at low zoom: the whole of
    /// France stays light at low zoom, and the full detail comes back when zooming in.
    pub max_tile_bytes: usize,
}

/// The default [`TileOptions::max_tile_bytes`]: 500 KB.
pub const TILE_BUDGET_BYTES: usize = 500 * 1024;

impl Default for TileOptions {
    fn default() -> Self {
        TileOptions {
            buffer: 64,
            units_per_pixel: f64::from(EXTENT) / 512.0,
            tolerance_px: 0.25,
            min_area_px2: 1.0,
            geometry_cache_bytes: 256 << 20,
            max_tile_bytes: TILE_BUDGET_BYTES,
        }
    }
}

/// A contour projected to Web Mercator world units, open rings.
#[derive(Debug, Clone)]
struct Projected {
    code: String,
    row: Option<u32>,
    /// `[min_x, min_y, max_x, max_y]` in world units.
    bbox: [f64; 4],
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// One feature of a clipped tile: which contour, and its encoded geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct TileFeature {
    /// Index of the contour in the level's feature list.
    pub source: u32,
    /// The MVT geometry field (packed commands, rings oriented: [`geometry_field`]), encoded
    /// once with the clipping: a new selection only writes properties.
    pub geometry: Vec<u8>,
    /// Area of its exterior rings in the tile, in tile units² (to drop the smallest first
    /// when a tile is over its size budget).
    pub area: f64,
}

/// The clipped and simplified geometry of one tile, independent of any score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TileGeometry {
    /// Features intersecting the tile.
    pub features: Vec<TileFeature>,
}

impl TileGeometry {
    /// Approximate heap size, for the cache budget.
    pub fn heap_bytes(&self) -> usize {
        self.features
            .iter()
            .map(|f| 48 + f.geometry.len())
            .sum::<usize>()
            + 64
    }
}

/// Weighs a cached tile geometry by its heap size (at least 1: quick_cache never evicts an
/// entry of weight 0).
#[derive(Debug, Clone, Copy)]
struct GeometryWeighter;

impl quick_cache::Weighter<TileId, Arc<TileGeometry>> for GeometryWeighter {
    fn weight(&self, _tile: &TileId, g: &Arc<TileGeometry>) -> u64 {
        (g.heap_bytes() as u64).max(1)
    }
}

/// The tiler of one level's contours.
///
/// ```
/// use ifn_core::{demo, Catalogue, Engine, Level, Selection};
/// use ifn_tiles::{LevelTiler, TileId, TileOptions};
/// let t = demo::generate();
/// let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
/// let codes = engine.codes(Level::Departement).unwrap();
/// let tiler = LevelTiler::new(&t.geometries[&Level::Departement], &codes, TileOptions::default());
/// let sel = Selection::builder("tout-age").build(&engine).unwrap();
/// let scores = engine.score(Level::Departement, &sel).unwrap();
/// let tile = tiler.tile(TileId::new(0, 0, 0).unwrap(), "departement", &scores, None);
/// assert!(!tile.is_empty());
/// ```
pub struct LevelTiler {
    features: Vec<Projected>,
    /// Bounding boxes of the contours (world units), with their index: a tile looks up the
    /// contours it may cross instead of scanning every contour of the level.
    index: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    options: TileOptions,
    cache: quick_cache::sync::Cache<TileId, Arc<TileGeometry>, GeometryWeighter>,
}

impl LevelTiler {
    /// Projects the contours once. `codes` are the territory codes in score-row order
    /// (`Engine::codes(level)`): a contour's feature id is the row of its code.
    pub fn new(features: &[Feature], codes: &[&str], options: TileOptions) -> LevelTiler {
        let index: std::collections::HashMap<&str, u32> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i as u32))
            .collect();
        let features = features
            .iter()
            .map(|f| {
                let mut bbox = [
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ];
                let polygons = f
                    .geometry
                    .0
                    .iter()
                    .map(|p| {
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .map(|ring| {
                                let mut pts: Vec<(f64, f64)> = ring
                                    .0
                                    .iter()
                                    .map(|c| {
                                        let (x, y) = lonlat_to_world(c.x, c.y);
                                        bbox = [
                                            bbox[0].min(x),
                                            bbox[1].min(y),
                                            bbox[2].max(x),
                                            bbox[3].max(y),
                                        ];
                                        (x, y)
                                    })
                                    .collect();
                                if pts.len() > 1 && pts.first() == pts.last() {
                                    pts.pop();
                                }
                                pts
                            })
                            .collect()
                    })
                    .collect();
                Projected {
                    code: f.code.clone(),
                    row: index.get(f.code.as_str()).copied(),
                    bbox,
                    polygons,
                }
            })
            .collect::<Vec<Projected>>();
        let boxes = features
            .iter()
            .enumerate()
            // A contour without points has an empty (inverted) box: it is in no tile.
            .filter(|(_, f)| f.bbox[0] <= f.bbox[2] && f.bbox[1] <= f.bbox[3])
            .map(|(i, f)| {
                let b = f.bbox;
                GeomWithData::new(
                    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                    i as u32,
                )
            })
            .collect();
        // Sized for tiles of about 16 kB of geometry.
        let cache = quick_cache::sync::Cache::with_weighter(
            (options.geometry_cache_bytes / (16 << 10)).max(16),
            options.geometry_cache_bytes as u64,
            GeometryWeighter,
        );
        LevelTiler {
            features,
            index: RTree::bulk_load(boxes),
            options,
            cache,
        }
    }

    /// Number of contours.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether there is no contour.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Territory code of a contour (index as in [`TileFeature::source`]).
    pub fn code(&self, source: u32) -> Option<&str> {
        self.features.get(source as usize).map(|f| f.code.as_str())
    }

    /// The clipped, simplified geometry of a tile, from the cache when it was built before.
    pub fn geometry(&self, tile: TileId) -> Arc<TileGeometry> {
        if let Some(g) = self.cache.get(&tile) {
            return g;
        }
        let g = Arc::new(self.build_geometry(tile));
        self.cache.insert(tile, Arc::clone(&g));
        g
    }

    /// Clips and simplifies a tile without the cache (the pyramid builder's path).
    pub fn build_geometry(&self, tile: TileId) -> TileGeometry {
        let o = &self.options;
        let extent = f64::from(EXTENT);
        let n = f64::from(tile.side());
        let scale = extent * n;
        let (ox, oy) = (f64::from(tile.x) * extent, f64::from(tile.y) * extent);
        let buffer = f64::from(o.buffer);
        let (lo, hi) = (-buffer, extent + buffer);
        let world = |v: f64, off: f64| (v + off) / scale;
        let window = [world(lo, ox), world(lo, oy), world(hi, ox), world(hi, oy)];
        let tolerance = o.tolerance_px * o.units_per_pixel;
        let min_area2 = 2.0 * o.min_area_px2 * o.units_per_pixel * o.units_per_pixel;
        let mut out = TileGeometry::default();
        let mut candidates: Vec<u32> = self
            .index
            .locate_in_envelope_intersecting(&AABB::from_corners(
                [window[0], window[1]],
                [window[2], window[3]],
            ))
            .map(|r| r.data)
            .collect();
        // In the level's order, so a tile's bytes do not depend on the tree's layout.
        candidates.sort_unstable();
        for i in candidates {
            let Some(f) = self.features.get(i as usize) else {
                continue;
            };
            let b = f.bbox;
            let inside =
                b[0] >= window[0] && b[2] <= window[2] && b[1] >= window[1] && b[3] <= window[3];
            let mut polygons: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
            let mut area = 0.0;
            for polygon in &f.polygons {
                let mut rings = Vec::with_capacity(polygon.len());
                for (r, ring) in polygon.iter().enumerate() {
                    let local: Vec<TilePoint> = ring
                        .iter()
                        .map(|&(x, y)| (x * scale - ox, y * scale - oy))
                        .collect();
                    let clipped = if inside {
                        local
                    } else {
                        clip_ring(&local, lo, hi)
                    };
                    if clipped.len() < 3 {
                        if r == 0 {
                            break;
                        }
                        continue;
                    }
                    let mut q = quantize_ring(&simplify_ring(&clipped, tolerance));
                    if q.len() < 3 || (ring_area2(&q).abs() as f64) < min_area2 {
                        if r == 0 {
                            break;
                        }
                        continue;
                    }
                    orient_ring(&mut q, r == 0);
                    if r == 0 {
                        area += ring_area2(&q).unsigned_abs() as f64 / 2.0;
                    }
                    rings.push(q);
                }
                if !rings.is_empty() {
                    polygons.push(rings);
                }
            }
            if !polygons.is_empty() {
                out.features.push(TileFeature {
                    source: i,
                    geometry: geometry_field(&encode_polygons(&polygons)),
                    area,
                });
            }
        }
        debug!(
            tile.z = tile.z,
            tile.x = tile.x,
            tile.y = tile.y,
            features = out.features.len(),
            "tile geometry built"
        );
        out
    }

    /// Encodes a tile (uncompressed MVT, one layer named `layer`) with the scores attached:
    /// id = score row, properties `code`, `name`, `population`, `score` (absent when
    /// missing) and one class per selected indicator (absent when missing); with an offer of
    /// the same level and selection, also its figures
    /// ([`ifn_core::offer::TerritoryOffer::FLAT_FIELD_NAMES`], absent when unknown). An
    /// empty tile gives an empty buffer.
    pub fn tile(
        &self,
        tile: TileId,
        layer: &str,
        scores: &LevelScores,
        offer: Option<&LevelOffer>,
    ) -> Vec<u8> {
        let geometry = self.geometry(tile);
        self.encode(&geometry, layer, scores, offer)
    }
}
