//! Which column of a debt file holds which field: the mapping file's
//! columns first, then the usual headers recognised among the others.

use std::collections::BTreeSet;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::DebtField;
use super::mapping::{DateFormat, DebtMapping, DecimalMark};
use super::words::{self, Meaning};
use crate::table::{Format, Table};

/// Which column each debt field reads, for one file, and how the file
/// writes dates, decimals and currencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebtColumns {
    pub(super) headers: Vec<String>,
    /// The column of each field, by its place in [`DebtField::ALL`].
    columns: [Option<usize>; DebtField::ALL.len()],
    unused: Vec<String>,
    pub(super) date_format: DateFormat,
    pub(super) decimal: DecimalMark,
    pub(super) currency_default: Option<String>,
    pub(super) typed_cells: bool,
}

/// Why a file's columns cannot be read as debts.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DebtColumnsError {
    /// Headers the mapping names that the file does not have.
    #[error("the file has no column named {}; its columns are: {}", quote_list(.missing), quote_list(.headers))]
    MappedHeadersMissing {
        /// The mapping's headers not found.
        missing: Vec<String>,
        /// The file's headers.
        headers: Vec<String>,
    },
    /// Fields every debt needs that no column holds.
    #[error(
        "the file has no column for {}; name the columns in a mapping file's [columns]; its columns are: {}",
        .missing.join(", "), quote_list(.headers)
    )]
    MissingFields {
        /// What is missing ("case_ref", "debtor_id or debtor_name",
        /// "currency (or currency_default in the mapping)").
        missing: Vec<String>,
        /// The file's headers.
        headers: Vec<String>,
    },
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lower case, accents dropped, surrounding whitespace trimmed: how a
/// mapping file's headers are found in the file.
fn loose(text: &str) -> String {
    text.trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn slot(field: DebtField) -> usize {
    DebtField::ALL
        .iter()
        .position(|f| *f == field)
        .unwrap_or_default()
}

impl DebtColumns {
    /// The columns of a file with these headers. The mapping's columns are
    /// found ignoring case, accents and surrounding spaces; the fields it
    /// does not name are recognised among the other headers (English,
    /// Spanish, Catalan, Czech, or the field keys). Without a mapping, dates
    /// are `YYYY-MM-DD`, decimals take a point, and the currency comes from
    /// a column.
    pub fn resolve(
        headers: &[String],
        mapping: Option<&DebtMapping>,
    ) -> Result<Self, DebtColumnsError> {
        let default = DebtMapping::default();
        let mapping = mapping.unwrap_or(&default);
        let mut cols = Self {
            headers: headers.to_vec(),
            columns: [None; DebtField::ALL.len()],
            unused: Vec::new(),
            date_format: mapping.date_format,
            decimal: mapping.decimal,
            currency_default: mapping.currency_default.clone(),
            typed_cells: false,
        };
        let loose_headers: Vec<String> = headers.iter().map(|h| loose(h)).collect();
        let mut taken = vec![false; headers.len()];
        let mut missing = BTreeSet::new();
        for (field, header) in &mapping.columns {
            let wanted = loose(header);
            match loose_headers.iter().position(|h| *h == wanted) {
                Some(index) => {
                    cols.columns[slot(*field)] = Some(index);
                    taken[index] = true;
                }
                None => {
                    missing.insert(header.clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(DebtColumnsError::MappedHeadersMissing {
                missing: missing.into_iter().collect(),
                headers: headers.to_vec(),
            });
        }
        for (index, header) in headers.iter().enumerate() {
            if taken[index] || header.trim().is_empty() {
                continue;
            }
            match words::meaning(header).and_then(|m| cols.free_field(m)) {
                Some(field) => cols.columns[slot(field)] = Some(index),
                None => cols.unused.push(header.clone()),
            }
        }
        cols.check_required()?;
        Ok(cols)
    }

    /// The columns of an open table ([`DebtColumns::resolve`] of its
    /// headers). For a spreadsheet, number and date cells, which read as
    /// `1550.5` and `2024-03-01` whatever the mapping says, are taken too.
    pub fn for_table(
        table: &Table<'_>,
        mapping: Option<&DebtMapping>,
    ) -> Result<Self, DebtColumnsError> {
        let mut cols = Self::resolve(table.headers(), mapping)?;
        cols.typed_cells = table.format() != Format::Csv;
        Ok(cols)
    }

    /// The field a header of this meaning fills, if it is still free.
    fn free_field(&self, meaning: Meaning) -> Option<DebtField> {
        let candidates: &[DebtField] = match meaning {
            Meaning::CaseRef => &[DebtField::CaseRef],
            Meaning::DebtorId => &[DebtField::DebtorId],
            Meaning::DebtorName => &[DebtField::DebtorName],
            Meaning::Phone => &[DebtField::Phone, DebtField::Phone2],
            Meaning::Email => &[DebtField::Email],
            Meaning::Address => &[DebtField::Address],
            Meaning::Principal => &[DebtField::Principal],
            Meaning::Fees => &[DebtField::Fees],
            Meaning::Interest => &[DebtField::Interest],
            Meaning::Currency => &[DebtField::Currency],
            Meaning::DueDate => &[DebtField::DueDate],
            Meaning::Creditor => &[DebtField::Creditor],
        };
        candidates
            .iter()
            .copied()
            .find(|f| self.column(*f).is_none())
    }

    /// Every field a debt needs has a column.
    fn check_required(&self) -> Result<(), DebtColumnsError> {
        let has = |f: DebtField| self.column(f).is_some();
        let mut missing = Vec::new();
        for field in [DebtField::CaseRef, DebtField::Principal, DebtField::DueDate] {
            if !has(field) {
                missing.push(field.key().to_owned());
            }
        }
        if !has(DebtField::DebtorId) && !has(DebtField::DebtorName) {
            missing.push("debtor_id or debtor_name".to_owned());
        }
        if !has(DebtField::Currency) && self.currency_default.is_none() {
            missing.push("currency (or currency_default in the mapping)".to_owned());
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(DebtColumnsError::MissingFields {
            missing,
            headers: self.headers.clone(),
        })
    }

    /// The column a field reads, if any.
    pub fn column(&self, field: DebtField) -> Option<usize> {
        self.columns[slot(field)]
    }

    /// Every field read and its column, in field order.
    pub fn fields(&self) -> Vec<(DebtField, usize)> {
        DebtField::ALL
            .into_iter()
            .filter_map(|f| Some((f, self.column(f)?)))
            .collect()
    }

    /// The headers no field reads (not recognised, or recognised for a
    /// field already read from another column), to tell the user.
    pub fn unused(&self) -> &[String] {
        &self.unused
    }

    /// The file's headers.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header of a column ("" past the last one).
    pub fn header(&self, column: usize) -> &str {
        self.headers.get(column).map_or("", String::as_str)
    }

    /// How the file writes dates.
    pub fn date_format(&self) -> DateFormat {
        self.date_format
    }

    /// How the file writes decimals.
    pub fn decimal(&self) -> DecimalMark {
        self.decimal
    }

    /// The currency of rows that name none.
    pub fn currency_default(&self) -> Option<&str> {
        self.currency_default.as_deref()
    }
}
