//! Collections: allocation order, interest by each day-count rule, paid,
//! settlement, write-off, promises kept and broken (with grace), plans, and
//! money that never mixes currencies.

mod common;

use common::*;
use workflow::types::Component;
use workflow::*;

fn allocation_of(outs: &[Output]) -> Vec<(u32, Component, String)> {
    facts(outs)
        .into_iter()
        .find_map(|f| match f.change {
            Change::PaymentReceived { allocations, .. } => Some(
                allocations
                    .into_iter()
                    .map(|a| (a.debt, a.component, a.amount.to_string()))
                    .collect(),
            ),
            _ => None,
        })
        .expect("a payment fact")
}

#[test]
fn a_payment_covers_fees_then_interest_then_principal_oldest_debt_first() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    let debts = vec![
        debt("1000", "50", "2026-01-10"),
        debt("500", "20", "2025-12-01"),
    ];
    e.handle(now, new_case("collections", "C-1", debts))
        .unwrap();
    drain(&mut e);
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "100", "2026-03-02"),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    let expected = vec![
        (2, Component::Fees, "20.00".to_string()),
        (1, Component::Fees, "50.00".to_string()),
        (2, Component::Principal, "30.00".to_string()),
    ];
    assert_eq!(allocation_of(&outs), expected);
    let c = e.case(CaseId(1)).unwrap();
    assert_eq!(c.balance().to_string(), "1470.00");
    assert_eq!(c.balance(), c.debt_total().minus(c.paid_total()));
}

const ORDERED: &str = r#"
[collections]
allocation = ["principal", "interest", "fees"]
debt_order = "newest_first"

[[states]]
name = "open"
initial = true

[[states]]
name = "done"
final = true
"#;

#[test]
fn the_allocation_order_is_the_types_to_choose() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = Engine::new(cal);
    e.set_type(now, "ordered", ORDERED).unwrap();
    let debts = vec![
        debt("100", "50", "2026-01-10"),
        debt("100", "20", "2025-12-01"),
    ];
    e.handle(now, new_case("ordered", "C-1", debts)).unwrap();
    drain(&mut e);
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "230", "2026-03-02"),
        },
    )
    .unwrap();
    let expected = vec![
        (1, Component::Principal, "100.00".to_string()),
        (2, Component::Principal, "100.00".to_string()),
        (1, Component::Fees, "30.00".to_string()),
    ];
    assert_eq!(allocation_of(&drain(&mut e)), expected);
}

#[test]
fn paying_the_balance_makes_the_case_paid_and_stops_the_contact() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1500", "50", "2026-01-10")]),
    )
    .unwrap();
    drain(&mut e);
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "1600", "2026-03-02"),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(state(&e, CaseId(1)), "paid");
    let stop = actions(&outs)
        .into_iter()
        .find(|o| o.action == Action::StopContact)
        .unwrap();
    assert!(
        matches!(&stop.cause, Cause::Trigger { trigger, event: Event::Payment { .. } } if &**trigger == "paid_in_full")
    );
    let c = e.case(CaseId(1)).unwrap();
    assert!(c.balance().is_zero());
    assert_eq!(c.payments[0].unallocated.to_string(), "50.00");
}

#[test]
fn money_in_another_currency_is_refused_and_changes_nothing() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("100", "0", "2026-01-10")]),
    )
    .unwrap();
    drain(&mut e);
    let before = e.clone();
    let mut p = payment("p1", "10", "2026-03-02");
    p.currency = Currency::parse("CZK").unwrap();
    let err = e
        .handle(
            now,
            Input::Payment {
                case: CaseId(1),
                payment: p,
            },
        )
        .unwrap_err();
    assert!(matches!(err, InputError::CurrencyMismatch { .. }), "{err}");
    let mut d = debt("10", "0", "2026-01-10");
    d.currency = Currency::parse("USD").unwrap();
    let by = Origin::User(agent());
    assert!(
        e.handle(
            now,
            Input::AddDebt {
                case: CaseId(1),
                debt: d,
                by
            }
        )
        .is_err()
    );
    assert!(e.poll_output().is_none());
    assert_eq!(e, before);
}

