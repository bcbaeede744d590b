//! `GET /api/table/{level}`: every territory of a level as columns, for the viewer's table view
//! (sort, filter by name and parent, CSV of the view) — the map's equivalent without a map.

use std::collections::BTreeMap;

use ifn_core::Level;
use serde::Serialize;
use utoipa::ToSchema;

use super::SelectionEcho;

/// Every territory of a level, column by column (row `i` of each column is territory `i`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TableAnswer {
    /// The level.
    #[schema(value_type = String)]
    pub level: Level,
    /// The selection the scores and classes follow.
    pub selection: SelectionEcho,
    /// Territory codes.
    pub code: Vec<String>,
    /// Territory names.
    pub name: Vec<String>,
    /// Code of each territory's département (`null` for a région).
    pub departement: Vec<Option<String>>,
    /// Code of each territory's EPCI (communes and IRIS; `null` otherwise).
    pub epci: Vec<Option<String>>,
    /// Population.
    pub population: Vec<Option<f64>>,
    /// Total score (`null` without data).
    pub total: Vec<Option<f64>>,
    /// Selected indicators with a value.
    pub indicators_used: Vec<u8>,
    /// Class of each selected indicator, by key.
    pub classes: BTreeMap<String, Vec<Option<f64>>>,
    /// Raw value of each selected indicator, by key.
    pub raw: BTreeMap<String, Vec<Option<f64>>>,
    /// Names of the départements referred to (code → name).
    pub departement_names: BTreeMap<String, String>,
    /// Names of the EPCI referred to (code → name).
    pub epci_names: BTreeMap<String, String>,
}
