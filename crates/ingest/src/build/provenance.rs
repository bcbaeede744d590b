//! Where each indicator's values come from (`provenance.parquet`), and writing a build's store
//! with its report and provenance.

use std::path::Path;

use polars::prelude::*;

use crate::manifest::{DatasetSpec, IndicatorSource, SourceLevel};
use crate::store::write_store_with;

use super::{BuildError, BuildOutput};

/// Where the values of one indicator come from.
#[derive(Debug, Clone)]
pub struct ProvenanceRow {
    /// Indicator key.
    pub indicator: String,
    /// Dataset key.
    pub dataset: String,
    /// Dataset title.
    pub title: String,
    /// Producer.
    pub producer: String,
    /// Vintage.
    pub vintage: String,
    /// Licence.
    pub licence: String,
    /// Official producer file.
    pub official: bool,
    /// `iris`, `commune` or `point`.
    pub level: String,
    /// Formula.
    pub formula: String,
    /// Provenance text of the manifest.
    pub note: String,
    /// Units filled by this source.
    pub units: usize,
}

impl ProvenanceRow {
    /// The row of source `src` of indicator `indicator`, read from `spec`, which filled
    /// `units` base units.
    pub(super) fn new(
        indicator: &str,
        spec: &DatasetSpec,
        src: &IndicatorSource,
        units: usize,
    ) -> ProvenanceRow {
        ProvenanceRow {
            indicator: indicator.to_string(),
            dataset: spec.key.clone(),
            title: spec.title.clone(),
            producer: spec.producer.clone(),
            vintage: spec.vintage.clone(),
            licence: spec.licence.clone(),
            official: spec.official,
            level: match (src.level, src.distance_to.is_empty()) {
                _ if src.site_reach.is_some() => "grid".into(),
                (_, false) => "point".into(),
                (Some(SourceLevel::Iris), _) => "iris".into(),
                _ => "commune".into(),
            },
            formula: formula(src),
            note: src.provenance.clone(),
            units,
        }
    }
}

/// The formula of a source, as people read it.
pub(super) fn formula(src: &IndicatorSource) -> String {
    if let Some(r) = &src.site_reach {
        return format!(
            "100 × share of the unit's grid points (step ≤ {} m, ≥ {} points) farther than {} m from every site of {}",
            r.grid_m,
            super::coverage4g::MIN_POINTS,
            r.reach_m,
            r.sites.join(" + ")
        );
    }
    if !src.distance_to.is_empty() {
        return format!("haversine km to nearest of {}", src.distance_to.join(" + "));
    }
    if let Some(c) = &src.column {
        return if src.scale == 1.0 {
            c.clone()
        } else {
            format!("{} × {c}", src.scale)
        };
    }
    let ratio = format!(
        "({}) / {}",
        src.numerator.join(" + "),
        src.denominator.as_deref().unwrap_or("?")
    );
    let r = if src.complement {
        format!("1 − {ratio}")
    } else {
        ratio
    };
    if src.scale == 1.0 {
        r
    } else {
        format!("{} × ({r})", src.scale)
    }
}

/// Writes the store of a build (atomically), with `build-report.json`, `build-report.txt`
/// and `provenance.parquet` beside the store files.
pub fn write_build(output: &BuildOutput, dir: &Path, force: bool) -> Result<(), BuildError> {
    let json = serde_json::to_vec_pretty(&output.report).map_err(BuildError::ReportJson)?;
    let text = output.report.to_text().into_bytes();
    let prov = provenance_parquet(&output.provenance).map_err(BuildError::Provenance)?;
    write_store_with(
        &output.territory,
        dir,
        force,
        &[
            ("build-report.json", json),
            ("build-report.txt", text),
            ("provenance.parquet", prov),
        ],
    )?;
    Ok(())
}

fn provenance_parquet(rows: &[ProvenanceRow]) -> PolarsResult<Vec<u8>> {
    let s = |f: fn(&ProvenanceRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let mut df = DataFrame::new(
        rows.len(),
        vec![
            Column::new("indicator".into(), s(|r| &r.indicator)),
            Column::new("dataset".into(), s(|r| &r.dataset)),
            Column::new("title".into(), s(|r| &r.title)),
            Column::new("producer".into(), s(|r| &r.producer)),
            Column::new("vintage".into(), s(|r| &r.vintage)),
            Column::new("licence".into(), s(|r| &r.licence)),
            Column::new(
                "official".into(),
                rows.iter().map(|r| r.official).collect::<Vec<_>>(),
            ),
            Column::new("level".into(), s(|r| &r.level)),
            Column::new("formula".into(), s(|r| &r.formula)),
            Column::new("note".into(), s(|r| &r.note)),
            Column::new(
                "units".into(),
                rows.iter().map(|r| r.units as u64).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    Ok(buf)
}
