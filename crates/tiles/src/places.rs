//! The tiler of mediation places (points), clustered at low zoom, within the size budget.

use ifn_core::offer::PlaceFilter;
use ifn_core::{Place, PlaceKind};

use crate::cluster::{cluster, CLUSTER_CELL_PX, CLUSTER_COUNT_KEYS, CLUSTER_MAX_ZOOM};
use crate::level::TILE_BUDGET_BYTES;
use crate::mvt::{encode_points, GeomType, LayerBuilder, Value, EXTENT};
use crate::tile::{lonlat_to_world, TileId};

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
        self.tile_of(tile, 0..self.places.len(), filter)
    }

    /// Where each place is, in world units (for [`crate::pyramid::write_point_pyramid`]).
    pub fn world(&self) -> &[(f64, f64)] {
        &self.world
    }

    /// [`PlacesTiler::tile`] among the places of `candidates` only (increasing indices).
    pub fn tile_of(
        &self,
        tile: TileId,
        candidates: impl IntoIterator<Item = usize>,
        filter: Option<&PlaceFilter>,
    ) -> Vec<u8> {
        let extent = f64::from(EXTENT);
        let scale = extent * f64::from(tile.side());
        let (ox, oy) = (f64::from(tile.x) * extent, f64::from(tile.y) * extent);
        let inside: Vec<(usize, (i32, i32))> = candidates
            .into_iter()
            .filter_map(|i| Some((i, (self.places.get(i)?, self.world.get(i)?))))
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
