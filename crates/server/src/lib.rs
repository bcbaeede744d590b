//! # ifn-server — vector tiles, JSON API and the embedded map viewer
//!
//! [`router`] builds the axum `Router` over an [`AppState`]; `ifn serve` and the tests share
//! it. The HTTP contract is `docs/api.md`, also served as OpenAPI at `/api/openapi.json`.
//!
//! - CPU work (scoring, clipping, tile encoding, CSV) runs in `spawn_blocking`.
//! - Every client mistake is a 4xx with a JSON body `{"error", "status"}`, never a panic; a
//!   fault of the server is a logged 5xx (see [`error`]).
//! - Tile geometry is cached per tile; scores per selection; encoded tiles per
//!   (level, tile, selection). A new weight set re-attaches scores, it does not re-clip.
//!
//! ```
//! use axum::body::Body;
//! use axum::http::Request;
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let state = ifn_server::AppState::new(ifn_core::demo::generate(), ifn_core::Catalogue::builtin().clone());
//! let app = ifn_server::router(state);
//! let res = app.oneshot(Request::get("/health").body(Body::empty()).unwrap()).await.unwrap();
//! assert_eq!(res.status(), 200);
//! # });
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod assets;
pub mod cache;
pub mod error;
pub mod http;
pub mod model;
pub mod openapi;
pub mod query;
pub mod routes;
pub mod search;
pub mod site;
pub mod state;

use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, ApiResult};
pub use state::AppState;

/// Longest request URI accepted (path and query).
pub const MAX_URI_BYTES: usize = 8192;

/// Longest a request may take. The slowest answers are the first exports of a national level
/// (a GeoPackage of every IRIS); anything longer is stuck.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

async fn limit_uri(req: Request, next: Next) -> Response {
    // Measured without formatting the URI: this runs on every request.
    let uri = req.uri();
    let len = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "adresse de {len} octets : au plus {MAX_URI_BYTES} sont acceptés, raccourcissez-la"
            ),
        )
        .into_response();
    }
    next.run(req).await
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi::document())
}

/// The application: API, tiles and the embedded viewer.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(routes::api::health))
        .route("/api/meta", get(routes::api::meta))
        .route("/api/catalogue", get(routes::api::catalogue))
        .route("/api/search", get(routes::api::search))
        .route(
            "/api/territories/{level}/{code}",
            get(routes::api::territory),
        )
        .route("/api/scores/{level}", get(routes::api::scores))
        .route(
            "/api/table/{level}",
            // 35,000 communes make ~10 MB of JSON: gzip brings it to a few hundred KB.
            get(routes::table::territories).layer(CompressionLayer::new()),
        )
        .route("/api/compare", get(routes::api::compare))
        .route("/api/analyse/delta/{level}", get(routes::analyse::delta))
        .route(
            "/api/analyse/robustness/{level}",
            get(routes::analyse::robustness),
        )
        .route(
            "/api/analyse/correlations/{level}",
            get(routes::analyse::correlations),
        )
        .route("/api/evolution", get(routes::evolution::info))
        .route("/api/evolution/{level}", get(routes::evolution::evolution))
        .route("/api/places", get(routes::api::places))
        .route("/api/places/facets", get(routes::api::place_facets))
        .route("/api/export/{file}", get(routes::export::export))
        .route(
            "/diagnostic/{level}/{code}",
            get(routes::export::diagnostic),
        )
        .route("/api/openapi.json", get(openapi))
        .route("/tiles/{file}", get(routes::tiles::tilejson))
        .route("/tiles/labels/{file}", get(routes::labels::tilejson))
        .route(
            "/tiles/labels/{level}/{z}/{x}/{y}",
            get(routes::labels::tile),
        )
        .route("/fonts/{fontstack}/{range}", get(routes::fonts::glyphs))
        .route("/api/style/{file}", get(routes::style::style))
        .route("/tiles/{layer}/{z}/{x}/{y}", get(routes::tiles::tile))
        .fallback(assets::serve)
        .layer(middleware::from_fn(limit_uri))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        // Spans per request at DEBUG (method, URI), responses and failures logged in them.
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the [`router`] on a bound listener until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
