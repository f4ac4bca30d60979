//! The consent ledger and the do-not-call lists: who may be called, for what.
//!
//! Numbers are kept as E.164 digits in a `u64` (15 digits fit), so a national
//! list of millions of numbers stays compact and a lookup is one hash probe.
//! National lists arrive as text files; [`parse_do_not_call_file`] reads them
//! and names the line of any error.

use model::outbound::{DoNotCallList, GateRule};
use model::{Channel, Instant, PhoneNumber};
use std::collections::{BTreeMap, HashMap, HashSet};

use model::ids::CampaignId;

/// Most consent records kept per number (older ones beyond this are dropped first).
pub const CONSENTS_PER_NUMBER_MAX: usize = 32;
/// Longest line of a do-not-call file, in bytes.
pub const DNC_LINE_LEN_MAX: usize = 128;
/// Most numbers in one do-not-call file.
pub const DNC_FILE_NUMBERS_MAX: usize = 300_000_000;
/// Longest consent purpose or source, in bytes.
pub const CONSENT_WORD_LEN_MAX: usize = 64;
/// Most numbers on an engine's lists loaded from files, together (8 bytes
/// each: 160 MB; a list being replaced holds its old and new numbers until
/// the new one is published).
pub const LISTED_NUMBERS_MAX: usize = 20_000_000;
/// Most lists loaded from files.
pub const LISTS_MAX: usize = 64;
/// Longest list name, in bytes.
pub const LIST_NAME_LEN_MAX: usize = 64;

/// A list loaded from files (national or named): its numbers sorted, and
/// those of an import not yet published.
#[derive(Debug, Default)]
struct Listed {
    national: bool,
    numbers: Vec<u64>,
    staged: Vec<u64>,
}

impl Listed {
    fn contains(&self, key: E164) -> bool {
        self.numbers.binary_search(&key.0).is_ok()
    }
}

/// Why a list cannot take numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// Not a list numbers are loaded into (internal, campaign).
    #[error("{0}: only national and named lists are loaded from files")]
    NotLoadable(String),
    /// The name is empty, too long or not `a-z0-9_-`.
    #[error("{0:?}: a list's name is 1 to 64 of a-z, 0-9, _ and -")]
    Name(String),
    /// The name is a list of the other kind.
    #[error("{0} is already a list of the other kind (national or named)")]
    Kind(String),
    /// Too many lists or numbers.
    #[error("at most {LISTS_MAX} lists and {LISTED_NUMBERS_MAX} numbers on them")]
    Full,
}

/// An E.164 number as its digits, the key of every list here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct E164(pub u64);

impl E164 {
    /// The key of a number written `+` and digits; `None` otherwise.
    pub fn of(number: &PhoneNumber) -> Option<E164> {
        let digits = number.as_str().strip_prefix('+')?;
        (digits.len() <= 15 && !digits.is_empty())
            .then(|| digits.parse().ok().map(E164))
            .flatten()
    }
}

/// Writes a number in E.164 (`+` and digits), reading national numbers as
/// numbers of the country with calling code `default_cc`: `00` becomes `+`;
/// in North America (1) ten digits get the `1`; elsewhere one leading trunk `0`
/// is dropped (except in Italy, which keeps it). `None` if it has no digits or
/// more than 15.
pub fn to_e164(raw: &str, default_cc: u16) -> Option<PhoneNumber> {
    let plus = raw.trim_start().starts_with('+');
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let full = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if default_cc == 1 {
        match digits.len() {
            10 => format!("1{digits}"),
            11 if digits.starts_with('1') => digits,
            _ => return None,
        }
    } else if default_cc == 39 {
        format!("{default_cc}{digits}")
    } else {
        format!(
            "{default_cc}{}",
            digits.strip_prefix('0').unwrap_or(&digits)
        )
    };
    if full.is_empty() || full.len() > 15 || full.starts_with('0') {
        return None;
    }
    PhoneNumber::parse(&format!("+{full}")).ok()
}

/// A line of a do-not-call file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {why}")]
pub struct DncFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub why: String,
}

