//! `ifn build`: a folder of official files, described by a manifest, → a territory.
//!
//! Steps: hierarchy (COG communes, EPCI, names) and IRIS contours → base units; contours per
//! level (missing ones dissolved from the level below; inset overseas contours ignored);
//! mediation places; indicators (table columns, ratios, distances with an R-tree). Every
//! unmatched or ambiguous code goes into the [`BuildReport`]; `strict` turns them into an error.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{BoundingRect, MultiPolygon};
use ifn_core::{Dataset, Feature, Level, Place, SourceInfo, Territory, TerritoryMeta};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::Array2;
use polars::prelude::*;
use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};
use thiserror::Error;

use crate::admin::{self, AdminError};
use crate::geography::{
    centre, dissolve, CogChange, Geography, GeographyInputs, IrisFeature, Target,
};
use crate::manifest::{
    DatasetSpec, Duplicates, Format, IndicatorSource, Manifest, ManifestError, SourceLevel,
};
use crate::places::{load_places, merge_duplicates, PlacesError};
use crate::report::{BuildReport, IndicatorReport};
use crate::store::{write_store_with, StoreError};
use crate::table::{CsvOptions, Table, TableError};
use crate::vector::{polygons, read_vector, VectorError};

/// Errors of `ifn build`. Nothing is written when one occurs.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The manifest is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file listed in the manifest is missing.
    #[error("dataset '{key}': file {path} not found: download it with `ifn fetch` or fix `path` in the manifest")]
    MissingFile {
        /// Dataset key.
        key: String,
        /// Expected path.
        path: PathBuf,
    },
    /// A table could not be read.
    #[error("dataset '{key}'")]
    Table {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: TableError,
    },
    /// A vector file could not be read.
    #[error("dataset '{key}'")]
    Vector {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: VectorError,
    },
    /// An administrative JSON file could not be read.
    #[error("dataset '{key}'")]
    Admin {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: AdminError,
    },
    /// A place file could not be read.
    #[error("dataset '{key}'")]
    Places {
        /// Dataset key.
        key: String,
        /// The cause.
        #[source]
        source: PlacesError,
    },
    /// A dataset has the wrong format for its role.
    #[error("dataset '{key}': {message}")]
    Role {
        /// Dataset key.
        key: String,
        /// What is expected.
        message: String,
    },
    /// The assembled dataset is inconsistent.
    #[error("assembling the dataset: {0}")]
    Core(#[from] ifn_core::CoreError),
    /// `--strict` and some codes were unmatched or ambiguous.
    #[error("--strict: {count} unmatched or ambiguous codes; nothing written. Report:\n{summary}")]
    Strict {
        /// Number of problems.
        count: usize,
        /// The readable report.
        summary: String,
    },
    /// The store could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The provenance table could not be encoded.
    #[error("provenance table: {0}")]
    Provenance(#[source] PolarsError),
}

/// Options of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder holding the files, laid out as the manifest says.
    pub sources: PathBuf,
    /// Fail on any unmatched or ambiguous code.
    pub strict: bool,
    /// Show progress bars on standard error.
    pub progress: bool,
}

/// Where the values of one indicator come from.
#[derive(Debug, Clone)]
pub struct ProvenanceRow {
    /// Indicator key.
    pub indicator: String,
    /// Dataset key.
    pub dataset: String,
    /// Dataset title.
    pub title: String,
    /// Producer.
    pub producer: String,
    /// Vintage.
    pub vintage: String,
    /// Licence.
    pub licence: String,
    /// Official producer file.
    pub official: bool,
    /// `iris`, `commune` or `point`.
    pub level: String,
    /// Formula.
    pub formula: String,
    /// Provenance text of the manifest.
    pub note: String,
    /// Units filled by this source.
    pub units: usize,
}

/// The result of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// The territory.
    pub territory: Territory,
    /// The report.
    pub report: BuildReport,
    /// Provenance of every indicator.
    pub provenance: Vec<ProvenanceRow>,
}

/// The build's steps on standard error: `[k/N]`, elapsed time, and a bar for the steps
/// whose length is known (files, indicators), a spinner for the others.
struct Steps {
    show: bool,
    total: usize,
    current: std::cell::Cell<usize>,
}

/// Number of steps of [`build`] shown as progress bars.
const BUILD_STEPS: usize = 4;

