//! Customer records: matching, writing whole records, merging and undoing a
//! merge; and the pure rules that fold an import's row into a record and
//! two records into one.
//!
//! The shell reads records from the projections and proposes whole new
//! ones with the version it read; the core refuses a write over a version
//! it did not see (someone changed the record meanwhile), so no change is
//! lost to a concurrent one.

use model::customer::{Address, Cause, Phone, Record, RecordEffect, Written, limits};
use model::fact::Fact;
use serde::{Deserialize, Serialize};

use crate::command::Reply;
use crate::core::TenantCore;
use crate::customers::record_keys;
use crate::error::TenantError;

/// Records written by one command, at most.
pub const SET_MAX: usize = 10_000;

/// What an import's row is matched by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchKeys {
    /// The client company's key.
    pub external_id: Option<String>,
    /// Phones in E.164.
    pub phones: Vec<String>,
    /// E-mail addresses.
    pub emails: Vec<String>,
}

/// How a row matched a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The external id.
    ExternalId,
    /// One of the phones.
    Phone,
    /// One of the e-mail addresses.
    Email,
}

/// A record found for a row: its id, its version, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// The record (merges followed).
    pub customer: i64,
    /// Its version now.
    pub version: u32,
    /// Which key found it.
    pub by: MatchedBy,
}

/// One record to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetEntry {
    /// The record replaced, or none for a new one.
    pub customer: Option<i64>,
    /// The version the writer read (ignored for a new record).
    pub version: u32,
    /// The record, whole.
    pub record: Record,
    /// The parts that changed (the writer knows what it read).
    pub changed: Vec<String>,
}

impl TenantCore {
    /// The record each row's keys find: external id first, then any
    /// phone, then any e-mail address.
    pub(crate) fn match_customers(&self, rows: &[MatchKeys]) -> Reply {
        let c = &self.index.customers;
        let found = rows
            .iter()
            .map(|k| {
                let by_ext = k.external_id.as_deref().and_then(|x| c.by_external(x));
                let hit = by_ext
                    .map(|id| (id, MatchedBy::ExternalId))
                    .or_else(|| {
                        let p = k.phones.iter().find_map(|p| c.by_phone(p));
                        p.map(|id| (id, MatchedBy::Phone))
                    })
                    .or_else(|| {
                        let e = k.emails.iter().find_map(|e| c.by_email(e));
                        e.map(|id| (id, MatchedBy::Email))
                    });
                hit.map(|(customer, by)| Found {
                    customer,
                    version: c.version(customer).unwrap_or(0),
                    by,
                })
            })
            .collect();
        Reply::Matches(found)
    }

