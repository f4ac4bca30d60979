//! The mapping file of a debt import: which header holds which debt field,
//! how the file writes dates and decimals, and the currency of a file
//! without a currency column.
//!
//! ```toml
//! date_format = "DD.MM.YYYY"   # or "YYYY-MM-DD" (the default), "DD/MM/YYYY"
//! decimal = ","                # or "." (the default)
//! currency_default = "CZK"     # for rows without a currency
//! [columns]                    # debt field = the file's header
//! case_ref = "Číslo případu"
//! debtor_id = "Rodné číslo"
//! principal = "Jistina"
//! ```
//!
//! Every error names the line of the mapping file it is about.

use std::fmt::Write as _;

use thiserror::Error;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::DebtField;
use super::values::currency_code;

/// How a file writes dates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum DateFormat {
    /// `YYYY-MM-DD` (the default).
    #[default]
    YearMonthDay,
    /// `DD.MM.YYYY`.
    DayMonthYearDots,
    /// `DD/MM/YYYY`.
    DayMonthYearSlashes,
}

impl DateFormat {
    /// Every format.
    pub const ALL: [Self; 3] = [
        Self::YearMonthDay,
        Self::DayMonthYearDots,
        Self::DayMonthYearSlashes,
    ];

    /// The format as a mapping file writes it: "YYYY-MM-DD", "DD.MM.YYYY"
    /// or "DD/MM/YYYY".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::YearMonthDay => "YYYY-MM-DD",
            Self::DayMonthYearDots => "DD.MM.YYYY",
            Self::DayMonthYearSlashes => "DD/MM/YYYY",
        }
    }

    /// The format a mapping file names (any case).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_uppercase();
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// The character between the units and the decimals of an amount.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum DecimalMark {
    /// `1,550.00` (the default).
    #[default]
    Point,
    /// `1.550,00`.
    Comma,
}

impl DecimalMark {
    /// "." or ",".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Point => ".",
            Self::Comma => ",",
        }
    }

    /// The mark a mapping file names: "." or ",".
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "." => Some(Self::Point),
            "," => Some(Self::Comma),
            _ => None,
        }
    }
}

/// A debt mapping file, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebtMapping {
    /// How the file writes dates.
    pub date_format: DateFormat,
    /// How the file writes decimals.
    pub decimal: DecimalMark,
    /// The currency (ISO 4217, three capitals) of rows that name none.
    pub currency_default: Option<String>,
    /// Each field and the header it reads, in field order.
    pub columns: Vec<(DebtField, String)>,
}

/// What went wrong with a debt mapping file.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DebtMappingError {
    /// Not TOML at all.
    #[error("line {line}: the mapping file is not valid TOML: {message}")]
    Toml {
        /// The line of the mistake.
        line: usize,
        /// What the TOML reader said.
        message: String,
    },
    /// Top-level keys that mean nothing here.
    #[error(
        "unknown key(s) in the mapping file: {}; the keys are date_format, decimal, currency_default and [columns]",
        located(.keys)
    )]
    UnknownKeys {
        /// Each unknown key and its line.
        keys: Vec<(usize, String)>,
    },
    /// Keys under `[columns]` that are no debt field.
    #[error("unknown field(s) in [columns]: {}; the fields are: {}", located(.fields), .valid.join(", "))]
    UnknownFields {
        /// Each unknown field and its line.
        fields: Vec<(usize, String)>,
        /// The fields that are understood.
        valid: Vec<String>,
    },
    /// A value that is not what its key takes.
    #[error("line {line}: {key} = {value} is not understood; {expected}")]
    BadValue {
        /// The line of the key.
        line: usize,
        /// The key ("decimal", "columns.case_ref").
        key: String,
        /// The value as written (a string in quotes) or its TOML type.
        value: String,
        /// What the key takes, for a person.
        expected: String,
    },
}

/// `line 3: "fax", line 5: "mobil"`.
fn located(items: &[(usize, String)]) -> String {
    let mut out = String::new();
    for (i, (line, key)) in items.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(out, "{sep}line {line}: \"{key}\"");
    }
    out
}

