//! The ifn territory store: a folder GIS people can open.
//!
//! ```text
//! STORE/
//!   store.json               format version, description, provenance, indicator keys, levels
//!   units.parquet            one row per base unit: code, name, commune, epci, departement,
//!                            region, population, then one Float64 column per indicator (null = missing)
//!   names.parquet            level, code, name of every territory above the base units
//!   geometry/<level>.fgb     contours per level (FlatGeobuf, EPSG:4326, columns code, name)
//!   places.fgb               mediation places (points, EPSG:4326)
//!   estimated.parquet        (optional) values estimated under statistical secrecy: unit,
//!                            indicator, level of the enclosing territory used
//! ```
//!
//! A store is written into a temporary folder beside the target and renamed into place, so a
//! failed write leaves nothing half-written (`write`); `read` reads it back; the layout of
//! `store.json` and of the place columns is in `schema`.

mod read;
mod schema;
mod write;

use std::path::{Path, PathBuf};

use polars::prelude::PolarsError;
use thiserror::Error;

pub use read::read_store;
pub use schema::STORE_FORMAT_VERSION;
pub use write::{write_store, write_store_with};

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Errors reading or writing a store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The target exists and `force` was not given.
    #[error("{0} already exists: choose another folder or pass --force to replace it")]
    Exists(PathBuf),
    /// Not a store folder.
    #[error("{0} is not an ifn store (no store.json): build one with `ifn build` or `ifn demo`")]
    NotAStore(PathBuf),
    /// A store of another format version.
    #[error("{path}: store format {found}, this ifn reads format {expected}: rebuild the store")]
    Version {
        /// store.json path.
        path: PathBuf,
        /// Version found.
        found: u32,
        /// Version expected.
        expected: u32,
    },
    /// store.json is malformed.
    #[error("{path}: not a valid store.json: rebuild the store")]
    Json {
        /// store.json path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A Parquet file could not be read or written, or lacks a column.
    #[error("{path}: Parquet")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: PolarsError,
    },
    /// A FlatGeobuf file could not be read or written.
    #[error("{path}: {message}")]
    Fgb {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The content is inconsistent.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn pq_err(path: &Path) -> impl FnOnce(PolarsError) -> StoreError + '_ {
    move |source| StoreError::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

fn fgb_err(path: &Path) -> impl FnOnce(String) -> StoreError + '_ {
    move |message| StoreError::Fgb {
        path: path.to_path_buf(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_demo_survives_a_write_and_read_back() {
        let t = ifn_core::demo::generate();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("demo");
        write_store(&t, &store, false).expect("write");
        let back = read_store(&store).expect("read");
        assert_eq!(back.meta, t.meta);
        assert_eq!(back.dataset.units(), t.dataset.units());
        assert_eq!(back.dataset.indicators(), t.dataset.indicators());
        let (a, b) = (t.dataset.values(), back.dataset.values());
        assert!(a
            .iter()
            .zip(b.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())));
        assert_eq!(back.dataset.names(), t.dataset.names());
        let mut places = t.places.clone();
        places.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(back.places, places);
        for (level, features) in &t.geometries {
            let mut f = features.clone();
            f.sort_by(|a, b| a.code.cmp(&b.code));
            assert_eq!(back.geometries[level], f, "{level}");
        }
    }

    #[test]
    fn an_existing_store_is_refused_without_force_and_kept_intact() {
        let t = ifn_core::demo::generate();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("s");
        fs::create_dir(&store).expect("mkdir");
        fs::write(store.join("keep.txt"), "x").expect("write");
        assert!(matches!(
            write_store(&t, &store, false),
            Err(StoreError::Exists(_))
        ));
        assert!(store.join("keep.txt").exists());
        write_store(&t, &store, true).expect("forced");
        assert!(!store.join("keep.txt").exists());
        assert!(store.join("store.json").exists());
    }

    #[test]
    fn replacing_a_store_leaves_no_temporary_folder_and_a_failed_write_keeps_the_old_one() {
        let t = ifn_core::demo::generate();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("s");
        write_store(&t, &store, false).expect("write");
        write_store(&t, &store, true).expect("replace");
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["s"]);
        // An invalid extra file fails after the new store was written: the old one stays.
        let e = write_store_with(&t, &store, true, &[("../x", vec![])]).unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
        assert!(read_store(&store).is_ok());
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_folder_without_store_json_is_not_a_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_store(dir.path()).unwrap_err().to_string();
        assert!(e.contains("ifn build"), "{e}");
    }
}
