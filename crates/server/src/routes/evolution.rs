//! Two vintages side by side (`ifn_core::evolution`, as `ifn evolution`): the store served is
//! the later vintage B; a server started with a second store (`ifn serve --compare-store A`,
//! or the demo with `--demo-vintage 2`) compares it with the earlier vintage A.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use ifn_core::evolution::{self, CogChanges, EvolutionError};
use ifn_core::{Catalogue, Engine, Level, Territory};
use serde::Deserialize;
use utoipa::IntoParams;

use super::api::parse_level;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::model::{CogEventAnswer, EvolutionAnswer, EvolutionInfo, SelectionEcho};
use crate::query::{ApiPath, ApiQuery, CodesQuery, SelectionQuery};
use crate::state::AppState;

/// Most territories listed among the biggest changes.
pub const MAX_TOP: usize = 100;

/// The earlier vintage A a server compares its store with.
#[derive(Debug)]
pub struct Comparison {
    engine: Engine,
    name: String,
    changes: Option<CogChanges>,
}

impl Comparison {
    /// Vintage A (its dataset scored with `catalogue`) and the table of changes from A to the
    /// store served, if any. CPU work proportional to the store: call it before serving.
    pub fn new(territory: Territory, catalogue: Catalogue, changes: Option<CogChanges>) -> Self {
        Comparison {
            name: territory.meta.name.clone(),
            engine: Engine::new(territory.dataset, catalogue),
            changes,
        }
    }

    /// The scoring engine of vintage A.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// What to do when the server has no second vintage.
const NO_SECOND_VINTAGE: &str = "ce serveur ne compare pas deux millésimes : lancez-le avec un \
    second magasin (ifn serve --store MILLESIME_B --compare-store MILLESIME_A [--changes \
    mvtcommune.csv]) ou, pour la démonstration, ifn serve --demo-vintage 2";

fn comparison(state: &AppState) -> ApiResult<Arc<Comparison>> {
    state
        .comparison()
        .ok_or_else(|| ApiError::not_found(NO_SECOND_VINTAGE))
}

/// Options of `/api/evolution/{level}` beyond the selection.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvolutionQuery {
    /// Territories listed among the biggest changes (default 10, at most 100).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 100)]
    pub top: Option<String>,
}

impl EvolutionQuery {
    fn top(&self) -> ApiResult<usize> {
        match self.top.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(10),
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= MAX_TOP)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "top « {s} » : un entier de 0 à {MAX_TOP} est attendu"
                    ))
                }),
        }
    }
}

/// Whether the server compares two vintages, which, at which levels, and the COG changes
/// between them. Always 200: `available` says whether `/api/evolution/{level}` answers.
#[utoipa::path(get, path = "/api/evolution", tag = "evolution",
    responses((status = 200, description = "the vintages compared, if any", body = EvolutionInfo)))]
pub async fn info(State(state): State<AppState>) -> Json<EvolutionInfo> {
    let to = state.meta().name.clone();
    Json(match state.comparison() {
        None => EvolutionInfo {
            available: false,
            from: None,
            to,
            levels: Vec::new(),
            has_changes: false,
            events: Vec::new(),
            hint: Some(NO_SECOND_VINTAGE.to_string()),
        },
        Some(c) => EvolutionInfo {
            available: true,
            from: Some(c.name.clone()),
            to,
            levels: Level::ALL
                .into_iter()
                .filter(|&l| state.engine().has_level(l) && c.engine.has_level(l))
                .collect(),
            has_changes: c.changes.is_some(),
            events: c
                .changes
                .as_ref()
                .map(|t| t.events().iter().map(CogEventAnswer::from).collect())
                .unwrap_or_default(),
            hint: None,
        },
    })
}

/// Every territory of a level in the earlier vintage A and the store served (B): score and
/// each indicator (raw value and class) in both, their difference; communes matched through
/// INSEE's table of changes (a commune nouvelle against the population-weighted aggregate of
/// its former communes, a renamed one by its code, a re-established one against its whole
/// parent), the COG events listed.
#[utoipa::path(get, path = "/api/evolution/{level}", tag = "evolution",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        SelectionQuery, EvolutionQuery, CodesQuery,
    ),
    responses(
        (status = 200, description = "both vintages side by side", body = EvolutionAnswer),
        (status = 400, description = "invalid selection or parameter", body = ErrorBody),
        (status = 404, description = "unknown level, or no second vintage on this server", body = ErrorBody),
    ))]
pub async fn evolution(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
    ApiQuery(options): ApiQuery<EvolutionQuery>,
    ApiQuery(codes): ApiQuery<CodesQuery>,
) -> ApiResult<Json<EvolutionAnswer>> {
    let compare = comparison(&state)?;
    let level = parse_level(&state, &level)?;
    if !compare.engine.has_level(level) {
        return Err(ApiError::not_found(format!(
            "le niveau {level} n'existe pas dans le millésime A : les niveaux comparables sont \
             listés par /api/evolution"
        )));
    }
    let sb = selection.resolve(state.engine())?;
    let sa = selection
        .resolve(&compare.engine)
        .map_err(|e| ApiError::new(e.status, format!("millésime A : {}", e.message)))?;
    let top = options.top()?;
    let set: Option<HashSet<String>> = codes.codes()?.map(|c| c.into_iter().collect());
    let answer = tokio::task::spawn_blocking(move || -> ApiResult<EvolutionAnswer> {
        let e = evolution::compare(
            &compare.engine,
            &sa,
            state.engine(),
            &sb,
            level,
            compare.changes.as_ref(),
        )
        .map_err(|e| match e {
            EvolutionError::Core(e) => ApiError::from(e),
            EvolutionError::LevelMissing { .. } => ApiError::not_found(e.to_string()),
            other => ApiError::internal("comparaison des millésimes", &other),
        })?;
        Ok(EvolutionAnswer::new(
            &e,
            (&compare.name, &state.meta().name),
            SelectionEcho::from(&sb),
            top,
            |code| set.as_ref().is_none_or(|s| s.contains(code)),
        ))
    })
    .await??;
    Ok(Json(answer))
}
