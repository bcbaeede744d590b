//! Later vintages of the demo territory, for comparing two vintages (`ifn evolution`).
//!
//! Vintage 2 is vintage 1 ([`super::generate`], unchanged) one COG later, as of
//! [`VINTAGE_2_DATE`]:
//!
//! - three **communes nouvelles** (MOD 32), one per département, of 3, 2 and 2 neighbouring
//!   single-IRIS communes of one EPCI; the commune nouvelle keeps the code of its chef-lieu
//!   (the first code) and each former commune becomes one of its IRIS, renumbered under the
//!   new code (`{code}0001`, `{code}0002`, …), as INSEE does when communes déléguées are kept;
//! - one **change of name** (MOD 10) in the second département;
//! - one **rétablissement** (MOD 21) in the third: the later half of a town's IRIS (in code
//!   order) forms a re-established commune under a new code, its IRIS renumbered under it;
//! - plausible **drifts** of the values, deterministic: fibre deployed (no-THD share × 0.45 to
//!   0.85), 4G a little better (× 0.8 to 1), an older population (+0.3 to +1.6 points of
//!   65+), distances to places unchanged (the places did not move), every other value
//!   × (1 ± 6 %), rounded to two decimals; populations × 0.97 to
//!   1.04; missing values stay missing.
//!
//! The table of changes between the two vintages comes with it, in INSEE's format.

use std::collections::{BTreeMap, BTreeSet};

use geo::{unary_union, Contains, Intersects, MultiPolygon, Point, Polygon};
use ndarray::Array2;

use super::names::NameGen;
use super::{generate, DEMO_SEED};
use crate::catalogue::Catalogue;
use crate::dataset::{BaseUnit, Dataset};
use crate::evolution::{
    CogChange, CogChanges, CogCommune, MOD_NEW_COMMUNE, MOD_RENAME, MOD_RESTORE,
};
use crate::level::Level;
use crate::rng::{DemoRng, SeedableRng, SplitMix64};
use crate::territory::{Feature, SourceInfo, Territory};

/// Date the changes of vintage 2 take effect (`DATE_EFF` of its table of changes).
pub const VINTAGE_2_DATE: &str = "2025-01-01";
/// The latest vintage of the demo.
pub const LATEST_VINTAGE: u32 = 2;
/// Size of the commune nouvelle created in each département.
const MERGE_SIZES: [usize; 3] = [3, 2, 2];

/// The demo territory as of vintage `n` (1 = [`super::generate`], 2 = one COG later), with the
/// table of changes from vintage `n − 1` (none for vintage 1); `None` for an unknown vintage.
///
/// ```
/// let (t, changes) = ifn_core::demo::vintage(2).unwrap();
/// assert!(t.meta.fictional);
/// assert!(changes.unwrap().rows.iter().any(|r| r.mod_code == 32));
/// assert!(ifn_core::demo::vintage(3).is_none());
/// ```
pub fn vintage(n: u32) -> Option<(Territory, Option<CogChanges>)> {
    match n {
        1 => Some((generate(), None)),
        2 => {
            let (t, c) = vintage_2();
            Some((t, Some(c)))
        }
        _ => None,
    }
}

/// Union of multipolygons.
fn union<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let polys: Vec<Polygon<f64>> = parts
        .into_iter()
        .flat_map(|m| m.0.iter().cloned())
        .collect();
    unary_union(&polys)
}

/// A name without its article, for composing a commune nouvelle's name.
fn bare(name: &str) -> &str {
    ["Le ", "La ", "Les ", "L'"]
        .iter()
        .find_map(|a| name.strip_prefix(a))
        .unwrap_or(name)
}