    /// Writes records whole, all or none.
    pub(crate) fn set_customers(
        &mut self,
        by: String,
        cause: Cause,
        entries: Vec<SetEntry>,
    ) -> Result<Reply, TenantError> {
        if entries.is_empty() || entries.len() > SET_MAX {
            return Err(TenantError::field("records", format!("1 to {SET_MAX}")));
        }
        let mut seen = std::collections::HashSet::new();
        let mut next = self.index.customers.last();
        let mut records = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            e.record
                .check()
                .map_err(|(part, why)| TenantError::field(&format!("records[{i}].{part}"), why))?;
            let (customer, version) = match e.customer {
                Some(id) => (id, self.next_version(id, e.version)?),
                None => {
                    next += 1;
                    (next, 1)
                }
            };
            if !seen.insert(customer) {
                return Err(TenantError::field(
                    &format!("records[{i}]"),
                    format!("customer {customer} twice"),
                ));
            }
            self.external_id_free(&e.record, customer, i)?;
            records.push(Written {
                customer,
                version,
                record: e.record,
                changed: e.changed,
            });
        }
        let ids = records.iter().map(|w| w.customer).collect();
        self.push(Fact::CustomersSet { by, cause, records });
        Ok(Reply::Ids(ids))
    }

    /// The version after a write over `read`, if nobody wrote since.
    fn next_version(&self, id: i64, read: u32) -> Result<u32, TenantError> {
        let c = &self.index.customers;
        let Some(now) = c.version(id) else {
            return Err(TenantError::not_found("customer"));
        };
        if c.is_erased(id) {
            return Err(TenantError::conflict(format!("customer {id} was erased")));
        }
        if let Some(k) = c.merged_into(id) {
            return Err(TenantError::conflict(format!(
                "customer {id} was merged into {k}"
            )));
        }
        if now != read {
            return Err(TenantError::conflict(format!(
                "customer {id} changed meanwhile (version {now}, not {read}): read it again"
            )));
        }
        Ok(now + 1)
    }

    /// An external id belongs to one standing record.
    fn external_id_free(&self, r: &Record, id: i64, i: usize) -> Result<(), TenantError> {
        let Some(x) = &r.external_id else {
            return Ok(());
        };
        match self.index.customers.by_external(x) {
            Some(other) if other != id => Err(TenantError::field(
                &format!("records[{i}].external_id"),
                format!("customer {other} has external id {x}"),
            )),
            _ => Ok(()),
        }
    }

    /// Merges `merged` into `kept`: `kept` becomes `record` (which the
    /// shell made with [`merge_records`] from the versions it read) and
    /// `merged` stands under it from now on.
    pub(crate) fn merge_customers(
        &mut self,
        kept: (i64, u32),
        merged: (i64, u32),
        record: Record,
        changed: Vec<String>,
        by: String,
    ) -> Result<Reply, TenantError> {
        if kept.0 == merged.0 {
            return Err(TenantError::field(
                "other",
                "a record cannot merge with itself",
            ));
        }
        record
            .check()
            .map_err(|(part, why)| TenantError::field(&format!("record.{part}"), why))?;
        let version = self.next_version(kept.0, kept.1)?;
        self.next_version(merged.0, merged.1)?;
        self.push(Fact::CustomerMerged {
            kept: kept.0,
            merged: merged.0,
            by: by.clone(),
        });
        self.push(Fact::CustomersSet {
            by,
            cause: Cause::Merge { other: merged.0 },
            records: vec![Written {
                customer: kept.0,
                version,
                record,
                changed,
            }],
        });
        Ok(Reply::Done)
    }

    /// Undoes a merge: `merged` stands on its own again and `kept` gets
    /// back `record` (as it was before the merge, read by the shell).
    pub(crate) fn unmerge_customers(
        &mut self,
        kept: (i64, u32),
        merged: i64,
        record: Record,
        by: String,
    ) -> Result<Reply, TenantError> {
        if self.index.customers.merged_into(merged) != Some(kept.0) {
            return Err(TenantError::conflict(format!(
                "customer {merged} is not merged into {}",
                kept.0
            )));
        }
        let version = self.next_version(kept.0, kept.1)?;
        self.push(Fact::CustomerUnmerged {
            kept: kept.0,
            merged,
            by: by.clone(),
        });
        self.push(Fact::CustomersSet {
            by,
            cause: Cause::Unmerge { other: merged },
            records: vec![Written {
                customer: kept.0,
                version,
                record,
                changed: Vec::new(),
            }],
        });
        Ok(Reply::Done)
    }
}

/// The cleanings a disposition `code` with record `effects` makes: `called`
/// is the number of the call, `given` the new number said on it.
pub fn cleanings(
    effects: &[RecordEffect],
    code: &str,
    called: Option<&str>,
    given: Option<Phone>,
) -> Vec<model::customer::Cleaning> {
    use model::customer::Cleaning as C;
    let mut out = Vec::new();
    let tag = |t: &str| C::Tagged { tag: t.into() };
    for e in effects {
        match e {
            RecordEffect::PhoneInvalid | RecordEffect::NotThePerson => {
                out.extend(called.map(|n| C::PhoneInvalid { number: n.into() }));
            }
            RecordEffect::AddPhone => {
                out.extend(given.clone().map(|phone| C::PhoneAdded { phone }))
            }
            RecordEffect::WithdrawCalls => out.push(tag("do_not_call")),
            RecordEffect::Deceased => {
                out.extend([C::AllPhonesInvalid, tag("deceased"), tag("do_not_call")])
            }
            RecordEffect::Moved => out.push(tag("moved")),
        }
    }
    if let Some(n) = called {
        out.push(C::PhoneOutcome {
            number: n.into(),
            outcome: code.into(),
        });
    }
    out
}

