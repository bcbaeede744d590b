//! Offer figures per territory for one selection: counts, fragile population, distances,
//! zones blanches.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{per_10k, ByKind, OfferError, OfferKind, OfferOptions, OfferResult, PlaceIndex};
use crate::engine::{Engine, UnitScores};
use crate::level::Level;

/// Offer figures of one territory. Numbers that cannot be computed are NaN (serialised as
/// `null` by serde_json).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryOffer {
    /// Territory code.
    pub code: String,
    /// Population (sum of its base units).
    pub population: f64,
    /// Mediation places located in the territory, per group.
    pub places: ByKind<u32>,
    /// Places per 10,000 inhabitants, per group (NaN for an empty territory).
    pub places_per_10k: ByKind<f64>,
    /// Inhabitants of base units whose score is ≥ the threshold (units without a score are
    /// not fragile).
    pub fragile_population: f64,
    /// All places per 10,000 fragile inhabitants (NaN when there is none).
    pub places_per_10k_fragile: f64,
    /// Population-weighted mean distance (km) from the base units' centres to the nearest
    /// place of each group; NaN when the store has no place of that group or no unit of the
    /// territory has a centre.
    pub mean_distance_km: ByKind<f64>,
    /// The same mean over the fragile units only, all places.
    pub fragile_mean_distance_km: f64,
    /// Fragile inhabitants whose unit's nearest place is farther than the distance.
    pub fragile_population_beyond: f64,
    /// `fragile_population_beyond` over the fragile population whose distance is known
    /// (NaN when there is none).
    pub fragile_share_beyond: f64,
    /// Codes of the zones blanches: fragile base units with no place within the distance, in
    /// dataset order.
    pub zones_blanches: Vec<String>,
    /// Population of the zones blanches (= `fragile_population_beyond`).
    pub zones_blanches_population: f64,
    /// Base units of the territory whose distance is unknown (no contour for them or their
    /// commune): left out of distances and shares.
    pub units_without_centre: u32,
    /// Indices of the zones blanches' base units (same order as `zones_blanches`).
    #[serde(skip)]
    pub zone_blanche_units: Vec<usize>,
}

impl TerritoryOffer {
    /// Names of [`TerritoryOffer::flat_fields`], in order: the columns for tile properties,
    /// CSV and GIS exports.
    pub const FLAT_FIELD_NAMES: [&'static str; 16] = [
        "places_all",
        "places_france_services",
        "places_conseiller_numerique",
        "places_aidants_connect",
        "places_bibliotheque",
        "places_per_10k_all",
        "places_per_10k_france_services",
        "places_per_10k_conseiller_numerique",
        "places_per_10k_aidants_connect",
        "places_per_10k_bibliotheque",
        "fragile_population",
        "places_per_10k_fragile",
        "mean_distance_km",
        "fragile_mean_distance_km",
        "fragile_share_beyond",
        "zones_blanches",
    ];

    /// The figures as flat `(name, value)` pairs (NaN when unknown; `zones_blanches` is the
    /// count), for tile properties and table exports.
    ///
    /// ```
    /// use ifn_core::offer::{offer, OfferOptions, PlaceIndex, TerritoryOffer};
    /// use ifn_core::{Engine, Level, Selection};
    /// let t = ifn_core::demo::generate();
    /// let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    /// let engine = Engine::new(t.dataset.clone(), ifn_core::Catalogue::builtin().clone());
    /// let s = engine.unit_scores(&Selection::builder("tout-age").build(&engine).unwrap()).unwrap();
    /// let o = offer(Level::Departement, &engine, &s, &index, &OfferOptions::default()).unwrap();
    /// let f = o.territories[0].flat_fields();
    /// assert_eq!(f.len(), TerritoryOffer::FLAT_FIELD_NAMES.len());
    /// assert_eq!(f[0], ("places_all", f64::from(o.territories[0].places.all)));
    /// ```
    pub fn flat_fields(&self) -> Vec<(&'static str, f64)> {
        let mut v = Vec::with_capacity(Self::FLAT_FIELD_NAMES.len());
        for k in OfferKind::ALL {
            v.push(f64::from(self.places.get(k)));
        }
        for k in OfferKind::ALL {
            v.push(self.places_per_10k.get(k));
        }
        v.extend([
            self.fragile_population,
            self.places_per_10k_fragile,
            self.mean_distance_km.all,
            self.fragile_mean_distance_km,
            self.fragile_share_beyond,
            self.zones_blanches.len() as f64,
        ]);
        Self::FLAT_FIELD_NAMES.into_iter().zip(v).collect()
    }
}

