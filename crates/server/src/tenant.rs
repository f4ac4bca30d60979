//! One task per tenant owns that tenant's routing engine.
//!
//! Handlers send a [`Command`] through a bounded channel and await the reply.
//! The task takes every command waiting (up to [`BATCH_MAX`]), applies each to
//! the engine, drains the outputs into facts, commits all the facts of the
//! batch in one transaction (group commit), then publishes them to live
//! streams and only then replies. Nothing is acknowledged before it is durable.
//!
//! On start — and after a failed commit, when the engine may hold changes the
//! log does not — the engine is rebuilt from the store: configuration from the
//! projections, and every interaction not yet ended is queued again, in the
//! order it was created. Agents start signed out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use model::event::{AgentState, EventKind, FinalOutcome, Reason};
use model::{AgentId, Attributes, Channel, Event, InteractionId, Proficiency, QueueId, ReasonCode};
use routing::spec::{self, Names, PlanSpec, Source};
use routing::{AgentConfig, Engine, Input, NewInteraction, Output, RoutingError, TransferTarget};
use serde::Serialize;
use store::read::InteractionView;
use store::{CallFact, Fact, Recorded, Sender, Store, Tenant};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::clock;
use crate::error::ApiError;
use crate::outbound::{self, DialerStep, Outbound, Presence};

/// Most commands applied in one group commit.
pub const BATCH_MAX: usize = 512;
/// Most commands waiting for a tenant before callers get `overloaded`.
pub const INBOX_MAX: usize = 20_000;
/// Live events kept for slow subscribers before they must catch up from the log.
pub const BROADCAST_MAX: usize = 16_384;
/// Most skills per agent.
pub const AGENT_SKILLS_MAX: usize = 64;
/// Most teams per agent.
pub const AGENT_TEAMS_MAX: usize = 16;
/// Longest name (skill, agent, disposition code), in bytes.
pub const NAME_LEN_MAX: usize = 64;
/// Longest note or chat message, in bytes.
pub const TEXT_LEN_MAX: usize = 8_192;
/// Longest routing plan document, in bytes.
pub const PLAN_LEN_MAX: usize = 1 << 20;

/// A fact as published to live streams.
#[derive(Debug)]
pub struct Published {
    /// Its sequence number (the SSE id).
    pub seq: i64,
    /// The agent it concerns, for filtering agents' streams.
    pub agent: Option<i64>,
    /// The interaction it concerns, for the customer's chat stream.
    pub interaction: Option<i64>,
    /// The `kind` column.
    pub kind: String,
    /// The server-sent-events frame (`id`, `event`, `data`, blank line),
    /// made once and shared by every stream that carries it.
    pub frame: axum::body::Bytes,
    /// Where the data line's JSON starts in `frame`.
    data_at: usize,
}

impl Published {
    /// The published form of a recorded fact.
    pub fn of(r: &Recorded) -> Published {
        let kind = r.fact.kind();
        // Compact JSON has no line breaks (they are escaped inside strings),
        // so the data fits on one `data:` line.
        let data = serde_json::json!({"seq": r.seq, "at": r.at, "fact": r.fact}).to_string();
        let head = format!("id: {}\nevent: {kind}\ndata: ", r.seq);
        let data_at = head.len();
        let frame = format!("{head}{data}\n\n").into();
        Published {
            seq: r.seq,
            agent: r.fact.agent().map(|a| i64::from(a.0)),
            interaction: r.fact.interaction().map(|i| i.0 as i64),
            kind,
            frame,
            data_at,
        }
    }

    /// The JSON the frame carries: `{"seq":…,"at":…,"fact":…}`.
    pub fn data(&self) -> &str {
        // The frame was made from a String, and both ends of the slice are
        // ASCII boundaries it put there.
        std::str::from_utf8(&self.frame[self.data_at..self.frame.len() - 2]).unwrap_or_default()
    }
}

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