impl Steps {
    fn start(&self, msg: &str, len: Option<usize>) -> ProgressBar {
        let k = self.current.get() + 1;
        self.current.set(k);
        let pb = match (self.show, len) {
            (false, _) => ProgressBar::hidden(),
            (true, Some(n)) => ProgressBar::new(n as u64),
            (true, None) => ProgressBar::new_spinner(),
        };
        let template = if len.is_some() {
            "{prefix} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}"
        } else {
            "{prefix} [{elapsed_precise}] {spinner} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_prefix(format!("[{k}/{}]", self.total));
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb.set_message(msg.to_string());
        pb
    }
}

fn file(
    m: &Manifest,
    opts: &BuildOptions,
    key: &str,
) -> Result<(DatasetSpec, PathBuf), BuildError> {
    let spec = m.dataset(key)?.clone();
    let path = opts.sources.join(&spec.path);
    if !path.exists() {
        return Err(BuildError::MissingFile {
            key: key.to_string(),
            path,
        });
    }
    Ok((spec, path))
}

fn read_table(spec: &DatasetSpec, path: &Path) -> Result<Table, BuildError> {
    let t = match spec.format {
        Format::Csv => Table::read_csv(
            path,
            &CsvOptions {
                separator: spec.separator.unwrap_or(';') as u8,
                skip_lines: spec.skip_lines,
                decimal_comma: spec.decimal == Some(','),
            },
        ),
        Format::Xlsx => Table::read_xlsx(
            path,
            spec.sheet.as_deref().unwrap_or("Sheet1"),
            spec.code_column.as_deref().unwrap_or("CODGEO"),
        ),
        _ => {
            return Err(BuildError::Role {
                key: spec.key.clone(),
                message: "expected format = \"csv\" or \"xlsx\" for a table".into(),
            })
        }
    };
    t.map_err(|source| BuildError::Table {
        key: spec.key.clone(),
        source,
    })
}

fn col<'a>(spec: &'a DatasetSpec, role: &str) -> Result<&'a str, BuildError> {
    spec.columns
        .get(role)
        .map(String::as_str)
        .ok_or_else(|| BuildError::Role {
            key: spec.key.clone(),
            message: format!("the manifest must give `columns.{role}`"),
        })
}

