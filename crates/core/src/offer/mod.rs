//! The mediation offer against the need: where fragile people are far from help.
//!
//! France Numérique Ensemble roadmaps open on a *diagnostic territorial* that puts the needs of
//! the public (the IFN score) next to the offer of accompaniment (the mediation places). This
//! module computes, for every territory of a level:
//!
//! - the places by kind (all, France Services, conseillers numériques, Aidants Connect,
//!   libraries) and per 10,000 inhabitants;
//! - the **fragile population**: inhabitants of base units whose score is at or above
//!   [`OfferOptions::threshold`], and the places per 10,000 fragile inhabitants;
//! - the population-weighted mean distance from base units to the nearest place (haversine),
//!   and the share of the fragile population farther than [`OfferOptions::distance_km`];
//! - the **zones blanches**: fragile base units with no place within that distance.
//!
//! It works in two steps. [`PlaceIndex::build`] does everything that depends only on the
//! places and the contours, once per territory store: it locates each place in a base unit
//! (point in polygon), computes each base unit's centre and its distance to the nearest place
//! of every kind. [`offer`] then combines these with the scores of a selection (profile,
//! indicators, weights): it is a linear pass over the base units, cheap enough to rerun for
//! every request.
//!
//! ```
//! use ifn_core::offer::{offer, OfferKind, OfferOptions, PlaceIndex};
//! use ifn_core::{Engine, Level, Selection};
//!
//! let t = ifn_core::demo::generate();
//! let index = PlaceIndex::build(t.dataset.units(), &t.geometries, &t.places);
//! let engine = Engine::new(t.dataset.clone(), ifn_core::Catalogue::builtin().clone());
//! let selection = Selection::builder("tout-age").build(&engine).unwrap();
//! let scores = engine.unit_scores(&selection).unwrap();
//! let deps = offer(Level::Departement, &engine, &scores, &index, &OfferOptions::default()).unwrap();
//! let located: u32 = deps.territories.iter().map(|d| d.places.all).sum();
//! assert_eq!(located as usize + index.unassigned().len(), t.places.len());
//! assert!(deps.territories.iter().all(|d| d.places.get(OfferKind::FranceServices) <= d.places.all));
//! ```

mod aggregate;
mod filter;
mod index;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::CoreError;
use crate::territory::{Place, PlaceKind};

pub use aggregate::{
    fragile_units, offer, offer_for_units, zone_blanche_units, LevelOffer, TerritoryOffer,
};
pub use filter::PlaceFilter;
pub use index::{CentreSource, PlaceIndex, PlaceLocation};

/// Result type of the offer computations.
pub type OfferResult<T> = Result<T, OfferError>;

/// What can go wrong when computing the offer.
#[derive(Debug, Error)]
pub enum OfferError {
    /// A threshold or a distance outside its bounds ([`THRESHOLD_RANGE`],
    /// [`DISTANCE_KM_RANGE`]), or not finite.
    #[error("{name} = {value} : attendu un nombre de {min} à {max}")]
    BadOption {
        /// The option (`threshold`, `distance_km`).
        name: &'static str,
        /// The value given.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// A threshold or a distance given as text that is not a number.
    #[error("{name} « {text} » : attendu un nombre de {min} à {max} (avec un point : 7.5)")]
    NotANumber {
        /// The option (`threshold`, `distance_km`).
        name: &'static str,
        /// The text given.
        text: String,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// The place index was built for other base units than the engine's.
    #[error(
        "l'index des lieux a été construit pour {index} unités de base mais le moteur en a \
         {engine} : reconstruisez l'index à partir du même magasin de territoires"
    )]
    IndexMismatch {
        /// Units of the index.
        index: usize,
        /// Units of the engine.
        engine: usize,
    },
    /// The scores were computed for other base units than the engine's.
    #[error("{scores} scores d'unités pour {engine} unités de base : calculez-les avec ce moteur")]
    ScoresMismatch {
        /// Units of the scores.
        scores: usize,
        /// Units of the engine.
        engine: usize,
    },
    /// An error of the scoring engine (unknown level…).
    #[error(transparent)]
    Core(#[from] CoreError),
}

/// Default fragility threshold: a base unit whose total score is ≥ 7 is fragile (the upper
/// 40 % of the 1..10 scale, as in FNE diagnostics).
pub const DEFAULT_THRESHOLD: f64 = 7.0;
/// Accepted thresholds: the range of a total score.
pub const THRESHOLD_RANGE: (f64, f64) = (1.0, 10.0);
/// Default access distance (km): a fragile unit with no place within 10 km is a zone blanche.
pub const DEFAULT_DISTANCE_KM: f64 = 10.0;
/// Accepted access distances (km). Beyond 200 km every unit of metropolitan France has a
/// place, so a larger value only hides mistakes (a distance in metres, for example).
pub const DISTANCE_KM_RANGE: (f64, f64) = (0.0, 200.0);

/// User settings of the offer computations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OfferOptions {
    /// A base unit is *fragile* when its total score is at or above this value
    /// ([`THRESHOLD_RANGE`], default [`DEFAULT_THRESHOLD`]).
    pub threshold: f64,
    /// A fragile unit whose nearest place is farther than this (km, [`DISTANCE_KM_RANGE`],
    /// default [`DEFAULT_DISTANCE_KM`]) is a *zone blanche*.
    pub distance_km: f64,
}

