//! How robust each rank is: Monte Carlo over the weights and leaving each indicator out.
//!
//! Each draw multiplies every selected weight by its own factor drawn uniformly in
//! `[1 − spread, 1 + spread)`, recomputes the totals of the level and ranks them. Draw `d`
//! uses a generator seeded from `(seed, d)` alone, so the draws and therefore the output are
//! the same whatever the number of threads and the order they run in.

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use super::rank::{ranks, ranks_into, RankScratch, NO_RANK};
use super::{csv_io, num, selection_json};
use crate::engine::{Engine, ReweighterScratch};
use crate::error::{CoreError, CoreResult};
use crate::level::Level;
use crate::report::format_number;
use crate::rng::{DemoRng, Rng, SeedableRng, SplitMix64};
use crate::selection::Selection;

/// Most draws accepted (the ranks of every draw are kept: draws × territories × 4 bytes).
pub const MAX_DRAWS: usize = 100_000;

/// Territories whose draws are gathered together (one cache line of ranks per draw).
const BLOCK: usize = 16;

/// Options of [`robustness`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RobustnessOptions {
    /// Number of Monte Carlo draws (1..=[`MAX_DRAWS`]; default 1,000).
    pub draws: usize,
    /// Relative spread of each weight: factor uniform in `[1 − spread, 1 + spread)`, in 0..=1
    /// (default 0.5, i.e. ±50 %).
    pub spread: f64,
    /// Seed of the draws (default 2023).
    pub seed: u64,
    /// A territory's interval is *wide* when `rank_p95 − rank_p05` exceeds this share of the
    /// number of ranked territories (default 0.1: it may move by more than a decile).
    pub wide_share: f64,
}

impl Default for RobustnessOptions {
    fn default() -> Self {
        RobustnessOptions {
            draws: 1_000,
            spread: 0.5,
            seed: 2023,
            wide_share: 0.1,
        }
    }
}

impl RobustnessOptions {
    /// Checks the ranges.
    pub fn validate(&self) -> CoreResult<()> {
        let bad = |option: &str, value: String, reason: &str| CoreError::AnalysisOption {
            option: option.into(),
            value,
            reason: reason.into(),
        };
        if self.draws == 0 || self.draws > MAX_DRAWS {
            return Err(bad(
                "draws",
                self.draws.to_string(),
                "un nombre de tirages de 1 à 100000 est attendu",
            ));
        }
        if !(0.0..=1.0).contains(&self.spread) {
            return Err(bad(
                "spread",
                self.spread.to_string(),
                "un écart relatif de 0 à 1 est attendu (0.5 = chaque poids ±50 %)",
            ));
        }
        if !(self.wide_share > 0.0 && self.wide_share <= 1.0) {
            return Err(bad(
                "wide share",
                self.wide_share.to_string(),
                "une part des territoires dans ]0, 1] est attendue",
            ));
        }
        Ok(())
    }
}

/// The robustness of one territory's rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryRobustness {
    /// Territory code.
    pub code: String,
    /// Territory name.
    pub name: String,
    /// Total under the selection's own weights.
    pub score: f64,
    /// Rank under the selection's own weights (1 = most fragile).
    pub rank: Option<u32>,
    /// Median rank over the draws (NaN when never ranked).
    pub rank_median: f64,
    /// 5th percentile of the rank over the draws (the best, most fragile end).
    pub rank_p05: f64,
    /// 95th percentile of the rank over the draws.
    pub rank_p95: f64,
    /// Share of the draws in which the territory is among the most fragile decile (rank ≤
    /// ⌈ranked / 10⌉).
    pub top_decile_share: f64,
    /// Rank without each selected indicator (weight set to 0), in selection order.
    pub rank_without: Vec<Option<u32>>,
    /// Whether `rank_p95 − rank_p05` exceeds [`RobustnessOptions::wide_share`] of the ranked
    /// territories.
    pub wide: bool,
}

/// The robustness of every territory of a level.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    /// The level.
    pub level: Level,
    /// The selection whose weights were varied.
    pub selection: Selection,
    /// The options used.
    pub options: RobustnessOptions,
    /// Number of territories with a rank under the selection's weights.
    pub ranked: usize,
    /// Every territory of the level, in the engine's order.
    pub territories: Vec<TerritoryRobustness>,
}

