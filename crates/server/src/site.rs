//! `ifn site`: a folder any static host serves as is — the viewer in its static mode, the
//! tables and tile archives of [`ifn_export::site`], and the answers of the API that do not
//! depend on a selection (meta, catalogue, places, GIS styles, glyphs), taken from this
//! router so that they are the server's very bytes.
//!
//! The folder is built beside its destination and renamed into place at the end: a failed
//! build leaves nothing half-written.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ifn_export::site::{self as data, LevelZooms};
use thiserror::Error;
use tower::ServiceExt;

use crate::state::AppState;

/// Errors of `ifn site`.
#[derive(Debug, Error)]
pub enum SiteError {
    /// The destination exists and `force` was not given.
    #[error("{0} existe déjà : choisissez un autre dossier ou ajoutez --force pour le remplacer")]
    Exists(PathBuf),
    /// The viewer was not built into this binary.
    #[error("la carte n'est pas dans ce binaire : lancez ./scripts/build-web.sh puis recompilez")]
    NoViewer,
    /// A file or folder could not be written.
    #[error("{path} : écriture impossible")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The tables or the tiles could not be written.
    #[error("données du site")]
    Data(#[from] ifn_export::ExportError),
    /// An answer of the API could not be produced.
    #[error("{path} : le serveur répond {status}")]
    Api {
        /// The request.
        path: String,
        /// Its status.
        status: StatusCode,
    },
    /// A background task failed.
    #[error("tâche interrompue : {0}")]
    Task(String),
}

/// What `ifn site` wrote.
#[derive(Debug, Clone, Default)]
pub struct SiteReport {
    /// Every file (relative path, size in bytes), sorted by path.
    pub files: Vec<(String, u64)>,
}

impl SiteReport {
    /// Total size in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|(_, s)| s).sum()
    }
}

/// Options of `ifn site`.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Highest zoom per level.
    pub zooms: LevelZooms,
    /// Replace an existing destination.
    pub force: bool,
}

/// `config.json` of the static viewer: where its data is.
const STATIC_CONFIG: &str = r#"{"static":{"site":"data/site.json"}}"#;

/// Builds the site of `state` into `out`.
pub async fn write_site(
    state: AppState,
    out: &Path,
    options: &SiteOptions,
) -> Result<SiteReport, SiteError> {
    if out.exists() && !options.force {
        return Err(SiteError::Exists(out.to_path_buf()));
    }
    if !crate::assets::viewer_built() {
        return Err(SiteError::NoViewer);
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".ifn-site-")
        .tempdir_in(&parent)
        .map_err(|source| SiteError::Io {
            path: parent.clone(),
            source,
        })?;
    let dir = tmp.path().to_path_buf();
    for (path, bytes) in crate::assets::files() {
        write(&dir, &path, &bytes)?;
    }
    write(&dir, "config.json", STATIC_CONFIG.as_bytes())?;
    for (name, ranges) in crate::routes::fonts::FONTS {
        for (first, bytes) in ranges {
            let path = format!("fonts/{name}/{first}-{}.pbf", first + 255);
            write(&dir, &path, bytes)?;
        }
    }
    prerender(&state, &dir).await?;
    let zooms = options.zooms;
    let st = state.clone();
    let d = dir.clone();
    tokio::task::spawn_blocking(move || -> Result<(), SiteError> {
        let (territory, engine) = (st.territory(), st.engine());
        let manifest = data::manifest(territory, engine, &zooms)?;
        data::write_tables(engine, &territory.geometries, &d)?;
        // The server's label points (computed once, in the background since start-up).
        data::write_tiles(territory, engine, st.labels(), &zooms, &d)?;
        write_offers(&st, &d)?;
        data::write_manifest(&manifest, &d)?;
        Ok(())
    })
    .await
    .map_err(|e| SiteError::Task(e.to_string()))??;
    let report = SiteReport {
        files: list(&dir, &dir)?,
    };
    let kept = tmp.keep();
    if out.exists() {
        // `force`: the old site is removed only once the new one is complete.
        std::fs::remove_dir_all(out).map_err(|source| SiteError::Io {
            path: out.to_path_buf(),
            source,
        })?;
    }
    std::fs::rename(&kept, out).map_err(|source| SiteError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(report)
}

/// The API answers a static viewer reads, written under `api/`.
async fn prerender(state: &AppState, dir: &Path) -> Result<(), SiteError> {
    let mut paths = vec![
        ("/api/meta".to_string(), "api/meta.json".to_string()),
        ("/api/catalogue".into(), "api/catalogue.json".into()),
        ("/api/places/facets".into(), "api/places-facets.json".into()),
        ("/api/places".into(), "api/places.json".into()),
    ];
    for level in state.tiled_levels() {
        for ext in ["qml", "sld"] {
            paths.push((
                format!("/api/style/{level}.{ext}"),
                format!("api/style/{level}.{ext}"),
            ));
        }
    }
    let app = crate::router(state.clone());
    for (uri, file) in paths {
        let request = Request::get(&uri)
            .body(Body::empty())
            .map_err(|e| SiteError::Task(e.to_string()))?;
        let response = app
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| SiteError::Task(e.to_string()))?;
        if response.status() != StatusCode::OK {
            return Err(SiteError::Api {
                path: uri,
                status: response.status(),
            });
        }
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|e| SiteError::Task(e.to_string()))?;
        write(dir, &file, &bytes)?;
    }
    Ok(())
}

/// `data/offer-<level>.json.gz`: the mediation offer of every territory for the default
/// selection and options (`{"selection", "options", "territories": {code: figures}}`), the
/// figures of the detail card; other selections or options need the server.
fn write_offers(state: &AppState, dir: &Path) -> Result<(), SiteError> {
    let engine = state.engine();
    let selection = ifn_core::Selection::builder(ifn_core::params::DEFAULT_PROFILE)
        .build(engine)
        .map_err(|e| SiteError::Task(e.to_string()))?;
    let options = ifn_core::offer::OfferOptions::default();
    for level in state.tiled_levels() {
        let offer = state
            .offer(level, &selection, &options)
            .map_err(|e| SiteError::Task(e.to_string()))?;
        let territories: serde_json::Map<String, serde_json::Value> = offer
            .territories
            .iter()
            .filter_map(|t| {
                Some((
                    t.code.clone(),
                    crate::routes::detail::offer_json(&offer, &t.code)?,
                ))
            })
            .collect();
        let doc = serde_json::json!({
            "profile": selection.profile,
            "indicators": selection.indicators,
            "options": { "threshold": options.threshold, "distance_km": options.distance_km },
            "territories": territories,
        });
        let gz = crate::http::gzip(doc.to_string().as_bytes(), flate2::Compression::best())
            .map_err(|source| SiteError::Io {
                path: dir.join("data"),
                source,
            })?;
        write(dir, &format!("data/offer-{level}.json.gz"), &gz)?;
    }
    Ok(())
}

fn write(dir: &Path, relative: &str, bytes: &[u8]) -> Result<(), SiteError> {
    let path = dir.join(relative);
    let io = |source| SiteError::Io {
        path: path.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(&path, bytes).map_err(io)
}

/// Every file under `dir`, relative to `root`, with its size, sorted.
fn list(root: &Path, dir: &Path) -> Result<Vec<(String, u64)>, SiteError> {
    let io = |source| SiteError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        if path.is_dir() {
            out.extend(list(root, &path)?);
        } else {
            let size = entry.metadata().map_err(io)?.len();
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, size));
        }
    }
    out.sort();
    Ok(out)
}
