//! The case engine: case types as data (states, transitions with roles and
//! guards, flags, typed fields, SLAs, triggers, timers), cases with their
//! history of facts and causes, and collections (debts, payments allocated
//! in order, interest, promises to pay, payment plans, settlements,
//! write-offs, disputes, recalls). A sans-IO state machine beside routing
//! and the dialer, driven by the tenant core: it never reads a clock,
//! sleeps, spawns or touches a file or the network.
//!
//! # Driving it
//!
//! ```text
//! let mut engine = Engine::new(calendar);                     // the tenant's zone and holidays
//! engine.set_type(now, "collections", COLLECTIONS)?;          // a version number, or a TypeError
//! engine.handle(now, Input::CreateCase(new_case))?;           // a refused input changes nothing
//! loop {
//!     while let Some(out) = engine.poll_output() { /* Output::Fact (log it), Output::Action (carry it out) */ }
//!     // wait for the next input or until engine.poll_timeout(),
//!     // then engine.handle(now, input) or engine.handle_timeout(now)
//! }
//! ```
//!
//! Everything is deterministic: the same inputs at the same times give the
//! same outputs, so replaying the accepted inputs rebuilds the same engine.
//!
//! # Modules
//! - [`types`]: the case type format, its checks (errors name line and
//!   field) and its compiled form; [`types::guard`]: the guard language.
//! - [`case`]: a case, its debts, payments, promises; [`fact`]: facts,
//!   causes, events and action orders; [`input`]: inputs and their errors.
//! - [`money`]: exact amounts, currencies, day counts and interest;
//!   [`calendar`]: the tenant's zone and holidays, durations.
//! - `engine`: the engine (inputs, collections, promises, triggers, timers);
//!   [`query`]: read views; [`limits`]: every limit.
//!
//! The format of case types and the shipped `collections` type are described
//! in `docs/workflow.md`.

#![forbid(unsafe_code)]

pub mod calendar;
pub mod case;
mod engine;
pub mod fact;
pub mod input;
pub mod limits;
pub mod money;
pub mod query;
pub mod types;

pub use calendar::{Calendar, Span};
pub use case::{Case, CaseId, FieldValue, PromiseState};
pub use engine::Engine;
pub use fact::{Action, CaseFact, Cause, Change, Event, Order, Output};
pub use input::{Actor, Input, InputError, Instalment, NewCase, NewDebt, NewPayment, Origin};
pub use money::{Amount, Currency, DayCount};
pub use query::Query;
pub use types::{CaseType, Role, TypeError};

/// The shipped case type for debt collection (TOML).
pub const COLLECTIONS: &str = include_str!("../types/collections.toml");
