//! Centralita's domain vocabulary, shared by every engine and by the IO shell.
//!
//! Values here are parsed at the edge (`FromStr`/`parse` constructors that
//! return [`ParseError`]) so that engines never see raw strings. The crate has
//! no IO and no clock: time is an [`Instant`] that the caller passes in.
//!
//! Modules:
//! - [`time`]: virtual or wall-clock instants in milliseconds, and durations.
//! - [`ids`]: compact identifiers for tenants, agents, queues, skills, interactions.
//! - [`channel`]: channels and directions of interactions.
//! - [`skill`]: skills and proficiency levels, reason codes.
//! - [`attributes`]: what is known about an interaction (caller, dialled number, segment…).
//! - [`event`]: the facts the engines emit and the event log keeps.
//! - [`customer`]: the customer record (phones, e-mails, addresses, custom fields) and why it was written.
//! - [`fields`]: the custom fields a tenant defines on its records (types, required, patterns, screen pop).
//! - [`email`]: e-mail messages as the log keeps them (received or sent, made safe).
//! - [`erasure`]: what is left of a person's facts once they are erased.
//! - [`fact`]: every fact of a tenant's log (the engines' events and the tenant core's own).
//! - [`name`]: short names the facts carry (rules, strategies, causes), static or shared.
//! - [`state`]: where an interaction stands and what an agent does, as kinds.
//! - [`outbound`]: contacts, phone numbers, consent and dispositions for the dialer.
//! - [`quality`]: evaluation forms, evaluations and their scores, training playlists.
//! - [`case`]: what the tenant core did with the case engine's orders (the engine's own inputs and facts are in the log as JSON).

pub mod attributes;
pub mod case;
pub mod channel;
pub mod consent;
pub mod customer;
pub mod email;
pub mod erasure;
pub mod event;
pub mod fact;
pub mod fields;
pub mod ids;
pub mod name;
pub mod outbound;
pub mod quality;
pub mod query;
pub mod skill;
pub mod state;
pub mod time;

pub use attributes::{Attributes, Language, PhoneNumber, Segment, ValueTier};
pub use channel::{Channel, Direction};
pub use event::Event;
pub use ids::{AgentId, InteractionId, QueueId, SkillId, TeamId, TenantId};
pub use name::Name;
pub use skill::{Proficiency, ReasonCode};
pub use time::{Duration, Instant};

/// A value from outside could not be parsed into a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: {why}")]
pub struct ParseError {
    /// The kind of value (for example "proficiency").
    pub what: &'static str,
    /// The text that was given, shortened to 64 characters.
    pub value: String,
    /// Why it was refused.
    pub why: &'static str,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, why: &'static str) -> Self {
        let value = value.chars().take(64).collect();
        ParseError { what, value, why }
    }
}
