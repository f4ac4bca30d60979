//! What the tenant core is asked ([`Command`]) and what it answers
//! ([`Reply`]), with the limits it checks.

use model::{Attributes, Channel, ReasonCode};
use serde::Serialize;

use crate::outbound;
use model::fact::{CallFact, Sender};

/// Most skills per agent.
pub const AGENT_SKILLS_MAX: usize = 64;
/// Most teams per agent.
pub const AGENT_TEAMS_MAX: usize = 16;
/// Most interactions of one channel an agent may be set to take at once.
pub const AGENT_CAPACITY_MAX: u8 = 20;
/// Longest name (skill, agent, disposition code), in bytes.
pub const NAME_LEN_MAX: usize = 64;
/// Longest note or chat message, in bytes.
pub const TEXT_LEN_MAX: usize = 8_192;
/// Longest routing plan document, in bytes.
pub const PLAN_LEN_MAX: usize = 1 << 20;

/// A new interaction as the API asks for it.
#[derive(Debug, Clone)]
pub struct NewInteractionReq {
    /// Channel.
    pub channel: Channel,
    /// Queue name (the plan may choose another).
    pub queue: Option<String>,
    /// Starting priority.
    pub priority: i32,
    /// Routing attributes.
    pub attributes: Attributes,
    /// Customer record.
    pub customer: Option<i64>,
    /// Subject line.
    pub subject: Option<String>,
    /// The integration's idempotency key.
    pub idempotency_key: Option<String>,
    /// Hash of the public chat page's secret.
    pub chat_secret_hash: Option<String>,
}

/// Where a transfer goes.
#[derive(Debug, Clone)]
pub enum TransferTo {
    /// A queue by name.
    Queue(String),
    /// An agent by id.
    Agent(i64),
}

