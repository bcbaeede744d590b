//! GIS exports over HTTP (`/api/export/{level}.{fgb|gpkg|geojson|csv}`) with byte ranges, and
//! the printable territorial diagnostic (`/diagnostic/{level}/{code}`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use ifn_export::{places_to_bytes, to_bytes, ExportFormat, ExportInput, ExportOptions};

use crate::cache::CachedBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::http::{self, Download};
use crate::query::{
    filter_key, ApiPath, ApiQuery, ExportQuery, OfferQuery, PlaceFilterQuery, SelectionQuery,
};
use crate::routes::api::parse_level;
use crate::state::{offer_key, AppState};

/// Exports change only when the store does (a restart).
const EXPORT_CACHE_CONTROL: &str = "public, max-age=3600";

/// Scores and mediation-offer figures of a level with contours as a file: `fgb` (FlatGeobuf
/// with spatial index), `gpkg`, `geojson` or `csv`.
///
/// Answers `Range: bytes=…` requests with 206 Partial Content, so QGIS and GDAL (`/vsicurl/`)
/// can stream a FlatGeobuf through its spatial index.
#[utoipa::path(get, path = "/api/export/{level}.{format}", tag = "exports",
    params(
        ("level" = String, Path, description = "a level with contours"),
        ("format" = String, Path, description = "fgb, gpkg, geojson or csv (the extension of the path)"),
        ExportQuery, SelectionQuery, OfferQuery,
    ),
    responses(
        (status = 200, description = "the file (application/vnd.flatgeobuf, application/geopackage+sqlite3, application/geo+json or text/csv)", content_type = "application/octet-stream"),
        (status = 206, description = "the requested byte range"),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 400, description = "invalid selection or option", body = ErrorBody),
        (status = 404, description = "unknown level or format, or no contours", body = ErrorBody),
        (status = 416, description = "range outside the file"),
    ))]
pub async fn export(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(offer): ApiQuery<OfferQuery>,
    ApiQuery(filter): ApiQuery<PlaceFilterQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (level_text, ext) = file.rsplit_once('.').ok_or_else(|| {
        ApiError::not_found(format!(
            "« {file} » : une URL d'export nomme une échelle et un format, par exemple /api/export/commune.fgb"
        ))
    })?;
    if level_text == "places" {
        return places(
            State(state),
            ApiPath(file.clone()),
            ApiQuery(query),
            ApiQuery(filter),
            headers,
        )
        .await;
    }
    let level = parse_level(&state, level_text)?;
    let format: ExportFormat = ext.parse().map_err(|_| {
        ApiError::not_found(format!(
            "format d'export inconnu « {ext} » : fgb, gpkg, geojson ou csv sont attendus"
        ))
    })?;
    if format == ExportFormat::Pmtiles {
        return Err(ApiError::not_found(
            "les archives PMTiles se construisent avec `ifn export --format pmtiles` ; le serveur sert les mêmes tuiles à /tiles/{level}/{z}/{x}/{y}.mvt",
        ));
    }
    let excel = query.excel()?;
    let selection = selection.resolve(state.engine())?;
    let options = offer.resolve()?;
    let profile = selection.profile.clone();
    let key = format!(
        "{level}|{format}|{excel}|{}",
        offer_key(&selection, &options)
    );
    let filename = export_filename(level.as_str(), Some(&profile), format, excel);
    let file = cached_file(&state, key, move |st| {
        let scores = st.scores(level, &selection)?;
        let offer = st.offer(level, &selection, &options)?;
        let input = ExportInput::new(st.territory(), &scores, &selection, st.engine().catalogue())
            .with_offer(&offer)?;
        Ok(to_bytes(format, &input, &export_options(excel))?)
    })
    .await?;
    Ok(download(&headers, &file, format, &filename))
}

/// The name of an exported file: what it holds, the profile and the format, so that files
/// of several exports do not overwrite each other: `ifn-commune-tout-age.fgb`,
/// `ifn-commune-senior-excel.csv`, `ifn-lieux.geojson`.
pub fn export_filename(
    what: &str,
    profile: Option<&str>,
    format: ExportFormat,
    excel: bool,
) -> String {
    let mut name = format!("ifn-{what}");
    if let Some(p) = profile {
        name.push('-');
        name.push_str(p);
    }
    if excel && format == ExportFormat::Csv {
        name.push_str("-excel");
    }
    format!("{name}.{}", format.extension())
}

/// The mediation places as a file: `fgb` (FlatGeobuf, points with a spatial index),
/// `geojson` or `csv` (`excel=1`: BOM, `;`, decimal commas), with the places filters.
///
/// Columns `id`, `name`, `kinds`, `services`, `publics` (`|`-separated), `address`,
/// `commune` (INSEE code), `source`; CSV adds `lon`, `lat`. Range requests as the other
/// exports.
#[utoipa::path(get, path = "/api/export/places.{format}", tag = "exports", operation_id = "export_places",
    params(
        ("format" = String, Path, description = "fgb, geojson or csv (the extension of the path)"),
        ExportQuery, PlaceFilterQuery,
    ),
    responses(
        (status = 200, description = "the file (application/vnd.flatgeobuf, application/geo+json or text/csv)", content_type = "application/octet-stream"),
        (status = 206, description = "the requested byte range"),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 400, description = "invalid filter or option", body = ErrorBody),
        (status = 404, description = "unknown format", body = ErrorBody),
        (status = 416, description = "range outside the file"),
    ))]
