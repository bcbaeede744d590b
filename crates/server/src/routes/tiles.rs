//! Vector tiles and TileJSON.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ifn_core::Level;
use ifn_tiles::{gzip, TileId, MAX_ZOOM};
use serde_json::{json, Value};
use tracing::debug;

use crate::error::{ApiError, ApiResult};
use crate::query::{filter_key, fnv1a, ApiPath, Params};
use crate::state::{offer_key, AppState, EncodedTile};

/// MVT media type.
pub const MVT_CONTENT_TYPE: &str = "application/vnd.mapbox-vector-tile";
/// Tiles change only when the store does (a restart): an hour of freshness, then ETag checks.
const TILE_CACHE_CONTROL: &str = "public, max-age=3600";

/// A tile layer: a level with contours, or the mediation places.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layer {
    Level(Level),
    Places,
}

impl Layer {
    fn name(self) -> &'static str {
        match self {
            Layer::Level(l) => l.as_str(),
            Layer::Places => "places",
        }
    }
}

fn parse_layer(state: &AppState, text: &str) -> ApiResult<Layer> {
    if text == "places" {
        return Ok(Layer::Places);
    }
    let level: Level = text.parse().map_err(|_| {
        ApiError::not_found(format!(
            "unknown tile layer '{text}': expected one of {}, places",
            state
                .tiled_levels()
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if !state.inner.tilers.contains_key(&level) {
        return Err(ApiError::not_found(format!(
            "this store has no contours for level {level}: no tiles; levels with contours: {}",
            state
                .tiled_levels()
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(Layer::Level(level))
}

fn parse_coord(name: &str, text: &str) -> ApiResult<u32> {
    text.parse::<u32>().map_err(|_| {
        ApiError::bad_request(format!("tile {name} '{text}': expected a whole number ≥ 0"))
    })
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`.
///
/// A tile asked before with the same path and query is answered from a cache keyed by the URI,
/// before any parsing: the warm path is a hash lookup and a reference-counted body.
pub async fn tile(State(state): State<AppState>, req: Request) -> ApiResult<Response> {
    let uri = req.uri();
    let key = uri
        .path_and_query()
        .map_or_else(|| uri.path(), |pq| pq.as_str());
    if let Some(t) = state.inner.tiles_by_uri.get(key) {
        return Ok(tile_response(&t, req.headers()));
    }
    let uri_key: Box<str> = key.into();
    let t = encode_tile(&state, uri.path(), uri.query()).await?;
    let size = uri_key.len() + t.raw.len() + t.gzip.len() + 64;
    state
        .inner
        .tiles_by_uri
        .insert(uri_key, Arc::clone(&t), size);
    Ok(tile_response(&t, req.headers()))
}

/// Parses a tile path and query, and encodes the tile (or takes it from the cache of tiles
/// per selection).
async fn encode_tile(
    state: &AppState,
    path: &str,
    query: Option<&str>,
) -> ApiResult<Arc<EncodedTile>> {
    let params = Params::parse(query)?;
    let parts: Vec<&str> = path
        .strip_prefix("/tiles/")
        .unwrap_or(path)
        .split('/')
        .collect();
    let [layer, z, x, y] = parts[..] else {
        return Err(ApiError::not_found(format!(
            "'{path}': tile URLs are /tiles/<level>/<z>/<x>/<y>.mvt"
        )));
    };
    let layer = parse_layer(state, layer)?;
    let y = y
        .strip_suffix(".mvt")
        .or_else(|| y.strip_suffix(".pbf"))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "tile '{y}': tile URLs end in .mvt, as in /tiles/commune/8/126/90.mvt"
            ))
        })?;
    let z = parse_coord("z", z)?;
    let z = u8::try_from(z).map_err(|_| {
        ApiError::bad_request(format!(
            "zoom {z} is out of range: tiles are served for zoom 0 to {MAX_ZOOM}"
        ))
    })?;
    let id = TileId::new(z, parse_coord("x", x)?, parse_coord("y", y)?)?;
    // What the tile depends on besides its position: the selection and offer options for a
    // level, the filter for the places.
    let (selection, filter) = match layer {
        Layer::Level(_) => (
            Some((params.selection(state.engine())?, params.offer_options()?)),
            None,
        ),
        Layer::Places => (None, params.place_filter()?),
    };
    let key = (
        layer.name(),
        id,
        match &selection {
            Some((sel, opts)) => offer_key(sel, opts),
            None => filter_key(filter.as_ref()),
        },
    );
    let encoded = match state.inner.tiles.get(&key) {
        Some(t) => t,
        None => {
            let st = state.clone();
            let key2 = key.clone();
            tokio::task::spawn_blocking(move || -> ApiResult<Arc<EncodedTile>> {
                let raw = match (layer, &selection) {
                    (Layer::Level(level), Some((sel, opts))) => {
                        let scores = st.scores(level, sel)?;
                        let offer = st.offer(level, sel, opts)?;
                        let tiler = st.inner.tilers.get(&level).ok_or_else(|| {
                            ApiError::not_found(format!("no contours for level {level}"))
                        })?;
                        tiler.tile(id, level.as_str(), &scores, Some(&offer))
                    }
                    _ => st.inner.places_tiler.tile(id, filter.as_ref()),
                };
                let gz = gzip(&raw)?;
                let etag = format!("\"{:016x}\"", fnv1a(&raw));
                let t = Arc::new(EncodedTile {
                    raw: Bytes::from(raw),
                    gzip: Bytes::from(gz),
                    etag,
                });
                st.inner
                    .tiles
                    .insert(key2, Arc::clone(&t), t.raw.len() + t.gzip.len() + 128);
                Ok(t)
            })
            .await??
        }
    };
    debug!(
        tile.z = id.z,
        tile.x = id.x,
        tile.y = id.y,
        layer = layer.name(),
        bytes = encoded.raw.len(),
        "tile"
    );
    Ok(encoded)
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|e| {
                e.split(';')
                    .next()
                    .is_some_and(|e| e.trim() == "gzip" || e.trim() == "*")
            })
        })
}

/// Common caching headers; a 304 when the client's ETag matches.
pub(crate) fn cached_response(
    headers: &HeaderMap,
    etag: &str,
    cache_control: &'static str,
    content_type: &str,
    raw: &[u8],
    gz: Option<&[u8]>,
) -> Response {
    cached_response_bytes(
        headers,
        etag,
        cache_control,
        content_type,
        Bytes::copy_from_slice(raw),
        gz.map(Bytes::copy_from_slice),
    )
}

/// [`cached_response`] over shared buffers: the body is a reference-counted view, not a copy.
fn cached_response_bytes(
    headers: &HeaderMap,
    etag: &str,
    cache_control: &'static str,
    content_type: &str,
    raw: Bytes,
    gz: Option<Bytes>,
) -> Response {
    // Header values are checked once here; a value that is not valid in a header (it never
    // is: ETags are hex, types ASCII) answers 500 rather than panicking.
    let (Ok(etag_value), Ok(type_value)) = (
        HeaderValue::from_str(etag),
        HeaderValue::from_str(content_type),
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let (status, body, gzipped) = if matches {
        (StatusCode::NOT_MODIFIED, Body::empty(), false)
    } else if raw.is_empty() {
        (StatusCode::NO_CONTENT, Body::empty(), false)
    } else {
        match gz {
            Some(gz) if accepts_gzip(headers) => (StatusCode::OK, Body::from(gz), true),
            _ => (StatusCode::OK, Body::from(raw), false),
        }
    };
    // Built in place rather than with `Response::builder()`: this is the warm path of every
    // tile request.
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::ETAG, etag_value);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if status == StatusCode::OK {
        h.insert(header::CONTENT_TYPE, type_value);
        if gzipped {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
    res
}

fn tile_response(t: &EncodedTile, headers: &HeaderMap) -> Response {
    cached_response_bytes(
        headers,
        &t.etag,
        TILE_CACHE_CONTROL,
        MVT_CONTENT_TYPE,
        t.raw.clone(),
        Some(t.gzip.clone()),
    )
}

/// Base URL of this server as the client reached it (TileJSON needs absolute tile URLs).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost:8080");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// `GET /tiles/{layer}.json` → TileJSON 3.0.0.
pub async fn tilejson(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let params = Params::parse(raw.as_deref())?;
    let name = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::not_found(format!(
            "'{file}': TileJSON is at /tiles/<level>.json, e.g. /tiles/commune.json"
        ))
    })?;
    let layer = parse_layer(&state, name)?;
    let meta = state.meta();
    let fields: Value = match layer {
        Layer::Level(_) => {
            let sel = params.selection(state.engine())?;
            let mut f = serde_json::Map::new();
            f.insert(
                "code".into(),
                json!("String: territory code (INSEE, or X… in the fictional demo)"),
            );
            f.insert("name".into(), json!("String: name"));
            f.insert("population".into(), json!("Number: population"));
            f.insert("score".into(), json!("Number: IFN total score, 1 (low) to 10 (high) fragility; absent when no indicator has data"));
            params.offer_options()?;
            for k in &sel.indicators {
                let label = state
                    .engine()
                    .catalogue()
                    .indicator(k)
                    .map(|d| d.label.clone())
                    .unwrap_or_default();
                f.insert(
                    k.clone(),
                    json!(format!("Number: class 1–10 of « {label} »")),
                );
            }
            for name in ifn_core::offer::TerritoryOffer::FLAT_FIELD_NAMES {
                f.insert(
                    name.into(),
                    json!(format!(
                        "Number: mediation offer, {}",
                        name.replace('_', " ")
                    )),
                );
            }
            Value::Object(f)
        }
        Layer::Places => json!({
            "id": "String", "name": "String", "kinds": "String: |-separated kinds",
            "services": "String: |-separated services", "publics": "String", "address": "String", "commune": "String: INSEE code",
        }),
    };
    let query = params.selection_query();
    let query = match layer {
        Layer::Places => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for k in ["kinds", "services", "publics"] {
                if let Some(v) = params.get(k) {
                    q.append_pair(k, v);
                }
            }
            params.place_filter()?;
            q.finish()
        }
        Layer::Level(_) => query,
    };
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let url = format!(
        "{}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}",
        base_url(&headers),
        layer.name()
    );
    let b = meta.bbox;
    let attribution = if meta.fictional {
        "ifn — données fictives de démonstration".to_string()
    } else {
        let producers: std::collections::BTreeSet<&str> =
            meta.sources.iter().map(|s| s.producer.as_str()).collect();
        format!(
            "ifn — {}",
            producers.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Ok(Json(json!({
        "tilejson": "3.0.0",
        "name": format!("ifn {}", layer.name()),
        "description": format!("Indice de Fragilité Numérique, {} — {}", layer.name(), meta.name),
        "attribution": attribution,
        "scheme": "xyz",
        "tiles": [url],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": b,
        "center": [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 7],
        "vector_layers": [{
            "id": layer.name(),
            "description": format!("{} ({})", layer.name(), meta.name),
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
            "fields": fields,
        }],
    })))
}
