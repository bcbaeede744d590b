//! The `@etalab/decoupage-administratif` JSON files (INSEE COG, DGCL EPCI composition):
//! communes with their type, département, région, population and former codes; EPCI with
//! their member communes; names of départements and régions.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

/// Errors reading an administrative JSON file.
#[derive(Debug, Error)]
pub enum AdminError {
    /// The file could not be read.
    #[error("{path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The JSON does not have the expected shape.
    #[error("{path}: not in the @etalab/decoupage-administratif layout")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause, with line and column.
        #[source]
        source: serde_json::Error,
    },
}

/// A record of `communes.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct CommuneRecord {
    /// INSEE code.
    pub code: String,
    /// Name.
    pub nom: String,
    /// `commune-actuelle`, `commune-deleguee`, `commune-associee`, `arrondissement-municipal`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `metro`, `drom` or `com`.
    #[serde(default)]
    pub zone: Option<String>,
    /// Département code.
    #[serde(default)]
    pub departement: Option<String>,
    /// Région code.
    #[serde(default)]
    pub region: Option<String>,
    /// Municipal population.
    #[serde(default)]
    pub population: Option<f64>,
    /// Parent commune of a municipal arrondissement.
    #[serde(default)]
    pub commune: Option<String>,
    /// Current commune a delegated or associated commune belongs to.
    #[serde(default, rename = "chefLieu")]
    pub chef_lieu: Option<String>,
    /// Former codes merged into this commune.
    #[serde(default, rename = "anciensCodes")]
    pub anciens_codes: Vec<String>,
}

/// A member of an EPCI.
#[derive(Debug, Clone, Deserialize)]
pub struct EpciMember {
    /// INSEE commune code.
    pub code: String,
}

/// A record of `epci.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct EpciRecord {
    /// SIREN.
    pub code: String,
    /// Name.
    pub nom: String,
    /// Member communes.
    #[serde(default)]
    pub membres: Vec<EpciMember>,
}

/// A record of `departements.json` or `regions.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct NamedRecord {
    /// Code.
    pub code: String,
    /// Name.
    pub nom: String,
    /// Région of a département.
    #[serde(default)]
    pub region: Option<String>,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, AdminError> {
    let bytes = std::fs::read(path).map_err(|source| AdminError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(bytes).map_err(|source| AdminError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads `communes.json`.
pub fn read_communes(path: &Path) -> Result<Vec<CommuneRecord>, AdminError> {
    read_json(path)
}

/// Reads `epci.json`.
pub fn read_epci(path: &Path) -> Result<Vec<EpciRecord>, AdminError> {
    read_json(path)
}

/// Reads `departements.json` or `regions.json`.
pub fn read_named(path: &Path) -> Result<Vec<NamedRecord>, AdminError> {
    read_json(path)
}
