//! What the user asks for: profile, ticked indicators, weights and reference set.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::dataset::Dataset;
use crate::error::{CoreError, CoreResult};

/// What a selection is validated against: an indicator catalogue and a dataset.
///
/// [`Engine`](crate::Engine) implements it, and so does a `(&Catalogue, &Dataset)` pair, so
/// this module does not depend on the engine (the engine depends on selections).
///
/// ```
/// use ifn_core::{Catalogue, Selection};
/// let t = ifn_core::demo::generate();
/// let s = Selection::builder("senior").build(&(Catalogue::builtin(), &t.dataset)).unwrap();
/// assert_eq!(s.profile, "senior");
/// ```
pub trait SelectionContext {
    /// The indicator catalogue (profiles and indicator definitions).
    fn catalogue(&self) -> &Catalogue;
    /// The dataset (which indicators have data).
    fn dataset(&self) -> &Dataset;
}

impl SelectionContext for (&Catalogue, &Dataset) {
    fn catalogue(&self) -> &Catalogue {
        self.0
    }
    fn dataset(&self) -> &Dataset {
        self.1
    }
}

/// The set of base units the classes are computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// All base units of the dataset (the public tool's choice).
    #[default]
    France,
    /// Re-ranked within each département.
    Departement,
    /// Re-ranked within each région.
    Region,
}

impl Reference {
    /// All reference sets.
    pub const ALL: [Reference; 3] = [Reference::France, Reference::Departement, Reference::Region];

    /// Key used on the command line and in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Reference::France => "france",
            Reference::Departement => "departement",
            Reference::Region => "region",
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Reference {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "france" | "national" => Ok(Reference::France),
            "departement" | "département" => Ok(Reference::Departement),
            "region" | "région" => Ok(Reference::Region),
            _ => Err(CoreError::UnknownReference(s.to_string())),
        }
    }
}

/// A validated selection: every indicator is in the profile and has data, every weight is
/// finite and ≥ 0 and at least one is > 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    /// Profile key.
    pub profile: String,
    /// Selected indicator keys, in profile order.
    pub indicators: Vec<String>,
    /// One weight per selected indicator.
    pub weights: Vec<f64>,
    /// Reference set of the classes.
    pub reference: Reference,
}

impl Selection {
    /// Starts a selection for a profile key (`tout-age`, `senior`, `jeune`).
    pub fn builder(profile: impl Into<String>) -> SelectionBuilder {
        SelectionBuilder {
            profile: profile.into(),
            indicators: None,
            weights: Vec::new(),
            reference: Reference::France,
        }
    }

    /// The weight of a selected indicator.
    pub fn weight_of(&self, key: &str) -> Option<f64> {
        let i = self.indicators.iter().position(|k| k == key)?;
        Some(self.weights[i])
    }
}

/// Builder of a [`Selection`], validated against a catalogue and a dataset (an
/// [`Engine`](crate::Engine) or any [`SelectionContext`]).
#[derive(Debug, Clone)]
pub struct SelectionBuilder {
    profile: String,
    indicators: Option<Vec<String>>,
    weights: Vec<(String, f64)>,
    reference: Reference,
}

impl SelectionBuilder {
    /// Ticks these indicators (default: the IFN axis of the profile that has data).
    pub fn indicators<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.indicators = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// Ticks these indicators if `Some`, keeps the default otherwise.
    pub fn maybe_indicators(mut self, keys: Option<Vec<String>>) -> Self {
        self.indicators = keys;
        self
    }

    /// Sets weights (`key`, value); unnamed selected indicators weigh 1.
    pub fn weights(mut self, weights: Vec<(String, f64)>) -> Self {
        self.weights = weights;
        self
    }

    /// Sets the reference set.
    pub fn reference(mut self, reference: Reference) -> Self {
        self.reference = reference;
        self
    }

