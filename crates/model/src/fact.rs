//! The facts a tenant's log keeps: the routing engine's and the dialer's
//! events plus the tenant core's own (interactions opened, dispositions,
//! notes, chat messages, customers, agents, routing plans, campaigns, calls).
//!
//! The tenant core (crate `center`) emits them typed; they become JSON once,
//! at the store's edge, as one row of `events`: its kind (for filtering
//! without parsing), the interaction and agent it concerns, and the body.
//! A person's data (names, numbers, addresses, message text) is kept in
//! fields of its own, apart from ids and figures.

use serde::{Deserialize, Serialize};

use crate::{AgentId, Channel, Event, InteractionId};

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    /// The customer, on the public chat page.
    Customer,
    /// The agent handling the interaction.
    Agent,
}

impl Sender {
    /// The name stored in the projection.
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Customer => "customer",
            Sender::Agent => "agent",
        }
    }
}

/// One fact of a tenant's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fact")]
pub enum Fact {
    /// An interaction was opened through the API (before routing placed it).
    InteractionOpened {
        /// Its id.
        interaction: InteractionId,
        /// Its channel.
        channel: Channel,
        /// The integration's idempotency key, when one was given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idempotency_key: Option<String>,
        /// The customer record, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<i64>,
        /// A short subject line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        /// Hash of the secret the public chat page holds, for chats.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_secret_hash: Option<String>,
    },
    /// A fact of the routing engine.
    Routing {
        /// The engine's event.
        event: Event,
    },
    /// After a restart, an interaction that was not finished waits again.
    Requeued {
        /// Which.
        interaction: InteractionId,
    },
    /// The agent (or a supervisor) recorded how the interaction went.
    DispositionSet {
        /// Which.
        interaction: InteractionId,
        /// The disposition code.
        code: String,
        /// Who set it (user name).
        by: String,
        /// Whether the customer's need was resolved in this contact.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolved: Option<bool>,
    },
    /// A free-text note on an interaction.
    NoteAdded {
        /// Which.
        interaction: InteractionId,
        /// Who wrote it.
        author: String,
        /// The text.
        body: String,
    },
    /// A chat message, from the customer or the agent.
    ChatMessage {
        /// Which chat.
        interaction: InteractionId,
        /// From whom.
        sender: Sender,
        /// The agent handling it (recipient or author), when one is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<AgentId>,
        /// The text.
        body: String,
    },
    /// An e-mail reached a tenant's mailbox, on an `email` interaction.
    EmailReceived {
        /// Which interaction.
        interaction: InteractionId,
        /// The mailbox (its name).
        mailbox: String,
        /// The message.
        email: Box<crate::email::Email>,
    },
    /// An e-mail was sent from a tenant's mailbox (an agent's reply).
    EmailSent {
        /// Which interaction.
        interaction: InteractionId,
        /// The mailbox (its name).
        mailbox: String,
        /// The message.
        email: Box<crate::email::Email>,
        /// Who (user name).
        by: String,
    },
    /// A customer record was created.
    CustomerCreated {
        /// Its id.
        customer: i64,
        /// Name.
        name: String,
        /// Phone number (E.164-ish, as given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
        /// E-mail address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    /// Customer records written whole, created or replaced: one for an
    /// edit, a chunk of them for an import.
    CustomersSet {
        /// Who (user name).
        by: String,
        /// Why.
        cause: crate::customer::Cause,
        /// The records written.
        records: Vec<crate::customer::Written>,
    },
    /// A contact's outcome cleaned a record (a wrong number marked, a new
    /// one added, a tag): the projection applies it to the record.
    CustomerCleaned {
        /// Which record.
        customer: i64,
        /// Its version after this.
        version: u32,
        /// During which interaction.
        interaction: InteractionId,
        /// The disposition code.
        code: String,
        /// What changes.
        cleanings: Vec<crate::customer::Cleaning>,
        /// Who.
        by: String,
    },
    /// A record was merged into another: its contacts count on the kept one
    /// and it no longer shows on its own.
    CustomerMerged {
        /// The record kept.
        kept: i64,
        /// The record merged into it.
        merged: i64,
        /// Who.
        by: String,
    },
    /// An entry of a customer's consent ledger (given or withdrawn).
    CustomerConsent {
        /// Which record.
        customer: i64,
        /// The entry.
        entry: crate::consent::ConsentEntry,
    },
    /// A person's data was erased: the facts that held it were redacted in
    /// place ([`crate::erasure`]); their records stay, emptied, so counts
    /// stay right.
    CustomerErased {
        /// The records (the one asked for and those merged into it).
        customers: Vec<i64>,
        /// Their numbers' placeholders, with what the dialer knew of each.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        numbers: Vec<crate::erasure::ErasedNumber>,
        /// Who (a user name, or `retention`).
        by: String,
    },
    /// A merge was undone: both records stand on their own again.
    CustomerUnmerged {
        /// The record that had been kept.
        kept: i64,
        /// The record taken out again.
        merged: i64,
        /// Who.
        by: String,
    },
    /// An agent was defined or its skills changed.
    AgentDefined {
        /// Its id (dense per tenant).
        agent: AgentId,
        /// Its unique name.
        name: String,
        /// Skills by name with proficiency 1..=10 (sorted by name).
        skills: Vec<(String, u8)>,
        /// The user who works as this agent, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// The teams it belongs to, by name (sorted; none in older logs).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        teams: Vec<String>,
    },
    /// An agent's capacity was set: how many interactions of each channel
    /// it takes at once (a channel not named keeps its default; 0: none).
    AgentCapacity {
        /// Which agent.
        agent: AgentId,
        /// Interactions at once, by channel (replaces the earlier setting).
        capacity: std::collections::BTreeMap<Channel, u8>,
    },
    /// The routing plan (queues, hours, rules) was replaced.
    PlanSet {
        /// The document as given (TOML or JSON).
        document: String,
    },
    /// Fields of a customer's profile were answered or changed (profiling
    /// questions of a script, value tier, consent, do-not-call).
    CustomerProfiled {
        /// Which customer.
        customer: i64,
        /// The interaction during which it was answered, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction: Option<InteractionId>,
        /// (field, value) pairs; later values replace earlier ones.
        fields: Vec<(String, String)>,
        /// Who (user name).
        by: String,
    },
    /// A named settings document of the tenant was replaced (`desktop`:
    /// reason codes, disposition codes and scripts).
    SettingSet {
        /// Its name.
        name: String,
        /// The document as given (TOML or JSON).
        document: String,
    },
    /// Something the switch did with a voice interaction's call.
    Call {
        /// Which interaction.
        interaction: InteractionId,
        /// What happened.
        call: CallFact,
    },
    /// An outbound campaign was defined (the dialer takes it as configured,
    /// not started).
    CampaignDefined {
        /// Its id (dense per tenant, from 1).
        campaign: u32,
        /// Its unique name.
        name: String,
        /// Its settings as given (JSON), validated by the server.
        document: String,
    },
    /// Contacts were added to a campaign's list (the dialer's input as well
    /// as the campaign's contact record).
    CampaignContacts {
        /// Which campaign.
        campaign: u32,
        /// The contacts.
        contacts: Vec<CampaignContact>,
    },
    /// An input the outbound dialer accepted, in the order it took them.
    /// Replayed in order after a restart, these facts
    /// with `campaign_defined` and `campaign_contacts` rebuild the dialer as it was.
    DialerInput {
        /// The input.
        input: DialerStep,
    },
    /// A fact of the outbound dialer (gate decisions, dials, results, pacing,
    /// dispositions' effects, contacts' final states).
    Outbound {
        /// The dialer's event (its kind is `outbound`).
        event: Event,
    },
    /// Quality review and training ([`crate::quality`]; kind `quality.<type>`).
    Quality {
        /// What happened.
        quality: crate::quality::QualityFact,
    },
    /// An input the case engine accepted (see [`crate::case`]): a
    /// `workflow::Input` as JSON (this crate cannot name the engine's types,
    /// the engine depends on it), parsed back and given to the engine again
    /// on replay, at the fact's instant.
    CaseInput {
        /// The `workflow::Input`, serialised.
        input: serde_json::Value,
        /// For a new case: the customer record of its debtor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<i64>,
    },
    /// A case type was loaded (the next version of `name`); replayed.
    CaseTypeSet {
        /// Its name.
        name: String,
        /// The TOML document.
        document: String,
    },
    /// A campaign's list is fed by a saved case query (none: its feed was
    /// removed; the contacts it added stay); replayed.
    CaseFeedSet {
        /// The campaign.
        campaign: u32,
        /// The query.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feed: Option<crate::case::CaseFeed>,
    },
    /// A change to a case with its cause, as the case engine said it (a
    /// `workflow::CaseFact` as JSON): history and projections; ignored on
    /// replay (the engine says it again from the inputs).
    CaseFact {
        /// The case.
        case: u64,
        /// The `workflow::CaseFact`, serialised.
        entry: serde_json::Value,
    },
    /// An action the case engine ordered, as the core carried it out (or
    /// what a case feed did to the case).
    CaseAction {
        /// The case.
        case: u64,
        /// The `workflow::Action`, serialised (or a
        /// [`crate::case::FeedAction`]).
        action: serde_json::Value,
        /// What came of it.
        outcome: crate::case::ActionOutcome,
    },
    /// A letter or an e-mail to the debtor was ordered from a template
    /// (rendering and sending come later).
    CaseLetterOrdered {
        /// The case.
        case: u64,
        /// The template's name.
        template: String,
        /// The language to write it in.
        language: String,
        /// On paper or by e-mail.
        medium: crate::case::LetterMedium,
        /// What it says of the case (none in logs written before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snapshot: Option<Box<crate::case::LetterSnapshot>>,
    },
}

/// A contact of a campaign's list, as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignContact {
    /// Its id (dense per campaign, from 1).
    pub id: u64,
    /// The person's name, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The customer record, if the contact is a known customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<i64>,
    /// Its numbers in E.164, in the order to try them.
    pub phones: Vec<String>,
    /// An agent's manual call (never paced; see `DialerStep::ManualDial`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manual: bool,
}