fn interest_type(rule: &str) -> String {
    format!("[interest]\nannual_rate_percent = \"10\"\nday_count = \"{rule}\"\n{ORDERED}")
}

#[test]
fn interest_accrues_by_each_day_count_rule() {
    for (rule, expected) in [
        ("act/365", "161.64"),
        ("act/360", "163.89"),
        ("30/360", "166.67"),
    ] {
        let cal = prague();
        let created = at(&cal, "2026-01-01 10:00");
        let mut e = Engine::new(cal.clone());
        e.set_type(created, "loan", &interest_type(rule)).unwrap();
        e.handle(
            created,
            new_case("loan", "L-1", vec![debt("10000", "0", "2025-12-01")]),
        )
        .unwrap();
        drain(&mut e);
        let later = at(&cal, "2026-03-01 10:00");
        e.handle(later, Input::Accrue { case: CaseId(1) }).unwrap();
        let f = facts(&drain(&mut e));
        assert_eq!(f.len(), 1, "{rule}");
        assert_eq!(f[0].cause, Cause::Accrual);
        match &f[0].change {
            Change::InterestAccrued {
                amount, from, to, ..
            } => {
                assert_eq!(amount.to_string(), expected, "{rule}");
                assert_eq!((*from, *to), (date("2026-01-01"), date("2026-03-01")));
            }
            other => panic!("{other:?}"),
        }
        let c = e.case(CaseId(1)).unwrap();
        assert_eq!(c.balance(), eur("10000").plus(eur(expected)));
        // Accruing again the same day adds nothing.
        e.handle(later, Input::Accrue { case: CaseId(1) }).unwrap();
        assert!(e.poll_output().is_none());
    }
}

#[test]
fn interest_accrues_only_on_the_principal_still_owed() {
    let cal = prague();
    let created = at(&cal, "2026-01-01 10:00");
    let mut e = Engine::new(cal.clone());
    e.set_type(created, "loan", &interest_type("act/365"))
        .unwrap();
    e.handle(
        created,
        new_case("loan", "L-1", vec![debt("10000", "0", "2025-12-01")]),
    )
    .unwrap();
    // Half the principal paid on day one; a year on, interest is on the other half.
    let p = payment("p1", "5000", "2026-01-01");
    e.handle(
        created,
        Input::Payment {
            case: CaseId(1),
            payment: p,
        },
    )
    .unwrap();
    drain(&mut e);
    e.handle(
        at(&cal, "2027-01-01 10:00"),
        Input::Accrue { case: CaseId(1) },
    )
    .unwrap();
    let f = facts(&drain(&mut e));
    assert!(
        matches!(&f[0].change, Change::InterestAccrued { amount, .. } if amount.to_string() == "500.00")
    );
}

#[test]
fn a_settlement_paid_closes_the_case_and_writes_off_the_rest() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let settle = |by| Input::Settle {
        case: CaseId(1),
        amount: eur("600"),
        by,
    };
    assert!(matches!(
        e.handle(now, settle(agent())),
        Err(InputError::NotPermitted { .. })
    ));
    e.handle(now, settle(supervisor())).unwrap();
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "300", "2026-03-02"),
        },
    )
    .unwrap();
    assert_eq!(state(&e, CaseId(1)), "contacting");
    drain(&mut e);
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p2", "300", "2026-03-02"),
        },
    )
    .unwrap();
    let f = facts(&drain(&mut e));
    assert!(f.iter().any(|f| matches!(&f.change, Change::Settled { written_off } if written_off.to_string() == "400.00")));
    assert_eq!(state(&e, CaseId(1)), "closed");
    let c = e.case(CaseId(1)).unwrap();
    assert!(c.balance().is_zero());
    assert_eq!(c.written_off_total().to_string(), "400.00");
}

