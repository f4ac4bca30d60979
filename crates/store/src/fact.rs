//! The facts the log keeps (their vocabulary is `model::fact`, shared with
//! the tenant core) and a fact with its place in the log.
//!
//! A fact is stored as one row of `events`: its kind (for filtering without
//! parsing), the interaction and agent it concerns, and its JSON body.

pub use model::fact::{CallFact, CampaignContact, DialerStep, Fact, Presence, Sender};

/// A fact with its place in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Sequence number, per tenant, from 1, without gaps.
    pub seq: i64,
    /// When it was recorded (Unix milliseconds).
    pub at: i64,
    /// The fact.
    pub fact: Fact,
}
