//! Mediation places: the national standard "Lieux de médiation numérique" (JSON exports,
//! validated against its Table Schema), the older exports beside it, and related lists
//! (France Services, conseillers numériques, public libraries) mapped by the manifest's
//! `columns`. Coordinates are checked against France; duplicates across files are merged.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ifn_core::{Place, PlaceKind};
use regex::Regex;
use serde_json::Value;
use thiserror::Error;

use crate::manifest::{DatasetSpec, Format};
use crate::report::DatasetReport;
use crate::table::{CsvOptions, Table, TableError};
use crate::vector::{read_vector, VectorError};

/// Errors reading a place file.
#[derive(Debug, Error)]
pub enum PlacesError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is malformed or not an array of records.
    #[error("{path}: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The Table Schema could not be used.
    #[error("schema {path}: {message}")]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A table error.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A vector error.
    #[error(transparent)]
    Vector(#[from] VectorError),
}

/// A field of the standard's Table Schema.
#[derive(Debug, Clone)]
struct SchemaField {
    name: String,
    required: bool,
    pattern: Option<Regex>,
}

/// The Table Schema of the standard (fields, required flags, patterns).
#[derive(Debug, Clone)]
pub struct Schema {
    fields: Vec<SchemaField>,
}

impl Schema {
    /// Reads a Frictionless Table Schema.
    pub fn read(path: &Path) -> Result<Schema, PlacesError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlacesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| PlacesError::Schema {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let fields = v["fields"].as_array().ok_or_else(|| PlacesError::Schema {
            path: path.to_path_buf(),
            message: "no `fields` array".into(),
        })?;
        let fields = fields
            .iter()
            .map(|f| {
                let name = f["name"].as_str().unwrap_or_default().to_string();
                let c = &f["constraints"];
                let pattern = match c["pattern"].as_str() {
                    Some(p) => Some(Regex::new(p).map_err(|e| PlacesError::Schema {
                        path: path.to_path_buf(),
                        message: format!("field '{name}': pattern: {e}"),
                    })?),
                    None => None,
                };
                Ok(SchemaField {
                    required: c["required"].as_bool().unwrap_or(false),
                    name,
                    pattern,
                })
            })
            .collect::<Result<_, PlacesError>>()?;
        Ok(Schema { fields })
    }

    /// The violations of one record: `field: reason`.
    pub fn violations(&self, record: &serde_json::Map<String, Value>) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.fields {
            let v = record.get(&f.name).map(value_text).unwrap_or_default();
            if v.is_empty() {
                if f.required {
                    out.push(format!("{}: required", f.name));
                }
                continue;
            }
            if let Some(p) = &f.pattern {
                if !p.is_match(&v) {
                    out.push(format!("{}: does not match the schema pattern", f.name));
                }
            }
        }
        out
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join("|"),
        Value::Object(_) => v.to_string(),
    }
}

/// Areas of France (metropole, DROM, COM) as lon/lat boxes.
const FRANCE_BOXES: [[f64; 4]; 11] = [
    [-5.8, 41.2, 9.8, 51.3],        // metropole and Corsica
    [-61.9, 15.8, -60.9, 16.6],     // Guadeloupe
    [-61.3, 14.3, -60.7, 14.95],    // Martinique
    [-54.7, 2.0, -51.5, 6.0],       // Guyane
    [55.1, -21.5, 55.95, -20.8],    // La Réunion
    [44.9, -13.1, 45.4, -12.5],     // Mayotte
    [-56.5, 46.7, -56.1, 47.2],     // Saint-Pierre-et-Miquelon
    [-63.2, 17.8, -62.7, 18.2],     // Saint-Barthélemy, Saint-Martin
    [163.5, -22.8, 168.2, -19.5],   // Nouvelle-Calédonie
    [-154.8, -28.0, -134.0, -7.8],  // Polynésie française
    [-178.3, -14.4, -176.0, -13.1], // Wallis-et-Futuna
];

