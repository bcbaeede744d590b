//! Options shared by `score`, `serve`, `export`: where the data comes from and what to score.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::params::{self, OfferParams, SelectionParams};
use ifn_core::{offer, Catalogue, Engine, Selection, Territory};

/// What to score: profile, indicators, weights and reference set.
///
/// Parsed by [`SelectionParams::resolve`], the parser the HTTP API uses too.
#[derive(Debug, Clone, Args)]
pub struct SelectionArgs {
    /// Profile: tout-age, senior or jeune.
    #[arg(long, default_value = params::DEFAULT_PROFILE)]
    pub profile: String,
    /// Indicators to tick, comma separated (default: the five IFN indicators of the profile).
    #[arg(long)]
    pub indicators: Option<String>,
    /// Weights, e.g. `poverty_rate=2,older_65_rate=0.5` (default 1 each; finite, ≥ 0).
    #[arg(long)]
    pub weights: Option<String>,
    /// Reference set of the classes: france (default), departement or region.
    #[arg(long)]
    pub reference: Option<String>,
}

impl SelectionArgs {
    /// The arguments as the parameters shared with the HTTP API.
    pub fn params(&self) -> SelectionParams {
        SelectionParams {
            profile: Some(self.profile.clone()),
            indicators: self.indicators.clone(),
            weights: self.weights.clone(),
            reference: self.reference.clone(),
        }
    }

    /// Validates the selection against an engine.
    pub fn selection(&self, engine: &Engine) -> Result<Selection> {
        Ok(self.params().resolve(engine)?)
    }
}

/// Options of the mediation-offer figures: who is fragile, how far is too far.
#[derive(Debug, Clone, Args)]
pub struct OfferArgs {
    /// Base units whose score is at or above this (1 to 10) are "fragile".
    #[arg(long, default_value_t = offer::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// A fragile unit with no mediation place within this distance (km, 0 to 200) is a zone
    /// blanche.
    #[arg(long, default_value_t = offer::DEFAULT_DISTANCE_KM)]
    pub distance_km: f64,
}

impl OfferArgs {
    /// The validated options (bounds checked by [`OfferParams::resolve`], as in the API).
    pub fn options(&self) -> Result<offer::OfferOptions> {
        let params = OfferParams::from(offer::OfferOptions {
            threshold: self.threshold,
            distance_km: self.distance_km,
        });
        Ok(params.resolve()?)
    }
}

/// Reads a catalogue file, or returns the built-in one.
pub fn catalogue(path: Option<&Path>) -> Result<Catalogue> {
    match path {
        None => Ok(Catalogue::builtin().clone()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading catalogue {}", p.display()))?;
            Ok(Catalogue::from_toml(&text, &p.display().to_string())?)
        }
    }
}

/// Loads a store, or generates the demo territory when no store is given.
pub fn load_territory(store: Option<&PathBuf>) -> Result<Territory> {
    match store {
        Some(dir) => {
            let t = ifn_ingest::read_store(dir)
                .with_context(|| format!("loading store {}", dir.display()))?;
            Ok(t)
        }
        None => {
            tracing::info!("no --store given: using the built-in demo territory (fictional)");
            Ok(ifn_core::demo::generate())
        }
    }
}
