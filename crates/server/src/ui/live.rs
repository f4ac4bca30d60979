//! Today's live figures of a tenant, computed from its log: per queue the
//! waits, answers and abandons (service level, ASA, abandon rate, longest
//! wait), per agent the time of its last state change, its current
//! interaction and its contacts today, and when each offer was made.
//!
//! It is a projection kept in memory and brought up to date on every read
//! (the facts after the last one seen are read from the log), so a page that
//! was told "something changed" by its live stream always sees that change.
//! "Today" starts at midnight in the tenant's time zone (its `tenant`
//! settings document, followed as it changes); then the day's counters
//! start again. The figures are `center::kpi`'s, the simulator's definitions.

use std::collections::HashMap;
use std::sync::Arc;

use center::kpi::{QueueTally, Wait};
use center::settings::{self, TenantSettings};
use model::event::{AgentState, EventKind, FinalOutcome};
use store::{Fact, Tenant};
use tokio::sync::Mutex;

use crate::AppState;
use crate::error::ApiResult;

/// Facts read per query while catching up.
const PAGE: i64 = 1_000;
/// The recent window for service level, in milliseconds.
pub const RECENT_MS: i64 = 30 * 60 * 1000;

/// Live figures per tenant id.
pub type LiveMap = Mutex<HashMap<i64, Arc<Mutex<Live>>>>;

/// One interaction of today, as far as the figures need it.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// The first queue it was placed in (where the figures count it).
    pub first_queue: Option<u32>,
    /// The queue it waits or waited in last.
    pub queue: Option<u32>,
    /// When it first started waiting (Unix ms).
    pub queued_at: Option<i64>,
    /// When an agent first accepted it.
    pub answered_at: Option<i64>,
    /// When it ended, and how.
    pub ended: Option<(i64, FinalOutcome)>,
    /// The agent it is offered to, and since when.
    pub offered: Option<(i64, i64)>,
    /// Why routing offered it to that agent (rule, step, strategy).
    pub why: Option<model::event::Reason>,
}

impl Contact {
    /// Whether nobody answered it yet: queued, neither answered nor ended
    /// (waiting, or ringing at an agent).
    pub fn is_unanswered(&self) -> bool {
        self.queued_at.is_some() && self.answered_at.is_none() && self.ended.is_none()
    }

    /// Whether it waits in its queue now: unanswered and ringing at nobody
    /// (as the engine's own count, and what a supervisor may reassign).
    pub fn is_waiting(&self) -> bool {
        self.is_unanswered() && self.offered.is_none()
    }
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
    /// Its state since `since`, once a change of it was seen.
    pub state: Option<AgentState>,
    /// Time in each state today, in ms, by [`StateSlot`] (the current
    /// state's running time not included: see [`AgentLive::time_in`]).
    pub state_ms: [i64; StateSlot::ALL.len()],
    /// Today's states from when each began, oldest first: the state it was
    /// in at the day's start (if known), then each change, at most
    /// [`CHANGES_MAX`] (past that the oldest are dropped).
    pub changes: Vec<(i64, AgentState)>,
}

/// Most state changes kept per agent per day for its timeline.
pub const CHANGES_MAX: usize = 2_000;
/// The length of a chart's interval, in milliseconds.
pub const INTERVAL_MS: i64 = 30 * 60 * 1000;

/// The states whose time an agent's own figures show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateSlot {
    /// Waiting for work.
    Available,
    /// Not ready, for any reason.
    NotReady,
    /// An offer ringing.
    Reserved,
    /// Handling work.
    Busy,
    /// After-contact work.
    WrapUp,
}

impl StateSlot {
    /// Every slot, in the order figures show them.
    pub const ALL: [StateSlot; 5] = [
        StateSlot::Available,
        StateSlot::NotReady,
        StateSlot::Reserved,
        StateSlot::Busy,
        StateSlot::WrapUp,
    ];

