//! The event loop: a virtual clock, synthetic customers and agents, and the
//! real routing engine in the middle.
//!
//! The loop takes whichever comes first, the next simulated event (an
//! arrival, a hang-up, the end of a conversation, a shift or a break) or the
//! engine's next timer, advances the clock to it and feeds it in; then it
//! drains the engine's outputs and reacts to them as customers and agents
//! would (agents accept offers, conversations last their handle time).

use std::collections::VecDeque;

use model::event::{AgentState, EventKind, FinalOutcome};
use model::{AgentId, Attributes, Instant, InteractionId};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use routing::{AgentConfig, Engine, Input, NewInteraction, Output};

mod dialing;
mod keys;
mod tenant;

use crate::kpi::{GroupReport, IntervalReport, Report, queue_report, round};
use crate::scenario::{Scenario, with_attr};
use center::kpi::{QueueTally, occupancy, overlap_ms};

/// A sampled duration in milliseconds, as a contact keeps it.
fn sample_ms_u32(d: &crate::dist::Dist, rng: &mut Pcg64Mcg) -> u32 {
    // Samples are capped at a week, which fits.
    u32::try_from(d.sample_ms(rng)).unwrap_or(u32::MAX)
}

/// How often (in processed events) every engine invariant is checked in
/// full by default; cheap checks run on every event.
pub const CHECK_EVERY_DEFAULT: u64 = 4096;
/// How long after `duration_s` the run may drain before open contacts are cancelled.
pub const DRAIN_MS_MAX: u64 = 7 * 86_400_000;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Collect per-interval figures.
    pub intervals: bool,
    /// Check every engine invariant in full after this many events (0: the default).
    pub check_every: u64,
    /// A dial-level controller for power campaigns (benchmarks; see
    /// [`crate::outbound::DialLevelController`]).
    pub dial_level: Option<crate::outbound::DialLevelFactory>,
}

/// A run that broke an invariant: a bug, reported with what replays it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invariant broken at {at_s:.3} s: {message} (replay: --seed {seed})")]
pub struct InvariantError {
    /// The seed that replays it.
    pub seed: u64,
    /// Simulated seconds from the start.
    pub at_s: f64,
    /// What broke.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Abandon(u64),
    Complete(u64),
    Accept(u64, u32),
    SignIn(u32),
    SignOut(u32),
    BreakStart(u32, u16),
    BreakEnd(u32),
    /// The telephony's result of a placed call (attempt id).
    DialResult(u64),
    /// An agent accepts a previewed contact (attempt id).
    PreviewAccept(u64),
    /// A campaign stops placing calls (campaign index).
    CampaignPause(u32),
    /// A dial-level controller decides (campaign index).
    DialLevel(u32),
}

const NONE: u64 = u64::MAX;
/// Bits of a heap key that index the payload (16 M pending events at most);
/// the instant keeps the 40 bits above them (34 years of milliseconds).
const PAYLOAD_BITS: u32 = 24;
const PAYLOAD_MASK: u64 = (1 << PAYLOAD_BITS) - 1;
/// The payload bits of an arrival's key: above every pending event's slot,
/// so at one instant the pending events (conversations ending, hang-ups)
/// come before the arrivals.
const ARRIVAL_SLOT: u64 = PAYLOAD_MASK;

/// What the simulator knows of one contact: 64 bytes, a cache line's
/// worth, read again when the contact ends, a thousand contacts later on a
/// large day. (Not aligned to a line: the aligned buffer could not grow in
/// place, and copying it cost more than the alignment saved.)
#[derive(Debug, Clone)]
struct Contact {
    arrived_ms: u64,
    /// At most a week (see `dist::SAMPLE_S_MAX`).
    handle_ms: u32,
    stream: u32,
    /// Queue it is counted in (first queue), u32::MAX before it is queued.
    queue: u32,
    /// Queue it is in now.
    current_queue: u32,
    answered_ms: u64,
    connected_ms: u64,
    offered_to: u32,
    agent: u32,
    ended: bool,
    counted: bool,
    is_callback: bool,
    /// The dialer's attempt for an answered outbound call, NONE for inbound work.
    line: u64,
    /// The report interval of its arrival, u32::MAX when intervals are not
    /// collected (worked out once, not at every fact).
    interval: u32,
}

