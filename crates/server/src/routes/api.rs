//! JSON API handlers (contract in `docs/api.md`, types in [`crate::model`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ifn_core::{report, Level, LevelScores, PlaceKind};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::model::{
    finite, CatalogueAnswer, CatalogueIndicator, Comparison, Health, KindCount, Meta,
    PlaceCollection, PlaceFacets, PlaceFeature, PlaceProperties, PointGeometry, SearchResult,
    SearchResults, TerritoryDetail, ValueCount,
};
use crate::query::{
    ApiPath, ApiQuery, CompareQuery, OfferQuery, PlaceFilterQuery, PlacesQuery, ScoresFormat,
    ScoresQuery, SearchQuery, SelectionQuery,
};
use crate::routes::detail::details;
use crate::search;
use crate::state::AppState;

/// Most territories in one comparison.
const MAX_COMPARE: usize = 50;
/// Most search results.
const MAX_SEARCH_LIMIT: usize = 100;
/// Longest search text.
const MAX_SEARCH_CHARS: usize = 200;

/// Parses a level of the URL and checks the store can score it.
pub(crate) fn parse_level(state: &AppState, text: &str) -> ApiResult<Level> {
    let level: Level = text
        .parse()
        .map_err(|e: ifn_core::CoreError| ApiError::not_found(e.to_string()))?;
    if !state.engine().has_level(level) {
        return Err(ApiError::not_found(format!(
            "le niveau {level} n'existe pas dans ce magasin de territoires : les niveaux \
             disponibles sont listés par /api/meta"
        )));
    }
    Ok(level)
}

/// Liveness and store summary.
#[utoipa::path(get, path = "/health", tag = "store",
    responses((status = 200, description = "the server is up", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        store: state.meta().name.clone(),
        fictional: state.meta().fictional,
        units: state.engine().dataset().units().len(),
    })
}

/// Store description, sources, bbox, levels with contours, and the domain rules the viewer
/// applies (class colours and bounds, offer defaults and bounds, place kinds, cluster zoom).
#[utoipa::path(get, path = "/api/meta", tag = "store",
    responses((status = 200, description = "the store", body = Meta)))]
pub async fn meta(State(state): State<AppState>) -> Json<Meta> {
    let m = state.meta();
    Json(Meta {
        name: m.name.clone(),
        description: m.description.clone(),
        fictional: m.fictional,
        licence: m.licence.clone(),
        sources: m.sources.clone(),
        bbox: m.bbox,
        levels: state.tiled_levels(),
        places_cluster_max_zoom: ifn_tiles::cluster::CLUSTER_MAX_ZOOM,
        rules: ifn_core::rules(),
        class_starts: crate::model::class_starts(),
    })
}

/// Profiles and indicators, and the indicators with data in this store.
#[utoipa::path(get, path = "/api/catalogue", tag = "store",
    responses((status = 200, description = "the catalogue", body = CatalogueAnswer)))]
pub async fn catalogue(State(state): State<AppState>) -> Json<CatalogueAnswer> {
    let c = state.engine().catalogue();
    Json(CatalogueAnswer {
        version: c.version.clone(),
        profiles: c.profiles.clone(),
        indicators: c
            .indicators
            .iter()
            .map(|i| CatalogueIndicator {
                key: i.key.clone(),
                label: i.label.clone(),
                definition: i.definition.clone(),
                unit: i.unit.clone(),
                producer: i.producer.clone(),
                source: i.source.clone(),
                vintage: i.vintage.clone(),
                higher_is_fragile: i.higher_is_fragile,
            })
            .collect(),
        available: state.engine().dataset().indicators().to_vec(),
    })
}

/// Search territories by name or INSEE code (accent- and case-insensitive; exact code, then
/// prefix, then substring; then population).
#[utoipa::path(get, path = "/api/search", tag = "territories", params(SearchQuery),
    responses(
        (status = 200, description = "best matches first", body = SearchResults),
        (status = 400, description = "missing or invalid parameter", body = ErrorBody),
    ))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    let q = query.text()?.to_string();
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ApiError::bad_request(format!(
            "q est trop long : au plus {MAX_SEARCH_CHARS} caractères, raccourcissez la recherche"
        )));
    }
    let limit = query.limit(10, MAX_SEARCH_LIMIT)?;
    let results = tokio::task::spawn_blocking(move || {
        search::search(&state.inner.search, &q, limit)
            .into_iter()
            .map(|e| SearchResult {
                level: e.level,
                code: e.code.clone(),
                name: e.name.clone(),
                parent: e.parent.clone(),
                population: finite(e.population),
                bbox: e.bbox,
            })
            .collect()
    })
    .await?;
    Ok(Json(SearchResults { results }))
}

/// One territory: population, parents, total score, per indicator raw value, class, label,
/// unit, source and vintage, and the mediation offer.
#[utoipa::path(get, path = "/api/territories/{level}/{code}", tag = "territories",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        ("code" = String, Path, description = "territory code"),
        SelectionQuery, OfferQuery,
    ),
    responses(
        (status = 200, description = "the territory", body = TerritoryDetail),
        (status = 400, description = "invalid selection or offer option", body = ErrorBody),
        (status = 404, description = "unknown level or code", body = ErrorBody),
    ))]
