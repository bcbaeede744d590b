//! Handlers, grouped by family.

pub mod analyse;
pub mod api;
pub mod detail;
pub mod export;
pub mod table;
pub mod tiles;
