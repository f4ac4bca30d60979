//! Timers in the tenant's zone: SLAs and relative timers across both
//! daylight-saving changes of Europe/Prague (29 March and 25 October 2026),
//! calendar jobs that skip weekends and holidays, and "3 days after a
//! promise's date" counted in calendar days (`3wd` for working days).

mod common;

use common::*;
use model::Instant;
use workflow::*;

const TIMED: &str = r#"
[[states]]
name = "open"
initial = true

[[states]]
name = "working"
sla = "2d"

[[states]]
name = "done"
final = true

[[transitions]]
from = ["open"]
to = "working"
roles = ["agent", "system"]

[[transitions]]
from = ["working"]
to = "open"
roles = ["agent"]

[[transitions]]
from = ["*"]
to = "done"
roles = ["system", "agent"]

[[timers]]
name = "two_days"
after = "2d"
from = "state_entered"
state = "working"

[[timers]]
name = "after_promise"
after = "3d"
from = "promise_date"

[[timers]]
name = "after_promise_wd"
after = "3wd"
from = "promise_date"

[[timers]]
name = "morning"
every = "weekday"
at = "09:00"
in_states = ["open", "working"]
"#;

fn timed(now: Instant) -> (Engine, Calendar) {
    let cal = prague();
    let mut e = Engine::new(cal.clone());
    e.set_type(now, "timed", TIMED).unwrap();
    e.handle(
        now,
        new_case("timed", "T-1", vec![debt("100", "0", "2026-01-01")]),
    )
    .unwrap();
    drain(&mut e);
    (e, cal)
}

fn work(e: &mut Engine, now: Instant) {
    let t = Input::Transition {
        case: CaseId(1),
        to: "working".into(),
        by: agent(),
        note: None,
    };
    e.handle(now, t).unwrap();
    drain(e);
}

/// Local times of the facts of timer `name` (or SLA if `name` is "sla").
fn fired(cal: &Calendar, outs: &[Output], name: &str) -> Vec<String> {
    facts(outs)
        .into_iter()
        .filter(|f| match &f.change {
            Change::TimerFired { timer } => &**timer == name,
            Change::SlaPassed { .. } => name == "sla",
            _ => false,
        })
        .map(|f| local(cal, f.at))
        .collect()
}

#[test]
fn an_sla_of_two_days_across_the_spring_change_is_47_hours() {
    let cal = prague();
    let start = at(&cal, "2026-03-28 10:00");
    let (mut e, cal) = timed(start);
    work(&mut e, start);
    let outs = run_until(&mut e, at(&cal, "2026-04-02 00:00"));
    assert_eq!(fired(&cal, &outs, "sla"), ["2026-03-30 10:00"]);
    assert_eq!(fired(&cal, &outs, "two_days"), ["2026-03-30 10:00"]);
    let sla = facts(&outs)
        .into_iter()
        .find(|f| matches!(f.change, Change::SlaPassed { .. }))
        .unwrap();
    assert_eq!(sla.at.as_millis() - start.as_millis(), 47 * 3_600_000);
    assert_eq!(
        sla.cause,
        Cause::Sla {
            state: "working".into()
        }
    );
}

#[test]
fn two_days_after_entering_a_state_across_the_autumn_change_is_49_hours() {
    let cal = prague();
    let start = at(&cal, "2026-10-24 10:00");
    let (mut e, cal) = timed(start);
    work(&mut e, start);
    let outs = run_until(&mut e, at(&cal, "2026-10-27 00:00"));
    let f = facts(&outs)
        .into_iter()
        .find(|f| matches!(&f.change, Change::TimerFired { timer } if &**timer == "two_days"))
        .unwrap();
    assert_eq!(local(&cal, f.at), "2026-10-26 10:00");
    assert_eq!(f.at.as_millis() - start.as_millis(), 49 * 3_600_000);
}

