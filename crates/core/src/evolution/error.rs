//! Errors of the comparison of two vintages.

use thiserror::Error;

use crate::error::CoreError;

/// Result type of [`crate::evolution`].
pub type EvolutionResult<T> = Result<T, EvolutionError>;

/// What can go wrong when comparing two vintages. Messages in French (the CLI and the API
/// show them as they are).
#[derive(Debug, Error)]
pub enum EvolutionError {
    /// The table of changes could not be read.
    #[error("lecture de la table des changements du COG {origin}")]
    Read {
        /// Where the table came from.
        origin: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A row or the header of the table of changes is not in INSEE's format.
    #[error("table des changements du COG {origin}, ligne {line}{}: {message}",
        if column.is_empty() { " ".to_string() } else { format!(", colonne {column} ") })]
    Changes {
        /// Where the table came from.
        origin: String,
        /// Line (1 = the header).
        line: u64,
        /// Column concerned (empty when the whole row is).
        column: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The table of changes could not be written.
    #[error("écriture de la table des changements du COG : {0}")]
    Write(String),
    /// The level cannot be compared.
    #[error("niveau « {level} » absent du millésime {vintage} : choisissez un niveau présent dans les deux magasins")]
    LevelMissing {
        /// The level.
        level: String,
        /// `A` (earlier) or `B` (later).
        vintage: &'static str,
    },
    /// Scoring one of the vintages failed.
    #[error(transparent)]
    Core(#[from] CoreError),
}
