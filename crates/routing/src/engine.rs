//! The engine: inputs in, outputs out, time as an argument.
//!
//! After every input the engine matches work and agents until nothing more
//! can be matched ("dispatch"): a newly waiting interaction looks for a ready
//! eligible agent; a newly ready agent looks for the best waiting interaction
//! it is eligible for. That is what keeps the central invariant: no eligible
//! agent stays ready while an eligible interaction waits.

use std::collections::{HashMap, VecDeque};

use model::event::{AgentState as PublicState, EventKind, FinalOutcome, Reason};
use model::{
    AgentId, Attributes, Channel, Duration, Event, Instant, InteractionId, Name, QueueId,
    ReasonCode,
};

use crate::agents::{Agent, MaybeInstant, ReadyIndex, StateKind};
use crate::classes::{Class, ClassKey, Interaction, Rare, Stage, wait_key};
use crate::config::{Action, AgentConfig, PRIORITY_ABS_MAX, QueueConfig};
use crate::plan::RoutingPlan;
use crate::timers::TimerQueue;
use crate::{Output, RoutingError};

/// How many queue-to-queue moves one interaction may make before it is refused
/// (a guard against overflow loops in a plan).
pub const OVERFLOW_HOPS_MAX: u8 = 8;
/// Most agents that may decline one interaction before it stops remembering them.
pub const DECLINED_MAX: usize = 64;
/// Default time an interaction waits for a named (preferred or transfer) agent.
pub const PERSONAL_WAIT_DEFAULT: Duration = Duration::from_secs(60);

/// Where an agent sends an interaction it transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferTarget {
    /// To a queue.
    Queue(QueueId),
    /// To one agent (who has [`PERSONAL_WAIT_DEFAULT`] to take it; then it goes to its queue).
    Agent(AgentId),
}

/// A new interaction for routing.
#[derive(Debug, Clone)]
pub struct NewInteraction {
    /// Its id, unique in this engine.
    pub id: InteractionId,
    /// Its channel.
    pub channel: Channel,
    /// What is known about it; `None` when nothing is (most simulated
    /// calls: nothing to build, move, check or drop).
    pub attributes: Option<Box<Attributes>>,
    /// The queue it was created for (the plan may choose another).
    pub queue: Option<QueueId>,
    /// Starting priority (the plan may change it).
    pub priority: i32,
    /// Wait first for this agent, for this long (last-agent routing).
    pub preferred_agent: Option<(AgentId, Duration)>,
}

impl NewInteraction {
    /// A plain interaction for a queue.
    pub fn new(id: InteractionId, channel: Channel, queue: QueueId) -> Self {
        NewInteraction {
            id,
            channel,
            attributes: None,
            queue: Some(queue),
            priority: 0,
            preferred_agent: None,
        }
    }
}

/// Everything the engine reacts to.
#[derive(Debug, Clone)]
pub enum Input {
    /// Add a queue (its id must be the next free one) or replace one.
    UpsertQueue(Box<QueueConfig>),
    /// Add an agent (its id must be the next free one) or replace its skills, teams and capacity.
    UpsertAgent(AgentConfig),
    /// Replace the routing plan.
    SetPlan(Box<RoutingPlan>),
    /// The agent signs in to routing (ready unless a reason is given).
    SignIn(AgentId, Option<ReasonCode>),
    /// The agent signs out (now, or when their current work ends).
    SignOut(AgentId),
    /// The agent becomes ready.
    Ready(AgentId),
    /// The agent becomes not ready for a reason (a ringing offer is withdrawn).
    NotReady(AgentId, ReasonCode),
    /// A new interaction.
    Create(Box<NewInteraction>),
    /// The agent accepted the offer.
    Accept(InteractionId, AgentId),
    /// The agent declined the offer.
    Reject(InteractionId, AgentId),
    /// The conversation ended (customer or agent hung up, chat closed): handled.
    Complete(InteractionId),
    /// The agent finished after-contact work early.
    WrapUpDone(AgentId),
    /// The customer left before an agent took it.
    Abandon(InteractionId),
    /// The customer accepted a callback: the interaction ends and `callback`
    /// takes its place in line.
    Callback {
        /// The interaction that waited.
        interaction: InteractionId,
        /// The callback interaction that replaces it.
        callback: InteractionId,
    },
    /// An agent transfers a connected interaction.
    Transfer {
        /// Which.
        interaction: InteractionId,
        /// Where.
        to: TransferTarget,
        /// Consult: the agent keeps the customer until the other side accepts.
        consult: bool,
    },
    /// The consulting agent takes the customer back.
    CancelTransfer(InteractionId),
    /// A supervisor offers a waiting interaction to a given agent.
    ForceAssign(InteractionId, AgentId),
    /// Remove an interaction (supervisor or integration).
    Cancel(InteractionId),
}

/// Position and estimated wait of a waiting interaction, for announcements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueuePosition {
    /// 1 for the next in line of its queue.
    pub position: u32,
    /// How many wait in its queue.
    pub waiting: u32,
    /// Estimated time until an agent takes it.
    pub estimated_wait: Duration,
}

/// Counters an engine keeps for reports and health.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Offers made (including those later declined).
    pub offers: u64,
    /// Interactions currently known.
    pub interactions: u64,
    /// Interactions waiting now.
    pub waiting: u64,
    /// Agents ready now.
    pub ready_agents: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKind {
    Offer,
    Step,
    MaxWait,
    Personal,
    WrapUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    at: Instant,
    seq: u64,
    kind: TimerKind,
    /// Interaction slot, or agent index for wrap-up.
    target: u32,
    generation: u32,
}

#[derive(Debug, Default)]
struct QueueLive {
    handled: u64,
    handle_ms: u64,
    waiting: u32,
}

/// The routing engine of one tenant.
#[derive(Debug)]
pub struct Engine {
    pub(crate) queues: Vec<QueueConfig>,
    queue_live: Vec<QueueLive>,
    /// Interactions waiting in any class (the sum of the queues' `waiting`):
    /// while none does, a newly ready agent has nothing to look through.
    waiting_total: u32,
    pub(crate) agents: Vec<Agent>,
    pub(crate) plan: RoutingPlan,
    pub(crate) slots: Vec<Option<Interaction>>,
    slot_gens: Vec<u32>,
    free_slots: Vec<u32>,
    pub(crate) by_id: HashMap<InteractionId, u32, BuildIdHasher>,
    pub(crate) classes: Vec<Class>,
    class_index: HashMap<ClassKey, u32>,
    /// Class of (queue, step, channel) for interactions with no rule-added skills.
    plain_classes: Vec<Vec<[u32; Channel::COUNT]>>,
    /// Classes by the first skill they need (agents with the skill check them).
    classes_by_skill: Vec<Vec<u32>>,
    classes_by_team: Vec<Vec<u32>>,
    classes_by_agent: Vec<Vec<u32>>,
    /// Classes that need no skill, team or agent.
    classes_open: Vec<u32>,
    pub(crate) ready: ReadyIndex,
    timers: TimerQueue<Timer>,
    timer_seq: u64,
    out: VecDeque<Output>,
    dirty_agents: Vec<u32>,
    dirty_slots: Vec<u32>,
    seq: u64,
    rng: u64,
    stats: EngineStats,
}