/// What happened to a call, as the log keeps it (kind `call.<type>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum CallFact {
    /// The call was answered by the switch.
    Arrived {
        /// The SIP Call-ID.
        call_id: String,
        /// The caller's number (From).
        caller: String,
        /// The dialled number (request URI).
        dialled: String,
        /// When it was answered (Unix ms).
        answered_at: i64,
    },
    /// The caller went through the IVR.
    Ivr {
        /// Their language.
        language: String,
        /// Menu → key.
        choices: Vec<(String, String)>,
        /// Attributes set or collected.
        attributes: Vec<(String, String)>,
        /// Why it ended (`chosen`, `failed`, …).
        reason: String,
    },
    /// Position and estimated wait were announced.
    Announced {
        /// Place in the queue.
        position: u32,
        /// Estimated wait, seconds.
        estimated_wait_s: u64,
    },
    /// The agent's phone is rung.
    AgentRinging {
        /// Whose.
        agent: AgentId,
        /// The phone's SIP address.
        address: String,
    },
    /// The agent's phone did not take the call.
    AgentLegFailed {
        /// Whose.
        agent: AgentId,
        /// busy, no_answer, failed, cancelled.
        outcome: String,
    },
    /// The customer and the agent are connected.
    Connected {
        /// Who.
        agent: AgentId,
        /// The agent's phone leg's Call-ID (none: a simulated agent or a desktop without a phone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent_call_id: Option<String>,
    },
    /// Recording started (stereo WAV, customer left, agent right).
    RecordingStarted {
        /// The file.
        path: String,
        /// Why: `always` (queue policy) or the user who asked.
        by: String,
    },
    /// Recording paused (nothing is kept until resumed).
    RecordingPaused {
        /// Who.
        by: String,
    },
    /// Recording resumed.
    RecordingResumed {
        /// Who.
        by: String,
    },
    /// Someone asked to start recording (queue policy `on_demand`).
    RecordingRequested {
        /// Who.
        by: String,
    },
    /// Someone fetched the recording.
    RecordingAccessed {
        /// Who.
        by: String,
    },
    /// The agent put the customer on hold (music; nothing of the agent reaches them).
    Held {
        /// Who.
        by: String,
    },
    /// The agent took the customer off hold.
    Unheld {
        /// Who.
        by: String,
    },
    /// The agent muted themselves (the customer hears nothing of them; they still hear).
    Muted {
        /// Who.
        by: String,
    },
    /// The agent unmuted themselves.
    Unmuted {
        /// Who.
        by: String,
    },
    /// Someone asked to hang up the call from the desktop or the API.
    HangupRequested {
        /// Who.
        by: String,
    },
    /// A consult transfer to another agent began (customer on hold).
    ConsultRequested {
        /// Who.
        by: String,
        /// The agent consulted.
        agent: AgentId,
    },
    /// The consulted agent's phone answered: the two agents talk.
    ConsultConnected {
        /// The agent consulted.
        agent: AgentId,
        /// Their phone leg's Call-ID.
        agent_call_id: String,
    },
    /// The consult transfer was completed: the customer goes to the consulted agent.
    ConsultCompleted {
        /// Who.
        by: String,
    },
    /// The consult transfer was given up: the customer is back with the first agent.
    ConsultCancelled {
        /// Who (`switch` when the consulted phone failed or routing withdrew the offer).
        by: String,
        /// The agent the customer is back with.
        agent: AgentId,
    },
    /// The caller, waiting, pressed the key to be called back: this callback
    /// interaction took their place in the queue.
    CallbackRequested {
        /// The number to call back (the caller's).
        number: String,
        /// The call that waited.
        from_interaction: InteractionId,
    },
    /// A recording was deleted: it was older than the tenant's retention.
    RecordingDeleted {
        /// The file.
        path: String,
        /// Its age, in whole days.
        age_days: u32,
        /// The tenant's retention then, in days.
        retention_days: u32,
    },
    /// The call ended.
    Ended {
        /// `customer`, `agent` or `switch`.
        by: String,
        /// Why (`caller_hung_up`, `agent_hung_up`, `interaction_ended`, …).
        reason: String,
        /// The recording, if one was made.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recording: Option<String>,
    },
}

