//! `ifn diagnostic`: the printable *diagnostic territorial* of one territory (HTML, A4).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::offer::PlaceIndex;
use ifn_core::{Engine, Level};
use ifn_diagnostic::{build_input, render_html, today_utc, write_atomic, DiagnosticContext};

use super::common::{catalogue, load_territory, LocalIndicatorArgs, OfferArgs, SelectionArgs};

/// Arguments of `ifn diagnostic`.
#[derive(Debug, Args)]
pub struct DiagnosticArgs {
    /// Level of the territory: commune, epci, departement, region or iris.
    #[arg(long)]
    pub level: String,
    /// Code of the territory (INSEE code, EPCI SIREN, IRIS code).
    #[arg(long)]
    pub code: String,
    /// Output HTML file (open it in a browser and print to PDF for an A4 document).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Territory store; without it, the built-in demo territory (fictional).
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub local: LocalIndicatorArgs,
    #[command(flatten)]
    pub offer: OfferArgs,
}

/// Runs `ifn diagnostic`.
pub fn run(args: DiagnosticArgs) -> Result<()> {
    let level: Level = args.level.parse().context("--level")?;
    let options = args.offer.options()?;
    let cat = catalogue(args.catalogue.as_deref())?;
    let (t, cat) = args
        .local
        .apply_to_territory(load_territory(args.store.as_ref())?, cat)?;
    let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
    if !index.unassigned().is_empty() {
        tracing::warn!(
            places.unassigned = index.unassigned().len(),
            "some mediation places lie in no territory of the store and have no known commune code"
        );
    }
    let engine = Engine::new(t.dataset.clone(), cat);
    let selection = args.selection.selection(&engine)?;
    let ctx = DiagnosticContext {
        meta: &t.meta,
        engine: &engine,
        geometries: &t.geometries,
        places: &t.places,
        index: &index,
    };
    let input = build_input(
        &ctx,
        level,
        args.code.trim(),
        &selection,
        &options,
        &today_utc(),
    )?;
    let html = render_html(&input);
    write_atomic(&args.out, &html)?;
    eprintln!(
        "ifn: wrote the diagnostic of {} ({} {}) to {}{}",
        input.name,
        level.label_fr(),
        input.code,
        args.out.display(),
        if input.fictional {
            " — fictional data"
        } else {
            ""
        }
    );
    Ok(())
}
