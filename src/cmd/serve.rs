//! `ifn serve`: the map, tiles and JSON API.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ifn_server::AppState;

use ifn_server::routes::evolution::Comparison;

use super::common::{catalogue, load_territory, LocalIndicatorArgs};
use super::evolution::{load_store, load_vintage, read_changes};

/// Arguments of `ifn serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Port to listen on (0: any free port, printed on start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Indicator catalogue (TOML) replacing the built-in one.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub local: LocalIndicatorArgs,
    /// Earlier vintage to compare the store with (the « Évolution » view and
    /// `/api/evolution`): a store folder, or `demo` / `demo:1` for the demo's first vintage.
    #[arg(long, value_name = "STORE")]
    pub compare_store: Option<String>,
    /// INSEE's table of changes from --compare-store to the store (`mvtcommune`, CSV).
    /// Default: the `mvtcommune.csv` of the store, if it has one.
    #[arg(long, value_name = "FILE", requires = "compare_store")]
    pub changes: Option<PathBuf>,
    /// Without --store: serve this vintage of the demo (1, the default, or 2). Vintage 2 is
    /// compared with vintage 1 unless --compare-store says otherwise.
    #[arg(long, conflicts_with = "store")]
    pub demo_vintage: Option<u32>,
}

/// Runs `ifn serve` until Ctrl-C (or SIGTERM).
pub fn run(args: ServeArgs) -> Result<()> {
    let (territory, carried) = match (&args.store, args.demo_vintage) {
        (None, Some(n)) => load_vintage(&format!("demo:{n}")).context("--demo-vintage")?,
        (Some(dir), _) => load_store(dir)?,
        (None, None) => (load_territory(None)?, None),
    };
    let cat = catalogue(args.catalogue.as_deref())?;
    let (territory, cat) = args.local.apply_to_territory(territory, cat)?;
    let compare_spec = match (&args.compare_store, args.demo_vintage) {
        (Some(spec), _) => Some(spec.clone()),
        (None, Some(n)) if n > 1 => Some(format!("demo:{}", n - 1)),
        _ => None,
    };
    let comparison = match compare_spec {
        None => None,
        Some(spec) => {
            let (earlier, _) = load_vintage(&spec).context("--compare-store")?;
            let changes = match &args.changes {
                Some(p) => Some(read_changes(p)?),
                None => carried,
            };
            Some(Comparison::new(earlier, cat.clone(), changes))
        }
    };
    let addr: SocketAddr = format!("{}:{}", args.bind, args.port)
        .parse()
        .with_context(|| {
            format!(
                "--bind {} --port {} : adresse invalide",
                args.bind, args.port
            )
        })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage de l'environnement d'exécution asynchrone")?;
    runtime.block_on(async move {
        let name = territory.meta.name.clone();
        let state = tokio::task::spawn_blocking(move || {
            let state = AppState::new(territory, cat);
            match comparison {
                Some(c) => state.with_comparison(c),
                None => state,
            }
        })
            .await
            .context("préparation du magasin")?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("impossible d'écouter sur {addr} (port déjà utilisé ? essayez --port)"))?;
        let local = listener.local_addr().context("lecture de l'adresse d'écoute")?;
        if !ifn_server::assets::viewer_built() {
            tracing::warn!("the web viewer was not built into this binary: run ./scripts/build-web.sh and rebuild");
        }
        println!("ifn: serving « {name} » on http://{local}/ (Ctrl-C to stop)");
        ifn_server::serve(listener, state, shutdown())
            .await
            .context("service HTTP")?;
        // The reader of stdout may be gone by now (a closed pipe): not an error of the server.
        let _ = writeln!(std::io::stdout(), "ifn: stopped");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
