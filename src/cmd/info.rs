//! `ifn info`: what a store holds (levels, counts, indicators, sources) and how long it takes
//! to load.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use ifn_core::Level;

use super::common::load_territory;

/// Arguments of `ifn info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Territory store; without it, the built-in demo territory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `ifn info`.
pub fn run(args: InfoArgs) -> Result<()> {
    let start = Instant::now();
    let t = load_territory(args.store.as_ref())?;
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let units = t.dataset.units();
    let levels: Vec<serde_json::Value> = Level::ALL
        .iter()
        .map(|&level| {
            let mut codes: Vec<&str> = units.iter().map(|u| u.code_at(level)).collect();
            codes.sort_unstable();
            codes.dedup();
            serde_json::json!({
                "level": level,
                "territories": codes.len(),
                "contours": t.geometries.get(&level).map_or(0, Vec::len),
            })
        })
        .collect();
    let population: f64 = units.iter().map(|u| u.population).sum();
    let summary = serde_json::json!({
        "name": t.meta.name,
        "fictional": t.meta.fictional,
        "load_ms": (load_ms * 10.0).round() / 10.0,
        "base_units": units.len(),
        "population": population.round(),
        "levels": levels,
        "indicators": t.dataset.indicators(),
        "places": t.places.len(),
        "sources": t.meta.sources,
        "licence": t.meta.licence,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(());
    }
    println!(
        "{}{}",
        t.meta.name,
        if t.meta.fictional {
            " (fictional data)"
        } else {
            ""
        }
    );
    println!("loaded in {load_ms:.0} ms");
    println!(
        "{} base units, population {:.0}, {} mediation places",
        units.len(),
        population,
        t.places.len()
    );
    for l in &levels {
        println!(
            "  {:<12} {:>7} territories, {:>7} contours",
            l["level"].as_str().unwrap_or(""),
            l["territories"],
            l["contours"]
        );
    }
    println!(
        "indicators with data: {}",
        t.dataset.indicators().join(", ")
    );
    for s in &t.meta.sources {
        println!(
            "  source: {} — {}, {} ({})",
            s.name, s.producer, s.vintage, s.licence
        );
    }
    Ok(())
}
