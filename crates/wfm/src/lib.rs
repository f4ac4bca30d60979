//! Workforce planning maths for Centralita: how many agents each interval needs, what that costs,
//! and who works when.
//!
//! - [`erlang`]: Erlang B (blocking, lines and ports), Erlang C (queue, patient callers) and Erlang A
//!   (queue, impatient callers), numerically stable to tens of thousands of Erlangs.
//! - [`staffing`]: the fewest agents per interval that meet a service-level target and an
//!   occupancy cap, exact on ties.
//! - [`forecast`]: learns day-of-week × time-of-day shape, level, trend and special days from a
//!   history of volumes, and forecasts a horizon; WAPE and MAPE to judge it.
//! - [`schedule`]: shift assignments per agent from required agents per interval and queue,
//!   honouring shift, break, skill, contract, availability, rest and days-in-a-row rules.
//! - [`cost`]: cost per handled contact, the cost of unanswered calls, and service level vs cost.
//!
//! The crate is pure maths: no IO, no clock, no randomness. The command line and the server parse
//! files and forms at the edge and call in here with typed values.

pub mod cost;
pub mod erlang;
mod error;
mod exact;
pub mod forecast;
pub mod schedule;
pub mod staffing;

pub use error::WfmError;

/// The largest offered load (Erlangs) the calculators accept: far beyond any real contact
/// center, small enough that a staffing search stays well under a second.
pub const MAX_ERLANGS: f64 = 1_000_000.0;

/// The most agents (servers, lines) a calculator will consider.
pub const MAX_AGENTS: u32 = 2_000_000;
