//! What is exported: scores joined to contours, the column list and the provenance text.

use std::collections::HashMap;

use geo::MultiPolygon;
use ifn_core::offer::{LevelOffer, TerritoryOffer};
use ifn_core::{Catalogue, LevelScores, Selection, Territory};
use serde_json::{json, Value};

use crate::error::{ExportError, ExportResult};
use crate::estimated::{estimated_shares, EstimatedShares};

/// Everything an export needs, borrowed.
#[derive(Debug, Clone)]
pub struct ExportInput<'a> {
    /// The territory (contours and provenance).
    pub territory: &'a Territory,
    /// The scores of one level, from [`ifn_core::Engine::score`].
    pub scores: &'a LevelScores,
    /// The selection the scores were computed with.
    pub selection: &'a Selection,
    /// The catalogue (indicator labels, producers and vintages).
    pub catalogue: &'a Catalogue,
    /// The mediation offer of the same level and selection, when the export carries it: its
    /// figures ([`TerritoryOffer::FLAT_FIELD_NAMES`]) follow the score columns.
    pub offer: Option<&'a LevelOffer>,
    /// Statistical secrecy: the `<key>_estimee` columns (computed by [`ExportInput::new`]).
    pub estimated: Option<std::sync::Arc<EstimatedShares>>,
}

/// One value of a row, in column order; [`Cell::Float`] NaN and [`Cell::Int`] `None` are
/// missing values (nulls).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text.
    Str(&'a str),
    /// Integer (an [`ColumnKind::Int64`] or [`ColumnKind::Int32`] column).
    Int(Option<i64>),
    /// Floating-point number, NaN when missing.
    Float(f64),
}

/// Type of a column, mapped to each format's own types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// UTF-8 text (codes are text: `01004`, `2A004`).
    String,
    /// 64-bit integer.
    Int64,
    /// 32-bit integer.
    Int32,
    /// 64-bit float.
    Float64,
}

/// One column of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Column type.
    pub kind: ColumnKind,
}

/// The columns of an export of these scores, in order.
///
/// ```
/// # use ifn_core::{Catalogue, Engine, Level, Selection};
/// # let territory = ifn_core::demo::generate();
/// # let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
/// let selection = Selection::builder("tout-age").indicators(["poverty_rate"]).build(&engine).unwrap();
/// let scores = engine.score(Level::Region, &selection).unwrap();
/// let names: Vec<_> = ifn_export::columns(&scores).into_iter().map(|c| c.name).collect();
/// assert_eq!(names, ["code", "name", "population", "total", "indicators_used",
///                    "poverty_rate_class", "poverty_rate_raw"]);
/// ```
pub fn columns(scores: &LevelScores) -> Vec<Column> {
    let c = |name: &str, kind| Column {
        name: name.to_string(),
        kind,
    };
    let mut out = vec![
        c("code", ColumnKind::String),
        c("name", ColumnKind::String),
        c("population", ColumnKind::Int64),
        c("total", ColumnKind::Float64),
        c("indicators_used", ColumnKind::Int32),
    ];
    for key in &scores.indicators {
        out.push(c(&format!("{key}_class"), ColumnKind::Float64));
        out.push(c(&format!("{key}_raw"), ColumnKind::Float64));
    }
    out
}

/// The contours of an export: `(row in the scores, contour)` in score order, and the codes of
/// the territories left out for want of a contour.
#[derive(Debug, Clone, Default)]
pub struct Rows<'a> {
    /// Rows with a contour.
    pub features: Vec<(usize, &'a MultiPolygon<f64>)>,
    /// Codes without a contour.
    pub without_contour: Vec<String>,
}

/// Type of an offer column: counts are integers, the rest doubles.
fn offer_kind(name: &str) -> ColumnKind {
    match name {
        "fragile_population" => ColumnKind::Int64,
        "zones_blanches" => ColumnKind::Int32,
        n if n.starts_with("places_") && !n.starts_with("places_per_10k") => ColumnKind::Int32,
        _ => ColumnKind::Float64,
    }
}

/// Population as exported: rounded to the nearest inhabitant (INSEE's IRIS populations are
/// fractional estimates; GIS users expect an integer column).
pub(crate) fn population_i64(p: f64) -> Option<i64> {
    // Casting a finite f64 saturates, so this cannot overflow.
    p.is_finite().then(|| p.round() as i64)
}

/// The description written into each file: what produced it and under which licence.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// One line: territory, level, profile.
    pub title: String,
    /// Several lines: profile, indicators and weights, reference set, sources and vintages,
    /// licence.
    pub description: String,
    /// The same as a JSON object (FlatGeobuf metadata, GeoJSON `"ifn"` member).
    pub json: Value,
}

