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

/// Common abbreviations of French place and EPCI names, expanded in queries ("st feneuil" →
/// "saint feneuil", "cc du pays" → "communaute de communes du pays").
/// A query is matched both as typed and expanded, so "st" still finds "Strasbourg".
const ABBREVIATIONS: [(&str, &str); 7] = [
    ("st", "saint"),
    ("ste", "sainte"),
    ("sts", "saints"),
    ("stes", "saintes"),
    ("cc", "communaute de communes"),
    ("ca", "communaute d agglomeration"),
    ("cu", "communaute urbaine"),
];

/// A folded query with its abbreviations expanded, as one string and as words.
struct Query {
    text: String,
    words: Vec<String>,
}

impl Query {
    /// The folded query, its abbreviations expanded when `expand`.
    fn new(raw: &str, expand: bool) -> Query {
        let folded = fold(raw);
        let words: Vec<String> = folded
            .split_whitespace()
            .flat_map(|w| {
                let expanded = ABBREVIATIONS
                    .iter()
                    .find(|(a, _)| expand && *a == w)
                    .map_or(w, |(_, full)| *full);
                expanded.split(' ').map(str::to_string).collect::<Vec<_>>()
            })
            .collect();
        Query {
            text: words.join(" "),
            words,
        }
    }
}

/// Rank of a match: exact code, exact name, name (or code) prefix, every word of the query
/// starting a word of the name (in any order), then name substring.
fn rank(e: &Entry, q: &Query, raw: &str) -> Option<u8> {
    if e.folded_code == raw {
        Some(0)
    } else if e.folded_name == q.text {
        Some(1)
    } else if e.folded_name.starts_with(&q.text) || e.folded_code.starts_with(raw) {
        Some(2)
    } else if q
        .words
        .iter()
        .all(|w| e.folded_name.split(' ').any(|n| n.starts_with(w.as_str())))
    {
        Some(3)
    } else if e.folded_name.contains(&q.text) {
        Some(4)
    } else {
        None
    }
}

/// Whether `iris` is the only IRIS of a commune also found (same name, population and
/// département): a commune not divided into IRIS is listed once, as a commune.
fn is_twin(iris: &Entry, found: &[(u8, &Entry)]) -> bool {
    iris.level == Level::Iris
        && found.iter().any(|(_, c)| {
            c.level == Level::Commune
                && c.folded_name == iris.folded_name
                && c.parent == iris.parent
                && (c.population - iris.population).abs() < 0.5
        })
}

/// The best `limit` entries matching `query`: rank, then population (largest first), then
/// coarser level, then code, so results are deterministic.
pub fn search<'a>(entries: &'a [Entry], query: &str, limit: usize) -> Vec<&'a Entry> {
    let (typed, expanded) = (Query::new(query, false), Query::new(query, true));
    if typed.words.is_empty() {
        return Vec::new();
    }
    let raw = query.trim().to_lowercase();
    let mut hits: Vec<(u8, &Entry)> = entries
        .iter()
        .filter_map(|e| {
            let best = match (rank(e, &typed, &raw), rank(e, &expanded, &raw)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            best.map(|r| (r, e))
        })
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then(b.population.total_cmp(&a.population))
            .then(b.level.cmp(&a.level))
            .then(a.code.cmp(&b.code))
    });
    let twins: Vec<bool> = hits.iter().map(|(_, e)| is_twin(e, &hits)).collect();
    hits.iter()
        .zip(twins)
        .filter(|(_, twin)| !twin)
        .take(limit)
        .map(|((_, e), _)| *e)
        .collect()
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
    fn abbreviations_and_words_in_any_order_are_found() {
        let mut e = vec![
            entry("1", "Saint-Feneuil", 10.0),
            entry("2", "Communauté de communes du Pays de Charay", 50.0),
            entry("3", "Communauté d'agglomération d'Orvec-les-Bois", 80.0),
            entry("4", "Feneuil-le-Haut", 5.0),
        ];
        e[1].level = Level::Epci;
        e[2].level = Level::Epci;
        e.push(entry("5", "Strasbourg", 1e5));
        let codes =
            |q: &str| -> Vec<String> { search(&e, q, 10).iter().map(|e| e.code.clone()).collect() };
        assert_eq!(codes("st feneuil"), ["1"]);
        assert_eq!(codes("St-Fen"), ["1"]);
        assert_eq!(codes("cc du pays"), ["2"]);
        assert_eq!(codes("orvec bois"), ["3"]);
        assert_eq!(codes("communaute orvec"), ["3"]);
        assert_eq!(codes("ca orvec"), ["3"]);
        // A whole-name prefix ranks before a word match, whatever the population.
        assert_eq!(codes("feneuil"), ["4", "1"]);
        // An abbreviation is also matched as typed.
        assert_eq!(codes("st")[0], "5");
    }

    #[test]
    fn a_commune_with_a_single_iris_is_listed_once() {
        let mut iris = entry("X30250000", "Valay-sur-Mer", 94.0);
        iris.level = Level::Iris;
        let mut other_iris = entry("X30260001", "Valay-sur-Mer", 40.0);
        other_iris.level = Level::Iris;
        let e = [entry("X3025", "Valay-sur-Mer", 94.0), iris, other_iris];
        let r: Vec<&str> = search(&e, "valay", 10)
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(r, ["X3025", "X30260001"]);
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
