//! The driver's interface: what it tells the engine ([`Input`]), what the
//! engine asks of it ([`Output`]), and why an input may be refused ([`InputError`]).

use chrono::NaiveDateTime;
use model::ids::{CampaignId, ContactId};
use model::outbound::{AbandonWindow, AlertLevel, AttemptId, DialOutcome, DoNotCallList, ListId};
use model::{AgentId, Event, Instant, PhoneNumber};

use crate::consent::ConsentRecord;
use crate::contact::ContactInput;

/// What a campaign agent is doing, as the driver (routing) sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentPresence {
    /// Signed in and waiting for a call.
    Ready,
    /// On a call since then.
    Talking {
        /// When the call started.
        since: Instant,
    },
    /// In after-call work since then.
    WrapUp {
        /// When the wrap-up started.
        since: Instant,
    },
    /// Signed in and not taking calls (break, meeting).
    Away,
    /// Not signed in.
    SignedOut,
}

/// When a callback is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackTime {
    /// At this instant.
    At(Instant),
    /// At this local date-time of the contact (its number's zone, else the campaign's).
    Local(NaiveDateTime),
}

/// A callback to schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackRequest {
    /// When.
    pub when: CallbackTime,
    /// The agent who owns it; `None` means anyone.
    pub owner: Option<AgentId>,
}

/// Something that happened, told to the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Start (or resume) dialling.
    Start {
        /// Which campaign.
        campaign: CampaignId,
    },
    /// Stop placing new calls; calls in progress go on.
    Pause {
        /// Which campaign.
        campaign: CampaignId,
    },
    /// Stop for good: open contacts are closed as exhausted (`campaign_stopped`).
    Stop {
        /// Which campaign.
        campaign: CampaignId,
    },
    /// A power campaign's ratio (its dial level) changes from now on: a
    /// supervisor's pacing override, or an outside controller (the dialer
    /// benchmark drives a VICIdial-style adaptive level through it). The
    /// abandon-rate cap still applies: at the cap power falls back to
    /// progressive whatever the ratio.
    SetRatio {
        /// Which campaign (in power mode).
        campaign: CampaignId,
        /// Lines per free agent, 1.0 to [`crate::config::RATIO_MAX`].
        ratio: f64,
    },
    /// Contacts for a list of a campaign.
    LoadContacts {
        /// Which campaign.
        campaign: CampaignId,
        /// Which list.
        list: ListId,
        /// The contacts.
        contacts: Vec<ContactInput>,
    },
    /// A campaign agent's state changed.
    Agent {
        /// The campaign the agent works on now.
        campaign: CampaignId,
        /// Who.
        agent: AgentId,
        /// What they are doing.
        presence: AgentPresence,
    },
    /// The telephony reports how a placed call went.
    DialResult {
        /// Which attempt.
        attempt: AttemptId,
        /// What happened.
        outcome: DialOutcome,
        /// How long it rang.
        ring_ms: u64,
    },
    /// A live-answered call reached an agent.
    Connected {
        /// Which attempt.
        attempt: AttemptId,
        /// Who took it.
        agent: AgentId,
    },
    /// Close a contact for good, from outside the campaign (its case was
    /// paid or closed): `contact_closed` with the reason. Refused while the
    /// contact is in a call or a preview; a closed contact stays closed.
    CloseContact {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Why (`case_paid`…).
        reason: Box<str>,
    },
    /// A live-answered call reached no agent within 2 s (the recorded message was played).
    Abandoned {
        /// Which attempt.
        attempt: AttemptId,
    },
    /// A connected call ended.
    CallEnded {
        /// Which attempt.
        attempt: AttemptId,
    },
    /// The agent recorded a disposition for the call.
    Disposition {
        /// Which attempt.
        attempt: AttemptId,
        /// Who.
        agent: AgentId,
        /// The code.
        code: Box<str>,
        /// The new number, for a code that adds one.
        new_phone: Option<PhoneNumber>,
        /// The callback, for a code that schedules one.
        callback: Option<CallbackRequest>,
    },
    /// A supervisor or an integration schedules a callback for a waiting contact.
    ScheduleCallback {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// The callback.
        callback: CallbackRequest,
    },
    /// The agent accepts a previewed contact: dial now.
    PreviewAccept {
        /// Which attempt.
        attempt: AttemptId,
    },
    /// An agent calls a manual contact (loaded with
    /// [`ContactInput::manual`]) now: the gate decides on each number, and
    /// the call is placed reserved for the agent, or the contact is closed
    /// with the gate's refusal logged.
    ManualDial {
        /// Which campaign.
        campaign: CampaignId,
        /// Who calls (a campaign agent, free).
        agent: AgentId,
        /// The contact.
        contact: ContactId,
    },
    /// The agent skips a previewed contact.
    PreviewSkip {
        /// Which attempt.
        attempt: AttemptId,
    },
    /// Consent was given.
    ConsentGiven {
        /// For which number (E.164).
        phone: PhoneNumber,
        /// The record.
        record: ConsentRecord,
    },
    /// Consent was withdrawn (effective now).
    ConsentWithdrawn {
        /// For which number (E.164).
        phone: PhoneNumber,
        /// For what.
        purpose: Box<str>,
    },
    /// The person asked not to be called (effective now, every campaign).
    OptOut {
        /// The number (E.164).
        phone: PhoneNumber,
    },
    /// A number goes on a do-not-call list.
    DoNotCallAdd {
        /// Which list.
        list: DoNotCallList,
        /// The number (E.164).
        phone: PhoneNumber,
    },
    /// A number comes off a do-not-call list.
    DoNotCallRemove {
        /// Which list.
        list: DoNotCallList,
        /// The number (E.164).
        phone: PhoneNumber,
    },
    /// Numbers for a national or named list's next version (in force when
    /// published; the list as it was stays in force until then).
    DoNotCallStage {
        /// Which list.
        list: DoNotCallList,
        /// Its numbers (E.164), a part of them.
        numbers: Vec<PhoneNumber>,
        /// The first part of an import: what an earlier import that was
        /// never published staged is dropped.
        first: bool,
    },
    /// The staged numbers replace the list.
    DoNotCallPublish {
        /// Which list.
        list: DoNotCallList,
    },
    /// Numbers of erased persons, each under its placeholder with what was
    /// known of it (see [`crate::erased`]); taken again, nothing changes.
    Erased {
        /// Placeholder, and what its number was.
        numbers: Vec<(PhoneNumber, crate::erased::ErasedFacts)>,
    },
    /// Persons were erased: their open contacts close (reason `erased`), and
    /// what the lists, consents and attempt counts held under their numbers
    /// moves to the placeholders. Refused, changing nothing, while one of
    /// their contacts is in a call or a preview.
    Forget {
        /// The persons (customer records).
        persons: Vec<u64>,
        /// (number, placeholder) pairs.
        moves: Vec<(PhoneNumber, PhoneNumber)>,
    },
    /// A national list replaces its previous import (see [`crate::consent::parse_do_not_call_file`]).
    DoNotCallImport {
        /// Its name (`us_dnc`, `uk_tps`).
        name: Box<str>,
        /// Its numbers.
        numbers: Vec<PhoneNumber>,
    },
}

