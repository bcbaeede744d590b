//! The Table Schema (Frictionless) of the national standard, used to count the violations
//! of each record.

use std::path::Path;

use regex::Regex;
use serde_json::Value;

use super::PlacesError;

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

pub(super) fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join("|"),
        Value::Object(_) => v.to_string(),
    }
}