impl Engine {
    /// An engine with no queues or agents; `seed` drives the random strategy.
    pub fn new(seed: u64) -> Self {
        Engine {
            queues: Vec::new(),
            queue_live: Vec::new(),
            waiting_total: 0,
            agents: Vec::new(),
            plan: RoutingPlan::default(),
            slots: Vec::new(),
            slot_gens: Vec::new(),
            free_slots: Vec::new(),
            by_id: HashMap::default(),
            classes: Vec::new(),
            class_index: HashMap::new(),
            plain_classes: Vec::new(),
            classes_by_skill: Vec::new(),
            classes_by_team: Vec::new(),
            classes_by_agent: Vec::new(),
            classes_open: Vec::new(),
            ready: ReadyIndex::default(),
            timers: TimerQueue::default(),
            timer_seq: 0,
            out: VecDeque::new(),
            dirty_agents: Vec::new(),
            dirty_slots: Vec::new(),
            seq: 0,
            rng: seed ^ 0x9E37_79B9_7F4A_7C15,
            stats: EngineStats::default(),
        }
    }

    /// The next output, if any. Drain after every [`Engine::handle`] and [`Engine::handle_timeout`].
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Takes every pending output at once: swaps the engine's queue of
    /// outputs with `buf`, which must be empty (a shell that reads outputs
    /// in place, by reference, and keeps two buffers going round).
    pub fn swap_outputs(&mut self, buf: &mut VecDeque<Output>) {
        debug_assert!(buf.is_empty(), "swap in an empty buffer");
        std::mem::swap(&mut self.out, buf);
    }

