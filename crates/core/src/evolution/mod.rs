//! Two vintages side by side: per territory, the score and each indicator (raw value and
//! class) in an earlier vintage A and a later vintage B of a store, and their difference,
//! with the changes of the *Code officiel géographique* between the two resolved through
//! INSEE's table of changes (`mvtcommune`, see [`CogChanges`]).
//!
//! - a **commune nouvelle** (MOD 31, 32) is compared with the population-weighted aggregate of
//!   its former communes — the method's roll-up, as if the merger had happened in A;
//! - a **renamed** commune (MOD 10) is matched by its code;
//! - a commune **split off** (MOD 21, rétablissement), and what remains of its parent, are
//!   each compared with the whole parent, and say so;
//! - anything else is matched by code; what matches nothing is listed as new or removed.
//!
//! ```
//! use ifn_core::{demo, evolution, Catalogue, Engine, Level, Selection};
//! let (b, changes) = demo::vintage(2).unwrap();
//! let a = Engine::new(demo::generate().dataset, Catalogue::builtin().clone());
//! let b = Engine::new(b.dataset, Catalogue::builtin().clone());
//! let (sa, sb) = (Selection::builder("tout-age").build(&a).unwrap(),
//!                 Selection::builder("tout-age").build(&b).unwrap());
//! let e = evolution::compare(&a, &sa, &b, &sb, Level::Commune, changes.as_ref()).unwrap();
//! assert!(e.territories.iter().any(|t| t.status == evolution::Status::Merged));
//! ```

mod cog;
mod compare;
mod error;
#[cfg(test)]
mod tests;

use std::io::Write;

pub use cog::{
    mod_label, CogChange, CogChanges, CogCommune, CogEvent, MOD_MERGE, MOD_NEW_COMMUNE, MOD_RENAME,
    MOD_RESTORE, MVTCOMMUNE_HEADER,
};
pub use compare::{
    compare, Evolution, IndicatorEvolution, Status, StatusCounts, TerritoryEvolution,
};
pub use error::{EvolutionError, EvolutionResult};

/// Name of the table of changes a store may carry beside its files (written by
/// `ifn demo --vintage 2`): the changes from the previous vintage to this one.
pub const STORE_CHANGES_FILE: &str = "mvtcommune.csv";

fn cell(v: Option<f64>, decimals: Option<usize>) -> String {
    match (v, decimals) {
        (None, _) => String::new(),
        (Some(v), Some(d)) => format!("{v:.d$}"),
        (Some(v), None) => v.to_string(),
    }
}

impl Evolution {
    /// Writes one CSV line per territory: `code,name,status,sources,population_before,
    /// population_after,score_before,score_after,score_difference`, then for each indicator
    /// `KEY_before,KEY_after,KEY_difference,KEY_class_before,KEY_class_after,
    /// KEY_class_difference`, then `note`. Missing values are empty cells; `decimals` rounds
    /// the numbers (default: full precision).
    pub fn write_csv(&self, out: impl Write, decimals: Option<usize>) -> EvolutionResult<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| EvolutionError::Write(e.to_string());
        let mut header: Vec<String> = [
            "code",
            "name",
            "status",
            "sources",
            "population_before",
            "population_after",
            "score_before",
            "score_after",
            "score_difference",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for k in &self.indicators {
            for suffix in [
                "before",
                "after",
                "difference",
                "class_before",
                "class_after",
                "class_difference",
            ] {
                header.push(format!("{k}_{suffix}"));
            }
        }
        header.push("note".into());
        w.write_record(&header).map_err(err)?;
        for t in &self.territories {
            let mut row = vec![
                t.code.clone(),
                t.name.clone(),
                t.status.label_fr().to_string(),
                t.sources.join(" "),
                cell(t.population_before, Some(0)),
                cell(t.population_after, Some(0)),
                cell(t.score_before, decimals),
                cell(t.score_after, decimals),
                cell(t.difference, decimals),
            ];
            for i in &t.indicators {
                for v in [
                    i.raw_before,
                    i.raw_after,
                    i.raw_difference,
                    i.class_before,
                    i.class_after,
                    i.class_difference,
                ] {
                    row.push(cell(v, decimals));
                }
            }
            row.push(t.note.clone());
            w.write_record(&row).map_err(err)?;
        }
        w.flush().map_err(|e| EvolutionError::Write(e.to_string()))
    }

    /// The COG changes and the count of territories per status, in French, one line each
    /// (what `ifn evolution` prints on standard error).
    pub fn summary_fr(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.events.is_empty() {
            lines.push("Aucun changement du COG entre les deux millésimes.".to_string());
        } else {
            lines.push(format!(
                "{} changement(s) du COG entre les deux millésimes :",
                self.events.len()
            ));
            lines.extend(self.events.iter().map(|e| format!("  - {}", e.describe())));
        }
        let counts = self
            .counts()
            .into_iter()
            .map(|(s, n)| format!("{} : {n}", s.label_fr()))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(format!("Territoires ({}) : {counts}.", self.level));
        lines
    }
}
