//! [`TenantCore`]: one tenant's routing engine, dialer and the rules between
//! them, in the engine shape — `handle(now, Command)`, then drain
//! [`TenantCore::poll_output`]; [`TenantCore::poll_timeout`] says when
//! [`TenantCore::handle_timeout`] is due. No clock, no IO.
//!
//! A command either succeeds, and its facts and orders wait in the output
//! queue, or is refused with a [`TenantError`] and leaves nothing behind.

use std::collections::VecDeque;

use model::event::{AgentState, EventKind};
use model::fact::Fact;
use model::{AgentId, Instant};
use routing::spec::Names;
use routing::{Engine, Input, Output as RoutingOutput};

use crate::command::{Command, Reply};
use crate::error::TenantError;
use crate::index::Index;
use crate::orders::{CallOrder, call_order};
use crate::outbound::{LineOrder, Outbound};

/// What the core asks of the world, in the order it decided it.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A fact for the log, with its instant (Unix ms, or virtual ms).
    Fact {
        /// When it happened.
        at_ms: i64,
        /// What.
        fact: Fact,
    },
    /// An order for the line that places outbound calls (hand it over only
    /// after the facts before it are committed).
    Line(LineOrder),
    /// An order for the task of a call (hand it over after the commit).
    Call {
        /// The call's interaction.
        interaction: i64,
        /// What to do.
        order: CallOrder,
    },
}

/// One tenant's live rules.
#[derive(Debug)]
pub struct TenantCore {
    /// The routing engine.
    pub(crate) engine: Engine,
    /// The plan's names (queues, skills, teams) and their ids.
    pub(crate) names: Names,
    /// Each agent's name, by id.
    pub(crate) agent_names: Vec<String>,
    /// Each agent's teams, by name (sorted), by agent id.
    pub(crate) agent_teams: Vec<Vec<String>>,
    /// Each agent's last published routing state, by id.
    pub(crate) agent_states: Vec<AgentState>,
    /// Agents' capacities where set (by agent id; other channels default).
    pub(crate) agent_capacity:
        std::collections::BTreeMap<u32, std::collections::BTreeMap<model::Channel, u8>>,
    /// Interactions, customers and keys, as the log says.
    pub(crate) index: Index,
    /// The outbound dialer and what goes with it.
    pub(crate) out: Outbound,
    /// The case engine and what goes with it.
    pub(crate) cases: crate::cases::Cases,
    /// Agents held not ready for the dialer, with the attempt they wait for.
    pub(crate) held: std::collections::BTreeMap<u32, u64>,
    /// The tenant's time zone and holidays, once set (`tenant` settings).
    pub(crate) settings: Option<crate::settings::TenantSettings>,
    /// Evaluations and playlists, as far as the core checks them.
    pub(crate) quality: crate::quality::QualityState,
    /// Whether a line to place outbound calls is attached.
    pub(crate) line_attached: bool,
    /// The instant of the input being applied (ms).
    pub(crate) now_ms: i64,
    /// Outputs not taken yet.
    outputs: VecDeque<Output>,
}

impl TenantCore {
    /// An empty core (no plan, no agents); `seed` makes routing's random
    /// choices repeatable.
    pub fn new(seed: u64) -> TenantCore {
        TenantCore {
            engine: Engine::new(seed),
            names: Names::default(),
            agent_names: Vec::new(),
            agent_teams: Vec::new(),
            agent_states: Vec::new(),
            agent_capacity: Default::default(),
            index: Index::default(),
            out: Outbound::default(),
            cases: Default::default(),
            held: Default::default(),
            settings: None,
            quality: Default::default(),
            line_attached: false,
            now_ms: 0,
            outputs: VecDeque::new(),
        }
    }

    /// Applies one command at `now`. On an error nothing changed.
    pub fn handle(&mut self, now: Instant, cmd: Command) -> Result<Reply, TenantError> {
        self.now_ms = now.as_millis() as i64;
        // The case engine's timers due by now fire first, at their instants.
        self.cases_catch_up(now);
        let res = self.apply(now, cmd);
        self.feeds_settle();
        self.settle();
        res
    }

    /// The next output.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`TenantCore::handle_timeout`] is next due.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        [
            self.engine.poll_timeout(),
            self.out.dialer.poll_timeout(),
            self.cases.engine.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Runs the timers due at `now` (offers ringing out, queue steps, the
    /// dialer's pacing, the case engine's timers).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now_ms = now.as_millis() as i64;
        self.cases_catch_up(now);
        self.engine.handle_timeout(now);
        self.drain();
        self.out.catch_up(now);
        self.feeds_settle();
        self.settle();
    }

    /// Drains routing and the dialer, holding and letting go of agents for
    /// the dialer, until nothing more follows.
    pub(crate) fn settle(&mut self) {
        // Each round holds or lets go of agents only for attempts that
        // changed; a handful of rounds is plenty.
        for _ in 0..8 {
            self.drain();
            self.flush_out();
            if !self.sync_holds() {
                break;
            }
        }
        self.drain();
        self.flush_out();
    }

