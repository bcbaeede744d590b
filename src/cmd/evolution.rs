//! `ifn evolution`: two vintages of a store side by side, the COG changes between them
//! resolved through INSEE's table of changes (`ifn_core::evolution`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use ifn_core::evolution::{self, CogChanges, Evolution, STORE_CHANGES_FILE};
use ifn_core::{Engine, Level, Selection, Territory};
use serde_json::json;

use super::common::{catalogue, SelectionArgs};

/// Arguments of `ifn evolution`.
#[derive(Debug, Args)]
pub struct EvolutionArgs {
    /// Earlier vintage A: a store folder, or `demo` / `demo:1` / `demo:2` for the built-in demo.
    #[arg(long)]
    pub from: String,
    /// Later vintage B: a store folder, or `demo:2` for the second vintage of the demo.
    #[arg(long)]
    pub to: String,
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    /// INSEE's table of changes between the two (`mvtcommune`, CSV). Default: the
    /// `mvtcommune.csv` of the --to store, if it has one (`ifn demo --vintage 2` writes it).
    #[arg(long, value_name = "FILE")]
    pub changes: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: EvolutionFormat,
    /// Round numbers to this many decimals in CSV (default: full precision).
    #[arg(long)]
    pub decimals: Option<usize>,
    /// Biggest changes listed in the JSON output.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Output formats of `ifn evolution`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EvolutionFormat {
    /// One line per territory.
    Csv,
    /// One document: selection, COG events, counts, biggest changes, territories.
    Json,
}

/// A vintage: a store folder or `demo[:N]`, with the table of changes it carries (from the
/// previous vintage), if any.
pub fn load_vintage(spec: &str) -> Result<(Territory, Option<CogChanges>)> {
    // A folder of that name wins over the demo's names.
    let dir = Path::new(spec);
    if dir.exists() {
        return load_store(dir);
    }
    let Some(rest) = spec.strip_prefix("demo") else {
        return load_store(dir);
    };
    let n = match rest {
        "" => 1,
        r => match r.strip_prefix(':').and_then(|n| n.parse::<u32>().ok()) {
            Some(n) => n,
            None => {
                bail!("« {spec} » : écrivez demo, demo:1 ou demo:2, ou le dossier d'un magasin")
            }
        },
    };
    ifn_core::demo::vintage(n).with_context(|| {
        format!(
            "« {spec} » : millésime inconnu de la démonstration (1 à {})",
            ifn_core::demo::LATEST_VINTAGE
        )
    })
}

/// A store folder with the table of changes it carries (`mvtcommune.csv`), if any.
pub fn load_store(dir: &Path) -> Result<(Territory, Option<CogChanges>)> {
    let territory = ifn_ingest::read_store(dir)
        .with_context(|| format!("chargement du magasin {}", dir.display()))?;
    let path = dir.join(STORE_CHANGES_FILE);
    let changes = if path.is_file() {
        Some(read_changes(&path)?)
    } else {
        None
    };
    Ok((territory, changes))
}

/// Reads INSEE's table of changes from a file.
pub fn read_changes(path: &Path) -> Result<CogChanges> {
    let file = std::fs::File::open(path).with_context(|| {
        format!(
            "ouverture de la table des changements du COG {}",
            path.display()
        )
    })?;
    Ok(CogChanges::read_csv(
        io::BufReader::new(file),
        &path.display().to_string(),
    )?)
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed into place: the file
/// is whole or absent.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("écriture de {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("écriture de {}", path.display())
    })
}

/// The selection of the arguments, resolved on one vintage's engine.
fn resolve(args: &SelectionArgs, engine: &Engine, vintage: &str) -> Result<Selection> {
    args.selection(engine)
        .with_context(|| format!("sélection sur le millésime {vintage}"))
}

/// The JSON document of `ifn evolution --format json` (and of the API).
pub fn to_json(e: &Evolution, selection: &Selection, top: usize) -> serde_json::Value {
    json!({
        "level": e.level,
        "profile": selection.profile,
        "indicators": e.indicators,
        "weights": selection.weights,
        "reference": selection.reference.as_str(),
        "events": e.events,
        "counts": e.counts().into_iter().map(|(s, n)| (s.label_fr(), n)).collect::<std::collections::BTreeMap<_, _>>(),
        "biggest_changes": e.biggest_changes(top),
        "territories": e.territories,
    })
}

/// Runs `ifn evolution`.
pub fn run(args: EvolutionArgs) -> Result<()> {
    let level: Level = args.level.parse().context("--level")?;
    let cat = catalogue(args.catalogue.as_deref())?;
    let (a, _) = load_vintage(&args.from).context("--from")?;
    let (b, carried) = load_vintage(&args.to).context("--to")?;
    let changes = match &args.changes {
        Some(p) => Some(read_changes(p)?),
        None => carried,
    };
    let a = Engine::new(a.dataset, cat.clone());
    let b = Engine::new(b.dataset, cat);
    let sa = resolve(&args.selection, &a, "A (--from)")?;
    let sb = resolve(&args.selection, &b, "B (--to)")?;
    let e = evolution::compare(&a, &sa, &b, &sb, level, changes.as_ref())?;
    for line in e.summary_fr() {
        eprintln!("{line}");
    }
    let mut bytes = Vec::new();
    match args.format {
        EvolutionFormat::Csv => e.write_csv(&mut bytes, args.decimals)?,
        EvolutionFormat::Json => {
            serde_json::to_writer_pretty(&mut bytes, &to_json(&e, &sb, args.top))?;
            bytes.push(b'\n');
        }
    }
    match &args.out {
        Some(p) => write_atomically(p, &bytes),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)?;
            Ok(out.flush()?)
        }
    }
}
