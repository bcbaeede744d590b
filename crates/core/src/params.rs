//! Request parameters as text, shared by the command line and the HTTP API.
//!
//! Both front ends receive the same words — `profile`, `indicators`, `weights`, `reference`,
//! `threshold`, `distance_km` — as strings. [`SelectionParams::resolve`] and
//! [`OfferParams::resolve`] are the only parsers of them, so a value accepted on the command
//! line is accepted in a URL and the other way round, with the same error message naming the
//! parameter.
//!
//! ```
//! use ifn_core::params::{OfferParams, SelectionParams};
//! use ifn_core::{Engine, Catalogue};
//!
//! let t = ifn_core::demo::generate();
//! let engine = Engine::new(t.dataset, Catalogue::builtin().clone());
//! let params = SelectionParams {
//!     profile: Some("tout-age".into()),
//!     weights: Some("older_65_rate=2".into()),
//!     ..Default::default()
//! };
//! let selection = params.resolve(&engine).unwrap();
//! assert_eq!(selection.weight_of("older_65_rate"), Some(2.0));
//!
//! let bad = SelectionParams { reference: Some("europe".into()), ..Default::default() };
//! let e = bad.resolve(&engine).unwrap_err();
//! assert_eq!(e.parameter(), Some("reference"));
//! assert!(e.to_string().starts_with("reference: "));
//!
//! let offer = OfferParams { threshold: Some("6.5".into()), distance_km: None }.resolve().unwrap();
//! assert_eq!((offer.threshold, offer.distance_km), (6.5, 10.0));
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::offer::{
    OfferError, OfferOptions, OfferResult, DEFAULT_DISTANCE_KM, DEFAULT_THRESHOLD,
    DISTANCE_KM_RANGE, THRESHOLD_RANGE,
};
use crate::selection::{parse_weights, Reference, Selection, SelectionContext};

/// Profile used when none is given.
pub const DEFAULT_PROFILE: &str = "tout-age";

/// What to score, as text: every field is optional and an empty or blank value counts as
/// absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectionParams {
    /// Profile key: `tout-age` (default), `senior` or `jeune`, or a profile of a custom
    /// catalogue.
    pub profile: Option<String>,
    /// Indicator keys to tick, comma separated (`poverty_rate,older_65_rate`). Default: the
    /// IFN indicators of the profile that have data.
    pub indicators: Option<String>,
    /// Weights as `key=value` pairs, comma separated (`poverty_rate=2,older_65_rate=0.5`);
    /// finite numbers ≥ 0 with a dot as decimal mark. Unnamed selected indicators weigh 1.
    pub weights: Option<String>,
    /// Reference set of the decile classes: `france` (default), `departement` or `region`.
    pub reference: Option<String>,
}

/// A parameter's value, trimmed, or `None` when absent or blank.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SelectionParams {
    /// Parses and validates the selection against a catalogue and a dataset (an
    /// [`Engine`](crate::Engine)). Errors are [`CoreError::Parameter`] naming the parameter.
    pub fn resolve<C: SelectionContext + ?Sized>(&self, ctx: &C) -> CoreResult<Selection> {
        let weights =
            parse_weights(given(&self.weights).unwrap_or("")).map_err(CoreError::in_parameter)?;
        let reference: Reference = match given(&self.reference) {
            None => Reference::default(),
            Some(r) => r.parse().map_err(CoreError::in_parameter)?,
        };
        let indicators = given(&self.indicators).map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        Selection::builder(given(&self.profile).unwrap_or(DEFAULT_PROFILE))
            .maybe_indicators(indicators)
            .weights(weights)
            .reference(reference)
            .build(ctx)
            .map_err(CoreError::in_parameter)
    }
}

impl From<&Selection> for SelectionParams {
    /// The canonical text of a validated selection, every parameter given: resolving it
    /// gives the selection back (for links and tile URLs that must score the same thing).
    fn from(s: &Selection) -> SelectionParams {
        let weights: Vec<String> = s
            .indicators
            .iter()
            .zip(&s.weights)
            .map(|(k, w)| format!("{k}={w}"))
            .collect();
        SelectionParams {
            profile: Some(s.profile.clone()),
            indicators: Some(s.indicators.join(",")),
            weights: Some(weights.join(",")),
            reference: Some(s.reference.as_str().to_string()),
        }
    }
}

/// Options of the mediation-offer figures, as text: absent or blank values take the defaults
/// ([`DEFAULT_THRESHOLD`], [`DEFAULT_DISTANCE_KM`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferParams {
    /// A base unit whose total score is at or above this is *fragile*: a number from 1 to 10,
    /// default 7.
    pub threshold: Option<String>,
    /// A fragile unit with no mediation place within this distance is a *zone blanche*: km,
    /// from 0 to 200, default 10.
    pub distance_km: Option<String>,
}

