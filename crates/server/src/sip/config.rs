//! The switch's settings (`--sip-config FILE`): the switch's own
//! ([`SipConfig`]), each tenant's ([`TenantSip`]: numbers, IVR, agents'
//! phones, recording policies, trunk), and the IVR a tenant gets by default.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use serde::Deserialize;

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
    /// `[[trunk_credentials]] source = "…", username = "…", password = "…"`,
    /// the password sealed (`sealed:v1:…`, from `centralita secret seal`);
    /// one in the clear still works, with a warning.
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
