//! Numbers of erased persons.
//!
//! Erasing a person takes their numbers out of the log: each is replaced by
//! a placeholder, `+999` and twelve digits of a keyed hash of the number
//! (SipHash-1-3 under a tenant's key the log never holds; 999 is no
//! country's calling code, so no one has a placeholder for a number). The
//! dialer decided with the number, so what it knew of it is kept with the
//! placeholder — whether it is valid, where the callee may be, the lists
//! loaded from files it was on — and a dialer rebuilt from the log decides
//! about the placeholder as the live one did about the number.
//!
//! What the internal and campaign lists and the consents held under the
//! number moves to its placeholder, and the gate looks a number's
//! placeholder up there too: a person who opted out and was then erased
//! stays out when a client company loads their number again.

use std::collections::HashMap;
use std::hash::Hasher;
use std::str::FromStr;

use model::PhoneNumber;
use model::erasure::{ErasedNumber, ErasedZone};
use siphasher::sip::SipHasher13;

use crate::consent::E164;
use crate::zone::{Country, NumberFacts, ZoneCandidate, Zones};

/// The calling code of placeholders (no country's).
pub const PLACEHOLDER_CODE: u64 = 999;
/// Twelve digits after the calling code.
const SUBSCRIBER: u64 = 1_000_000_000_000;

/// The key placeholders are made with (16 bytes, outside the log).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ErasureKey(pub [u8; 16]);

impl std::fmt::Debug for ErasureKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ErasureKey(…)")
    }
}

/// A number's placeholder.
pub fn placeholder(key: &ErasureKey, number: E164) -> E164 {
    let mut h = SipHasher13::new_with_key(&key.0);
    h.write_u64(number.0);
    E164(PLACEHOLDER_CODE * SUBSCRIBER + h.finish() % SUBSCRIBER)
}

/// Whether a number is a placeholder.
pub fn is_placeholder(number: E164) -> bool {
    number.0 / SUBSCRIBER == PLACEHOLDER_CODE
}

/// The placeholder written as a number (`+999…`).
pub fn placeholder_number(key: &ErasureKey, number: E164) -> PhoneNumber {
    let p = placeholder(key, number);
    PhoneNumber::parse(&format!("+{}", p.0)).expect("digits parse")
}

/// What the dialer knew of an erased number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedFacts {
    /// Validity and zones.
    pub facts: NumberFacts,
    /// The lists loaded from files it was on: (name, national).
    pub lists: Vec<(Box<str>, bool)>,
}

impl ErasedFacts {
    /// As the log keeps it, under its placeholder.
    pub fn to_model(&self, placeholder: E164) -> ErasedNumber {
        ErasedNumber {
            placeholder: format!("+{}", placeholder.0),
            valid: self.facts.valid,
            precise: self.facts.zones.precise,
            zones: (self.facts.zones.candidates.iter())
                .map(|c| ErasedZone {
                    country: c.country.as_str().to_string(),
                    tz: c.tz.name().to_string(),
                    region: c.region.as_ref().map(|r| r.to_string()),
                })
                .collect(),
            lists: (self.lists.iter())
                .map(|(n, national)| (n.to_string(), *national))
                .collect(),
        }
    }

    /// From the log: its placeholder and facts (`None` when the placeholder
    /// is not one; a zone that no longer parses is left out).
    pub fn from_model(n: &ErasedNumber) -> Option<(E164, ErasedFacts)> {
        let key = E164::of(&PhoneNumber::parse(&n.placeholder).ok()?)?;
        if !is_placeholder(key) {
            return None;
        }
        let candidates = (n.zones.iter())
            .filter_map(|z| {
                Some(ZoneCandidate {
                    country: Country::parse(&z.country)?,
                    tz: chrono_tz::Tz::from_str(&z.tz).ok()?,
                    region: z.region.clone().map(Into::into),
                })
            })
            .collect();
        let facts = NumberFacts {
            valid: n.valid,
            zones: Zones {
                candidates,
                precise: n.precise,
            },
        };
        let lists = (n.lists.iter())
            .map(|(name, national)| (name.as_str().into(), *national))
            .collect();
        Some((key, ErasedFacts { facts, lists }))
    }
}

/// The erased numbers a dialer knows, and the key to make placeholders.
#[derive(Debug, Default)]
pub struct Erased {
    key: Option<ErasureKey>,
    numbers: HashMap<E164, ErasedFacts>,
}

impl Erased {
    /// Sets the key (before any erasure is replayed).
    pub fn set_key(&mut self, key: ErasureKey) {
        self.key = Some(key);
    }

    /// The key, when one is set.
    pub fn key(&self) -> Option<&ErasureKey> {
        self.key.as_ref()
    }

    /// Remembers what a placeholder's number was (again: no change).
    pub fn insert(&mut self, placeholder: E164, facts: ErasedFacts) {
        self.numbers.insert(placeholder, facts);
    }

    /// What an erased number was, by its placeholder.
    pub fn get(&self, placeholder: E164) -> Option<&ErasedFacts> {
        self.numbers.get(&placeholder)
    }

    /// How many erased numbers are known.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The placeholder a number would have, once any number was erased (a
    /// placeholder is its own).
    pub fn placeholder_of(&self, number: E164) -> Option<E164> {
        if self.numbers.is_empty() || is_placeholder(number) {
            return None;
        }
        self.key.as_ref().map(|k| placeholder(k, number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(s: &str) -> E164 {
        E164::of(&PhoneNumber::parse(s).unwrap()).unwrap()
    }

    #[test]
    fn placeholders_are_stable_keyed_and_no_ones_number() {
        let (k1, k2) = (ErasureKey([1; 16]), ErasureKey([2; 16]));
        let n = key_of("+34600111222");
        assert_eq!(placeholder(&k1, n), placeholder(&k1, n));
        assert_ne!(placeholder(&k1, n), placeholder(&k2, n));
        assert!(is_placeholder(placeholder(&k1, n)));
        assert!(!is_placeholder(n));
        let written = placeholder_number(&k1, n);
        assert!(written.as_str().starts_with("+999"));
        assert_eq!(written.as_str().len(), 16);
        assert_eq!(E164::of(&written), Some(placeholder(&k1, n)));
    }

    #[test]
    fn what_was_known_round_trips_through_the_log() {
        let k = ErasureKey([7; 16]);
        let n = key_of("+12125550123");
        let facts = ErasedFacts {
            facts: crate::zone::number_facts(&PhoneNumber::parse("+12125550123").unwrap()),
            lists: vec![("us_dnc".into(), true)],
        };
        assert!(!facts.facts.zones.is_unknown());
        let p = placeholder(&k, n);
        let (back_key, back) = ErasedFacts::from_model(&facts.to_model(p)).unwrap();
        assert_eq!(back_key, p);
        assert_eq!(back, facts);
    }
}
