//! Label points as vector tiles (`/tiles/labels/{level}/{z}/{x}/{y}.mvt`) and their TileJSON
//! (`/tiles/labels/{level}.json`): one point per territory, independent of the selection, so
//! the map writes names. Messages in French.

use std::sync::Arc;

use super::tiles::tile_address;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use ifn_core::Level;
use ifn_tiles::labels::LABEL_LAYER;
use ifn_tiles::MAX_ZOOM;

use crate::cache::CachedBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::http;
use crate::model::TileJson;
use crate::query::ApiPath;
use crate::routes::tiles::{attribution, base_url, tile_response};
use crate::state::AppState;

fn labels_of(state: &AppState, text: &str) -> ApiResult<Level> {
    // The levels with contours are those with label points (both need contours and scores).
    let known = || {
        state
            .tiled_levels()
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    text.parse::<Level>()
        .ok()
        .filter(|l| state.inner.tilers.contains_key(l))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "pas d'étiquettes pour le niveau « {text} » : niveaux disponibles : {}",
                known()
            ))
        })
}

/// Label points of a level: one point per territory at the pole of inaccessibility of its
/// largest polygon, independent of the selection.
///
/// Layer `labels`, points with `code`, `name`, `population`, most populated first; a tile
/// carries only the territories big enough on screen at its zoom to hold a name (side of the
/// square of their area ≥ 32 px), at most 1,500. gzip with `Accept-Encoding`, ETag, 204 for
/// an empty tile.
#[utoipa::path(get, path = "/tiles/labels/{level}/{z}/{x}/{y}.mvt", tag = "tiles", operation_id = "labels_tile",
    params(
        ("level" = String, Path, description = "a level with contours"),
        ("z" = u8, Path, description = "zoom, 0 to 16"),
        ("x" = u32, Path, description = "column, 0 to 2^z − 1"),
        ("y" = u32, Path, description = "row from the north, 0 to 2^z − 1"),
    ),
    responses(
        (status = 200, description = "the tile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "empty tile"),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 400, description = "tile outside the grid", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn tile(
    State(state): State<AppState>,
    ApiPath((level, z, x, y)): ApiPath<(String, String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let level = labels_of(&state, &level)?;
    let id = tile_address(&z, &x, &y, "/tiles/labels/commune/8/131/89.mvt")?;
    let key = (LABEL_LAYER, id, level.as_str().to_string());
    let t = match state.inner.tiles.get(&key) {
        Some(t) => t,
        None => {
            let st = state.clone();
            tokio::task::spawn_blocking(move || -> ApiResult<Arc<CachedBody>> {
                let raw = st
                    .labels()
                    .get(&level)
                    .map(|l| l.tile(id))
                    .unwrap_or_default();
                let gz = http::gzip(&raw, flate2::Compression::fast())
                    .map_err(|e| ApiError::internal("gzipping a label tile", &e))?;
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
    Ok(tile_response(&t, &headers))
}

/// TileJSON 3.0.0 of the label points of a level.
#[utoipa::path(get, path = "/tiles/labels/{level}.json", tag = "tiles", operation_id = "labels_tilejson",
    params(("level" = String, Path, description = "a level with contours")),
    responses(
        (status = 200, description = "TileJSON", body = TileJson),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn tilejson(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Json<TileJson>> {
    let name = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::not_found(format!(
            "« {file} » : le TileJSON des étiquettes est à /tiles/labels/<niveau>.json, par exemple /tiles/labels/commune.json"
        ))
    })?;
    let level = labels_of(&state, name)?;
    let meta = state.meta();
    let b = meta.bbox;
    let fields = ifn_tiles::tilejson::label_fields();
    Ok(Json(TileJson {
        tilejson: "3.0.0",
        name: format!("ifn labels {level}"),
        description: format!("Étiquettes des territoires, niveau {level} — {}", meta.name),
        attribution: attribution(meta),
        scheme: "xyz",
        tiles: vec![format!(
            "{}/tiles/labels/{level}/{{z}}/{{x}}/{{y}}.mvt",
            base_url(&headers)
        )],
        minzoom: 0,
        maxzoom: MAX_ZOOM,
        bounds: b,
        center: [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 7.0],
        vector_layers: vec![ifn_tiles::tilejson::vector_layer(
            LABEL_LAYER,
            &format!("étiquettes {level} ({})", meta.name),
            0,
            MAX_ZOOM,
            fields,
        )],
    }))
}
