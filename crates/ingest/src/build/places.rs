//! Step 3: mediation places. Every place dataset is read (those kept in the store and those
//! only used for distances); the kept ones are merged across files.

use std::collections::HashMap;

use ifn_core::Place;
use indicatif::ProgressBar;

use crate::manifest::Manifest;
use crate::places::{load_places, merge_duplicates};
use crate::report::BuildReport;

use super::sources::Sources;
use super::BuildError;

/// Places read, by dataset key.
pub(super) type PlacesByDataset = HashMap<String, Vec<Place>>;

/// Keys of every place dataset: `places` first, then those only named by `distance_to`.
pub(super) fn keys(manifest: &Manifest) -> Vec<String> {
    let mut keys: Vec<String> = manifest.places.clone();
    for ind in &manifest.indicators {
        for s in &ind.sources {
            for p in &s.distance_to {
                if !keys.contains(p) {
                    keys.push(p.clone());
                }
            }
        }
    }
    keys
}

/// Reads the place datasets `keys`; returns the places kept in the store (merged across
/// files) and every dataset's places.
pub(super) fn read(
    src: &Sources<'_>,
    keys: &[String],
    report: &mut BuildReport,
    pb: &ProgressBar,
) -> Result<(Vec<Place>, PlacesByDataset), BuildError> {
    let mut by_dataset = HashMap::new();
    for k in keys {
        pb.set_message(format!("mediation places: {k}"));
        let (spec, _) = src.file(k)?;
        let r = report.dataset(k);
        let places =
            load_places(&spec, &src.opts.sources, r).map_err(|source| BuildError::Places {
                key: k.clone(),
                source,
            })?;
        by_dataset.insert(k.clone(), places);
        pb.inc(1);
    }
    let all: Vec<Place> = src
        .manifest
        .places
        .iter()
        .flat_map(|k| by_dataset.get(k).cloned().unwrap_or_default())
        .collect();
    let (places, merged) = merge_duplicates(all);
    report.places_merged = merged;
    for p in &places {
        for k in &p.kinds {
            *report.places.entry(k.as_str().to_string()).or_default() += 1;
        }
    }
    Ok((places, by_dataset))
}