#[test]
fn a_write_off_closes_the_case_without_payment() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1000", "25", "2026-01-10")]),
    )
    .unwrap();
    let by = supervisor();
    e.handle(
        now,
        Input::WriteOff {
            case: CaseId(1),
            reason: "debtor deceased".into(),
            by,
        },
    )
    .unwrap();
    assert_eq!(state(&e, CaseId(1)), "closed");
    let c = e.case(CaseId(1)).unwrap();
    assert!(c.balance().is_zero());
    assert_eq!(c.written_off_total().to_string(), "1025.00");
    // A closed case takes no new promise.
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("10"),
        due_date: date("2026-03-10"),
        by: agent(),
    };
    assert!(matches!(e.handle(now, p), Err(InputError::Closed(_))));
}

#[test]
fn a_promise_paid_within_its_grace_is_kept() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal.clone(), now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("200"),
        due_date: date("2026-03-10"),
        by: agent(),
    };
    e.handle(now, p).unwrap();
    assert_eq!(state(&e, CaseId(1)), "promised");
    run_until(&mut e, at(&cal, "2026-03-12 09:00"));
    // Two days late, inside the three days of grace.
    let pay = payment("p1", "200", "2026-03-12");
    e.handle(
        at(&cal, "2026-03-12 09:00"),
        Input::Payment {
            case: CaseId(1),
            payment: pay,
        },
    )
    .unwrap();
    let f = facts(&drain(&mut e));
    assert!(
        f.iter()
            .any(|f| matches!(f.change, Change::PromiseKept { promise: 1 }))
    );
    let outs = run_until(&mut e, at(&cal, "2026-03-20 00:00"));
    assert!(
        !facts(&outs)
            .iter()
            .any(|f| matches!(f.change, Change::PromiseBroken { .. }))
    );
    assert_eq!(
        e.case(CaseId(1)).unwrap().promises[0].state,
        PromiseState::Kept
    );
}

#[test]
fn a_promise_short_paid_breaks_when_its_grace_ends() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal.clone(), now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1000", "0", "2026-01-10")]),
    )
    .unwrap();
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("200"),
        due_date: date("2026-03-10"),
        by: agent(),
    };
    e.handle(now, p).unwrap();
    let pay = payment("p1", "100", "2026-03-11");
    e.handle(
        at(&cal, "2026-03-11 12:00"),
        Input::Payment {
            case: CaseId(1),
            payment: pay,
        },
    )
    .unwrap();
    drain(&mut e);
    let before = run_until(&mut e, at(&cal, "2026-03-13 23:59"));
    assert!(
        facts(&before)
            .iter()
            .any(|f| matches!(f.change, Change::PromiseDue { promise: 1 }))
    );
    // Three calendar days after the promise's date, unpaid: the follow-up e-mail.
    let mail = actions(&before)
        .into_iter()
        .find(|o| matches!(o.action, Action::SendEmail { .. }))
        .unwrap();
    assert_eq!(
        mail.action,
        Action::SendEmail {
            template: "promise_follow_up".into()
        }
    );
    assert_eq!(local(&cal, mail.at), "2026-03-13 00:00");
    assert_eq!(state(&e, CaseId(1)), "promised");
    let outs = run_until(&mut e, at(&cal, "2026-03-14 00:00"));
    let broken = facts(&outs)
        .into_iter()
        .find(|f| matches!(f.change, Change::PromiseBroken { .. }))
        .unwrap();
    assert_eq!(local(&cal, broken.at), "2026-03-14 00:00");
    assert!(
        matches!(broken.change, Change::PromiseBroken { paid, .. } if paid.to_string() == "100.00")
    );
    assert_eq!(state(&e, CaseId(1)), "promise_broken");
    let acts: Vec<Action> = actions(&outs).into_iter().map(|o| o.action).collect();
    assert!(acts.iter().any(|a| matches!(a, Action::CreateTask { title, .. } if &**title == "call about the broken promise")));
    assert!(acts.contains(&Action::SendLetter {
        template: "payment_reminder".into()
    }));
}

