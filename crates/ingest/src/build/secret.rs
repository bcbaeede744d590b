//! Statistical secrecy, handled in the open (`ifn build --secret estimate|leave`).
//!
//! INSEE does not publish some rates (poverty, census shares) for small communes and IRIS. For
//! the indicators the manifest marks `secret = true`, the `estimate` policy (the default) gives
//! a unit whose value is missing the value of the smallest enclosing territory that has one —
//! commune (for an IRIS), then EPCI, then département — computed as the population-weighted
//! mean of the **published** values of the units inside it (never of other estimates), and
//! marks it *estimée* with that territory's level in the store ([`Dataset::estimated_from`],
//! `estimated.parquet`). `leave` keeps the value missing. Either way the build report counts,
//! per indicator, the units missing and the level each estimate came from.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use ifn_core::{BaseUnit, Dataset, Level, NO_EPCI_CODE};
use ndarray::Array2;
use serde::Serialize;

use crate::manifest::Manifest;

use super::{BuildError, BuildOutput};

/// What `ifn build` does with a value that statistical secrecy leaves missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretPolicy {
    /// Take the value of the smallest enclosing territory that has one, marked *estimée*.
    #[default]
    Estimate,
    /// Keep the value missing.
    Leave,
}

impl FromStr for SecretPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "estimate" => Ok(SecretPolicy::Estimate),
            "leave" => Ok(SecretPolicy::Leave),
            other => Err(format!(
                "politique de secret inconnue « {other} » : attendu « estimate » ou « leave »"
            )),
        }
    }
}

/// The enclosing levels tried, smallest first.
pub const ENCLOSING: [Level; 3] = [Level::Commune, Level::Epci, Level::Departement];

/// What the policy did to one indicator.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecretIndicatorReport {
    /// Units without a published value.
    pub missing: usize,
    /// Units estimated, per level of the enclosing territory used.
    pub estimated: BTreeMap<String, usize>,
    /// Units left missing (policy `leave`, or no enclosing territory has a value).
    pub still_missing: usize,
}

/// What the policy did, per indicator marked `secret` in the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecretReport {
    /// The policy applied.
    pub policy: SecretPolicy,
    /// Per indicator key.
    pub indicators: BTreeMap<String, SecretIndicatorReport>,
}

/// Population-weighted mean of the published values per territory of `level`.
fn published_means<'a>(
    units: &'a [BaseUnit],
    values: &[f64],
    level: Level,
) -> HashMap<&'a str, f64> {
    let mut acc: HashMap<&str, (f64, f64, f64, f64)> = HashMap::new();
    for (u, v) in units.iter().zip(values) {
        if v.is_nan() {
            continue;
        }
        let e = acc.entry(u.code_at(level)).or_default();
        e.0 += u.population * v;
        e.1 += u.population;
        e.2 += v;
        e.3 += 1.0;
    }
    acc.into_iter()
        .map(|(code, (wv, w, sv, n))| (code, if w > 0.0 { wv / w } else { sv / n }))
        .collect()
}

/// Estimates the missing values of one indicator column from the published ones: the value
/// and the enclosing level of each unit estimated (None for a published or still missing one).
pub fn estimate_column(units: &[BaseUnit], values: &[f64]) -> Vec<Option<(f64, Level)>> {
    let means: Vec<(Level, HashMap<&str, f64>)> = ENCLOSING
        .iter()
        .map(|&l| (l, published_means(units, values, l)))
        .collect();
    units
        .iter()
        .zip(values)
        .map(|(u, v)| {
            if !v.is_nan() {
                return None;
            }
            means.iter().find_map(|(level, m)| {
                if *level == Level::Epci && u.epci == NO_EPCI_CODE {
                    return None;
                }
                m.get(u.code_at(*level)).map(|x| (*x, *level))
            })
        })
        .collect()
}