impl CallFact {
    /// Its type name (the part after `call.` in the kind).
    pub fn type_name(&self) -> &'static str {
        match self {
            CallFact::Arrived { .. } => "arrived",
            CallFact::Ivr { .. } => "ivr",
            CallFact::Announced { .. } => "announced",
            CallFact::AgentRinging { .. } => "agent_ringing",
            CallFact::AgentLegFailed { .. } => "agent_leg_failed",
            CallFact::Connected { .. } => "connected",
            CallFact::RecordingStarted { .. } => "recording_started",
            CallFact::RecordingPaused { .. } => "recording_paused",
            CallFact::RecordingResumed { .. } => "recording_resumed",
            CallFact::RecordingRequested { .. } => "recording_requested",
            CallFact::RecordingAccessed { .. } => "recording_accessed",
            CallFact::RecordingDeleted { .. } => "recording_deleted",
            CallFact::CallbackRequested { .. } => "callback_requested",
            CallFact::Held { .. } => "held",
            CallFact::Unheld { .. } => "unheld",
            CallFact::Muted { .. } => "muted",
            CallFact::Unmuted { .. } => "unmuted",
            CallFact::HangupRequested { .. } => "hangup_requested",
            CallFact::ConsultRequested { .. } => "consult_requested",
            CallFact::ConsultConnected { .. } => "consult_connected",
            CallFact::ConsultCompleted { .. } => "consult_completed",
            CallFact::ConsultCancelled { .. } => "consult_cancelled",
            CallFact::Ended { .. } => "ended",
        }
    }
}