impl TenantCore {
    /// A disposition's effects on the interaction's customer record: those
    /// of the campaign's code for a campaign call, else of the default code.
    pub(crate) fn clean_record(
        &mut self,
        interaction: i64,
        code: &str,
        effects: &[RecordEffect],
        called: Option<String>,
        new_phone: Option<&str>,
        by: &str,
    ) {
        let Some(customer) = self.index.interaction(interaction).and_then(|r| r.customer) else {
            return;
        };
        let customer = self.index.customers.standing(customer);
        let Some(version) = self.index.customers.version(customer) else {
            return;
        };
        let given = new_phone.map(|n| Phone {
            number: n.to_string(),
            e164: n.starts_with('+').then(|| n.to_string()),
            kind: model::customer::PhoneKind::Other,
            valid: true,
            source: format!("call {interaction}"),
            last_outcome: None,
        });
        let list = cleanings(effects, code, called.as_deref(), given);
        if list.is_empty() {
            return;
        }
        if effects.iter().any(|e| e.stops_calls()) {
            let evidence = format!("interaction {interaction}: {code}");
            self.note_calls_withdrawn(customer, "disposition", evidence, by);
            self.opt_out_phones(customer, Some(interaction));
        }
        self.push(Fact::CustomerCleaned {
            customer,
            version: version + 1,
            interaction: model::InteractionId(interaction as u64),
            code: code.to_string(),
            cleanings: list,
            by: by.to_string(),
        });
    }
}

/// Whether two phones are the same number.
fn same_phone(a: &Phone, b: &Phone) -> bool {
    match (&a.e164, &b.e164) {
        (Some(x), Some(y)) => x == y,
        _ => a.number == b.number,
    }
}

fn add_phones(into: &mut Vec<Phone>, from: &[Phone]) {
    for p in from {
        if into.len() < limits::PHONES && !into.iter().any(|q| same_phone(q, p)) {
            into.push(p.clone());
        }
    }
}

fn add_texts(into: &mut Vec<String>, from: &[String], max: usize, fold: bool) {
    for v in from {
        let known = into.iter().any(|w| {
            if fold {
                w.eq_ignore_ascii_case(v)
            } else {
                w == v
            }
        });
        if into.len() < max && !known {
            into.push(v.clone());
        }
    }
}

/// A row of an import folded into the record it matched. A row that is
/// the record's own (the same external id, or a record without one)
/// replaces its name, language, time zone and custom fields, and its
/// address becomes the current one (the old one kept after it). A row that
/// matched by a phone or an e-mail address under another external id (the
/// same person under another key, or someone sharing a number) only adds
/// the addresses and tags it does not have: not its phones or e-mail
/// addresses, which would make it find other records next time (a shared
/// number): it is reported for a person to review. So importing the same
/// file again changes nothing.
pub fn absorb_row(record: &Record, row: &Record) -> Record {
    let mut r = record.clone();
    let own = r.external_id.is_none() || r.external_id == row.external_id;
    add_texts(&mut r.tags, &row.tags, limits::TAGS, false);
    if !own {
        for a in row.addresses.iter().filter(|a| !a.is_empty()) {
            if r.addresses.len() < limits::ADDRESSES && !r.addresses.contains(a) {
                r.addresses.push(a.clone());
            }
        }
        return r;
    }
    if r.external_id.is_none() {
        r.external_id = row.external_id.clone();
    }
    add_phones(&mut r.phones, &row.phones);
    add_texts(&mut r.emails, &row.emails, limits::EMAILS, true);
    if !row.name.trim().is_empty() {
        r.name = row.name.clone();
    }
    for a in row.addresses.iter().rev() {
        set_current_address(&mut r.addresses, a);
    }
    if row.language.is_some() {
        r.language = row.language.clone();
    }
    if row.time_zone.is_some() {
        r.time_zone = row.time_zone.clone();
    }
    for (k, v) in &row.fields {
        if r.fields.len() < limits::FIELDS || r.fields.contains_key(k) {
            r.fields.insert(k.clone(), v.clone());
        }
    }
    r
}

