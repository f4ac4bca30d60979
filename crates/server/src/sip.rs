//! The switch plugged into the server (`serve --sip ADDR`, `demo --sip ADDR`).
//!
//! An inbound call is answered by the switch (`telephony::switch`, in
//! controlled mode) and handed to a task of its own here, which:
//!
//! 1. finds the tenant by the dialled number and runs the tenant's IVR
//!    ([`telephony::ivr`]) with the prompts in the caller's language;
//! 2. creates the voice interaction in the tenant's task (caller and dialled
//!    numbers, language, IVR choices and collected attributes), its call
//!    facts first in the log;
//! 3. plays music on hold with periodic position and estimated-wait
//!    announcements (and the callback offer) while routing looks for an agent;
//! 4. when routing offers the call to an agent with a phone, rings it; an
//!    answer accepts the offer and bridges the two legs (media relayed
//!    through the jitter buffer), a refusal or ring-out rejects it; an agent
//!    without a phone (a simulated demo agent, a desktop) who accepts gets
//!    the customer connected to a simulated sink that plays a tone;
//! 5. records per queue policy (never, on demand, always) into
//!    `RECORDINGS/TENANT/INTERACTION.wav`, with pause and resume from the API;
//! 6. acts on the agent's call controls (hold, mute, hang-up, consult
//!    transfer), logged as `call.*` facts by the API and read back here,
//!    and on the waiting caller's key 1 (with `offer_callback`): a callback
//!    takes the call's place;
//! 7. ends the interaction when a side hangs up, and hangs up when routing
//!    ends it.
//!
//! Each tenant with `recording_retention_days` also gets a sweeper
//! ([`crate::retention`]).
//!
//! Routing facts reach the call tasks through one dispatcher, which reads
//! each tenant's live stream once and forwards the facts of the
//! interactions it knows.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use model::{Attributes, Channel, PhoneNumber};
use serde::Deserialize;
use store::{CallFact, Tenant};
use telephony::dtmf::Digit;
use telephony::ivr::{Ivr, IvrOutcome, IvrOutput, IvrSession};
use telephony::switch::{
    AdmissionPolicy, CallCommand, DialOutcome, DialRequest, DialTimers, FlowConfig, Switch,
    SwitchConfig, SwitchControl, SwitchEvent,
};
use tokio::sync::mpsc;

use crate::tenant::{Ack, NewInteractionReq, Op, TenantHandle};
use crate::{AppState, clock};

/// The IVR used when a tenant's SIP settings name none: welcome, language, main menu.
pub const DEFAULT_IVR: &str = r#"entry = "welcome"

[[menu]]
name = "welcome"
prompt = "welcome"
next = "language"

[[menu]]
name = "language"
prompt = "choose_language"
timeout_s = 4
retries = 0
on_fail = { next = "main" }
[menu.choices]
"1" = { language = "es", next = "main" }
"2" = { language = "ca", next = "main" }
"3" = { language = "en", next = "main" }
"4" = { language = "cs", next = "main" }

[[menu]]
name = "main"
prompt = "main_menu"
timeout_s = 5
retries = 1
[menu.choices]
"1" = { set = { topic = "billing" } }
"2" = { set = { topic = "technical" } }
"9" = { callback = true }
"#;

/// Recording policy of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordingPolicy {
    /// Never recorded.
    #[default]
    Never,
    /// Recorded when someone asks (`POST …/recording/start`).
    OnDemand,
    /// Recorded from the moment an agent is connected.
    Always,
}

/// An agent's phone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentPhone {
    /// The agent's name.
    pub agent: String,
    /// Where its SIP user agent listens (`127.0.0.1:5070`).
    pub address: SocketAddr,
    /// Ask the phone to answer by itself (`Call-Info: <…>;answer-after=0`;
    /// the phone must allow it).
    #[serde(default)]
    pub auto_answer: bool,
    /// Seconds to ring before giving up (routing's ring timeout also applies).
    pub ring_timeout_s: Option<u64>,
}

/// One tenant's telephony settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSip {
    /// The tenant's name.
    pub name: String,
    /// Dialled numbers that reach it (`*`: any).
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Its IVR (the TOML of `telephony::ivr`); [`DEFAULT_IVR`] when absent.
    pub ivr: Option<String>,
    /// The callers' language until they choose one (`en` by default).
    pub language: Option<String>,
    /// Seconds between position and estimated-wait announcements (30 by default; 0: none).
    pub announce_every_s: Option<u64>,
    /// Recording policy per queue name; `*` for the others (never by default).
    #[serde(default)]
    pub recording: BTreeMap<String, RecordingPolicy>,
    /// Agents' phones.
    #[serde(default)]
    pub phones: Vec<AgentPhone>,
    /// Offer waiting callers a callback that keeps their place: the offer
    /// (`callback_offer`: "press 1") follows "please hold" and every
    /// announcement; key 1 while waiting ends the call and queues a
    /// callback interaction to the caller's number in its place.
    #[serde(default)]
    pub offer_callback: bool,
    /// Days recordings are kept (none: kept until removed by hand); older
    /// ones are deleted, each deletion a fact (`crate::retention`).
    pub recording_retention_days: Option<u32>,
    /// Where the tenant's outbound calls go (the carrier trunk): with it, the
    /// tenant's dialer places its calls through the switch.
    pub trunk: Option<SocketAddr>,
    /// Where the tenant may call (`countries = ["34", "420"]`, `home_country`,
    /// `blocked_prefixes`, premium-rate ranges by default); every outbound
    /// INVITE is checked against it. Required with `trunk`.
    pub destinations: Option<telephony::switch::DestinationPolicy>,
    /// Tell answering machines from people on the dialer's answered calls
    /// (`telephony::amd`): a machine is hung up and reported as `machine`
    /// (retried by the campaign's rules), never offered to an agent. Off by
    /// default: a person taken for a machine gets a silent call.
    #[serde(default)]
    pub detect_machines: bool,
}

/// The switch's settings (`--sip-config FILE`, TOML).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SipConfig {
    /// The address RTP binds to and announces (the SIP address's by default).
    pub rtp_ip: Option<IpAddr>,
    /// Addresses allowed to send calls (trunks); loopback only by default.
    #[serde(default)]
    pub trunks: Vec<IpAddr>,
    /// Trunks that must also pass digest authentication (401 challenge):
    /// `[[trunk_credentials]] source = "…", username = "…", password = "…"`.
    #[serde(default)]
    pub trunk_credentials: Vec<telephony::switch::TrunkCredential>,
    /// Calls at once at most (1,000 by default).
    pub max_calls: Option<usize>,
    /// New calls per second at most (100 by default).
    pub calls_per_second: Option<usize>,
    /// Where recordings go (`DATA/recordings` by default).
    pub recordings: Option<PathBuf>,
    /// Seconds between two sweeps of recordings past retention (3,600 by default).
    pub retention_sweep_every_s: Option<u64>,
    /// The tenants that take calls.
    #[serde(default)]
    pub tenant: Vec<TenantSip>,
}

impl SipConfig {
    /// Parses a settings file.
    pub fn from_toml(text: &str) -> anyhow::Result<SipConfig> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// A running switch inside the server.
#[derive(Debug)]
pub struct SipRunning {
    /// Where SIP listens.
    pub sip_addr: SocketAddr,
    /// Where recordings go.
    pub recordings: PathBuf,
    /// Places outbound calls.
    pub outbound: Outbound,
}

/// Longest a person who answered an outbound call may wait for an agent
/// before it counts as abandoned (the 2 s rule).
pub const CONNECT_WITHIN: Duration = Duration::from_secs(2);

/// How an outbound call with a reserved agent went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundResult {
    /// The callee did not answer: the dial's outcome.
    NotAnswered(DialOutcome),
    /// Answered and bridged to the agent's phone within [`CONNECT_WITHIN`].
    Connected {
        /// The callee's leg.
        call_id: String,
        /// The agent's leg.
        agent_call_id: String,
    },
    /// Answered, but the agent's phone did not answer in time: the abandon
    /// message was played and the call hung up.
    Abandoned {
        /// The callee's leg.
        call_id: String,
    },
}