/// Place a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dial {
    /// The attempt, to quote in the results.
    pub attempt: AttemptId,
    /// Which campaign.
    pub campaign: CampaignId,
    /// Which contact.
    pub contact: ContactId,
    /// The number to dial (E.164).
    pub phone: PhoneNumber,
    /// The number to present.
    pub caller_id: PhoneNumber,
    /// Hang up as "no answer" after this (never less than 15 s).
    pub ring_timeout_ms: u64,
    /// Connect a live answer to this agent (who is waiting for it), if set; otherwise to any ready agent of the campaign.
    pub reserved_agent: Option<AgentId>,
}

/// Show a contact to an agent for preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewOffer {
    /// The attempt, to quote when accepting or skipping.
    pub attempt: AttemptId,
    /// Which campaign.
    pub campaign: CampaignId,
    /// Which contact.
    pub contact: ContactId,
    /// The number that will be dialled.
    pub phone: PhoneNumber,
    /// To whom.
    pub agent: AgentId,
    /// The call is placed when this runs out (unless accepted or skipped before).
    pub countdown_ms: u64,
}

/// Something a supervisor should see now.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Which campaign.
    pub campaign: CampaignId,
    /// Which measurement.
    pub window: AbandonWindow,
    /// How serious.
    pub level: AlertLevel,
    /// The rate.
    pub rate: f64,
}

/// What the engine asks of the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Place a call.
    Dial(Dial),
    /// Show a contact to an agent (preview mode).
    Preview(PreviewOffer),
    /// A fact for the event log.
    Event(Event),
    /// An abandon-rate alert (also logged as an event).
    Alert(Alert),
}

/// An input the engine refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// No such campaign.
    #[error("unknown campaign {0}")]
    UnknownCampaign(CampaignId),
    /// No such list in the campaign.
    #[error("campaign {0} has no list {1:?}")]
    UnknownList(CampaignId, ListId),
    /// No such attempt (or it is over).
    #[error("unknown or finished attempt {0}")]
    UnknownAttempt(AttemptId),
    /// The attempt is not at a stage where this input makes sense.
    #[error("attempt {0} cannot take {1} now")]
    WrongStage(AttemptId, &'static str),
    /// No such contact.
    #[error("campaign {0} has no contact {1}")]
    UnknownContact(CampaignId, ContactId),
    /// The contact is closed or has a call in progress.
    #[error("contact {0} is closed or on a call")]
    ContactBusy(ContactId),
    /// The code is not in the campaign's set.
    #[error("unknown disposition code {0:?}")]
    UnknownDisposition(String),
    /// The code adds a number and none was given (or it is not a number).
    #[error("disposition {0:?} needs a new phone number")]
    NewPhoneMissing(String),
    /// The code schedules a callback and none was given.
    #[error("disposition {0:?} needs a callback time")]
    CallbackMissing(String),
    /// A number is not in E.164.
    #[error("{0} is not an E.164 number")]
    NotE164(String),
    /// A list cannot take these numbers.
    #[error(transparent)]
    List(#[from] crate::consent::ListError),
    /// A load is too big.
    #[error("too many contacts: {0}")]
    TooMany(&'static str),
    /// The campaign is stopped.
    #[error("campaign {0} is stopped")]
    Stopped(CampaignId),
    /// A manual call by an agent who is not a free agent of the campaign.
    #[error(
        "agent {0} is not ready on this campaign (sign in to it, and be ready, with no call reserved)"
    )]
    AgentNotFree(AgentId),
    /// A manual call to a contact that was not loaded as manual, or was dialled already.
    #[error("contact {0} is not a manual contact waiting to be dialled")]
    NotManual(ContactId),
    /// A ratio for a campaign that is not in power mode.
    #[error("campaign {0} is not in power mode")]
    NotPower(CampaignId),
    /// A ratio outside 1.0 to [`crate::config::RATIO_MAX`] (or not a number).
    #[error("the ratio must be from 1.0 to {max} lines per free agent", max = crate::config::RATIO_MAX)]
    RatioOutOfRange,
}