fn set_current_address(list: &mut Vec<Address>, a: &Address) {
    if list.first() == Some(a) || a.is_empty() {
        return;
    }
    list.retain(|b| b != a);
    list.insert(0, a.clone());
    list.truncate(limits::ADDRESSES);
}

/// Two records as one: `kept`'s values win, what it lacks comes from
/// `other`; phones, e-mail addresses, addresses and tags are joined.
pub fn merge_records(kept: &Record, other: &Record) -> Record {
    let mut r = kept.clone();
    if r.external_id.is_none() {
        r.external_id = other.external_id.clone();
    }
    add_phones(&mut r.phones, &other.phones);
    add_texts(&mut r.emails, &other.emails, limits::EMAILS, true);
    add_texts(&mut r.tags, &other.tags, limits::TAGS, false);
    for a in &other.addresses {
        if r.addresses.len() < limits::ADDRESSES && !r.addresses.contains(a) {
            r.addresses.push(a.clone());
        }
    }
    r.language = r.language.or_else(|| other.language.clone());
    r.time_zone = r.time_zone.or_else(|| other.time_zone.clone());
    for (k, v) in &other.fields {
        if r.fields.len() < limits::FIELDS && !r.fields.contains_key(k) {
            r.fields.insert(k.clone(), v.clone());
        }
    }
    r
}

/// The keys of a record (for tests and shells that check a match).
pub fn keys_of(r: &Record) -> Vec<u64> {
    record_keys(r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::customer::PhoneKind;

    fn phone(e: &str) -> Phone {
        Phone {
            number: e.into(),
            e164: Some(e.into()),
            kind: PhoneKind::Mobile,
            valid: true,
            source: String::new(),
            last_outcome: None,
        }
    }

    #[test]
    fn a_row_under_another_key_only_adds_and_folding_again_changes_nothing() {
        let rec = Record {
            external_id: Some("C1".into()),
            name: "Ana".into(),
            phones: vec![phone("+34600000001")],
            emails: vec!["ana@x.org".into()],
            ..Record::default()
        };
        let row = Record {
            external_id: Some("C9".into()),
            name: "Ana Puig".into(),
            phones: vec![phone("+34600000001"), phone("+34600000002")],
            emails: vec!["ANA@x.org".into()],
            ..Record::default()
        };
        let r = absorb_row(&rec, &row);
        assert_eq!(r.external_id.as_deref(), Some("C1"));
        assert_eq!(r, rec, "another key's row neither renames nor adds keys");
        // The record's own row renames it and adds its phones.
        let own = Record {
            external_id: Some("C1".into()),
            ..row.clone()
        };
        let r = absorb_row(&rec, &own);
        assert_eq!(r.name, "Ana Puig");
        assert_eq!(r.phones.len(), 2);
        assert_eq!(r.emails, ["ana@x.org"]);
        assert_eq!(r.changed_from(&rec), ["name", "phones"]);
        assert!(absorb_row(&r, &own).changed_from(&r).is_empty());
    }

    #[test]
    fn a_merge_keeps_the_kept_values_and_joins_the_lists() {
        let a = Record {
            name: "Ana".into(),
            phones: vec![phone("+34600000001")],
            ..Record::default()
        };
        let mut b = Record {
            name: "A. Puig".into(),
            phones: vec![phone("+34600000002")],
            language: Some("ca".into()),
            ..Record::default()
        };
        b.fields.insert("contract".into(), "X".into());
        let m = merge_records(&a, &b);
        assert_eq!(m.name, "Ana");
        assert_eq!(m.phones.len(), 2);
        assert_eq!(m.language.as_deref(), Some("ca"));
        assert_eq!(m.fields.get("contract").map(String::as_str), Some("X"));
    }
}
