//! The tenant core: one tenant's live rules in one sans-IO crate.
//!
//! The routing engine, the dialer and the rules that join them (blending,
//! reservations of agents for outbound answers, presences, callbacks,
//! transfers and consults, dispositions) live here, driven by the server's
//! tenant task and by the simulator alike. No clock, no IO: time comes in
//! as an argument, and everything the core decides goes out as typed
//! outputs (facts for the log, orders for the line and for calls).
//!
//! - [`kpi`]: the figures (service level, ASA, abandon rate, AHT,
//!   occupancy), one definition each, for the simulator and the wallboard.
//! - [`settings`]: the tenant's time zone and holiday calendar.

pub mod kpi;
pub mod settings;
