//! A small harness: an engine, a clock the test moves, and the events seen.
#![allow(dead_code)]

use model::event::{EventKind, FinalOutcome};
use model::{AgentId, Channel, Event, Instant, InteractionId, Proficiency, QueueId, SkillId};
use routing::{AgentConfig, Engine, Input, NewInteraction, Output, QueueConfig};

pub struct Harness {
    pub e: Engine,
    pub now: Instant,
    pub events: Vec<Event>,
    pub callbacks_offered: Vec<InteractionId>,
}

pub fn p(level: u8) -> Proficiency {
    Proficiency::new(level).unwrap()
}

impl Harness {
    pub fn new() -> Self {
        Harness {
            e: Engine::new(7),
            now: Instant::from_millis(1_000_000),
            events: Vec::new(),
            callbacks_offered: Vec::new(),
        }
    }

    pub fn queue(&mut self, q: QueueConfig) {
        self.input(Input::UpsertQueue(Box::new(q)));
    }

    /// An agent with these skills, signed in and ready.
    pub fn agent(&mut self, id: u32, skills: &[(u16, u8)]) -> AgentId {
        let a = AgentConfig::new(
            AgentId(id),
            skills.iter().map(|&(s, l)| (SkillId(s), p(l))).collect(),
        );
        self.input(Input::UpsertAgent(a));
        self.input(Input::SignIn(AgentId(id), None));
        AgentId(id)
    }

    pub fn input(&mut self, i: Input) {
        self.e.handle(self.now, i).expect("input accepted");
        self.drain();
    }

    pub fn try_input(&mut self, i: Input) -> Result<(), routing::RoutingError> {
        let r = self.e.handle(self.now, i);
        self.drain();
        r
    }

    pub fn create(&mut self, id: u64, channel: Channel, queue: u32, priority: i32) {
        let mut n = NewInteraction::new(InteractionId(id), channel, QueueId(queue));
        n.priority = priority;
        self.input(Input::Create(Box::new(n)));
    }

    /// Moves the clock by `ms`, firing timers on the way, in order.
    pub fn advance(&mut self, ms: u64) {
        let end = Instant::from_millis(self.now.as_millis() + ms);
        while let Some(t) = self.e.poll_timeout() {
            if t > end {
                break;
            }
            self.now = t.max(self.now);
            self.e.handle_timeout(self.now);
            self.drain();
        }
        self.now = end;
    }

    pub fn drain(&mut self) {
        while let Some(o) = self.e.poll_output() {
            match o {
                Output::Event(ev) => self.events.push(ev),
                Output::OfferCallback { interaction } => self.callbacks_offered.push(interaction),
            }
        }
        if let Err(e) = self.e.check_invariants(self.now) {
            panic!("invariant broken at {}: {e}", self.now);
        }
    }

    /// The agent the interaction was last offered to.
    pub fn offered_to(&self, id: u64) -> Option<AgentId> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Offered {
                interaction, agent, ..
            } if interaction.0 == id => Some(*agent),
            _ => None,
        })
    }

    pub fn offers_of(&self, id: u64) -> Vec<AgentId> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Offered {
                    interaction, agent, ..
                } if interaction.0 == id => Some(*agent),
                _ => None,
            })
            .collect()
    }

    pub fn outcome(&self, id: u64) -> Option<FinalOutcome> {
        let ends: Vec<_> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Ended {
                    interaction,
                    outcome,
                    ..
                } if interaction.0 == id => Some(*outcome),
                _ => None,
            })
            .collect();
        assert!(
            ends.len() <= 1,
            "interaction {id} ended {} times",
            ends.len()
        );
        ends.first().copied()
    }

    pub fn accept(&mut self, id: u64) {
        let a = self.offered_to(id).expect("offered");
        self.input(Input::Accept(InteractionId(id), a));
    }

    pub fn complete(&mut self, id: u64) {
        self.input(Input::Complete(InteractionId(id)));
    }
}

pub fn simple_queue(id: u32, skill: u16) -> QueueConfig {
    QueueConfig::simple(QueueId(id), &format!("q{id}"), SkillId(skill))
}
