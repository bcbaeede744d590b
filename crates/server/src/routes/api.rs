//! JSON API handlers (contract in `docs/api.md`).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ifn_core::offer::{LevelOffer, OfferOptions};
use ifn_core::{report, Level, LevelScores, PlaceKind, Selection};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::query::{ApiPath, Params};
use crate::search;
use crate::state::AppState;

/// Most territories in one comparison.
const MAX_COMPARE: usize = 50;
/// Most search results.
const MAX_SEARCH_LIMIT: usize = 100;
/// Longest search text.
const MAX_SEARCH_CHARS: usize = 200;

fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// Parses a level of the URL and checks the store can score it.
pub(crate) fn parse_level(state: &AppState, text: &str) -> ApiResult<Level> {
    let level: Level = text
        .parse()
        .map_err(|e: ifn_core::CoreError| ApiError::not_found(e.to_string()))?;
    if !state.engine().has_level(level) {
        return Err(ApiError::not_found(format!(
            "level {level} is not available in this store"
        )));
    }
    Ok(level)
}

/// `GET /health`.
pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "store": state.meta().name,
        "fictional": state.meta().fictional,
        "units": state.engine().dataset().units().len(),
    }))
}

/// `GET /api/meta`.
pub async fn meta(State(state): State<AppState>) -> Json<Value> {
    let m = state.meta();
    let levels: Vec<&str> = state.tiled_levels().iter().map(|l| l.as_str()).collect();
    Json(json!({
        "name": m.name,
        "description": m.description,
        "fictional": m.fictional,
        "licence": m.licence,
        "sources": m.sources,
        "bbox": m.bbox,
        "levels": levels,
    }))
}

/// `GET /api/catalogue`.
pub async fn catalogue(State(state): State<AppState>) -> Json<Value> {
    let c = state.engine().catalogue();
    let indicators: Vec<Value> = c
        .indicators
        .iter()
        .map(|i| {
            json!({
                "key": i.key, "label": i.label, "definition": i.definition, "unit": i.unit,
                "producer": i.producer, "source": i.source, "vintage": i.vintage,
                "higher_is_fragile": i.higher_is_fragile,
            })
        })
        .collect();
    Json(json!({
        "version": c.version,
        "profiles": c.profiles,
        "indicators": indicators,
        "available": state.engine().dataset().indicators(),
    }))
}

