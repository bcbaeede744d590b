//! Finding and opening the files of a manifest: the one place that turns a dataset key into a
//! path, a table or a vector layer with its entry in the report.

use std::path::PathBuf;

use crate::archive::extract_member;
use crate::manifest::{DatasetSpec, Format, Manifest};
use crate::report::BuildReport;
use crate::table::Table;
use crate::vector::{read_vector, VectorData};

use super::{BuildError, BuildOptions};

/// The manifest and the folder its paths are relative to.
pub(super) struct Sources<'a> {
    /// The manifest.
    pub manifest: &'a Manifest,
    /// Build options (the sources folder).
    pub opts: &'a BuildOptions,
}

impl Sources<'_> {
    /// The dataset `key` and the path of its file, which must exist.
    pub fn file(&self, key: &str) -> Result<(DatasetSpec, PathBuf), BuildError> {
        let spec = self.manifest.dataset(key)?.clone();
        let path = self.opts.sources.join(&spec.path);
        if !path.exists() {
            return Err(BuildError::MissingFile {
                key: key.to_string(),
                path,
            });
        }
        Ok((spec, path))
    }

    /// Reads the table of dataset `key` (CSV or XLSX).
    pub fn table(&self, key: &str) -> Result<(DatasetSpec, Table), BuildError> {
        let (spec, path) = self.file(key)?;
        let t = match spec.format {
            Format::Csv | Format::Xlsx => Table::read_dataset(&spec, &path),
            _ => {
                return Err(BuildError::Role {
                    key: spec.key.clone(),
                    message: "expected format = \"csv\" or \"xlsx\" for a table".into(),
                })
            }
        };
        let t = t.map_err(|source| BuildError::Table {
            key: spec.key.clone(),
            source,
        })?;
        Ok((spec, t))
    }

    /// Reads the vector layer of dataset `key`, the fields named by the manifest's `columns`
    /// for `roles` (in that order), and records its size and repairs in the report.
    pub fn vector(
        &self,
        key: &str,
        roles: &[&str],
        report: &mut BuildReport,
    ) -> Result<(DatasetSpec, VectorData), BuildError> {
        let (spec, path) = self.file(key)?;
        let fields = roles
            .iter()
            .map(|r| col(&spec, r))
            .collect::<Result<Vec<_>, _>>()?;
        // A layer inside an archive is extracted (with its sidecar files) to a temporary
        // folder that lives until the layer is read.
        let extracted = match &spec.member {
            Some(member) => {
                let archive = |source| BuildError::Archive {
                    key: key.to_string(),
                    source,
                };
                let dir = tempfile::tempdir().map_err(|e| {
                    archive(crate::archive::ArchiveError::Read {
                        path: std::env::temp_dir(),
                        source: e,
                    })
                })?;
                let file = extract_member(&path, member, dir.path()).map_err(archive)?;
                Some((dir, file))
            }
            None => None,
        };
        let layer = extracted
            .as_ref()
            .map_or(path.as_path(), |(_, f)| f.as_path());
        let data = read_vector(layer, &fields, spec.crs.as_deref()).map_err(|source| {
            BuildError::Vector {
                key: key.to_string(),
                source,
            }
        })?;
        let r = report.dataset(key);
        r.path = spec.path.clone();
        r.rows = data.features.len();
        r.repaired_geometries = data.repaired.clone();
        Ok((spec, data))
    }
}

/// The column the manifest gives for `role` (`columns.<role>`), which must be there.
pub(super) fn col<'a>(spec: &'a DatasetSpec, role: &str) -> Result<&'a str, BuildError> {
    spec.columns
        .get(role)
        .map(String::as_str)
        .ok_or_else(|| BuildError::Role {
            key: spec.key.clone(),
            message: format!("the manifest must give `columns.{role}`"),
        })
}
