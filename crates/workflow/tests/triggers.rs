//! Triggers: every kind of event fires its trigger once with the cause
//! recorded, every kind of action is ordered, recall stops activity, a
//! dispute stops calls and letters, versions stay with their cases, and
//! queries find cases.

mod common;

use std::collections::BTreeMap;

use common::*;
use model::Instant;
use workflow::*;

const EVERY: &str = r#"
flags = ["f_state", "f_sla", "f_field", "f_timer", "f_disp", "f_pay", "f_pmade", "f_pdue",
         "f_pkept", "f_pbroken", "f_plan", "f_dopen", "f_dres"]

[collections]
grace_days = 1

[[states]]
name = "open"
initial = true

[[states]]
name = "working"
sla = "2h"

[[states]]
name = "done"
final = true

[[states]]
name = "closed"
final = true

[[fields]]
name = "note"
type = "text"

[[fields]]
name = "level"
type = "number"

[[transitions]]
from = ["open"]
to = "working"
roles = ["agent", "system"]

[[transitions]]
from = ["*"]
to = "closed"
roles = ["system"]

[[triggers]]
name = "on_state"
on = "state_entered"
state = "working"
do = [{ action = "set_flag", flag = "f_state" }, { action = "start_contact" }]

[[triggers]]
name = "on_sla"
on = "sla_passed"
state = "working"
do = [{ action = "set_flag", flag = "f_sla" }, { action = "task", title = "late", skill = "backoffice", priority = 3, due_in = "4h" }]

[[triggers]]
name = "on_field"
on = "field_changed"
field = "note"
do = [{ action = "set_flag", flag = "f_field" }, { action = "set_field", field = "level", value = "2.5" }]

[[triggers]]
name = "on_timer"
on = "timer"
timer = "nudge"
do = [{ action = "set_flag", flag = "f_timer" }, { action = "email", template = "nudge" }]

[[triggers]]
name = "on_disposition"
on = "disposition"
code = "promise"
do = [{ action = "set_flag", flag = "f_disp" }, { action = "letter", template = "confirmation" }]

[[triggers]]
name = "on_payment"
on = "payment"
do = [{ action = "set_flag", flag = "f_pay" }]

[[triggers]]
name = "on_promise_made"
on = "promise_made"
do = [{ action = "set_flag", flag = "f_pmade" }]

[[triggers]]
name = "on_promise_due"
on = "promise_due"
do = [{ action = "set_flag", flag = "f_pdue" }]

[[triggers]]
name = "on_promise_kept"
on = "promise_kept"
do = [{ action = "set_flag", flag = "f_pkept" }]

[[triggers]]
name = "on_promise_broken"
on = "promise_broken"
do = [{ action = "set_flag", flag = "f_pbroken" }]

[[triggers]]
name = "on_plan"
on = "plan_made"
do = [{ action = "set_flag", flag = "f_plan" }]

[[triggers]]
name = "on_dispute"
on = "dispute_opened"
do = [{ action = "set_flag", flag = "f_dopen" }, { action = "stop_contact" }]

[[triggers]]
name = "on_resolved"
on = "dispute_resolved"
do = [{ action = "set_flag", flag = "f_dres" }, { action = "clear_flag", flag = "f_dopen" }]

[[triggers]]
name = "on_settled"
on = "settled"
do = [{ action = "transition", to = "closed" }]

[[triggers]]
name = "on_written_off"
on = "written_off"
do = [{ action = "transition", to = "closed" }]

[[timers]]
name = "nudge"
after = "1d"
from = "created"
"#;

fn every(now: Instant) -> Engine {
    let mut e = Engine::new(prague());
    e.set_type(now, "every", EVERY).unwrap();
    e
}

/// The trigger and event kind behind every flag set, counting repeats.
fn flags_set(outs: &[Output]) -> BTreeMap<String, (usize, String, String)> {
    let mut m: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    for f in facts(outs) {
        if let Change::FlagSet { flag } = &f.change {
            let Cause::Trigger { trigger, event } = &f.cause else {
                panic!("{f:?}")
            };
            let kind = serde_json::to_value(event).unwrap()["on"]
                .as_str()
                .unwrap()
                .to_string();
            let e = m
                .entry(flag.to_string())
                .or_insert((0, trigger.to_string(), kind));
            e.0 += 1;
        }
    }
    m
}

