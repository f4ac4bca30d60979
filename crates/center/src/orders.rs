//! Orders to phone calls: what a call's task must do because of what the
//! core decided — ring an agent's phone, stop ringing, bridge, end, hold,
//! mute, record, consult, offer the caller a callback. They go out typed,
//! beside the facts they follow from, for interactions that are calls.

use model::AgentId;
use model::event::EventKind;
use model::fact::{CallFact, Fact};

/// What a call's task is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOrder {
    /// Routing offers the call to this agent: ring their phone.
    Offered(AgentId),
    /// The agent took it: bridge them.
    Accepted(AgentId),
    /// The offer to this agent is over (declined, rang out, withdrawn).
    OfferEnded(AgentId),
    /// The interaction is over.
    Ended,
    /// Keep nothing of the call until resumed.
    RecordingPause,
    /// Record again.
    RecordingResume,
    /// Start recording (asked by this user).
    RecordingStart(String),
    /// A control from the desktop or the API.
    Control(CallControl),
    /// Routing's plan offers the waiting caller a callback that keeps their
    /// place (the IVR asks; a yes comes back as a callback command).
    OfferCallback,
}

/// A call control, as the call's task acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallControl {
    /// Music for the customer.
    Hold,
    /// Off hold.
    Unhold,
    /// The customer hears nothing of the agent.
    Mute,
    /// The customer hears the agent again.
    Unmute,
    /// End both legs.
    Hangup,
    /// Ring this agent for a consult transfer.
    Consult(AgentId),
    /// The customer goes to the consulted agent.
    ConsultCompleted,
    /// The consulted agent's leg goes.
    ConsultCancelled,
}

/// The order a fact makes for its interaction's call, if any.
pub fn call_order(fact: &Fact) -> Option<(i64, CallOrder)> {
    match fact {
        Fact::Routing { event } => {
            let (interaction, order) = match &event.kind {
                EventKind::Offered {
                    interaction, agent, ..
                } => (interaction, CallOrder::Offered(*agent)),
                EventKind::Accepted { interaction, agent } => {
                    (interaction, CallOrder::Accepted(*agent))
                }
                EventKind::Rejected { interaction, agent }
                | EventKind::OfferTimedOut { interaction, agent }
                | EventKind::OfferRevoked {
                    interaction, agent, ..
                } => (interaction, CallOrder::OfferEnded(*agent)),
                EventKind::Ended { interaction, .. } => (interaction, CallOrder::Ended),
                _ => return None,
            };
            Some((interaction.0 as i64, order))
        }
        Fact::Call { interaction, call } => {
            let order = match call {
                CallFact::RecordingPaused { .. } => CallOrder::RecordingPause,
                CallFact::RecordingResumed { .. } => CallOrder::RecordingResume,
                CallFact::RecordingRequested { by } => CallOrder::RecordingStart(by.clone()),
                CallFact::Held { .. } => CallOrder::Control(CallControl::Hold),
                CallFact::Unheld { .. } => CallOrder::Control(CallControl::Unhold),
                CallFact::Muted { .. } => CallOrder::Control(CallControl::Mute),
                CallFact::Unmuted { .. } => CallOrder::Control(CallControl::Unmute),
                CallFact::HangupRequested { .. } => CallOrder::Control(CallControl::Hangup),
                CallFact::ConsultRequested { agent, .. } => {
                    CallOrder::Control(CallControl::Consult(*agent))
                }
                CallFact::ConsultCompleted { .. } => {
                    CallOrder::Control(CallControl::ConsultCompleted)
                }
                CallFact::ConsultCancelled { .. } => {
                    CallOrder::Control(CallControl::ConsultCancelled)
                }
                _ => return None,
            };
            Some((interaction.0 as i64, order))
        }
        _ => None,
    }
}
