//! The comparison itself: each territory of the later vintage B against its counterpart in the
//! earlier vintage A, found by code or through the table of changes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::cog::{CogChanges, CogEvent};
use super::error::{EvolutionError, EvolutionResult};
use crate::engine::{Engine, LevelScores};
use crate::level::Level;
use crate::selection::Selection;

/// How a territory of B relates to vintage A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Same code, same name.
    Unchanged,
    /// Same code, another name.
    Renamed,
    /// One territory of A under another code.
    Recoded,
    /// Several territories of A merged into it (a commune nouvelle): A's side is their
    /// population-weighted aggregate.
    Merged,
    /// Split off a territory of A (or what remains of it): A's side is that whole territory.
    Split,
    /// No territory of A corresponds to it.
    New,
    /// A territory of A with no counterpart in B (the B side is empty).
    Removed,
}

impl Status {
    /// Key of the status, as serialised (`unchanged`, `merged`…).
    pub fn key(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Renamed => "renamed",
            Status::Recoded => "recoded",
            Status::Merged => "merged",
            Status::Split => "split",
            Status::New => "new",
            Status::Removed => "removed",
        }
    }

    /// French label, as the viewer and the CSV show it.
    pub fn label_fr(self) -> &'static str {
        match self {
            Status::Unchanged => "inchangée",
            Status::Renamed => "renommée",
            Status::Recoded => "recodée",
            Status::Merged => "fusion",
            Status::Split => "scission",
            Status::New => "nouvelle",
            Status::Removed => "disparue",
        }
    }
}

/// One indicator of one territory in both vintages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorEvolution {
    /// Indicator key.
    pub key: String,
    /// Raw value in A (`None`: missing).
    pub raw_before: Option<f64>,
    /// Raw value in B.
    pub raw_after: Option<f64>,
    /// `raw_after − raw_before`.
    pub raw_difference: Option<f64>,
    /// Class in A (1–10 for base units, population-weighted mean above).
    pub class_before: Option<f64>,
    /// Class in B.
    pub class_after: Option<f64>,
    /// `class_after − class_before`.
    pub class_difference: Option<f64>,
}

/// One territory in both vintages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryEvolution {
    /// Code in B (in A for a removed territory).
    pub code: String,
    /// Name in B (in A for a removed territory).
    pub name: String,
    /// How it relates to A.
    pub status: Status,
    /// Codes of A compared with it (its former communes for a merger).
    pub sources: Vec<String>,
    /// Names in A of `sources`.
    pub source_names: Vec<String>,
    /// Population in A (sum over `sources`).
    pub population_before: Option<f64>,
    /// Population in B.
    pub population_after: Option<f64>,
    /// Score in A (aggregate over `sources`).
    pub score_before: Option<f64>,
    /// Score in B.
    pub score_after: Option<f64>,
    /// `score_after − score_before`.
    pub difference: Option<f64>,
    /// Each indicator of the selection.
    pub indicators: Vec<IndicatorEvolution>,
    /// What the status means for this territory, in French.
    pub note: String,
}

/// The comparison of two vintages at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evolution {
    /// The level.
    pub level: Level,
    /// Indicator keys compared (the selection's, as resolved on B).
    pub indicators: Vec<String>,
    /// Territories of B in code order, then those of A with no counterpart.
    pub territories: Vec<TerritoryEvolution>,
    /// The COG events of the table of changes (empty without one).
    pub events: Vec<CogEvent>,
}

/// Number of territories per status.
pub type StatusCounts = BTreeMap<Status, usize>;

impl Evolution {
    /// How many territories have each status.
    pub fn counts(&self) -> StatusCounts {
        let mut m = StatusCounts::new();
        for t in &self.territories {
            *m.entry(t.status).or_default() += 1;
        }
        m
    }

    /// The `n` territories whose score changed most (largest |difference|, then code).
    pub fn biggest_changes(&self, n: usize) -> Vec<&TerritoryEvolution> {
        let mut v: Vec<&TerritoryEvolution> = self
            .territories
            .iter()
            .filter(|t| t.difference.is_some())
            .collect();
        v.sort_by(|a, b| {
            let (da, db) = (a.difference.unwrap_or(0.0), b.difference.unwrap_or(0.0));
            db.abs().total_cmp(&da.abs()).then(a.code.cmp(&b.code))
        });
        v.truncate(n);
        v
    }

