//! The built-in demo territory: a **fictional**, generated region.
//!
//! An island in the Bay of Biscay (where no real territory lies, so it cannot be mistaken for
//! one) with 3 départements, 10 EPCI, about 300 communes and 700 IRIS, contours that tile it
//! without gaps, plausible correlated indicator values (rural areas less covered and older,
//! poorer quarters in the cities, a mountain zone without 4G, statistical secrecy for small
//! units) and about 300 mediation places. Codes start with `X` so they never collide with
//! INSEE codes. The generation is deterministic: the same territory on every machine.
//!
//! ```
//! let t = ifn_core::demo::generate();
//! assert!(t.meta.fictional);
//! assert!(t.dataset.units().len() > 500);
//! ```

mod grid;
mod names;
mod values;
mod vintage;

pub use vintage::{vintage, LATEST_VINTAGE, VINTAGE_2_DATE};

use std::collections::BTreeMap;

use geo::{unary_union, Centroid, MultiPolygon, Polygon};

use crate::catalogue::Catalogue;
use crate::dataset::{BaseUnit, Dataset, Names};
use crate::level::Level;
use crate::rng::{DemoRng, SeedableRng, SplitMix64};
use crate::territory::{Feature, Place, SourceInfo, Territory, TerritoryMeta};
use grid::Grid;
use names::NameGen;

/// Seed of the demo territory.
pub const DEMO_SEED: u64 = 0x1F_2023;
/// Code of the demo région.
pub const REGION_CODE: &str = "X0";

const NX: usize = 40;
const NY: usize = 30;
const DEPARTEMENTS: [(&str, &str); 3] = [
    ("X1", "Armor-du-Large (fictif)"),
    ("X2", "Landes-Océanes (fictif)"),
    ("X3", "Monts-de-Brume (fictif)"),
];
/// Seeds of the départements, in grid coordinates.
const DEP_SEEDS: [(f64, f64); 3] = [(9.0, 17.0), (29.0, 19.0), (20.0, 5.0)];
const TOWNS_PER_DEP: usize = 17;
const VILLAGES_PER_DEP: usize = 82;
const EPCI_PER_DEP: [usize; 3] = [4, 3, 3];

/// Kind of commune, which drives its size, IRIS split and indicator values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommuneKind {
    City,
    Town,
    Village,
}

impl CommuneKind {
    fn scale(self) -> f64 {
        match self {
            CommuneKind::City => 5.4,
            CommuneKind::Town => 2.5,
            CommuneKind::Village => 1.0,
        }
    }
}

/// A commune of the demo while it is built.
#[derive(Debug, Clone)]
pub(crate) struct DemoCommune {
    pub code: String,
    pub name: String,
    pub kind: CommuneKind,
    pub dep: usize,
    pub seed: (usize, usize),
    pub cells: Vec<(usize, usize)>,
    pub epci: String,
}