fn vintage_2() -> (Territory, CogChanges) {
    let v1 = generate();
    let names1 = v1.dataset.names().clone();
    let commune_name = |code: &str| names1.get(Level::Commune, code).unwrap_or(code).to_string();
    let mut units: Vec<BaseUnit> = v1.dataset.units().to_vec();
    let mut communes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        communes.entry(u.commune.clone()).or_default().push(i);
    }
    let geoms: BTreeMap<String, MultiPolygon<f64>> = v1.geometries[&Level::Commune]
        .iter()
        .map(|f| (f.code.clone(), f.geometry.clone()))
        .collect();
    let iris_geoms: BTreeMap<String, MultiPolygon<f64>> = v1.geometries[&Level::Iris]
        .iter()
        .map(|f| (f.code.clone(), f.geometry.clone()))
        .collect();
    let first = |c: &str| units[communes[c][0]].clone();
    let mut rows: Vec<CogChange> = Vec::new();
    let row = |m: u16, before: CogCommune, after: CogCommune| CogChange {
        mod_code: m,
        date: VINTAGE_2_DATE.to_string(),
        before,
        after,
    };
    let mut recode: BTreeMap<String, String> = BTreeMap::new(); // unit code → new unit code
    let mut commune_of: BTreeMap<String, String> = BTreeMap::new(); // old commune → new
    let mut new_names: BTreeMap<String, String> = BTreeMap::new();
    let mut touched: BTreeSet<String> = BTreeSet::new();

    // 1. Communes nouvelles: neighbouring single-IRIS communes of one EPCI.
    for (d, &size) in MERGE_SIZES.iter().enumerate() {
        let dep = format!("X{}", d + 1);
        let candidates: Vec<&String> = communes
            .iter()
            .filter(|(c, us)| {
                us.len() == 1
                    && units[us[0]].departement == dep
                    && !units[us[0]].epci.is_empty()
                    && !touched.contains(*c)
            })
            .map(|(c, _)| c)
            .collect();
        let group = candidates.iter().find_map(|&c| {
            let epci = &first(c).epci;
            let near: Vec<&String> = candidates
                .iter()
                .copied()
                .filter(|&o| o != c && first(o).epci == *epci && geoms[c].intersects(&geoms[o]))
                .take(size - 1)
                .collect();
            (near.len() == size - 1).then(|| {
                let mut g: Vec<String> = std::iter::once(c).chain(near).cloned().collect();
                g.sort();
                g
            })
        });
        let Some(group) = group else { continue };
        let chef = group[0].clone();
        let name = if size >= 3 {
            format!("Val-de-{}", bare(&commune_name(&chef)))
        } else {
            group
                .iter()
                .map(|c| bare(&commune_name(c)).to_string())
                .collect::<Vec<_>>()
                .join("-")
        };
        for (k, old) in group.iter().enumerate() {
            let unit = &units[communes[old][0]];
            recode.insert(unit.code.clone(), format!("{chef}{:04}", k + 1));
            commune_of.insert(old.clone(), chef.clone());
            let old_name = commune_name(old);
            rows.push(row(
                MOD_NEW_COMMUNE,
                CogCommune::commune(old, &old_name),
                CogCommune::commune(&chef, &name),
            ));
            rows.push(row(
                MOD_NEW_COMMUNE,
                CogCommune::commune(old, &old_name),
                CogCommune::with_type("COMD", old, &old_name),
            ));
            touched.insert(old.clone());
        }
        new_names.insert(chef, name);
    }

    // 2. A change of name in the second département.
    let renamed = communes
        .iter()
        .find(|(c, us)| {
            c.starts_with("X2")
                && us.len() > 1
                && !c.ends_with("001")
                && !commune_name(c).contains(['-', ' '])
        })
        .map(|(c, _)| c.clone());
    if let Some(code) = renamed {
        let old = commune_name(&code);
        let name = format!("{old}-la-Forêt");
        for &i in &communes[&code] {
            units[i].name = units[i].name.replacen(&old, &name, 1);
        }
        rows.push(row(
            MOD_RENAME,
            CogCommune::commune(&code, &old),
            CogCommune::commune(&code, &name),
        ));
        touched.insert(code.clone());
        new_names.insert(code, name);
    }

    // 3. A rétablissement in the third département: the later half of a town's IRIS.
    let mut split: Option<(String, String, MultiPolygon<f64>)> = None;
    let parent = communes
        .iter()
        .find(|(c, us)| c.starts_with("X3") && us.len() >= 4 && !c.ends_with("001"))
        .map(|(c, _)| c.clone());
    if let Some(parent) = parent {
        let last = communes
            .keys()
            .filter(|c| c.starts_with("X3"))
            .filter_map(|c| c[2..].parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        let code = format!("X3{:03}", last + 1);
        let mut namer = NameGen::new(DEMO_SEED ^ 0x2025);
        let taken: BTreeSet<String> = communes.keys().map(|c| commune_name(c)).collect();
        let name = std::iter::repeat_with(|| namer.next_name())
            .find(|n| !taken.contains(n))
            .expect("the name generator has more names than the demo has communes");
        let parent_name = commune_name(&parent);
        let mut moved: Vec<usize> = communes[&parent].clone();
        moved.sort_by(|&a, &b| units[a].code.cmp(&units[b].code));
        let moved = moved.split_off(moved.len() / 2);
        for (k, &i) in moved.iter().enumerate() {
            recode.insert(units[i].code.clone(), format!("{code}{:04}", k + 1));
            units[i].name = units[i].name.replacen(&parent_name, &name, 1);
        }
        for after in [
            CogCommune::commune(&parent, &parent_name),
            CogCommune::commune(&code, &name),
        ] {
            rows.push(row(
                MOD_RESTORE,
                CogCommune::commune(&parent, &parent_name),
                after,
            ));
        }
        let geometry = union(moved.iter().map(|&i| &iris_geoms[&units[i].code]));
        for &i in &moved {
            units[i].commune = code.clone();
        }
        new_names.insert(code.clone(), name);
        split = Some((parent, code, geometry));
    }

    // 4. Recode the units of the communes nouvelles; drift populations and values.
    for u in units.iter_mut() {
        if let Some(c) = commune_of.get(&u.commune) {
            u.name = commune_name(&u.commune);
            u.commune = c.clone();
        }
    }
    let mut iris_features: Vec<Feature> = Vec::with_capacity(units.len());
    for u in units.iter_mut() {
        let geometry = iris_geoms[&u.code].clone();
        if let Some(c) = recode.get(&u.code) {
            u.code = c.clone();
        }
        iris_features.push(Feature {
            code: u.code.clone(),
            geometry,
        });
    }
    let values = drift(&v1.dataset, &mut units);
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| units[a].code.cmp(&units[b].code));
    let units: Vec<BaseUnit> = order.iter().map(|&i| units[i].clone()).collect();
    let values = values.select(ndarray::Axis(0), &order);
    iris_features.sort_by(|a, b| a.code.cmp(&b.code));

    // 5. Names and contours of the communes.
    let mut names = names1.clone();
    for old in commune_of.keys() {
        names.0.entry(Level::Commune).or_default().remove(old);
    }
    for (code, name) in &new_names {
        names.insert(Level::Commune, code.clone(), name.clone());
    }
    let mut commune_geoms: BTreeMap<String, MultiPolygon<f64>> = BTreeMap::new();
    for (code, g) in &geoms {
        let target = commune_of.get(code).unwrap_or(code);
        let merged = match commune_geoms.remove(target) {
            Some(prev) => union([&prev, g]),
            None => g.clone(),
        };
        commune_geoms.insert(target.clone(), merged);
    }
    if let Some((parent, code, geometry)) = &split {
        let rest: Vec<&MultiPolygon<f64>> = iris_features
            .iter()
            .zip(&units)
            .filter(|(_, u)| u.commune == *parent)
            .map(|(f, _)| &f.geometry)
            .collect();
        commune_geoms.insert(parent.clone(), union(rest));
        commune_geoms.insert(code.clone(), geometry.clone());
    }
    let mut geometries = v1.geometries.clone();
    geometries.insert(Level::Iris, iris_features);
    geometries.insert(
        Level::Commune,
        commune_geoms
            .into_iter()
            .map(|(code, geometry)| Feature { code, geometry })
            .collect(),
    );

    // 6. Places follow their commune.
    let mut places = v1.places.clone();
    for p in places.iter_mut() {
        if let Some(c) = commune_of.get(&p.commune) {
            p.commune = c.clone();
        }
        if let Some((parent, code, geometry)) = &split {
            if p.commune == *parent && geometry.contains(&Point::new(p.lon, p.lat)) {
                p.commune = code.clone();
            }
        }
    }

    let dataset = Dataset::new(units, v1.dataset.indicators().to_vec(), values, names)
        .expect("vintage 2 keeps the demo dataset consistent");
    let mut meta = v1.meta.clone();
    meta.name = "Territoire de démonstration (fictif), millésime 2".into();
    meta.description = format!(
        "{} Millésime 2 : le même territoire un COG plus tard (au {VINTAGE_2_DATE} : communes \
         nouvelles, un changement de nom, un rétablissement) avec des valeurs qui ont évolué.",
        meta.description
    );
    meta.sources = vec![SourceInfo {
        name: "Générateur de territoire de démonstration ifn, millésime 2".into(),
        producer: "ifn".into(),
        vintage: "demo-2".into(),
        licence: "CC0".into(),
    }];
    let territory = Territory {
        meta,
        dataset,
        geometries,
        places,
    };
    (territory, CogChanges { rows })
}