/// What a command asks of the tenant core.
#[derive(Debug)]
pub enum Command {
    /// Create an interaction (idempotent by key).
    Create(Box<NewInteractionReq>),
    /// Sign in, ready or with a not-ready reason.
    SignIn(i64, Option<ReasonCode>),
    /// Sign out.
    SignOut(i64),
    /// Ready.
    Ready(i64),
    /// Not ready for a reason.
    NotReady(i64, ReasonCode),
    /// Accept an offer.
    Accept(i64, i64),
    /// Reject an offer.
    Reject(i64, i64),
    /// Complete (by an agent, who must hold it; or by a supervisor).
    Complete(i64, Option<i64>),
    /// Transfer.
    Transfer {
        /// Which.
        interaction: i64,
        /// The agent asking, who must hold it (none: a supervisor).
        by: Option<i64>,
        /// Where.
        to: TransferTo,
        /// Consult transfer.
        consult: bool,
    },
    /// Set a disposition.
    Disposition {
        /// Which.
        interaction: i64,
        /// Code.
        code: String,
        /// The agent asking, who must have handled it (none: a supervisor).
        by_agent: Option<i64>,
        /// Who (user name).
        by: String,
        /// For an outbound call's `new_number`: the number.
        new_phone: Option<String>,
        /// For an outbound call's callback codes: when (Unix ms; default in an hour).
        callback_at_ms: Option<u64>,
        /// Whether the customer's need was resolved in this contact.
        resolved: Option<bool>,
        /// With the code `promise` on a case's call: the amount promised.
        promise_amount: Option<String>,
        /// With `promise_amount`: the date promised (YYYY-MM-DD).
        promise_date: Option<String>,
    },
    /// Add a note.
    Note {
        /// Which.
        interaction: i64,
        /// Author.
        author: String,
        /// Text.
        body: String,
    },
    /// A chat message.
    Chat {
        /// Which.
        interaction: i64,
        /// From whom.
        sender: Sender,
        /// The agent sending (for agent messages; they must hold it).
        by_agent: Option<i64>,
        /// For customer messages: the hash of the secret they hold.
        secret_hash: Option<String>,
        /// Text.
        body: String,
    },
    /// An e-mail received on (or sent from) an `email` interaction.
    Email {
        /// Which interaction.
        interaction: i64,
        /// The mailbox's name.
        mailbox: String,
        /// The message.
        email: Box<model::email::Email>,
        /// For a sent message: who sent it (user name).
        sent_by: Option<String>,
    },
    /// Create a customer.
    CreateCustomer {
        /// Name.
        name: String,
        /// Phone.
        phone: Option<String>,
        /// E-mail.
        email: Option<String>,
    },
    /// An entry of a customer's consent ledger.
    RecordConsent {
        /// Which customer.
        customer: i64,
        /// The entry.
        entry: model::consent::ConsentEntry,
    },
    /// The records import rows match (answered with [`Reply::Matches`]).
    MatchCustomers(Vec<crate::records::MatchKeys>),
    /// Write customer records whole (created or replaced), all or none.
    SetCustomers {
        /// Who (user name).
        by: String,
        /// Why.
        cause: model::customer::Cause,
        /// The records.
        entries: Vec<crate::records::SetEntry>,
    },
    /// Erase persons (see the `erase` module): answered with [`Reply::Erased`].
    EraseCustomers {
        /// The records: the one asked for and those merged into it.
        customers: Vec<i64>,
        /// Their numbers in E.164 that no other record has.
        numbers: Vec<String>,
        /// Who (a user name, or `retention`).
        by: String,
    },
    /// Merge one record into another.
    MergeCustomers {
        /// The record kept, with the version read.
        kept: (i64, u32),
        /// The record merged into it, with the version read.
        merged: (i64, u32),
        /// The kept record as it becomes.
        record: model::customer::Record,
        /// Its parts that change.
        changed: Vec<String>,
        /// Who.
        by: String,
    },
    /// Undo a merge.
    UnmergeCustomers {
        /// The record that was kept, with the version read.
        kept: (i64, u32),
        /// The record merged into it.
        merged: i64,
        /// The kept record as it was before the merge.
        record: model::customer::Record,
        /// Who.
        by: String,
    },
    /// Create an agent, or replace an existing one's skills (by id).
    DefineAgent {
        /// Existing agent to change, or none for a new one.
        id: Option<i64>,
        /// Unique name (ignored when changing).
        name: String,
        /// Skills with levels.
        skills: Vec<(String, u8)>,
        /// User to link.
        username: Option<String>,
        /// The agent's teams (none: keep them as they are; a new agent has none).
        teams: Option<Vec<String>>,
    },
    /// Set an agent's capacity per channel (replacing the earlier setting;
    /// a channel not named takes its default).
    SetCapacity {
        /// Which agent.
        agent: i64,
        /// Interactions at once, by channel (0 to [`AGENT_CAPACITY_MAX`]).
        capacity: std::collections::BTreeMap<Channel, u8>,
    },
    /// Replace the routing plan.
    SetPlan(String),
    /// Queues with live counts.
    Queues,
    /// Save profile fields on a customer (profiling answers, flags).
    Profile {
        /// Which customer.
        customer: i64,
        /// During which interaction, if any (must exist).
        interaction: Option<i64>,
        /// (field, value) pairs.
        fields: Vec<(String, String)>,
        /// Who (user name).
        by: String,
    },
    /// Replace a named settings document (validated by the caller).
    SetSetting {
        /// Its name.
        name: String,
        /// The document.
        document: String,
    },
    /// A supervisor offers a waiting interaction to one agent.
    ForceAssign(i64, i64),
    /// A phone call's interaction: the call's facts so far go first in the log.
    CreateCall(Box<NewInteractionReq>, Vec<CallFact>),
    /// Something the switch did with a call.
    CallFact(i64, CallFact),
    /// The caller hung up before an agent took the call.
    Abandon(i64),
    /// Position and estimated wait of a waiting interaction.
    Position(i64),
    /// A call control from the desktop or the API (hold, mute, hang-up, consult).
    CallControl {
        /// Which interaction.
        interaction: i64,
        /// The agent asking, who must hold it (none: a supervisor).
        by_agent: Option<i64>,
        /// Who (user name), for the log.
        by: String,
        /// What.
        action: CallAction,
    },
    /// A waiting caller asked to be called back: a callback interaction
    /// takes the call's place in its queue (same arrival), the call ends.
    CallbackKeepingPlace {
        /// The waiting call.
        interaction: i64,
        /// The number to call back.
        number: String,
    },
    /// The calls an agent holds while consulting another agent.
    HeldConsults(i64),
    /// Define an outbound campaign (ready, not started).
    DefineCampaign {
        /// Unique name.
        name: String,
        /// Its settings.
        doc: outbound::CampaignDoc,
    },
    /// Add contacts to a campaign's list.
    AddContacts {
        /// Which campaign.
        campaign: i64,
        /// The contacts.
        contacts: Vec<outbound::ContactReq>,
    },
    /// Start, pause or stop a campaign.
    Campaign(i64, outbound::CampaignCommand),
    /// Set a power campaign's lines per free agent (1.0 to 10.0; at the
    /// abandon cap the dialer still falls back to progressive).
    CampaignRatio {
        /// Which campaign.
        campaign: i64,
        /// Lines per free agent.
        ratio: f64,
    },
    /// A line that places outbound calls (the switch, or the demo's
    /// simulated network) is attached: campaigns may start. The shell keeps
    /// the line itself and hands it the core's line orders.
    AttachLine,
    /// The line reports how an outbound call went. A live answer is given
    /// to a free agent of the campaign at once (the agent's desktop answers
    /// by itself), or counted abandoned when none is free.
    DialResult {
        /// Which attempt.
        attempt: u64,
        /// What happened.
        outcome: model::outbound::DialOutcome,
        /// How long it rang, in ms.
        ring_ms: u64,
    },
    /// The line bridged an answered call to the agent it was offered to.
    OutboundBridged(u64),
    /// The line could not bridge an answered call in time (it plays the
    /// abandon message).
    OutboundAbandoned(u64),
    /// The callee of a connected outbound call hung up.
    OutboundHangup(u64),
    /// The callbacks an agent promised, soonest first (answered with
    /// [`Reply::Callbacks`]).
    Callbacks(i64),
    /// An agent's manual call through a campaign's gate (answered with
    /// [`Reply::Dialled`]).
    ManualDial(crate::manual::ManualDialReq),
    /// The contacts shown to an agent before they are called (preview mode).
    Previews(i64),
    /// The disposition codes of the campaign an interaction's call belongs
    /// to (answered with [`Reply::Codes`]).
    CampaignCodes(i64),
    /// Numbers for a national or named do-not-call list's next version.
    DoNotCallStage {
        /// Which list.
        list: model::outbound::DoNotCallList,
        /// A part of its numbers (E.164).
        phones: Vec<String>,
        /// The first part of an import.
        first: bool,
    },
    /// A list's staged numbers replace it.
    DoNotCallPublish(model::outbound::DoNotCallList),
    /// The lists loaded from files (answered with [`Reply::Lists`]).
    DoNotCallLists,
    /// An agent accepts or skips a previewed contact.
    Preview {
        /// Which attempt.
        attempt: u64,
        /// The agent.
        agent: i64,
        /// Accept (dial now) or skip.
        accept: bool,
    },
    /// Pause, resume, start (on demand) or fetch a call's recording.
    Recording {
        /// Which.
        interaction: i64,
        /// The agent asking, who must hold it (none: a supervisor).
        by_agent: Option<i64>,
        /// Who (user name), for the log.
        by: String,
        /// What.
        action: RecordingAction,
    },
    /// Quality review and training (answered with an id where one is made).
    Quality(crate::quality::QualityCommand),
    /// The case engine: types, cases, their inputs and queries.
    Case(Box<crate::cases::CaseCommand>),
}

