//! The demo: a tenant with queues, skills, a routing plan, customers, human
//! and simulated agents, and simulated customers arriving in real time on
//! chat and voice. Everything goes through the tenant task like API calls do,
//! so the demo exercises the real path (engine, group commit, live streams).
//!
//! Demo users' passwords are generated at first run, stored hashed in the
//! database, and written once to `DIR/demo-credentials.txt` (mode 0600) so the
//! next run can print them again. No other command creates a password.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use model::{Attributes, Channel, PhoneNumber};
use store::Sender;

use crate::tenant::{Ack, NewInteractionReq, Op, TenantHandle};
use crate::{AppState, auth, clock};

/// The demo tenant's name.
pub const DEMO_TENANT: &str = "demo";
/// Simulated agents.
pub const BOTS: usize = 6;
/// Mean patience of a simulated caller, in seconds (exponential): with the
/// default arrivals a few in a hundred give up, as on a healthy floor.
pub const PATIENCE_MEAN_S: f64 = 120.0;

/// The demo's routing plan: three queues, one with business hours, and rules.
pub const DEMO_PLAN: &str = r#"# Demo routing plan: support by default, sales by line, VIPs first.
time_zone = "Europe/Madrid"
default_queue = "support"

[[queue]]
name = "support"
strategy = "longest_idle"
wrap_up_s = 3
ring_timeout_s = 15

[[queue]]
name = "sales"
strategy = "most_skilled"
wrap_up_s = 3
hours = { weekly = { mon-sun = "00:00-24:00" }, closed = "voicemail" }

[[queue]]
name = "vip"
skill = "support"
priority = 50
aging_per_min = 10

[[queue]]
name = "outbound"
strategy = "longest_idle"
wrap_up_s = 3

[[rule]]
name = "sales-line"
when = { dialled_number = ["900100200"] }
then = { queue = "sales" }

[[rule]]
name = "gold-customers"
when = { value_tier = ["gold"] }
then = { queue = "vip" }
"#;

/// The demo's desktop settings: reason codes, dispositions, scripts with
/// profiling questions (see `ui::settings`).
pub const DEMO_DESKTOP: &str = r#"reasons = ["break", "lunch", "training", "meeting"]

[[disposition]]
code = "resolved"

[[disposition]]
code = "follow_up"

[[disposition]]
code = "sale"

[[disposition]]
code = "callback"
effect = "callback"

[[disposition]]
code = "do_not_call"
effect = "do_not_call"

[[disposition]]
code = "refusal"

[[disposition]]
code = "interested"

[[disposition]]
code = "annoyed"

[[disposition]]
code = "wrong_number"

[[queue]]
name = "support"
dispositions = ["resolved", "follow_up", "callback", "do_not_call"]
script = [
  "Greet the customer by name and introduce yourself.",
  "Confirm what they already told us (see the screen pop); do not ask again.",
  "Solve it, or agree on the next step and a callback time.",
]

[[queue.question]]
field = "contract"
label = "Which contract do you have?"
options = ["prepaid", "postpaid", "business"]

[[queue.question]]
field = "preferred_channel"
label = "How do you prefer us to contact you?"
options = ["phone", "email", "chat"]

[[queue]]
name = "sales"
dispositions = ["sale", "follow_up", "callback", "do_not_call"]
script = ["Greet the customer.", "Ask what they need.", "Offer the plan that fits."]

[[queue.question]]
field = "budget"
label = "What monthly budget do you have in mind?"

[[queue]]
name = "outbound"
dispositions = ["sale", "refusal", "interested", "callback", "annoyed", "wrong_number", "do_not_call"]
script = [
  "Greet the customer by name: this is a call about renewing their contract.",
  "Offer the renewal with this month's discount.",
  "Record the answer; if they ask not to be called again, use do_not_call.",
]

[[queue]]
name = "vip"
script = ["Greet the customer by name: they are one of our best customers.", "Solve it first time."]
"#;

/// The demo's telephony (`demo --sip ADDR`): any dialled number reaches the
/// demo tenant's IVR (language, then billing → sales, support → support,
/// 9 → a callback); announcements every 20 s; calls recorded when an agent
/// takes them (sales only on demand). The simulated agents take calls
/// without a phone; `--sip-config FILE` can give human agents phones.
pub const DEMO_SIP: &str = r#"[[tenant]]
name = "demo"
numbers = ["*"]
announce_every_s = 20
ivr = '''
entry = "welcome"

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
on_fail = { queue = "support" }
[menu.choices]
"1" = { queue = "sales", set = { topic = "billing" } }
"2" = { queue = "support", set = { topic = "technical" } }
"9" = { callback = true }
'''