impl Default for OfferOptions {
    fn default() -> Self {
        OfferOptions {
            threshold: DEFAULT_THRESHOLD,
            distance_km: DEFAULT_DISTANCE_KM,
        }
    }
}

impl OfferOptions {
    /// Checks that the threshold is within [`THRESHOLD_RANGE`] and the distance within
    /// [`DISTANCE_KM_RANGE`] (NaN and infinities are refused).
    ///
    /// ```
    /// use ifn_core::offer::OfferOptions;
    /// assert!(OfferOptions::default().validate().is_ok());
    /// assert!(OfferOptions { threshold: f64::NAN, distance_km: 10.0 }.validate().is_err());
    /// assert!(OfferOptions { threshold: 0.5, distance_km: 10.0 }.validate().is_err());
    /// assert!(OfferOptions { threshold: 7.0, distance_km: -1.0 }.validate().is_err());
    /// ```
    pub fn validate(&self) -> OfferResult<()> {
        check_bounds("threshold", self.threshold, THRESHOLD_RANGE)?;
        check_bounds("distance_km", self.distance_km, DISTANCE_KM_RANGE)
    }
}

fn check_bounds(name: &'static str, value: f64, (min, max): (f64, f64)) -> OfferResult<()> {
    // `contains` is false for NaN, so NaN is refused along with out-of-range values.
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(OfferError::BadOption {
            name,
            value,
            min,
            max,
        })
    }
}

/// The groups of places ifn counts: all places, and the national labels and libraries.
///
/// A place belongs to [`OfferKind::All`] and to every kind it carries (a France Services
/// with a conseiller numérique counts in both columns, once in "all").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Every mediation place.
    All,
    /// France Services.
    FranceServices,
    /// Places hosting a conseiller numérique.
    ConseillerNumerique,
    /// Aidants Connect habilitated places.
    AidantsConnect,
    /// Public libraries.
    Bibliotheque,
}

impl OfferKind {
    /// All groups, "all" first.
    pub const ALL: [OfferKind; 5] = [
        OfferKind::All,
        OfferKind::FranceServices,
        OfferKind::ConseillerNumerique,
        OfferKind::AidantsConnect,
        OfferKind::Bibliotheque,
    ];

