//! Debt-collection letters: templates per letter kind and language, filled
//! with a case's values into a [`Document`].
//!
//! [`Templates::defaults`] are the shipped letters (`payment_reminder`,
//! `plan_confirmation`, `final_notice` in en, es, ca, cs, ru, zh); a tenant's
//! own TOML goes over them with [`Templates::with_overrides`]. [`letter`]
//! picks the template (falling back to English), formats amounts and dates
//! for its language ([`format`](mod@format)) and lays the letter out: sender and
//! recipient in the envelope window, date and reference, title, body,
//! details, closing. The crate's documentation describes the TOML format.

pub mod format;
mod reference;
mod templates;

use chrono::NaiveDate;

use crate::model::{Block, Column, Document, Table};
pub use format::Language;
pub use reference::{creditor_reference, is_creditor_reference};
pub use templates::{Labels, Template, TemplateError, Templates};
use templates::{Piece, Placeholder};

/// The values a letter is filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterData {
    /// The debtor's name, first line of the address.
    pub debtor_name: String,
    /// The rest of the debtor's postal address, one line each.
    pub address: Vec<String>,
    /// The case's reference (`{case_ref}`).
    pub case_ref: String,
    /// Who the debt is owed to (`{creditor}`).
    pub creditor: String,
    /// The collecting company, the tenant (`{tenant}`); also the sender line.
    pub tenant: String,
    /// The letter's date (`{today}`): given, never read from a clock.
    pub today: NaiveDate,
    /// The amount owed as an exact decimal (`"1550.00"`), `{balance}`.
    pub balance: String,
    /// Its currency's code (`"EUR"`), `{currency}`.
    pub currency: String,
    /// When the debt fell due (`{due_date}`).
    pub due_date: Option<NaiveDate>,
    /// A promised payment's amount, exact decimal (`{promise_amount}`).
    pub promise_amount: Option<String>,
    /// The promised payment's date (`{promise_date}`).
    pub promise_date: Option<NaiveDate>,
    /// The date to pay by (`{pay_by}`).
    pub pay_by: Option<NaiveDate>,
    /// What to quote when paying (`{payment_reference}`): usually the
    /// case's [`creditor_reference`].
    pub payment_reference: String,
    /// A payment plan's instalments (`{instalments}`).
    pub instalments: Vec<Instalment>,
}

/// One instalment of a payment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instalment {
    /// When it is due.
    pub due: NaiveDate,
    /// How much, as an exact decimal (`"250.00"`).
    pub amount: String,
}

/// Why a letter could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    /// No template of that name, in the language asked or in English.
    #[error("no letter template {name:?} (in {language} or English)")]
    UnknownLetter {
        /// The name asked for.
        name: String,
        /// The language asked for.
        language: String,
    },
    /// The template uses a value the data does not have.
    #[error("letter {name:?} needs {{{placeholder}}}, which this case has no value for")]
    MissingValue {
        /// The letter's name.
        name: String,
        /// The placeholder, without braces.
        placeholder: &'static str,
    },
    /// An amount that is not an exact decimal number.
    #[error("{field} {value:?} is not a decimal amount like 1550.00")]
    BadAmount {
        /// Which amount.
        field: &'static str,
        /// What it was.
        value: String,
    },
}

/// The letter `name` for a case, in `language` (a code or BCP-47 tag; an
/// unknown one, or one the letter has no template in, gives the English
/// letter), as a document to [`crate::render`]. Amounts and dates are
/// written the way the template's language writes them.
pub fn letter(
    templates: &Templates,
    name: &str,
    language: &str,
    data: &LetterData,
) -> Result<Document, LetterError> {
    let asked = Language::from_tag(language).unwrap_or(Language::En);
    let template = templates
        .get(name, asked)
        .ok_or_else(|| LetterError::UnknownLetter {
            name: name.into(),
            language: language.into(),
        })?;
    let lang = template.language;
    let values = Values::new(lang, name, data)?;
    let mut blocks = vec![Block::Address {
        sender: Some(data.tenant.clone()),
        recipient: std::iter::once(data.debtor_name.clone())
            .chain(data.address.iter().cloned())
            .collect(),
    }];
    if let Some(labels) = templates.labels(lang) {
        blocks.push(Block::KeyValues(vec![
            (labels.date.clone(), format::date(lang, data.today)),
            (labels.our_reference.clone(), data.case_ref.clone()),
        ]));
    }
    blocks.push(Block::Spacer(4.0));
    let title = values.fill(&template.title)?;
    blocks.push(Block::Heading(title.clone()));
    blocks.extend(body(templates, template, &values)?);
    if !template.closing.is_empty() {
        let lines = template
            .closing
            .iter()
            .map(|line| values.fill(line))
            .collect::<Result<Vec<_>, _>>()?;
        blocks.push(Block::Spacer(2.0));
        blocks.push(Block::Paragraph(lines.join("\n")));
    }
    Ok(Document {
        title,
        language: lang.code().into(),
        blocks,
    })
}