[tenant.recording]
"*" = "always"
sales = "on_demand"
"#;

/// What the demo set up.
#[derive(Debug, Clone)]
pub struct DemoInfo {
    /// Tenant name.
    pub tenant: String,
    /// (user, role, password).
    pub users: Vec<(String, String, String)>,
    /// Where the passwords are kept.
    pub credentials_file: PathBuf,
    /// The simulated agents' ids.
    pub bots: Vec<i64>,
}

/// The demo's outbound campaign.
pub const DEMO_CAMPAIGN: &str = "renewals";
/// Simulated agents (the last ones) and humans (ben) on the campaign's team.
pub const CAMPAIGN_BOTS: usize = 2;
/// Generated contacts of the demo campaign (besides the four customers).
pub const CAMPAIGN_CONTACTS: usize = 300;

/// The demo campaign's settings: predictive, Spanish caller id and zone.
fn demo_campaign() -> center::outbound::CampaignDoc {
    center::outbound::CampaignDoc {
        mode: "predictive".into(),
        ratio: None,
        queue: "outbound".into(),
        team: "outbound".into(),
        caller_id: "+34900100300".into(),
        country_code: Some(34),
        time_zone: Some("Europe/Madrid".into()),
        ring_timeout_s: Some(20),
        max_abandon_rate: None,
        preview_countdown_s: None,
        consent_purpose: None,
        windows: Default::default(),
        dispositions: Vec::new(),
    }
}

/// The demo campaign's contacts: the four customers, then numbers in Spain,
/// the United States (four zones) and the United Kingdom, so that some are
/// inside their calling window at most hours of the week.
fn demo_contacts() -> Vec<center::outbound::ContactReq> {
    let mut list: Vec<center::outbound::ContactReq> = [
        ("Eva Puig", "+34600000001"),
        ("Joan Soler", "+34600000002"),
        ("Petra Novak", "+420600000003"),
        ("Lucia Garcia", "+34600000004"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, phone))| center::outbound::ContactReq {
        name: Some((*name).into()),
        customer_id: Some(i as i64 + 1),
        phones: vec![(*phone).into()],
    })
    .collect();
    let areas = [
        "+34611", "+1212555", "+1312555", "+1213555", "+1808555", "+447700",
    ];
    for i in 0..CAMPAIGN_CONTACTS {
        let prefix = areas[i % areas.len()];
        let digits = if prefix.starts_with("+1") { 4 } else { 6 };
        list.push(center::outbound::ContactReq {
            name: Some(format!("Contact {}", i + 1)),
            customer_id: None,
            phones: vec![format!("{prefix}{:0digits$}", 1000 + i)],
        });
    }
    list
}

/// A small xorshift generator: the demo's randomness needs no quality or seed control.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        Rng(getrandom::u64().unwrap_or(0x2545_F491_4F6C_DD1D) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range_s(&mut self, lo: f64, hi: f64) -> Duration {
        Duration::from_secs_f64(lo + (hi - lo) * self.unit())
    }
    fn exp_s(&mut self, mean: f64) -> Duration {
        Duration::from_secs_f64(-mean * (1.0 - self.unit()).ln())
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

async fn call(h: &TenantHandle, op: Op) -> anyhow::Result<Ack> {
    h.call(op)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))
}

