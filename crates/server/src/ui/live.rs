//! Today's live figures of a tenant, computed from its log: per queue the
//! waits, answers and abandons (service level, ASA, abandon rate, longest
//! wait), per agent the time of its last state change, its current
//! interaction and its contacts today, and when each offer was made.
//!
//! It is a projection kept in memory and brought up to date on every read
//! (the facts after the last one seen are read from the log), so a page that
//! was told "something changed" by its live stream always sees that change.
//! At midnight UTC the day's counters start again.

use std::collections::HashMap;
use std::sync::Arc;

use model::event::{AgentState, EventKind, FinalOutcome};
use store::{Fact, Tenant};
use tokio::sync::Mutex;

use crate::AppState;
use crate::error::ApiResult;

/// Facts read per query while catching up.
const PAGE: i64 = 1_000;
/// A day, in milliseconds.
const DAY_MS: i64 = 24 * 3600 * 1000;
/// The recent window for service level, in milliseconds.
pub const RECENT_MS: i64 = 30 * 60 * 1000;

/// Live figures per tenant id.
pub type LiveMap = Mutex<HashMap<i64, Arc<Mutex<Live>>>>;

/// One interaction of today, as far as the figures need it.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// The queue it waits or waited in.
    pub queue: Option<u32>,
    /// When it first started waiting (Unix ms).
    pub queued_at: Option<i64>,
    /// When an agent accepted it.
    pub answered_at: Option<i64>,
    /// When it ended.
    pub ended_at: Option<i64>,
    /// Whether the customer gave up waiting.
    pub abandoned: bool,
    /// The agent it is offered to, and since when.
    pub offered: Option<(i64, i64)>,
}

/// An agent's live facts.
#[derive(Debug, Clone, Default)]
pub struct AgentLive {
    /// When its state last changed (Unix ms; 0 when not today).
    pub since: i64,
    /// The interaction it is handling.
    pub current: Option<i64>,
    /// Interactions it accepted today.
    pub contacts_today: u32,
}

/// The figures of one tenant.
#[derive(Debug, Default)]
pub struct Live {
    /// The day counted (Unix ms of its midnight UTC).
    pub day_ms: i64,
    /// The last fact applied.
    pub seq: i64,
    /// Today's interactions by id.
    pub contacts: HashMap<i64, Contact>,
    /// Agents by id.
    pub agents: HashMap<i64, AgentLive>,
}

/// A queue's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFigures {
    /// Waiting now (not answered, not ended).
    pub waiting: u32,
    /// The longest current wait, in seconds.
    pub longest_wait_s: f64,
    /// Answered within the threshold / (answered + abandoned), today.
    pub sl_today: Option<f64>,
    /// The same over the last 30 minutes.
    pub sl_recent: Option<f64>,
    /// Mean wait of answered interactions today, in seconds.
    pub asa_s: Option<f64>,
    /// Abandoned / (answered + abandoned), today.
    pub abandon_rate: Option<f64>,
    /// Answered today.
    pub answered: u32,
    /// Abandoned today.
    pub abandoned: u32,
}

fn c(live: &mut Live, i: u64) -> &mut Contact {
    live.contacts.entry(i as i64).or_default()
}

impl Live {
    fn apply(&mut self, at: i64, fact: &Fact) {
        let Fact::Routing { event } = fact else {
            return;
        };
        match &event.kind {
            EventKind::InteractionQueued {
                interaction, queue, ..
            } => {
                let e = c(self, interaction.0);
                e.queue = Some(queue.0);
                e.queued_at.get_or_insert(at);
                e.offered = None;
            }
            EventKind::Overflowed {
                interaction, to, ..
            } => c(self, interaction.0).queue = Some(to.0),
            EventKind::Offered {
                interaction, agent, ..
            } => c(self, interaction.0).offered = Some((i64::from(agent.0), at)),
            EventKind::Rejected { interaction, .. }
            | EventKind::OfferTimedOut { interaction, .. }
            | EventKind::OfferRevoked { interaction, .. } => c(self, interaction.0).offered = None,
            EventKind::Accepted { interaction, agent } => {
                let e = c(self, interaction.0);
                e.offered = None;
                e.answered_at.get_or_insert(at);
                let a = self.agents.entry(i64::from(agent.0)).or_default();
                a.current = Some(interaction.0 as i64);
                a.contacts_today += 1;
            }
            EventKind::Transferred {
                interaction,
                from_agent,
                ..
            } => {
                let a = self.agents.entry(i64::from(from_agent.0)).or_default();
                if a.current == Some(interaction.0 as i64) {
                    a.current = None;
                }
            }
            EventKind::Ended {
                interaction,
                outcome,
                ..
            } => {
                let id = interaction.0 as i64;
                let e = c(self, interaction.0);
                e.ended_at = Some(at);
                e.offered = None;
                e.abandoned = *outcome == FinalOutcome::Abandoned && e.answered_at.is_none();
                for a in self.agents.values_mut() {
                    if a.current == Some(id) {
                        a.current = None;
                    }
                }
            }
            EventKind::AgentStateChanged { agent, state } => {
                let a = self.agents.entry(i64::from(agent.0)).or_default();
                a.since = at;
                if matches!(state, AgentState::Offline | AgentState::Available) {
                    a.current = None;
                }
            }
            _ => {}
        }
    }

