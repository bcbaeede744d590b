//! Step 2: contours per level. Communes from their file (merged communes united), EPCI and
//! départements from theirs with the missing ones dissolved from communes (inset overseas
//! contours ignored), régions dissolved from départements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use geo::MultiPolygon;
use ifn_core::{Feature, Level};
use rayon::prelude::*;

use crate::geography::{dissolve, Geography, Target};
use crate::report::BuildReport;
use crate::vector::polygons;

use super::sources::Sources;
use super::BuildError;

/// Contours by level.
pub(super) type Geometries = BTreeMap<Level, Vec<Feature>>;

/// Builds the contours of every level.
pub(super) fn build_geometries(
    src: &Sources<'_>,
    geo: &Geography,
    report: &mut BuildReport,
) -> Result<Geometries, BuildError> {
    let mut out = BTreeMap::new();
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
    let communes = commune_contours(src, geo, report)?;
    let commune_geom: HashMap<&str, &MultiPolygon<f64>> = communes
        .iter()
        .map(|f| (f.code.as_str(), &f.geometry))
        .collect();
    for (level, key) in [
        (Level::Epci, &src.manifest.geometry.epci),
        (Level::Departement, &src.manifest.geometry.departement),
    ] {
        let features = level_contours(src, geo, report, level, key.as_deref(), &commune_geom)?;
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
    let regions = dissolve_members(reg_deps.into_iter().collect(), &deps);
    out.insert(Level::Region, regions);
    out.insert(Level::Commune, communes);
    Ok(out)
}

/// Unites the contours of the `members` of each territory (those that have one); territories
/// with no member contour are left out.
fn dissolve_members(
    codes: Vec<(String, BTreeSet<String>)>,
    contours: &HashMap<&str, &MultiPolygon<f64>>,
) -> Vec<Feature> {
    codes
        .into_par_iter()
        .filter_map(|(code, members)| {
            let parts: Vec<MultiPolygon<f64>> = members
                .iter()
                .filter_map(|c| contours.get(c.as_str()).map(|g| (*g).clone()))
                .collect();
            (!parts.is_empty()).then(|| Feature {
                code,
                geometry: dissolve(parts),
            })
        })
        .collect()
}

/// Commune contours from `[geometry] commune`, merged communes united into the current one.
fn commune_contours(
    src: &Sources<'_>,
    geo: &Geography,
    report: &mut BuildReport,
) -> Result<Vec<Feature>, BuildError> {
    let mut parts: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
    if let Some(k) = &src.manifest.geometry.commune {
        let (_, data) = src.vector(k, &["code"], report)?;
        let r = report.dataset(k);
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
                    parts.entry(c.clone()).or_default().push(g);
                    r.matched += 1;
                }
                Some(Target::Excluded) => *r.outside.entry(code).or_default() += 1,
                // A whole-city contour where arrondissements are the communes: not usable.
                Some(Target::Parent(_)) | None => *r.unmatched.entry(code).or_default() += 1,
            }
        }
        let units_communes: BTreeSet<&str> = geo.units.iter().map(|u| u.commune.as_str()).collect();
        let missing: Vec<&str> = units_communes
            .into_iter()
            .filter(|c| !parts.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            r.notes.push(format!(
                "{} communes without a contour: {}",
                missing.len(),
                missing
                    .iter()
                    .take(30)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(parts
        .into_par_iter()
        .map(|(code, parts)| Feature {
            code,
            geometry: dissolve(parts),
        })
        .collect())
}

/// EPCI or département contours: from dataset `key` when given, the missing ones dissolved
/// from the communes.
fn level_contours(
    src: &Sources<'_>,
    geo: &Geography,
    report: &mut BuildReport,
    level: Level,
    key: Option<&str>,
    commune_geom: &HashMap<&str, &MultiPolygon<f64>>,
) -> Result<Vec<Feature>, BuildError> {
    // Members of each territory of the level, as commune codes.
    let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &geo.units {
        wanted
            .entry(u.code_at(level).to_string())
            .or_default()
            .insert(u.commune.clone());
    }
    let mut parts: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
    if let Some(k) = key {
        let has_dep = src.manifest.dataset(k)?.columns.contains_key("departement");
        let roles: &[&str] = if has_dep {
            &["code", "departement"]
        } else {
            &["code"]
        };
        let (spec, data) = src.vector(k, roles, report)?;
        let r = report.dataset(k);
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
    features.extend(dissolve_members(todo, commune_geom));
    features.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(features)
}
