//! Property tests: random sequences of inputs and time steps on the shipped
//! collections type keep the engine's invariants after every step, and
//! replaying the accepted inputs rebuilds an identical engine with the same
//! outputs.
//!
//! Invariants: a case is in exactly one state of its type, and its latest
//! state fact names it; every fact has a cause naming who or what; balance
//! equals debts less allocated payments less write-offs, allocations are
//! positive and never exceed what a component owed; a payment is its
//! allocations plus what was left unallocated; no promise is paid past its
//! amount.

mod common;

use common::*;
use model::Instant;
use proptest::prelude::*;
use workflow::*;

#[derive(Debug, Clone)]
enum Op {
    Create {
        debts: u8,
        cents: u32,
    },
    Pay {
        case: u8,
        cents: u32,
        days_back: u8,
    },
    Promise {
        case: u8,
        cents: u32,
        days_ahead: u8,
    },
    Plan {
        case: u8,
        n: u8,
        cents: u32,
    },
    Disposition {
        case: u8,
        promise: bool,
    },
    Transition {
        case: u8,
        state: u8,
        role: u8,
    },
    Dispute {
        case: u8,
    },
    Resolve {
        case: u8,
    },
    Settle {
        case: u8,
        percent: u8,
    },
    WriteOff {
        case: u8,
    },
    Recall {
        case: u8,
    },
    Accrue {
        case: u8,
    },
    Flag {
        case: u8,
        flag: u8,
        set: bool,
    },
    AddDebt {
        case: u8,
        cents: u32,
    },
    Wait {
        minutes: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (1..4u8, 1..500_000u32).prop_map(|(debts, cents)| Op::Create { debts, cents }),
        4 => (any::<u8>(), 1..300_000u32, 0..5u8).prop_map(|(case, cents, days_back)| Op::Pay { case, cents, days_back }),
        2 => (any::<u8>(), 1..200_000u32, 0..20u8).prop_map(|(case, cents, days_ahead)| Op::Promise { case, cents, days_ahead }),
        1 => (any::<u8>(), 1..5u8, 1..100_000u32).prop_map(|(case, n, cents)| Op::Plan { case, n, cents }),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(case, promise)| Op::Disposition { case, promise }),
        2 => (any::<u8>(), 0..8u8, 0..4u8).prop_map(|(case, state, role)| Op::Transition { case, state, role }),
        1 => any::<u8>().prop_map(|case| Op::Dispute { case }),
        1 => any::<u8>().prop_map(|case| Op::Resolve { case }),
        1 => (any::<u8>(), 1..100u8).prop_map(|(case, percent)| Op::Settle { case, percent }),
        1 => any::<u8>().prop_map(|case| Op::WriteOff { case }),
        1 => any::<u8>().prop_map(|case| Op::Recall { case }),
        1 => any::<u8>().prop_map(|case| Op::Accrue { case }),
        1 => (any::<u8>(), 0..4u8, any::<bool>()).prop_map(|(case, flag, set)| Op::Flag { case, flag, set }),
        1 => (any::<u8>(), 1..100_000u32).prop_map(|(case, cents)| Op::AddDebt { case, cents }),
        5 => (1..(60 * 24 * 4u32)).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

/// One accepted step, to replay.
#[derive(Debug, Clone)]
enum Step {
    Input(Instant, Input),
    /// An input as the core would log it (JSON), for the replay.
    Replay(Instant, String),
    Timeout(Instant),
}

const STATES: [&str; 8] = [
    "new",
    "contacting",
    "promised",
    "promise_broken",
    "payment_plan",
    "disputed",
    "paid",
    "closed",
];
const ROLES: [Role; 4] = [Role::Agent, Role::Supervisor, Role::Admin, Role::System];
const FLAGS: [&str; 4] = ["vip", "hardship", "lawyer_involved", "escalated"];

fn money(cents: u32) -> Amount {
    Amount::cents(i64::from(cents))
}

fn input_of(op: &Op, cases: u64, today: chrono::NaiveDate, serial: usize) -> Option<Input> {
    let case = |c: u8| CaseId(u64::from(c) % cases.max(1) + 1);
    let day = |n: i64| today + chrono::Duration::days(n);
    let who = agent();
    Some(match op.clone() {
        Op::Create { debts, cents } => {
            let debts = (0..debts).map(|i| {
                let mut d = debt("0", "10", "2025-11-01");
                d.principal = money(cents + u32::from(i) * 1_000);
                d.due_date = day(-30 * i64::from(i) - 10);
                d
            });
            new_case("collections", &format!("C-{serial}"), debts.collect())
        }
        _ if cases == 0 => return None,
        Op::Pay {
            case: c,
            cents,
            days_back,
        } => {
            let mut p = payment(&format!("p{serial}"), "1", "2026-01-01");
            p.amount = money(cents);
            p.date = day(-i64::from(days_back));
            Input::Payment {
                case: case(c),
                payment: p,
            }
        }
        Op::Promise {
            case: c,
            cents,
            days_ahead,
        } => Input::Promise {
            case: case(c),
            amount: money(cents),
            due_date: day(i64::from(days_ahead)),
            by: who,
        },
        Op::Plan { case: c, n, cents } => {
            let instalments = (1..=i64::from(n)).map(|i| Instalment {
                amount: money(cents),
                due_date: day(14 * i),
            });
            Input::PaymentPlan {
                case: case(c),
                instalments: instalments.collect(),
                by: who,
            }
        }
        Op::Disposition { case: c, promise } => {
            let code = if promise { "promise" } else { "no_answer" };
            Input::Disposition {
                case: case(c),
                code: code.into(),
                interaction: serial as u64,
                user: Some("alice".into()),
            }
        }
        Op::Transition {
            case: c,
            state,
            role,
        } => Input::Transition {
            case: case(c),
            to: STATES[usize::from(state)].into(),
            by: Actor::new("bob", ROLES[usize::from(role)]),
            note: None,
        },
        Op::Dispute { case: c } => Input::Dispute {
            case: case(c),
            reason: "not mine".into(),
            by: Origin::User(who),
        },
        Op::Resolve { case: c } => Input::ResolveDispute {
            case: case(c),
            note: "ok".into(),
            by: supervisor(),
        },
        Op::Settle { case: c, percent } => Input::Settle {
            case: case(c),
            amount: money(u32::from(percent) * 1_000),
            by: supervisor(),
        },
        Op::WriteOff { case: c } => Input::WriteOff {
            case: case(c),
            reason: "old".into(),
            by: supervisor(),
        },
        Op::Recall { case: c } => Input::Recall {
            case: case(c),
            reason: "client".into(),
            by: Origin::Import("r".into()),
        },
        Op::Accrue { case: c } => Input::Accrue { case: case(c) },
        Op::Flag { case: c, flag, set } => {
            let f = vec![FLAGS[usize::from(flag)].to_string()];
            let (set, clear) = if set { (f, vec![]) } else { (vec![], f) };
            Input::SetFlags {
                case: case(c),
                set,
                clear,
                by: who,
            }
        }
        Op::AddDebt { case: c, cents } => {
            let mut d = debt("0", "0", "2026-01-01");
            d.principal = money(cents);
            Input::AddDebt {
                case: case(c),
                debt: d,
                by: Origin::Import("i".into()),
            }
        }
        Op::Wait { .. } => return None,
    })
}

fn cause_is_named(c: &Cause) -> bool {
    match c {
        Cause::User { user, .. } => !user.is_empty(),
        Cause::Import { import } => !import.is_empty(),
        Cause::Payment { payment } => !payment.is_empty(),
        Cause::Trigger { trigger, .. } => !trigger.is_empty(),
        Cause::Timer { timer } => !timer.is_empty(),
        Cause::Sla { state } => !state.is_empty(),
        Cause::Interaction { .. } | Cause::PromiseDate { .. } | Cause::Accrual => true,
    }
}

fn check_money(c: &Case) {
    let mut allocated = Amount::ZERO;
    for p in &c.payments {
        let mut sum = Amount::ZERO;
        for a in &p.allocations {
            assert!(!a.amount.is_zero(), "an allocation of zero");
            sum = sum.plus(a.amount);
        }
        assert_eq!(
            sum.plus(p.unallocated),
            p.amount,
            "a payment is its allocations and what is left"
        );
        allocated = allocated.plus(sum);
    }
    assert_eq!(
        allocated,
        c.paid_total(),
        "allocations are what the debts show paid"
    );
    for d in &c.debts {
        for i in 0..3 {
            assert!(
                d.paid[i].plus(d.written_off[i]) <= d.owed[i],
                "a component over-covered"
            );
        }
    }
    let expected =
        c.debt_total().decimal() - c.paid_total().decimal() - c.written_off_total().decimal();
    assert_eq!(
        c.balance().decimal(),
        expected,
        "balance = debts - payments - write-offs"
    );
    for p in &c.promises {
        assert!(p.paid <= p.amount);
    }
}

fn check(e: &Engine) {
    for c in e.cases() {
        let ty = e.type_of(c);
        assert!(usize::from(c.state) < ty.states.len());
        let mut last_seq = 0;
        for f in &c.history {
            assert!(cause_is_named(&f.cause), "{f:?}");
            assert!(f.seq > last_seq);
            last_seq = f.seq;
        }
        let latest = c.history.iter().rev().find_map(|f| match &f.change {
            Change::StateChanged { to, .. } => Some(to.clone()),
            Change::Created { state, .. } => Some(state.clone()),
            _ => None,
        });
        if let Some(s) = latest {
            assert_eq!(
                &*s,
                e.state_name(c),
                "the latest state fact names the state"
            );
        }
        check_money(c);
    }
}

fn apply(e: &mut Engine, step: &Step) -> bool {
    match step {
        Step::Input(t, i) => e.handle(*t, i.clone()).is_ok(),
        Step::Replay(t, json) => e.handle(*t, serde_json::from_str(json).unwrap()).is_ok(),
        Step::Timeout(t) => {
            e.handle_timeout(*t);
            true
        }
    }
}

fn run(ops: &[Op]) {
    let cal = prague();
    let t0 = at(&cal, "2026-03-02 08:00");
    let mut e = collections(cal.clone(), t0);
    let mut now = t0;
    let mut accepted = Vec::new();
    let mut outputs = Vec::new();
    for (serial, op) in ops.iter().enumerate() {
        let step = match op {
            Op::Wait { minutes } => {
                now = now + std::time::Duration::from_secs(u64::from(*minutes) * 60);
                Step::Timeout(now)
            }
            _ => {
                let cases = e.cases().count() as u64;
                let Some(input) = input_of(op, cases, cal.date(now), serial) else {
                    continue;
                };
                Step::Input(now, input)
            }
        };
        let before = e.clone();
        if apply(&mut e, &step) {
            accepted.push(match step {
                Step::Input(t, i) => Step::Replay(t, serde_json::to_string(&i).unwrap()),
                other => other,
            });
        } else {
            assert_eq!(e, before, "a refused input changed the engine");
        }
        outputs.extend(drain(&mut e));
        check(&e);
    }
    let mut replayed = collections(cal, t0);
    let mut replayed_outputs = Vec::new();
    for step in &accepted {
        assert!(
            apply(&mut replayed, step),
            "a replayed input was refused: {step:?}"
        );
        replayed_outputs.extend(drain(&mut replayed));
    }
    assert!(replayed == e, "the replay differs");
    assert_eq!(replayed_outputs, outputs);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_keep_the_invariants_and_replay_identically(ops in prop::collection::vec(op(), 1..80)) {
        run(&ops);
    }
}
