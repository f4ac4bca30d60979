//! Promises to pay and payment plans.
//!
//! A promise is kept by payments dated no later than its date plus the
//! type's grace days, recorded after it was made; a payment goes to pending
//! promises earliest date first, and what one does not need goes to the
//! next. Every pending promise is kept when nothing is owed any more. A
//! promise still pending when its date plus grace has passed (at the start
//! of the next local day) is broken. Its date passing (the start of the day
//! after it) is the `promise_due` event, for pending promises only.
//!
//! A plan's instalments are promises of the plan; agreeing a plan raises
//! `plan_made` (not `promise_made` per instalment).

use chrono::{Days, NaiveDate};
use model::Instant;

use super::Engine;
use super::inputs::actor_cause;
use crate::case::{CaseId, Promise, PromiseState};
use crate::fact::{Cause, Change, Event};
use crate::input::{Actor, InputError, Instalment};
use crate::limits::*;
use crate::money::Amount;

/// A promise pays something, by a date that has not passed.
fn check_promise(amount: Amount, due: NaiveDate, today: NaiveDate) -> Result<(), InputError> {
    if amount.is_zero() {
        return Err(InputError::Pointless("a promise pays something"));
    }
    if due < today {
        return Err(InputError::BadValue {
            field: "due_date".into(),
            message: format!("{due} has passed"),
        });
    }
    Ok(())
}

impl Engine {
    fn room_for(&self, ci: usize, n: usize) -> Result<(), InputError> {
        if self.cases[ci].promises.len() + n > PROMISES_PER_CASE_MAX {
            return Err(InputError::Limit {
                what: "promises per case",
                max: PROMISES_PER_CASE_MAX,
            });
        }
        Ok(())
    }

    pub(super) fn promise(
        &mut self,
        now: Instant,
        case: CaseId,
        amount: Amount,
        due: NaiveDate,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        self.active(ci)?;
        check_promise(amount, due, self.calendar.date(now))?;
        self.room_for(ci, 1)?;
        let id = self.push_promise(ci, now, amount, due, None, &cause);
        self.events
            .push_back((ci as u32, Event::PromiseMade { promise: id }));
        Ok(())
    }

    pub(super) fn plan(
        &mut self,
        now: Instant,
        case: CaseId,
        instalments: &[Instalment],
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        self.active(ci)?;
        if instalments.is_empty() || instalments.len() > INSTALMENTS_MAX {
            return Err(InputError::Limit {
                what: "instalments (and at least one)",
                max: INSTALMENTS_MAX,
            });
        }
        self.room_for(ci, instalments.len())?;
        let today = self.calendar.date(now);
        let mut last: Option<NaiveDate> = None;
        for i in instalments {
            check_promise(i.amount, i.due_date, today)?;
            if last.is_some_and(|l| i.due_date <= l) {
                return Err(InputError::BadValue {
                    field: "instalments".into(),
                    message: "dates must increase".into(),
                });
            }
            last = Some(i.due_date);
        }
        self.cases[ci].plans += 1;
        let plan = self.cases[ci].plans;
        let n = instalments.len() as u32;
        self.record(
            ci,
            now,
            &cause,
            Change::PlanMade {
                plan,
                instalments: n,
            },
        );
        for i in instalments {
            self.push_promise(ci, now, i.amount, i.due_date, Some(plan), &cause);
        }
        self.events.push_back((ci as u32, Event::PlanMade { plan }));
        Ok(())
    }

    fn push_promise(
        &mut self,
        ci: usize,
        now: Instant,
        amount: Amount,
        due: NaiveDate,
        plan: Option<u32>,
        cause: &Cause,
    ) -> u32 {
        let case = &mut self.cases[ci];
        let id = case.promises.len() as u32 + 1;
        case.promises.push(Promise {
            id,
            amount,
            due_date: due,
            plan,
            state: PromiseState::Pending,
            paid: Amount::ZERO,
            made_at: now,
        });
        self.record(
            ci,
            now,
            cause,
            Change::PromiseMade {
                promise: id,
                amount,
                due_date: due,
                plan,
            },
        );
        self.schedule_promise(ci, id, due);
        id
    }

    /// The first day a payment no longer keeps a promise due on `due`.
    pub(super) fn past_grace(&self, ci: usize, due: NaiveDate) -> NaiveDate {
        let grace = self.ty(ci).collections.grace_days;
        due.checked_add_days(Days::new(u64::from(grace) + 1))
            .unwrap_or(due)
    }

    /// Credits a payment dated `date` to pending promises, earliest first.
    pub(super) fn credit_promises(
        &mut self,
        ci: usize,
        now: Instant,
        amount: Amount,
        date: NaiveDate,
        cause: &Cause,
    ) {
        let mut left = amount;
        while !left.is_zero() {
            let next = (0..self.cases[ci].promises.len())
                .filter(|&i| {
                    let p = &self.cases[ci].promises[i];
                    p.state == PromiseState::Pending && date < self.past_grace(ci, p.due_date)
                })
                .min_by_key(|&i| (self.cases[ci].promises[i].due_date, i));
            let Some(pi) = next else { break };
            let p = &mut self.cases[ci].promises[pi];
            let share = left.min(p.amount.minus(p.paid));
            p.paid = p.paid.plus(share);
            left = left.minus(share);
            if p.paid >= p.amount {
                self.keep(ci, now, pi, cause);
            }
        }
        if self.cases[ci].balance().is_zero() {
            for pi in 0..self.cases[ci].promises.len() {
                if self.cases[ci].promises[pi].state == PromiseState::Pending {
                    self.keep(ci, now, pi, cause);
                }
            }
        }
    }

    fn keep(&mut self, ci: usize, now: Instant, pi: usize, cause: &Cause) {
        let p = &mut self.cases[ci].promises[pi];
        p.state = PromiseState::Kept;
        let promise = p.id;
        self.record(ci, now, cause, Change::PromiseKept { promise });
        self.events
            .push_back((ci as u32, Event::PromiseKept { promise }));
    }

    /// A promise's date passed.
    pub(super) fn promise_due(&mut self, ci: usize, now: Instant, promise: u32) {
        let pi = promise as usize - 1;
        if self.cases[ci].promises[pi].state != PromiseState::Pending {
            return;
        }
        let cause = Cause::PromiseDate { promise };
        self.record(ci, now, &cause, Change::PromiseDue { promise });
        self.events
            .push_back((ci as u32, Event::PromiseDue { promise }));
    }

    /// A promise's date plus grace passed.
    pub(super) fn promise_break(&mut self, ci: usize, now: Instant, promise: u32) {
        let p = &mut self.cases[ci].promises[promise as usize - 1];
        if p.state != PromiseState::Pending {
            return;
        }
        p.state = PromiseState::Broken;
        let paid = p.paid;
        let cause = Cause::PromiseDate { promise };
        self.record(ci, now, &cause, Change::PromiseBroken { promise, paid });
        self.events
            .push_back((ci as u32, Event::PromiseBroken { promise }));
    }
}