    /// The slot of a state (none for offline).
    pub fn of(state: &AgentState) -> Option<StateSlot> {
        match state {
            AgentState::Offline => None,
            AgentState::Available => Some(StateSlot::Available),
            AgentState::NotReady(_) => Some(StateSlot::NotReady),
            AgentState::Reserved => Some(StateSlot::Reserved),
            AgentState::Busy => Some(StateSlot::Busy),
            AgentState::WrapUp => Some(StateSlot::WrapUp),
        }
    }

    /// The state's name as the interface's messages know it (`state-…`).
    pub fn key(self) -> &'static str {
        match self {
            StateSlot::Available => "state-available",
            StateSlot::NotReady => "state-not-ready",
            StateSlot::Reserved => "state-reserved",
            StateSlot::Busy => "state-busy",
            StateSlot::WrapUp => "state-wrap-up",
        }
    }
}

impl AgentLive {
    /// Time in a state today up to `now_ms`, the current state's included.
    pub fn time_in(&self, slot: StateSlot, day_ms: i64, now_ms: i64) -> i64 {
        let i = slot as usize;
        let running = match self.state.as_ref().and_then(StateSlot::of) {
            Some(s) if s == slot && self.since > 0 => (now_ms - self.since.max(day_ms)).max(0),
            _ => 0,
        };
        self.state_ms[i] + running
    }

    /// Mean handle time today (busy and wrap-up over contacts), in ms.
    pub fn aht_ms(&self, day_ms: i64, now_ms: i64) -> Option<i64> {
        let work = self.time_in(StateSlot::Busy, day_ms, now_ms)
            + self.time_in(StateSlot::WrapUp, day_ms, now_ms);
        (self.contacts_today > 0).then(|| work / i64::from(self.contacts_today))
    }

    /// A change of state at `at`: the time of the state it leaves is counted.
    fn change(&mut self, at: i64, day_ms: i64, state: AgentState) {
        if let Some(slot) = self.state.as_ref().and_then(StateSlot::of)
            && self.since > 0
        {
            self.state_ms[slot as usize] += (at - self.since.max(day_ms)).max(0);
        }
        self.since = at;
        self.state = Some(state);
        if self.changes.len() >= CHANGES_MAX {
            self.changes.remove(0);
        }
        self.changes.push((at.max(day_ms), state));
    }

    /// Today's states as `(from, to, state)` up to `now_ms` (offline left out).
    pub fn segments(&self, now_ms: i64) -> Vec<(i64, i64, AgentState)> {
        let ends = self.changes.iter().skip(1).map(|(at, _)| *at);
        self.changes
            .iter()
            .zip(ends.chain(std::iter::once(now_ms)))
            .filter(|((from, s), to)| *s != AgentState::Offline && to > from)
            .map(|((from, s), to)| (*from, to.min(now_ms), *s))
            .collect()
    }

    /// Today's not-ready periods longer than their reason's limit (seconds
    /// by reason code), the current one included once it passes its limit.
    pub fn overruns(&self, limits: &HashMap<String, u64>, now_ms: i64) -> u32 {
        self.segments(now_ms)
            .iter()
            .filter(|(from, to, s)| over_limit(s, to - from, limits).is_some())
            .count() as u32
    }
}

/// The limit (ms) a state of `len_ms` exceeds: a not-ready reason's planned length.
pub fn over_limit(state: &AgentState, len_ms: i64, limits: &HashMap<String, u64>) -> Option<i64> {
    let AgentState::NotReady(r) = state else {
        return None;
    };
    let limit = (*limits.get(r.as_str())? as i64) * 1000;
    (len_ms > limit).then_some(limit)
}

/// One interval's figures for the wallboard's charts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Interval {
    /// Its start (Unix ms).
    pub start: i64,
    /// Contacts that arrived in it (first queued).
    pub offered: u32,
    /// Of those, answered.
    pub answered: u32,
    /// Of those, abandoned.
    pub abandoned: u32,
    /// Their service level (`center::kpi`), once any wait was decided.
    pub service_level: Option<f64>,
    /// Mean agents in each state over it, by [`StateSlot`].
    pub agents: [f64; StateSlot::ALL.len()],
}

