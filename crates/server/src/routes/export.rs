//! GIS exports over HTTP (`/api/export/{level}.{fgb|gpkg|geojson|csv}`) with byte ranges, and
//! the printable territorial diagnostic (`/diagnostic/{level}/{code}`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ifn_export::{to_bytes, ExportFormat, ExportInput, ExportOptions};

use crate::error::{ApiError, ApiResult};
use crate::query::{fnv1a, ApiPath, Params};
use crate::routes::api::parse_level;
use crate::state::{offer_key, AppState};

/// An export as served: the bytes and their strong ETag.
#[derive(Debug)]
pub struct ExportedFile {
    /// The file.
    pub bytes: Vec<u8>,
    /// Strong ETag, quoted.
    pub etag: String,
}

/// Exports change only when the store does (a restart).
const EXPORT_CACHE_CONTROL: &str = "public, max-age=3600";

/// `GET /api/export/{level}.{ext}?<selection>&threshold=&distance_km=&excel=1`: the scores and
/// mediation-offer figures of a level with contours, as a file. Answers `Range: bytes=…`
/// requests with 206 Partial Content, so QGIS and GDAL (`/vsicurl/`) can stream a FlatGeobuf
/// through its spatial index.
pub async fn export(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let (level_text, ext) = file.rsplit_once('.').ok_or_else(|| {
        ApiError::not_found(format!(
            "'{file}': export URLs name a level and a format, e.g. /api/export/commune.fgb"
        ))
    })?;
    let level = parse_level(&state, level_text)?;
    let format: ExportFormat = ext.parse().map_err(|_| {
        ApiError::not_found(format!(
            "unknown export format '{ext}': expected fgb, gpkg, geojson or csv"
        ))
    })?;
    if format == ExportFormat::Pmtiles {
        return Err(ApiError::not_found(
            "PMTiles archives are built with `ifn export --format pmtiles`; the server serves the same tiles at /tiles/{level}/{z}/{x}/{y}.mvt",
        ));
    }
    let excel = match params.get("excel") {
        None | Some("0") | Some("false") => false,
        Some("1") | Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "excel '{other}': expected 1 or 0"
            )))
        }
    };
    let selection = params.selection(state.engine())?;
    let options = params.offer_options()?;
    let key = format!(
        "{level}|{format}|{excel}|{}",
        offer_key(&selection, &options)
    );
    let file = match state.inner.exports.get(&key) {
        Some(f) => f,
        None => {
            let st = state.clone();
            tokio::task::spawn_blocking(move || -> ApiResult<Arc<ExportedFile>> {
                let scores = st.scores(level, &selection)?;
                let offer = st.offer(level, &selection, &options)?;
                let input =
                    ExportInput::new(st.territory(), &scores, &selection, st.engine().catalogue())
                        .with_offer(&offer)
                        .map_err(|e| ApiError::internal("joining the offer to the scores", &e))?;
                let opts = ExportOptions {
                    excel,
                    ..Default::default()
                };
                let bytes = to_bytes(format, &input, &opts).map_err(|e| match e {
                    ifn_export::ExportError::NoContours { .. } => {
                        ApiError::not_found(e.to_string())
                    }
                    other => ApiError::internal("writing the export", &other),
                })?;
                let etag = format!("\"{:016x}\"", fnv1a(&bytes));
                let f = Arc::new(ExportedFile { bytes, etag });
                st.inner
                    .exports
                    .insert(key, Arc::clone(&f), f.bytes.len() + 256);
                Ok(f)
            })
            .await??
        }
    };
    let filename = format!("ifn-{level}.{}", format.extension());
    Ok(ranged_response(
        &headers,
        &file,
        format.media_type(),
        &filename,
    ))
}

/// A byte range of a file of `len` bytes, inclusive bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// Last byte (inclusive).
    pub end: u64,
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable `Range` header (absent, not bytes, several ranges): the whole file.
    Whole,
    /// One satisfiable range.
    Part(ByteRange),
    /// A range outside the file: 416.
    Unsatisfiable,
}

