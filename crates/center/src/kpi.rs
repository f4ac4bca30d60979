//! The contact center's figures, each with one definition: service level,
//! average speed of answer (ASA), abandon rate, average handle time (AHT)
//! and occupancy. The simulator's report and the supervisor's wallboard both
//! count through this module, so a figure means the same on both; the
//! definitions are written out in `docs/kpis.md`.
//!
//! Pure accumulators over counts and durations in milliseconds: no clock, no
//! IO. The caller decides which contacts belong to the period it reports
//! (a simulated interval, a tenant's day, the last 30 minutes) and feeds
//! them in, either step by step ([`QueueTally::offer`], [`QueueTally::answer`],
//! [`QueueTally::end`], [`QueueTally::handle_time`]) as the facts happen, or
//! whole ([`QueueTally::add`]) from a record of the contact's wait ([`Wait`]).
//!
//! - A contact counts in the **first queue** it was placed in, once
//!   (overflows and transfers do not offer it again; a callback made from it
//!   is not a new contact).
//! - Its **wait** runs from that moment to its first answer, or to its end
//!   when nobody answered it.
//! - Its wait is **decided** once it was answered or ended unanswered; the
//!   service level and the abandon rate are shares of the decided contacts,
//!   so a contact still waiting counts nowhere yet.

use model::event::FinalOutcome;

/// How a contact's wait ended when no agent answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unanswered {
    /// The customer hung up (or left the chat) while waiting, however soon:
    /// there is no short-abandon allowance.
    Abandoned,
    /// Left to voicemail.
    Voicemail,
    /// Refused: the queue was full, waited too long, or had nowhere to go.
    Refused,
    /// Turned into a callback.
    Callback,
    /// Any other end (closed out of hours, cancelled, an outbound answer not
    /// connected in time).
    Other,
}

impl Unanswered {
    /// The unanswered end an interaction's outcome stands for (`None` for
    /// [`FinalOutcome::Handled`], which needs an answer).
    pub fn of(outcome: FinalOutcome) -> Option<Unanswered> {
        match outcome {
            FinalOutcome::Handled => None,
            FinalOutcome::Abandoned => Some(Unanswered::Abandoned),
            FinalOutcome::Voicemail => Some(Unanswered::Voicemail),
            FinalOutcome::Refused => Some(Unanswered::Refused),
            FinalOutcome::CallbackOffered => Some(Unanswered::Callback),
            FinalOutcome::Closed | FinalOutcome::Cancelled | FinalOutcome::OutboundAbandoned => {
                Some(Unanswered::Other)
            }
        }
    }
}

/// One contact's wait in its first queue, as instants in milliseconds on
/// any one clock (for [`QueueTally::add`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When it entered its first queue.
    pub queued_ms: i64,
    /// When an agent first accepted it.
    pub answered_ms: Option<i64>,
    /// When it ended, and how.
    pub ended: Option<(i64, FinalOutcome)>,
}

impl Wait {
    /// When its wait was decided: its first answer, else its end.
    pub fn decided_ms(&self) -> Option<i64> {
        self.answered_ms.or(self.ended.map(|(at, _)| at))
    }

    /// How long it waited: until its first answer, else its end, else `now_ms`.
    pub fn wait_ms(&self, now_ms: i64) -> u64 {
        let until = self.decided_ms().unwrap_or(now_ms);
        until.saturating_sub(self.queued_ms).max(0) as u64
    }
}

/// The counts and durations of one queue over one period, and the figures
/// made from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueTally {
    /// Contacts that entered the queue as their first queue.
    pub offered: u64,
    /// Of those, answered by an agent.
    pub answered: u64,
    /// Answered within the queue's threshold (a wait equal to it is within).
    pub answered_in_sl: u64,
    /// Sum of the waits of the answered, in milliseconds.
    pub wait_answered_ms: u64,
    /// The longest wait of any contact counted (until answer or end), in milliseconds.
    pub max_wait_ms: u64,
    /// Ended unanswered: the customer hung up.
    pub abandoned: u64,
    /// Ended unanswered: voicemail.
    pub voicemail: u64,
    /// Ended unanswered: refused.
    pub refused: u64,
    /// Ended unanswered: turned into a callback.
    pub callbacks: u64,
    /// Ended unanswered in another way.
    pub other: u64,
    /// Handled to the end by an agent.
    pub handled: u64,
    /// Sum of the handle times (talk and hold, then wrap-up) of the handled, in milliseconds.
    pub handle_ms: u64,
    /// Moved to another queue before an answer.
    pub overflowed: u64,
}

