//! One task per tenant drives that tenant's [`center::TenantCore`]: a thin
//! loop around the sans-IO core.
//!
//! Handlers send a command through a bounded channel and await the reply.
//! The task takes every command waiting (up to [`BATCH_MAX`]), applies each
//! to the core, takes the core's outputs (facts for the log, orders for the
//! line), commits all the facts of the batch in one transaction (group
//! commit), then publishes them to live streams, hands the line its orders,
//! and only then replies. Nothing is acknowledged before it is durable.
//!
//! On start — and after a failed commit, when the core may hold changes the
//! log does not — a fresh core is fed the tenant's whole log in order and
//! resumed: agents start signed out, every interaction not yet ended waits
//! again in the order it was created, running campaigns are paused.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use center::orders::CallOrder;
use center::outbound::LineOrder;
use center::{Output, TenantCore};
use store::{Recorded, Store, Tenant};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::clock;
use crate::error::ApiError;

/// What a command asks of the tenant (the core's [`center::Command`]).
pub use center::Command as Op;
/// What a command returns (the core's [`center::Reply`]).
pub use center::Reply as Ack;
pub use center::command::{
    AGENT_SKILLS_MAX, AGENT_TEAMS_MAX, CONSULTS_SHOWN_MAX, CallAction, NAME_LEN_MAX,
    NewInteractionReq, PLAN_LEN_MAX, PROFILE_FIELDS_MAX, PROFILE_VALUE_LEN_MAX, QueueInfo,
    RecordingAction, TEXT_LEN_MAX, TransferTo,
};

/// Compiles a plan document (see [`center::compile_plan`]), with the API's errors.
pub fn compile_plan(
    document: &str,
    old: Option<&routing::spec::Names>,
) -> Result<center::CompiledPlan, ApiError> {
    Ok(center::compile_plan(document, old)?)
}

/// Most commands applied in one group commit.
pub const BATCH_MAX: usize = 512;
/// Most commands waiting for a tenant before callers get `overloaded`.
pub const INBOX_MAX: usize = 20_000;
/// Live events kept for slow subscribers before they must catch up from the log.
pub const BROADCAST_MAX: usize = 16_384;
/// Facts read from the log per page during recovery.
const REPLAY_PAGE: i64 = store::EVENTS_PAGE_MAX;

/// A fact as published to live streams.
#[derive(Debug)]
pub struct Published {
    /// Its sequence number (the SSE id).
    pub seq: i64,
    /// The agent it concerns, for filtering agents' streams.
    pub agent: Option<i64>,
    /// The interaction it concerns, for the customer's chat stream.
    pub interaction: Option<i64>,
    /// The `kind` column (the SSE event's name).
    pub kind: String,
    /// When it was recorded (Unix ms).
    pub at: i64,
    /// The fact itself, typed: what the server's own readers match on.
    pub fact: store::Fact,
    /// The server-sent-events frame (`id`, `event`, `data`, blank line),
    /// made once and shared by every stream that carries it.
    pub frame: axum::body::Bytes,
    /// Where the data line's JSON starts in `frame`.
    data_at: usize,
}

