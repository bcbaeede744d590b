//! Shared state: the engine, tilers per level, search index and caches.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ifn_core::analysis::{self, Robustness, RobustnessOptions};
use ifn_core::offer::{offer, LevelOffer, OfferOptions, PlaceIndex};
use ifn_core::{Catalogue, Engine, Level, LevelScores, Selection, Territory, TerritoryMeta};
use ifn_tiles::{LabelTiler, LevelTiler, PlacesTiler, TileId, TileOptions};

use crate::cache::{self, Cache, CachedBody};
use crate::error::ApiResult;
use crate::query::selection_key;
use crate::search::Entry;

/// Memory budget of the cache of scores per (level, selection).
const SCORE_CACHE_BYTES: usize = 256 << 20;
/// Memory budget of the cache of encoded tiles per (level, tile, selection).
const TILE_CACHE_BYTES: usize = 128 << 20;
/// Memory budget of the index of encoded tiles by request URI (the tiles are shared with the
/// cache above, but counted here too, so that the index cannot keep evicted tiles alive
/// without bound).
const TILE_URI_CACHE_BYTES: usize = 128 << 20;
/// Memory budget of the cache of offer figures per (level, selection, options).
const OFFER_CACHE_BYTES: usize = 128 << 20;
/// Memory budget of the cache of exported files (so that range requests of one client
/// streaming a FlatGeobuf do not rebuild the file each time).
const EXPORT_CACHE_BYTES: usize = 512 << 20;

/// Memory budget of the cache of robustness analyses per (level, selection, options): a
/// France commune analysis holds about 35,000 territories × (code, name, 8 numbers).
const ROBUSTNESS_CACHE_BYTES: usize = 64 << 20;

/// Levels in display order, coarse → fine.
pub const LEVELS_COARSE_TO_FINE: [Level; 5] = [
    Level::Region,
    Level::Departement,
    Level::Epci,
    Level::Commune,
    Level::Iris,
];

/// Key of an encoded tile: layer ("places" or a level), tile, selection key.
pub type TileKey = (&'static str, TileId, String);

pub(crate) struct Inner {
    /// The store as loaded: contours and provenance for exports and diagnostics, places.
    pub territory: Territory,
    pub engine: Engine,
    /// Places located in base units, distances from each unit to the nearest place.
    pub index: PlaceIndex,
    pub tilers: BTreeMap<Level, LevelTiler>,
    pub places_tiler: PlacesTiler,
    /// Label points per level with contours (selection-independent), computed in the
    /// background after load ([`AppState::labels`]).
    pub labels: std::sync::OnceLock<BTreeMap<Level, LabelTiler>>,
    /// Row of each code in `LevelScores` per level (stable across selections).
    pub rows: HashMap<Level, HashMap<String, usize>>,
    /// WGS84 bbox of each contour per level.
    pub bboxes: HashMap<Level, HashMap<String, [f64; 4]>>,
    pub search: Vec<Entry>,
    pub scores: Cache<(Level, String), Arc<LevelScores>>,
    pub tiles: Cache<TileKey, Arc<CachedBody>>,
    /// The same tiles by request URI (path and query as sent), for the warm path.
    pub tiles_by_uri: Cache<Box<str>, Arc<CachedBody>>,
    pub offers: Cache<(Level, String), Arc<LevelOffer>>,
    /// Exported files by (level, format, options, selection).
    pub exports: Cache<String, Arc<CachedBody>>,
    /// Robustness analyses by level, selection and options (each costs about a second).
    pub robustness: Cache<(Level, String), Arc<Robustness>>,
}

/// The state shared by every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
    /// The earlier vintage the store is compared with (`/api/evolution`), if any.
    compare: Option<Arc<crate::routes::evolution::Comparison>>,
}

/// WGS84 bbox of a contour, `None` when empty.
fn bbox_of(f: &ifn_core::Feature) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in &f.geometry.0 {
        for c in &p.exterior().0 {
            b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
        }
    }
    b[0].is_finite().then_some(b)
}

