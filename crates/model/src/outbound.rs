//! Contacts, phone numbers, consent and dispositions: the vocabulary of the
//! outbound dialer, and the facts it records ([`OutboundEvent`]).
//!
//! The dialer engine (crate `dialer`) emits every decision it takes as one of
//! these events: each compliance-gate decision with the rule that decided,
//! each dial and its result, each pacing change with its reason, each
//! disposition effect, and the final state of every contact. A checker can
//! rebuild from them who was called, when, why, and why not.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use crate::ids::{CampaignId, ContactId};
use crate::{AgentId, Instant, ParseError, PhoneNumber};

/// One attempt of the dialer (a preview, then the dial), unique per dialer engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttemptId(pub u64);

impl std::fmt::Display for AttemptId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A contact list of a campaign (a campaign calls several, by priority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListId(pub u32);

/// How a campaign paces its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialMode {
    /// The agent reviews the contact; after a countdown (or on accept) the call is placed for them.
    Preview,
    /// One line per free agent, the agent reserved for the call.
    Progressive,
    /// A fixed number of lines per free agent (the ratio); no agent is reserved.
    Power,
    /// Lines paced by a forecast of answers and of agents freeing up, under the abandon-rate target.
    Predictive,
}

impl DialMode {
    /// Every mode, in declaration order.
    pub const ALL: [DialMode; 4] = [
        DialMode::Preview,
        DialMode::Progressive,
        DialMode::Power,
        DialMode::Predictive,
    ];

    /// The name used in scenario files and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            DialMode::Preview => "preview",
            DialMode::Progressive => "progressive",
            DialMode::Power => "power",
            DialMode::Predictive => "predictive",
        }
    }
}

impl std::str::FromStr for DialMode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        DialMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "dial mode",
                    s,
                    "expected one of preview, progressive, power, predictive",
                )
            })
    }
}

/// What happened when a number was dialled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialOutcome {
    /// A person answered.
    LiveAnswer,
    /// The line was busy.
    Busy,
    /// It rang until the ring timeout.
    NoAnswer,
    /// An answering machine or voicemail answered (machine detection).
    Machine,
    /// The call could not be placed (bad number, network, SIT tone).
    Failed,
}

impl DialOutcome {
    /// Every outcome, in declaration order (also the index of per-outcome tables).
    pub const ALL: [DialOutcome; 5] = [
        DialOutcome::LiveAnswer,
        DialOutcome::Busy,
        DialOutcome::NoAnswer,
        DialOutcome::Machine,
        DialOutcome::Failed,
    ];

    /// Dense index, for per-outcome tables.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The snake-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DialOutcome::LiveAnswer => "live_answer",
            DialOutcome::Busy => "busy",
            DialOutcome::NoAnswer => "no_answer",
            DialOutcome::Machine => "machine",
            DialOutcome::Failed => "failed",
        }
    }
}

/// The life of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Configured, not started yet.
    Ready,
    /// Dialling.
    Running,
    /// Not placing new calls; calls in progress go on. Can be started again.
    Paused,
    /// Stopped for good: open contacts were closed as exhausted (`campaign_stopped`).
    Stopped,
    /// Every contact reached a final state.
    Finished,
}

impl CampaignState {
    /// The snake-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CampaignState::Ready => "ready",
            CampaignState::Running => "running",
            CampaignState::Paused => "paused",
            CampaignState::Stopped => "stopped",
            CampaignState::Finished => "finished",
        }
    }
}

