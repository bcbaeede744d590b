//! The territories a diagnostic is compared with: its enclosing territories of the levels a
//! reader compares with (a commune with its EPCI and département, a département with its
//! région), then France. Never the territory itself.

use std::collections::BTreeMap;

use ifn_core::{Engine, Level};

/// A territory the diagnostic is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Level of the territory; `None` for the whole store (France).
    pub level: Option<Level>,
    /// Code (`FR` for the whole store).
    pub code: String,
    /// Name (the France label for the whole store).
    pub name: String,
}

impl Reference {
    /// Suffix of the `data-figure` names of this reference's cells (`epci`, `departement`,
    /// `region`, `france`…).
    ///
    /// ```
    /// use ifn_core::Level;
    /// use ifn_diagnostic::Reference;
    /// let r = Reference { level: Some(Level::Epci), code: "X00000001".into(), name: "CC".into() };
    /// assert_eq!(r.figure_suffix(), "epci");
    /// assert_eq!(Reference { level: None, code: "FR".into(), name: "France".into() }.figure_suffix(), "france");
    /// ```
    pub fn figure_suffix(&self) -> &'static str {
        self.level.map_or("france", Level::as_str)
    }

    /// Short French name of the column (`EPCI`, `dép.`, `rég.`, or the France label).
    pub(crate) fn short_label(&self) -> &str {
        match self.level {
            Some(Level::Iris) => "IRIS",
            Some(Level::Commune) => "commune",
            Some(Level::Epci) => "EPCI",
            Some(Level::Departement) => "dép.",
            Some(Level::Region) => "rég.",
            None => &self.name,
        }
    }
}

/// A value for the territory and for each of its references (the diagnostic's
/// [`references`](crate::DiagnosticInput::references), in their order, France last).
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The territory.
    pub territory: f64,
    /// One value per reference, NaN when unknown.
    pub references: Vec<f64>,
}

impl Compared {
    /// The value of the reference at `level` (`None` = France) when the diagnostic is
    /// compared with one.
    ///
    /// ```
    /// use ifn_core::Level;
    /// use ifn_diagnostic::{Compared, Reference};
    /// let refs = [
    ///     Reference { level: Some(Level::Departement), code: "16".into(), name: "Charente".into() },
    ///     Reference { level: None, code: "FR".into(), name: "France".into() },
    /// ];
    /// let c = Compared { territory: 1.0, references: vec![2.0, 3.0] };
    /// assert_eq!(c.at(&refs, Some(Level::Departement)), Some(2.0));
    /// assert_eq!(c.at(&refs, None), Some(3.0));
    /// assert_eq!(c.at(&refs, Some(Level::Epci)), None);
    /// ```
    pub fn at(&self, references: &[Reference], level: Option<Level>) -> Option<f64> {
        let k = references.iter().position(|r| r.level == level)?;
        self.references.get(k).copied()
    }
}

/// The levels a territory of `level` is compared with, finest first (France comes after).
fn reference_levels(level: Level) -> &'static [Level] {
    match level {
        Level::Iris => &[Level::Commune, Level::Departement],
        Level::Commune => &[Level::Epci, Level::Departement],
        Level::Epci => &[Level::Departement],
        Level::Departement => &[Level::Region],
        Level::Region => &[],
    }
}

/// The enclosing territories a territory made of the base units `members` is compared with:
/// at each level of [`reference_levels`] the store has, the one holding most of its
/// population (an EPCI may straddle two départements). A territory with exactly the same
/// units (a département that is its own région, overseas) is left out: the page never
/// compares a territory with itself. So is one covering the whole store (the demo's single
/// région): the France column already shows it.
pub(crate) fn enclosing(engine: &Engine, level: Level, members: &[usize]) -> Vec<Reference> {
    let units = engine.dataset().units();
    let mut out = Vec::new();
    for &l in reference_levels(level) {
        if !engine.has_level(l) {
            continue;
        }
        let mut pop: BTreeMap<&str, f64> = BTreeMap::new();
        for &i in members {
            *pop.entry(units[i].code_at(l)).or_default() += units[i].population;
        }
        let Some((code, _)) = pop
            .into_iter()
            .filter(|(c, _)| !c.is_empty())
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
        else {
            continue;
        };
        let size = engine.members(l, code).len();
        if size == members.len() || size == units.len() {
            continue;
        }
        out.push(Reference {
            level: Some(l),
            code: code.to_string(),
            name: engine.dataset().name_of(l, code),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_is_compared_with_its_epci_and_departement_and_a_departement_with_its_region() {
        let t = ifn_core::demo::generate();
        let engine = Engine::new(t.dataset.clone(), ifn_core::Catalogue::builtin().clone());
        let unit = &t.dataset.units()[0];
        let members = engine.members(Level::Commune, &unit.commune);
        let refs = enclosing(&engine, Level::Commune, &members);
        let levels: Vec<_> = refs.iter().map(|r| r.level).collect();
        assert_eq!(levels, [Some(Level::Epci), Some(Level::Departement)]);
        assert_eq!(refs[0].code, unit.epci);
        assert_eq!(refs[1].code, unit.departement);

        // The demo's single région is the whole store: France stands for it.
        let members = engine.members(Level::Departement, &unit.departement);
        assert!(enclosing(&engine, Level::Departement, &members).is_empty());
        assert!(enclosing(&engine, Level::Region, &members).is_empty());
        // An EPCI is compared with its département.
        let members = engine.members(Level::Epci, &unit.epci);
        let refs = enclosing(&engine, Level::Epci, &members);
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].code, unit.departement);
    }
}