impl Fact {
    /// The kind stored in the `kind` column (`routing.offered`, `chat_message`…).
    pub fn kind(&self) -> String {
        match self {
            Fact::Routing { event } => {
                let v = serde_json::to_value(&event.kind).unwrap_or_default();
                let t = v.get("type").and_then(|t| t.as_str()).unwrap_or("unknown");
                format!("routing.{t}")
            }
            Fact::Call { call, .. } => format!("call.{}", call.type_name()),
            Fact::Quality { quality } => format!("quality.{}", quality.type_name()),
            // Facts that carry whole records are named without being encoded.
            Fact::CustomersSet { .. } => "customers_set".into(),
            Fact::CustomerCleaned { .. } => "customer_cleaned".into(),
            Fact::CustomerMerged { .. } => "customer_merged".into(),
            Fact::CustomerUnmerged { .. } => "customer_unmerged".into(),
            Fact::CustomerConsent { .. } => "customer_consent".into(),
            Fact::CustomerErased { .. } => "customer_erased".into(),
            Fact::Outbound { event } => {
                let v = serde_json::to_value(&event.kind).unwrap_or_default();
                let t = v
                    .get("outbound")
                    .and_then(|t| t.as_str())
                    .unwrap_or("unknown");
                format!("outbound.{t}")
            }
            other => {
                let v = serde_json::to_value(other).unwrap_or_default();
                v.get("fact")
                    .and_then(|t| t.as_str())
                    .unwrap_or("unknown")
                    .to_string()
            }
        }
    }