/// Places outbound calls through the switch, outside the dialer (the
/// dialer's own calls go through each tenant's line, see `trunk`).
#[derive(Clone)]
pub struct Outbound {
    ctx: Arc<Ctx>,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Outbound")
    }
}

impl Outbound {
    /// Hangs up one leg (BYE).
    pub fn hang_up(&self, call_id: &str) {
        self.ctx.control.command(call_id, CallCommand::Hangup);
    }

    /// Calls `number` at `target` with `caller_id`; once a person answers,
    /// rings the reserved agent's phone and bridges within [`CONNECT_WITHIN`],
    /// or plays the abandon message (in `language`) and hangs up.
    pub async fn call_with_agent(
        &self,
        request: DialRequest,
        agent_phone: SocketAddr,
        language: &str,
    ) -> OutboundResult {
        let ctx = &self.ctx;
        let (me, mut inbox) = mpsc::unbounded_channel();
        let dial_id = request.dial_id.clone();
        let number = request.number.clone();
        let call_id = match place(ctx, request, &me, &mut inbox).await {
            Ok(c) => c,
            Err(outcome) => return OutboundResult::NotAnswered(outcome),
        };
        match bridge_agent(
            ctx,
            &call_id,
            &dial_id,
            &number,
            agent_phone,
            &me,
            &mut inbox,
        )
        .await
        {
            Ok(agent_call_id) => OutboundResult::Connected {
                call_id,
                agent_call_id,
            },
            Err(callee_gone) => {
                if !callee_gone {
                    abandon(ctx, &call_id, language, &mut inbox).await;
                }
                OutboundResult::Abandoned { call_id }
            }
        }
    }
}

type Inbox = mpsc::UnboundedReceiver<CallMsg>;

/// Places a call; the answered call's id, or how it went otherwise.
async fn place(
    ctx: &Ctx,
    request: DialRequest,
    me: &Owner,
    inbox: &mut Inbox,
) -> Result<String, DialOutcome> {
    let dial_id = request.dial_id.clone();
    let _ = ctx.to_dispatcher.send(ToDispatcher::Dial {
        request,
        owner: me.clone(),
    });
    loop {
        match inbox.recv().await {
            Some(CallMsg::Switch(SwitchEvent::DialOutcome {
                dial_id: d,
                call_id,
                outcome,
            })) if d == dial_id => {
                return if outcome == DialOutcome::Answered {
                    Ok(call_id)
                } else {
                    Err(outcome)
                };
            }
            Some(_) => {}
            None => {
                return Err(DialOutcome::Failed {
                    status: None,
                    reason: "shutdown",
                });
            }
        }
    }
}

/// Rings an agent's phone (asking it to answer by itself) while the callee
/// hears ringback, and bridges the two within [`CONNECT_WITHIN`]: the agent's
/// leg, or `Err(callee_hung_up)`.
async fn bridge_agent(
    ctx: &Ctx,
    call_id: &str,
    dial_id: &str,
    number: &str,
    agent_phone: SocketAddr,
    me: &Owner,
    inbox: &mut Inbox,
) -> Result<String, bool> {
    ctx.control.command(
        call_id,
        CallCommand::Loop(telephony::tones::ringback().into()),
    );
    let agent_dial = format!("{dial_id}~agent");
    let _ = ctx.to_dispatcher.send(ToDispatcher::Dial {
        request: DialRequest {
            dial_id: agent_dial.clone(),
            caller_id: number.into(),
            number: "agent".into(),
            target: agent_phone,
            timers: DialTimers {
                ring_timeout_ms: CONNECT_WITHIN.as_millis() as u64,
                no_provisional_timeout_ms: CONNECT_WITHIN.as_millis() as u64,
            },
            destinations: None,
            auto_answer: true,
        },
        owner: me.clone(),
    });
    let deadline = tokio::time::sleep(CONNECT_WITHIN);
    tokio::pin!(deadline);
    let leg = loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::DialOutcome { dial_id: d, call_id: leg, outcome }))
                    if d == agent_dial =>
                {
                    if outcome == DialOutcome::Answered {
                        break Some(leg);
                    }
                    break None;
                }
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => {
                    // The callee hung up first.
                    ctx.control.cancel_dial(&agent_dial);
                    return Err(true);
                }
                Some(_) => {}
                None => break None,
            },
            _ = &mut deadline => break None,
        }
    };
    match leg {
        Some(leg) => {
            ctx.control.bridge(call_id, &leg);
            Ok(leg)
        }
        None => {
            ctx.control.cancel_dial(&agent_dial);
            Err(false)
        }
    }
}

/// Plays the abandon message (name and call-back number) and hangs up.
async fn abandon(ctx: &Ctx, call_id: &str, language: &str, inbox: &mut Inbox) {
    ctx.control.command(
        call_id,
        CallCommand::Play {
            audio: ctx.prompt("abandon_message", language),
            then: None,
        },
    );
    // The abandon message is the longest prompt (up to 12 s).
    let last = tokio::time::sleep(LAST_PROMPT_MAX * 2);
    tokio::pin!(last);
    loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::PlaybackDone { call_id: c })) if c == call_id => break,
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => return,
                Some(_) => {}
                None => break,
            },
            _ = &mut last => break,
        }
    }
    ctx.control.command(call_id, CallCommand::Hangup);
}

/// Listens to an answered call's first seconds: a person (or not sure:
/// hanging up on a person would be a silent call) is a live answer, a
/// machine is a machine; a callee who hangs up while we listen was not
/// reached (no answer).
async fn detect_machine(
    ctx: &Ctx,
    call_id: &str,
    inbox: &mut Inbox,
) -> model::outbound::DialOutcome {
    use model::outbound::DialOutcome as Out;
    ctx.control.command(call_id, CallCommand::DetectMachine);
    let limit = u64::from(telephony::amd::AmdSettings::default().total_analysis_ms) + 1_000;
    let deadline = tokio::time::sleep(Duration::from_millis(limit));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::MachineVerdict { call_id: c, verdict })) if c == call_id => {
                    tracing::debug!(%call_id, reason = verdict.reason(), "sip: answering-machine verdict");
                    return if verdict.connect() { Out::LiveAnswer } else { Out::Machine };
                }
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => return Out::NoAnswer,
                Some(_) => {}
                None => return Out::Failed,
            },
            // The far end sent no audio at all: not sure, so a person.
            _ = &mut deadline => return Out::LiveAnswer,
        }
    }
}

/// The legs of the dialer's calls in progress, by attempt (callee first).
type Legs = Arc<Mutex<HashMap<u64, Vec<String>>>>;

/// The tenant's dialer line through the switch: every call its dialer
/// places becomes an INVITE to the trunk with the campaign's caller id,
/// checked against the tenant's destinations; the outcome (answer, busy,
/// no answer with CANCEL at the ring timeout, failure, including no
/// provisional response in time) goes back to the dialer; an answered call
/// offered to an agent rings that agent's phone and is bridged within
/// [`CONNECT_WITHIN`], or the callee hears the abandon message.
async fn dialer_line(
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    trunk: SocketAddr,
    mut rx: mpsc::UnboundedReceiver<center::outbound::LineOrder>,
) {
    let legs: Legs = Arc::default();
    while let Some(order) = rx.recv().await {
        match order {
            center::outbound::LineOrder::Hangup { attempt } => {
                let ids = legs.lock().expect("legs lock").remove(&attempt);
                for id in ids.unwrap_or_default() {
                    ctx.control.command(&id, CallCommand::Hangup);
                }
            }
            center::outbound::LineOrder::Dial(d) => {
                tokio::spawn(dialer_call(ctx.clone(), t.clone(), trunk, d, legs.clone()));
            }
        }
    }
}