impl Contact {
    /// A contact that arrived at `arrived_ms`, not yet queued, offered or answered.
    fn new(arrived_ms: u64, handle_ms: u32, stream: u32, line: u64, interval: u32) -> Contact {
        Contact {
            arrived_ms,
            handle_ms,
            stream,
            queue: u32::MAX,
            current_queue: u32::MAX,
            answered_ms: NONE,
            connected_ms: NONE,
            offered_to: u32::MAX,
            agent: u32::MAX,
            ended: false,
            counted: false,
            is_callback: false,
            line,
            interval,
        }
    }
}

/// What the simulator knows of one agent: 32 bytes, so that the thousand
/// records of a large day stay in the first-level cache more often than not
/// (the agent of each fact is a different one, in no useful order).
#[derive(Debug, Clone)]
struct SimAgent {
    /// Busy (or wrapping up) since then, NONE while not.
    busy_since: u64,
    handled: u64,
    /// The group's answer time and capacity, all channels together: kept
    /// here so that a fact about the agent reads one record.
    answer_ms: u64,
    group: u32,
    capacity: u16,
    active: u8,
}

struct Sim<'a> {
    sc: &'a Scenario,
    seed: u64,
    engine: Engine,
    rng: Pcg64Mcg,
    /// instant << 24 | payload slot: one 8-byte integer an entry, compared
    /// in one instruction, keeps sifting cheap (events at the same instant
    /// come in the order of their slots: deterministic, as the run is).
    heap: keys::KeyHeap,
    payloads: Vec<Ev>,
    free_payloads: Vec<u32>,
    now_ms: u64,
    contacts: Vec<Contact>,
    agents: Vec<SimAgent>,
    next_arrival: Vec<f64>,
    /// Each stream's current rate interval: start and end (ms) and rate.
    arrival_rates: Vec<(f64, f64, f64)>,
    /// Each stream's next arrival as an event key (see [`Sim::schedule`]),
    /// `u64::MAX` once it stops: kept out of the heap, since there is always
    /// exactly one a stream, and the soonest of them with its stream.
    arrival_keys: Vec<u64>,
    first_arrival: (u64, u32),
    live: u64,
    arrivals_open: u32,
    events: u64,
    engine_events: u64,
    checks: u64,
    check_every: u64,
    since_check: u64,
    queues: Vec<QueueTally>,
    intervals: Vec<Vec<QueueTally>>,
    group_busy_ms: Vec<u64>,
    interval_busy_ms: Vec<Vec<u64>>,
    collect_intervals: bool,
    drained_at_ms: u64,
    unfinished: u64,
    failure: Option<String>,
    /// Outbound campaigns, when the scenario has any.
    out: Option<Box<dialing::Outbound>>,
    /// The tenant core, when the scenario has campaigns: routing, the
    /// dialer and the rules between them, as the server runs them (`engine`
    /// stays unused then).
    core: Option<Box<center::TenantCore>>,
    /// The spare queue the engine's outputs are swapped into (see [`Sim::drain`]).
    outputs: VecDeque<Output>,
}

/// Runs a scenario to the end and reports its KPIs.
pub fn run(sc: &Scenario, file: &str, opts: &Options) -> Result<Report, InvariantError> {
    let seed = opts.seed.unwrap_or(sc.seed);
    let mut sim = Sim::new(sc, seed, opts);
    sim.setup();
    sim.setup_campaigns(opts);
    sim.run_loop();
    sim.check_campaigns();
    if let Some(message) = sim.failure.take() {
        return Err(InvariantError {
            seed,
            at_s: sim.now_ms as f64 / 1000.0,
            message,
        });
    }
    Ok(sim.report(file))
}

