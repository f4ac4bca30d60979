//! The core's memory of customer records, kept small enough for millions.
//!
//! The core does not keep records (the projections do); it keeps what it
//! decides with: each record's version (for writes that must not overwrite
//! a change they did not see), whether it was merged into another, the keys
//! it is found by, and the value tier and segment routing reads.
//!
//! Keys are one `u64` each. A phone's plain form (digits with or without a
//! leading `+`, up to 16 digits) is encoded exactly: the number, its digit
//! count and the `+`. An e-mail address (lower-cased) and an external id are
//! hashed (SipHash with fixed keys) into their own ranges; two different
//! addresses share a key with odds of about n²/2⁶³ (10⁻⁷ for a million), and
//! an import checks every match against the record it reads before using it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use smallvec::SmallVec;

/// Marks keys of e-mail addresses.
const EMAIL: u64 = 1 << 63;
/// Marks keys of external ids.
const EXTERNAL: u64 = (1 << 63) | (1 << 62);
/// The hash bits of e-mail and external-id keys.
const HASH_BITS: u64 = (1 << 62) - 1;

/// A phone's key: its plain form encoded exactly (`None` when it is not
/// digits with an optional leading `+`, or longer than 16 digits).
pub fn phone_key(plain: &str) -> Option<u64> {
    let (plus, digits) = match plain.strip_prefix('+') {
        Some(d) => (1u64, d),
        None => (0, plain),
    };
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = digits.parse().ok()?;
    Some(value | ((digits.len() as u64) << 54) | (plus << 59))
}

/// The plain form a phone key was made from.
pub fn phone_of_key(key: u64) -> Option<String> {
    if key & EMAIL != 0 {
        return None;
    }
    let len = ((key >> 54) & 0x1f) as usize;
    let value = key & ((1 << 54) - 1);
    let plus = if key & (1 << 59) != 0 { "+" } else { "" };
    Some(format!("{plus}{value:0len$}"))
}

fn hashed(tag: u64, s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    tag | (h.finish() & HASH_BITS)
}

/// An e-mail address's key (case and surrounding spaces ignored).
pub fn email_key(email: &str) -> u64 {
    hashed(EMAIL, &email.trim().to_lowercase())
}

/// An external id's key.
pub fn external_key(id: &str) -> u64 {
    hashed(EXTERNAL, id.trim())
}

/// One record, as the core keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Kept {
    /// Writes so far (0: no such record).
    version: u32,
    /// The record it was merged into (0: none).
    merged_into: u32,
    /// Its keys (phones, e-mail addresses, external id).
    keys: SmallVec<[u64; 3]>,
}

/// What routing reads from a record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutingData {
    /// Value tier (profile field `value_tier`).
    pub value_tier: Option<model::ValueTier>,
    /// Segment (profile field `segment`).
    pub segment: Option<model::Segment>,
}

/// The customers of one tenant, as the core keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Customers {
    /// By id − 1 (ids are dense counters from 1).
    kept: Vec<Kept>,
    /// The first record found by each key.
    by_key: HashMap<u64, u32>,
    /// Value tier and segment of the records that have one.
    routing: HashMap<u32, RoutingData>,
    /// Records erased (they keep their ids and take no more writes).
    erased: std::collections::HashSet<u32>,
}

fn slot(id: i64) -> Option<usize> {
    usize::try_from(id).ok()?.checked_sub(1)
}

impl Customers {
    /// The highest id taken (0 when none).
    pub fn last(&self) -> i64 {
        self.kept.len() as i64
    }

