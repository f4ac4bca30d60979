//! A run's report. The figures are counted with `center::kpi`, whose
//! definitions (in `docs/kpis.md`) the wallboard shares; here they are taken
//! over the contacts that arrived in `[warmup_s, duration_s)` (or in one
//! reporting interval), each in the first queue it was placed in. A run
//! drains, so every such contact's wait is decided by the report:
//! - `offered`: such contacts (callbacks created from them are not counted again);
//! - `answered`: taken by an agent; `abandoned`: the customer hung up waiting;
//! - `abandon_rate` = abandoned / offered;
//! - `service_level` = answered within the queue's `sl_seconds` / offered
//!   (abandons, voicemail, refusals and callbacks count as misses);
//! - `asa_s` = mean wait of answered contacts; `max_wait_s` = longest wait of
//!   any counted contact (until answer or end);
//! - `aht_s` = mean talk time + the queue's wrap-up, over handled contacts;
//! - group `occupancy` = time agents were busy or in wrap-up inside
//!   `[warmup_s, duration_s]` / (agents × that span).

use center::kpi::QueueTally;
use serde::Serialize;
use std::collections::BTreeMap;

/// A queue's KPIs as printed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueueReport {
    /// Contacts offered to the queue.
    pub offered: u64,
    /// Taken by an agent.
    pub answered: u64,
    /// Hung up while waiting.
    pub abandoned: u64,
    /// abandoned / offered.
    pub abandon_rate: f64,
    /// Answered within `sl_seconds` / offered.
    pub service_level: f64,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: f64,
    /// Mean talk + wrap-up of handled contacts, seconds.
    pub aht_s: f64,
    /// Longest wait, seconds.
    pub max_wait_s: f64,
    /// Handled to the end by an agent.
    pub handled: u64,
    /// Left to voicemail.
    pub voicemail: u64,
    /// Refused (full, closed with refuse, nowhere to go).
    pub refused: u64,
    /// Turned into callbacks.
    pub callbacks: u64,
    /// Moved to another queue by a rule.
    pub overflowed: u64,
    /// The threshold used, seconds.
    pub sl_seconds: f64,
    /// The target.
    pub sl_target: f64,
}

/// The printed figures of a queue's (or an interval's) tally.
pub fn queue_report(t: &QueueTally, sl_seconds: f64, sl_target: f64) -> QueueReport {
    QueueReport {
        offered: t.offered,
        answered: t.answered,
        abandoned: t.abandoned,
        abandon_rate: round(t.abandon_rate().unwrap_or(0.0)),
        service_level: round(t.service_level().unwrap_or(0.0)),
        asa_s: round(t.asa_s().unwrap_or(0.0)),
        aht_s: round(t.aht_s().unwrap_or(0.0)),
        max_wait_s: round(t.max_wait_s()),
        handled: t.handled,
        voicemail: t.voicemail,
        refused: t.refused,
        callbacks: t.callbacks,
        overflowed: t.overflowed,
        sl_seconds,
        sl_target,
    }
}

/// A group's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupReport {
    /// Agents in it.
    pub agents: u32,
    /// Busy share of their time (see the module docs).
    pub occupancy: f64,
    /// Contacts they took.
    pub handled: u64,
}

/// One interval's figures for one queue, and the groups' occupancy in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntervalReport {
    /// Start, seconds from the start of the run.
    pub start_s: f64,
    /// Queue figures, by name.
    pub queues: BTreeMap<String, QueueReport>,
    /// Group occupancy in this interval, by name.
    pub occupancy: BTreeMap<String, f64>,
}

/// An outbound campaign's figures (definitions in `docs/dialer.md`,
/// "Simulating campaigns").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CampaignReport {
    /// Its pacing: `preview`, `progressive`, `power` or `predictive`.
    pub mode: String,
    /// Agents of its group.
    pub agents: u32,
    /// Numbers dialled.
    pub dials: u64,
    /// Answered by a person.
    pub live_answers: u64,
    /// Answered by a person and not connected to an agent within 2 s.
    pub abandoned: u64,
    /// abandoned / live_answers.
    pub abandon_rate: f64,
    /// The highest abandon rate of any calendar day of the run (the scenario's zone).
    pub max_daily_abandon_rate: f64,
    /// (talk + wrap-up of the campaign's calls) / signed-in time of the
    /// campaign's agents, both inside `[warmup_s, duration_s]`.
    pub occupancy: f64,
    /// Calls connected to an agent inside `[warmup_s, duration_s]` per
    /// signed-in agent hour in that span.
    pub contacts_per_agent_hour: f64,
    /// (contacts reached + contacts exhausted) / contacts in the list.
    pub penetration: f64,
    /// Connected to an agent.
    pub connected: u64,
    /// Contacts in a final state (reached or exhausted).
    pub contacts_done: u64,
    /// Contacts closed as reached (a person, a closing disposition).
    pub contacts_reached: u64,
    /// Contacts closed as exhausted (attempts, numbers or the gate ran out).
    pub contacts_exhausted: u64,
    /// Contacts tried at least once and waiting for a retry when the campaign stopped dialling.
    pub contacts_pending: u64,
    /// Contacts never tried (the day ended before the list did).
    pub contacts_untried: u64,
    /// Gate decisions that denied a number.
    pub blocked: u64,
    /// Abandon-rate alerts raised (alert level and cap).
    pub alerts: u64,
}

/// Everything a run prints.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// The scenario file.
    pub scenario: String,
    /// The seed used.
    pub seed: u64,
    /// Arrivals stopped here, seconds.
    pub duration_s: f64,
    /// KPIs left out contacts before this, seconds.
    pub warmup_s: f64,
    /// Queue KPIs by name.
    pub queues: BTreeMap<String, QueueReport>,
    /// Group KPIs by name.
    pub groups: BTreeMap<String, GroupReport>,
    /// Outbound campaign KPIs by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub campaigns: BTreeMap<String, CampaignReport>,
    /// Arrivals + service completions + abandonments (the peers' definition).
    pub events: u64,
    /// Facts the routing engine emitted.
    pub engine_events: u64,
    /// Times every engine invariant was checked in full (the cheap ones are checked on every event).
    pub invariant_checks: u64,
    /// Simulated time when the last contact ended, seconds.
    pub drained_at_s: f64,
    /// Contacts still open when nothing could move any more (cancelled at the end).
    pub unfinished: u64,
    /// Per-interval figures (with `--intervals`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intervals: Vec<IntervalReport>,
}

/// Rounds to 9 decimals so printed figures are stable and readable.
pub fn round(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e9).round() / 1e9
    } else {
        x
    }
}
