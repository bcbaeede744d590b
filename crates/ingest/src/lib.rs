//! # ifn-ingest — official open data in, territory store out
//!
//! Readers for the files producers publish (IGN boundaries through `gdal`, INSEE / ARCEP tables
//! through `polars`, the national standard for mediation places), and the ifn territory store:
//! a folder with FlatGeobuf contours per level and Parquet indicator values.
//!
//! [`build::build`] turns a folder of official files, described by a [`manifest::Manifest`],
//! into a [`ifn_core::Territory`] and a [`report::BuildReport`]; [`fetch`] downloads the files a
//! manifest lists.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Errors carry the file, line, column and offending value so that users can fix their input;
// they are returned once per build, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod archive;
pub mod build;
pub mod fetch;
pub mod geography;
pub mod manifest;
pub mod places;
pub mod plan;
pub mod report;
pub mod store;
pub mod table;
pub mod vector;

pub use store::{read_store, write_store, write_store_with, StoreError, StoreResult};
