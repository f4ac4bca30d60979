//! Erasure: what is left of a person's facts once they are erased.
//!
//! The log is append-only but for this: erasing a person rewrites the facts
//! that hold their personal data in place, each redacted by [`redact`], and
//! appends a [`crate::fact::Fact::CustomerErased`] saying so. What a fact
//! counts for stays (its kind, ids, times, outcomes, codes, who acted), so
//! counts and KPIs read the same and the log still rebuilds; what names or
//! reaches the person goes: names, addresses, e-mail addresses, notes, chat
//! messages, subjects, profile answers, consent evidence, the values an IVR
//! collected.
//!
//! A phone number is not blanked but replaced by its placeholder (see
//! [`ErasedNumber`]): the dialer decided with the number (its time zones,
//! whether it is valid, the lists it was on) and a dialer rebuilt from the
//! log must decide as the live one did.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::customer::Record;
use crate::event::EventKind;
use crate::fact::{CallFact, DialerStep, Fact};

/// What an erased text reads.
pub const ERASED: &str = "(erased)";

/// What the dialer knew of an erased number, kept with its placeholder: a
/// placeholder is `+999` and twelve digits of a keyed hash of the number
/// (999 is no country's calling code, so a placeholder is never a number
/// anyone has).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasedNumber {
    /// The placeholder (E.164 form: `+999` and twelve digits).
    pub placeholder: String,
    /// Whether the number was a valid number of its country.
    pub valid: bool,
    /// Whether its zones came from an area code or province, not just the country.
    #[serde(default)]
    pub precise: bool,
    /// Where the callee could be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<ErasedZone>,
    /// The do-not-call lists loaded from files it was on when erased: (name, national).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<(String, bool)>,
}

/// One place an erased number's callee could be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasedZone {
    /// ISO 3166 country code.
    pub country: String,
    /// IANA time zone.
    pub tz: String,
    /// ISO 3166-2 region, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Whose data a redaction takes out.
#[derive(Debug, Clone, Default)]
pub struct Erasure {
    /// The customer records (the one asked for and those merged into it).
    pub customers: BTreeSet<i64>,
    /// Their interactions.
    pub interactions: BTreeSet<i64>,
    /// Their numbers, each written form (as given and E.164) → placeholder.
    pub numbers: BTreeMap<String, String>,
    /// Their e-mail addresses, in lower case.
    pub emails: BTreeSet<String>,
    /// The cases they owe in (closed: an open case refuses the erasure),
    /// whose facts name them.
    pub cases: BTreeSet<u64>,
}

impl Erasure {
    fn has_customer(&self, id: i64) -> bool {
        self.customers.contains(&id)
    }

    fn has_interaction(&self, id: crate::InteractionId) -> bool {
        self.interactions.contains(&(id.0 as i64))
    }

    /// The placeholder of one of the person's numbers.
    pub fn placeholder(&self, number: &str) -> Option<&str> {
        self.numbers.get(number.trim()).map(String::as_str)
    }

    /// Whether an e-mail is from or to one of the person's addresses (a
    /// message on an interaction that names no record).
    fn writes(&self, m: &crate::email::Email) -> bool {
        self.is_email(&m.from) || m.to.iter().any(|t| self.is_email(t))
    }

    fn is_email(&self, s: &str) -> bool {
        !self.emails.is_empty() && self.emails.contains(&s.trim().to_lowercase())
    }

    /// Strings a stored fact of the person holds, to find candidates without
    /// parsing every fact (a fact may hold the person's data without any).
    pub fn needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .customers
            .iter()
            .map(|id| format!("\"customer\":{id}"))
            .collect();
        out.extend(self.numbers.keys().cloned());
        out.extend(self.emails.iter().cloned());
        out.extend(self.cases.iter().map(|c| format!("\"case\":{c}")));
        out
    }
}

/// An erased record: its name reads [`ERASED`], every other part is empty.
pub fn erased_record() -> Record {
    Record {
        name: ERASED.into(),
        ..Record::default()
    }
}

