//! The outbound dialer engine: campaigns and contact lists, the compliance
//! gate, pacing (preview, progressive, power, predictive), retries and
//! dispositions. A sans-IO state machine: it never reads a clock, sleeps,
//! spawns or touches the network; the driver (the simulator, later the
//! telephony server) feeds it what happened and carries out what it asks.
//!
//! # Driving it
//!
//! ```text
//! let mut dialer = Dialer::new(CivilClock::starting_at(scenario_start_utc)); // or CivilClock::unix() live
//! dialer.add_campaign(now, config)?;                        // CampaignConfig, validated (ConfigError)
//! dialer.handle(now, Input::LoadContacts { campaign, list, contacts })?;
//! dialer.handle(now, Input::Agent { campaign, agent, presence: AgentPresence::Ready })?;
//! dialer.handle(now, Input::Start { campaign })?;
//! loop {
//!     while let Some(out) = dialer.poll_output() { /* Dial, Preview, Event, Alert */ }
//!     // wait for the next telephony/agent event or until dialer.poll_timeout(),
//!     // then dialer.handle(now, input) or dialer.handle_timeout(now)
//! }
//! ```
//!
//! After every [`Dialer::handle`] and [`Dialer::handle_timeout`], drain
//! [`Dialer::poll_output`] to the end. Time must not go backwards (an earlier
//! `now` is taken as the latest one seen). A refused input returns an
//! [`InputError`] and changes nothing.
//!
//! **Outputs** ([`Output`]):
//! - [`Output::Dial`]: place a call to `phone` with `caller_id`; hang up as no
//!   answer after `ring_timeout_ms` (never less than 15 s, and never earlier:
//!   the dialer has no "cancel" on purpose). If `reserved_agent` is set, a
//!   live answer goes to that agent, who is waiting for it; otherwise to any
//!   ready agent of the campaign, first come first served.
//! - [`Output::Preview`]: show the contact to the agent; send
//!   [`Input::PreviewAccept`] or [`Input::PreviewSkip`]; when `countdown_ms`
//!   runs out the dialer places the call by itself (a [`Dial`] for that agent,
//!   same attempt id).
//! - [`Output::Event`]: a [`model::Event`] whose kind is
//!   `EventKind::Outbound(`[`model::outbound::OutboundEvent`]`)`, for the log:
//!   every gate decision with its rule, every dial and result, pacing changes
//!   with their reason, disposition effects, and each contact's final state.
//! - [`Output::Alert`]: the abandon rate reached the alert threshold or the
//!   cap (or fell back), per window; also logged as an event.
//!
//! **Inputs** ([`Input`]): campaign commands (`Start`, `Pause`, `Stop`),
//! `LoadContacts`, `Agent` (the presence of each campaign agent: `Ready`,
//! `Talking { since }`, `WrapUp { since }`, `Away`, `SignedOut`), the call's
//! life (`DialResult` with the outcome and ring time, `Connected` when an
//! answered call reached an agent, `Abandoned` when it did not within 2 s,
//! `CallEnded`), `Disposition`, `ScheduleCallback`, preview accept/skip, and
//! compliance changes (`ConsentGiven`, `ConsentWithdrawn`, `OptOut`,
//! `DoNotCallAdd`, `DoNotCallRemove`, `DoNotCallImport`).
//!
//! The life of a call: `Dial` → `DialResult` (not live: done) → `Connected`
//! or `Abandoned` → `CallEnded` → `Disposition`. The dialer keeps a watchdog
//! on every stage, so a call the driver forgets cannot hold its contact
//! forever: no result 60 s after the ring timeout counts as failed, no
//! connect/abandon 10 s after the 2 s limit counts as abandoned, a call over
//! 4 h counts as ended, no disposition within 1 h closes the contact as
//! reached with `no_disposition`.
//!
//! # Modules
//! - [`engine`]: [`Dialer`], its inputs and outputs, campaigns' state.
//! - [`config`]: campaign configuration and [`config::ConfigError`].
//! - [`gate`]: the compliance gate, one pure function.
//! - [`pacing`] and [`estimate`]: the predictive model and its live estimates.
//! - [`window`]: calling windows and holidays; [`zone`] (and its tables):
//!   where a number or address is; [`clock`]: instants to civil time.
//! - [`consent`]: consent ledger, do-not-call lists, the national-list file reader.
//! - [`erased`]: numbers of erased persons, under placeholders.
//! - [`abandon`]: the abandon rate per 30 days and per calendar day.
//! - [`contact`], [`schedule`]: contacts and the due queue.
//! - [`disposition`]: codes and their effects.
//!
//! `docs/dialer.md` describes the rules and the pacing method in full.

pub mod abandon;
pub mod clock;
pub mod config;
pub mod consent;
pub mod contact;
pub mod disposition;
pub mod engine;
pub mod erased;
pub mod estimate;
pub mod gate;
pub mod pacing;
pub mod schedule;
pub mod window;
pub mod zone;
mod zone_tables;

pub use engine::{
    AgentPresence, Alert, CallbackRequest, CallbackTime, CampaignView, Dial, Dialer, Input,
    InputError, Output, PreviewOffer,
};
