//! The tenant core: one tenant's live rules in one sans-IO crate.
//!
//! The routing engine, the dialer and the rules that join them (blending,
//! reservations of agents for outbound answers, presences, callbacks,
//! transfers and consults, dispositions) live here, driven by the server's
//! tenant task and by the simulator alike. No clock, no IO: time comes in
//! as an argument, and everything the core decides goes out as typed
//! outputs (facts for the log, orders for the line and for calls).
//!
//! - [`TenantCore`] (`core`): the engine shape — `handle(now, Command)`,
//!   `poll_output()`, `poll_timeout()` / `handle_timeout(now)`.
//! - [`command`]: what the core is asked and answers, and its limits.
//! - [`TenantError`] (`error`): why a command was refused, typed; the
//!   server turns it into HTTP at its edge.
//! - [`index`]: what the core keeps in memory to decide without reading the
//!   database (interactions, customers, idempotency keys), built from facts.
//! - [`customers`]: what the core keeps of customer records (versions,
//!   merges, the keys they are found by), small enough for millions.
//! - Erasure (`erase`): persons' records emptied, their contacts closed,
//!   their numbers' placeholders learnt by the dialer.
//! - [`records`]: matching import rows, writing whole records, merges and
//!   their undoing; the pure rules folding a row or a record into another.
//! - [`orders`]: orders to phone calls (ring, bridge, end, hold, record,
//!   consult, offer a callback), typed, for the calls' tasks.
//! - [`outbound`]: campaign settings, the dialer's inputs as logged, and the
//!   core's side of the dialer.
//! - [`kpi`]: the figures (service level, ASA, abandon rate, AHT,
//!   occupancy), one definition each, for the simulator and the wallboard.
//! - [`settings`]: the tenant's time zone and holiday calendar.
//! - [`quality`]: evaluations and training playlists, numbered and recorded.
//! - [`cases`]: the case engine (crate `workflow`) driven by the core: its
//!   inputs and types logged and replayed, its timers fired at their
//!   instants, its orders carried out (tasks, contacts, letters), call
//!   dispositions given to it.
//! - [`Setup`] (`configure`): routing set up from compiled settings, for a
//!   shell that keeps no log (the simulator).
//! - Recovery (`replay`): a fresh core fed the log's facts in order, then
//!   resumed.

mod agents;
mod apply;
pub mod callbacks;
mod calls;
mod campaigns;
pub mod cases;
pub mod command;
mod configure;
mod consents;
mod core;
pub mod customers;
mod email;
mod erase;
mod error;
mod holds;
pub mod index;
mod interactions;
pub mod kpi;
pub mod manual;
pub mod orders;
pub mod outbound;
pub mod quality;
pub mod records;
mod replay;
pub mod settings;
pub mod sign_in;
mod snapshot;

pub use agents::{CompiledPlan, check_name, check_text, compile_plan};
pub use command::{Command, Reply};
pub use configure::{Setup, SetupAgent};
pub use core::{Output, TenantCore};
pub use error::TenantError;
pub use holds::RESERVED;
pub use model::fact;
pub use snapshot::Snapshot;
