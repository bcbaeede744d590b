//! # ifn-ingest — official open data in, territory store out
//!
//! Readers for the files producers publish (IGN boundaries through `gdal`, INSEE / ARCEP tables
//! through `polars`, the national standard for mediation places), and the ifn territory store:
//! a folder with FlatGeobuf contours per level and Parquet indicator values.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod store;

pub use store::{read_store, write_store, StoreError, StoreResult};
