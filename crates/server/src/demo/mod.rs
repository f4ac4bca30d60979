//! The demo: a tenant with queues, skills, a routing plan, customers, human
//! and simulated agents, and simulated customers arriving in real time on
//! chat and voice ([`traffic`]). Everything goes through the tenant task like
//! API calls do, so the demo exercises the real path (engine, group commit,
//! live streams).
//!
//! Its traffic is sized to its agents: over its first hour the service level
//! meets the queues' target in each half hour and a few callers in a hundred
//! give up (measured by `tests/demo_health.rs`; figures in `docs/server.md`).
//!
//! Demo users' passwords are generated at first run, stored hashed in the
//! database, and written once to `DIR/demo-credentials.txt` (mode 0600) so the
//! next run can print them again. No other command creates a password.

pub mod traffic;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use traffic::{Traffic, simulate, start};

use crate::tenant::{Ack, Op, TenantHandle};
use crate::{AppState, auth, clock};

/// The demo tenant's name.
pub const DEMO_TENANT: &str = "demo";
/// Simulated agents.
pub const BOTS: usize = 6;
/// Mean seconds between two simulated arrivals, per channel (the
/// `demo --arrival-every-s` default).
pub const ARRIVAL_EVERY_S: f64 = 20.0;
/// Mean patience of a simulated caller, in seconds (exponential): with the
/// default arrivals about 5 in a hundred give up, as on a healthy floor
/// (at 120 s, 1 to 2 hours in 40 had fewer than 2 in a hundred; see
/// `tests/demo_health.rs`).
pub const PATIENCE_MEAN_S: f64 = 80.0;

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
    let done = configure(&h).await?;
    Ok(DemoInfo {
        tenant: t.name().into(),
        users,
        credentials_file,
        bots: done.bots,
    })
}

/// What [`configure`] made.
#[derive(Debug, Clone)]
pub struct Configured {
    /// The simulated agents' ids.
    pub bots: Vec<i64>,
    /// The demo campaign's id.
    pub campaign: i64,
}

/// Gives tenant `h` the demo's plan, agents, customers, desktop settings
/// and campaign (everything of the demo that lives in the tenant's log).
pub async fn configure(h: &TenantHandle) -> anyhow::Result<Configured> {
    call(h, Op::SetPlan(DEMO_PLAN.into())).await?;
    let bots = define_agents(h).await?;
    define_customers(h).await?;
    define_cases(h).await?;
    call(
        h,
        Op::SetSetting {
            name: crate::ui::settings::DESKTOP.into(),
            document: DEMO_DESKTOP.into(),
        },
    )
    .await?;
    let Ack::Id(campaign) = call(
        h,
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
        h,
        Op::AddContacts {
            campaign,
            contacts: demo_contacts(),
        },
    )
    .await?;
    Ok(Configured { bots, campaign })
}

fn skills(list: &[(&str, u8)]) -> Vec<(String, u8)> {
    list.iter().map(|(s, l)| (s.to_string(), *l)).collect()
}

/// The human agents (ana, ben) and the simulated ones; the latter's ids.
async fn define_agents(h: &TenantHandle) -> anyhow::Result<Vec<i64>> {
    for (name, sk, teams) in [
        ("ana", skills(&[("support", 8), ("sales", 4)]), None),
        (
            "ben",
            skills(&[("sales", 9), ("support", 3)]),
            Some(vec!["outbound".to_string()]),
        ),
    ] {
        let username = Some(name.to_string());
        let (id, name) = (None, name.into());
        let op = Op::DefineAgent {
            id,
            name,
            skills: sk,
            username,
            teams,
        };
        call(h, op).await?;
    }
    let mut bots = Vec::new();
    for i in 1..=BOTS {
        // The campaign's simulated agents take only its calls (an inbound
        // offer would leave an answered outbound call without its agent).
        let outbound = i > BOTS - CAMPAIGN_BOTS;
        let sk = if outbound {
            skills(&[("outbound", 5)])
        } else if i % 2 == 0 {
            skills(&[("support", 5), ("sales", 6)])
        } else {
            skills(&[("support", 7)])
        };
        let op = Op::DefineAgent {
            id: None,
            name: format!("bot-{i}"),
            skills: sk,
            username: None,
            teams: outbound.then(|| vec!["outbound".to_string()]),
        };
        if let Ack::Id(id) = call(h, op).await? {
            bots.push(id);
        }
    }
    Ok(bots)
}

