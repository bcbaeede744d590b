//! Options shared by `score`, `serve`, `export`: where the data comes from and what to score.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::local::{LocalIndicators, LocalOptions, LocalReport, Sidecar};
use ifn_core::params::{self, OfferParams, SelectionParams};
use ifn_core::{offer, Catalogue, Dataset, Engine, Selection, Territory};

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

/// Your own indicators, added at run time (`ifn_core::local`).
#[derive(Debug, Clone, Default, Args)]
pub struct LocalIndicatorArgs {
    /// Your own indicators: a CSV of `code` (INSEE code of an IRIS or a commune) and one or
    /// more value columns, each added as a context indicator of every profile (its key is the
    /// column name). A commune's value goes to each of its IRIS. Label, unit and orientation
    /// come from FILE.toml beside it, if any.
    #[arg(long, value_name = "FILE")]
    pub indicators_file: Option<PathBuf>,
    /// Label of the indicator of --indicators-file (a file with one value column; otherwise
    /// use the TOML beside it).
    #[arg(long, requires = "indicators_file")]
    pub indicator_label: Option<String>,
    /// Unit of the indicator of --indicators-file (`%`, `km`, …).
    #[arg(long, requires = "indicators_file")]
    pub indicator_unit: Option<String>,
    /// A lower value of the indicator of --indicators-file means more fragility.
    #[arg(long, requires = "indicators_file")]
    pub lower_is_fragile: bool,
}

/// How many unmatched codes a warning shows.
const UNMATCHED_SHOWN: usize = 20;

impl LocalIndicatorArgs {
    /// Reads the file of local indicators (and the TOML of the same name beside it) and adds
    /// its indicators to the dataset and the catalogue; returns them unchanged without
    /// `--indicators-file`. Unmatched codes are reported on standard error.
    pub fn apply(&self, dataset: Dataset, catalogue: Catalogue) -> Result<(Dataset, Catalogue)> {
        let Some(path) = &self.indicators_file else {
            return Ok((dataset, catalogue));
        };
        let origin = path.display().to_string();
        let file = std::fs::File::open(path)
            .with_context(|| format!("ouverture du fichier d'indicateurs locaux {origin}"))?;
        let toml_path = path.with_extension("toml");
        let toml_origin = toml_path.display().to_string();
        let toml_text = match std::fs::read_to_string(&toml_path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("lecture de {toml_origin}"));
            }
        };
        let sidecar = toml_text.as_deref().map(|text| Sidecar {
            text,
            origin: &toml_origin,
        });
        let options = LocalOptions {
            label: self.indicator_label.clone(),
            unit: self.indicator_unit.clone(),
            lower_is_fragile: self.lower_is_fragile,
        };
        let local =
            LocalIndicators::read(std::io::BufReader::new(file), &origin, sidecar, &options)?;
        let (dataset, catalogue, report) = local.apply(&dataset, &catalogue)?;
        print_report(&report);
        Ok((dataset, catalogue))
    }

    /// [`LocalIndicatorArgs::apply`] to the dataset of a territory.
    pub fn apply_to_territory(
        &self,
        territory: Territory,
        catalogue: Catalogue,
    ) -> Result<(Territory, Catalogue)> {
        let Territory {
            meta,
            dataset,
            geometries,
            places,
        } = territory;
        let (dataset, catalogue) = self.apply(dataset, catalogue)?;
        let territory = Territory {
            meta,
            dataset,
            geometries,
            places,
        };
        Ok((territory, catalogue))
    }
}

/// One line per indicator added, and a warning listing the codes that matched nothing.
fn print_report(r: &LocalReport) {
    for (key, n) in r.indicators.iter().zip(&r.units_with_value) {
        tracing::info!(
            indicator.key = %key,
            units.with_value = n,
            units.total = r.units,
            "indicateur local ajouté"
        );
    }
    if !r.unmatched.is_empty() {
        let shown: Vec<&str> = r
            .unmatched
            .iter()
            .take(UNMATCHED_SHOWN)
            .map(String::as_str)
            .collect();
        eprintln!(
            "ifn : attention : {} : {} code(s) ne correspondent à aucune IRIS ni commune du \
             territoire et sont ignorés : {}{}",
            r.origin,
            r.unmatched.len(),
            shown.join(", "),
            if r.unmatched.len() > UNMATCHED_SHOWN {
                format!(" (les {UNMATCHED_SHOWN} premiers)")
            } else {
                String::new()
            }
        );
    }
}

/// Reads a catalogue file, or returns the built-in one.
pub fn catalogue(path: Option<&Path>) -> Result<Catalogue> {
    match path {
        None => Ok(Catalogue::builtin().clone()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("lecture du catalogue {}", p.display()))?;
            Ok(Catalogue::from_toml(&text, &p.display().to_string())?)
        }
    }
}

/// Loads a store, or generates the demo territory when no store is given.
pub fn load_territory(store: Option<&PathBuf>) -> Result<Territory> {
    match store {
        Some(dir) => {
            let t = ifn_ingest::read_store(dir)
                .with_context(|| format!("chargement du magasin {}", dir.display()))?;
            Ok(t)
        }
        None => {
            tracing::info!("no --store given: using the built-in demo territory (fictional)");
            Ok(ifn_core::demo::generate())
        }
    }
}