impl OfferParams {
    /// Parses and validates the options; errors name the parameter (`threshold`,
    /// `distance_km`) and the accepted range.
    pub fn resolve(&self) -> OfferResult<OfferOptions> {
        let read = |name: &'static str, v: &Option<String>, default: f64, range: (f64, f64)| {
            match given(v) {
                None => Ok(default),
                Some(t) => t.parse::<f64>().map_err(|_| OfferError::NotANumber {
                    name,
                    text: t.to_string(),
                    min: range.0,
                    max: range.1,
                }),
            }
        };
        let options = OfferOptions {
            threshold: read(
                "threshold",
                &self.threshold,
                DEFAULT_THRESHOLD,
                THRESHOLD_RANGE,
            )?,
            distance_km: read(
                "distance_km",
                &self.distance_km,
                DEFAULT_DISTANCE_KM,
                DISTANCE_KM_RANGE,
            )?,
        };
        options.validate()?;
        Ok(options)
    }
}

impl From<OfferOptions> for OfferParams {
    /// The text form of validated options (Rust prints floats so that they parse back to
    /// the same value).
    fn from(o: OfferOptions) -> OfferParams {
        OfferParams {
            threshold: Some(o.threshold.to_string()),
            distance_km: Some(o.distance_km.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::engine::Engine;

    fn engine() -> Engine {
        Engine::new(
            crate::demo::generate().dataset,
            Catalogue::builtin().clone(),
        )
    }

    fn sel(f: impl FnOnce(&mut SelectionParams)) -> SelectionParams {
        let mut p = SelectionParams::default();
        f(&mut p);
        p
    }

    #[test]
    fn no_parameter_gives_the_default_selection() {
        let e = engine();
        let s = SelectionParams::default().resolve(&e).unwrap();
        let built = Selection::builder(DEFAULT_PROFILE).build(&e).unwrap();
        assert_eq!(s, built);
    }

    #[test]
    fn blank_values_count_as_absent() {
        let e = engine();
        let p = SelectionParams {
            profile: Some(" ".into()),
            indicators: Some("".into()),
            weights: Some("  ".into()),
            reference: Some("".into()),
        };
        assert_eq!(
            p.resolve(&e).unwrap(),
            SelectionParams::default().resolve(&e).unwrap()
        );
    }

    #[test]
    fn indicators_are_a_trimmed_comma_list_in_profile_order() {
        let s = sel(|p| p.indicators = Some(" older_65_rate , poverty_rate,,".into()))
            .resolve(&engine())
            .unwrap();
        assert_eq!(s.indicators.len(), 2);
        assert!(s.indicators.iter().any(|k| k == "poverty_rate"));
    }

    #[test]
    fn each_error_names_its_parameter() {
        let e = engine();
        let cases: [(&str, SelectionParams); 6] = [
            ("profile", sel(|p| p.profile = Some("nobody".into()))),
            ("indicators", sel(|p| p.indicators = Some("nope".into()))),
            (
                "weights",
                sel(|p| p.weights = Some("poverty_rate=-1".into())),
            ),
            ("weights", sel(|p| p.weights = Some("poverty_rate".into()))),
            (
                "weights",
                sel(|p| {
                    p.indicators = Some("poverty_rate".into());
                    p.weights = Some("poverty_rate=0".into());
                }),
            ),
            ("reference", sel(|p| p.reference = Some("europe".into()))),
        ];
        for (name, params) in cases {
            let err = params.resolve(&e).unwrap_err();
            assert_eq!(err.parameter(), Some(name), "{params:?}");
            assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
        }
    }

    #[test]
    fn a_selection_written_as_parameters_resolves_to_itself() {
        let e = engine();
        let s = sel(|p| {
            p.profile = Some("tout-age".into());
            p.weights = Some("older_65_rate=0.1,poverty_rate=2.5".into());
            p.reference = Some("departement".into());
        })
        .resolve(&e)
        .unwrap();
        assert_eq!(SelectionParams::from(&s).resolve(&e).unwrap(), s);
    }

    #[test]
    fn offer_defaults_and_bounds_come_from_the_constants() {
        let o = OfferParams::default().resolve().unwrap();
        assert_eq!(o, OfferOptions::default());
        assert_eq!(
            (o.threshold, o.distance_km),
            (DEFAULT_THRESHOLD, DEFAULT_DISTANCE_KM)
        );
        for (t, d) in [
            (THRESHOLD_RANGE.0, DISTANCE_KM_RANGE.0),
            (THRESHOLD_RANGE.1, DISTANCE_KM_RANGE.1),
        ] {
            let p = OfferParams::from(OfferOptions {
                threshold: t,
                distance_km: d,
            });
            assert!(p.resolve().is_ok(), "{p:?}");
        }
    }

    #[test]
    fn offer_errors_name_the_parameter() {
        let p = OfferParams {
            threshold: Some("abc".into()),
            distance_km: None,
        };
        assert!(matches!(
            p.resolve(),
            Err(OfferError::NotANumber {
                name: "threshold",
                ..
            })
        ));
        for (t, d, name) in [
            ("0.5", "10", "threshold"),
            ("11", "10", "threshold"),
            ("inf", "10", "threshold"),
            ("NaN", "10", "threshold"),
            ("7", "-1", "distance_km"),
            ("7", "201", "distance_km"),
        ] {
            let p = OfferParams {
                threshold: Some(t.into()),
                distance_km: Some(d.into()),
            };
            match p.resolve() {
                Err(OfferError::BadOption { name: n, .. }) => assert_eq!(n, name, "{p:?}"),
                other => panic!("{p:?}: {other:?}"),
            }
        }
    }
}
