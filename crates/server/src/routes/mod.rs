//! Handlers, grouped by family.

pub mod analyse;
pub mod api;
pub mod detail;
pub mod evolution;
pub mod export;
pub mod fonts;
pub mod labels;
pub mod style;
pub mod table;
pub mod tiles;