impl AppState {
    /// Builds the engine, projects the contours of every level and the search index. CPU work
    /// proportional to the store; call it before serving, not per request.
    pub fn new(territory: Territory, catalogue: Catalogue) -> AppState {
        let engine = Engine::new(territory.dataset.clone(), catalogue);
        let geometries = &territory.geometries;
        let index = PlaceIndex::build(
            territory.dataset.units(),
            &territory.geometries,
            &territory.places,
        );
        if !index.unassigned().is_empty() {
            tracing::warn!(
                places.unassigned = index.unassigned().len(),
                "some mediation places lie in no territory of the store: they count in no territory's offer"
            );
        }
        let mut rows = HashMap::new();
        let mut tilers = BTreeMap::new();
        let mut bboxes: HashMap<Level, HashMap<String, [f64; 4]>> = HashMap::new();
        for level in Level::ALL {
            let Ok(codes) = engine.codes(level) else {
                continue;
            };
            rows.insert(
                level,
                codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.to_string(), i))
                    .collect(),
            );
            if let Some(features) = geometries.get(&level).filter(|f| !f.is_empty()) {
                tilers.insert(
                    level,
                    LevelTiler::new(features, &codes, TileOptions::default()),
                );
                bboxes.insert(
                    level,
                    features
                        .iter()
                        .filter_map(|f| bbox_of(f).map(|b| (f.code.clone(), b)))
                        .collect(),
                );
            }
        }
        let search = build_search(&engine, &bboxes);
        let places_tiler = PlacesTiler::new(&territory.places);
        let state = AppState {
            inner: Arc::new(Inner {
                territory,
                engine,
                index,
                tilers,
                places_tiler,
                labels: std::sync::OnceLock::new(),
                rows,
                bboxes,
                search,
                // Typical entries: scores and offers of a commune level (~35,000 rows), tiles
                // of a few kB, exports of several MB (one shard: an export may be large).
                scores: cache::with_budget(SCORE_CACHE_BYTES, 4 << 20, None),
                tiles: cache::with_budget(TILE_CACHE_BYTES, 16 << 10, None),
                tiles_by_uri: cache::with_budget(TILE_URI_CACHE_BYTES, 16 << 10, None),
                // Two shards: the offer of every commune of France weighs about 16 MB, more
                // than a shard's share of the budget with the default number of shards, and
                // quick_cache keeps no entry heavier than that.
                offers: cache::with_budget(OFFER_CACHE_BYTES, 8 << 20, Some(2)),
                exports: cache::with_budget(EXPORT_CACHE_BYTES, 16 << 20, Some(1)),
                robustness: cache::with_budget(ROBUSTNESS_CACHE_BYTES, 4 << 20, Some(4)),
            }),
            compare: None,
        };
        // The label points (seconds for the communes of France) are computed while the
        // server starts answering; a label tile asked before waits for them.
        let st = state.clone();
        std::thread::spawn(move || st.labels().len());
        state
    }

    /// The label points of each level with contours, computed once (CPU-bound on first use:
    /// call it from `spawn_blocking`).
    pub fn labels(&self) -> &BTreeMap<Level, LabelTiler> {
        self.inner.labels.get_or_init(|| {
            let start = std::time::Instant::now();
            let labels = ifn_tiles::labels::level_labels(
                &self.inner.engine,
                &self.inner.territory.geometries,
            );
            tracing::debug!(
                ms = start.elapsed().as_secs_f64() * 1e3,
                "label points computed"
            );
            labels
        })
    }

    /// The state comparing the store with an earlier vintage (`/api/evolution`).
    pub fn with_comparison(mut self, compare: crate::routes::evolution::Comparison) -> AppState {
        self.compare = Some(Arc::new(compare));
        self
    }

    /// The earlier vintage the store is compared with, if any.
    pub fn comparison(&self) -> Option<Arc<crate::routes::evolution::Comparison>> {
        self.compare.clone()
    }

    /// The scoring engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Description of the store.
    pub fn meta(&self) -> &TerritoryMeta {
        &self.inner.territory.meta
    }

    /// The store: contours, places and provenance.
    pub fn territory(&self) -> &Territory {
        &self.inner.territory
    }

    /// The place index (places located in base units, nearest-place distances).
    pub fn place_index(&self) -> &PlaceIndex {
        &self.inner.index
    }

    /// Mediation offer figures of a level for a selection and options, from the cache when
    /// computed before. CPU-bound: call it from `spawn_blocking`. Computed once: concurrent
    /// callers for the same key (the tiles of a new selection) wait for the first.
    pub fn offer(
        &self,
        level: Level,
        selection: &Selection,
        options: &OfferOptions,
    ) -> ApiResult<Arc<LevelOffer>> {
        let key = (level, offer_key(selection, options));
        self.inner.offers.get_or_insert_with(&key, || {
            let start = std::time::Instant::now();
            let units = self.inner.engine.unit_scores(selection)?;
            let o = offer(
                level,
                &self.inner.engine,
                &units,
                &self.inner.index,
                options,
            )?;
            tracing::debug!(%level, ms = start.elapsed().as_secs_f64() * 1e3, "offer computed");
            Ok(Arc::new(o))
        })
    }

    /// Levels that have contours (tiles can be served), coarse → fine.
    pub fn tiled_levels(&self) -> Vec<Level> {
        LEVELS_COARSE_TO_FINE
            .into_iter()
            .filter(|l| self.inner.tilers.contains_key(l))
            .collect()
    }

    /// Scores of a level for a selection, from the cache when computed before. CPU-bound:
    /// call it from `spawn_blocking`. Computed once: concurrent callers for the same key wait
    /// for the first.
    pub fn scores(&self, level: Level, selection: &Selection) -> ApiResult<Arc<LevelScores>> {
        let key = (level, selection_key(selection));
        self.inner.scores.get_or_insert_with(&key, || {
            let start = std::time::Instant::now();
            let s = self.inner.engine.score(level, selection)?;
            tracing::debug!(%level, ms = start.elapsed().as_secs_f64() * 1e3, "scores computed");
            Ok(Arc::new(s))
        })
    }

    /// The robustness of the ranks of a level, from the cache when computed before.
    /// CPU-bound (rayon): call it from `spawn_blocking`.
    pub fn robustness(
        &self,
        level: Level,
        selection: &Selection,
        options: &RobustnessOptions,
    ) -> ApiResult<Arc<Robustness>> {
        let key = (
            level,
            format!(
                "{}|{}|{}|{}",
                selection_key(selection),
                options.draws,
                options.spread,
                options.seed
            ),
        );
        if let Some(r) = self.inner.robustness.get(&key) {
            return Ok(r);
        }
        let r = Arc::new(analysis::robustness(
            &self.inner.engine,
            level,
            selection,
            options,
        )?);
        self.inner.robustness.insert(key, Arc::clone(&r));
        Ok(r)
    }

    /// Row of a territory in the scores of its level.
    pub fn row(&self, level: Level, code: &str) -> Option<usize> {
        self.inner.rows.get(&level)?.get(code).copied()
    }

    /// Bounding box of a territory's contour, when the level has contours.
    pub fn bbox(&self, level: Level, code: &str) -> Option<[f64; 4]> {
        self.inner.bboxes.get(&level)?.get(code).copied()
    }
}

