//! Helpers shared by the engine's scenario tests: a calendar in Prague,
//! local times, cases, money, and drained outputs.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use model::Instant;
use workflow::*;

/// Prague, with Christmas and 1 May 2026 as holidays; instants are Unix ms.
pub fn prague() -> Calendar {
    let holidays = ["2026-05-01", "2026-12-24", "2026-12-25", "2026-10-28"].map(date);
    Calendar::new(chrono_tz::Europe::Prague, holidays).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The instant of a local time in `cal`.
pub fn at(cal: &Calendar, s: &str) -> Instant {
    cal.instant(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

/// The local time of an instant, `YYYY-MM-DD HH:MM`.
pub fn local(cal: &Calendar, t: Instant) -> String {
    cal.local(t).format("%Y-%m-%d %H:%M").to_string()
}

pub fn eur(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

pub fn cur() -> Currency {
    Currency::parse("EUR").unwrap()
}

pub fn agent() -> Actor {
    Actor::new("alice", Role::Agent)
}

pub fn supervisor() -> Actor {
    Actor::new("sam", Role::Supervisor)
}

pub fn debt(principal: &str, fees: &str, due: &str) -> NewDebt {
    NewDebt {
        principal: eur(principal),
        fees: eur(fees),
        interest: Amount::ZERO,
        currency: cur(),
        due_date: date(due),
        creditor: "Acme Telecom".into(),
    }
}

pub fn new_case(case_type: &str, reference: &str, debts: Vec<NewDebt>) -> Input {
    Input::CreateCase(NewCase {
        reference: reference.into(),
        case_type: case_type.into(),
        debtor: "Jana Nováková".into(),
        currency: cur(),
        owner: None,
        fields: vec![],
        debts,
        by: Origin::Import("import-1".into()),
    })
}

pub fn payment(id: &str, amount: &str, date_s: &str) -> NewPayment {
    NewPayment {
        id: id.into(),
        amount: eur(amount),
        currency: cur(),
        date: date(date_s),
        reference: "VS 123".into(),
    }
}

/// An engine with the shipped collections type.
pub fn collections(cal: Calendar, now: Instant) -> Engine {
    let mut e = Engine::new(cal);
    assert_eq!(e.set_type(now, "collections", COLLECTIONS).unwrap(), 1);
    e
}

pub fn drain(e: &mut Engine) -> Vec<Output> {
    std::iter::from_fn(|| e.poll_output()).collect()
}

pub fn facts(outs: &[Output]) -> Vec<CaseFact> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Fact(f) => Some(f.clone()),
            Output::Action(_) => None,
        })
        .collect()
}

pub fn actions(outs: &[Output]) -> Vec<Order> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Action(a) => Some(a.clone()),
            Output::Fact(_) => None,
        })
        .collect()
}

pub fn state(e: &Engine, id: CaseId) -> String {
    e.state_name(e.case(id).unwrap()).to_string()
}

/// Runs every timer up to `until`, one wake-up at a time, like a driver.
pub fn run_until(e: &mut Engine, until: Instant) -> Vec<Output> {
    let mut outs = Vec::new();
    while let Some(t) = e.poll_timeout() {
        if t > until {
            break;
        }
        e.handle_timeout(t);
        outs.extend(drain(e));
    }
    e.handle_timeout(until);
    outs.extend(drain(e));
    outs
}
