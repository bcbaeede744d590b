//! `ifn demo`: writes the built-in fictional territory as a store.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

/// Arguments of `ifn demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write the store into (must not exist, unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing folder.
    #[arg(long)]
    pub force: bool,
}

/// Runs `ifn demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let t = ifn_core::demo::generate();
    ifn_ingest::write_store(&t, &args.out, args.force)?;
    eprintln!(
        "ifn: wrote the demo territory (fictional: {} base units, {} places) to {}",
        t.dataset.units().len(),
        t.places.len(),
        args.out.display()
    );
    Ok(())
}
