//! Handlers, grouped by family.

pub mod api;
pub mod export;
pub mod tiles;
