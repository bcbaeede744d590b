//! Atomic file writes: a temporary file in the target's folder, renamed into place.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{ExportError, ExportResult};

/// Runs `write` on a temporary path in `path`'s folder, then renames it to `path`.
///
/// The temporary file lives in a private temporary folder beside the target (so the rename
/// stays on one file system and GDAL may create its own side files there); it is removed on
/// any failure. An existing `path` is refused unless `force`.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.txt");
/// ifn_export::write_atomic(&path, false, |tmp| Ok(std::fs::write(tmp, "hello")?)).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
/// assert!(ifn_export::write_atomic(&path, false, |_| Ok(())).is_err());
/// ```
///
/// # Errors
/// [`ExportError::Exists`] without `force`, [`ExportError::NotAFile`] for a folder,
/// [`ExportError::Io`] when the folder is missing or not writable, or `write`'s error.
pub fn write_atomic(
    path: &Path,
    force: bool,
    write: impl FnOnce(&Path) -> ExportResult<()>,
) -> ExportResult<()> {
    if path.is_dir() {
        return Err(ExportError::NotAFile(path.to_path_buf()));
    }
    let Some(file_name) = path.file_name() else {
        return Err(ExportError::NotAFile(path.to_path_buf()));
    };
    if path.exists() && !force {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(ExportError::Io {
            path: parent,
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the output folder does not exist",
            ),
        });
    }
    let tmp = tempfile::Builder::new()
        .prefix(".ifn-export-")
        .tempdir_in(&parent)
        .map_err(|source| ExportError::Io {
            path: parent.clone(),
            source,
        })?;
    let tmp_file = tmp.path().join(file_name);
    write(&tmp_file)?;
    fs::rename(&tmp_file, path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        let r = write_atomic(&path, false, |tmp| {
            fs::write(tmp, "half").expect("write");
            Err(ExportError::Unsupported("boom".into()))
        });
        assert!(r.is_err());
        let left: Vec<_> = fs::read_dir(dir.path()).expect("read_dir").collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn an_existing_file_is_kept_without_force_and_replaced_with_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        fs::write(&path, "old").expect("write");
        let r = write_atomic(&path, false, |tmp| Ok(fs::write(tmp, "new")?));
        assert!(matches!(r, Err(ExportError::Exists(_))));
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        write_atomic(&path, true, |tmp| Ok(fs::write(tmp, "new")?)).expect("forced");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(fs::read_dir(dir.path()).expect("read_dir").count(), 1);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nope").join("out.csv");
        let e = write_atomic(&path, false, |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope") && e.contains("does not exist"), "{e}");
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = write_atomic(dir.path(), true, |_| Ok(()));
        assert!(matches!(e, Err(ExportError::NotAFile(_))));
    }
}