/// Takes the person's data out of one fact; whether anything changed.
pub fn redact(fact: &mut Fact, e: &Erasure) -> bool {
    let before = fact.clone();
    match fact {
        Fact::InteractionOpened {
            interaction,
            subject,
            ..
        } if e.has_interaction(*interaction) => *subject = None,
        Fact::EmailReceived {
            interaction, email, ..
        }
        | Fact::EmailSent {
            interaction, email, ..
        } if e.has_interaction(*interaction) || e.writes(email) => redact_email(email),
        Fact::NoteAdded {
            interaction, body, ..
        }
        | Fact::ChatMessage {
            interaction, body, ..
        } if e.has_interaction(*interaction) => *body = ERASED.into(),
        Fact::Routing { event } => {
            if let EventKind::InteractionCreated {
                interaction,
                attributes,
                ..
            } = &mut event.kind
                && e.has_interaction(*interaction)
            {
                *attributes = None;
            }
        }
        Fact::CustomerCreated {
            customer,
            name,
            phone,
            email,
        } if e.has_customer(*customer) => {
            *name = ERASED.into();
            *phone = None;
            *email = None;
        }
        Fact::CustomersSet { records, .. } => {
            for w in records.iter_mut().filter(|w| e.has_customer(w.customer)) {
                w.record = erased_record();
            }
        }
        Fact::CustomerCleaned {
            customer,
            cleanings,
            ..
        } if e.has_customer(*customer) => cleanings.clear(),
        Fact::CustomerConsent { customer, entry } if e.has_customer(*customer) => {
            entry.evidence = None;
        }
        Fact::CustomerProfiled {
            customer, fields, ..
        } if e.has_customer(*customer) => {
            for (_, v) in fields.iter_mut() {
                *v = ERASED.into();
            }
        }
        Fact::Call { interaction, call } if e.has_interaction(*interaction) => redact_call(call, e),
        Fact::CampaignContacts { contacts, .. } => {
            for c in contacts.iter_mut() {
                let theirs = c.customer.is_some_and(|id| e.has_customer(id));
                if theirs || c.phones.iter().any(|p| e.placeholder(p).is_some()) {
                    c.name = None;
                    map_numbers(&mut c.phones, e);
                }
            }
        }
        Fact::DialerInput { input } => redact_step(input, e),
        Fact::CaseInput {
            input,
            customer: Some(c),
        } if e.has_customer(*c) => erase_debtor_in(input),
        Fact::CaseFact { case, entry } if e.cases.contains(case) => erase_debtor_in(entry),
        Fact::CaseLetterOrdered {
            case,
            snapshot: Some(s),
            ..
        } if e.cases.contains(case) => s.debtor = ERASED.into(),
        Fact::Outbound { event } => redact_json(event, e),
        _ => {}
    }
    *fact != before
}

