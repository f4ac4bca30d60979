//! Outbound campaigns in a run: the real dialer engine beside the real
//! routing engine, both on the virtual clock.
//!
//! The dialer decides whom to call and when; the simulator plays the
//! telephony (each dial's outcome and ring time drawn from the campaign's
//! population with the run's seeded RNG) and the agents. A live answer
//! becomes an `outbound_voice` interaction in the campaign's own routing
//! queue, which only the campaign's agents can take (they carry the skill
//! `campaign:NAME`) and which ends it with `outbound_abandoned` if no agent
//! took it within 2 s (`max_wait` with `abandon_message`): the dialer's rule,
//! enforced by routing. Talk and the queue's wrap-up follow, then the agent
//! is free again. Routing's agent states are told to the dialer as they
//! change, so pacing sees exactly who is free.
//!
//! A reserved agent (progressive, preview, power and predictive at the cap)
//! is held in routing as not ready `reserved` from the dial until the call
//! connects or fails, so no other work takes them; a live answer on their
//! line is assigned to them at once.
//!
//! Checked as it runs, failing the run: never two live attempts on one
//! contact; a contact closes at most once; fresh contacts are first tried in
//! list order; no fresh contact is tried while a retry that fell due earlier
//! waits (nothing is skipped). At the end: no call is left open, every contact
//! is reached, exhausted, or pending (a retry scheduled, or never tried
//! because the day ended), and the dialer agrees on the count of open ones.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::Duration;

use dialer::clock::CivilClock;
use dialer::config::CampaignConfig;
use dialer::contact::{ContactInput, PhoneInput, PhoneKind};
use dialer::{AgentPresence, Dialer, Output as DOutput};
use model::event::{AgentState, FinalOutcome};
use model::ids::{CampaignId, ContactId};
use model::outbound::{ContactEnd, DialMode, DialOutcome, ListId, OutboundEvent};
use model::{AgentId, InteractionId, PhoneNumber, QueueId, ReasonCode};
use rand::RngExt;
use routing::{Action, Input, NewInteraction, QueueConfig};

use super::{Contact, Ev, NONE, Sim};
use crate::kpi::{CampaignReport, round};
use crate::outbound::{DialLevelController, Mode, PacingSnapshot};
use center::kpi::{occupancy, overlap_ms};

/// How long an agent reviews a previewed contact before accepting it.
pub const PREVIEW_REVIEW_MS: u64 = 5_000;
/// A busy signal comes back after this long, at least.
const BUSY_MS: (u64, u64) = (2_000, 5_000);
/// A failed call (network, invalid number) comes back after this long.
const FAILED_MS: (u64, u64) = (500, 2_000);
/// The not-ready reason of an agent held for a reserved line.
const RESERVED: &str = "reserved";
/// The dialer's 2 s rule, as routing's longest wait in a campaign queue.
const CONNECT_LIMIT: Duration = Duration::from_millis(dialer::config::CONNECT_LIMIT_MS);

/// One placed call.
#[derive(Debug, Clone, Copy)]
struct Line {
    camp: u32,
    contact: u64,
    reserved: Option<u32>,
    outcome: DialOutcome,
    ring_ms: u64,
    /// The routing interaction once answered, NONE before.
    interaction: u64,
    connected: bool,
}

/// What the simulator knows of one contact of a list.
#[derive(Debug, Clone, Copy, Default)]
struct ContactTrack {
    live: bool,
    closed: bool,
    touched: bool,
    /// Due time of its pending retry (ms from the start), NONE if none.
    due_ms: u64,
}

/// One campaign's run.
struct CampRun {
    id: CampaignId,
    mode: Mode,
    queue: QueueId,
    agents: Vec<u32>,
    dialling: bool,
    ratio: f64,
    max_abandon_rate: f64,
    dials: u64,
    live_answers: u64,
    abandoned: u64,
    connected: u64,
    connected_in_span: u64,
    blocked: u64,
    alerts: u64,
    reached: u64,
    exhausted: u64,
    busy_ms: u64,
    signed_ms: u64,
    /// Live answers and abandons per calendar day (days from the common era).
    days: BTreeMap<i32, (u64, u64)>,
    contacts: Vec<ContactTrack>,
    /// The first contact never tried: fresh contacts are tried in list order.
    fresh_next: u64,
    /// Contacts waiting for a retry, by due time.
    pending: BTreeSet<(u64, u64)>,
    controller: Option<Box<dyn DialLevelController>>,
}

