//! Query strings and path segments: parsed by hand so that every rejection is a JSON 4xx.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use ifn_core::offer::{OfferOptions, PlaceFilter};
use ifn_core::{parse_weights, Engine, Reference, Selection};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Longest query string accepted. Selections are short; anything longer is a mistake or abuse.
pub const MAX_QUERY_BYTES: usize = 4096;

/// Query parameters of a request (last value wins for a repeated name).
#[derive(Debug, Default, Clone)]
pub struct Params(pub HashMap<String, String>);

impl Params {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_BYTES {
            return Err(ApiError {
                status: axum::http::StatusCode::URI_TOO_LONG,
                message: format!(
                    "query string of {} bytes: at most {MAX_QUERY_BYTES} are accepted",
                    raw.len()
                ),
            });
        }
        Ok(Params(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// A parameter, trimmed; `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The selection (`profile`, `indicators`, `weights`, `reference`), validated.
    pub fn selection(&self, engine: &Engine) -> Result<Selection, ApiError> {
        let weights = parse_weights(self.get("weights").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(format!("weights: {e}")))?;
        let reference: Reference = self
            .get("reference")
            .unwrap_or("france")
            .parse()
            .map_err(|e| ApiError::bad_request(format!("reference: {e}")))?;
        let indicators = self.get("indicators").map(|s| {
            s.split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
        });
        Ok(
            Selection::builder(self.get("profile").unwrap_or("tout-age"))
                .maybe_indicators(indicators)
                .weights(weights)
                .reference(reference)
                .build(engine)?,
        )
    }

    /// The offer options `threshold` (default 7) and `distance_km` (default 10), validated.
    pub fn offer_options(&self) -> Result<OfferOptions, ApiError> {
        let d = OfferOptions::default();
        let read = |key: &str, default: f64| -> Result<f64, ApiError> {
            match self.get(key) {
                None => Ok(default),
                Some(t) => t
                    .parse::<f64>()
                    .map_err(|_| ApiError::bad_request(format!("{key} '{t}': expected a number"))),
            }
        };
        let o = OfferOptions {
            threshold: read("threshold", d.threshold)?,
            distance_km: read("distance_km", d.distance_km)?,
        };
        o.validate()
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(o)
    }

    /// The places filter (`kinds`, `services`, `publics`, `|`-separated), `None` when no
    /// filter is given.
    pub fn place_filter(&self) -> Result<Option<PlaceFilter>, ApiError> {
        let f = PlaceFilter::parse(
            self.get("kinds").unwrap_or(""),
            self.get("services").unwrap_or(""),
            self.get("publics").unwrap_or(""),
        )
        .map_err(ApiError::bad_request)?;
        Ok((f != PlaceFilter::default()).then_some(f))
    }

    /// The selection and offer parameters as a query string, to pass on (TileJSON `tiles`
    /// URLs).
    pub fn selection_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for k in [
            "profile",
            "indicators",
            "weights",
            "reference",
            "threshold",
            "distance_km",
        ] {
            if let Some(v) = self.get(k) {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// A canonical key of a validated selection, for caches and ETags.
pub fn selection_key(s: &Selection) -> String {
    let weights: Vec<String> = s.weights.iter().map(|w| format!("{w}")).collect();
    format!(
        "{}|{}|{}|{}",
        s.profile,
        s.indicators.join(","),
        weights.join(","),
        s.reference
    )
}

/// A canonical key of a places filter (empty without a filter).
pub fn filter_key(f: Option<&PlaceFilter>) -> String {
    f.map(|f| {
        let kinds: Vec<&str> = f.kinds.iter().map(|k| k.as_str()).collect();
        format!(
            "{}|{}|{}",
            kinds.join(","),
            f.services.join(","),
            f.publics.join(",")
        )
    })
    .unwrap_or_default()
}

/// `Path` whose rejection is a JSON 400 instead of axum's plain text.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(ApiError::bad_request(format!(
                "invalid path: {}",
                e.body_text()
            ))),
        }
    }
}

/// 64-bit FNV-1a, for ETags: stable across runs and machines, unlike `DefaultHasher`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