/// The rule of the compliance gate that decided an attempt.
///
/// The gate checks its rules in the order of this enum and the first rule that
/// denies decides; [`GateRule::AllRulesPassed`] is the rule of an allowed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateRule {
    /// The number is marked invalid (wrong number, failed too often, unparseable).
    PhoneInvalid,
    /// The person opted out (an opt-out is also an entry of the internal do-not-call list).
    OptedOut,
    /// The number is on the organisation's own do-not-call list.
    DoNotCallInternal,
    /// The number is on this campaign's do-not-call list.
    DoNotCallCampaign,
    /// The number is on a national do-not-call list imported from a file.
    DoNotCallNational,
    /// The campaign requires consent and there is no record for its purpose and channel.
    ConsentMissing,
    /// The consent was withdrawn.
    ConsentWithdrawn,
    /// The consent expired.
    ConsentExpired,
    /// No time zone could be derived from the number or the address.
    ZoneUnknown,
    /// It is a holiday where the callee is.
    Holiday,
    /// The callee's local time is outside the calling window.
    OutsideCallingWindow,
    /// Attempts to this number ever reached the cap.
    PhoneCapLifetime,
    /// Attempts to this number in the last 7 days reached the cap.
    PhoneCapWeek,
    /// Attempts to this number today (callee's calendar day) reached the cap.
    PhoneCapDay,
    /// Attempts to this contact ever reached the cap.
    ContactCapLifetime,
    /// Attempts to this contact in the last 7 days reached the cap.
    ContactCapWeek,
    /// Attempts to this contact today reached the cap.
    ContactCapDay,
    /// Calls to the person (a customer record, or the number) in every
    /// campaign over the last 7 days reached the cap.
    PersonCapWeek,
    /// Calls to the person in every campaign today reached the cap.
    PersonCapDay,
    /// The contact already has a live attempt (never two at once).
    LiveAttemptInProgress,
    /// The contact had an abandoned call less than 72 h ago and no agent is reserved.
    RedialAfterAbandon,
    /// The campaign's measured abandon rate reached the cap and no agent is reserved.
    AbandonRateCap,
    /// The ring timeout is below the legal minimum of 15 s.
    RingTimeoutTooShort,
    /// Every rule passed.
    AllRulesPassed,
}

impl GateRule {
    /// Whether the rule is a do-not-call list's (the decision names the list).
    pub const fn is_do_not_call(self) -> bool {
        matches!(
            self,
            GateRule::DoNotCallInternal | GateRule::DoNotCallCampaign | GateRule::DoNotCallNational
        )
    }

    /// The snake-case name logged with the decision.
    pub const fn as_str(self) -> &'static str {
        match self {
            GateRule::PhoneInvalid => "phone_invalid",
            GateRule::OptedOut => "opted_out",
            GateRule::DoNotCallInternal => "do_not_call_internal",
            GateRule::DoNotCallCampaign => "do_not_call_campaign",
            GateRule::DoNotCallNational => "do_not_call_national",
            GateRule::ConsentMissing => "consent_missing",
            GateRule::ConsentWithdrawn => "consent_withdrawn",
            GateRule::ConsentExpired => "consent_expired",
            GateRule::ZoneUnknown => "zone_unknown",
            GateRule::OutsideCallingWindow => "outside_calling_window",
            GateRule::Holiday => "holiday",
            GateRule::PhoneCapDay => "phone_cap_day",
            GateRule::PhoneCapWeek => "phone_cap_week",
            GateRule::PhoneCapLifetime => "phone_cap_lifetime",
            GateRule::ContactCapDay => "contact_cap_day",
            GateRule::PersonCapWeek => "person_cap_week",
            GateRule::PersonCapDay => "person_cap_day",
            GateRule::ContactCapWeek => "contact_cap_week",
            GateRule::ContactCapLifetime => "contact_cap_lifetime",
            GateRule::LiveAttemptInProgress => "live_attempt_in_progress",
            GateRule::RedialAfterAbandon => "redial_after_abandon",
            GateRule::AbandonRateCap => "abandon_rate_cap",
            GateRule::RingTimeoutTooShort => "ring_timeout_too_short",
            GateRule::AllRulesPassed => "all_rules_passed",
        }
    }
}

/// How a contact's life in a campaign ended. Exactly one per loaded contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactEnd {
    /// A person was reached and an agent recorded a closing disposition.
    Reached,
    /// The contact will not be called again: no attempts left, no usable number,
    /// opted out before being reached, or the campaign was stopped.
    Exhausted,
}

/// Which do-not-call list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "list", content = "name")]
pub enum DoNotCallList {
    /// The organisation's own list (opt-outs land here).
    Internal,
    /// One campaign's list.
    Campaign(CampaignId),
    /// A national registry imported from a file, by name (`us_dnc`, `uk_tps`, `es_robinson`).
    National(Box<str>),
    /// One of the organisation's own lists kept apart, by name (`complaints`,
    /// a client company's own list), imported from a file like a national one.
    Named(Box<str>),
}

impl DoNotCallList {
    /// The list's name as gate decisions and pages show it: `internal`,
    /// `campaign`, or its own.
    pub fn name(&self) -> &str {
        match self {
            DoNotCallList::Internal => "internal",
            DoNotCallList::Campaign(_) => "campaign",
            DoNotCallList::National(n) | DoNotCallList::Named(n) => n,
        }
    }
}

