//! The customer record: who the company's customer is and how to reach them.
//!
//! A record is written whole (created or replaced) by the facts that carry
//! it, so a projection or a rebuilt one is the last record written. Values
//! are checked at the edge ([`Record::check`]); engines only see checked
//! records. Phones keep the number as given beside its E.164 form, so an
//! unparseable number is kept (marked invalid), never dropped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Limits on a record (one tenant cannot fill memory with one customer).
pub mod limits {
    /// Phones on one record.
    pub const PHONES: usize = 16;
    /// E-mail addresses on one record.
    pub const EMAILS: usize = 16;
    /// Addresses on one record.
    pub const ADDRESSES: usize = 8;
    /// Tags on one record.
    pub const TAGS: usize = 32;
    /// Custom fields on one record.
    pub const FIELDS: usize = 64;
    /// Bytes of a name, a street, a field's value.
    pub const TEXT: usize = 256;
    /// Bytes of a short value (external id, number, postal code, tag, field name).
    pub const SHORT: usize = 64;
}

/// What kind of line a phone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// A mobile phone.
    Mobile,
    /// A fixed line at home.
    Landline,
    /// A work number.
    Work,
    /// Not known, or another kind (toll-free, VoIP…).
    #[default]
    Other,
}

impl PhoneKind {
    /// Its name in the API and the projections.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Landline => "landline",
            PhoneKind::Work => "work",
            PhoneKind::Other => "other",
        }
    }
}

/// One of a customer's phones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phone {
    /// The number as it was given.
    pub number: String,
    /// Its E.164 form, when it parses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e164: Option<String>,
    /// Mobile, landline, work or other.
    #[serde(default)]
    pub kind: PhoneKind,
    /// Whether the number can be dialled (false when it does not parse, or
    /// a call found it wrong).
    pub valid: bool,
    /// Where it came from (`import 3`, `api`, `call 120`…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The outcome of the last call to it (a disposition code), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<String>,
}

