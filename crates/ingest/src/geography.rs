//! The hierarchy of territories (IRIS → commune → EPCI → département → région), the COG
//! changes between vintages, and contours per level.
//!
//! Base units are IRIS where IRIS contours are given (the commune is then split into its IRIS)
//! and whole communes elsewhere (code = commune + `0000`). Paris, Lyon and Marseille are their
//! municipal arrondissements. Codes of other vintages are resolved to the current commune:
//! a former commune merged since, a delegated or associated commune → the commune it belongs
//! to; the code of Paris, Lyon or Marseille as a whole → its arrondissements.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{BooleanOps, Centroid, MultiPolygon};
use ifn_core::{BaseUnit, Level, Names};
use serde::Serialize;

use crate::admin::{CommuneRecord, EpciRecord, NamedRecord};

/// What a code of another vintage or level stands for in the current geography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A current base commune (or arrondissement).
    Current(String),
    /// A former, delegated or associated commune, now part of this base commune.
    Merged(String),
    /// Paris, Lyon or Marseille as a whole: these arrondissements.
    Parent(Vec<String>),
    /// A commune outside the territory built (collectivités d'outre-mer).
    Excluded,
}

/// A COG change met in a source, for the build report.
#[derive(Debug, Clone, Serialize)]
pub struct CogChange {
    /// `merged` (former / delegated / associated commune) or `split` (PLM city → arrondissements).
    pub kind: String,
    /// The current base communes.
    pub into: Vec<String>,
    /// Datasets where the code was met.
    pub datasets: BTreeSet<String>,
}

/// Resolves codes of any vintage to the current base communes.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    map: HashMap<String, Target>,
}

impl Resolver {
    /// What a commune code stands for, if known.
    pub fn resolve(&self, code: &str) -> Option<&Target> {
        self.map.get(code)
    }
}

/// One IRIS contour as read from an IRIS file.
#[derive(Debug, Clone)]
pub struct IrisFeature {
    /// IRIS code (9 characters).
    pub code: String,
    /// IRIS name.
    pub name: String,
    /// Commune code as written in the file.
    pub commune: String,
    /// `H`, `A`, `D` or `Z`.
    pub kind: String,
    /// Contour (WGS84).
    pub geometry: MultiPolygon<f64>,
}

/// The built hierarchy.
#[derive(Debug, Clone)]
pub struct Geography {
    /// Base units, sorted by code.
    pub units: Vec<BaseUnit>,
    /// Names of communes, EPCI, départements, régions.
    pub names: Names,
    /// Code resolver.
    pub resolver: Resolver,
    /// Base commune → indices of its units.
    pub commune_units: HashMap<String, Vec<usize>>,
    /// Base communes split into IRIS.
    pub split_communes: BTreeSet<String>,
    /// IRIS contours kept (code → geometry).
    pub iris_geometry: BTreeMap<String, MultiPolygon<f64>>,
    /// IRIS features whose commune is unknown (code, commune).
    pub unmatched_iris: Vec<(String, String)>,
    /// Communes without a population (code).
    pub missing_population: Vec<String>,
}

/// Inputs of [`Geography::build`].
pub struct GeographyInputs<'a> {
    /// `communes.json`.
    pub communes: &'a [CommuneRecord],
    /// `epci.json`.
    pub epci: &'a [EpciRecord],
    /// `departements.json`.
    pub departements: &'a [NamedRecord],
    /// `regions.json`.
    pub regions: &'a [NamedRecord],
    /// Zones kept (`metro`, `drom`).
    pub zones: &'a [String],
    /// Populations of an older vintage, used where the COG file has none.
    pub old_populations: &'a HashMap<String, f64>,
    /// IRIS contours.
    pub iris: Vec<IrisFeature>,
}