    /// The territory of code `code` (in B, or in A when removed).
    pub fn get(&self, code: &str) -> Option<&TerritoryEvolution> {
        self.territories.iter().find(|t| t.code == code)
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// Population-weighted mean of `value(i)` over `rows` (the method's roll-up), missing values
/// left out; a single row gives its own value.
fn aggregate(s: &LevelScores, rows: &[usize], value: impl Fn(usize) -> f64) -> Option<f64> {
    if let [one] = rows {
        return finite(value(*one));
    }
    let (mut sum, mut weight) = (0.0, 0.0);
    for &i in rows {
        let v = value(i);
        if v.is_finite() && s.population[i] > 0.0 {
            sum += s.population[i] * v;
            weight += s.population[i];
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

/// Notes for IRIS that a change of their commune renumbered (IRIS level only).
struct IrisNotes<'a> {
    /// Commune of each IRIS of A and B, in the order of the IRIS level's scores.
    communes: Option<(Vec<&'a str>, Vec<&'a str>)>,
    /// Communes of A named by the table, with their successors.
    successors: &'a BTreeMap<String, BTreeSet<String>>,
    /// Communes of B that hold the territory of a commune of A named by the table.
    touched: BTreeSet<&'a str>,
}

impl<'a> IrisNotes<'a> {
    fn new(
        level: Level,
        a: &'a Engine,
        b: &'a Engine,
        successors: &'a BTreeMap<String, BTreeSet<String>>,
    ) -> Self {
        let communes = (level == Level::Iris && !successors.is_empty()).then(|| {
            let of = |e: &'a Engine| {
                e.dataset()
                    .units()
                    .iter()
                    .map(|u| u.commune.as_str())
                    .collect()
            };
            (of(a), of(b))
        });
        let touched = successors.values().flatten().map(String::as_str).collect();
        IrisNotes {
            communes,
            successors,
            touched,
        }
    }

    /// Note for IRIS `i` of A, absent from B.
    fn before(&self, i: usize) -> Option<String> {
        let commune = self.communes.as_ref()?.0[i];
        let next = self.successors.get(commune)?;
        Some(format!(
            "IRIS de la commune {commune}, devenue {} (table des changements du COG) : IRIS \
             renumérotées, comparez au niveau commune",
            next.iter().cloned().collect::<Vec<_>>().join(", ")
        ))
    }

    /// Note for IRIS `j` of B, absent from A.
    fn after(&self, j: usize) -> Option<String> {
        let commune = self.communes.as_ref()?.1[j];
        self.touched.contains(commune).then(|| {
            format!(
                "IRIS de la commune {commune}, issue d'un changement du COG : IRIS \
                 renumérotées, comparez au niveau commune"
            )
        })
    }
}

/// Compares vintage A (`a`, scored with `selection_a`) with vintage B at `level`. At commune
/// level, communes are matched through `changes` (INSEE's table of changes between the two):
/// a commune nouvelle is compared with the population-weighted aggregate of its former
/// communes, a commune split off (or what remains of its parent) with the whole parent, a
/// renamed commune by its code. Other levels, and communes the table does not name, are
/// matched by code.
pub fn compare(
    a: &Engine,
    selection_a: &Selection,
    b: &Engine,
    selection_b: &Selection,
    level: Level,
    changes: Option<&CogChanges>,
) -> EvolutionResult<Evolution> {
    for (engine, vintage) in [(a, "A"), (b, "B")] {
        if !engine.has_level(level) {
            return Err(EvolutionError::LevelMissing {
                level: level.to_string(),
                vintage,
            });
        }
    }
    let sa = a.score(level, selection_a)?;
    let sb = b.score(level, selection_b)?;
    let commune_successors = changes.map(CogChanges::successors).unwrap_or_default();
    let successors = match level {
        Level::Commune => commune_successors.clone(),
        _ => BTreeMap::new(),
    };
    // At IRIS level the table (of communes) cannot match IRIS renumbered after a change: say so.
    let iris_note = IrisNotes::new(level, a, b, &commune_successors);
    let b_rows: BTreeMap<&str, usize> = sb
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    // Images in B of each territory of A, and the preimages of each territory of B.
    let mut images: Vec<BTreeSet<usize>> = Vec::with_capacity(sa.len());
    let mut preimages: Vec<Vec<usize>> = vec![Vec::new(); sb.len()];
    for (i, code) in sa.codes.iter().enumerate() {
        let targets: BTreeSet<usize> = match successors.get(code) {
            Some(next) => next
                .iter()
                .filter_map(|c| b_rows.get(c.as_str()).copied())
                .collect(),
            None => b_rows.get(code.as_str()).copied().into_iter().collect(),
        };
        for &j in &targets {
            preimages[j].push(i);
        }
        images.push(targets);
    }
    let columns_a: Vec<Option<usize>> = sb
        .indicators
        .iter()
        .map(|k| sa.indicators.iter().position(|x| x == k))
        .collect();

    let mut territories = Vec::with_capacity(sb.len());
    for (j, sources) in preimages.iter().enumerate() {
        let code = &sb.codes[j];
        let name = &sb.names[j];
        let source_codes: Vec<String> = sources.iter().map(|&i| sa.codes[i].clone()).collect();
        let source_names: Vec<String> = sources.iter().map(|&i| sa.names[i].clone()).collect();
        let split_from = sources.iter().find(|&&i| images[i].len() > 1);
        let (status, note) = match (sources.as_slice(), split_from) {
            ([], _) => (
                Status::New,
                iris_note
                    .after(j)
                    .unwrap_or_else(|| "aucun territoire du millésime A ne lui correspond".into()),
            ),
            (_, Some(&i)) => (
                Status::Split,
                format!(
                    "issue de la scission de {} ({}) : comparée à ce territoire entier",
                    sa.names[i], sa.codes[i]
                ),
            ),
            ([_, _, ..], None) => (
                Status::Merged,
                format!(
                    "fusion de {} : millésime A = moyenne pondérée par la population des \
                     anciennes communes",
                    source_names
                        .iter()
                        .zip(&source_codes)
                        .map(|(n, c)| format!("{n} ({c})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            ([i], None) if sa.codes[*i] != *code => {
                (Status::Recoded, format!("ancien code {}", sa.codes[*i]))
            }
            ([i], None) if sa.names[*i] != *name => {
                (Status::Renamed, format!("ancien nom {}", sa.names[*i]))
            }
            _ => (Status::Unchanged, String::new()),
        };
        let population_before = if sources.is_empty() {
            None
        } else {
            Some(sources.iter().map(|&i| sa.population[i]).sum())
        };
        let score_before = if sources.is_empty() {
            None
        } else {
            aggregate(&sa, sources, |i| sa.total[i])
        };
        let score_after = finite(sb.total[j]);
        let indicators = sb
            .indicators
            .iter()
            .zip(&columns_a)
            .enumerate()
            .map(|(k, (key, col_a))| {
                let before = |m: &ndarray::Array2<f64>| match col_a {
                    Some(c) if !sources.is_empty() => aggregate(&sa, sources, |i| m[[i, *c]]),
                    _ => None,
                };
                let raw_before = before(&sa.raw);
                let class_before = before(&sa.classes);
                let raw_after = finite(sb.raw[[j, k]]);
                let class_after = finite(sb.classes[[j, k]]);
                IndicatorEvolution {
                    key: key.clone(),
                    raw_before,
                    raw_after,
                    raw_difference: diff(raw_before, raw_after),
                    class_before,
                    class_after,
                    class_difference: diff(class_before, class_after),
                }
            })
            .collect();
        territories.push(TerritoryEvolution {
            code: code.clone(),
            name: name.clone(),
            status,
            sources: source_codes,
            source_names,
            population_before,
            population_after: finite(sb.population[j]),
            score_before,
            score_after,
            difference: diff(score_before, score_after),
            indicators,
            note,
        });
    }
    for (i, targets) in images.iter().enumerate() {
        if !targets.is_empty() {
            continue;
        }
        let indicators = sb
            .indicators
            .iter()
            .zip(&columns_a)
            .map(|(key, col_a)| IndicatorEvolution {
                key: key.clone(),
                raw_before: col_a.and_then(|c| finite(sa.raw[[i, c]])),
                raw_after: None,
                raw_difference: None,
                class_before: col_a.and_then(|c| finite(sa.classes[[i, c]])),
                class_after: None,
                class_difference: None,
            })
            .collect();
        territories.push(TerritoryEvolution {
            code: sa.codes[i].clone(),
            name: sa.names[i].clone(),
            status: Status::Removed,
            sources: vec![sa.codes[i].clone()],
            source_names: vec![sa.names[i].clone()],
            population_before: finite(sa.population[i]),
            population_after: None,
            score_before: finite(sa.total[i]),
            score_after: None,
            difference: None,
            indicators,
            note: match iris_note.before(i) {
                Some(note) => note,
                None if changes.is_none() => {
                    "absent du millésime B (sans table des changements du COG pour le suivre)"
                        .into()
                }
                None => "absent du millésime B et de la table des changements du COG".into(),
            },
        });
    }
    Ok(Evolution {
        level,
        indicators: sb.indicators.clone(),
        territories,
        events: changes.map(CogChanges::events).unwrap_or_default(),
    })
}