#[test]
fn a_timer_of_a_state_left_does_not_fire() {
    let cal = prague();
    let start = at(&cal, "2026-03-02 10:00");
    let (mut e, cal) = timed(start);
    work(&mut e, start);
    let back = Input::Transition {
        case: CaseId(1),
        to: "open".into(),
        by: agent(),
        note: None,
    };
    e.handle(at(&cal, "2026-03-03 10:00"), back).unwrap();
    let outs = run_until(&mut e, at(&cal, "2026-03-10 00:00"));
    assert!(fired(&cal, &outs, "two_days").is_empty());
    assert!(fired(&cal, &outs, "sla").is_empty());
}

#[test]
fn a_weekday_job_runs_at_nine_local_across_the_spring_change_skipping_the_weekend() {
    let cal = prague();
    let start = at(&cal, "2026-03-26 12:00");
    let (mut e, cal) = timed(start);
    let outs = run_until(&mut e, at(&cal, "2026-03-31 12:00"));
    assert_eq!(
        fired(&cal, &outs, "morning"),
        ["2026-03-27 09:00", "2026-03-30 09:00", "2026-03-31 09:00"]
    );
    let utc: Vec<String> = facts(&outs)
        .iter()
        .filter(|f| matches!(&f.change, Change::TimerFired { timer } if &**timer == "morning"))
        .map(|f| {
            chrono::DateTime::from_timestamp_millis(f.at.as_millis() as i64)
                .unwrap()
                .format("%H:%M")
                .to_string()
        })
        .collect();
    assert_eq!(utc, ["08:00", "07:00", "07:00"]);
}

#[test]
fn a_weekday_job_skips_a_holiday_and_follows_the_autumn_change() {
    let cal = prague();
    let start = at(&cal, "2026-10-23 12:00");
    let (mut e, cal) = timed(start);
    let outs = run_until(&mut e, at(&cal, "2026-10-30 12:00"));
    // 28 October is a holiday in this calendar.
    assert_eq!(
        fired(&cal, &outs, "morning"),
        [
            "2026-10-26 09:00",
            "2026-10-27 09:00",
            "2026-10-29 09:00",
            "2026-10-30 09:00"
        ]
    );
    let f = facts(&outs)
        .into_iter()
        .find(|f| matches!(&f.change, Change::TimerFired { .. }))
        .unwrap();
    assert_eq!(
        f.cause,
        Cause::Timer {
            timer: "morning".into()
        }
    );
}

#[test]
fn three_days_after_a_promise_are_calendar_days_and_3wd_working_days() {
    let cal = prague();
    let start = at(&cal, "2026-12-21 10:00");
    let (mut e, cal) = timed(start);
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("50"),
        due_date: date("2026-12-24"),
        by: agent(),
    };
    e.handle(start, p).unwrap();
    let outs = run_until(&mut e, at(&cal, "2027-01-05 00:00"));
    // Christmas Eve is a holiday; calendar days still count it and the weekend.
    assert_eq!(fired(&cal, &outs, "after_promise"), ["2026-12-27 00:00"]);
    assert_eq!(fired(&cal, &outs, "after_promise_wd"), ["2026-12-30 00:00"]);
}

#[test]
fn a_kept_promise_has_no_follow_up_timer() {
    let cal = prague();
    let start = at(&cal, "2026-03-02 10:00");
    let (mut e, cal) = timed(start);
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("50"),
        due_date: date("2026-03-05"),
        by: agent(),
    };
    e.handle(start, p).unwrap();
    e.handle(
        start,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "50", "2026-03-02"),
        },
    )
    .unwrap();
    let outs = run_until(&mut e, at(&cal, "2026-03-20 00:00"));
    assert!(fired(&cal, &outs, "after_promise").is_empty());
}

#[test]
fn poll_timeout_names_the_next_wake_up() {
    let cal = prague();
    let start = at(&cal, "2026-03-02 10:00");
    let (mut e, cal) = timed(start);
    assert_eq!(local(&cal, e.poll_timeout().unwrap()), "2026-03-03 09:00");
    work(&mut e, start);
    assert_eq!(local(&cal, e.poll_timeout().unwrap()), "2026-03-03 09:00");
    e.handle_timeout(at(&cal, "2026-03-03 09:00"));
    drain(&mut e);
    assert_eq!(local(&cal, e.poll_timeout().unwrap()), "2026-03-04 09:00");
}