/// The generator of draw `draw`: a SplitMix64 whose state is a hash of `(seed, draw)`, so
/// that the draws are independent of each other and of the thread running them.
fn draw_rng(seed: u64, draw: usize) -> SplitMix64 {
    let mut h = SplitMix64::seed_from_u64(seed ^ (draw as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    SplitMix64::seed_from_u64(h.next_u64())
}

/// Weights of draw `draw`: each weight × U(1 − spread, 1 + spread).
fn draw_weights(weights: &[f64], o: &RobustnessOptions, draw: usize, out: &mut [f64]) {
    let mut rng = draw_rng(o.seed, draw);
    for (x, &w) in out.iter_mut().zip(weights) {
        *x = w * (1.0 - o.spread + 2.0 * o.spread * rng.unit());
    }
}

/// The order statistics `lo` and `lo + 1` (0-based) of `v`, `v` being reordered; the second is
/// the first again when `lo` is the last position.
fn order_pair(v: &mut [u32], lo: usize) -> (u32, u32) {
    let (_, &mut x, right) = v.select_nth_unstable(lo);
    (x, right.iter().copied().min().unwrap_or(x))
}

/// Quantile `p` of the ranks in `v` (linear interpolation, as [`super::quantile_sorted`] on the
/// sorted ranks), from the two order statistics around it, `v` being reordered.
fn quantile_ranks(v: &mut [u32], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let (a, b) = order_pair(v, lo);
    f64::from(a) + (h - lo as f64) * (f64::from(b) - f64::from(a))
}

/// Median, p05 and p95 of the ranks in `v` (reordered). Selecting the median splits `v`, and
/// each outer quantile is then selected in its half only: about three passes over the ranks
/// where sorting them took `log₂(draws)`.
fn rank_quantiles(v: &mut [u32]) -> [f64; 3] {
    let n = v.len();
    if n < 3 {
        return [0.5, 0.05, 0.95].map(|p| quantile_ranks(v, p));
    }
    let median = quantile_ranks(v, 0.5);
    // After the selection, v[..mid] ≤ v[mid] ≤ v[mid + 1..]: the p05 order statistics (at
    // positions ≤ mid) lie in v[..=mid], the p95 ones (≥ mid) in v[mid..].
    let mid = ((n - 1) as f64 * 0.5).floor() as usize;
    let low = {
        let h = (n - 1) as f64 * 0.05;
        let lo = h.floor() as usize;
        let (a, b) = order_pair(&mut v[..=mid], lo);
        f64::from(a) + (h - lo as f64) * (f64::from(b) - f64::from(a))
    };
    let high = {
        let h = (n - 1) as f64 * 0.95;
        let lo = h.floor() as usize;
        let (a, b) = order_pair(&mut v[mid..], lo - mid);
        f64::from(a) + (h - lo as f64) * (f64::from(b) - f64::from(a))
    };
    [median, low, high]
}

/// Median, p05, p95 and top-decile share of each territory from the draws' ranks
/// (draws × territories, row-major).
fn rank_statistics(draws: &[u32], n: usize, cuts: &[u32]) -> Vec<[f64; 4]> {
    let d = cuts.len();
    (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .flat_map_iter(|b| {
            let start = b * BLOCK;
            let end = (start + BLOCK).min(n);
            let mut bufs: Vec<Vec<u32>> = vec![Vec::with_capacity(d); end - start];
            let mut top = vec![0usize; end - start];
            for (k, &cut) in cuts.iter().enumerate() {
                let row = &draws[k * n + start..k * n + end];
                for (t, &r) in row.iter().enumerate() {
                    if r != NO_RANK {
                        bufs[t].push(r);
                        if r <= cut {
                            top[t] += 1;
                        }
                    }
                }
            }
            bufs.into_iter().zip(top).map(move |(mut v, top)| {
                let [median, p05, p95] = rank_quantiles(&mut v);
                [median, p05, p95, top as f64 / d as f64]
            })
        })
        .collect()
}

/// Monte Carlo over the weights of `selection` and leave-one-out, at `level`.
///
/// Runs the draws in parallel (rayon); the result is the same with one thread or many.
pub fn robustness(
    engine: &Engine,
    level: Level,
    selection: &Selection,
    options: &RobustnessOptions,
) -> CoreResult<Robustness> {
    options.validate()?;
    let cols = engine.columns_of(selection)?;
    let r = engine.reweighter(level, selection.reference, &cols)?;
    let n = r.len();
    let weights = &selection.weights;
    let score = r.totals_par(weights)?;
    let rank = ranks(&score);
    let ranked = rank.iter().flatten().count();

    // Draws: one row of ranks per draw.
    let mut draws = vec![NO_RANK; options.draws * n];
    let cuts: Vec<u32> = draws
        .par_chunks_mut(n.max(1))
        .enumerate()
        .map_init(
            || {
                (
                    vec![f64::NAN; n],
                    RankScratch::default(),
                    vec![0.0; weights.len()],
                    ReweighterScratch::default(),
                )
            },
            |(totals, keys, w, scratch), (d, out)| -> CoreResult<u32> {
                draw_weights(weights, options, d, w);
                r.totals_with(w, scratch, totals)?;
                let ranked = ranks_into(totals, keys, out);
                Ok(ranked.div_ceil(10) as u32)
            },
        )
        .collect::<CoreResult<_>>()?;
    let stats = if n == 0 {
        Vec::new()
    } else {
        rank_statistics(&draws, n, &cuts)
    };
    drop(draws);

    // Leave one out: the weight of each indicator in turn set to 0.
    let mut without: Vec<Vec<Option<u32>>> = Vec::with_capacity(weights.len());
    for k in 0..weights.len() {
        let mut w = weights.clone();
        w[k] = 0.0;
        if w.iter().all(|&x| x == 0.0) {
            without.push(vec![None; n]);
        } else {
            without.push(ranks(&r.totals_par(&w)?));
        }
    }

    let codes = engine.codes(level)?;
    let territories = (0..n)
        .map(|t| {
            let [median, p05, p95, top] = stats[t];
            TerritoryRobustness {
                code: codes[t].to_string(),
                name: engine.dataset().name_of(level, codes[t]),
                score: score[t],
                rank: rank[t],
                rank_median: median,
                rank_p05: p05,
                rank_p95: p95,
                top_decile_share: top,
                rank_without: without.iter().map(|v| v[t]).collect(),
                wide: p95 - p05 > options.wide_share * ranked as f64,
            }
        })
        .collect();
    Ok(Robustness {
        level,
        selection: selection.clone(),
        options: *options,
        ranked,
        territories,
    })
}

impl Robustness {
    /// CSV: `code,name,score,rank,rank_median,rank_p05,rank_p95,top_decile_share,
    /// rank_without_<key>…,wide`; missing values are empty cells.
    pub fn write_csv(&self, out: impl Write, decimals: Option<usize>) -> CoreResult<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> = [
            "code",
            "name",
            "score",
            "rank",
            "rank_median",
            "rank_p05",
            "rank_p95",
            "top_decile_share",
        ]
        .map(String::from)
        .to_vec();
        header.extend(
            self.selection
                .indicators
                .iter()
                .map(|k| format!("rank_without_{k}")),
        );
        header.push("wide".into());
        w.write_record(&header).map_err(csv_io)?;
        let opt = |r: Option<u32>| r.map(|x| x.to_string()).unwrap_or_default();
        for t in &self.territories {
            let mut row = vec![
                t.code.clone(),
                t.name.clone(),
                format_number(t.score, decimals),
                opt(t.rank),
                format_number(t.rank_median, None),
                format_number(t.rank_p05, None),
                format_number(t.rank_p95, None),
                format_number(t.top_decile_share, None),
            ];
            row.extend(t.rank_without.iter().map(|&r| opt(r)));
            row.push(t.wide.to_string());
            w.write_record(&row).map_err(csv_io)?;
        }
        w.flush()?;
        Ok(())
    }

    /// JSON document: level, selection, options, then one object per territory.
    pub fn to_json(&self) -> Value {
        let territories: Vec<Value> = self
            .territories
            .iter()
            .map(|t| {
                let without: serde_json::Map<String, Value> = self
                    .selection
                    .indicators
                    .iter()
                    .zip(&t.rank_without)
                    .map(|(k, r)| (k.clone(), json!(r)))
                    .collect();
                json!({
                    "code": t.code,
                    "name": t.name,
                    "score": num(t.score),
                    "rank": t.rank,
                    "rank_median": num(t.rank_median),
                    "rank_p05": num(t.rank_p05),
                    "rank_p95": num(t.rank_p95),
                    "top_decile_share": num(t.top_decile_share),
                    "rank_without": without,
                    "wide": t.wide,
                })
            })
            .collect();
        json!({
            "level": self.level,
            "selection": selection_json(&self.selection),
            "options": self.options,
            "ranked": self.ranked,
            "territories": territories,
        })
    }
}

#[cfg(test)]
#[path = "robustness_tests.rs"]
mod tests;