    /// Key used in files, URLs and tile properties (`all`, `france_services`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::All => "all",
            OfferKind::FranceServices => "france_services",
            OfferKind::ConseillerNumerique => "conseiller_numerique",
            OfferKind::AidantsConnect => "aidants_connect",
            OfferKind::Bibliotheque => "bibliotheque",
        }
    }

    /// French label, as in FNE roadmaps.
    pub fn label_fr(self) -> &'static str {
        match self {
            OfferKind::All => "Tous les lieux de médiation",
            OfferKind::FranceServices => "France Services",
            OfferKind::ConseillerNumerique => "Conseillers numériques",
            OfferKind::AidantsConnect => "Aidants Connect",
            OfferKind::Bibliotheque => "Bibliothèques",
        }
    }

    /// Whether a place counts in this group.
    ///
    /// ```
    /// use ifn_core::offer::OfferKind;
    /// use ifn_core::PlaceKind;
    /// assert!(OfferKind::All.matches(&[PlaceKind::Autre]));
    /// assert!(OfferKind::FranceServices.matches(&[PlaceKind::AidantsConnect, PlaceKind::FranceServices]));
    /// assert!(!OfferKind::Bibliotheque.matches(&[]));
    /// ```
    pub fn matches(self, kinds: &[PlaceKind]) -> bool {
        let k = match self {
            OfferKind::All => return true,
            OfferKind::FranceServices => PlaceKind::FranceServices,
            OfferKind::ConseillerNumerique => PlaceKind::ConseillerNumerique,
            OfferKind::AidantsConnect => PlaceKind::AidantsConnect,
            OfferKind::Bibliotheque => PlaceKind::Bibliotheque,
        };
        kinds.contains(&k)
    }

    fn slot(self) -> usize {
        self as usize
    }

    /// Bit set of the groups a place belongs to.
    fn mask_of(place: &Place) -> u8 {
        OfferKind::ALL
            .iter()
            .filter(|k| k.matches(&place.kinds))
            .fold(0u8, |m, k| m | (1 << k.slot()))
    }
}

/// One value per [`OfferKind`], serialised as an object with the kinds' keys.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ByKind<T> {
    /// Every place.
    pub all: T,
    /// France Services.
    pub france_services: T,
    /// Conseillers numériques.
    pub conseiller_numerique: T,
    /// Aidants Connect.
    pub aidants_connect: T,
    /// Libraries.
    pub bibliotheque: T,
}

impl<T> ByKind<T> {
    /// Builds the values from a function of the kind.
    pub fn from_fn(mut f: impl FnMut(OfferKind) -> T) -> ByKind<T> {
        ByKind {
            all: f(OfferKind::All),
            france_services: f(OfferKind::FranceServices),
            conseiller_numerique: f(OfferKind::ConseillerNumerique),
            aidants_connect: f(OfferKind::AidantsConnect),
            bibliotheque: f(OfferKind::Bibliotheque),
        }
    }

    /// A reference to the value of a kind.
    pub fn get_ref(&self, kind: OfferKind) -> &T {
        match kind {
            OfferKind::All => &self.all,
            OfferKind::FranceServices => &self.france_services,
            OfferKind::ConseillerNumerique => &self.conseiller_numerique,
            OfferKind::AidantsConnect => &self.aidants_connect,
            OfferKind::Bibliotheque => &self.bibliotheque,
        }
    }

    /// Mutable access to the value of a kind.
    pub fn get_mut(&mut self, kind: OfferKind) -> &mut T {
        match kind {
            OfferKind::All => &mut self.all,
            OfferKind::FranceServices => &mut self.france_services,
            OfferKind::ConseillerNumerique => &mut self.conseiller_numerique,
            OfferKind::AidantsConnect => &mut self.aidants_connect,
            OfferKind::Bibliotheque => &mut self.bibliotheque,
        }
    }
}

impl<T: Copy> ByKind<T> {
    /// The same value for every kind.
    pub fn splat(v: T) -> ByKind<T> {
        ByKind::from_fn(|_| v)
    }

    /// The value of a kind.
    pub fn get(&self, kind: OfferKind) -> T {
        *self.get_ref(kind)
    }
}

/// Value per 10,000 of a population: NaN when the population is 0.
///
/// ```
/// assert_eq!(ifn_core::offer::per_10k(3.0, 15_000.0), 2.0);
/// assert!(ifn_core::offer::per_10k(1.0, 0.0).is_nan());
/// ```
pub fn per_10k(count: f64, population: f64) -> f64 {
    if population > 0.0 {
        count * 10_000.0 / population
    } else {
        f64::NAN
    }
}