/// Offer figures of every territory of a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelOffer {
    /// The level.
    pub level: Level,
    /// The options used.
    pub options: OfferOptions,
    /// One row per territory, in the order of [`Engine::codes`] (the rows of
    /// [`crate::LevelScores`]).
    pub territories: Vec<TerritoryOffer>,
    /// Identifiers of the places attached to no territory of the store.
    pub unassigned_places: Vec<String>,
    /// At IRIS level: places located only in a commune split into several IRIS (no contour
    /// holds their point), which no IRIS counts. 0 at other levels.
    pub places_without_unit: u32,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl LevelOffer {
    /// The row of a territory code.
    pub fn get(&self, code: &str) -> Option<&TerritoryOffer> {
        self.index.get(code).map(|&i| &self.territories[i])
    }
}

/// Base units whose score is at or above the threshold (NaN scores are not fragile).
///
/// ```
/// use ifn_core::offer::{fragile_units, OfferOptions};
/// use ifn_core::UnitScores;
/// let s = UnitScores { total: vec![6.9, 7.0, f64::NAN, 9.5], used: vec![1; 4] };
/// assert_eq!(fragile_units(&s, &OfferOptions::default()), vec![false, true, false, true]);
/// ```
pub fn fragile_units(scores: &UnitScores, options: &OfferOptions) -> Vec<bool> {
    scores
        .total
        .iter()
        .map(|&t| t >= options.threshold)
        .collect()
}

/// Whether each base unit is a zone blanche: fragile, with a known centre, and no place
/// (any kind) within `options.distance_km`. For the map layer.
pub fn zone_blanche_units(
    scores: &UnitScores,
    index: &PlaceIndex,
    options: &OfferOptions,
) -> Vec<bool> {
    scores
        .total
        .iter()
        .enumerate()
        .map(|(i, &t)| is_zone_blanche(t, index.nearest_km(i, OfferKind::All), options))
        .collect()
}

fn is_zone_blanche(total: f64, nearest_km: f64, options: &OfferOptions) -> bool {
    // NaN distance (no centre) compares false: unknown is not reported as a zone blanche.
    total >= options.threshold && nearest_km > options.distance_km
}

fn check(
    engine: &Engine,
    scores: &UnitScores,
    index: &PlaceIndex,
    options: &OfferOptions,
) -> OfferResult<()> {
    options.validate()?;
    let n = engine.dataset().units().len();
    if index.unit_count() != n {
        return Err(OfferError::IndexMismatch {
            index: index.unit_count(),
            engine: n,
        });
    }
    if scores.total.len() != n {
        return Err(OfferError::ScoresMismatch {
            scores: scores.total.len(),
            engine: n,
        });
    }
    Ok(())
}

/// Offer figures of every territory of a level for one selection's unit scores.
///
/// Places count in the territory of their base unit (see [`PlaceIndex`] for how they are
/// located); at IRIS level, a place known only at commune level counts in no IRIS and is
/// reported in [`LevelOffer::places_without_unit`]. One pass over the places, then one over
/// each territory's units in parallel; the output order is [`Engine::codes`].
///
/// ```
/// use ifn_core::offer::{offer, OfferOptions, PlaceIndex};
/// use ifn_core::{Engine, Level, Selection};
/// let t = ifn_core::demo::generate();
/// let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
/// let engine = Engine::new(t.dataset.clone(), ifn_core::Catalogue::builtin().clone());
/// let s = engine.unit_scores(&Selection::builder("senior").build(&engine).unwrap()).unwrap();
/// let communes = offer(Level::Commune, &engine, &s, &index, &OfferOptions { threshold: 8.0, distance_km: 5.0 }).unwrap();
/// let x1 = communes.get("X1001").unwrap();
/// assert!(x1.places.all > 0);
/// ```
pub fn offer(
    level: Level,
    engine: &Engine,
    scores: &UnitScores,
    index: &PlaceIndex,
    options: &OfferOptions,
) -> OfferResult<LevelOffer> {
    check(engine, scores, index, options)?;
    let units = engine.dataset().units();
    let codes: Vec<String> = engine.codes(level)?.into_iter().map(String::from).collect();
    let position: HashMap<String, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let of_unit: Vec<usize> = if level == Level::Iris {
        (0..units.len()).collect()
    } else {
        units.iter().map(|u| position[u.code_at(level)]).collect()
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); codes.len()];
    for (i, &t) in of_unit.iter().enumerate() {
        members[t].push(i);
    }
    let mut counts: Vec<ByKind<u32>> = vec![ByKind::default(); codes.len()];
    let mut places_without_unit = 0;
    for p in 0..index.place_count() {
        let unit = if level == Level::Iris {
            match (index.unit_of_place(p), index.commune_unit_of_place(p)) {
                (Some(u), _) => Some(u),
                (None, Some(_)) => {
                    places_without_unit += 1;
                    None
                }
                (None, None) => None,
            }
        } else {
            index.commune_unit_of_place(p)
        };
        if let Some(u) = unit {
            let c = &mut counts[of_unit[u]];
            for k in OfferKind::ALL {
                if index.place_is(p, k) {
                    *c.get_mut(k) += 1;
                }
            }
        }
    }
    let territories: Vec<TerritoryOffer> = codes
        .par_iter()
        .zip(members.par_iter())
        .zip(counts.par_iter())
        .map(|((code, m), c)| summarise(code, m, *c, engine, scores, index, options))
        .collect();
    Ok(LevelOffer {
        level,
        options: *options,
        territories,
        unassigned_places: index
            .unassigned_ids()
            .into_iter()
            .map(String::from)
            .collect(),
        places_without_unit,
        index: position,
    })
}

