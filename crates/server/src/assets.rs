//! The embedded web viewer: content types, gzip, ETags and cache headers.

use std::sync::OnceLock;

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::query::fnv1a;
use crate::routes::tiles::cached_response;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

pub use embedded::VIEWER_BUILT;

struct Prepared {
    path: &'static str,
    bytes: &'static [u8],
    gzip: Option<Vec<u8>>,
    etag: String,
    content_type: &'static str,
}

/// Content type from a file extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        "pbf" => "application/x-protobuf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn compressible(ct: &str) -> bool {
    ct.starts_with("text/")
        || ct.starts_with("application/json")
        || ct == "image/svg+xml"
        || ct == "application/wasm"
}

/// Assets are prepared (gzipped, hashed) on the first request, not at start-up: tests and the
/// API do not pay for it.
fn prepared() -> &'static [Prepared] {
    static P: OnceLock<Vec<Prepared>> = OnceLock::new();
    P.get_or_init(|| {
        embedded::ASSETS
            .iter()
            .map(|&(path, bytes)| {
                let ct = content_type(path);
                let gzip = if compressible(ct) && bytes.len() > 512 {
                    ifn_tiles::gzip(bytes)
                        .ok()
                        .filter(|g| g.len() < bytes.len())
                } else {
                    None
                };
                Prepared {
                    path,
                    bytes,
                    gzip,
                    etag: format!("\"{:016x}\"", fnv1a(bytes)),
                    content_type: ct,
                }
            })
            .collect()
    })
}

/// Serves an embedded file; `/` is `index.html`. Paths with `..` or `.` segments, or a
/// backslash, are refused (400): nothing outside the embedded set can be reached anyway, but
/// the client learns the path is malformed.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let raw = uri.path();
    let decoded: String =
        form_urlencoded::parse(format!("p={}", raw.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
    if decoded.split('/').any(|s| s == ".." || s == ".") || decoded.contains('\\') {
        return ApiError::bad_request(format!("path '{raw}' contains '..' or '.' segments"))
            .into_response();
    }
    if decoded.starts_with("/api/")
        || decoded.starts_with("/tiles/")
        || decoded == "/api"
        || decoded == "/tiles"
    {
        return ApiError::not_found(format!("no endpoint {raw}: see /api/openapi.json"))
            .into_response();
    }
    let path = decoded.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let Some(asset) = prepared().iter().find(|a| a.path == path) else {
        return ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no file {raw} in the embedded viewer; the map is at /"),
        }
        .into_response();
    };
    // Vite puts content-hashed files under assets/: they never change under the same name.
    let cache = if asset.path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    cached_response(
        &headers,
        &asset.etag,
        cache,
        asset.content_type,
        asset.bytes,
        asset.gzip.as_deref(),
    )
}
