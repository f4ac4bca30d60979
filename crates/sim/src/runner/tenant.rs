//! A run with campaigns drives the tenant core (crate `center`): the same
//! routing engine, dialer and rules between them that the server's tenant
//! task runs, set up from the scenario's compiled queues, plan and agent
//! groups. The simulator plays the callers, the agents and the line; it
//! speaks to the core in commands and reads its facts and orders.
//!
//! Interaction ids are the core's: the run's contact table mirrors them
//! (slot 0 stays unused, the core numbers from 1), and an interaction the
//! core created without the simulator knowing fails the run.
//!
//! The core's agents answer nothing by themselves: an inbound offer is
//! accepted by the simulated agent after the group's answer time (at once
//! with none), an answered outbound call is bridged by the line.

use center::command::{NewInteractionReq, Reply};
use center::fact::Fact;
use center::orders::CallOrder;
use center::outbound::LineOrder;
use center::{Command, Output, Setup, SetupAgent, TenantCore, TenantError};
use model::Channel;
use model::event::EventKind;
use routing::{AgentConfig, Engine, Input, NewInteraction};

use super::{Contact, NONE, Sim};

/// The number a simulated caller leaves for a callback.
const CALLBACK_NUMBER: &str = "+12125550199";

impl Sim<'_> {
    /// The routing engine: the run's own, or the tenant core's.
    pub(super) fn router(&self) -> &Engine {
        match &self.core {
            Some(core) => core.engine(),
            None => &self.engine,
        }
    }

    /// Sets up the tenant core with the scenario's queues (and one a
    /// campaign), plan and agents.
    pub(super) fn configure_core(&mut self, agents: Vec<AgentConfig>) {
        let sc = self.sc;
        let mut names = sc.names.clone();
        let mut queues = sc.queues.clone();
        queues.extend(super::dialing::campaign_queues(sc, &mut names));
        let agents = agents
            .into_iter()
            .enumerate()
            .map(|(i, mut config)| {
                config.auto_answer = false;
                let group = &sc.groups[self.agents[i].group as usize];
                let mut teams: Vec<String> = config
                    .teams
                    .iter()
                    .filter_map(|t| names.teams.get(t.0 as usize).map(|n| n.to_string()))
                    .collect();
                // Campaigns name the group that works them as their team.
                teams.push(group.name.clone());
                teams.sort();
                teams.dedup();
                SetupAgent {
                    name: format!("{} {i}", group.name),
                    config,
                    teams,
                }
            })
            .collect();
        let setup = Setup {
            names,
            queues,
            plan: sc.plan.clone(),
            agents,
        };
        let mut core = TenantCore::new(self.seed);
        if let Err(e) = core.configure(self.at(), setup) {
            self.fail(format!("the tenant core refused the scenario: {e}"));
        }
        self.core = Some(Box::new(core));
        // The core numbers interactions from 1.
        let mut unused = Contact::new(0, 0, 0, NONE, u32::MAX);
        unused.ended = true;
        self.contacts.push(unused);
    }

    /// Gives the core a command now; its outputs wait for the next drain.
    pub(super) fn try_command(&mut self, cmd: Command) -> Result<Reply, TenantError> {
        let at = self.at();
        match self.core.as_mut() {
            Some(core) => core.handle(at, cmd),
            None => Err(TenantError::Internal("no tenant core in this run".into())),
        }
    }

    /// Gives the core a command now (`what` names it in a failure); a
    /// refusal fails the run.
    pub(super) fn command(&mut self, what: &str, cmd: Command) -> Option<Reply> {
        match self.try_command(cmd) {
            Ok(r) => Some(r),
            Err(e) => {
                self.fail(format!("the tenant core refused {what}: {e}"));
                None
            }
        }
    }

    /// The last interaction the core created (0 before any).
    pub(super) fn core_last_interaction(&self) -> u64 {
        self.core
            .as_ref()
            .map_or(0, |c| c.index().last_interaction.max(0) as u64)
    }

    /// A new interaction, through the core (a call, for voice: its IVR may
    /// offer a callback).
    pub(super) fn core_create(&mut self, new: NewInteraction) {
        let sc = self.sc;
        let req = NewInteractionReq {
            channel: new.channel,
            queue: new.queue.map(|q| sc.queues[q.index()].name.to_string()),
            priority: new.priority,
            attributes: new.attributes.map(|a| *a).unwrap_or_default(),
            customer: None,
            subject: None,
            idempotency_key: None,
            chat_secret_hash: None,
        };
        let cmd = match new.channel {
            Channel::Voice => Command::CreateCall(Box::new(req), Vec::new()),
            _ => Command::Create(Box::new(req)),
        };
        match self.command("a new interaction", cmd) {
            Some(Reply::Interaction { id, .. }) if id as u64 == new.id.0 => {}
            Some(other) => self.fail(format!(
                "the core gave interaction {other:?} where the simulator expected {}",
                new.id
            )),
            None => {}
        }
        self.drain();
    }

    /// A routing input of the simulated people, as the command the server
    /// would get for it.
    pub(super) fn core_input(&mut self, input: Input) {
        let cmd = match input {
            Input::SignIn(a, r) => Command::SignIn(a.0.into(), r),
            Input::SignOut(a) => Command::SignOut(a.0.into()),
            Input::Ready(a) => Command::Ready(a.0.into()),
            Input::NotReady(a, r) => Command::NotReady(a.0.into(), r),
            Input::Accept(i, a) => Command::Accept(i.0 as i64, a.0.into()),
            Input::Complete(i) => Command::Complete(i.0 as i64, None),
            // A caller who hangs up, or one still waiting when the day is over.
            Input::Abandon(i) | Input::Cancel(i) => Command::Abandon(i.0 as i64),
            other => {
                return self.fail(format!("the simulator has no command for {other:?}"));
            }
        };
        self.command("an input of the simulated people", cmd);
        self.drain();
    }

    /// A waiting caller takes the callback: it keeps their place.
    pub(super) fn core_callback(&mut self, id: u64, cb: u64) {
        let cmd = Command::CallbackKeepingPlace {
            interaction: id as i64,
            number: CALLBACK_NUMBER.into(),
        };
        match self.command("a callback", cmd) {
            Some(Reply::Id(got)) if got as u64 == cb => {}
            Some(other) => self.fail(format!(
                "the core gave callback {other:?} where the simulator expected {cb}"
            )),
            None => {}
        }
    }

    /// The core's timers due now.
    pub(super) fn core_timeout(&mut self) {
        let at = self.at();
        if let Some(core) = self.core.as_mut() {
            core.handle_timeout(at);
        }
        self.drain();
    }

    /// Reads the core's outputs and reacts as the people and the line would.
    pub(super) fn drain_core(&mut self) {
        while let Some(o) = self.core.as_mut().and_then(|c| c.poll_output()) {
            match o {
                Output::Fact {
                    fact: Fact::Routing { event },
                    ..
                } => {
                    self.engine_events += 1;
                    self.on_event(&event.kind);
                }
                Output::Fact {
                    fact: Fact::Outbound { event },
                    ..
                } => {
                    if let EventKind::Outbound(ev) = event.kind {
                        self.on_outbound_event(ev);
                    }
                }
                Output::Fact { .. } => {}
                Output::Line(LineOrder::Dial(d)) => self.on_dial(d),
                // The callee's leg ends with the conversation.
                Output::Line(LineOrder::Hangup { .. }) => {}
                Output::Call {
                    interaction,
                    order: CallOrder::OfferCallback,
                } => self.on_offer_callback(interaction as u64),
                // Phones, music and recordings are not simulated.
                Output::Call { .. } => {}
            }
        }
        let last = self.core_last_interaction();
        if self.core.is_some() && last + 1 != self.contacts.len() as u64 {
            self.fail(format!(
                "the core created interaction {last} the simulator does not know of ({} known)",
                self.contacts.len() - 1
            ));
        }
    }
}