    /// The interaction the fact concerns, if one.
    pub fn interaction(&self) -> Option<InteractionId> {
        use crate::event::EventKind as K;
        match self {
            Fact::InteractionOpened { interaction, .. }
            | Fact::Requeued { interaction }
            | Fact::DispositionSet { interaction, .. }
            | Fact::NoteAdded { interaction, .. }
            | Fact::ChatMessage { interaction, .. }
            | Fact::EmailReceived { interaction, .. }
            | Fact::EmailSent { interaction, .. }
            | Fact::Call { interaction, .. } => Some(*interaction),
            Fact::CustomerProfiled { interaction, .. } => *interaction,
            Fact::CustomerCleaned { interaction, .. } => Some(*interaction),
            Fact::Routing { event } => match &event.kind {
                K::InteractionCreated { interaction, .. }
                | K::InteractionQueued { interaction, .. }
                | K::StepReached { interaction, .. }
                | K::Offered { interaction, .. }
                | K::Accepted { interaction, .. }
                | K::Rejected { interaction, .. }
                | K::OfferTimedOut { interaction, .. }
                | K::OfferRevoked { interaction, .. }
                | K::Transferred { interaction, .. }
                | K::Overflowed { interaction, .. }
                | K::Ended { interaction, .. } => Some(*interaction),
                K::AgentStateChanged { .. } | K::Outbound(_) => None,
            },
            _ => None,
        }
    }

    /// The agent the fact concerns, if one (for filtering live streams).
    pub fn agent(&self) -> Option<AgentId> {
        match self {
            Fact::ChatMessage { agent, .. } => *agent,
            Fact::AgentDefined { agent, .. } | Fact::AgentCapacity { agent, .. } => Some(*agent),
            Fact::Routing { event } | Fact::Outbound { event } => event_agent(&event.kind),
            Fact::Call {
                call:
                    CallFact::AgentRinging { agent, .. }
                    | CallFact::AgentLegFailed { agent, .. }
                    | CallFact::Connected { agent, .. },
                ..
            } => Some(*agent),
            _ => None,
        }
    }
}