async fn dialer_call(
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    trunk: SocketAddr,
    d: dialer::Dial,
    legs: Legs,
) {
    use model::outbound::DialOutcome as Out;
    let attempt = d.attempt.0;
    let (me, mut inbox) = mpsc::unbounded_channel();
    let dial_id = format!("dialer-{}-{attempt}", t.tenant.id());
    let number = d.phone.to_string();
    let started = clock::mono();
    let request = DialRequest {
        dial_id: dial_id.clone(),
        caller_id: d.caller_id.to_string(),
        number: number.clone(),
        target: trunk,
        timers: DialTimers {
            ring_timeout_ms: d.ring_timeout_ms,
            ..DialTimers::default()
        },
        destinations: t.config.destinations.clone(),
        auto_answer: false,
    };
    let placed = place(&ctx, request, &me, &mut inbox).await;
    let ring_ms = started.elapsed().as_millis() as u64;
    let mut outcome = match &placed {
        Ok(_) => Out::LiveAnswer,
        Err(DialOutcome::Busy) => Out::Busy,
        Err(DialOutcome::NoAnswer { .. }) => Out::NoAnswer,
        Err(_) => Out::Failed,
    };
    if let Ok(call_id) = &placed
        && t.config.detect_machines
    {
        outcome = detect_machine(&ctx, call_id, &mut inbox).await;
        if outcome != Out::LiveAnswer {
            ctx.control.command(call_id, CallCommand::Hangup);
            let _ = t
                .handle
                .call(Op::DialResult {
                    attempt,
                    outcome,
                    ring_ms,
                })
                .await;
            return;
        }
    }
    let res = t
        .handle
        .call(Op::DialResult {
            attempt,
            outcome,
            ring_ms,
        })
        .await;
    let Ok(call_id) = placed else { return };
    legs.lock()
        .expect("legs lock")
        .insert(attempt, vec![call_id.clone()]);
    let offered = match res {
        Ok(Ack::Answered(center::outbound::Answered { offered })) => offered,
        _ => None,
    };
    let phone = offered.and_then(|(_, agent)| t.phones.get(&agent).map(|p| p.address));
    let bridged = match phone {
        Some(phone) => {
            bridge_agent(&ctx, &call_id, &dial_id, &number, phone, &me, &mut inbox).await
        }
        None => Err(false),
    };
    let leg = match bridged {
        Ok(leg) => leg,
        Err(callee_gone) => {
            if offered.is_some() {
                let _ = t.handle.call(Op::OutboundAbandoned(attempt)).await;
            }
            if !callee_gone {
                abandon(&ctx, &call_id, &t.language, &mut inbox).await;
            }
            legs.lock().expect("legs lock").remove(&attempt);
            return;
        }
    };
    if let Some(l) = legs.lock().expect("legs lock").get_mut(&attempt) {
        l.push(leg.clone());
    }
    if t.handle.call(Op::OutboundBridged(attempt)).await.is_err() {
        for id in [&call_id, &leg] {
            ctx.control.command(id, CallCommand::Hangup);
        }
        legs.lock().expect("legs lock").remove(&attempt);
        return;
    }
    let Some((interaction, agent)) = offered else {
        return;
    };
    // The desktop's call controls and the recording API reach this call.
    let _ = ctx.to_dispatcher.send(ToDispatcher::Register {
        tenant: t.tenant.id(),
        interaction,
        owner: me.clone(),
    });
    if let Err(e) = t
        .handle
        .call(Op::CallFact(
            interaction,
            CallFact::Connected {
                agent: model::AgentId(agent as u32),
                agent_call_id: Some(leg.clone()),
            },
        ))
        .await
    {
        tracing::warn!(interaction, code = e.code, "sip: call fact not recorded");
    }
    let mut recording = record_by_policy(&ctx, &t, &call_id, interaction, None).await;
    let (mut held, mut muted) = (false, false);
    // Until either side hangs up (or the agent ends it from the desktop).
    while let Some(msg) = inbox.recv().await {
        match msg {
            CallMsg::Switch(SwitchEvent::Ended(s)) if s.call_id == call_id || s.call_id == leg => {
                let other = if s.call_id == call_id { &leg } else { &call_id };
                ctx.control.command(other, CallCommand::Hangup);
                legs.lock().expect("legs lock").remove(&attempt);
                // Refused when the desktop ended it already.
                let _ = t.handle.call(Op::OutboundHangup(attempt)).await;
                break;
            }
            CallMsg::Routing(Note::RecordingPause) => {
                ctx.control.command(&call_id, CallCommand::PauseRecording);
            }
            CallMsg::Routing(Note::RecordingResume) => {
                ctx.control.command(&call_id, CallCommand::ResumeRecording);
            }
            CallMsg::Routing(Note::RecordingStart(by)) if recording.is_none() => {
                recording = record_by_policy(&ctx, &t, &call_id, interaction, Some(by)).await;
            }
            CallMsg::Routing(Note::Control(c)) => {
                match c {
                    Control::Hold => held = true,
                    Control::Unhold => held = false,
                    Control::Mute => muted = true,
                    Control::Unmute => muted = false,
                    Control::Hangup => {
                        for id in [&call_id, &leg] {
                            ctx.control.command(id, CallCommand::Hangup);
                        }
                        continue;
                    }
                    // Consult transfers of the dialer's calls are not carried out.
                    _ => continue,
                }
                if held {
                    ctx.control
                        .command(&call_id, CallCommand::Loop(ctx.music.clone()));
                    ctx.control.command(&leg, CallCommand::Silence);
                } else {
                    ctx.control.command(&call_id, CallCommand::MutePeer(muted));
                    ctx.control.bridge(&call_id, &leg);
                }
            }
            _ => {}
        }
    }
}

/// A routing fact about an interaction with a call, as the call task needs it.
#[derive(Debug, Clone)]
enum Note {
    Offered(i64),
    Accepted(i64),
    /// Rejected, rang out or withdrawn.
    OfferEnded(i64),
    Ended,
    RecordingPause,
    RecordingResume,
    RecordingStart(String),
    /// A call control from the desktop or the API (`call.held`, …).
    Control(Control),
}

/// A call control, as the call's task acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Hold,
    Unhold,
    Mute,
    Unmute,
    Hangup,
    Consult(i64),
    ConsultCompleted,
    ConsultCancelled,
}

#[derive(Debug)]
enum CallMsg {
    Switch(SwitchEvent),
    Routing(Note),
}

type Owner = mpsc::UnboundedSender<CallMsg>;

enum ToDispatcher {
    Routing {
        tenant: i64,
        interaction: i64,
        note: Note,
    },
    Register {
        tenant: i64,
        interaction: i64,
        owner: Owner,
    },
    Dial {
        request: DialRequest,
        owner: Owner,
    },
}

/// Routing facts of interactions not registered yet are kept this long (ms):
/// a call's first offer can be published before its task learns its id.
const ORPHAN_KEEP_MS: i64 = 10_000;

struct TenantCtx {
    handle: TenantHandle,
    tenant: Tenant,
    config: TenantSip,
    ivr: Ivr,
    language: String,
    phones: HashMap<i64, AgentPhone>,
    recordings: PathBuf,
}

/// Decoded prompts by (name, language).
type PromptCache = HashMap<(String, String), Arc<[i16]>>;

struct Ctx {
    control: SwitchControl,
    to_dispatcher: mpsc::UnboundedSender<ToDispatcher>,
    prompts: Mutex<PromptCache>,
    music: Arc<[i16]>,
    agent_tone: Arc<[i16]>,
    store: store::Store,
}

impl Ctx {
    /// A prompt's audio, decoded once.
    fn prompt(&self, name: &str, language: &str) -> Arc<[i16]> {
        let key = (name.to_owned(), language.to_owned());
        let mut cache = self.prompts.lock().expect("prompt cache lock");
        cache
            .entry(key)
            .or_insert_with(|| {
                telephony::prompts::samples(name, language)
                    .unwrap_or_else(telephony::tones::beep)
                    .into()
            })
            .clone()
    }

    fn prompts(&self, names: &[String], language: &str) -> Arc<[i16]> {
        let mut out = Vec::new();
        for n in names {
            out.extend_from_slice(&self.prompt(n, language));
        }
        out.into()
    }
}

