//! The parameters of the analyst's bench (`/api/analyse/…`) beyond the selection.

use ifn_core::analysis::RobustnessOptions;
use ifn_core::params::SelectionParams;
use ifn_core::{Engine, Selection};
use serde::Deserialize;
use utoipa::IntoParams;

use super::value;
use crate::error::ApiError;

/// Most Monte Carlo draws one request may ask for (a France commune run of 1,000 draws takes
/// about a second of CPU; the CLI accepts more).
pub const MAX_API_DRAWS: usize = 5_000;
/// Most movers listed each way.
pub const MAX_TOP: usize = 100;
/// Most codes in a `codes` filter.
pub const MAX_CODES: usize = 500;

/// Selection A of a comparison (`base_…`); B is the usual selection parameters.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BaseSelectionQuery {
    /// Profile of A (default: B's profile).
    pub base_profile: Option<String>,
    /// Indicators of A, comma separated (default: the IFN indicators of A's profile with
    /// data, i.e. the public method).
    pub base_indicators: Option<String>,
    /// Weights of A, `key=value,…` (default 1 each).
    pub base_weights: Option<String>,
    /// Reference set of A (default `france`).
    pub base_reference: Option<String>,
    /// Movers listed each way (default 10, at most 100).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 100)]
    pub top: Option<String>,
}

impl BaseSelectionQuery {
    /// Selection A, validated like any selection; `profile` is B's profile.
    pub fn resolve(&self, engine: &Engine, profile: &str) -> Result<Selection, ApiError> {
        let params = SelectionParams {
            profile: Some(
                value(&self.base_profile)
                    .map(str::to_string)
                    .unwrap_or_else(|| profile.to_string()),
            ),
            indicators: self.base_indicators.clone(),
            weights: self.base_weights.clone(),
            reference: self.base_reference.clone(),
        };
        params
            .resolve(engine)
            .map_err(|e| ApiError::bad_request(format!("sélection de base (base_…) : {e}")))
    }

    /// Movers listed each way.
    pub fn top(&self) -> Result<usize, ApiError> {
        bounded(value(&self.top), "top", 10, 0, MAX_TOP)
    }
}

/// Options of the robustness analysis.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RobustnessQuery {
    /// Monte Carlo draws (default 1000, 1 to 5000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 5000)]
    pub draws: Option<String>,
    /// Relative spread of each weight, 0 to 1 (default 0.5: each weight × U(0.5, 1.5)).
    #[param(value_type = Option<f64>, minimum = 0, maximum = 1)]
    pub spread: Option<String>,
    /// Seed of the draws (default 2023): same seed, same answer.
    #[param(value_type = Option<u64>)]
    pub seed: Option<String>,
}

impl RobustnessQuery {
    /// The options, checked by `ifn_core` as for the CLI, with the API's cap on draws.
    pub fn resolve(&self) -> Result<RobustnessOptions, ApiError> {
        let d = RobustnessOptions::default();
        let draws = bounded(value(&self.draws), "draws", d.draws, 1, MAX_API_DRAWS)?;
        let spread = match value(&self.spread) {
            None => d.spread,
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=1.0).contains(v))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "spread « {s} » : un écart relatif de 0 à 1 est attendu (0.5 = chaque poids ±50 %)"
                    ))
                })?,
        };
        let seed = match value(&self.seed) {
            None => d.seed,
            Some(s) => s.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!(
                    "seed « {s} » : un entier de 0 à {} est attendu",
                    u64::MAX
                ))
            })?,
        };
        let options = RobustnessOptions {
            draws,
            spread,
            seed,
            ..d
        };
        options.validate()?;
        Ok(options)
    }
}

/// Restricts the territories of an answer.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodesQuery {
    /// Comma-separated codes: only these territories are listed (the analysis still runs on
    /// the whole level). Default: every territory.
    pub codes: Option<String>,
}

impl CodesQuery {
    /// The codes asked for, `None` for all.
    pub fn codes(&self) -> Result<Option<Vec<String>>, ApiError> {
        let Some(text) = value(&self.codes) else {
            return Ok(None);
        };
        let codes: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        if codes.len() > MAX_CODES {
            return Err(ApiError::bad_request(format!(
                "codes : au plus {MAX_CODES} codes, {} reçus",
                codes.len()
            )));
        }
        Ok(Some(codes))
    }
}

/// An integer parameter within bounds, or its default.
fn bounded(
    text: Option<&str>,
    name: &str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match text {
        None => Ok(default),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{name} « {s} » : un entier de {min} à {max} est attendu"
                ))
            }),
    }
}