/// Builds the territory described by `manifest` from the files in `opts.sources`.
pub fn build(manifest: &Manifest, opts: &BuildOptions) -> Result<BuildOutput, BuildError> {
    // GEOS validity warnings go to the log, not to the terminal: repairs are in the report.
    gdal::config::set_error_handler(|class, _, msg| tracing::debug!(gdal.class = ?class, "{msg}"));
    let steps = Steps {
        show: opts.progress,
        total: BUILD_STEPS,
        current: std::cell::Cell::new(0),
    };
    let mut report = BuildReport {
        manifest: manifest.origin.display().to_string(),
        ..Default::default()
    };
    // Every file first, so that a missing one is reported before any work.
    for d in &manifest.datasets {
        file(manifest, opts, &d.key)?;
    }

    // ---- hierarchy
    let pb = steps.start("hierarchy: COG communes, EPCI, names, IRIS contours", None);
    let h = &manifest.hierarchy;
    let admin_err = |key: &str| {
        let key = key.to_string();
        move |source| BuildError::Admin { key, source }
    };
    let (_, p) = file(manifest, opts, &h.communes)?;
    let communes = admin::read_communes(&p).map_err(admin_err(&h.communes))?;
    let (_, p) = file(manifest, opts, &h.epci)?;
    let epci = admin::read_epci(&p).map_err(admin_err(&h.epci))?;
    let (_, p) = file(manifest, opts, &h.departements)?;
    let departements = admin::read_named(&p).map_err(admin_err(&h.departements))?;
    let (_, p) = file(manifest, opts, &h.regions)?;
    let regions = admin::read_named(&p).map_err(admin_err(&h.regions))?;
    let mut old_populations = HashMap::new();
    if let Some(k) = &h.old_populations {
        let (spec, p) = file(manifest, opts, k)?;
        let t = read_table(&spec, &p)?;
        let terr = |source| BuildError::Table {
            key: k.clone(),
            source,
        };
        let codes = t
            .codes(
                spec.code_column.as_deref().unwrap_or("CODGEO"),
                spec.code_kind,
            )
            .map_err(terr)?;
        let pops = t.numbers(col(&spec, "population")?).map_err(terr)?;
        old_populations = codes.into_iter().zip(pops).collect();
    }
    let mut iris = Vec::new();
    for k in &manifest.geometry.iris {
        let (spec, p) = file(manifest, opts, k)?;
        let fields = [
            col(&spec, "code")?,
            col(&spec, "name")?,
            col(&spec, "commune")?,
            col(&spec, "type")?,
        ];
        let data =
            read_vector(&p, &fields, spec.crs.as_deref()).map_err(|source| BuildError::Vector {
                key: k.clone(),
                source,
            })?;
        let r = report.dataset(k);
        r.path = spec.path.clone();
        r.rows = data.features.len();
        r.repaired_geometries = data.repaired.clone();
        for f in data.features {
            let text = |i: usize| f.fields[i].clone().unwrap_or_default();
            let Some(geometry) = f.geometry.as_ref().and_then(polygons) else {
                *r.invalid_records
                    .entry("no polygon geometry".into())
                    .or_default() += 1;
                continue;
            };
            iris.push(IrisFeature {
                code: text(0),
                name: text(1),
                commune: text(2),
                kind: text(3),
                geometry,
            });
        }
    }
    let zones = if h.zones.is_empty() {
        vec!["metro".to_string(), "drom".to_string()]
    } else {
        h.zones.clone()
    };
    let geo = Geography::build(GeographyInputs {
        communes: &communes,
        epci: &epci,
        departements: &departements,
        regions: &regions,
        zones: &zones,
        old_populations: &old_populations,
        iris,
    });
    for k in &manifest.geometry.iris {
        let r = report.dataset(k);
        for (code, commune) in &geo.unmatched_iris {
            *r.unmatched
                .entry(format!("{code} (commune {commune})"))
                .or_default() += 1;
        }
        r.matched = geo.iris_geometry.len();
    }
    for c in &geo.missing_population {
        report.warnings.push(format!(
            "commune {c} has no population in '{}': population of '{}' used (0 if absent)",
            h.communes,
            h.old_populations.as_deref().unwrap_or("-")
        ));
    }
    pb.finish_with_message(format!("hierarchy: {} base units", geo.units.len()));

    // ---- contours
    let pb = steps.start("contours: communes, EPCI, départements, régions", None);
    let geometries = build_geometries(manifest, opts, &geo, &mut report)?;
    pb.finish_with_message("contours done");

    // ---- places
    let mut places_by_dataset: HashMap<String, Vec<Place>> = HashMap::new();
    let mut place_keys: Vec<String> = manifest.places.clone();
    for ind in &manifest.indicators {
        for s in &ind.sources {
            for p in &s.distance_to {
                if !place_keys.contains(p) {
                    place_keys.push(p.clone());
                }
            }
        }
    }
    let pb = steps.start("mediation places", Some(place_keys.len()));
    for k in &place_keys {
        pb.set_message(format!("mediation places: {k}"));
        let (spec, _) = file(manifest, opts, k)?;
        let r = report.dataset(k);
        let places = load_places(&spec, &opts.sources, r).map_err(|source| BuildError::Places {
            key: k.clone(),
            source,
        })?;
        places_by_dataset.insert(k.clone(), places);
        pb.inc(1);
    }
    let all: Vec<Place> = manifest
        .places
        .iter()
        .flat_map(|k| places_by_dataset.get(k).cloned().unwrap_or_default())
        .collect();
    let (places, merged) = merge_duplicates(all);
    report.places_merged = merged;
    for p in &places {
        for k in &p.kinds {
            *report.places.entry(k.as_str().to_string()).or_default() += 1;
        }
    }
    pb.finish_with_message(format!("mediation places: {}", places.len()));

    // ---- indicators
    let pb = steps.start("indicators", Some(manifest.indicators.len()));
    let n = geo.units.len();
    let mut values = Array2::from_elem((n, manifest.indicators.len()), f64::NAN);
    let mut provenance = Vec::new();
    let mut tables: HashMap<String, Table> = HashMap::new();
    let mut reported: HashSet<String> = HashSet::new();
    let centres = unit_centres(&geo, &geometries);
    for (j, ind) in manifest.indicators.iter().enumerate() {
        pb.set_message(format!("indicators: {}", ind.key));
        let mut filled_by = Vec::new();
        for src in &ind.sources {
            let (spec, path) = file(manifest, opts, &src.dataset)?;
            let got = if !src.distance_to.is_empty() {
                let pts: Vec<&Place> = src
                    .distance_to
                    .iter()
                    .flat_map(|k| places_by_dataset.get(k).into_iter().flatten())
                    .collect();
                distances(&centres, &pts)
            } else {
                if !tables.contains_key(&src.dataset) {
                    tables.insert(src.dataset.clone(), read_table(&spec, &path)?);
                }
                let t = &tables[&src.dataset];
                let first = reported.insert(src.dataset.clone());
                table_values(&geo, &spec, t, src, &old_populations, &mut report, first)?
            };
            let mut filled = 0;
            for (i, v) in got.into_iter().enumerate() {
                if values[(i, j)].is_nan() && !v.is_nan() {
                    values[(i, j)] = v;
                    filled += 1;
                }
            }
            filled_by.push((src.dataset.clone(), filled));
            provenance.push(ProvenanceRow {
                indicator: ind.key.clone(),
                dataset: spec.key.clone(),
                title: spec.title.clone(),
                producer: spec.producer.clone(),
                vintage: spec.vintage.clone(),
                licence: spec.licence.clone(),
                official: spec.official,
                level: match (src.level, src.distance_to.is_empty()) {
                    (_, false) => "point".into(),
                    (Some(SourceLevel::Iris), _) => "iris".into(),
                    _ => "commune".into(),
                },
                formula: formula(src),
                note: src.provenance.clone(),
                units: filled,
            });
        }
        let missing = values.column(j).iter().filter(|v| v.is_nan()).count();
        report.indicators.push(IndicatorReport {
            key: ind.key.clone(),
            filled_by,
            missing,
        });
        pb.inc(1);
    }
    pb.finish_with_message("indicators done");

    // ---- assemble
    let keys: Vec<String> = manifest.indicators.iter().map(|i| i.key.clone()).collect();
    report.units = geo.units.len();
    report.iris_units = geo.iris_geometry.len();
    for level in Level::ALL {
        let set: BTreeSet<&str> = geo.units.iter().map(|u| u.code_at(level)).collect();
        report.levels.insert(level.as_str().to_string(), set.len());
    }
    let dataset = Dataset::new(geo.units.clone(), keys, values, geo.names.clone())?;
    let bbox = geometries
        .get(&Level::Departement)
        .into_iter()
        .flatten()
        .filter_map(|f| f.geometry.bounding_rect())
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, r| {
            [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ]
        });
    let used: BTreeSet<&str> = manifest.datasets.iter().map(|d| d.key.as_str()).collect();
    let sources = manifest
        .datasets
        .iter()
        .filter(|d| used.contains(d.key.as_str()))
        .map(|d| SourceInfo {
            name: d.title.clone(),
            producer: d.producer.clone(),
            vintage: d.vintage.clone(),
            licence: d.licence.clone(),
        })
        .collect();
    let territory = Territory {
        meta: TerritoryMeta {
            name: manifest.territory.name.clone(),
            description: manifest.territory.description.clone(),
            fictional: false,
            licence: manifest.territory.licence.clone(),
            sources,
            bbox,
        },
        dataset,
        geometries,
        places,
    };
    if opts.strict && report.problems() > 0 {
        return Err(BuildError::Strict {
            count: report.problems(),
            summary: report.to_text(),
        });
    }
    Ok(BuildOutput {
        territory,
        report,
        provenance,
    })
}

