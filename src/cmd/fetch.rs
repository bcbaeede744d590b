//! `ifn fetch`: downloads the official files of a manifest, recording the checksum of files the
//! manifest gives none for in `<manifest>.lock`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_ingest::fetch::{fetch, lock_path, Checked, FetchOptions, FetchOutcome};
use ifn_ingest::manifest::Manifest;

/// Arguments of `ifn fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Source manifest (TOML). Checksums of files it gives none for are recorded in, and then
    /// checked against, `<manifest>.lock` beside it.
    #[arg(long)]
    pub manifest: PathBuf,
    /// Folder to download into.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `ifn fetch`.
pub fn run(args: FetchArgs) -> Result<()> {
    let manifest = Manifest::read(&args.manifest)?;
    let lock = lock_path(&args.manifest);
    let opts = FetchOptions {
        lock: Some(lock.clone()),
        progress: std::io::stderr().is_terminal(),
    };
    let done = fetch(&manifest, &args.out, &opts)
        .with_context(|| format!("téléchargement dans {}", args.out.display()))?;
    for f in done {
        let key = &f.key;
        let checked = match f.checked {
            Checked::Manifest => "somme SHA-256 du manifeste vérifiée".to_string(),
            Checked::Lock => format!("somme SHA-256 vérifiée contre {}", lock.display()),
            Checked::Recorded => format!("somme SHA-256 enregistrée dans {}", lock.display()),
            Checked::Nothing => "aucune somme à vérifier".to_string(),
        };
        match f.outcome {
            FetchOutcome::Downloaded(n) => {
                eprintln!("ifn : {key} : {n} octets téléchargés, {checked}")
            }
            FetchOutcome::Present => eprintln!("ifn : {key} : déjà présent, {checked}"),
            FetchOutcome::NoUrl => match manifest.dataset(key).ok().and_then(|d| d.page.clone()) {
                Some(page) => eprintln!(
                    "ifn : {key} : pas d'adresse de téléchargement directe dans le manifeste : téléchargez-le depuis {page}"
                ),
                None => eprintln!(
                    "ifn : {key} : pas d'adresse officielle dans le manifeste : placez le fichier à la main"
                ),
            },
        }
    }
    Ok(())
}
