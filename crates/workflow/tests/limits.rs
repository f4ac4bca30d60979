//! Limits: what would pass one is refused with an error naming it, and
//! changes nothing.

mod common;

use common::*;
use workflow::limits::*;
use workflow::*;

#[test]
fn too_many_debts_are_refused_by_name() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    let debts = vec![debt("1", "0", "2026-01-01"); DEBTS_PER_CASE_MAX + 1];
    let err = e
        .handle(now, new_case("collections", "C-1", debts))
        .unwrap_err();
    assert_eq!(
        err,
        InputError::Limit {
            what: "debts per case",
            max: DEBTS_PER_CASE_MAX
        }
    );
    assert_eq!(e.cases().count(), 0);
    assert!(e.poll_output().is_none());
}

#[test]
fn too_long_a_reference_or_user_is_refused_by_name() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    let long = "x".repeat(REFERENCE_MAX + 1);
    let err = e
        .handle(now, new_case("collections", &long, vec![]))
        .unwrap_err();
    assert!(
        matches!(err, InputError::BadValue { ref field, .. } if field == "reference"),
        "{err}"
    );
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("10", "0", "2026-01-01")]),
    )
    .unwrap();
    let by = Actor::new(&"u".repeat(NAME_MAX + 1), Role::Agent);
    let t = Input::Transition {
        case: CaseId(1),
        to: "promised".into(),
        by,
        note: None,
    };
    assert!(
        matches!(e.handle(now, t), Err(InputError::BadValue { ref field, .. }) if field == "user")
    );
}

#[test]
fn too_many_promises_are_refused_by_name() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case(
            "collections",
            "C-1",
            vec![debt("100000", "0", "2026-01-01")],
        ),
    )
    .unwrap();
    for _ in 0..PROMISES_PER_CASE_MAX {
        let p = Input::Promise {
            case: CaseId(1),
            amount: eur("1"),
            due_date: date("2026-04-01"),
            by: agent(),
        };
        e.handle(now, p).unwrap();
    }
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("1"),
        due_date: date("2026-04-01"),
        by: agent(),
    };
    assert_eq!(
        e.handle(now, p),
        Err(InputError::Limit {
            what: "promises per case",
            max: PROMISES_PER_CASE_MAX
        })
    );
}

#[test]
fn a_case_keeps_only_its_latest_history_in_memory() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("100", "0", "2026-01-01")]),
    )
    .unwrap();
    for i in 0..HISTORY_KEPT_MAX {
        let f = Input::SetField {
            case: CaseId(1),
            field: "last_contact_result".into(),
            value: Some(format!("try {i}")),
            by: agent(),
        };
        e.handle(now, f).unwrap();
    }
    let c = e.case(CaseId(1)).unwrap();
    assert_eq!(c.history.len(), HISTORY_KEPT_MAX);
    assert!(c.history_dropped > 0);
    assert_eq!(
        c.history.back().unwrap().seq,
        c.history_dropped + HISTORY_KEPT_MAX as u64
    );
}

#[test]
fn a_type_with_too_many_triggers_is_refused() {
    let mut t = String::from(
        "[[states]]\nname = \"a\"\ninitial = true\n[[states]]\nname = \"b\"\nfinal = true\n",
    );
    for i in 0..=TRIGGERS_MAX {
        t.push_str(&format!("[[triggers]]\nname = \"t{i}\"\non = \"payment\"\ndo = [{{ action = \"stop_contact\" }}]\n"));
    }
    let err = CaseType::parse("many", 1, &t).unwrap_err();
    assert_eq!(err.field, "triggers");
}
