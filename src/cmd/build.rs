//! `ifn build`: official files → territory store (see the ingest crate).

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;

/// Arguments of `ifn build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Folder holding the official files, laid out as the manifest says.
    #[arg(long)]
    pub sources: PathBuf,
    /// Source manifest (TOML); default: the built-in manifest for the layout of shared/data.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Store folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Fail on any unmatched or ambiguous code.
    #[arg(long)]
    pub strict: bool,
    /// Replace an existing store.
    #[arg(long)]
    pub force: bool,
}

/// Runs `ifn build`.
pub fn run(args: BuildArgs) -> Result<()> {
    let _ = args;
    bail!("`ifn build` is not implemented yet (see the README's status section)")
}
