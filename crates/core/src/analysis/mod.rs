//! The analyst's bench: what a re-weighting changed, how robust each rank is, which
//! indicators overlap.
//!
//! The questions follow the JRC/OECD *Handbook on constructing composite indicators* and its R
//! implementation COINr (uncertainty and sensitivity analysis of ranks, effect of removing an
//! indicator, correlation and redundancy checks):
//!
//! - [`delta`]: scores and ranks of every territory under a base selection A (by default the
//!   public method, [`public_method`]) and a selection B, the difference, the rank change and
//!   the biggest movers;
//! - [`robustness`]: Monte Carlo over the weights (each weight × U(1 − spread, 1 + spread)) and
//!   leaving each indicator out → median rank, 5th–95th percentile interval, share of draws
//!   in the most fragile decile, rank without each indicator, a flag for wide intervals;
//! - [`correlations`]: Spearman correlations between the selected indicators (classes and raw
//!   values) with pairs above 0.9 flagged, and each indicator's correlation with the total
//!   next to its nominal weight.
//!
//! Ranks follow one rule everywhere (see [`rank`]): 1 = most fragile, ties take the smallest
//! rank of their group.
//!
//! ```
//! use ifn_core::{analysis, Catalogue, Engine, Level};
//! let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
//! let public = analysis::public_method(&engine, "tout-age").unwrap();
//! let options = analysis::RobustnessOptions { draws: 50, ..Default::default() };
//! let r = analysis::robustness(&engine, Level::Epci, &public, &options).unwrap();
//! let first = r.territories.iter().find(|t| t.rank == Some(1)).unwrap();
//! assert!(first.rank_p05 <= first.rank_median && first.rank_median <= first.rank_p95);
//! ```

use serde_json::{json, Map, Value};

use crate::engine::Engine;
use crate::error::CoreResult;
use crate::selection::{Reference, Selection};

mod correlation;
mod delta;
pub mod rank;
mod robustness;

pub use correlation::{correlations, spearman, Correlations, FlaggedPair, REDUNDANCY_THRESHOLD};
pub use delta::{delta, Delta, TerritoryDelta};
pub use rank::{quantile_sorted, ranks};
pub use robustness::{robustness, Robustness, RobustnessOptions, TerritoryRobustness, MAX_DRAWS};

/// The public method for a profile: the profile's IFN indicators that have data, weight 1
/// each, classes over all of France. The default base of [`delta`].
///
/// ```
/// use ifn_core::{analysis, Catalogue, Engine, Reference};
/// let engine = Engine::new(ifn_core::demo::generate().dataset, Catalogue::builtin().clone());
/// let s = analysis::public_method(&engine, "senior").unwrap();
/// assert!(s.weights.iter().all(|&w| w == 1.0));
/// assert_eq!(s.reference, Reference::France);
/// ```
pub fn public_method(engine: &Engine, profile: &str) -> CoreResult<Selection> {
    Selection::builder(profile)
        .reference(Reference::France)
        .build(engine)
}

/// A selection as JSON: profile, reference, indicators and weights.
pub(crate) fn selection_json(s: &Selection) -> Value {
    let weights: Map<String, Value> = s
        .indicators
        .iter()
        .zip(&s.weights)
        .map(|(k, w)| (k.clone(), json!(w)))
        .collect();
    json!({
        "profile": s.profile,
        "reference": s.reference,
        "indicators": s.indicators,
        "weights": weights,
    })
}

/// A number as JSON, `null` for NaN.
pub(crate) fn num(v: f64) -> Value {
    if v.is_nan() {
        Value::Null
    } else {
        json!(v)
    }
}

pub(crate) fn csv_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}
