//! Helpers for the integration tests: where the reference files are, and a small CSV reader
//! (the library itself does no IO and has no CSV dependency).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// `reference/NAME` at the repository's root (the project's reference data, kept in the clone).
pub fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference")
        .join(name)
}

/// One CSV row as column name → text.
pub type Row = HashMap<String, String>;

/// Reads a CSV file with a header (fields may be double-quoted).
pub fn read_csv(name: &str) -> Vec<Row> {
    let path = reference(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = split(lines.next().expect("a header"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().cloned().zip(split(l)).collect())
        .collect()
}

fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The field as a number ("inf" is infinity).
pub fn num(row: &Row, column: &str) -> f64 {
    let text = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column}"));
    text.parse()
        .unwrap_or_else(|_| panic!("column {column}: {text:?} is not a number"))
}

/// Asserts `|ours - expected| <= rel · max(|expected|, floor)`.
pub fn assert_close(what: &str, ours: f64, expected: f64, rel: f64, floor: f64) {
    if expected.is_infinite() {
        assert_eq!(ours, expected, "{what}");
        return;
    }
    let tol = rel * expected.abs().max(floor);
    assert!(
        (ours - expected).abs() <= tol,
        "{what}: ours {ours:e}, expected {expected:e} (tolerance {tol:e})"
    );
}
