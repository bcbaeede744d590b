//! The answers of `/api/evolution`: two vintages side by side (`ifn_core::evolution`), the
//! COG changes between them listed. Numbers that cannot be computed are `null`.

use std::collections::BTreeMap;

use ifn_core::evolution::{CogEvent, Evolution, IndicatorEvolution, TerritoryEvolution};
use ifn_core::Level;
use serde::Serialize;
use utoipa::ToSchema;

use super::SelectionEcho;

/// A commune named by an event of the table of changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CogCommuneRef {
    /// INSEE code.
    pub code: String,
    /// Name (with its article).
    pub name: String,
}

/// One event of INSEE's table of changes between the two vintages.
#[derive(Debug, Serialize, ToSchema)]
pub struct CogEventAnswer {
    /// INSEE's kind of event (`MOD`: 10 change of name, 21 rétablissement, 31 fusion simple,
    /// 32 commune nouvelle…).
    pub mod_code: u16,
    /// INSEE's French label of the kind.
    pub label: String,
    /// Date the event took effect (`AAAA-MM-JJ`).
    pub date: String,
    /// Communes before.
    pub before: Vec<CogCommuneRef>,
    /// Communes after.
    pub after: Vec<CogCommuneRef>,
    /// The event in one French sentence.
    pub description: String,
}

impl From<&CogEvent> for CogEventAnswer {
    fn from(e: &CogEvent) -> CogEventAnswer {
        let refs = |v: &[(String, String)]| {
            v.iter()
                .map(|(code, name)| CogCommuneRef {
                    code: code.clone(),
                    name: name.clone(),
                })
                .collect()
        };
        CogEventAnswer {
            mod_code: e.mod_code,
            label: e.label.clone(),
            date: e.date.clone(),
            before: refs(&e.before),
            after: refs(&e.after),
            description: e.describe(),
        }
    }
}

/// One indicator of one territory in both vintages.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvolutionIndicator {
    /// Indicator key.
    pub key: String,
    /// Raw value in the earlier vintage A.
    pub raw_before: Option<f64>,
    /// Raw value in the later vintage B.
    pub raw_after: Option<f64>,
    /// `raw_after − raw_before`.
    pub raw_difference: Option<f64>,
    /// Class in A.
    pub class_before: Option<f64>,
    /// Class in B.
    pub class_after: Option<f64>,
    /// `class_after − class_before`.
    pub class_difference: Option<f64>,
}

impl From<&IndicatorEvolution> for EvolutionIndicator {
    fn from(i: &IndicatorEvolution) -> EvolutionIndicator {
        EvolutionIndicator {
            key: i.key.clone(),
            raw_before: i.raw_before,
            raw_after: i.raw_after,
            raw_difference: i.raw_difference,
            class_before: i.class_before,
            class_after: i.class_after,
            class_difference: i.class_difference,
        }
    }
}

/// One territory in both vintages.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvolutionTerritory {
    /// Code in B (in A for a removed territory).
    pub code: String,
    /// Name in B (in A for a removed territory).
    pub name: String,
    /// `unchanged`, `renamed`, `recoded`, `merged`, `split`, `new` or `removed`.
    pub status: String,
    /// The status in French (`inchangée`, `fusion`, `scission`…).
    pub status_label: String,
    /// Codes of A compared with it (the former communes of a commune nouvelle).
    pub sources: Vec<String>,
    /// Names in A of `sources`.
    pub source_names: Vec<String>,
    /// Population in A (sum over `sources`).
    pub population_before: Option<f64>,
    /// Population in B.
    pub population_after: Option<f64>,
    /// Score in A (population-weighted aggregate over `sources`).
    pub score_before: Option<f64>,
    /// Score in B.
    pub score_after: Option<f64>,
    /// `score_after − score_before`.
    pub difference: Option<f64>,
    /// Each indicator of the selection.
    pub indicators: Vec<EvolutionIndicator>,
    /// What the status means for this territory, in French.
    pub note: String,
}

impl From<&TerritoryEvolution> for EvolutionTerritory {
    fn from(t: &TerritoryEvolution) -> EvolutionTerritory {
        EvolutionTerritory {
            code: t.code.clone(),
            name: t.name.clone(),
            status: t.status.key().to_string(),
            status_label: t.status.label_fr().to_string(),
            sources: t.sources.clone(),
            source_names: t.source_names.clone(),
            population_before: t.population_before,
            population_after: t.population_after,
            score_before: t.score_before,
            score_after: t.score_after,
            difference: t.difference,
            indicators: t.indicators.iter().map(EvolutionIndicator::from).collect(),
            note: t.note.clone(),
        }
    }
}

/// `GET /api/evolution`: whether this server compares two vintages, and which.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvolutionInfo {
    /// Whether a second vintage is loaded (`ifn serve --compare-store`, or the demo with
    /// `--demo-vintage 2`).
    pub available: bool,
    /// Name of the earlier vintage A (`null` when not available).
    pub from: Option<String>,
    /// Name of the later vintage B (the store served).
    pub to: String,
    /// Levels present in both vintages, coarse → fine.
    #[schema(value_type = Vec<String>)]
    pub levels: Vec<Level>,
    /// Whether the COG changes come from an INSEE table of changes.
    pub has_changes: bool,
    /// The COG events between the two.
    pub events: Vec<CogEventAnswer>,
    /// When not available: how to start the server with a second vintage, in French.
    pub hint: Option<String>,
}

/// `GET /api/evolution/{level}`: every territory of the level in both vintages.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvolutionAnswer {
    /// The level.
    #[schema(value_type = String)]
    pub level: Level,
    /// Name of the earlier vintage A.
    pub from: String,
    /// Name of the later vintage B.
    pub to: String,
    /// The selection, as resolved on B (the same parameters are resolved on A).
    pub selection: SelectionEcho,
    /// The COG events between the two.
    pub events: Vec<CogEventAnswer>,
    /// Number of territories per French status label.
    pub counts: BTreeMap<String, usize>,
    /// The territories whose score changed most (largest |difference| first).
    pub biggest_changes: Vec<EvolutionTerritory>,
    /// Every territory of the level (only the asked codes when `codes` is given): those of B
    /// in code order, then those of A with no counterpart.
    pub territories: Vec<EvolutionTerritory>,
}

impl EvolutionAnswer {
    /// The answer for `e`, with `top` biggest changes and the territories `keep` accepts.
    pub fn new(
        e: &Evolution,
        names: (&str, &str),
        selection: SelectionEcho,
        top: usize,
        keep: impl Fn(&str) -> bool,
    ) -> EvolutionAnswer {
        EvolutionAnswer {
            level: e.level,
            from: names.0.to_string(),
            to: names.1.to_string(),
            selection,
            events: e.events.iter().map(CogEventAnswer::from).collect(),
            counts: e
                .counts()
                .into_iter()
                .map(|(s, n)| (s.label_fr().to_string(), n))
                .collect(),
            biggest_changes: e
                .biggest_changes(top)
                .into_iter()
                .map(EvolutionTerritory::from)
                .collect(),
            territories: e
                .territories
                .iter()
                .filter(|t| keep(&t.code))
                .map(EvolutionTerritory::from)
                .collect(),
        }
    }
}
