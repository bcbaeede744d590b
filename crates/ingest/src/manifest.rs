//! The source manifest: which file is which dataset, and how each indicator is computed.
//!
//! A manifest is TOML (see `data/sources/france.toml`). Each `[[datasets]]` names one published
//! file (producer, vintage, licence, official URL and checksum, path inside the sources folder,
//! how to read it); the `[hierarchy]`, `[geometry]` and `places` sections say which datasets
//! build the geography and the mediation places; each `[[indicators]]` lists, in order of
//! preference, the sources of one indicator (a column, or numerator / denominator columns, at
//! IRIS or commune level, or a distance to the nearest point of a place dataset).
//!
//! A dataset may be a member of a ZIP or 7z archive (`member`), a Latin-1 CSV (`encoding`), an
//! XLSX sheet with title rows (`sheet`, `header_row`); `[[unavailable]]` lists the catalogue
//! indicators the manifest cannot give, with the reason and the closest substitute.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

/// Errors reading a manifest.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("manifest {path}")]
    Read {
        /// The manifest.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key.
    #[error("manifest {path}, line {line}, column {column}: {message}")]
    Toml {
        /// The manifest.
        path: PathBuf,
        /// 1-based line of the error (1 when the parser gives no position).
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// What is wrong, as the TOML parser says it.
        message: String,
    },
    /// The content is inconsistent (unknown dataset key, missing option…).
    #[error("manifest {path}: {message}")]
    Invalid {
        /// The manifest.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// The built-in manifest, for the layout of the project's `shared/data` folder.
pub const FRANCE_MANIFEST: &str = include_str!("../../../data/sources/france.toml");

/// A parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Description of the store to build.
    pub territory: TerritorySpec,
    /// Datasets that build the hierarchy of territories.
    pub hierarchy: HierarchySpec,
    /// Datasets that give contours per level.
    #[serde(default)]
    pub geometry: GeometrySpec,
    /// Keys of the place datasets kept as mediation places in the store.
    #[serde(default)]
    pub places: Vec<String>,
    /// Every file used.
    pub datasets: Vec<DatasetSpec>,
    /// The indicators.
    #[serde(default)]
    pub indicators: Vec<IndicatorSpec>,
    /// Catalogue indicators no dataset of the manifest gives, with the reason and the closest
    /// official substitute.
    #[serde(default)]
    pub unavailable: Vec<UnavailableSpec>,
    /// Where the manifest was read from (for messages).
    #[serde(skip)]
    pub origin: PathBuf,
}

/// `[territory]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritorySpec {
    /// Display name.
    pub name: String,
    /// Longer description.
    pub description: String,
    /// Licence of the whole.
    pub licence: String,
}

/// `[hierarchy]`: dataset keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HierarchySpec {
    /// Commune list (`@etalab/decoupage-administratif` `communes.json`).
    pub communes: String,
    /// EPCI composition (`epci.json`).
    pub epci: String,
    /// Département names (`departements.json`).
    pub departements: String,
    /// Région names (`regions.json`).
    pub regions: String,
    /// Populations of an older vintage (code, population columns), used to weight the values of
    /// communes merged since when they are combined.
    pub old_populations: Option<String>,
    /// Département codes kept (default: every commune of zone `metro` or `drom`).
    #[serde(default)]
    pub zones: Vec<String>,
}

/// `[geometry]`: dataset keys per level.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometrySpec {
    /// IRIS contours: the communes they cover are split into IRIS base units.
    #[serde(default)]
    pub iris: Vec<String>,
    /// Commune contours.
    pub commune: Option<String>,
    /// EPCI contours (missing EPCI are dissolved from communes).
    pub epci: Option<String>,
    /// Département contours (missing ones are dissolved from communes).
    pub departement: Option<String>,
    /// Région contours (default: dissolved from départements).
    pub region: Option<String>,
}

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Delimited text (polars).
    Csv,
    /// Excel workbook (calamine).
    Xlsx,
    /// JSON array of records.
    Json,
    /// Any vector format GDAL reads (GeoJSON, gzipped GeoJSON, Shapefile, GeoPackage).
    Vector,
}

/// Kind of code in a code column, telling how lost leading zeros are restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// INSEE commune code, 5 characters.
    Commune,
    /// IRIS code, 9 characters.
    Iris,
    /// SIREN of an EPCI, 9 digits.
    Epci,
    /// Département code, 2 characters (3 overseas).
    Departement,
}

/// What to do when a code appears on two rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Duplicates {
    /// Refuse the file.
    #[default]
    Error,
    /// Merge the rows cell by cell when they agree or one is empty; conflicts are reported.
    Merge,
}