/// Starts the switch on `listen` and plugs it into the tenants of `config`.
pub async fn start(
    state: &AppState,
    listen: SocketAddr,
    config: SipConfig,
    data: &Path,
) -> anyhow::Result<SipRunning> {
    let recordings = config
        .recordings
        .clone()
        .unwrap_or_else(|| data.join("recordings"));
    let mut tenants = Vec::new();
    // Retention sweepers, started once the switch listens.
    let mut sweeps = Vec::new();
    for ts in &config.tenant {
        let tenant = state
            .store
            .tenant_by_name(&ts.name)
            .await?
            .with_context(|| format!("sip: no tenant {:?}", ts.name))?;
        let handle = state
            .hub
            .tenant(&tenant)
            .await
            .map_err(|e| anyhow::anyhow!("sip: tenant {}: {}", ts.name, e.message))?;
        if ts.trunk.is_some() && ts.destinations.is_none() {
            anyhow::bail!(
                "sip: tenant {}: a trunk needs [tenant.destinations] (the countries it may call)",
                ts.name
            );
        }
        let ivr_text = ts.ivr.as_deref().unwrap_or(DEFAULT_IVR);
        let ivr = Ivr::from_text(&format!("{}.ivr", ts.name), ivr_text)
            .map_err(|e| anyhow::anyhow!("sip: tenant {}: {e}", ts.name))?;
        let agents = state.store.agents(&tenant).await?;
        let mut phones = HashMap::new();
        for p in &ts.phones {
            let a = agents
                .iter()
                .find(|a| a.name == p.agent)
                .with_context(|| format!("sip: tenant {}: no agent {:?}", ts.name, p.agent))?;
            phones.insert(a.id, p.clone());
        }
        let dir = recordings.join(tenant.name());
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        if let Some(days) = ts.recording_retention_days {
            crate::retention::check_days(&ts.name, days)?;
            let every = config
                .retention_sweep_every_s
                .map(|s| Duration::from_secs(s.max(1)))
                .unwrap_or(crate::retention::SWEEP_EVERY_DEFAULT);
            sweeps.push(crate::retention::run(
                handle.clone(),
                dir.clone(),
                days,
                every,
            ));
        }
        tenants.push(Arc::new(TenantCtx {
            handle,
            language: ts.language.clone().unwrap_or_else(|| "en".into()),
            config: ts.clone(),
            ivr,
            phones,
            recordings: dir,
            tenant,
        }));
    }
    let trunks = if config.trunks.is_empty() {
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
    } else {
        config.trunks.clone()
    };
    let rtp_ip = config.rtp_ip.unwrap_or(if listen.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        listen.ip()
    });
    let switch = Switch::start(SwitchConfig {
        sip_addr: listen,
        rtp_ip,
        admission: AdmissionPolicy {
            allowed_sources: trunks,
            max_calls: config.max_calls.unwrap_or(1_000),
            max_calls_per_second: config.calls_per_second.unwrap_or(100),
            // A number no tenant takes gets the answer a stranger gets.
            numbers: numbers(&config),
            trunk_credentials: config.trunk_credentials.clone(),
        },
        recordings_dir: None,
        flow: FlowConfig {
            controlled: true,
            record: false,
            max_duration_ms: 4 * 3_600_000,
            ..FlowConfig::default()
        },
    })
    .await
    .with_context(|| format!("cannot listen for SIP on {listen}"))?;
    let sip_addr = switch.sip_addr();
    let (to_dispatcher, rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx {
        control: switch.control(),
        to_dispatcher: to_dispatcher.clone(),
        prompts: Mutex::default(),
        music: telephony::tones::music_on_hold().into(),
        agent_tone: simulated_agent(),
        store: state.store.clone(),
    });
    for t in &tenants {
        tokio::spawn(watch_tenant(t.clone(), to_dispatcher.clone()));
        if let Some(trunk) = t.config.trunk {
            let (tx, rx) = mpsc::unbounded_channel();
            t.handle
                .attach_line(tx)
                .await
                .map_err(|e| anyhow::anyhow!("sip: tenant {}: {}", t.tenant.name(), e.message))?;
            tokio::spawn(dialer_line(ctx.clone(), t.clone(), trunk, rx));
        }
    }
    let outbound = Outbound { ctx: ctx.clone() };
    tokio::spawn(dispatch(ctx, tenants, switch, rx));
    for sweep in sweeps {
        tokio::spawn(sweep);
    }
    Ok(SipRunning {
        sip_addr,
        recordings,
        outbound,
    })
}

/// Every number some tenant takes; empty (any) when one takes `*`.
fn numbers(config: &SipConfig) -> Vec<String> {
    let all: Vec<String> = config
        .tenant
        .iter()
        .flat_map(|t| t.numbers.iter().cloned())
        .collect();
    if all.iter().any(|n| n == "*") {
        Vec::new()
    } else if all.is_empty() {
        // No tenant takes calls: nothing is answered.
        vec![String::new()]
    } else {
        all
    }
}

/// What a simulated agent "says": a soft two-tone phrase and a pause, looped.
fn simulated_agent() -> Arc<[i16]> {
    let mut v = telephony::tones::mix(&[(440.0, 3_000.0), (550.0, 2_000.0)], 600);
    v.extend(telephony::tones::silence(400));
    v.into()
}

/// Reads a tenant's live facts and forwards those about calls to the dispatcher.
async fn watch_tenant(t: Arc<TenantCtx>, to: mpsc::UnboundedSender<ToDispatcher>) {
    let mut rx = t.handle.events.subscribe();
    loop {
        let ev = match rx.recv().await {
            Ok(ev) => ev,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(
                    tenant = t.tenant.name(),
                    missed = n,
                    "sip: live facts lagged"
                );
                continue;
            }
            Err(_) => return,
        };
        let relevant = matches!(
            ev.kind.as_str(),
            "routing.offered"
                | "routing.accepted"
                | "routing.rejected"
                | "routing.offer_timed_out"
                | "routing.offer_revoked"
                | "routing.ended"
                | "call.recording_paused"
                | "call.recording_resumed"
                | "call.recording_requested"
                | "call.held"
                | "call.unheld"
                | "call.muted"
                | "call.unmuted"
                | "call.hangup_requested"
                | "call.consult_requested"
                | "call.consult_completed"
                | "call.consult_cancelled"
        );
        if !relevant {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(ev.data()).unwrap_or_default();
        let fact = &v["fact"];
        let interaction = fact["event"]["interaction"]
            .as_i64()
            .or_else(|| fact["interaction"].as_i64());
        let Some(interaction) = interaction else {
            continue;
        };
        let agent = ev.agent.unwrap_or(-1);
        let by = || fact["call"]["by"].as_str().unwrap_or("").to_owned();
        let note = match ev.kind.as_str() {
            "routing.offered" => Note::Offered(agent),
            "routing.accepted" => Note::Accepted(agent),
            "routing.ended" => Note::Ended,
            "call.recording_paused" => Note::RecordingPause,
            "call.recording_resumed" => Note::RecordingResume,
            "call.recording_requested" => Note::RecordingStart(by()),
            "call.held" => Note::Control(Control::Hold),
            "call.unheld" => Note::Control(Control::Unhold),
            "call.muted" => Note::Control(Control::Mute),
            "call.unmuted" => Note::Control(Control::Unmute),
            "call.hangup_requested" => Note::Control(Control::Hangup),
            "call.consult_requested" => match fact["call"]["agent"].as_i64() {
                Some(a) => Note::Control(Control::Consult(a)),
                None => continue,
            },
            "call.consult_completed" => Note::Control(Control::ConsultCompleted),
            "call.consult_cancelled" => Note::Control(Control::ConsultCancelled),
            _ => Note::OfferEnded(agent),
        };
        let msg = ToDispatcher::Routing {
            tenant: t.tenant.id(),
            interaction,
            note,
        };
        if to.send(msg).is_err() {
            return;
        }
    }
}

