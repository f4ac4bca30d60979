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
    national: BTreeMap<Box<str>, HashSet<E164>>,
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
            DoNotCallList::National(name) => self
                .national
                .entry(name.clone())
                .or_default()
                .insert(number),
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
            DoNotCallList::National(name) => self
                .national
                .get_mut(name)
                .is_some_and(|s| s.remove(&number)),
        }
    }

    /// Replaces a national list with a new import; how many numbers it now holds.
    pub fn import_national(
        &mut self,
        name: &str,
        numbers: impl IntoIterator<Item = E164>,
    ) -> usize {
        let set: HashSet<E164> = numbers.into_iter().collect();
        let n = set.len();
        self.national.insert(name.into(), set);
        n
    }

    /// The do-not-call rule that forbids calling `number` for `campaign`, if any.
    /// An opt-out is an internal entry, so it is reported as [`GateRule::DoNotCallInternal`]
    /// unless the contact itself opted out (the gate checks that first).
    pub fn do_not_call_rule(&self, campaign: CampaignId, number: E164) -> Option<GateRule> {
        if self.internal.contains(&number) {
            return Some(GateRule::DoNotCallInternal);
        }
        if self
            .per_campaign
            .get(&campaign)
            .is_some_and(|s| s.contains(&number))
        {
            return Some(GateRule::DoNotCallCampaign);
        }
        if self.national.values().any(|s| s.contains(&number)) {
            return Some(GateRule::DoNotCallNational);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
