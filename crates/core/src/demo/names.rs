//! Fictional French-sounding place names for the demo territory.

use crate::rng::{DemoRng, SeedableRng, SplitMix64};

const ROOTS: [&str; 32] = [
    "Brev", "Cal", "Dor", "Fen", "Gar", "Kerl", "Lav", "Mor", "Pen", "Quin", "Ros", "Sav", "Trév",
    "Val", "Vern", "Aub", "Bel", "Char", "Mont", "Plou", "Lan", "Ker", "Bour", "Cor", "Ess", "Lom",
    "Mar", "Nev", "Orv", "Riv", "Sol", "Vil",
];
const ENDINGS: [&str; 16] = [
    "ac", "ec", "ignac", "eux", "ille", "on", "ville", "ouët", "en", "ières", "oz", "as", "ay",
    "euil", "ange", "erne",
];
const PREFIXES: [&str; 6] = ["", "", "", "Saint-", "Le ", "La "];
const QUALIFIERS: [&str; 8] = [
    "",
    "",
    "",
    "",
    "-sur-Mer",
    "-les-Bois",
    "-en-Lande",
    "-la-Rivière",
];

/// Generates unique names.
#[derive(Debug)]
pub struct NameGen {
    rng: SplitMix64,
    used: std::collections::HashSet<String>,
}

impl NameGen {
    /// A generator with its own seed.
    pub fn new(seed: u64) -> Self {
        NameGen {
            rng: SplitMix64::seed_from_u64(seed),
            used: Default::default(),
        }
    }

    /// A new unique name.
    pub fn next_name(&mut self) -> String {
        loop {
            let p = PREFIXES[self.rng.below(PREFIXES.len())];
            let r = ROOTS[self.rng.below(ROOTS.len())];
            let e = ENDINGS[self.rng.below(ENDINGS.len())];
            let q = QUALIFIERS[self.rng.below(QUALIFIERS.len())];
            let name = format!("{p}{r}{e}{q}");
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}
