//! `ifn export`: scores with contours for GIS.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;

use super::common::SelectionArgs;

/// Arguments of `ifn export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Level: iris, commune, epci, departement or region.
    #[arg(long)]
    pub level: String,
    /// fgb, gpkg, geojson, csv or pmtiles.
    #[arg(long)]
    pub format: String,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Runs `ifn export`.
pub fn run(args: ExportArgs) -> Result<()> {
    let _ = args;
    bail!("`ifn export` is not implemented yet (see the README's status section)")
}
