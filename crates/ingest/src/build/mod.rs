//! `ifn build`: a folder of official files, described by a manifest, → a territory.
//!
//! One module per step, run in this order by [`build`]:
//! - `hierarchy`: COG communes, EPCI, names and IRIS contours → base units;
//! - `contours`: contours per level (missing ones dissolved from the level
//!   below; inset overseas contours ignored);
//! - `places`: mediation places, duplicates across files merged;
//! - `indicators`: table columns and ratios (`tables`,
//!   maths in `maths`) and distances to the nearest place
//!   (`distances`) and shares of area beyond the reach of antenna sites (`coverage4g`);
//! - assembly of the [`Territory`], and [`write_build`] with its
//!   `provenance` table.
//!
//! Every unmatched or ambiguous code goes into the [`BuildReport`]; `strict` turns them into an
//! error.

mod contours;
pub mod coverage4g;
mod distances;
mod hierarchy;
mod indicators;
mod maths;
mod places;
mod progress;
mod provenance;
pub mod secret;
mod sources;
mod tables;

use std::collections::BTreeSet;
use std::path::PathBuf;

use geo::BoundingRect;
use ifn_core::{Dataset, Level, SourceInfo, Territory, TerritoryMeta};
use polars::prelude::PolarsError;
use thiserror::Error;

use crate::admin::AdminError;
use crate::manifest::{Manifest, ManifestError};
use crate::places::PlacesError;
use crate::report::BuildReport;
use crate::table::TableError;
use crate::vector::VectorError;

pub use provenance::{write_build, ProvenanceRow};
pub use secret::{apply_secret, SecretPolicy};

/// Errors of `ifn build`. Nothing is written when one occurs.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The manifest is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file listed in the manifest is missing.
    #[error("dataset '{key}': file {path} not found: download it with `ifn fetch` or fix `path` in the manifest")]
    MissingFile {
        /// Dataset key.
        key: String,
        /// Expected path.
        path: PathBuf,
    },
    /// A table could not be read.
    #[error("dataset '{key}'")]
    Table {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: TableError,
    },
    /// A vector file could not be read.
    #[error("dataset '{key}'")]
    Vector {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: VectorError,
    },
    /// An archive named by the manifest could not be read.
    #[error("dataset '{key}'")]
    Archive {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: crate::archive::ArchiveError,
    },
    /// An administrative JSON file could not be read.
    #[error("dataset '{key}'")]
    Admin {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: AdminError,
    },
    /// A place file could not be read.
    #[error("dataset '{key}'")]
    Places {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: PlacesError,
    },
    /// A dataset has the wrong format for its role.
    #[error("dataset '{key}': {message}")]
    Role {
        /// Dataset key.
        key: String,
        /// What is expected.
        message: String,
    },
    /// The assembled dataset is inconsistent.
    #[error("assembling the dataset")]
    Core(#[from] ifn_core::CoreError),
    /// `--strict` and some codes were unmatched or ambiguous.
    #[error("--strict: {count} unmatched or ambiguous codes; nothing written. Report:\n{summary}")]
    Strict {
        /// Number of problems.
        count: usize,
        /// The readable report.
        summary: String,
    },
    /// The store could not be written.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The build report could not be encoded as JSON.
    #[error("encoding build-report.json")]
    ReportJson(#[source] serde_json::Error),
    /// The provenance table could not be encoded.
    #[error("encoding provenance.parquet")]
    Provenance(#[source] PolarsError),
}

/// Options of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder holding the files, laid out as the manifest says.
    pub sources: PathBuf,
    /// Fail on any unmatched or ambiguous code.
    pub strict: bool,
    /// Show progress bars on standard error.
    pub progress: bool,
}

/// The result of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// The territory.
    pub territory: Territory,
    /// The report.
    pub report: BuildReport,
    /// Provenance of every indicator.
    pub provenance: Vec<ProvenanceRow>,
}

/// Builds the territory described by `manifest` from the files in `opts.sources`.
pub fn build(manifest: &Manifest, opts: &BuildOptions) -> Result<BuildOutput, BuildError> {
    // GEOS validity warnings go to the log, not to the terminal: repairs are in the report.
    gdal::config::set_error_handler(|class, _, msg| tracing::debug!(gdal.class = ?class, "{msg}"));
    let steps = progress::Steps::new(opts.progress);
    let src = sources::Sources { manifest, opts };
    let mut report = BuildReport {
        manifest: manifest.origin.display().to_string(),
        ..Default::default()
    };
    // Every file first, so that a missing one is reported before any work.
    for d in &manifest.datasets {
        src.file(&d.key)?;
    }

    let pb = steps.start("hierarchy: COG communes, EPCI, names, IRIS contours", None);
    let (geo, old_populations) = hierarchy::read(&src, &mut report)?;
    pb.finish_with_message(format!("hierarchy: {} base units", geo.units.len()));

    let pb = steps.start("contours: communes, EPCI, départements, régions", None);
    let geometries = contours::build_geometries(&src, &geo, &mut report)?;
    pb.finish_with_message("contours done");

    let keys = places::keys(manifest);
    let pb = steps.start("mediation places", Some(keys.len()));
    let (places, places_by_dataset) = places::read(&src, &keys, &mut report, &pb)?;
    pb.finish_with_message(format!("mediation places: {}", places.len()));

    let pb = steps.start("indicators", Some(manifest.indicators.len()));
    let inputs = indicators::Inputs {
        geo: &geo,
        geometries: &geometries,
        places_by_dataset: &places_by_dataset,
        old_populations: &old_populations,
    };
    let (values, provenance) = indicators::compute(&src, &inputs, &mut report, &pb)?;
    pb.finish_with_message("indicators done");

    // Assembly.
    let keys: Vec<String> = manifest.indicators.iter().map(|i| i.key.clone()).collect();
    report.units = geo.units.len();
    report.iris_units = geo.iris_geometry.len();
    for level in Level::ALL {
        let set: BTreeSet<&str> = geo.units.iter().map(|u| u.code_at(level)).collect();
        report.levels.insert(level.as_str().to_string(), set.len());
    }
    let dataset = Dataset::new(geo.units.clone(), keys, values, geo.names.clone())?;
    let bbox = geometries
        .get(&Level::Departement)
        .into_iter()
        .flatten()
        .filter_map(|f| f.geometry.bounding_rect())
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, r| {
            [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ]
        });
    let sources = manifest
        .datasets
        .iter()
        .map(|d| SourceInfo {
            name: d.title.clone(),
            producer: d.producer.clone(),
            vintage: d.vintage.clone(),
            licence: d.licence.clone(),
        })
        .collect();
    let territory = Territory {
        meta: TerritoryMeta {
            name: manifest.territory.name.clone(),
            description: manifest.territory.description.clone(),
            fictional: false,
            licence: manifest.territory.licence.clone(),
            sources,
            bbox,
        },
        dataset,
        geometries,
        places,
    };
    if opts.strict && report.problems() > 0 {
        return Err(BuildError::Strict {
            count: report.problems(),
            summary: report.to_text(),
        });
    }
    Ok(BuildOutput {
        territory,
        report,
        provenance,
    })
}
