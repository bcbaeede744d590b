//! `ifn export`: scores with contours for GIS (FlatGeobuf, GeoPackage, GeoJSON, CSV, PMTiles).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::offer::{offer, PlaceIndex};
use ifn_core::{Engine, Level};
use ifn_export::{ExportFormat, ExportInput, ExportOptions};

use super::common::{catalogue, load_territory, LocalIndicatorArgs, OfferArgs, SelectionArgs};

/// Arguments of `ifn export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    /// fgb, gpkg, geojson, csv or pmtiles (default: from the --out extension).
    #[arg(long)]
    pub format: Option<String>,
    /// Output file.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Replace an existing output.
    #[arg(long)]
    pub force: bool,
    /// CSV for Excel in French: byte-order mark, `;` separator, decimal commas.
    #[arg(long)]
    pub excel: bool,
    /// PMTiles: highest zoom of the pyramid.
    #[arg(long, default_value_t = 10)]
    pub max_zoom: u8,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub local: LocalIndicatorArgs,
    #[command(flatten)]
    pub offer: OfferArgs,
    /// Leave out the mediation-offer columns (places, fragile population, distances,
    /// zones blanches).
    #[arg(long)]
    pub no_offer: bool,
}

/// Runs `ifn export`.
pub fn run(args: ExportArgs) -> Result<()> {
    let level: Level = args.level.parse().context("--level")?;
    let format: ExportFormat = match &args.format {
        Some(f) => f.parse().context("--format")?,
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .parse()
            .with_context(|| {
                format!(
                    "--out {} : l'extension ne dit pas le format ; donnez --format",
                    args.out.display()
                )
            })?,
    };
    let (territory, cat) = args.local.apply_to_territory(
        load_territory(args.store.as_ref())?,
        catalogue(args.catalogue.as_deref())?,
    )?;
    let engine = Engine::new(territory.dataset.clone(), cat);
    let selection = args.selection.selection(&engine)?;
    let options = args.offer.options()?;
    let scores = engine.score(level, &selection)?;
    let level_offer = if args.no_offer {
        None
    } else {
        let index = PlaceIndex::build(
            territory.dataset.units(),
            &territory.geometries,
            &territory.places,
        );
        let units = engine.unit_scores(&selection)?;
        Some(offer(level, &engine, &units, &index, &options)?)
    };
    let mut input = ExportInput::new(&territory, &scores, &selection, engine.catalogue());
    if let Some(o) = &level_offer {
        input = input.with_offer(o)?;
    }
    let options = ExportOptions {
        excel: args.excel,
        pmtiles_max_zoom: args.max_zoom,
        ..Default::default()
    };
    ifn_export::write_file(format, &input, &options, &args.out, args.force)
        .with_context(|| format!("export du niveau {level} vers {}", args.out.display()))?;
    if format == ExportFormat::Pmtiles {
        let bytes = std::fs::metadata(&args.out).map_or(0, |m| m.len());
        eprintln!(
            "{level} tiles (z0–{}) written to {} ({bytes} bytes)",
            args.max_zoom,
            args.out.display()
        );
    } else {
        eprintln!(
            "{} territories ({level}) written to {}",
            scores.len(),
            args.out.display()
        );
    }
    Ok(())
}
