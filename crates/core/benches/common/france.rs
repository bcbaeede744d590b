//! A France-sized synthetic dataset shared by the benches: 50,000 base units in 35,000
//! communes, 1,250 EPCI, 100 départements, 13 régions; the first communes are split into
//! several IRIS, like the cities; the indicators of the `tout-age` profile, random values
//! with 5 % missing. Deterministic (SplitMix64).

use ifn_core::rng::SplitMix64;
use ifn_core::{BaseUnit, Catalogue, Dataset, Names};
use ndarray::Array2;

pub const UNITS: usize = 50_000;
pub const COMMUNES: usize = 35_000;
pub const EPCI: usize = 1_250;
pub const DEPARTEMENTS: usize = 100;

pub fn france_like() -> Dataset {
    let mut rng = SplitMix64::new(2023);
    let catalogue = Catalogue::builtin();
    let profile = catalogue.profile("tout-age").expect("built-in profile");
    let keys: Vec<String> = profile.all().map(str::to_string).collect();
    let mut units = Vec::with_capacity(UNITS);
    for i in 0..UNITS {
        // Units beyond COMMUNES are extra IRIS of the first (largest) communes.
        let c = if i < COMMUNES {
            i
        } else {
            (i - COMMUNES) % 2_000
        };
        let dep = c % DEPARTEMENTS;
        units.push(BaseUnit {
            code: format!("{i:09}"),
            name: format!("IRIS {i}"),
            commune: format!("{c:05}"),
            epci: format!("{:09}", 200_000_000 + c % EPCI),
            departement: format!("{dep:02}"),
            region: format!("{}", dep % 13),
            population: (rng.range(50.0, 5_000.0)).round(),
        });
    }
    let values = Array2::from_shape_fn((UNITS, keys.len()), |_| {
        if rng.unit() < 0.05 {
            f64::NAN
        } else {
            (rng.unit() * 1000.0).round() / 10.0
        }
    });
    Dataset::new(units, keys, values, Names::default()).expect("consistent synthetic dataset")
}