/// Routes the switch's events and the routing facts to the call tasks.
async fn dispatch(
    ctx: Arc<Ctx>,
    tenants: Vec<Arc<TenantCtx>>,
    mut switch: Switch,
    mut rx: mpsc::UnboundedReceiver<ToDispatcher>,
) {
    let mut owners: HashMap<String, Owner> = HashMap::new();
    let mut dials: HashMap<String, Owner> = HashMap::new();
    let mut interactions: HashMap<(i64, i64), Owner> = HashMap::new();
    let mut orphans: HashMap<(i64, i64), Vec<Note>> = HashMap::new();
    let mut orphan_order: VecDeque<(i64, (i64, i64))> = VecDeque::new();
    loop {
        tokio::select! {
            ev = switch.next_event() => {
                let Some(ev) = ev else { return };
                match ev {
                    SwitchEvent::Answered { call_id, caller_number, dialled_number, at_ms } => {
                        let Some(t) = tenant_for(&tenants, &dialled_number) else {
                            tracing::info!(%call_id, dialled = %dialled_number, "sip: no tenant takes this number");
                            ctx.control.command(&call_id, CallCommand::Hangup);
                            continue;
                        };
                        let (owner, inbox) = mpsc::unbounded_channel();
                        owners.insert(call_id.clone(), owner.clone());
                        let call = CustomerCall {
                            ctx: ctx.clone(),
                            t,
                            call_id,
                            caller: caller_number,
                            dialled: dialled_number,
                            answered_at: at_ms as i64,
                            me: owner,
                            inbox,
                        };
                        tokio::spawn(call.run());
                    }
                    SwitchEvent::Refused { call_id, source, status, .. } => {
                        tracing::info!(%call_id, ?source, status, "sip: call refused");
                    }
                    SwitchEvent::DialOutcome { dial_id, call_id, outcome } => {
                        if let Some(owner) = dials.remove(&dial_id) {
                            if outcome == DialOutcome::Answered {
                                owners.insert(call_id.clone(), owner.clone());
                            }
                            let _ = owner.send(CallMsg::Switch(SwitchEvent::DialOutcome { dial_id, call_id, outcome }));
                        } else if outcome == DialOutcome::Answered {
                            ctx.control.command(&call_id, CallCommand::Hangup);
                        }
                    }
                    SwitchEvent::Ended(summary) => {
                        if let Some(owner) = owners.remove(&summary.call_id) {
                            let _ = owner.send(CallMsg::Switch(SwitchEvent::Ended(summary)));
                        }
                    }
                    ev @ (SwitchEvent::Digit { .. } | SwitchEvent::PlaybackDone { .. } | SwitchEvent::DigitsCollected { .. } | SwitchEvent::MachineVerdict { .. }) => {
                        let id = match &ev {
                            SwitchEvent::Digit { call_id, .. }
                            | SwitchEvent::PlaybackDone { call_id }
                            | SwitchEvent::MachineVerdict { call_id, .. }
                            | SwitchEvent::DigitsCollected { call_id, .. } => call_id.clone(),
                            _ => continue,
                        };
                        if let Some(owner) = owners.get(&id) {
                            let _ = owner.send(CallMsg::Switch(ev));
                        }
                    }
                }
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { return };
                match msg {
                    ToDispatcher::Routing { tenant, interaction, note } => {
                        let key = (tenant, interaction);
                        let ended = matches!(note, Note::Ended);
                        match interactions.get(&key) {
                            Some(owner) => {
                                if owner.send(CallMsg::Routing(note)).is_err() || ended {
                                    interactions.remove(&key);
                                }
                            }
                            None => {
                                let now = clock::now_ms();
                                while let Some(&(at, k)) = orphan_order.front() {
                                    if now - at < ORPHAN_KEEP_MS {
                                        break;
                                    }
                                    orphan_order.pop_front();
                                    orphans.remove(&k);
                                }
                                let list = orphans.entry(key).or_default();
                                if list.is_empty() {
                                    orphan_order.push_back((now, key));
                                }
                                list.push(note);
                            }
                        }
                    }
                    ToDispatcher::Register { tenant, interaction, owner } => {
                        let key = (tenant, interaction);
                        let mut ended = false;
                        for note in orphans.remove(&key).unwrap_or_default() {
                            ended |= matches!(note, Note::Ended);
                            let _ = owner.send(CallMsg::Routing(note));
                        }
                        if !ended {
                            interactions.insert(key, owner);
                        }
                    }
                    ToDispatcher::Dial { request, owner } => {
                        dials.insert(request.dial_id.clone(), owner);
                        ctx.control.dial(request);
                    }
                }
            }
        }
    }
}

fn tenant_for(tenants: &[Arc<TenantCtx>], dialled: &str) -> Option<Arc<TenantCtx>> {
    let d = dialled.trim_start_matches('+');
    tenants
        .iter()
        .find(|t| {
            t.config
                .numbers
                .iter()
                .any(|n| n == "*" || n.trim_start_matches('+') == d)
        })
        .cloned()
}

/// Where the customer's call stands.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// In the queue, with music.
    Waiting,
    /// An agent's phone rings.
    Ringing {
        agent: i64,
        dial_id: String,
        /// The agent accepted on the desktop meanwhile.
        accepted: bool,
    },
    /// Talking to an agent (through their phone's leg, or a simulated sink).
    Connected { agent: i64, leg: Option<String> },
}

/// A consult transfer under way: the customer hears music, the first agent
/// talks to the consulted one.
#[derive(Debug, Clone, Default)]
struct Consult {
    /// The agent routing offered it to (the one consulted).
    target: Option<i64>,
    /// Their phone being rung.
    dial_id: Option<String>,
    /// Their phone's leg, once answered.
    leg: Option<String>,
    /// Routing connected them already (accepted on the desktop, or completed
    /// while their phone still rang): complete as soon as the phone answers.
    accepted: bool,
}

/// What the customer hears besides prompts: held, muted, consulting.
#[derive(Debug, Clone, Default)]
struct Controls {
    held: bool,
    muted: bool,
    consult: Option<Consult>,
}

struct CustomerCall {
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    call_id: String,
    caller: String,
    dialled: String,
    answered_at: i64,
    me: Owner,
    inbox: mpsc::UnboundedReceiver<CallMsg>,
}

/// The prompt that offers a callback while waiting; it says "press 1".
const CALLBACK_OFFER: &str = "callback_offer";
/// The key it names.
const CALLBACK_KEY: char = '1';

/// How long a last prompt (goodbye) may play before we hang up anyway.
const LAST_PROMPT_MAX: Duration = Duration::from_secs(8);

impl CustomerCall {
    fn cmd(&self, c: CallCommand) {
        self.ctx.control.command(&self.call_id, c);
    }

    async fn op(&self, op: Op) -> Result<Ack, crate::error::ApiError> {
        self.t.handle.call(op).await
    }

    async fn fact(&self, interaction: i64, call: CallFact) {
        if let Err(e) = self.op(Op::CallFact(interaction, call)).await {
            tracing::warn!(interaction, code = e.code, "sip: call fact not recorded");
        }
    }

    async fn run(mut self) {
        let Some(outcome) = self.ivr().await else {
            return;
        };
        if outcome.hangup {
            return self.goodbye("goodbye", &outcome.language).await;
        }
        let Some(id) = self.create(&outcome).await else {
            return self.goodbye("goodbye", &outcome.language).await;
        };
        if outcome.callback {
            return self.goodbye("callback_confirmed", &outcome.language).await;
        }
        let _ = self.ctx.to_dispatcher.send(ToDispatcher::Register {
            tenant: self.t.tenant.id(),
            interaction: id,
            owner: self.owner_handle(),
        });
        self.queue(id, &outcome.language).await;
    }

    /// A sender that reaches this task (the dispatcher routes facts and legs with it).
    fn owner_handle(&self) -> Owner {
        self.me.clone()
    }