    /// How many records were ever created.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn get(&self, id: i64) -> Option<&Kept> {
        self.kept.get(slot(id)?).filter(|k| k.version > 0)
    }

    /// Whether the record exists (merged ones too).
    pub fn contains(&self, id: i64) -> bool {
        self.get(id).is_some()
    }

    /// Its version (writes so far), when it exists.
    pub fn version(&self, id: i64) -> Option<u32> {
        self.get(id).map(|k| k.version)
    }

    /// The record it was merged into, if it was.
    pub fn merged_into(&self, id: i64) -> Option<i64> {
        self.get(id)
            .filter(|k| k.merged_into != 0)
            .map(|k| i64::from(k.merged_into))
    }

    /// The record that stands for `id`: itself, or the one it was merged
    /// into (followed to the end).
    pub fn standing(&self, mut id: i64) -> i64 {
        for _ in 0..64 {
            match self.merged_into(id) {
                Some(k) => id = k,
                None => break,
            }
        }
        id
    }

    /// Routing's data on a record.
    pub fn routing(&self, id: i64) -> Option<&RoutingData> {
        self.routing.get(&u32::try_from(id).ok()?)
    }

    /// The record a key finds, followed through merges.
    pub fn by_key(&self, key: u64) -> Option<i64> {
        self.by_key.get(&key).map(|&c| self.standing(i64::from(c)))
    }

    /// The first record with this phone number (plain form).
    pub fn by_phone(&self, plain: &str) -> Option<i64> {
        self.by_key(phone_key(plain)?)
    }

    /// The first record with this e-mail address.
    pub fn by_email(&self, email: &str) -> Option<i64> {
        self.by_key(email_key(email))
    }

    /// The record with this external id.
    pub fn by_external(&self, id: &str) -> Option<i64> {
        self.by_key(external_key(id))
    }

    /// The plain forms of a record's phones.
    pub fn phones(&self, id: i64) -> Vec<String> {
        self.get(id)
            .map(|k| k.keys.iter().filter_map(|&k| phone_of_key(k)).collect())
            .unwrap_or_default()
    }

    /// A record written (created, or replaced with these keys).
    pub fn written(&mut self, id: i64, version: u32, keys: impl IntoIterator<Item = u64>) {
        let Some(s) = slot(id) else { return };
        if s >= self.kept.len() {
            self.kept.resize(s + 1, Kept::default());
        }
        let id32 = s as u32 + 1;
        let old = std::mem::take(&mut self.kept[s].keys);
        for k in old {
            if self.by_key.get(&k) == Some(&id32) {
                self.by_key.remove(&k);
            }
        }
        let mut new: SmallVec<[u64; 3]> = keys.into_iter().collect();
        new.sort_unstable();
        new.dedup();
        for &k in &new {
            self.by_key.entry(k).or_insert(id32);
        }
        let kept = &mut self.kept[s];
        kept.version = version;
        kept.keys = new;
    }

    /// A record changed in place (a contact's cleaning): its new version,
    /// and keys it gained.
    pub fn touched(&mut self, id: i64, version: u32, new_keys: impl IntoIterator<Item = u64>) {
        let Some(s) = slot(id).filter(|s| *s < self.kept.len()) else {
            return;
        };
        let id32 = s as u32 + 1;
        for k in new_keys {
            if !self.kept[s].keys.contains(&k) {
                self.kept[s].keys.push(k);
                self.by_key.entry(k).or_insert(id32);
            }
        }
        self.kept[s].version = version;
    }

    /// A record was erased: it is found by no key and takes no more writes.
    pub fn erase(&mut self, id: i64) {
        let Some(s) = slot(id).filter(|s| *s < self.kept.len()) else {
            return;
        };
        let id32 = s as u32 + 1;
        for k in std::mem::take(&mut self.kept[s].keys) {
            if self.by_key.get(&k) == Some(&id32) {
                self.by_key.remove(&k);
            }
        }
        self.routing.remove(&id32);
        self.erased.insert(id32);
    }

    /// Whether a record was erased.
    pub fn is_erased(&self, id: i64) -> bool {
        u32::try_from(id).is_ok_and(|id| self.erased.contains(&id))
    }

    /// `merged` now stands under `kept` (or on its own again, with 0).
    pub fn set_merged(&mut self, merged: i64, kept: i64) {
        if let Some(k) = slot(merged).and_then(|s| self.kept.get_mut(s)) {
            k.merged_into = u32::try_from(kept).unwrap_or(0);
        }
    }

    /// Routing's data changed on a record.
    pub fn set_routing(&mut self, id: i64, f: impl FnOnce(&mut RoutingData)) {
        let Ok(id) = u32::try_from(id) else { return };
        let r = self.routing.entry(id).or_default();
        f(r);
        if r.value_tier.is_none() && r.segment.is_none() {
            self.routing.remove(&id);
        }
    }
}

/// The keys of a whole record.
pub fn record_keys(r: &model::customer::Record) -> impl Iterator<Item = u64> + '_ {
    // A number that does not parse is still found by its plain form.
    let phones = r
        .phones
        .iter()
        .filter_map(|p| phone_key(p.e164.as_deref().unwrap_or(&p.number)));
    let emails = r.emails.iter().map(|e| email_key(e));
    let ext = r.external_id.iter().map(|x| external_key(x));
    phones.chain(emails).chain(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keys_are_exact_and_reversible() {
        for p in ["+34612345678", "612345678", "0034612345678", "+1", "0"] {
            let k = phone_key(p).unwrap();
            assert_eq!(phone_of_key(k).as_deref(), Some(p));
        }
        assert_ne!(phone_key("0034612345678"), phone_key("34612345678"));
        assert_ne!(phone_key("+34612345678"), phone_key("34612345678"));
        assert_eq!(phone_key("61234x"), None);
        assert_eq!(phone_key("12345678901234567"), None);
        assert!(phone_key("9999999999999999").unwrap() & EMAIL == 0);
    }

    #[test]
    fn a_rewritten_record_is_found_by_its_new_keys_only() {
        let mut c = Customers::default();
        c.written(
            1,
            1,
            [phone_key("+34600000001").unwrap(), email_key("A@x.org")],
        );
        assert_eq!(c.by_email("a@X.org "), Some(1));
        c.written(1, 2, [phone_key("+34600000002").unwrap()]);
        assert_eq!(c.by_phone("+34600000001"), None);
        assert_eq!(c.by_phone("+34600000002"), Some(1));
        assert_eq!(c.by_email("a@x.org"), None);
        assert_eq!(c.version(1), Some(2));
    }

    #[test]
    fn a_merged_record_is_found_as_the_one_it_was_merged_into() {
        let mut c = Customers::default();
        c.written(1, 1, [external_key("K1")]);
        c.written(2, 1, [external_key("K2")]);
        c.set_merged(2, 1);
        assert_eq!(c.by_external("K2"), Some(1));
        c.set_merged(2, 0);
        assert_eq!(c.by_external("K2"), Some(2));
    }
}