/// Reads a do-not-call file: one number per line, in E.164 (`+34…`), with
/// `00`, or national for the country `default_cc`; or the US registry's
/// `area code,number` form. Blank lines and lines starting with `#` are skipped;
/// a header line starting with a letter is skipped if it is the first line.
pub fn parse_do_not_call_file(
    text: &str,
    default_cc: u16,
) -> Result<Vec<PhoneNumber>, DncFileError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let s = raw.trim();
        if s.is_empty() || s.starts_with('#') {
            continue;
        }
        if line == 1 && s.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if s.len() > DNC_LINE_LEN_MAX {
            return Err(DncFileError {
                line,
                why: format!("longer than {DNC_LINE_LEN_MAX} bytes"),
            });
        }
        let joined;
        let number = match s.split_once(',') {
            Some((area, rest)) => {
                let (area, rest) = (area.trim(), rest.split(',').next().unwrap_or("").trim());
                if area.len() != 3
                    || rest.len() != 7
                    || !(area.bytes().chain(rest.bytes()).all(|b| b.is_ascii_digit()))
                {
                    return Err(DncFileError {
                        line,
                        why: format!("{s:?} is not 'area code,number' (3 and 7 digits)"),
                    });
                }
                joined = format!("{area}{rest}");
                to_e164(&joined, 1)
            }
            None => {
                if !s
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
                {
                    return Err(DncFileError {
                        line,
                        why: format!("{s:?} is not a phone number"),
                    });
                }
                to_e164(s, default_cc)
            }
        };
        match number {
            Some(n) => out.push(n),
            None => {
                return Err(DncFileError {
                    line,
                    why: format!("{s:?} cannot be written as an E.164 number"),
                });
            }
        }
        if out.len() > DNC_FILE_NUMBERS_MAX {
            return Err(DncFileError {
                line,
                why: format!("more than {DNC_FILE_NUMBERS_MAX} numbers"),
            });
        }
    }
    Ok(out)
}

/// One recorded permission to contact a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// For what (`marketing`, `collections`…).
    pub purpose: Box<str>,
    /// On which channel (calls are voice).
    pub channel: Channel,
    /// Where it came from (`web_form`, `contact_list`, `call`…).
    pub source: Box<str>,
    /// When it was given.
    pub given_at: Instant,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<Instant>,
    /// When it lapses, if it does.
    pub expires_at: Option<Instant>,
}

/// What the ledger says about calling a number for a purpose now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStatus {
    /// A record is in force.
    Valid,
    /// None was ever given (for this purpose, for calls).
    Missing,
    /// It was withdrawn.
    Withdrawn,
    /// It lapsed.
    Expired,
}

impl ConsentStatus {
    /// The gate rule that denies for this status, if any.
    pub fn denying_rule(self) -> Option<GateRule> {
        match self {
            ConsentStatus::Valid => None,
            ConsentStatus::Missing => Some(GateRule::ConsentMissing),
            ConsentStatus::Withdrawn => Some(GateRule::ConsentWithdrawn),
            ConsentStatus::Expired => Some(GateRule::ConsentExpired),
        }
    }
}

/// Consent records and do-not-call lists, shared by every campaign of the engine.
#[derive(Debug, Default)]
pub struct ComplianceRegistry {
    consents: HashMap<E164, Vec<ConsentRecord>>,
    internal: HashSet<E164>,
    per_campaign: HashMap<CampaignId, HashSet<E164>>,
    lists: BTreeMap<Box<str>, Listed>,
    erased: crate::erased::Erased,
}

impl ComplianceRegistry {
    /// Records a consent.
    pub fn record_consent(&mut self, number: E164, record: ConsentRecord) {
        let list = self.consents.entry(number).or_default();
        if list.len() >= CONSENTS_PER_NUMBER_MAX {
            list.remove(0);
        }
        list.push(record);
    }

