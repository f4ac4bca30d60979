//! Reads customer files for imports.

pub mod phone;