/// The agent a routing or dialer event concerns, if one.
fn event_agent(kind: &crate::event::EventKind) -> Option<AgentId> {
    use crate::event::EventKind as K;
    match kind {
        K::Offered { agent, .. }
        | K::Accepted { agent, .. }
        | K::Rejected { agent, .. }
        | K::OfferTimedOut { agent, .. }
        | K::OfferRevoked { agent, .. }
        | K::AgentStateChanged { agent, .. } => Some(*agent),
        K::Outbound(
            crate::outbound::OutboundEvent::PreviewOffered { agent, .. }
            | crate::outbound::OutboundEvent::PreviewSkipped { agent, .. }
            | crate::outbound::OutboundEvent::CallConnected { agent, .. },
        ) => Some(*agent),
        K::Outbound(crate::outbound::OutboundEvent::DialPlaced { reserved_agent, .. }) => {
            *reserved_agent
        }
        K::Transferred {
            from_agent,
            to_agent,
            ..
        } => to_agent.or(Some(*from_agent)),
        _ => None,
    }
}

/// What an agent of a campaign is doing, as the dialer is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Presence {
    /// Waiting for a call.
    Ready,
    /// On a call since then (Unix ms).
    Talking {
        /// Since.
        since_ms: u64,
    },
    /// In after-call work since then (Unix ms).
    WrapUp {
        /// Since.
        since_ms: u64,
    },
    /// Signed in, not taking calls.
    Away,
    /// Signed out.
    SignedOut,
}

impl Presence {
    /// The presence of an agent in a routing state, at `now_ms`.
    pub fn of(state: &crate::event::AgentState, now_ms: u64) -> Presence {
        use crate::event::AgentState as S;
        match state {
            S::Offline => Presence::SignedOut,
            S::Available => Presence::Ready,
            S::NotReady(_) => Presence::Away,
            S::Reserved | S::Busy => Presence::Talking { since_ms: now_ms },
            S::WrapUp => Presence::WrapUp { since_ms: now_ms },
        }
    }
}

/// An input of the dialer as the log keeps it (`dialer_input` facts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "input")]
pub enum DialerStep {
    /// The dialer was woken at its timeout (logged only when it did something).
    Tick,
    /// Start or resume.
    Start {
        /// Which campaign.
        campaign: u32,
    },
    /// Pause.
    Pause {
        /// Which campaign.
        campaign: u32,
    },
    /// Stop for good.
    Stop {
        /// Which campaign.
        campaign: u32,
    },
    /// A campaign agent's presence changed.
    Agent {
        /// Which campaign.
        campaign: u32,
        /// Who.
        agent: u32,
        /// What they do now.
        presence: Presence,
    },
    /// The line reports how a call went.
    DialResult {
        /// Which attempt.
        attempt: u64,
        /// What happened.
        outcome: crate::outbound::DialOutcome,
        /// How long it rang.
        ring_ms: u64,
    },
    /// An answered call reached an agent, as this interaction.
    Connected {
        /// Which attempt.
        attempt: u64,
        /// Who.
        agent: u32,
        /// The interaction it became.
        interaction: i64,
    },
    /// An answered call reached no agent in time.
    Abandoned {
        /// Which attempt.
        attempt: u64,
    },
    /// A connected call ended.
    CallEnded {
        /// Which attempt.
        attempt: u64,
    },
    /// The agent's disposition.
    Disposition {
        /// Which attempt.
        attempt: u64,
        /// Who.
        agent: u32,
        /// The code.
        code: String,
        /// A new number (E.164), for `new_number`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_phone: Option<String>,
        /// When to call back (Unix ms), for codes that schedule one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        callback_at_ms: Option<u64>,
    },
    /// An agent dials a manual contact (loaded just before) through the
    /// compliance gate.
    ManualDial {
        /// Which campaign.
        campaign: u32,
        /// Who calls.
        agent: u32,
        /// The contact (loaded with `manual`).
        contact: u64,
    },
    /// A contact closed from outside its campaign (its case is over).
    CloseContact {
        /// Which campaign.
        campaign: u32,
        /// The contact.
        contact: u64,
        /// Why (`case_paid`…).
        reason: String,
    },
    /// The agent accepted a previewed contact.
    PreviewAccept {
        /// Which attempt.
        attempt: u64,
    },
    /// The agent skipped a previewed contact.
    PreviewSkip {
        /// Which attempt.
        attempt: u64,
    },
    /// A power campaign's lines per free agent (a supervisor's pacing, or
    /// an outside controller).
    SetRatio {
        /// Which campaign.
        campaign: u32,
        /// Lines per free agent.
        ratio: f64,
    },
    /// The person asked not to be called (every campaign, from now on).
    OptOut {
        /// The number (E.164).
        phone: String,
    },
    /// Consent for calls to a number was given or withdrawn (a customer's
    /// ledger entry, for each of its numbers).
    Consent {
        /// The number (E.164).
        phone: String,
        /// For what.
        purpose: String,
        /// Given or withdrawn.
        granted: bool,
        /// Where it came from.
        source: String,
        /// When it was given (Unix ms).
        at_ms: i64,
    },
    /// Numbers of a national or named do-not-call list's next version (an
    /// import in progress: in force once published).
    DoNotCallStage {
        /// Which list.
        list: crate::outbound::DoNotCallList,
        /// A part of its numbers (E.164).
        phones: Vec<String>,
        /// The first part of an import (what an unpublished one staged is dropped).
        #[serde(default)]
        first: bool,
    },
    /// The staged numbers replace the list.
    DoNotCallPublish {
        /// Which list.
        list: crate::outbound::DoNotCallList,
    },
}