/// Something to tell the dialer, in the order it happened.
#[derive(Debug)]
enum ToDialer {
    /// Routing changed this agent's state: tell the dialer the current one.
    Agent(u32),
    /// An input.
    Input(dialer::Input),
}

/// The outbound side of a run.
pub(super) struct Outbound {
    pub(super) dialer: Dialer,
    camps: Vec<CampRun>,
    lines: HashMap<u64, Line>,
    previews: HashMap<u64, u32>,
    /// Campaign of each agent, u32::MAX if none.
    agent_camp: Vec<u32>,
    /// Agents held for a line (agent → attempt).
    reserved: HashMap<u32, u64>,
    /// What each agent was last told to be, and since when it is signed in.
    told: Vec<Option<AgentPresence>>,
    signed_since: Vec<u64>,
    to_dialer: VecDeque<ToDialer>,
    to_routing: VecDeque<Input>,
    reserved_reason: ReasonCode,
}

impl Outbound {
    /// Whether anything outbound can still happen: a campaign dials or a call is on.
    pub(super) fn busy(&self) -> bool {
        !self.lines.is_empty() || !self.previews.is_empty() || self.camps.iter().any(|c| c.dialling)
    }

    /// Routing changed an agent's state.
    pub(super) fn agent_changed(&mut self, agent: u32) {
        if self
            .agent_camp
            .get(agent as usize)
            .is_some_and(|c| *c != u32::MAX)
        {
            self.to_dialer.push_back(ToDialer::Agent(agent));
        }
    }
}

/// A US number in `area_code` for contact `i` (exchanges 200–999 without 555).
fn number(area_code: u16, i: u64) -> PhoneNumber {
    let mut exchange = 200 + i / 10_000;
    if exchange >= 555 {
        exchange += 1;
    }
    PhoneNumber::parse(&format!("+1{area_code}{exchange:03}{:04}", i % 10_000))
        .expect("the number has the E.164 form")
}

fn day_of(ms_unix: u64, tz: chrono_tz::Tz) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp_millis(ms_unix as i64)
        .map(|t| t.with_timezone(&tz).date_naive().num_days_from_ce())
        .unwrap_or(0)
}

