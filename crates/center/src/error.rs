//! What the tenant core refuses, typed. The server turns each kind into its
//! HTTP answer at the edge; the simulator counts them.

use routing::RoutingError;

/// Why a command was refused. Nothing of a refused command is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantError {
    /// Nothing by that id in this tenant (`what`: "agent", "interaction"…).
    #[error("no such {0}")]
    NotFound(String),
    /// A field with a bad value.
    #[error("{field}: {message}")]
    Field {
        /// The field, as the API names it.
        field: String,
        /// What is wrong, for people.
        message: String,
    },
    /// It exists already, or it is in the wrong state for this.
    #[error("{0}")]
    Conflict(String),
    /// The role the user acts in may not do this (the message says what).
    #[error("{0}")]
    Forbidden(String),
    /// A document larger than its limit, in bytes.
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    /// A broken expectation inside the core (a bug; logged by the shell).
    #[error("internal: {0}")]
    Internal(String),
}

impl TenantError {
    /// A field with a bad value.
    pub fn field(field: &str, message: impl std::fmt::Display) -> TenantError {
        TenantError::Field {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// Nothing by that id (`what`: "agent", "interaction"…).
    pub fn not_found(what: &str) -> TenantError {
        TenantError::NotFound(what.to_string())
    }

    /// A conflict with the state of things.
    pub fn conflict(message: impl Into<String>) -> TenantError {
        TenantError::Conflict(message.into())
    }
}

impl From<RoutingError> for TenantError {
    fn from(e: RoutingError) -> TenantError {
        match e {
            RoutingError::UnknownAgent(a) => TenantError::not_found(&format!("agent {a}")),
            RoutingError::UnknownQueue(q) => TenantError::field("queue", format!("no queue {q}")),
            RoutingError::UnknownInteraction(i) => TenantError::conflict(format!(
                "interaction {i} is not in routing (ended or never routed)"
            )),
            RoutingError::DuplicateInteraction(i) => {
                TenantError::conflict(format!("interaction {i} exists"))
            }
            RoutingError::NotOffered(i, a) => {
                TenantError::conflict(format!("interaction {i} is not offered to agent {a}"))
            }
            RoutingError::WrongStage(i, why) => {
                TenantError::conflict(format!("interaction {i}: {why}"))
            }
            RoutingError::AgentSignedOut(a) => {
                TenantError::conflict(format!("agent {a} is not signed in"))
            }
            RoutingError::AgentUnavailable(a) => {
                TenantError::conflict(format!("agent {a} cannot take it now"))
            }
            RoutingError::Attributes(p) => TenantError::field("attributes", p),
            RoutingError::Invalid(m) => TenantError::field("request", m),
        }
    }
}
