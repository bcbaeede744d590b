//! Filters on the places layer: by kind, service and public.

use serde::{Deserialize, Serialize};

use crate::territory::{Place, PlaceKind};

/// Which places to show. Empty lists do not filter; within a list any value matches (OR);
/// the three lists combine with AND. Services and publics are compared trimmed and
/// case-insensitively.
///
/// ```
/// use ifn_core::offer::PlaceFilter;
/// use ifn_core::{Place, PlaceKind};
/// let p = Place { id: "1".into(), name: "Médiathèque".into(), lon: 0.1, lat: 45.6,
///     commune: "16015".into(), address: String::new(), kinds: vec![PlaceKind::Bibliotheque],
///     services: vec!["Aide aux démarches administratives".into()], publics: vec!["Seniors".into()],
///     source: String::new() };
/// assert!(PlaceFilter::default().matches(&p));
/// let f = PlaceFilter::parse("bibliotheque|france_services", "aide aux démarches administratives", "").unwrap();
/// assert!(f.matches(&p));
/// let f = PlaceFilter::parse("france_services", "", "").unwrap();
/// assert!(!f.matches(&p));
/// assert!(PlaceFilter::parse("mairie", "", "").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaceFilter {
    /// Kinds accepted (any).
    pub kinds: Vec<PlaceKind>,
    /// Services accepted (any), lower-cased.
    pub services: Vec<String>,
    /// Publics accepted (any), lower-cased.
    pub publics: Vec<String>,
}

/// Splits a list on `|` (and `,` when `comma`: kind keys never hold one, but services and
/// publics may).
fn split(s: &str, comma: bool) -> Vec<String> {
    s.split(|c| c == '|' || (comma && c == ','))
        .map(|x| x.trim().to_lowercase())
        .filter(|x| !x.is_empty())
        .collect()
}

impl PlaceFilter {
    /// Parses `|`-separated lists (URL query values; kinds may also be `,`-separated, services
    /// and publics not, as their values may hold commas). An unknown kind is an error naming
    /// the accepted keys.
    pub fn parse(kinds: &str, services: &str, publics: &str) -> Result<PlaceFilter, String> {
        let kinds = split(kinds, true)
            .iter()
            .map(|k| {
                PlaceKind::parse(k).ok_or_else(|| {
                    format!(
                        "type de lieu inconnu « {k} » : choisissez parmi {}",
                        PlaceKind::ALL.map(|k| k.as_str()).join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PlaceFilter {
            kinds,
            services: split(services, false),
            publics: split(publics, false),
        })
    }

    /// Whether a place passes the filter.
    pub fn matches(&self, place: &Place) -> bool {
        let any = |wanted: &[String], have: &[String]| {
            wanted.is_empty()
                || have
                    .iter()
                    .any(|h| wanted.iter().any(|w| *w == h.trim().to_lowercase()))
        };
        (self.kinds.is_empty() || place.kinds.iter().any(|k| self.kinds.contains(k)))
            && any(&self.services, &place.services)
            && any(&self.publics, &place.publics)
    }
}
