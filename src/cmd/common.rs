//! Options shared by `score`, `serve`, `export`: where the data comes from and what to score.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::{parse_weights, Catalogue, Engine, Reference, Selection, Territory};

/// What to score: profile, indicators, weights and reference set.
#[derive(Debug, Clone, Args)]
pub struct SelectionArgs {
    /// Profile: tout-age, senior or jeune.
    #[arg(long, default_value = "tout-age")]
    pub profile: String,
    /// Indicators to tick, comma separated (default: the five IFN indicators of the profile).
    #[arg(long, value_delimiter = ',')]
    pub indicators: Option<Vec<String>>,
    /// Weights, e.g. `poverty_rate=2,older_65_rate=0.5` (default 1 each; finite, ≥ 0).
    #[arg(long, default_value = "")]
    pub weights: String,
    /// Reference set of the classes: france, departement or region.
    #[arg(long, default_value = "france")]
    pub reference: String,
}

impl SelectionArgs {
    /// Validates the selection against an engine.
    pub fn selection(&self, engine: &Engine) -> Result<Selection> {
        let weights = parse_weights(&self.weights).context("--weights")?;
        let reference: Reference = self.reference.parse().context("--reference")?;
        let indicators = self.indicators.as_ref().map(|v| {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        });
        Ok(Selection::builder(self.profile.trim())
            .maybe_indicators(indicators)
            .weights(weights)
            .reference(reference)
            .build(engine)?)
    }
}

/// Options of the mediation-offer figures: who is fragile, how far is too far.
#[derive(Debug, Clone, Args)]
pub struct OfferArgs {
    /// Base units whose score is at or above this are "fragile".
    #[arg(long, default_value_t = 7.0)]
    pub threshold: f64,
    /// A fragile unit with no mediation place within this distance (km) is a zone blanche.
    #[arg(long, default_value_t = 10.0)]
    pub distance_km: f64,
}

impl OfferArgs {
    /// The validated options.
    pub fn options(&self) -> Result<ifn_core::offer::OfferOptions> {
        let o = ifn_core::offer::OfferOptions {
            threshold: self.threshold,
            distance_km: self.distance_km,
        };
        o.validate().context("--threshold / --distance-km")?;
        Ok(o)
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
