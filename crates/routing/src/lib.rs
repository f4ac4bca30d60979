//! The ACD (automatic contact distribution) engine: it decides which agent
//! gets which interaction, when.
//!
//! A sans-IO state machine in the shape of `quinn-proto`: feed it inputs
//! with [`Engine::handle`] (and [`Engine::handle_timeout`] when
//! [`Engine::poll_timeout`] says so), then drain [`Engine::poll_output`].
//! It never reads a clock, sleeps, locks or does IO; the same engine runs
//! under the live server and under the simulator's virtual clock.
//!
//! - [`config`]: queues (timed steps, limits, hours, strategy) and agents
//!   (skills, teams, capacity).
//! - [`plan`]: routing plans — rules from attributes to queue, priority, skills.
//! - [`spec`]: the TOML/JSON file format for queues and plans, with errors
//!   that name the file, line and field.
//! - [`Engine`]: inputs, outputs, timers; offers are reservations that are
//!   accepted, rejected or time out.
//! - Invariants ([`Engine::check_invariants`]) are asserted in tests and by
//!   the simulator on every run.

mod agents;
mod classes;
pub mod config;
mod engine;
mod invariants;
pub mod plan;
mod select;
pub mod spec;
mod timers;

pub use config::{
    Action, AgentConfig, BusinessHours, QueueConfig, SkillReq, Step, Strategy, Target,
};
pub use engine::{
    DECLINED_MAX, Engine, EngineStats, Input, NewInteraction, OVERFLOW_HOPS_MAX,
    PERSONAL_WAIT_DEFAULT, QueuePosition, TransferTarget,
};
pub use plan::RoutingPlan;

use model::{AgentId, Event, InteractionId, QueueId};

/// What the engine asks of the outside world.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A fact to commit and publish. Offers are `Offered` events: the shell
    /// rings the agent's phone or desktop; `Accepted`, `Rejected`,
    /// `OfferTimedOut`, `OfferRevoked` and `Ended` stop the ringing.
    Event(Event),
    /// Ask the waiting customer whether they want a callback (the IVR plays
    /// the question; a yes comes back as [`Input::Callback`]).
    OfferCallback {
        /// Which.
        interaction: InteractionId,
    },
}

/// An input the engine refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoutingError {
    /// No such agent.
    #[error("unknown agent {0}")]
    UnknownAgent(AgentId),
    /// No such queue.
    #[error("unknown queue {0}")]
    UnknownQueue(QueueId),
    /// No such interaction (never created, or already ended).
    #[error("unknown interaction {0}")]
    UnknownInteraction(InteractionId),
    /// The id is already in use.
    #[error("interaction {0} already exists")]
    DuplicateInteraction(InteractionId),
    /// The interaction is not ringing at that agent.
    #[error("interaction {0} is not offered to agent {1}")]
    NotOffered(InteractionId, AgentId),
    /// The interaction is not in a stage where this input applies.
    #[error("interaction {0} cannot do that now: {1}")]
    WrongStage(InteractionId, &'static str),
    /// The agent is not signed in.
    #[error("agent {0} is not signed in")]
    AgentSignedOut(AgentId),
    /// The agent cannot take it (not signed in, already ringing, no capacity).
    #[error("agent {0} cannot take it now")]
    AgentUnavailable(AgentId),
    /// Bad attributes.
    #[error(transparent)]
    Attributes(model::ParseError),
    /// A value outside its limits.
    #[error("invalid configuration: {0}")]
    Invalid(&'static str),
}
