//! Recovery: a fresh core is fed the log's facts in order
//! ([`TenantCore::replay`]) and then told that the tenant starts again
//! ([`TenantCore::resume`]): agents' desktops must sign in again, every
//! interaction not ended waits again in the order it was created, running
//! campaigns are paused. The dialer is rebuilt from what it was told, each
//! input at its instant, so it holds what it held (attempt counts and caps,
//! abandon-rate windows, retries due).

use model::event::{AgentState, Event, EventKind, FinalOutcome, Reason};
use model::fact::{DialerStep, Fact, Presence};
use model::{AgentId, Instant, InteractionId};
use routing::{Input, NewInteraction, Output as RoutingOutput};

use crate::core::TenantCore;
use crate::error::TenantError;
use crate::outbound::CampaignDoc;

impl TenantCore {
    /// Takes one fact of the log, recorded at `at_ms`, into account. Nothing
    /// is emitted; an error says the fact could not be applied (the core
    /// goes on without it).
    pub fn replay(&mut self, at_ms: i64, fact: &Fact) -> Result<(), TenantError> {
        self.now_ms = at_ms;
        self.out.replaying = true;
        self.cases.replaying = true;
        let at = self.now();
        // The case engine's timers due by then fired live before this fact.
        self.cases_catch_up(at);
        self.learn(fact);
        let res = match fact {
            Fact::Routing { event } => {
                if let EventKind::AgentStateChanged { agent, state } = &event.kind
                    && let Some(s) = self.agent_states.get_mut(agent.index())
                {
                    *s = *state;
                }
                Ok(())
            }
            Fact::PlanSet { document } => self.install_plan(at, document),
            Fact::AgentDefined {
                agent,
                name,
                skills,
                teams,
                ..
            } => self.replay_agent(at, *agent, name, skills, teams),
            Fact::AgentCapacity { agent, capacity } => self.install_capacity(at, *agent, capacity),
            Fact::CampaignDefined {
                campaign,
                name,
                document,
            } => serde_json::from_str::<CampaignDoc>(document)
                .map_err(|e| TenantError::Internal(e.to_string()))
                .and_then(|doc| self.out.define(at, *campaign, name, doc)),
            Fact::CampaignContacts { campaign, contacts } => {
                let index = &self.index;
                let consent = |c, p: &str| TenantCore::ledger_consent(index, c, p);
                self.out.load(at, *campaign, contacts, consent)
            }
            // A tick in the log is an instant the dialer woke at (an input
            // it refused, or a timer of an older log).
            Fact::DialerInput {
                input: DialerStep::Tick,
            } => {
                self.out.catch_up(at);
                self.out.dialer.handle_timeout(at);
                self.out.drain();
                Ok(())
            }
            Fact::DialerInput { input } => self.out.step(at, input.clone()),
            Fact::CustomerErased {
                customers, numbers, ..
            } => {
                self.replay_erased(customers, numbers);
                Ok(())
            }
            Fact::CaseTypeSet { .. } | Fact::CaseInput { .. } => self.replay_case(at, fact),
            _ => Ok(()),
        };
        while self.engine.poll_output().is_some() {}
        self.out.facts.clear();
        self.out.orders.clear();
        res
    }

    /// After the last fact: the dialer's and the case engine's timers fire
    /// up to `now`, as the live core's did (nothing is emitted).
    pub fn replay_until(&mut self, now: Instant) {
        self.dialer_until(now);
        self.cases.replaying = true;
        self.cases_catch_up(now);
    }

    fn dialer_until(&mut self, now: Instant) {
        self.out.replaying = true;
        self.out.catch_up(now);
        self.out.facts.clear();
        self.out.orders.clear();
    }

    fn replay_agent(
        &mut self,
        at: Instant,
        agent: AgentId,
        name: &str,
        skills: &[(String, u8)],
        teams: &[String],
    ) -> Result<(), TenantError> {
        let cfg = self.agent_config(agent, skills, teams)?;
        self.engine.handle(at, Input::UpsertAgent(cfg))?;
        self.note_agent(agent, name, teams);
        Ok(())
    }

    /// The tenant starts again at `now`, after the last fact replayed.
    pub fn resume(&mut self, now: Instant) {
        self.dialer_until(now);
        self.now_ms = now.as_millis() as i64;
        self.out.replaying = false;
        self.cases.replaying = false;
        // Agents' desktops must sign in again: say so in the log.
        for i in 0..self.agent_states.len() {
            if self.agent_states[i] != AgentState::Offline {
                self.push(Fact::Routing {
                    event: Event {
                        at: now,
                        kind: EventKind::AgentStateChanged {
                            agent: AgentId(i as u32),
                            state: AgentState::Offline,
                        },
                    },
                });
            }
        }
        let open: Vec<i64> = self.index.open().map(|(id, _)| id).collect();
        for id in open {
            self.requeue(now, id);
        }
        self.pause_after_restart(now);
        self.flush_out();
        // Case timers that came due while the tenant was down fire now, and
        // what they order is carried out (logged, unlike the dialer's).
        self.cases.replaying = false;
        self.cases_catch_up(now);
        self.feeds_settle();
        self.settle();
    }

    /// How many interactions wait again after [`TenantCore::resume`].
    pub fn open_interactions(&self) -> usize {
        self.index.open().count()
    }

    fn requeue(&mut self, now: Instant, id: i64) {
        let Some(it) = self.index.interaction(id) else {
            return;
        };
        let new = NewInteraction {
            id: InteractionId(id as u64),
            channel: it.channel,
            attributes: Some(it.attributes.clone().unwrap_or_default()),
            queue: it.queue,
            priority: 0,
            preferred_agent: None,
        };
        let iid = InteractionId(id as u64);
        self.push(Fact::Requeued { interaction: iid });
        let ok = !self.engine.queues().is_empty()
            && self
                .engine
                .handle(now, Input::Create(Box::new(new)))
                .is_ok();
        if !ok {
            self.push(Fact::Routing {
                event: Event {
                    at: now,
                    kind: EventKind::Ended {
                        interaction: iid,
                        outcome: FinalOutcome::Cancelled,
                        reason: Reason {
                            by: "recovery".into(),
                            ..Reason::default()
                        },
                    },
                },
            });
        }
        while let Some(o) = self.engine.poll_output() {
            if let RoutingOutput::Event(e) = o
                // Its creation is in the log already.
                && !matches!(e.kind, EventKind::InteractionCreated { .. })
            {
                self.push(Fact::Routing { event: e });
            }
        }
    }

    /// Pauses what was running and signs the dialer's agents out.
    fn pause_after_restart(&mut self, now: Instant) {
        let mut running: Vec<u32> = self
            .out
            .campaigns
            .keys()
            .copied()
            .filter(|id| {
                self.out
                    .dialer
                    .campaign(model::ids::CampaignId(*id))
                    .is_some_and(|c| c.state() == model::outbound::CampaignState::Running)
            })
            .collect();
        running.sort_unstable();
        for campaign in running {
            let _ = self.out.step(now, DialerStep::Pause { campaign });
        }
        let mut agents: Vec<(u32, u32)> =
            self.out.agents.iter().map(|(a, (c, _))| (*a, *c)).collect();
        agents.sort_unstable();
        for (agent, campaign) in agents {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign,
                    agent,
                    presence: Presence::SignedOut,
                },
            );
        }
    }
}