impl Published {
    /// The published form of a recorded fact.
    pub fn of(mut r: Recorded) -> Published {
        // Streams carry which records an import's chunk or an edit wrote,
        // not the records (thousands of them, kept in the streams' ring for
        // late readers): a reader fetches the ones it shows.
        if let store::Fact::CustomersSet { records, .. } = &mut r.fact {
            for w in records.iter_mut() {
                w.record = model::customer::Record::default();
            }
        }
        let kind = r.fact.kind();
        // Compact JSON has no line breaks (they are escaped inside strings),
        // so the data fits on one `data:` line.
        // Written straight to text (not through a `Value`: an import's
        // chunk is thousands of records).
        let fact = serde_json::to_string(&r.fact).unwrap_or_else(|_| "null".into());
        let data = format!("{{\"seq\":{},\"at\":{},\"fact\":{fact}}}", r.seq, r.at);
        let head = format!("id: {}\nevent: {kind}\ndata: ", r.seq);
        let data_at = head.len();
        let frame = format!("{head}{data}\n\n").into();
        Published {
            seq: r.seq,
            agent: r.fact.agent().map(|a| i64::from(a.0)),
            interaction: r.fact.interaction().map(|i| i.0 as i64),
            kind,
            at: r.at,
            fact: r.fact,
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

/// Where a call's orders go: the call's task (false once it is gone).
pub type CallSink = Box<dyn Fn(CallOrder) -> bool + Send>;

/// A command with its reply channel.
struct Envelope {
    /// What.
    op: Op,
    /// The line that places outbound calls, with [`Op::AttachLine`].
    line: Option<mpsc::UnboundedSender<LineOrder>>,
    /// The task of the call whose interaction this command creates (or
    /// offers, for an answered outbound call): its orders go there from the
    /// first, with nothing to buffer.
    sink: Option<CallSink>,
    /// Where the answer goes (after commit).
    reply: Reply,
}

/// Where a command's answer goes.
type Reply = oneshot::Sender<Result<Ack, ApiError>>;
/// Where a command's answer comes.
type Answer = oneshot::Receiver<Result<Ack, ApiError>>;

/// Live channels of single agents, so that a fact wakes only the streams it concerns.
pub type AgentChannels = Arc<std::sync::Mutex<HashMap<i64, broadcast::Sender<Arc<Published>>>>>;

/// Live facts buffered per agent channel.
pub const AGENT_BROADCAST_MAX: usize = 256;

/// A handle on a running tenant task.
#[derive(Debug, Clone)]
pub struct TenantHandle {
    /// Its tenant.
    pub tenant: Tenant,
    tx: mpsc::Sender<Envelope>,
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
        let (env, rx) = Envelope::of(op);
        self.send(env, rx).await
    }

    /// Sends a command that creates a call's interaction ([`Op::CreateCall`],
    /// or [`Op::DialResult`] for an answered outbound call); the orders for
    /// that interaction go to `sink` from the first.
    pub async fn call_with_sink(&self, op: Op, sink: CallSink) -> Result<Ack, ApiError> {
        let (mut env, rx) = Envelope::of(op);
        env.sink = Some(sink);
        self.send(env, rx).await
    }

    /// Attaches the line that places outbound calls (the switch, or the
    /// demo's simulated network); it replaces any line attached before.
    pub async fn attach_line(
        &self,
        line: mpsc::UnboundedSender<LineOrder>,
    ) -> Result<Ack, ApiError> {
        let (mut env, rx) = Envelope::of(Op::AttachLine);
        env.line = Some(line);
        self.send(env, rx).await
    }

    async fn send(&self, env: Envelope, rx: Answer) -> Result<Ack, ApiError> {
        self.tx.try_send(env).map_err(|_| ApiError::overloaded())?;
        rx.await.map_err(|_| ApiError::overloaded())?
    }
}

impl Envelope {
    /// A plain command, and where its answer will come.
    fn of(op: Op) -> (Envelope, Answer) {
        let (reply, rx) = oneshot::channel();
        let env = Envelope {
            op,
            line: None,
            sink: None,
            reply,
        };
        (env, rx)
    }
}

/// Starts a tenant's task (recovering its core from the log first), with
/// the key its erasures make placeholders with (none: it cannot erase).
pub async fn spawn(
    store: Store,
    tenant: Tenant,
    erasure_key: Option<[u8; 16]>,
) -> anyhow::Result<TenantHandle> {
    start(Some(store), tenant, erasure_key).await
}

/// Starts a task for `tenant` that keeps no log: a fresh core whose facts
/// are published but written nowhere, so nothing it does is durable. For
/// measuring the live path under a virtual clock (`tests/demo_health.rs`),
/// where a database's own threads would let the clock run ahead.
pub async fn spawn_unlogged(tenant: Tenant) -> anyhow::Result<TenantHandle> {
    start(None, tenant, None).await
}

async fn start(
    store: Option<Store>,
    tenant: Tenant,
    erasure_key: Option<[u8; 16]>,
) -> anyhow::Result<TenantHandle> {
    let (tx, rx) = mpsc::channel(INBOX_MAX);
    let (events, _) = broadcast::channel(BROADCAST_MAX);
    let agent_events = AgentChannels::default();
    let mut task = Task {
        core: TenantCore::new(tenant.id() as u64),
        seq: 0,
        pending: Vec::new(),
        line_orders: Vec::new(),
        line: None,
        calls: HashMap::new(),
        batch_calls: Vec::new(),
        call_orders: Vec::new(),
        replies: Vec::new(),
        store,
        tenant: tenant.clone(),
        events: events.clone(),
        agent_events: agent_events.clone(),
        erasure_key,
    };
    task.recover().await?;
    tokio::spawn(async move { task.run(rx).await });
    Ok(TenantHandle {
        tenant,
        tx,
        events,
        agent_events,
    })
}

struct Task {
    /// The log (none: an unlogged task, see [`spawn_unlogged`]).
    store: Option<Store>,
    tenant: Tenant,
    events: broadcast::Sender<Arc<Published>>,
    agent_events: AgentChannels,
    /// The tenant's live rules.
    core: TenantCore,
    /// The last sequence number taken.
    seq: i64,
    /// Facts of this batch, not yet committed.
    pending: Vec<Recorded>,
    /// Orders for the line, handed over after the commit.
    line_orders: Vec<LineOrder>,
    /// Where outbound calls are placed, once a line is attached.
    line: Option<mpsc::UnboundedSender<LineOrder>>,
    /// The tasks of calls, by interaction.
    calls: HashMap<i64, CallSink>,
    /// Calls registered by this batch (forgotten if its commit fails: their
    /// interactions never existed, and their ids will be given again).
    batch_calls: Vec<i64>,
    /// Orders for calls, handed over after the commit.
    call_orders: Vec<(i64, CallOrder)>,
    replies: Vec<(Reply, Result<Ack, ApiError>)>,
    /// The key erasures make placeholders with.
    erasure_key: Option<[u8; 16]>,
}

impl Task {
    /// Builds a fresh core from the log, resumes it and commits what the
    /// restart says (agents signed out, interactions waiting again).
    async fn recover(&mut self) -> anyhow::Result<()> {
        let mut core = TenantCore::new(self.tenant.id() as u64);
        if let Some(k) = self.erasure_key {
            core.set_erasure_key(k);
        }
        let Some(store) = self.store.clone() else {
            self.core = core;
            self.core.resume(clock::now());
            return Ok(());
        };
        // Placeholders of erased numbers are known before the facts naming them.
        core.preload_erased(&store.erased_numbers(&self.tenant).await?);
        let mut after = 0;
        loop {
            let page = store.events_after(&self.tenant, after, REPLAY_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for r in &page {
                if let Err(e) = core.replay(r.at, &r.fact) {
                    tracing::warn!(tenant = self.tenant.name(), seq = r.seq, error = %e, "a logged fact could not be replayed");
                }
            }
        }
        self.seq = after.max(store.last_seq(&self.tenant).await?);
        self.core = core;
        let now = clock::now();
        self.core.resume(now);
        if self.line.is_some() {
            // The line attached before a failed commit is still there.
            let _ = self.core.handle(now, Op::AttachLine);
        }
        let requeued = self.core.open_interactions();
        self.collect();
        self.commit().await?;
        // Orders of the restart go to the line and to the calls still on.
        self.send_line_orders();
        self.send_call_orders();
        if requeued > 0 {
            tracing::info!(
                tenant = self.tenant.name(),
                requeued,
                "interactions waiting again after restart"
            );
        }
        Ok(())
    }

    /// Takes the core's outputs: facts numbered for the log, orders kept
    /// for after the commit.
    fn collect(&mut self) {
        while let Some(o) = self.core.poll_output() {
            match o {
                Output::Fact { at_ms, fact } => {
                    self.seq += 1;
                    self.pending.push(Recorded {
                        seq: self.seq,
                        at: at_ms,
                        fact,
                    });
                }
                Output::Line(order) => self.line_orders.push(order),
                Output::Call { interaction, order } => {
                    self.call_orders.push((interaction, order));
                }
            }
        }
    }

    async fn commit(&mut self) -> Result<(), store::StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        if let Some(store) = &self.store {
            store.append(&self.tenant, &self.pending).await?;
        }
        let mut agents = self.agent_events.lock().expect("agent channels lock");
        for r in self.pending.drain(..) {
            // No subscriber is fine: the log has it.
            let p = Arc::new(Published::of(r));
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

    /// Hands the committed orders to the calls' tasks; a call whose
    /// interaction ended, or whose task is gone, is forgotten.
    fn send_call_orders(&mut self) {
        for (interaction, order) in self.call_orders.drain(..) {
            let Some(sink) = self.calls.get(&interaction) else {
                continue;
            };
            let ended = order == CallOrder::Ended;
            if !sink(order) || ended {
                self.calls.remove(&interaction);
            }
        }
    }

    /// Hands the committed orders to the line. Without a line calls are not
    /// placed; the dialer's watchdog counts them failed.
    fn send_line_orders(&mut self) {
        for o in self.line_orders.drain(..) {
            match &self.line {
                Some(tx) if tx.send(o).is_ok() => {}
                _ => tracing::warn!("an outbound call order was lost: no line is attached"),
            }
        }
    }

    /// A call's task owns the interaction its command created (or was
    /// offered, for an answered outbound call).
    fn register_call(&mut self, res: &Result<Ack, ApiError>, sink: CallSink) {
        let id = match res {
            Ok(Ack::Interaction { id, .. }) => *id,
            Ok(Ack::Answered(center::outbound::Answered {
                offered: Some((id, _)),
            })) => *id,
            _ => return,
        };
        self.calls.insert(id, sink);
        self.batch_calls.push(id);
    }

    /// How long to sleep before the core's next timer.
    fn sleep(&mut self) -> Duration {
        match self.core.poll_timeout() {
            Some(at) => {
                let ms = (at.as_millis() as i64 - clock::now_ms()).max(0) as u64;
                Duration::from_millis(ms.min(3_600_000))
            }
            None => Duration::from_secs(3600),
        }
    }

    async fn run(&mut self, mut rx: mpsc::Receiver<Envelope>) {
        let mut batch: Vec<Envelope> = Vec::with_capacity(BATCH_MAX);
        loop {
            let sleep = self.sleep();
            tokio::select! {
                got = rx.recv_many(&mut batch, BATCH_MAX) => {
                    if got == 0 {
                        return;
                    }
                }
                _ = tokio::time::sleep(sleep) => {}
            }
            let now = clock::now();
            self.core.handle_timeout(now);
            self.collect();
            for env in batch.drain(..) {
                if let Some(line) = env.line {
                    self.line = Some(line);
                }
                let res = self.core.handle(now, env.op).map_err(ApiError::from);
                if let Some(sink) = env.sink {
                    self.register_call(&res, sink);
                }
                self.collect();
                self.replies.push((env.reply, res));
            }
            match self.commit().await {
                Ok(()) => {
                    self.batch_calls.clear();
                    self.send_line_orders();
                    self.send_call_orders();
                    for (reply, res) in self.replies.drain(..) {
                        let _ = reply.send(res);
                    }
                }
                Err(e) => self.commit_failed(e).await,
            }
        }
    }

    /// A failed commit: nothing of the batch is acknowledged, and the core
    /// is rebuilt from the log (it may hold changes the log does not).
    async fn commit_failed(&mut self, e: store::StoreError) {
        tracing::error!(tenant = self.tenant.name(), error = %e, "commit failed; rebuilding the core from the log");
        for (reply, _) in self.replies.drain(..) {
            let _ = reply.send(Err(ApiError::internal("commit failed")));
        }
        self.pending.clear();
        self.line_orders.clear();
        self.call_orders.clear();
        for id in self.batch_calls.drain(..) {
            self.calls.remove(&id);
        }
        loop {
            match self.recover().await {
                Ok(()) => break,
                Err(e) => {
                    self.pending.clear();
                    tracing::error!(tenant = self.tenant.name(), error = %e, "recovery failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}