pub async fn territory(
    State(state): State<AppState>,
    ApiPath((level, code)): ApiPath<(String, String)>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(offer): ApiQuery<OfferQuery>,
) -> ApiResult<Json<TerritoryDetail>> {
    let level = parse_level(&state, &level)?;
    let sel = selection.resolve(state.engine())?;
    let options = offer.resolve()?;
    let out = tokio::task::spawn_blocking(move || details(&state, level, &[code], &sel, &options))
        .await??;
    out.into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError::internal("construction d'une fiche", &NoDetail))
}

/// `details` gave no detail for one code: cannot happen, it gives one per code or an error.
#[derive(Debug, thiserror::Error)]
#[error("aucune fiche pour un des codes")]
struct NoDetail;

/// Details of several territories of one level.
#[utoipa::path(get, path = "/api/compare", tag = "territories",
    params(CompareQuery, SelectionQuery, OfferQuery),
    responses(
        (status = 200, description = "one detail per code", body = Comparison),
        (status = 400, description = "missing or invalid parameter", body = ErrorBody),
        (status = 404, description = "unknown level or code", body = ErrorBody),
    ))]
pub async fn compare(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CompareQuery>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(offer): ApiQuery<OfferQuery>,
) -> ApiResult<Json<Comparison>> {
    let level = parse_level(&state, query.level()?)?;
    let codes = query.codes(MAX_COMPARE)?;
    let sel = selection.resolve(state.engine())?;
    let options = offer.resolve()?;
    let territories =
        tokio::task::spawn_blocking(move || details(&state, level, &codes, &sel, &options))
            .await??;
    Ok(Json(Comparison { territories }))
}

/// Scores of every territory of a level (as `ifn score`), JSON or CSV.
#[utoipa::path(get, path = "/api/scores/{level}", tag = "territories",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        ScoresQuery, SelectionQuery,
    ),
    responses(
        (status = 200, description = "scores, as `ifn score --format json` (or CSV with format=csv)", body = Object),
        (status = 400, description = "invalid selection or format", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn scores(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(query): ApiQuery<ScoresQuery>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
) -> ApiResult<Response> {
    let level = parse_level(&state, &level)?;
    let format = query.format()?;
    let sel = selection.resolve(state.engine())?;
    let body = tokio::task::spawn_blocking(move || -> ApiResult<Vec<u8>> {
        let scores: Arc<LevelScores> = state.scores(level, &sel)?;
        let mut out = Vec::new();
        match format {
            ScoresFormat::Csv => report::write_csv(&mut out, &scores, None)?,
            ScoresFormat::Json => report::write_json(&mut out, &scores, &sel)?,
        }
        Ok(out)
    })
    .await??;
    let (ctype, disposition) = match format {
        ScoresFormat::Csv => (
            "text/csv; charset=utf-8",
            format!("attachment; filename=\"ifn-{level}.csv\""),
        ),
        ScoresFormat::Json => (
            "application/json",
            format!("inline; filename=\"ifn-{level}.json\""),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Mediation places as a GeoJSON FeatureCollection.
#[utoipa::path(get, path = "/api/places", tag = "places",
    params(PlacesQuery, PlaceFilterQuery),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", body = PlaceCollection),
        (status = 400, description = "invalid bbox or filter", body = ErrorBody),
    ))]
pub async fn places(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PlacesQuery>,
    ApiQuery(filter): ApiQuery<PlaceFilterQuery>,
) -> ApiResult<Json<PlaceCollection>> {
    let bbox = query.bbox()?;
    let filter = filter.resolve()?;
    let features = state
        .territory()
        .places
        .iter()
        .filter(|p| {
            bbox.is_none_or(|b| p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3])
        })
        .filter(|p| filter.as_ref().is_none_or(|f| f.matches(p)))
        .map(|p| PlaceFeature {
            kind: "Feature",
            geometry: PointGeometry {
                kind: "Point",
                coordinates: [p.lon, p.lat],
            },
            properties: PlaceProperties {
                id: p.id.clone(),
                name: p.name.clone(),
                kinds: p.kinds.clone(),
                services: p.services.clone(),
                publics: p.publics.clone(),
                address: p.address.clone(),
                commune: p.commune.clone(),
                source: p.source.clone(),
            },
        })
        .collect();
    Ok(Json(PlaceCollection {
        kind: "FeatureCollection",
        features,
    }))
}

/// The kinds, services and publics of the mediation places with their counts, most frequent
/// first (to build the places filters).
#[utoipa::path(get, path = "/api/places/facets", tag = "places",
    responses((status = 200, description = "the facets", body = PlaceFacets)))]
pub async fn place_facets(State(state): State<AppState>) -> Json<PlaceFacets> {
    let places = &state.territory().places;
    let mut services: HashMap<&str, usize> = HashMap::new();
    let mut publics: HashMap<&str, usize> = HashMap::new();
    for p in places {
        for s in &p.services {
            *services.entry(s.trim()).or_default() += 1;
        }
        for s in &p.publics {
            *publics.entry(s.trim()).or_default() += 1;
        }
    }
    let sorted = |m: HashMap<&str, usize>| -> Vec<ValueCount> {
        let mut v: Vec<(&str, usize)> = m.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .map(|(value, count)| ValueCount {
                value: value.to_string(),
                count,
            })
            .collect()
    };
    let mut kinds: Vec<KindCount> = PlaceKind::ALL
        .iter()
        .map(|k| KindCount {
            key: k.as_str(),
            label: k.label_fr(),
            count: places.iter().filter(|p| p.kinds.contains(k)).count(),
        })
        .collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.count));
    Json(PlaceFacets {
        total: places.len(),
        kinds,
        services: sorted(services),
        publics: sorted(publics),
    })
}
