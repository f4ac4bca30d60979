//! Where an interaction stands and what an agent is doing, as kinds: the
//! projections keep them as their snake_case names, and everything past the
//! store's edge compares these enums, never the strings.

use serde::{Deserialize, Serialize};

/// Where an interaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InteractionState {
    /// Opened, not yet placed by routing.
    Created,
    /// Waiting in a queue.
    Waiting,
    /// Offered to an agent.
    Offered,
    /// With an agent.
    Connected,
    /// Being transferred.
    Transferring,
    /// Over.
    Ended,
}

impl InteractionState {
    /// Its name in the projections and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            InteractionState::Created => "created",
            InteractionState::Waiting => "waiting",
            InteractionState::Offered => "offered",
            InteractionState::Connected => "connected",
            InteractionState::Transferring => "transferring",
            InteractionState::Ended => "ended",
        }
    }
}

/// What an agent is doing, without the reason of a not-ready state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    /// Signed out.
    Offline,
    /// Ready for work.
    Available,
    /// Signed in, not taking work (for a reason).
    NotReady,
    /// Offered work, not yet answered.
    Reserved,
    /// Working.
    Busy,
    /// In after-contact work.
    WrapUp,
}

impl AgentStatus {
    /// Its name in the projections and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Offline => "offline",
            AgentStatus::Available => "available",
            AgentStatus::NotReady => "not_ready",
            AgentStatus::Reserved => "reserved",
            AgentStatus::Busy => "busy",
            AgentStatus::WrapUp => "wrap_up",
        }
    }

    /// The kind of a routing state.
    pub fn of(s: &crate::event::AgentState) -> AgentStatus {
        use crate::event::AgentState as S;
        match s {
            S::Offline => AgentStatus::Offline,
            S::Available => AgentStatus::Available,
            S::NotReady(_) => AgentStatus::NotReady,
            S::Reserved => AgentStatus::Reserved,
            S::Busy => AgentStatus::Busy,
            S::WrapUp => AgentStatus::WrapUp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serde_names() {
        for s in [
            InteractionState::Created,
            InteractionState::Waiting,
            InteractionState::Offered,
            InteractionState::Connected,
            InteractionState::Transferring,
            InteractionState::Ended,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in [
            AgentStatus::Offline,
            AgentStatus::Available,
            AgentStatus::NotReady,
            AgentStatus::Reserved,
            AgentStatus::Busy,
            AgentStatus::WrapUp,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
