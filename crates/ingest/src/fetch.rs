//! `ifn fetch`: downloads the files a manifest lists (those with a `url`), resuming partial
//! downloads with HTTP Range requests into `<file>.part`, checking the SHA-256, then renaming:
//! a file at its final path is always complete and verified.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::manifest::Manifest;

/// Errors of a download.
#[derive(Debug, Error)]
pub enum FetchError {
    /// A local file could not be written.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP request failed.
    #[error("dataset '{key}': GET {url}: {message}")]
    Http {
        /// Dataset key.
        key: String,
        /// URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The file downloaded does not have the manifest's checksum.
    #[error("dataset '{key}': {url}: SHA-256 {found}, the manifest expects {expected}; the partial file was removed")]
    Checksum {
        /// Dataset key.
        key: String,
        /// URL.
        url: String,
        /// Checksum found.
        found: String,
        /// Checksum expected.
        expected: String,
    },
}

/// What happened to one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// Downloaded (bytes).
    Downloaded(u64),
    /// Already present with the right checksum.
    Present,
    /// No URL in the manifest.
    NoUrl,
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
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
pub fn fetch(manifest: &Manifest, out: &Path) -> Result<Vec<(String, FetchOutcome)>, FetchError> {
    let mut done = Vec::new();
    for d in &manifest.datasets {
        let Some(url) = &d.url else {
            done.push((d.key.clone(), FetchOutcome::NoUrl));
            continue;
        };
        let target = out.join(&d.path);
        let outcome = fetch_one(&d.key, url, d.sha256.as_deref(), &target)?;
        done.push((d.key.clone(), outcome));
    }
    Ok(done)
}

/// Downloads one URL to `target`, resuming `<target>.part`, verifying `sha256` if given.
pub fn fetch_one(
    key: &str,
    url: &str,
    sha256: Option<&str>,
    target: &Path,
) -> Result<FetchOutcome, FetchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FetchError::Io { path, source }
    };
    if target.is_file() {
        match sha256 {
            Some(s) if sha256_file(target).map_err(io(target))? == s.to_lowercase() => {
                return Ok(FetchOutcome::Present)
            }
            None => return Ok(FetchOutcome::Present),
            _ => {}
        }
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
        let n = reader
            .read(&mut buf)
            .map_err(|e| http(format!("reading the body: {e}")))?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n]).map_err(io(&part))?;
        written += n as u64;
    }
    file.sync_all().map_err(io(&part))?;
    drop(file);
    if let Some(expected) = sha256 {
        let found = sha256_file(&part).map_err(io(&part))?;
        if found != expected.to_lowercase() {
            let _ = fs::remove_file(&part);
            return Err(FetchError::Checksum {
                key: key.to_string(),
                url: url.to_string(),
                found,
                expected: expected.to_string(),
            });
        }
    }
    fs::rename(&part, target).map_err(io(target))?;
    Ok(FetchOutcome::Downloaded(written))
}