impl<'a> Sim<'a> {
    fn new(sc: &'a Scenario, seed: u64, opts: &Options) -> Self {
        let n_intervals = sc.duration_ms.div_ceil(sc.interval_ms) as usize;
        let agents: u64 = sc.groups.iter().map(|g| u64::from(g.count)).sum();
        Sim {
            sc,
            seed,
            engine: Engine::new(seed),
            rng: Pcg64Mcg::seed_from_u64(seed),
            heap: keys::KeyHeap::with_capacity(agents as usize * 2 + 64),
            payloads: Vec::new(),
            free_payloads: Vec::new(),
            now_ms: 0,
            contacts: Vec::new(),
            agents: Vec::with_capacity(agents as usize),
            next_arrival: vec![0.0; sc.streams.len()],
            arrival_rates: vec![(0.0, 0.0, 0.0); sc.streams.len()],
            arrival_keys: vec![u64::MAX; sc.streams.len()],
            first_arrival: (u64::MAX, 0),
            live: 0,
            arrivals_open: 0,
            events: 0,
            engine_events: 0,
            checks: 0,
            check_every: if opts.check_every == 0 {
                CHECK_EVERY_DEFAULT
            } else {
                opts.check_every
            },
            since_check: 0,
            queues: vec![QueueTally::default(); sc.queues.len()],
            intervals: if opts.intervals {
                vec![vec![QueueTally::default(); sc.queues.len()]; n_intervals]
            } else {
                Vec::new()
            },
            group_busy_ms: vec![0; sc.groups.len()],
            interval_busy_ms: if opts.intervals {
                vec![vec![0; n_intervals]; sc.groups.len()]
            } else {
                Vec::new()
            },
            collect_intervals: opts.intervals,
            drained_at_ms: 0,
            unfinished: 0,
            failure: None,
            out: None,
            core: None,
            outputs: VecDeque::new(),
        }
    }

    /// The report interval holding `ms`, u32::MAX when intervals are not collected.
    fn interval_index(&self, ms: u64) -> u32 {
        if self.collect_intervals {
            self.sc.interval_of(ms) as u32
        } else {
            u32::MAX
        }
    }

    fn at(&self) -> Instant {
        Instant::from_millis(self.sc.start.as_millis() + self.now_ms)
    }

    fn schedule(&mut self, at_ms: u64, ev: Ev) {
        let slot = match self.free_payloads.pop() {
            Some(i) => {
                self.payloads[i as usize] = ev;
                i
            }
            None => {
                self.payloads.push(ev);
                (self.payloads.len() - 1) as u32
            }
        };
        debug_assert!(
            u64::from(slot) < ARRIVAL_SLOT,
            "fewer pending events than payload slots"
        );
        debug_assert!(at_ms < 1 << (64 - PAYLOAD_BITS), "instants fit 40 bits");
        self.heap.push((at_ms << PAYLOAD_BITS) | u64::from(slot));
    }

    /// Schedules a stream's next arrival (or none), keyed like
    /// [`Sim::schedule`]'s events and after them at the same instant.
    fn schedule_arrival(&mut self, s: usize, at_ms: Option<u64>) {
        self.arrival_keys[s] = match at_ms {
            Some(at) => (at << PAYLOAD_BITS) | ARRIVAL_SLOT,
            None => u64::MAX,
        };
        self.first_arrival = self
            .arrival_keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .min()
            .unwrap_or((u64::MAX, 0));
    }

    fn pop_event(&mut self) -> Ev {
        let key = self.heap.pop().expect("peeked");
        let slot = (key & PAYLOAD_MASK) as u32;
        self.free_payloads.push(slot);
        self.payloads[slot as usize]
    }

    fn create(&mut self, new: NewInteraction) {
        if self.core.is_some() {
            return self.core_create(new);
        }
        if let Err(e) = self.engine.create(self.at(), new) {
            self.fail(format!("the engine refused a new interaction: {e}"));
        }
        self.drain();
    }

    fn input(&mut self, input: Input) {
        if self.core.is_some() {
            return self.core_input(input);
        }
        if let Err(e) = self.engine.handle(self.at(), input) {
            self.fail(format!("the engine refused a simulator input: {e}"));
        }
        self.drain();
    }

    fn fail(&mut self, message: String) {
        if self.failure.is_none() {
            self.failure = Some(message);
        }
    }