fn formula(src: &IndicatorSource) -> String {
    if !src.distance_to.is_empty() {
        return format!("haversine km to nearest of {}", src.distance_to.join(" + "));
    }
    if let Some(c) = &src.column {
        return if src.scale == 1.0 {
            c.clone()
        } else {
            format!("{} × {c}", src.scale)
        };
    }
    let ratio = format!(
        "({}) / {}",
        src.numerator.join(" + "),
        src.denominator.as_deref().unwrap_or("?")
    );
    let r = if src.complement {
        format!("1 − {ratio}")
    } else {
        ratio
    };
    if src.scale == 1.0 {
        r
    } else {
        format!("{} × ({r})", src.scale)
    }
}

/// Per-unit values of one table source (NaN = missing).
fn table_values(
    geo: &Geography,
    spec: &DatasetSpec,
    t: &Table,
    src: &IndicatorSource,
    old_pop: &HashMap<String, f64>,
    report: &mut BuildReport,
    first: bool,
) -> Result<Vec<f64>, BuildError> {
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
    // Row values: (numerator, denominator); a plain column has denominator NaN.
    let mut cols: Vec<Vec<f64>> = Vec::new();
    if let Some(c) = &src.column {
        cols.push(t.numbers(c).map_err(terr)?);
    } else {
        for c in &src.numerator {
            cols.push(t.numbers(c).map_err(terr)?);
        }
        if let Some(d) = &src.denominator {
            cols.push(t.numbers(d).map_err(terr)?);
        }
    }
    // Group rows by code, merging duplicates cell by cell; rows the manifest declares not to
    // be territories are counted apart.
    let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut ignored: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in codes.iter().enumerate() {
        if let Some(rule) = spec.ignore.iter().find(|r| r.matches(c)) {
            *ignored.entry(rule.reason.as_str()).or_default() += 1;
            continue;
        }
        rows.entry(c.as_str()).or_default().push(i);
    }
    let mut ambiguous = BTreeMap::new();
    let mut merged = 0;
    let mut row_values: Vec<(&str, Vec<f64>)> = Vec::with_capacity(rows.len());
    for (code, idx) in &rows {
        if idx.len() > 1 {
            if spec.duplicates == Duplicates::Error {
                return Err(terr(TableError::Duplicate {
                    path: t.path.clone(),
                    column: code_col.to_string(),
                    code: code.to_string(),
                    first: t.line_of(idx[0]),
                    second: t.line_of(idx[1]),
                }));
            }
            merged += idx.len() - 1;
        }
        let mut v = Vec::with_capacity(cols.len());
        for c in &cols {
            let mut vals = idx.iter().map(|&i| c[i]).filter(|x| !x.is_nan());
            let x = vals.next().unwrap_or(f64::NAN);
            if vals.any(|y| (y - x).abs() > 1e-9 * x.abs().max(1.0)) {
                ambiguous.insert(code.to_string(), idx.len());
                v.push(f64::NAN);
            } else {
                v.push(x);
            }
        }
        row_values.push((code, v));
    }
    let combine = |v: &[f64]| -> f64 {
        if src.column.is_some() {
            return v[0] * src.scale;
        }
        let (num, den) = (v[..v.len() - 1].iter().sum::<f64>(), v[v.len() - 1]);
        if den.is_nan() || den <= 0.0 || num.is_nan() {
            return f64::NAN;
        }
        let r = num / den;
        let r = if src.complement { 1.0 - r } else { r };
        r * src.scale
    };
    let n = geo.units.len();
    let mut out = vec![f64::NAN; n];
    let mut unmatched: BTreeMap<String, usize> = BTreeMap::new();
    let mut outside: BTreeMap<String, usize> = BTreeMap::new();
    let mut changes: Vec<(String, CogChange)> = Vec::new();
    let mut matched = 0;
    let mut not_split = 0;
    match src.level.unwrap_or(SourceLevel::Commune) {
        SourceLevel::Iris => {
            let index: HashMap<&str, usize> = geo
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.code.as_str(), i))
                .collect();
            for (code, v) in &row_values {
                if let Some(&i) = index.get(code) {
                    out[i] = combine(v);
                    matched += idx_len(&rows, code);
                    continue;
                }
                match geo.resolver.resolve(code.get(..5).unwrap_or(code)) {
                    Some(Target::Excluded) => *outside.entry(code.to_string()).or_default() += 1,
                    Some(Target::Current(c)) | Some(Target::Merged(c))
                        if !geo.split_communes.contains(c) =>
                    {
                        // An IRIS of a commune kept whole: its value has no unit of its own.
                        not_split += 1
                    }
                    Some(Target::Parent(_)) => not_split += 1,
                    _ => *unmatched.entry(code.to_string()).or_default() += idx_len(&rows, code),
                }
            }
        }
        SourceLevel::Commune => {
            // Contributions per base commune: direct or merged rows first, else the whole city.
            let mut direct: HashMap<&str, Vec<(f64, &Vec<f64>)>> = HashMap::new();
            let mut parent: HashMap<&str, Vec<(f64, &Vec<f64>)>> = HashMap::new();
            for (code, v) in &row_values {
                match geo.resolver.resolve(code) {
                    Some(Target::Current(c)) => {
                        let w = old_pop.get(*code).copied().unwrap_or(f64::NAN);
                        direct.entry(c.as_str()).or_default().push((w, v));
                        matched += 1;
                    }
                    Some(Target::Merged(c)) => {
                        let w = old_pop.get(*code).copied().unwrap_or(f64::NAN);
                        direct.entry(c.as_str()).or_default().push((w, v));
                        changes.push((
                            code.to_string(),
                            CogChange {
                                kind: "merged".into(),
                                into: vec![c.clone()],
                                datasets: BTreeSet::from([spec.key.clone()]),
                            },
                        ));
                        matched += 1;
                    }
                    Some(Target::Parent(arrs)) => {
                        for a in arrs {
                            parent.entry(a.as_str()).or_default().push((1.0, v));
                        }
                        changes.push((
                            code.to_string(),
                            CogChange {
                                kind: "split".into(),
                                into: arrs.clone(),
                                datasets: BTreeSet::from([spec.key.clone()]),
                            },
                        ));
                        matched += 1;
                    }
                    Some(Target::Excluded) => *outside.entry(code.to_string()).or_default() += 1,
                    None => *unmatched.entry(code.to_string()).or_default() += idx_len(&rows, code),
                }
            }
            for (commune, units) in &geo.commune_units {
                let contrib = direct
                    .get(commune.as_str())
                    .or_else(|| parent.get(commune.as_str()));
                let Some(contrib) = contrib else { continue };
                let value = aggregate(contrib, src.column.is_some(), &combine);
                for &i in units {
                    out[i] = value;
                }
            }
        }
    }
    if first {
        let r = report.dataset(&spec.key);
        r.path = spec.path.clone();
        r.rows = t.len();
        r.matched = matched;
        r.unmatched = unmatched;
        r.outside = outside;
        r.ambiguous = ambiguous;
        r.duplicates_merged = merged;
        for (reason, n) in &ignored {
            r.notes.push(format!(
                "{n} rows ignored as declared in the manifest: {reason}"
            ));
        }
        if not_split > 0 {
            r.notes.push(format!(
                "{not_split} IRIS rows belong to communes kept whole (no IRIS contours): their commune takes the next source's value"
            ));
        }
        for (code, ch) in changes {
            report
                .cog_changes
                .entry(code)
                .and_modify(|e| e.datasets.extend(ch.datasets.iter().cloned()))
                .or_insert(ch);
        }
    }
    Ok(out)
}

