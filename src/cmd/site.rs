//! `ifn site`: a static IFN site (viewer, tables, tile archives) for any static host.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use ifn_export::site::LevelZooms;
use ifn_server::site::{write_site, SiteOptions};
use ifn_server::AppState;

use super::common::{catalogue, load_territory};

/// Arguments of `ifn site`.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Destination folder (made; its content is what you upload).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Replace an existing destination folder.
    #[arg(long)]
    pub force: bool,
    /// Highest zoom of the commune tiles (IRIS: +2, EPCI: −1, départements and régions: −2).
    #[arg(long, default_value_t = 10)]
    pub max_zoom: u8,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
}

/// Runs `ifn site`.
pub fn run(args: SiteArgs) -> Result<()> {
    if !(4..=12).contains(&args.max_zoom) {
        anyhow::bail!(
            "--max-zoom {} : choisissez entre 4 et 12 (10 par défaut)",
            args.max_zoom
        );
    }
    let territory = load_territory(args.store.as_ref())?;
    let cat = catalogue(args.catalogue.as_deref())?;
    let z = args.max_zoom;
    let options = SiteOptions {
        zooms: LevelZooms {
            iris: (z + 2).min(ifn_tiles::MAX_ZOOM),
            commune: z,
            epci: z - 1,
            departement: z - 2,
            points: (z + 2).min(ifn_tiles::MAX_ZOOM),
        },
        force: args.force,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage de l'environnement d'exécution asynchrone")?;
    let start = Instant::now();
    let report = runtime.block_on(async {
        let state = tokio::task::spawn_blocking(move || AppState::new(territory, cat))
            .await
            .context("préparation du magasin")?;
        write_site(state, &args.out, &options)
            .await
            .with_context(|| format!("site {}", args.out.display()))
    })?;
    let mib = report.total_bytes() as f64 / (1024.0 * 1024.0);
    eprintln!(
        "ifn : site écrit dans {} : {} fichiers, {mib:.1} Mio, en {:.1} s",
        args.out.display(),
        report.files.len(),
        start.elapsed().as_secs_f64()
    );
    eprintln!(
        "servez ce dossier tel quel (hébergement statique avec les requêtes Range, voir le README)"
    );
    Ok(())
}