impl Phone {
    /// The key a number is found by: its E.164 form, else the digits given.
    pub fn key(&self) -> Option<&str> {
        self.e164.as_deref()
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country (ISO 3166 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// True when no part is known.
    pub fn is_empty(&self) -> bool {
        self.street.is_none()
            && self.postal_code.is_none()
            && self.city.is_none()
            && self.country.is_none()
    }
}

/// A customer record, whole.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    /// The client company's own key for this customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Name.
    pub name: String,
    /// Phones, the preferred first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// E-mail addresses, the preferred first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Postal addresses, the current first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Preferred language (ISO 639 code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Time zone (IANA name), from the address or the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The tenant's custom fields, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// A record's parts, as named in change lists and the API.
pub const PARTS: &[&str] = &[
    "external_id",
    "name",
    "phones",
    "emails",
    "addresses",
    "language",
    "time_zone",
    "tags",
    "fields",
];

impl Record {
    /// The parts that differ from `before` (custom fields one by one, as
    /// `fields.NAME`): what a change counts as learned.
    pub fn changed_from(&self, before: &Record) -> Vec<String> {
        let mut out = Vec::new();
        let mut part = |name: &str, differs: bool| {
            if differs {
                out.push(name.to_string());
            }
        };
        part("external_id", self.external_id != before.external_id);
        part("name", self.name != before.name);
        part("phones", self.phones != before.phones);
        part("emails", self.emails != before.emails);
        part("addresses", self.addresses != before.addresses);
        part("language", self.language != before.language);
        part("time_zone", self.time_zone != before.time_zone);
        part("tags", self.tags != before.tags);
        let keys = self.fields.keys().chain(before.fields.keys());
        let mut changed: Vec<&String> = keys
            .filter(|k| self.fields.get(*k) != before.fields.get(*k))
            .collect();
        changed.dedup();
        changed.sort();
        changed.dedup();
        out.extend(changed.into_iter().map(|k| format!("fields.{k}")));
        out
    }

    /// Checks the record's limits and texts: the first problem, as
    /// (part, reason).
    pub fn check(&self) -> Result<(), (String, String)> {
        use limits::*;
        let bad = |p: &str, r: String| Err((p.to_string(), r));
        if self.name.trim().is_empty() {
            return bad("name", "must not be empty".into());
        }
        text("name", &self.name, TEXT)?;
        if let Some(x) = &self.external_id {
            text("external_id", x, SHORT)?;
        }
        if self.phones.len() > PHONES {
            return bad("phones", format!("at most {PHONES}"));
        }
        for p in &self.phones {
            text("phones", &p.number, SHORT)?;
            text("phones", &p.source, SHORT)?;
        }
        if self.emails.len() > EMAILS {
            return bad("emails", format!("at most {EMAILS}"));
        }
        for e in &self.emails {
            text("emails", e, TEXT)?;
            if !is_email(e) {
                return bad("emails", format!("not an e-mail address: {e}"));
            }
        }
        self.check_rest()
    }

    fn check_rest(&self) -> Result<(), (String, String)> {
        use limits::*;
        if self.addresses.len() > ADDRESSES {
            return Err(("addresses".into(), format!("at most {ADDRESSES}")));
        }
        for a in &self.addresses {
            for v in [&a.street, &a.postal_code, &a.city, &a.country]
                .into_iter()
                .flatten()
            {
                text("addresses", v, TEXT)?;
            }
        }
        for (part, v) in [("language", &self.language), ("time_zone", &self.time_zone)] {
            if let Some(v) = v {
                text(part, v, SHORT)?;
            }
        }
        if self.tags.len() > TAGS {
            return Err(("tags".into(), format!("at most {TAGS}")));
        }
        for t in &self.tags {
            text("tags", t, SHORT)?;
        }
        if self.fields.len() > FIELDS {
            return Err(("fields".into(), format!("at most {FIELDS}")));
        }
        for (k, v) in &self.fields {
            text("fields", k, SHORT)?;
            text(&format!("fields.{k}"), v, TEXT)?;
        }
        Ok(())
    }

    /// The E.164 forms of its phones.
    pub fn phone_keys(&self) -> impl Iterator<Item = &str> {
        self.phones.iter().filter_map(Phone::key)
    }
}

fn text(part: &str, v: &str, max: usize) -> Result<(), (String, String)> {
    if v.len() > max {
        return Err((part.to_string(), format!("at most {max} bytes")));
    }
    if v.chars().any(char::is_control) {
        return Err((part.to_string(), "control characters".to_string()));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, something before it, a dot in the
/// domain, no spaces.
pub fn is_email(e: &str) -> bool {
    let mut parts = e.split('@');
    let (Some(user), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}

/// Text folded for search: lower case, accents dropped (`Núria` → `nuria`).
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words a name is found by: folded, split at anything not a letter
/// or digit, each once, at most 8 of at most 32 bytes.
pub fn search_words(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(32).collect())
        .collect();
    words.sort();
    words.dedup();
    words.truncate(8);
    words
}

/// Why a record was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Cause {
    /// Created or edited through the API or a page.
    Edit,
    /// Written by an import.
    Import {
        /// Which import.
        import: i64,
    },
    /// Two records merged into this one.
    Merge {
        /// The record merged into it.
        other: i64,
    },
    /// A merge undone: the record as it was before.
    Unmerge {
        /// The record taken out again.
        other: i64,
    },
    /// Learned during a contact.
    Contact {
        /// The interaction.
        interaction: i64,
    },
}

impl Cause {
    /// Its name in the timeline.
    pub fn as_str(&self) -> &'static str {
        match self {
            Cause::Edit => "edit",
            Cause::Import { .. } => "import",
            Cause::Merge { .. } => "merge",
            Cause::Unmerge { .. } => "unmerge",
            Cause::Contact { .. } => "contact",
        }
    }
}

/// What a disposition code does to the customer's record (a campaign's
/// codes each carry a list of these; see `dialer::disposition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordEffect {
    /// The number called (or calling) is wrong: marked invalid.
    PhoneInvalid,
    /// The number given on the call is added (first: dialled next).
    AddPhone,
    /// No more calls: every number of the record opted out, tagged.
    WithdrawCalls,
    /// The person died: every number invalid, no more calls, tagged.
    Deceased,
    /// The person moved: tagged, for the address to be checked.
    Moved,
    /// Someone else answers on this number: marked invalid for this record.
    NotThePerson,
}

impl RecordEffect {
    /// Every effect, in the order the documentation lists them.
    pub const ALL: [RecordEffect; 6] = [
        RecordEffect::PhoneInvalid,
        RecordEffect::AddPhone,
        RecordEffect::WithdrawCalls,
        RecordEffect::Deceased,
        RecordEffect::Moved,
        RecordEffect::NotThePerson,
    ];