fn idx_len(rows: &BTreeMap<&str, Vec<usize>>, code: &str) -> usize {
    rows.get(code).map(Vec::len).unwrap_or(1)
}

/// Combines the rows that resolve to one commune: ratios by summing numerators and
/// denominators; plain values by a mean weighted by the former communes' populations (equal
/// weights when one is unknown).
fn aggregate(contrib: &[(f64, &Vec<f64>)], plain: bool, combine: &dyn Fn(&[f64]) -> f64) -> f64 {
    if contrib.len() == 1 {
        return combine(contrib[0].1);
    }
    if !plain {
        let width = contrib[0].1.len();
        let sums: Vec<f64> = (0..width)
            .map(|k| {
                let vals: Vec<f64> = contrib
                    .iter()
                    .map(|c| c.1[k])
                    .filter(|x| !x.is_nan())
                    .collect();
                if vals.is_empty() {
                    f64::NAN
                } else {
                    vals.iter().sum()
                }
            })
            .collect();
        return combine(&sums);
    }
    let vals: Vec<(f64, f64)> = contrib
        .iter()
        .map(|(w, v)| (*w, combine(v)))
        .filter(|(_, x)| !x.is_nan())
        .collect();
    if vals.is_empty() {
        return f64::NAN;
    }
    let weighted = vals.iter().all(|(w, _)| w.is_finite() && *w > 0.0);
    let (s, ws) = vals.iter().fold((0.0, 0.0), |(s, ws), (w, x)| {
        let w = if weighted { *w } else { 1.0 };
        (s + w * x, ws + w)
    });
    s / ws
}

