//! The demo's simulated traffic: customers arriving on chat and voice who
//! give up when they wait too long, simulated agents answering the offers
//! made to them, and the simulated telephone network the demo campaign
//! dials into. Each goes through the tenant task like API calls do.
//!
//! All the randomness comes from one seed ([`Traffic::seed`]): under a
//! virtual clock (see `clock::follow_tokio`) the same seed gives the same
//! run, which is how `tests/demo_health.rs` measures the demo's figures.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use model::{Attributes, Channel, PhoneNumber};
use store::Sender;

use super::{ARRIVAL_EVERY_S, DEMO_CAMPAIGN, DemoInfo, PATIENCE_MEAN_S, call};
use crate::tenant::{Ack, NewInteractionReq, Op, TenantHandle};
use crate::{AppState, auth};

/// Seconds a simulated agent lets an offer ring before taking it (uniform).
pub const BOT_ANSWER_S: (f64, f64) = (1.0, 4.0);
/// Seconds from taking a contact to its first words (uniform).
pub const BOT_GREETING_S: (f64, f64) = (2.0, 5.0);
/// Seconds from those words to completing the contact (uniform); the
/// queue's wrap-up follows.
pub const BOT_TALK_S: (f64, f64) = (8.0, 30.0);

/// How the simulated traffic runs.
#[derive(Debug, Clone, Copy)]
pub struct Traffic {
    /// Mean seconds between two arrivals, per channel (exponential).
    pub arrival_every_s: f64,
    /// Mean patience of a caller, in seconds (exponential).
    pub patience_mean_s: f64,
    /// Where every random draw comes from.
    pub seed: u64,
}

impl Traffic {
    /// The demo's traffic from `seed`: arrivals every [`ARRIVAL_EVERY_S`]
    /// seconds per channel, callers patient [`PATIENCE_MEAN_S`] seconds.
    pub fn seeded(seed: u64) -> Traffic {
        Traffic {
            arrival_every_s: ARRIVAL_EVERY_S,
            patience_mean_s: PATIENCE_MEAN_S,
            seed,
        }
    }

    /// Arrivals every `arrival_every_s` seconds per channel, from a random seed.
    pub fn random(arrival_every_s: f64) -> Traffic {
        Traffic {
            arrival_every_s,
            ..Traffic::seeded(getrandom::u64().unwrap_or(0x2545_F491_4F6C_DD1D))
        }
    }
}

/// A small xorshift generator, seeded: the demo needs no quality, only repeatability.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    /// A generator from `seed` (mixed, so that near seeds give unrelated streams).
    fn seeded(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    /// A generator of its own for a task started from this one.
    fn fork(&mut self) -> Rng {
        Rng::seeded(self.next())
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
    let campaign = state
        .store
        .campaigns(&t)
        .await?
        .into_iter()
        .find(|c| c.name == DEMO_CAMPAIGN)
        .filter(|c| {
            matches!(
                c.state,
                model::outbound::CampaignState::Ready | model::outbound::CampaignState::Paused
            )
        })
        .map(|c| c.id);
    start(&h, &info.bots, campaign, Traffic::random(arrival_every_s)).await
}

/// Signs the simulated agents in, starts the arrivals, the agents and the
/// telephone network on tenant `h`, and starts `campaign` if given.
pub async fn start(
    h: &TenantHandle,
    bots: &[i64],
    campaign: Option<i64>,
    traffic: Traffic,
) -> anyhow::Result<()> {
    let mut rng = Rng::seeded(traffic.seed);
    for &b in bots {
        // Already signed in (a restart with the server's own log) is fine too.
        let _ = call(h, Op::SignIn(b, None)).await;
    }
    let bots: Arc<[i64]> = bots.into();
    tokio::spawn(bot_agents(h.clone(), bots.clone(), rng.fork()));
    for channel in [Channel::Voice, Channel::Chat] {
        tokio::spawn(arrivals(h.clone(), channel, traffic, rng.fork()));
    }
    // The campaign dials through a simulated telephone network.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    h.attach_line(tx)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    tokio::spawn(network(h.clone(), rx, bots, rng.fork()));
    if let Some(c) = campaign {
        call(h, Op::Campaign(c, center::outbound::CampaignCommand::Start)).await?;
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
    mut rng: Rng,
) {
    use center::outbound::LineOrder;
    use model::outbound::DialOutcome;
    let ended: Arc<std::sync::Mutex<std::collections::HashSet<u64>>> = Arc::default();
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
                        promise_amount: None,
                        promise_date: None,
                    })
                    .await;
            }
        });
    }
}

/// Customers arriving on `channel` as `traffic` says, each with a patience
/// of its own.
async fn arrivals(h: TenantHandle, channel: Channel, traffic: Traffic, mut rng: Rng) {
    let callers = [
        "+34600000001",
        "+34600000002",
        "+420600000003",
        "+34611111111",
        "+34622222222",
    ];
    let mut n = 0u64;
    loop {
        tokio::time::sleep(rng.exp_s(traffic.arrival_every_s)).await;
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
                tokio::spawn(give_up(h.clone(), id, rng.exp_s(traffic.patience_mean_s)));
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

/// The simulated agents: each offer made to one of them starts its work.
async fn bot_agents(h: TenantHandle, bots: Arc<[i64]>, mut rng: Rng) {
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
        tokio::spawn(bot_work(h.clone(), agent, interaction, rng.fork()));
    }
}

/// One simulated agent answering one offer: ring, talk, write back on chat, complete, disposition.
async fn bot_work(h: TenantHandle, agent: i64, interaction: i64, mut rng: Rng) {
    tokio::time::sleep(rng.range_s(BOT_ANSWER_S.0, BOT_ANSWER_S.1)).await;
    if h.call(Op::Accept(interaction, agent)).await.is_err() {
        return;
    }
    tokio::time::sleep(rng.range_s(BOT_GREETING_S.0, BOT_GREETING_S.1)).await;
    let _ = h
        .call(Op::Chat {
            interaction,
            sender: Sender::Agent,
            by_agent: Some(agent),
            secret_hash: None,
            body: format!("Hello, this is bot-{agent}. Let me check that for you."),
        })
        .await;
    tokio::time::sleep(rng.range_s(BOT_TALK_S.0, BOT_TALK_S.1)).await;
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
                promise_amount: None,
                promise_date: None,
            })
            .await;
    }
}