/// `num / den`, none when there is nothing to divide by.
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl QueueTally {
    /// A contact entered the queue (its first).
    pub fn offer(&mut self) {
        self.offered += 1;
    }

    /// A counted contact was answered for the first time after waiting
    /// `wait_ms`; `threshold_ms` is the queue's service-level threshold.
    pub fn answer(&mut self, wait_ms: u64, threshold_ms: u64) {
        self.answered += 1;
        self.answered_in_sl += u64::from(wait_ms <= threshold_ms);
        self.wait_answered_ms += wait_ms;
        self.max_wait_ms = self.max_wait_ms.max(wait_ms);
    }

    /// A counted contact ended with `outcome` after waiting `wait_ms` (until
    /// its answer when it had one). A contact answered and then ended
    /// otherwise than handled (sent back to a queue and abandoned there)
    /// stays answered: it is not counted again.
    pub fn end(&mut self, outcome: FinalOutcome, answered: bool, wait_ms: u64) {
        self.max_wait_ms = self.max_wait_ms.max(wait_ms);
        if outcome == FinalOutcome::Handled {
            self.handled += 1;
            return;
        }
        if answered {
            return;
        }
        match Unanswered::of(outcome) {
            Some(Unanswered::Abandoned) => self.abandoned += 1,
            Some(Unanswered::Voicemail) => self.voicemail += 1,
            Some(Unanswered::Refused) => self.refused += 1,
            Some(Unanswered::Callback) => self.callbacks += 1,
            Some(Unanswered::Other) | None => self.other += 1,
        }
    }

    /// A handled contact's handle time: talk and hold, then wrap-up.
    pub fn handle_time(&mut self, ms: u64) {
        self.handle_ms += ms;
    }

    /// A counted contact moved to another queue before an answer.
    pub fn overflow(&mut self) {
        self.overflowed += 1;
    }

    /// A whole contact at once: offered, then answered and ended as far as
    /// `w` says (handle times are not known from a wait).
    pub fn add(&mut self, w: &Wait, threshold_ms: u64) {
        self.offer();
        if let Some(a) = w.answered_ms {
            self.answer(a.saturating_sub(w.queued_ms).max(0) as u64, threshold_ms);
        }
        if let Some((_, outcome)) = w.ended {
            self.end(outcome, w.answered_ms.is_some(), w.wait_ms(0));
        }
    }

    /// Contacts that ended without an answer.
    pub fn unanswered(&self) -> u64 {
        self.abandoned + self.voicemail + self.refused + self.callbacks + self.other
    }

    /// Contacts whose wait is decided: answered, or ended unanswered.
    pub fn decided(&self) -> u64 {
        self.answered + self.unanswered()
    }

    /// Service level: answered within the threshold / decided.
    pub fn service_level(&self) -> Option<f64> {
        ratio(self.answered_in_sl, self.decided())
    }

    /// Abandon rate: abandoned / decided.
    pub fn abandon_rate(&self) -> Option<f64> {
        ratio(self.abandoned, self.decided())
    }

    /// Average speed of answer: mean wait of the answered, in seconds.
    pub fn asa_s(&self) -> Option<f64> {
        ratio(self.wait_answered_ms, self.answered).map(|ms| ms / 1000.0)
    }

    /// Average handle time: mean handle time of the handled, in seconds.
    pub fn aht_s(&self) -> Option<f64> {
        ratio(self.handle_ms, self.handled).map(|ms| ms / 1000.0)
    }

    /// The longest wait, in seconds.
    pub fn max_wait_s(&self) -> f64 {
        self.max_wait_ms as f64 / 1000.0
    }
}

