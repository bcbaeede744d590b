//! Everything the page shows, computed from the core: [`build_input`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ifn_core::offer::{
    offer, offer_for_units, OfferKind, OfferOptions, PlaceIndex, TerritoryOffer,
};
use ifn_core::{
    Axis, Engine, Feature, Level, LevelScores, Place, Selection, SourceInfo, TerritoryMeta,
};

use crate::compare::{enclosing, Compared, Reference};
use crate::error::{DiagnosticError, DiagnosticResult};

/// Rows of the "most fragile sub-territories" table.
pub const TOP_FRAGILE: usize = 10;
/// Rows of the zones blanches table (the count covers them all).
pub const ZONES_BLANCHES_LISTED: usize = 15;

/// The store parts a diagnostic is computed from (the server keeps them apart, the command
/// line has a whole `Territory`).
#[derive(Debug, Clone, Copy)]
pub struct DiagnosticContext<'a> {
    /// Description and provenance of the store.
    pub meta: &'a TerritoryMeta,
    /// The scoring engine over the store's dataset.
    pub engine: &'a Engine,
    /// Contours per level.
    pub geometries: &'a BTreeMap<Level, Vec<Feature>>,
    /// Mediation places.
    pub places: &'a [Place],
    /// The place index built from the same units, contours and places.
    pub index: &'a PlaceIndex,
}

/// One indicator of the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// Key.
    pub key: String,
    /// French label.
    pub label: String,
    /// Unit (`%`, `km`).
    pub unit: String,
    /// IFN axis or territorial context.
    pub axis: Option<Axis>,
    /// Weight in the selection.
    pub weight: f64,
    /// Class (1..10, rolled up).
    pub class: Compared,
    /// Raw value (population-weighted).
    pub raw: Compared,
    /// Producer.
    pub producer: String,
    /// Source dataset.
    pub source: String,
    /// Vintage.
    pub vintage: String,
    /// Statistical secrecy: share (0–1) of the territory's population whose value was not
    /// published and was estimated from an enclosing territory (0 when none).
    pub estimated_share: f64,
}

/// Share of the population of base units `members` whose value of indicator `key` is
/// estimated (statistical secrecy).
fn estimated_share(dataset: &ifn_core::Dataset, members: &[usize], key: &str) -> f64 {
    let Some(j) = dataset
        .indicator_index(key)
        .filter(|_| dataset.has_estimates())
    else {
        return 0.0;
    };
    let units = dataset.units();
    let (mut pop, mut est) = (0.0, 0.0);
    for &i in members {
        let w = units[i].population;
        pop += w;
        if dataset.estimated_from(i, j).is_some() {
            est += w;
        }
    }
    if pop > 0.0 {
        est / pop
    } else {
        0.0
    }
}

/// One sub-territory in the "most fragile" table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Population.
    pub population: f64,
    /// Score.
    pub score: f64,
    /// Fragile population.
    pub fragile_population: f64,
    /// Mediation places (all kinds).
    pub places: u32,
    /// Share of the fragile population farther than the distance.
    pub fragile_share_beyond: f64,
}

/// One zone blanche.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneBlancheRow {
    /// Base unit code.
    pub code: String,
    /// Base unit name.
    pub name: String,
    /// Commune name.
    pub commune: String,
    /// Population.
    pub population: f64,
    /// Score.
    pub score: f64,
    /// Distance to the nearest place (km).
    pub nearest_km: f64,
}

/// A shape of the small map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapShape {
    /// Territory code.
    pub code: String,
    /// Score (colour); NaN draws grey.
    pub score: f64,
    /// Rings (exterior and holes) in lon/lat.
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The small map: sub-territories coloured by score, zones blanches, places.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapData {
    /// Level of the coloured shapes.
    pub level: Option<Level>,
    /// Coloured shapes.
    pub shapes: Vec<MapShape>,
    /// Zones blanches (hatched), when base-unit contours exist.
    pub zones_blanches: Vec<Vec<Vec<(f64, f64)>>>,
    /// Places located in the territory (lon, lat).
    pub places: Vec<(f64, f64)>,
}

