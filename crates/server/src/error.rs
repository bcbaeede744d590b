//! The one error type of the HTTP layer: a status and a message, rendered as JSON.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ifn_core::CoreError;
use ifn_tiles::TilesError;
use serde_json::json;

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

impl ApiError {
    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    /// 500, logged: the cause is kept in the log, the client gets a generic message.
    pub fn internal(context: &str, cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "{context}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error while {context}; see the server log"),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> ApiError {
        match e {
            CoreError::Write(_) | CoreError::Json(_) | CoreError::Csv { .. } => {
                ApiError::internal("writing the response", &e)
            }
            CoreError::LevelUnavailable { .. } => ApiError::not_found(e.to_string()),
            other => ApiError::bad_request(other.to_string()),
        }
    }
}

/// The HTTP error of an offer computation: bad options are the client's, the rest the server's.
pub(crate) fn offer_error(e: ifn_core::offer::OfferError) -> ApiError {
    use ifn_core::offer::OfferError;
    match e {
        OfferError::BadOption { .. } => ApiError::bad_request(e.to_string()),
        OfferError::Core(c) => ApiError::from(c),
        other => ApiError::internal("computing the mediation offer", &other),
    }
}

impl From<TilesError> for ApiError {
    fn from(e: TilesError) -> ApiError {
        match e {
            TilesError::ZoomOutOfRange { .. } | TilesError::TileOutOfRange { .. } => {
                ApiError::bad_request(e.to_string())
            }
            other => ApiError::internal("encoding a tile", &other),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> ApiError {
        ApiError::internal("running a background task", &e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, Json(body)).into_response()
    }
}
