//! `ifn build`: official files → territory store (see the ingest crate).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_ingest::build::{apply_secret, build, write_build, BuildOptions, SecretPolicy};
use ifn_ingest::manifest::Manifest;

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
    #[arg(long, required_unless_present = "plan")]
    pub out: Option<PathBuf>,
    /// Print, without building, each catalogue indicator with the dataset that feeds it at
    /// which level (or why none does), and the files missing from --sources.
    #[arg(long)]
    pub plan: bool,
    /// Fail on any unmatched or ambiguous code.
    #[arg(long)]
    pub strict: bool,
    /// Replace an existing store.
    #[arg(long)]
    pub force: bool,
    /// Statistical secrecy: `estimate` gives a secret value the value of the smallest
    /// enclosing territory that has one (marked estimée); `leave` keeps it missing.
    #[arg(long, default_value = "estimate")]
    pub secret: SecretPolicy,
}

/// Runs `ifn build`.
pub fn run(args: BuildArgs) -> Result<()> {
    if args.plan {
        let manifest = match &args.manifest {
            Some(p) => Manifest::read(p)?,
            None => Manifest::france()?,
        };
        let p = ifn_ingest::plan::plan(&manifest, ifn_core::Catalogue::builtin(), &args.sources);
        print!("{}", p.to_text());
        return Ok(());
    }
    let Some(out) = args.out.clone() else {
        anyhow::bail!("--out est obligatoire (sauf avec --plan)");
    };
    if out.exists() && !args.force {
        anyhow::bail!(
            "{} existe déjà : choisissez un autre dossier ou ajoutez --force pour le remplacer",
            out.display()
        );
    }
    let manifest = match &args.manifest {
        Some(p) => Manifest::read(p)?,
        None => Manifest::france()?,
    };
    let opts = BuildOptions {
        sources: args.sources.clone(),
        strict: args.strict,
        progress: std::io::stderr().is_terminal(),
    };
    let mut output = build(&manifest, &opts).with_context(|| {
        format!(
            "construction d'un magasin à partir de {}",
            args.sources.display()
        )
    })?;
    apply_secret(&mut output, &manifest, args.secret).context("secret statistique")?;
    write_build(&output, &out, args.force)
        .with_context(|| format!("écriture du magasin {}", out.display()))?;
    let r = &output.report;
    eprintln!(
        "ifn: store written to {} — {} base units ({} IRIS), {} places; {} unmatched or ambiguous codes (see {}/build-report.txt)",
        out.display(),
        r.units,
        r.iris_units,
        output.territory.places.len(),
        r.problems(),
        out.display()
    );
    Ok(())
}