    /// Whether the effect stops every call to the person.
    pub fn stops_calls(self) -> bool {
        matches!(self, RecordEffect::WithdrawCalls | RecordEffect::Deceased)
    }
}

/// What a contact's outcome changes on a record (a disposition's effects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Cleaning {
    /// The number is wrong (or not the person's): not to be dialled.
    PhoneInvalid {
        /// The number (E.164 or as dialled).
        number: String,
    },
    /// A number given during the call.
    PhoneAdded {
        /// The phone.
        phone: Phone,
    },
    /// The outcome of the last call to a number.
    PhoneOutcome {
        /// The number.
        number: String,
        /// The disposition code.
        outcome: String,
    },
    /// Every number invalid (the person died).
    AllPhonesInvalid,
    /// A tag added (`deceased`, `moved`, `do_not_call`).
    Tagged {
        /// The tag.
        tag: String,
    },
}

impl Phone {
    /// Whether this is the number `n` (its E.164 form or as given).
    pub fn is(&self, n: &str) -> bool {
        self.e164.as_deref() == Some(n) || self.number == n
    }
}

impl Record {
    /// Applies a contact's cleaning: the parts it changed.
    pub fn clean(&mut self, c: &Cleaning) -> Option<&'static str> {
        let before = self.clone();
        match c {
            Cleaning::PhoneInvalid { number } => {
                for p in self.phones.iter_mut().filter(|p| p.is(number)) {
                    p.valid = false;
                }
            }
            Cleaning::PhoneAdded { phone } => {
                let known = self
                    .phones
                    .iter()
                    .any(|p| p.is(&phone.number) || phone.e164.as_deref().is_some_and(|e| p.is(e)));
                if !known && self.phones.len() < limits::PHONES {
                    self.phones.insert(0, phone.clone());
                }
            }
            Cleaning::PhoneOutcome { number, outcome } => {
                for p in self.phones.iter_mut().filter(|p| p.is(number)) {
                    p.last_outcome = Some(outcome.clone());
                }
            }
            Cleaning::AllPhonesInvalid => self.phones.iter_mut().for_each(|p| p.valid = false),
            Cleaning::Tagged { tag } => {
                if !self.tags.contains(tag) && self.tags.len() < limits::TAGS {
                    self.tags.push(tag.clone());
                }
            }
        }
        match c {
            _ if *self == before => None,
            Cleaning::Tagged { .. } => Some("tags"),
            _ => Some("phones"),
        }
    }
}

/// One record written by a [`crate::fact::Fact::CustomersSet`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    /// The customer.
    pub customer: i64,
    /// Its version after this write (1 when created).
    pub version: u32,
    /// The record, whole.
    pub record: Record,
    /// The parts that changed (all when created).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str) -> Record {
        Record {
            name: name.into(),
            ..Record::default()
        }
    }

    #[test]
    fn changed_parts_are_listed_with_custom_fields_one_by_one() {
        let a = rec("Ana");
        let mut b = rec("Ana Puig");
        b.fields.insert("contract".into(), "X1".into());
        b.tags.push("vip".into());
        assert_eq!(b.changed_from(&a), ["name", "tags", "fields.contract"]);
        assert!(a.changed_from(&a).is_empty());
    }

    #[test]
    fn a_record_without_a_name_or_with_a_bad_email_is_refused() {
        assert_eq!(rec(" ").check().unwrap_err().0, "name");
        let mut r = rec("Ana");
        r.emails.push("ana@".into());
        assert_eq!(r.check().unwrap_err().0, "emails");
        r.emails = vec!["ana@example.org".into()];
        assert!(r.check().is_ok());
    }

    #[test]
    fn names_are_found_by_folded_words_in_any_order() {
        assert_eq!(
            search_words("Núria  PUIG-Ferrer"),
            ["ferrer", "nuria", "puig"]
        );
        assert_eq!(search_words("Tomáš Dvořák"), ["dvorak", "tomas"]);
        assert_eq!(fold("Àlex"), "alex");
    }

    #[test]
    fn a_record_round_trips_through_json_without_empty_parts() {
        let r = rec("Ana");
        let j = serde_json::to_string(&r).unwrap();
        assert_eq!(j, r#"{"name":"Ana"}"#);
        assert_eq!(serde_json::from_str::<Record>(&j).unwrap(), r);
    }
}
