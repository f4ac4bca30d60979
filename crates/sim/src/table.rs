//! A plain-text rendering of a report, for people at a terminal.

use std::fmt::Write;

use crate::kpi::Report;

/// Renders the report as aligned tables.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "scenario {}  seed {}  duration {} s  (drained at {} s)",
        r.scenario, r.seed, r.duration_s, r.drained_at_s
    );
    if !r.queues.is_empty() {
        let _ = writeln!(
            s,
            "\n{:<20} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
            "queue", "offered", "answered", "abandon", "SL", "ASA s", "AHT s", "max wait", "target"
        );
        for (name, q) in &r.queues {
            let _ = writeln!(
                s,
                "{:<20} {:>8} {:>8} {:>7.1}% {:>7.1}% {:>8.1} {:>8.1} {:>8.1} {:>5.0}%/{:.0}s",
                name,
                q.offered,
                q.answered,
                q.abandon_rate * 100.0,
                q.service_level * 100.0,
                q.asa_s,
                q.aht_s,
                q.max_wait_s,
                q.sl_target * 100.0,
                q.sl_seconds
            );
        }
    }
    let _ = writeln!(
        s,
        "\n{:<20} {:>8} {:>10} {:>8}",
        "group", "agents", "occupancy", "handled"
    );
    for (name, g) in &r.groups {
        let _ = writeln!(
            s,
            "{:<20} {:>8} {:>9.1}% {:>8}",
            name,
            g.agents,
            g.occupancy * 100.0,
            g.handled
        );
    }
    if !r.campaigns.is_empty() {
        let _ = writeln!(
            s,
            "\n{:<20} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8} {:>10}",
            "campaign", "dials", "live", "abandon", "rate", "occupancy", "per hour", "penetration"
        );
        for (name, c) in &r.campaigns {
            let _ = writeln!(
                s,
                "{:<20} {:>8} {:>8} {:>8} {:>7.2}% {:>9.1}% {:>8.1} {:>9.1}%",
                name,
                c.dials,
                c.live_answers,
                c.abandoned,
                c.abandon_rate * 100.0,
                c.occupancy * 100.0,
                c.contacts_per_agent_hour,
                c.penetration * 100.0
            );
        }
    }
    for iv in &r.intervals {
        let _ = writeln!(s, "\ninterval at {} s", iv.start_s);
        for (name, q) in &iv.queues {
            let _ = writeln!(
                s,
                "  {:<18} offered {:>6}  SL {:>5.1}%  ASA {:>6.1} s  abandon {:>5.1}%",
                name,
                q.offered,
                q.service_level * 100.0,
                q.asa_s,
                q.abandon_rate * 100.0
            );
        }
        for (name, o) in &iv.occupancy {
            let _ = writeln!(s, "  {:<18} occupancy {:>5.1}%", name, o * 100.0);
        }
    }
    let _ = writeln!(
        s,
        "\nevents {}  engine events {}  invariant checks {}  unfinished {}",
        r.events, r.engine_events, r.invariant_checks, r.unfinished
    );
    s
}