/// Creates the demo tenant on first run; on later runs finds it again.
pub async fn setup(state: &AppState, data: &Path) -> anyhow::Result<DemoInfo> {
    let credentials_file = data.join("demo-credentials.txt");
    std::fs::create_dir_all(data)?;
    if let Some(t) = state.store.tenant_by_name(DEMO_TENANT).await? {
        let text = std::fs::read_to_string(&credentials_file).unwrap_or_default();
        let users = text
            .lines()
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                Some((it.next()?.into(), it.next()?.into(), it.next()?.into()))
            })
            .collect();
        let bots = state
            .store
            .agents(&t)
            .await?
            .into_iter()
            .filter(|a| a.name.starts_with("bot-"))
            .map(|a| a.id)
            .collect();
        return Ok(DemoInfo {
            tenant: t.name().into(),
            users,
            credentials_file,
            bots,
        });
    }
    let now = clock::now_ms();
    let t = state.store.create_tenant(DEMO_TENANT, now).await?;
    let mut users = Vec::new();
    for (name, role) in [
        ("admin", "admin"),
        ("supervisor", "supervisor"),
        ("ana", "agent"),
        ("ben", "agent"),
        ("analyst", "analyst"),
        ("client", "client"),
    ] {
        let password = auth::random_hex(10);
        state
            .store
            .create_user(&t, name, &auth::hash_password(&password)?, role, now)
            .await?;
        users.push((name.to_string(), role.to_string(), password));
    }
    let text: String = users
        .iter()
        .map(|(u, r, p)| format!("{u} {r} {p}\n"))
        .collect();
    write_private(&credentials_file, &text)?;
    let h = state
        .hub
        .tenant(&t)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    call(&h, Op::SetPlan(DEMO_PLAN.into())).await?;
    let skills = |list: &[(&str, u8)]| {
        list.iter()
            .map(|(s, l)| (s.to_string(), *l))
            .collect::<Vec<_>>()
    };
    for (name, user, sk, teams) in [
        (
            "ana",
            Some("ana"),
            skills(&[("support", 8), ("sales", 4)]),
            None,
        ),
        (
            "ben",
            Some("ben"),
            skills(&[("sales", 9), ("support", 3)]),
            Some(vec!["outbound".to_string()]),
        ),
    ] {
        call(
            &h,
            Op::DefineAgent {
                id: None,
                name: name.into(),
                skills: sk,
                username: user.map(str::to_string),
                teams,
            },
        )
        .await?;
    }
    let mut bots = Vec::new();
    for i in 1..=BOTS {
        // The campaign's simulated agents take only its calls (an inbound
        // offer would leave an answered outbound call without its agent).
        let sk = if i > BOTS - CAMPAIGN_BOTS {
            skills(&[("outbound", 5)])
        } else if i % 2 == 0 {
            skills(&[("support", 5), ("sales", 6)])
        } else {
            skills(&[("support", 7)])
        };
        if let Ack::Id(id) = call(
            &h,
            Op::DefineAgent {
                id: None,
                name: format!("bot-{i}"),
                skills: sk,
                username: None,
                teams: (i > BOTS - CAMPAIGN_BOTS).then(|| vec!["outbound".to_string()]),
            },
        )
        .await?
        {
            bots.push(id);
        }
    }
    for (name, phone, email) in [
        ("Eva Puig", "+34600000001", "eva@example.com"),
        ("Joan Soler", "+34600000002", "joan@example.com"),
        ("Petra Novak", "+420600000003", "petra@example.com"),
        ("Lucia Garcia", "+34600000004", "lucia@example.com"),
    ] {
        call(
            &h,
            Op::CreateCustomer {
                name: name.into(),
                phone: Some(phone.into()),
                email: Some(email.into()),
            },
        )
        .await?;
    }
    call(
        &h,
        Op::SetSetting {
            name: crate::ui::settings::DESKTOP.into(),
            document: DEMO_DESKTOP.into(),
        },
    )
    .await?;
    for (customer, fields) in [
        (
            1,
            vec![
                ("value_tier", "gold"),
                ("consent", "marketing: yes (web form)"),
            ],
        ),
        (2, vec![("value_tier", "silver"), ("do_not_call", "yes")]),
    ] {
        call(
            &h,
            Op::Profile {
                customer,
                interaction: None,
                fields: fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                by: "demo".into(),
            },
        )
        .await?;
    }
    let Ack::Id(campaign) = call(
        &h,
        Op::DefineCampaign {
            name: DEMO_CAMPAIGN.into(),
            doc: demo_campaign(),
        },
    )
    .await?
    else {
        anyhow::bail!("the demo campaign got no id");
    };
    call(
        &h,
        Op::AddContacts {
            campaign,
            contacts: demo_contacts(),
        },
    )
    .await?;
    Ok(DemoInfo {
        tenant: t.name().into(),
        users,
        credentials_file,
        bots,
    })
}

/// Starts the simulated customers and agents (they run until the process ends).
pub async fn simulate(
    state: &AppState,
    info: &DemoInfo,
    arrival_every_s: f64,
) -> anyhow::Result<()> {
    let t = state
        .store
        .tenant_by_name(&info.tenant)
        .await?
        .context("the demo tenant is gone")?;
    let h = state
        .hub
        .tenant(&t)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?;
    for &b in &info.bots {
        // Already signed in (a restart with the server's own log) is fine too.
        let _ = call(&h, Op::SignIn(b, None)).await;
    }
    let bots: Arc<[i64]> = info.bots.clone().into();
    tokio::spawn(bot_agents(h.clone(), bots.clone()));
    for channel in [Channel::Voice, Channel::Chat] {
        tokio::spawn(arrivals(h.clone(), channel, arrival_every_s));
    }
    // The campaign dials through a simulated telephone network.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    h.attach_line(tx)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    tokio::spawn(network(h.clone(), rx, bots));
    if let Some(c) = state
        .store
        .campaigns(&t)
        .await?
        .into_iter()
        .find(|c| c.name == DEMO_CAMPAIGN)
        && matches!(
            c.state,
            model::outbound::CampaignState::Ready | model::outbound::CampaignState::Paused
        )
    {
        call(
            &h,
            Op::Campaign(c.id, center::outbound::CampaignCommand::Start),
        )
        .await?;
    }
    Ok(())
}

