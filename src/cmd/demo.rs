//! `ifn demo`: writes the built-in fictional territory as a store.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_core::evolution::STORE_CHANGES_FILE;

use super::evolution::write_atomically;

/// Arguments of `ifn demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write the store into (must not exist, unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing folder.
    #[arg(long)]
    pub force: bool,
    /// Vintage of the demo: 1 (today's, the default) or 2 (one COG later: communes
    /// nouvelles, a change of name, a rétablissement, values that drifted). Vintage 2's store
    /// also holds `mvtcommune.csv`, INSEE's table of changes from vintage 1.
    #[arg(long, default_value_t = 1)]
    pub vintage: u32,
}

/// Runs `ifn demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let (t, changes) = ifn_core::demo::vintage(args.vintage).with_context(|| {
        format!(
            "--vintage {} : millésime inconnu de la démonstration (1 à {})",
            args.vintage,
            ifn_core::demo::LATEST_VINTAGE
        )
    })?;
    ifn_ingest::write_store(&t, &args.out, args.force)?;
    if let Some(changes) = changes {
        let mut bytes = Vec::new();
        changes.write_csv(&mut bytes)?;
        write_atomically(&args.out.join(STORE_CHANGES_FILE), &bytes)?;
    }
    eprintln!(
        "ifn: wrote the demo territory (fictional, vintage {}: {} base units, {} places) to {}",
        args.vintage,
        t.dataset.units().len(),
        t.places.len(),
        args.out.display()
    );
    Ok(())
}
