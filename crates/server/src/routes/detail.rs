//! The detail of a territory: its score, each indicator with its raw value and class next to
//! the same indicator for its département and for France, its parents and its mediation offer.

use ifn_core::offer::{LevelOffer, OfferOptions};
use ifn_core::{report, Level, LevelScores, Selection};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::model::{
    finite, EstimateDetail, IndicatorDetail, ParentRef, SelectionEcho, TerritoryDetail, ValueAt,
};
use crate::state::AppState;

/// Whether a territory of `level` is compared with its département (a département or a
/// région is not compared with itself).
fn has_departement(level: Level) -> bool {
    matches!(level, Level::Iris | Level::Commune | Level::Epci)
}

/// The row of the territory's département in the département scores.
fn departement_row(state: &AppState, level: Level, code: &str) -> Option<usize> {
    let engine = state.engine();
    let &first = engine.members(level, code).first()?;
    let dep = engine.dataset().units()[first].code_at(Level::Departement);
    state.row(Level::Departement, dep)
}

/// Each indicator over all of France: the population-weighted mean of the base units' raw
/// values and classes, over the units where it is present (the roll-up rule of every level).
fn france_values(base: &LevelScores) -> Vec<(f64, f64)> {
    (0..base.indicators.len())
        .map(|k| {
            let (mut pop, mut raw, mut class) = (0.0, 0.0, 0.0);
            for (row, &p) in base.population.iter().enumerate() {
                let (r, c) = (base.raw[(row, k)], base.classes[(row, k)]);
                if p > 0.0 && c.is_finite() && r.is_finite() {
                    pop += p;
                    raw += p * r;
                    class += p * c;
                }
            }
            if pop > 0.0 {
                (raw / pop, class / pop)
            } else {
                (f64::NAN, f64::NAN)
            }
        })
        .collect()
}

/// The selection with every indicator of its profile that has data (weights 1), to report
/// raw values and classes of the unticked indicators too.
pub(crate) fn full_selection(state: &AppState, sel: &Selection) -> ApiResult<Selection> {
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

/// The territories containing the one of `code`, coarse → fine.
fn parents(state: &AppState, level: Level, code: &str) -> Vec<ParentRef> {
    let engine = state.engine();
    let Some(&first) = engine.members(level, code).first() else {
        return Vec::new();
    };
    let unit = &engine.dataset().units()[first];
    let mut chain = Vec::new();
    let mut p = level.parent();
    while let Some(pl) = p {
        let c = unit.code_at(pl);
        if engine.has_level(pl) && !c.is_empty() {
            chain.push(ParentRef {
                level: pl,
                code: c.to_string(),
                name: engine.dataset().name_of(pl, c),
            });
        }
        p = pl.parent();
    }
    chain.reverse();
    chain
}

/// Statistical secrecy: the part of indicator `key` estimated among base units `members`
/// (None when none is).
fn estimate(state: &AppState, members: &[usize], key: &str) -> Option<EstimateDetail> {
    let engine = state.engine();
    let d = engine.dataset();
    let j = d.indicator_index(key)?;
    if !d.has_estimates() {
        return None;
    }
    let units = d.units();
    let (mut pop, mut pop_est, mut n) = (0.0, 0.0, 0usize);
    let mut from: Option<Option<(Level, &str)>> = None;
    for &i in members {
        pop += units[i].population;
        if let Some(level) = d.estimated_from(i, j) {
            pop_est += units[i].population;
            n += 1;
            let src = Some((level, units[i].code_at(level)));
            from = match from {
                None => Some(src),
                Some(prev) if prev == src => Some(prev),
                Some(_) => Some(None),
            };
        }
    }
    (n > 0).then(|| EstimateDetail {
        population_share: if pop > 0.0 {
            pop_est / pop
        } else {
            n as f64 / members.len() as f64
        },
        units: n,
        units_total: members.len(),
        from: from.flatten().map(|(level, code)| ParentRef {
            level,
            code: code.to_string(),
            name: d.name_of(level, code),
        }),
    })
}

/// The score sets and offer a detail is made of.
struct DetailInputs<'a> {
    sel: &'a Selection,
    scores: &'a LevelScores,
    /// Every indicator of the profile with data, at the level…
    full: &'a LevelScores,
    /// The same scored by département, when the level is finer.
    departement: Option<std::sync::Arc<LevelScores>>,
    /// Each indicator of `full` over all of France (raw, class).
    france: Vec<(f64, f64)>,
    offer: &'a LevelOffer,
}