/// Occupancy: time busy (connected to contacts or in wrap-up) / time
/// staffed, both over the same span; none when nobody was staffed.
pub fn occupancy(busy_ms: u64, staffed_ms: f64) -> Option<f64> {
    (staffed_ms > 0.0).then(|| busy_ms as f64 / staffed_ms)
}

/// How much of `[from, to)` falls inside `[lo, hi)`, in milliseconds (for
/// counting busy and staffed time inside a span).
pub fn overlap_ms(from: u64, to: u64, lo: u64, hi: u64) -> u64 {
    to.min(hi).saturating_sub(from.max(lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(queued: i64, answered: Option<i64>, ended: Option<(i64, FinalOutcome)>) -> Wait {
        Wait {
            queued_ms: queued,
            answered_ms: answered,
            ended,
        }
    }

    #[test]
    fn service_level_and_abandon_rate_are_shares_of_the_decided() {
        let mut t = QueueTally::default();
        // Answered at 10 s and at exactly 20 s (within), at 40 s (not).
        for a in [10_000, 20_000, 40_000] {
            t.add(&wait(0, Some(a), None), 20_000);
        }
        t.add(
            &wait(0, None, Some((5_000, FinalOutcome::Abandoned))),
            20_000,
        );
        t.add(
            &wait(0, None, Some((9_000, FinalOutcome::Voicemail))),
            20_000,
        );
        // Still waiting: offered, not decided.
        t.add(&wait(0, None, None), 20_000);
        assert_eq!((t.offered, t.answered, t.decided()), (6, 3, 5));
        assert_eq!(t.service_level(), Some(2.0 / 5.0));
        assert_eq!(t.abandon_rate(), Some(1.0 / 5.0));
        assert_eq!(t.asa_s(), Some(70.0 / 3.0));
        assert_eq!(t.max_wait_s(), 40.0);
    }

    #[test]
    fn an_answered_contact_that_ends_otherwise_stays_answered() {
        let mut t = QueueTally::default();
        t.add(
            &wait(0, Some(3_000), Some((60_000, FinalOutcome::Abandoned))),
            20_000,
        );
        assert_eq!((t.answered, t.abandoned, t.decided()), (1, 0, 1));
        assert_eq!(t.service_level(), Some(1.0));
        assert_eq!(t.max_wait_ms, 3_000);
    }

    #[test]
    fn handle_time_and_occupancy() {
        let mut t = QueueTally::default();
        assert_eq!(
            (t.aht_s(), t.asa_s(), t.service_level()),
            (None, None, None)
        );
        t.answer(1_000, 20_000);
        t.end(FinalOutcome::Handled, true, 1_000);
        t.handle_time(300_000);
        t.answer(1_000, 20_000);
        t.end(FinalOutcome::Handled, true, 1_000);
        t.handle_time(100_000);
        assert_eq!(t.aht_s(), Some(200.0));
        assert_eq!(occupancy(1_800_000, 2.0 * 3_600_000.0), Some(0.25));
        assert_eq!(occupancy(5, 0.0), None);
        assert_eq!(overlap_ms(10, 50, 20, 40), 20);
        assert_eq!(overlap_ms(10, 15, 20, 40), 0);
    }

    #[test]
    fn every_unanswered_outcome_has_its_counter() {
        let mut t = QueueTally::default();
        for o in [
            FinalOutcome::Abandoned,
            FinalOutcome::Voicemail,
            FinalOutcome::Refused,
            FinalOutcome::CallbackOffered,
            FinalOutcome::Closed,
            FinalOutcome::Cancelled,
            FinalOutcome::OutboundAbandoned,
        ] {
            t.offer();
            t.end(o, false, 1);
        }
        assert_eq!(
            (t.abandoned, t.voicemail, t.refused, t.callbacks, t.other),
            (1, 1, 1, 1, 3)
        );
        assert_eq!(t.decided(), t.offered);
        assert_eq!(Unanswered::of(FinalOutcome::Handled), None);
    }
}