/// Every `debtor` in a case's JSON (a new case's input, a case's
/// creation) reads [`ERASED`].
fn erase_debtor_in(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "debtor" && x.is_string() {
                    *x = ERASED.into();
                } else {
                    erase_debtor_in(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(erase_debtor_in),
        _ => {}
    }
}

/// An e-mail of the person's: what it said and who it was between go; its
/// ids (for threads) and its attachments' types and sizes stay.
fn redact_email(m: &mut crate::email::Email) {
    m.from = ERASED.into();
    m.to.clear();
    m.subject = ERASED.into();
    m.text = ERASED.into();
    m.html = None;
    for a in m.attachments.iter_mut() {
        a.name = ERASED.into();
        a.path = None;
    }
}

fn map_numbers(phones: &mut [String], e: &Erasure) {
    for p in phones {
        if let Some(ph) = e.placeholder(p) {
            *p = ph.to_string();
        }
    }
}

fn redact_call(call: &mut CallFact, e: &Erasure) {
    match call {
        CallFact::Arrived { caller, .. } => {
            *caller = e.placeholder(caller).unwrap_or(ERASED).to_string();
        }
        CallFact::Ivr { attributes, .. } => {
            for (_, v) in attributes.iter_mut() {
                *v = ERASED.into();
            }
        }
        CallFact::CallbackRequested { number, .. } => {
            *number = e.placeholder(number).unwrap_or(ERASED).to_string();
        }
        _ => {}
    }
}

fn redact_step(step: &mut DialerStep, e: &Erasure) {
    match step {
        DialerStep::OptOut { phone } | DialerStep::Consent { phone, .. } => {
            if let Some(p) = e.placeholder(phone) {
                *phone = p.to_string();
            }
        }
        DialerStep::Disposition {
            new_phone: Some(phone),
            ..
        } => {
            if let Some(p) = e.placeholder(phone) {
                *phone = p.to_string();
            }
        }
        _ => {}
    }
}

/// Replaces the person's numbers and e-mail addresses wherever they are in
/// a value that serializes to JSON (the dialer's events name numbers in
/// many places), keeping its shape.
fn redact_json<T: Serialize + serde::de::DeserializeOwned>(value: &mut T, e: &Erasure) {
    let Ok(mut v) = serde_json::to_value(&*value) else {
        return;
    };
    if !walk(&mut v, e) {
        return;
    }
    if let Ok(back) = serde_json::from_value(v) {
        *value = back;
    }
}

fn walk(v: &mut serde_json::Value, e: &Erasure) -> bool {
    use serde_json::Value as V;
    match v {
        V::String(s) => {
            if let Some(p) = e.placeholder(s) {
                *s = p.to_string();
                true
            } else if e.is_email(s) {
                *s = ERASED.into();
                true
            } else {
                false
            }
        }
        V::Array(items) => items.iter_mut().fold(false, |acc, i| walk(i, e) | acc),
        V::Object(map) => map.values_mut().fold(false, |acc, i| walk(i, e) | acc),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InteractionId;
    use crate::customer::{Cause, Written};
    use crate::fact::CampaignContact;

    fn erasure() -> Erasure {
        Erasure {
            customers: [7].into(),
            interactions: [70].into(),
            numbers: [
                ("+34600111222".to_string(), "+999123456789012".to_string()),
                ("600111222".to_string(), "+999123456789012".to_string()),
            ]
            .into(),
            emails: ["ana@example.com".to_string()].into(),
            cases: [3].into(),
        }
    }

    #[test]
    fn a_chunk_keeps_other_peoples_records_and_contacts() {
        let rec = |name: &str| Record {
            name: name.into(),
            ..Record::default()
        };
        let mut f = Fact::CustomersSet {
            by: "u".into(),
            cause: Cause::Edit,
            records: vec![
                Written {
                    customer: 7,
                    version: 1,
                    record: rec("Ana"),
                    changed: vec![],
                },
                Written {
                    customer: 8,
                    version: 1,
                    record: rec("Bo"),
                    changed: vec![],
                },
            ],
        };
        assert!(redact(&mut f, &erasure()));
        let Fact::CustomersSet { records, .. } = &f else {
            unreachable!()
        };
        assert_eq!(records[0].record.name, ERASED);
        assert_eq!(records[1].record.name, "Bo");
        let mut c = Fact::CampaignContacts {
            campaign: 1,
            contacts: vec![
                CampaignContact {
                    id: 1,
                    name: Some("Ana".into()),
                    customer: None,
                    phones: vec!["+34600111222".into()],
                    manual: false,
                },
                CampaignContact {
                    id: 2,
                    name: Some("Bo".into()),
                    customer: Some(8),
                    phones: vec!["+34600999888".into()],
                    manual: false,
                },
            ],
        };
        assert!(redact(&mut c, &erasure()));
        let Fact::CampaignContacts { contacts, .. } = &c else {
            unreachable!()
        };
        assert_eq!(contacts[0].name, None);
        assert_eq!(contacts[0].phones, vec!["+999123456789012".to_string()]);
        assert_eq!(contacts[1].name.as_deref(), Some("Bo"));
    }

    #[test]
    fn texts_of_the_persons_interactions_go_and_others_stay() {
        let note = |i: u64| Fact::NoteAdded {
            interaction: InteractionId(i),
            author: "agent".into(),
            body: "Ana owes 300".into(),
        };
        let (mut mine, mut other) = (note(70), note(71));
        assert!(redact(&mut mine, &erasure()));
        assert!(!redact(&mut other, &erasure()));
        assert_eq!(mine, {
            let Fact::NoteAdded {
                interaction,
                author,
                ..
            } = note(70)
            else {
                unreachable!()
            };
            Fact::NoteAdded {
                interaction,
                author,
                body: ERASED.into(),
            }
        });
    }

    #[test]
    fn an_email_of_theirs_goes_on_any_interaction_and_anothers_stays() {
        let mail = |from: &str| Fact::EmailReceived {
            interaction: InteractionId(99),
            mailbox: "support".into(),
            email: Box::new(crate::email::Email {
                message_id: "m@x".into(),
                from: from.into(),
                subject: "my debt".into(),
                text: "call me".into(),
                ..Default::default()
            }),
        };
        let (mut theirs, mut other) = (mail("Ana@Example.com"), mail("bo@example.com"));
        assert!(redact(&mut theirs, &erasure()));
        assert!(!redact(&mut other, &erasure()));
        let Fact::EmailReceived { email, .. } = theirs else {
            unreachable!()
        };
        assert_eq!((email.from.as_str(), email.text.as_str()), (ERASED, ERASED));
        assert_eq!(email.message_id, "m@x", "ids stay, for threads");
    }

    #[test]
    fn an_opt_out_keeps_its_place_under_the_placeholder() {
        let mut f = Fact::DialerInput {
            input: DialerStep::OptOut {
                phone: "+34600111222".into(),
            },
        };
        assert!(redact(&mut f, &erasure()));
        assert_eq!(
            f,
            Fact::DialerInput {
                input: DialerStep::OptOut {
                    phone: "+999123456789012".into()
                }
            }
        );
    }
}
