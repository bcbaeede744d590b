//! The server's caches: `quick_cache` (sharded, lock per shard, CLOCK-Pro eviction) bounded in
//! bytes, each entry weighed by what it holds.

use std::hash::Hash;
use std::mem::size_of;

use axum::body::Bytes;
use ifn_core::analysis::{Robustness, TerritoryRobustness};
use ifn_core::offer::{LevelOffer, TerritoryOffer};
use ifn_core::LevelScores;

/// The heap and inline size of a cached value, in bytes, as far as it is owned by the entry.
pub trait Weigh {
    /// Bytes held.
    fn weight(&self) -> usize;
}

impl<T: Weigh + ?Sized> Weigh for std::sync::Arc<T> {
    fn weight(&self) -> usize {
        (**self).weight()
    }
}

impl Weigh for str {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weigh for String {
    fn weight(&self) -> usize {
        size_of::<String>() + self.len()
    }
}

impl Weigh for Box<str> {
    fn weight(&self) -> usize {
        size_of::<Box<str>>() + self.len()
    }
}

impl Weigh for LevelScores {
    /// Codes, names and populations are shared by every score set of a level (`Arc`): not
    /// counted. Classes and raw values are counted although the engine may share them between
    /// weightings of the same indicators: an over-estimate, never an under-estimate.
    fn weight(&self) -> usize {
        size_of::<LevelScores>()
            + self.total.len() * size_of::<f64>()
            + self.used.len()
            + self.indicators.iter().map(Weigh::weight).sum::<usize>()
            + (self.classes.len() + self.raw.len()) * size_of::<f64>()
    }
}

impl Weigh for TerritoryOffer {
    fn weight(&self) -> usize {
        size_of::<TerritoryOffer>()
            + self.code.len()
            + self.zones_blanches.iter().map(Weigh::weight).sum::<usize>()
    }
}

impl Weigh for LevelOffer {
    /// The territories, the unassigned places, and the index by code (a code and a row per
    /// territory).
    fn weight(&self) -> usize {
        size_of::<LevelOffer>()
            + self.territories.iter().map(Weigh::weight).sum::<usize>()
            + self
                .unassigned_places
                .iter()
                .map(Weigh::weight)
                .sum::<usize>()
            + self
                .territories
                .iter()
                .map(|t| size_of::<(String, usize)>() + t.code.len())
                .sum::<usize>()
    }
}

impl Weigh for Robustness {
    /// Per territory: its code and name, the numbers, the ranks without each indicator.
    fn weight(&self) -> usize {
        size_of::<Robustness>()
            + self
                .territories
                .iter()
                .map(|t| {
                    size_of::<TerritoryRobustness>()
                        + t.code.len()
                        + t.name.len()
                        + t.rank_without.len() * size_of::<Option<u32>>()
                })
                .sum::<usize>()
    }
}

impl Weigh for Bytes {
    fn weight(&self) -> usize {
        size_of::<Bytes>() + self.len()
    }
}

/// An encoded body as cached: the bytes, a gzipped copy (tiles) and the ETag.
#[derive(Debug)]
pub struct CachedBody {
    /// Uncompressed body (empty for an empty tile).
    pub raw: Bytes,
    /// Gzipped body, when there is one.
    pub gzip: Option<Bytes>,
    /// Strong ETag, quoted.
    pub etag: String,
}

impl Weigh for CachedBody {
    fn weight(&self) -> usize {
        size_of::<CachedBody>()
            + self.raw.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.etag.len()
    }
}

impl<A: Weigh, B: Weigh> Weigh for (A, B) {
    fn weight(&self) -> usize {
        self.0.weight() + self.1.weight()
    }
}

impl<A: Weigh, B: Weigh, C: Weigh> Weigh for (A, B, C) {
    fn weight(&self) -> usize {
        self.0.weight() + self.1.weight() + self.2.weight()
    }
}

impl Weigh for ifn_core::Level {
    fn weight(&self) -> usize {
        size_of::<Self>()
    }
}

impl Weigh for ifn_tiles::TileId {
    fn weight(&self) -> usize {
        size_of::<Self>()
    }
}

impl Weigh for &'static str {
    fn weight(&self) -> usize {
        size_of::<Self>()
    }
}

/// Weighs an entry by its key and value.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteWeighter;

impl<K: Weigh, V: Weigh> quick_cache::Weighter<K, V> for ByteWeighter {
    fn weight(&self, key: &K, val: &V) -> u64 {
        // quick_cache keeps entries of weight 0 forever: every entry weighs at least 1.
        u64::try_from(key.weight() + val.weight())
            .unwrap_or(u64::MAX)
            .max(1)
    }
}

/// A cache bounded by the bytes its entries hold.
pub type Cache<K, V> = quick_cache::sync::Cache<K, V, ByteWeighter>;

/// A cache of at most `bytes`, sized for entries of about `typical_entry` bytes.
///
/// quick_cache splits the budget between shards, and an entry heavier than its shard's share
/// is not kept: `shards` lowers their number for caches of large entries (exports).
pub fn with_budget<K, V>(bytes: usize, typical_entry: usize, shards: Option<usize>) -> Cache<K, V>
where
    K: Eq + Hash + Weigh,
    V: Clone + Weigh,
{
    let mut options = quick_cache::OptionsBuilder::new();
    options
        .estimated_items_capacity((bytes / typical_entry.max(1)).max(16))
        .weight_capacity(bytes as u64);
    if let Some(n) = shards {
        options.shards(n);
    }
    match options.build() {
        Ok(options) => Cache::with_options(
            options,
            ByteWeighter,
            Default::default(),
            Default::default(),
        ),
        // Only an estimated capacity of 0 is refused, and it is at least 16 here.
        Err(_) => Cache::with_weighter(16, bytes as u64, ByteWeighter),
    }
}
