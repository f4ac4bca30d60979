//! Payments from bank files, and matching them to debt-collection cases.
//!
//! [`read`] takes a file's bytes and recognises its format from the content:
//!
//! - an ISO 20022 bank statement, camt.053 (`BkToCstmrStmt`) or a
//!   debit/credit notification, camt.054 (`BkToCstmrDbtCdtNtfctn`), any
//!   version from `.001.02` to `.001.13`, whatever its namespace or prefix;
//! - otherwise a CSV file whose header names the columns `date`, `amount`,
//!   `currency`, `reference`, `payer_name` and `payer_account` (any order;
//!   the last three may be missing), separated by `,` or `;`, in UTF-8 with
//!   or without a byte order mark; amounts with a point (`1234.50`), dates
//!   as `YYYY-MM-DD`.
//!
//! Only booked credits are payments: debits, reversals, entries not booked
//! (pending, information) and amounts of zero or less are listed in
//! [`Statement::skipped`] with the reason, as are CSV rows with a bad value.
//! A file that is neither format, malformed XML or a statement entry with an
//! unreadable value is an error naming the line (and the element).
//!
//! Each payment has an id that stays the same when the same file is read
//! again, so that importing a statement twice changes nothing
//! ([`PaymentLine::id`] says how it is made).
//!
//! [`matching`] finds the case a payment is for. [`sample_camt053`] writes
//! a statement and its cases for benchmarks and tests.
//!
//! Pure: no IO, no clock.

mod camt;
mod delimited;
pub mod matching;
mod sample;
mod symbols;
mod text;

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use matching::{CaseIndex, CaseKey, Match, MatchedBy, UnmatchedReason};
pub use sample::{SampleStatement, sample_camt053};
pub use symbols::{creditor_reference, is_creditor_reference, variable_symbol};

/// Most payments (and skipped entries or rows) in one file.
pub const PAYMENTS_MAX: usize = 1_000_000;
/// Longest text field kept, in characters (ISO 20022's `Max140Text`);
/// longer values are cut.
pub const TEXT_MAX: usize = 140;
/// Longest remittance text kept (the unstructured lines joined), in
/// characters; longer texts are cut.
pub const REMITTANCE_MAX: usize = 4 * TEXT_MAX;
/// Longest payment id, in bytes (the case engine's limit for payment ids);
/// a longer id is replaced by its hash.
pub const ID_MAX: usize = 128;

/// The format a payments file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentFormat {
    /// A CSV file with the payments header.
    Csv,
    /// An ISO 20022 bank-to-customer statement (`camt.053`).
    Camt053,
    /// An ISO 20022 bank-to-customer debit/credit notification (`camt.054`).
    Camt054,
}

impl fmt::Display for PaymentFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Csv => "CSV",
            Self::Camt053 => "camt.053",
            Self::Camt054 => "camt.054",
        })
    }
}

/// What a payments file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Its format.
    pub format: PaymentFormat,
    /// The (first) statement's or notification's `Id`; `None` for CSV.
    pub id: Option<String>,
    /// The (first) statement's account: its IBAN, else its other id.
    pub account: Option<String>,
    /// The payments received, in file order.
    pub payments: Vec<PaymentLine>,
    /// Entries or rows that are not payments, with the reason.
    pub skipped: Vec<Skipped>,
}

/// One payment received.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentLine {
    /// Where it is in the file: the CSV line its row starts on, or for XML
    /// the 1-based ordinal of the transaction in the file (an entry without
    /// transaction details counts as one, a batch entry as as many as it has;
    /// skipped ones are counted too).
    pub line: u64,
    /// Its id, the same whenever the same file is read, unique in the file.
    ///
    /// For XML, with `{account}` the statement's IBAN or other id (`-` if
    /// none) and `{k}` the transaction's 1-based position in its entry (only
    /// added when the entry has several transactions), the first of:
    ///
    /// 1. `A:{account}:{AcctSvcrRef}` with the transaction's `Refs/AcctSvcrRef`;
    /// 2. `A:{account}:{AcctSvcrRef}[:{k}]` with the entry's `AcctSvcrRef`;
    /// 3. `N:{account}:{statement Id}:{NtryRef}[:{k}]` with the entry's `NtryRef`;
    /// 4. `H:` and 32 hex digits: the SipHash-1-3 (128 bits, keys 0) of the
    ///    account, booking date, amount, currency, `EndToEndId`, `TxId`,
    ///    creditor reference and the transaction's ordinal in the file.
    ///
    /// (`EndToEndId` alone is not an id: the payer sets it, and pays the
    /// same one every month.) For CSV: `C:` and the 32 hex digits of the
    /// SipHash-1-3 of the row's six values (trimmed, in the order of the
    /// header above, whatever the file's order) and how many identical rows
    /// came before it, so that two identical rows are two payments.
    ///
    /// An id longer than [`ID_MAX`] bytes is replaced by `H:` and its hash;
    /// an id met again in the same file gets `#2`, `#3`… appended.
    pub id: String,
    /// The booking date, else the value date.
    pub date: NaiveDate,
    /// How much (more than zero).
    pub amount: Decimal,
    /// The currency, an ISO 4217 code.
    pub currency: String,
    /// The structured creditor reference (`RmtInf/Strd/CdtrRefInf/Ref`;
    /// for CSV the `reference` column).
    pub creditor_reference: Option<String>,
    /// The payer's end-to-end id (`Refs/EndToEndId`, not `NOTPROVIDED`).
    pub end_to_end_id: Option<String>,
    /// The Czech variable symbol (digits only, at most 10), found by
    /// [`variable_symbol`] in the end-to-end id, the creditor reference or
    /// the remittance text, in this order.
    pub variable_symbol: Option<String>,
    /// The unstructured remittance lines (`RmtInf/Ustrd`) joined with a
    /// space; if none, the transaction's additional information, else the
    /// entry's. For CSV the `reference` column (searched for a case
    /// reference among other words).
    pub remittance: String,
    /// Who paid (`RltdPties/Dbtr/Nm`, or `Dbtr/Pty/Nm` from version 8).
    pub payer_name: Option<String>,
    /// The payer's account (`RltdPties/DbtrAcct/Id/IBAN`, else `Othr/Id`).
    pub payer_account: Option<String>,
}

