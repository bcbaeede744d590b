//! `ifn` — the Indice de Fragilité Numérique engine: command line.
//!
//! This binary only parses arguments, sets up logging and calls the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Indice de Fragilité Numérique: scores, map, API and GIS exports.
#[derive(Debug, Parser)]
#[command(name = "ifn", version, about, long_about = None)]
struct Cli {
    /// More logging (-v: debug, -vv: trace). RUST_LOG overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the built-in, fictional demo territory as a store.
    Demo(cmd::demo::DemoArgs),
    /// Score territories of a level (from a store, the demo, or your own CSV table).
    Score(cmd::score::ScoreCmdArgs),
    /// Build a territory store from the official files (IGN, INSEE, ARCEP, mediation places).
    Build(cmd::build::BuildArgs),
    /// Download the official files listed in a source manifest.
    Fetch(cmd::fetch::FetchArgs),
    /// Serve the map, the vector tiles and the JSON API.
    Serve(cmd::serve::ServeArgs),
    /// Export scores with contours for GIS (FlatGeobuf, GeoPackage, GeoJSON, CSV, PMTiles).
    Export(cmd::export::ExportArgs),
    /// Write the printable territorial diagnostic (needs and mediation offer) of a territory.
    Diagnostic(cmd::diagnostic::DiagnosticArgs),
    /// Analyse a selection: what it changed, how robust each rank is, which indicators overlap.
    Analyse(cmd::analyse::AnalyseArgs),
    /// Write a static site (viewer, tables, tile archives) that any static host serves.
    Site(cmd::site::SiteArgs),
    /// Compare two vintages of a store, the COG changes between them resolved (merged, split,
    /// renamed communes).
    Evolution(cmd::evolution::EvolutionArgs),
    /// Summarise a store (levels, counts, indicators, sources) and time its loading.
    Info(cmd::info::InfoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Demo(a) => cmd::demo::run(a),
        Command::Score(a) => cmd::score::run(a),
        Command::Build(a) => cmd::build::run(a),
        Command::Fetch(a) => cmd::fetch::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Diagnostic(a) => cmd::diagnostic::run(a),
        Command::Info(a) => cmd::info::run(a),
        Command::Analyse(a) => cmd::analyse::run(a),
        Command::Site(a) => cmd::site::run(a),
        Command::Evolution(a) => cmd::evolution::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ifn : erreur : {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn,ifn=info",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
