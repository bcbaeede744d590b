//! The analyst's own indicators (`--indicators-file FILE.csv`), added at run time.
//!
//! # The file
//!
//! A CSV keyed by INSEE code: a `code` column (an IRIS or a commune code, kept as text) and one
//! or more value columns, each of which becomes an indicator whose key is the column name.
//! Separator `,` or `;` (detected from the header); with `;`, decimal commas are accepted.
//! Empty cells, `s`, `nd`, `NA`, `n/a` are missing values, never zero
//! ([`crate::table::parse_cell`], the one cell reader of ifn).
//!
//! Label, unit, orientation, definition, source and vintage of each column come from a TOML
//! file beside the CSV (same name, `.toml` extension), read by the caller and passed as a
//! [`Sidecar`]:
//!
//! ```toml
//! [indicators.illectronisme]
//! label = "Part des personnes en situation d'illectronisme"
//! unit = "%"
//! higher_is_fragile = true        # default; false reverses the value before ranking
//! definition = "Enquête communale 2024"
//! source = "Ville de Lyon"
//! vintage = "2024"
//! ```
//!
//! For a file with a single value column, [`LocalOptions`] can give the label, unit and
//! orientation instead (they override the TOML).
//!
//! Every error names the file, the line and the column ([`CoreError::LocalIndicators`]), and a
//! file with an error is not used at all.
//!
//! # The rule (how values reach base units)
//!
//! [`LocalIndicators::apply`] gives each base unit (IRIS, or commune not split into IRIS)
//! the row of its own code when the file has one, otherwise the row of its commune: **a
//! commune-level value is spread to the commune's IRIS, the same value for each IRIS**, as
//! `ifn build` does for commune-level sources. A unit with neither keeps a missing value. A
//! code of 4 or 8 digits that matches nothing is tried with the leading zero a spreadsheet
//! drops (`1001` → `01001`). Codes that match no base unit and no commune are listed in
//! [`LocalReport::unmatched`].
//!
//! Classes are then computed by the same rule as every indicator (deciles over the reference
//! set, see the crate docs): a local indicator whose values equal those of a catalogue
//! indicator gets the same classes. Each local indicator is added to the "contexte" axis of
//! every profile ([`Catalogue::push_context_indicator`]), so it can be ticked and weighted but
//! is not in the default selection. Its producer is `indicateur local` and its source the file
//! name.
//!
//! ```
//! use ifn_core::local::{LocalIndicators, LocalOptions};
//! use ifn_core::{BaseUnit, Catalogue, Dataset};
//! use ndarray::array;
//!
//! // Two IRIS of commune 01001 and a commune not split into IRIS.
//! let unit = |code: &str, commune: &str| BaseUnit { code: code.into(), name: code.into(),
//!     commune: commune.into(), epci: "".into(), departement: "01".into(), region: "84".into(),
//!     population: 100.0 };
//! let units = vec![unit("010010101", "01001"), unit("010010102", "01001"), unit("010020000", "01002")];
//! let dataset = Dataset::new(units, vec!["poverty_rate".into()], array![[1.0], [2.0], [3.0]],
//!     Default::default()).unwrap();
//! let csv = "code;illectronisme\n01001;12,5\n010020000;20\n99999;1\n";
//! let local = LocalIndicators::read(csv.as_bytes(), "illectronisme.csv", None,
//!     &LocalOptions::default()).unwrap();
//! let (d, c, report) = local.apply(&dataset, Catalogue::builtin()).unwrap();
//! let col = d.indicator_index("illectronisme").unwrap();
//! assert_eq!(d.values().column(col).to_vec(), vec![12.5, 12.5, 20.0]);
//! assert_eq!(c.indicator("illectronisme").unwrap().producer, "indicateur local");
//! assert_eq!(report.unmatched, vec!["99999"]);
//! ```

mod apply;
mod read;
#[cfg(test)]
mod tests;

use ndarray::Array2;

use crate::catalogue::IndicatorDef;
#[cfg(doc)]
use crate::{catalogue::Catalogue, error::CoreError};

pub use apply::LocalReport;

/// The producer shown for every local indicator.
pub const LOCAL_PRODUCER: &str = "indicateur local";

/// The label, unit and orientation of a file with a single value column, given on the command
/// line (`--indicator-label`, `--indicator-unit`, `--lower-is-fragile`). They override the TOML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalOptions {
    /// Label of the indicator.
    pub label: Option<String>,
    /// Unit of the indicator (`%`, `km`, …).
    pub unit: Option<String>,
    /// A lower value means more fragility: the value is reversed before ranking.
    pub lower_is_fragile: bool,
}

impl LocalOptions {
    /// Whether any option is given.
    pub fn is_empty(&self) -> bool {
        self.label.is_none() && self.unit.is_none() && !self.lower_is_fragile
    }
}

/// The TOML file beside the CSV: its text and its name for error messages.
#[derive(Debug, Clone, Copy)]
pub struct Sidecar<'a> {
    /// The TOML text.
    pub text: &'a str,
    /// The file name, for error messages.
    pub origin: &'a str,
}

/// A valid file of local indicators, read but not yet matched to base units.
#[derive(Debug, Clone)]
pub struct LocalIndicators {
    /// The CSV file name, for messages and as the default source.
    origin: String,
    /// One definition per value column, in file order.
    defs: Vec<IndicatorDef>,
    /// The code of each row, as written (trimmed).
    codes: Vec<String>,
    /// The line of each row in the file (for duplicate codes found when matching).
    lines: Vec<u64>,
    /// Rows × value columns, NaN for missing.
    values: Array2<f64>,
}

impl LocalIndicators {
    /// The definitions of the indicators of the file, in column order.
    pub fn definitions(&self) -> &[IndicatorDef] {
        &self.defs
    }

    /// The codes of the rows, in file order.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// The values, rows × indicators (NaN for missing).
    pub fn values(&self) -> &Array2<f64> {
        &self.values
    }

    /// The CSV file name given to [`LocalIndicators::read`].
    pub fn origin(&self) -> &str {
        &self.origin
    }
}
