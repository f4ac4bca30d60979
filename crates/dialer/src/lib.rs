//! The outbound dialer engine.
pub mod abandon;
pub mod clock;
pub mod config;
pub mod consent;
pub mod disposition;
pub mod window;
pub mod zone;
mod zone_tables;
pub mod contact;
pub mod estimate;
pub mod gate;
pub mod pacing;
pub mod schedule;
pub mod engine;
pub use engine::{AgentPresence, Alert, CallbackRequest, CallbackTime, Dial, Dialer, Input, InputError, Output, PreviewOffer};
