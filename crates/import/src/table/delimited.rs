//! CSV files: the delimiter sniffed, records read in chunks with the `csv`
//! crate, each with the line it starts on.

use std::borrow::Cow;
use std::io::Cursor;

use csv::{ByteRecord, ReaderBuilder};

use super::{ReadError, Record};

/// The delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How much of the file the sniffing reads.
const SNIFF_BYTES: usize = 64 * 1024;
/// How many records the sniffing looks at.
const SNIFF_RECORDS: usize = 30;

/// Records of a CSV file, in UTF-8.
pub(super) struct Delimited<'a> {
    reader: csv::Reader<Cursor<Cow<'a, [u8]>>>,
    record: ByteRecord,
    done: bool,
}

impl<'a> Delimited<'a> {
    /// Read data that should be UTF-8 (each field is checked).
    pub(super) fn new(data: Cow<'a, [u8]>, delimiter: u8) -> Self {
        let reader = builder(delimiter).from_reader(Cursor::new(data));
        Self {
            reader,
            record: ByteRecord::new(),
            done: false,
        }
    }

    /// The next record, `None` at the end.
    pub(super) fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(csv_error)?;
        if !more {
            self.done = true;
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| {
            // After a CR LF, the `csv` crate starts the next record at the
            // LF, still on the previous line.
            let data: &[u8] = self.reader.get_ref().get_ref();
            let at_lf = data.get(p.byte() as usize) == Some(&b'\n');
            p.line() + u64::from(at_lf)
        });
        let mut fields = Vec::with_capacity(self.record.len());
        for field in &self.record {
            let text = std::str::from_utf8(field).map_err(|_| ReadError::Utf8 { line })?;
            fields.push(text.to_owned());
        }
        Ok(Some(Record { line, fields }))
    }
}

fn builder(delimiter: u8) -> ReaderBuilder {
    let mut b = ReaderBuilder::new();
    b.delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quote(b'"')
        .double_quote(true);
    b
}

fn csv_error(e: csv::Error) -> ReadError {
    let line = e.position().map_or(0, |p| p.line());
    ReadError::Csv {
        line,
        message: e.to_string(),
    }
}

/// Pick the delimiter: the one giving the same number of fields (more than
/// one) on every record of the file's start, the most fields first;
/// otherwise the one whose most common count (above one) covers the most
/// records; otherwise a comma.
pub(super) fn sniff(data: &[u8]) -> u8 {
    let cut = data.len() > SNIFF_BYTES;
    let sample = &data[..data.len().min(SNIFF_BYTES)];
    let mut best: Option<(bool, usize, usize, u8)> = None;
    for delimiter in DELIMITERS {
        let counts = field_counts(sample, delimiter, cut);
        let Some((mode, covered)) = mode(&counts) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        let consistent = covered == counts.len();
        let key = (consistent, covered, mode, delimiter);
        let better = best.is_none_or(|(c, cov, m, _)| (consistent, covered, mode) > (c, cov, m));
        if better {
            best = Some(key);
        }
    }
    best.map_or(b',', |(_, _, _, d)| d)
}

/// Fields per non-empty record at the start of the data (the last record
/// dropped when the sample cuts the file).
fn field_counts(sample: &[u8], delimiter: u8, cut: bool) -> Vec<usize> {
    let mut reader = builder(delimiter).from_reader(sample);
    let mut counts = Vec::new();
    let mut record = ByteRecord::new();
    while counts.len() <= SNIFF_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                if record.iter().any(|f| !f.is_empty()) {
                    counts.push(record.len());
                }
            }
            _ => break,
        }
    }
    if cut && counts.len() > 1 {
        counts.pop();
    }
    counts
}

/// The most common count and how many records have it (the larger count on
/// a tie).
fn mode(counts: &[usize]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for &c in counts {
        let n = counts.iter().filter(|&&x| x == c).count();
        if best.is_none_or(|(bc, bn)| (n, c) > (bn, bc)) {
            best = Some((c, n));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(sniff(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff(b"a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff(b"a|b\n1|2\n"), b'|');
        // Commas inside quotes and in every name: the semicolon is consistent
        // with more fields.
        assert_eq!(
            sniff("name;phone;city\n\"Pérez, Ana\";612;Madrid\nRuiz, Luis;699;Vic\n".as_bytes()),
            b';'
        );
        assert_eq!(sniff(b"name\nAna\n"), b',');
    }
}
