//! What the dialer keeps about each contact of a campaign: its numbers and
//! where they ring, its attempt history for the caps, where it stands, and how
//! it ended.
//!
//! Contacts are loaded through [`ContactInput`] (parsed at the edge) and kept
//! in a dense table per campaign; the due queue ([`crate::schedule`]) holds
//! their indexes.

use model::ids::ContactId;
use model::outbound::{AttemptId, ContactEnd, ListId};
use model::{AgentId, Instant, PhoneNumber, Segment};
use std::borrow::Cow;
use std::collections::VecDeque;

use crate::consent::E164;
use crate::zone::{Country, Zones};

/// Most numbers per contact.
pub const PHONES_PER_CONTACT_MAX: usize = 8;
/// Most entries kept on a contact's history (older ones are dropped first).
pub const HISTORY_MAX: usize = 32;

/// What kind of line a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// A mobile phone.
    Mobile,
    /// A home landline.
    Home,
    /// A work line.
    Work,
    /// Anything else.
    Other,
}

/// A consent that came with the contact list (it goes into the ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListConsent {
    /// For what.
    pub purpose: Box<str>,
    /// Where it came from.
    pub source: Box<str>,
    /// When it was given.
    pub given_at: Instant,
    /// When it lapses.
    pub expires_at: Option<Instant>,
}

/// A number as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneInput {
    /// The number, in E.164 or national form (read with the campaign's default country).
    pub number: PhoneNumber,
    /// Its kind.
    pub kind: PhoneKind,
    /// `false` if the list already knows it is wrong.
    pub valid: bool,
    /// Consent recorded with the list, if any.
    pub consent: Option<ListConsent>,
}

/// A postal address, as far as the dialer cares: where the person lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressInput {
    /// The country.
    pub country: Option<Country>,
    /// The region: a US state or Canadian province (`US-NY`), a Spanish province or community (`ES-B`, `ES-CT`).
    pub region: Option<Box<str>>,
    /// The zone, if the address was geocoded.
    pub time_zone: Option<chrono_tz::Tz>,
}

/// A contact as loaded into a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    /// Its id (unique within the campaign).
    pub id: ContactId,
    /// Its numbers, in the order to try them.
    pub phones: Vec<PhoneInput>,
    /// Its address, if known.
    pub address: Option<AddressInput>,
    /// Its segment, for list filters.
    pub segment: Option<Segment>,
    /// A score for ordering and filters (propensity, value).
    pub score: i64,
    /// The person behind the contact (a customer record), whose calls are
    /// capped across campaigns; none: the number stands for the person.
    pub person: Option<u64>,
    /// An agent's manual call: never paced, dialled only by
    /// [`crate::Input::ManualDial`], and closed after its call unless a
    /// callback is scheduled.
    pub manual: bool,
}

/// Attempt times kept for the day and week caps, and the lifetime count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptLog {
    /// The most recent attempts, oldest first (as many as the caps need).
    pub recent: VecDeque<Instant>,
    /// Every attempt ever.
    pub lifetime: u32,
}

impl AttemptLog {
    /// Records an attempt, keeping at most `keep` recent times.
    pub fn record(&mut self, at: Instant, keep: usize) {
        self.recent.push_back(at);
        while self.recent.len() > keep.max(1) {
            self.recent.pop_front();
        }
        self.lifetime = self.lifetime.saturating_add(1);
    }

    /// Attempts at or after `since`.
    pub fn count_since(&self, since: Instant) -> u32 {
        self.recent
            .iter()
            .rev()
            .take_while(|t| **t >= since)
            .count() as u32
    }
}

/// A number of a contact.
#[derive(Debug, Clone)]
pub struct Phone {
    /// The number in E.164.
    pub number: PhoneNumber,
    /// Its key in the consent and do-not-call registry.
    pub key: Option<E164>,
    /// Its kind.
    pub kind: PhoneKind,
    /// Whether it may be dialled at all.
    pub valid: bool,
    /// Where it rings (number and address combined).
    pub zones: Zones,
    /// Failed calls in a row.
    pub failures_in_row: u8,
}

/// Where a contact stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// In the due queue (or waiting to be due).
    Waiting,
    /// Shown to an agent for preview.
    Previewing(AttemptId),
    /// A line is placed: ringing, or answered and not yet connected.
    Dialling(AttemptId),
    /// Talking to an agent.
    Talking(AttemptId),
    /// The call ended; waiting for the disposition.
    WrapUp(AttemptId),
    /// Final.
    Closed,
}

impl Stage {
    /// The attempt in progress, if any (a contact never has two).
    pub fn attempt(self) -> Option<AttemptId> {
        match self {
            Stage::Previewing(a) | Stage::Dialling(a) | Stage::Talking(a) | Stage::WrapUp(a) => {
                Some(a)
            }
            Stage::Waiting | Stage::Closed => None,
        }
    }

    /// Whether a line to the contact is live (placed and not finished).
    pub fn is_live(self) -> bool {
        matches!(self, Stage::Dialling(_) | Stage::Talking(_))
    }
}

/// A contact of a campaign.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Its id.
    pub id: ContactId,
    /// Its list.
    pub list: ListId,
    /// The rank of its list by priority (0 = called first).
    pub list_rank: u16,
    /// Its ordering key within the rank (smaller first).
    pub order_key: i64,
    /// Its numbers.
    pub phones: Vec<Phone>,
    /// Where its address says it is (for numbers added later).
    pub address_zones: Zones,
    /// Where it stands.
    pub stage: Stage,
    /// How it ended, once it did.
    pub end: Option<(ContactEnd, Cow<'static, str>)>,
    /// Which recycling pass (0 = first).
    pub pass: u8,
    /// Attempts in this pass.
    pub attempts_in_pass: u32,
    /// Attempts of the contact (all numbers).
    pub log: AttemptLog,
    /// When a call to it was last abandoned.
    pub last_abandoned_at: Option<Instant>,
    /// The number to try first next time.
    pub next_phone: usize,
    /// How many times agents skipped it in preview.
    pub skips: u8,
    /// Whether the person opted out.
    pub opted_out: bool,
    /// Whether it was tried before (retries go before fresh contacts).
    pub tried: bool,
    /// A pending callback: its owner (`None` = anyone).
    pub callback: Option<Option<AgentId>>,
    /// Disposition codes and notes, oldest first.
    pub history: VecDeque<Box<str>>,
    /// The person behind it (see [`ContactInput::person`]).
    pub person: Option<u64>,
    /// An agent's manual call (see [`ContactInput::manual`]).
    pub manual: bool,
}

impl Contact {
    /// Whether it reached its final state.
    pub fn is_closed(&self) -> bool {
        self.stage == Stage::Closed
    }

    /// Adds to the history, dropping the oldest past [`HISTORY_MAX`].
    pub fn note(&mut self, code: &str) {
        if self.history.len() >= HISTORY_MAX {
            self.history.pop_front();
        }
        self.history.push_back(code.into());
    }

    /// Whether any number may still be dialled some day.
    pub fn has_valid_phone(&self) -> bool {
        self.phones.iter().any(|p| p.valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_log_counts_recent_attempts_and_keeps_a_bounded_history() {
        let mut log = AttemptLog::default();
        for t in [10, 20, 30, 40] {
            log.record(Instant::from_millis(t), 3);
        }
        assert_eq!(log.lifetime, 4);
        assert_eq!(log.recent.len(), 3);
        assert_eq!(log.count_since(Instant::from_millis(25)), 2);
        assert_eq!(log.count_since(Instant::from_millis(0)), 3);
    }
}