    fn setup(&mut self) {
        let now = self.at();
        let with_core = !self.sc.campaigns.is_empty();
        if !with_core {
            for q in &self.sc.queues {
                self.engine
                    .handle(now, Input::UpsertQueue(Box::new(q.clone())))
                    .expect("compiled queues are valid");
            }
            self.engine
                .handle(now, Input::SetPlan(Box::new(self.sc.plan.clone())))
                .expect("compiled plan is valid");
        }
        let mut configs = Vec::new();
        let mut id = 0u32;
        for (gi, g) in self.sc.groups.iter().enumerate() {
            for k in 0..g.count {
                let mut cfg = AgentConfig::new(AgentId(id), g.skills.clone());
                cfg.teams = g.teams.clone();
                cfg.capacity = g.capacity;
                cfg.voice_exclusive = g.voice_exclusive;
                // Answering in no time is the phone's auto-answer: the
                // engine connects the offer itself.
                cfg.auto_answer = g.answer_ms == 0;
                if with_core {
                    configs.push(cfg);
                } else {
                    self.engine
                        .handle(now, Input::UpsertAgent(cfg))
                        .expect("agent ids are dense");
                }
                self.agents.push(SimAgent {
                    busy_since: NONE,
                    handled: 0,
                    answer_ms: g.answer_ms,
                    group: gi as u32,
                    capacity: g.capacity.iter().map(|&x| u16::from(x)).sum(),
                    active: 0,
                });
                match g.shift_ms {
                    Some((start, end)) => {
                        self.schedule(start, Ev::SignIn(id));
                        self.schedule(end, Ev::SignOut(id));
                    }
                    None => self.schedule(0, Ev::SignIn(id)),
                }
                for (bi, &(at, _, _, stagger)) in g.breaks.iter().enumerate() {
                    self.schedule(at + stagger * u64::from(k), Ev::BreakStart(id, bi as u16));
                }
                id += 1;
            }
        }
        if with_core {
            self.configure_core(configs);
        }
        self.drain();
        for s in 0..self.sc.streams.len() {
            self.next_arrival[s] = 0.0;
            if let Some(t) = self.next_arrival_after(s, 0.0) {
                self.arrivals_open += 1;
                self.next_arrival[s] = t;
                self.schedule_arrival(s, Some(t as u64));
            }
        }
    }

    /// Next arrival of a stream after `t` (ms), piecewise-constant Poisson.
    fn next_arrival_after(&mut self, s: usize, mut t: f64) -> Option<f64> {
        let end = self.sc.duration_ms as f64;
        loop {
            if t >= end {
                return None;
            }
            let (boundary, rate) = self.arrival_interval(s, t);
            if rate <= 0.0 {
                t = boundary;
                continue;
            }
            let gap: f64 = Exp1.sample(&mut self.rng);
            let next = t + gap / rate;
            if next < boundary {
                return Some(next);
            }
            t = boundary;
        }
    }

    /// The end (ms, at most the day's) and the rate of the stream's rate
    /// interval holding `t`, remembered until `t` leaves it.
    fn arrival_interval(&mut self, s: usize, t: f64) -> (f64, f64) {
        let (start, boundary, rate) = self.arrival_rates[s];
        if start <= t && t < boundary {
            return (boundary, rate);
        }
        let sc = self.sc;
        let rates = &sc.streams[s].rate_per_ms;
        let k = (t / sc.interval_ms as f64) as usize;
        let rate = rates[k.min(rates.len() - 1)];
        let start = (k as u64 * sc.interval_ms) as f64;
        let boundary = (((k + 1) as u64 * sc.interval_ms) as f64).min(sc.duration_ms as f64);
        self.arrival_rates[s] = (start, boundary, rate);
        (boundary, rate)
    }

