//! The one error type of the HTTP layer: a status and a message, rendered as JSON.
//!
//! Each library error becomes an [`ApiError`] by an exhaustive `match` on its variants: a new
//! variant does not compile until someone decides whether it is the client's mistake (4xx,
//! the message says what to change) or a fault of the server (5xx, logged, generic message).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ifn_core::offer::OfferError;
use ifn_core::CoreError;
use ifn_diagnostic::DiagnosticError;
use ifn_export::ExportError;
use ifn_tiles::TilesError;
use serde::Serialize;
use utoipa::ToSchema;

/// Result type of the handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error answered as `{"error": "<message>", "status": <code>}`.
///
/// 4xx for what the client sent (the message says what to change), 5xx only for faults of the
/// server, which are logged with `tracing::error!`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Message for the client.
    pub message: String,
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong with the request, and what to change.
    pub error: String,
    /// The HTTP status, repeated.
    pub status: u16,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 500, logged with the whole chain of causes; the client gets a generic message.
    pub fn internal(context: &str, cause: &(dyn std::error::Error + 'static)) -> ApiError {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "erreur interne du serveur ({context}) : réessayez ; si elle persiste, signalez-la \
                 à l'administrateur (le détail est dans le journal du serveur)"
            ),
        )
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        match e {
            // What the client chose: a profile, indicators, weights, a reference.
            CoreError::UnknownProfile(_)
            | CoreError::UnknownReference(_)
            | CoreError::IndicatorNotInProfile { .. }
            | CoreError::IndicatorWithoutData { .. }
            | CoreError::EmptySelection(_)
            | CoreError::InvalidWeight { .. }
            | CoreError::AllWeightsZero
            | CoreError::Parameter { .. }
            // Options of an analysis are the client's too.
            | CoreError::AnalysisOption { .. } => ApiError::bad_request(e.to_string()),
            // A level in the URL that does not exist, or that this store lacks.
            CoreError::UnknownLevel(_) | CoreError::LevelUnavailable { .. } => {
                ApiError::not_found(e.to_string())
            }
            // The store and catalogue were validated at start-up: meeting these now is a bug.
            CoreError::Catalogue { .. }
            | CoreError::Dataset(_)
            | CoreError::Table { .. }
            | CoreError::LocalIndicators { .. } => ApiError::internal("lecture du magasin de territoires", &e),
            CoreError::Csv { .. } | CoreError::Write(_) | CoreError::Json(_) => {
                ApiError::internal("écriture de la réponse", &e)
            }
        }
    }
}

/// Bad options are the client's, the rest the server's.
impl From<OfferError> for ApiError {
    fn from(e: OfferError) -> ApiError {
        match e {
            OfferError::BadOption { .. } | OfferError::NotANumber { .. } => {
                ApiError::bad_request(e.to_string())
            }
            OfferError::Core(c) => ApiError::from(c),
            OfferError::IndexMismatch { .. } | OfferError::ScoresMismatch { .. } => {
                ApiError::internal("calcul de l'offre de médiation", &e)
            }
        }
    }
}

impl From<TilesError> for ApiError {
    fn from(e: TilesError) -> ApiError {
        match e {
            TilesError::ZoomOutOfRange { .. } | TilesError::TileOutOfRange { .. } => {
                ApiError::bad_request(e.to_string())
            }
            // The server encodes tiles, it never decodes one nor reads or writes an archive:
            // these are bugs.
            TilesError::Decode { .. }
            | TilesError::Gzip(_)
            | TilesError::Pmtiles { .. }
            | TilesError::InvalidArchive { .. }
            | TilesError::Metadata(_)
            | TilesError::Io(_) => ApiError::internal("encodage d'une tuile", &e),
        }
    }
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> ApiError {
        match e {
            ExportError::NoContours { .. } | ExportError::UnknownFormat(_) => {
                ApiError::not_found(e.to_string())
            }
            // Formats the server does not stream (PMTiles) are refused before exporting.
            ExportError::Unsupported(_) => ApiError::not_found(e.to_string()),
            // Files are written to memory from the state's own scores and offer: any failure
            // is the server's.
            ExportError::Exists(_)
            | ExportError::Io { .. }
            | ExportError::NotAFile(_)
            | ExportError::OfferMismatch { .. }
            | ExportError::Fgb { .. }
            | ExportError::Gdal { .. }
            | ExportError::Csv(_)
            | ExportError::GeoJson(_)
            | ExportError::Write(_)
            // The server builds no PMTiles pyramid.
            | ExportError::MaxZoom { .. } => ApiError::internal("écriture de l'export", &e),
            ExportError::Tiles(t) => ApiError::from(t),
        }
    }
}

impl From<DiagnosticError> for ApiError {
    fn from(e: DiagnosticError) -> ApiError {
        match e {
            DiagnosticError::UnknownTerritory { .. } => ApiError::not_found(e.to_string()),
            DiagnosticError::Core(c) => ApiError::from(c),
            DiagnosticError::Offer(o) => ApiError::from(o),
            DiagnosticError::Write { .. } => ApiError::internal("écriture du diagnostic", &e),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> ApiError {
        ApiError::internal("exécution d'une tâche de fond", &e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
            status: self.status.as_u16(),
        };
        (self.status, Json(body)).into_response()
    }
}
