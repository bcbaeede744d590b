//! Per-unit values of one table source: rows grouped by code (duplicates merged or refused),
//! each row's formula, and the matching of codes to base units at IRIS or commune level
//! through the COG changes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::geography::{CogChange, Geography, Target};
use crate::manifest::{DatasetSpec, Duplicates, IndicatorSource, SourceLevel};
use crate::report::BuildReport;
use crate::table::{Table, TableError};

use super::hierarchy::OldPopulations;
use super::maths::{aggregate, merge_cells, Formula};
use super::BuildError;

/// What matching a table to the base units found, for the report.
#[derive(Debug, Default)]
pub(super) struct TableReport {
    matched: usize,
    unmatched: BTreeMap<String, usize>,
    outside: BTreeMap<String, usize>,
    ambiguous: BTreeMap<String, usize>,
    merged: usize,
    ignored: BTreeMap<String, usize>,
    not_split: usize,
    changes: Vec<(String, CogChange)>,
}

impl TableReport {
    /// Records the findings as the report of the table's dataset.
    pub(super) fn record(self, spec: &DatasetSpec, t: &Table, report: &mut BuildReport) {
        let r = report.dataset(&spec.key);
        r.path = spec.path.clone();
        r.rows = t.len();
        r.matched = self.matched;
        r.unmatched = self.unmatched;
        r.outside = self.outside;
        r.ambiguous = self.ambiguous;
        r.duplicates_merged = self.merged;
        for (reason, n) in &self.ignored {
            r.notes.push(format!(
                "{n} rows ignored as declared in the manifest: {reason}"
            ));
        }
        if self.not_split > 0 {
            r.notes.push(format!(
                "{} IRIS rows belong to communes kept whole (no IRIS contours): their commune takes the next source's value",
                self.not_split
            ));
        }
        for (code, ch) in self.changes {
            report
                .cog_changes
                .entry(code)
                .and_modify(|e| e.datasets.extend(ch.datasets.iter().cloned()))
                .or_insert(ch);
        }
    }
}

/// The values of a table source per base unit (NaN = missing) and what matching found.
pub(super) struct TableValues {
    /// One value per base unit.
    pub values: Vec<f64>,
    /// Findings for the report.
    pub report: TableReport,
}

/// One row per distinct code, its cells merged.
struct Rows<'t> {
    /// Code → the table rows holding it.
    index: BTreeMap<&'t str, Vec<usize>>,
    /// (code, merged cells), in code order.
    values: Vec<(&'t str, Vec<f64>)>,
}

impl Rows<'_> {
    /// Number of table rows with `code`.
    fn count(&self, code: &str) -> usize {
        self.index.get(code).map(Vec::len).unwrap_or(1)
    }
}

/// Reads the cells a source needs: its column, or its numerators then its denominator.
fn source_columns(t: &Table, src: &IndicatorSource) -> Result<Vec<Vec<f64>>, TableError> {
    let names = match &src.column {
        Some(c) => vec![c.as_str()],
        None => src
            .numerator
            .iter()
            .map(String::as_str)
            .chain(src.denominator.as_deref())
            .collect(),
    };
    names.into_iter().map(|c| t.numbers(c)).collect()
}

/// Groups rows by code, merging duplicates cell by cell; rows the manifest declares not to
/// be territories are counted apart.
fn group_rows<'t>(
    spec: &DatasetSpec,
    t: &Table,
    code_col: &str,
    codes: &'t [String],
    cols: &[Vec<f64>],
    rep: &mut TableReport,
) -> Result<Rows<'t>, TableError> {
    let mut index: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in codes.iter().enumerate() {
        if let Some(rule) = spec.ignore.iter().find(|r| r.matches(c)) {
            *rep.ignored.entry(rule.reason.clone()).or_default() += 1;
            continue;
        }
        index.entry(c.as_str()).or_default().push(i);
    }
    let mut values = Vec::with_capacity(index.len());
    for (code, idx) in &index {
        if idx.len() > 1 {
            if spec.duplicates == Duplicates::Error {
                return Err(TableError::Duplicate {
                    path: t.path.clone(),
                    column: code_col.to_string(),
                    code: code.to_string(),
                    first: t.line_of(idx[0]),
                    second: t.line_of(idx[1]),
                });
            }
            rep.merged += idx.len() - 1;
        }
        let mut v = Vec::with_capacity(cols.len());
        for c in cols {
            match merge_cells(idx.iter().map(|&i| c[i])) {
                Some(x) => v.push(x),
                None => {
                    rep.ambiguous.insert(code.to_string(), idx.len());
                    v.push(f64::NAN);
                }
            }
        }
        values.push((*code, v));
    }
    Ok(Rows { index, values })
}

