//! Errors of the scoring core.

use thiserror::Error;

/// Result type of this crate.
pub type CoreResult<T> = Result<T, CoreError>;

/// Everything that can go wrong in the core. Each message, in French (the viewer and the CLI
/// show it as it is), says what the user can do; variant names and keys stay as in the code.
#[derive(Debug, Error)]
pub enum CoreError {
    /// The indicator catalogue could not be parsed.
    #[error("catalogue d'indicateurs {origin} : {message}")]
    Catalogue {
        /// Where the catalogue came from (file path or "built-in").
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// An unknown profile key.
    #[error("profil inconnu « {0} » : choisissez tout-age, senior ou jeune (ou un profil de votre catalogue)")]
    UnknownProfile(String),
    /// An unknown level name.
    #[error("niveau inconnu « {0} » : choisissez iris, commune, epci, departement ou region")]
    UnknownLevel(String),
    /// An unknown reference set.
    #[error("référence inconnue « {0} » : choisissez france, departement ou region")]
    UnknownReference(String),
    /// An indicator key that is not in the catalogue or not in the chosen profile.
    #[error(
        "l'indicateur « {key} » n'appartient pas au profil « {profile} » ; ses indicateurs sont : {known}"
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
    #[error("l'indicateur « {key} » n'a pas de données dans ce jeu ; indicateurs disponibles : {available}")]
    IndicatorWithoutData {
        /// The key.
        key: String,
        /// The keys the dataset holds, comma separated.
        available: String,
    },
    /// The selection is empty.
    #[error("aucun indicateur retenu : choisissez au moins un indicateur du profil « {0} » qui a des données")]
    EmptySelection(String),
    /// A weight that is not a finite number ≥ 0, or a malformed `key=value` pair.
    #[error("poids invalide « {text} » : {reason}")]
    InvalidWeight {
        /// The text given.
        text: String,
        /// Why it is refused.
        reason: String,
    },
    /// All weights are zero.
    #[error(
        "tous les poids sont à 0 : donnez un poids supérieur à 0 à au moins un indicateur retenu"
    )]
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
    #[error("le niveau {level} n'est pas disponible : {reason}")]
    LevelUnavailable {
        /// The level asked.
        level: String,
        /// Why.
        reason: String,
    },
    /// An error in a table of base units, with file, line and column.
    #[error("{file} : ligne {line}, colonne « {column} » : {message}")]
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
    #[error("{file} : CSV mal formé")]
    Csv {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// An option of an analysis (draws, spread, …) out of its range.
    #[error("valeur invalide pour {option} « {value} » : {reason}")]
    AnalysisOption {
        /// The option (`--spread`, `--draws`, …).
        option: String,
        /// The value given.
        value: String,
        /// The range expected.
        reason: String,
    },
    /// Writing a report failed (disk full, closed pipe…); the cause is the `source`.
    #[error("l'écriture de la sortie a échoué (disque plein ou sortie fermée ?)")]
    Write(#[from] std::io::Error),
    /// JSON serialisation failed; the cause is the `source`.
    #[error("l'écriture du JSON a échoué")]
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
        "jeu de données invalide : les valeurs forment {rows}×{columns} cases pour {units} unités \
         et {indicators} indicateurs"
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
    #[error("jeu de données invalide : le code d'unité « {code} » apparaît deux fois")]
    DuplicateUnit {
        /// The code.
        code: String,
    },
    /// A population that is negative, NaN or infinite.
    #[error("jeu de données invalide : l'unité « {code} » a pour population {population} ; attendu : un nombre fini ≥ 0")]
    Population {
        /// The unit's code.
        code: String,
        /// The population given.
        population: f64,
    },
    /// Two indicator columns share a key.
    #[error("jeu de données invalide : l'indicateur « {key} » apparaît deux fois")]
    DuplicateIndicator {
        /// The key.
        key: String,
    },
    /// A reweighter asked for an indicator column the dataset does not have.
    #[error(
        "colonne d'indicateur {column} hors limites : le jeu de données a {indicators} indicateurs"
    )]
    ColumnOutOfRange {
        /// The column asked.
        column: usize,
        /// Number of indicators of the dataset.
        indicators: usize,
    },
    /// An output buffer whose length is not the number of territories.
    #[error("tampon de sortie de {len} cases pour {territories} territoires")]
    BufferLength {
        /// Length of the buffer given.
        len: usize,
        /// Number of territories.
        territories: usize,
    },
    /// Intermediate results the engine should have computed first are missing (a bug).
    #[error("erreur interne : {what} manquant")]
    Missing {
        /// What is missing.
        what: &'static str,
    },
    /// An infinite value (missing values are NaN).
    #[error("jeu de données invalide : unité « {unit} », indicateur « {indicator} » : valeur infinie (écrivez une valeur manquante NaN)")]
    InfiniteValue {
        /// The unit's code.
        unit: String,
        /// The indicator key.
        indicator: String,
    },
}