/// The figures of one tenant.
#[derive(Debug, Default)]
pub struct Live {
    /// The tenant's time zone and holidays, once read.
    pub settings: Option<TenantSettings>,
    /// The day counted (Unix ms of its midnight in the tenant's zone).
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
    /// Waiting now (not answered, not ended, not ringing).
    pub waiting: u32,
    /// Not answered yet: waiting, or ringing at an agent.
    pub unanswered: u32,
    /// The longest current wait of the unanswered, in seconds.
    pub longest_wait_s: f64,
    /// Service level of the contacts that arrived today (`center::kpi`).
    pub sl_today: Option<f64>,
    /// The same over the contacts whose wait was decided in the last 30 minutes.
    pub sl_recent: Option<f64>,
    /// Mean wait of answered interactions today, in seconds.
    pub asa_s: Option<f64>,
    /// Abandon rate of the contacts that arrived today (`center::kpi`).
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
        match fact {
            Fact::Routing { event } => self.apply_routing(at, &event.kind),
            Fact::SettingSet { name, document } if name == settings::NAME => {
                // Checked when it was set; a document the rules no longer take changes nothing.
                if let Ok(s) = TenantSettings::parse(document) {
                    self.settings = Some(s);
                }
            }
            _ => {}
        }
    }

    fn apply_routing(&mut self, at: i64, kind: &EventKind) {
        match kind {
            EventKind::InteractionQueued {
                interaction, queue, ..
            } => {
                let e = c(self, interaction.0);
                e.queue = Some(queue.0);
                e.first_queue.get_or_insert(queue.0);
                e.queued_at.get_or_insert(at);
                e.offered = None;
            }
            EventKind::Overflowed {
                interaction, to, ..
            } => c(self, interaction.0).queue = Some(to.0),
            EventKind::Offered {
                interaction,
                agent,
                reason,
            } => {
                let e = c(self, interaction.0);
                e.offered = Some((i64::from(agent.0), at));
                e.why = Some(reason.clone());
            }
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
                e.ended = Some((at, *outcome));
                e.offered = None;
                for a in self.agents.values_mut() {
                    if a.current == Some(id) {
                        a.current = None;
                    }
                }
            }
            EventKind::AgentStateChanged { agent, state } => {
                let day_ms = self.day_ms;
                let a = self.agents.entry(i64::from(agent.0)).or_default();
                a.change(at, day_ms, *state);
                if matches!(state, AgentState::Offline | AgentState::Available) {
                    a.current = None;
                }
            }
            _ => {}
        }
    }

    /// The figures of a queue at `now_ms`, with its service-level threshold:
    /// `center::kpi` over today's contacts that arrived in it first, and
    /// over those whose wait was decided in the last 30 minutes; those
    /// waiting in it now, and the longest wait of those not answered yet.
    pub fn queue(&self, queue: u32, threshold_ms: u64, now_ms: i64) -> QueueFigures {
        let mut f = QueueFigures::default();
        let (mut today, mut recent) = (QueueTally::default(), QueueTally::default());
        for c in self.contacts.values() {
            let Some(queued_ms) = c.queued_at else {
                continue;
            };
            if c.first_queue == Some(queue) {
                let w = Wait {
                    queued_ms,
                    answered_ms: c.answered_at,
                    ended: c.ended,
                };
                today.add(&w, threshold_ms);
                if w.decided_ms().is_some_and(|d| now_ms - d <= RECENT_MS) {
                    recent.add(&w, threshold_ms);
                }
            }
            if c.queue == Some(queue) && c.is_unanswered() {
                f.waiting += u32::from(c.is_waiting());
                f.unanswered += 1;
                f.longest_wait_s = f.longest_wait_s.max((now_ms - queued_ms) as f64 / 1000.0);
            }
        }
        f.sl_today = today.service_level();
        f.sl_recent = recent.service_level();
        f.abandon_rate = today.abandon_rate();
        f.asa_s = today.asa_s();
        f.answered = today.answered as u32;
        f.abandoned = today.abandoned as u32;
        f
    }

    /// Today's 30-minute intervals up to `now_ms`: contacts counted in the
    /// interval they arrived, in their first queue (only `queue`'s, when
    /// given; `threshold_ms` gives a queue's service-level threshold), and
    /// the mean number of agents in each state.
    pub fn intervals(
        &self,
        queue: Option<u32>,
        threshold_ms: impl Fn(u32) -> u64,
        now_ms: i64,
    ) -> Vec<Interval> {
        let n = ((now_ms - self.day_ms).max(0) / INTERVAL_MS + 1) as usize;
        let mut out: Vec<Interval> = (0..n)
            .map(|i| Interval {
                start: self.day_ms + i as i64 * INTERVAL_MS,
                ..Interval::default()
            })
            .collect();
        let mut tallies = vec![QueueTally::default(); n];
        for c in self.contacts.values() {
            let (Some(queued_ms), Some(first)) = (c.queued_at, c.first_queue) else {
                continue;
            };
            let i = (queued_ms - self.day_ms) / INTERVAL_MS;
            if queue.is_some_and(|q| q != first) || i < 0 || i as usize >= n {
                continue;
            }
            let w = Wait {
                queued_ms,
                answered_ms: c.answered_at,
                ended: c.ended,
            };
            tallies[i as usize].add(&w, threshold_ms(first));
            out[i as usize].offered += 1;
        }
        for (f, t) in out.iter_mut().zip(&tallies) {
            f.answered = t.answered as u32;
            f.abandoned = t.abandoned as u32;
            f.service_level = t.service_level();
        }
        for a in self.agents.values() {
            for (from, to, s) in a.segments(now_ms) {
                let Some(slot) = StateSlot::of(&s) else {
                    continue;
                };
                for f in out.iter_mut() {
                    let overlap = to.min(f.start + INTERVAL_MS) - from.max(f.start);
                    if overlap > 0 {
                        f.agents[slot as usize] += overlap as f64 / INTERVAL_MS as f64;
                    }
                }
            }
        }
        out
    }

    /// Interactions waiting now (not answered, not ended, not ringing), oldest first.
    pub fn waiting(&self) -> Vec<(i64, &Contact)> {
        let mut v: Vec<_> = self
            .contacts
            .iter()
            .filter(|(_, c)| c.is_waiting())
            .map(|(id, c)| (*id, c))
            .collect();
        v.sort_by_key(|(id, c)| (c.queued_at, *id));
        v
    }

    /// Starts counting the day that begins at `day_ms`, from the log's first
    /// fact of it; agents keep their state's time.
    async fn start_day(&mut self, st: &AppState, t: &Tenant, day_ms: i64) -> ApiResult<()> {
        self.day_ms = day_ms;
        self.seq = st.store.first_seq_since(t, day_ms).await?.saturating_sub(1);
        self.contacts.clear();
        for a in self.agents.values_mut() {
            a.contacts_today = 0;
            a.state_ms = Default::default();
            a.changes = a.state.iter().map(|s| (day_ms, *s)).collect();
        }
        for a in st.store.agents(t).await? {
            // When its state last changed is unknown (before today): since = 0.
            self.agents.entry(a.id).or_default();
        }
        Ok(())
    }

    /// Applies the facts after the last one seen.
    async fn catch_up(&mut self, st: &AppState, t: &Tenant) -> ApiResult<()> {
        loop {
            let page = st.store.events_after(t, self.seq, PAGE).await?;
            let n = page.len();
            for r in page {
                self.seq = r.seq;
                self.apply(r.at, &r.fact);
            }
            if (n as i64) < PAGE {
                return Ok(());
            }
        }
    }

    /// The start of the tenant's day that holds `now_ms`.
    fn day_of(&self, now_ms: i64) -> i64 {
        self.settings
            .as_ref()
            .unwrap_or(&TenantSettings::default())
            .day_start(now_ms)
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
    if live.settings.is_none() {
        // The zone as stored now; the facts read from here on keep it current.
        live.settings = Some(crate::routes::settings::tenant_settings(st, t).await?);
    }
    // A change of zone read while catching up can move the day's start: then
    // the day is counted again from its new start (once is enough, the zone
    // being the latest again by the end of it).
    for _ in 0..3 {
        let day = live.day_of(now_ms);
        if live.day_ms != day {
            live.start_day(st, t, day).await?;
        }
        live.catch_up(st, t).await?;
        if live.day_of(now_ms) == live.day_ms {
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
        let f = l.queue(0, 20_000, min);
        assert_eq!((f.answered, f.abandoned, f.waiting), (2, 1, 1));
        assert_eq!(f.sl_today, Some(1.0 / 3.0));
        assert_eq!(f.abandon_rate, Some(1.0 / 3.0));
        assert_eq!(f.asa_s, Some(25.0));
        assert_eq!(f.longest_wait_s, 60.0);
        // An hour later the last 30 minutes hold nothing; today still does.
        let later = l.queue(0, 20_000, 61 * min);
        assert_eq!(later.sl_recent, None);
        assert_eq!(later.sl_today, Some(1.0 / 3.0));
        assert_eq!(l.agents[&0].contacts_today, 2);
        assert_eq!(l.agents[&0].current, Some(2));
        assert_eq!(l.waiting().len(), 1);
    }

    #[test]
    fn an_agents_time_in_each_state_and_handle_time_count_from_the_days_start() {
        let mut l = Live {
            day_ms: 1_000,
            ..Live::default()
        };
        let change = |l: &mut Live, at, state| {
            l.apply(
                at,
                &fact(EventKind::AgentStateChanged {
                    agent: AgentId(0),
                    state,
                }),
            )
        };
        // Available before the day started: only its part of today counts.
        change(&mut l, 500, AgentState::Available);
        change(&mut l, 11_000, AgentState::Busy);
        l.apply(
            11_000,
            &fact(EventKind::Accepted {
                interaction: InteractionId(1),
                agent: AgentId(0),
            }),
        );
        change(&mut l, 41_000, AgentState::WrapUp);
        change(&mut l, 51_000, AgentState::Available);
        let a = &l.agents[&0];
        let at = |slot| a.time_in(slot, l.day_ms, 61_000);
        assert_eq!(at(StateSlot::Available), 10_000 + 10_000);
        assert_eq!(
            (at(StateSlot::Busy), at(StateSlot::WrapUp)),
            (30_000, 10_000)
        );
        assert_eq!(a.aht_ms(l.day_ms, 61_000), Some(40_000));
        assert_eq!(at(StateSlot::NotReady), 0);
    }

    #[test]
    fn a_contact_counts_in_its_first_queue_and_every_unanswered_end_is_decided() {
        let mut l = Live::default();
        queued(&mut l, 0, 1);
        queued(&mut l, 0, 2);
        // 1 overflows to queue 1 and is answered there after 30 s; 2 goes to voicemail.
        l.apply(
            5_000,
            &fact(EventKind::Overflowed {
                interaction: InteractionId(1),
                from: QueueId(0),
                to: QueueId(1),
                reason: Reason::default(),
            }),
        );
        l.apply(
            6_000,
            &fact(EventKind::Ended {
                interaction: InteractionId(2),
                outcome: FinalOutcome::Voicemail,
                reason: Reason::default(),
            }),
        );
        let f = l.queue(0, 20_000, 10_000);
        assert_eq!((f.answered, f.abandoned, f.waiting), (0, 0, 0));
        assert_eq!(f.sl_today, Some(0.0));
        assert_eq!(f.abandon_rate, Some(0.0));
        assert_eq!(l.queue(1, 20_000, 10_000).waiting, 1);
        l.apply(
            30_000,
            &fact(EventKind::Accepted {
                interaction: InteractionId(1),
                agent: AgentId(0),
            }),
        );
        let f = l.queue(0, 20_000, 40_000);
        assert_eq!((f.answered, f.sl_today), (1, Some(0.0)));
        assert_eq!(f.asa_s, Some(30.0));
        assert_eq!(l.queue(1, 20_000, 40_000), QueueFigures::default());
    }

    fn change(l: &mut Live, at: i64, agent: u32, state: AgentState) {
        l.apply(
            at,
            &fact(EventKind::AgentStateChanged {
                agent: AgentId(agent),
                state,
            }),
        );
    }

    #[test]
    fn intervals_count_contacts_where_they_arrived_and_agents_by_state() {
        let min = 60_000;
        let mut l = Live::default();
        // Interval 0: 1 answered in 10 s, 2 abandoned; interval 1: 3 answered after 40 s.
        queued(&mut l, min, 1);
        queued(&mut l, 2 * min, 2);
        queued(&mut l, 31 * min, 3);
        let accept = |l: &mut Live, at, i| {
            l.apply(
                at,
                &fact(EventKind::Accepted {
                    interaction: InteractionId(i),
                    agent: AgentId(0),
                }),
            )
        };
        accept(&mut l, min + 10_000, 1);
        accept(&mut l, 31 * min + 40_000, 3);
        l.apply(
            3 * min,
            &fact(EventKind::Ended {
                interaction: InteractionId(2),
                outcome: FinalOutcome::Abandoned,
                reason: Reason::default(),
            }),
        );
        // Agent 0 available the whole first interval, busy half the second.
        change(&mut l, 0, 0, AgentState::Available);
        change(&mut l, 45 * min, 0, AgentState::Busy);
        let v = l.intervals(None, |_| 20_000, 60 * min);
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].offered, v[0].answered, v[0].abandoned), (2, 1, 1));
        assert_eq!(v[0].service_level, Some(0.5));
        assert_eq!((v[1].offered, v[1].answered), (1, 1));
        assert_eq!(v[1].service_level, Some(0.0));
        assert_eq!(v[2].offered, 0);
        assert_eq!(v[2].start, 60 * min);
        let av = StateSlot::Available as usize;
        assert_eq!((v[0].agents[av], v[1].agents[av]), (1.0, 0.5));
        assert_eq!(v[1].agents[StateSlot::Busy as usize], 0.5);
        // Only another queue's: nothing.
        assert!(
            l.intervals(Some(7), |_| 20_000, 60 * min)
                .iter()
                .all(|i| i.offered == 0)
        );
    }

    #[test]
    fn the_timeline_keeps_todays_states_and_counts_breaks_over_their_limit() {
        let min = 60_000;
        let brk = AgentState::NotReady(model::ReasonCode::parse("break").unwrap());
        let mut l = Live::default();
        change(&mut l, 0, 0, AgentState::Available);
        change(&mut l, 10 * min, 0, brk);
        change(&mut l, 20 * min, 0, AgentState::Available); // 10 min: within 15
        change(&mut l, 30 * min, 0, brk);
        change(&mut l, 50 * min, 0, AgentState::Offline); // 20 min: over
        change(&mut l, 55 * min, 0, brk);
        let a = &l.agents[&0];
        let seg = a.segments(80 * min);
        assert_eq!(seg.len(), 5, "offline is left out: {seg:?}");
        assert_eq!(seg[4], (55 * min, 80 * min, brk));
        let limits = HashMap::from([("break".to_string(), 15 * 60)]);
        // The current break is 25 minutes long: over too.
        assert_eq!(a.overruns(&limits, 80 * min), 2);
        assert_eq!(a.overruns(&limits, 60 * min), 1);
        assert_eq!(a.overruns(&HashMap::new(), 80 * min), 0);
        assert_eq!(over_limit(&brk, 16 * min, &limits), Some(15 * min));
        assert_eq!(over_limit(&AgentState::Busy, 99 * min, &limits), None);
    }

    #[test]
    fn the_timeline_is_bounded() {
        let mut l = Live::default();
        for i in 0..(CHANGES_MAX as i64 + 10) {
            change(&mut l, i, 0, AgentState::Available);
        }
        let a = &l.agents[&0];
        assert_eq!(a.changes.len(), CHANGES_MAX);
        assert_eq!(a.changes[0].0, 10);
    }
}
