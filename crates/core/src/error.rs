//! Errors of the scoring core.

use thiserror::Error;

/// Result type of this crate.
pub type CoreResult<T> = Result<T, CoreError>;

/// Everything that can go wrong in the core. Each message says what the user can do.
#[derive(Debug, Error)]
pub enum CoreError {
    /// The indicator catalogue could not be parsed.
    #[error("indicator catalogue {origin}: {message}")]
    Catalogue {
        /// Where the catalogue came from (file path or "built-in").
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// An unknown profile key.
    #[error("unknown profile '{0}': expected one of tout-age, senior, jeune (or a profile of your catalogue)")]
    UnknownProfile(String),
    /// An unknown level name.
    #[error("unknown level '{0}': expected iris, commune, epci, departement or region")]
    UnknownLevel(String),
    /// An unknown reference set.
    #[error("unknown reference '{0}': expected france, departement or region")]
    UnknownReference(String),
    /// An indicator key that is not in the catalogue or not in the chosen profile.
    #[error(
        "indicator '{key}' is not an indicator of profile '{profile}'; its indicators are: {known}"
    )]
    IndicatorNotInProfile {
        /// The key given.
        key: String,
        /// The profile.
        profile: String,
        /// The keys of the profile, comma separated.
        known: String,
    },
    /// An indicator of the profile for which the dataset holds no column.
    #[error("indicator '{key}' has no data in this dataset; indicators with data: {available}")]
    IndicatorWithoutData {
        /// The key.
        key: String,
        /// The keys the dataset holds, comma separated.
        available: String,
    },
    /// The selection is empty.
    #[error("no indicator selected: choose at least one indicator of profile '{0}' that has data")]
    EmptySelection(String),
    /// A weight that is not a finite number ≥ 0, or a malformed `key=value` pair.
    #[error("invalid weight '{text}': {reason}")]
    InvalidWeight {
        /// The text given.
        text: String,
        /// Why it is refused.
        reason: String,
    },
    /// All weights are zero.
    #[error("all weights are 0: at least one selected indicator needs a weight > 0")]
    AllWeightsZero,
    /// A request parameter (`profile`, `indicators`, `weights`, `reference`) was refused.
    ///
    /// The inner error is part of this message, not a `source`, so it is printed once; use
    /// [`CoreError::parameter`] to know which parameter was wrong.
    #[error("{name}: {reason}")]
    Parameter {
        /// The parameter's neutral name (`weights`, not `--weights`).
        name: &'static str,
        /// What is wrong with it.
        reason: Box<CoreError>,
    },
    /// Dataset construction failed: the values do not match the units and indicators.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A level the dataset cannot produce (no région codes, for example).
    #[error("level {level} is not available: {reason}")]
    LevelUnavailable {
        /// The level asked.
        level: String,
        /// Why.
        reason: String,
    },
    /// An error in a table of base units, with file, line and column.
    #[error("{file}: line {line}, column '{column}': {message}")]
    Table {
        /// The file (or "<input>").
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name.
        column: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// An error in a file of local indicators (`--indicators-file`) or in the TOML beside it,
    /// with file, line and column. Nothing of the file is used when it has one.
    ///
    /// The message is in French: it is meant for the analyst who wrote the file.
    #[error("{file} : ligne {line}, colonne « {column} » : {message}")]
    LocalIndicators {
        /// The file (CSV or TOML).
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name (`-` when the error concerns no column).
        column: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A CSV error while reading or writing a table. The cause (with its position) is the
    /// `source`.
    #[error("{file}: malformed CSV")]
    Csv {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// An option of an analysis (draws, spread, …) out of its range.
    #[error("invalid {option} '{value}': {reason}")]
    AnalysisOption {
        /// The option (`--spread`, `--draws`, …).
        option: String,
        /// The value given.
        value: String,
        /// The range expected.
        reason: String,
    },
    /// Writing a report failed (disk full, closed pipe…); the cause is the `source`.
    #[error("writing the output failed")]
    Write(#[from] std::io::Error),
    /// JSON serialisation failed; the cause is the `source`.
    #[error("JSON output failed")]
    Json(#[from] serde_json::Error),
}

impl CoreError {
    /// The selection parameter an error is about (`profile`, `indicators`, `weights`,
    /// `reference`), if any.
    ///
    /// ```
    /// use ifn_core::CoreError;
    /// assert_eq!(CoreError::AllWeightsZero.parameter(), Some("weights"));
    /// assert_eq!(CoreError::UnknownLevel("x".into()).parameter(), None);
    /// ```
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            CoreError::Parameter { name, .. } => Some(*name),
            CoreError::UnknownProfile(_) => Some("profile"),
            CoreError::IndicatorNotInProfile { .. }
            | CoreError::IndicatorWithoutData { .. }
            | CoreError::EmptySelection(_) => Some("indicators"),
            CoreError::InvalidWeight { .. } | CoreError::AllWeightsZero => Some("weights"),
            CoreError::UnknownReference(_) => Some("reference"),
            _ => None,
        }
    }

    /// Wraps a selection error in [`CoreError::Parameter`] naming its parameter (other errors
    /// and already wrapped ones are returned unchanged).
    pub fn in_parameter(self) -> CoreError {
        match (&self, self.parameter()) {
            (CoreError::Parameter { .. }, _) | (_, None) => self,
            (_, Some(name)) => CoreError::Parameter {
                name,
                reason: Box::new(self),
            },
        }
    }
}

/// Why a [`Dataset`](crate::Dataset) cannot be built from its parts.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DatasetError {
    /// The value matrix does not have one row per unit and one column per indicator.
    #[error(
        "invalid dataset: values are {rows}×{columns} but there are {units} units and \
         {indicators} indicators"
    )]
    Shape {
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        columns: usize,
        /// Number of base units.
        units: usize,
        /// Number of indicators.
        indicators: usize,
    },
    /// Two base units share a code.
    #[error("invalid dataset: base unit code '{code}' appears twice")]
    DuplicateUnit {
        /// The code.
        code: String,
    },
    /// A population that is negative, NaN or infinite.
    #[error("invalid dataset: base unit '{code}' has population {population}: expected a finite number ≥ 0")]
    Population {
        /// The unit's code.
        code: String,
        /// The population given.
        population: f64,
    },
    /// Two indicator columns share a key.
    #[error("invalid dataset: indicator '{key}' appears twice")]
    DuplicateIndicator {
        /// The key.
        key: String,
    },
    /// A reweighter asked for an indicator column the dataset does not have.
    #[error("indicator column {column} out of range: the dataset has {indicators} indicators")]
    ColumnOutOfRange {
        /// The column asked.
        column: usize,
        /// Number of indicators of the dataset.
        indicators: usize,
    },
    /// An output buffer whose length is not the number of territories.
    #[error("output buffer of {len} for {territories} territories")]
    BufferLength {
        /// Length of the buffer given.
        len: usize,
        /// Number of territories.
        territories: usize,
    },
    /// Intermediate results the engine should have computed first are missing (a bug).
    #[error("internal: {what} missing")]
    Missing {
        /// What is missing.
        what: &'static str,
    },
    /// An infinite value (missing values are NaN).
    #[error("invalid dataset: base unit '{unit}', indicator '{indicator}': infinite value (write a missing value as NaN)")]
    InfiniteValue {
        /// The unit's code.
        unit: String,
        /// The indicator key.
        indicator: String,
    },
}
