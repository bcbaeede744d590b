//! The tables a browser scores from (see the module above for the layout).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use geo::BoundingRect;
use ifn_core::{Engine, Feature, Level};
use rayon::prelude::*;
use serde_json::json;

use super::{core_error, site_levels, site_references};
use crate::error::{ExportError, ExportResult};

/// Writes the tables of `engine`'s dataset (and the boxes of the `geometries`) into `dir/data`
/// (made if missing); returns the files written with their sizes.
pub fn write_tables(
    engine: &Engine,
    geometries: &BTreeMap<Level, Vec<Feature>>,
    dir: &Path,
) -> ExportResult<Vec<(PathBuf, u64)>> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|source| ExportError::Io {
        path: data.clone(),
        source,
    })?;
    let units = engine.dataset().units();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "population.f64.gz".into(),
        units
            .iter()
            .flat_map(|u| u.population.to_le_bytes())
            .collect(),
    ));
    for reference in site_references(engine) {
        let classes = engine.classes(reference).map_err(core_error)?;
        // Column-major: the browser sums a selected indicator's column at a time.
        let bytes: Vec<u8> = classes.t().iter().copied().collect();
        files.push((format!("classes-{reference}.u8.gz"), bytes));
    }
    // Raw values one indicator per file: a browser loads those of the profile it shows.
    let values = engine.dataset().values();
    for (j, key) in engine.dataset().indicators().iter().enumerate() {
        let bytes: Vec<u8> = values
            .column(j)
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        files.push((format!("raw-{key}.f64.gz"), bytes));
    }
    for level in site_levels(engine) {
        let codes = engine.codes(level).map_err(core_error)?;
        let dataset = engine.dataset();
        let names: Vec<String> = codes.iter().map(|c| dataset.name_of(level, c)).collect();
        let bbox = boxes(geometries.get(&level), &codes);
        let text = json!({ "codes": codes, "names": names, "bbox": bbox }).to_string();
        files.push((format!("territories-{level}.json.gz"), text.into_bytes()));
        if level != Level::Iris {
            let row: HashMap<&str, u32> = codes
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, i as u32))
                .collect();
            let of_unit: Vec<u8> = units
                .iter()
                .flat_map(|u| {
                    let r = row.get(u.code_at(level)).copied().unwrap_or(u32::MAX);
                    r.to_le_bytes()
                })
                .collect();
            files.push((format!("of-unit-{level}.u32.gz"), of_unit));
        }
    }
    files
        .into_par_iter()
        .map(|(name, bytes)| {
            let path = data.join(name);
            let size = write_gz(&path, &bytes)?;
            Ok((path, size))
        })
        .collect()
}

/// `[west, south, east, north]` of each territory (5 decimals, about a metre), `null` without
/// a contour.
fn boxes(features: Option<&Vec<Feature>>, codes: &[&str]) -> Vec<Option<[f64; 4]>> {
    let by_code: HashMap<&str, &Feature> = features
        .map(|f| f.iter().map(|f| (f.code.as_str(), f)).collect())
        .unwrap_or_default();
    let round = |v: f64| (v * 1e5).round() / 1e5;
    codes
        .iter()
        .map(|c| {
            let r = by_code.get(c)?.geometry.bounding_rect()?;
            Some([
                round(r.min().x),
                round(r.min().y),
                round(r.max().x),
                round(r.max().y),
            ])
        })
        .collect()
}

/// Writes `bytes` gzipped to `path`; returns the compressed size.
fn write_gz(path: &Path, bytes: &[u8]) -> ExportResult<u64> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes).map_err(io)?;
    let out = gz.finish().map_err(io)?;
    std::fs::write(path, &out).map_err(io)?;
    Ok(out.len() as u64)
}