    /// Whether outputs wait to be polled.
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// When the engine next needs [`Engine::handle_timeout`], if ever.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        while let Some(t) = self.timers.peek() {
            if self.timer_live(t) {
                return Some(t.at);
            }
            self.timers.pop();
        }
        None
    }

    /// Fires every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(t) = self.timers.peek().copied() {
            if t.at > now {
                break;
            }
            self.timers.pop();
            if self.timer_live(&t) {
                self.fire(t.at.max(Instant::ZERO), t);
            }
        }
        self.dispatch(now);
    }

    /// Applies one input at `now`. On error nothing changed.
    pub fn handle(&mut self, now: Instant, input: Input) -> Result<(), RoutingError> {
        let r = self.apply(now, input);
        self.dispatch(now);
        r
    }

    /// [`Input::Create`] without the box: the same checks and the same
    /// facts, for a shell that creates interactions in a tight loop (the
    /// simulator). On error nothing changed.
    pub fn create(&mut self, now: Instant, new: NewInteraction) -> Result<(), RoutingError> {
        let r = self.create_interaction(now, new);
        self.dispatch(now);
        r
    }

    /// Counters for health and tests.
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            interactions: self.by_id.len() as u64,
            waiting: u64::from(self.waiting_total),
            ready_agents: self.ready.len() as u64,
            ..self.stats
        }
    }

    /// The queues, by id.
    pub fn queues(&self) -> &[QueueConfig] {
        &self.queues
    }

    /// An agent's configuration as the engine holds it (skills sorted).
    pub fn agent_config(&self, agent: AgentId) -> Option<AgentConfig> {
        let a = self.agents.get(agent.index())?;
        Some(AgentConfig {
            id: a.cfg.id,
            skills: a.skills.to_vec(),
            teams: a.cfg.teams.to_vec(),
            capacity: a.cfg.capacity,
            voice_exclusive: a.cfg.voice_exclusive,
            auto_answer: a.cfg.auto_answer,
        })
    }

    /// An agent's current state, as published.
    pub fn agent_state(&self, agent: AgentId) -> Option<PublicState> {
        self.agents.get(agent.index()).map(|a| a.public_state())
    }

    /// The agent holding an interaction during a consult transfer (they stay
    /// connected in routing until the consulted agent accepts or it is cancelled).
    pub fn consult_holder(&self, id: InteractionId) -> Option<AgentId> {
        let slot = self.slot_of(id).ok()?;
        let it = self.slots[slot as usize].as_ref()?;
        it.held_by.map(|h| self.agents[h as usize].id())
    }

    /// The interactions this agent holds while consulting another (their
    /// customer on hold), at most `max`.
    pub fn consults_held_by(&self, agent: AgentId, max: usize) -> Vec<InteractionId> {
        let Ok(ai) = self.agent_index(agent) else {
            return Vec::new();
        };
        // A held interaction stays in its holder's active list until the
        // consulted agent accepts it: look there, not at every slot.
        self.agents[ai]
            .active
            .iter()
            .filter_map(|&slot| self.slots[slot as usize].as_ref())
            .filter(|it| it.held_by == Some(ai as u32))
            .map(|it| it.id)
            .take(max)
            .collect()
    }

    /// The agent an interaction is offered to, if any.
    pub fn offered_agent(&self, id: InteractionId) -> Option<AgentId> {
        let slot = self.slot_of(id).ok()?;
        let it = self.slots[slot as usize].as_ref()?;
        match it.stage {
            Stage::Offered { agent, .. } => Some(self.agents[agent as usize].id()),
            _ => None,
        }
    }

    /// The agent an interaction is connected to, if any.
    pub fn connected_agent(&self, id: InteractionId) -> Option<AgentId> {
        let slot = self.slot_of(id).ok()?;
        let it = self.slots[slot as usize].as_ref()?;
        match it.stage {
            Stage::Connected { agent } => Some(self.agents[agent as usize].id()),
            _ => None,
        }
    }

    /// How many interactions wait in a queue now.
    pub fn waiting_in(&self, queue: QueueId) -> u32 {
        self.queue_live.get(queue.index()).map_or(0, |q| q.waiting)
    }

    /// Position and estimated wait of a waiting interaction.
    pub fn position(&self, id: InteractionId) -> Option<QueuePosition> {
        let slot = *self.by_id.get(&id)?;
        let it = self.slots[slot as usize].as_ref()?;
        let Stage::Waiting { class } = it.stage else {
            return None;
        };
        let key = *self.classes[class as usize]
            .waiting
            .iter()
            .find(|k| k.3 == slot)?;
        let q = it.queue;
        let ahead: usize = self
            .classes
            .iter()
            .filter(|c| c.key.queue == q)
            .map(|c| c.waiting.iter().take_while(|k| **k < key).count())
            .sum();
        let position = ahead as u32 + 1;
        let live = &self.queue_live[q.index()];
        // Five minutes until the queue has handled something to learn from.
        let mean_handle_ms = live.handle_ms.checked_div(live.handled).unwrap_or(300_000);
        let serving = self
            .agents
            .iter()
            .filter(|a| a.signed_in && self.serves(a, q))
            .count()
            .max(1) as u64;
        Some(QueuePosition {
            position,
            waiting: live.waiting,
            estimated_wait: Duration::from_millis(u64::from(position) * mean_handle_ms / serving),
        })
    }

    fn serves(&self, a: &Agent, q: QueueId) -> bool {
        self.queues[q.index()].steps.iter().any(|s| {
            s.target.team.is_none_or(|t| a.in_team(t))
                && s.target
                    .skills
                    .iter()
                    .all(|r| a.level(r.skill) >= r.min.get())
        })
    }

    // ----- inputs -------------------------------------------------------

    fn apply(&mut self, now: Instant, input: Input) -> Result<(), RoutingError> {
        match input {
            Input::UpsertQueue(q) => self.upsert_queue(*q),
            Input::UpsertAgent(a) => self.upsert_agent(now, a),
            Input::SetPlan(p) => {
                for r in &p.rules {
                    if let Some(q) = r.then.queue {
                        self.check_queue(q)?;
                    }
                }
                if let Some(q) = p.default_queue {
                    self.check_queue(q)?;
                }
                self.plan = *p;
                Ok(())
            }
            Input::SignIn(agent, reason) => {
                let i = self.agent_index(agent)?;
                let a = &mut self.agents[i];
                if !a.signed_in {
                    a.signed_in = true;
                    a.signed_in_at = now;
                    a.busy_ms = 0;
                }
                a.signing_out = false;
                a.set_not_ready(reason);
                a.ready_since = now;
                self.agent_changed(now, i);
                Ok(())
            }
            Input::SignOut(agent) => {
                let i = self.agent_index(agent)?;
                self.revoke_offer(now, i);
                let a = &mut self.agents[i];
                if a.active.is_empty() {
                    a.signed_in = false;
                    a.signing_out = false;
                    a.wrap_until = MaybeInstant::NONE;
                } else {
                    a.signing_out = true;
                }
                self.agent_changed(now, i);
                Ok(())
            }
            Input::Ready(agent) => {
                let i = self.agent_index(agent)?;
                let a = &mut self.agents[i];
                if !a.signed_in {
                    return Err(RoutingError::AgentSignedOut(agent));
                }
                if a.not_ready.is_some() {
                    a.set_not_ready(None);
                    a.ready_since = now;
                }
                self.agent_changed(now, i);
                Ok(())
            }
            Input::NotReady(agent, reason) => {
                let i = self.agent_index(agent)?;
                if !self.agents[i].signed_in {
                    return Err(RoutingError::AgentSignedOut(agent));
                }
                self.revoke_offer(now, i);
                self.agents[i].set_not_ready(Some(reason));
                self.agent_changed(now, i);
                Ok(())
            }
            Input::Create(new) => self.create_interaction(now, *new),
            Input::Accept(id, agent) => self.accept(now, id, agent),
            Input::Reject(id, agent) => {
                let slot = self.slot_of(id)?;
                let ai = self.offered_to(slot, id, agent)?;
                self.emit(
                    now,
                    EventKind::Rejected {
                        interaction: id,
                        agent,
                    },
                );
                self.return_from_offer(now, slot, ai, true);
                Ok(())
            }
            Input::Complete(id) => self.complete(now, id),
            Input::WrapUpDone(agent) => {
                let i = self.agent_index(agent)?;
                let a = &mut self.agents[i];
                if a.wrap_until.take().is_some() {
                    a.wrap_generation = a.wrap_generation.wrapping_add(1);
                    a.ready_since = now;
                    self.agent_changed(now, i);
                }
                Ok(())
            }
            Input::Abandon(id) => {
                let slot = self.slot_of(id)?;
                let it = self.slots[slot as usize]
                    .as_ref()
                    .expect("slot of a known id is in use");
                if matches!(it.stage, Stage::Connected { .. }) {
                    return Err(RoutingError::WrongStage(
                        id,
                        "connected: complete it instead",
                    ));
                }
                self.end(now, slot, FinalOutcome::Abandoned, reason_by("customer"));
                Ok(())
            }
            Input::Callback {
                interaction,
                callback,
            } => self.callback(now, interaction, callback),
            Input::Transfer {
                interaction,
                to,
                consult,
            } => self.transfer(now, interaction, to, consult),
            Input::CancelTransfer(id) => {
                let slot = self.slot_of(id)?;
                let it = self.slots[slot as usize].as_ref().expect("in use");
                let Some(holder) = it.held_by else {
                    return Err(RoutingError::WrongStage(
                        id,
                        "no consult transfer in progress",
                    ));
                };
                // The consulted agent's offer, if made, is withdrawn (their desktop clears it).
                self.withdraw(now, slot);
                let it = self.slots[slot as usize].as_mut().expect("in use");
                it.held_by = None;
                it.stage = Stage::Connected { agent: holder };
                Ok(())
            }
            Input::ForceAssign(id, agent) => {
                let slot = self.slot_of(id)?;
                let ai = self.agent_index(agent)?;
                let it = self.slots[slot as usize].as_ref().expect("in use");
                if !matches!(it.stage, Stage::Waiting { .. }) {
                    return Err(RoutingError::WrongStage(id, "not waiting"));
                }
                let a = &self.agents[ai];
                if !a.signed_in || a.offer.is_some() || !a.fits(it.channel) {
                    return Err(RoutingError::AgentUnavailable(agent));
                }
                let reason = Reason {
                    rule: it.rule.clone(),
                    queue: Some(it.queue),
                    step: Some(it.step),
                    by: "force".into(),
                    score: None,
                };
                self.offer(now, slot, ai, reason);
                Ok(())
            }
            Input::Cancel(id) => {
                let slot = self.slot_of(id)?;
                self.end(now, slot, FinalOutcome::Cancelled, reason_by("cancelled"));
                Ok(())
            }
        }
    }

    fn upsert_queue(&mut self, q: QueueConfig) -> Result<(), RoutingError> {
        let i = q.id.index();
        if i > self.queues.len() {
            return Err(RoutingError::UnknownQueue(q.id));
        }
        if q.steps.is_empty() {
            return Err(RoutingError::Invalid("a queue needs at least one step"));
        }
        if q.priority.unsigned_abs() > PRIORITY_ABS_MAX.unsigned_abs()
            || q.aging_per_min > crate::config::AGING_PER_MIN_MAX
        {
            return Err(RoutingError::Invalid(
                "queue priority or aging out of range",
            ));
        }
        for s in &q.steps {
            for r in &s.target.skills {
                self.ready.ensure_skill(r.skill);
            }
        }
        if i == self.queues.len() {
            self.queues.push(q);
            self.queue_live.push(QueueLive::default());
        } else {
            self.queues[i] = q;
            // Steps may have changed: classes are looked up afresh.
            if let Some(steps) = self.plain_classes.get_mut(i) {
                steps.clear();
            }
        }
        Ok(())
    }

    fn upsert_agent(&mut self, now: Instant, cfg: AgentConfig) -> Result<(), RoutingError> {
        let i = cfg.id.index();
        if i > self.agents.len() {
            return Err(RoutingError::UnknownAgent(cfg.id));
        }
        let mut skills = cfg.skills.clone();
        skills.sort();
        skills.dedup_by_key(|s| s.0);
        let cfg = AgentConfig { skills, ..cfg };
        if i == self.agents.len() {
            self.agents.push(Agent::new(cfg));
            self.classes_by_agent.push(Vec::new());
        } else {
            self.unindex(i);
            let (settings, skills) = crate::agents::Settings::split(cfg);
            let a = &mut self.agents[i];
            a.cfg = settings;
            a.skills = skills;
            self.agent_changed(now, i);
        }
        Ok(())
    }

    fn create_interaction(
        &mut self,
        now: Instant,
        new: NewInteraction,
    ) -> Result<(), RoutingError> {
        if let Some(a) = &new.attributes {
            a.validate().map_err(RoutingError::Attributes)?;
        }
        if new.priority.unsigned_abs() > PRIORITY_ABS_MAX.unsigned_abs() {
            return Err(RoutingError::Invalid("priority out of range"));
        }
        if let Some(q) = new.queue {
            self.check_queue(q)?;
        }
        if let Some((a, _)) = new.preferred_agent {
            self.agent_index(a)?;
        }
        // One look-up of the id: its entry is taken after the other checks
        // and filled once a slot is found (dropped unfilled on a duplicate:
        // nothing changed).
        let entry = match self.by_id.entry(new.id) {
            std::collections::hash_map::Entry::Occupied(_) => {
                return Err(RoutingError::DuplicateInteraction(new.id));
            }
            std::collections::hash_map::Entry::Vacant(v) => v,
        };
        let d = self.plan.decide(
            now,
            new.channel,
            new.attributes.as_deref().unwrap_or(&BLANK),
            new.queue,
            new.priority,
        );
        let slot = take_slot(&mut self.free_slots, &mut self.slots, &mut self.slot_gens);
        entry.insert(slot);
        self.seq += 1;
        let it = Interaction {
            id: new.id,
            channel: new.channel,
            queue: d.queue.unwrap_or(QueueId(0)),
            priority: d.priority.clamp(-PRIORITY_ABS_MAX, PRIORITY_ABS_MAX),
            rule: d.rule.clone(),
            arrived_at: now,
            seq: self.seq,
            queued_at: now,
            step: 0,
            stage: Stage::Waiting { class: u32::MAX },
            generation: self.slot_gens[slot as usize],
            queue_gen: self.slot_gens[slot as usize],
            rare: (!d.add_skills.is_empty() || new.preferred_agent.is_some()).then(|| {
                Box::new(Rare {
                    add_skills: d.add_skills,
                    declined: Vec::new(),
                    personal: new.preferred_agent.map(|(a, d)| (a, Some(now + d))),
                })
            }),
            held_by: None,
            overflow_hops: 0,
            callback_offered: false,
            connected_at: MaybeInstant::NONE,
        };
        let attributes = new.attributes.filter(|a| **a != BLANK);
        self.slots[slot as usize] = Some(it);
        self.emit(
            now,
            EventKind::InteractionCreated {
                interaction: new.id,
                channel: new.channel,
                attributes,
            },
        );
        match d.queue {
            Some(q) => self.enter_queue(now, slot, q, reason_rule(d.rule, q)),
            None => self.end(now, slot, FinalOutcome::Refused, reason_by("no_queue")),
        }
        Ok(())
    }

    fn accept(
        &mut self,
        now: Instant,
        id: InteractionId,
        agent: AgentId,
    ) -> Result<(), RoutingError> {
        let slot = self.slot_of(id)?;
        let ai = self.offered_to(slot, id, agent)?;
        let it = self.slots[slot as usize].as_mut().expect("in use");
        // The ring timeout is dead from here on: drop it now if it is the
        // last one armed in its lane, rather than skip it when due.
        let ring_generation = it.generation;
        self.timers
            .drop_last(lane(TimerKind::Offer, it.queue, 0), |t: &Timer| {
                t.kind == TimerKind::Offer && t.target == slot && t.generation == ring_generation
            });
        self.connect(now, slot, ai);
        Ok(())
    }

    /// Connects an offered interaction to its agent (an accept, or an
    /// auto-answer agent's offer).
    fn connect(&mut self, now: Instant, slot: u32, ai: usize) {
        let it = self.slots[slot as usize].as_mut().expect("in use");
        it.generation = it.generation.wrapping_add(1);
        it.stage = Stage::Connected { agent: ai as u32 };
        it.connected_at = MaybeInstant::some(now);
        let (id, channel) = (it.id, it.channel);
        let holder = it.held_by.take();
        let a = &mut self.agents[ai];
        a.offer = None;
        a.active.push(slot);
        a.load[channel.index()] += 1;
        if channel.is_voice() {
            a.voice_active += 1;
        }
        a.contacts += 1;
        if a.busy_since.is_none() {
            a.busy_since = MaybeInstant::some(now);
        }
        let agent = a.id();
        self.emit(
            now,
            EventKind::Accepted {
                interaction: id,
                agent,
            },
        );
        if let Some(h) = holder {
            self.release_agent(now, h as usize, slot);
        }
        self.agent_changed(now, ai);
    }

    fn complete(&mut self, now: Instant, id: InteractionId) -> Result<(), RoutingError> {
        let slot = self.slot_of(id)?;
        let it = self.slots[slot as usize].as_ref().expect("in use");
        if !matches!(it.stage, Stage::Connected { .. }) && it.held_by.is_none() {
            return Err(RoutingError::WrongStage(id, "not connected to an agent"));
        }
        let q = it.queue;
        if let Some(at) = it.connected_at.get() {
            let live = &mut self.queue_live[q.index()];
            live.handled += 1;
            live.handle_ms += now.saturating_since(at).as_millis() as u64
                + self.queues[q.index()].wrap_up.as_millis() as u64;
        }
        self.end(now, slot, FinalOutcome::Handled, reason_by("completed"));
        Ok(())
    }

    fn callback(
        &mut self,
        now: Instant,
        id: InteractionId,
        cb: InteractionId,
    ) -> Result<(), RoutingError> {
        let slot = self.slot_of(id)?;
        if self.by_id.contains_key(&cb) {
            return Err(RoutingError::DuplicateInteraction(cb));
        }
        let it = self.slots[slot as usize].as_ref().expect("in use");
        if matches!(it.stage, Stage::Connected { .. }) {
            return Err(RoutingError::WrongStage(id, "connected"));
        }
        // The callback keeps the caller's place: same arrival, order and queue.
        let copy = Interaction {
            id: cb,
            channel: Channel::Callback,
            rare: it.rare.as_ref().map(|r| {
                Box::new(Rare {
                    declined: Vec::new(),
                    ..(**r).clone()
                })
            }),
            held_by: None,
            callback_offered: true,
            connected_at: MaybeInstant::NONE,
            stage: Stage::Waiting { class: u32::MAX },
            ..it.clone()
        };
        let queue = it.queue;
        self.end(
            now,
            slot,
            FinalOutcome::CallbackOffered,
            reason_by("callback"),
        );
        let nslot = self.alloc_slot();
        let generation = self.slot_gens[nslot as usize];
        self.by_id.insert(cb, nslot);
        self.slots[nslot as usize] = Some(Interaction {
            generation,
            queue_gen: generation,
            ..copy
        });
        self.emit(
            now,
            EventKind::InteractionCreated {
                interaction: cb,
                channel: Channel::Callback,
                attributes: None,
            },
        );
        let reason = Reason {
            queue: Some(queue),
            by: "callback".into(),
            ..Default::default()
        };
        let it = self.slots[nslot as usize].as_ref().expect("just set");
        let priority = it.priority;
        self.emit(
            now,
            EventKind::InteractionQueued {
                interaction: cb,
                queue,
                priority,
                reason,
            },
        );
        self.place(now, nslot);
        Ok(())
    }

    fn transfer(
        &mut self,
        now: Instant,
        id: InteractionId,
        to: TransferTarget,
        consult: bool,
    ) -> Result<(), RoutingError> {
        let slot = self.slot_of(id)?;
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let Stage::Connected { agent } = it.stage else {
            return Err(RoutingError::WrongStage(id, "not connected to an agent"));
        };
        let target_queue = match to {
            TransferTarget::Queue(q) => {
                self.check_queue(q)?;
                q
            }
            TransferTarget::Agent(a) => {
                self.agent_index(a)?;
                it.queue
            }
        };
        let from_agent = self.agents[agent as usize].id();
        let (to_queue, to_agent) = match to {
            TransferTarget::Queue(q) => (Some(q), None),
            TransferTarget::Agent(a) => (None, Some(a)),
        };
        self.emit(
            now,
            EventKind::Transferred {
                interaction: id,
                from_agent,
                to_queue,
                to_agent,
                consult,
            },
        );
        let it = self.slots[slot as usize].as_mut().expect("in use");
        if let Some(r) = it.rare.as_mut() {
            r.declined.clear();
            r.personal = None;
        }
        if let Some(a) = to_agent {
            it.rare_mut().personal = Some((a, Some(now + PERSONAL_WAIT_DEFAULT)));
        }
        if consult {
            it.held_by = Some(agent);
        } else {
            self.release_agent(now, agent as usize, slot);
        }
        let it = self.slots[slot as usize].as_mut().expect("in use");
        it.stage = Stage::Waiting { class: u32::MAX };
        self.enter_queue(
            now,
            slot,
            target_queue,
            Reason {
                queue: Some(target_queue),
                by: "transfer".into(),
                ..Default::default()
            },
        );
        Ok(())
    }

    // ----- moving interactions -----------------------------------------

    /// Puts an interaction into a queue (first time, overflow or transfer),
    /// honouring business hours and the length limit.
    fn enter_queue(&mut self, now: Instant, slot: u32, q: QueueId, reason: Reason) {
        let cfg = &self.queues[q.index()];
        let closed_action = cfg
            .hours
            .as_ref()
            .and_then(|(h, act)| (!h.is_open(now)).then_some(*act));
        let full_action = cfg
            .max_length
            .and_then(|(n, act)| (self.queue_live[q.index()].waiting >= n).then_some(act));
        let it = self.slots[slot as usize].as_mut().expect("in use");
        it.queue = q;
        it.queued_at = now;
        it.step = 0;
        let (id, priority) = (it.id, it.priority);
        self.emit(
            now,
            EventKind::InteractionQueued {
                interaction: id,
                queue: q,
                priority,
                reason,
            },
        );
        if let Some(act) = closed_action.filter(|a| *a != Action::KeepWaiting) {
            self.act(now, slot, act, "closed");
            return;
        }
        if let Some(act) = full_action {
            self.act(now, slot, act, "max_length");
            return;
        }
        if let Some((wait, _)) = self.queues[q.index()].max_wait {
            let it = self.slots[slot as usize].as_mut().expect("in use");
            it.generation = it.generation.wrapping_add(1);
            it.queue_gen = it.generation;
            let generation = it.generation;
            let lane = lane(TimerKind::MaxWait, q, 0);
            self.arm(now + wait, TimerKind::MaxWait, slot, generation, Some(lane));
        }
        self.place(now, slot);
    }

    /// Applies a queue action to a waiting interaction.
    fn act(&mut self, now: Instant, slot: u32, action: Action, cause: &'static str) {
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let q = it.queue;
        let reason = Reason {
            rule: None,
            queue: Some(q),
            step: Some(it.step),
            by: cause.into(),
            score: None,
        };
        match action {
            Action::Overflow(to) => {
                let it = self.slots[slot as usize].as_mut().expect("in use");
                it.overflow_hops += 1;
                if it.overflow_hops > OVERFLOW_HOPS_MAX {
                    self.end(now, slot, FinalOutcome::Refused, reason_by("overflow_loop"));
                    return;
                }
                self.withdraw(now, slot);
                let it = self.slots[slot as usize].as_mut().expect("in use");
                it.clear_personal();
                let (id, from) = (it.id, it.queue);
                self.emit(
                    now,
                    EventKind::Overflowed {
                        interaction: id,
                        from,
                        to,
                        reason: reason.clone(),
                    },
                );
                self.enter_queue(now, slot, to, reason);
            }
            Action::Voicemail => self.end(now, slot, FinalOutcome::Voicemail, reason),
            Action::Refuse => self.end(now, slot, FinalOutcome::Refused, reason),
            Action::AbandonMessage => self.end(now, slot, FinalOutcome::OutboundAbandoned, reason),
            Action::OfferCallback => {
                let it = self.slots[slot as usize].as_mut().expect("in use");
                if !it.callback_offered {
                    it.callback_offered = true;
                    let id = it.id;
                    self.out
                        .push_back(Output::OfferCallback { interaction: id });
                }
            }
            Action::KeepWaiting => {}
        }
    }

    /// Puts a waiting interaction (in no class) into the class of its current
    /// step, computed from its time in queue, and arms the step timer.
    fn place(&mut self, now: Instant, slot: u32) {
        let it = self.slots[slot as usize].as_mut().expect("in use");
        it.generation = it.generation.wrapping_add(1);
        let generation = it.generation;
        // A named agent first, while the preference lasts.
        if let Some((agent, until)) = it.personal() {
            if until.is_none_or(|u| now < u) {
                let key = ClassKey {
                    queue: it.queue,
                    step: 0,
                    channel: it.channel,
                    reqs: Vec::new(),
                    team: None,
                    agent: Some(agent),
                };
                if let Some(u) = until {
                    self.arm(u, TimerKind::Personal, slot, generation, None);
                }
                self.insert_into(slot, key);
                return;
            }
            it.clear_personal();
            it.queued_at = now;
        }
        let q = &self.queues[it.queue.index()];
        let waited = now.saturating_since(it.queued_at);
        let n = q.steps.len();
        let step = q
            .steps
            .iter()
            .position(|s| s.until.is_none_or(|u| waited < u))
            .unwrap_or(n);
        let step = if step < n {
            step
        } else {
            it.step = (n - 1) as u16;
            match q.after_steps {
                Some(Action::OfferCallback) | None => {}
                Some(act) => {
                    self.act(now, slot, act, "steps_exhausted");
                    return;
                }
            }
            if q.after_steps == Some(Action::OfferCallback) {
                self.act(now, slot, Action::OfferCallback, "steps_exhausted");
            }
            n - 1
        };
        let it = self.slots[slot as usize].as_mut().expect("in use");
        if usize::from(it.step) != step {
            it.step = step as u16;
            let (id, queue) = (it.id, it.queue);
            self.emit(
                now,
                EventKind::StepReached {
                    interaction: id,
                    queue,
                    step: step as u16,
                },
            );
        }
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let q = &self.queues[it.queue.index()];
        let s = &q.steps[step];
        let more_to_do = step + 1 < n
            || q.after_steps
                .is_some_and(|a| a != Action::OfferCallback || !it.callback_offered);
        let step_end = s.until.filter(|_| more_to_do).map(|u| it.queued_at + u);
        if let Some(at) = step_end {
            let lane = lane(TimerKind::Step, it.queue, step as u16);
            self.arm(at, TimerKind::Step, slot, generation, Some(lane));
        }
        // Most interactions need exactly what their step says: their class is
        // found by direct index, with no key to build or hash.
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let plain = it.add_skills().is_empty();
        let cache_at = (it.queue.index(), step, it.channel.index());
        if plain
            && let Some(&c) = self
                .plain_classes
                .get(cache_at.0)
                .and_then(|q| q.get(cache_at.1))
                .and_then(|st| st.get(cache_at.2))
            && c != u32::MAX
        {
            self.place_in(now, slot, c);
            return;
        }
        let q = &self.queues[it.queue.index()];
        let s = &q.steps[step];
        let key = ClassKey {
            queue: it.queue,
            step: step as u16,
            channel: it.channel,
            reqs: ClassKey::merged_reqs(&s.target.skills, it.add_skills()),
            team: s.target.team,
            agent: None,
        };
        let c = self.class_for(key);
        if plain {
            let (qi, si, ci) = cache_at;
            if self.plain_classes.len() <= qi {
                self.plain_classes.resize_with(qi + 1, Vec::new);
            }
            let steps = &mut self.plain_classes[qi];
            if steps.len() <= si {
                steps.resize(si + 1, [u32::MAX; Channel::COUNT]);
            }
            steps[si][ci] = c;
        }
        self.place_in(now, slot, c);
    }

    /// Puts a placed interaction in its class, or straight into an offer
    /// when nobody waits there and a ready agent may take it: the usual case
    /// on a staffed line, which then never touches the class's ordered set.
    fn place_in(&mut self, now: Instant, slot: u32, class: u32) {
        if self.classes[class as usize].waiting.is_empty()
            && let Some((ai, reason)) = crate::select::agent_for(self, now, slot, class)
        {
            self.offer(now, slot, ai, reason);
            return;
        }
        self.insert_class(slot, class);
    }

    fn insert_into(&mut self, slot: u32, key: ClassKey) {
        let class = self.class_for(key);
        self.insert_class(slot, class);
    }

    fn insert_class(&mut self, slot: u32, class: u32) {
        let it = self.slots[slot as usize].as_mut().expect("in use");
        let q = &self.queues[it.queue.index()];
        debug_assert_eq!(
            it.stage,
            Stage::Waiting { class: u32::MAX },
            "placed only when in no class"
        );
        it.stage = Stage::Waiting { class };
        let k = wait_key(
            i64::from(it.priority) + i64::from(q.priority),
            q.aging_per_min,
            it.arrived_at,
            it.seq,
            slot,
        );
        let declined = !it.declined().is_empty();
        self.classes[class as usize].insert(k, declined);
        self.queue_live[it.queue.index()].waiting += 1;
        self.waiting_total += 1;
        self.dirty_slots.push(slot);
    }

    fn class_for(&mut self, key: ClassKey) -> u32 {
        if let Some(&c) = self.class_index.get(&key) {
            return c;
        }
        let c = self.classes.len() as u32;
        if let Some(a) = key.agent {
            self.classes_by_agent[a.index()].push(c);
        } else if let Some(r) = key.reqs.first() {
            if self.classes_by_skill.len() <= r.skill.index() {
                self.classes_by_skill
                    .resize_with(r.skill.index() + 1, Vec::new);
            }
            self.classes_by_skill[r.skill.index()].push(c);
        } else if let Some(t) = key.team {
            if self.classes_by_team.len() <= t.index() {
                self.classes_by_team.resize_with(t.index() + 1, Vec::new);
            }
            self.classes_by_team[t.index()].push(c);
            self.ready.track_all(&self.agents);
        } else {
            self.classes_open.push(c);
            self.ready.track_all(&self.agents);
        }
        self.class_index.insert(key.clone(), c);
        self.classes.push(Class::new(key));
        c
    }

    /// Like [`Engine::leave_stage`], announcing a withdrawn offer.
    fn withdraw(&mut self, now: Instant, slot: u32) {
        let it = self.slots[slot as usize].as_ref().expect("in use");
        if let Stage::Offered { agent, .. } = it.stage {
            let (interaction, agent) = (it.id, self.agents[agent as usize].id());
            self.emit(now, EventKind::OfferRevoked { interaction, agent });
        }
        self.leave_stage(now, slot);
    }

    /// Takes an interaction out of its class or offer (not out of an agent's hands).
    fn leave_stage(&mut self, now: Instant, slot: u32) {
        let it = self.slots[slot as usize].as_mut().expect("in use");
        it.generation = it.generation.wrapping_add(1);
        match it.stage {
            Stage::Waiting { class } if class != u32::MAX => {
                let q = &self.queues[it.queue.index()];
                let k = wait_key(
                    i64::from(it.priority) + i64::from(q.priority),
                    q.aging_per_min,
                    it.arrived_at,
                    it.seq,
                    slot,
                );
                let declined = !it.declined().is_empty();
                let removed = self.classes[class as usize].remove(&k, declined);
                debug_assert!(removed, "a waiting interaction is in its class");
                self.queue_live[it.queue.index()].waiting -= 1;
                self.waiting_total -= 1;
                it.stage = Stage::Waiting { class: u32::MAX };
            }
            Stage::Offered { agent, .. } => {
                let a = &mut self.agents[agent as usize];
                debug_assert_eq!(a.offer, Some(slot));
                a.offer = None;
                it.stage = Stage::Waiting { class: u32::MAX };
                self.agent_changed(now, agent as usize);
            }
            _ => {}
        }
    }

    fn offer(&mut self, now: Instant, slot: u32, ai: usize, reason: Reason) {
        self.leave_stage(now, slot);
        let auto_answer = self.agents[ai].cfg.auto_answer;
        let it = self.slots[slot as usize].as_mut().expect("in use");
        let until = now + self.queues[it.queue.index()].ring_timeout;
        let ring_lane = lane(TimerKind::Offer, it.queue, 0);
        it.stage = Stage::Offered {
            agent: ai as u32,
            until,
        };
        let (id, generation) = (it.id, it.generation);
        self.unindex(ai);
        let a = &mut self.agents[ai];
        a.offer = Some(slot);
        a.last_offer = now;
        let agent = a.id();
        self.stats.offers += 1;
        self.emit(
            now,
            EventKind::Offered {
                interaction: id,
                agent,
                reason,
            },
        );
        if auto_answer {
            // Answered as it is offered: never reserved, nothing rings out.
            self.connect(now, slot, ai);
            return;
        }
        self.arm(until, TimerKind::Offer, slot, generation, Some(ring_lane));
        self.publish_agent(now, ai);
    }

    fn offered_to(
        &self,
        slot: u32,
        id: InteractionId,
        agent: AgentId,
    ) -> Result<usize, RoutingError> {
        let it = self.slots[slot as usize].as_ref().expect("in use");
        match it.stage {
            Stage::Offered { agent: a, .. } if self.agents[a as usize].id() == agent => {
                Ok(a as usize)
            }
            _ => Err(RoutingError::NotOffered(id, agent)),
        }
    }

    /// After a decline or a ring-out: back in line at its old place.
    fn return_from_offer(&mut self, now: Instant, slot: u32, ai: usize, declined: bool) {
        let agent = self.agents[ai].id();
        let it = self.slots[slot as usize].as_mut().expect("in use");
        if declined && it.declined().len() < DECLINED_MAX {
            it.rare_mut().declined.push(agent);
        }
        if it.personal().is_some_and(|(a, _)| a == agent) {
            it.clear_personal();
            it.queued_at = now;
        }
        self.leave_stage(now, slot);
        self.place(now, slot);
    }

    fn revoke_offer(&mut self, now: Instant, ai: usize) {
        if let Some(slot) = self.agents[ai].offer {
            let id = self.slots[slot as usize].as_ref().expect("in use").id;
            self.emit(
                now,
                EventKind::OfferRevoked {
                    interaction: id,
                    agent: self.agents[ai].id(),
                },
            );
            self.return_from_offer(now, slot, ai, false);
        }
    }

    /// Frees an agent from one connected interaction; starts wrap-up.
    fn release_agent(&mut self, now: Instant, ai: usize, slot: u32) {
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let (channel, q) = (it.channel, it.queue);
        let wrap = self.queues[q.index()].wrap_up;
        let a = &mut self.agents[ai];
        let Some(pos) = a.active.iter().position(|&s| s == slot) else {
            return;
        };
        a.active.swap_remove(pos);
        a.load[channel.index()] -= 1;
        if channel.is_voice() {
            a.voice_active -= 1;
        }
        if a.active.is_empty()
            && let Some(since) = a.busy_since.take()
        {
            a.busy_ms += now.saturating_since(since).as_millis() as u64;
        }
        let mut wrap_timer = None;
        if !wrap.is_zero() {
            let until = now + wrap;
            if a.wrap_until.get().is_none_or(|w| w < until) {
                a.wrap_until = MaybeInstant::some(until);
                a.wrap_generation = a.wrap_generation.wrapping_add(1);
                wrap_timer = Some((until, a.wrap_generation));
            }
        } else {
            a.ready_since = now;
        }
        if let Some((until, generation)) = wrap_timer {
            let lane = lane(TimerKind::WrapUp, q, 0);
            self.arm(until, TimerKind::WrapUp, ai as u32, generation, Some(lane));
        }
        let a = &mut self.agents[ai];
        if a.signing_out && a.active.is_empty() {
            a.signed_in = false;
            a.signing_out = false;
            a.wrap_until = MaybeInstant::NONE;
        }
        self.agent_changed(now, ai);
    }

    /// Final state: exactly once per interaction.
    fn end(&mut self, now: Instant, slot: u32, outcome: FinalOutcome, reason: Reason) {
        self.withdraw(now, slot);
        let it = self.slots[slot as usize].as_ref().expect("in use");
        let (id, stage, holder, last_gen) = (it.id, it.stage, it.held_by, it.generation);
        if let Stage::Connected { agent } = stage {
            self.release_agent(now, agent as usize, slot);
        }
        if let Some(h) = holder {
            self.release_agent(now, h as usize, slot);
        }
        self.emit(
            now,
            EventKind::Ended {
                interaction: id,
                outcome,
                reason,
            },
        );
        self.by_id.remove(&id);
        self.slots[slot as usize] = None;
        self.slot_gens[slot as usize] = last_gen.wrapping_add(1);
        self.free_slots.push(slot);
    }

    fn alloc_slot(&mut self) -> u32 {
        take_slot(&mut self.free_slots, &mut self.slots, &mut self.slot_gens)
    }

    // ----- agents --------------------------------------------------------

    /// Re-indexes an agent after any change and publishes its state.
    fn agent_changed(&mut self, now: Instant, ai: usize) {
        let routable = self.agents[ai].routable();
        let at = self.agents[ai].ready_since;
        if self.agents[ai].indexed_at.get() != Some(at) || !routable {
            self.unindex(ai);
        }
        if routable {
            self.dirty_agents.push(ai as u32);
        }
        self.publish_agent(now, ai);
    }

    fn unindex(&mut self, ai: usize) {
        if let Some(at) = self.agents[ai].indexed_at.take() {
            self.ready.remove(&self.agents[ai], at);
        }
    }

    fn publish_agent(&mut self, now: Instant, ai: usize) {
        let a = &mut self.agents[ai];
        let state = a.public_state();
        let kind = StateKind::of(&state);
        if kind != a.published || (kind == StateKind::NotReady && a.reason_changed) {
            a.published = kind;
            a.reason_changed = false;
            let agent = a.id();
            self.emit(now, EventKind::AgentStateChanged { agent, state });
        }
    }

    // ----- timers --------------------------------------------------------

    /// Arms a timer; `lane` names its fixed-delay stream (see [`lane`]), if it has one.
    fn arm(
        &mut self,
        at: Instant,
        kind: TimerKind,
        target: u32,
        generation: u32,
        lane: Option<u64>,
    ) {
        self.timer_seq += 1;
        let t = Timer {
            at,
            seq: self.timer_seq,
            kind,
            target,
            generation,
        };
        self.timers.push(lane, t);
    }

    fn timer_live(&self, t: &Timer) -> bool {
        match t.kind {
            TimerKind::WrapUp => self
                .agents
                .get(t.target as usize)
                .is_some_and(|a| a.wrap_generation == t.generation && a.wrap_until.is_some()),
            TimerKind::MaxWait => self
                .slots
                .get(t.target as usize)
                .and_then(|s| s.as_ref())
                .is_some_and(|it| it.queue_gen == t.generation),
            _ => self
                .slots
                .get(t.target as usize)
                .and_then(|s| s.as_ref())
                .is_some_and(|it| it.generation == t.generation),
        }
    }

    fn fire(&mut self, now: Instant, t: Timer) {
        match t.kind {
            TimerKind::WrapUp => {
                let a = &mut self.agents[t.target as usize];
                a.wrap_until = MaybeInstant::NONE;
                a.ready_since = now;
                self.agent_changed(now, t.target as usize);
            }
            TimerKind::Offer => {
                let slot = t.target;
                let Stage::Offered { agent, .. } =
                    self.slots[slot as usize].as_ref().expect("live").stage
                else {
                    return;
                };
                let ai = agent as usize;
                let (id, aid) = (
                    self.slots[slot as usize].as_ref().expect("live").id,
                    self.agents[ai].id(),
                );
                self.emit(
                    now,
                    EventKind::OfferTimedOut {
                        interaction: id,
                        agent: aid,
                    },
                );
                self.agents[ai].set_not_ready(Some(ReasonCode::missed()));
                self.return_from_offer(now, slot, ai, true);
                self.agent_changed(now, ai);
            }
            TimerKind::Step | TimerKind::Personal => {
                let slot = t.target;
                if let Some(it) = self.slots[slot as usize].as_mut()
                    && t.kind == TimerKind::Personal
                {
                    it.clear_personal();
                    it.queued_at = now;
                }
                self.leave_stage(now, slot);
                self.place(now, slot);
            }
            TimerKind::MaxWait => {
                let slot = t.target;
                let it = self.slots[slot as usize].as_ref().expect("live");
                // Once an agent has the customer, the wait is over.
                if matches!(it.stage, Stage::Connected { .. }) {
                    return;
                }
                let q = it.queue;
                if let Some((_, act)) = self.queues[q.index()].max_wait {
                    self.act(now, slot, act, "max_wait");
                }
            }
        }
    }

    // ----- matching ------------------------------------------------------

    fn dispatch(&mut self, now: Instant) {
        loop {
            if let Some(slot) = self.dirty_slots.pop() {
                self.match_interaction(now, slot);
            } else if let Some(ai) = self.dirty_agents.pop() {
                self.match_agent(now, ai as usize);
            } else {
                break;
            }
        }
    }

    fn match_interaction(&mut self, now: Instant, slot: u32) {
        let Some(it) = self.slots[slot as usize].as_ref() else {
            return;
        };
        let Stage::Waiting { class } = it.stage else {
            return;
        };
        if class == u32::MAX {
            return;
        }
        if let Some((ai, reason)) = crate::select::agent_for(self, now, slot, class) {
            self.offer(now, slot, ai, reason);
        }
    }

    fn match_agent(&mut self, now: Instant, ai: usize) {
        if !self.agents[ai].routable() {
            return;
        }
        // Nothing waits anywhere (the usual case on a staffed line): the
        // agent goes straight into the ready index.
        let work = if self.waiting_total == 0 {
            None
        } else {
            crate::select::work_for(self, now, ai)
        };
        match work {
            Some((slot, reason)) => self.offer(now, slot, ai, reason),
            None => {
                let a = &mut self.agents[ai];
                if a.indexed_at.is_none() {
                    a.indexed_at = MaybeInstant::some(a.ready_since);
                    let at = a.ready_since;
                    self.ready.insert(&self.agents[ai], at);
                }
            }
        }
    }

    pub(crate) fn next_random(&mut self) -> u64 {
        // xorshift64*: reproducible from the seed, good enough to spread offers.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn classes_for_agent(&self, ai: usize) -> impl Iterator<Item = u32> + '_ {
        let a = &self.agents[ai];
        let by_skill = a
            .skills
            .iter()
            .flat_map(|(s, _)| self.classes_by_skill.get(s.index()).into_iter().flatten());
        let by_team = a
            .cfg
            .teams
            .iter()
            .flat_map(|t| self.classes_by_team.get(t.index()).into_iter().flatten());
        by_skill
            .chain(by_team)
            .chain(self.classes_open.iter())
            .chain(self.classes_by_agent[ai].iter())
            .copied()
    }

    // ----- lookups -------------------------------------------------------

    fn slot_of(&self, id: InteractionId) -> Result<u32, RoutingError> {
        self.by_id
            .get(&id)
            .copied()
            .ok_or(RoutingError::UnknownInteraction(id))
    }

    fn agent_index(&self, agent: AgentId) -> Result<usize, RoutingError> {
        if agent.index() < self.agents.len() {
            Ok(agent.index())
        } else {
            Err(RoutingError::UnknownAgent(agent))
        }
    }

    fn check_queue(&self, q: QueueId) -> Result<(), RoutingError> {
        if q.index() < self.queues.len() {
            Ok(())
        } else {
            Err(RoutingError::UnknownQueue(q))
        }
    }

    fn emit(&mut self, now: Instant, kind: EventKind) {
        self.out.push_back(Output::Event(Event { at: now, kind }));
    }
}

