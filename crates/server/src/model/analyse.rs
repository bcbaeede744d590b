//! The answers of the analyst's bench (`/api/analyse/…`): what a re-weighting changed, how
//! robust each rank is, which indicators overlap. Built from `ifn_core::analysis`; numbers that
//! cannot be computed are `null`.

use std::collections::BTreeMap;

use ifn_core::analysis::{Correlations, Delta, Robustness, TerritoryDelta, TerritoryRobustness};
use ifn_core::Level;
use serde::Serialize;
use utoipa::ToSchema;

use super::{finite, SelectionEcho};

/// One territory under the base selection A and the selection B.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeltaTerritory {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Score under A (`null` without data).
    pub score_base: Option<f64>,
    /// Score under B.
    pub score: Option<f64>,
    /// `score − score_base`.
    pub difference: Option<f64>,
    /// Rank under A (1 = the most fragile; ties share the smallest rank of their group).
    pub rank_base: Option<u32>,
    /// Rank under B.
    pub rank: Option<u32>,
    /// `rank_base − rank`: positive when the territory climbs towards rank 1 under B.
    pub rank_change: Option<i64>,
}

impl From<&TerritoryDelta> for DeltaTerritory {
    fn from(t: &TerritoryDelta) -> DeltaTerritory {
        DeltaTerritory {
            code: t.code.clone(),
            name: t.name.clone(),
            score_base: finite(t.score_base),
            score: finite(t.score),
            difference: finite(t.difference),
            rank_base: t.rank_base,
            rank: t.rank,
            rank_change: t.rank_change,
        }
    }
}

/// `GET /api/analyse/delta/{level}`: every territory under A and B, the biggest movers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeltaAnswer {
    /// The level.
    #[schema(value_type = String)]
    pub level: Level,
    /// Selection A (by default the public method of B's profile).
    pub base: SelectionEcho,
    /// Selection B.
    pub selection: SelectionEcho,
    /// Territories that climbed most towards rank 1 (largest rank change first).
    pub movers_up: Vec<DeltaTerritory>,
    /// Territories that fell back most.
    pub movers_down: Vec<DeltaTerritory>,
    /// Every territory of the level (only the asked codes when `codes` is given).
    pub territories: Vec<DeltaTerritory>,
}

impl DeltaAnswer {
    /// The answer for `d`, with `top` movers each way and the territories `keep` accepts.
    pub fn new(d: &Delta, top: usize, keep: impl Fn(&str) -> bool) -> DeltaAnswer {
        let list = |v: Vec<&TerritoryDelta>| v.into_iter().map(DeltaTerritory::from).collect();
        DeltaAnswer {
            level: d.level,
            base: SelectionEcho::from(&d.base),
            selection: SelectionEcho::from(&d.selection),
            movers_up: list(d.movers_up(top)),
            movers_down: list(d.movers_down(top)),
            territories: d
                .territories
                .iter()
                .filter(|t| keep(&t.code))
                .map(DeltaTerritory::from)
                .collect(),
        }
    }
}

/// The options of a robustness analysis, as used.
#[derive(Debug, Serialize, ToSchema)]
pub struct RobustnessOptionsEcho {
    /// Monte Carlo draws.
    pub draws: usize,
    /// Relative spread of each weight (0.5: each weight × U(0.5, 1.5)).
    pub spread: f64,
    /// Seed of the draws.
    pub seed: u64,
    /// A rank interval is *wide* above this share of the ranked territories.
    pub wide_share: f64,
}

/// The robustness of one territory's rank.
#[derive(Debug, Serialize, ToSchema)]
pub struct RobustnessTerritory {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Score under the selection.
    pub score: Option<f64>,
    /// Rank under the selection (1 = the most fragile).
    pub rank: Option<u32>,
    /// Median rank over the draws.
    pub rank_median: Option<f64>,
    /// 5th percentile of the rank over the draws (the best case).
    pub rank_p05: Option<f64>,
    /// 95th percentile of the rank over the draws.
    pub rank_p95: Option<f64>,
    /// Share of the draws in which it is among the most fragile decile.
    pub top_decile_share: Option<f64>,
    /// Its rank without each selected indicator in turn (key → rank).
    pub rank_without: BTreeMap<String, Option<u32>>,
    /// Whether `rank_p95 − rank_p05` exceeds the wide share of the ranked territories.
    pub wide: bool,
}