impl Geography {
    /// Builds the hierarchy.
    pub fn build(inp: GeographyInputs<'_>) -> Geography {
        let zone_ok = |r: &CommuneRecord| {
            r.zone
                .as_deref()
                .map(|z| inp.zones.iter().any(|k| k == z))
                .unwrap_or(true)
        };
        let mut names = Names::default();
        let mut base: BTreeMap<String, &CommuneRecord> = BTreeMap::new();
        let mut map: HashMap<String, Target> = HashMap::new();
        let mut plm: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in inp.communes {
            if r.kind == "arrondissement-municipal" {
                if let Some(p) = &r.commune {
                    plm.entry(p.clone()).or_default().push(r.code.clone());
                }
            }
        }
        for r in inp.communes {
            match r.kind.as_str() {
                "commune-actuelle" if !zone_ok(r) => {
                    map.insert(r.code.clone(), Target::Excluded);
                }
                "commune-actuelle" if plm.contains_key(&r.code) => {}
                "commune-actuelle" | "arrondissement-municipal" => {
                    base.insert(r.code.clone(), r);
                }
                _ => {}
            }
        }
        for (city, arrs) in &plm {
            map.insert(city.clone(), Target::Parent(arrs.clone()));
        }
        for code in base.keys() {
            map.insert(code.clone(), Target::Current(code.clone()));
        }
        for r in inp.communes {
            let into = match r.kind.as_str() {
                "commune-actuelle" => Some(&r.code),
                "commune-deleguee" | "commune-associee" => r.chef_lieu.as_ref(),
                _ => None,
            };
            let Some(into) = into else { continue };
            let target = match map.get(into) {
                Some(Target::Current(c)) => Target::Merged(c.clone()),
                Some(Target::Excluded) => Target::Excluded,
                _ => continue,
            };
            let olds = r
                .anciens_codes
                .iter()
                .chain((r.kind != "commune-actuelle").then_some(&r.code));
            for old in olds {
                map.entry(old.clone()).or_insert_with(|| target.clone());
            }
        }
        for (code, r) in &base {
            names.insert(Level::Commune, code.clone(), r.nom.clone());
        }
        let mut epci_of: HashMap<&str, &str> = HashMap::new();
        for e in inp.epci {
            names.insert(Level::Epci, e.code.clone(), e.nom.clone());
            for m in &e.membres {
                epci_of.insert(m.code.as_str(), e.code.as_str());
            }
        }
        for d in inp.departements {
            names.insert(Level::Departement, d.code.clone(), d.nom.clone());
        }
        for r in inp.regions {
            names.insert(Level::Region, r.code.clone(), r.nom.clone());
        }
        // IRIS grouped by the current commune they belong to.
        let mut by_commune: BTreeMap<String, Vec<IrisFeature>> = BTreeMap::new();
        let mut unmatched_iris = Vec::new();
        for f in inp.iris {
            match map.get(&f.commune) {
                Some(Target::Current(c)) | Some(Target::Merged(c)) => {
                    by_commune.entry(c.clone()).or_default().push(f)
                }
                _ => unmatched_iris.push((f.code, f.commune)),
            }
        }
        let mut units = Vec::new();
        let mut missing_population = Vec::new();
        let mut iris_geometry = BTreeMap::new();
        for (code, r) in &base {
            let parent_code = r.commune.as_deref().unwrap_or(code);
            let epci = epci_of
                .get(code.as_str())
                .or_else(|| epci_of.get(parent_code))
                .map(|s| s.to_string())
                .unwrap_or_default();
            let population = match r.population {
                Some(p) => p,
                None => {
                    missing_population.push(code.clone());
                    inp.old_populations.get(code).copied().unwrap_or(0.0)
                }
            };
            let dep = r.departement.clone().unwrap_or_default();
            let reg = r.region.clone().unwrap_or_default();
            let unit = |ucode: String, name: String, population: f64| BaseUnit {
                code: ucode,
                name,
                commune: code.clone(),
                epci: epci.clone(),
                departement: dep.clone(),
                region: reg.clone(),
                population,
            };
            match by_commune.remove(code) {
                Some(iris) => {
                    // No IRIS population is published here: the commune's population is shared
                    // equally among its residential IRIS (types H and Z); activity (A) and
                    // miscellaneous (D) IRIS get 0, unless the commune has no residential IRIS.
                    let residential = iris
                        .iter()
                        .filter(|f| f.kind == "H" || f.kind == "Z")
                        .count();
                    let all = iris.len() as f64;
                    for f in iris {
                        let share = if residential == 0 {
                            population / all
                        } else if f.kind == "H" || f.kind == "Z" {
                            population / residential as f64
                        } else {
                            0.0
                        };
                        units.push(unit(f.code.clone(), f.name.clone(), share));
                        iris_geometry.insert(f.code, f.geometry);
                    }
                }
                None => units.push(unit(format!("{code}0000"), r.nom.clone(), population)),
            }
        }
        units.sort_by(|a, b| a.code.cmp(&b.code));
        units.dedup_by(|a, b| a.code == b.code);
        let mut commune_units: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            commune_units.entry(u.commune.clone()).or_default().push(i);
        }
        let split_communes = units
            .iter()
            .filter(|u| !u.code.ends_with("0000") || iris_geometry.contains_key(&u.code))
            .map(|u| u.commune.clone())
            .collect();
        Geography {
            units,
            names,
            resolver: Resolver { map },
            commune_units,
            split_communes,
            iris_geometry,
            unmatched_iris,
            missing_population,
        }
    }
}

/// Union of polygons; falls back to keeping the parts side by side if the union fails.
pub fn dissolve(parts: Vec<MultiPolygon<f64>>) -> MultiPolygon<f64> {
    if parts.len() == 1 {
        return parts
            .into_iter()
            .next()
            .unwrap_or_else(|| MultiPolygon(vec![]));
    }
    let polys: Vec<geo::Polygon<f64>> = parts.iter().flat_map(|m| m.0.iter().cloned()).collect();
    let joined = std::panic::catch_unwind(|| {
        let mut acc = MultiPolygon(vec![]);
        for m in &parts {
            acc = acc.union(m);
        }
        acc
    });
    match joined {
        Ok(m) if !m.0.is_empty() => m,
        _ => MultiPolygon(polys),
    }
}

/// A representative point (lon, lat) of a contour: its centroid.
pub fn centre(g: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    g.centroid().map(|p| (p.x(), p.y()))
}

/// The point (lon, lat) on the unit sphere, in 3-D: there the nearest point by chord is the
/// nearest by great circle, so an R-tree of these answers nearest-point and within-distance
/// queries on the Earth without a projection.
pub fn unit_vector(lon: f64, lat: f64) -> [f64; 3] {
    let (lo, la) = (lon.to_radians(), lat.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// The chord on the unit sphere of a great-circle distance of `metres` on the Earth (mean
/// radius), for within-distance queries on [`unit_vector`]s.
pub fn chord_of_metres(metres: f64) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    2.0 * (metres / EARTH_RADIUS_M / 2.0).sin()
}