pub async fn places(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
    ApiQuery(filter): ApiQuery<PlaceFilterQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let unknown = |ext: &str| {
        ApiError::not_found(format!(
            "format d'export des lieux inconnu « {ext} » : fgb, geojson ou csv, par exemple /api/export/places.fgb"
        ))
    };
    let ext = file.strip_prefix("places.").ok_or_else(|| unknown(&file))?;
    let format: ExportFormat = ext.parse().map_err(|_| unknown(ext))?;
    if !matches!(
        format,
        ExportFormat::Fgb | ExportFormat::GeoJson | ExportFormat::Csv
    ) {
        return Err(unknown(ext));
    }
    let excel = query.excel()?;
    let filter = filter.resolve()?;
    let key = format!("places|{format}|{excel}|{}", filter_key(filter.as_ref()));
    let filename = export_filename("lieux", None, format, excel);
    let file = cached_file(&state, key, move |st| {
        let places: Vec<&ifn_core::Place> = st
            .territory()
            .places
            .iter()
            .filter(|p| filter.as_ref().is_none_or(|f| f.matches(p)))
            .collect();
        Ok(places_to_bytes(format, &places, &export_options(excel))?)
    })
    .await?;
    Ok(download(&headers, &file, format, &filename))
}

/// Export options: Excel's CSV dialect or not.
fn export_options(excel: bool) -> ExportOptions {
    ExportOptions {
        excel,
        ..Default::default()
    }
}

/// The file under `key` in the exports cache, built by `build` (off the async runtime) when it
/// is not there yet, so that the range requests of one download do not rebuild it.
async fn cached_file(
    state: &AppState,
    key: String,
    build: impl FnOnce(&AppState) -> ApiResult<Vec<u8>> + Send + 'static,
) -> ApiResult<Arc<CachedBody>> {
    if let Some(f) = state.inner.exports.get(&key) {
        return Ok(f);
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<Arc<CachedBody>> {
        let bytes = build(&st)?;
        let f = Arc::new(CachedBody {
            etag: http::etag(&bytes),
            raw: Bytes::from(bytes),
            gzip: None,
        });
        st.inner.exports.insert(key, Arc::clone(&f));
        Ok(f)
    })
    .await?
}

/// The file as an attachment, honouring `Range`, `If-Range` and `If-None-Match`.
fn download(
    headers: &HeaderMap,
    file: &CachedBody,
    format: ExportFormat,
    filename: &str,
) -> Response {
    http::ranged_response(
        headers,
        Download {
            bytes: file.raw.clone(),
            etag: &file.etag,
            cache_control: EXPORT_CACHE_CONTROL,
            content_type: format.media_type(),
            filename,
        },
    )
}

/// Printable *diagnostic territorial* (French HTML, A4) of one territory: needs of the
/// public, mediation offer, gaps, sources.
#[utoipa::path(get, path = "/diagnostic/{level}/{code}", tag = "exports",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        ("code" = String, Path, description = "territory code"),
        SelectionQuery, OfferQuery,
    ),
    responses(
        (status = 200, description = "the HTML page", content_type = "text/html"),
        (status = 400, description = "invalid selection or offer option (a French HTML page)", content_type = "text/html"),
        (status = 404, description = "unknown level or code (a French HTML page saying what to do)", content_type = "text/html"),
    ))]
pub async fn diagnostic(
    State(state): State<AppState>,
    path: Result<ApiPath<(String, String)>, ApiError>,
    selection: Result<ApiQuery<SelectionQuery>, ApiError>,
    offer: Result<ApiQuery<OfferQuery>, ApiError>,
) -> Response {
    // A browser opens this route: its errors are French pages (same status), not JSON.
    match diagnostic_page(state, path, selection, offer).await {
        Ok(r) => r,
        Err(e) => (
            e.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            ifn_diagnostic::render_error_page(e.status.as_u16(), &e.message),
        )
            .into_response(),
    }
}

async fn diagnostic_page(
    state: AppState,
    path: Result<ApiPath<(String, String)>, ApiError>,
    selection: Result<ApiQuery<SelectionQuery>, ApiError>,
    offer: Result<ApiQuery<OfferQuery>, ApiError>,
) -> ApiResult<Response> {
    let (ApiPath((level, code)), ApiQuery(selection), ApiQuery(offer)) =
        (path?, selection?, offer?);
    let level = parse_level(&state, &level)?;
    let selection = selection.resolve(state.engine())?;
    let options = offer.resolve()?;
    let html = tokio::task::spawn_blocking(move || -> ApiResult<String> {
        let t = state.territory();
        let ctx = ifn_diagnostic::DiagnosticContext {
            meta: &t.meta,
            engine: state.engine(),
            geometries: &t.geometries,
            places: &t.places,
            index: state.place_index(),
        };
        let input = ifn_diagnostic::build_input(
            &ctx,
            level,
            code.trim(),
            &selection,
            &options,
            &ifn_diagnostic::today_utc(),
        )?;
        Ok(ifn_diagnostic::render_html(&input))
    })
    .await??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response())
}