#[test]
fn a_payment_plan_keeps_instalments_one_by_one_and_breaks_on_a_missed_one() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal.clone(), now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("300", "0", "2026-01-10")]),
    )
    .unwrap();
    let instalments = ["2026-04-01", "2026-05-04", "2026-06-01"]
        .map(|d| Instalment {
            amount: eur("100"),
            due_date: date(d),
        })
        .to_vec();
    e.handle(
        now,
        Input::PaymentPlan {
            case: CaseId(1),
            instalments,
            by: agent(),
        },
    )
    .unwrap();
    let outs = drain(&mut e);
    assert_eq!(state(&e, CaseId(1)), "payment_plan");
    assert!(
        actions(&outs)
            .iter()
            .any(|o| o.action == Action::StopContact)
    );
    let pay = payment("p1", "100", "2026-03-30");
    e.handle(
        at(&cal, "2026-03-30 10:00"),
        Input::Payment {
            case: CaseId(1),
            payment: pay,
        },
    )
    .unwrap();
    let f = facts(&drain(&mut e));
    assert!(
        f.iter()
            .any(|f| matches!(f.change, Change::PromiseKept { promise: 1 }))
    );
    let outs = run_until(&mut e, at(&cal, "2026-05-10 00:00"));
    let broken = facts(&outs)
        .into_iter()
        .find(|f| matches!(f.change, Change::PromiseBroken { promise: 2, .. }))
        .unwrap();
    assert_eq!(local(&cal, broken.at), "2026-05-08 00:00");
    assert_eq!(state(&e, CaseId(1)), "promise_broken");
    let c = e.case(CaseId(1)).unwrap();
    assert_eq!(
        c.promises.iter().map(|p| p.state).collect::<Vec<_>>(),
        [
            PromiseState::Kept,
            PromiseState::Broken,
            PromiseState::Pending
        ]
    );
}

#[test]
fn a_payment_of_the_whole_balance_keeps_every_pending_promise() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("150", "0", "2026-01-10")]),
    )
    .unwrap();
    let p = Input::Promise {
        case: CaseId(1),
        amount: eur("200"),
        due_date: date("2026-03-10"),
        by: agent(),
    };
    e.handle(now, p).unwrap();
    e.handle(
        now,
        Input::Payment {
            case: CaseId(1),
            payment: payment("p1", "150", "2026-03-02"),
        },
    )
    .unwrap();
    assert_eq!(
        e.case(CaseId(1)).unwrap().promises[0].state,
        PromiseState::Kept
    );
    assert_eq!(state(&e, CaseId(1)), "paid");
}

#[test]
fn facts_serialise_money_as_strings_beside_the_currency() {
    let cal = prague();
    let now = at(&cal, "2026-03-02 10:00");
    let mut e = collections(cal, now);
    e.handle(
        now,
        new_case("collections", "C-1", vec![debt("1550", "0", "2026-01-10")]),
    )
    .unwrap();
    let json: Vec<String> = drain(&mut e)
        .iter()
        .map(|o| serde_json::to_string(o).unwrap())
        .collect();
    let debt = json.iter().find(|j| j.contains("debt_added")).unwrap();
    assert!(debt.contains("\"principal\":\"1550.00\""), "{debt}");
    let created = json.iter().find(|j| j.contains("\"created\"")).unwrap();
    assert!(created.contains("\"currency\":\"EUR\""), "{created}");
    assert!(created.contains("\"by\":\"import\""), "{created}");
    let back: Output = serde_json::from_str(debt).unwrap();
    assert!(matches!(
        back,
        Output::Fact(CaseFact {
            change: Change::DebtAdded { .. },
            ..
        })
    ));
}
