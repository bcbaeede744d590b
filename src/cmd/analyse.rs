//! `ifn analyse`: what a re-weighting changed (`delta`), how robust each rank is
//! (`robustness`), which indicators overlap (`correlations`). CSV or JSON on standard output.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use ifn_core::analysis::{self, RobustnessOptions};
use ifn_core::{Engine, Level};

use super::common::{catalogue, load_territory, LocalIndicatorArgs, SelectionArgs};

/// Arguments of `ifn analyse`.
#[derive(Debug, Args)]
pub struct AnalyseArgs {
    #[command(subcommand)]
    pub command: AnalyseCommand,
}

/// The analyses.
#[derive(Debug, Subcommand)]
pub enum AnalyseCommand {
    /// Scores and ranks under a base selection (default: the public method) and under your
    /// selection, the difference, the rank change (positive = climbs towards rank 1, the most
    /// fragile); JSON output also lists the biggest movers.
    Delta(DeltaArgs),
    /// Monte Carlo over your weights (each × U(1 − spread, 1 + spread)) and leaving each
    /// indicator out: median rank, 5th–95th percentile interval, share of draws in the most
    /// fragile decile, rank without each indicator, `wide` when p95 − p05 > 10 % of the ranks.
    Robustness(RobustnessArgs),
    /// Spearman correlations of the selected indicators (classes and raw values), pairs above
    /// 0.9 flagged, and each indicator's correlation with the total next to its weight.
    Correlations(CorrelationsArgs),
}

/// Output formats of `ifn analyse`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AnalyseFormat {
    /// One line per territory (per indicator for `correlations`).
    Csv,
    /// One document with the selections and options.
    Json,
}

/// Where the data comes from, which level, where the output goes.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    /// A territory store (from `ifn build` or `ifn demo`; default: the built-in demo).
    #[arg(long, conflicts_with = "table")]
    pub store: Option<PathBuf>,
    /// Your own CSV of base units: code,commune,epci,departement,population,then indicator keys.
    #[arg(long)]
    pub table: Option<PathBuf>,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub local: LocalIndicatorArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: AnalyseFormat,
    /// Round scores to this many decimals in CSV (default: full precision).
    #[arg(long)]
    pub decimals: Option<usize>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Arguments of `ifn analyse delta`.
#[derive(Debug, Args)]
pub struct DeltaArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Profile of the base selection (default: the profile of --profile).
    #[arg(long)]
    pub base_profile: Option<String>,
    /// Indicators of the base selection, comma separated (default: the base profile's IFN
    /// indicators).
    #[arg(long)]
    pub base_indicators: Option<String>,
    /// Weights of the base selection (default 1 each).
    #[arg(long)]
    pub base_weights: Option<String>,
    /// Reference set of the base selection (default: france).
    #[arg(long)]
    pub base_reference: Option<String>,
    /// Movers listed each way in the JSON output.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Arguments of `ifn analyse robustness`.
#[derive(Debug, Args)]
pub struct RobustnessArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Number of Monte Carlo draws.
    #[arg(long, default_value_t = RobustnessOptions::default().draws)]
    pub draws: usize,
    /// Relative spread of each weight, 0 to 1 (0.5: each weight × U(0.5, 1.5)).
    #[arg(long, default_value_t = RobustnessOptions::default().spread)]
    pub spread: f64,
    /// Seed of the draws (same seed, same output, whatever the number of threads).
    #[arg(long, default_value_t = RobustnessOptions::default().seed)]
    pub seed: u64,
}

/// Arguments of `ifn analyse correlations`.
#[derive(Debug, Args)]
pub struct CorrelationsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

impl InputArgs {
    fn engine(&self) -> Result<(Engine, Level)> {
        let level: Level = self.level.parse().context("--level")?;
        let cat = catalogue(self.catalogue.as_deref())?;
        let dataset = match &self.table {
            Some(t) => {
                let f = File::open(t)
                    .with_context(|| format!("ouverture du tableau {}", t.display()))?;
                ifn_core::table::read_table(io::BufReader::new(f), &t.display().to_string(), &cat)?
            }
            None => load_territory(self.store.as_ref())?.dataset,
        };
        let (dataset, cat) = self.local.apply(dataset, cat)?;
        Ok((Engine::new(dataset, cat), level))
    }

    fn output(&self) -> Result<Box<dyn Write>> {
        Ok(match &self.out {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).with_context(|| format!("création de {}", p.display()))?,
            )),
            None => Box::new(BufWriter::new(io::stdout().lock())),
        })
    }
}

fn write_json(out: &mut dyn Write, value: &serde_json::Value) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Runs `ifn analyse`.
pub fn run(args: AnalyseArgs) -> Result<()> {
    match args.command {
        AnalyseCommand::Delta(a) => delta(a),
        AnalyseCommand::Robustness(a) => robustness(a),
        AnalyseCommand::Correlations(a) => correlations(a),
    }
}

fn delta(a: DeltaArgs) -> Result<()> {
    let (engine, level) = a.input.engine()?;
    let selection = a.selection.selection(&engine)?;
    let base = SelectionArgs {
        profile: a
            .base_profile
            .clone()
            .unwrap_or_else(|| a.selection.profile.clone()),
        indicators: a.base_indicators.clone(),
        weights: a.base_weights.clone(),
        reference: a.base_reference.clone(),
    }
    .selection(&engine)
    .context(
        "sélection de base (--base-profile, --base-indicators, --base-weights, --base-reference)",
    )?;
    let d = analysis::delta(&engine, level, &base, &selection)?;
    let mut out = a.input.output()?;
    match a.input.format {
        AnalyseFormat::Csv => d.write_csv(&mut out, a.input.decimals)?,
        AnalyseFormat::Json => write_json(&mut out, &d.to_json(a.top))?,
    }
    out.flush()?;
    Ok(())
}

fn robustness(a: RobustnessArgs) -> Result<()> {
    let (engine, level) = a.input.engine()?;
    let selection = a.selection.selection(&engine)?;
    let options = RobustnessOptions {
        draws: a.draws,
        spread: a.spread,
        seed: a.seed,
        ..Default::default()
    };
    let r = analysis::robustness(&engine, level, &selection, &options)?;
    let mut out = a.input.output()?;
    match a.input.format {
        AnalyseFormat::Csv => r.write_csv(&mut out, a.input.decimals)?,
        AnalyseFormat::Json => write_json(&mut out, &r.to_json())?,
    }
    out.flush()?;
    Ok(())
}

fn correlations(a: CorrelationsArgs) -> Result<()> {
    let (engine, level) = a.input.engine()?;
    let selection = a.selection.selection(&engine)?;
    let c = analysis::correlations(&engine, level, &selection)?;
    let mut out = a.input.output()?;
    match a.input.format {
        AnalyseFormat::Csv => c.write_csv(&mut out, a.input.decimals)?,
        AnalyseFormat::Json => write_json(&mut out, &c.to_json())?,
    }
    out.flush()?;
    Ok(())
}
