//! The indicator catalogue: indicators and profiles, kept as data (`data/indicators.toml`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// The built-in catalogue, the file `data/indicators.toml` of the repository.
const BUILTIN: &str = include_str!("../../../data/indicators.toml");

/// Which axis of a profile an indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    /// The index itself (the five first indicators of each profile).
    Ifn,
    /// "Contexte du territoire".
    Contexte,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// Key used by the public tool (`no_thd_coverage_rate`, …).
    pub key: String,
    /// French label.
    pub label: String,
    /// French definition.
    pub definition: String,
    /// Unit (`%`, `km`).
    pub unit: String,
    /// Producer (INSEE, ARCEP, …).
    pub producer: String,
    /// Source dataset.
    pub source: String,
    /// Vintage of the source.
    pub vintage: String,
    /// Whether a higher raw value means more fragility (default true). When false, the value
    /// is reversed before ranking.
    #[serde(default = "default_true")]
    pub higher_is_fragile: bool,
}

fn default_true() -> bool {
    true
}

/// A profile (Tout âge, Senior, Jeune) and its ordered indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileDef {
    /// Key (`tout-age`, `senior`, `jeune`).
    pub key: String,
    /// Label (`Tout âge`).
    pub label: String,
    /// Short description of the public.
    #[serde(default)]
    pub description: String,
    /// The IFN axis.
    pub ifn: Vec<String>,
    /// The "contexte du territoire" indicators.
    pub contexte: Vec<String>,
}

impl ProfileDef {
    /// All indicators of the profile, IFN axis first.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.ifn
            .iter()
            .chain(self.contexte.iter())
            .map(String::as_str)
    }

    /// The axis of `key` in this profile.
    pub fn axis_of(&self, key: &str) -> Option<Axis> {
        if self.ifn.iter().any(|k| k == key) {
            Some(Axis::Ifn)
        } else if self.contexte.iter().any(|k| k == key) {
            Some(Axis::Contexte)
        } else {
            None
        }
    }
}

#[derive(Deserialize)]
struct RawCatalogue {
    #[serde(default)]
    catalogue_version: String,
    profiles: Vec<ProfileDef>,
    indicators: Vec<IndicatorDef>,
}

/// Indicators and profiles.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// Version tag of the catalogue file.
    pub version: String,
    /// Profiles, in file order.
    pub profiles: Vec<ProfileDef>,
    /// Indicators, in file order.
    pub indicators: Vec<IndicatorDef>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Catalogue {
    /// Parses a catalogue in the TOML format of `data/indicators.toml`.
    ///
    /// `origin` names the file in error messages. Every profile indicator must be defined,
    /// keys must be unique.
    ///
    /// ```
    /// let text = r#"
    /// [[profiles]]
    /// key = "p"
    /// label = "P"
    /// ifn = ["a"]
    /// contexte = []
    /// [[indicators]]
    /// key = "a"
    /// label = "A"
    /// definition = "d"
    /// unit = "%"
    /// producer = "INSEE"
    /// source = "RP"
    /// vintage = "2017"
    /// "#;
    /// let c = ifn_core::Catalogue::from_toml(text, "inline").unwrap();
    /// assert_eq!(c.indicator("a").unwrap().label, "A");
    /// ```
    pub fn from_toml(text: &str, origin: &str) -> CoreResult<Catalogue> {
        let err = |message: String| CoreError::Catalogue {
            origin: origin.to_string(),
            message,
        };
        let raw: RawCatalogue = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut index = HashMap::new();
        for (i, ind) in raw.indicators.iter().enumerate() {
            if index.insert(ind.key.clone(), i).is_some() {
                return Err(err(format!(
                    "l'indicateur « {} » est défini deux fois",
                    ind.key
                )));
            }
        }
        let mut seen = HashMap::new();
        for p in &raw.profiles {
            if seen.insert(p.key.clone(), ()).is_some() {
                return Err(err(format!("le profil « {} » est défini deux fois", p.key)));
            }
            for k in p.all() {
                if !index.contains_key(k) {
                    return Err(err(format!(
                        "le profil « {} » cite l'indicateur « {k} », qui n'a pas d'entrée [[indicators]]",
                        p.key
                    )));
                }
            }
        }
        if raw.profiles.is_empty() {
            return Err(err("aucune entrée [[profiles]]".into()));
        }
        Ok(Catalogue {
            version: raw.catalogue_version,
            profiles: raw.profiles,
            indicators: raw.indicators,
            index,
        })
    }

    /// The built-in catalogue of the 2023 IFN (three profiles, 28 indicators).
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| {
            Catalogue::from_toml(BUILTIN, "built-in data/indicators.toml")
                .expect("the built-in catalogue is checked by the tests")
        })
    }

    /// The definition of an indicator.
    pub fn indicator(&self, key: &str) -> Option<&IndicatorDef> {
        self.index.get(key).map(|&i| &self.indicators[i])
    }

    /// A profile by key.
    pub fn profile(&self, key: &str) -> CoreResult<&ProfileDef> {
        self.profiles
            .iter()
            .find(|p| p.key == key)
            .ok_or_else(|| CoreError::UnknownProfile(key.to_string()))
    }

    /// Adds an indicator to the "contexte du territoire" axis of every profile: it can then be
    /// ticked and weighted in any profile, and is not in the default (IFN) selection. Used for
    /// the analyst's local indicators ([`crate::local`]).
    ///
    /// ```
    /// use ifn_core::{Axis, Catalogue, IndicatorDef};
    /// let mut c = Catalogue::builtin().clone();
    /// let def = IndicatorDef { key: "illectronisme".into(), label: "Illectronisme".into(),
    ///     definition: String::new(), unit: "%".into(), producer: "indicateur local".into(),
    ///     source: "illectronisme.csv".into(), vintage: String::new(), higher_is_fragile: true };
    /// c.push_context_indicator(def.clone()).unwrap();
    /// assert_eq!(c.profile("senior").unwrap().axis_of("illectronisme"), Some(Axis::Contexte));
    /// assert!(c.push_context_indicator(def).is_err());
    /// ```
    pub fn push_context_indicator(&mut self, def: IndicatorDef) -> CoreResult<()> {
        if self.contains(&def.key) {
            return Err(CoreError::Catalogue {
                origin: "en mémoire".into(),
                message: format!("l'indicateur « {} » est défini deux fois", def.key),
            });
        }
        for p in &mut self.profiles {
            p.contexte.push(def.key.clone());
        }
        self.index.insert(def.key.clone(), self.indicators.len());
        self.indicators.push(def);
        Ok(())
    }

    /// Whether a key is a known indicator.
    pub fn contains(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_has_three_profiles_of_five_plus_nine() {
        let c = Catalogue::builtin();
        assert_eq!(c.profiles.len(), 3);
        for p in &c.profiles {
            assert_eq!(p.ifn.len(), 5, "{}", p.key);
            assert_eq!(p.contexte.len(), 9, "{}", p.key);
            assert_eq!(
                &p.ifn[..2],
                &["no_thd_coverage_rate", "no_4g_coverage_rate"]
            );
        }
        assert_eq!(c.profile("senior").unwrap().ifn[3], "older_75_rate");
        assert!(c.profile("adulte").is_err());
    }

    #[test]
    fn undefined_profile_indicator_is_an_error_naming_it() {
        let text = "indicators = []\n[[profiles]]\nkey='p'\nlabel='P'\nifn=['zz']\ncontexte=[]\n";
        let e = Catalogue::from_toml(text, "f.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.toml") && e.contains("zz"), "{e}");
    }
}