/// Per-unit values of one table source (NaN = missing).
pub(super) fn table_values(
    geo: &Geography,
    spec: &DatasetSpec,
    t: &Table,
    src: &IndicatorSource,
    old_pop: &OldPopulations,
) -> Result<TableValues, BuildError> {
    let terr = |source| BuildError::Table {
        key: spec.key.clone(),
        source,
    };
    let code_col = spec
        .code_column
        .as_deref()
        .ok_or_else(|| BuildError::Role {
            key: spec.key.clone(),
            message: "the manifest must give `code_column`".into(),
        })?;
    let codes = t.codes(code_col, spec.code_kind).map_err(terr)?;
    let cols = source_columns(t, src).map_err(terr)?;
    let mut rep = TableReport::default();
    let rows = group_rows(spec, t, code_col, &codes, &cols, &mut rep).map_err(terr)?;
    let formula = Formula::of(src);
    let values = match src.level.unwrap_or(SourceLevel::Commune) {
        SourceLevel::Iris => iris_values(geo, &rows, formula, &mut rep),
        SourceLevel::Commune => commune_values(geo, spec, &rows, formula, old_pop, &mut rep),
    };
    Ok(TableValues {
        values,
        report: rep,
    })
}

/// Rows at IRIS level: an IRIS unit takes its row; rows of communes kept whole are counted.
fn iris_values(geo: &Geography, rows: &Rows<'_>, f: Formula, rep: &mut TableReport) -> Vec<f64> {
    let mut out = vec![f64::NAN; geo.units.len()];
    let index: HashMap<&str, usize> = geo
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.code.as_str(), i))
        .collect();
    for (code, v) in &rows.values {
        if let Some(&i) = index.get(code) {
            out[i] = f.apply(v);
            rep.matched += rows.count(code);
            continue;
        }
        match geo.resolver.resolve(code.get(..5).unwrap_or(code)) {
            Some(Target::Excluded) => *rep.outside.entry(code.to_string()).or_default() += 1,
            Some(Target::Current(c)) | Some(Target::Merged(c))
                if !geo.split_communes.contains(c) =>
            {
                // An IRIS of a commune kept whole: its value has no unit of its own.
                rep.not_split += 1
            }
            Some(Target::Parent(_)) => rep.not_split += 1,
            _ => *rep.unmatched.entry(code.to_string()).or_default() += rows.count(code),
        }
    }
    out
}

/// Rows at commune level, resolved through the COG: every unit of a commune takes the
/// combination of its direct or merged rows, else its whole city's row (arrondissements).
fn commune_values(
    geo: &Geography,
    spec: &DatasetSpec,
    rows: &Rows<'_>,
    f: Formula,
    old_pop: &OldPopulations,
    rep: &mut TableReport,
) -> Vec<f64> {
    let change = |kind: &str, into: Vec<String>| CogChange {
        kind: kind.into(),
        into,
        datasets: BTreeSet::from([spec.key.clone()]),
    };
    let mut direct: HashMap<&str, Vec<(f64, &[f64])>> = HashMap::new();
    let mut parent: HashMap<&str, Vec<(f64, &[f64])>> = HashMap::new();
    for (code, v) in &rows.values {
        let weight = || old_pop.get(*code).copied().unwrap_or(f64::NAN);
        match geo.resolver.resolve(code) {
            Some(Target::Current(c)) => {
                direct
                    .entry(c.as_str())
                    .or_default()
                    .push((weight(), v.as_slice()));
                rep.matched += 1;
            }
            Some(Target::Merged(c)) => {
                direct
                    .entry(c.as_str())
                    .or_default()
                    .push((weight(), v.as_slice()));
                rep.changes
                    .push((code.to_string(), change("merged", vec![c.clone()])));
                rep.matched += 1;
            }
            Some(Target::Parent(arrs)) => {
                for a in arrs {
                    parent
                        .entry(a.as_str())
                        .or_default()
                        .push((1.0, v.as_slice()));
                }
                rep.changes
                    .push((code.to_string(), change("split", arrs.clone())));
                rep.matched += 1;
            }
            Some(Target::Excluded) => *rep.outside.entry(code.to_string()).or_default() += 1,
            None => *rep.unmatched.entry(code.to_string()).or_default() += rows.count(code),
        }
    }
    let mut out = vec![f64::NAN; geo.units.len()];
    for (commune, units) in &geo.commune_units {
        let contrib = direct
            .get(commune.as_str())
            .or_else(|| parent.get(commune.as_str()));
        let Some(contrib) = contrib else { continue };
        let value = aggregate(contrib, f);
        for &i in units {
            out[i] = value;
        }
    }
    out
}
