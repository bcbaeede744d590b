//! The end-to-end tests of the `ifn` binary, compiled as one test binary (one link instead of
//! one per file, as ripgrep does): each file of `tests/` is a module here.
//!
//! Run them all with `cargo test --test main`, one file with `cargo test --test main cli::`.

mod analyse_e2e;
mod cli;
mod diagnostic_e2e;
mod evolution_e2e;
mod export_e2e;
mod fetch;
mod local_e2e;
mod plan;
mod real_data;
mod server_e2e;
