//! HTTP plumbing shared by tiles, exports and the embedded viewer: strong ETags and conditional
//! requests, content negotiation of gzip, and byte ranges.
//!
//! Bodies are [`Bytes`]: a response takes a reference-counted view of a cached buffer, never a
//! copy.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// A strong ETag (quoted) of a body: 64-bit FNV-1a, stable across runs and machines, unlike
/// `DefaultHasher`.
///
/// ```
/// assert_eq!(ifn_server::http::etag(b""), "\"cbf29ce484222325\"");
/// ```
pub fn etag(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// Whether `If-None-Match` holds `etag` (or `*`).
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                // A weak validator matches too: If-None-Match uses the weak comparison.
                t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
            })
        })
}

/// Whether the client accepts gzip (RFC 9110 §12.5.3): `gzip` with a quality above 0, or `*`
/// above 0 when gzip is not named. `gzip;q=0` refuses it.
///
/// ```
/// use axum::http::{header, HeaderMap, HeaderValue};
/// use ifn_server::http::accepts_gzip;
/// let with = |v: &'static str| {
///     let mut h = HeaderMap::new();
///     h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
///     h
/// };
/// assert!(accepts_gzip(&with("gzip, deflate, br")));
/// assert!(accepts_gzip(&with("br;q=1.0, GZIP;q=0.5")));
/// assert!(accepts_gzip(&with("*")));
/// assert!(!accepts_gzip(&with("gzip;q=0")));
/// assert!(!accepts_gzip(&with("*;q=0.5, gzip;q=0")));
/// assert!(!accepts_gzip(&with("identity")));
/// assert!(!accepts_gzip(&HeaderMap::new()));
/// ```
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut star = None;
    for value in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for coding in value.split(',') {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
                })
                .next()
                .map_or(Some(1.0), |v| {
                    v.parse::<f32>().ok().filter(|q| q.is_finite())
                });
            // An unreadable quality ignores the coding rather than guessing.
            let Some(q) = q else { continue };
            if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(q);
            } else if name == "*" {
                star = Some(q);
            }
        }
    }
    gzip.or(star).is_some_and(|q| q > 0.0)
}

/// A cacheable body: its ETag, and a gzipped copy when it is worth having.
#[derive(Debug, Clone)]
pub struct Cached<'a> {
    /// Strong ETag, quoted.
    pub etag: &'a str,
    /// `Cache-Control` value.
    pub cache_control: &'static str,
    /// Media type.
    pub content_type: &'a str,
    /// The body (empty: 204 No Content).
    pub raw: Bytes,
    /// The body gzipped, when smaller.
    pub gzip: Option<Bytes>,
}

/// Answers a cacheable body: 304 when the client's ETag matches, 204 for an empty body, else
/// 200 with the gzipped body when the client accepts it.
pub fn cached_response(headers: &HeaderMap, c: Cached<'_>) -> Response {
    // Header values are checked once here; a value that is not valid in a header (it never
    // is: ETags are hex, types ASCII) answers 500 rather than panicking.
    let (Ok(etag_value), Ok(type_value)) = (
        HeaderValue::from_str(c.etag),
        HeaderValue::from_str(c.content_type),
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (status, body, gzipped) = if not_modified(headers, c.etag) {
        (StatusCode::NOT_MODIFIED, Body::empty(), false)
    } else if c.raw.is_empty() {
        (StatusCode::NO_CONTENT, Body::empty(), false)
    } else {
        match c.gzip {
            Some(gz) if accepts_gzip(headers) => (StatusCode::OK, Body::from(gz), true),
            _ => (StatusCode::OK, Body::from(c.raw), false),
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
        HeaderValue::from_static(c.cache_control),
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
/// use ifn_server::http::{parse_range, ByteRange, RangeRequest};
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

/// A file served whole or by ranges.
#[derive(Debug, Clone)]
pub struct Download<'a> {
    /// The file.
    pub bytes: Bytes,
    /// Strong ETag, quoted.
    pub etag: &'a str,
    /// `Cache-Control` value.
    pub cache_control: &'static str,
    /// Media type.
    pub content_type: &'a str,
    /// File name offered to the client (`Content-Disposition: attachment`).
    pub filename: &'a str,
}

/// Answers a file with `Accept-Ranges: bytes`: 304 when the ETag matches, 206 for one
/// satisfiable range (when `If-Range`, if any, names this file), 416 for a range outside it,
/// else 200 with the whole file. Parts are views of the shared buffer, not copies.
pub fn ranged_response(headers: &HeaderMap, d: Download<'_>) -> Response {
    let len = d.bytes.len() as u64;
    let builder = Response::builder()
        .header(header::ETAG, d.etag)
        .header(header::CACHE_CONTROL, d.cache_control)
        .header(header::ACCEPT_RANGES, "bytes");
    if not_modified(headers, d.etag) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::NOT_MODIFIED.into_response());
    }
    // If-Range: a range only applies to the representation the client already has.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == d.etag);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(v) if if_range_ok => parse_range(v, len),
        _ => RangeRequest::Whole,
    };
    let file = builder.header(header::CONTENT_TYPE, d.content_type).header(
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{}\"", d.filename),
    );
    let response = match range {
        RangeRequest::Whole => file.status(StatusCode::OK).body(Body::from(d.bytes)),
        RangeRequest::Part(r) => {
            // Bounds are within the file by construction of parse_range; `slice` shares the
            // buffer.
            let part = d.bytes.slice(r.start as usize..=r.end as usize);
            file.status(StatusCode::PARTIAL_CONTENT)
                .header(
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{len}", r.start, r.end),
                )
                .body(Body::from(part))
        }
        // An error like every other: a JSON body saying what was wrong.
        RangeRequest::Unsatisfiable => {
            let mut res = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("la plage demandée sort du fichier, qui fait {len} octets"),
            )
            .into_response();
            let h = res.headers_mut();
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            return res;
        }
    };
    response.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Gzips a body: `Compression::fast()` for what is compressed per request (tiles),
/// `Compression::best()` for what is compressed once (the viewer's files).
pub fn gzip(bytes: &[u8], level: flate2::Compression) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 2 + 64), level);
    enc.write_all(bytes)?;
    enc.finish()
}
