//! `ifn fetch`: downloads the files a manifest lists (those with a `url`), streaming to
//! `<file>.part`, resuming an interrupted download with an HTTP Range request, checking the
//! SHA-256, then renaming: a file at its final path is always complete and verified.
//!
//! Producers publish no checksum, so a manifest may give none: the first download then
//! records the SHA-256, size, URL and date in a lock file beside the manifest
//! (`<manifest>.lock`, see [`lock`]), and every later download or re-run is checked against
//! it. Messages are in French: they reach the user as they are.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::manifest::Manifest;

pub mod lock;

pub use lock::{LockEntry, LockFile};

/// Errors of a download.
#[derive(Debug, Error)]
pub enum FetchError {
    /// A local file could not be read or written.
    #[error("{path} : lecture ou écriture impossible")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP request failed.
    #[error("jeu de données « {key} » : GET {url} : {message}")]
    Http {
        /// Dataset key.
        key: String,
        /// URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The file does not have the checksum of the manifest or of the lock file.
    #[error("jeu de données « {key} » : {url} : SHA-256 {found}, alors que {origin} attend {expected} ; {action}")]
    Checksum {
        /// Dataset key.
        key: String,
        /// URL.
        url: String,
        /// Checksum found.
        found: String,
        /// Checksum expected.
        expected: String,
        /// Where the expected checksum comes from (the manifest or the lock file).
        origin: String,
        /// What was done and what the user can do.
        action: String,
    },
    /// The lock file is unreadable.
    #[error("fichier de verrou {path}, ligne {line} : {message} ; corrigez-le ou supprimez-le pour le réécrire")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// What happened to one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// Downloaded (bytes received in this run).
    Downloaded(u64),
    /// Already present with the expected checksum.
    Present,
    /// No URL in the manifest.
    NoUrl,
}

/// How the checksum of a file was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Against the manifest's `sha256`.
    Manifest,
    /// Against the lock file's entry.
    Lock,
    /// Nothing to check against: the checksum was recorded in the lock file.
    Recorded,
    /// Nothing to check and no lock file (file without URL).
    Nothing,
}

/// One dataset's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Dataset key.
    pub key: String,
    /// What happened.
    pub outcome: FetchOutcome,
    /// How the checksum was checked.
    pub checked: Checked,
}

/// Options of [`fetch`].
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Lock file to read and update (default: none; `ifn fetch` uses `<manifest>.lock`).
    pub lock: Option<PathBuf>,
    /// Draw a progress bar on standard error.
    pub progress: bool,
}

/// The lock file that goes with a manifest: `<manifest>.lock`, beside it.
///
/// ```
/// use std::path::Path;
/// assert_eq!(
///     ifn_ingest::fetch::lock_path(Path::new("data/sources/france-official.toml")),
///     Path::new("data/sources/france-official.toml.lock")
/// );
/// ```
pub fn lock_path(manifest: &Path) -> PathBuf {
    let mut s = manifest.as_os_str().to_os_string();
    s.push(".lock");
    PathBuf::from(s)
}

pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Downloads every dataset of `manifest` that has a `url` into `out` (at its `path`).
/// Checksums come from the manifest, else from the lock file; a file with neither has its
/// checksum recorded in the lock file, which is rewritten after each file.
pub fn fetch(
    manifest: &Manifest,
    out: &Path,
    opts: &FetchOptions,
) -> Result<Vec<Fetched>, FetchError> {
    let mut lock = match &opts.lock {
        Some(p) => LockFile::read(p)?,
        None => LockFile::default(),
    };
    let mut done = Vec::new();
    // Several datasets may be members of one archive: it is fetched (and locked) once.
    let mut seen: Vec<(&str, Checked)> = Vec::new();
    for d in &manifest.datasets {
        if let Some((_, checked)) = seen.iter().find(|(p, _)| *p == d.path) {
            done.push(Fetched {
                key: d.key.clone(),
                outcome: FetchOutcome::Present,
                checked: *checked,
            });
            continue;
        }
        let Some(url) = &d.url else {
            done.push(Fetched {
                key: d.key.clone(),
                outcome: FetchOutcome::NoUrl,
                checked: Checked::Nothing,
            });
            continue;
        };
        let target = out.join(&d.path);
        // An entry recorded for another URL says nothing about this one.
        let locked = lock.get(&d.key).filter(|e| &e.url == url).cloned();
        let (expected, checked) = match (&d.sha256, &locked) {
            (Some(s), _) => (
                Some((s.to_lowercase(), "le manifeste".to_string())),
                Checked::Manifest,
            ),
            (None, Some(e)) => (
                Some((
                    e.sha256.clone(),
                    match &opts.lock {
                        Some(p) => format!("le verrou {}", p.display()),
                        None => "le verrou".into(),
                    },
                )),
                Checked::Lock,
            ),
            (None, None) => (
                None,
                if opts.lock.is_some() {
                    Checked::Recorded
                } else {
                    Checked::Nothing
                },
            ),
        };
        let expected_ref = expected.as_ref().map(|(s, o)| (s.as_str(), o.as_str()));
        let outcome = fetch_one(&d.key, url, expected_ref, &target, opts.progress)?;
        if let Some(lock_file) = &opts.lock {
            if locked.is_none() {
                let sha256 = sha256_file(&target).map_err(|source| FetchError::Io {
                    path: target.clone(),
                    source,
                })?;
                let size = fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
                lock.set(LockEntry {
                    key: d.key.clone(),
                    url: url.clone(),
                    sha256,
                    size,
                    fetched: lock::utc_now(),
                });
                lock.write(lock_file)?;
            }
        }
        seen.push((d.path.as_str(), checked));
        done.push(Fetched {
            key: d.key.clone(),
            outcome,
            checked,
        });
    }
    Ok(done)
}