/// The four customers, two of them with profile fields (a gold one, one
/// not to be called).
async fn define_customers(h: &TenantHandle) -> anyhow::Result<()> {
    for (name, phone, email) in [
        ("Eva Puig", "+34600000001", "eva@example.com"),
        ("Joan Soler", "+34600000002", "joan@example.com"),
        ("Petra Novak", "+420600000003", "petra@example.com"),
        ("Lucia Garcia", "+34600000004", "lucia@example.com"),
    ] {
        let op = Op::CreateCustomer {
            name: name.into(),
            phone: Some(phone.into()),
            email: Some(email.into()),
        };
        call(h, op).await?;
    }
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
        let fields = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let op = Op::Profile {
            customer,
            interaction: None,
            fields,
            by: "demo".into(),
        };
        call(h, op).await?;
    }
    Ok(())
}

/// Collections cases of the shipped type for three demo customers (one
/// with two debts, one with a promise to pay), to see on the cases page.
async fn define_cases(h: &TenantHandle) -> anyhow::Result<()> {
    use workflow::{Actor, Amount, Currency, NewCase, NewDebt, Origin, Role};
    let amount = |s: &str| Amount::parse(s).map_err(anyhow::Error::msg);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d");
    let by = Origin::Import("demo".into());
    for (customer, reference, name, currency, debts) in [
        (
            3,
            "CZ-2026-0042",
            "Petra Novak",
            "CZK",
            vec![
                ("12500.00", "350.00", "2026-01-31"),
                ("4200.00", "0.00", "2026-03-15"),
            ],
        ),
        (
            4,
            "ES-2026-0107",
            "Lucia Garcia",
            "EUR",
            vec![("640.00", "25.00", "2026-02-28")],
        ),
        (
            1,
            "ES-2026-0110",
            "Eva Puig",
            "EUR",
            vec![("180.00", "0.00", "2026-04-30")],
        ),
    ] {
        let cur = Currency::parse(currency).map_err(anyhow::Error::msg)?;
        let mut list = Vec::new();
        for (principal, fees, due) in debts {
            list.push(NewDebt {
                principal: amount(principal)?,
                fees: amount(fees)?,
                interest: Amount::ZERO,
                currency: cur,
                due_date: day(due)?,
                creditor: "Telco Demo S.A.".into(),
            });
        }
        let case = NewCase {
            reference: reference.into(),
            case_type: center::cases::SHIPPED_TYPE.into(),
            debtor: name.into(),
            currency: cur,
            owner: None,
            fields: Vec::new(),
            debts: list,
            by: by.clone(),
        };
        let create = center::cases::CaseCommand::Create {
            case: Box::new(case),
            customer: Some(customer),
            phone: None,
        };
        let Ack::Id(id) = call(h, Op::Case(Box::new(create))).await? else {
            anyhow::bail!("the demo case {reference} got no id");
        };
        if reference == "ES-2026-0107" {
            let today = chrono::DateTime::from_timestamp_millis(clock::now_ms())
                .unwrap_or_default()
                .date_naive();
            let promise = workflow::Input::Promise {
                case: workflow::CaseId(id as u64),
                amount: amount("300.00")?,
                due_date: today + chrono::Days::new(10),
                by: Actor::new("ana", Role::Agent),
            };
            let input = center::cases::CaseCommand::Input(Box::new(promise));
            call(h, Op::Case(Box::new(input))).await?;
        }
    }
    Ok(())
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
