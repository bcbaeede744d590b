//! # ifn-core — the Indice de Fragilité Numérique method, without I/O
//!
//! This crate holds the model of the IFN (territories at five levels, indicators, profiles, user
//! weights) and the 2023 method of the public IFN:
//!
//! 1. **classes**: for each indicator, over a reference set of base units (IRIS or communes not
//!    split into IRIS), a unit's class is `clamp(ceil(10·F(x)), 1, 10)` where `F(x)` is the share
//!    of units whose value is ≤ `x` (ties take the upper class; missing values are left out);
//! 2. **total**: the weighted mean of the classes of the selected indicators present for the unit;
//! 3. **roll-up**: commune, EPCI, département and région values are population-weighted means of
//!    their base units' values.
//!
//! Classes depend only on the data and the reference set, so [`Engine`] computes them once;
//! a new weight set or indicator selection only redoes the means and roll-ups.
//!
//! [`analysis`] answers an analyst's questions about a weighting: what it changed against the
//! public method, how robust each rank is to the weights, which indicators overlap.
//!
//! ```
//! use ifn_core::{Catalogue, Dataset, BaseUnit, Engine, Level, Selection, Reference};
//! use ndarray::array;
//!
//! let units = (1..=4).map(|i| BaseUnit {
//!     code: format!("0100{i}0000"), name: format!("Commune {i}"),
//!     commune: format!("0100{i}"), epci: "200000001".into(),
//!     departement: "01".into(), region: "84".into(), population: 100.0 * i as f64,
//! }).collect();
//! let values = array![[1.0, 10.0], [2.0, 10.0], [3.0, 20.0], [4.0, f64::NAN]];
//! let dataset = Dataset::new(units, vec!["poverty_rate".into(), "older_65_rate".into()], values, Default::default()).unwrap();
//! let engine = Engine::new(dataset, Catalogue::builtin().clone());
//! let selection = Selection::builder("tout-age").indicators(["poverty_rate", "older_65_rate"]).build(&engine).unwrap();
//! let scores = engine.score(Level::Iris, &selection).unwrap();
//! // poverty classes 3, 5, 8, 10; age classes 7, 7, 10, missing → totals 5, 6, 9, 10.
//! assert_eq!(scores.total, vec![5.0, 6.0, 9.0, 10.0]);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod catalogue;
pub mod classes;
pub mod dataset;
pub mod demo;
pub mod engine;
pub mod error;
pub mod evolution;
pub mod geodesy;
pub mod level;
pub mod local;
pub mod offer;
pub mod params;
pub mod report;
pub mod rng;
pub mod rules;
pub mod selection;
pub mod table;
pub mod territory;
pub mod text;

pub use catalogue::{Axis, Catalogue, IndicatorDef, ProfileDef};
pub use dataset::{BaseUnit, Dataset, Names, NO_EPCI_CODE};
pub use engine::{ColumnsPair, Engine, LevelScores, Reweighter, ReweighterScratch, UnitScores};
pub use error::{CoreError, CoreResult, DatasetError};
pub use level::Level;
pub use params::{OfferParams, SelectionParams};
pub use rules::{rules, DomainRules};
pub use selection::{parse_weights, Reference, Selection, SelectionBuilder, SelectionContext};
pub use territory::{Feature, Place, PlaceKind, SourceInfo, Territory, TerritoryMeta};