/// Downloads one URL to `target`, resuming `<target>.part`, verifying `expected`
/// (checksum, and where it comes from, for the message) if given. A file already at `target`
/// is checked, not downloaded again.
pub fn fetch_one(
    key: &str,
    url: &str,
    expected: Option<(&str, &str)>,
    target: &Path,
    progress: bool,
) -> Result<FetchOutcome, FetchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FetchError::Io { path, source }
    };
    let mismatch =
        |found: String, (sha, origin): (&str, &str), action: String| FetchError::Checksum {
            key: key.to_string(),
            url: url.to_string(),
            found,
            expected: sha.to_string(),
            origin: origin.to_string(),
            action,
        };
    if target.is_file() {
        let Some(exp) = expected else {
            return Ok(FetchOutcome::Present);
        };
        let found = sha256_file(target).map_err(io(target))?;
        if found == exp.0 {
            return Ok(FetchOutcome::Present);
        }
        return Err(mismatch(
            found,
            exp,
            format!(
                "le fichier {} n'a pas été modifié : supprimez-le pour le retélécharger, ou supprimez son entrée du verrou si le producteur a publié une nouvelle version",
                target.display()
            ),
        ));
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let part = PathBuf::from(format!("{}.part", target.display()));
    let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let http = |message: String| FetchError::Http {
        key: key.to_string(),
        url: url.to_string(),
        message,
    };
    let mut req = ureq::get(url);
    if have > 0 {
        req = req.set("Range", &format!("bytes={have}-"));
    }
    let resp = req.call().map_err(|e| http(e.to_string()))?;
    let append = have > 0 && resp.status() == 206;
    let total = resp
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok())
        .map(|n| n + if append { have } else { 0 });
    let bar = progress.then(|| progress_bar(key, total, if append { have } else { 0 }));
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part)
        .map_err(io(&part))?;
    let mut reader = resp.into_reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut written = 0u64;
    loop {
        // An interrupted body leaves the `.part` file: the next run resumes it.
        let n = reader.read(&mut buf).map_err(|e| {
            http(format!(
                "lecture de la réponse interrompue ({e}) ; relancez `ifn fetch` pour reprendre"
            ))
        })?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n]).map_err(io(&part))?;
        written += n as u64;
        if let Some(b) = &bar {
            b.inc(n as u64);
        }
    }
    file.sync_all().map_err(io(&part))?;
    drop(file);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(exp) = expected {
        let found = sha256_file(&part).map_err(io(&part))?;
        if found != exp.0 {
            let _ = fs::remove_file(&part);
            return Err(mismatch(
                found,
                exp,
                "le fichier partiel a été supprimé ; si le producteur a publié une nouvelle version, supprimez son entrée du verrou (ou corrigez `sha256` dans le manifeste)".into(),
            ));
        }
    }
    fs::rename(&part, target).map_err(io(target))?;
    Ok(FetchOutcome::Downloaded(written))
}

fn progress_bar(key: &str, total: Option<u64>, start: u64) -> indicatif::ProgressBar {
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, reste {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(key.to_string());
    bar.set_position(start);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}
