//! The Rust side of `benches/analysis/run.sh` (robustness against a numpy implementation).
//!
//! Builds the France-sized synthetic dataset of `common/france.rs`, writes what the numpy
//! side needs to redo the same computation (base-unit classes, populations, communes,
//! weights and draw parameters) to `$IFN_BENCH_OUT`, then times `analysis::robustness` at
//! commune level (1,000 draws + leave-one-out by default) and writes its CSV there.
//!
//! Environment: `IFN_BENCH_OUT` (default `/tmp/ifn-bench-analysis`), `IFN_BENCH_DRAWS`
//! (default 1000), `IFN_BENCH_RUNS` (default 3). Run through the script, or alone with
//! `cargo bench -p ifn-core --bench robustness_numpy`.

#![allow(missing_docs)]

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ifn_core::analysis::{self, RobustnessOptions};
use ifn_core::{Catalogue, Engine, Level, Selection};

#[path = "common/france.rs"]
mod france;
use france::france_like;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(env_or(
        "IFN_BENCH_OUT",
        "/tmp/ifn-bench-analysis".to_string(),
    ));
    let draws: usize = env_or("IFN_BENCH_DRAWS", 1000);
    let runs: usize = env_or("IFN_BENCH_RUNS", 3).max(1);
    std::fs::create_dir_all(&out)?;

    let engine = Engine::new(france_like(), Catalogue::builtin().clone());
    let keys: Vec<String> = engine.dataset().indicators().to_vec();
    let weights = keys
        .iter()
        .enumerate()
        .map(|(i, key)| (key.clone(), 0.5 + (i % 5) as f64))
        .collect();
    let s = Selection::builder("tout-age")
        .indicators(keys)
        .weights(weights)
        .build(&engine)?;
    let level = Level::Commune;
    let options = RobustnessOptions {
        draws,
        ..Default::default()
    };

    // Input of the numpy side: one line per base unit.
    let cols = engine.columns_of(&s)?;
    let classes = engine.classes(s.reference)?;
    let codes = engine.codes(level)?;
    let index: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut w = BufWriter::new(File::create(out.join("units.csv"))?);
    writeln!(w, "commune,population,{}", s.indicators.join(","))?;
    for (i, u) in engine.dataset().units().iter().enumerate() {
        write!(w, "{},{}", index[u.commune.as_str()], u.population)?;
        for &c in &cols {
            write!(w, ",{}", classes[(i, c)])?;
        }
        writeln!(w)?;
    }
    w.flush()?;
    let params = serde_json::json!({
        "territories": codes.len(),
        "indicators": s.indicators,
        "weights": s.weights,
        "draws": options.draws,
        "spread": options.spread,
        "seed": options.seed,
    });
    std::fs::write(out.join("params.json"), params.to_string())?;

    let threads = rayon::current_num_threads();
    let t = Instant::now();
    let mut r = analysis::robustness(&engine, level, &s, &options)?;
    let first = t.elapsed();
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        r = analysis::robustness(&engine, level, &s, &options)?;
        times.push(t.elapsed());
    }
    times.sort();
    r.write_csv(BufWriter::new(File::create(out.join("rust.csv"))?), None)?;
    println!(
        "rust: {} communes, {draws} draws + leave-one-out of {} indicators, {threads} threads: \
         first run {:.3} s (with the per-pattern sums), best {:.3} s, median {:.3} s of {runs}",
        codes.len(),
        s.indicators.len(),
        first.as_secs_f64(),
        times[0].as_secs_f64(),
        times[runs / 2].as_secs_f64(),
    );
    println!("RUST_SECONDS={:.6}", times[0].as_secs_f64());
    Ok(())
}