    /// Validates the selection.
    pub fn build<C: SelectionContext + ?Sized>(self, ctx: &C) -> CoreResult<Selection> {
        let catalogue = ctx.catalogue();
        let dataset = ctx.dataset();
        let profile = catalogue.profile(&self.profile)?;
        let has_data = |k: &str| dataset.indicator_index(k).is_some();
        let indicators: Vec<String> = match self.indicators {
            None => profile
                .ifn
                .iter()
                .filter(|k| has_data(k))
                .cloned()
                .collect(),
            Some(keys) => {
                for k in &keys {
                    if profile.axis_of(k).is_none() {
                        return Err(CoreError::IndicatorNotInProfile {
                            key: k.clone(),
                            profile: profile.key.clone(),
                            known: profile.all().collect::<Vec<_>>().join(", "),
                        });
                    }
                    if !has_data(k) {
                        return Err(CoreError::IndicatorWithoutData {
                            key: k.clone(),
                            available: dataset.indicators().join(", "),
                        });
                    }
                }
                // Profile order, duplicates removed.
                profile
                    .all()
                    .filter(|p| keys.iter().any(|k| k == p))
                    .map(str::to_string)
                    .collect()
            }
        };
        if indicators.is_empty() {
            return Err(CoreError::EmptySelection(profile.key.clone()));
        }
        let mut weights = vec![1.0; indicators.len()];
        for (key, w) in &self.weights {
            check_weight_value(key, *w)?;
            if !catalogue.contains(key) {
                return Err(CoreError::InvalidWeight {
                    text: format!("{key}={w}"),
                    reason: format!("« {key} » n'est pas une clé d'indicateur"),
                });
            }
            match indicators.iter().position(|k| k == key) {
                Some(i) => weights[i] = *w,
                None => {
                    return Err(CoreError::InvalidWeight {
                        text: format!("{key}={w}"),
                        reason: format!(
                            "« {key} » ne fait pas partie des indicateurs retenus ({}) : cochez-le d'abord",
                            indicators.join(", ")
                        ),
                    })
                }
            }
        }
        if weights.iter().all(|&w| w == 0.0) {
            return Err(CoreError::AllWeightsZero);
        }
        Ok(Selection {
            profile: profile.key.clone(),
            indicators,
            weights,
            reference: self.reference,
        })
    }
}

fn check_weight_value(key: &str, w: f64) -> CoreResult<()> {
    if !w.is_finite() || w < 0.0 {
        return Err(CoreError::InvalidWeight {
            text: format!("{key}={w}"),
            reason: "un poids doit être un nombre fini ≥ 0".into(),
        });
    }
    Ok(())
}

/// Parses `k1=2,k2=0.5` into (key, weight) pairs. Values must be finite numbers ≥ 0 with a
/// dot as decimal separator.
///
/// ```
/// let w = ifn_core::parse_weights("poverty_rate=2, older_65_rate=0.5").unwrap();
/// assert_eq!(w, vec![("poverty_rate".to_string(), 2.0), ("older_65_rate".to_string(), 0.5)]);
/// assert!(ifn_core::parse_weights("poverty_rate=NaN").is_err());
/// assert!(ifn_core::parse_weights("poverty_rate=-1").is_err());
/// assert!(ifn_core::parse_weights("poverty_rate").is_err());
/// ```
pub fn parse_weights(text: &str) -> CoreResult<Vec<(String, f64)>> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| CoreError::InvalidWeight {
                text: part.to_string(),
                reason: "attendu clé=valeur, par exemple poverty_rate=2".into(),
            })?;
        let key = key.trim();
        let w: f64 = value.trim().parse().map_err(|_| CoreError::InvalidWeight {
            text: part.to_string(),
            reason: format!(
                "« {} » n'est pas un nombre (avec un point : 0.5)",
                value.trim()
            ),
        })?;
        check_weight_value(key, w)?;
        if out.iter().any(|(k, _)| k == key) {
            return Err(CoreError::InvalidWeight {
                text: part.to_string(),
                reason: format!("« {key} » est donné deux fois"),
            });
        }
        out.push((key.to_string(), w));
    }
    Ok(out)
}
