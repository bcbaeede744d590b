//! Territorial levels.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// A territorial level. Base units are IRIS (or communes not split into IRIS); every other
/// level is built from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// IRIS (base unit).
    Iris,
    /// Commune (Paris, Lyon and Marseille as their arrondissements).
    Commune,
    /// EPCI à fiscalité propre (or EPT); `ZZZZZZZZZ` for communes without one.
    Epci,
    /// Département.
    Departement,
    /// Région.
    Region,
}

impl Level {
    /// All levels, from the finest to the coarsest.
    pub const ALL: [Level; 5] = [
        Level::Iris,
        Level::Commune,
        Level::Epci,
        Level::Departement,
        Level::Region,
    ];

    /// The key used in URLs, files and the command line.
    ///
    /// ```
    /// assert_eq!(ifn_core::Level::Departement.as_str(), "departement");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Iris => "iris",
            Level::Commune => "commune",
            Level::Epci => "epci",
            Level::Departement => "departement",
            Level::Region => "region",
        }
    }

    /// French label for display.
    pub fn label_fr(self) -> &'static str {
        match self {
            Level::Iris => "IRIS",
            Level::Commune => "Commune",
            Level::Epci => "EPCI",
            Level::Departement => "Département",
            Level::Region => "Région",
        }
    }

    /// The next coarser level, if any.
    pub fn parent(self) -> Option<Level> {
        match self {
            Level::Iris => Some(Level::Commune),
            Level::Commune => Some(Level::Epci),
            Level::Epci => Some(Level::Departement),
            Level::Departement => Some(Level::Region),
            Level::Region => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = CoreError;

    /// Parses a level name, accepting French accents and case.
    ///
    /// ```
    /// use ifn_core::Level;
    /// assert_eq!("Département".parse::<Level>().unwrap(), Level::Departement);
    /// assert!("canton".parse::<Level>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "iris" => Ok(Level::Iris),
            "commune" | "communes" | "com" => Ok(Level::Commune),
            "epci" | "ept" => Ok(Level::Epci),
            "departement" | "département" | "dep" => Ok(Level::Departement),
            "region" | "région" | "reg" => Ok(Level::Region),
            _ => Err(CoreError::UnknownLevel(s.to_string())),
        }
    }
}
