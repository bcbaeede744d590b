//! `ifn score`: scores of every territory of a level, as CSV or JSON on standard output.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use ifn_core::{report, Engine, Level};

use super::common::{catalogue, load_territory, LocalIndicatorArgs, SelectionArgs};

/// Output formats of `ifn score`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScoreFormat {
    /// `code,name,population,total`, then the indicator classes.
    Csv,
    /// The selection and one object per territory (with raw values).
    Json,
}

/// Arguments of `ifn score`.
#[derive(Debug, Args)]
pub struct ScoreCmdArgs {
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub local: LocalIndicatorArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ScoreFormat,
    /// Round numbers to this many decimals (default: full precision).
    #[arg(long)]
    pub decimals: Option<usize>,
    /// A territory store (from `ifn build` or `ifn demo`).
    #[arg(long, conflicts_with = "table")]
    pub store: Option<PathBuf>,
    /// Your own CSV of base units: code,commune,epci,departement,population,then indicator keys.
    #[arg(long)]
    pub table: Option<PathBuf>,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Runs `ifn score`.
pub fn run(args: ScoreCmdArgs) -> Result<()> {
    let level: Level = args.level.parse().context("--level")?;
    let cat = catalogue(args.catalogue.as_deref())?;
    let dataset = match (&args.table, &args.store) {
        (Some(t), _) => {
            let f =
                File::open(t).with_context(|| format!("ouverture du tableau {}", t.display()))?;
            ifn_core::table::read_table(io::BufReader::new(f), &t.display().to_string(), &cat)?
        }
        (None, Some(_)) => load_territory(args.store.as_ref())?.dataset,
        (None, None) => {
            bail!("donnez --store DOSSIER (créé par `ifn build` ou `ifn demo`) ou --table FICHIER.csv")
        }
    };
    let (dataset, cat) = args.local.apply(dataset, cat)?;
    let engine = Engine::new(dataset, cat);
    let selection = args.selection.selection(&engine)?;
    let scores = engine.score(level, &selection)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("création de {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match args.format {
        ScoreFormat::Csv => report::write_csv(&mut out, &scores, args.decimals)?,
        ScoreFormat::Json => report::write_json(&mut out, &scores, &selection)?,
    }
    out.flush()?;
    Ok(())
}
