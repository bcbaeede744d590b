//! Populations, indicator values and mediation places of the demo territory.

use ndarray::Array2;

use super::grid::Grid;
use super::{dist, CommuneKind, DemoCommune, DemoIris};
use crate::catalogue::Catalogue;
use crate::geodesy::distance_km_haversine;
use crate::rng::{DemoRng, SplitMix64};
use crate::territory::{Place, PlaceKind};

const QUARTERS: [&str; 12] = [
    "Centre",
    "Gare",
    "Port",
    "Les Halles",
    "Saint-Jean",
    "Les Tilleuls",
    "Le Moulin",
    "Les Près",
    "La Croix",
    "Beauséjour",
    "Les Hauts",
    "Bellevue",
];

/// Name of the k-th IRIS of a split commune.
pub(crate) fn quarter_name(k: usize) -> String {
    if k < QUARTERS.len() {
        QUARTERS[k].to_string()
    } else {
        format!(
            "{} {}",
            QUARTERS[k % QUARTERS.len()],
            k / QUARTERS.len() + 1
        )
    }
}

const SERVICES: [&str; 9] = [
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
];
const PUBLICS: [&str; 5] = [
    "Jeunes",
    "Étudiants",
    "Familles et/ou enfants",
    "Seniors",
    "Femmes",
];
const STREETS: [&str; 8] = [
    "rue de la Mairie",
    "place de l'Église",
    "avenue de la Gare",
    "rue du Port",
    "rue des Écoles",
    "grande rue",
    "allée des Tilleuls",
    "rue Victor-Hugo",
];

fn pick_some(rng: &mut SplitMix64, from: &[&str], p: f64) -> Vec<String> {
    let mut out: Vec<String> = from
        .iter()
        .filter(|_| rng.unit() < p)
        .map(|s| s.to_string())
        .collect();
    if out.is_empty() {
        out.push(from[rng.below(from.len())].to_string());
    }
    out
}

/// Mediation places: France Services in EPCI seats and cities, conseillers numériques, Aidants
/// Connect, libraries and other places, more where people live.
pub(crate) fn places(grid: &Grid, communes: &[DemoCommune], rng: &mut SplitMix64) -> Vec<Place> {
    let mut out = Vec::new();
    let mut seats: Vec<&str> = communes
        .iter()
        .filter(|m| m.kind != CommuneKind::Village)
        .map(|m| m.epci.as_str())
        .collect();
    seats.dedup();
    let mut fs_done = std::collections::HashSet::new();
    for m in communes {
        let (n_fs, p_cn, n_cn, n_lib, p_lib, n_other, p_other) = match m.kind {
            CommuneKind::City => (2, 1.0, 7, 4, 1.0, 8, 1.0),
            CommuneKind::Town => {
                let fs = usize::from(!m.epci.is_empty() && fs_done.insert(m.epci.clone()));
                (fs, 0.8, 2, 1, 0.9, 1, 0.6)
            }
            CommuneKind::Village => (usize::from(rng.unit() < 0.012), 0.1, 1, 1, 0.33, 1, 0.04),
        };
        let mut add = |kinds: Vec<PlaceKind>, label: &str, rng: &mut SplitMix64| {
            let &(i, j) = &m.cells[rng.below(m.cells.len())];
            let (lon, lat) = grid.point_in(i, j, rng.range(-1.0, 1.0), rng.range(-1.0, 1.0));
            let n = out.len() + 1;
            out.push(Place {
                id: format!("demo-{n:04}"),
                name: format!("{label} {}", m.name),
                lon,
                lat,
                commune: m.code.clone(),
                address: format!(
                    "{} {}, {} {}",
                    1 + rng.below(60),
                    STREETS[rng.below(STREETS.len())],
                    m.code,
                    m.name
                ),
                services: pick_some(rng, &SERVICES, 0.45),
                publics: pick_some(rng, &PUBLICS, 0.3),
                kinds,
                source: "démo ifn (fictif)".into(),
            });
        };
        for _ in 0..n_fs {
            let mut k = vec![PlaceKind::FranceServices];
            if rng.unit() < 0.6 {
                k.push(PlaceKind::AidantsConnect);
            }
            if rng.unit() < 0.5 {
                k.push(PlaceKind::ConseillerNumerique);
            }
            add(k, "France Services", rng);
        }
        if rng.unit() < p_cn {
            for _ in 0..n_cn {
                let mut k = vec![PlaceKind::ConseillerNumerique];
                if rng.unit() < 0.3 {
                    k.push(PlaceKind::AidantsConnect);
                }
                add(k, "Espace numérique", rng);
            }
        }
        if rng.unit() < p_lib {
            for _ in 0..n_lib {
                let mut k = vec![PlaceKind::Bibliotheque];
                if rng.unit() < 0.15 {
                    k.push(PlaceKind::ConseillerNumerique);
                }
                add(k, "Médiathèque", rng);
            }
        }
        if rng.unit() < p_other {
            for _ in 0..n_other {
                let mut k = vec![PlaceKind::Autre];
                if rng.unit() < 0.2 {
                    k.push(PlaceKind::AidantsConnect);
                }
                let label = [
                    "Association numérique",
                    "Maison des jeunes et de la culture",
                    "Mission locale",
                    "Centre social",
                ][rng.below(4)];
                add(k, label, rng);
            }
        }
    }
    out
}