    /// Read access to the routing engine (its invariants, states, counts).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Read access to the dialer.
    pub fn dialer(&self) -> &dialer::Dialer {
        &self.out.dialer
    }

    /// What the core knows of interactions and customers.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The agents' names, by id.
    pub fn agent_names(&self) -> &[String] {
        &self.agent_names
    }

    /// The instant of the input being applied.
    pub(crate) fn now(&self) -> Instant {
        Instant::from_millis(self.now_ms.max(0) as u64)
    }

    /// Queues a fact (and learns from it).
    pub(crate) fn push(&mut self, fact: Fact) {
        self.learn(&fact);
        if let Fact::Routing { event } = &fact
            && let EventKind::AgentStateChanged { agent, state } = &event.kind
            && let Some(s) = self.agent_states.get_mut(agent.index())
        {
            *s = *state;
        }
        let order = call_order(&fact).filter(|(i, _)| self.is_call(*i));
        self.outputs.push_back(Output::Fact {
            at_ms: self.now_ms,
            fact,
        });
        if let Some((interaction, order)) = order {
            self.outputs.push_back(Output::Call { interaction, order });
        }
    }

    /// What the core keeps of a fact, live and on replay alike: the index,
    /// and the tenant's settings.
    pub(crate) fn learn(&mut self, fact: &Fact) {
        self.index.observe(fact);
        self.learn_case(fact);
        if let Fact::Quality { quality } = fact {
            self.quality.observe(quality);
        }
        if let Fact::SettingSet { name, document } = fact
            && name == crate::settings::NAME
            && let Ok(s) = crate::settings::TenantSettings::parse(document)
        {
            self.out.dialer.set_person_caps(s.person_caps());
            self.cases
                .engine
                .set_calendar(crate::cases::calendar_of(&s));
            self.settings = Some(s);
        }
    }

    /// The tenant's time zone and holidays (UTC and none until set).
    pub fn settings(&self) -> crate::settings::TenantSettings {
        self.settings.clone().unwrap_or_default()
    }

    /// Whether an interaction is a phone call.
    fn is_call(&self, id: i64) -> bool {
        self.index.interaction(id).is_some_and(|r| r.is_call())
    }

    /// How many outputs wait (a mark for [`TenantCore::insert_facts`]).
    pub(crate) fn pending_len(&self) -> usize {
        self.outputs.len()
    }

    /// Puts facts at a mark, before what was queued after it.
    pub(crate) fn insert_facts(&mut self, mark: usize, facts: impl IntoIterator<Item = Fact>) {
        for (i, fact) in facts.into_iter().enumerate() {
            self.learn(&fact);
            let at = (mark + i).min(self.outputs.len());
            self.outputs.insert(
                at,
                Output::Fact {
                    at_ms: self.now_ms,
                    fact,
                },
            );
        }
    }

    /// Moves routing's outputs into facts, telling the dialer what it needs
    /// to hear of.
    pub(crate) fn drain(&mut self) {
        while let Some(o) = self.engine.poll_output() {
            match o {
                RoutingOutput::Event(e) => {
                    let watch = !self.out.campaigns.is_empty();
                    let (presence, ended) = match &e.kind {
                        EventKind::AgentStateChanged { agent, state } if watch => {
                            (Some((*agent, *state)), None)
                        }
                        EventKind::Ended { interaction, .. } if watch => {
                            (None, Some(interaction.0 as i64))
                        }
                        _ => (None, None),
                    };
                    self.push(Fact::Routing { event: e });
                    if let Some((agent, state)) = presence {
                        self.presence_changed(agent, &state);
                    }
                    if let Some(i) = ended {
                        self.outbound_ended(i);
                    }
                }
                // A call's IVR asks the caller; other channels have no one
                // to ask, and the interaction keeps waiting.
                RoutingOutput::OfferCallback { interaction } => {
                    let interaction = interaction.0 as i64;
                    if self.is_call(interaction) {
                        self.outputs.push_back(Output::Call {
                            interaction,
                            order: CallOrder::OfferCallback,
                        });
                    }
                }
            }
        }
    }

    /// Moves the dialer's facts and orders into the output queue.
    pub(crate) fn flush_out(&mut self) {
        for f in std::mem::take(&mut self.out.facts) {
            self.push(f);
        }
        for o in std::mem::take(&mut self.out.orders) {
            self.outputs.push_back(Output::Line(o));
        }
    }

    /// An agent by id.
    pub(crate) fn agent(&self, id: i64) -> Result<AgentId, TenantError> {
        if id < 0 || id as usize >= self.agent_names.len() {
            return Err(TenantError::not_found("agent"));
        }
        Ok(AgentId(id as u32))
    }

    /// Gives routing one input.
    pub(crate) fn route(&mut self, now: Instant, input: Input) -> Result<Reply, TenantError> {
        self.engine.handle(now, input)?;
        Ok(Reply::Done)
    }
}
