//! One module per subcommand, plus the options they share.

pub mod analyse;
pub mod build;
pub mod common;
pub mod demo;
pub mod diagnostic;
pub mod evolution;
pub mod export;
pub mod fetch;
pub mod info;
pub mod score;
pub mod serve;
pub mod site;