/// The simulated telephone network the demo campaign dials into: of every
/// 100 calls about 30 are answered by a person, 10 busy, 45 not answered,
/// 10 answered by a machine, 5 fail. A simulated agent talks 10–40 s, hangs
/// up and records a disposition; with a human agent the callee hangs up
/// after 20–90 s unless the agent ends the call first.
async fn network(
    h: TenantHandle,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<center::outbound::LineOrder>,
    bots: Arc<[i64]>,
) {
    use center::outbound::LineOrder;
    use model::outbound::DialOutcome;
    let ended: Arc<std::sync::Mutex<std::collections::HashSet<u64>>> = Arc::default();
    let mut rng = Rng::new();
    while let Some(order) = rx.recv().await {
        let d = match order {
            LineOrder::Dial(d) => d,
            LineOrder::Hangup { attempt } => {
                ended.lock().expect("ended calls").insert(attempt);
                continue;
            }
        };
        let x = rng.unit();
        let (outcome, ring) = if x < 0.30 {
            (DialOutcome::LiveAnswer, rng.range_s(3.0, 12.0))
        } else if x < 0.40 {
            (DialOutcome::Busy, rng.range_s(1.0, 3.0))
        } else if x < 0.85 {
            (
                DialOutcome::NoAnswer,
                Duration::from_millis(d.ring_timeout_ms),
            )
        } else if x < 0.95 {
            (DialOutcome::Machine, rng.range_s(4.0, 15.0))
        } else {
            (DialOutcome::Failed, rng.range_s(0.5, 2.0))
        };
        let talk = rng.range_s(10.0, 40.0);
        let human_talk = rng.range_s(20.0, 90.0);
        let code = [
            "sale",
            "refusal",
            "refusal",
            "interested",
            "callback",
            "annoyed",
        ][(rng.next() % 6) as usize];
        let (h, bots, ended) = (h.clone(), bots.clone(), ended.clone());
        tokio::spawn(async move {
            tokio::time::sleep(ring).await;
            let attempt = d.attempt.0;
            let res = h
                .call(Op::DialResult {
                    attempt,
                    outcome,
                    ring_ms: ring.as_millis() as u64,
                })
                .await;
            let Ok(Ack::Answered(center::outbound::Answered {
                offered: Some((interaction, agent)),
            })) = res
            else {
                return;
            };
            // The agent's desktop answers by itself (no phone to ring here).
            if h.call(Op::OutboundBridged(attempt)).await.is_err() {
                return;
            }
            let bot = bots.contains(&agent);
            tokio::time::sleep(if bot { talk } else { human_talk }).await;
            if ended.lock().expect("ended calls").remove(&attempt) {
                return;
            }
            let _ = h.call(Op::OutboundHangup(attempt)).await;
            if bot {
                tokio::time::sleep(Duration::from_secs(2)).await;
                let _ = h
                    .call(Op::Disposition {
                        interaction,
                        code: code.into(),
                        by_agent: Some(agent),
                        by: format!("bot-{agent}"),
                        new_phone: None,
                        callback_at_ms: None,
                        resolved: None,
                    })
                    .await;
            }
        });
    }
}