/// Cache key of an offer: the selection and the two options.
pub fn offer_key(selection: &Selection, options: &OfferOptions) -> String {
    format!(
        "{}|{}|{}",
        selection_key(selection),
        options.threshold,
        options.distance_km
    )
}

fn build_search(engine: &Engine, bboxes: &HashMap<Level, HashMap<String, [f64; 4]>>) -> Vec<Entry> {
    let dataset = engine.dataset();
    let mut entries = Vec::new();
    for level in LEVELS_COARSE_TO_FINE {
        if !engine.has_level(level) {
            continue;
        }
        // Population and département of each territory from its base units, in one pass.
        let mut info: BTreeMap<&str, (f64, &str)> = BTreeMap::new();
        for u in dataset.units() {
            let e = info
                .entry(u.code_at(level))
                .or_insert((0.0, u.departement.as_str()));
            e.0 += u.population;
        }
        for (code, (population, dep)) in info {
            let parent = match level {
                Level::Region | Level::Departement => String::new(),
                _ => dataset.name_of(Level::Departement, dep),
            };
            let bbox = bboxes.get(&level).and_then(|b| b.get(code)).copied();
            entries.push(Entry::new(
                level,
                code.to_string(),
                dataset.name_of(level, code),
                parent,
                population,
                bbox,
            ));
        }
    }
    entries
}