/// What is asked of a call's recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingAction {
    /// Keep nothing until resumed (card payments).
    Pause,
    /// Keep recording again.
    Resume,
    /// Start (queues with the `on_demand` policy).
    Start,
    /// Fetch the file (the access is logged).
    Access,
}

/// What an agent (or a supervisor) does with a connected call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallAction {
    /// Music for the customer; nothing of the agent reaches them.
    Hold,
    /// Off hold: the customer and the agent hear each other again.
    Resume,
    /// The customer hears nothing of the agent; the agent still hears them.
    Mute,
    /// The customer hears the agent again.
    Unmute,
    /// End the call (both legs).
    Hangup,
    /// Put the customer on hold and ring this agent (routing offers them the
    /// interaction; the first agent keeps it until the transfer completes).
    Consult(i64),
    /// The customer goes to the consulted agent; the first agent's leg is released.
    ConsultComplete,
    /// The consulted agent's leg goes; the customer is back with the first agent.
    ConsultCancel,
}

/// Most consults one agent's desktop lists.
pub const CONSULTS_SHOWN_MAX: usize = 5;

/// Most profile fields saved at once.
pub const PROFILE_FIELDS_MAX: usize = 32;
/// Longest profile value, in bytes.
pub const PROFILE_VALUE_LEN_MAX: usize = 1_024;

