//! `centralita bench cases`: the case engine (crate `workflow`) on the
//! shipped `collections` type with many open cases, on one core.
//!
//! 1. Open `--cases` cases (one debt each) and make a promise on half of
//!    them, due today (set-up, timed apart): at midnight they fall due.
//! 2. **A day**: every case gets a call's disposition through the triggers,
//!    one in ten a payment, and the day's timers fire (promises falling due,
//!    SLAs, the weekday job) at their instants, in order, for 24 hours.
//! 3. **Trigger evaluation**: a burst of dispositions, facts per second.
//!
//! Goals (issue 24): the day in ≤ 10 s for 1,000,000 cases; trigger
//! evaluation ≥ 200,000 facts/s; the peak memory is printed.

use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use model::Instant;
use workflow::{
    Actor, Amount, COLLECTIONS, Calendar, CaseId, Currency, Engine, Input, NewCase, NewDebt,
    NewPayment, Origin, Role,
};

use super::common::{peak_rss_mb, timed};

/// Arguments of `centralita bench cases`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Open cases.
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: u64,
}

/// What the engine is fed: the same for every run.
struct World {
    cal: Calendar,
    t0: Instant,
    eur: Currency,
    agent: Actor,
}

impl World {
    fn new() -> anyhow::Result<World> {
        let cal = Calendar::new(chrono_tz::Europe::Prague, [date(2026, 5, 1)])
            .map_err(anyhow::Error::msg)?;
        let t0 = cal.instant(NaiveDateTime::new(
            date(2026, 3, 2),
            chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        ));
        Ok(World {
            cal,
            t0,
            eur: Currency::parse("EUR").map_err(anyhow::Error::msg)?,
            agent: Actor::new("bench", Role::Agent),
        })
    }

    fn amount(s: &str) -> Amount {
        Amount::parse(s).unwrap_or(Amount::ZERO)
    }

    fn case(&self, i: u64) -> Input {
        Input::CreateCase(NewCase {
            reference: format!("C-{i}"),
            case_type: "collections".into(),
            debtor: format!("Debtor {i}"),
            currency: self.eur,
            owner: None,
            fields: vec![],
            debts: vec![NewDebt {
                principal: World::amount("100.00"),
                fees: World::amount("5.00"),
                interest: Amount::ZERO,
                currency: self.eur,
                due_date: date(2026, 1, 10),
                creditor: "Acme Telecom".into(),
            }],
            by: Origin::Import("bench".into()),
        })
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Handles one input and drains its outputs; the outputs' count.
fn feed(e: &mut Engine, at: Instant, input: Input) -> u64 {
    let _ = e.handle(at, input);
    drain(e)
}

fn drain(e: &mut Engine) -> u64 {
    std::iter::from_fn(|| e.poll_output()).count() as u64
}

/// Opens the cases and makes the promises.
fn set_up(w: &World, n: u64) -> anyhow::Result<Engine> {
    let mut e = Engine::new(w.cal.clone());
    e.set_type(w.t0, "collections", COLLECTIONS)
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    for i in 0..n {
        feed(&mut e, w.t0, w.case(i));
    }
    for i in (0..n).step_by(2) {
        let p = Input::Promise {
            case: CaseId(i + 1),
            amount: World::amount("50.00"),
            due_date: date(2026, 3, 2),
            by: w.agent.clone(),
        };
        feed(&mut e, w.t0, p);
    }
    Ok(e)
}

/// The day: dispositions and payments spread over 24 hours, the timers
/// firing between them. Returns the inputs and outputs handled.
fn day(e: &mut Engine, w: &World, n: u64) -> u64 {
    let step = (24 * 3_600_000 / n.max(1)).max(1);
    let mut handled = 0;
    for i in 0..n {
        let at = Instant::from_millis(w.t0.as_millis() + i * step);
        handled += fire_until(e, at);
        let d = Input::Disposition {
            case: CaseId(i + 1),
            code: "no_answer".into(),
            interaction: i,
            user: None,
        };
        handled += 1 + feed(e, at, d);
        if i % 10 == 0 {
            let p = Input::Payment {
                case: CaseId(i + 1),
                payment: NewPayment {
                    id: format!("p{i}"),
                    amount: World::amount("105.00"),
                    currency: w.eur,
                    date: date(2026, 3, 2),
                    reference: format!("C-{i}"),
                },
            };
            handled += 1 + feed(e, at, p);
        }
    }
    let end = Instant::from_millis(w.t0.as_millis() + 24 * 3_600_000);
    handled + fire_until(e, end)
}

/// Fires every timer due by `until`, each at its own instant.
fn fire_until(e: &mut Engine, until: Instant) -> u64 {
    let mut n = 0;
    while let Some(t) = e.poll_timeout().filter(|t| *t <= until) {
        e.handle_timeout(t);
        n += 1 + drain(e);
    }
    n
}

/// A burst of dispositions on every case: facts through the triggers.
fn burst(e: &mut Engine, w: &World, n: u64) -> u64 {
    let at = Instant::from_millis(w.t0.as_millis() + 25 * 3_600_000);
    let mut facts = 0;
    for i in 0..n {
        let d = Input::Disposition {
            case: CaseId(i + 1),
            code: "no_answer".into(),
            interaction: n + i,
            user: None,
        };
        facts += 1 + feed(e, at, d);
    }
    facts
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let w = World::new()?;
    let n = args.cases;
    let (setup_s, e) = timed(|| set_up(&w, n));
    let mut e = e?;
    println!("cases: {n} open on the shipped collections type, half with a promise due today");
    println!("set-up: {setup_s:.2} s");
    let (day_s, handled) = timed(|| day(&mut e, &w, n));
    println!(
        "a day (a disposition per case, a payment per ten, the timers): {day_s:.2} s for {handled} inputs, timers and outputs   goal ≤ 10 s at 1,000,000 cases"
    );
    let (burst_s, facts) = timed(|| burst(&mut e, &w, n));
    println!(
        "trigger evaluation: {:.0} facts/s ({facts} facts in {burst_s:.2} s)   goal ≥ 200,000",
        facts as f64 / burst_s.max(1e-9)
    );
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory: {mb:.0} MB");
    }
    Ok(ExitCode::SUCCESS)
}