#[cfg(test)]
mod kind_tests {
    use super::*;
    use crate::customer::Cause;

    #[test]
    fn the_kinds_named_directly_are_the_encoded_tags() {
        let facts = [
            Fact::CustomersSet {
                by: "a".into(),
                cause: Cause::Edit,
                records: Vec::new(),
            },
            Fact::CustomerCleaned {
                customer: 1,
                version: 2,
                interaction: InteractionId(3),
                code: "wrong_number".into(),
                cleanings: Vec::new(),
                by: "a".into(),
            },
            Fact::CustomerMerged {
                kept: 1,
                merged: 2,
                by: "a".into(),
            },
            Fact::CustomerUnmerged {
                kept: 1,
                merged: 2,
                by: "a".into(),
            },
            Fact::CustomerConsent {
                customer: 1,
                entry: crate::consent::ConsentEntry {
                    purpose: "marketing".into(),
                    channel: crate::consent::ConsentChannel::Voice,
                    granted: true,
                    at: 1,
                    source: "api".into(),
                    evidence: None,
                    by: "a".into(),
                },
            },
        ];
        for f in facts {
            let tag = serde_json::to_value(&f).unwrap()["fact"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(f.kind(), tag);
        }
    }

    #[test]
    fn a_case_feed_is_logged_as_case_feed_set_and_read_back() {
        let f = Fact::CaseFeedSet {
            campaign: 2,
            feed: Some(crate::case::CaseFeed {
                states: vec!["promise_broken".into()],
                balance_min: Some("100.00".into()),
                currency: Some("EUR".into()),
                ..Default::default()
            }),
        };
        assert_eq!(f.kind(), "case_feed_set");
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["feed"]["balance_min"], "100.00");
        assert!(v["feed"].get("flags").is_none());
        assert_eq!(serde_json::from_value::<Fact>(v).unwrap(), f);
        let removed = Fact::CaseFeedSet {
            campaign: 2,
            feed: None,
        };
        let back: Fact = serde_json::from_value(serde_json::to_value(&removed).unwrap()).unwrap();
        assert_eq!(back, removed);
    }
}