/// Everything the diagnostic page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosticInput {
    /// Store name.
    pub store_name: String,
    /// Fictional data: the page says so in large letters.
    pub fictional: bool,
    /// Level of the territory.
    pub level: Level,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Enclosing territories (level, code, name), finest first.
    pub parents: Vec<(Level, String, String)>,
    /// The territories every figure is compared with, France last: for a commune its EPCI
    /// and its département, for an EPCI its département, for a département its région (see
    /// [`Compared`]). Never the territory itself.
    pub references: Vec<Reference>,
    /// Label of the whole-store column ("France" or the demo's name).
    pub france_label: String,
    /// Profile label.
    pub profile: String,
    /// Reference set of the classes (`france`, `departement`, `region`).
    pub reference: String,
    /// Offer options.
    pub options: OfferOptions,
    /// Population.
    pub population: Compared,
    /// Score.
    pub score: Compared,
    /// Selected indicators.
    pub indicators: Vec<IndicatorRow>,
    /// Level of the sub-territories.
    pub child_level: Option<Level>,
    /// Number of sub-territories.
    pub child_count: usize,
    /// The most fragile sub-territories, by decreasing score.
    pub top_fragile: Vec<ChildRow>,
    /// Offer of the territory.
    pub offer: TerritoryOffer,
    /// Offer of each reference, in the order of [`references`](Self::references).
    pub offer_references: Vec<TerritoryOffer>,
    /// Largest zones blanches (by population), at most [`ZONES_BLANCHES_LISTED`].
    pub zones_blanches: Vec<ZoneBlancheRow>,
    /// Places of the store attached to no territory.
    pub unassigned_places: usize,
    /// The small map.
    pub map: MapData,
    /// Sources of the store.
    pub sources: Vec<SourceInfo>,
    /// Catalogue version.
    pub catalogue_version: String,
    /// Date of generation (`YYYY-MM-DD`), given by the caller so the page is reproducible.
    pub generated_on: String,
}

fn child_of(level: Level) -> Option<Level> {
    match level {
        Level::Region => Some(Level::Departement),
        Level::Departement => Some(Level::Epci),
        Level::Epci => Some(Level::Commune),
        Level::Commune => Some(Level::Iris),
        Level::Iris => None,
    }
}

fn rings_of(f: &Feature) -> Vec<Vec<(f64, f64)>> {
    f.geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ls| ls.0.iter().map(|c| (c.x, c.y)).collect())
        .collect()
}

/// Population-weighted mean over all base units, skipping NaN (the engine's roll-up rule).
fn france_mean(population: &[f64], value: impl Fn(usize) -> f64) -> f64 {
    let (mut sw, mut w) = (0.0, 0.0);
    for (i, &p) in population.iter().enumerate() {
        let v = value(i);
        if !v.is_nan() {
            sw += p * v;
            w += p;
        }
    }
    if w > 0.0 {
        sw / w
    } else {
        f64::NAN
    }
}

fn row(scores: &LevelScores, code: &str, level: Level) -> DiagnosticResult<usize> {
    scores
        .index_of(code)
        .ok_or_else(|| DiagnosticError::UnknownTerritory {
            level,
            code: code.to_string(),
        })
}