    /// Runs the IVR; `None` when the caller hung up.
    async fn ivr(&mut self) -> Option<IvrOutcome> {
        let t = self.t.clone();
        let mut session = IvrSession::new(&t.ivr, &t.language);
        loop {
            let mut done = None;
            while let Some(o) = session.poll_output() {
                match o {
                    IvrOutput::Play { prompt, language } => self.cmd(CallCommand::Play {
                        audio: self.ctx.prompt(&prompt, &language),
                        then: None,
                    }),
                    IvrOutput::StopPlayback => self.cmd(CallCommand::Silence),
                    IvrOutput::Done(outcome) => done = Some(outcome),
                }
            }
            if let Some(o) = done {
                return Some(o);
            }
            let wait = session
                .poll_timeout()
                .map(|at| Duration::from_millis(at.saturating_sub(clock::now_ms().max(0) as u64)));
            tokio::select! {
                msg = self.inbox.recv() => {
                    let now = clock::now_ms().max(0) as u64;
                    match msg {
                        None | Some(CallMsg::Switch(SwitchEvent::Ended(_))) => return None,
                        Some(CallMsg::Switch(SwitchEvent::Digit { digit, .. })) => {
                            if let Some(d) = Digit::from_char(digit) {
                                session.digit(now, d);
                            }
                        }
                        Some(CallMsg::Switch(SwitchEvent::PlaybackDone { .. })) => session.prompt_done(now),
                        Some(_) => {}
                    }
                }
                _ = tokio::time::sleep(wait.unwrap_or(Duration::from_secs(3600))) => {
                    session.handle_timeout(clock::now_ms().max(0) as u64);
                }
            }
        }
    }

