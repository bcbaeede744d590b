//! Errors of the diagnostic.

use std::path::PathBuf;

use ifn_core::offer::OfferError;
use ifn_core::{CoreError, Level};
use thiserror::Error;

/// Result type of this crate.
pub type DiagnosticResult<T> = Result<T, DiagnosticError>;

/// What can go wrong when building or writing a diagnostic.
#[derive(Debug, Error)]
pub enum DiagnosticError {
    /// No territory with this code at this level.
    #[error("aucun territoire de niveau {level} avec le code « {code} » dans ce magasin : vérifiez le code (les codes INSEE gardent leur zéro initial, un EPCI se désigne par son numéro SIREN) ou cherchez le territoire")]
    UnknownTerritory {
        /// The level asked for.
        level: Level,
        /// The code asked for.
        code: String,
    },
    /// Scoring failed (bad selection, level not available).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The offer computation failed (bad threshold or distance).
    #[error(transparent)]
    Offer(#[from] OfferError),
    /// The page could not be written.
    #[error("impossible d'écrire la page dans {path} : vérifiez que son dossier existe et est accessible en écriture")]
    Write {
        /// The file (or its temporary sibling).
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    #[test]
    fn a_write_error_names_the_file_and_keeps_its_cause_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing/d.html");
        let e = crate::write_atomic(&path, "x").expect_err("the folder does not exist");
        let cause = e.source().expect("the io error is the source").to_string();
        let message = e.to_string();
        assert!(message.contains("missing"), "{message}");
        // Printed with its chain (`{:#}` in the binary), the cause must appear once.
        assert!(!message.contains(&cause), "{message} repeats {cause}");
    }
}