/// Hashing for interaction ids: they are unique integers chosen by the
/// caller, so a multiply-and-fold spreads them well and costs a fraction of
/// the default DoS-resistant hasher (ids are not attacker-chosen keys that
/// could pile into one bucket in any way that matters here: the map only
/// slows down, it never misbehaves).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BuildIdHasher;

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

/// See [`BuildIdHasher`].
#[derive(Debug, Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(17) ^ n;
    }
}

/// The attributes of an interaction nothing is known of (every field named:
/// a new one cannot be forgotten here).
static BLANK: Attributes = Attributes {
    caller_number: None,
    dialled_number: None,
    customer_id: None,
    segment: None,
    value_tier: None,
    language: None,
    ivr: Vec::new(),
    extra: Vec::new(),
};

/// The fixed-delay stream of a timer: one per kind, queue and step (see `timers`).
fn lane(kind: TimerKind, q: QueueId, step: u16) -> u64 {
    ((kind as u64) << 48) | (u64::from(q.0) << 16) | u64::from(step)
}

impl crate::timers::Stamped for Timer {
    fn at(&self) -> Instant {
        self.at
    }
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// A free interaction slot (a new one when none is free), from the engine's
/// parts: [`Engine::alloc_slot`] for callers that hold another part borrowed.
fn take_slot(
    free: &mut Vec<u32>,
    slots: &mut Vec<Option<Interaction>>,
    gens: &mut Vec<u32>,
) -> u32 {
    if let Some(s) = free.pop() {
        return s;
    }
    slots.push(None);
    gens.push(0);
    (slots.len() - 1) as u32
}

fn reason_by(by: &'static str) -> Reason {
    Reason {
        by: by.into(),
        ..Default::default()
    }
}

fn reason_rule(rule: Option<Name>, q: QueueId) -> Reason {
    let by = if rule.is_some() { "plan" } else { "requested" };
    Reason {
        rule,
        queue: Some(q),
        by: by.into(),
        ..Default::default()
    }
}
