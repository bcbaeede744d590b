//! Archives as producers publish them: ZIP (INSEE bases, Filosofi) and 7z (IGN CONTOURS-IRIS,
//! ADMIN EXPRESS). A manifest dataset names the archive (`path`) and the file inside it
//! (`member`, where `*` matches any characters); the member is read into memory (tables) or
//! extracted with its sidecar files (a Shapefile's `.dbf`, `.shx`, `.prj`, `.cpg`) into a
//! temporary folder for GDAL.
//!
//! ```no_run
//! use std::path::Path;
//! use ifn_ingest::archive::read_member;
//!
//! let (name, bytes) = read_member(
//!     Path::new("base-ic-evol-struct-pop-2019_csv.zip"),
//!     "base-ic-evol-struct-pop-2019.CSV",
//! )?;
//! # Ok::<(), ifn_ingest::archive::ArchiveError>(())
//! ```

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Errors reading an archive. Messages are in French: they reach the user as they are.
#[derive(Debug, Error)]
pub enum ArchiveError {
    /// The archive could not be opened or read.
    #[error("archive {path} : lecture impossible")]
    Read {
        /// The archive.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid archive of its kind.
    #[error("archive {path} : ce n'est pas une archive {kind} valide ({message}) ; retéléchargez le fichier")]
    Corrupt {
        /// The archive.
        path: PathBuf,
        /// `ZIP` or `7z`.
        kind: &'static str,
        /// What the reader said.
        message: String,
    },
    /// The extension is neither `.zip` nor `.7z`.
    #[error("archive {path} : format d'archive inconnu (attendu : .zip ou .7z)")]
    UnknownKind {
        /// The file.
        path: PathBuf,
    },
    /// No member matches the manifest's `member`.
    #[error("archive {path} : aucun fichier « {member} » dans l'archive (fichiers : {available}) ; corrigez `member` dans le manifeste")]
    MissingMember {
        /// The archive.
        path: PathBuf,
        /// The member asked for.
        member: String,
        /// The members found (the first ones).
        available: String,
    },
    /// Several members match.
    #[error("archive {path} : plusieurs fichiers correspondent à « {member} » ({found}) ; précisez `member` dans le manifeste")]
    AmbiguousMember {
        /// The archive.
        path: PathBuf,
        /// The pattern.
        member: String,
        /// The members that match.
        found: String,
    },
    /// A member could not be decompressed or written out.
    #[error("archive {path}, fichier {member} : extraction impossible")]
    Extract {
        /// The archive.
        path: PathBuf,
        /// The member.
        member: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Kind of archive, from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// ZIP (deflate or stored).
    Zip,
    /// 7z (LZMA / LZMA2).
    SevenZ,
}

impl ArchiveKind {
    /// The kind of `path` from its extension (case-insensitive), if it is an archive.
    ///
    /// ```
    /// use std::path::Path;
    /// use ifn_ingest::archive::ArchiveKind;
    /// assert_eq!(ArchiveKind::of(Path::new("a/B.ZIP")), Some(ArchiveKind::Zip));
    /// assert_eq!(ArchiveKind::of(Path::new("x.csv")), None);
    /// ```
    pub fn of(path: &Path) -> Option<ArchiveKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "zip" => Some(ArchiveKind::Zip),
            "7z" => Some(ArchiveKind::SevenZ),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ArchiveKind::Zip => "ZIP",
            ArchiveKind::SevenZ => "7z",
        }
    }
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters (`/` included).
///
/// ```
/// use ifn_ingest::archive::member_matches;
/// assert!(member_matches("*/CONTOURS-IRIS.shp", "A/B/CONTOURS-IRIS.shp"));
/// assert!(!member_matches("*.CSV", "meta_x.csv"));
/// ```
pub fn member_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The names of the files of an archive (directories left out), in archive order.
pub fn member_names(path: &Path) -> Result<Vec<String>, ArchiveError> {
    match kind(path)? {
        ArchiveKind::Zip => {
            let zip = open_zip(path)?;
            Ok(zip
                .file_names()
                .filter(|n| !n.ends_with('/'))
                .map(str::to_string)
                .collect())
        }
        ArchiveKind::SevenZ => {
            let archive = sevenz_rust2::Archive::open(path).map_err(|e| corrupt7(path, e))?;
            Ok(archive
                .files
                .iter()
                .filter(|e| !e.is_directory())
                .map(|e| e.name().to_string())
                .collect())
        }
    }
}

/// The one member of `path` that `pattern` names: its name and its bytes.
pub fn read_member(path: &Path, pattern: &str) -> Result<(String, Vec<u8>), ArchiveError> {
    let name = find_member(path, pattern)?;
    let mut bytes = Vec::new();
    each_member(path, std::slice::from_ref(&name), |_, r| {
        read_all(r, &mut bytes)
    })?;
    Ok((name, bytes))
}

/// Extracts the member `pattern` names, and every member beside it with the same stem (the
/// sidecar files of a Shapefile), into `dir`; returns the path of the member extracted.
pub fn extract_member(path: &Path, pattern: &str, dir: &Path) -> Result<PathBuf, ArchiveError> {
    let name = find_member(path, pattern)?;
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let wanted: Vec<String> = member_names(path)?
        .into_iter()
        .filter(|n| n == &name || n.rsplit_once('.').is_some_and(|(s, _)| s == stem))
        .collect();
    // Members are written flat, under their file name: a path inside the archive never
    // escapes `dir` (no `..` from an untrusted archive). They stream to disk: a national
    // Shapefile is hundreds of megabytes.
    each_member(path, &wanted, |member, r| {
        let file = member.rsplit('/').next().unwrap_or(member);
        let mut out = fs::File::create(dir.join(file))?;
        std::io::copy(r, &mut out).map(|_| ())
    })?;
    let file = name.rsplit('/').next().unwrap_or(&name);
    Ok(dir.join(file))
}

fn kind(path: &Path) -> Result<ArchiveKind, ArchiveError> {
    ArchiveKind::of(path).ok_or_else(|| ArchiveError::UnknownKind {
        path: path.to_path_buf(),
    })
}

fn find_member(path: &Path, pattern: &str) -> Result<String, ArchiveError> {
    let names = member_names(path)?;
    let found: Vec<&String> = names
        .iter()
        .filter(|n| member_matches(pattern, n))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(ArchiveError::MissingMember {
            path: path.to_path_buf(),
            member: pattern.to_string(),
            available: list(names.iter()),
        }),
        many => Err(ArchiveError::AmbiguousMember {
            path: path.to_path_buf(),
            member: pattern.to_string(),
            found: list(many.iter().copied()),
        }),
    }
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&String> = names.collect();
    let mut s = names
        .iter()
        .take(12)
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 12 {
        s.push_str(&format!(", … ({} en tout)", names.len()));
    }
    if s.is_empty() {
        s = "aucun".into();
    }
    s
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<fs::File>, ArchiveError> {
    let f = fs::File::open(path).map_err(|source| ArchiveError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    zip::ZipArchive::new(f).map_err(|e| ArchiveError::Corrupt {
        path: path.to_path_buf(),
        kind: ArchiveKind::Zip.name(),
        message: e.to_string(),
    })
}

fn corrupt7(path: &Path, e: sevenz_rust2::Error) -> ArchiveError {
    ArchiveError::Corrupt {
        path: path.to_path_buf(),
        kind: ArchiveKind::SevenZ.name(),
        message: e.to_string(),
    }
}

/// Passes each named member (which exist) to `sink` with a reader of its bytes, in one pass
/// over the archive (a solid 7z block is decoded once, not once per member).
fn each_member(
    path: &Path,
    names: &[String],
    mut sink: impl FnMut(&str, &mut dyn Read) -> std::io::Result<()>,
) -> Result<(), ArchiveError> {
    let extract = |member: &str, source: std::io::Error| ArchiveError::Extract {
        path: path.to_path_buf(),
        member: member.to_string(),
        source,
    };
    match kind(path)? {
        ArchiveKind::Zip => {
            let mut zip = open_zip(path)?;
            for name in names {
                let mut entry = zip.by_name(name).map_err(|e| {
                    extract(
                        name,
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                    )
                })?;
                sink(name, &mut entry).map_err(|e| extract(name, e))?;
            }
        }
        ArchiveKind::SevenZ => {
            let mut reader =
                sevenz_rust2::ArchiveReader::open(path, sevenz_rust2::Password::empty())
                    .map_err(|e| corrupt7(path, e))?;
            let mut left: Vec<&String> = names.iter().collect();
            let mut failed: Option<(String, std::io::Error)> = None;
            reader
                .for_each_entries_with_decision(|entry, r| {
                    let Some(i) = left.iter().position(|n| n.as_str() == entry.name()) else {
                        return Ok(sevenz_rust2::EntryDecision::Continue);
                    };
                    left.swap_remove(i);
                    if let Err(e) = sink(entry.name(), r) {
                        failed = Some((entry.name().to_string(), e));
                        return Ok(sevenz_rust2::EntryDecision::Stop);
                    }
                    Ok(if left.is_empty() {
                        sevenz_rust2::EntryDecision::Stop
                    } else {
                        sevenz_rust2::EntryDecision::Continue
                    })
                })
                .map_err(|e| corrupt7(path, e))?;
            if let Some((member, e)) = failed {
                return Err(extract(&member, e));
            }
            if let Some(missing) = left.first() {
                return Err(extract(
                    missing,
                    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "absent du flux"),
                ));
            }
        }
    }
    Ok(())
}

fn read_all(r: &mut dyn Read, out: &mut Vec<u8>) -> std::io::Result<()> {
    r.read_to_end(out).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_without_star_matches_only_itself() {
        assert!(member_matches("a.csv", "a.csv"));
        assert!(!member_matches("a.csv", "dir/a.csv"));
        assert!(!member_matches("", "a"));
    }

    #[test]
    fn stars_match_any_run_including_slashes() {
        assert!(member_matches("*", ""));
        assert!(member_matches("*a*b*", "xxaxxbxx"));
        assert!(!member_matches("*a*b*", "xxbxxaxx"));
        assert!(member_matches("base-*.CSV", "base-ic-2019.CSV"));
        assert!(!member_matches("base-*.CSV", "meta_base-ic-2019.CSV"));
        assert!(!member_matches("ab*ba", "aba"));
    }

    #[test]
    fn an_unknown_extension_is_refused_by_name() {
        let e = member_names(Path::new("x.rar")).unwrap_err().to_string();
        assert!(e.contains("x.rar") && e.contains(".zip ou .7z"), "{e}");
    }
}