fn nearest_km(p: (f64, f64), places: &[Place], keep: impl Fn(&Place) -> bool) -> f64 {
    places
        .iter()
        .filter(|pl| keep(pl))
        .map(|pl| distance_km_haversine(p, (pl.lon, pl.lat)))
        .fold(f64::NAN, f64::min)
}

fn clamp_pct(v: f64) -> f64 {
    v.clamp(0.0, 100.0)
}

/// Indicator keys, the units × indicators matrix and the population of each IRIS.
pub(crate) fn indicator_values(
    communes: &[DemoCommune],
    iris: &[DemoIris],
    centres: &[(f64, f64)],
    places: &[Place],
    catalogue: &Catalogue,
    rng: &mut SplitMix64,
) -> (Vec<String>, Array2<f64>, Vec<f64>) {
    let keys: Vec<String> = catalogue.indicators.iter().map(|d| d.key.clone()).collect();
    let cities: Vec<(f64, f64)> = communes
        .iter()
        .filter(|m| m.kind == CommuneKind::City)
        .map(|m| (m.seed.0 as f64, m.seed.1 as f64))
        .collect();
    let towns: Vec<(f64, f64)> = communes
        .iter()
        .filter(|m| m.kind == CommuneKind::Town)
        .map(|m| (m.seed.0 as f64, m.seed.1 as f64))
        .collect();
    let mountain = (24.0, 3.0);
    let mut matrix = Array2::from_elem((iris.len(), keys.len()), f64::NAN);
    let mut population = Vec::with_capacity(iris.len());
    let mut activity_left = 3;
    for (u, unit) in iris.iter().enumerate() {
        let m = &communes[unit.commune];
        let n = unit.cells.len() as f64;
        let c = unit.cells.iter().fold((0.0, 0.0), |a, &(i, j)| {
            (a.0 + i as f64 / n, a.1 + j as f64 / n)
        });
        let d_city = cities.iter().map(|&s| dist(c, s)).fold(f64::MAX, f64::min);
        let d_town = towns.iter().map(|&s| dist(c, s)).fold(f64::MAX, f64::min);
        let rural = (d_city / 12.0).min(d_town / 6.0).clamp(0.0, 1.0);
        let mount = (1.0 - dist(c, mountain) / 9.0).clamp(0.0, 1.0);
        let wave = 0.5 + 0.25 * (c.0 * 0.45).sin() * (c.1 * 0.38 + 1.0).cos();
        let depriv = (wave
            + 0.18 * rng.normal()
            + if m.kind == CommuneKind::City && rng.unit() < 0.3 {
                0.35
            } else {
                0.0
            })
        .clamp(0.0, 1.0);
        let mut pop = match m.kind {
            CommuneKind::City => rng.range(1800.0, 3400.0),
            CommuneKind::Town => rng.range(900.0, 2300.0),
            CommuneKind::Village => rng.range(70.0, 900.0) * n.sqrt() * (1.2 - 0.6 * rural),
        }
        .round();
        // A few activity IRIS in the cities: almost nobody lives there.
        let activity = m.kind == CommuneKind::City && unit.code.ends_with('3') && activity_left > 0;
        if activity {
            activity_left -= 1;
            pop = 0.0;
        }
        population.push(pop);
        let noise = |rng: &mut SplitMix64, sd: f64| sd * rng.normal();
        let mut v = std::collections::HashMap::new();
        let no_thd =
            clamp_pct(100.0 * rural.powf(1.3) * rng.range(0.3, 1.25) - 8.0 + noise(rng, 3.0));
        let no_4g = if mount > 0.15 || (rural > 0.85 && rng.unit() < 0.35) {
            clamp_pct(5.0 + 70.0 * mount * rng.range(0.4, 1.2) + noise(rng, 4.0))
        } else {
            0.0
        };
        let poverty = clamp_pct(8.0 + 16.0 * depriv + noise(rng, 2.5));
        let older65 = clamp_pct(13.0 + 16.0 * rural + noise(rng, 3.5));
        let nscol = clamp_pct(17.0 + 14.0 * depriv + 9.0 * rural + noise(rng, 3.0));
        v.insert("no_thd_coverage_rate", no_thd);
        v.insert("no_4g_coverage_rate", no_4g);
        v.insert("poverty_rate", poverty);
        v.insert("older_65_rate", older65);
        v.insert("nscol15p_rate", nscol);
        v.insert(
            "poverty_rate_50_plus",
            clamp_pct(poverty * 0.8 + noise(rng, 1.5)),
        );
        v.insert("older_75_rate", clamp_pct(older65 * 0.48 + noise(rng, 1.2)));
        v.insert(
            "nscol15p_rate_50_plus",
            clamp_pct(nscol * 1.35 + noise(rng, 2.0)),
        );
        v.insert(
            "poverty_rate_30_minus",
            clamp_pct(poverty * 1.45 + noise(rng, 3.0)),
        );
        v.insert(
            "neet_16_25_year_rate",
            clamp_pct(7.0 + 11.0 * depriv + 4.0 * rural + noise(rng, 2.0)),
        );
        v.insert(
            "nscol15p_rate_15_25_year",
            clamp_pct(nscol * 0.55 + 6.0 * depriv + noise(rng, 2.0)),
        );
        let lib = nearest_km(centres[u], places, |p| {
            p.kinds.contains(&PlaceKind::Bibliotheque)
        });
        let fs = nearest_km(centres[u], places, |p| {
            p.kinds.contains(&PlaceKind::FranceServices)
        });
        let mjc = nearest_km(centres[u], places, |p| {
            p.name.starts_with("Maison des jeunes")
        });
        let ml = nearest_km(centres[u], places, |p| p.name.starts_with("Mission locale"));
        v.insert("library_distance", lib);
        v.insert("public_service_distance", fs);
        v.insert("library_distance_and_mjc", lib.min(mjc));
        v.insert("public_service_distance_and_ml", fs.min(ml));
        let menseul = clamp_pct(28.0 + 16.0 * (1.0 - rural) + noise(rng, 4.0));
        v.insert("menseul_rate", menseul);
        v.insert(
            "menseul_rate_50_plus",
            clamp_pct(menseul * 0.55 + 8.0 * rural + noise(rng, 2.0)),
        );
        let fammono = clamp_pct(10.0 + 12.0 * depriv + 4.0 * (1.0 - rural) + noise(rng, 2.0));
        v.insert("fammono_rate", fammono);
        v.insert(
            "fammono_rate_25_minus",
            clamp_pct(fammono * 1.1 + noise(rng, 1.5)),
        );
        let urban = m.kind == CommuneKind::City;
        v.insert(
            "obstacle_to_mobility_rate",
            clamp_pct(
                if urban {
                    22.0 + 22.0 * depriv
                } else {
                    6.0 + 6.0 * depriv
                } + noise(rng, 2.5),
            ),
        );
        let unemp = clamp_pct(6.0 + 10.0 * depriv + noise(rng, 1.5));
        v.insert("unemployement_rate", unemp);
        v.insert(
            "unemployement_rate_50_plus",
            clamp_pct(unemp * 0.8 + noise(rng, 1.0)),
        );
        v.insert(
            "unemployement_rate_25_minus",
            clamp_pct(unemp * 1.9 + noise(rng, 2.5)),
        );
        let foreign = clamp_pct(
            if urban {
                4.0 + 11.0 * depriv
            } else {
                1.0 + 2.5 * depriv
            } + noise(rng, 1.0),
        );
        v.insert("foreigners_rate", foreign);
        v.insert(
            "foreigners_rate_55_plus",
            clamp_pct(foreign * 0.7 + noise(rng, 0.5)),
        );
        v.insert(
            "foreigners_rate_25_minus",
            clamp_pct(foreign * 1.1 + noise(rng, 0.8)),
        );
        v.insert(
            "social_assistance_rate",
            clamp_pct(2.5 + 8.0 * depriv + noise(rng, 1.0)),
        );
        v.insert(
            "aah_rate",
            clamp_pct(1.8 + 2.0 * depriv + 1.2 * rural + noise(rng, 0.4)),
        );
        // Statistical secrecy: INSEE does not publish income data for small units, nor
        // census rates where almost nobody lives.
        let secret_income = pop < 250.0;
        for (j, key) in keys.iter().enumerate() {
            let Some(&x) = v.get(key.as_str()) else {
                continue;
            };
            let from_census = !key.contains("coverage") && !key.contains("distance");
            let missing = (secret_income && key.starts_with("poverty_rate"))
                || (activity && from_census)
                || (from_census && pop < 120.0 && rng.unit() < 0.3);
            if !missing {
                matrix[(u, j)] = (x * 100.0).round() / 100.0;
            }
        }
    }
    (keys, matrix, population)
}
