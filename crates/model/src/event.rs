//! The facts engines emit. The event log keeps them (append-only, per tenant);
//! current state and every report are projections of them.
//!
//! Each event says when it happened and, where something was decided, why
//! ([`Reason`]): which plan, rule and step, which strategy, which score.

use crate::{AgentId, Attributes, Channel, Instant, InteractionId, Name, QueueId, ReasonCode};
use serde::{Deserialize, Serialize};

/// One fact, stamped with the instant the engine was given when it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened.
    pub at: Instant,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Why a routing decision was made, machine-readable and short.
///
/// Its texts are [`Name`]s: the strategy and cause are the engines' static
/// vocabulary (free to copy and drop); a rule's name is shared with the plan
/// that has it (a reference count), so the facts built by the million in a
/// simulated day copy no text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The rule of the routing plan that matched (its name), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Name>,
    /// The queue whose step applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// The timed step of the queue (0-based) that applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u16>,
    /// The agent-selection strategy, or the cause (`timeout`, `max_wait`, `closed`, `force`…).
    pub by: Name,
    /// The score the strategy ranked by (idle seconds, proficiency, occupancy…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// How an interaction ended. Exactly one per interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalOutcome {
    /// An agent handled it to the end.
    Handled,
    /// The customer hung up (or left the chat) before an agent took it.
    Abandoned,
    /// Left to voicemail (a timed step or the closed-hours action).
    Voicemail,
    /// Turned into a callback, which is a new interaction that kept its place.
    CallbackOffered,
    /// Arrived out of business hours and the queue's closed action ended it.
    Closed,
    /// The queue was full or waited too long and had nowhere to overflow.
    Refused,
    /// An outbound call answered by a person and not connected to an agent
    /// in time; the recorded message was played.
    OutboundAbandoned,
    /// Removed by a supervisor or an integration.
    Cancelled,
}

/// An agent's availability for routing (`Copy`: its reason code is inline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum AgentState {
    /// Not signed in to routing.
    Offline,
    /// Signed in and waiting for work.
    Available,
    /// Signed in, unavailable, for a reason.
    NotReady(ReasonCode),
    /// An offer is ringing for the agent.
    Reserved,
    /// Handling at least one interaction.
    Busy,
    /// After-contact work.
    WrapUp,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum EventKind {
    /// A new interaction reached routing.
    InteractionCreated {
        /// Which.
        interaction: InteractionId,
        /// On which channel.
        channel: Channel,
        /// What was known about it (absent when nothing was).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes: Option<Box<Attributes>>,
    },
    /// It was placed in a queue (first time, after overflow, or after a transfer).
    InteractionQueued {
        /// Which.
        interaction: InteractionId,
        /// Where.
        queue: QueueId,
        /// Its priority there.
        priority: i32,
        /// Why this queue.
        reason: Reason,
    },
    /// It moved on to the next timed step of its queue.
    StepReached {
        /// Which.
        interaction: InteractionId,
        /// The queue.
        queue: QueueId,
        /// The step (0-based).
        step: u16,
    },
    /// It was offered to (reserved for) an agent.
    Offered {
        /// Which.
        interaction: InteractionId,
        /// To whom.
        agent: AgentId,
        /// Why this agent and this interaction.
        reason: Reason,
    },
    /// The agent accepted; they are now connected.
    Accepted {
        /// Which.
        interaction: InteractionId,
        /// Who.
        agent: AgentId,
    },
    /// The agent declined the offer.
    Rejected {
        /// Which.
        interaction: InteractionId,
        /// Who.
        agent: AgentId,
    },
    /// The offer rang out (ring-no-answer).
    OfferTimedOut {
        /// Which.
        interaction: InteractionId,
        /// Who.
        agent: AgentId,
    },
    /// An offer was withdrawn before the agent answered it (the agent went
    /// not ready or signed out, or a supervisor reassigned the interaction).
    OfferRevoked {
        /// Which.
        interaction: InteractionId,
        /// From whom.
        agent: AgentId,
    },
    /// Transferred by an agent to a queue or another agent.
    Transferred {
        /// Which.
        interaction: InteractionId,
        /// From whom.
        from_agent: AgentId,
        /// To which queue, for a queue transfer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_queue: Option<QueueId>,
        /// To whom, for an agent transfer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_agent: Option<AgentId>,
        /// Whether the first agent stays on until the second accepts.
        consult: bool,
    },
    /// Moved to another queue by a rule (max wait, max length, closed hours, a step).
    Overflowed {
        /// Which.
        interaction: InteractionId,
        /// From which queue.
        from: QueueId,
        /// To which queue.
        to: QueueId,
        /// Which rule.
        reason: Reason,
    },
    /// The interaction reached its final state.
    Ended {
        /// Which.
        interaction: InteractionId,
        /// How.
        outcome: FinalOutcome,
        /// Why (which rule or step, for the non-handled outcomes).
        reason: Reason,
    },
    /// An agent's routing state changed.
    AgentStateChanged {
        /// Who.
        agent: AgentId,
        /// The new state.
        state: AgentState,
    },
    /// A fact of the outbound dialer.
    Outbound(crate::outbound::OutboundEvent),
}
