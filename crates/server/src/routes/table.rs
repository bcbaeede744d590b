//! The table view's data: every territory of a level with its parents, score and classes.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::Json;
use ifn_core::{Level, LevelScores};

use super::api::parse_level;
use crate::error::{ApiResult, ErrorBody};
use crate::model::{finite, SelectionEcho, TableAnswer};
use crate::query::{ApiPath, ApiQuery, SelectionQuery};
use crate::state::AppState;

/// Parent codes (département, EPCI) of each territory of `level`, from its first base unit, in
/// one pass over the units.
fn parents(state: &AppState, level: Level) -> HashMap<&str, (&str, &str)> {
    let mut out = HashMap::new();
    for u in state.engine().dataset().units() {
        out.entry(u.code_at(level))
            .or_insert((u.code_at(Level::Departement), u.code_at(Level::Epci)));
    }
    out
}

/// The answer for the scores of a level.
fn table(state: &AppState, scores: &LevelScores, selection: SelectionEcho) -> TableAnswer {
    let level = scores.level;
    let parents = parents(state, level);
    let dataset = state.engine().dataset();
    let with_dep = level != Level::Region && level != Level::Departement;
    let with_epci = matches!(level, Level::Commune | Level::Iris);
    let departement: Vec<Option<String>> = scores
        .codes
        .iter()
        .map(|c| {
            with_dep
                .then(|| parents.get(c.as_str()).map(|p| p.0.to_string()))
                .flatten()
        })
        .collect();
    let epci: Vec<Option<String>> = scores
        .codes
        .iter()
        .map(|c| {
            with_epci
                .then(|| parents.get(c.as_str()).map(|p| p.1.to_string()))
                .flatten()
        })
        .collect();
    let names = |codes: &[Option<String>], l: Level| -> BTreeMap<String, String> {
        codes
            .iter()
            .flatten()
            .map(|c| (c.clone(), dataset.name_of(l, c)))
            .collect()
    };
    let column =
        |m: &ndarray::Array2<f64>, k: usize| m.column(k).iter().map(|&v| finite(v)).collect();
    TableAnswer {
        level,
        selection,
        code: scores.codes.to_vec(),
        name: scores.names.to_vec(),
        departement_names: names(&departement, Level::Departement),
        epci_names: names(&epci, Level::Epci),
        departement,
        epci,
        population: scores.population.iter().map(|&p| finite(p)).collect(),
        total: scores.total.iter().map(|&t| finite(t)).collect(),
        indicators_used: scores.used.clone(),
        classes: scores
            .indicators
            .iter()
            .enumerate()
            .map(|(k, key)| (key.clone(), column(&scores.classes, k)))
            .collect(),
        raw: scores
            .indicators
            .iter()
            .enumerate()
            .map(|(k, key)| (key.clone(), column(&scores.raw, k)))
            .collect(),
    }
}

/// Every territory of a level, column by column: code, name, parent département and EPCI,
/// population, score, and each selected indicator's class and raw value. The map's equivalent
/// as a table (the viewer's table view); gzipped when the client accepts it.
#[utoipa::path(get, path = "/api/table/{level}", tag = "territories",
    params(
        ("level" = String, Path, description = "departement, epci, commune, iris (region when present)"),
        SelectionQuery,
    ),
    responses(
        (status = 200, description = "the territories as columns", body = TableAnswer),
        (status = 400, description = "invalid selection", body = ErrorBody),
        (status = 404, description = "unknown level", body = ErrorBody),
    ))]
pub async fn territories(
    State(state): State<AppState>,
    ApiPath(level): ApiPath<String>,
    ApiQuery(selection): ApiQuery<SelectionQuery>,
) -> ApiResult<Json<TableAnswer>> {
    let level = parse_level(&state, &level)?;
    let sel = selection.resolve(state.engine())?;
    let answer = tokio::task::spawn_blocking(move || -> ApiResult<TableAnswer> {
        let scores = state.scores(level, &sel)?;
        Ok(table(&state, &scores, SelectionEcho::from(&sel)))
    })
    .await??;
    Ok(Json(answer))
}