/// One published file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    /// Key used by the rest of the manifest.
    pub key: String,
    /// Title of the dataset as the producer names it.
    pub title: String,
    /// Producer.
    pub producer: String,
    /// Vintage (year or date of the data).
    pub vintage: String,
    /// Licence.
    pub licence: String,
    /// Official download URL.
    pub url: Option<String>,
    /// SHA-256 of the file as published (lower-case hex).
    pub sha256: Option<String>,
    /// Path inside the sources folder.
    pub path: String,
    /// Official producer file (false for third-party derived tables).
    #[serde(default = "yes")]
    pub official: bool,
    /// Format.
    pub format: Format,
    /// Field separator of a CSV (default `;`).
    pub separator: Option<char>,
    /// Decimal mark of numbers (`.` or `,`; default `.`).
    pub decimal: Option<char>,
    /// Lines to skip before the header (ARCEP's disclaimer line).
    #[serde(default)]
    pub skip_lines: usize,
    /// The file has no header row: column names come from `header_file` or `column_names`.
    #[serde(default)]
    pub column_names: Vec<String>,
    /// XLSX sheet.
    pub sheet: Option<String>,
    /// Column holding the territory code.
    pub code_column: Option<String>,
    /// Kind of that code (restores lost leading zeros).
    pub code_kind: Option<CodeKind>,
    /// Policy for duplicated codes.
    #[serde(default)]
    pub duplicates: Duplicates,
    /// The file at `path` is an archive (`.zip` or `.7z`) and the data is this member of it
    /// (a path inside the archive; `*` matches any characters, `/` included).
    pub member: Option<String>,
    /// Text encoding of a CSV: `utf-8` (default) or `latin-1` (read as Windows-1252).
    pub encoding: Option<TextEncoding>,
    /// XLSX: 1-based row of the header (default: the first row holding `code_column`).
    pub header_row: Option<usize>,
    /// Size in bytes of the file as published, when the producer announces it (for `ifn build
    /// --plan` and the expected download size).
    pub size: Option<u64>,
    /// The producer's page describing the dataset (variables, documentation).
    pub page: Option<String>,
    /// Source CRS when the file does not declare one (e.g. `EPSG:2154`).
    pub crs: Option<String>,
    /// Columns used, by role (`code`, `name`, `commune`, `type`, `departement`, `lat`, `lon`,
    /// `latlon`, `id`, `address`, `services`, `publics`, `labels`, `population`…).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Contours drawn as cartographic insets for these département prefixes (e.g. `97`):
    /// such features are never used as real positions.
    #[serde(default)]
    pub inset_departements: Vec<String>,
    /// Place datasets: kinds given to every place of the file.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Place datasets: JSON Table Schema the records are validated against.
    pub schema: Option<String>,
    /// Table rows known not to be territories of the store (composite codes, retired codes),
    /// with the reason: they are counted as *ignored* in the build report instead of
    /// *unmatched*, so that `--strict` only fails on the unexpected.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
}

/// Text encoding of a delimited file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark is skipped).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// ISO-8859-1 / Windows-1252, as some producers still publish.
    #[serde(rename = "latin-1")]
    Latin1,
}

/// A catalogue indicator the manifest cannot give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnavailableSpec {
    /// Indicator key (as in the catalogue).
    pub indicator: String,
    /// Why no dataset gives it.
    pub reason: String,
    /// The closest official substitute, if any.
    pub substitute: Option<String>,
}

/// Rows of a table to leave out on purpose: exact codes and/or codes matching a pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreRule {
    /// Codes (after leading zeros are restored) to ignore.
    #[serde(default)]
    pub codes: Vec<String>,
    /// A regular expression: codes matching it are ignored.
    pub pattern: Option<String>,
    /// Why these rows are not territories (written into the build report).
    pub reason: String,
}

impl IgnoreRule {
    /// Whether a code falls under the rule (`pattern` must have been checked by
    /// [`Manifest::parse`]; an invalid one matches nothing).
    pub fn matches(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
            || self
                .pattern
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok())
                .is_some_and(|re| re.is_match(code))
    }
}

fn yes() -> bool {
    true
}

/// Level at which a source gives values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceLevel {
    /// One value per IRIS code (or commune code + `0000` for communes not split into IRIS).
    Iris,
    /// One value per commune; IRIS inherit their commune's value.
    Commune,
}

/// One indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Key (as in the catalogue).
    pub key: String,
    /// Sources, first preferred: a later source only fills units an earlier one left missing.
    pub sources: Vec<IndicatorSource>,
    /// Missing values are statistical secrecy (not published for small units): `ifn build
    /// --secret estimate` fills them from the enclosing territory (see `build::secret`).
    #[serde(default)]
    pub secret: bool,
}

