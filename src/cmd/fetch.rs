//! `ifn fetch`: downloads the official files of a manifest.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_ingest::fetch::{fetch, FetchOutcome};
use ifn_ingest::manifest::Manifest;

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
    let manifest = Manifest::read(&args.manifest)?;
    let done = fetch(&manifest, &args.out)
        .with_context(|| format!("téléchargement dans {}", args.out.display()))?;
    for (key, outcome) in done {
        let checked = match manifest.dataset(&key).map(|d| d.sha256.is_some()) {
            Ok(true) => "checksum verified",
            _ => "no checksum in the manifest to verify",
        };
        match outcome {
            FetchOutcome::Downloaded(n) => {
                eprintln!("ifn: {key}: downloaded {n} bytes, {checked}")
            }
            FetchOutcome::Present => eprintln!("ifn: {key}: already present, {checked}"),
            FetchOutcome::NoUrl => {
                eprintln!("ifn: {key}: no official URL in the manifest: place the file by hand")
            }
        }
    }
    Ok(())
}
