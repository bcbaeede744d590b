//! A territory store's content: dataset, contours per level, mediation places, provenance.

use std::collections::BTreeMap;

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::level::Level;

/// A source dataset behind the store, for provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Short name of the dataset.
    pub name: String,
    /// Producer (INSEE, IGN, ARCEP, ANCT…).
    pub producer: String,
    /// Vintage.
    pub vintage: String,
    /// Licence.
    pub licence: String,
}

/// Description of a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerritoryMeta {
    /// Display name ("France", "Territoire de démonstration (fictif)").
    pub name: String,
    /// Longer description.
    pub description: String,
    /// True for generated, fictional data: the viewer and exports say so.
    pub fictional: bool,
    /// Licence of the data as a whole.
    pub licence: String,
    /// The sources used.
    pub sources: Vec<SourceInfo>,
    /// Bounding box `[west, south, east, north]` in WGS84 degrees.
    pub bbox: [f64; 4],
}

/// One contour: a territory code and its geometry (WGS84 lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Territory code.
    pub code: String,
    /// Geometry in WGS84 degrees.
    pub geometry: MultiPolygon<f64>,
}

/// National labels and kinds of mediation places that ifn counts separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// Espace France Services.
    FranceServices,
    /// Conseiller numérique (France Services) hosting place.
    ConseillerNumerique,
    /// Aidants Connect habilitated place.
    AidantsConnect,
    /// Public library.
    Bibliotheque,
    /// Any other mediation place.
    Autre,
}

impl PlaceKind {
    /// All kinds.
    pub const ALL: [PlaceKind; 5] = [
        PlaceKind::FranceServices,
        PlaceKind::ConseillerNumerique,
        PlaceKind::AidantsConnect,
        PlaceKind::Bibliotheque,
        PlaceKind::Autre,
    ];

    /// Key used in files and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::FranceServices => "france_services",
            PlaceKind::ConseillerNumerique => "conseiller_numerique",
            PlaceKind::AidantsConnect => "aidants_connect",
            PlaceKind::Bibliotheque => "bibliotheque",
            PlaceKind::Autre => "autre",
        }
    }

    /// Parses a key written by [`PlaceKind::as_str`].
    pub fn parse(s: &str) -> Option<PlaceKind> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            PlaceKind::FranceServices => "France Services",
            PlaceKind::ConseillerNumerique => "Conseillers numériques",
            PlaceKind::AidantsConnect => "Aidants Connect",
            PlaceKind::Bibliotheque => "Bibliothèque",
            PlaceKind::Autre => "Autre lieu de médiation",
        }
    }
}

/// A mediation place (standard "Lieux de médiation numérique" and related lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Identifier (the source's).
    pub id: String,
    /// Name.
    pub name: String,
    /// Longitude, WGS84.
    pub lon: f64,
    /// Latitude, WGS84.
    pub lat: f64,
    /// INSEE code of the commune, when known.
    pub commune: String,
    /// Postal address.
    pub address: String,
    /// Kinds and national labels (France Services, conseillers numériques, Aidants Connect…).
    pub kinds: Vec<PlaceKind>,
    /// Services offered (values of the standard).
    pub services: Vec<String>,
    /// Publics specifically addressed.
    pub publics: Vec<String>,
    /// Source dataset(s).
    pub source: String,
}

/// Everything a store holds.
#[derive(Debug, Clone)]
pub struct Territory {
    /// Description and provenance.
    pub meta: TerritoryMeta,
    /// Base units and raw indicator values.
    pub dataset: Dataset,
    /// Contours per level (levels without contours are absent).
    pub geometries: BTreeMap<Level, Vec<Feature>>,
    /// Mediation places.
    pub places: Vec<Place>,
}