/// Vintage 2's values and populations from vintage 1's (see the module documentation).
fn drift(v1: &Dataset, units: &mut [BaseUnit]) -> Array2<f64> {
    let mut rng = SplitMix64::seed_from_u64(DEMO_SEED ^ 0x2_2025);
    let catalogue = Catalogue::builtin();
    let keys = v1.indicators();
    let mut values = v1.values().clone();
    for (r, u) in units.iter_mut().enumerate() {
        u.population = (u.population * rng.range(0.97, 1.04)).round();
        for (c, key) in keys.iter().enumerate() {
            let v = values[[r, c]];
            let drawn = rng.unit();
            if v.is_nan() {
                continue;
            }
            let next = match key.as_str() {
                "no_thd_coverage_rate" => v * (0.45 + 0.40 * drawn),
                "no_4g_coverage_rate" => v * (0.8 + 0.2 * drawn),
                "older_65_rate" => v + 0.3 + 1.3 * drawn,
                // The places did not move: distances to them stay.
                k if k.contains("distance") => v,
                _ => v * (0.94 + 0.12 * drawn),
            };
            let percent = catalogue.indicator(key).is_some_and(|d| d.unit == "%");
            let next = if percent {
                next.clamp(0.0, 100.0)
            } else {
                next.max(0.0)
            };
            // Two decimals, as vintage 1 and the producers publish them.
            values[[r, c]] = (next * 100.0).round() / 100.0;
        }
    }
    values
}