    /// Plays a last prompt and hangs up.
    async fn goodbye(mut self, prompt: &str, language: &str) {
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompt(prompt, language),
            then: None,
        });
        let deadline = tokio::time::sleep(LAST_PROMPT_MAX);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                msg = self.inbox.recv() => match msg {
                    None | Some(CallMsg::Switch(SwitchEvent::Ended(_))) => return,
                    Some(CallMsg::Switch(SwitchEvent::PlaybackDone { .. })) => break,
                    Some(_) => {}
                },
                _ = &mut deadline => break,
            }
        }
        self.cmd(CallCommand::Hangup);
    }

    /// Creates the interaction; its call facts go first in the log.
    async fn create(&self, outcome: &IvrOutcome) -> Option<i64> {
        let attributes = Attributes {
            caller_number: PhoneNumber::parse(&self.caller).ok(),
            dialled_number: PhoneNumber::parse(&self.dialled).ok(),
            language: model::Language::parse(&outcome.language).ok(),
            ivr: outcome.choices.clone(),
            extra: outcome.attributes.clone(),
            ..Attributes::default()
        };
        let facts = vec![
            CallFact::Arrived {
                call_id: self.call_id.clone(),
                caller: self.caller.clone(),
                dialled: self.dialled.clone(),
                answered_at: self.answered_at,
            },
            CallFact::Ivr {
                language: outcome.language.clone(),
                choices: outcome.choices.clone(),
                attributes: outcome.attributes.clone(),
                reason: outcome.reason.to_owned(),
            },
        ];
        let channel = if outcome.callback {
            Channel::Callback
        } else {
            Channel::Voice
        };
        let mut req = NewInteractionReq {
            channel,
            queue: outcome.queue.clone(),
            priority: 0,
            attributes,
            customer: None,
            subject: Some(format!("call from {}", self.caller)),
            idempotency_key: None,
            chat_secret_hash: None,
        };
        for attempt in 0..2 {
            match self
                .op(Op::CreateCall(Box::new(req.clone()), facts.clone()))
                .await
            {
                Ok(Ack::Interaction { id, .. }) => return Some(id),
                Ok(_) => return None,
                Err(e) if attempt == 0 && req.queue.is_some() && e.code == "invalid_field" => {
                    // The IVR names a queue the plan does not have: routing decides.
                    tracing::warn!(call_id = %self.call_id, message = %e.message, "sip: IVR queue refused");
                    req.queue = None;
                }
                Err(e) => {
                    tracing::warn!(call_id = %self.call_id, code = e.code, message = %e.message, "sip: interaction not created");
                    return None;
                }
            }
        }
        None
    }

    /// Waits in the queue, rings agents, connects, until the call ends.
    async fn queue(mut self, id: i64, language: &str) {
        let mut first = vec!["please_hold".to_owned()];
        if self.t.config.offer_callback {
            first.push(CALLBACK_OFFER.into());
        }
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompts(&first, language),
            then: Some(self.ctx.music.clone()),
        });
        let every = self.t.config.announce_every_s.unwrap_or(30);
        let announce_every = (every > 0).then(|| Duration::from_secs(every));
        let mut next_announce = announce_every.map(|d| tokio::time::Instant::now() + d);
        let mut stage = Stage::Waiting;
        let mut dials = 0u32;
        let mut recording: Option<String> = None;
        let mut controls = Controls::default();
        loop {
            let announce_at = next_announce
                .filter(|_| stage == Stage::Waiting)
                .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
            let msg = tokio::select! {
                msg = self.inbox.recv() => msg,
                _ = tokio::time::sleep_until(announce_at) => {
                    next_announce = announce_every.map(|d| tokio::time::Instant::now() + d);
                    self.announce(id, language).await;
                    continue;
                }
            };
            let Some(msg) = msg else { return };
            match msg {
                CallMsg::Switch(SwitchEvent::Ended(summary)) if summary.call_id == self.call_id => {
                    // The customer hung up.
                    if let Some(k) = controls.consult.take() {
                        self.drop_consult_leg(&k);
                    }
                    let (op, reason) = match &stage {
                        Stage::Connected { leg, .. } => {
                            if let Some(leg) = leg {
                                self.ctx.control.command(leg, CallCommand::Hangup);
                            }
                            (Op::Complete(id, None), "caller_hung_up")
                        }
                        Stage::Ringing { dial_id, .. } => {
                            self.ctx.control.cancel_dial(dial_id);
                            (Op::Abandon(id), "abandoned")
                        }
                        Stage::Waiting => (Op::Abandon(id), "abandoned"),
                    };
                    self.fact(
                        id,
                        CallFact::Ended {
                            by: "customer".into(),
                            reason: reason.into(),
                            recording: recording.clone(),
                        },
                    )
                    .await;
                    if let Err(e) = self.op(op).await {
                        tracing::debug!(interaction = id, code = e.code, "sip: end not applied");
                    }
                    return;
                }
                CallMsg::Switch(SwitchEvent::Ended(summary)) => {
                    if let Some(k) = &controls.consult
                        && k.leg.as_deref() == Some(summary.call_id.as_str())
                    {
                        // The consulted agent's phone hung up: back to the first agent.
                        self.cancel_consult(id).await;
                        continue;
                    }
                    // The agent's phone hung up.
                    if let Stage::Connected { leg: Some(leg), .. } = &stage
                        && *leg == summary.call_id
                    {
                        // After the consulted agent answered, hanging up hands
                        // the customer over (as on a desk phone).
                        if controls.consult.as_ref().is_some_and(|k| k.leg.is_some()) {
                            let done = self
                                .op(Op::CallControl {
                                    interaction: id,
                                    by_agent: None,
                                    by: "agent_hung_up".into(),
                                    action: crate::tenant::CallAction::ConsultComplete,
                                })
                                .await;
                            match done {
                                // Routing's acceptance completes it here.
                                Ok(_) => continue,
                                Err(e) => tracing::debug!(
                                    interaction = id,
                                    code = e.code,
                                    "sip: consult not completed on hang-up"
                                ),
                            }
                        }
                        if let Some(k) = controls.consult.take() {
                            self.drop_consult_leg(&k);
                        }
                        self.cmd(CallCommand::Hangup);
                        self.fact(
                            id,
                            CallFact::Ended {
                                by: "agent".into(),
                                reason: "agent_hung_up".into(),
                                recording: recording.clone(),
                            },
                        )
                        .await;
                        let _ = self.op(Op::Complete(id, None)).await;
                        return;
                    }
                }
                CallMsg::Switch(SwitchEvent::DialOutcome {
                    dial_id: got,
                    call_id: leg,
                    outcome,
                }) => {
                    if let Some(k) = controls.consult.as_mut()
                        && k.dial_id.as_deref() == Some(got.as_str())
                    {
                        let agent = k.target.unwrap_or(-1);
                        if outcome != DialOutcome::Answered {
                            let what = match outcome {
                                DialOutcome::Busy => "busy",
                                DialOutcome::NoAnswer { .. } => "no_answer",
                                _ => "failed",
                            };
                            k.dial_id = None;
                            self.fact(
                                id,
                                CallFact::AgentLegFailed {
                                    agent: model::AgentId(agent as u32),
                                    outcome: what.into(),
                                },
                            )
                            .await;
                            self.cancel_consult(id).await;
                            continue;
                        }
                        k.leg = Some(leg.clone());
                        let accepted = k.accepted;
                        if let Stage::Connected {
                            leg: Some(first), ..
                        } = &stage
                        {
                            self.ctx.control.bridge(first, &leg);
                        }
                        self.fact(
                            id,
                            CallFact::ConsultConnected {
                                agent: model::AgentId(agent as u32),
                                agent_call_id: leg,
                            },
                        )
                        .await;
                        if accepted {
                            self.complete_consult(id, &mut stage, &mut controls).await;
                        }
                        continue;
                    }
                    let Stage::Ringing {
                        agent,
                        dial_id,
                        accepted,
                    } = stage.clone()
                    else {
                        if outcome == DialOutcome::Answered {
                            self.ctx.control.command(&leg, CallCommand::Hangup);
                        }
                        continue;
                    };
                    if got != dial_id {
                        if outcome == DialOutcome::Answered {
                            self.ctx.control.command(&leg, CallCommand::Hangup);
                        }
                        continue;
                    }
                    if outcome == DialOutcome::Answered {
                        let ok = accepted || self.op(Op::Accept(id, agent)).await.is_ok();
                        if ok {
                            self.ctx.control.bridge(&self.call_id, &leg);
                            stage = Stage::Connected {
                                agent,
                                leg: Some(leg.clone()),
                            };
                            self.fact(
                                id,
                                CallFact::Connected {
                                    agent: model::AgentId(agent as u32),
                                    agent_call_id: Some(leg),
                                },
                            )
                            .await;
                            recording = self.record_by_policy(id, None).await;
                        } else {
                            self.ctx.control.command(&leg, CallCommand::Hangup);
                            stage = Stage::Waiting;
                        }
                    } else {
                        let what = match outcome {
                            DialOutcome::Busy => "busy",
                            DialOutcome::NoAnswer { .. } => "no_answer",
                            _ => "failed",
                        };
                        stage = Stage::Waiting;
                        self.fact(
                            id,
                            CallFact::AgentLegFailed {
                                agent: model::AgentId(agent as u32),
                                outcome: what.into(),
                            },
                        )
                        .await;
                        let _ = self.op(Op::Reject(id, agent)).await;
                    }
                }
                CallMsg::Switch(SwitchEvent::Digit { digit, .. })
                    if digit == CALLBACK_KEY
                        && self.t.config.offer_callback
                        && stage == Stage::Waiting =>
                {
                    let op = Op::CallbackKeepingPlace {
                        interaction: id,
                        number: self.caller.clone(),
                    };
                    match self.op(op).await {
                        Ok(_) => {
                            self.fact(
                                id,
                                CallFact::Ended {
                                    by: "customer".into(),
                                    reason: "callback_requested".into(),
                                    recording: None,
                                },
                            )
                            .await;
                            return self.goodbye("callback_confirmed", language).await;
                        }
                        // Routing took it meanwhile (offered): keep waiting.
                        Err(e) => {
                            tracing::debug!(interaction = id, code = e.code, "sip: no callback");
                        }
                    }
                }
                CallMsg::Switch(_) => {}
                CallMsg::Routing(Note::Offered(agent)) => {
                    if let Some(k) = controls.consult.as_mut()
                        && matches!(stage, Stage::Connected { .. })
                    {
                        // A consult transfer's offer: ring the consulted agent's phone
                        // while the first agent stays on the line.
                        if k.leg.is_some() || k.dial_id.is_some() {
                            continue;
                        }
                        k.target = Some(agent);
                        let Some(phone) = self.t.phones.get(&agent).cloned() else {
                            // No phone: the desktop accepts (or not) in routing.
                            continue;
                        };
                        dials += 1;
                        let dial_id = format!("{}~consult~{dials}", self.call_id);
                        k.dial_id = Some(dial_id.clone());
                        self.ring(id, &phone, agent, dial_id).await;
                        continue;
                    }
                    if let Stage::Connected { leg, .. } = &stage {
                        // Transferred through routing: the first agent's leg goes, the
                        // customer hears music until the next agent answers.
                        if let Some(leg) = leg {
                            self.ctx.control.command(leg, CallCommand::Hangup);
                        }
                        self.cmd(CallCommand::Loop(self.ctx.music.clone()));
                        stage = Stage::Waiting;
                    }
                    if controls.held || controls.muted {
                        controls = Controls::default();
                        self.cmd(CallCommand::MutePeer(false));
                    }
                    let Some(phone) = self.t.phones.get(&agent).cloned() else {
                        // No phone: a simulated agent or a desktop answers in routing.
                        continue;
                    };
                    dials += 1;
                    let dial_id = format!("{}~agent~{dials}", self.call_id);
                    stage = Stage::Ringing {
                        agent,
                        dial_id: dial_id.clone(),
                        accepted: false,
                    };
                    self.ring(id, &phone, agent, dial_id).await;
                }
                CallMsg::Routing(Note::Accepted(agent))
                    if controls.consult.is_some() && matches!(stage, Stage::Connected { .. }) =>
                {
                    // The consult transfer completed in routing.
                    let k = controls.consult.as_mut().expect("checked above");
                    k.target = Some(agent);
                    k.accepted = true;
                    let has_phone = self.t.phones.contains_key(&agent);
                    if k.leg.is_some() || !has_phone {
                        self.complete_consult(id, &mut stage, &mut controls).await;
                    }
                }
                CallMsg::Routing(Note::Accepted(agent)) => match &mut stage {
                    Stage::Ringing {
                        agent: a, accepted, ..
                    } if *a == agent => *accepted = true,
                    Stage::Connected { .. } => {}
                    _ => {
                        // Accepted without a phone: a simulated agent (or a desktop).
                        self.cmd(CallCommand::Loop(self.ctx.agent_tone.clone()));
                        stage = Stage::Connected { agent, leg: None };
                        self.fact(
                            id,
                            CallFact::Connected {
                                agent: model::AgentId(agent as u32),
                                agent_call_id: None,
                            },
                        )
                        .await;
                        recording = self.record_by_policy(id, None).await;
                    }
                },
                CallMsg::Routing(Note::OfferEnded(agent)) => {
                    if let Some(k) = &controls.consult
                        && k.target == Some(agent)
                        && !k.accepted
                    {
                        // Routing withdrew the consulted agent's offer (it rang out there,
                        // or they rejected it): back to the first agent.
                        self.cancel_consult(id).await;
                        continue;
                    }
                    if let Stage::Ringing {
                        agent: a, dial_id, ..
                    } = &stage
                        && *a == agent
                    {
                        self.ctx.control.cancel_dial(dial_id);
                        self.fact(
                            id,
                            CallFact::AgentLegFailed {
                                agent: model::AgentId(agent as u32),
                                outcome: "no_answer".into(),
                            },
                        )
                        .await;
                        stage = Stage::Waiting;
                    }
                }
                CallMsg::Routing(Note::Ended) => {
                    // Routing ended it (the agent completed it, a supervisor cancelled it).
                    if let Some(k) = controls.consult.take() {
                        self.drop_consult_leg(&k);
                    }
                    match &stage {
                        Stage::Connected { leg: Some(leg), .. } => {
                            self.ctx.control.command(leg, CallCommand::Hangup)
                        }
                        Stage::Ringing { dial_id, .. } => self.ctx.control.cancel_dial(dial_id),
                        _ => {}
                    }
                    self.cmd(CallCommand::Hangup);
                    self.fact(
                        id,
                        CallFact::Ended {
                            by: "switch".into(),
                            reason: "interaction_ended".into(),
                            recording: recording.clone(),
                        },
                    )
                    .await;
                    return;
                }
                CallMsg::Routing(Note::Control(c)) => {
                    if !matches!(stage, Stage::Connected { .. }) {
                        continue;
                    }
                    match c {
                        Control::Hold => controls.held = true,
                        Control::Unhold => controls.held = false,
                        Control::Mute => controls.muted = true,
                        Control::Unmute => controls.muted = false,
                        Control::Consult(_) => {
                            if controls.consult.is_none() {
                                controls.consult = Some(Consult::default());
                            }
                        }
                        // Routing's acceptance follows and completes it.
                        Control::ConsultCompleted => continue,
                        Control::ConsultCancelled => {
                            if let Some(k) = controls.consult.take() {
                                self.drop_consult_leg(&k);
                            }
                            controls.held = false;
                        }
                        Control::Hangup => {
                            if let Some(k) = controls.consult.take() {
                                self.drop_consult_leg(&k);
                            }
                            if let Stage::Connected { leg: Some(leg), .. } = &stage {
                                self.ctx.control.command(leg, CallCommand::Hangup);
                            }
                            self.cmd(CallCommand::Hangup);
                            self.fact(
                                id,
                                CallFact::Ended {
                                    by: "agent".into(),
                                    reason: "hung_up_from_desktop".into(),
                                    recording: recording.clone(),
                                },
                            )
                            .await;
                            if let Err(e) = self.op(Op::Complete(id, None)).await {
                                tracing::debug!(
                                    interaction = id,
                                    code = e.code,
                                    "sip: end not applied"
                                );
                            }
                            return;
                        }
                    }
                    self.apply_controls(&stage, &controls);
                }
                CallMsg::Routing(Note::RecordingPause) => self.cmd(CallCommand::PauseRecording),
                CallMsg::Routing(Note::RecordingResume) => self.cmd(CallCommand::ResumeRecording),
                CallMsg::Routing(Note::RecordingStart(by)) => {
                    if recording.is_none() && matches!(stage, Stage::Connected { .. }) {
                        recording = self.record_by_policy(id, Some(by)).await;
                    }
                }
            }
        }
    }

    /// Puts the customer where the controls say: music while held or
    /// consulting, otherwise bridged to the agent (muted or not).
    fn apply_controls(&self, stage: &Stage, c: &Controls) {
        let Stage::Connected { leg, .. } = stage else {
            return;
        };
        if c.held || c.consult.is_some() {
            self.cmd(CallCommand::Loop(self.ctx.music.clone()));
            if let Some(leg) = leg
                && c.consult.as_ref().is_none_or(|k| k.leg.is_none())
            {
                // Nothing of the customer reaches the agent either.
                self.ctx.control.command(leg, CallCommand::Silence);
            }
            return;
        }
        self.cmd(CallCommand::MutePeer(c.muted));
        match leg {
            Some(leg) => self.ctx.control.bridge(&self.call_id, leg),
            None if c.muted => self.cmd(CallCommand::Silence),
            None => self.cmd(CallCommand::Loop(self.ctx.agent_tone.clone())),
        }
    }

    /// Rings an agent's phone for this call (an offer, or a consult).
    async fn ring(&self, id: i64, phone: &AgentPhone, agent: i64, dial_id: String) {
        self.fact(
            id,
            CallFact::AgentRinging {
                agent: model::AgentId(agent as u32),
                address: phone.address.to_string(),
            },
        )
        .await;
        let request = DialRequest {
            dial_id,
            caller_id: self.caller.clone(),
            number: phone.agent.clone(),
            target: phone.address,
            timers: DialTimers {
                ring_timeout_ms: phone.ring_timeout_s.unwrap_or(60) * 1_000,
                ..DialTimers::default()
            },
            destinations: None,
            auto_answer: phone.auto_answer,
        };
        let owner = self.owner_handle();
        let _ = self
            .ctx
            .to_dispatcher
            .send(ToDispatcher::Dial { request, owner });
    }

    /// Gives up a consult from the switch's side (the consulted phone failed,
    /// routing withdrew the offer): routing goes back to the first agent and
    /// `call.consult_cancelled` comes back as a note.
    async fn cancel_consult(&self, id: i64) {
        let op = Op::CallControl {
            interaction: id,
            by_agent: None,
            by: "switch".into(),
            action: crate::tenant::CallAction::ConsultCancel,
        };
        if let Err(e) = self.op(op).await {
            tracing::debug!(
                interaction = id,
                code = e.code,
                "sip: consult not cancelled"
            );
        }
    }

    /// The consulted agent takes the customer: the first agent's leg goes.
    async fn complete_consult(&self, id: i64, stage: &mut Stage, c: &mut Controls) {
        let Some(k) = c.consult.take() else { return };
        let Some(agent) = k.target else { return };
        if let Stage::Connected { leg: Some(old), .. } = &stage {
            self.ctx.control.command(old, CallCommand::Hangup);
        }
        *stage = Stage::Connected {
            agent,
            leg: k.leg.clone(),
        };
        c.held = false;
        c.muted = false;
        self.apply_controls(stage, c);
        self.fact(
            id,
            CallFact::Connected {
                agent: model::AgentId(agent as u32),
                agent_call_id: k.leg,
            },
        )
        .await;
    }

    /// Hangs up a consult's leg (or stops its ringing).
    fn drop_consult_leg(&self, k: &Consult) {
        match (&k.leg, &k.dial_id) {
            (Some(leg), _) => self.ctx.control.command(leg, CallCommand::Hangup),
            (None, Some(dial)) => self.ctx.control.cancel_dial(dial),
            _ => {}
        }
    }

    /// Position and estimated wait, then music again.
    async fn announce(&self, id: i64, language: &str) {
        let Ok(Ack::Position(Some((position, wait_s)))) = self.op(Op::Position(id)).await else {
            return;
        };
        let mut names = telephony::prompts::position(u64::from(position));
        names.extend(telephony::prompts::estimated_wait(wait_s as f64));
        if self.t.config.offer_callback {
            names.push(CALLBACK_OFFER.into());
        }
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompts(&names, language),
            then: Some(self.ctx.music.clone()),
        });
        self.fact(
            id,
            CallFact::Announced {
                position,
                estimated_wait_s: wait_s,
            },
        )
        .await;
    }

    /// Starts recording if the queue's policy says so (`asked_by`: an on-demand request).
    async fn record_by_policy(&self, id: i64, asked_by: Option<String>) -> Option<String> {
        record_by_policy(&self.ctx, &self.t, &self.call_id, id, asked_by).await
    }
}