    /// The figures of a queue at `now_ms`, with its service-level threshold.
    pub fn queue(&self, queue: u32, threshold_s: u64, now_ms: i64) -> QueueFigures {
        let mut f = QueueFigures::default();
        let threshold_ms = threshold_s as i64 * 1000;
        let (mut in_sl, mut total) = (0u32, 0u32);
        let (mut in_sl_recent, mut total_recent) = (0u32, 0u32);
        let mut wait_sum_ms = 0i64;
        for c in self.contacts.values().filter(|c| c.queue == Some(queue)) {
            let Some(q) = c.queued_at else { continue };
            if let Some(a) = c.answered_at {
                f.answered += 1;
                total += 1;
                wait_sum_ms += a - q;
                let ok = a - q <= threshold_ms;
                in_sl += u32::from(ok);
                if now_ms - a <= RECENT_MS {
                    total_recent += 1;
                    in_sl_recent += u32::from(ok);
                }
            } else if c.abandoned {
                f.abandoned += 1;
                total += 1;
                if c.ended_at.is_some_and(|e| now_ms - e <= RECENT_MS) {
                    total_recent += 1;
                }
            } else if c.ended_at.is_none() {
                f.waiting += 1;
                f.longest_wait_s = f.longest_wait_s.max((now_ms - q) as f64 / 1000.0);
            }
        }
        let ratio = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
        f.sl_today = ratio(in_sl, total);
        f.sl_recent = ratio(in_sl_recent, total_recent);
        f.abandon_rate = ratio(f.abandoned, total);
        f.asa_s = (f.answered > 0).then(|| wait_sum_ms as f64 / 1000.0 / f64::from(f.answered));
        f
    }

    /// Interactions waiting now (not answered, not ended), oldest first.
    pub fn waiting(&self) -> Vec<(i64, &Contact)> {
        let mut v: Vec<_> = self
            .contacts
            .iter()
            .filter(|(_, c)| {
                c.queued_at.is_some() && c.answered_at.is_none() && c.ended_at.is_none()
            })
            .map(|(id, c)| (*id, c))
            .collect();
        v.sort_by_key(|(id, c)| (c.queued_at, *id));
        v
    }
}

/// Brings the tenant's figures up to date and runs `f` over them.
pub async fn with<R>(
    st: &AppState,
    t: &Tenant,
    now_ms: i64,
    f: impl FnOnce(&Live) -> R,
) -> ApiResult<R> {
    let cell = {
        let mut map = st.ui.live.lock().await;
        map.entry(t.id()).or_default().clone()
    };
    let mut live = cell.lock().await;
    let day = now_ms - now_ms.rem_euclid(DAY_MS);
    if live.day_ms != day {
        // A new day (or the first read): start from the log's first fact of today.
        let agents = std::mem::take(&mut live.agents);
        *live = Live {
            day_ms: day,
            seq: st.store.first_seq_since(t, day).await?.saturating_sub(1),
            contacts: HashMap::new(),
            agents: agents
                .into_iter()
                .map(|(id, a)| {
                    (
                        id,
                        AgentLive {
                            contacts_today: 0,
                            ..a
                        },
                    )
                })
                .collect(),
        };
        for a in st.store.agents(t).await? {
            // When its state last changed is unknown (before today): since = 0.
            live.agents.entry(a.id).or_default();
        }
    }
    loop {
        let page = st.store.events_after(t, live.seq, PAGE).await?;
        let n = page.len();
        for r in page {
            live.seq = r.seq;
            live.apply(r.at, &r.fact);
        }
        if (n as i64) < PAGE {
            break;
        }
    }
    Ok(f(&live))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::event::{Event, Reason};
    use model::{AgentId, InteractionId, QueueId};

    fn fact(kind: EventKind) -> Fact {
        Fact::Routing {
            event: Event {
                at: model::Instant::from_millis(0),
                kind,
            },
        }
    }

    fn queued(l: &mut Live, at: i64, i: u64) {
        l.apply(
            at,
            &fact(EventKind::InteractionQueued {
                interaction: InteractionId(i),
                queue: QueueId(0),
                priority: 0,
                reason: Reason::default(),
            }),
        );
    }

    #[test]
    fn service_level_asa_and_abandons_follow_the_definitions() {
        let mut l = Live::default();
        let min = 60_000;
        // 1 answered after 10 s, 2 answered after 40 s, 3 abandoned, 4 still waiting.
        for i in 1..=4 {
            queued(&mut l, 0, i);
        }
        l.apply(
            10_000,
            &fact(EventKind::Accepted {
                interaction: InteractionId(1),
                agent: AgentId(0),
            }),
        );
        l.apply(
            40_000,
            &fact(EventKind::Accepted {
                interaction: InteractionId(2),
                agent: AgentId(0),
            }),
        );
        l.apply(
            50_000,
            &fact(EventKind::Ended {
                interaction: InteractionId(3),
                outcome: FinalOutcome::Abandoned,
                reason: Reason::default(),
            }),
        );
        let f = l.queue(0, 20, min);
        assert_eq!((f.answered, f.abandoned, f.waiting), (2, 1, 1));
        assert_eq!(f.sl_today, Some(1.0 / 3.0));
        assert_eq!(f.abandon_rate, Some(1.0 / 3.0));
        assert_eq!(f.asa_s, Some(25.0));
        assert_eq!(f.longest_wait_s, 60.0);
        // An hour later the last 30 minutes hold nothing; today still does.
        let later = l.queue(0, 20, 61 * min);
        assert_eq!(later.sl_recent, None);
        assert_eq!(later.sl_today, Some(1.0 / 3.0));
        assert_eq!(l.agents[&0].contacts_today, 2);
        assert_eq!(l.agents[&0].current, Some(2));
        assert_eq!(l.waiting().len(), 1);
    }
}