impl<'a> ExportInput<'a> {
    /// Bundles the parts of an export.
    pub fn new(
        territory: &'a Territory,
        scores: &'a LevelScores,
        selection: &'a Selection,
        catalogue: &'a Catalogue,
    ) -> ExportInput<'a> {
        ExportInput {
            territory,
            scores,
            selection,
            catalogue,
            offer: None,
            estimated: estimated_shares(territory, scores).map(std::sync::Arc::new),
        }
    }

    /// Adds the mediation offer figures of the same level and selection as columns.
    ///
    /// # Errors
    /// [`ExportError::OfferMismatch`] when the offer is not of the scores' level or has
    /// other territories.
    pub fn with_offer(mut self, offer: &'a LevelOffer) -> ExportResult<ExportInput<'a>> {
        let s = self.scores;
        let same = offer.level == s.level
            && offer.territories.len() == s.len()
            && offer
                .territories
                .iter()
                .zip(s.codes.iter())
                .all(|(o, c)| o.code == *c);
        if !same {
            return Err(ExportError::OfferMismatch {
                level: s.level,
                offer_level: offer.level,
            });
        }
        self.offer = Some(offer);
        Ok(self)
    }

    /// The columns of this export: [`columns`] of the scores, then the offer figures when
    /// there is an offer.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = columns(self.scores);
        if let Some(e) = &self.estimated {
            out.extend(e.indicators.iter().map(|&k| Column {
                name: format!("{}_estimee", self.scores.indicators[k]),
                kind: ColumnKind::Float64,
            }));
        }
        if self.offer.is_some() {
            out.extend(TerritoryOffer::FLAT_FIELD_NAMES.iter().map(|n| Column {
                name: (*n).to_string(),
                kind: offer_kind(n),
            }));
        }
        out
    }

    /// The values of row `t` (a territory, in score order), one per [`ExportInput::columns`].
    pub fn cells(&self, t: usize, out: &mut Vec<Cell<'a>>) {
        let s = self.scores;
        out.clear();
        out.push(Cell::Str(&s.codes[t]));
        out.push(Cell::Str(&s.names[t]));
        out.push(Cell::Int(population_i64(s.population[t])));
        out.push(Cell::Float(s.total[t]));
        out.push(Cell::Int(Some(i64::from(s.used[t]))));
        for j in 0..s.indicators.len() {
            out.push(Cell::Float(s.classes[(t, j)]));
            out.push(Cell::Float(s.raw[(t, j)]));
        }
        if let Some(e) = &self.estimated {
            out.extend(e.shares[t].iter().map(|&x| Cell::Float(x)));
        }
        if let Some(o) = self.offer.and_then(|o| o.territories.get(t)) {
            for (name, v) in o.flat_fields() {
                out.push(match offer_kind(name) {
                    ColumnKind::Float64 | ColumnKind::String => Cell::Float(v),
                    ColumnKind::Int64 | ColumnKind::Int32 => Cell::Int(population_i64(v)),
                });
            }
        }
    }

    /// The layer name: the level key (`commune`, `epci`…).
    pub fn layer_name(&self) -> &'static str {
        self.scores.level.as_str()
    }

    /// The contour of every scored territory that has one, with its row in the scores, in
    /// score order; territories without a contour in the store (a commune missing from the
    /// contour file, the "no EPCI" group…) are listed apart: geometry formats leave them out
    /// and say so in their description, CSV keeps them.
    ///
    /// # Errors
    /// [`ExportError::NoContours`] when the level has no contours, or none of its territories
    /// has one.
    pub fn rows(&self) -> ExportResult<Rows<'a>> {
        let level = self.scores.level;
        let no_contours = || ExportError::NoContours {
            level,
            available: self
                .territory
                .geometries
                .iter()
                .filter(|(_, f)| !f.is_empty())
                .map(|(l, _)| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let features = self
            .territory
            .geometries
            .get(&level)
            .ok_or_else(no_contours)?;
        let by_code: HashMap<&str, &'a MultiPolygon<f64>> = features
            .iter()
            .map(|f| (f.code.as_str(), &f.geometry))
            .collect();
        let mut rows = Rows::default();
        for (t, code) in self.scores.codes.iter().enumerate() {
            match by_code.get(code.as_str()) {
                Some(g) => rows.features.push((t, *g)),
                None => rows.without_contour.push(code.clone()),
            }
        }
        if rows.features.is_empty() {
            return Err(no_contours());
        }
        Ok(rows)
    }

    /// Codes of the scored territories without a contour in the store.
    pub fn without_contour(&self) -> Vec<String> {
        self.rows().map(|r| r.without_contour).unwrap_or_default()
    }

    /// Title, description and JSON metadata saying what produced the export.
    pub fn provenance(&self) -> Provenance {
        let t = &self.territory.meta;
        let s = self.selection;
        let level = self.scores.level;
        let profile_label = self
            .catalogue
            .profile(&s.profile)
            .map(|p| p.label.clone())
            .unwrap_or_else(|_| s.profile.clone());
        let fictional = if t.fictional {
            " — DONNÉES FICTIVES"
        } else {
            ""
        };
        let title = format!(
            "Indice de Fragilité Numérique — {} — {} — profil {}{}",
            t.name,
            level.label_fr(),
            profile_label,
            fictional
        );
        let mut d = String::new();
        d.push_str(&format!(
            "Indice de Fragilité Numérique (ifn), méthode 2023 : score de 1 (faible) à 10 (fort).\n\
             Territoire : {} ({}).\nNiveau : {}.\nProfil : {} ({}).\n\
             Référence des déciles : {}.\nIndicateurs (poids) :\n",
            t.name,
            t.description,
            level.label_fr(),
            profile_label,
            s.profile,
            s.reference
        ));
        let mut indicators = Vec::new();
        for (key, w) in s.indicators.iter().zip(&s.weights) {
            match self.catalogue.indicator(key) {
                Some(def) => {
                    d.push_str(&format!(
                        "- {key} (poids {w}) : {} — {}, {}, millésime {}\n",
                        def.label, def.producer, def.source, def.vintage
                    ));
                    indicators.push(json!({
                        "key": key, "weight": w, "label": def.label,
                        "producer": def.producer, "source": def.source, "vintage": def.vintage,
                    }));
                }
                None => {
                    d.push_str(&format!("- {key} (poids {w})\n"));
                    indicators.push(json!({"key": key, "weight": w}));
                }
            }
        }
        d.push_str("Sources :\n");
        for src in &t.sources {
            d.push_str(&format!(
                "- {} — {}, millésime {}, licence {}\n",
                src.name, src.producer, src.vintage, src.licence
            ));
        }
        if let Some(o) = self.offer {
            d.push_str(&format!(
                "Offre de médiation : publics fragiles = unités de base de score ≥ {} ; \
                 zone blanche = unité fragile sans lieu de médiation à moins de {} km \
                 (distance à vol d'oiseau depuis le centre de l'unité).\n",
                o.options.threshold, o.options.distance_km
            ));
        }
        let missing = self.without_contour();
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
            d.push_str(&format!(
                "Sans contour dans le magasin, absents des formats géographiques (présents en CSV) : {} territoire(s) ({}{}).\n",
                missing.len(),
                shown.join(", "),
                if missing.len() > shown.len() { ", …" } else { "" }
            ));
        }
        d.push_str(&format!("Licence : {}.", t.licence));
        if t.fictional {
            d.push_str("\nAttention : territoire fictif généré pour la démonstration.");
        }
        let json = json!({
            "generator": concat!("ifn ", env!("CARGO_PKG_VERSION")),
            "territory": t.name,
            "fictional": t.fictional,
            "level": level,
            "profile": s.profile,
            "reference": s.reference,
            "indicators": indicators,
            "sources": t.sources,
            "licence": t.licence,
            "offer": self.offer.map(|o| json!({
                "threshold": o.options.threshold,
                "distance_km": o.options.distance_km,
            })),
            "columns": {
                "population": "sum of the base units' populations, rounded to the nearest inhabitant",
                "total": "IFN score, 1 (low) to 10 (high), full precision; null when no indicator is present",
                "indicators_used": "number of selected indicators with a value",
                "<key>_class": "decile class 1..10 (above base units: population-weighted mean)",
                "<key>_raw": "raw indicator value (above base units: population-weighted mean)",
                "<key>_estimee": "statistical secrecy: share (0-1) of the population in base units whose value is not published and was estimated from an enclosing territory (only for indicators with estimates)",
                "places_<kind>": "mediation places located in the territory (all, france_services, conseiller_numerique, aidants_connect, bibliotheque)",
                "places_per_10k_<kind>": "places per 10,000 inhabitants",
                "fragile_population": "inhabitants of base units whose score is at or above the threshold",
                "places_per_10k_fragile": "all places per 10,000 fragile inhabitants",
                "mean_distance_km": "population-weighted mean distance from the base units' centres to the nearest place (haversine, km)",
                "fragile_mean_distance_km": "the same over the fragile base units",
                "fragile_share_beyond": "share (0-1) of the fragile population farther than the distance from any place",
                "zones_blanches": "fragile base units with no place within the distance",
            },
        });
        Provenance {
            title,
            description: d,
            json,
        }
    }
}