/// Which measurement of the abandon rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbandonWindow {
    /// Per campaign over the last 30 days (the US rule).
    Rolling30Days,
    /// Per calendar day in the campaign's zone (the UK rule).
    CalendarDay,
}

/// How serious an abandon-rate alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    /// The rate reached the alert threshold, below the cap.
    Warning,
    /// The rate reached the cap: only calls with a reserved agent are placed.
    CapReached,
    /// The rate fell back below the alert threshold.
    Cleared,
}

/// A fact of the outbound dialer, kept in the event log.
///
/// Field names avoid `at`, `type` and `outbound`, which the enclosing event uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outbound")]
pub enum OutboundEvent {
    /// A campaign was configured, started, paused, stopped, or finished.
    CampaignStateChanged {
        /// Which.
        campaign: CampaignId,
        /// The new state.
        state: CampaignState,
        /// Why (`command`, `all_contacts_final`).
        reason: Cow<'static, str>,
    },
    /// Contacts were loaded into a list of a campaign.
    ContactsLoaded {
        /// Which campaign.
        campaign: CampaignId,
        /// Which list.
        list: ListId,
        /// How many were accepted.
        accepted: u32,
        /// How many were refused (each also has a [`OutboundEvent::ContactRejected`]).
        rejected: u32,
    },
    /// A contact of a list was refused at loading.
    ContactRejected {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Why (`duplicate`, `no_phone`, `filtered_out`, `too_many_phones`).
        reason: Cow<'static, str>,
    },
    /// The compliance gate decided an attempt.
    GateDecided {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Which number.
        phone: PhoneNumber,
        /// The agent reserved for the call, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reserved_agent: Option<AgentId>,
        /// Whether the attempt may go ahead.
        allowed: bool,
        /// The rule that decided.
        rule: GateRule,
        /// The do-not-call list that blocked it (`internal`, `campaign`, or a
        /// list's name such as `es_robinson`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<Box<str>>,
        /// When the rule may allow it again, if the gate can tell.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<Instant>,
    },
    /// A contact was offered to an agent for preview.
    PreviewOffered {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// To whom.
        agent: AgentId,
        /// How long the agent has before the call is placed.
        countdown_ms: u64,
    },
    /// The agent skipped a previewed contact.
    PreviewSkipped {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Who.
        agent: AgentId,
    },
    /// A call was placed.
    DialPlaced {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Which number.
        phone: PhoneNumber,
        /// The agent the call is for (preview, progressive, owned callbacks).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reserved_agent: Option<AgentId>,
        /// How long it may ring before "no answer".
        ring_timeout_ms: u64,
    },
    /// The telephony reported what happened to a placed call.
    DialResult {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// What happened.
        outcome: DialOutcome,
        /// How long it rang.
        ring_ms: u64,
    },
    /// A live-answered call reached an agent.
    CallConnected {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Who took it.
        agent: AgentId,
    },
    /// A live-answered call reached no agent within 2 s; the recorded message was played.
    CallAbandoned {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
    },
    /// A connected call ended (the agent goes to wrap-up and sets a disposition).
    CallEnded {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
    },
    /// A contact will be tried again.
    RetryScheduled {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// When it becomes due.
        due_at: Instant,
        /// Why (the outcome or rule: `busy`, `no_answer`, `machine`, `outside_calling_window`…).
        reason: Cow<'static, str>,
    },
    /// A contact reached its final state in a campaign.
    ContactClosed {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Reached or exhausted.
        end: ContactEnd,
        /// Why (the disposition code, or `attempts_exhausted`, `no_usable_phone`, `campaign_stopped`…).
        reason: Cow<'static, str>,
    },
    /// The pacing decided how many lines to place (logged when it dials or its limiting reason changes).
    Paced {
        /// Which campaign.
        campaign: CampaignId,
        /// Lines placed by this decision.
        dialled: u32,
        /// Unreserved lines in flight after it (ringing or answered and not yet connected).
        lines_in_flight: u32,
        /// Agents ready and not reserved.
        free_agents: u32,
        /// Estimated share of dials that a person answers.
        answer_rate: f64,
        /// Estimated chance that the last line placed is abandoned if answered (predictive).
        marginal_abandon_p: f64,
        /// Abandons still allowed before the target is reached, in calls (predictive).
        abandon_budget: f64,
        /// What stopped it from placing more (`no_free_agent`, `ratio`, `abandon_risk`,
        /// `abandon_budget`, `no_contact_due`, `line_cap`, `abandon_rate_cap`).
        reason: Cow<'static, str>,
    },
    /// The abandon rate reached the alert threshold or the cap, or fell back.
    AbandonRateAlert {
        /// Which campaign.
        campaign: CampaignId,
        /// Which measurement.
        window: AbandonWindow,
        /// How serious.
        level: AlertLevel,
        /// Abandoned / live-answered in the window.
        rate: f64,
        /// Live-answered calls in the window.
        live_answers: u32,
        /// Abandoned calls in the window.
        abandoned: u32,
    },
    /// An agent recorded a disposition.
    DispositionSet {
        /// The attempt.
        attempt: AttemptId,
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Who.
        agent: AgentId,
        /// The code (`sale`, `wrong_number`, `callback`…).
        code: Box<str>,
    },
    /// A disposition was stored on the contact's history (`interested`, `annoyed`…).
    HistoryNoted {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// The code.
        code: Box<str>,
    },
    /// A number was marked invalid.
    PhoneInvalidated {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// Which number.
        phone: PhoneNumber,
        /// Why (`wrong_number`, `failed_repeatedly`, `unparseable`).
        reason: Cow<'static, str>,
    },
    /// A number was added to a contact.
    PhoneAdded {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// The number.
        phone: PhoneNumber,
    },
    /// A callback was scheduled.
    CallbackScheduled {
        /// Which campaign.
        campaign: CampaignId,
        /// Which contact.
        contact: ContactId,
        /// When it is due.
        due_at: Instant,
        /// The agent who owns it; `None` means anyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<AgentId>,
    },
    /// Consent was recorded.
    ConsentRecorded {
        /// For which number.
        phone: PhoneNumber,
        /// For what (`marketing`, `collections`…).
        purpose: Box<str>,
        /// Where it came from (`web_form`, `contact_list`, `call`…).
        source: Box<str>,
        /// When it was given.
        given_at: Instant,
        /// When it expires, if it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<Instant>,
    },
    /// Consent was withdrawn.
    ConsentWithdrawn {
        /// For which number.
        phone: PhoneNumber,
        /// For what.
        purpose: Box<str>,
        /// When.
        withdrawn_at: Instant,
    },
    /// A number was put on a do-not-call list (an opt-out puts it on the internal one).
    DoNotCallAdded {
        /// Which list.
        list: DoNotCallList,
        /// The number.
        phone: PhoneNumber,
        /// Why (`opt_out`, `disposition`, `import`, `command`).
        reason: Cow<'static, str>,
    },
    /// A number was taken off a do-not-call list.
    DoNotCallRemoved {
        /// Which list.
        list: DoNotCallList,
        /// The number.
        phone: PhoneNumber,
    },
    /// A national list was imported (replacing the previous import of that name).
    DoNotCallImported {
        /// Which list.
        list: DoNotCallList,
        /// How many numbers it holds.
        numbers: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind};

    #[test]
    fn an_outbound_event_round_trips_through_json_inside_an_event() {
        let e = Event {
            at: Instant::from_millis(5),
            kind: EventKind::Outbound(OutboundEvent::GateDecided {
                campaign: CampaignId(1),
                contact: ContactId(2),
                phone: PhoneNumber::parse("+12125550100").unwrap(),
                reserved_agent: None,
                allowed: false,
                rule: GateRule::OutsideCallingWindow,
                list: None,
                retry_at: Some(Instant::from_millis(9)),
            }),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"outbound\":\"gate_decided\""), "{json}");
        assert!(
            json.contains("\"rule\":\"outside_calling_window\""),
            "{json}"
        );
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn dial_modes_parse_from_their_scenario_names() {
        for m in DialMode::ALL {
            assert_eq!(m.as_str().parse::<DialMode>(), Ok(m));
        }
        assert!("aggressive".parse::<DialMode>().is_err());
    }

    #[test]
    fn outcome_indexes_are_dense() {
        for (i, o) in DialOutcome::ALL.into_iter().enumerate() {
            assert_eq!(o.index(), i);
        }
    }
}
