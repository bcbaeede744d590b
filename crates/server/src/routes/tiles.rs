//! Vector tiles and TileJSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::Response;
use axum::Json;
use ifn_core::Level;
use ifn_tiles::{tilejson, TileId, MAX_ZOOM};
use tracing::debug;

use crate::cache::CachedBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::http::{self, Cached};
use crate::model::TileJson;
use crate::query::{
    filter_key, parse_query, ApiPath, ApiQuery, OfferQuery, PlaceFilterQuery, SelectionQuery,
};
use crate::state::{offer_key, AppState};

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

fn tiled_levels_text(state: &AppState) -> String {
    state
        .tiled_levels()
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_layer(state: &AppState, text: &str) -> ApiResult<Layer> {
    if text == "places" {
        return Ok(Layer::Places);
    }
    let level: Level = text.parse().map_err(|_| {
        ApiError::not_found(format!(
            "couche de tuiles inconnue « {text} » : {} ou places sont attendues",
            tiled_levels_text(state)
        ))
    })?;
    if !state.inner.tilers.contains_key(&level) {
        return Err(ApiError::not_found(format!(
            "ce magasin n'a pas de contours à l'échelle {level}, donc pas de tuiles ; échelles avec contours : {}",
            tiled_levels_text(state)
        )));
    }
    Ok(Layer::Level(level))
}

/// The tile of the `{z}/{x}/{y}.mvt` segments of a tile URL (`.pbf` accepted too); `example`
/// is a valid URL of the same kind, for the messages. Shared by the level, places and label
/// tiles.
pub(crate) fn tile_address(z: &str, x: &str, y: &str, example: &str) -> ApiResult<TileId> {
    let y = y
        .strip_suffix(".mvt")
        .or_else(|| y.strip_suffix(".pbf"))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "tuile « {y} » : les URL de tuiles finissent en .mvt, par exemple {example}"
            ))
        })?;
    let z = parse_coord("z", z)?;
    let z = u8::try_from(z).map_err(|_| {
        ApiError::bad_request(format!(
            "zoom {z} hors limites : les tuiles vont du zoom 0 au zoom {MAX_ZOOM}"
        ))
    })?;
    Ok(TileId::new(z, parse_coord("x", x)?, parse_coord("y", y)?)?)
}

fn parse_coord(name: &str, text: &str) -> ApiResult<u32> {
    text.parse::<u32>().map_err(|_| {
        ApiError::bad_request(format!("tuile : {name} « {text} » n'est pas un entier ≥ 0"))
    })
}

/// Mapbox Vector Tile of a level (or `places`).
///
/// One layer named as the level; feature id = row index; properties code, name, population,
/// score, one class per selected indicator and the mediation-offer figures. The places layer
/// takes the filters and clusters points up to a zoom. gzip with `Accept-Encoding`, ETag, 204
/// for an empty tile.
///
/// A tile asked before with the same path and query is answered from a cache keyed by the URI,
/// before any parsing: the warm path is a hash lookup and a reference-counted body.
#[utoipa::path(get, path = "/tiles/{level}/{z}/{x}/{y}.mvt", tag = "tiles",
    params(
        ("level" = String, Path, description = "a level with contours, or places"),
        ("z" = u8, Path, description = "zoom, 0 to 16"),
        ("x" = u32, Path, description = "column, 0 to 2^z − 1"),
        ("y" = u32, Path, description = "row from the north, 0 to 2^z − 1"),
        SelectionQuery, OfferQuery, PlaceFilterQuery,
    ),
    responses(
        (status = 200, description = "the tile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "empty tile"),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 400, description = "tile outside the grid, or invalid selection", body = ErrorBody),
        (status = 404, description = "unknown layer", body = ErrorBody),
    ))]
pub async fn tile(State(state): State<AppState>, req: Request) -> ApiResult<Response> {
    let uri = req.uri();
    let key = uri
        .path_and_query()
        .map_or_else(|| uri.path(), |pq| pq.as_str());
    if let Some(t) = state.inner.tiles_by_uri.get(key) {
        return Ok(tile_response(&t, req.headers()));
    }
    let uri_key: Box<str> = key.into();
    let t = encode_tile(&state, uri).await?;
    state.inner.tiles_by_uri.insert(uri_key, Arc::clone(&t));
    Ok(tile_response(&t, req.headers()))
}