impl Sim<'_> {
    /// Sets up the campaigns: their queues, the dialer, the lists; starts them.
    pub(super) fn setup_campaigns(&mut self, opts: &super::Options) {
        let sc = self.sc;
        if sc.campaigns.is_empty() {
            return;
        }
        let now = self.at();
        let n_agents = self.agents.len();
        let mut out = Outbound {
            dialer: Dialer::new(CivilClock::unix()),
            camps: Vec::with_capacity(sc.campaigns.len()),
            lines: HashMap::new(),
            previews: HashMap::new(),
            agent_camp: vec![u32::MAX; n_agents],
            reserved: HashMap::new(),
            told: vec![None; n_agents],
            signed_since: vec![0; n_agents],
            to_dialer: VecDeque::new(),
            to_routing: VecDeque::new(),
            reserved_reason: ReasonCode::parse(RESERVED).expect("a valid code"),
        };
        for (k, c) in sc.campaigns.iter().enumerate() {
            let queue = QueueId((sc.queues.len() + k) as u32);
            let mut q = QueueConfig::simple(queue, &format!("campaign:{}", c.name), c.skill);
            q.priority = c.priority.clamp(
                -routing::config::PRIORITY_ABS_MAX,
                routing::config::PRIORITY_ABS_MAX,
            );
            q.wrap_up = Duration::from_millis(c.wrap_ms);
            q.max_wait = Some((CONNECT_LIMIT, Action::AbandonMessage));
            if let Err(e) = self.engine.handle(now, Input::UpsertQueue(Box::new(q))) {
                self.fail(format!(
                    "campaign {:?}: routing refused its queue: {e}",
                    c.name
                ));
                return;
            }
            let id = CampaignId(k as u32);
            let (mode, ratio) = match c.mode {
                Mode::Preview => (DialMode::Preview, 1.5),
                Mode::Progressive => (DialMode::Progressive, 1.5),
                Mode::Power(r) => (DialMode::Power, r),
                Mode::Predictive => (DialMode::Predictive, 1.5),
            };
            let caller_id = PhoneNumber::parse(&format!("+1{}5550100", c.area_code))
                .expect("the number has the E.164 form");
            let mut cfg = CampaignConfig::new(id, &c.name, mode, caller_id);
            cfg.ratio = ratio;
            cfg.agent_group = sc.groups[c.group].name.as_str().into();
            cfg.home_tz = sc.plan.tz;
            cfg.abandon.max_rate = c.max_abandon_rate;
            cfg.abandon.alert_rate = cfg.abandon.alert_rate.min(c.max_abandon_rate * 5.0 / 6.0);
            cfg.abandon.target_rate = cfg.abandon.target_rate.min(c.max_abandon_rate * 2.0 / 3.0);
            if let Err(e) = out.dialer.add_campaign(now, cfg) {
                self.fail(format!("campaign {:?}: the dialer refused it: {e}", c.name));
                return;
            }
            let contacts = (0..c.contacts)
                .map(|i| ContactInput {
                    id: ContactId(i),
                    phones: vec![PhoneInput {
                        number: number(c.area_code, i),
                        kind: PhoneKind::Mobile,
                        valid: true,
                        consent: None,
                    }],
                    address: None,
                    segment: None,
                    score: 0,
                })
                .collect();
            let load = dialer::Input::LoadContacts {
                campaign: id,
                list: ListId(0),
                contacts,
            };
            if let Err(e) = out.dialer.handle(now, load) {
                self.fail(format!(
                    "campaign {:?}: the dialer refused its list: {e}",
                    c.name
                ));
                return;
            }
            let first = self
                .agents
                .iter()
                .take_while(|a| (a.group as usize) < c.group)
                .count();
            let agents: Vec<u32> = (first..first + sc.groups[c.group].count as usize)
                .map(|a| a as u32)
                .collect();
            for &a in &agents {
                out.agent_camp[a as usize] = k as u32;
            }
            let controller = match (c.mode, &opts.dial_level) {
                (Mode::Power(_), Some(make)) => Some((make.0)()),
                _ => None,
            };
            if let Some(ctl) = &controller {
                self.schedule(ctl.every_ms().max(1), Ev::DialLevel(k as u32));
            }
            self.schedule(sc.duration_ms, Ev::CampaignPause(k as u32));
            out.camps.push(CampRun {
                id,
                mode: c.mode,
                queue,
                agents,
                dialling: true,
                ratio,
                max_abandon_rate: c.max_abandon_rate,
                dials: 0,
                live_answers: 0,
                abandoned: 0,
                connected: 0,
                connected_in_span: 0,
                blocked: 0,
                alerts: 0,
                reached: 0,
                exhausted: 0,
                busy_ms: 0,
                signed_ms: 0,
                days: BTreeMap::new(),
                contacts: vec![
                    ContactTrack {
                        due_ms: NONE,
                        ..Default::default()
                    };
                    c.contacts as usize
                ],
                fresh_next: 0,
                pending: BTreeSet::new(),
                controller,
            });
        }
        // Agents signed in at the start are already known to routing: tell the dialer.
        for a in 0..n_agents as u32 {
            out.agent_changed(a);
        }
        for k in 0..out.camps.len() {
            let id = out.camps[k].id;
            if let Err(e) = out
                .dialer
                .handle(now, dialer::Input::Start { campaign: id })
            {
                self.fail(format!("starting a campaign failed: {e}"));
            }
        }
        self.out = Some(Box::new(out));
        self.drain();
    }

    /// Feeds the dialer what is waiting for it, carries out its outputs, and
    /// gives routing what they call for. Returns whether routing got an input.
    pub(super) fn pump_outbound(&mut self) -> bool {
        let Some(mut out) = self.out.take() else {
            return false;
        };
        let now = self.at();
        loop {
            self.drain_dialer(&mut out);
            let Some(next) = out.to_dialer.pop_front() else {
                break;
            };
            let input = match next {
                ToDialer::Input(i) => i,
                ToDialer::Agent(a) => match self.presence_now(&mut out, a) {
                    Some(i) => i,
                    None => continue,
                },
            };
            if let Err(e) = out.dialer.handle(now, input) {
                self.fail(format!("the dialer refused a simulator input: {e}"));
            }
        }
        let mut fed = false;
        while let Some(input) = out.to_routing.pop_front() {
            fed = true;
            if let Err(e) = self.engine.handle(now, input) {
                self.fail(format!("routing refused an outbound input: {e}"));
            }
        }
        self.out = Some(out);
        fed
    }

    /// The dialer input for an agent's current routing state, if it changed.
    fn presence_now(&mut self, out: &mut Outbound, a: u32) -> Option<dialer::Input> {
        let now = self.at();
        let k = out.agent_camp[a as usize] as usize;
        let prev = out.told[a as usize];
        let keep_since = |p: Option<AgentPresence>, want: fn(AgentPresence) -> bool| match p {
            Some(x) if want(x) => Some(x),
            _ => None,
        };
        let presence = match self.engine.agent_state(AgentId(a)) {
            Some(AgentState::Available) => AgentPresence::Ready,
            Some(AgentState::Reserved | AgentState::Busy) => {
                keep_since(prev, |p| matches!(p, AgentPresence::Talking { .. }))
                    .unwrap_or(AgentPresence::Talking { since: now })
            }
            Some(AgentState::WrapUp) => {
                keep_since(prev, |p| matches!(p, AgentPresence::WrapUp { .. }))
                    .unwrap_or(AgentPresence::WrapUp { since: now })
            }
            Some(AgentState::NotReady(r))
                if r == out.reserved_reason && out.reserved.contains_key(&a) =>
            {
                return None;
            }
            Some(AgentState::NotReady(_)) => {
                out.reserved.remove(&a);
                AgentPresence::Away
            }
            Some(AgentState::Offline) | None => {
                out.reserved.remove(&a);
                AgentPresence::SignedOut
            }
        };
        if prev == Some(presence) || (prev.is_none() && presence == AgentPresence::SignedOut) {
            return None;
        }
        let was_in = prev.is_some_and(|p| p != AgentPresence::SignedOut);
        let is_in = presence != AgentPresence::SignedOut;
        if !was_in && is_in {
            out.signed_since[a as usize] = self.now_ms;
        } else if was_in && !is_in {
            let (lo, hi) = (self.sc.warmup_ms, self.sc.duration_ms);
            out.camps[k].signed_ms += overlap_ms(out.signed_since[a as usize], self.now_ms, lo, hi);
        }
        out.told[a as usize] = Some(presence);
        Some(dialer::Input::Agent {
            campaign: out.camps[k].id,
            agent: AgentId(a),
            presence,
        })
    }

    /// Carries out what the dialer asks.
    fn drain_dialer(&mut self, out: &mut Outbound) {
        while let Some(o) = out.dialer.poll_output() {
            match o {
                DOutput::Dial(d) => self.on_dial(out, d),
                DOutput::Preview(p) => {
                    out.previews.insert(p.attempt.0, p.agent.0);
                    self.hold_agent(out, p.agent.0, p.attempt.0);
                    self.schedule(
                        self.now_ms + PREVIEW_REVIEW_MS,
                        Ev::PreviewAccept(p.attempt.0),
                    );
                }
                DOutput::Event(e) => {
                    if let model::event::EventKind::Outbound(ev) = e.kind {
                        self.on_outbound_event(out, ev);
                    }
                }
                DOutput::Alert(a) => out.camps[a.campaign.0 as usize].alerts += 1,
            }
        }
    }

    /// Holds an agent in routing for a reserved line or preview.
    fn hold_agent(&mut self, out: &mut Outbound, agent: u32, attempt: u64) {
        if out.reserved.insert(agent, attempt).is_none() {
            out.to_routing
                .push_back(Input::NotReady(AgentId(agent), out.reserved_reason));
        }
    }

    /// Lets a held agent go (their line failed or connected to them).
    fn release_agent(&mut self, out: &mut Outbound, agent: u32, attempt: u64) {
        if out.reserved.get(&agent) == Some(&attempt) {
            out.reserved.remove(&agent);
            out.to_routing.push_back(Input::Ready(AgentId(agent)));
        }
    }

    fn on_dial(&mut self, out: &mut Outbound, d: dialer::Dial) {
        let k = d.campaign.0 as usize;
        let c = &self.sc.campaigns[k];
        let idx = d.contact.0;
        let camp = &mut out.camps[k];
        camp.dials += 1;
        let track = &mut camp.contacts[idx as usize];
        if track.live {
            let msg = format!(
                "campaign {:?}: two live attempts on contact {idx} at once",
                c.name
            );
            self.fail(msg);
            return;
        }
        track.live = true;
        if track.due_ms != NONE {
            camp.pending.remove(&(track.due_ms, idx));
            track.due_ms = NONE;
        }
        let u: f64 = self.rng.random();
        let (mut outcome, mut ring_ms) = match c.shares.iter().position(|s| u < *s) {
            Some(0) => (DialOutcome::LiveAnswer, c.ring.sample_ms(&mut self.rng)),
            Some(1) => (
                DialOutcome::Busy,
                self.rng.random_range(BUSY_MS.0..BUSY_MS.1),
            ),
            Some(2) => (DialOutcome::NoAnswer, d.ring_timeout_ms),
            Some(3) => (DialOutcome::Machine, c.ring.sample_ms(&mut self.rng)),
            _ => (
                DialOutcome::Failed,
                self.rng.random_range(FAILED_MS.0..FAILED_MS.1),
            ),
        };
        if ring_ms >= d.ring_timeout_ms {
            // Nobody picks up after the dialer hangs up.
            outcome = DialOutcome::NoAnswer;
            ring_ms = d.ring_timeout_ms;
        }
        let reserved = d.reserved_agent.map(|a| a.0);
        if let Some(a) = reserved {
            out.previews.remove(&d.attempt.0);
            self.hold_agent(out, a, d.attempt.0);
        }
        out.lines.insert(
            d.attempt.0,
            Line {
                camp: k as u32,
                contact: idx,
                reserved,
                outcome,
                ring_ms,
                interaction: NONE,
                connected: false,
            },
        );
        self.schedule(self.now_ms + ring_ms, Ev::DialResult(d.attempt.0));
    }

    fn on_outbound_event(&mut self, out: &mut Outbound, ev: OutboundEvent) {
        let now_ms = self.now_ms;
        match ev {
            OutboundEvent::GateDecided {
                campaign,
                contact,
                allowed,
                ..
            } => {
                let camp = &mut out.camps[campaign.0 as usize];
                if !allowed {
                    camp.blocked += 1;
                }
                let idx = contact.0;
                let track = &mut camp.contacts[idx as usize];
                if track.due_ms != NONE {
                    camp.pending.remove(&(track.due_ms, idx));
                    track.due_ms = NONE;
                }
                if !allowed {
                    // Back in the list, due now, unless a retry time or a close follows.
                    track.due_ms = now_ms;
                    camp.pending.insert((now_ms, idx));
                }
                if !track.touched {
                    track.touched = true;
                    if idx != camp.fresh_next {
                        let msg = format!(
                            "campaign {}: fresh contact {idx} tried before contact {} (list order skipped)",
                            campaign.0, camp.fresh_next
                        );
                        self.fail(msg);
                        return;
                    }
                    while camp
                        .contacts
                        .get(camp.fresh_next as usize)
                        .is_some_and(|t| t.touched)
                    {
                        camp.fresh_next += 1;
                    }
                    if let Some(&(due, waiting)) = camp.pending.first()
                        && due < now_ms
                    {
                        let msg = format!(
                            "campaign {}: fresh contact {idx} tried while contact {waiting}'s retry was due since {} s (skipped)",
                            campaign.0,
                            due as f64 / 1000.0
                        );
                        self.fail(msg);
                    }
                }
            }
            OutboundEvent::PreviewOffered {
                campaign, contact, ..
            } => {
                // Pending under review: dialled on accept, or back in the list
                // (due now, so no retry event) if the dialer drops it.
                let camp = &mut out.camps[campaign.0 as usize];
                let track = &mut camp.contacts[contact.0 as usize];
                if track.due_ms != NONE {
                    camp.pending.remove(&(track.due_ms, contact.0));
                }
                track.due_ms = now_ms;
            }
            OutboundEvent::RetryScheduled {
                campaign,
                contact,
                due_at,
                ..
            } => {
                let camp = &mut out.camps[campaign.0 as usize];
                let idx = contact.0;
                let due = due_at.as_millis().saturating_sub(self.sc.start.as_millis());
                let track = &mut camp.contacts[idx as usize];
                track.touched = true;
                if track.due_ms != NONE {
                    camp.pending.remove(&(track.due_ms, idx));
                }
                track.due_ms = due;
                camp.pending.insert((due, idx));
            }
            OutboundEvent::ContactClosed {
                campaign,
                contact,
                end,
                ..
            } => {
                let camp = &mut out.camps[campaign.0 as usize];
                let idx = contact.0;
                let track = &mut camp.contacts[idx as usize];
                if track.closed {
                    let msg = format!("campaign {}: contact {idx} closed twice", campaign.0);
                    self.fail(msg);
                    return;
                }
                track.closed = true;
                track.touched = true;
                if track.due_ms != NONE {
                    camp.pending.remove(&(track.due_ms, idx));
                    track.due_ms = NONE;
                }
                match end {
                    ContactEnd::Reached => camp.reached += 1,
                    ContactEnd::Exhausted => camp.exhausted += 1,
                }
            }
            _ => {}
        }
    }

    fn with_out(&mut self, f: impl FnOnce(&mut Self, &mut Outbound)) {
        if let Some(mut out) = self.out.take() {
            f(self, &mut out);
            self.out = Some(out);
        }
    }

    /// The dialer's timer fired.
    pub(super) fn dialer_timeout(&mut self) {
        let now = self.at();
        self.with_out(|_, out| out.dialer.handle_timeout(now));
        self.drain();
    }

    /// Feeds the dialer one input now, then drains both engines.
    fn tell_dialer(&mut self, input: dialer::Input) {
        self.with_out(|_, out| out.to_dialer.push_back(ToDialer::Input(input)));
        self.drain();
    }

    /// The telephony's result of a call.
    pub(super) fn dial_result(&mut self, attempt: u64) {
        let Some(line) = self
            .out
            .as_ref()
            .and_then(|o| o.lines.get(&attempt).copied())
        else {
            return;
        };
        self.events += 1;
        self.tell_dialer(dialer::Input::DialResult {
            attempt: model::outbound::AttemptId(attempt),
            outcome: line.outcome,
            ring_ms: line.ring_ms,
        });
        let k = line.camp as usize;
        if line.outcome != DialOutcome::LiveAnswer {
            self.with_out(|sim, out| {
                out.lines.remove(&attempt);
                out.camps[k].contacts[line.contact as usize].live = false;
                if let Some(a) = line.reserved {
                    sim.release_agent(out, a, attempt);
                }
            });
            self.drain();
            return;
        }
        let c = &self.sc.campaigns[k];
        let talk_ms = super::sample_ms_u32(&c.talk, &mut self.rng);
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let id = self.contacts.len() as u64;
        self.contacts.push(Contact {
            arrived_ms: self.now_ms,
            handle_ms: talk_ms,
            stream: 0,
            queue: u32::MAX,
            current_queue: u32::MAX,
            answered_ms: NONE,
            connected_ms: NONE,
            offered_to: u32::MAX,
            agent: u32::MAX,
            ended: false,
            counted: false,
            is_callback: false,
            line: attempt,
            interval: self.interval_index(self.now_ms),
        });
        self.live += 1;
        let mut held = None;
        let mut queue = QueueId(0);
        self.with_out(|sim, out| {
            let camp = &mut out.camps[k];
            queue = camp.queue;
            camp.live_answers += 1;
            camp.days.entry(day).or_default().0 += 1;
            if let Some(l) = out.lines.get_mut(&attempt) {
                l.interaction = id;
            }
            held = line
                .reserved
                .filter(|a| out.reserved.get(a) == Some(&attempt));
            // The agent must be idle and held for it; one the dialer reserved
            // from a state routing had already left is let go instead.
            if let Some(a) = held
                && sim.engine.agent_state(AgentId(a))
                    != Some(AgentState::NotReady(out.reserved_reason))
            {
                held = None;
                sim.release_agent(out, a, attempt);
            }
        });
        let new = NewInteraction {
            id: InteractionId(id),
            channel: c.channel,
            attributes: None,
            queue: Some(queue),
            priority: 0,
            // The reserved agent waits for this call: nobody else may take it.
            preferred_agent: held.map(|a| (AgentId(a), CONNECT_LIMIT)),
        };
        self.create(new);
        if let Some(a) = held
            && !self.contacts[id as usize].ended
            && self.contacts[id as usize].offered_to == u32::MAX
            && self.contacts[id as usize].agent == u32::MAX
        {
            self.input(Input::ForceAssign(InteractionId(id), AgentId(a)));
        }
    }

    /// An agent accepts a previewed contact: the dialer places the call.
    pub(super) fn preview_accept(&mut self, attempt: u64) {
        let Some(agent) = self
            .out
            .as_ref()
            .and_then(|o| o.previews.get(&attempt).copied())
        else {
            return;
        };
        self.tell_dialer(dialer::Input::PreviewAccept {
            attempt: model::outbound::AttemptId(attempt),
        });
        // The dialer may have dropped it (the gate said no this time): free the agent.
        self.with_out(|sim, out| {
            if out.previews.remove(&attempt).is_some() && !out.lines.contains_key(&attempt) {
                sim.release_agent(out, agent, attempt);
            }
        });
        self.drain();
    }

    /// The campaign's day is over: no new calls; those on go on.
    pub(super) fn campaign_pause(&mut self, k: usize) {
        let Some(id) = self.out.as_mut().map(|o| {
            o.camps[k].dialling = false;
            o.camps[k].id
        }) else {
            return;
        };
        // Previews under review go on: when accepted, the paused dialer puts
        // the contact back in the list and the agent is let go.
        self.tell_dialer(dialer::Input::Pause { campaign: id });
    }

    /// A dial-level controller decides the ratio of its power campaign.
    pub(super) fn dial_level_tick(&mut self, k: usize) {
        let now_ms = self.now_ms;
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let mut next = None;
        self.with_out(|sim, out| {
            let camp = &out.camps[k];
            if !camp.dialling {
                return;
            }
            let mut snap = PacingSnapshot {
                now_ms,
                agents: 0,
                idle_agents: 0,
                waiting_calls: 0,
                ringing: 0,
                dial_level: camp.ratio,
                drops_today: camp.days.get(&day).map_or(0, |d| d.1),
                live_answers_today: camp.days.get(&day).map_or(0, |d| d.0),
                max_abandon_rate: camp.max_abandon_rate,
            };
            for &a in &camp.agents {
                match out.told[a as usize] {
                    Some(AgentPresence::SignedOut) | None => {}
                    Some(p) => {
                        snap.agents += 1;
                        if p == AgentPresence::Ready && !out.reserved.contains_key(&a) {
                            snap.idle_agents += 1;
                        }
                    }
                }
            }
            for l in out.lines.values().filter(|l| l.camp as usize == k) {
                if l.interaction == NONE {
                    snap.ringing += 1;
                } else if !l.connected {
                    snap.waiting_calls += 1;
                }
            }
            let camp = &mut out.camps[k];
            let Some(ctl) = camp.controller.as_mut() else {
                return;
            };
            let level = ctl.next_level(&snap);
            let level = if level.is_finite() {
                level.clamp(1.0, dialer::config::RATIO_MAX)
            } else {
                1.0
            };
            camp.ratio = level;
            next = Some(now_ms + ctl.every_ms().max(1));
            out.to_dialer
                .push_back(ToDialer::Input(dialer::Input::SetRatio {
                    campaign: camp.id,
                    ratio: level,
                }));
            let _ = sim;
        });
        if let Some(t) = next {
            self.schedule(t, Ev::DialLevel(k as u32));
        }
        self.drain();
    }

    /// An answered call reached an agent.
    pub(super) fn outbound_connected(&mut self, attempt: u64, agent: u32) {
        let in_span = self.now_ms >= self.sc.warmup_ms && self.now_ms < self.sc.duration_ms;
        self.with_out(|sim, out| {
            let Some(line) = out.lines.get_mut(&attempt) else {
                return;
            };
            line.connected = true;
            let line = *line;
            let camp = &mut out.camps[line.camp as usize];
            camp.connected += 1;
            camp.connected_in_span += u64::from(in_span);
            out.to_dialer
                .push_back(ToDialer::Input(dialer::Input::Connected {
                    attempt: model::outbound::AttemptId(attempt),
                    agent: AgentId(agent),
                }));
            if let Some(a) = line.reserved {
                sim.release_agent(out, a, attempt);
            }
        });
    }

    /// An answered call's interaction ended: handled (talk is over) or abandoned.
    pub(super) fn outbound_ended(&mut self, id: u64, attempt: u64, outcome: FinalOutcome) {
        let (now_ms, lo, hi) = (self.now_ms, self.sc.warmup_ms, self.sc.duration_ms);
        let c = &self.contacts[id as usize];
        let (connected_ms, agent) = (c.connected_ms, c.agent);
        let day = day_of(self.at().as_millis(), self.sc.plan.tz);
        let u: f64 = self.rng.random();
        self.with_out(|sim, out| {
            let Some(line) = out.lines.remove(&attempt) else {
                return;
            };
            let k = line.camp as usize;
            let c = &sim.sc.campaigns[k];
            let camp = &mut out.camps[k];
            camp.contacts[line.contact as usize].live = false;
            let a = model::outbound::AttemptId(attempt);
            if outcome == FinalOutcome::Handled && connected_ms != NONE && agent != u32::MAX {
                camp.busy_ms += overlap_ms(connected_ms, now_ms, lo, hi)
                    + overlap_ms(now_ms, now_ms + c.wrap_ms, lo, hi);
                let code = c
                    .dispositions
                    .iter()
                    .find(|(cum, _)| u < *cum)
                    .or(c.dispositions.last())
                    .map_or("refusal", |(_, code)| *code);
                out.to_dialer
                    .push_back(ToDialer::Input(dialer::Input::CallEnded { attempt: a }));
                out.to_dialer
                    .push_back(ToDialer::Input(dialer::Input::Disposition {
                        attempt: a,
                        agent: AgentId(agent),
                        code: code.into(),
                        new_phone: None,
                        callback: None,
                    }));
            } else {
                camp.abandoned += 1;
                camp.days.entry(day).or_default().1 += 1;
                out.to_dialer
                    .push_back(ToDialer::Input(dialer::Input::Abandoned { attempt: a }));
                if let Some(r) = line.reserved {
                    sim.release_agent(out, r, attempt);
                }
            }
        });
    }

    /// The end-of-run checks: no call open, every contact accounted for.
    pub(super) fn check_campaigns(&mut self) {
        if self.failure.is_some() {
            return;
        }
        let Some(out) = self.out.as_ref() else {
            return;
        };
        let mut problem = None;
        if let Some((at, _)) = out.lines.iter().min_by_key(|(at, _)| **at) {
            problem = Some(format!("call {at} still open at the end"));
        }
        for (k, camp) in out.camps.iter().enumerate() {
            let name = &self.sc.campaigns[k].name;
            let open = camp.contacts.iter().filter(|t| !t.closed).count();
            if let Some(i) = camp.contacts.iter().position(|t| t.live) {
                problem.get_or_insert(format!("campaign {name:?}: contact {i} still on a call"));
            }
            if let Some(i) = camp
                .contacts
                .iter()
                .position(|t| !t.closed && t.touched && t.due_ms == NONE)
            {
                problem.get_or_insert(format!(
                    "campaign {name:?}: contact {i} was tried, is not closed and has no retry scheduled (skipped)"
                ));
            }
            let dialer_open = out
                .dialer
                .campaign(camp.id)
                .map_or(0, |v| v.open_contacts());
            if dialer_open != open {
                problem.get_or_insert(format!(
                    "campaign {name:?}: the dialer has {dialer_open} open contacts, the simulator counted {open}"
                ));
            }
        }
        if let Some(p) = problem {
            self.fail(p);
        }
    }

    /// The campaigns' figures.
    pub(super) fn campaign_reports(&mut self) -> BTreeMap<String, CampaignReport> {
        let mut reports = BTreeMap::new();
        let Some(mut out) = self.out.take() else {
            return reports;
        };
        let (now_ms, lo, hi) = (self.now_ms, self.sc.warmup_ms, self.sc.duration_ms);
        for a in 0..out.told.len() {
            let k = out.agent_camp[a];
            if k != u32::MAX && out.told[a].is_some_and(|p| p != AgentPresence::SignedOut) {
                out.camps[k as usize].signed_ms += overlap_ms(out.signed_since[a], now_ms, lo, hi);
                out.told[a] = Some(AgentPresence::SignedOut);
            }
        }
        for (k, camp) in out.camps.iter().enumerate() {
            let c = &self.sc.campaigns[k];
            let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            let max_daily = camp
                .days
                .values()
                .map(|(live, ab)| ratio(*ab, *live))
                .fold(0.0, f64::max);
            let untried = camp.contacts.iter().filter(|t| !t.touched).count() as u64;
            let done = camp.reached + camp.exhausted;
            let hours = camp.signed_ms as f64 / 3_600_000.0;
            reports.insert(
                c.name.clone(),
                CampaignReport {
                    mode: match camp.mode {
                        Mode::Preview => "preview",
                        Mode::Progressive => "progressive",
                        Mode::Power(_) => "power",
                        Mode::Predictive => "predictive",
                    }
                    .to_string(),
                    agents: camp.agents.len() as u32,
                    dials: camp.dials,
                    live_answers: camp.live_answers,
                    abandoned: camp.abandoned,
                    abandon_rate: round(ratio(camp.abandoned, camp.live_answers)),
                    max_daily_abandon_rate: round(max_daily),
                    occupancy: round(occupancy(camp.busy_ms, camp.signed_ms as f64).unwrap_or(0.0)),
                    contacts_per_agent_hour: round(if hours > 0.0 {
                        camp.connected_in_span as f64 / hours
                    } else {
                        0.0
                    }),
                    penetration: round(ratio(done, c.contacts)),
                    connected: camp.connected,
                    contacts_done: done,
                    contacts_reached: camp.reached,
                    contacts_exhausted: camp.exhausted,
                    contacts_pending: c.contacts - done - untried,
                    contacts_untried: untried,
                    blocked: camp.blocked,
                    alerts: camp.alerts,
                },
            );
        }
        self.out = Some(out);
        reports
    }
}