    /// Withdraws every consent of a number for a purpose, from `at` on; whether there was one.
    pub fn withdraw_consent(&mut self, number: E164, purpose: &str, at: Instant) -> bool {
        let mut any = false;
        for r in self.consents.get_mut(&number).into_iter().flatten() {
            if &*r.purpose == purpose && r.withdrawn_at.is_none_or(|w| w > at) {
                r.withdrawn_at = Some(at);
                any = true;
            }
        }
        any
    }

    /// Whether a number may be called for `purpose` at `now`.
    pub fn consent_status(&self, number: E164, purpose: &str, now: Instant) -> ConsentStatus {
        let mut status = ConsentStatus::Missing;
        for r in self.consents.get(&number).into_iter().flatten() {
            if &*r.purpose != purpose || !r.channel.is_voice() || r.given_at > now {
                continue;
            }
            if r.withdrawn_at.is_some_and(|w| w <= now) {
                status = ConsentStatus::Withdrawn;
            } else if r.expires_at.is_some_and(|e| e <= now) {
                if status == ConsentStatus::Missing {
                    status = ConsentStatus::Expired;
                }
            } else {
                return ConsentStatus::Valid;
            }
        }
        status
    }

    /// Puts a number on a list; whether it was new there.
    pub fn add_do_not_call(&mut self, list: &DoNotCallList, number: E164) -> bool {
        match list {
            DoNotCallList::Internal => self.internal.insert(number),
            DoNotCallList::Campaign(c) => self.per_campaign.entry(*c).or_default().insert(number),
            DoNotCallList::National(name) | DoNotCallList::Named(name) => {
                let l = self.lists.entry(name.clone()).or_default();
                l.national = matches!(list, DoNotCallList::National(_));
                match l.numbers.binary_search(&number.0) {
                    Ok(_) => false,
                    Err(i) => {
                        l.numbers.insert(i, number.0);
                        true
                    }
                }
            }
        }
    }

    /// Takes a number off a list; whether it was there.
    pub fn remove_do_not_call(&mut self, list: &DoNotCallList, number: E164) -> bool {
        match list {
            DoNotCallList::Internal => self.internal.remove(&number),
            DoNotCallList::Campaign(c) => self
                .per_campaign
                .get_mut(c)
                .is_some_and(|s| s.remove(&number)),
            DoNotCallList::National(name) | DoNotCallList::Named(name) => {
                let Some(l) = self.lists.get_mut(name) else {
                    return false;
                };
                match l.numbers.binary_search(&number.0) {
                    Ok(i) => {
                        l.numbers.remove(i);
                        true
                    }
                    Err(_) => false,
                }
            }
        }
    }

    /// Numbers the lists would hold once `name`'s import is published with
    /// `more` numbers besides those staged (the list it replaces aside).
    fn listed_after(&self, name: &str, more: usize) -> usize {
        let others: usize = (self.lists.iter())
            .filter(|(n, _)| &***n != name)
            .map(|(_, l)| l.numbers.len().max(l.staged.len()))
            .sum();
        let staged = self.lists.get(name).map_or(0, |l| l.staged.len());
        others + staged + more
    }

    /// Adds numbers to a list's import in progress (they take effect when
    /// it is published; the list as it was stays in force until then).
    pub fn stage(
        &mut self,
        list: &DoNotCallList,
        numbers: impl ExactSizeIterator<Item = E164>,
        first: bool,
    ) -> Result<(), ListError> {
        let (name, national) = match list {
            DoNotCallList::National(n) => (n, true),
            DoNotCallList::Named(n) => (n, false),
            other => return Err(ListError::NotLoadable(other.name().to_string())),
        };
        if !model::name::is_slug(name, LIST_NAME_LEN_MAX) {
            return Err(ListError::Name(name.to_string()));
        }
        if let Some(l) = self.lists.get_mut(name) {
            if (!l.numbers.is_empty() || !l.staged.is_empty()) && l.national != national {
                return Err(ListError::Kind(name.to_string()));
            }
            if first {
                l.staged.clear();
            }
        }
        if self.listed_after(name, numbers.len()) > LISTED_NUMBERS_MAX
            || (!self.lists.contains_key(name) && self.lists.len() >= LISTS_MAX)
        {
            return Err(ListError::Full);
        }
        let l = self.lists.entry(name.clone()).or_default();
        l.national = national;
        l.staged.extend(numbers.map(|k| k.0));
        Ok(())
    }

