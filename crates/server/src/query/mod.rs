//! The query strings and path segments of the API as serde types.
//!
//! Each endpoint extracts the groups of parameters it takes ([`SelectionQuery`],
//! [`OfferQuery`], [`PlaceFilterQuery`], …) with [`ApiQuery`]; every group ignores the names
//! it does not know, so one query string feeds several groups. The groups derive
//! `utoipa::IntoParams`: the OpenAPI document lists exactly what is parsed here. What the values
//! *mean* (a selection, offer options, a places filter) is decided by `ifn-core`, shared with
//! the CLI; this module only carries the text there.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use ifn_core::offer::{OfferOptions, PlaceFilter};
use ifn_core::params::{OfferParams, SelectionParams};
use ifn_core::{Engine, Selection};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

mod analyse;

pub use analyse::*;

/// Longest query string accepted. Selections are short; anything longer is a mistake or abuse.
pub const MAX_QUERY_BYTES: usize = 4096;

/// A parameter's value, trimmed; `None` when absent or blank (`?weights=` is the default, as
/// the viewer sends it).
fn value(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Deserializes a query string into `T`; a query longer than [`MAX_QUERY_BYTES`] is a 414, a
/// query serde cannot read a JSON 400 naming the parameter.
pub fn parse_query<T: DeserializeOwned>(uri: &Uri) -> Result<T, ApiError> {
    let len = uri.query().map_or(0, str::len);
    if len > MAX_QUERY_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "paramètres d'adresse de {len} octets : au plus {MAX_QUERY_BYTES} sont acceptés, \
                 raccourcissez la sélection"
            ),
        ));
    }
    Query::<T>::try_from_uri(uri)
        .map(|Query(v)| v)
        .map_err(|e| ApiError::bad_request(query_rejection_fr(&e.body_text())))
}

/// axum's rejection of a query string (serde's English) in French: a parameter given twice is
/// named, anything else keeps serde's detail after a French sentence.
///
/// ```
/// use ifn_server::query::query_rejection_fr;
/// assert_eq!(
///     query_rejection_fr("Failed to deserialize query string: duplicate field `profile`"),
///     "le paramètre profile est donné deux fois : gardez-en un seul"
/// );
/// assert!(query_rejection_fr("Failed to deserialize query string: x").starts_with("paramètres d'adresse illisibles"));
/// ```
pub fn query_rejection_fr(detail: &str) -> String {
    if let Some(name) = detail
        .split("duplicate field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        return format!("le paramètre {name} est donné deux fois : gardez-en un seul");
    }
    let detail = detail
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(detail);
    format!(
        "paramètres d'adresse illisibles ({detail}) : vérifiez leur écriture nom=valeur&nom=valeur"
    )
}

/// `Query` whose rejection is a JSON 4xx instead of axum's plain text, and which enforces
/// [`MAX_QUERY_BYTES`].
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(&parts.uri).map(ApiQuery)
    }
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
                "adresse invalide : {} ; la forme attendue est documentée dans /api/openapi.json",
                e.body_text()
            ))),
        }
    }
}

/// Which indicators make the score, how they are weighted and against which reference set the
/// classes are cut.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SelectionQuery {
    /// Profile: `tout-age` (default), `senior`, `jeune`.
    pub profile: Option<String>,
    /// Comma-separated indicator keys (default: the IFN indicators of the profile that have
    /// data).
    pub indicators: Option<String>,
    /// Weights `key=value,key=value` (finite, ≥ 0, keys among the selected indicators;
    /// default 1).
    pub weights: Option<String>,
    /// Reference set of the decile classes: `france` (default), `departement`, `region`.
    pub reference: Option<String>,
}

impl SelectionQuery {
    /// The selection, validated against the engine's catalogue and data by the parser the CLI
    /// uses too ([`SelectionParams`]).
    pub fn resolve(&self, engine: &Engine) -> Result<Selection, ApiError> {
        let params = SelectionParams {
            profile: self.profile.clone(),
            indicators: self.indicators.clone(),
            weights: self.weights.clone(),
            reference: self.reference.clone(),
        };
        Ok(params.resolve(engine)?)
    }

    /// The parameters given, as `(name, value)` pairs, to pass on in a URL.
    fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("profile", value(&self.profile)),
            ("indicators", value(&self.indicators)),
            ("weights", value(&self.weights)),
            ("reference", value(&self.reference)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

/// The options of the mediation-offer figures.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    /// Base units whose score is at or above this are fragile (1 to 10, default 7).
    #[param(value_type = Option<f64>, minimum = 1, maximum = 10)]
    pub threshold: Option<String>,
    /// A fragile unit with no place within this distance (km) is a *zone blanche* (0 to 200,
    /// default 10).
    #[param(value_type = Option<f64>, minimum = 0, maximum = 200)]
    pub distance_km: Option<String>,
}

impl OfferQuery {
    /// The offer options, validated by the parser the CLI uses too ([`OfferParams`]).
    pub fn resolve(&self) -> Result<OfferOptions, ApiError> {
        let params = OfferParams {
            threshold: self.threshold.clone(),
            distance_km: self.distance_km.clone(),
        };
        Ok(params.resolve()?)
    }

    fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("threshold", value(&self.threshold)),
            ("distance_km", value(&self.distance_km)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

/// The selection and offer options as a query string, to pass on (TileJSON `tiles` URLs).
pub fn selection_query(selection: &SelectionQuery, offer: &OfferQuery) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.extend_pairs(selection.pairs().chain(offer.pairs()));
    s.finish()
}

/// A filter of the mediation places: any of the kinds, any of the services, any of the
/// publics.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceFilterQuery {
    /// `|`-separated place kinds: `france_services`, `conseiller_numerique`,
    /// `aidants_connect`, `bibliotheque`, `autre` (any).
    pub kinds: Option<String>,
    /// `|`-separated services (any; case-insensitive exact values, see
    /// `/api/places/facets`).
    pub services: Option<String>,
    /// `|`-separated publics (any; case-insensitive exact values).
    pub publics: Option<String>,
}

impl PlaceFilterQuery {
    /// The places filter, `None` when no filter is given.
    pub fn resolve(&self) -> Result<Option<PlaceFilter>, ApiError> {
        let f = PlaceFilter::parse(
            value(&self.kinds).unwrap_or(""),
            value(&self.services).unwrap_or(""),
            value(&self.publics).unwrap_or(""),
        )
        .map_err(ApiError::bad_request)?;
        Ok((f != PlaceFilter::default()).then_some(f))
    }

    /// The filter as a query string, to pass on.
    pub fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("kinds", &self.kinds),
            ("services", &self.services),
            ("publics", &self.publics),
        ] {
            if let Some(v) = value(v) {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// `GET /api/search` parameters.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The name or INSEE code to search for (at most 200 characters).
    #[param(required = true, value_type = String, max_length = 200)]
    pub q: Option<String>,
    /// Most results, 1 to 100 (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

impl SearchQuery {
    /// The text searched for (required, trimmed).
    pub fn text(&self) -> Result<&str, ApiError> {
        value(&self.q).ok_or_else(|| {
            ApiError::bad_request(
                "paramètre q manquant : donnez le nom ou le code INSEE à chercher",
            )
        })
    }

    /// The limit, `default` when absent, else a whole number in `1..=max`.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match value(&self.limit) {
            None => Ok(default),
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|l| (1..=max).contains(l))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "limit « {s} » : attendu un nombre entier de 1 à {max}"
                    ))
                }),
        }
    }
}

/// `GET /api/compare` parameters (with a selection and offer options).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Level of the territories: `departement`, `epci`, `commune`, `iris` (`region` when
    /// present).
    #[param(required = true, value_type = String)]
    pub level: Option<String>,
    /// Comma-separated territory codes (1 to 50).
    #[param(required = true, value_type = String)]
    pub codes: Option<String>,
}

impl CompareQuery {
    /// The level's text (required).
    pub fn level(&self) -> Result<&str, ApiError> {
        value(&self.level).ok_or_else(|| {
            ApiError::bad_request(
                "paramètre level manquant : donnez departement, epci, commune ou iris",
            )
        })
    }

    /// The codes (required), at most `max`.
    pub fn codes(&self, max: usize) -> Result<Vec<String>, ApiError> {
        let codes: Vec<String> = value(&self.codes)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "paramètre codes manquant : donnez des codes de territoires séparés par des virgules",
                )
            })?
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if codes.is_empty() || codes.len() > max {
            return Err(ApiError::bad_request(format!(
                "codes : donnez de 1 à {max} codes de territoires ({} reçus)",
                codes.len()
            )));
        }
        Ok(codes)
    }
}

/// Output format of `/api/scores/{level}`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScoresFormat {
    /// JSON, as `ifn score --format json`.
    #[default]
    Json,
    /// CSV, as `ifn score`.
    Csv,
}

/// `GET /api/scores/{level}` parameters (with a selection).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoresQuery {
    /// `json` (default) or `csv`.
    #[param(value_type = Option<ScoresFormat>)]
    pub format: Option<String>,
}

impl ScoresQuery {
    /// The format asked for.
    pub fn format(&self) -> Result<ScoresFormat, ApiError> {
        match value(&self.format) {
            None | Some("json") => Ok(ScoresFormat::Json),
            Some("csv") => Ok(ScoresFormat::Csv),
            Some(other) => Err(ApiError::bad_request(format!(
                "format « {other} » : choisissez json ou csv"
            ))),
        }
    }
}

/// `GET /api/places` parameters (with a places filter).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlacesQuery {
    /// `west,south,east,north` in WGS84 degrees.
    pub bbox: Option<String>,
}

impl PlacesQuery {
    /// The bounding box, `None` when not given.
    pub fn bbox(&self) -> Result<Option<[f64; 4]>, ApiError> {
        let Some(text) = value(&self.bbox) else {
            return Ok(None);
        };
        let v: Vec<f64> = text
            .split(',')
            .filter_map(|s| s.trim().parse::<f64>().ok())
            .filter(|x| x.is_finite())
            .collect();
        match v[..] {
            [w, s, e, n] if w <= e && s <= n => Ok(Some([w, s, e, n])),
            _ => Err(ApiError::bad_request(format!(
                "bbox « {text} » : attendu quatre nombres ouest,sud,est,nord avec ouest ≤ est et sud ≤ nord"
            ))),
        }
    }
}

/// `GET /api/export/{level}.{format}` parameters (with a selection and offer options).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// CSV only: `1` for Excel in French (BOM, `;`, decimal comma); `0` (default) otherwise.
    #[param(value_type = Option<String>, pattern = "^(0|1|true|false)$")]
    pub excel: Option<String>,
}

impl ExportQuery {
    /// Whether Excel's CSV dialect is asked for.
    pub fn excel(&self) -> Result<bool, ApiError> {
        match value(&self.excel) {
            None | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "excel « {other} » : choisissez 1 ou 0"
            ))),
        }
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