/// How to compute an indicator from one dataset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSource {
    /// Dataset key.
    pub dataset: String,
    /// Level of the values.
    pub level: Option<SourceLevel>,
    /// Column holding the value.
    pub column: Option<String>,
    /// Numerator columns (summed).
    #[serde(default)]
    pub numerator: Vec<String>,
    /// Denominator column.
    pub denominator: Option<String>,
    /// Take `1 − ratio` (e.g. THD non-coverage from eligible premises).
    #[serde(default)]
    pub complement: bool,
    /// Multiplier applied last (100 for a percentage from a ratio).
    #[serde(default = "one")]
    pub scale: f64,
    /// `distance`: haversine km from each unit's centre to the nearest point of these place
    /// datasets.
    #[serde(default)]
    pub distance_to: Vec<String>,
    /// `site_reach`: share of each unit's area beyond a reach of every site of these datasets
    /// (e.g. ARCEP's 4G antenna sites).
    pub site_reach: Option<SiteReach>,
    /// Provenance text stored with the values.
    pub provenance: String,
}

fn one() -> f64 {
    1.0
}

/// An indicator computed from point sites: `100 ×` the share of a unit's area farther than
/// `reach_m` from every site, estimated on a regular grid of points (see `build::coverage4g`).
/// Each site dataset gives `columns.x`, `columns.y` (in its `crs`, default WGS84) and
/// `columns.technology` (a 0/1 column: only rows with 1 are sites).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteReach {
    /// Keys of the site datasets (CSV).
    pub sites: Vec<String>,
    /// Reach of a site, in metres (great-circle distance).
    pub reach_m: f64,
    /// Step of the sampling grid, in metres (smaller for small units, so that each gets
    /// enough points).
    pub grid_m: f64,
}

