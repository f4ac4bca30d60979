//! One record of a file as a typed customer row, with what was wrong with it.
//!
//! Nothing is dropped silently: a phone that is not valid is kept as given
//! (with `valid: false`) and reported; an email that cannot be one is
//! dropped and reported; an unknown country or language is reported.

mod names;

use crate::mapping::{Columns, PhoneHint};
use crate::phone::{Country, Phone, normalise};
use crate::table::Record;

/// A customer as one row of a file gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRow {
    /// Where the record starts in the file.
    pub line: u64,
    /// The identifier in the client's own systems.
    pub external_id: Option<String>,
    /// The full name.
    pub name: Option<String>,
    /// The phones, each number once (by E.164), in column order.
    pub phones: Vec<RowPhone>,
    /// The emails that look like emails, as given (trimmed).
    pub emails: Vec<String>,
    /// The postal address, when any part of it is given.
    pub address: Option<Address>,
    /// A language code, lower case ("es", "ca", "cs", "en"…).
    pub language: Option<String>,
    /// Custom fields: (name, value), for the non-empty ones.
    pub custom: Vec<(String, String)>,
}

/// A phone of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPhone {
    /// The number, normalised (or not valid, as given).
    pub phone: Phone,
    /// What the column's header says about it.
    pub hint: PhoneHint,
    /// The column it came from.
    pub column: usize,
}

/// A postal address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Street and number.
    pub street: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City or town.
    pub city: Option<String>,
    /// The country the row names (not the default one).
    pub country: Option<Country>,
}

/// Something wrong with a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where the record starts in the file.
    pub line: u64,
    /// The file's header of the column, or "" for the whole row.
    pub column: String,
    /// What is wrong, for a person.
    pub reason: String,
}

/// Reading one record.
struct RowReader<'a> {
    columns: &'a Columns,
    record: &'a Record,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    /// The trimmed cell of a column; `None` when empty or missing.
    fn cell(&self, column: Option<usize>) -> Option<&str> {
        let text = self.record.fields.get(column?)?.trim();
        (!text.is_empty()).then_some(text)
    }

    fn owned(&self, column: Option<usize>) -> Option<String> {
        self.cell(column).map(str::to_owned)
    }

    fn problem(&mut self, column: Option<usize>, reason: String) {
        let column = column.map_or("", |c| self.columns.header(c)).to_owned();
        self.problems.push(Problem {
            line: self.record.line,
            column,
            reason,
        });
    }

    /// The row's own country, if it names one it knows.
    fn country(&mut self) -> Option<Country> {
        let column = self.columns.country;
        let text = self.cell(column)?;
        let found = names::country(text);
        if found.is_none() {
            let reason = format!("unknown country: {text}");
            self.problem(column, reason);
        }
        found
    }

    fn phones(&mut self, country: Option<Country>) -> Vec<RowPhone> {
        let mut phones: Vec<RowPhone> = Vec::new();
        for column in self.columns.phones() {
            let Some(text) = self.cell(Some(column.column)) else {
                continue;
            };
            let phone = normalise(text, country);
            let seen = phones.iter().any(|p| match (&p.phone.e164, &phone.e164) {
                (Some(a), Some(b)) => a == b,
                _ => p.phone.given == phone.given,
            });
            if seen {
                continue;
            }
            if !phone.valid {
                let reason = format!("phone not valid: {}", phone.given);
                self.problem(Some(column.column), reason);
            }
            phones.push(RowPhone {
                phone,
                hint: column.hint,
                column: column.column,
            });
        }
        phones
    }

    fn emails(&mut self) -> Vec<String> {
        let mut emails: Vec<String> = Vec::new();
        for column in self.columns.emails() {
            let Some(text) = self.cell(Some(column)) else {
                continue;
            };
            if !looks_like_email(text) {
                let reason = format!("email not valid: {text}");
                self.problem(Some(column), reason);
            } else if !emails.iter().any(|e| e == text) {
                emails.push(text.to_owned());
            }
        }
        emails
    }

    fn language(&mut self) -> Option<String> {
        let column = self.columns.language;
        let text = self.cell(column)?;
        let found = names::language(text);
        if found.is_none() {
            let reason = format!("unknown language: {text}");
            self.problem(column, reason);
        }
        found
    }

    /// Fields past the header's, when any has content.
    fn extra_fields(&mut self) {
        let width = self.columns.headers().len();
        let fields = &self.record.fields;
        if fields.len() > width && fields[width..].iter().any(|f| !f.trim().is_empty()) {
            let reason = format!(
                "the row has {} fields and the header {width}; the extra ones are ignored",
                fields.len()
            );
            self.problem(None, reason);
        }
    }
}

/// One `@` with something before it, and a dot inside the domain; no spaces.
fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.trim_matches('.').contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

impl Columns {
    /// Read one record as a customer row. `default_country` is the country
    /// for phones without an international prefix, unless the row names its
    /// own country. A record with no content gives `(None, [])`.
    pub fn row(
        &self,
        rec: &Record,
        default_country: Option<Country>,
    ) -> (Option<CustomerRow>, Vec<Problem>) {
        if rec.fields.iter().all(|f| f.trim().is_empty()) {
            return (None, Vec::new());
        }
        let mut r = RowReader {
            columns: self,
            record: rec,
            problems: Vec::new(),
        };
        r.extra_fields();
        let own_country = r.country();
        let phones = r.phones(own_country.or(default_country));
        let emails = r.emails();
        let language = r.language();
        let street = r.owned(self.address);
        let postal_code = r.owned(self.postal_code);
        let city = r.owned(self.city);
        let address =
            (street.is_some() || postal_code.is_some() || city.is_some() || own_country.is_some())
                .then_some(Address {
                    street,
                    postal_code,
                    city,
                    country: own_country,
                });
        let custom = self
            .custom
            .iter()
            .filter_map(|(name, column)| Some((name.clone(), r.owned(Some(*column))?)))
            .collect();
        let row = CustomerRow {
            line: rec.line,
            external_id: r.owned(self.external_id),
            name: r.owned(self.name),
            phones,
            emails,
            address,
            language,
            custom,
        };
        (Some(row), r.problems)
    }
}

#[cfg(test)]
mod tests;
