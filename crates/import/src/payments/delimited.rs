//! Payments in a CSV file: the header names the columns (`date`, `amount`,
//! `currency` required; `reference`, `payer_name`, `payer_account` read
//! when present; others ignored), the delimiter is `,` or `;` (the one whose
//! header names the required columns). A row with a bad value is skipped
//! with the reason; an empty row is ignored.

use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder};

use super::text::{self, IdHash};
use super::{
    PaymentFileError, PaymentFormat, PaymentLine, REMITTANCE_MAX, SkipReason, Skipped, Statement,
    TEXT_MAX, symbols,
};

/// The columns, in the order their values are hashed into ids.
const COLUMNS: [&str; 6] = [
    "date",
    "amount",
    "currency",
    "reference",
    "payer_name",
    "payer_account",
];
/// How many of [`COLUMNS`] (the first ones) a file must have.
const REQUIRED: usize = 3;

/// Reads a payments CSV (without its byte order mark).
pub(super) fn read(bytes: &[u8], max: usize) -> Result<Statement, PaymentFileError> {
    let (delimiter, columns) = header(bytes)?;
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let mut statement = Statement {
        format: PaymentFormat::Csv,
        id: None,
        account: None,
        payments: Vec::new(),
        skipped: Vec::new(),
    };
    let mut seen: HashMap<[String; 6], u32> = HashMap::new();
    let mut record = ByteRecord::new();
    let mut lines = Lines {
        bytes,
        offset: 0,
        line: 1,
    };
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| PaymentFileError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
        if !more {
            break;
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if statement.payments.len() + statement.skipped.len() >= max {
            return Err(PaymentFileError::TooManyPayments { max });
        }
        // The `csv` crate's position may be at the line ends before the
        // record (a CR LF's LF, blank lines skipped).
        let mut at = record.position().map_or(0, |p| p.byte() as usize);
        while bytes.get(at).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            at += 1;
        }
        let line = lines.line_at(at);
        match row(&record, &columns, line, &mut seen) {
            Ok(payment) => statement.payments.push(payment),
            Err(reason) => statement.skipped.push(Skipped { line, reason }),
        }
    }
    Ok(statement)
}

/// Line numbers of byte offsets met in increasing order.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    /// The 1-based line of an offset at or after the last one asked.
    fn line_at(&mut self, offset: usize) -> u64 {
        let end = offset.min(self.bytes.len()).max(self.offset);
        let newlines = self.bytes[self.offset..end].iter().filter(|&&b| b == b'\n');
        self.line += newlines.count() as u64;
        self.offset = end;
        self.line
    }
}

/// The delimiter and where each of [`COLUMNS`] is.
fn header(bytes: &[u8]) -> Result<(u8, [Option<usize>; 6]), PaymentFileError> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    for delimiter in [b',', b';'] {
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(first);
        let mut names = ByteRecord::new();
        if !reader.read_byte_record(&mut names).unwrap_or(false) {
            continue;
        }
        let mut columns = [None; 6];
        for (at, name) in names.iter().enumerate() {
            let name = String::from_utf8_lossy(name).trim().to_lowercase();
            let name = name.replace([' ', '-'], "_");
            if let Some(i) = COLUMNS.iter().position(|c| *c == name) {
                columns[i].get_or_insert(at);
            }
        }
        if columns[..REQUIRED].iter().all(Option::is_some) {
            return Ok((delimiter, columns));
        }
    }
    let found = String::from_utf8_lossy(first);
    Err(PaymentFileError::Unrecognised {
        found: format!("the first line is \"{}\"", text::cut(found.trim(), 80)),
    })
}

/// A row as a payment, or why it is not one.
fn row(
    record: &ByteRecord,
    columns: &[Option<usize>; 6],
    line: u64,
    seen: &mut HashMap<[String; 6], u32>,
) -> Result<PaymentLine, SkipReason> {
    let mut values: [String; 6] = Default::default();
    for (i, column) in columns.iter().enumerate() {
        let Some(field) = column.and_then(|at| record.get(at)) else {
            continue;
        };
        let value = std::str::from_utf8(field).map_err(|_| SkipReason::Invalid {
            column: COLUMNS[i],
            message: "not UTF-8 text".into(),
        })?;
        values[i] = value.trim().to_owned();
    }
    let invalid = |column: usize| {
        move |message| SkipReason::Invalid {
            column: COLUMNS[column],
            message,
        }
    };
    let date = text::date(&values[0]).map_err(invalid(0))?;
    let amount = text::amount(&values[1]).map_err(invalid(1))?;
    let currency = text::currency(&values[2]).map_err(invalid(2))?;
    if amount <= rust_decimal::Decimal::ZERO {
        return Err(SkipReason::NotPositive { amount });
    }
    let count = seen.entry(values.clone()).or_insert(0);
    *count += 1;
    let mut hash = IdHash::default();
    for value in &values {
        hash.add(value);
    }
    let id = hash.add(&count.to_string()).id("C:");
    let reference = text::some(&values[3], TEXT_MAX);
    Ok(PaymentLine {
        line,
        id,
        date,
        amount,
        currency,
        variable_symbol: reference.as_deref().and_then(symbols::variable_symbol),
        remittance: text::clean(&values[3], REMITTANCE_MAX),
        creditor_reference: reference,
        end_to_end_id: None,
        payer_name: text::some(&values[4], TEXT_MAX),
        payer_account: text::some(&values[5], TEXT_MAX),
    })
}
