//! Debt files: one line per debt, read into typed rows for the server to
//! match debtors (as customers) and open a case per case reference.
//!
//! ```
//! use import::debts::{DebtColumns, DebtMapping};
//! use import::table::{ReadOptions, open};
//!
//! let mapping = DebtMapping::parse(
//!     "date_format = \"DD.MM.YYYY\"\ndecimal = \",\"\n\
//!      [columns]\ncase_ref = \"Spis\"\ndebtor_name = \"Dlužník\"\n\
//!      principal = \"Jistina\"\ncurrency = \"Měna\"\ndue_date = \"Splatnost\"\n",
//! )
//! .unwrap();
//! let bytes = "Spis;Dlužník;Jistina;Měna;Splatnost\n\
//!              S-1;Jan Novák;1.550,00;CZK;31.01.2024\n";
//! let mut table = open(bytes.as_bytes(), &ReadOptions::default()).unwrap();
//! let columns = DebtColumns::for_table(&table, Some(&mapping)).unwrap();
//! let mut records = Vec::new();
//! table.next_chunk(100, &mut records).unwrap();
//! let (row, problems) = columns.row(&records[0], None);
//! assert!(problems.is_empty());
//! let row = row.unwrap();
//! assert_eq!(row.principal.to_string(), "1550.00");
//! assert_eq!(row.due_date.to_string(), "2024-01-31");
//! ```
//!
//! The fields are those of [`DebtField`]; a file needs `case_ref`,
//! `principal`, `due_date`, one of `debtor_id` and `debtor_name`, and a
//! currency (a column, or `currency_default` in the mapping). Without a
//! mapping file the usual headers in English, Spanish, Catalan and Czech are
//! recognised ([`DebtColumns::resolve`]), and so are the field keys
//! themselves (a file headed `case_ref,debtor_id,…` needs no mapping). The
//! mapping file ([`DebtMapping`]) has the form of the customer one, plus how
//! the file writes dates and decimals.
//!
//! Amounts are kept to the cent: more than two decimals is a problem, as is
//! a negative amount. Dates are read strictly in the mapping's format (in a
//! spreadsheet, a cell typed as a date is taken too). Each record gives a
//! [`DebtRow`] or, when something makes the debt unusable, none; either way
//! every problem is listed.

mod columns;
mod mapping;
mod row;
mod values;
mod words;

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::phone::Phone;

pub use self::columns::{DebtColumns, DebtColumnsError};
pub use self::mapping::{DateFormat, DebtMapping, DebtMappingError, DecimalMark};
pub use self::values::{
    AMOUNT_MAX_UNITS, AMOUNT_SCALE_MAX, CASE_REF_MAX, DEBTOR_ID_MAX, NAME_MAX, TEXT_MAX,
};

/// A field of a debt a column can fill.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum DebtField {
    /// The case's reference: one case per reference.
    CaseRef,
    /// The debtor's identifier (national id, tax id, customer number).
    DebtorId,
    /// The debtor's full name.
    DebtorName,
    /// The debtor's phone.
    Phone,
    /// A second phone.
    Phone2,
    /// The debtor's email.
    Email,
    /// The debtor's postal address, in one text.
    Address,
    /// The amount owed, without fees and interest.
    Principal,
    /// Fees owed (0 when empty).
    Fees,
    /// Interest owed so far (0 when empty).
    Interest,
    /// The ISO 4217 currency code.
    Currency,
    /// When the debt was due.
    DueDate,
    /// Whom the debt is owed to.
    Creditor,
}

impl DebtField {
    /// Every field, in the order of the keys' documentation.
    pub const ALL: [Self; 13] = [
        Self::CaseRef,
        Self::DebtorId,
        Self::DebtorName,
        Self::Phone,
        Self::Phone2,
        Self::Email,
        Self::Address,
        Self::Principal,
        Self::Fees,
        Self::Interest,
        Self::Currency,
        Self::DueDate,
        Self::Creditor,
    ];

    /// The field's key in a mapping file: "case_ref", "debtor_id", …
    pub fn key(&self) -> &'static str {
        match self {
            Self::CaseRef => "case_ref",
            Self::DebtorId => "debtor_id",
            Self::DebtorName => "debtor_name",
            Self::Phone => "phone",
            Self::Phone2 => "phone2",
            Self::Email => "email",
            Self::Address => "address",
            Self::Principal => "principal",
            Self::Fees => "fees",
            Self::Interest => "interest",
            Self::Currency => "currency",
            Self::DueDate => "due_date",
            Self::Creditor => "creditor",
        }
    }

    /// The field for a key (any case, surrounding spaces ignored).
    pub fn parse(key: &str) -> Option<Self> {
        let key = key.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

impl fmt::Display for DebtField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A debt as one row of a file gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebtRow {
    /// Where the record starts in the file.
    pub line: u64,
    /// The case's reference (trimmed, never empty).
    pub case_ref: String,
    /// The debtor's identifier (at least one of this and the name is given).
    pub debtor_id: Option<String>,
    /// The debtor's full name.
    pub debtor_name: Option<String>,
    /// The phones (phone, then phone2), each number once; a number that is
    /// not valid is kept as given, with `valid: false`, and reported.
    pub phones: Vec<Phone>,
    /// The email, lower case, when it looks like one.
    pub email: Option<String>,
    /// The postal address, as given.
    pub address: Option<String>,
    /// The principal owed (at most two decimals, not negative).
    pub principal: Decimal,
    /// The fees owed (0 when not given).
    pub fees: Decimal,
    /// The interest owed so far (0 when not given).
    pub interest: Decimal,
    /// The ISO 4217 code, three capitals ("EUR", "CZK").
    pub currency: String,
    /// When the debt was due.
    pub due_date: NaiveDate,
    /// Whom the debt is owed to.
    pub creditor: Option<String>,
}

#[cfg(test)]
mod tests;