/// An IRIS of the demo while it is built.
#[derive(Debug, Clone)]
pub(crate) struct DemoIris {
    pub code: String,
    pub name: String,
    pub commune: usize,
    pub cells: Vec<(usize, usize)>,
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn cell_f(c: (usize, usize)) -> (f64, f64) {
    (c.0 as f64, c.1 as f64)
}

/// Whether cell (i, j) is on the island: a noisy ellipse.
fn on_island(i: usize, j: usize) -> bool {
    let (x, y) = ((i as f64 - 19.5) / 19.0, (j as f64 - 14.5) / 14.2);
    let theta = y.atan2(x);
    let r2 = x * x + y * y;
    r2 <= 0.86 + 0.12 * (3.0 * theta + 1.0).sin() + 0.07 * (7.0 * theta + 2.0).sin()
}

/// Generates the demo territory (deterministic).
pub fn generate() -> Territory {
    let grid = Grid::new(NX, NY, (-9.3, 44.6), (0.1, 0.07), DEMO_SEED);
    let mut rng = SplitMix64::seed_from_u64(DEMO_SEED ^ 0xA5A5);
    let mut namer = NameGen::new(DEMO_SEED);

    // 1. Cells on the island, by département.
    let cells: Vec<(usize, usize)> = (0..NY)
        .flat_map(|j| (0..NX).map(move |i| (i, j)))
        .filter(|&(i, j)| on_island(i, j))
        .collect();
    let dep_of = |c: (usize, usize)| -> usize {
        (0..3)
            .min_by(|&a, &b| {
                dist(cell_f(c), DEP_SEEDS[a]).total_cmp(&dist(cell_f(c), DEP_SEEDS[b]))
            })
            .unwrap_or(0)
    };

    // 2. Commune seeds: one city, towns and villages per département.
    let mut communes: Vec<DemoCommune> = Vec::new();
    for (d, (dep_code, _)) in DEPARTEMENTS.iter().enumerate() {
        let mut dep_cells: Vec<(usize, usize)> =
            cells.iter().copied().filter(|&c| dep_of(c) == d).collect();
        let city = *dep_cells
            .iter()
            .min_by(|a, b| {
                let t = (DEP_SEEDS[d].0, DEP_SEEDS[d].1 + 2.0);
                dist(cell_f(**a), t).total_cmp(&dist(cell_f(**b), t))
            })
            .expect("every département has cells");
        dep_cells.retain(|&c| c != city);
        let mut kinds = vec![(CommuneKind::City, city)];
        for k in 0..TOWNS_PER_DEP + VILLAGES_PER_DEP {
            // Towns keep away from the city, villages go anywhere.
            let kind = if k < TOWNS_PER_DEP {
                CommuneKind::Town
            } else {
                CommuneKind::Village
            };
            let mut pick = dep_cells[rng.below(dep_cells.len())];
            if kind == CommuneKind::Town {
                for _ in 0..20 {
                    if dist(cell_f(pick), cell_f(city)) > 5.0 {
                        break;
                    }
                    pick = dep_cells[rng.below(dep_cells.len())];
                }
            }
            dep_cells.retain(|&c| c != pick);
            kinds.push((kind, pick));
        }
        for (n, (kind, seed)) in kinds.into_iter().enumerate() {
            communes.push(DemoCommune {
                code: format!("{dep_code}{:03}", n + 1),
                name: namer.next_name(),
                kind,
                dep: d,
                seed,
                cells: Vec::new(),
                epci: String::new(),
            });
        }
    }

    // 3. Cells to communes: nearest seed of the same département, weighted by commune size.
    for &c in &cells {
        let d = dep_of(c);
        let best = communes
            .iter()
            .enumerate()
            .filter(|(_, m)| m.dep == d)
            .min_by(|(_, a), (_, b)| {
                let da = dist(cell_f(c), cell_f(a.seed)) / a.kind.scale();
                let db = dist(cell_f(c), cell_f(b.seed)) / b.kind.scale();
                da.total_cmp(&db)
            })
            .map(|(i, _)| i)
            .expect("every département has communes");
        communes[best].cells.push(c);
    }
    communes.retain(|m| !m.cells.is_empty());

    // 4. EPCI: the city and the largest towns of each département gather their neighbours.
    let mut names = Names::default();
    let mut epci_list: Vec<(String, String, usize)> = Vec::new();
    let mut epci_no = 0;
    for (d, &epci_count) in EPCI_PER_DEP.iter().enumerate() {
        let mut heads: Vec<usize> = communes
            .iter()
            .enumerate()
            .filter(|(_, m)| m.dep == d && m.kind != CommuneKind::Village)
            .map(|(i, _)| i)
            .collect();
        heads.sort_by_key(|&i| std::cmp::Reverse(communes[i].cells.len()));
        heads.truncate(epci_count);
        let head_codes: Vec<(usize, String)> = heads
            .iter()
            .map(|&h| {
                epci_no += 1;
                let code = format!("X{epci_no:08}");
                let m = &communes[h];
                let name = match (m.kind, epci_no % 2) {
                    (CommuneKind::City, _) => format!("Communauté d'agglomération de {}", m.name),
                    (_, 0) => format!("Communauté de communes du Pays de {}", m.name),
                    _ => format!("Communauté de communes {} et environs", m.name),
                };
                epci_list.push((code.clone(), name, d));
                (h, code)
            })
            .collect();
        let dep_members: Vec<usize> = (0..communes.len())
            .filter(|&i| communes[i].dep == d)
            .collect();
        for i in dep_members {
            let (_, code) = head_codes
                .iter()
                .min_by(|(a, _), (b, _)| {
                    let s = cell_f(communes[i].seed);
                    dist(s, cell_f(communes[*a].seed))
                        .total_cmp(&dist(s, cell_f(communes[*b].seed)))
                })
                .expect("every département has an EPCI");
            communes[i].epci = code.clone();
        }
    }
    // Two small island communes belong to no EPCI (pseudo-EPCI ZZZZZZZZZ), as in real data.
    let mut loners: Vec<usize> = (0..communes.len())
        .filter(|&i| communes[i].kind == CommuneKind::Village && communes[i].cells.len() == 1)
        .collect();
    loners.sort_by(|&a, &b| communes[b].seed.0.cmp(&communes[a].seed.0));
    for &i in loners.iter().take(2) {
        communes[i].epci.clear();
    }
    for (code, name, _) in &epci_list {
        names.insert(Level::Epci, code.clone(), name.clone());
    }
    for (code, name) in DEPARTEMENTS {
        names.insert(Level::Departement, code, name);
    }
    names.insert(
        Level::Region,
        REGION_CODE,
        "Région de démonstration (fictive)",
    );
    for m in &communes {
        names.insert(Level::Commune, m.code.clone(), m.name.clone());
    }

    // 5. IRIS: cities and towns are split, one IRIS per cell; villages are one unit.
    let mut iris: Vec<DemoIris> = Vec::new();
    for (ci, m) in communes.iter().enumerate() {
        if m.kind == CommuneKind::Village || m.cells.len() == 1 {
            iris.push(DemoIris {
                code: format!("{}0000", m.code),
                name: m.name.clone(),
                commune: ci,
                cells: m.cells.clone(),
            });
        } else {
            for (k, &c) in m.cells.iter().enumerate() {
                iris.push(DemoIris {
                    code: format!("{}{:04}", m.code, k + 1),
                    name: format!("{} {}", m.name, values::quarter_name(k)),
                    commune: ci,
                    cells: vec![c],
                });
            }
        }
    }

    // 6. Contours of every level: unions of cells.
    let union = |cs: &[(usize, usize)]| -> MultiPolygon<f64> {
        let polys: Vec<Polygon<f64>> = cs.iter().map(|&(i, j)| grid.cell(i, j)).collect();
        unary_union(&polys)
    };
    let mut geometries: BTreeMap<Level, Vec<Feature>> = BTreeMap::new();
    let iris_geoms: Vec<MultiPolygon<f64>> = iris.iter().map(|u| union(&u.cells)).collect();
    geometries.insert(
        Level::Iris,
        iris.iter()
            .zip(&iris_geoms)
            .map(|(u, g)| Feature {
                code: u.code.clone(),
                geometry: g.clone(),
            })
            .collect(),
    );
    geometries.insert(
        Level::Commune,
        communes
            .iter()
            .map(|m| Feature {
                code: m.code.clone(),
                geometry: union(&m.cells),
            })
            .collect(),
    );
    let mut epci_codes: Vec<String> = epci_list.iter().map(|e| e.0.clone()).collect();
    if communes.iter().any(|m| m.epci.is_empty()) {
        epci_codes.push(crate::dataset::NO_EPCI_CODE.to_string());
    }
    geometries.insert(
        Level::Epci,
        epci_codes
            .iter()
            .map(|code| {
                let target = if code == crate::dataset::NO_EPCI_CODE {
                    ""
                } else {
                    code.as_str()
                };
                let cs: Vec<(usize, usize)> = communes
                    .iter()
                    .filter(|m| m.epci == target)
                    .flat_map(|m| m.cells.iter().copied())
                    .collect();
                Feature {
                    code: code.clone(),
                    geometry: union(&cs),
                }
            })
            .collect(),
    );
    geometries.insert(
        Level::Departement,
        DEPARTEMENTS
            .iter()
            .enumerate()
            .map(|(d, (code, _))| {
                let cs: Vec<(usize, usize)> = communes
                    .iter()
                    .filter(|m| m.dep == d)
                    .flat_map(|m| m.cells.iter().copied())
                    .collect();
                Feature {
                    code: code.to_string(),
                    geometry: union(&cs),
                }
            })
            .collect(),
    );
    geometries.insert(
        Level::Region,
        vec![Feature {
            code: REGION_CODE.to_string(),
            geometry: union(&cells),
        }],
    );

    // 7. Mediation places, then indicator values (distances need the places).
    let places: Vec<Place> = values::places(&grid, &communes, &mut rng);
    let centres: Vec<(f64, f64)> = iris_geoms
        .iter()
        .map(|g| g.centroid().map(|p| (p.x(), p.y())).unwrap_or((0.0, 0.0)))
        .collect();
    let catalogue = Catalogue::builtin();
    let (keys, matrix, populations) =
        values::indicator_values(&communes, &iris, &centres, &places, catalogue, &mut rng);

    let units: Vec<BaseUnit> = iris
        .iter()
        .zip(populations)
        .map(|(u, population)| {
            let m = &communes[u.commune];
            BaseUnit {
                code: u.code.clone(),
                name: u.name.clone(),
                commune: m.code.clone(),
                epci: m.epci.clone(),
                departement: DEPARTEMENTS[m.dep].0.to_string(),
                region: REGION_CODE.to_string(),
                population,
            }
        })
        .collect();
    let dataset = Dataset::new(units, keys, matrix, names)
        .expect("the demo generator builds a consistent dataset");
    Territory {
        meta: TerritoryMeta {
            name: "Territoire de démonstration (fictif)".into(),
            description: "Région fictive générée par ifn (île imaginaire du golfe de Gascogne) : \
                          contours, populations, indicateurs et lieux de médiation sont inventés. \
                          Ne pas utiliser pour un diagnostic réel."
                .into(),
            fictional: true,
            licence: "Données fictives générées par ifn, libres de droits".into(),
            sources: vec![SourceInfo {
                name: "Générateur de territoire de démonstration ifn".into(),
                producer: "ifn".into(),
                vintage: "demo".into(),
                licence: "CC0".into(),
            }],
            bbox: grid.bbox(),
        },
        dataset,
        geometries,
        places,
    }
}

#[cfg(test)]
mod tests;
