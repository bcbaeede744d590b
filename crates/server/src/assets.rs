//! The embedded web viewer (`web/dist`, built by `scripts/build-web.sh`): content types, gzip,
//! ETags and cache headers.
//!
//! `rust-embed` includes the files in release builds and reads them from `web/dist` in debug
//! builds. A binary built without `web/dist` serves a page saying how to build the map; the
//! API works meanwhile.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::http::{self, Cached};

#[derive(rust_embed::Embed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Dist;

/// Served at `/` when the viewer was not built into this binary.
const PLACEHOLDER: &str = r#"<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>ifn — visionneuse non construite</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5}code{background:#eee;padding:.1em .3em}</style>
</head><body>
<h1>Indice de Fragilité Numérique</h1>
<p>La carte n'a pas été construite : ce binaire a été compilé sans <code>web/dist</code>.</p>
<p>Pour l'inclure : <code>./scripts/build-web.sh</code> (ou <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), puis recompiler avec <code>cargo build --release</code>.</p>
<p>The web viewer was not built: run <code>./scripts/build-web.sh</code> and rebuild. The API works meanwhile: <a href="/api/meta">/api/meta</a>, <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/health">/health</a>.</p>
</body></html>
"#;

/// Whether the viewer was built into this binary (otherwise `/` says how to build it).
pub fn viewer_built() -> bool {
    !prepared().placeholder
}

/// Every file of the embedded viewer (path, bytes), for `ifn site`.
pub fn files() -> Vec<(String, Bytes)> {
    prepared()
        .files
        .iter()
        .map(|(path, asset)| (path.clone(), asset.raw.clone()))
        .collect()
}

/// One file as served.
struct Asset {
    raw: Bytes,
    gzip: Option<Bytes>,
    etag: String,
    content_type: String,
}

struct Prepared {
    files: HashMap<String, Asset>,
    placeholder: bool,
}

/// The media type of a path, with a charset for text.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::JSON;
    if text && mime.get_param(mime_guess::mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/javascript")
        || content_type.starts_with("application/json")
        || content_type == "image/svg+xml"
        || content_type == "application/wasm"
}

fn asset(path: &str, bytes: Bytes) -> Asset {
    let content_type = content_type(path);
    // Gzipped once, at the best level; kept only when it saves something.
    let gzip = (compressible(&content_type) && bytes.len() > 512)
        .then(|| http::gzip(&bytes, flate2::Compression::best()).ok())
        .flatten()
        .filter(|g| g.len() < bytes.len())
        .map(Bytes::from);
    Asset {
        etag: http::etag(&bytes),
        raw: bytes,
        gzip,
        content_type,
    }
}

/// Assets are prepared (gzipped, hashed) on the first request, not at start-up: tests and the
/// API do not pay for it.
fn prepared() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let mut files: HashMap<String, Asset> = Dist::iter()
            .filter_map(|path| {
                let file = Dist::get(&path)?;
                let bytes = match file.data {
                    Cow::Borrowed(b) => Bytes::from_static(b),
                    Cow::Owned(v) => Bytes::from(v),
                };
                Some((path.to_string(), asset(&path, bytes)))
            })
            .collect();
        let placeholder = !files.contains_key("index.html");
        if placeholder {
            files.insert(
                "index.html".into(),
                asset("index.html", Bytes::from_static(PLACEHOLDER.as_bytes())),
            );
        }
        Prepared { files, placeholder }
    })
}

/// Serves an embedded file; `/` is `index.html`. Paths with `..` or `.` segments, or a
/// backslash, are refused (400): nothing outside the embedded set can be reached anyway, but
/// the client learns the path is malformed.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let raw = uri.path();
    let decoded = percent_decode_str(raw).decode_utf8_lossy();
    if decoded.split('/').any(|s| s == ".." || s == ".") || decoded.contains('\\') {
        return ApiError::bad_request(format!(
            "le chemin « {raw} » contient des segments « .. » ou « . » : donnez un chemin direct"
        ))
        .into_response();
    }
    if decoded.starts_with("/api/")
        || decoded.starts_with("/tiles/")
        || decoded == "/api"
        || decoded == "/tiles"
    {
        return ApiError::not_found(format!(
            "aucun point d'accès {raw} : la liste est dans /api/openapi.json"
        ))
        .into_response();
    }
    let path = decoded.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let Some(asset) = prepared().files.get(path) else {
        return ApiError::not_found(format!(
            "aucun fichier {raw} dans la visionneuse : la carte est à l'adresse /"
        ))
        .into_response();
    };
    // Vite puts content-hashed files under assets/: they never change under the same name.
    let cache_control = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    http::cached_response(
        &headers,
        Cached {
            etag: &asset.etag,
            cache_control,
            content_type: &asset.content_type,
            raw: asset.raw.clone(),
            gzip: asset.gzip.clone(),
        },
    )
}
