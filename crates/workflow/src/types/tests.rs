//! Tests of case type parsing.