impl RobustnessTerritory {
    fn new(t: &TerritoryRobustness, indicators: &[String]) -> RobustnessTerritory {
        RobustnessTerritory {
            code: t.code.clone(),
            name: t.name.clone(),
            score: finite(t.score),
            rank: t.rank,
            rank_median: finite(t.rank_median),
            rank_p05: finite(t.rank_p05),
            rank_p95: finite(t.rank_p95),
            top_decile_share: finite(t.top_decile_share),
            rank_without: indicators
                .iter()
                .cloned()
                .zip(t.rank_without.iter().copied())
                .collect(),
            wide: t.wide,
        }
    }
}

/// `GET /api/analyse/robustness/{level}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RobustnessAnswer {
    /// The level.
    #[schema(value_type = String)]
    pub level: Level,
    /// The selection whose weights are drawn around.
    pub selection: SelectionEcho,
    /// The options used.
    pub options: RobustnessOptionsEcho,
    /// Number of territories with a score (ranks run from 1 to this).
    pub ranked: usize,
    /// Number of territories whose interval is wide.
    pub wide: usize,
    /// The territories (only the asked codes when `codes` is given).
    pub territories: Vec<RobustnessTerritory>,
}

impl RobustnessAnswer {
    /// The answer for `r`, with the territories `keep` accepts.
    pub fn new(r: &Robustness, keep: impl Fn(&str) -> bool) -> RobustnessAnswer {
        RobustnessAnswer {
            level: r.level,
            selection: SelectionEcho::from(&r.selection),
            options: RobustnessOptionsEcho {
                draws: r.options.draws,
                spread: r.options.spread,
                seed: r.options.seed,
                wide_share: r.options.wide_share,
            },
            ranked: r.ranked,
            wide: r.territories.iter().filter(|t| t.wide).count(),
            territories: r
                .territories
                .iter()
                .filter(|t| keep(&t.code))
                .map(|t| RobustnessTerritory::new(t, &r.selection.indicators))
                .collect(),
        }
    }
}

/// One selected indicator in the correlation analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrelationIndicator {
    /// Key.
    pub key: String,
    /// Its weight as a share of the sum of the weights.
    pub nominal_weight: Option<f64>,
    /// Spearman correlation of its classes with the total: its effective weight.
    pub with_total: Option<f64>,
}

/// A pair of indicators that say almost the same thing.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrelatedPair {
    /// First indicator.
    pub a: String,
    /// Second indicator.
    pub b: String,
    /// Spearman ρ of their classes.
    pub classes: Option<f64>,
    /// Spearman ρ of their raw values.
    pub raw: Option<f64>,
}

/// `GET /api/analyse/correlations/{level}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrelationsAnswer {
    /// The level.
    #[schema(value_type = String)]
    pub level: Level,
    /// The selection.
    pub selection: SelectionEcho,
    /// Number of territories of the level.
    pub territories: usize,
    /// Pairs above this |ρ| are flagged (COINr's convention: 0.9).
    pub threshold: f64,
    /// The selected indicators, in selection order.
    pub indicators: Vec<CorrelationIndicator>,
    /// Spearman ρ of the classes, indicators × indicators in selection order.
    pub classes: Vec<Vec<Option<f64>>>,
    /// Spearman ρ of the raw values.
    pub raw: Vec<Vec<Option<f64>>>,
    /// Pairs above the threshold on classes or raw values.
    pub flagged: Vec<CorrelatedPair>,
}

impl From<&Correlations> for CorrelationsAnswer {
    fn from(c: &Correlations) -> CorrelationsAnswer {
        let matrix = |m: &ndarray::Array2<f64>| {
            m.rows()
                .into_iter()
                .map(|r| r.iter().map(|&v| finite(v)).collect())
                .collect()
        };
        CorrelationsAnswer {
            level: c.level,
            selection: SelectionEcho::from(&c.selection),
            territories: c.territories,
            threshold: ifn_core::analysis::REDUNDANCY_THRESHOLD,
            indicators: c
                .selection
                .indicators
                .iter()
                .enumerate()
                .map(|(i, k)| CorrelationIndicator {
                    key: k.clone(),
                    nominal_weight: c.nominal_weight.get(i).copied().and_then(finite),
                    with_total: c.with_total.get(i).copied().and_then(finite),
                })
                .collect(),
            classes: matrix(&c.classes),
            raw: matrix(&c.raw),
            flagged: c
                .flagged
                .iter()
                .map(|p| CorrelatedPair {
                    a: p.a.clone(),
                    b: p.b.clone(),
                    classes: finite(p.classes),
                    raw: finite(p.raw),
                })
                .collect(),
        }
    }
}