const DATE_FORMATS: &str = "the formats are \"YYYY-MM-DD\", \"DD.MM.YYYY\" and \"DD/MM/YYYY\"";
const DECIMALS: &str = "the decimal separator is \".\" or \",\"";
const CURRENCY: &str = "write an ISO 4217 code of three letters, e.g. \"EUR\"";
const HEADER: &str = "write the file's column header in quotes";

impl DebtMapping {
    /// Read a mapping file.
    pub fn parse(text: &str) -> Result<Self, DebtMappingError> {
        let doc = DeTable::parse(text).map_err(|e| DebtMappingError::Toml {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        let mut keys: Vec<(usize, String)> = doc
            .get_ref()
            .keys()
            .filter(|k| {
                !matches!(
                    k.get_ref().as_ref(),
                    "date_format" | "decimal" | "currency_default" | "columns"
                )
            })
            .map(|k| (line_of(text, k.span().start), k.get_ref().to_string()))
            .collect();
        if !keys.is_empty() {
            keys.sort();
            return Err(DebtMappingError::UnknownKeys { keys });
        }
        let mut mapping = Self::default();
        for (key, value) in doc.get_ref() {
            let line = line_of(text, key.span().start);
            let name = key.get_ref().as_ref();
            match name {
                "date_format" => {
                    mapping.date_format =
                        setting(value, line, name, DateFormat::parse, DATE_FORMATS)?;
                }
                "decimal" => {
                    mapping.decimal = setting(value, line, name, DecimalMark::parse, DECIMALS)?;
                }
                "currency_default" => {
                    let code = setting(value, line, name, currency_code, CURRENCY)?;
                    mapping.currency_default = Some(code);
                }
                _ => mapping.columns = columns(text, value, line)?,
            }
        }
        Ok(mapping)
    }

    /// The header a field reads, if the mapping names one.
    pub fn header(&self, field: DebtField) -> Option<&str> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h.as_str())
    }
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A value as an error shows it: strings in quotes, others by type.
fn shown(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("{:?}", s.as_ref()),
        DeValue::Integer(i) => i.as_str().to_owned(),
        DeValue::Float(f) => f.as_str().to_owned(),
        DeValue::Boolean(b) => b.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

fn bad(line: usize, key: &str, value: &DeValue<'_>, expected: &str) -> DebtMappingError {
    DebtMappingError::BadValue {
        line,
        key: key.to_owned(),
        value: shown(value),
        expected: expected.to_owned(),
    }
}

/// A top-level setting: a string `read` understands.
fn setting<T>(
    value: &Spanned<DeValue<'_>>,
    line: usize,
    key: &str,
    read: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<T, DebtMappingError> {
    match value.get_ref() {
        DeValue::String(s) => read(s),
        _ => None,
    }
    .ok_or_else(|| bad(line, key, value.get_ref(), expected))
}

/// The `[columns]` section: field = "header" lines.
fn columns(
    text: &str,
    value: &Spanned<DeValue<'_>>,
    line: usize,
) -> Result<Vec<(DebtField, String)>, DebtMappingError> {
    let DeValue::Table(entries) = value.get_ref() else {
        let expected = "write a [columns] section of field = \"header\" lines";
        return Err(bad(line, "columns", value.get_ref(), expected));
    };
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for (key, value) in entries {
        let line = line_of(text, key.span().start);
        let Some(field) = DebtField::parse(key.get_ref()) else {
            unknown.push((line, key.get_ref().to_string()));
            continue;
        };
        match value.get_ref() {
            DeValue::String(header) if !header.trim().is_empty() => {
                out.push((field, header.trim().to_owned()));
            }
            other => return Err(bad(line, &format!("columns.{field}"), other, HEADER)),
        }
    }
    if !unknown.is_empty() {
        unknown.sort();
        let valid = DebtField::ALL.iter().map(|f| f.key().to_owned()).collect();
        return Err(DebtMappingError::UnknownFields {
            fields: unknown,
            valid,
        });
    }
    out.sort_by_key(|(field, _)| *field);
    Ok(out)
}
