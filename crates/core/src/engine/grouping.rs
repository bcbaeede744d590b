//! The territories of one level above the base units, and which unit belongs to which.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::dataset::Dataset;
use crate::level::Level;

/// The territories of one level above the base units and which unit belongs to which.
#[derive(Debug, Clone)]
pub(super) struct Grouping {
    /// Territory codes, sorted.
    pub(super) codes: Arc<[String]>,
    /// Display names, in the order of `codes`.
    pub(super) names: Arc<[String]>,
    /// Index in `codes` of each base unit.
    pub(super) of_unit: Vec<u32>,
    /// Population of each territory (sum of its units).
    pub(super) population: Arc<[f64]>,
    /// Index of each code.
    pub(super) index: HashMap<String, u32>,
}

impl Grouping {
    /// Groups the units of `dataset` by their code at `level`.
    pub(super) fn new(dataset: &Dataset, level: Level) -> Grouping {
        let mut map: BTreeMap<&str, u32> = BTreeMap::new();
        for u in dataset.units() {
            map.insert(u.code_at(level), 0);
        }
        let codes: Vec<String> = map.keys().map(|s| s.to_string()).collect();
        for (i, v) in map.values_mut().enumerate() {
            *v = i as u32;
        }
        let of_unit: Vec<u32> = dataset
            .units()
            .iter()
            .map(|u| map[u.code_at(level)])
            .collect();
        let mut population = vec![0.0; codes.len()];
        for (u, &g) in dataset.units().iter().zip(&of_unit) {
            population[g as usize] += u.population;
        }
        let index = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect();
        let names = codes.iter().map(|c| dataset.name_of(level, c)).collect();
        Grouping {
            codes: codes.into(),
            names,
            of_unit,
            population: population.into(),
            index,
        }
    }
}
