//! Search of territories by name or code: accent- and case-insensitive, ranked.

use ifn_core::Level;

/// Folds a text for matching: the one text normaliser of ifn, [`ifn_core::text::fold`]
/// (Unicode decomposition, accents dropped, lower case, hyphens and apostrophes as spaces).
///
/// ```
/// assert_eq!(ifn_server::search::fold("  Saint-Étienne-du-Rouvray "), "saint etienne du rouvray");
/// assert_eq!(ifn_server::search::fold("L'Haÿ-les-Roses"), "l hay les roses");
/// assert_eq!(ifn_server::search::fold("Saint-E\u{301}tienne"), "saint etienne");
/// ```
pub use ifn_core::text::fold;

/// One searchable territory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Level.
    pub level: Level,
    /// Code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Name of its département (empty for départements and régions).
    pub parent: String,
    /// Population.
    pub population: f64,
    /// Bounding box, when the level has contours.
    pub bbox: Option<[f64; 4]>,
    folded_name: String,
    folded_code: String,
}

impl Entry {
    /// A new entry.
    pub fn new(
        level: Level,
        code: String,
        name: String,
        parent: String,
        population: f64,
        bbox: Option<[f64; 4]>,
    ) -> Entry {
        Entry {
            folded_name: fold(&name),
            folded_code: code.to_lowercase(),
            level,
            code,
            name,
            parent,
            population,
            bbox,
        }
    }
}

/// Rank of a match: exact code, then name (or code) prefix, then name substring.
fn rank(e: &Entry, q: &str) -> Option<u8> {
    if e.folded_code == q {
        Some(0)
    } else if e.folded_name == q {
        Some(1)
    } else if e.folded_name.starts_with(q) || e.folded_code.starts_with(q) {
        Some(2)
    } else if e.folded_name.contains(q) {
        Some(3)
    } else {
        None
    }
}

/// The best `limit` entries matching `query`: rank, then population (largest first), then
/// coarser level, then code, so results are deterministic.
pub fn search<'a>(entries: &'a [Entry], query: &str, limit: usize) -> Vec<&'a Entry> {
    let q = fold(query);
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, &Entry)> = entries
        .iter()
        .filter_map(|e| rank(e, &q).map(|r| (r, e)))
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then(b.population.total_cmp(&a.population))
            .then(b.level.cmp(&a.level))
            .then(a.code.cmp(&b.code))
    });
    hits.into_iter().take(limit).map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, name: &str, pop: f64) -> Entry {
        Entry::new(
            Level::Commune,
            code.into(),
            name.into(),
            String::new(),
            pop,
            None,
        )
    }

    #[test]
    fn an_empty_query_finds_nothing() {
        let e = [entry("01001", "Ambérieu", 10.0)];
        assert!(search(&e, "  - ", 10).is_empty());
    }

    #[test]
    fn exact_code_comes_before_prefix_then_substring() {
        let e = [
            entry("01002", "Grand Évreux", 1e6),
            entry("01003", "Évreux-Nord", 10.0),
            entry("01001", "Sainte-Mère", 1.0),
        ];
        let r: Vec<&str> = search(&e, "01001", 10)
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(r, ["01001"]);
        let r: Vec<&str> = search(&e, "EVREUX", 10)
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(
            r,
            ["01003", "01002"],
            "prefix before substring even when smaller"
        );
    }

    #[test]
    fn ties_are_ranked_by_population() {
        let e = [entry("1", "Saint-A", 10.0), entry("2", "Saint-B", 20.0)];
        let r: Vec<&str> = search(&e, "saint", 1)
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(r, ["2"]);
    }
}