/// Parses a tile path and query, and encodes the tile (or takes it from the cache of tiles
/// per selection).
async fn encode_tile(state: &AppState, uri: &Uri) -> ApiResult<Arc<CachedBody>> {
    let path = uri.path();
    let parts: Vec<&str> = path
        .strip_prefix("/tiles/")
        .unwrap_or(path)
        .split('/')
        .collect();
    let [layer, z, x, y] = parts[..] else {
        return Err(ApiError::not_found(format!(
            "« {path} » : les URL de tuiles sont /tiles/<échelle>/<z>/<x>/<y>.mvt"
        )));
    };
    let layer = parse_layer(state, layer)?;
    let id = tile_address(z, x, y, "/tiles/commune/8/126/90.mvt")?;
    // What the tile depends on besides its position: the selection and offer options for a
    // level, the filter for the places.
    let (selection, filter) = match layer {
        Layer::Level(_) => {
            let sel = parse_query::<SelectionQuery>(uri)?.resolve(state.engine())?;
            let opts = parse_query::<OfferQuery>(uri)?.resolve()?;
            (Some((sel, opts)), None)
        }
        Layer::Places => (None, parse_query::<PlaceFilterQuery>(uri)?.resolve()?),
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
            tokio::task::spawn_blocking(move || -> ApiResult<Arc<CachedBody>> {
                let start = std::time::Instant::now();
                let raw = match (layer, &selection) {
                    (Layer::Level(level), Some((sel, opts))) => {
                        let scores = st.scores(level, sel)?;
                        let offer = st.offer(level, sel, opts)?;
                        let tiler = st.inner.tilers.get(&level).ok_or_else(|| {
                            ApiError::not_found(format!("pas de contours à l'échelle {level}"))
                        })?;
                        tiler.tile(id, level.as_str(), &scores, Some(&offer))
                    }
                    _ => st.inner.places_tiler.tile(id, filter.as_ref()),
                };
                let encoded = start.elapsed();
                let gz = http::gzip(&raw, flate2::Compression::fast())
                    .map_err(|e| ApiError::internal("compression gzip d'une tuile", &e))?;
                debug!(
                    tile.z = id.z,
                    tile.x = id.x,
                    tile.y = id.y,
                    encode_ms = encoded.as_secs_f64() * 1e3,
                    gzip_ms = (start.elapsed() - encoded).as_secs_f64() * 1e3,
                    "tile encoded"
                );
                let t = Arc::new(CachedBody {
                    etag: http::etag(&raw),
                    raw: Bytes::from(raw),
                    gzip: Some(Bytes::from(gz)),
                });
                st.inner.tiles.insert(key, Arc::clone(&t));
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

pub(crate) fn tile_response(t: &CachedBody, headers: &HeaderMap) -> Response {
    http::cached_response(
        headers,
        Cached {
            etag: &t.etag,
            cache_control: TILE_CACHE_CONTROL,
            content_type: MVT_CONTENT_TYPE,
            raw: t.raw.clone(),
            gzip: t.gzip.clone(),
        },
    )
}

/// Base URL of this server as the client reached it (TileJSON needs absolute tile URLs).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
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

/// The attribution of the store's tiles: its producers (or the demo's notice).
pub(crate) fn attribution(meta: &ifn_core::TerritoryMeta) -> String {
    if meta.fictional {
        "ifn — données fictives de démonstration".to_string()
    } else {
        let producers: std::collections::BTreeSet<&str> =
            meta.sources.iter().map(|s| s.producer.as_str()).collect();
        format!(
            "ifn — {}",
            producers.into_iter().collect::<Vec<_>>().join(", ")
        )
    }
}

/// TileJSON 3.0.0 of a level (or `places`); the tiles URL carries the selection.
#[utoipa::path(get, path = "/tiles/{level}.json", tag = "tiles",
    params(
        ("level" = String, Path, description = "a level with contours, or places"),
        SelectionQuery, OfferQuery, PlaceFilterQuery,
    ),
    responses(
        (status = 200, description = "TileJSON", body = TileJson),
        (status = 400, description = "invalid selection or filter", body = ErrorBody),
        (status = 404, description = "unknown layer", body = ErrorBody),
    ))]
pub async fn tilejson(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(offer): ApiQuery<OfferQuery>,
    ApiQuery(filter): ApiQuery<PlaceFilterQuery>,
    headers: HeaderMap,
) -> ApiResult<Json<TileJson>> {
    let name = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::not_found(format!(
            "« {file} » : le TileJSON est à /tiles/<échelle>.json, par exemple /tiles/commune.json"
        ))
    })?;
    let layer = parse_layer(&state, name)?;
    let meta = state.meta();
    // Validated here so that a bad selection fails now, not on every tile.
    let (fields, query) = match layer {
        Layer::Level(_) => {
            let sel = selection.resolve(state.engine())?;
            offer.resolve()?;
            (
                tilejson::level_fields(&sel.indicators, state.engine().catalogue(), true),
                crate::query::selection_query(&selection, &offer),
            )
        }
        Layer::Places => {
            filter.resolve()?;
            (tilejson::places_fields(), filter.query())
        }
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
    let attribution = attribution(meta);
    Ok(Json(TileJson {
        tilejson: "3.0.0",
        name: format!("ifn {}", layer.name()),
        description: format!(
            "Indice de Fragilité Numérique, {} — {}",
            layer.name(),
            meta.name
        ),
        attribution,
        scheme: "xyz",
        tiles: vec![url],
        minzoom: 0,
        maxzoom: MAX_ZOOM,
        bounds: b,
        center: [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 7.0],
        vector_layers: vec![tilejson::vector_layer(
            layer.name(),
            &format!("{} ({})", layer.name(), meta.name),
            0,
            MAX_ZOOM,
            fields,
        )],
    }))
}