    /// Replaces a list with its staged import; how many numbers it now holds.
    pub fn publish(&mut self, list: &DoNotCallList) -> usize {
        let Some(l) = self.lists.get_mut(list.name()) else {
            return 0;
        };
        let mut numbers = std::mem::take(&mut l.staged);
        numbers.sort_unstable();
        numbers.dedup();
        numbers.shrink_to_fit();
        l.numbers = numbers;
        l.numbers.len()
    }

    /// Replaces a national list with a new import; how many numbers it now holds.
    pub fn import_national(
        &mut self,
        name: &str,
        numbers: impl IntoIterator<Item = E164>,
    ) -> usize {
        let list = DoNotCallList::National(name.into());
        let l = self.lists.entry(name.into()).or_default();
        l.national = true;
        l.staged = numbers.into_iter().map(|k| k.0).collect();
        self.publish(&list)
    }

    /// The lists loaded from files: name, whether national, numbers.
    pub fn lists(&self) -> impl Iterator<Item = (&str, bool, usize)> {
        self.lists
            .iter()
            .map(|(n, l)| (&**n, l.national, l.numbers.len()))
    }

    /// The erased numbers (see [`crate::erased`]).
    pub fn erased(&self) -> &crate::erased::Erased {
        &self.erased
    }

    /// The erased numbers, to add to.
    pub fn erased_mut(&mut self) -> &mut crate::erased::Erased {
        &mut self.erased
    }

    /// What the internal and campaign lists and the consents hold under a
    /// number moves to its placeholder (its person was erased).
    pub fn forget_number(&mut self, number: E164, placeholder: E164) {
        if self.internal.remove(&number) {
            self.internal.insert(placeholder);
        }
        for set in self.per_campaign.values_mut() {
            if set.remove(&number) {
                set.insert(placeholder);
            }
        }
        if let Some(records) = self.consents.remove(&number) {
            self.consents
                .entry(placeholder)
                .or_default()
                .extend(records);
        }
    }

    /// The lists loaded from files a number is on: (name, national).
    pub fn loaded_lists_of(&self, number: E164) -> Vec<(Box<str>, bool)> {
        (self.lists.iter())
            .filter(|(_, l)| l.contains(number))
            .map(|(n, l)| (n.clone(), l.national))
            .collect()
    }

    /// The list that forbids calling `number` for `campaign`, if any (the
    /// internal list first, then the campaign's, then the loaded lists in
    /// name order). A number whose person was erased is looked up under its
    /// placeholder too, and a placeholder is on the loaded lists its number
    /// was on when erased.
    pub fn listing(&self, campaign: CampaignId, number: E164) -> Option<DoNotCallList> {
        self.listing_of(campaign, number).or_else(|| {
            let p = self.erased.placeholder_of(number)?;
            self.listing_of(campaign, p)
        })
    }

    fn listing_of(&self, campaign: CampaignId, number: E164) -> Option<DoNotCallList> {
        if self.internal.contains(&number) {
            return Some(DoNotCallList::Internal);
        }
        if self
            .per_campaign
            .get(&campaign)
            .is_some_and(|s| s.contains(&number))
        {
            return Some(DoNotCallList::Campaign(campaign));
        }
        if let Some(e) = self.erased.get(number) {
            return e.lists.first().map(|(n, national)| match national {
                true => DoNotCallList::National(n.clone()),
                false => DoNotCallList::Named(n.clone()),
            });
        }
        self.lists
            .iter()
            .find(|(_, l)| l.contains(number))
            .map(|(n, l)| match l.national {
                true => DoNotCallList::National(n.clone()),
                false => DoNotCallList::Named(n.clone()),
            })
    }

