//! The readers of place files: JSON records of the standard (and its older exports), tables
//! and vector layers mapped by the manifest's `columns`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::manifest::DatasetSpec;
use crate::report::DatasetReport;
use crate::table::{Table, TableError};
use crate::vector::read_vector;

use super::schema::{value_text, Schema};
use super::PlacesError;

pub(super) struct RawPlace {
    pub id: String,
    pub name: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub commune: String,
    pub address: String,
    pub services: String,
    pub publics: String,
    pub labels: String,
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

pub(super) fn read_json_places(
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

pub(super) fn read_table_places(
    spec: &DatasetSpec,
    path: &Path,
) -> Result<Vec<RawPlace>, PlacesError> {
    let t = Table::read_csv(path, &spec.csv_options())?;
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

pub(super) fn read_vector_places(
    spec: &DatasetSpec,
    path: &Path,
) -> Result<Vec<RawPlace>, PlacesError> {
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
