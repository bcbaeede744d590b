//! `ifn fetch`: downloads the official files of a manifest.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;

/// Arguments of `ifn fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Source manifest (TOML).
    #[arg(long)]
    pub manifest: PathBuf,
    /// Folder to download into.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `ifn fetch`.
pub fn run(args: FetchArgs) -> Result<()> {
    let _ = args;
    bail!("`ifn fetch` is not implemented yet (see the README's status section)")
}