/// A queue as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueInfo {
    /// Id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Strategy.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub strategy: &'static str,
    /// Waiting now.
    pub waiting: u32,
    /// Timed steps.
    pub steps: usize,
    /// Whether business hours are set.
    pub has_hours: bool,
    /// After-contact work given to agents, in seconds.
    pub wrap_up_s: u64,
    /// How long an offer rings, in seconds.
    pub ring_timeout_s: u64,
    /// Service-level threshold, in seconds.
    pub sl_threshold_s: u64,
    /// Service-level target share (0..=1).
    pub sl_target: f64,
    /// Skills (name, lowest level) an agent needs in the first step.
    pub skills: Vec<(String, u8)>,
}

/// What a command returns (after its facts are committed).
#[derive(Debug, Clone)]
pub enum Reply {
    /// An interaction (created now, or earlier with the same idempotency key).
    Interaction {
        /// Id.
        id: i64,
        /// Created by this request.
        created: bool,
    },
    /// An id (agent, customer).
    Id(i64),
    /// Queues.
    Queues(Vec<QueueInfo>),
    /// Place in the queue and estimated wait in seconds (none: not waiting).
    Position(Option<(u32, u64)>),
    /// Interaction ids.
    Ids(Vec<i64>),
    /// An outbound call's answer: offered to a free agent, or not.
    Answered(outbound::Answered),
    /// Previews shown to an agent, oldest first.
    Previews(Vec<outbound::PreviewInfo>),
    /// A manual call: placed, or refused by the gate.
    Dialled(crate::manual::ManualCall),
    /// Callbacks promised, soonest first.
    Callbacks(Vec<crate::callbacks::Promised>),
    /// The record each import row matched, in order.
    Matches(Vec<Option<crate::records::Found>>),
    /// Do-not-call lists loaded from files: name, national, numbers.
    Lists(Vec<(String, bool, usize)>),
    /// A campaign call's disposition codes (none: not a campaign call).
    Codes(Option<Vec<dialer::disposition::DispositionCode>>),
    /// Each erased number with its placeholder.
    Erased(Vec<(String, String)>),
    /// Case types: name and latest version.
    CaseTypes(Vec<(String, u32)>),
    /// Cases as the API shows them.
    Cases(Vec<crate::cases::CaseView>),
    /// What setting a case feed did.
    CaseFeed(crate::cases::FeedReport),
    /// A campaign's case feed, if any.
    CaseFeedOf(Option<crate::cases::CaseFeed>),
    /// Cases, by id.
    CaseIds(Vec<u64>),
    /// What came of each case of an import, in order.
    CaseImport(Vec<crate::cases::ImportOutcome>),
    /// What a payment matcher needs of every case.
    CaseKeys(Vec<crate::cases::CaseKeyView>),
    /// What came of each payment, in order.
    PaymentOutcomes(Vec<crate::cases::PaymentOutcome>),
    /// Done.
    Done,
}