fn unit_centres(
    geo: &Geography,
    geometries: &BTreeMap<Level, Vec<Feature>>,
) -> Vec<Option<(f64, f64)>> {
    let communes: HashMap<&str, &MultiPolygon<f64>> = geometries
        .get(&Level::Commune)
        .into_iter()
        .flatten()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    geo.units
        .par_iter()
        .map(|u| {
            geo.iris_geometry
                .get(&u.code)
                .or_else(|| communes.get(u.commune.as_str()).copied())
                .and_then(centre)
        })
        .collect()
}

fn unit_vector(lon: f64, lat: f64) -> [f64; 3] {
    let (lo, la) = (lon.to_radians(), lat.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// Haversine distance (km) from each centre to the nearest point. The R-tree holds unit
/// vectors on the sphere, where the nearest by chord is the nearest by great circle.
fn distances(centres: &[Option<(f64, f64)>], points: &[&Place]) -> Vec<f64> {
    let tree = RTree::bulk_load(
        points
            .iter()
            .map(|p| GeomWithData::new(unit_vector(p.lon, p.lat), (p.lon, p.lat)))
            .collect(),
    );
    centres
        .par_iter()
        .map(|c| match c {
            None => f64::NAN,
            Some((lon, lat)) => tree
                .nearest_neighbor(&unit_vector(*lon, *lat))
                .map(|n| ifn_core::geodesy::distance_km_haversine((*lon, *lat), n.data))
                .unwrap_or(f64::NAN),
        })
        .collect()
}

fn build_geometries(
    manifest: &Manifest,
    opts: &BuildOptions,
    geo: &Geography,
    report: &mut BuildReport,
) -> Result<BTreeMap<Level, Vec<Feature>>, BuildError> {
    let mut out = BTreeMap::new();
    let units_communes: BTreeSet<&str> = geo.units.iter().map(|u| u.commune.as_str()).collect();
    if !geo.iris_geometry.is_empty() {
        out.insert(
            Level::Iris,
            geo.iris_geometry
                .iter()
                .map(|(code, g)| Feature {
                    code: code.clone(),
                    geometry: g.clone(),
                })
                .collect::<Vec<_>>(),
        );
    }
    // Communes.
    let mut commune_parts: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
    if let Some(k) = &manifest.geometry.commune {
        let (spec, p) = file(manifest, opts, k)?;
        let data =
            read_vector(&p, &[col(&spec, "code")?], spec.crs.as_deref()).map_err(|source| {
                BuildError::Vector {
                    key: k.clone(),
                    source,
                }
            })?;
        let r = report.dataset(k);
        r.path = spec.path.clone();
        r.rows = data.features.len();
        r.repaired_geometries = data.repaired.clone();
        for f in data.features {
            let code = f.fields[0].clone().unwrap_or_default();
            let Some(g) = f.geometry.as_ref().and_then(polygons) else {
                *r.invalid_records
                    .entry("no polygon geometry".into())
                    .or_default() += 1;
                continue;
            };
            match geo.resolver.resolve(&code) {
                Some(Target::Current(c)) | Some(Target::Merged(c)) => {
                    commune_parts.entry(c.clone()).or_default().push(g);
                    r.matched += 1;
                }
                Some(Target::Excluded) => *r.outside.entry(code).or_default() += 1,
                // A whole-city contour where arrondissements are the communes: not usable.
                Some(Target::Parent(_)) | None => *r.unmatched.entry(code).or_default() += 1,
            }
        }
        let missing: Vec<&&str> = units_communes
            .iter()
            .filter(|c| !commune_parts.contains_key(**c))
            .collect();
        if !missing.is_empty() {
            r.notes.push(format!(
                "{} communes without a contour: {}",
                missing.len(),
                missing
                    .iter()
                    .take(30)
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let communes: Vec<Feature> = commune_parts
        .into_par_iter()
        .map(|(code, parts)| Feature {
            code,
            geometry: dissolve(parts),
        })
        .collect();
    let commune_geom: HashMap<&str, &MultiPolygon<f64>> = communes
        .iter()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    // Members of each territory of a level, as commune codes.
    let members = |level: Level| -> BTreeMap<String, BTreeSet<String>> {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for u in &geo.units {
            m.entry(u.code_at(level).to_string())
                .or_default()
                .insert(u.commune.clone());
        }
        m
    };
    let dissolve_from_communes = |codes: Vec<(String, BTreeSet<String>)>| -> Vec<Feature> {
        codes
            .into_par_iter()
            .filter_map(|(code, set)| {
                let parts: Vec<MultiPolygon<f64>> = set
                    .iter()
                    .filter_map(|c| commune_geom.get(c.as_str()).map(|g| (*g).clone()))
                    .collect();
                (!parts.is_empty()).then(|| Feature {
                    code,
                    geometry: dissolve(parts),
                })
            })
            .collect()
    };
    // EPCI and départements: from their file, missing ones dissolved from communes.
    for (level, key) in [
        (Level::Epci, &manifest.geometry.epci),
        (Level::Departement, &manifest.geometry.departement),
    ] {
        let wanted = members(level);
        let mut parts: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
        if let Some(k) = key {
            let (spec, p) = file(manifest, opts, k)?;
            let mut fields = vec![col(&spec, "code")?];
            let has_dep = spec.columns.contains_key("departement");
            if has_dep {
                fields.push(col(&spec, "departement")?);
            }
            let data = read_vector(&p, &fields, spec.crs.as_deref()).map_err(|source| {
                BuildError::Vector {
                    key: k.clone(),
                    source,
                }
            })?;
            let r = report.dataset(k);
            r.path = spec.path.clone();
            r.rows = data.features.len();
            r.repaired_geometries = data.repaired.clone();
            let mut insets = 0;
            for f in data.features {
                let dep = if has_dep {
                    f.fields[1].clone().unwrap_or_default()
                } else {
                    String::new()
                };
                if spec
                    .inset_departements
                    .iter()
                    .any(|p| dep.starts_with(p.as_str()))
                {
                    insets += 1;
                    continue;
                }
                let Some(code) = f.fields[0].clone() else {
                    *r.invalid_records
                        .entry("no code (null)".into())
                        .or_default() += 1;
                    continue;
                };
                let Some(g) = f.geometry.as_ref().and_then(polygons) else {
                    *r.invalid_records
                        .entry("no polygon geometry".into())
                        .or_default() += 1;
                    continue;
                };
                if wanted.contains_key(&code) {
                    parts.entry(code).or_default().push(g);
                    r.matched += 1;
                } else {
                    *r.unmatched.entry(code).or_default() += 1;
                }
            }
            if insets > 0 {
                r.notes.push(format!(
                    "{insets} features drawn as cartographic insets (départements {}) ignored: their territories are dissolved from commune contours",
                    spec.inset_departements.join(", ")
                ));
            }
        }
        let mut features: Vec<Feature> = parts
            .into_par_iter()
            .map(|(code, p)| Feature {
                code,
                geometry: dissolve(p),
            })
            .collect();
        let have: HashSet<String> = features.iter().map(|f| f.code.clone()).collect();
        let todo: Vec<(String, BTreeSet<String>)> = wanted
            .into_iter()
            .filter(|(c, _)| !have.contains(c) && c != ifn_core::NO_EPCI_CODE)
            .collect();
        if !todo.is_empty() {
            report.warnings.push(format!(
                "{}: {} contours dissolved from communes ({})",
                level.as_str(),
                todo.len(),
                todo.iter()
                    .take(15)
                    .map(|t| t.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        features.extend(dissolve_from_communes(todo));
        features.sort_by(|a, b| a.code.cmp(&b.code));
        out.insert(level, features);
    }
    // Régions: dissolved from départements.
    let deps: HashMap<&str, &MultiPolygon<f64>> = out
        .get(&Level::Departement)
        .into_iter()
        .flatten()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    let mut reg_deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &geo.units {
        reg_deps
            .entry(u.region.clone())
            .or_default()
            .insert(u.departement.clone());
    }
    let regions: Vec<Feature> = reg_deps
        .into_par_iter()
        .filter_map(|(code, ds)| {
            let parts: Vec<MultiPolygon<f64>> = ds
                .iter()
                .filter_map(|d| deps.get(d.as_str()).map(|g| (*g).clone()))
                .collect();
            (!parts.is_empty()).then(|| Feature {
                code,
                geometry: dissolve(parts),
            })
        })
        .collect();
    out.insert(Level::Region, regions);
    out.insert(Level::Commune, communes);
    Ok(out)
}

/// Writes the store of a build (atomically), with `build-report.json`, `build-report.txt`
/// and `provenance.parquet` beside the store files.
pub fn write_build(output: &BuildOutput, dir: &Path, force: bool) -> Result<(), BuildError> {
    let json = serde_json::to_vec_pretty(&output.report).map_err(|e| BuildError::Role {
        key: "build-report".into(),
        message: e.to_string(),
    })?;
    let text = output.report.to_text().into_bytes();
    let prov = provenance_parquet(&output.provenance).map_err(BuildError::Provenance)?;
    write_store_with(
        &output.territory,
        dir,
        force,
        &[
            ("build-report.json", json),
            ("build-report.txt", text),
            ("provenance.parquet", prov),
        ],
    )?;
    Ok(())
}

fn provenance_parquet(rows: &[ProvenanceRow]) -> PolarsResult<Vec<u8>> {
    let s = |f: fn(&ProvenanceRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let mut df = DataFrame::new(
        rows.len(),
        vec![
            Column::new("indicator".into(), s(|r| &r.indicator)),
            Column::new("dataset".into(), s(|r| &r.dataset)),
            Column::new("title".into(), s(|r| &r.title)),
            Column::new("producer".into(), s(|r| &r.producer)),
            Column::new("vintage".into(), s(|r| &r.vintage)),
            Column::new("licence".into(), s(|r| &r.licence)),
            Column::new(
                "official".into(),
                rows.iter().map(|r| r.official).collect::<Vec<_>>(),
            ),
            Column::new("level".into(), s(|r| &r.level)),
            Column::new("formula".into(), s(|r| &r.formula)),
            Column::new("note".into(), s(|r| &r.note)),
            Column::new(
                "units".into(),
                rows.iter().map(|r| r.units as u64).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    Ok(buf)
}