/// The body's paragraphs, with the instalments table and the details where
/// the template puts them (the details after the body when it does not).
fn body(
    templates: &Templates,
    template: &Template,
    values: &Values<'_>,
) -> Result<Vec<Block>, LetterError> {
    let details = || -> Result<Block, LetterError> {
        let pairs = template
            .details
            .iter()
            .map(|(label, value)| Ok((values.fill(label)?, values.fill(value)?)))
            .collect::<Result<_, LetterError>>()?;
        Ok(Block::KeyValues(pairs))
    };
    let mut blocks = Vec::with_capacity(template.body.len() + 1);
    let mut details_placed = false;
    for paragraph in &template.body {
        match paragraph.as_slice() {
            [Piece::Value(Placeholder::Instalments)] => {
                blocks.push(instalments_table(templates, template.language, values)?);
            }
            [Piece::Value(Placeholder::Details)] => {
                details_placed = true;
                if !template.details.is_empty() {
                    blocks.push(details()?);
                }
            }
            _ => blocks.push(Block::Paragraph(values.fill(paragraph)?)),
        }
    }
    if !details_placed && !template.details.is_empty() {
        blocks.push(details()?);
    }
    Ok(blocks)
}

/// The instalments as a table of due dates and amounts.
fn instalments_table(
    templates: &Templates,
    lang: Language,
    values: &Values<'_>,
) -> Result<Block, LetterError> {
    values.require(Placeholder::Instalments)?;
    let (due, amount) = templates.labels(lang).map_or(("", ""), |l| {
        (l.instalment_due.as_str(), l.instalment_amount.as_str())
    });
    let rows = values
        .instalments
        .iter()
        .map(|(due, amount)| vec![due.clone(), amount.clone()])
        .collect();
    Ok(Block::Table(Table {
        columns: vec![Column::left(due), Column::right(amount)],
        rows,
    }))
}

/// An amount formatted for the language, or the error naming it.
fn money(lang: Language, field: &'static str, value: &str) -> Result<String, LetterError> {
    format::amount(lang, value).ok_or_else(|| LetterError::BadAmount {
        field,
        value: value.into(),
    })
}

/// The placeholders' values for one letter, formatted for its language.
struct Values<'a> {
    name: &'a str,
    data: &'a LetterData,
    lang: Language,
    balance: String,
    promise_amount: Option<String>,
    /// Each instalment's date and amount with its currency, formatted.
    instalments: Vec<(String, String)>,
}

impl<'a> Values<'a> {
    fn new(lang: Language, name: &'a str, data: &'a LetterData) -> Result<Values<'a>, LetterError> {
        let promise_amount = match &data.promise_amount {
            Some(a) => Some(money(lang, "promise amount", a)?),
            None => None,
        };
        let instalments = data
            .instalments
            .iter()
            .map(|i| {
                let amount = money(lang, "instalment amount", &i.amount)?;
                Ok((
                    format::date(lang, i.due),
                    format!("{amount} {}", data.currency),
                ))
            })
            .collect::<Result<_, LetterError>>()?;
        Ok(Values {
            name,
            data,
            lang,
            balance: money(lang, "balance", &data.balance)?,
            promise_amount,
            instalments,
        })
    }

    /// The value of a placeholder, `None` when the case has none.
    fn get(&self, placeholder: Placeholder) -> Option<String> {
        let d = self.data;
        let date = |day: Option<NaiveDate>| day.map(|day| format::date(self.lang, day));
        match placeholder {
            Placeholder::DebtorName => Some(d.debtor_name.clone()),
            Placeholder::CaseRef => Some(d.case_ref.clone()),
            Placeholder::Creditor => Some(d.creditor.clone()),
            Placeholder::Tenant => Some(d.tenant.clone()),
            Placeholder::Today => date(Some(d.today)),
            Placeholder::Balance => Some(self.balance.clone()),
            Placeholder::Currency => Some(d.currency.clone()),
            Placeholder::DueDate => date(d.due_date),
            Placeholder::PromiseAmount => self.promise_amount.clone(),
            Placeholder::PromiseDate => date(d.promise_date),
            Placeholder::PayBy => date(d.pay_by),
            Placeholder::PaymentReference => Some(d.payment_reference.clone()),
            // Inside running text, a plan reads as a list: "8 December 2026: 250.00 EUR; …".
            Placeholder::Instalments => (!self.instalments.is_empty()).then(|| {
                self.instalments
                    .iter()
                    .map(|(due, amount)| format!("{due}: {amount}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
            // Only meaningful as a paragraph of its own; elsewhere it is empty.
            Placeholder::Details => Some(String::new()),
        }
    }

    fn require(&self, placeholder: Placeholder) -> Result<String, LetterError> {
        self.get(placeholder)
            .ok_or_else(|| LetterError::MissingValue {
                name: self.name.into(),
                placeholder: placeholder.name(),
            })
    }

    fn fill(&self, pieces: &[Piece]) -> Result<String, LetterError> {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Value(p) => out.push_str(&self.require(*p)?),
            }
        }
        Ok(out)
    }
}
