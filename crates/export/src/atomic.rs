//! Atomic file writes: a temporary file beside the target, persisted (renamed) into place by
//! `tempfile` once complete, removed on any failure.

use std::path::Path;

use crate::error::{ExportError, ExportResult};

/// Runs `write` on a temporary path in `path`'s folder, then renames it to `path`.
///
/// The temporary file is in the target's folder (so the rename stays on one file system) and
/// keeps its extension (GDAL picks its driver by it); it is removed on any failure. An
/// existing `path` is refused unless `force`, before writing and again, atomically, when the
/// file is put in place.
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
    if path.is_dir() || path.file_name().is_none() {
        return Err(ExportError::NotAFile(path.to_path_buf()));
    }
    // Checked first too, so that a long export does not run only to be refused.
    if path.exists() && !force {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ifn-export-");
    let suffix = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    builder.suffix(&suffix);
    let tmp = builder
        .tempfile_in(&parent)
        .map_err(|source| ExportError::Io {
            path: parent.clone(),
            source,
        })?
        .into_temp_path();
    // The name stays reserved by `tmp` (deleted on drop, renamed by persist), but the file
    // itself goes: GDAL creates a GeoPackage only where no file is; streams re-create it.
    std::fs::remove_file(&tmp).map_err(|source| ExportError::Io {
        path: tmp.to_path_buf(),
        source,
    })?;
    write(&tmp)?;
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        if !force && e.error.kind() == std::io::ErrorKind::AlreadyExists {
            ExportError::Exists(path.to_path_buf())
        } else {
            ExportError::Io {
                path: path.to_path_buf(),
                source: e.error,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

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
        let e = write_atomic(&path, false, |_| Ok(())).unwrap_err();
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        let e = format!("{e}: {}", cause.unwrap_or_default());
        assert!(e.contains("nope") && e.contains("does not exist"), "{e}");
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = write_atomic(dir.path(), true, |_| Ok(()));
        assert!(matches!(e, Err(ExportError::NotAFile(_))));
    }
}
