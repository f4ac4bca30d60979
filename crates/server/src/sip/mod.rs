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
//!
//! The modules: `config` (the settings and their public types), `dispatch`
//! (routing facts and switch events to the call tasks), `call` (an inbound
//! customer's call, phase by phase), `outbound` (calls placed through the
//! switch with an agent to bridge), `dialer` (each tenant's dialer line),
//! `recording` (recording by queue policy); this file starts it all.

mod call;
mod config;
mod dialer;
mod dispatch;
mod outbound;
mod recording;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use store::Tenant;
use telephony::ivr::Ivr;
use telephony::switch::{AdmissionPolicy, FlowConfig, Switch, SwitchConfig, SwitchControl};
use tokio::sync::mpsc;

pub use config::{AgentPhone, DEFAULT_IVR, RecordingPolicy, SipConfig, TenantSip};
pub use outbound::{CONNECT_WITHIN, Outbound, OutboundResult};

use crate::AppState;
use crate::tenant::TenantHandle;
use dispatch::ToDispatcher;

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

/// One tenant's telephony, as its calls need it.
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

/// What every call task shares: the switch, the dispatcher, the audio.
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
    let mut config = config;
    // Trunk passwords are kept sealed in the settings file (`centralita secret seal`).
    for c in &mut config.trunk_credentials {
        let what = format!("trunk_credentials {} password", c.source);
        c.password = state
            .secrets
            .open_config(&what, &c.password)
            .map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    }
    let recordings = config
        .recordings
        .clone()
        .unwrap_or_else(|| data.join("recordings"));
    let mut tenants = Vec::new();
    // Retention sweepers, started once the switch listens.
    let mut sweeps = Vec::new();
    for ts in &config.tenant {
        let (t, sweep) = tenant_ctx(state, ts, &config, &recordings).await?;
        tenants.push(Arc::new(t));
        sweeps.extend(sweep);
    }
    let switch = Switch::start(switch_config(listen, &config))
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
        if let Some(trunk) = t.config.trunk {
            let (tx, rx) = mpsc::unbounded_channel();
            t.handle
                .attach_line(tx)
                .await
                .map_err(|e| anyhow::anyhow!("sip: tenant {}: {}", t.tenant.name(), e.message))?;
            tokio::spawn(dialer::dialer_line(ctx.clone(), t.clone(), trunk, rx));
        }
    }
    let outbound = Outbound { ctx: ctx.clone() };
    tokio::spawn(dispatch::dispatch(ctx, tenants, switch, rx));
    for sweep in sweeps {
        tokio::spawn(sweep);
    }
    Ok(SipRunning {
        sip_addr,
        recordings,
        outbound,
    })
}

/// A tenant's telephony from its settings (its IVR, its agents' phones, its
/// recordings' directory, created), and its retention sweeper if it has one.
async fn tenant_ctx(
    state: &AppState,
    ts: &TenantSip,
    config: &SipConfig,
    recordings: &Path,
) -> anyhow::Result<(TenantCtx, Option<impl Future<Output = ()> + use<>>)> {
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
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut sweep = None;
    if let Some(days) = ts.recording_retention_days {
        crate::retention::check_days(&ts.name, days)?;
        let every = config
            .retention_sweep_every_s
            .map(|s| Duration::from_secs(s.max(1)))
            .unwrap_or(crate::retention::SWEEP_EVERY_DEFAULT);
        sweep = Some(crate::retention::run(
            handle.clone(),
            dir.clone(),
            days,
            every,
        ));
    }
    let t = TenantCtx {
        handle,
        language: ts.language.clone().unwrap_or_else(|| "en".into()),
        config: ts.clone(),
        ivr,
        phones,
        recordings: dir,
        tenant,
    };
    Ok((t, sweep))
}

/// The switch's settings: who may send calls, how many, the numbers taken.
fn switch_config(listen: SocketAddr, config: &SipConfig) -> SwitchConfig {
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
    SwitchConfig {
        sip_addr: listen,
        rtp_ip,
        admission: AdmissionPolicy {
            allowed_sources: trunks,
            max_calls: config.max_calls.unwrap_or(1_000),
            max_calls_per_second: config.calls_per_second.unwrap_or(100),
            // A number no tenant takes gets the answer a stranger gets.
            numbers: numbers(config),
            trunk_credentials: config.trunk_credentials.clone(),
        },
        recordings_dir: None,
        flow: FlowConfig {
            controlled: true,
            record: false,
            max_duration_ms: 4 * 3_600_000,
            ..FlowConfig::default()
        },
    }
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
