//! Handlers, grouped by family.

pub mod analyse;
pub mod api;
pub mod export;
pub mod tiles;
