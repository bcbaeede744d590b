//! Step 4: indicator values per base unit. Each indicator takes its sources in the
//! manifest's order; a source fills only the units still missing.

use std::collections::{HashMap, HashSet};

use indicatif::ProgressBar;
use ndarray::Array2;

use crate::geography::Geography;
use crate::report::{BuildReport, IndicatorReport};
use crate::table::Table;

use super::contours::Geometries;
use super::coverage4g::site_reach_values;
use super::distances::{nearest_km, unit_centres};
use super::hierarchy::OldPopulations;
use super::places::PlacesByDataset;
use super::provenance::ProvenanceRow;
use super::sources::Sources;
use super::tables::table_values;
use super::BuildError;

/// What the earlier steps give the indicators.
pub(super) struct Inputs<'a> {
    /// Base units and code resolution.
    pub geo: &'a Geography,
    /// Contours (for unit centres).
    pub geometries: &'a Geometries,
    /// Places by dataset (for distances).
    pub places_by_dataset: &'a PlacesByDataset,
    /// Older populations (weights of merged communes).
    pub old_populations: &'a OldPopulations,
}

/// Values (units × indicators, NaN = missing) and the provenance of every source.
pub(super) fn compute(
    src: &Sources<'_>,
    inp: &Inputs<'_>,
    report: &mut BuildReport,
    pb: &ProgressBar,
) -> Result<(Array2<f64>, Vec<ProvenanceRow>), BuildError> {
    let indicators = &src.manifest.indicators;
    let mut values = Array2::from_elem((inp.geo.units.len(), indicators.len()), f64::NAN);
    let mut provenance = Vec::new();
    let mut tables: HashMap<String, Table> = HashMap::new();
    // A table used by several indicators is reported once.
    let mut reported: HashSet<String> = HashSet::new();
    let centres = unit_centres(inp.geo, inp.geometries);
    for (j, ind) in indicators.iter().enumerate() {
        pb.set_message(format!("indicators: {}", ind.key));
        let mut filled_by = Vec::new();
        for s in &ind.sources {
            let (spec, _) = src.file(&s.dataset)?;
            let got = if let Some(reach) = &s.site_reach {
                report.approximations.push(format!(
                    "{}: {}",
                    ind.key,
                    super::provenance::formula(s)
                ));
                site_reach_values(src, reach, inp.geo, inp.geometries, report)?
            } else if !s.distance_to.is_empty() {
                let pts: Vec<_> = s
                    .distance_to
                    .iter()
                    .flat_map(|k| inp.places_by_dataset.get(k).into_iter().flatten())
                    .collect();
                nearest_km(&centres, &pts)
            } else {
                if !tables.contains_key(&s.dataset) {
                    tables.insert(s.dataset.clone(), src.table(&s.dataset)?.1);
                }
                let t = &tables[&s.dataset];
                let first = reported.insert(s.dataset.clone());
                let got = table_values(inp.geo, &spec, t, s, inp.old_populations)?;
                if first {
                    got.report.record(&spec, t, report);
                }
                got.values
            };
            let mut filled = 0;
            for (i, v) in got.into_iter().enumerate() {
                if values[(i, j)].is_nan() && !v.is_nan() {
                    values[(i, j)] = v;
                    filled += 1;
                }
            }
            filled_by.push((s.dataset.clone(), filled));
            provenance.push(ProvenanceRow::new(&ind.key, &spec, s, filled));
        }
        let missing = values.column(j).iter().filter(|v| v.is_nan()).count();
        report.indicators.push(IndicatorReport {
            key: ind.key.clone(),
            filled_by,
            missing,
        });
        pb.inc(1);
    }
    Ok((values, provenance))
}
