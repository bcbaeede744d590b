//! Statistical secrecy in exports: for each selected indicator with estimated values, a
//! column `<key>_estimee` holding the share (0–1) of the territory's population living in base
//! units whose value was not published and was estimated from an enclosing territory (a base
//! unit: 1 estimated, 0 published).

use std::collections::HashMap;

use ifn_core::{LevelScores, Territory};

/// The `<key>_estimee` columns of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimatedShares {
    /// Positions, in the scores' indicators, of those with at least one estimated value.
    pub indicators: Vec<usize>,
    /// Per score row, the share of each of `indicators`.
    pub shares: Vec<Vec<f64>>,
}

/// The shares of `scores`' territories, or None when no selected indicator has an estimate.
pub fn estimated_shares(territory: &Territory, scores: &LevelScores) -> Option<EstimatedShares> {
    let d = &territory.dataset;
    if !d.has_estimates() {
        return None;
    }
    let cols: Vec<(usize, usize)> = scores
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(k, key)| Some((k, d.indicator_index(key)?)))
        .filter(|&(_, j)| (0..d.units().len()).any(|i| d.estimated_from(i, j).is_some()))
        .collect();
    if cols.is_empty() {
        return None;
    }
    let rows: HashMap<&str, usize> = scores
        .codes
        .iter()
        .enumerate()
        .map(|(r, c)| (c.as_str(), r))
        .collect();
    let mut pop = vec![0.0; scores.codes.len()];
    let mut est = vec![vec![0.0; cols.len()]; scores.codes.len()];
    for (i, u) in d.units().iter().enumerate() {
        let Some(&r) = rows.get(u.code_at(scores.level)) else {
            continue;
        };
        // A unit without population still counts, for a territory of such units only.
        let w = u.population.max(f64::MIN_POSITIVE);
        pop[r] += w;
        for (c, &(_, j)) in cols.iter().enumerate() {
            if d.estimated_from(i, j).is_some() {
                est[r][c] += w;
            }
        }
    }
    for (r, e) in est.iter_mut().enumerate() {
        for x in e.iter_mut() {
            *x = if pop[r] > 0.0 { *x / pop[r] } else { f64::NAN };
        }
    }
    Some(EstimatedShares {
        indicators: cols.into_iter().map(|(k, _)| k).collect(),
        shares: est,
    })
}
