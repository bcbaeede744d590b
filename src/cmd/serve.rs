//! `ifn serve`: the map, tiles and JSON API.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;

/// Arguments of `ifn serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Port to listen on.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
}

/// Runs `ifn serve`.
pub fn run(args: ServeArgs) -> Result<()> {
    let _ = args;
    bail!("`ifn serve` is not implemented yet (see the README's status section)")
}