/// Computes every figure of the diagnostic of one territory.
///
/// ```
/// use ifn_core::offer::{OfferOptions, PlaceIndex};
/// use ifn_core::{Catalogue, Engine, Level, Selection};
/// use ifn_diagnostic::{build_input, render_html, DiagnosticContext};
///
/// let t = ifn_core::demo::generate();
/// let engine = Engine::new(t.dataset.clone(), Catalogue::builtin().clone());
/// let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
/// let ctx = DiagnosticContext { meta: &t.meta, engine: &engine, geometries: &t.geometries, places: &t.places, index: &index };
/// let sel = Selection::builder("tout-age").build(&engine).unwrap();
/// let input = build_input(&ctx, Level::Departement, "X2", &sel, &OfferOptions::default(), "2026-11-23").unwrap();
/// assert_eq!(input.child_level, Some(Level::Epci));
/// let html = render_html(&input);
/// assert!(html.contains("Données fictives"));
/// assert!(build_input(&ctx, Level::Commune, "99999", &sel, &OfferOptions::default(), "").is_err());
/// ```
pub fn build_input(
    ctx: &DiagnosticContext<'_>,
    level: Level,
    code: &str,
    selection: &Selection,
    options: &OfferOptions,
    generated_on: &str,
) -> DiagnosticResult<DiagnosticInput> {
    let engine = ctx.engine;
    let dataset = engine.dataset();
    let units = dataset.units();
    let unit_scores = engine.unit_scores(selection)?;
    let scores = engine.score_with(level, selection, &unit_scores)?;
    let t = row(&scores, code, level)?;
    let members = engine.members(level, code);

    let france_label = if ctx.meta.fictional {
        "Ensemble (fictif)".to_string()
    } else {
        "France".to_string()
    };
    // The enclosing territories, each with its scores and offer, then France.
    let all: Vec<usize> = (0..units.len()).collect();
    let mut references = Vec::new();
    let mut reference_scores = Vec::new();
    let mut offer_references = Vec::new();
    for r in enclosing(engine, level, &members) {
        let Some(l) = r.level else { continue };
        let s = engine.score_with(l, selection, &unit_scores)?;
        let Some(o) = offer(l, engine, &unit_scores, ctx.index, options)?
            .get(&r.code)
            .cloned()
        else {
            continue;
        };
        let row = row(&s, &r.code, l)?;
        references.push(r);
        reference_scores.push((s, row));
        offer_references.push(o);
    }
    references.push(Reference {
        level: None,
        code: "FR".to_string(),
        name: france_label.clone(),
    });
    offer_references.push(offer_for_units(
        "FR",
        &all,
        engine,
        &unit_scores,
        ctx.index,
        options,
    )?);
    let iris = engine.score_with(Level::Iris, selection, &unit_scores)?;
    let pops: Vec<f64> = units.iter().map(|u| u.population).collect();
    // A figure of the territory and of each reference; `france` is the whole store's.
    let compare = |f: &dyn Fn(&LevelScores, usize) -> f64, france: f64| Compared {
        territory: f(&scores, t),
        references: reference_scores
            .iter()
            .map(|(s, r)| f(s, *r))
            .chain(std::iter::once(france))
            .collect(),
    };

    let catalogue = engine.catalogue();
    let profile = catalogue.profile(&selection.profile)?;
    let indicators = selection
        .indicators
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let def = catalogue.indicator(key);
            IndicatorRow {
                key: key.clone(),
                label: def.map_or_else(|| key.clone(), |d| d.label.clone()),
                unit: def.map_or_else(String::new, |d| d.unit.clone()),
                axis: profile.axis_of(key),
                weight: selection.weights[k],
                class: compare(
                    &|s, r| s.classes[(r, k)],
                    france_mean(&pops, |i| iris.classes[(i, k)]),
                ),
                raw: compare(
                    &|s, r| s.raw[(r, k)],
                    france_mean(&pops, |i| iris.raw[(i, k)]),
                ),
                producer: def.map_or_else(String::new, |d| d.producer.clone()),
                source: def.map_or_else(String::new, |d| d.source.clone()),
                vintage: def.map_or_else(String::new, |d| d.vintage.clone()),
                estimated_share: estimated_share(dataset, &members, key),
            }
        })
        .collect();

    // Offer.
    let here = offer(level, engine, &unit_scores, ctx.index, options)?;
    let offer_here = here
        .get(code)
        .cloned()
        .ok_or_else(|| DiagnosticError::UnknownTerritory {
            level,
            code: code.to_string(),
        })?;

    // Sub-territories.
    let child_level = child_of(level).filter(|&l| engine.has_level(l));
    let mut top_fragile = Vec::new();
    let mut child_codes: BTreeSet<String> = BTreeSet::new();
    let mut child_scores: HashMap<String, f64> = HashMap::new();
    if let Some(cl) = child_level {
        child_codes = members
            .iter()
            .map(|&i| units[i].code_at(cl).to_string())
            .collect();
        let cs = engine.score_with(cl, selection, &unit_scores)?;
        let co = offer(cl, engine, &unit_scores, ctx.index, options)?;
        let mut rows: Vec<ChildRow> = child_codes
            .iter()
            .filter_map(|c| {
                let r = cs.index_of(c)?;
                let o = co.get(c)?;
                child_scores.insert(c.clone(), cs.total[r]);
                Some(ChildRow {
                    code: c.clone(),
                    name: cs.names[r].clone(),
                    population: cs.population[r],
                    score: cs.total[r],
                    fragile_population: o.fragile_population,
                    places: o.places.all,
                    fragile_share_beyond: o.fragile_share_beyond,
                })
            })
            .collect();
        // Decreasing score, missing last, then by code for a stable order.
        rows.sort_by(|a, b| {
            let key = |r: &ChildRow| {
                if r.score.is_nan() {
                    f64::NEG_INFINITY
                } else {
                    r.score
                }
            };
            key(b).total_cmp(&key(a)).then_with(|| a.code.cmp(&b.code))
        });
        rows.truncate(TOP_FRAGILE);
        top_fragile = rows;
    }

    // Zones blanches, largest first.
    let mut zones_blanches: Vec<ZoneBlancheRow> = offer_here
        .zone_blanche_units
        .iter()
        .map(|&i| ZoneBlancheRow {
            code: units[i].code.clone(),
            name: units[i].name.clone(),
            commune: dataset.name_of(Level::Commune, &units[i].commune),
            population: units[i].population,
            score: unit_scores.total[i],
            nearest_km: ctx.index.nearest_km(i, OfferKind::All),
        })
        .collect();
    zones_blanches.sort_by(|a, b| {
        b.population
            .total_cmp(&a.population)
            .then_with(|| a.code.cmp(&b.code))
    });
    zones_blanches.truncate(ZONES_BLANCHES_LISTED);

    // Map: sub-territories when they have contours, else the territory itself.
    let mut map = MapData::default();
    let child_geoms = child_level.and_then(|cl| ctx.geometries.get(&cl).map(|g| (cl, g)));
    match child_geoms {
        Some((cl, geoms)) if geoms.iter().any(|f| child_codes.contains(&f.code)) => {
            map.level = Some(cl);
            map.shapes = geoms
                .iter()
                .filter(|f| child_codes.contains(&f.code))
                .map(|f| MapShape {
                    code: f.code.clone(),
                    score: child_scores.get(&f.code).copied().unwrap_or(f64::NAN),
                    rings: rings_of(f),
                })
                .collect();
        }
        _ => {
            if let Some(f) = ctx
                .geometries
                .get(&level)
                .and_then(|g| g.iter().find(|f| f.code == code))
            {
                map.level = Some(level);
                map.shapes = vec![MapShape {
                    code: code.to_string(),
                    score: scores.total[t],
                    rings: rings_of(f),
                }];
            }
        }
    }
    if let Some(geoms) = ctx.geometries.get(&Level::Iris) {
        let zb: BTreeSet<&str> = offer_here
            .zones_blanches
            .iter()
            .map(String::as_str)
            .collect();
        map.zones_blanches = geoms
            .iter()
            .filter(|f| zb.contains(f.code.as_str()))
            .map(rings_of)
            .collect();
    }
    let member_set: BTreeSet<usize> = members.iter().copied().collect();
    map.places = ctx
        .places
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            ctx.index
                .unit_of_place(*i)
                .or_else(|| ctx.index.commune_unit_of_place(*i))
                .is_some_and(|u| member_set.contains(&u))
        })
        .filter(|(_, p)| p.lon.is_finite() && p.lat.is_finite())
        .map(|(_, p)| (p.lon, p.lat))
        .collect();

    // Parents, finest first.
    let mut parents = Vec::new();
    if let Some(&first) = members.first() {
        let mut l = level.parent();
        while let Some(pl) = l {
            if engine.has_level(pl) {
                let c = units[first].code_at(pl).to_string();
                parents.push((pl, c.clone(), dataset.name_of(pl, &c)));
            }
            l = pl.parent();
        }
    }

    Ok(DiagnosticInput {
        store_name: ctx.meta.name.clone(),
        fictional: ctx.meta.fictional,
        level,
        code: code.to_string(),
        name: scores.names[t].clone(),
        parents,
        references,
        france_label,
        profile: profile.label.clone(),
        reference: selection.reference.as_str().to_string(),
        options: *options,
        population: compare(&|s, r| s.population[r], pops.iter().sum()),
        score: compare(
            &|s, r| s.total[r],
            france_mean(&pops, |i| unit_scores.total[i]),
        ),
        indicators,
        child_level,
        child_count: child_codes.len(),
        top_fragile,
        offer: offer_here,
        offer_references,
        zones_blanches,
        unassigned_places: ctx.index.unassigned().len(),
        map,
        sources: ctx.meta.sources.clone(),
        catalogue_version: catalogue.version.clone(),
        generated_on: generated_on.to_string(),
    })
}
