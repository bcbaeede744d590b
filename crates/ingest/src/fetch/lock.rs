//! The lock file of a manifest (`<manifest>.lock`, TOML): for each downloaded dataset, the
//! URL, SHA-256, size and date of the first download, so that later downloads are checked.
//!
//! ```toml
//! # Written by `ifn fetch` ...
//! [[files]]
//! key = "insee_rp_pop_iris_2019"
//! url = "https://www.insee.fr/..."
//! sha256 = "…64 hexadecimal characters…"
//! size = 19925333
//! fetched = "2026-11-30T09:40:00Z"
//! ```

use std::path::Path;

use serde::Deserialize;

use super::FetchError;

/// One recorded download.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// Dataset key.
    pub key: String,
    /// URL downloaded.
    pub url: String,
    /// SHA-256 of the file (lower-case hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// UTC date and time of the first download (RFC 3339).
    pub fetched: String,
}

/// A lock file: its entries, in the manifest's order of first download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    /// The entries.
    #[serde(default)]
    pub files: Vec<LockEntry>,
}

impl LockFile {
    /// Reads a lock file; a missing file is an empty lock.
    pub fn read(path: &Path) -> Result<LockFile, FetchError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(LockFile::default()),
            Err(source) => {
                return Err(FetchError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let lock: LockFile = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            FetchError::Lock {
                path: path.to_path_buf(),
                line: text.as_bytes()[..at]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        for (i, e) in lock.files.iter().enumerate() {
            if e.sha256.len() != 64 || !e.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(FetchError::Lock {
                    path: path.to_path_buf(),
                    line: 1,
                    message: format!(
                        "entrée {} (« {} ») : sha256 doit avoir 64 caractères hexadécimaux",
                        i + 1,
                        e.key
                    ),
                });
            }
        }
        Ok(lock)
    }

    /// The entry of dataset `key`.
    pub fn get(&self, key: &str) -> Option<&LockEntry> {
        self.files.iter().find(|e| e.key == key)
    }

    /// Adds or replaces the entry of `entry.key`.
    pub fn set(&mut self, entry: LockEntry) {
        match self.files.iter_mut().find(|e| e.key == entry.key) {
            Some(e) => *e = entry,
            None => self.files.push(entry),
        }
    }

    /// The TOML text of the lock.
    pub fn to_toml(&self) -> String {
        let mut s = String::from(
            "# Written by `ifn fetch`: SHA-256, size, URL and date of the first download of each\n\
             # file of the manifest beside it. Later downloads are checked against it. Remove an\n\
             # entry to accept a new version published by the producer.\n",
        );
        for e in &self.files {
            s.push_str(&format!(
                "\n[[files]]\nkey = {}\nurl = {}\nsha256 = {}\nsize = {}\nfetched = {}\n",
                quote(&e.key),
                quote(&e.url),
                quote(&e.sha256),
                e.size,
                quote(&e.fetched)
            ));
        }
        s
    }

    /// Writes the lock to `path` through a temporary file renamed into place.
    pub fn write(&self, path: &Path) -> Result<(), FetchError> {
        let io = |source| FetchError::Io {
            path: path.to_path_buf(),
            source,
        };
        let tmp = path.with_extension("lock.tmp");
        std::fs::write(&tmp, self.to_toml()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_from_unix(secs)
}

/// `secs` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, H. Hinnant).
fn utc_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_from_unix(1_796_032_861), "2026-11-30T10:01:01Z");
    }

    #[test]
    fn a_lock_written_reads_back_the_same() {
        let mut lock = LockFile::default();
        lock.set(LockEntry {
            key: "a".into(),
            url: "http://x/\"q\"\\".into(),
            sha256: "ab".repeat(32),
            size: 12,
            fetched: "2026-01-01T00:00:00Z".into(),
        });
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("m.toml.lock");
        lock.write(&p).expect("write");
        assert_eq!(LockFile::read(&p).expect("read"), lock);
        assert!(!dir.path().join("m.toml.lock.tmp").exists());
    }

    #[test]
    fn a_missing_lock_is_empty_and_a_bad_one_names_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("m.toml.lock");
        assert_eq!(LockFile::read(&p).expect("read"), LockFile::default());
        std::fs::write(&p, "[[files]]\nkey = \"a\"\nnope = 1\n").expect("write");
        let e = LockFile::read(&p).unwrap_err().to_string();
        assert!(e.contains("ligne 3"), "{e}");
    }
}