#[test]
fn every_kind_of_event_fires_its_trigger_once_with_its_cause() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = every(t0);
    let mut outs = Vec::new();
    e.handle(
        t0,
        new_case("every", "E-1", vec![debt("1000", "0", "2026-01-01")]),
    )
    .unwrap();
    let c = CaseId(1);
    e.handle(
        t0,
        Input::Transition {
            case: c,
            to: "working".into(),
            by: agent(),
            note: Some("called".into()),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::SetField {
            case: c,
            field: "note".into(),
            value: Some("hello".into()),
            by: agent(),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::Disposition {
            case: c,
            code: "promise".into(),
            interaction: 77,
            user: Some("alice".into()),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::Promise {
            case: c,
            amount: eur("100"),
            due_date: date("2026-03-03"),
            by: agent(),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::Payment {
            case: c,
            payment: payment("p1", "100", "2026-03-02"),
        },
    )
    .unwrap();
    let plan = vec![Instalment {
        amount: eur("50"),
        due_date: date("2026-03-04"),
    }];
    e.handle(
        t0,
        Input::PaymentPlan {
            case: c,
            instalments: plan,
            by: agent(),
        },
    )
    .unwrap();
    outs.extend(drain(&mut e));
    outs.extend(run_until(&mut e, at(&cal, "2026-03-07 00:00")));
    e.handle(
        at(&cal, "2026-03-07 00:00"),
        Input::Dispute {
            case: c,
            reason: "not mine".into(),
            by: Origin::User(agent()),
        },
    )
    .unwrap();
    e.handle(
        at(&cal, "2026-03-07 00:00"),
        Input::ResolveDispute {
            case: c,
            note: "proof sent".into(),
            by: supervisor(),
        },
    )
    .unwrap();
    outs.extend(drain(&mut e));
    let got = flags_set(&outs);
    let expected = [
        ("f_state", "on_state", "state_entered"),
        ("f_sla", "on_sla", "sla_passed"),
        ("f_field", "on_field", "field_changed"),
        ("f_timer", "on_timer", "timer"),
        ("f_disp", "on_disposition", "disposition"),
        ("f_pay", "on_payment", "payment"),
        ("f_pmade", "on_promise_made", "promise_made"),
        ("f_pdue", "on_promise_due", "promise_due"),
        ("f_pkept", "on_promise_kept", "promise_kept"),
        ("f_pbroken", "on_promise_broken", "promise_broken"),
        ("f_plan", "on_plan", "plan_made"),
        ("f_dopen", "on_dispute", "dispute_opened"),
        ("f_dres", "on_resolved", "dispute_resolved"),
    ];
    for (flag, trigger, kind) in expected {
        assert_eq!(
            got.get(flag),
            Some(&(1, trigger.to_string(), kind.to_string())),
            "{flag}"
        );
    }
    let disp = facts(&outs)
        .into_iter()
        .find(|f| matches!(f.change, Change::DispositionSet { .. }))
        .unwrap();
    assert_eq!(
        disp.cause,
        Cause::Interaction {
            interaction: 77,
            user: Some("alice".into())
        }
    );
    let c = e.case(c).unwrap();
    assert_eq!(
        c.fields[1],
        Some(FieldValue::Number("2.5".parse().unwrap()))
    );
}

#[test]
fn settled_and_written_off_fire_their_triggers() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = every(t0);
    e.handle(
        t0,
        new_case("every", "E-1", vec![debt("1000", "0", "2026-01-01")]),
    )
    .unwrap();
    e.handle(
        t0,
        new_case("every", "E-2", vec![debt("1000", "0", "2026-01-01")]),
    )
    .unwrap();
    e.handle(
        t0,
        Input::Settle {
            case: CaseId(1),
            amount: eur("400"),
            by: supervisor(),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "400", "2026-03-02"),
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::WriteOff {
            case: CaseId(2),
            reason: "insolvent".into(),
            by: supervisor(),
        },
    )
    .unwrap();
    let f = facts(&drain(&mut e));
    let moved: Vec<(u64, String)> = f
        .iter()
        .filter_map(|f| match (&f.change, &f.cause) {
            (Change::StateChanged { to, .. }, Cause::Trigger { trigger, .. })
                if &**to == "closed" =>
            {
                Some((f.case.0, trigger.to_string()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        moved,
        [
            (1, "on_settled".to_string()),
            (2, "on_written_off".to_string())
        ]
    );
}

#[test]
fn every_kind_of_action_is_ordered_with_its_cause() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = every(t0);
    e.handle(
        t0,
        new_case("every", "E-1", vec![debt("1000", "0", "2026-01-01")]),
    )
    .unwrap();
    let c = CaseId(1);
    e.handle(
        t0,
        Input::Transition {
            case: c,
            to: "working".into(),
            by: agent(),
            note: None,
        },
    )
    .unwrap();
    e.handle(
        t0,
        Input::Disposition {
            case: c,
            code: "promise".into(),
            interaction: 1,
            user: None,
        },
    )
    .unwrap();
    let mut outs = drain(&mut e);
    outs.extend(run_until(&mut e, at(&cal, "2026-03-03 12:00")));
    e.handle(
        at(&cal, "2026-03-03 12:00"),
        Input::Dispute {
            case: c,
            reason: "no".into(),
            by: Origin::Import("i".into()),
        },
    )
    .unwrap();
    outs.extend(drain(&mut e));
    let kinds: Vec<String> = actions(&outs)
        .iter()
        .map(|o| {
            serde_json::to_value(&o.action).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for k in [
        "start_contact",
        "create_task",
        "send_email",
        "send_letter",
        "stop_contact",
    ] {
        assert_eq!(
            kinds.iter().filter(|x| *x == k).count(),
            1,
            "{k} in {kinds:?}"
        );
    }
    let task = actions(&outs)
        .into_iter()
        .find(|o| matches!(o.action, Action::CreateTask { .. }))
        .unwrap();
    let Action::CreateTask { due, priority, .. } = task.action else {
        unreachable!()
    };
    assert_eq!(
        (local(&cal, due), priority),
        ("2026-03-02 16:00".to_string(), 3)
    );
    assert!(matches!(task.cause, Cause::Trigger { ref trigger, .. } if &**trigger == "on_sla"));
    // Each order is in the case's history too.
    let hist = &e.case(c).unwrap().history;
    assert_eq!(
        hist.iter()
            .filter(|f| matches!(f.change, Change::ActionOrdered { .. }))
            .count(),
        kinds.len()
    );
}

/// Case C-1 of the collections type (1000 owed) with a promise of 200 for
/// 5 March, made on Monday 2 March 2026 at 10:00 in Prague.
fn promised_case() -> (Calendar, Instant, Engine) {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal.clone(), t0);
    e.handle(
        t0,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("200"),
        due_date: date("2026-03-05"),
        by: agent(),
    };
    e.handle(t0, p).unwrap();
    drain(&mut e);
    (cal, t0, e)
}

#[test]
fn a_recalled_case_has_no_more_triggers_timers_or_tasks() {
    let (cal, t0, mut e) = promised_case();
    e.handle(
        t0,
        Input::Recall {
            case: CaseId(1),
            reason: "client took it back".into(),
            by: Origin::Import("recall-9".into()),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    let stop = actions(&outs);
    assert_eq!(stop.len(), 1);
    assert_eq!(stop[0].action, Action::StopContact);
    assert_eq!(
        stop[0].cause,
        Cause::Import {
            import: "recall-9".into()
        }
    );
    // The promise's date and grace pass, the SLA passes: nothing happens.
    let outs = run_until(&mut e, at(&cal, "2026-04-30 00:00"));
    assert!(outs.is_empty(), "{outs:?}");
    assert_eq!(state(&e, CaseId(1)), "promised");
    // A payment is still recorded (the money is the client's), without triggers.
    e.handle(
        at(&cal, "2026-04-30 00:00"),
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "1000", "2026-04-29"),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(outs.len(), 1);
    assert_eq!(state(&e, CaseId(1)), "promised");
    let t = Input::Transition {
        case: CaseId(1),
        to: "payment_plan".into(),
        by: agent(),
        note: None,
    };
    assert_eq!(
        e.handle(at(&cal, "2026-04-30 00:00"), t),
        Err(InputError::Recalled)
    );
}

#[test]
fn a_dispute_stops_calls_and_letters_until_it_is_resolved() {
    let (cal, t0, mut e) = promised_case();
    e.handle(
        t0,
        Input::Dispute {
            case: CaseId(1),
            reason: "already paid".into(),
            by: Origin::User(agent()),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(state(&e, CaseId(1)), "disputed");
    assert!(
        actions(&outs)
            .iter()
            .any(|o| o.action == Action::StopContact)
    );
    // Back in contacting by an agent while still disputed, then the promise breaks:
    // the task is ordered, but the letter and the contact are not.
    let t = Input::Transition {
        case: CaseId(1),
        to: "contacting".into(),
        by: agent(),
        note: None,
    };
    e.handle(t0, t).unwrap();
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("100"),
        due_date: date("2026-03-06"),
        by: agent(),
    };
    e.handle(t0, p).unwrap();
    drain(&mut e);
    let outs = run_until(&mut e, at(&cal, "2026-03-12 00:00"));
    let acts: Vec<Action> = actions(&outs).into_iter().map(|o| o.action).collect();
    assert!(acts.iter().any(|a| matches!(a, Action::CreateTask { .. })));
    assert!(!acts.iter().any(|a| matches!(
        a,
        Action::SendLetter { .. } | Action::StartContact { .. } | Action::SendEmail { .. }
    )));
    let suppressed = facts(&outs)
        .into_iter()
        .filter(|f| matches!(f.change, Change::ActionSuppressed { .. }))
        .count();
    assert!(suppressed >= 2, "{suppressed}");
    // Resolved: the shipped type goes back to contacting and starts the contact.
    let t1 = at(&cal, "2026-03-12 00:00");
    let t = Input::Transition {
        case: CaseId(1),
        to: "disputed".into(),
        by: agent(),
        note: None,
    };
    e.handle(t1, t).unwrap();
    e.handle(
        t1,
        Input::ResolveDispute {
            case: CaseId(1),
            note: "debt confirmed".into(),
            by: supervisor(),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(state(&e, CaseId(1)), "contacting");
    assert!(
        actions(&outs)
            .iter()
            .any(|o| matches!(o.action, Action::StartContact { .. }))
    );
}

#[test]
fn a_new_case_starts_contacting_and_a_promise_disposition_promises() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, t0);
    e.handle(
        t0,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(state(&e, CaseId(1)), "contacting");
    let start = actions(&outs).into_iter().next().unwrap();
    assert_eq!(
        start.action,
        Action::StartContact {
            campaign: Some("collections".into())
        }
    );
    e.handle(
        t0,
        Input::Disposition {
            case: CaseId(1),
            code: "promise".into(),
            interaction: 5,
            user: None,
        },
    )
    .unwrap();
    assert_eq!(state(&e, CaseId(1)), "promised");
    let moved = e.case(CaseId(1)).unwrap().history.back().unwrap().clone();
    assert!(
        matches!(moved.cause, Cause::Trigger { ref trigger, event: Event::Disposition { interaction: 5, .. } } if &**trigger == "promise_on_call")
    );
}

#[test]
fn a_case_keeps_its_types_version_and_new_cases_get_the_new_one() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, t0);
    e.handle(
        t0,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let v2 = COLLECTIONS.replace("sla = \"14d\"", "sla = \"7d\"");
    assert_eq!(e.set_type(t0, "collections", &v2).unwrap(), 2);
    assert_eq!(
        e.set_type(t0, "collections", &v2).unwrap(),
        2,
        "the same text is the same version"
    );
    e.handle(
        t0,
        new_case("collections", "C-2", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    assert_eq!(e.case(CaseId(1)).unwrap().version, 1);
    assert_eq!(e.case(CaseId(2)).unwrap().version, 2);
    let bad = COLLECTIONS.replace("to = \"paid\"", "to = \"payd\"");
    assert!(e.set_type(t0, "collections", &bad).is_err());
    assert_eq!(e.case_type("collections").unwrap().version, 2);
}

#[test]
fn queries_find_cases_by_state_flag_reference_and_debtor() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, t0);
    for r in ["A-1", "A-2", "B-1"] {
        e.handle(
            t0,
            new_case("collections", r, vec![debt("100", "0", "2026-01-10")]),
        )
        .unwrap();
    }
    let flag = Input::SetFlags {
        case: CaseId(2),
        set: vec!["vip".into()],
        clear: vec![],
        by: agent(),
    };
    e.handle(t0, flag).unwrap();
    e.handle(
        t0,
        Input::Payment {
            case: CaseId(3),
            payment: payment("p", "100", "2026-03-02"),
        },
    )
    .unwrap();
    let q = |q: Query| e.query(&q);
    assert_eq!(
        q(Query {
            state: Some("contacting"),
            ..Query::default()
        }),
        [CaseId(1), CaseId(2)]
    );
    assert_eq!(
        q(Query {
            flag: Some("vip"),
            ..Query::default()
        }),
        [CaseId(2)]
    );
    assert_eq!(
        q(Query {
            reference: Some("B-"),
            ..Query::default()
        }),
        [CaseId(3)]
    );
    assert_eq!(
        q(Query {
            debtor: Some("NOVÁKOVÁ"),
            limit: 2,
            ..Query::default()
        }),
        [CaseId(1), CaseId(2)]
    );
    assert_eq!(e.case_by_reference("A-2").unwrap().id, CaseId(2));
    let dup = new_case("collections", "A-1", vec![]);
    assert_eq!(
        e.handle(t0, dup),
        Err(InputError::ReferenceTaken("A-1".into()))
    );
}

#[test]
fn a_transition_needs_its_role_and_its_guard() {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, t0);
    e.handle(
        t0,
        new_case("collections", "C-1", vec![debt("100", "0", "2026-01-10")]),
    )
    .unwrap();
    let to = |to: &str, by: Actor| Input::Transition {
        case: CaseId(1),
        to: to.into(),
        by,
        note: None,
    };
    assert!(matches!(
        e.handle(t0, to("paid", agent())),
        Err(InputError::NoTransition { .. })
    ));
    let admin = Actor::new("root", Role::Admin);
    assert!(matches!(
        e.handle(t0, to("promise_broken", admin)),
        Err(InputError::NoTransition { .. })
    ));
    let system = Actor::new("core", Role::System);
    assert!(matches!(
        e.handle(t0, to("paid", system)),
        Err(InputError::GuardFailed(_))
    ));
}
