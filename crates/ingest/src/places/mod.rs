//! Mediation places: the national standard "Lieux de médiation numérique" (JSON exports,
//! validated against its Table Schema), the older exports beside it, and related lists
//! (France Services, conseillers numériques, public libraries) mapped by the manifest's
//! `columns`. Coordinates are checked against France; duplicates across files are merged.

mod merge;
mod readers;
mod schema;

use std::path::{Path, PathBuf};

use ifn_core::{Place, PlaceKind};
use thiserror::Error;

use crate::manifest::{DatasetSpec, Format};
use crate::report::DatasetReport;
use crate::table::TableError;
use crate::vector::VectorError;

pub use merge::merge_duplicates;
pub use schema::Schema;

use readers::{read_json_places, read_table_places, read_vector_places};

/// Errors reading a place file.
#[derive(Debug, Error)]
pub enum PlacesError {
    /// The file could not be read.
    #[error("{path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is malformed or not an array of records.
    #[error("{path}: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The Table Schema could not be used.
    #[error("schema {path}: {message}")]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A table error.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A vector error.
    #[error(transparent)]
    Vector(#[from] VectorError),
}

/// Areas of France (metropole, DROM, COM) as lon/lat boxes.
const FRANCE_BOXES: [[f64; 4]; 11] = [
    [-5.8, 41.2, 9.8, 51.3],        // metropole and Corsica
    [-61.9, 15.8, -60.9, 16.6],     // Guadeloupe
    [-61.3, 14.3, -60.7, 14.95],    // Martinique
    [-54.7, 2.0, -51.5, 6.0],       // Guyane
    [55.1, -21.5, 55.95, -20.8],    // La Réunion
    [44.9, -13.1, 45.4, -12.5],     // Mayotte
    [-56.5, 46.7, -56.1, 47.2],     // Saint-Pierre-et-Miquelon
    [-63.2, 17.8, -62.7, 18.2],     // Saint-Barthélemy, Saint-Martin
    [163.5, -22.8, 168.2, -19.5],   // Nouvelle-Calédonie
    [-154.8, -28.0, -134.0, -7.8],  // Polynésie française
    [-178.3, -14.4, -176.0, -13.1], // Wallis-et-Futuna
];

/// True if (lon, lat) lies in France.
///
/// ```
/// assert!(ifn_ingest::places::in_france(2.35, 48.85));
/// assert!(!ifn_ingest::places::in_france(48.85, 2.35));
/// ```
pub fn in_france(lon: f64, lat: f64) -> bool {
    FRANCE_BOXES
        .iter()
        .any(|b| lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3])
}

/// Kinds from the values of `dispositif_programmes_nationaux` / `labels_nationaux`.
pub fn kinds_from_labels(labels: &str) -> Vec<PlaceKind> {
    let mut out = Vec::new();
    for l in labels.split(['|', ';', ',']) {
        let l = l.trim().to_lowercase();
        let k = if l == "france services" {
            Some(PlaceKind::FranceServices)
        } else if l == "cnfs" || l.starts_with("conseiller") {
            Some(PlaceKind::ConseillerNumerique)
        } else if l == "aidants connect" {
            Some(PlaceKind::AidantsConnect)
        } else if l.starts_with("bibliothèque") {
            Some(PlaceKind::Bibliotheque)
        } else {
            None
        };
        if let Some(k) = k {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// Reads the places of one dataset. Records without usable coordinates are refused and
/// counted in `report.invalid_records`, as are schema violations (the record is then kept).
pub fn load_places(
    spec: &DatasetSpec,
    sources: &Path,
    report: &mut DatasetReport,
) -> Result<Vec<Place>, PlacesError> {
    let path = sources.join(&spec.path);
    report.path = spec.path.clone();
    let raws = match spec.format {
        Format::Json => read_json_places(spec, sources, &path, report)?,
        Format::Csv | Format::Xlsx => read_table_places(spec, &path)?,
        Format::Vector => read_vector_places(spec, &path)?,
    };
    report.rows = raws.len();
    let base_kinds: Vec<PlaceKind> = spec
        .kinds
        .iter()
        .filter_map(|k| PlaceKind::parse(k))
        .collect();
    let mut out = Vec::new();
    for (i, r) in raws.into_iter().enumerate() {
        let (mut lon, mut lat) = match (r.lon, r.lat) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => (x, y),
            _ => {
                *report
                    .invalid_records
                    .entry("no coordinates".into())
                    .or_default() += 1;
                continue;
            }
        };
        if !in_france(lon, lat) {
            if in_france(lat, lon) {
                std::mem::swap(&mut lon, &mut lat);
                *report
                    .invalid_records
                    .entry("latitude and longitude swapped (fixed)".into())
                    .or_default() += 1;
            } else {
                *report
                    .invalid_records
                    .entry("coordinates outside France".into())
                    .or_default() += 1;
                continue;
            }
        }
        let mut kinds = base_kinds.clone();
        for k in kinds_from_labels(&r.labels) {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            kinds.push(PlaceKind::Autre);
        }
        let split = |s: &str| -> Vec<String> {
            let sep = if s.contains('|') { '|' } else { ',' };
            s.split(sep)
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let id = if r.id.is_empty() {
            format!("{}", i + 1)
        } else {
            r.id
        };
        out.push(Place {
            id: format!("{}:{}", spec.key, id),
            name: r.name,
            lon,
            lat,
            commune: r.commune,
            address: r.address,
            kinds,
            services: split(&r.services),
            publics: split(&r.publics),
            source: spec.key.clone(),
        });
    }
    report.matched = out.len();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_give_kinds() {
        assert_eq!(
            kinds_from_labels("CNFS;France Services"),
            vec![PlaceKind::ConseillerNumerique, PlaceKind::FranceServices]
        );
        assert_eq!(
            kinds_from_labels("Aidants Connect|Conseillers numériques"),
            vec![PlaceKind::AidantsConnect, PlaceKind::ConseillerNumerique]
        );
        assert!(kinds_from_labels("").is_empty());
    }
}
