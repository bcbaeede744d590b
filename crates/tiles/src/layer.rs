//! Per-level tilers: contours projected once, clipped and simplified per tile on demand (and
//! cached), then encoded with the scores of a selection attached.

use std::sync::Arc;

use ifn_core::offer::{LevelOffer, PlaceFilter};
use ifn_core::{Feature, LevelScores, Place, PlaceKind};
use tracing::debug;

use crate::clip::{clip_ring, orient_ring, quantize_ring, simplify_ring, TilePoint};
use crate::mvt::{
    encode_points, encode_polygons, ring_area2, GeomType, LayerBuilder, Value, EXTENT,
};
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

/// One feature of a clipped tile: which contour, and its encoded geometry commands.
#[derive(Debug, Clone, PartialEq)]
pub struct TileFeature {
    /// Index of the contour in the level's feature list.
    pub source: u32,
    /// MVT geometry commands, rings oriented.
    pub commands: Vec<u32>,
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
            .map(|f| 32 + 4 * f.commands.len())
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
            .collect();
        // Sized for tiles of about 16 kB of geometry.
        let cache = quick_cache::sync::Cache::with_weighter(
            (options.geometry_cache_bytes / (16 << 10)).max(16),
            options.geometry_cache_bytes as u64,
            GeometryWeighter,
        );
        LevelTiler {
            features,
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

    fn build_geometry(&self, tile: TileId) -> TileGeometry {
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
        for (i, f) in self.features.iter().enumerate() {
            let b = f.bbox;
            if b[2] < window[0] || b[0] > window[2] || b[3] < window[1] || b[1] > window[3] {
                continue;
            }
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
                    source: i as u32,
                    commands: encode_polygons(&polygons),
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

    /// Encodes already clipped geometry with the scores of a selection attached (see
    /// [`LevelTiler::tile`]). This is the per-request part: no clipping happens here.
    ///
    /// A tile over [`TileOptions::max_tile_bytes`] is encoded with the light properties only
    /// (`code`, `name`, `population`, `score`, `zones_blanches`); if still over, its smallest
    /// features are left out until it fits.
    pub fn encode(
        &self,
        geometry: &TileGeometry,
        layer: &str,
        scores: &LevelScores,
        offer: Option<&LevelOffer>,
    ) -> Vec<u8> {
        if geometry.features.is_empty() {
            return Vec::new();
        }
        let budget = self.options.max_tile_bytes;
        let all: Vec<&TileFeature> = geometry.features.iter().collect();
        let full = self.encode_features(&all, layer, scores, offer, true);
        if full.len() <= budget {
            return full;
        }
        let light = self.encode_features(&all, layer, scores, offer, false);
        if light.len() <= budget {
            return light;
        }
        // Largest first; ties by source index, so that the result is deterministic.
        let mut by_area = all;
        by_area.sort_by(|a, b| b.area.total_cmp(&a.area).then(a.source.cmp(&b.source)));
        let mut keep = (by_area.len() as f64 * budget as f64 / light.len() as f64) as usize;
        loop {
            keep = keep.min(by_area.len());
            let mut kept: Vec<&TileFeature> = by_area[..keep].to_vec();
            // Back to the geometry's order: the same features always give the same bytes.
            kept.sort_by_key(|f| f.source);
            let t = self.encode_features(&kept, layer, scores, offer, false);
            if t.len() <= budget || keep <= 1 {
                debug!(
                    features = geometry.features.len(),
                    kept = keep,
                    bytes = t.len(),
                    "tile over budget: smallest features left out"
                );
                return t;
            }
            keep = keep * 9 / 10;
        }
    }

    fn encode_features(
        &self,
        features: &[&TileFeature],
        layer: &str,
        scores: &LevelScores,
        offer: Option<&LevelOffer>,
        detail: bool,
    ) -> Vec<u8> {
        let mut builder = LayerBuilder::new(layer);
        let mut props: Vec<(&str, Value)> = Vec::with_capacity(4 + scores.indicators.len());
        for tf in features {
            let Some(f) = self.features.get(tf.source as usize) else {
                continue;
            };
            props.clear();
            props.push(("code", Value::String(f.code.clone())));
            let row = f.row.map(|r| r as usize).filter(|&r| r < scores.len());
            match row {
                Some(r) => {
                    props.push(("name", Value::String(scores.names[r].clone())));
                    props.push(("population", number(scores.population[r])));
                    if !scores.total[r].is_nan() {
                        props.push(("score", Value::Double(scores.total[r])));
                    }
                    if detail {
                        for (k, key) in scores.indicators.iter().enumerate() {
                            let c = scores.classes[(r, k)];
                            if !c.is_nan() {
                                props.push((key.as_str(), Value::Double(c)));
                            }
                        }
                    }
                    // Rows of an offer follow the rows of the scores (Engine::codes order).
                    if let Some(t) = offer
                        .and_then(|o| o.territories.get(r))
                        .filter(|t| t.code == f.code)
                    {
                        if detail {
                            for (name, v) in t.flat_fields() {
                                if !v.is_nan() {
                                    props.push((name, number(v)));
                                }
                            }
                        } else {
                            props.push((
                                "zones_blanches",
                                Value::Uint(t.zones_blanches.len() as u64),
                            ));
                        }
                    }
                }
                None => props.push(("name", Value::String(f.code.clone()))),
            }
            builder.add_feature(
                row.map(|r| r as u64),
                GeomType::Polygon,
                &tf.commands,
                &props,
            );
        }
        let mut out = Vec::new();
        builder.finish_into(&mut out);
        out
    }
}

fn number(v: f64) -> Value {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Value::Uint(v as u64)
    } else {
        Value::Double(v)
    }
}

/// The tiler of mediation places (points).
pub struct PlacesTiler {
    places: Vec<Place>,
    world: Vec<(f64, f64)>,
    max_tile_bytes: usize,
}

impl PlacesTiler {
    /// Projects the places once; tiles keep to [`TILE_BUDGET_BYTES`].
    pub fn new(places: &[Place]) -> PlacesTiler {
        PlacesTiler::with_budget(places, TILE_BUDGET_BYTES)
    }

    /// The same with another tile size budget (bytes of an uncompressed tile).
    pub fn with_budget(places: &[Place], max_tile_bytes: usize) -> PlacesTiler {
        PlacesTiler {
            world: places
                .iter()
                .map(|p| lonlat_to_world(p.lon, p.lat))
                .collect(),
            places: places.to_vec(),
            max_tile_bytes,
        }
    }

    /// Encodes the places inside a tile as layer `places`: id = index, properties `id`,
    /// `name`, `kinds`, `services`, `publics` (`|`-separated), `address`, `commune`. With a
    /// filter, only the places it accepts.
    ///
    /// Below zoom [`CLUSTER_MAX_ZOOM`] + 1, places in the same cell of a grid of
    /// [`CLUSTER_CELL_PX`] screen pixels (aligned on the tile) are merged into one cluster point
    /// at their mean position, without id, with `point_count`, `kinds` (the kinds present,
    /// `|`-separated) and `count_<kind>` for each kind present; a cell with one place gives the
    /// place itself.
    ///
    /// A tile over the size budget carries `id`, `name` and `kinds` only; if still over, one
    /// feature per cell of a grid (a screen pixel, then 2, 4… pixels), the first in the store's
    /// order.
    pub fn tile(&self, tile: TileId, filter: Option<&PlaceFilter>) -> Vec<u8> {
        let extent = f64::from(EXTENT);
        let scale = extent * f64::from(tile.side());
        let (ox, oy) = (f64::from(tile.x) * extent, f64::from(tile.y) * extent);
        let inside: Vec<(usize, (i32, i32))> = self
            .places
            .iter()
            .zip(&self.world)
            .enumerate()
            .filter_map(|(i, (p, &(wx, wy)))| {
                let (x, y) = (wx * scale - ox, wy * scale - oy);
                let keep = (0.0..extent).contains(&x)
                    && (0.0..extent).contains(&y)
                    && filter.is_none_or(|f| f.matches(p));
                keep.then_some((i, (x.floor() as i32, y.floor() as i32)))
            })
            .collect();
        if inside.is_empty() {
            return Vec::new();
        }
        let items = if tile.z <= CLUSTER_MAX_ZOOM {
            cluster(&inside, CLUSTER_CELL_PX * 8)
        } else {
            inside.iter().map(|&(i, xy)| (vec![i], xy)).collect()
        };
        let full = self.encode(&items, true);
        if full.len() <= self.max_tile_bytes {
            return full;
        }
        let mut out = self.encode(&items, false);
        // 8 tile units = one screen pixel of a 512-pixel tile.
        let mut cell = 8;
        while out.len() > self.max_tile_bytes && cell <= EXTENT as i32 {
            let mut seen = std::collections::HashSet::new();
            let thinned: Vec<(Vec<usize>, (i32, i32))> = items
                .iter()
                .filter(|(_, (x, y))| seen.insert((x.div_euclid(cell), y.div_euclid(cell))))
                .cloned()
                .collect();
            out = self.encode(&thinned, false);
            cell *= 2;
        }
        out
    }

    fn encode(&self, items: &[(Vec<usize>, (i32, i32))], detail: bool) -> Vec<u8> {
        let mut builder = LayerBuilder::new("places");
        let mut props: Vec<(&str, Value)> = Vec::with_capacity(8);
        for (members, xy) in items {
            props.clear();
            let geom = encode_points(&[*xy]);
            if let [i] = members[..] {
                let p = &self.places[i];
                let kinds: Vec<&str> = p.kinds.iter().map(|k| k.as_str()).collect();
                props.push(("id", Value::String(p.id.clone())));
                props.push(("name", Value::String(p.name.clone())));
                props.push(("kinds", Value::String(kinds.join("|"))));
                if detail {
                    props.push(("services", Value::String(p.services.join("|"))));
                    props.push(("publics", Value::String(p.publics.join("|"))));
                    props.push(("address", Value::String(p.address.clone())));
                    props.push(("commune", Value::String(p.commune.clone())));
                }
                builder.add_feature(Some(i as u64), GeomType::Point, &geom, &props);
                continue;
            }
            props.push(("point_count", Value::Uint(members.len() as u64)));
            let mut present = Vec::new();
            for (k, key) in PlaceKind::ALL.iter().zip(CLUSTER_COUNT_KEYS) {
                let n = members
                    .iter()
                    .filter(|&&i| self.places[i].kinds.contains(k))
                    .count();
                if n > 0 {
                    present.push(k.as_str());
                    props.push((key, Value::Uint(n as u64)));
                }
            }
            props.push(("kinds", Value::String(present.join("|"))));
            builder.add_feature(None, GeomType::Point, &geom, &props);
        }
        let mut out = Vec::new();
        builder.finish_into(&mut out);
        out
    }
}

/// Highest zoom at which places are clustered; from the next zoom every place is drawn.
pub const CLUSTER_MAX_ZOOM: u8 = 11;
/// Side of a cluster cell, in screen pixels of a 512-pixel tile.
pub const CLUSTER_CELL_PX: i32 = 48;
/// Cluster properties counting each kind, in the order of [`PlaceKind::ALL`].
const CLUSTER_COUNT_KEYS: [&str; 5] = [
    "count_france_services",
    "count_conseiller_numerique",
    "count_aidants_connect",
    "count_bibliotheque",
    "count_autre",
];

/// Groups points by grid cell (of `cell` tile units), in the order cells are first met;
/// each group at the mean position of its points.
fn cluster(points: &[(usize, (i32, i32))], cell: i32) -> Vec<(Vec<usize>, (i32, i32))> {
    let mut index: std::collections::HashMap<(i32, i32), usize> = std::collections::HashMap::new();
    let mut groups: Vec<(Vec<usize>, (i64, i64))> = Vec::new();
    for &(i, (x, y)) in points {
        let key = (x.div_euclid(cell), y.div_euclid(cell));
        let g = *index.entry(key).or_insert_with(|| {
            groups.push((Vec::new(), (0, 0)));
            groups.len() - 1
        });
        groups[g].0.push(i);
        groups[g].1 .0 += i64::from(x);
        groups[g].1 .1 += i64::from(y);
    }
    groups
        .into_iter()
        .map(|(members, (sx, sy))| {
            let n = members.len() as i64;
            let mean = |s: i64| i32::try_from(s / n).unwrap_or(0);
            (members, (mean(sx), mean(sy)))
        })
        .collect()
}