async fn arrivals(h: TenantHandle, channel: Channel, every_s: f64) {
    let mut rng = Rng::new();
    let callers = [
        "+34600000001",
        "+34600000002",
        "+420600000003",
        "+34611111111",
        "+34622222222",
    ];
    let mut n = 0u64;
    loop {
        tokio::time::sleep(rng.exp_s(every_s)).await;
        n += 1;
        let caller = callers[(rng.next() % callers.len() as u64) as usize];
        let line = if rng.unit() < 0.3 {
            "900100200"
        } else {
            "900100100"
        };
        let gold = rng.unit() < 0.1;
        let attributes = Attributes {
            caller_number: PhoneNumber::parse(caller).ok(),
            dialled_number: PhoneNumber::parse(line).ok(),
            value_tier: if gold {
                model::ValueTier::parse("gold").ok()
            } else {
                None
            },
            ..Attributes::default()
        };
        let secret = auth::random_hex(8);
        let req = NewInteractionReq {
            channel,
            queue: None,
            priority: 0,
            attributes,
            customer: None,
            subject: Some(format!("demo {} #{n}", channel.as_str())),
            idempotency_key: None,
            chat_secret_hash: (channel == Channel::Chat).then(|| auth::secret_hash(&secret)),
        };
        match h.call(Op::Create(Box::new(req))).await {
            Ok(Ack::Interaction { id, .. }) => {
                tokio::spawn(give_up(h.clone(), id, rng.exp_s(PATIENCE_MEAN_S)));
                if channel == Channel::Chat {
                    let _ = h
                        .call(Op::Chat {
                            interaction: id,
                            sender: Sender::Customer,
                            by_agent: None,
                            secret_hash: Some(auth::secret_hash(&secret)),
                            body: "Hello, I have a question about my bill.".into(),
                        })
                        .await;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code, message = %e.message, "demo arrival refused"),
        }
    }
}

/// A simulated caller's patience: one still waiting after it hangs up
/// (refused, and so nothing, once an agent took the call).
async fn give_up(h: TenantHandle, interaction: i64, patience: Duration) {
    tokio::time::sleep(patience).await;
    let _ = h.call(Op::Abandon(interaction)).await;
}

async fn bot_agents(h: TenantHandle, bots: Arc<[i64]>) {
    let mut rx = h.events.subscribe();
    loop {
        let ev = match rx.recv().await {
            Ok(ev) => ev,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return,
        };
        let store::Fact::Routing { event } = &ev.fact else {
            continue;
        };
        let model::event::EventKind::Offered {
            interaction, agent, ..
        } = &event.kind
        else {
            continue;
        };
        let (interaction, agent) = (interaction.0 as i64, i64::from(agent.0));
        if !bots.contains(&agent) {
            continue;
        }
        tokio::spawn(bot_work(h.clone(), agent, interaction));
    }
}

/// One simulated agent answering one offer: ring, talk, write back on chat, complete, disposition.
async fn bot_work(h: TenantHandle, agent: i64, interaction: i64) {
    let mut rng = Rng::new();
    tokio::time::sleep(rng.range_s(1.0, 4.0)).await;
    if h.call(Op::Accept(interaction, agent)).await.is_err() {
        return;
    }
    tokio::time::sleep(rng.range_s(2.0, 5.0)).await;
    let _ = h
        .call(Op::Chat {
            interaction,
            sender: Sender::Agent,
            by_agent: Some(agent),
            secret_hash: None,
            body: format!("Hello, this is bot-{agent}. Let me check that for you."),
        })
        .await;
    tokio::time::sleep(rng.range_s(8.0, 30.0)).await;
    if h.call(Op::Complete(interaction, Some(agent))).await.is_ok() {
        let code = ["resolved", "resolved", "follow_up", "sale"][(rng.next() % 4) as usize];
        let _ = h
            .call(Op::Disposition {
                interaction,
                code: code.into(),
                by_agent: Some(agent),
                by: format!("bot-{agent}"),
                new_phone: None,
                callback_at_ms: None,
                resolved: None,
            })
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_telephony_parses() {
        let c = crate::sip::SipConfig::from_toml(DEMO_SIP).unwrap();
        let ivr = c.tenant[0].ivr.as_deref().unwrap();
        telephony::ivr::Ivr::from_text("demo.ivr", ivr).unwrap();
        telephony::ivr::Ivr::from_text("default.ivr", crate::sip::DEFAULT_IVR).unwrap();
    }

    #[test]
    fn the_demo_plan_compiles() {
        let (names, queues, plan) = crate::tenant::compile_plan(DEMO_PLAN, None).unwrap();
        assert_eq!(queues.len(), 4);
        assert_eq!(plan.rules.len(), 2);
        assert!(names.queue("sales").is_some());
    }

    #[test]
    fn the_demo_campaign_compiles_and_its_contacts_are_numbers() {
        demo_campaign().compile(1, DEMO_CAMPAIGN).unwrap();
        let contacts = demo_contacts();
        assert_eq!(contacts.len(), CAMPAIGN_CONTACTS + 4);
        for c in &contacts {
            for p in &c.phones {
                assert!(dialer::consent::to_e164(p, 34).is_some(), "{p}");
            }
        }
    }

    #[test]
    fn the_demo_desktop_settings_parse() {
        let s = crate::ui::settings::DesktopSettings::parse(DEMO_DESKTOP).unwrap();
        assert_eq!(s.queue("support").unwrap().questions.len(), 2);
    }
}
