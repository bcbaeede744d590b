//! # ifn-test-support — the demo territory, built once per test binary
//!
//! Test support shared by the tests of the workspace (a dev-dependency only, never published),
//! in the way of martin's test harness: what every test needs is built once, in a
//! [`OnceLock`], and handed out by reference.
//!
//! - [`demo`]: the demo territory ([`ifn_core::demo::generate`]), its [`Engine`] with the
//!   built-in catalogue and its [`PlaceIndex`];
//! - [`selection`]: a selection of a built-in profile on that engine;
//! - `router` (feature `server`): the server's `Router` over the same territory, cheap to
//!   call again (a clone of one shared state);
//! - [`fixture`]: the path of a file of `data/fixtures/`;
//! - [`browser`]: the headless Chromium of the end-to-end tests, required when
//!   `IFN_REQUIRE_BROWSER=1` (as `.ci/run` sets it).
//!
//! ```
//! let demo = ifn_test_support::demo();
//! let sel = ifn_test_support::selection("tout-age");
//! let scores = demo.engine.score(ifn_core::Level::Departement, &sel).unwrap();
//! assert!(scores.index_of("X1").is_some());
//! assert!(std::ptr::eq(demo, ifn_test_support::demo()), "built once");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ifn_core::offer::PlaceIndex;
use ifn_core::{Catalogue, Engine, Selection, Territory};

/// The demo territory with what most tests build from it.
#[derive(Debug)]
pub struct Demo {
    /// The fictional territory of [`ifn_core::demo::generate`].
    pub territory: Territory,
    /// The scoring engine over its dataset, with the built-in catalogue.
    pub engine: Engine,
    /// The nearest-place index of its units, contours and places.
    pub index: PlaceIndex,
}

/// The demo territory, its engine and place index, built on the first call of the test binary.
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let territory = ifn_core::demo::generate();
        let engine = Engine::new(territory.dataset.clone(), Catalogue::builtin().clone());
        let index = PlaceIndex::build(
            territory.dataset.units(),
            &territory.geometries,
            &territory.places,
        );
        Demo {
            territory,
            engine,
            index,
        }
    })
}

/// The selection of a built-in profile (`tout-age`, `seniors`, …) with its default weights, on
/// the demo engine.
///
/// # Panics
/// When the profile is not one of the built-in catalogue: a mistake in the test.
pub fn selection(profile: &str) -> Selection {
    Selection::builder(profile)
        .build(&demo().engine)
        .unwrap_or_else(|e| panic!("profile {profile} of the built-in catalogue: {e}"))
}

/// The server's state over the demo territory, built once.
#[cfg(feature = "server")]
pub fn app_state() -> &'static ifn_server::AppState {
    static STATE: OnceLock<ifn_server::AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        ifn_server::AppState::new(ifn_core::demo::generate(), Catalogue::builtin().clone())
    })
}

/// The server's `Router` over the demo territory: the state is built once, each call clones
/// it (its contents are shared), so a test can take a fresh `Router` for each request.
#[cfg(feature = "server")]
pub fn router() -> axum::Router {
    ifn_server::router(app_state().clone())
}

/// Path of a file of the workspace's `data/fixtures/` folder.
///
/// ```
/// assert!(ifn_test_support::fixture("table-small.csv").is_file());
/// ```
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("data/fixtures").join(name)
}

/// The workspace's root folder.
pub fn workspace_root() -> &'static Path {
    // This crate lives in `crates/test-support`.
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The headless browser of the end-to-end tests: `$IFN_CHROMIUM`, else the first of the usual
/// Chromium paths that exists. `None` when there is none, so that a developer without
/// Chromium can still run the other tests.
///
/// # Panics
/// When there is none and `IFN_REQUIRE_BROWSER=1` (set by `.ci/run`): in CI a missing
/// browser fails the test instead of skipping it.
pub fn browser() -> Option<PathBuf> {
    let found = std::env::var_os("IFN_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
        });
    if found.is_none() {
        assert!(
            !require_browser(),
            "IFN_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium, or set IFN_CHROMIUM)"
        );
        eprintln!("skipped: no Chromium (apt-get install chromium, or set IFN_CHROMIUM)");
    }
    found
}

/// Whether a missing browser must fail the tests (`IFN_REQUIRE_BROWSER=1`).
pub fn require_browser() -> bool {
    std::env::var("IFN_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}
