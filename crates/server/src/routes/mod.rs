//! Handlers, grouped by family.

pub mod api;
pub mod tiles;