/// What a command asks of the tenant task.
#[derive(Debug)]
pub enum Op {
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
    /// Create a customer.
    CreateCustomer {
        /// Name.
        name: String,
        /// Phone.
        phone: Option<String>,
        /// E-mail.
        email: Option<String>,
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
    /// Attach the line that places outbound calls (the switch, or the demo's
    /// simulated network); it replaces any line attached before.
    AttachLine(mpsc::UnboundedSender<outbound::LineOrder>),
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
    /// The contacts shown to an agent before they are called (preview mode).
    Previews(i64),
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
pub struct QueueInfo {
    /// Id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Strategy.
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

/// What a command returns.
#[derive(Debug, Clone)]
pub enum Ack {
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
    /// Done.
    Done,
}

/// A command with its reply channel.
#[derive(Debug)]
pub struct Command {
    /// What.
    pub op: Op,
    /// Where the answer goes (after commit).
    pub reply: oneshot::Sender<Result<Ack, ApiError>>,
}

/// Where a command's answer goes.
type Reply = oneshot::Sender<Result<Ack, ApiError>>;

/// Live channels of single agents, so that a fact wakes only the streams it concerns.
pub type AgentChannels = Arc<std::sync::Mutex<HashMap<i64, broadcast::Sender<Arc<Published>>>>>;

/// Live facts buffered per agent channel.
pub const AGENT_BROADCAST_MAX: usize = 256;

/// A handle on a running tenant task.
#[derive(Debug, Clone)]
pub struct TenantHandle {
    /// Its tenant.
    pub tenant: Tenant,
    tx: mpsc::Sender<Command>,
    /// Live facts, after commit.
    pub events: broadcast::Sender<Arc<Published>>,
    /// Live facts about one agent, after commit.
    pub agent_events: AgentChannels,
}

impl TenantHandle {
    /// Subscribes to the facts about one agent.
    pub fn subscribe_agent(&self, agent: i64) -> broadcast::Receiver<Arc<Published>> {
        self.agent_events
            .lock()
            .expect("agent channels lock")
            .entry(agent)
            .or_insert_with(|| broadcast::channel(AGENT_BROADCAST_MAX).0)
            .subscribe()
    }

    /// Sends a command and waits for its (committed) answer.
    pub async fn call(&self, op: Op) -> Result<Ack, ApiError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .try_send(Command { op, reply })
            .map_err(|_| ApiError::overloaded())?;
        rx.await.map_err(|_| ApiError::overloaded())?
    }
}

/// Starts a tenant's task (recovering its engine from the store first).
pub async fn spawn(store: Store, tenant: Tenant) -> anyhow::Result<TenantHandle> {
    let (tx, rx) = mpsc::channel(INBOX_MAX);
    let (events, _) = broadcast::channel(BROADCAST_MAX);
    let agent_events = AgentChannels::default();
    let mut task =
        Task::recover(store, tenant.clone(), events.clone(), agent_events.clone()).await?;
    tokio::spawn(async move { task.run(rx).await });
    Ok(TenantHandle {
        tenant,
        tx,
        events,
        agent_events,
    })
}

struct Task {
    store: Store,
    tenant: Tenant,
    events: broadcast::Sender<Arc<Published>>,
    agent_events: AgentChannels,
    engine: Engine,
    names: Names,
    agent_names: Vec<String>,
    /// Each agent's teams, by name (sorted), by agent id.
    agent_teams: Vec<Vec<String>>,
    seq: i64,
    next_interaction: i64,
    next_customer: i64,
    now_ms: i64,
    pending: Vec<Recorded>,
    replies: Vec<(Reply, Result<Ack, ApiError>)>,
    batch_keys: HashMap<String, i64>,
    /// Idempotency keys of this batch looked up in one query (see `prefetch_keys`).
    prefetched_keys: std::collections::HashSet<String>,
    /// The outbound dialer and what goes with it.
    out: Outbound,
}

fn routing_error(e: RoutingError) -> ApiError {
    match e {
        RoutingError::UnknownAgent(a) => ApiError::not_found(&format!("agent {a}")),
        RoutingError::UnknownQueue(q) => ApiError::field("queue", format!("no queue {q}")),
        RoutingError::UnknownInteraction(i) => ApiError::conflict(format!(
            "interaction {i} is not in routing (ended or never routed)"
        )),
        RoutingError::DuplicateInteraction(i) => {
            ApiError::conflict(format!("interaction {i} exists"))
        }
        RoutingError::NotOffered(i, a) => {
            ApiError::conflict(format!("interaction {i} is not offered to agent {a}"))
        }
        RoutingError::WrongStage(i, why) => ApiError::conflict(format!("interaction {i}: {why}")),
        RoutingError::AgentSignedOut(a) => {
            ApiError::conflict(format!("agent {a} is not signed in"))
        }
        RoutingError::AgentUnavailable(a) => {
            ApiError::conflict(format!("agent {a} cannot take it now"))
        }
        RoutingError::Attributes(p) => ApiError::field("attributes", p),
        RoutingError::Invalid(m) => ApiError::field("request", m),
    }
}

fn check_name(field: &str, s: &str) -> Result<(), ApiError> {
    if s.trim().is_empty() || s.len() > NAME_LEN_MAX || s.chars().any(char::is_control) {
        return Err(ApiError::field(
            field,
            format!("1 to {NAME_LEN_MAX} printable characters"),
        ));
    }
    Ok(())
}

fn check_text(field: &str, s: &str) -> Result<(), ApiError> {
    if s.trim().is_empty() || s.len() > TEXT_LEN_MAX {
        return Err(ApiError::field(field, format!("1 to {TEXT_LEN_MAX} bytes")));
    }
    Ok(())
}

/// Compiles a plan document; existing queues must keep their place (queue ids
/// are stable: interactions and reports refer to them), skills keep their ids.
pub fn compile_plan(
    document: &str,
    old: Option<&Names>,
) -> Result<(Names, Vec<routing::QueueConfig>, routing::RoutingPlan), ApiError> {
    if document.len() > PLAN_LEN_MAX {
        return Err(ApiError::too_large(PLAN_LEN_MAX));
    }
    let src = Source {
        file: "plan",
        text: document,
    };
    let mut names = Names::default();
    if let Some(old) = old {
        for s in &old.skills {
            names.skill(s);
        }
        for t in &old.teams {
            names.team(t);
        }
    }
    let parsed: PlanSpec = spec::parse(src).map_err(|e| ApiError::field("document", e))?;
    let (queues, plan) =
        spec::compile(src, &parsed, &mut names).map_err(|e| ApiError::field("document", e))?;
    if let Some(old) = old {
        for (i, q) in old.queues.iter().enumerate() {
            if names.queues.get(i) != Some(q) {
                return Err(ApiError::field(
                    "document",
                    format!(
                        "plan: queue.name: queue {q:?} must stay, as queue number {} (queues keep their ids; add new queues at the end)",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok((names, queues, plan))
}

impl Task {
    async fn recover(
        store: Store,
        tenant: Tenant,
        events: broadcast::Sender<Arc<Published>>,
        agent_events: AgentChannels,
    ) -> anyhow::Result<Task> {
        let mut task = Task {
            engine: Engine::new(tenant.id() as u64),
            names: Names::default(),
            agent_names: Vec::new(),
            agent_teams: Vec::new(),
            seq: store.last_seq(&tenant).await?,
            next_interaction: store.max_interaction_id(&tenant).await?,
            next_customer: store.max_customer_id(&tenant).await?,
            now_ms: clock::now_ms(),
            pending: Vec::new(),
            replies: Vec::new(),
            batch_keys: HashMap::new(),
            prefetched_keys: Default::default(),
            out: Outbound::default(),
            store,
            tenant,
            events,
            agent_events,
        };
        let now = clock::now();
        if let Some(doc) = task.store.plan(&task.tenant).await? {
            let (names, queues, plan) = compile_plan(&doc, None)
                .map_err(|e| anyhow::anyhow!("stored routing plan: {}", e.message))?;
            task.names = names;
            for q in queues {
                task.engine
                    .handle(now, Input::UpsertQueue(Box::new(q)))
                    .map_err(|e| anyhow::anyhow!("stored queue: {e}"))?;
            }
            task.engine
                .handle(now, Input::SetPlan(Box::new(plan)))
                .map_err(|e| anyhow::anyhow!("stored plan: {e}"))?;
        }
        let agents = task.store.agents(&task.tenant).await?;
        for a in &agents {
            let cfg = task.agent_config(a.id, &a.skills, &a.teams)?;
            task.engine
                .handle(now, Input::UpsertAgent(cfg))
                .map_err(|e| anyhow::anyhow!("stored agent {}: {e}", a.name))?;
            task.agent_names.push(a.name.clone());
            task.agent_teams.push(a.teams.clone());
        }
        while task.engine.poll_output().is_some() {}
        // Agents' desktops must sign in again: say so in the log.
        for a in agents.iter().filter(|a| a.state != "offline") {
            task.push(Fact::Routing {
                event: Event {
                    at: now,
                    kind: EventKind::AgentStateChanged {
                        agent: AgentId(a.id as u32),
                        state: AgentState::Offline,
                    },
                },
            });
        }
        let open = task.store.open_interactions(&task.tenant).await?;
        let requeued = open.len();
        for it in open {
            task.requeue(now, it);
        }
        task.replay_dialer().await?;
        task.commit().await?;
        if requeued > 0 {
            tracing::info!(
                tenant = task.tenant.name(),
                requeued,
                "interactions waiting again after restart"
            );
        }
        Ok(task)
    }

    fn agent_config(
        &mut self,
        id: i64,
        skills: &[(String, u8)],
        teams: &[String],
    ) -> anyhow::Result<AgentConfig> {
        let mut list = Vec::with_capacity(skills.len());
        for (s, l) in skills {
            let p = Proficiency::new(*l).map_err(|e| anyhow::anyhow!("skill {s}: {e}"))?;
            list.push((self.names.skill(s), p));
        }
        let mut cfg = AgentConfig::new(AgentId(id as u32), list);
        // A team the plan does not name yet gets its id now and keeps it
        // (plans keep the ids of the names they find).
        cfg.teams = teams.iter().map(|t| self.names.team(t)).collect();
        Ok(cfg)
    }

    fn requeue(&mut self, now: model::Instant, it: InteractionView) {
        let id = InteractionId(it.id as u64);
        let channel = serde_json::from_value(serde_json::Value::String(it.channel.clone()))
            .unwrap_or(Channel::Task);
        let attributes: Attributes = it
            .attributes
            .and_then(|a| serde_json::from_value(a).ok())
            .unwrap_or_default();
        self.push(Fact::Requeued { interaction: id });
        let new = NewInteraction {
            id,
            channel,
            attributes: Some(Box::new(attributes)),
            queue: it.queue_id.map(|q| QueueId(q as u32)),
            priority: 0,
            preferred_agent: None,
        };
        let ok = !self.engine.queues().is_empty()
            && self
                .engine
                .handle(now, Input::Create(Box::new(new)))
                .is_ok();
        if !ok {
            self.push(Fact::Routing {
                event: Event {
                    at: now,
                    kind: EventKind::Ended {
                        interaction: id,
                        outcome: FinalOutcome::Cancelled,
                        reason: Reason {
                            by: "recovery".into(),
                            ..Reason::default()
                        },
                    },
                },
            });
        }
        while let Some(o) = self.engine.poll_output() {
            if let Output::Event(e) = o {
                // Its creation is in the log already.
                if !matches!(e.kind, EventKind::InteractionCreated { .. }) {
                    self.push(Fact::Routing { event: e });
                }
            }
        }
    }

    fn push(&mut self, fact: Fact) {
        self.seq += 1;
        self.pending.push(Recorded {
            seq: self.seq,
            at: self.now_ms,
            fact,
        });
    }

    fn drain(&mut self) {
        while let Some(o) = self.engine.poll_output() {
            match o {
                Output::Event(e) => {
                    // What the dialer needs to hear of (only when a campaign exists).
                    let watch = !self.out.campaigns.is_empty();
                    let (presence, ended) = match &e.kind {
                        EventKind::AgentStateChanged { agent, state } if watch => {
                            (Some((*agent, *state)), None)
                        }
                        EventKind::Ended { interaction, .. } if watch => {
                            (None, Some(interaction.0 as i64))
                        }
                        _ => (None, None),
                    };
                    self.push(Fact::Routing { event: e });
                    if let Some((agent, state)) = presence {
                        self.presence_changed(agent, &state);
                    }
                    if let Some(i) = ended {
                        self.outbound_ended(i);
                    }
                }
                // No IVR yet to ask the caller: the interaction keeps waiting.
                Output::OfferCallback { .. } => {}
            }
        }
    }

    async fn commit(&mut self) -> Result<(), store::StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.store.append(&self.tenant, &self.pending).await?;
        let mut agents = self.agent_events.lock().expect("agent channels lock");
        for r in self.pending.drain(..) {
            // No subscriber is fine: the log has it.
            let p = Arc::new(Published::of(&r));
            if let Some(a) = p.agent
                && let Some(tx) = agents.get(&a)
                && tx.send(p.clone()).is_err()
            {
                agents.remove(&a);
            }
            let _ = self.events.send(p);
        }
        Ok(())
    }

    async fn run(&mut self, mut rx: mpsc::Receiver<Command>) {
        let mut batch: Vec<Command> = Vec::with_capacity(BATCH_MAX);
        loop {
            let next = match (self.engine.poll_timeout(), self.out.dialer.poll_timeout()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let sleep = match next {
                Some(at) => {
                    let ms = (at.as_millis() as i64 - clock::now_ms()).max(0) as u64;
                    Duration::from_millis(ms.min(3_600_000))
                }
                None => Duration::from_secs(3600),
            };
            tokio::select! {
                got = rx.recv_many(&mut batch, BATCH_MAX) => {
                    if got == 0 {
                        return;
                    }
                }
                _ = tokio::time::sleep(sleep) => {}
            }
            self.now_ms = clock::now_ms();
            let now = self.dialer_now();
            self.engine.handle_timeout(now);
            self.drain();
            if self.out.dialer.poll_timeout().is_some_and(|t| t <= now) {
                // Logged only when it did something.
                let _ = self.out.step(now, DialerStep::Tick);
                self.flush_out();
            }
            self.prefetch_keys(&batch).await;
            for cmd in batch.drain(..) {
                let res = self.apply(now, cmd.op).await;
                self.drain();
                self.replies.push((cmd.reply, res));
            }
            self.batch_keys.clear();
            self.prefetched_keys.clear();
            match self.commit().await {
                Ok(()) => {
                    self.out.send_orders();
                    for (reply, res) in self.replies.drain(..) {
                        let _ = reply.send(res);
                    }
                }
                Err(e) => {
                    tracing::error!(tenant = self.tenant.name(), error = %e, "commit failed; rebuilding the engine from the log");
                    for (reply, _) in self.replies.drain(..) {
                        let _ = reply.send(Err(ApiError::internal("commit failed")));
                    }
                    self.pending.clear();
                    loop {
                        match Task::recover(
                            self.store.clone(),
                            self.tenant.clone(),
                            self.events.clone(),
                            self.agent_events.clone(),
                        )
                        .await
                        {
                            Ok(t) => {
                                let line = self.out.line.take();
                                *self = t;
                                self.out.line = line;
                                break;
                            }
                            Err(e) => {
                                tracing::error!(tenant = self.tenant.name(), error = %e, "recovery failed; retrying");
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        }
                    }
                }
            }
        }
    }

    async fn interaction(&self, id: i64) -> Result<InteractionView, ApiError> {
        self.store
            .interaction(&self.tenant, id)
            .await?
            .ok_or_else(|| ApiError::not_found("interaction"))
    }

    async fn holds(&self, id: i64, agent: Option<i64>) -> Result<InteractionView, ApiError> {
        let it = self.interaction(id).await?;
        if let Some(a) = agent
            && it.agent_id != Some(a)
        {
            return Err(ApiError::conflict(format!(
                "interaction {id} is not with agent {a}"
            )));
        }
        Ok(it)
    }

    /// Checks a call control and logs it; routing acts first for consult
    /// transfers, so its facts follow the control's in the log (the call's
    /// task reads them in that order).
    async fn call_control(
        &mut self,
        now: model::Instant,
        interaction: i64,
        by_agent: Option<i64>,
        by: String,
        action: CallAction,
    ) -> Result<Ack, ApiError> {
        let it = self.interaction(interaction).await?;
        if it.channel != "voice" && it.channel != "outbound_voice" {
            return Err(ApiError::conflict(format!(
                "interaction {interaction} is not a call"
            )));
        }
        if it.channel == "outbound_voice" && matches!(action, CallAction::Consult(_)) {
            return Err(ApiError::conflict(
                "consult transfers of campaign calls are not supported yet",
            ));
        }
        let iid = InteractionId(interaction as u64);
        let holder = self.engine.consult_holder(iid).map(|a| i64::from(a.0));
        // During a consult transfer routing offers the interaction to the
        // consulted agent; the first agent still holds it.
        let owner = holder.or_else(|| self.engine.connected_agent(iid).map(|a| i64::from(a.0)));
        let Some(owner) = owner else {
            return Err(ApiError::conflict(format!(
                "interaction {interaction} is not connected"
            )));
        };
        if let Some(a) = by_agent
            && a != owner
        {
            return Err(ApiError::conflict(format!(
                "interaction {interaction} is not with agent {a}"
            )));
        }
        let consulting = holder.is_some();
        let busy = || {
            ApiError::conflict(format!(
                "interaction {interaction}: a consult transfer is in progress"
            ))
        };
        let call = match action {
            CallAction::Hold | CallAction::Resume | CallAction::Mute | CallAction::Unmute
                if consulting =>
            {
                return Err(busy());
            }
            CallAction::Hold => CallFact::Held { by },
            CallAction::Resume => CallFact::Unheld { by },
            CallAction::Mute => CallFact::Muted { by },
            CallAction::Unmute => CallFact::Unmuted { by },
            CallAction::Hangup => CallFact::HangupRequested { by },
            CallAction::Consult(_) if consulting => return Err(busy()),
            CallAction::Consult(target) => {
                let to = self
                    .agent(target)
                    .map_err(|_| ApiError::field("agent_id", "no such agent"))?;
                if target == owner {
                    return Err(ApiError::field(
                        "agent_id",
                        "the call is already with this agent",
                    ));
                }
                self.engine
                    .handle(
                        now,
                        Input::Transfer {
                            interaction: iid,
                            to: TransferTarget::Agent(to),
                            consult: true,
                        },
                    )
                    .map_err(routing_error)?;
                CallFact::ConsultRequested { by, agent: to }
            }
            CallAction::ConsultComplete => {
                if !consulting {
                    return Err(ApiError::conflict(format!(
                        "interaction {interaction}: no consult transfer in progress"
                    )));
                }
                let Some(to) = self.engine.offered_agent(iid) else {
                    return Err(ApiError::conflict(format!(
                        "interaction {interaction}: the consulted agent has not been offered it yet"
                    )));
                };
                self.engine
                    .handle(now, Input::Accept(iid, to))
                    .map_err(routing_error)?;
                CallFact::ConsultCompleted { by }
            }
            CallAction::ConsultCancel => {
                self.engine
                    .handle(now, Input::CancelTransfer(iid))
                    .map_err(routing_error)?;
                // The withdrawn offer goes first: the store then puts the
                // call back with the first agent from this fact.
                self.drain();
                CallFact::ConsultCancelled {
                    by,
                    agent: AgentId(owner as u32),
                }
            }
        };
        // Routing's own facts wait in the engine until this op returns
        // (but for a cancelled consult's, drained above).
        self.push(Fact::Call {
            interaction: iid,
            call,
        });
        Ok(Ack::Done)
    }

    fn agent(&self, id: i64) -> Result<AgentId, ApiError> {
        if id < 0 || id as usize >= self.agent_names.len() {
            return Err(ApiError::not_found("agent"));
        }
        Ok(AgentId(id as u32))
    }

    fn engine(&mut self, now: model::Instant, input: Input) -> Result<Ack, ApiError> {
        self.engine.handle(now, input).map_err(routing_error)?;
        Ok(Ack::Done)
    }

    async fn apply(&mut self, now: model::Instant, op: Op) -> Result<Ack, ApiError> {
        match op {
            Op::Create(req) => self.create(now, *req).await,
            Op::SignIn(a, reason) => {
                let a = self.agent(a)?;
                self.engine(now, Input::SignIn(a, reason))
            }
            Op::SignOut(a) => {
                let a = self.agent(a)?;
                self.engine(now, Input::SignOut(a))
            }
            Op::Ready(a) => {
                let a = self.agent(a)?;
                self.engine(now, Input::Ready(a))
            }
            Op::NotReady(a, r) => {
                let a = self.agent(a)?;
                self.engine(now, Input::NotReady(a, r))
            }
            Op::Accept(i, a) => {
                let a = self.agent(a)?;
                self.interaction(i).await?;
                self.engine(now, Input::Accept(InteractionId(i as u64), a))
            }
            Op::Reject(i, a) => {
                let a = self.agent(a)?;
                self.interaction(i).await?;
                self.engine(now, Input::Reject(InteractionId(i as u64), a))
            }
            Op::Complete(i, by) => {
                self.holds(i, by).await?;
                self.engine(now, Input::Complete(InteractionId(i as u64)))
            }
            Op::Transfer {
                interaction,
                by,
                to,
                consult,
            } => {
                self.holds(interaction, by).await?;
                let to = match to {
                    TransferTo::Queue(q) => {
                        TransferTarget::Queue(self.names.queue(&q).ok_or_else(|| {
                            ApiError::field("queue", format!("no queue named {q:?}"))
                        })?)
                    }
                    TransferTo::Agent(a) => TransferTarget::Agent(
                        self.agent(a)
                            .map_err(|_| ApiError::field("agent_id", "no such agent"))?,
                    ),
                };
                self.engine(
                    now,
                    Input::Transfer {
                        interaction: InteractionId(interaction as u64),
                        to,
                        consult,
                    },
                )
            }
            Op::Disposition {
                interaction,
                code,
                by_agent,
                by,
                new_phone,
                callback_at_ms,
            } => {
                check_name("code", &code)?;
                self.holds(interaction, by_agent).await?;
                self.outbound_disposition(interaction, &code, new_phone, callback_at_ms)?;
                self.push(Fact::DispositionSet {
                    interaction: InteractionId(interaction as u64),
                    code,
                    by,
                });
                Ok(Ack::Done)
            }
            Op::Note {
                interaction,
                author,
                body,
            } => {
                check_text("body", &body)?;
                self.interaction(interaction).await?;
                self.push(Fact::NoteAdded {
                    interaction: InteractionId(interaction as u64),
                    author,
                    body,
                });
                Ok(Ack::Done)
            }
            Op::Chat {
                interaction,
                sender,
                by_agent,
                secret_hash,
                body,
            } => {
                check_text("body", &body)?;
                let it = self.interaction(interaction).await?;
                if it.channel != "chat" {
                    return Err(ApiError::conflict(format!(
                        "interaction {interaction} is not a chat"
                    )));
                }
                if it.state == "ended" {
                    return Err(ApiError::conflict("the chat has ended"));
                }
                match sender {
                    Sender::Customer => {
                        if secret_hash.is_none() || it.chat_secret_hash != secret_hash {
                            return Err(ApiError::not_found("chat"));
                        }
                    }
                    Sender::Agent => {
                        if it.state != "connected" {
                            return Err(ApiError::conflict("accept the chat before writing"));
                        }
                        if let Some(a) = by_agent
                            && it.agent_id != Some(a)
                        {
                            return Err(ApiError::conflict(format!(
                                "interaction {interaction} is not with agent {a}"
                            )));
                        }
                    }
                }
                self.push(Fact::ChatMessage {
                    interaction: InteractionId(interaction as u64),
                    sender,
                    agent: it.agent_id.map(|a| AgentId(a as u32)),
                    body,
                });
                Ok(Ack::Done)
            }
            Op::CreateCustomer { name, phone, email } => {
                check_name("name", &name)?;
                // Kept in its plain form (digits and a leading '+'), the form
                // callers' numbers arrive in, so a call finds its customer.
                let phone = phone
                    .map(|p| {
                        model::PhoneNumber::parse(&p)
                            .map(|n| n.as_str().to_string())
                            .map_err(|e| ApiError::field("phone", e))
                    })
                    .transpose()?;
                if let Some(e) = &email
                    && (e.len() > 254 || !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
                {
                    return Err(ApiError::field("email", "not an e-mail address"));
                }
                self.next_customer += 1;
                let id = self.next_customer;
                self.push(Fact::CustomerCreated {
                    customer: id,
                    name,
                    phone,
                    email,
                });
                Ok(Ack::Id(id))
            }
            Op::DefineAgent {
                id,
                name,
                mut skills,
                username,
                teams,
            } => {
                if skills.len() > AGENT_SKILLS_MAX {
                    return Err(ApiError::field(
                        "skills",
                        format!("at most {AGENT_SKILLS_MAX}"),
                    ));
                }
                for (s, l) in &skills {
                    check_name("skills", s)?;
                    Proficiency::new(*l).map_err(|e| ApiError::field("skills", e))?;
                }
                skills.sort();
                skills.dedup_by(|a, b| a.0 == b.0);
                let (id, name) = match id {
                    Some(id) => {
                        let a = self.agent(id)?;
                        (a, self.agent_names[a.index()].clone())
                    }
                    None => {
                        check_name("name", &name)?;
                        if self.agent_names.contains(&name) {
                            return Err(ApiError::conflict(format!(
                                "agent {name:?} already exists"
                            )));
                        }
                        (AgentId(self.agent_names.len() as u32), name)
                    }
                };
                if let Some(u) = &username
                    && self.store.user(&self.tenant, u).await?.is_none()
                {
                    return Err(ApiError::field(
                        "username",
                        format!("no user {u:?} in this tenant"),
                    ));
                }
                let teams = match teams {
                    Some(teams) => {
                        let mut teams: Vec<String> =
                            teams.iter().map(|t| t.trim().to_string()).collect();
                        if teams.len() > AGENT_TEAMS_MAX {
                            return Err(ApiError::field(
                                "teams",
                                format!("at most {AGENT_TEAMS_MAX}"),
                            ));
                        }
                        for t in &teams {
                            check_name("teams", t)?;
                        }
                        teams.sort();
                        teams.dedup();
                        teams
                    }
                    None => self
                        .agent_teams
                        .get(id.index())
                        .cloned()
                        .unwrap_or_default(),
                };
                let cfg = self
                    .agent_config(i64::from(id.0), &skills, &teams)
                    .map_err(|e| ApiError::field("skills", e))?;
                self.engine
                    .handle(now, Input::UpsertAgent(cfg))
                    .map_err(routing_error)?;
                if id.index() == self.agent_names.len() {
                    self.agent_names.push(name.clone());
                    self.agent_teams.push(teams.clone());
                } else {
                    self.agent_teams[id.index()] = teams.clone();
                }
                self.push(Fact::AgentDefined {
                    agent: id,
                    name,
                    skills,
                    username,
                    teams,
                });
                Ok(Ack::Id(i64::from(id.0)))
            }
            Op::SetPlan(document) => {
                let (names, queues, plan) = compile_plan(&document, Some(&self.names))?;
                // Agents' skills keep their ids: they were registered before.
                self.names = names;
                for q in queues {
                    self.engine
                        .handle(now, Input::UpsertQueue(Box::new(q)))
                        .map_err(routing_error)?;
                }
                self.engine
                    .handle(now, Input::SetPlan(Box::new(plan)))
                    .map_err(routing_error)?;
                self.push(Fact::PlanSet { document });
                Ok(Ack::Done)
            }
            Op::CreateCall(req, facts) => {
                let id = InteractionId(self.next_interaction as u64 + 1);
                let (mark, seq) = (self.pending.len(), self.seq);
                for call in facts {
                    self.push(Fact::Call {
                        interaction: id,
                        call,
                    });
                }
                let res = self.create(now, *req).await;
                if res.is_err() {
                    self.pending.truncate(mark);
                    self.seq = seq;
                }
                res
            }
            Op::CallFact(i, call) => {
                self.push(Fact::Call {
                    interaction: InteractionId(i as u64),
                    call,
                });
                Ok(Ack::Done)
            }
            Op::Abandon(i) => self.engine(now, Input::Abandon(InteractionId(i as u64))),
            Op::Position(i) => Ok(Ack::Position(
                self.engine
                    .position(InteractionId(i as u64))
                    .map(|p| (p.position, p.estimated_wait.as_secs_f64() as u64)),
            )),
            Op::Recording {
                interaction,
                by_agent,
                by,
                action,
            } => {
                let it = self.holds(interaction, by_agent).await?;
                if it.channel != "voice" && it.channel != "outbound_voice" {
                    return Err(ApiError::conflict(format!(
                        "interaction {interaction} is not a call"
                    )));
                }
                if action != RecordingAction::Access && it.state != "connected" {
                    return Err(ApiError::conflict(format!(
                        "interaction {interaction} is not connected"
                    )));
                }
                let call = match action {
                    RecordingAction::Pause => CallFact::RecordingPaused { by },
                    RecordingAction::Resume => CallFact::RecordingResumed { by },
                    RecordingAction::Start => CallFact::RecordingRequested { by },
                    RecordingAction::Access => CallFact::RecordingAccessed { by },
                };
                self.push(Fact::Call {
                    interaction: InteractionId(interaction as u64),
                    call,
                });
                Ok(Ack::Done)
            }
            Op::CallControl {
                interaction,
                by_agent,
                by,
                action,
            } => {
                self.call_control(now, interaction, by_agent, by, action)
                    .await
            }
            Op::CallbackKeepingPlace {
                interaction,
                number,
            } => {
                let it = self.interaction(interaction).await?;
                let cb = self.next_interaction + 1;
                let (mark, seq) = (self.pending.len(), self.seq);
                self.push(Fact::InteractionOpened {
                    interaction: InteractionId(cb as u64),
                    channel: Channel::Callback,
                    idempotency_key: None,
                    customer: it.customer_id,
                    subject: Some(format!("callback to {number}")),
                    chat_secret_hash: None,
                });
                self.push(Fact::Call {
                    interaction: InteractionId(cb as u64),
                    call: CallFact::CallbackRequested {
                        number,
                        from_interaction: InteractionId(interaction as u64),
                    },
                });
                let input = Input::Callback {
                    interaction: InteractionId(interaction as u64),
                    callback: InteractionId(cb as u64),
                };
                if let Err(e) = self.engine.handle(now, input) {
                    self.pending.truncate(mark);
                    self.seq = seq;
                    return Err(routing_error(e));
                }
                self.next_interaction = cb;
                Ok(Ack::Id(cb))
            }
            Op::HeldConsults(agent) => {
                let a = self.agent(agent)?;
                Ok(Ack::Ids(
                    self.engine
                        .consults_held_by(a, CONSULTS_SHOWN_MAX)
                        .into_iter()
                        .map(|i| i.0 as i64)
                        .collect(),
                ))
            }
            Op::Queues => Ok(Ack::Queues(
                self.engine
                    .queues()
                    .iter()
                    .map(|q| QueueInfo {
                        id: q.id.0,
                        name: q.name.to_string(),
                        strategy: q.strategy.as_str(),
                        waiting: self.engine.waiting_in(q.id),
                        steps: q.steps.len(),
                        has_hours: q.hours.is_some(),
                        wrap_up_s: q.wrap_up.as_secs(),
                        ring_timeout_s: q.ring_timeout.as_secs(),
                        sl_threshold_s: q.sl_threshold.as_secs(),
                        sl_target: q.sl_target,
                        skills: q
                            .steps
                            .first()
                            .map(|st| {
                                st.target
                                    .skills
                                    .iter()
                                    .filter_map(|r| {
                                        let name = self.names.skills.get(usize::from(r.skill.0))?;
                                        Some((name.to_string(), r.min.get()))
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect(),
            )),
            Op::Profile {
                customer,
                interaction,
                fields,
                by,
            } => {
                if fields.is_empty() || fields.len() > PROFILE_FIELDS_MAX {
                    return Err(ApiError::field(
                        "fields",
                        format!("1 to {PROFILE_FIELDS_MAX} fields"),
                    ));
                }
                for (k, v) in &fields {
                    check_name("fields", k)?;
                    if v.len() > PROFILE_VALUE_LEN_MAX || v.chars().any(char::is_control) {
                        return Err(ApiError::field(
                            &format!("fields.{k}"),
                            format!("at most {PROFILE_VALUE_LEN_MAX} printable bytes"),
                        ));
                    }
                }
                let Some(record) = self.store.customer(&self.tenant, customer).await? else {
                    return Err(ApiError::not_found("customer"));
                };
                if let Some(i) = interaction {
                    self.interaction(i).await?;
                }
                // A do-not-call on the record is an opt-out for the dialer too
                // (every campaign, from now on).
                if fields.iter().any(|(k, v)| k == "do_not_call" && v == "yes")
                    && let Some(phone) = record
                        .phone
                        .as_deref()
                        .and_then(|p| dialer::consent::to_e164(p, 1))
                {
                    let now = self.dialer_now();
                    if let Err(e) = self.out.step(
                        now,
                        DialerStep::OptOut {
                            phone: phone.to_string(),
                        },
                    ) {
                        tracing::warn!(tenant = self.tenant.name(), customer, error = %e.message, "the dialer refused an opt-out");
                    }
                    self.flush_out();
                }
                self.push(Fact::CustomerProfiled {
                    customer,
                    interaction: interaction.map(|i| InteractionId(i as u64)),
                    fields,
                    by,
                });
                Ok(Ack::Done)
            }
            Op::SetSetting { name, document } => {
                check_name("name", &name)?;
                if document.len() > PLAN_LEN_MAX {
                    return Err(ApiError::too_large(PLAN_LEN_MAX));
                }
                self.push(Fact::SettingSet { name, document });
                Ok(Ack::Done)
            }
            Op::DefineCampaign { name, doc } => {
                check_name("name", &name)?;
                let id = self.out.next_campaign();
                let r = self.out.define(now, id, &name, doc);
                self.flush_out();
                r?;
                Ok(Ack::Id(i64::from(id)))
            }
            Op::AddContacts { campaign, contacts } => self.add_contacts(campaign, contacts).await,
            Op::Campaign(campaign, cmd) => self.campaign_command(campaign, cmd),
            Op::AttachLine(tx) => {
                self.out.line = Some(tx);
                Ok(Ack::Done)
            }
            Op::DialResult {
                attempt,
                outcome,
                ring_ms,
            } => {
                let placed = self
                    .out
                    .placed
                    .get(&attempt)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found("attempt"))?;
                self.dialer_step(DialerStep::DialResult {
                    attempt,
                    outcome,
                    ring_ms,
                })?;
                let offered = if outcome == model::outbound::DialOutcome::LiveAnswer {
                    self.offer_answered(now, attempt, placed).await
                } else {
                    None
                };
                Ok(Ack::Answered(outbound::Answered { offered }))
            }
            Op::OutboundBridged(attempt) => {
                let (interaction, agent) = self
                    .out
                    .answering
                    .remove(&attempt)
                    .ok_or_else(|| ApiError::not_found("answered call"))?;
                let iid = InteractionId(interaction as u64);
                if let Err(e) = self.engine.handle(now, Input::Accept(iid, AgentId(agent))) {
                    // The offer is gone (the agent signed out meanwhile).
                    let _ = self.engine.handle(now, Input::Cancel(iid));
                    self.drain();
                    self.dialer_step(DialerStep::Abandoned { attempt })?;
                    return Err(routing_error(e));
                }
                self.dialer_step(DialerStep::Connected {
                    attempt,
                    agent,
                    interaction,
                })?;
                self.drain();
                Ok(Ack::Done)
            }
            Op::OutboundAbandoned(attempt) => {
                let (interaction, _) = self
                    .out
                    .answering
                    .remove(&attempt)
                    .ok_or_else(|| ApiError::not_found("answered call"))?;
                let _ = self
                    .engine
                    .handle(now, Input::Cancel(InteractionId(interaction as u64)));
                self.drain();
                self.dialer_step(DialerStep::Abandoned { attempt })?;
                Ok(Ack::Done)
            }
            Op::OutboundHangup(attempt) => {
                match self.out.interactions.get(&attempt).copied() {
                    Some(i)
                        if self
                            .engine
                            .connected_agent(InteractionId(i as u64))
                            .is_some() =>
                    {
                        self.engine(now, Input::Complete(InteractionId(i as u64)))?;
                        self.drain();
                    }
                    _ => {
                        self.dialer_step(DialerStep::CallEnded { attempt })?;
                    }
                }
                Ok(Ack::Done)
            }
            Op::Previews(agent) => {
                let mut list: Vec<outbound::PreviewInfo> = self
                    .out
                    .previews
                    .values()
                    .filter(|p| i64::from(p.agent) == agent)
                    .cloned()
                    .collect();
                list.sort_by_key(|p| p.attempt);
                Ok(Ack::Previews(list))
            }
            Op::Preview {
                attempt,
                agent,
                accept,
            } => {
                if self.out.previews.get(&attempt).map(|p| i64::from(p.agent)) != Some(agent) {
                    return Err(ApiError::not_found("preview"));
                }
                let step = if accept {
                    DialerStep::PreviewAccept { attempt }
                } else {
                    DialerStep::PreviewSkip { attempt }
                };
                self.dialer_step(step)?;
                Ok(Ack::Done)
            }
            Op::ForceAssign(i, a) => {
                let a = self
                    .agent(a)
                    .map_err(|_| ApiError::field("agent_id", "no such agent"))?;
                let it = self.interaction(i).await?;
                if it.state != "waiting" {
                    return Err(ApiError::conflict(format!(
                        "interaction {i} is not waiting"
                    )));
                }
                self.engine(now, Input::ForceAssign(InteractionId(i as u64), a))
            }
        }
    }

    /// Looks up the idempotency keys of a batch's creations in one query
    /// (instead of one per creation, each while the whole tenant waits):
    /// keys already taken go to `batch_keys`, and every key looked up to
    /// `prefetched_keys`. On an error nothing is noted, and each creation
    /// looks its key up itself (and reports the error).
    async fn prefetch_keys(&mut self, batch: &[Command]) {
        let keys: Vec<&str> = batch
            .iter()
            .filter_map(|c| match &c.op {
                Op::Create(req) => req.idempotency_key.as_deref(),
                _ => None,
            })
            .collect();
        if keys.len() < 2 {
            return;
        }
        if let Ok(found) = self.store.idempotent_many(&self.tenant, &keys).await {
            self.prefetched_keys
                .extend(keys.iter().map(|k| k.to_string()));
            self.batch_keys.extend(found);
        }
    }

    /// Now, for the dialer: the instant of the facts' `at`, so that a replay
    /// gives each input the instant it had.
    fn dialer_now(&self) -> model::Instant {
        model::Instant::from_millis(self.now_ms.max(0) as u64)
    }

    /// Moves the dialer's facts into the batch.
    fn flush_out(&mut self) {
        for f in std::mem::take(&mut self.out.facts) {
            self.push(f);
        }
    }

    fn dialer_step(&mut self, step: DialerStep) -> Result<(), ApiError> {
        let now = self.dialer_now();
        let r = self.out.step(now, step);
        self.flush_out();
        r
    }

    /// Replays the dialer's log (see [`crate::outbound`]), then pauses what
    /// was running and signs its agents out.
    async fn replay_dialer(&mut self) -> anyhow::Result<()> {
        self.out.replaying = true;
        let mut after = 0;
        loop {
            let page = self.store.dialer_facts_after(&self.tenant, after).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for r in page {
                let at = model::Instant::from_millis(r.at.max(0) as u64);
                let res = match r.fact {
                    Fact::CampaignDefined {
                        campaign,
                        name,
                        document,
                    } => serde_json::from_str::<outbound::CampaignDoc>(&document)
                        .map_err(ApiError::internal)
                        .and_then(|doc| self.out.define(at, campaign, &name, doc)),
                    Fact::CampaignContacts { campaign, contacts } => {
                        self.out.load(at, campaign, &contacts)
                    }
                    Fact::DialerInput { input } => serde_json::from_value::<DialerStep>(input)
                        .map_err(ApiError::internal)
                        .and_then(|step| self.out.step(at, step)),
                    _ => Ok(()),
                };
                if let Err(e) = res {
                    tracing::warn!(tenant = self.tenant.name(), seq = r.seq, error = %e.message, "the dialer refused a logged input on replay");
                }
            }
        }
        self.out.replaying = false;
        self.out.facts.clear();
        self.out.orders.clear();
        let now = self.dialer_now();
        let mut running: Vec<u32> = self
            .out
            .campaigns
            .keys()
            .copied()
            .filter(|id| {
                self.out
                    .dialer
                    .campaign(model::ids::CampaignId(*id))
                    .is_some_and(|c| c.state() == model::outbound::CampaignState::Running)
            })
            .collect();
        running.sort_unstable();
        for campaign in running {
            let _ = self.out.step(now, DialerStep::Pause { campaign });
        }
        let mut agents: Vec<(u32, u32)> =
            self.out.agents.iter().map(|(a, (c, _))| (*a, *c)).collect();
        agents.sort_unstable();
        for (agent, campaign) in agents {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign,
                    agent,
                    presence: Presence::SignedOut,
                },
            );
        }
        self.flush_out();
        Ok(())
    }

    /// Keeps the dialer told what a campaign agent does.
    fn presence_changed(&mut self, agent: AgentId, state: &AgentState) {
        let teams = self
            .agent_teams
            .get(agent.index())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let target = self.out.campaign_for(teams);
        let current = self.out.agents.get(&agent.0).copied();
        let presence = Presence::of(state, self.now_ms.max(0) as u64);
        let now = self.dialer_now();
        if let Some((c, _)) = current.filter(|(c, _)| Some(*c) != target) {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign: c,
                    agent: agent.0,
                    presence: Presence::SignedOut,
                },
            );
        }
        if let Some(c) = target
            && !(presence == Presence::SignedOut && current.is_none())
            && current != Some((c, presence))
        {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign: c,
                    agent: agent.0,
                    presence,
                },
            );
        }
        self.flush_out();
    }

    /// Tells the dialer of every signed-in agent's presence (a campaign
    /// started or stopped, so who works on what may change).
    fn presences(&mut self) {
        for i in 0..self.agent_names.len() {
            let a = AgentId(i as u32);
            let state = match self.engine.agent_state(a) {
                Some(s) => s,
                None => continue,
            };
            if state != AgentState::Offline || self.out.agents.contains_key(&a.0) {
                self.presence_changed(a, &state);
            }
        }
    }

    /// An outbound interaction left routing: the call is over.
    fn outbound_ended(&mut self, interaction: i64) {
        let Some(&(attempt, _)) = self.out.attempts.get(&interaction) else {
            return;
        };
        let now = self.dialer_now();
        // Refused when the callee's hang-up ended it already.
        let _ = self.out.step(now, DialerStep::CallEnded { attempt });
        self.out
            .orders
            .push(outbound::LineOrder::Hangup { attempt });
        self.flush_out();
    }

    /// The dialer's part of a disposition on an outbound call.
    fn outbound_disposition(
        &mut self,
        interaction: i64,
        code: &str,
        new_phone: Option<String>,
        callback_at_ms: Option<u64>,
    ) -> Result<(), ApiError> {
        let Some(&(attempt, agent)) = self.out.attempts.get(&interaction) else {
            return Ok(());
        };
        let Some(def) = dialer::disposition::default_codes()
            .into_iter()
            .find(|d| &*d.code == code)
        else {
            let codes: Vec<String> = dialer::disposition::default_codes()
                .into_iter()
                .map(|d| d.code.to_string())
                .collect();
            return Err(ApiError::field(
                "code",
                format!(
                    "{code:?} is not a disposition of this campaign (one of {})",
                    codes.join(", ")
                ),
            ));
        };
        let callback_at_ms = def
            .has(dialer::disposition::DispositionEffect::ScheduleCallback)
            .then(|| {
                callback_at_ms.unwrap_or(self.now_ms.max(0) as u64 + outbound::CALLBACK_DEFAULT_MS)
            });
        let now = self.dialer_now();
        // A disposition before the hang-up ends the call first.
        if self
            .engine
            .connected_agent(InteractionId(interaction as u64))
            .is_none()
        {
            let _ = self.out.step(now, DialerStep::CallEnded { attempt });
        } else {
            return Err(ApiError::conflict(format!(
                "interaction {interaction} is still on the call: complete it first"
            )));
        }
        let r = self.out.step(
            now,
            DialerStep::Disposition {
                attempt,
                agent,
                code: code.into(),
                new_phone,
                callback_at_ms,
            },
        );
        self.flush_out();
        r
    }

    async fn add_contacts(
        &mut self,
        campaign: i64,
        contacts: Vec<outbound::ContactReq>,
    ) -> Result<Ack, ApiError> {
        let id = u32::try_from(campaign)
            .ok()
            .filter(|c| self.out.campaigns.contains_key(c))
            .ok_or_else(|| ApiError::not_found("campaign"))?;
        if contacts.is_empty() || contacts.len() > outbound::CONTACTS_PER_LOAD_MAX {
            return Err(ApiError::field(
                "contacts",
                format!(
                    "give 1 to {} contacts per request",
                    outbound::CONTACTS_PER_LOAD_MAX
                ),
            ));
        }
        let first = self.out.next_contact.get(&id).copied().unwrap_or(0) + 1;
        let mut list = Vec::with_capacity(contacts.len());
        for (next, (i, c)) in (first..).zip(contacts.into_iter().enumerate()) {
            if c.phones.is_empty() || c.phones.len() > outbound::PHONES_PER_CONTACT_MAX {
                return Err(ApiError::field(
                    &format!("contacts[{i}].phones"),
                    format!("give 1 to {} numbers", outbound::PHONES_PER_CONTACT_MAX),
                ));
            }
            if c.name
                .as_ref()
                .is_some_and(|n| n.len() > outbound::CONTACT_NAME_LEN_MAX)
            {
                return Err(ApiError::field(
                    &format!("contacts[{i}].name"),
                    format!("at most {} bytes", outbound::CONTACT_NAME_LEN_MAX),
                ));
            }
            if let Some(cu) = c.customer_id
                && self.store.customer(&self.tenant, cu).await?.is_none()
            {
                return Err(ApiError::field(
                    &format!("contacts[{i}].customer_id"),
                    format!("no customer {cu}"),
                ));
            }
            list.push(store::CampaignContact {
                id: next,
                name: c.name,
                customer: c.customer_id,
                phones: c.phones,
            });
        }
        let now = self.dialer_now();
        let r = self.out.load(now, id, &list);
        self.flush_out();
        r?;
        Ok(Ack::Id(list.len() as i64))
    }

    fn campaign_command(
        &mut self,
        campaign: i64,
        cmd: outbound::CampaignCommand,
    ) -> Result<Ack, ApiError> {
        let campaign = u32::try_from(campaign)
            .ok()
            .filter(|c| self.out.campaigns.contains_key(c))
            .ok_or_else(|| ApiError::not_found("campaign"))?;
        let step = match cmd {
            outbound::CampaignCommand::Start => {
                if self.out.line.is_none() {
                    return Err(ApiError::conflict(
                        "no line places outbound calls on this server (start it with SIP, or run the demo)",
                    ));
                }
                DialerStep::Start { campaign }
            }
            outbound::CampaignCommand::Pause => DialerStep::Pause { campaign },
            outbound::CampaignCommand::Stop => DialerStep::Stop { campaign },
        };
        self.dialer_step(step)?;
        self.presences();
        Ok(Ack::Done)
    }

    /// Offers an answered call to a free agent of its campaign, at once (the
    /// line then bridges it); none free (or routing refuses) means it is
    /// abandoned (the line plays the recorded message).
    async fn offer_answered(
        &mut self,
        now: model::Instant,
        attempt: u64,
        placed: outbound::Placed,
    ) -> Option<(i64, i64)> {
        let free = |e: &Engine, a: u32| {
            e.agent_state(AgentId(a))
                .is_some_and(|s| s == AgentState::Available)
        };
        let agent = match placed.reserved {
            Some(a) => Some(a).filter(|a| free(&self.engine, *a)),
            None => self
                .out
                .agents
                .iter()
                .filter(|(a, (c, p))| {
                    *c == placed.campaign && *p == Presence::Ready && free(&self.engine, **a)
                })
                .map(|(a, _)| *a)
                .min(),
        };
        let rt = self.out.campaigns.get(&placed.campaign).cloned();
        let offered = match (agent, rt) {
            (Some(agent), Some(rt)) => {
                let (name, customer) = self
                    .out
                    .contacts
                    .get(&(placed.campaign, placed.contact))
                    .cloned()
                    .unwrap_or_default();
                let req = NewInteractionReq {
                    channel: Channel::OutboundVoice,
                    queue: Some(rt.doc.queue.clone()),
                    priority: 0,
                    attributes: Attributes {
                        caller_number: Some(placed.phone.clone()),
                        ..Attributes::default()
                    },
                    customer,
                    subject: Some(format!(
                        "{}: {}",
                        rt.name,
                        name.unwrap_or_else(|| format!("contact {}", placed.contact))
                    )),
                    idempotency_key: None,
                    chat_secret_hash: None,
                };
                match self.create_for(now, req, Some(AgentId(agent))).await {
                    Ok(Ack::Interaction { id, .. }) => {
                        let iid = InteractionId(id as u64);
                        if self.engine.offered_agent(iid) == Some(AgentId(agent)) {
                            Some((id, agent))
                        } else {
                            let _ = self.engine.handle(now, Input::Cancel(iid));
                            None
                        }
                    }
                    Ok(_) => None,
                    Err(e) => {
                        tracing::warn!(tenant = self.tenant.name(), attempt, error = %e.message, "an answered outbound call could not become an interaction");
                        None
                    }
                }
            }
            _ => None,
        };
        match offered {
            Some((interaction, agent)) => {
                self.out.answering.insert(attempt, (interaction, agent));
            }
            None => {
                if let Err(e) = self.dialer_step(DialerStep::Abandoned { attempt }) {
                    tracing::warn!(tenant = self.tenant.name(), attempt, error = %e.message, "the dialer refused an abandon");
                }
            }
        }
        self.drain();
        offered.map(|(i, a)| (i, i64::from(a)))
    }

    async fn create(
        &mut self,
        now: model::Instant,
        req: NewInteractionReq,
    ) -> Result<Ack, ApiError> {
        self.create_for(now, req, None).await
    }

    async fn create_for(
        &mut self,
        now: model::Instant,
        req: NewInteractionReq,
        agent: Option<AgentId>,
    ) -> Result<Ack, ApiError> {
        if let Some(k) = &req.idempotency_key {
            if let Some(&id) = self.batch_keys.get(k) {
                return Ok(Ack::Interaction { id, created: false });
            }
            if self.prefetched_keys.contains(k) {
                // Looked up for this batch, not taken (and not by an
                // earlier creation of the batch, or batch_keys would say).
            } else if let Some(id) = self.store.idempotent(&self.tenant, k).await? {
                return Ok(Ack::Interaction { id, created: false });
            }
        }
        if self.engine.queues().is_empty() {
            return Err(ApiError::field(
                "queue",
                "this tenant has no queues yet: PUT /api/v1/routing/plan first",
            ));
        }
        let queue = match &req.queue {
            Some(q) => Some(
                self.names
                    .queue(q)
                    .ok_or_else(|| ApiError::field("queue", format!("no queue named {q:?}")))?,
            ),
            None => None,
        };
        let mut customer = req.customer;
        if let Some(c) = customer {
            if self.store.customer(&self.tenant, c).await?.is_none() {
                return Err(ApiError::field("customer_id", format!("no customer {c}")));
            }
        } else if let Some(phone) = &req.attributes.caller_number {
            // Screen pop: a known caller is linked to their record.
            customer = self
                .store
                .find_customers(&self.tenant, Some(phone.as_str()), None)
                .await?
                .first()
                .map(|c| c.id);
        } else if let Some(email) = req.attributes.extra("email") {
            // Chats and web forms: a known e-mail address links the record.
            customer = self
                .store
                .find_customers(&self.tenant, None, Some(email))
                .await?
                .first()
                .map(|c| c.id);
        }
        let id = self.next_interaction + 1;
        let mut attributes = req.attributes;
        if attributes.customer_id.is_none() {
            attributes.customer_id = customer.map(|c| c as u64);
        }
        let new = NewInteraction {
            id: InteractionId(id as u64),
            channel: req.channel,
            attributes: Some(Box::new(attributes)),
            queue,
            priority: req.priority,
            preferred_agent: agent
                .map(|a| (a, model::Duration::from_millis(outbound::CONNECT_WAIT_MS))),
        };
        // Opened goes first in the log; if the engine refuses, take it back.
        let mark = self.pending.len();
        let seq = self.seq;
        self.push(Fact::InteractionOpened {
            interaction: InteractionId(id as u64),
            channel: req.channel,
            idempotency_key: req.idempotency_key.clone(),
            customer,
            subject: req.subject,
            chat_secret_hash: req.chat_secret_hash,
        });
        if let Err(e) = self.engine.handle(now, Input::Create(Box::new(new))) {
            self.pending.truncate(mark);
            self.seq = seq;
            return Err(routing_error(e));
        }
        self.next_interaction = id;
        if let Some(k) = req.idempotency_key {
            self.batch_keys.insert(k, id);
        }
        Ok(Ack::Interaction { id, created: true })
    }
}
