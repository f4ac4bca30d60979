//! Reading and writing the planning commands' files: CSV tables whose errors name the file, the
//! line and the column; numbers parsed at the edge; output written whole or not at all.

use anyhow::Context;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Input that does not parse or validate: the command exits with code 2 and writes nothing.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Returns early with a [`BadInput`] error built like `format!`.
macro_rules! bad_input {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::cmd::wfm::input::BadInput(format!($($arg)*))))
    };
}
pub(crate) use bad_input;

/// The most data rows one input table may have (a year of 15-minute intervals for 100 queues is
/// 3.5 million).
pub const MAX_ROWS: usize = 5_000_000;

/// A CSV file read whole: its header and its rows with their line numbers.
pub struct Table {
    /// The file, as named on the command line (for messages).
    pub name: String,
    /// Column names, in file order.
    pub headers: Vec<String>,
    /// Data rows with the line each starts on (the header is line 1).
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Reads `path`; a missing file, a broken quote or a row with the wrong number of fields is
    /// bad input.
    pub fn read(path: &Path) -> anyhow::Result<Table> {
        let name = path.display().to_string();
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) => bad_input!("cannot read {name}: {err}"),
        };
        Table::from_reader(name, std::io::BufReader::new(file))
    }

    /// Reads a CSV text from `input`, named `name` in messages.
    pub fn from_reader(name: String, input: impl std::io::Read) -> anyhow::Result<Table> {
        let mut reader = csv::ReaderBuilder::new().from_reader(input);
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(err) => bad_input!("{name}: cannot read the header: {err}"),
        };
        if headers.iter().all(|h| h.is_empty()) {
            bad_input!("{name}: the file is empty (a header line is needed)");
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    rows.push((line, record));
                }
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    bad_input!("{name} line {line}: {}", describe_csv_error(&err));
                }
            }
            if rows.len() > MAX_ROWS {
                bad_input!("{name}: more than {MAX_ROWS} rows");
            }
        }
        Ok(Table {
            name,
            headers,
            rows,
        })
    }

    /// The index of a column that must be there.
    pub fn column(&self, column: &str) -> anyhow::Result<usize> {
        match self.optional_column(column) {
            Some(i) => Ok(i),
            None => bad_input!(
                "{} line 1: missing column `{column}` (columns are: {})",
                self.name,
                self.headers.join(",")
            ),
        }
    }

    /// The index of a column that may be missing.
    pub fn optional_column(&self, column: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == column)
    }

    /// Where a field is, for messages: `FILE line N, column `name``.
    pub fn at(&self, line: u64, column: usize) -> String {
        format!(
            "{} line {line}, column `{}`",
            self.name, self.headers[column]
        )
    }

    /// A field's text, trimmed.
    pub fn text<'r>(&self, record: &'r csv::StringRecord, column: usize) -> &'r str {
        record.get(column).unwrap_or("").trim()
    }

    /// A number that must be there.
    pub fn number(
        &self,
        line: u64,
        record: &csv::StringRecord,
        column: usize,
    ) -> anyhow::Result<f64> {
        match self.optional_number(line, record, Some(column))? {
            Some(v) => Ok(v),
            None => bad_input!(
                "{}: a number is needed, the cell is empty",
                self.at(line, column)
            ),
        }
    }

    /// A number that may be left empty (empty means "not given").
    pub fn optional_number(
        &self,
        line: u64,
        record: &csv::StringRecord,
        column: Option<usize>,
    ) -> anyhow::Result<Option<f64>> {
        let Some(column) = column else {
            return Ok(None);
        };
        let text = self.text(record, column);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => bad_input!("{}: {text:?} is not a number", self.at(line, column)),
        }
    }
}

fn describe_csv_error(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
        _ => err.to_string(),
    }
}

/// Writes `bytes` to `path` whole (a temporary file beside it, then a rename), or to stdout when
/// there is no path. Nothing is left half-written.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).context("cannot write to stdout")?;
        return out.flush().context("cannot write to stdout");
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .context("the output path has no file name")?;
    let mut tmp = PathBuf::from(dir);
    tmp.push(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .with_context(|| format!("cannot write {}", path.display()));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A CSV writer into memory.
pub fn csv_buffer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

/// The bytes a CSV writer into memory holds.
pub fn csv_bytes(writer: csv::Writer<Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish the CSV: {e}"))
}

/// A probability or share with 9 decimals.
pub fn share(v: f64) -> String {
    format!("{v:.9}")
}

/// Seconds with 3 decimals (`inf` when unbounded).
pub fn seconds(v: f64) -> String {
    if v.is_infinite() {
        "inf".to_string()
    } else {
        format!("{v:.3}")
    }
}

/// Fuzz target: CSV inputs (staffing requirements, forecast history,
/// special days, costs all come through [`Table`]). Any bytes, and CSV put
/// together from its own pieces in any order, give a table or an error
/// naming the file and line, never a panic. Runs on stable Rust with
/// proptest (`PROPTEST_CASES` for more inputs; failures are kept in
/// `proptest-regressions/`).
#[cfg(test)]
mod fuzz {
    use super::Table;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("queue,interval_start,calls,aht_s\n".to_string()),
            Just("support,2026-01-05T08:00,120,180\n".to_string()),
            Just("\"sup\"\"port\",".to_string()),
            Just("\"unclosed".to_string()),
            Just(",,,,\n".to_string()),
            Just("\r\n".to_string()),
            Just("\u{feff}".to_string()),
            "[a-z0-9:.,-]{0,20}\n",
            "\\PC{0,12}",
        ]
    }

    fn read(bytes: &[u8]) {
        if let Err(e) = Table::from_reader("fuzz.csv".into(), bytes) {
            assert!(e.to_string().contains("fuzz.csv"), "{e}");
        }
    }

    proptest! {
        #[test]
        fn any_bytes_are_a_table_or_an_error_naming_the_file(
            bytes in proptest::collection::vec(any::<u8>(), 0..400)
        ) {
            read(&bytes);
        }

        #[test]
        fn csv_pieces_in_any_order_are_a_table_or_an_error(
            pieces in proptest::collection::vec(piece(), 0..40)
        ) {
            read(pieces.concat().as_bytes());
        }
    }
}