impl DatasetSpec {
    /// How to read this dataset's CSV: separator (default `;`), lines before the header,
    /// decimal mark.
    pub fn csv_options(&self) -> crate::table::CsvOptions {
        crate::table::CsvOptions {
            separator: self.separator.unwrap_or(';') as u8,
            skip_lines: self.skip_lines,
            decimal_comma: self.decimal == Some(','),
            encoding: self.encoding.unwrap_or_default(),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl Manifest {
    /// Parses a manifest; `origin` names it in messages.
    pub fn parse(text: &str, origin: &Path) -> Result<Manifest, ManifestError> {
        let mut m: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
            ManifestError::Toml {
                path: origin.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        m.origin = origin.to_path_buf();
        m.check()?;
        Ok(m)
    }

    /// Reads a manifest file.
    pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text, path)
    }

    /// The built-in manifest for the layout of `shared/data`.
    pub fn france() -> Result<Manifest, ManifestError> {
        Manifest::parse(FRANCE_MANIFEST, Path::new("data/sources/france.toml"))
    }

    /// A dataset by key.
    pub fn dataset(&self, key: &str) -> Result<&DatasetSpec, ManifestError> {
        self.datasets
            .iter()
            .find(|d| d.key == key)
            .ok_or_else(|| self.invalid(format!("no [[datasets]] with key '{key}'")))
    }

    fn invalid(&self, message: String) -> ManifestError {
        ManifestError::Invalid {
            path: self.origin.clone(),
            message,
        }
    }

    fn check(&self) -> Result<(), ManifestError> {
        let mut seen = std::collections::HashSet::new();
        for d in &self.datasets {
            if !seen.insert(d.key.as_str()) {
                return Err(self.invalid(format!("dataset key '{}' appears twice", d.key)));
            }
            if let Some(s) = &d.sha256 {
                if s.len() != 64 || !s.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(self.invalid(format!(
                        "dataset '{}': sha256 must be 64 hexadecimal characters",
                        d.key
                    )));
                }
            }
            for rule in &d.ignore {
                if let Some(p) = &rule.pattern {
                    if let Err(e) = regex::Regex::new(p) {
                        return Err(self.invalid(format!(
                            "dataset '{}': ignore pattern '{p}' is not a valid regular expression: {e}",
                            d.key
                        )));
                    }
                }
                if rule.codes.is_empty() && rule.pattern.is_none() {
                    return Err(self.invalid(format!(
                        "dataset '{}': an [[datasets.ignore]] rule needs `codes` or `pattern`",
                        d.key
                    )));
                }
            }
            if let Some(c) = d.decimal {
                if c != '.' && c != ',' {
                    return Err(
                        self.invalid(format!("dataset '{}': decimal must be '.' or ','", d.key))
                    );
                }
            }
        }
        let h = &self.hierarchy;
        for k in [&h.communes, &h.epci, &h.departements, &h.regions] {
            self.dataset(k)?;
        }
        if let Some(k) = &h.old_populations {
            self.dataset(k)?;
        }
        let g = &self.geometry;
        for k in g
            .iris
            .iter()
            .chain(g.commune.iter())
            .chain(g.epci.iter())
            .chain(g.departement.iter())
            .chain(g.region.iter())
            .chain(self.places.iter())
        {
            self.dataset(k)?;
        }
        for u in &self.unavailable {
            if self.indicators.iter().any(|i| i.key == u.indicator) {
                return Err(self.invalid(format!(
                    "indicator '{}' is both in [[indicators]] and in [[unavailable]]",
                    u.indicator
                )));
            }
        }
        for ind in &self.indicators {
            if ind.sources.is_empty() {
                return Err(self.invalid(format!("indicator '{}' has no source", ind.key)));
            }
            for s in &ind.sources {
                self.dataset(&s.dataset)?;
                for p in &s.distance_to {
                    self.dataset(p)?;
                }
                if let Some(r) = &s.site_reach {
                    for k in &r.sites {
                        self.dataset(k)?;
                    }
                    let positive = |x: f64| x.is_finite() && x > 0.0;
                    if r.sites.is_empty() || !positive(r.reach_m) || !positive(r.grid_m) {
                        return Err(self.invalid(format!(
                            "indicator '{}', source '{}': `site_reach` needs `sites` and \
                             positive `reach_m` and `grid_m`",
                            ind.key, s.dataset
                        )));
                    }
                }
                let kinds = [
                    s.column.is_some(),
                    s.denominator.is_some(),
                    !s.distance_to.is_empty(),
                    s.site_reach.is_some(),
                ];
                if kinds.iter().filter(|k| **k).count() != 1 {
                    return Err(self.invalid(format!(
                        "indicator '{}', source '{}': give exactly one of `column`, \
                         `numerator` + `denominator`, `distance_to` or `site_reach`",
                        ind.key, s.dataset
                    )));
                }
                if s.denominator.is_some() && s.numerator.is_empty() {
                    return Err(self.invalid(format!(
                        "indicator '{}', source '{}': `denominator` needs `numerator`",
                        ind.key, s.dataset
                    )));
                }
                if s.distance_to.is_empty() && s.site_reach.is_none() && s.level.is_none() {
                    return Err(self.invalid(format!(
                        "indicator '{}', source '{}': say the `level` (iris or commune)",
                        ind.key, s.dataset
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_manifest_parses() {
        let m = Manifest::parse(FRANCE_MANIFEST, Path::new("france.toml")).expect("parse");
        assert!(m.indicators.iter().any(|i| i.key == "poverty_rate"));
    }

    #[test]
    fn an_unknown_dataset_key_is_named() {
        let text = FRANCE_MANIFEST.replace("communes = \"cog_communes\"", "communes = \"nope\"");
        let e = Manifest::parse(&text, Path::new("m.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'nope'"), "{e}");
    }

    #[test]
    fn a_toml_error_names_line_and_column() {
        let text = "[territory]\nname = \"t\"\nnope = 1\n";
        let e = Manifest::parse(text, Path::new("m.toml")).unwrap_err();
        let ManifestError::Toml { line, column, .. } = &e else {
            panic!("{e}");
        };
        assert_eq!((*line, *column), (3, 1), "{e}");
        assert!(
            e.to_string()
                .starts_with("manifest m.toml, line 3, column 1: "),
            "{e}"
        );
    }

    #[test]
    fn a_site_reach_needs_a_positive_reach_and_only_one_kind_of_source() {
        let ok = FRANCE_MANIFEST.contains("reach_m = 5000.0");
        assert!(ok, "the France manifest has a site_reach source");
        let text = FRANCE_MANIFEST.replace("reach_m = 5000.0", "reach_m = 0.0");
        let e = Manifest::parse(&text, Path::new("m.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("positive `reach_m`"), "{e}");
        let text = FRANCE_MANIFEST.replace(
            "reach_m = 5000.0, grid_m = 500.0 }",
            "reach_m = 5000.0, grid_m = 500.0 }\ncolumn = \"x\"",
        );
        let e = Manifest::parse(&text, Path::new("m.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("exactly one of"), "{e}");
    }

    #[test]
    fn line_column_counts_characters_from_one() {
        assert_eq!(line_column("", 0), (1, 1));
        assert_eq!(line_column("é\nab", 4), (2, 2));
        assert_eq!(line_column("é", 1), (1, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