/// Detail of one territory (blocking: may score).
fn detail(
    state: &AppState,
    level: Level,
    code: &str,
    inputs: &DetailInputs<'_>,
) -> ApiResult<TerritoryDetail> {
    let DetailInputs {
        sel,
        scores,
        full,
        departement,
        france,
        offer,
    } = inputs;
    let row = state.row(level, code).ok_or_else(|| {
        ApiError::not_found(format!(
            "aucun territoire de niveau {level} avec le code « {code} » dans ce magasin : \
             vérifiez le code ou cherchez le territoire (/api/search?q={code})"
        ))
    })?;
    let catalogue = state.engine().catalogue();
    let profile = catalogue.profile(&sel.profile)?;
    let total = scores.total[row];
    // Points of the total each selected indicator brings: w·class / Σw over the selected
    // indicators present for this territory (they add up to the total).
    let present_weight: f64 = full
        .indicators
        .iter()
        .enumerate()
        .filter(|&(k, _)| full.classes[(row, k)].is_finite())
        .filter_map(|(_, key)| sel.weight_of(key))
        .sum();
    let members = state.engine().members(level, code);
    let dep = departement
        .as_deref()
        .and_then(|d| Some((d, departement_row(state, level, code)?)));
    let indicators = full
        .indicators
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let def = catalogue.indicator(key);
            let text = |f: fn(&ifn_core::IndicatorDef) -> &str| def.map(f).unwrap_or("");
            let weight = sel.weight_of(key);
            let class = full.classes[(row, k)];
            let estimate = estimate(state, &members, key);
            IndicatorDetail {
                estimated: estimate.is_some(),
                estimate,
                key: key.clone(),
                label: def.map_or(key.as_str(), |d| d.label.as_str()).to_string(),
                unit: text(|d| d.unit.as_str()).to_string(),
                axis: profile.axis_of(key),
                selected: weight.is_some(),
                weight,
                raw: finite(full.raw[(row, k)]),
                class: finite(class),
                contribution: weight
                    .filter(|_| present_weight > 0.0)
                    .and_then(|w| finite(w * class / present_weight)),
                higher_is_fragile: def.is_none_or(|d| d.higher_is_fragile),
                departement: dep.as_ref().map(|(d, r)| ValueAt {
                    raw: finite(d.raw[(*r, k)]),
                    class: finite(d.classes[(*r, k)]),
                }),
                france: france.get(k).map(|&(raw, class)| ValueAt {
                    raw: finite(raw),
                    class: finite(class),
                }),
                definition: text(|d| d.definition.as_str()).to_string(),
                source: text(|d| d.source.as_str()).to_string(),
                producer: text(|d| d.producer.as_str()).to_string(),
                vintage: text(|d| d.vintage.as_str()).to_string(),
            }
        })
        .collect();
    Ok(TerritoryDetail {
        level,
        code: code.to_string(),
        name: scores.names[row].clone(),
        population: finite(scores.population[row]),
        bbox: state.bbox(level, code),
        parents: parents(state, level, code),
        total: finite(total),
        total_display: total
            .is_finite()
            .then(|| format!("{:.1}", report::display_round(total))),
        indicators_used: scores.used[row],
        indicators_selected: sel.indicators.len(),
        selection: SelectionEcho::from(*sel),
        indicators,
        offer: offer_json(offer, code),
    })
}

/// The offer figures of one territory with the options used (numbers that cannot be computed
/// are `null`).
pub(crate) fn offer_json(offer: &LevelOffer, code: &str) -> Option<Value> {
    match offer.get(code).map(serde_json::to_value) {
        Some(Ok(Value::Object(mut m))) => {
            let options = &offer.options;
            m.insert(
                "options".into(),
                serde_json::json!({"threshold": options.threshold, "distance_km": options.distance_km}),
            );
            Some(Value::Object(m))
        }
        _ => None,
    }
}

pub(crate) fn details(
    state: &AppState,
    level: Level,
    codes: &[String],
    sel: &Selection,
    options: &OfferOptions,
) -> ApiResult<Vec<TerritoryDetail>> {
    let scores = state.scores(level, sel)?;
    let all = full_selection(state, sel)?;
    let full = state.scores(level, &all)?;
    let france = france_values(&*state.scores(Level::Iris, &all)?);
    let departement = if has_departement(level) {
        Some(state.scores(Level::Departement, &all)?)
    } else {
        None
    };
    let offer = state.offer(level, sel, options)?;
    let inputs = DetailInputs {
        sel,
        scores: &scores,
        full: &full,
        departement,
        france,
        offer: &offer,
    };
    codes
        .iter()
        .map(|c| detail(state, level, c, &inputs))
        .collect()
}