/// Offer figures of an arbitrary set of base units (for instance all of them, for the
/// "France" column of a diagnostic), counting the places whose base unit — or, for places
/// known only at commune level, whose commune's first unit — is in the set.
pub fn offer_for_units(
    code: &str,
    unit_set: &[usize],
    engine: &Engine,
    scores: &UnitScores,
    index: &PlaceIndex,
    options: &OfferOptions,
) -> OfferResult<TerritoryOffer> {
    check(engine, scores, index, options)?;
    let n = engine.dataset().units().len();
    let mut inside = vec![false; n];
    for &u in unit_set {
        if u < n {
            inside[u] = true;
        }
    }
    let mut counts = ByKind::default();
    for p in 0..index.place_count() {
        let unit = index
            .unit_of_place(p)
            .or_else(|| index.commune_unit_of_place(p));
        if unit.is_some_and(|u| inside[u]) {
            for k in OfferKind::ALL {
                if index.place_is(p, k) {
                    *counts.get_mut(k) += 1;
                }
            }
        }
    }
    let mut units: Vec<usize> = unit_set.iter().copied().filter(|&u| u < n).collect();
    units.sort_unstable();
    units.dedup();
    Ok(summarise(
        code, &units, counts, engine, scores, index, options,
    ))
}

/// Weighted mean with the engine's convention: population weights, plain mean when all
/// weights are 0, NaN without values.
#[derive(Default)]
struct Mean {
    sw: f64,
    w: f64,
    s: f64,
    n: u32,
}

impl Mean {
    fn add(&mut self, v: f64, w: f64) {
        self.sw += w * v;
        self.w += w;
        self.s += v;
        self.n += 1;
    }

    fn get(&self) -> f64 {
        let m = if self.w > 0.0 {
            self.sw / self.w
        } else if self.n > 0 {
            self.s / f64::from(self.n)
        } else {
            f64::NAN
        };
        // An infinite distance means the store has no place of the group: no distance.
        if m.is_finite() {
            m
        } else {
            f64::NAN
        }
    }
}

fn summarise(
    code: &str,
    members: &[usize],
    places: ByKind<u32>,
    engine: &Engine,
    scores: &UnitScores,
    index: &PlaceIndex,
    options: &OfferOptions,
) -> TerritoryOffer {
    let units = engine.dataset().units();
    let mut population = 0.0;
    let mut fragile_population = 0.0;
    let mut fragile_known = 0.0;
    let mut beyond = 0.0;
    let mut means: ByKind<Mean> = ByKind::default();
    let mut fragile_mean = Mean::default();
    let mut zb_units = Vec::new();
    let mut without_centre = 0;
    for &i in members {
        let pop = units[i].population;
        population += pop;
        let fragile = scores.total[i] >= options.threshold;
        if fragile {
            fragile_population += pop;
        }
        let d_all = index.nearest_km(i, OfferKind::All);
        if d_all.is_nan() {
            without_centre += 1;
            continue;
        }
        for k in OfferKind::ALL {
            means.get_mut(k).add(index.nearest_km(i, k), pop);
        }
        if fragile {
            fragile_known += pop;
            fragile_mean.add(d_all, pop);
            if is_zone_blanche(scores.total[i], d_all, options) {
                beyond += pop;
                zb_units.push(i);
            }
        }
    }
    TerritoryOffer {
        code: code.to_string(),
        population,
        places,
        places_per_10k: ByKind::from_fn(|k| per_10k(f64::from(places.get(k)), population)),
        fragile_population,
        places_per_10k_fragile: per_10k(f64::from(places.all), fragile_population),
        mean_distance_km: ByKind::from_fn(|k| means.get_ref(k).get()),
        fragile_mean_distance_km: fragile_mean.get(),
        fragile_population_beyond: beyond,
        fragile_share_beyond: if fragile_known > 0.0 {
            beyond / fragile_known
        } else {
            f64::NAN
        },
        zones_blanches: zb_units.iter().map(|&i| units[i].code.clone()).collect(),
        zones_blanches_population: beyond,
        units_without_centre: without_centre,
        zone_blanche_units: zb_units,
    }
}
