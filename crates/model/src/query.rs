//! Saved customer queries: a named filter over a tenant's customer records
//! that a campaign is fed from ("every gold customer in Catalonia who speaks
//! Catalan and has not asked not to be called").
//!
//! ```json
//! {"tags_all": ["gold"], "tags_none": ["do_not_call", "deceased"],
//!  "countries": ["ES"], "languages": ["ca"], "time_zones": [],
//!  "fields": {"segment": "retail"}, "valid_phone": true}
//! ```
//!
//! Every condition given must hold (an empty list holds for any record);
//! tags, countries, languages and field values compare without regard to
//! case. Each query is a tenant setting named [`PREFIX`]`NAME`. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::customer::Record;

/// The prefix of a saved query's settings name.
pub const PREFIX: &str = "customer_query.";
/// Most saved queries per tenant.
pub const QUERIES_MAX: usize = 200;
/// Most values in any of a query's lists (and custom fields compared).
pub const VALUES_MAX: usize = 100;
/// Longest value, in bytes.
pub const VALUE_LEN_MAX: usize = 200;

/// A saved query's conditions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// What the query is for (shown on the pages).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The record has every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_all: Vec<String>,
    /// The record has at least one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_any: Vec<String>,
    /// The record has none of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_none: Vec<String>,
    /// An address of the record is in one of these countries (ISO codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// The record's language is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The record's time zone is one of these (IANA names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_zones: Vec<String>,
    /// Custom fields with these values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// The record has (true) or lacks (false) a valid number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_phone: Option<bool>,
}

/// Why a query is refused: the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct QueryError {
    /// The query's part (`tags_all[2]`, `fields.segment`).
    pub field: String,
    /// Why.
    pub reason: String,
}

fn err(field: String, reason: &str) -> QueryError {
    QueryError {
        field,
        reason: reason.to_string(),
    }
}

fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

fn any_of(list: &[String], v: &str) -> bool {
    list.iter().any(|x| same(x, v))
}

impl CustomerQuery {
    /// Checks the query's size and values.
    pub fn check(&self) -> Result<(), QueryError> {
        let lists: [(&str, &Vec<String>); 6] = [
            ("tags_all", &self.tags_all),
            ("tags_any", &self.tags_any),
            ("tags_none", &self.tags_none),
            ("countries", &self.countries),
            ("languages", &self.languages),
            ("time_zones", &self.time_zones),
        ];
        for (name, list) in lists {
            if list.len() > VALUES_MAX {
                return Err(err(name.into(), "at most 100 values"));
            }
            for (i, v) in list.iter().enumerate() {
                if v.trim().is_empty() || v.len() > VALUE_LEN_MAX {
                    return Err(err(format!("{name}[{i}]"), "empty or over 200 bytes"));
                }
            }
        }
        if self.fields.len() > VALUES_MAX {
            return Err(err("fields".into(), "at most 100 fields"));
        }
        for (k, v) in &self.fields {
            if v.len() > VALUE_LEN_MAX {
                return Err(err(format!("fields.{k}"), "over 200 bytes"));
            }
        }
        if self.description.len() > 1000 {
            return Err(err("description".into(), "over 1000 bytes"));
        }
        Ok(())
    }

    /// Whether a record meets every condition.
    pub fn matches(&self, r: &Record) -> bool {
        let has = |t: &str| r.tags.iter().any(|x| same(x, t));
        self.tags_all.iter().all(|t| has(t))
            && (self.tags_any.is_empty() || self.tags_any.iter().any(|t| has(t)))
            && !self.tags_none.iter().any(|t| has(t))
            && (self.countries.is_empty()
                || r.addresses
                    .iter()
                    .filter_map(|a| a.country.as_deref())
                    .any(|c| any_of(&self.countries, c)))
            && (self.languages.is_empty()
                || r.language
                    .as_deref()
                    .is_some_and(|l| any_of(&self.languages, l)))
            && (self.time_zones.is_empty()
                || (r.time_zone.as_deref()).is_some_and(|z| any_of(&self.time_zones, z)))
            && self
                .fields
                .iter()
                .all(|(k, v)| r.fields.get(k).is_some_and(|x| same(x, v)))
            && self
                .valid_phone
                .is_none_or(|want| want == r.phones.iter().any(|p| p.valid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{Address, Phone, PhoneKind};

    fn record() -> Record {
        Record {
            name: "Núria Puig".into(),
            phones: vec![Phone {
                number: "612345678".into(),
                e164: Some("+34612345678".into()),
                kind: PhoneKind::Mobile,
                valid: true,
                source: String::new(),
                last_outcome: None,
            }],
            addresses: vec![Address {
                country: Some("ES".into()),
                ..Address::default()
            }],
            language: Some("ca".into()),
            time_zone: Some("Europe/Madrid".into()),
            tags: vec!["Gold".into()],
            fields: [("segment".to_string(), "Retail".to_string())].into(),
            ..Record::default()
        }
    }

    fn q(json: &str) -> CustomerQuery {
        let q: CustomerQuery = serde_json::from_str(json).unwrap();
        q.check().unwrap();
        q
    }

    #[test]
    fn every_condition_must_hold_and_case_does_not_matter() {
        let r = record();
        assert!(q("{}").matches(&r));
        assert!(q(r#"{"tags_all": ["gold"], "countries": ["es"], "languages": ["CA"], "fields": {"segment": "retail"}}"#).matches(&r));
        assert!(
            q(r#"{"tags_any": ["silver", "gold"], "time_zones": ["Europe/Madrid"]}"#).matches(&r)
        );
        assert!(!q(r#"{"tags_none": ["GOLD"]}"#).matches(&r));
        assert!(!q(r#"{"tags_all": ["gold", "vip"]}"#).matches(&r));
        assert!(!q(r#"{"countries": ["CZ"]}"#).matches(&r));
        assert!(!q(r#"{"fields": {"segment": "corporate"}}"#).matches(&r));
        assert!(!q(r#"{"fields": {"region": "x"}}"#).matches(&r));
        assert!(q(r#"{"valid_phone": true}"#).matches(&r));
        let mut dead = r.clone();
        dead.phones[0].valid = false;
        assert!(!q(r#"{"valid_phone": true}"#).matches(&dead));
        assert!(q(r#"{"valid_phone": false}"#).matches(&dead));
    }

    #[test]
    fn bad_queries_name_their_part() {
        let bad: CustomerQuery = serde_json::from_str(r#"{"tags_all": ["ok", " "]}"#).unwrap();
        assert_eq!(bad.check().unwrap_err().field, "tags_all[1]");
        assert!(serde_json::from_str::<CustomerQuery>(r#"{"tag": ["x"]}"#).is_err());
    }
}