/// Parses a `Range` header value (RFC 9110 §14.1.2) for a file of `len` bytes. Only single
/// ranges are honoured; several ranges get the whole file, which the RFC allows.
///
/// ```
/// use ifn_server::routes::export::{parse_range, ByteRange, RangeRequest};
/// assert_eq!(parse_range("bytes=0-9", 100), RangeRequest::Part(ByteRange { start: 0, end: 9 }));
/// assert_eq!(parse_range("bytes=90-", 100), RangeRequest::Part(ByteRange { start: 90, end: 99 }));
/// assert_eq!(parse_range("bytes=-10", 100), RangeRequest::Part(ByteRange { start: 90, end: 99 }));
/// assert_eq!(parse_range("bytes=50-500", 100), RangeRequest::Part(ByteRange { start: 50, end: 99 }));
/// assert_eq!(parse_range("bytes=100-", 100), RangeRequest::Unsatisfiable);
/// assert_eq!(parse_range("bytes=0-1,5-6", 100), RangeRequest::Whole);
/// assert_eq!(parse_range("items=0-1", 100), RangeRequest::Whole);
/// ```
pub fn parse_range(value: &str, len: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Whole;
    };
    if spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeRequest::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // Suffix: the last b bytes.
        let Ok(n) = b.parse::<u64>() else {
            return RangeRequest::Whole;
        };
        if n == 0 || len == 0 {
            return RangeRequest::Unsatisfiable;
        }
        ByteRange {
            start: len.saturating_sub(n),
            end: len - 1,
        }
    } else {
        let Ok(start) = a.parse::<u64>() else {
            return RangeRequest::Whole;
        };
        let end = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= start => e.min(len.saturating_sub(1)),
                _ => return RangeRequest::Whole,
            }
        };
        if start >= len {
            return RangeRequest::Unsatisfiable;
        }
        ByteRange { start, end }
    };
    RangeRequest::Part(range)
}

fn ranged_response(
    headers: &HeaderMap,
    file: &ExportedFile,
    media_type: &str,
    filename: &str,
) -> Response {
    let len = file.bytes.len() as u64;
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == file.etag));
    let builder = Response::builder()
        .header(header::ETAG, &file.etag)
        .header(header::CACHE_CONTROL, EXPORT_CACHE_CONTROL)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, media_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        );
    if not_modified {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::NOT_MODIFIED.into_response());
    }
    // If-Range: a range only applies to the representation the client already has.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == file.etag);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(v) if if_range_ok => parse_range(v, len),
        _ => RangeRequest::Whole,
    };
    let response = match range {
        RangeRequest::Whole => builder
            .status(StatusCode::OK)
            .body(Body::from(file.bytes.clone())),
        RangeRequest::Part(r) => {
            // Bounds are within the file by construction of parse_range.
            let part = file.bytes[r.start as usize..=r.end as usize].to_vec();
            builder
                .status(StatusCode::PARTIAL_CONTENT)
                .header(
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{len}", r.start, r.end),
                )
                .body(Body::from(part))
        }
        RangeRequest::Unsatisfiable => builder
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(header::CONTENT_RANGE, format!("bytes */{len}"))
            .body(Body::empty()),
    };
    response.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// `GET /diagnostic/{level}/{code}?<selection>&threshold=&distance_km=`: the printable
/// *diagnostic territorial* (HTML, A4) of one territory.
pub async fn diagnostic(
    State(state): State<AppState>,
    ApiPath((level, code)): ApiPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let level = parse_level(&state, &level)?;
    let selection = params.selection(state.engine())?;
    let options = params.offer_options()?;
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
        )
        .map_err(|e| match e {
            ifn_diagnostic::DiagnosticError::UnknownTerritory { .. } => {
                ApiError::not_found(e.to_string())
            }
            ifn_diagnostic::DiagnosticError::Write { .. } => {
                ApiError::internal("writing the diagnostic", &e)
            }
            other => ApiError::bad_request(other.to_string()),
        })?;
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