/// `GET /api/search?q=&limit=`.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let params = Params::parse(raw.as_deref())?;
    let q = params
        .get("q")
        .ok_or_else(|| {
            ApiError::bad_request("missing parameter q: the name or INSEE code to search for")
        })?
        .to_string();
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ApiError::bad_request(format!(
            "q is too long: at most {MAX_SEARCH_CHARS} characters"
        )));
    }
    let limit = match params.get("limit") {
        None => 10,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|&l| (1..=MAX_SEARCH_LIMIT).contains(&l))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit '{s}': expected a whole number from 1 to {MAX_SEARCH_LIMIT}"
                ))
            })?,
    };
    let results = tokio::task::spawn_blocking(move || {
        search::search(&state.inner.search, &q, limit)
            .into_iter()
            .map(|e| {
                json!({
                    "level": e.level, "code": e.code, "name": e.name, "parent": e.parent,
                    "population": num(e.population), "bbox": e.bbox,
                })
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(Json(json!({ "results": results })))
}

/// The selection with every indicator of its profile that has data (weights 1), to report
/// raw values and classes of the unticked indicators too.
fn full_selection(state: &AppState, sel: &Selection) -> ApiResult<Selection> {
    let engine = state.engine();
    let profile = engine.catalogue().profile(&sel.profile)?;
    let keys: Vec<String> = profile
        .all()
        .filter(|k| engine.dataset().indicator_index(k).is_some())
        .map(str::to_string)
        .collect();
    Ok(Selection::builder(sel.profile.clone())
        .indicators(keys)
        .reference(sel.reference)
        .build(engine)?)
}

/// Detail of one territory (blocking: may score).
fn detail(
    state: &AppState,
    level: Level,
    code: &str,
    sel: &Selection,
    scores: &LevelScores,
    full: &LevelScores,
    offer: &LevelOffer,
) -> ApiResult<Value> {
    let engine = state.engine();
    let row = state.row(level, code).ok_or_else(|| {
        ApiError::not_found(format!(
            "no {level} with code '{code}' in this store (try /api/search?q={code})"
        ))
    })?;
    let catalogue = engine.catalogue();
    let profile = catalogue.profile(&sel.profile)?;
    let members = engine.members(level, code);
    let mut parents = Vec::new();
    if let Some(&first) = members.first() {
        let unit = &engine.dataset().units()[first];
        let mut p = level.parent();
        let mut chain = Vec::new();
        while let Some(pl) = p {
            if engine.has_level(pl) && !unit.code_at(pl).is_empty() {
                let c = unit.code_at(pl);
                chain
                    .push(json!({"level": pl, "code": c, "name": engine.dataset().name_of(pl, c)}));
            }
            p = pl.parent();
        }
        chain.reverse();
        parents = chain;
    }
    let indicators: Vec<Value> = full
        .indicators
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let def = catalogue.indicator(key);
            let selected = sel.weight_of(key);
            json!({
                "key": key,
                "label": def.map(|d| d.label.as_str()).unwrap_or(key),
                "unit": def.map(|d| d.unit.as_str()).unwrap_or(""),
                "axis": profile.axis_of(key),
                "selected": selected.is_some(),
                "weight": selected,
                "raw": num(full.raw[(row, k)]),
                "class": num(full.classes[(row, k)]),
                "definition": def.map(|d| d.definition.as_str()).unwrap_or(""),
                "source": def.map(|d| d.source.as_str()).unwrap_or(""),
                "producer": def.map(|d| d.producer.as_str()).unwrap_or(""),
                "vintage": def.map(|d| d.vintage.as_str()).unwrap_or(""),
            })
        })
        .collect();
    let total = scores.total[row];
    let weights: Map<String, Value> = sel
        .indicators
        .iter()
        .zip(&sel.weights)
        .map(|(k, w)| (k.clone(), json!(w)))
        .collect();
    Ok(json!({
        "level": level,
        "code": code,
        "name": scores.names[row],
        "population": num(scores.population[row]),
        "bbox": state.bbox(level, code),
        "parents": parents,
        "total": num(total),
        "total_display": if total.is_finite() { Value::String(format!("{:.1}", report::display_round(total))) } else { Value::Null },
        "indicators_used": scores.used[row],
        "selection": {
            "profile": sel.profile, "indicators": sel.indicators, "weights": weights, "reference": sel.reference,
        },
        "indicators": indicators,
        "offer": offer_json(offer, code),
    }))
}

/// The offer figures of one territory with the options used (numbers that cannot be computed
/// are `null`).
fn offer_json(offer: &LevelOffer, code: &str) -> Value {
    match offer.get(code).map(serde_json::to_value) {
        Some(Ok(Value::Object(mut m))) => {
            m.insert(
                "options".into(),
                json!({"threshold": offer.options.threshold, "distance_km": offer.options.distance_km}),
            );
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

fn details(
    state: &AppState,
    level: Level,
    codes: &[String],
    sel: &Selection,
    options: &OfferOptions,
) -> ApiResult<Vec<Value>> {
    let scores = state.scores(level, sel)?;
    let full = state.scores(level, &full_selection(state, sel)?)?;
    let offer = state.offer(level, sel, options)?;
    codes
        .iter()
        .map(|c| detail(state, level, c, sel, &scores, &full, &offer))
        .collect()
}

/// `GET /api/territories/{level}/{code}?<selection>`.
pub async fn territory(
    State(state): State<AppState>,
    ApiPath((level, code)): ApiPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let params = Params::parse(raw.as_deref())?;
    let level = parse_level(&state, &level)?;
    let sel = params.selection(state.engine())?;
    let options = params.offer_options()?;
    let mut out =
        tokio::task::spawn_blocking(move || details(&state, level, &[code], &sel, &options))
            .await??;
    Ok(Json(out.pop().unwrap_or(Value::Null)))
}

/// `GET /api/compare?level=&codes=a,b&<selection>`.
pub async fn compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let params = Params::parse(raw.as_deref())?;
    let level = parse_level(
        &state,
        params.get("level").ok_or_else(|| {
            ApiError::bad_request("missing parameter level (departement, epci, commune, iris)")
        })?,
    )?;
    let codes: Vec<String> = params
        .get("codes")
        .ok_or_else(|| {
            ApiError::bad_request("missing parameter codes: comma-separated territory codes")
        })?
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() || codes.len() > MAX_COMPARE {
        return Err(ApiError::bad_request(format!(
            "codes: give 1 to {MAX_COMPARE} territory codes, got {}",
            codes.len()
        )));
    }
    let sel = params.selection(state.engine())?;
    let options = params.offer_options()?;
    let territories =
        tokio::task::spawn_blocking(move || details(&state, level, &codes, &sel, &options))
            .await??;
    Ok(Json(json!({ "territories": territories })))
}

/// `GET /api/scores/{level}?<selection>&format=json|csv`.
pub async fn scores(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let level = parse_level(&state, &level)?;
    let csv = match params.get("format").unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => {
            return Err(ApiError::bad_request(format!(
                "format '{other}': expected json or csv"
            )))
        }
    };
    let sel = params.selection(state.engine())?;
    let body = tokio::task::spawn_blocking(move || -> ApiResult<Vec<u8>> {
        let scores: Arc<LevelScores> = state.scores(level, &sel)?;
        let mut out = Vec::new();
        if csv {
            report::write_csv(&mut out, &scores, None)?;
        } else {
            report::write_json(&mut out, &scores, &sel)?;
        }
        Ok(out)
    })
    .await??;
    let (ctype, disposition) = if csv {
        (
            "text/csv; charset=utf-8",
            format!("attachment; filename=\"ifn-{level}.csv\""),
        )
    } else {
        (
            "application/json",
            format!("inline; filename=\"ifn-{level}.json\""),
        )
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

/// `GET /api/places?bbox=w,s,e,n&kinds=&services=&publics=` → GeoJSON FeatureCollection.
pub async fn places(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let params = Params::parse(raw.as_deref())?;
    let bbox = match params.get("bbox") {
        None => None,
        Some(text) => {
            let v: Vec<f64> = text
                .split(',')
                .filter_map(|s| s.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .collect();
            if v.len() != 4 || v[0] > v[2] || v[1] > v[3] {
                return Err(ApiError::bad_request(format!(
                    "bbox '{text}': expected four finite numbers west,south,east,north with west ≤ east and south ≤ north"
                )));
            }
            Some([v[0], v[1], v[2], v[3]])
        }
    };
    let filter = params.place_filter()?;
    let features: Vec<Value> = state
        .territory()
        .places
        .iter()
        .filter(|p| bbox.is_none_or(|b| p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3]))
        .filter(|p| filter.as_ref().is_none_or(|f| f.matches(p)))
        .map(|p| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "id": p.id, "name": p.name, "kinds": p.kinds, "services": p.services,
                    "publics": p.publics, "address": p.address, "commune": p.commune, "source": p.source,
                },
            })
        })
        .collect();
    Ok(Json(
        json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// `GET /api/places/facets` → the kinds, services and publics of the places with their counts,
/// most frequent first (to build the places filters).
pub async fn place_facets(State(state): State<AppState>) -> Json<Value> {
    use std::collections::HashMap;
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
    let sorted = |m: HashMap<&str, usize>| -> Vec<Value> {
        let mut v: Vec<(&str, usize)> = m.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter()
            .map(|(value, count)| json!({"value": value, "count": count}))
            .collect()
    };
    let mut kinds: Vec<Value> = PlaceKind::ALL
        .iter()
        .map(|k| {
            let count = places.iter().filter(|p| p.kinds.contains(k)).count();
            json!({"key": k.as_str(), "label": k.label_fr(), "count": count})
        })
        .collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k["count"].as_u64().unwrap_or(0)));
    Json(json!({
        "total": places.len(),
        "kinds": kinds,
        "services": sorted(services),
        "publics": sorted(publics),
    }))
}
