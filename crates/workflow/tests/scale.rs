//! A rough measure of the hot path, ignored by default (run it in release:
//! `cargo test --release -p workflow --test scale -- --ignored --nocapture`,
//! `WORKFLOW_SCALE_CASES=1000000` for the full target): open cases on the
//! shipped type, then a day of their timers (SLAs, the weekday job) and a
//! burst of dispositions through the triggers.

mod common;

use std::time::Instant as Clock;

use common::*;
use workflow::*;

#[test]
#[ignore]
#[allow(clippy::disallowed_methods)]
fn a_day_of_timers_and_a_burst_of_facts_for_many_cases() {
    let n: u64 = std::env::var("WORKFLOW_SCALE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal.clone(), t0);
    let started = Clock::now();
    for i in 0..n {
        e.handle(
            t0,
            new_case(
                "collections",
                &format!("C-{i}"),
                vec![debt("100", "5", "2026-01-10")],
            ),
        )
        .unwrap();
        while e.poll_output().is_some() {}
    }
    eprintln!("{n} cases created in {:?}", started.elapsed());
    let started = Clock::now();
    for i in 0..n {
        let d = Input::Disposition {
            case: CaseId(i + 1),
            code: "no_answer".into(),
            interaction: i,
            user: None,
        };
        e.handle(t0, d).unwrap();
        while e.poll_output().is_some() {}
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{n} dispositions through the triggers: {:.0} facts/s",
        n as f64 / secs
    );
    let started = Clock::now();
    let mut outputs = 0u64;
    let until = at(&cal, "2026-03-17 10:00");
    while let Some(t) = e.poll_timeout().filter(|t| *t <= until) {
        e.handle_timeout(t);
        while e.poll_output().is_some() {
            outputs += 1;
        }
    }
    eprintln!(
        "15 days of timers for {n} cases: {outputs} outputs in {:?}",
        started.elapsed()
    );
}
