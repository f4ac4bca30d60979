//! The discrete-event simulator: it drives the real routing engine (and the
//! dialer) with a virtual clock, synthetic customers and synthetic agents.
//!
//! It is how Centralita is tested (invariants over many seeds), how it is
//! benchmarked, and a planning feature: "what does this routing plan or this
//! staffing do to service level, on a day like last Monday?"
//!
//! - [`scenario`]: the scenario file (TOML/JSON) and its checks.
//! - [`dist`]: handle-time, patience, ring and talk-time distributions.
//! - [`runner`]: the event loop; [`run`] returns a [`kpi::Report`].
//! - [`kpi`]: the figures and their definitions.
//! - [`outbound`]: outbound campaigns in scenarios.
//! - [`table`]: the human-readable rendering.
//!
//! Same scenario and seed ⇒ byte-identical report.

pub mod dist;
pub mod kpi;
pub mod outbound;
pub mod runner;
pub mod scenario;
pub mod table;

pub use kpi::Report;
pub use runner::{InvariantError, Options, run};
pub use scenario::{LoadError, Scenario};