    /// The do-not-call rule that forbids calling `number` for `campaign`, if any.
    /// An opt-out is an internal entry, so it is reported as [`GateRule::DoNotCallInternal`]
    /// unless the contact itself opted out (the gate checks that first); a
    /// named list of the organisation's is internal too.
    pub fn do_not_call_rule(&self, campaign: CampaignId, number: E164) -> Option<GateRule> {
        Some(match self.listing(campaign, number)? {
            DoNotCallList::Internal | DoNotCallList::Named(_) => GateRule::DoNotCallInternal,
            DoNotCallList::Campaign(_) => GateRule::DoNotCallCampaign,
            DoNotCallList::National(_) => GateRule::DoNotCallNational,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_numbers_opt_out_holds_live_and_rebuilt() {
        use crate::erased::{ErasedFacts, ErasureKey, placeholder};
        let k = ErasureKey([3; 16]);
        let (c, n) = (CampaignId(1), key("+34600000001"));
        let p = placeholder(&k, n);
        let facts = ErasedFacts {
            facts: crate::zone::number_facts(&PhoneNumber::parse("+34600000001").unwrap()),
            lists: vec![],
        };
        // Live: the opt-out was under the number, and moves.
        let mut live = ComplianceRegistry::default();
        live.erased_mut().set_key(k);
        live.add_do_not_call(&DoNotCallList::Internal, n);
        live.erased_mut().insert(p, facts.clone());
        live.forget_number(n, p);
        // Rebuilt: the redacted log put the placeholder on the list.
        let mut rebuilt = ComplianceRegistry::default();
        rebuilt.erased_mut().set_key(k);
        rebuilt.erased_mut().insert(p, facts);
        rebuilt.add_do_not_call(&DoNotCallList::Internal, p);
        for r in [&live, &rebuilt] {
            assert_eq!(
                r.listing(c, n),
                Some(DoNotCallList::Internal),
                "the number, loaded again"
            );
            assert_eq!(r.listing(c, p), Some(DoNotCallList::Internal));
            assert_eq!(r.listing(c, key("+34600000002")), None);
        }
    }

    #[test]
    fn a_staged_list_takes_effect_when_published_and_replaces_the_old() {
        let mut r = ComplianceRegistry::default();
        let list = DoNotCallList::National("es_robinson".into());
        let c = CampaignId(1);
        let (a, b) = (key("+34600000001"), key("+34600000002"));
        r.stage(&list, [a].into_iter(), true).unwrap();
        assert_eq!(r.listing(c, a), None, "not in force before it is published");
        assert_eq!(r.publish(&list), 1);
        assert_eq!(r.do_not_call_rule(c, a), Some(GateRule::DoNotCallNational));
        // A new import: the old list stays in force until the new one is published.
        r.stage(&list, [b].into_iter(), true).unwrap();
        assert!(r.listing(c, a).is_some());
        // An import that was never published is dropped by the next one's first part.
        r.stage(&list, [b, b].into_iter(), true).unwrap();
        assert_eq!(r.publish(&list), 1);
        assert_eq!(r.listing(c, a), None);
        assert_eq!(r.listing(c, b), Some(list.clone()));
        // A named list is the organisation's own: internal, by its name.
        let named = DoNotCallList::Named("complaints".into());
        r.stage(&named, [a].into_iter(), true).unwrap();
        r.publish(&named);
        assert_eq!(r.do_not_call_rule(c, a), Some(GateRule::DoNotCallInternal));
        assert_eq!(r.listing(c, a).unwrap().name(), "complaints");
        // One name, one kind; only loadable lists; plain names.
        let clash = DoNotCallList::Named("es_robinson".into());
        assert!(matches!(
            r.stage(&clash, [a].into_iter(), true),
            Err(ListError::Kind(_))
        ));
        let internal = DoNotCallList::Internal;
        assert!(matches!(
            r.stage(&internal, [a].into_iter(), true),
            Err(ListError::NotLoadable(_))
        ));
        let bad = DoNotCallList::Named("Bad Name".into());
        assert!(matches!(
            r.stage(&bad, [a].into_iter(), true),
            Err(ListError::Name(_))
        ));
        let lists: Vec<_> = r.lists().collect();
        assert_eq!(lists, [("complaints", false, 1), ("es_robinson", true, 1)]);
    }

    fn key(s: &str) -> E164 {
        E164::of(&PhoneNumber::parse(s).unwrap()).unwrap()
    }

    #[test]
    fn national_numbers_are_written_in_e164() {
        assert_eq!(
            to_e164("(212) 555-0123", 1).unwrap().as_str(),
            "+12125550123"
        );
        assert_eq!(
            to_e164("0034 93 123 45 67", 1).unwrap().as_str(),
            "+34931234567"
        );
        assert_eq!(
            to_e164("020 7946 0018", 44).unwrap().as_str(),
            "+442079460018"
        );
        assert_eq!(to_e164("931234567", 34).unwrap().as_str(), "+34931234567");
        assert_eq!(
            to_e164("06 1234 5678", 39).unwrap().as_str(),
            "+390612345678"
        );
        assert!(to_e164("555-0123", 1).is_none());
        assert!(to_e164("", 34).is_none());
    }

    #[test]
    fn a_do_not_call_file_is_read_and_its_errors_name_the_line() {
        let text = "phone\n# imported 2025-06-01\n+34931234567\n\n201,5550123\n931234568\n";
        let numbers = parse_do_not_call_file(text, 34).unwrap();
        let got: Vec<&str> = numbers.iter().map(|n| n.as_str()).collect();
        assert_eq!(got, vec!["+34931234567", "+12015550123", "+34931234568"]);
        let err = parse_do_not_call_file("+34931234567\ncall me maybe\n", 34).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        assert_eq!(parse_do_not_call_file("20,5550123", 1).unwrap_err().line, 1);
    }

    #[test]
    fn consent_is_valid_until_withdrawn_or_expired() {
        let mut r = ComplianceRegistry::default();
        let n = key("+34931234567");
        let at = Instant::from_millis;
        assert_eq!(
            r.consent_status(n, "marketing", at(10)),
            ConsentStatus::Missing
        );
        r.record_consent(
            n,
            ConsentRecord {
                purpose: "marketing".into(),
                channel: Channel::Voice,
                source: "web_form".into(),
                given_at: at(5),
                withdrawn_at: None,
                expires_at: Some(at(100)),
            },
        );
        assert_eq!(
            r.consent_status(n, "marketing", at(4)),
            ConsentStatus::Missing
        );
        assert_eq!(
            r.consent_status(n, "marketing", at(10)),
            ConsentStatus::Valid
        );
        assert_eq!(
            r.consent_status(n, "collections", at(10)),
            ConsentStatus::Missing
        );
        assert_eq!(
            r.consent_status(n, "marketing", at(100)),
            ConsentStatus::Expired
        );
        assert!(r.withdraw_consent(n, "marketing", at(50)));
        assert_eq!(
            r.consent_status(n, "marketing", at(49)),
            ConsentStatus::Valid
        );
        assert_eq!(
            r.consent_status(n, "marketing", at(50)),
            ConsentStatus::Withdrawn
        );
    }

    #[test]
    fn do_not_call_lists_are_checked_internal_first() {
        let mut r = ComplianceRegistry::default();
        let n = key("+12125550123");
        let c = CampaignId(3);
        assert_eq!(r.do_not_call_rule(c, n), None);
        r.import_national("us_dnc", [n]);
        assert_eq!(r.do_not_call_rule(c, n), Some(GateRule::DoNotCallNational));
        r.add_do_not_call(&DoNotCallList::Campaign(c), n);
        assert_eq!(r.do_not_call_rule(c, n), Some(GateRule::DoNotCallCampaign));
        assert_eq!(
            r.do_not_call_rule(CampaignId(4), n),
            Some(GateRule::DoNotCallNational)
        );
        r.add_do_not_call(&DoNotCallList::Internal, n);
        assert_eq!(r.do_not_call_rule(c, n), Some(GateRule::DoNotCallInternal));
    }
}
