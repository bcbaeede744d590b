//! The analyst's bench: what a re-weighting changed, how robust each rank is, which indicators
//! overlap (`ifn_core::analysis`, as `ifn analyse`).

use std::collections::HashSet;

use axum::extract::State;
use axum::Json;
use ifn_core::analysis;

use super::api::parse_level;
use crate::error::{ApiResult, ErrorBody};
use crate::model::{CorrelationsAnswer, DeltaAnswer, RobustnessAnswer};
use crate::query::{
    ApiPath, ApiQuery, BaseSelectionQuery, CodesQuery, RobustnessQuery, SelectionQuery,
};
use crate::state::AppState;

/// A filter on territory codes: every code when none was given.
fn keep(codes: Option<Vec<String>>) -> impl Fn(&str) -> bool {
    let set: Option<HashSet<String>> = codes.map(|c| c.into_iter().collect());
    move |code| set.as_ref().is_none_or(|s| s.contains(code))
}

/// What a selection B changed against a base selection A (by default the public method of
/// B's profile: its IFN indicators, weight 1, classes over France): each territory's score and
/// rank under both, the difference, the rank change and the biggest movers.
#[utoipa::path(get, path = "/api/analyse/delta/{level}", tag = "analyse",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        SelectionQuery, BaseSelectionQuery, CodesQuery,
    ),
    responses(
        (status = 200, description = "scores and ranks under A and B", body = DeltaAnswer),
        (status = 400, description = "invalid selection or parameter", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn delta(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(base): ApiQuery<BaseSelectionQuery>,
    ApiQuery(codes): ApiQuery<CodesQuery>,
) -> ApiResult<Json<DeltaAnswer>> {
    let level = parse_level(&state, &level)?;
    let b = selection.resolve(state.engine())?;
    let a = base.resolve(state.engine(), &b.profile)?;
    let top = base.top()?;
    let keep = keep(codes.codes()?);
    let answer = tokio::task::spawn_blocking(move || -> ApiResult<DeltaAnswer> {
        let d = analysis::delta(state.engine(), level, &a, &b)?;
        Ok(DeltaAnswer::new(&d, top, keep))
    })
    .await??;
    Ok(Json(answer))
}

/// How robust each rank is: Monte Carlo over the weights around the selection (each weight ×
/// U(1 − spread, 1 + spread), seeded) and leaving each indicator out. Computed once per
/// (level, selection, options) and kept in a cache.
#[utoipa::path(get, path = "/api/analyse/robustness/{level}", tag = "analyse",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        SelectionQuery, RobustnessQuery, CodesQuery,
    ),
    responses(
        (status = 200, description = "rank intervals", body = RobustnessAnswer),
        (status = 400, description = "invalid selection or option", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn robustness(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(options): ApiQuery<RobustnessQuery>,
    ApiQuery(codes): ApiQuery<CodesQuery>,
) -> ApiResult<Json<RobustnessAnswer>> {
    let level = parse_level(&state, &level)?;
    let sel = selection.resolve(state.engine())?;
    let options = options.resolve()?;
    let keep = keep(codes.codes()?);
    let answer = tokio::task::spawn_blocking(move || -> ApiResult<RobustnessAnswer> {
        let r = state.robustness(level, &sel, &options)?;
        Ok(RobustnessAnswer::new(&r, keep))
    })
    .await??;
    Ok(Json(answer))
}

/// Which selected indicators overlap: Spearman correlations of their classes and raw values,
/// pairs above 0.9 flagged, each indicator's correlation with the total next to its weight.
#[utoipa::path(get, path = "/api/analyse/correlations/{level}", tag = "analyse",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        SelectionQuery,
    ),
    responses(
        (status = 200, description = "correlation matrices", body = CorrelationsAnswer),
        (status = 400, description = "invalid selection", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn correlations(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
) -> ApiResult<Json<CorrelationsAnswer>> {
    let level = parse_level(&state, &level)?;
    let sel = selection.resolve(state.engine())?;
    let answer = tokio::task::spawn_blocking(move || -> ApiResult<CorrelationsAnswer> {
        let c = analysis::correlations(state.engine(), level, &sel)?;
        Ok(CorrelationsAnswer::from(&c))
    })
    .await??;
    Ok(Json(answer))
}