/// Applies `policy` to the indicators marked `secret` in `manifest`: fills and marks the
/// estimates in the output's dataset and records what was done in its report.
pub fn apply_secret(
    output: &mut BuildOutput,
    manifest: &Manifest,
    policy: SecretPolicy,
) -> Result<(), BuildError> {
    let d = &output.territory.dataset;
    let units = d.units();
    let mut values: Array2<f64> = d.values().clone();
    let mut marks = Vec::new();
    let mut report = SecretReport {
        policy,
        ..Default::default()
    };
    for ind in manifest.indicators.iter().filter(|i| i.secret) {
        let Some(j) = d.indicator_index(&ind.key) else {
            continue;
        };
        let column = values.column(j).to_vec();
        let mut r = SecretIndicatorReport {
            missing: column.iter().filter(|v| v.is_nan()).count(),
            ..Default::default()
        };
        if policy == SecretPolicy::Estimate {
            for (i, e) in estimate_column(units, &column).into_iter().enumerate() {
                if let Some((v, level)) = e {
                    values[(i, j)] = v;
                    marks.push((i, j, level));
                    *r.estimated.entry(level.as_str().to_string()).or_default() += 1;
                }
            }
        }
        r.still_missing = r.missing - r.estimated.values().sum::<usize>();
        report.indicators.insert(ind.key.clone(), r);
    }
    let dataset = Dataset::new(
        units.to_vec(),
        d.indicators().to_vec(),
        values,
        d.names().clone(),
    )?
    .with_estimates(marks)?;
    output.territory.dataset = dataset;
    output.report.secret = Some(report);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, commune: &str, epci: &str, dep: &str, pop: f64) -> BaseUnit {
        BaseUnit {
            code: code.into(),
            name: code.into(),
            commune: commune.into(),
            epci: epci.into(),
            departement: dep.into(),
            region: "84".into(),
            population: pop,
        }
    }

    #[test]
    fn nothing_missing_estimates_nothing() {
        let u = [unit("A", "a", "E", "01", 1.0)];
        assert_eq!(estimate_column(&u, &[3.0]), vec![None]);
    }

    #[test]
    fn all_missing_stays_missing() {
        let u = [
            unit("A", "a", "E", "01", 1.0),
            unit("B", "b", "E", "01", 1.0),
        ];
        assert_eq!(estimate_column(&u, &[f64::NAN, f64::NAN]), vec![None, None]);
    }

    #[test]
    fn the_smallest_enclosing_territory_with_published_values_gives_a_weighted_mean() {
        let u = [
            // Two IRIS of commune a: one secret, one published.
            unit("a1", "a", "E", "01", 100.0),
            unit("a2", "a", "E", "01", 300.0),
            // Commune b, alone and secret, in EPCI E with a (published 10 and 20).
            unit("b", "b", "E", "01", 50.0),
            unit("c", "c", "E", "01", 100.0),
            // Commune d, secret, in EPCI F where nothing is published: département 01.
            unit("d", "d", "F", "01", 10.0),
            // Commune z, secret, no EPCI: département 02 has only z → stays missing.
            unit("z", "z", NO_EPCI_CODE, "02", 10.0),
        ];
        let v = [f64::NAN, 10.0, f64::NAN, 20.0, f64::NAN, f64::NAN];
        let got = estimate_column(&u, &v);
        assert_eq!(got[0], Some((10.0, Level::Commune)));
        assert_eq!(got[1], None);
        // EPCI E: (300·10 + 100·20) / 400 = 12.5, from published units only.
        assert_eq!(got[2], Some((12.5, Level::Epci)));
        assert_eq!(got[4], Some((12.5, Level::Departement)));
        assert_eq!(got[5], None);
    }

    #[test]
    fn policies_parse_and_others_are_refused_in_french() {
        assert_eq!("leave".parse(), Ok(SecretPolicy::Leave));
        let e = "fill".parse::<SecretPolicy>().unwrap_err();
        assert!(e.contains("« fill »"), "{e}");
    }
}
