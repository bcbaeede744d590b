//! The build report: what each source gave, every unmatched or ambiguous code with counts,
//! the COG changes resolved, the coverage of each indicator.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::geography::CogChange;

/// What one dataset gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DatasetReport {
    /// Path inside the sources folder.
    pub path: String,
    /// Rows or features read.
    pub rows: usize,
    /// Rows or features matched to the territory.
    pub matched: usize,
    /// Codes matching no territory, with the number of rows.
    pub unmatched: BTreeMap<String, usize>,
    /// Codes whose rows disagree (duplicates with different values), with the number of rows.
    pub ambiguous: BTreeMap<String, usize>,
    /// Codes of territories outside the store (collectivités d'outre-mer), with counts.
    pub outside: BTreeMap<String, usize>,
    /// Rows of the same code merged cell by cell.
    pub duplicates_merged: usize,
    /// Features whose invalid geometry was repaired.
    pub repaired_geometries: Vec<usize>,
    /// Records refused or fixed, by reason, with counts.
    pub invalid_records: BTreeMap<String, usize>,
    /// Other remarks.
    pub notes: Vec<String>,
}

/// Coverage of one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorReport {
    /// Key.
    pub key: String,
    /// Units with a value, per source dataset.
    pub filled_by: Vec<(String, usize)>,
    /// Units without a value.
    pub missing: usize,
}

/// The report of `ifn build`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Manifest used.
    pub manifest: String,
    /// Base units.
    pub units: usize,
    /// Base units that are IRIS of a split commune.
    pub iris_units: usize,
    /// Territories per level.
    pub levels: BTreeMap<String, usize>,
    /// Per dataset.
    pub datasets: BTreeMap<String, DatasetReport>,
    /// Codes of other vintages resolved to the current communes.
    pub cog_changes: BTreeMap<String, CogChange>,
    /// Per indicator.
    pub indicators: Vec<IndicatorReport>,
    /// Mediation places kept, per kind.
    pub places: BTreeMap<String, usize>,
    /// Places merged as duplicates.
    pub places_merged: usize,
    /// Approximations made by ifn itself (e.g. 4G coverage from antenna sites).
    pub approximations: Vec<String>,
    /// Statistical secrecy: the policy and what it did per indicator.
    pub secret: Option<crate::build::secret::SecretReport>,
    /// Other warnings.
    pub warnings: Vec<String>,
}

impl BuildReport {
    /// The dataset entry, created on first use.
    pub fn dataset(&mut self, key: &str) -> &mut DatasetReport {
        self.datasets.entry(key.to_string()).or_default()
    }

    /// Number of unmatched and ambiguous codes over all datasets (what `--strict` refuses).
    pub fn problems(&self) -> usize {
        self.datasets
            .values()
            .map(|d| d.unmatched.len() + d.ambiguous.len())
            .sum()
    }

    /// A readable summary.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "ifn build report (manifest {})", self.manifest);
        let _ = writeln!(s, "base units: {} ({} IRIS)", self.units, self.iris_units);
        for (l, n) in &self.levels {
            let _ = writeln!(s, "  {l}: {n}");
        }
        let _ = writeln!(s, "\ndatasets:");
        for (k, d) in &self.datasets {
            let _ = writeln!(
                s,
                "  {k} ({}): {} rows, {} matched, {} unmatched codes, {} ambiguous, {} outside, {} duplicates merged, {} geometries repaired",
                d.path,
                d.rows,
                d.matched,
                d.unmatched.len(),
                d.ambiguous.len(),
                d.outside.len(),
                d.duplicates_merged,
                d.repaired_geometries.len()
            );
            let list = |m: &BTreeMap<String, usize>| {
                let mut v: Vec<String> =
                    m.iter().take(20).map(|(c, n)| format!("{c}×{n}")).collect();
                if m.len() > 20 {
                    v.push(format!("… {} more (see build-report.json)", m.len() - 20));
                }
                v.join(", ")
            };
            if !d.unmatched.is_empty() {
                let _ = writeln!(s, "    unmatched: {}", list(&d.unmatched));
            }
            if !d.ambiguous.is_empty() {
                let _ = writeln!(s, "    ambiguous: {}", list(&d.ambiguous));
            }
            if !d.invalid_records.is_empty() {
                let _ = writeln!(
                    s,
                    "    records refused or fixed: {}",
                    list(&d.invalid_records)
                );
            }
            for n in &d.notes {
                let _ = writeln!(s, "    note: {n}");
            }
        }
        let merged = self
            .cog_changes
            .values()
            .filter(|c| c.kind == "merged")
            .count();
        let _ = writeln!(
            s,
            "\nCOG changes resolved: {} codes ({} former communes merged, {} cities split into arrondissements)",
            self.cog_changes.len(),
            merged,
            self.cog_changes.len() - merged
        );
        let _ = writeln!(s, "\nindicators (units with a value, by source):");
        for i in &self.indicators {
            let by: Vec<String> = i
                .filled_by
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            let _ = writeln!(s, "  {}: {}; missing {}", i.key, by.join(", "), i.missing);
        }
        let _ = writeln!(
            s,
            "\nmediation places: {:?} ({} duplicates merged)",
            self.places, self.places_merged
        );
        if let Some(sr) = &self.secret {
            let _ = writeln!(
                s,
                "\nstatistical secrecy (--secret {}), values missing → estimated from the enclosing territory:",
                serde_json::to_value(sr.policy).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
            );
            for (k, r) in &sr.indicators {
                let by: Vec<String> = r
                    .estimated
                    .iter()
                    .map(|(l, n)| format!("{l}: {n}"))
                    .collect();
                let _ = writeln!(
                    s,
                    "  {k}: {} missing; estimated {}; still missing {}",
                    r.missing,
                    if by.is_empty() {
                        "none".to_string()
                    } else {
                        by.join(", ")
                    },
                    r.still_missing
                );
            }
        }
        if !self.approximations.is_empty() {
            let _ = writeln!(s, "\napproximations:");
            for a in &self.approximations {
                let _ = writeln!(s, "  {a}");
            }
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }
}
