//! One record of a debt file as a typed [`DebtRow`], with what was wrong
//! with it.
//!
//! A problem that leaves the debt without a usable case reference, debtor,
//! amount, currency or due date, or a text over its limit, means no row;
//! a phone that is not valid (kept, as given) or an email that cannot be one
//! (dropped) is reported beside the row.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::values::{self, CASE_REF_MAX, DEBTOR_ID_MAX, NAME_MAX, TEXT_MAX};
use super::{DebtColumns, DebtField, DebtRow};
use crate::phone::{Country, Phone, normalise};
use crate::row::Problem;
use crate::table::Record;

/// Reading one record.
struct Reader<'a> {
    cols: &'a DebtColumns,
    record: &'a Record,
    problems: Vec<Problem>,
    /// Whether a problem leaves no usable debt.
    fatal: bool,
}

impl<'a> Reader<'a> {
    /// The trimmed cell of a field; `None` when empty or missing.
    fn cell(&self, field: DebtField) -> Option<&'a str> {
        let text = self.record.fields.get(self.cols.column(field)?)?.trim();
        (!text.is_empty()).then_some(text)
    }

    fn problem(&mut self, field: Option<DebtField>, reason: String, fatal: bool) {
        let column = field
            .and_then(|f| self.cols.column(f))
            .map_or("", |c| self.cols.header(c))
            .to_owned();
        self.fatal |= fatal;
        self.problems.push(Problem {
            line: self.record.line,
            column,
            reason,
        });
    }

    /// A text field within its limit; identifiers also without control
    /// characters.
    fn text(&mut self, field: DebtField, max: usize, identifier: bool) -> Option<String> {
        let text = self.cell(field)?;
        let wrong = values::too_long(text, max)
            .or_else(|| identifier.then(|| values::control(text)).flatten());
        match wrong {
            Some(tail) => {
                self.problem(Some(field), format!("{field} \"{text}\" {tail}"), true);
                None
            }
            None => Some(text.to_owned()),
        }
    }

    /// An amount; an empty cell is 0 unless the field is `required`.
    fn amount(&mut self, field: DebtField, required: bool) -> Option<Decimal> {
        let Some(text) = self.cell(field) else {
            if required {
                self.problem(Some(field), format!("{field} is empty"), true);
                return None;
            }
            return Some(Decimal::ZERO);
        };
        match values::amount(text, self.cols.decimal, self.cols.typed_cells) {
            Ok(value) => Some(value),
            Err(tail) => {
                self.problem(Some(field), format!("{field} \"{text}\" {tail}"), true);
                None
            }
        }
    }

    fn due_date(&mut self) -> Option<NaiveDate> {
        let field = DebtField::DueDate;
        let Some(text) = self.cell(field) else {
            self.problem(Some(field), format!("{field} is empty"), true);
            return None;
        };
        match values::date(text, self.cols.date_format, self.cols.typed_cells) {
            Ok(date) => Some(date),
            Err(tail) => {
                self.problem(Some(field), format!("{field} \"{text}\" {tail}"), true);
                None
            }
        }
    }

    /// The row's currency, else the mapping's default.
    fn currency(&mut self) -> Option<String> {
        let field = DebtField::Currency;
        let Some(text) = self.cell(field) else {
            let default = self.cols.currency_default.clone();
            if default.is_none() {
                let reason = format!("{field} is empty and the mapping has no currency_default");
                self.problem(Some(field), reason, true);
            }
            return default;
        };
        let code = values::currency_code(text);
        if code.is_none() {
            let reason = format!("{field} \"{text}\" is not an ISO 4217 code (three letters: EUR)");
            self.problem(Some(field), reason, true);
        }
        code
    }

    /// The case reference: required, an identifier.
    fn case_ref(&mut self) -> Option<String> {
        let field = DebtField::CaseRef;
        if self.cell(field).is_none() {
            self.problem(Some(field), format!("{field} is empty"), true);
            return None;
        }
        self.text(field, CASE_REF_MAX, true)
    }

    /// The phones, each number once; one not valid is kept and reported.
    fn phones(&mut self, country: Option<Country>) -> Vec<Phone> {
        let mut phones: Vec<Phone> = Vec::new();
        for field in [DebtField::Phone, DebtField::Phone2] {
            let Some(text) = self.cell(field) else {
                continue;
            };
            let phone = normalise(text, country);
            let seen = phones.iter().any(|p| match (&p.e164, &phone.e164) {
                (Some(a), Some(b)) => a == b,
                _ => p.given == phone.given,
            });
            if seen {
                continue;
            }
            if !phone.valid {
                let reason =
                    format!("{field} \"{text}\" is not a valid phone number; kept as given");
                self.problem(Some(field), reason, false);
            }
            phones.push(phone);
        }
        phones
    }

    /// The email in lower case; one that cannot be an email is dropped.
    fn email(&mut self) -> Option<String> {
        let field = DebtField::Email;
        let text = self.cell(field)?;
        let email = values::email(text);
        if email.is_none() {
            let reason = format!("{field} \"{text}\" is not an email address; left out");
            self.problem(Some(field), reason, false);
        }
        email
    }

    /// Fields past the header's, when any has content.
    fn extra_fields(&mut self) {
        let width = self.cols.headers().len();
        let fields = &self.record.fields;
        if fields.len() > width && fields[width..].iter().any(|f| !f.trim().is_empty()) {
            let reason = format!(
                "the row has {} fields and the header {width}; the extra ones are ignored",
                fields.len()
            );
            self.problem(None, reason, false);
        }
    }
}

impl DebtColumns {
    /// Read one record as a debt. `country` is the country of phones
    /// without an international prefix. Gives the row, or `None` when a
    /// problem leaves no usable debt, and every problem found; a record
    /// with no content gives `(None, [])`.
    pub fn row(&self, rec: &Record, country: Option<Country>) -> (Option<DebtRow>, Vec<Problem>) {
        if rec.fields.iter().all(|f| f.trim().is_empty()) {
            return (None, Vec::new());
        }
        let mut r = Reader {
            cols: self,
            record: rec,
            problems: Vec::new(),
            fatal: false,
        };
        r.extra_fields();
        let case_ref = r.case_ref();
        let debtor_id = r.text(DebtField::DebtorId, DEBTOR_ID_MAX, true);
        let debtor_name = r.text(DebtField::DebtorName, NAME_MAX, false);
        if r.cell(DebtField::DebtorId).is_none() && r.cell(DebtField::DebtorName).is_none() {
            let reason = "debtor_id and debtor_name are both empty; a debt needs its debtor";
            r.problem(None, reason.to_owned(), true);
        }
        let phones = r.phones(country);
        let email = r.email();
        let address = r.text(DebtField::Address, TEXT_MAX, false);
        let principal = r.amount(DebtField::Principal, true);
        let fees = r.amount(DebtField::Fees, false);
        let interest = r.amount(DebtField::Interest, false);
        let currency = r.currency();
        let due_date = r.due_date();
        let creditor = r.text(DebtField::Creditor, NAME_MAX, false);
        let row = match (case_ref, principal, fees, interest, currency, due_date) {
            (
                Some(case_ref),
                Some(principal),
                Some(fees),
                Some(interest),
                Some(currency),
                Some(due_date),
            ) if !r.fatal => Some(DebtRow {
                line: rec.line,
                case_ref,
                debtor_id,
                debtor_name,
                phones,
                email,
                address,
                principal,
                fees,
                interest,
                currency,
                due_date,
                creditor,
            }),
            _ => None,
        };
        (row, r.problems)
    }
}