    fn run_loop(&mut self) {
        let start = self.sc.start.as_millis();
        let limit = self.sc.duration_ms + DRAIN_MS_MAX;
        loop {
            if self.failure.is_some() {
                return;
            }
            let outbound = self.out.as_ref().is_some_and(|o| o.busy());
            if self.arrivals_open == 0 && self.live == 0 && !outbound {
                break;
            }
            let heap_first = self.heap.peek().unwrap_or(u64::MAX);
            let (arrival_first, stream) = self.first_arrival;
            let next_key = heap_first.min(arrival_first);
            let next_ev = (next_key != u64::MAX).then_some(next_key >> PAYLOAD_BITS);
            let next_timer = match self.core.as_mut() {
                // The core's timers: routing's and the dialer's.
                Some(core) => core.poll_timeout(),
                None => self.engine.poll_timeout(),
            }
            .map(|t| t.as_millis().saturating_sub(start));
            // The dialer's timers matter while a campaign dials or a call is on.
            // Ties: the engines' timers, then simulated events.
            let t = next_timer
                .unwrap_or(u64::MAX)
                .min(next_ev.unwrap_or(u64::MAX));
            if t == u64::MAX {
                break;
            }
            if t > limit {
                break;
            }
            self.now_ms = self.now_ms.max(t);
            if next_timer == Some(t) && self.core.is_some() {
                self.core_timeout();
            } else if next_timer == Some(t) {
                self.engine.handle_timeout(self.at());
                self.drain();
            } else if arrival_first < heap_first {
                self.arrival(stream as usize);
            } else {
                let ev = self.pop_event();
                self.process(ev);
            }
            self.since_check += 1;
            if self.since_check >= self.check_every {
                self.full_check();
            }
        }
        self.full_check();
        if self.live > 0 {
            // Nothing can move them any more (no agents left, no patience):
            // end them explicitly so every contact still has one outcome.
            let open: Vec<u64> = self
                .contacts
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.ended)
                .map(|(i, _)| i as u64)
                .collect();
            self.unfinished = open.len() as u64;
            for id in open {
                let c = &self.contacts[id as usize];
                if c.answered_ms != NONE && c.connected_ms != NONE {
                    self.input(Input::Complete(InteractionId(id)));
                } else {
                    self.input(Input::Cancel(InteractionId(id)));
                }
            }
        }
    }

    fn full_check(&mut self) {
        self.since_check = 0;
        self.checks += 1;
        if let Err(e) = self.router().check_invariants(self.at()) {
            self.fail(e);
        }
    }

    fn process(&mut self, ev: Ev) {
        match ev {
            Ev::Abandon(id) => {
                let c = &self.contacts[id as usize];
                if !c.ended && c.answered_ms == NONE {
                    self.events += 1;
                    self.input(Input::Abandon(InteractionId(id)));
                }
            }
            Ev::Complete(id) => {
                if !self.contacts[id as usize].ended {
                    self.events += 1;
                    self.input(Input::Complete(InteractionId(id)));
                }
            }
            Ev::Accept(id, agent) => {
                let c = &self.contacts[id as usize];
                if !c.ended && c.offered_to == agent {
                    self.input(Input::Accept(InteractionId(id), AgentId(agent)));
                }
            }
            Ev::SignIn(a) => self.input(Input::SignIn(AgentId(a), None)),
            Ev::SignOut(a) => self.input(Input::SignOut(AgentId(a))),
            Ev::BreakStart(a, b) => {
                let g = &self.sc.groups[self.agents[a as usize].group as usize];
                let (_, dur, reason, _) = g.breaks[b as usize];
                if matches!(self.router().agent_state(AgentId(a)), Some(s) if s != AgentState::Offline)
                {
                    self.input(Input::NotReady(AgentId(a), reason));
                    self.schedule(self.now_ms + dur, Ev::BreakEnd(a));
                }
            }
            Ev::BreakEnd(a) => {
                if matches!(self.router().agent_state(AgentId(a)), Some(s) if s != AgentState::Offline)
                {
                    self.input(Input::Ready(AgentId(a)));
                }
            }
            Ev::DialResult(attempt) => self.dial_result(attempt),
            Ev::PreviewAccept(attempt) => self.preview_accept(attempt),
            Ev::CampaignPause(k) => self.campaign_pause(k as usize),
            Ev::DialLevel(k) => self.dial_level_tick(k as usize),
        }
    }

    fn arrival(&mut self, s: usize) {
        let t = self.next_arrival[s];
        match self.next_arrival_after(s, t) {
            Some(next) => {
                self.next_arrival[s] = next;
                self.schedule_arrival(s, Some(next as u64));
            }
            None => {
                self.arrivals_open -= 1;
                self.schedule_arrival(s, None);
            }
        }
        self.events += 1;
        let stream = &self.sc.streams[s];
        let handle_ms = sample_ms_u32(&stream.handle, &mut self.rng);
        let id = self.contacts.len() as u64;
        let mut contact = Contact::new(
            self.now_ms,
            handle_ms,
            s as u32,
            NONE,
            self.interval_index(self.now_ms),
        );
        contact.counted = self.now_ms >= self.sc.warmup_ms;
        self.contacts.push(contact);
        self.live += 1;
        // Attributes only for a stream that draws some: a call with none
        // hands the engine nothing to check, copy or drop.
        let attributes = (!stream.attributes.is_empty()).then(|| {
            let mut a = Attributes::default();
            for mix in &stream.attributes {
                let u: f64 = self.rng.random();
                if let Some((_, v)) = mix.values.iter().find(|(cum, _)| u < *cum) {
                    a = with_attr(a, &mix.key, v).expect("values were checked when loading");
                }
            }
            Box::new(a)
        });
        self.create(NewInteraction {
            id: InteractionId(id),
            channel: stream.channel,
            attributes,
            queue: stream.queue,
            priority: stream.priority,
            preferred_agent: None,
        });
        // A caller answered on arrival never runs out of patience: their
        // patience is not drawn and no timer is set, which keeps the event
        // heap small (most calls, in a good day). Drawn here, after routing,
        // it is still independent of everything else about the call.
        let c = &self.contacts[id as usize];
        if !c.ended
            && c.answered_ms == NONE
            && let Some(p) = self.sc.streams[s].patience.as_ref()
        {
            let p = p.sample_ms(&mut self.rng);
            self.schedule(self.now_ms + p, Ev::Abandon(id));
        }
    }

    fn drain(&mut self) {
        if self.core.is_some() {
            return self.drain_core();
        }
        // The engine's outputs are read in place: its queue is swapped
        // with an empty one and handed back afterwards.
        while self.engine.has_output() {
            let mut outs = std::mem::take(&mut self.outputs);
            self.engine.swap_outputs(&mut outs);
            for out in &outs {
                match out {
                    Output::Event(ev) => {
                        self.engine_events += 1;
                        self.on_event(&ev.kind);
                    }
                    Output::OfferCallback { interaction } => self.on_offer_callback(interaction.0),
                }
            }
            // Put back, then emptied where it lies: emptying first and
            // moving it after would read it back whole right behind the
            // narrow store of its new length (a stalled load each time).
            self.outputs = outs;
            self.outputs.clear();
        }
    }

    fn on_offer_callback(&mut self, id: u64) {
        let c = &self.contacts[id as usize];
        let share = self.sc.streams[c.stream as usize].accept_callback;
        if share > 0.0 && self.rng.random::<f64>() < share {
            let mut cb = c.clone();
            cb.is_callback = true;
            cb.counted = false;
            cb.queue = u32::MAX;
            cb.offered_to = u32::MAX;
            let cb_id = self.contacts.len() as u64;
            self.contacts.push(cb);
            self.live += 1;
            self.pending_callback(id, cb_id);
        }
    }

    fn pending_callback(&mut self, id: u64, cb: u64) {
        if self.core.is_some() {
            return self.core_callback(id, cb);
        }
        if let Err(e) = self.engine.handle(
            self.at(),
            Input::Callback {
                interaction: InteractionId(id),
                callback: InteractionId(cb),
            },
        ) {
            self.fail(format!("a callback was refused: {e}"));
        }
    }

    fn on_event(&mut self, kind: &EventKind) {
        let now = self.now_ms;
        match *kind {
            EventKind::InteractionQueued {
                interaction, queue, ..
            } => {
                let c = &mut self.contacts[interaction.0 as usize];
                c.current_queue = queue.0;
                if c.queue == u32::MAX && !c.is_callback {
                    c.queue = queue.0;
                    if c.counted {
                        let k = c.interval as usize;
                        self.queues[queue.index()].offer();
                        if let Some(iv) = self.intervals.get_mut(k) {
                            iv[queue.index()].offer();
                        }
                    }
                }
            }
            EventKind::Offered {
                interaction, agent, ..
            } => {
                let c = &mut self.contacts[interaction.0 as usize];
                if c.offered_to != u32::MAX {
                    let msg = format!(
                        "interaction {interaction} offered to agent {agent} while ringing at agent {}",
                        c.offered_to
                    );
                    self.fail(msg);
                    return;
                }
                c.offered_to = agent.0;
                let answer_ms = self.agents[agent.index()].answer_ms;
                // With no answer time the agent is on auto-answer and the
                // engine's `Accepted` follows at once. Through the core the
                // agent answers (an answered outbound call: the line bridges).
                let line = c.line;
                if self.core.is_some() {
                    if line == NONE {
                        self.schedule(now + answer_ms, Ev::Accept(interaction.0, agent.0));
                    }
                } else if answer_ms > 0 {
                    self.schedule(now + answer_ms, Ev::Accept(interaction.0, agent.0));
                }
            }
            EventKind::Rejected { interaction, .. }
            | EventKind::OfferTimedOut { interaction, .. }
            | EventKind::OfferRevoked { interaction, .. } => {
                self.contacts[interaction.0 as usize].offered_to = u32::MAX;
            }
            EventKind::Accepted { interaction, agent } => {
                let line = self.contacts[interaction.0 as usize].line;
                if line != NONE {
                    self.outbound_connected(line);
                }
                let sc = self.sc;
                let c = &mut self.contacts[interaction.0 as usize];
                c.offered_to = u32::MAX;
                c.agent = agent.0;
                c.connected_ms = now;
                let a = &mut self.agents[agent.index()];
                a.active += 1;
                a.handled += 1;
                if u16::from(a.active) > a.capacity {
                    let msg = format!(
                        "agent {agent} holds {} interactions, above capacity",
                        a.active
                    );
                    self.fail(msg);
                }
                let c = &mut self.contacts[interaction.0 as usize];
                if c.answered_ms == NONE {
                    c.answered_ms = now;
                    if c.counted && c.queue != u32::MAX {
                        let wait = now - c.arrived_ms;
                        let q = c.queue as usize;
                        let threshold_ms = sc.queues[q].sl_threshold.as_millis() as u64;
                        let k = c.interval as usize;
                        for qc in std::iter::once(&mut self.queues[q])
                            .chain(self.intervals.get_mut(k).map(|iv| &mut iv[q]))
                        {
                            qc.answer(wait, threshold_ms);
                        }
                    }
                }
                let handle = u64::from(c.handle_ms);
                self.schedule(now + handle, Ev::Complete(interaction.0));
            }
            EventKind::Transferred {
                interaction,
                consult,
                ..
            } => {
                let c = &mut self.contacts[interaction.0 as usize];
                if !consult {
                    let a = c.agent as usize;
                    self.agents[a].active -= 1;
                }
            }
            EventKind::Overflowed { interaction, .. } => {
                let c = &self.contacts[interaction.0 as usize];
                if c.counted && c.queue != u32::MAX && c.answered_ms == NONE {
                    self.queues[c.queue as usize].overflow();
                }
            }
            EventKind::Ended {
                interaction,
                outcome,
                ..
            } => {
                let line = self.contacts[interaction.0 as usize].line;
                if line != NONE && !self.contacts[interaction.0 as usize].ended {
                    self.outbound_ended(interaction.0, line, outcome);
                }
                self.on_end(interaction.0, outcome)
            }
            EventKind::AgentStateChanged { agent, ref state } => {
                self.agent_changed(agent.0, *state);
                let busy = matches!(state, AgentState::Busy | AgentState::WrapUp);
                let a = &mut self.agents[agent.index()];
                let since = a.busy_since;
                if since == NONE && busy {
                    a.busy_since = now;
                } else if since != NONE && !busy {
                    a.busy_since = NONE;
                    let g = a.group as usize;
                    self.add_busy(g, since, now);
                }
            }
            _ => {}
        }
    }

    fn add_busy(&mut self, group: usize, from: u64, to: u64) {
        self.group_busy_ms[group] += overlap_ms(from, to, self.sc.warmup_ms, self.sc.duration_ms);
        if self.collect_intervals {
            let iv = self.sc.interval_ms;
            let mut t = from;
            while t < to.min(self.sc.duration_ms) {
                let k = (t / iv) as usize;
                let end = ((k as u64 + 1) * iv).min(to);
                self.interval_busy_ms[group][k] += end - t;
                t = end;
            }
        }
    }

    fn on_end(&mut self, id: u64, outcome: FinalOutcome) {
        let sc = self.sc;
        let now = self.now_ms;
        let c = &mut self.contacts[id as usize];
        if c.ended {
            let msg = format!("interaction {id} ended twice");
            self.fail(msg);
            return;
        }
        c.ended = true;
        c.offered_to = u32::MAX;
        self.live -= 1;
        self.drained_at_ms = self.drained_at_ms.max(now);
        if c.connected_ms != NONE && c.agent != u32::MAX && outcome == FinalOutcome::Handled {
            let a = &mut self.agents[c.agent as usize];
            a.active = a.active.saturating_sub(1);
        }
        if !c.counted || c.queue == u32::MAX {
            return;
        }
        let q = c.queue as usize;
        let k = c.interval as usize;
        let waited = if c.answered_ms != NONE {
            c.answered_ms
        } else {
            now
        } - c.arrived_ms;
        let wrap = sc.queues[c.current_queue as usize].wrap_up.as_millis() as u64;
        let talk = if c.connected_ms != NONE {
            now - c.connected_ms
        } else {
            0
        };
        let answered = c.answered_ms != NONE;
        for qc in std::iter::once(&mut self.queues[q])
            .chain(self.intervals.get_mut(k).map(|iv| &mut iv[q]))
        {
            qc.end(outcome, answered, waited);
            if outcome == FinalOutcome::Handled {
                qc.handle_time(talk + wrap);
            }
        }
    }

    fn report(&mut self, file: &str) -> Report {
        // Close busy periods still open at the end.
        for i in 0..self.agents.len() {
            let since = std::mem::replace(&mut self.agents[i].busy_since, NONE);
            if since != NONE {
                let g = self.agents[i].group as usize;
                let now = self.now_ms;
                self.add_busy(g, since, now);
            }
        }
        let sc = self.sc;
        let span_ms = (sc.duration_ms - sc.warmup_ms) as f64;
        let queues = sc
            .queues
            .iter()
            .map(|q| {
                (
                    q.name.to_string(),
                    queue_report(
                        &self.queues[q.id.index()],
                        q.sl_threshold.as_secs_f64(),
                        q.sl_target,
                    ),
                )
            })
            .collect();
        let groups = sc
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let handled = self
                    .agents
                    .iter()
                    .filter(|a| a.group as usize == gi)
                    .map(|a| a.handled)
                    .sum();
                let staffed_ms = f64::from(g.count) * span_ms;
                let occupancy = round(occupancy(self.group_busy_ms[gi], staffed_ms).unwrap_or(0.0));
                (
                    g.name.clone(),
                    GroupReport {
                        agents: g.count,
                        occupancy,
                        handled,
                    },
                )
            })
            .collect();
        let intervals = self
            .intervals
            .iter()
            .enumerate()
            .map(|(k, iv)| {
                let start = k as u64 * sc.interval_ms;
                let len = (sc.duration_ms.min(start + sc.interval_ms) - start) as f64;
                IntervalReport {
                    start_s: start as f64 / 1000.0,
                    queues: sc
                        .queues
                        .iter()
                        .map(|q| {
                            (
                                q.name.to_string(),
                                queue_report(
                                    &iv[q.id.index()],
                                    q.sl_threshold.as_secs_f64(),
                                    q.sl_target,
                                ),
                            )
                        })
                        .collect(),
                    occupancy: sc
                        .groups
                        .iter()
                        .enumerate()
                        .map(|(gi, g)| {
                            (
                                g.name.clone(),
                                round(
                                    occupancy(
                                        self.interval_busy_ms[gi][k],
                                        f64::from(g.count) * len,
                                    )
                                    .unwrap_or(0.0),
                                ),
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let unfinished = self.unfinished;
        Report {
            scenario: file.to_string(),
            seed: self.seed,
            duration_s: sc.duration_ms as f64 / 1000.0,
            warmup_s: sc.warmup_ms as f64 / 1000.0,
            queues,
            groups,
            campaigns: self.campaign_reports(),
            events: self.events,
            engine_events: self.engine_events,
            invariant_checks: self.checks,
            drained_at_s: self.drained_at_ms as f64 / 1000.0,
            unfinished,
            intervals,
        }
    }
}