/// True if (lon, lat) lies in France.
///
/// ```
/// assert!(ifn_ingest::places::in_france(2.35, 48.85));
/// assert!(!ifn_ingest::places::in_france(48.85, 2.35));
/// ```
pub fn in_france(lon: f64, lat: f64) -> bool {
    FRANCE_BOXES
        .iter()
        .any(|b| lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3])
}

/// Kinds from the values of `dispositif_programmes_nationaux` / `labels_nationaux`.
pub fn kinds_from_labels(labels: &str) -> Vec<PlaceKind> {
    let mut out = Vec::new();
    for l in labels.split(['|', ';', ',']) {
        let l = l.trim().to_lowercase();
        let k = if l == "france services" {
            Some(PlaceKind::FranceServices)
        } else if l == "cnfs" || l.starts_with("conseiller") {
            Some(PlaceKind::ConseillerNumerique)
        } else if l == "aidants connect" {
            Some(PlaceKind::AidantsConnect)
        } else if l.starts_with("bibliothèque") {
            Some(PlaceKind::Bibliotheque)
        } else {
            None
        };
        if let Some(k) = k {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

struct RawPlace {
    id: String,
    name: String,
    lon: Option<f64>,
    lat: Option<f64>,
    commune: String,
    address: String,
    services: String,
    publics: String,
    labels: String,
}

/// Field names of the standard and of its older exports, by role.
fn standard_field<'a>(role: &str, columns: &'a BTreeMap<String, String>) -> Vec<&'a str> {
    if let Some(c) = columns.get(role) {
        return vec![c.as_str()];
    }
    match role {
        "id" => vec!["id", "pivot"],
        "name" => vec!["nom"],
        "lat" => vec!["latitude"],
        "lon" => vec!["longitude"],
        "commune" => vec!["code_insee"],
        "address" => vec!["adresse"],
        "services" => vec!["services"],
        "publics" => vec!["publics_specifiquement_adresses", "publics_accueillis"],
        "labels" => vec!["dispositif_programmes_nationaux", "labels_nationaux"],
        _ => vec![],
    }
}

/// Reads the places of one dataset. Records without usable coordinates are refused and
/// counted in `report.invalid_records`, as are schema violations (the record is then kept).
pub fn load_places(
    spec: &DatasetSpec,
    sources: &Path,
    report: &mut DatasetReport,
) -> Result<Vec<Place>, PlacesError> {
    let path = sources.join(&spec.path);
    report.path = spec.path.clone();
    let raws = match spec.format {
        Format::Json => read_json_places(spec, sources, &path, report)?,
        Format::Csv | Format::Xlsx => read_table_places(spec, &path)?,
        Format::Vector => read_vector_places(spec, &path)?,
    };
    report.rows = raws.len();
    let base_kinds: Vec<PlaceKind> = spec
        .kinds
        .iter()
        .filter_map(|k| PlaceKind::parse(k))
        .collect();
    let mut out = Vec::new();
    for (i, r) in raws.into_iter().enumerate() {
        let (mut lon, mut lat) = match (r.lon, r.lat) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => (x, y),
            _ => {
                *report
                    .invalid_records
                    .entry("no coordinates".into())
                    .or_default() += 1;
                continue;
            }
        };
        if !in_france(lon, lat) {
            if in_france(lat, lon) {
                std::mem::swap(&mut lon, &mut lat);
                *report
                    .invalid_records
                    .entry("latitude and longitude swapped (fixed)".into())
                    .or_default() += 1;
            } else {
                *report
                    .invalid_records
                    .entry("coordinates outside France".into())
                    .or_default() += 1;
                continue;
            }
        }
        let mut kinds = base_kinds.clone();
        for k in kinds_from_labels(&r.labels) {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            kinds.push(PlaceKind::Autre);
        }
        let split = |s: &str| -> Vec<String> {
            let sep = if s.contains('|') { '|' } else { ',' };
            s.split(sep)
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let id = if r.id.is_empty() {
            format!("{}", i + 1)
        } else {
            r.id
        };
        out.push(Place {
            id: format!("{}:{}", spec.key, id),
            name: r.name,
            lon,
            lat,
            commune: r.commune,
            address: r.address,
            kinds,
            services: split(&r.services),
            publics: split(&r.publics),
            source: spec.key.clone(),
        });
    }
    report.matched = out.len();
    Ok(out)
}

fn read_json_places(
    spec: &DatasetSpec,
    sources: &Path,
    path: &Path,
    report: &mut DatasetReport,
) -> Result<Vec<RawPlace>, PlacesError> {
    let schema = match &spec.schema {
        Some(s) => Some(Schema::read(&sources.join(s))?),
        None => None,
    };
    let text = std::fs::read(path).map_err(|source| PlacesError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let v: Value = serde_json::from_slice(text).map_err(|e| PlacesError::Json {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let records = v.as_array().ok_or_else(|| PlacesError::Json {
        path: path.to_path_buf(),
        message: "expected a JSON array of records".into(),
    })?;
    let mut out = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let Some(obj) = rec.as_object() else {
            return Err(PlacesError::Json {
                path: path.to_path_buf(),
                message: format!("record {}: not an object", i + 1),
            });
        };
        if let Some(s) = &schema {
            for v in s.violations(obj) {
                *report
                    .invalid_records
                    .entry(format!("schema: {v}"))
                    .or_default() += 1;
            }
        }
        let get = |role: &str| -> String {
            standard_field(role, &spec.columns)
                .iter()
                .map(|f| obj.get(*f).map(value_text).unwrap_or_default())
                .find(|s| !s.is_empty())
                .unwrap_or_default()
        };
        let num = |role: &str| -> Option<f64> {
            let s = get(role);
            crate::table::parse_number(&s, s.contains(',') && !s.contains('.'))
                .filter(|x| !x.is_nan())
        };
        let mut address = get("address");
        for extra in ["code_postal", "commune"] {
            if spec.columns.is_empty() {
                if let Some(x) = obj.get(extra).map(value_text).filter(|x| !x.is_empty()) {
                    address = format!("{address}, {x}");
                }
            }
        }
        out.push(RawPlace {
            id: get("id"),
            name: get("name"),
            lon: num("lon"),
            lat: num("lat"),
            commune: get("commune"),
            address: address.replace('\n', ", "),
            services: get("services"),
            publics: get("publics"),
            labels: get("labels"),
        });
    }
    Ok(out)
}

fn read_table_places(spec: &DatasetSpec, path: &Path) -> Result<Vec<RawPlace>, PlacesError> {
    let t = Table::read_csv(
        path,
        &CsvOptions {
            separator: spec.separator.unwrap_or(';') as u8,
            skip_lines: spec.skip_lines,
            decimal_comma: spec.decimal == Some(','),
        },
    )?;
    let col = |role: &str| -> Result<Option<Vec<Option<&str>>>, TableError> {
        match spec.columns.get(role) {
            Some(c) => t.text(c).map(Some),
            None => Ok(None),
        }
    };
    let n = t.len();
    let at = |c: &Option<Vec<Option<&str>>>, i: usize| -> String {
        c.as_ref().and_then(|v| v[i]).unwrap_or("").to_string()
    };
    let (id, name, commune, address) = (col("id")?, col("name")?, col("commune")?, col("address")?);
    let (lat, lon, latlon) = (col("lat")?, col("lon")?, col("latlon")?);
    let labels = col("labels")?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (la, lo) = if latlon.is_some() {
            let s = at(&latlon, i);
            let mut it = s.split(',').map(|x| x.trim().parse::<f64>().ok());
            (it.next().flatten(), it.next().flatten())
        } else {
            (at(&lat, i).parse().ok(), at(&lon, i).parse().ok())
        };
        out.push(RawPlace {
            id: at(&id, i).trim_end_matches(".0").to_string(),
            name: at(&name, i),
            lon: lo,
            lat: la,
            commune: at(&commune, i),
            address: at(&address, i),
            services: String::new(),
            publics: String::new(),
            labels: at(&labels, i),
        });
    }
    Ok(out)
}

fn read_vector_places(spec: &DatasetSpec, path: &Path) -> Result<Vec<RawPlace>, PlacesError> {
    let roles = ["id", "name", "commune", "address", "labels"];
    let present: Vec<(&str, &str)> = roles
        .iter()
        .filter_map(|r| spec.columns.get(*r).map(|c| (*r, c.as_str())))
        .collect();
    let fields: Vec<&str> = present.iter().map(|p| p.1).collect();
    let data = read_vector(path, &fields, spec.crs.as_deref())?;
    let mut out = Vec::new();
    for f in data.features {
        let get = |role: &str| -> String {
            present
                .iter()
                .position(|p| p.0 == role)
                .and_then(|i| f.fields[i].clone())
                .unwrap_or_default()
        };
        let (lon, lat) = match &f.geometry {
            Some(geo::Geometry::Point(p)) => (Some(p.x()), Some(p.y())),
            _ => (None, None),
        };
        out.push(RawPlace {
            id: get("id"),
            name: get("name"),
            lon,
            lat,
            commune: get("commune"),
            address: get("address"),
            services: String::new(),
            publics: String::new(),
            labels: get("labels"),
        });
    }
    Ok(out)
}

fn normalized(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Merges places of several files that describe the same place: same normalised name within
/// about 100 m. Kinds, services, publics and sources are united. Returns the places and the
/// number merged away.
pub fn merge_duplicates(places: Vec<Place>) -> (Vec<Place>, usize) {
    let mut index: HashMap<(String, i64, i64), usize> = HashMap::new();
    let mut out: Vec<Place> = Vec::new();
    let mut merged = 0;
    for p in places {
        let key = (
            normalized(&p.name),
            (p.lon * 1000.0).round() as i64,
            (p.lat * 1000.0).round() as i64,
        );
        match index.get(&key) {
            Some(&i) => {
                let q = &mut out[i];
                for k in p.kinds {
                    if !q.kinds.contains(&k) {
                        q.kinds.push(k);
                    }
                }
                if q.kinds.len() > 1 {
                    q.kinds.retain(|k| *k != PlaceKind::Autre);
                }
                for s in p.services {
                    if !q.services.contains(&s) {
                        q.services.push(s);
                    }
                }
                for s in p.publics {
                    if !q.publics.contains(&s) {
                        q.publics.push(s);
                    }
                }
                if !q.source.split('+').any(|s| s == p.source) {
                    q.source = format!("{}+{}", q.source, p.source);
                }
                if q.commune.is_empty() {
                    q.commune = p.commune;
                }
                merged += 1;
            }
            None => {
                index.insert(key, out.len());
                out.push(p);
            }
        }
    }
    (out, merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_give_kinds() {
        assert_eq!(
            kinds_from_labels("CNFS;France Services"),
            vec![PlaceKind::ConseillerNumerique, PlaceKind::FranceServices]
        );
        assert_eq!(
            kinds_from_labels("Aidants Connect|Conseillers numériques"),
            vec![PlaceKind::AidantsConnect, PlaceKind::ConseillerNumerique]
        );
        assert!(kinds_from_labels("").is_empty());
    }

    #[test]
    fn the_same_place_in_two_files_is_merged() {
        let p = |src: &str, kind| Place {
            id: format!("{src}:1"),
            name: "Médiathèque  de Cognac".into(),
            lon: -0.3291,
            lat: 45.6951,
            commune: String::new(),
            address: String::new(),
            kinds: vec![kind],
            services: vec![],
            publics: vec![],
            source: src.into(),
        };
        let (out, merged) = merge_duplicates(vec![
            p("a", PlaceKind::ConseillerNumerique),
            p("b", PlaceKind::AidantsConnect),
        ]);
        assert_eq!((out.len(), merged), (1, 1));
        assert_eq!(out[0].kinds.len(), 2);
        assert_eq!(out[0].source, "a+b");
    }
}
