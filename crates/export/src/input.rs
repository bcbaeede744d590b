//! What is exported: scores joined to contours, the column list and the provenance text.

use std::collections::HashMap;

use geo::MultiPolygon;
use ifn_core::{Catalogue, LevelScores, Selection, Territory};
use serde_json::{json, Value};

use crate::error::{ExportError, ExportResult};

/// Everything an export needs, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    /// The territory (contours and provenance).
    pub territory: &'a Territory,
    /// The scores of one level, from [`ifn_core::Engine::score`].
    pub scores: &'a LevelScores,
    /// The selection the scores were computed with.
    pub selection: &'a Selection,
    /// The catalogue (indicator labels, producers and vintages).
    pub catalogue: &'a Catalogue,
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
        }
    }

    /// The layer name: the level key (`commune`, `epci`…).
    pub fn layer_name(&self) -> &'static str {
        self.scores.level.as_str()
    }

    /// The contour of every scored territory, in score order.
    ///
    /// # Errors
    /// [`ExportError::NoContours`] when the level has no contours, [`ExportError::MissingContour`]
    /// naming the first territory without one.
    pub fn rows(&self) -> ExportResult<Vec<&'a MultiPolygon<f64>>> {
        let level = self.scores.level;
        let features =
            self.territory
                .geometries
                .get(&level)
                .ok_or_else(|| ExportError::NoContours {
                    level,
                    available: self
                        .territory
                        .geometries
                        .keys()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        let by_code: HashMap<&str, &'a MultiPolygon<f64>> = features
            .iter()
            .map(|f| (f.code.as_str(), &f.geometry))
            .collect();
        self.scores
            .codes
            .iter()
            .map(|code| {
                by_code
                    .get(code.as_str())
                    .copied()
                    .ok_or_else(|| ExportError::MissingContour {
                        level,
                        code: code.clone(),
                    })
            })
            .collect()
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
            "columns": {
                "population": "sum of the base units' populations, rounded to the nearest inhabitant",
                "total": "IFN score, 1 (low) to 10 (high), full precision; null when no indicator is present",
                "indicators_used": "number of selected indicators with a value",
                "<key>_class": "decile class 1..10 (above base units: population-weighted mean)",
                "<key>_raw": "raw indicator value (above base units: population-weighted mean)",
            },
        });
        Provenance {
            title,
            description: d,
            json,
        }
    }
}