/// An entry or row that is not a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where it is, as [`PaymentLine::line`].
    pub line: u64,
    /// Why it is not a payment.
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}", self.line, self.reason)
    }
}

/// Why an entry or row is not a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Money going out (`CdtDbtInd` is `DBIT`).
    Debit,
    /// A reversal of an earlier entry (`RvslInd` is true).
    Reversal,
    /// Not booked: pending, information only, or no status.
    NotBooked {
        /// The status given (`PDNG`, `INFO`, `FUTR`…), empty if none.
        status: String,
    },
    /// An amount of zero or less.
    NotPositive {
        /// The amount.
        amount: Decimal,
    },
    /// A CSV row with a value that cannot be read.
    Invalid {
        /// The column.
        column: &'static str,
        /// What is wrong, e.g. `"12,5x" is not an amount`.
        message: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Debit => f.write_str("a debit, not a payment received"),
            Self::Reversal => f.write_str("a reversal"),
            Self::NotBooked { status } if status.is_empty() => f.write_str("no booking status"),
            Self::NotBooked { status } => write!(f, "not booked (status {status})"),
            Self::NotPositive { amount } => write!(f, "amount {amount} is not more than zero"),
            Self::Invalid { column, message } => write!(f, "column {column}: {message}"),
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentFileError {
    /// Neither a camt.053/054 statement nor a payments CSV.
    #[error(
        "not a payments file: expected an ISO 20022 camt.053 or camt.054 XML statement, \
         or a CSV file with the header date,amount,currency,reference,payer_name,payer_account \
         ({found})"
    )]
    Unrecognised {
        /// What was found instead.
        found: String,
    },
    /// Not UTF-8 text.
    #[error("line {line}: the file is not UTF-8 text")]
    NotUtf8 {
        /// The line of the first byte that is not.
        line: u64,
    },
    /// Malformed XML, or a statement element with a value that cannot be read.
    #[error("line {line}, element {element}: {message}")]
    Xml {
        /// The line.
        line: u64,
        /// The element (its path from the entry or statement, e.g. `Ntry/Amt`).
        element: String,
        /// What is wrong.
        message: String,
    },
    /// A CSV file that cannot be read further.
    #[error("line {line}: {message}")]
    Csv {
        /// The line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// More than [`PAYMENTS_MAX`] payments (and skipped entries or rows).
    #[error("more than {max} payments in one file: split it")]
    TooManyPayments {
        /// The limit.
        max: usize,
    },
}

/// Reads a payments file (the module's documentation says which).
pub fn read(bytes: &[u8]) -> Result<Statement, PaymentFileError> {
    read_up_to(bytes, PAYMENTS_MAX)
}

/// Reads a payments file of at most `max` payments and skipped ones.
fn read_up_to(bytes: &[u8], max: usize) -> Result<Statement, PaymentFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let mut statement = if first == Some(&b'<') {
        let text = std::str::from_utf8(bytes).map_err(|e| PaymentFileError::NotUtf8 {
            line: text::line_at(bytes, e.valid_up_to()),
        })?;
        camt::read(text, max)?
    } else {
        delimited::read(bytes, max)?
    };
    unique_ids(&mut statement.payments);
    Ok(statement)
}

/// Appends `#2`, `#3`… to ids met again (the first suffix not taken), so
/// ids are unique in a file.
fn unique_ids(payments: &mut [PaymentLine]) {
    let mut seen: HashSet<&str> = HashSet::with_capacity(payments.len());
    let again: Vec<usize> = (payments.iter().enumerate())
        .filter(|(_, p)| !seen.insert(&p.id))
        .map(|(i, _)| i)
        .collect();
    if again.is_empty() {
        return;
    }
    let mut taken: HashSet<String> = seen.into_iter().map(str::to_owned).collect();
    let mut next: HashMap<String, u32> = HashMap::new();
    for i in again {
        let n = next.entry(payments[i].id.clone()).or_insert(2);
        loop {
            let id = format!("{}#{n}", payments[i].id);
            *n += 1;
            if taken.insert(id.clone()) {
                payments[i].id = id;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests;