/// Starts recording a call by its queue's policy (always; or on demand, when
/// someone asked): the file's path, after its `recording_started` fact.
async fn record_by_policy(
    ctx: &Ctx,
    t: &TenantCtx,
    call_id: &str,
    id: i64,
    asked_by: Option<String>,
) -> Option<String> {
    let policy = queue_policy(ctx, t, id).await;
    let by = match (policy, asked_by) {
        (RecordingPolicy::Always, None) => "always".to_owned(),
        (RecordingPolicy::Always | RecordingPolicy::OnDemand, Some(who)) => who,
        _ => return None,
    };
    let path = t.recordings.join(format!("{id}.wav"));
    ctx.control
        .command(call_id, CallCommand::Record(path.clone()));
    let path = path.display().to_string();
    let fact = CallFact::RecordingStarted {
        path: path.clone(),
        by,
    };
    if let Err(e) = t.handle.call(Op::CallFact(id, fact)).await {
        tracing::warn!(
            interaction = id,
            code = e.code,
            "sip: call fact not recorded"
        );
    }
    Some(path)
}

/// The recording policy of the interaction's queue.
async fn queue_policy(ctx: &Ctx, t: &TenantCtx, id: i64) -> RecordingPolicy {
    let rules = &t.config.recording;
    let default = rules.get("*").copied().unwrap_or_default();
    if rules.keys().all(|k| k == "*") {
        return default;
    }
    let queue_id = match ctx.store.interaction(&t.tenant, id).await {
        Ok(Some(v)) => v.queue_id,
        _ => None,
    };
    let Some(queue_id) = queue_id else {
        return default;
    };
    match t.handle.call(Op::Queues).await {
        Ok(Ack::Queues(list)) => list
            .iter()
            .find(|q| i64::from(q.id) == queue_id)
            .and_then(|q| rules.get(&q.name).copied())
            .unwrap_or(default),
        _ => default,
    }
}
