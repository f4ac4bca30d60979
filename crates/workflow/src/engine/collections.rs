//! Collections' money: debts, payments and their allocation, interest
//! accrual, settlements and write-offs.
//!
//! A payment covers components in the type's allocation order (default
//! fees, then interest, then principal), each over every debt in the type's
//! debt order (default the oldest due date first) before the next component.
//! What is left once nothing is owed stays on the payment as unallocated.
//!
//! Interest accrues when time is given to the case: before a payment, a new
//! debt, a settlement or a write-off, and on [`crate::Input::Accrue`]; each
//! time for the days since the last accrual up to (not including) the local
//! date of `now`, on the principal still owed, rounded to the cent.

use model::Instant;

use super::Engine;
use super::inputs::{actor_cause, check_debt, origin_cause, text};
use crate::case::{Allocation, CaseId, Debt, Payment, Settlement};
use crate::fact::{Cause, Change, Event};
use crate::input::{Actor, InputError, NewDebt, NewPayment, Origin};
use crate::limits::*;
use crate::money::{Amount, interest};
use crate::types::{Component, DebtOrder, Role};

fn money_role(by: &Actor, what: &'static str) -> Result<(), InputError> {
    match by.role {
        Role::Supervisor | Role::Admin | Role::System => Ok(()),
        Role::Agent => Err(InputError::NotPermitted {
            role: by.role,
            what,
        }),
    }
}

impl Engine {
    pub(super) fn push_debt(&mut self, ci: usize, now: Instant, d: &NewDebt, cause: &Cause) {
        let today = self.calendar.date(now);
        let case = &mut self.cases[ci];
        let id = case.debts.len() as u32 + 1;
        case.debts.push(Debt {
            id,
            owed: [d.fees, d.interest, d.principal],
            paid: [Amount::ZERO; 3],
            written_off: [Amount::ZERO; 3],
            due_date: d.due_date,
            creditor: d.creditor.as_str().into(),
            interest_from: today,
        });
        let change = Change::DebtAdded {
            debt: id,
            principal: d.principal,
            fees: d.fees,
            interest: d.interest,
            due_date: d.due_date,
            creditor: d.creditor.as_str().into(),
        };
        self.record(ci, now, cause, change);
    }

    pub(super) fn add_debt(
        &mut self,
        now: Instant,
        case: CaseId,
        debt: NewDebt,
        by: Origin,
    ) -> Result<(), InputError> {
        let cause = origin_cause(&by)?;
        let ci = self.index(case)?;
        self.active(ci)?;
        check_debt(self.cases[ci].currency, &debt)?;
        if self.cases[ci].debts.len() >= DEBTS_PER_CASE_MAX {
            return Err(InputError::Limit {
                what: "debts per case",
                max: DEBTS_PER_CASE_MAX,
            });
        }
        self.accrue(ci, now);
        self.push_debt(ci, now, &debt, &cause);
        Ok(())
    }

    /// Accrues interest on every debt of case `ci` up to the local date of `now`.
    pub(super) fn accrue(&mut self, ci: usize, now: Instant) {
        let ty = self.ty(ci);
        let Some(rule) = &ty.interest else { return };
        let today = self.calendar.date(now);
        for di in 0..self.cases[ci].debts.len() {
            let d = &mut self.cases[ci].debts[di];
            if d.interest_from >= today {
                continue;
            }
            let from = d.interest_from;
            let principal = d.outstanding(Component::Principal);
            let amount = interest(
                principal,
                rule.annual_rate_percent,
                rule.day_count,
                from,
                today,
            );
            d.interest_from = today;
            if amount.is_zero() {
                continue;
            }
            let i = Component::Interest as usize;
            d.owed[i] = d.owed[i].plus(amount);
            let debt = d.id;
            self.record(
                ci,
                now,
                &Cause::Accrual,
                Change::InterestAccrued {
                    debt,
                    amount,
                    from,
                    to: today,
                },
            );
        }
    }

    pub(super) fn accrue_input(&mut self, now: Instant, case: CaseId) -> Result<(), InputError> {
        let ci = self.index(case)?;
        self.active(ci)?;
        self.accrue(ci, now);
        Ok(())
    }

    /// The debts' indices in the order payments reach them.
    fn debt_order(&self, ci: usize, order: DebtOrder) -> Vec<usize> {
        let debts = &self.cases[ci].debts;
        let mut idx: Vec<usize> = (0..debts.len()).collect();
        match order {
            DebtOrder::OldestFirst => idx.sort_by_key(|&i| (debts[i].due_date, i)),
            DebtOrder::NewestFirst => {
                idx.sort_by_key(|&i| (std::cmp::Reverse(debts[i].due_date), i))
            }
        }
        idx
    }

    /// Spreads `amount` over what case `ci` owes; returns the shares and what is left.
    fn allocate(&mut self, ci: usize, amount: Amount) -> (Vec<Allocation>, Amount) {
        let ty = self.ty(ci);
        let order = self.debt_order(ci, ty.collections.debt_order);
        let mut left = amount;
        let mut out = Vec::new();
        for comp in ty.collections.allocation {
            for &di in &order {
                if left.is_zero() {
                    return (out, left);
                }
                let d = &mut self.cases[ci].debts[di];
                let share = left.min(d.outstanding(comp));
                if share.is_zero() {
                    continue;
                }
                d.paid[comp as usize] = d.paid[comp as usize].plus(share);
                left = left.minus(share);
                out.push(Allocation {
                    debt: d.id,
                    component: comp,
                    amount: share,
                });
            }
        }
        (out, left)
    }

    pub(super) fn payment(
        &mut self,
        now: Instant,
        case: CaseId,
        p: NewPayment,
    ) -> Result<(), InputError> {
        let ci = self.index(case)?;
        text("payment id", &p.id, REFERENCE_MAX, false)?;
        text("payment reference", &p.reference, REFERENCE_MAX, true)?;
        let c = &self.cases[ci];
        if p.currency != c.currency {
            return Err(InputError::CurrencyMismatch {
                case: c.currency,
                got: p.currency,
            });
        }
        if p.amount.is_zero() {
            return Err(InputError::Pointless("a payment pays something"));
        }
        if c.payments.len() >= PAYMENTS_PER_CASE_MAX {
            return Err(InputError::Limit {
                what: "payments per case",
                max: PAYMENTS_PER_CASE_MAX,
            });
        }
        if c.payments.iter().any(|x| *x.id == *p.id) {
            return Err(InputError::Pointless("this payment was already received"));
        }
        let live = self.active(ci).is_ok();
        if live {
            self.accrue(ci, now);
        }
        let id: std::sync::Arc<str> = p.id.as_str().into();
        let cause = Cause::Payment {
            payment: id.clone(),
        };
        let (allocations, unallocated) = self.allocate(ci, p.amount);
        self.cases[ci].payments.push(Payment {
            id: id.clone(),
            amount: p.amount,
            date: p.date,
            reference: p.reference.as_str().into(),
            allocations: allocations.clone(),
            unallocated,
        });
        let change = Change::PaymentReceived {
            payment: id.clone(),
            amount: p.amount,
            currency: p.currency,
            date: p.date,
            reference: p.reference.into_boxed_str(),
            allocations,
            unallocated,
        };
        self.record(ci, now, &cause, change);
        if live {
            self.credit_promises(ci, now, p.amount, p.date, &cause);
            self.check_settlement(ci, now, &cause);
        }
        self.events
            .push_back((ci as u32, Event::Payment { payment: id }));
        Ok(())
    }

    /// Writes off everything still owed on case `ci`; returns how much.
    fn write_off_all(&mut self, ci: usize) -> Amount {
        let mut total = Amount::ZERO;
        for d in &mut self.cases[ci].debts {
            for comp in [Component::Fees, Component::Interest, Component::Principal] {
                let rest = d.outstanding(comp);
                d.written_off[comp as usize] = d.written_off[comp as usize].plus(rest);
                total = total.plus(rest);
            }
        }
        total
    }

    fn check_settlement(&mut self, ci: usize, now: Instant, cause: &Cause) {
        let Some(s) = &self.cases[ci].settlement else {
            return;
        };
        if self.cases[ci].paid_total() < s.target_paid {
            return;
        }
        self.cases[ci].settlement = None;
        let written_off = self.write_off_all(ci);
        self.record(ci, now, cause, Change::Settled { written_off });
        self.events.push_back((ci as u32, Event::Settled));
    }

    pub(super) fn settle(
        &mut self,
        now: Instant,
        case: CaseId,
        amount: Amount,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        money_role(&by, "agree a settlement")?;
        let ci = self.index(case)?;
        self.active(ci)?;
        if amount.is_zero() || amount >= self.cases[ci].balance() {
            return Err(InputError::Pointless(
                "a settlement is more than zero and less than the balance",
            ));
        }
        self.accrue(ci, now);
        let target_paid = self.cases[ci].paid_total().plus(amount);
        self.cases[ci].settlement = Some(Settlement {
            amount,
            target_paid,
        });
        self.record(ci, now, &cause, Change::SettlementAgreed { amount });
        Ok(())
    }

    pub(super) fn write_off(
        &mut self,
        now: Instant,
        case: CaseId,
        reason: &str,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        money_role(&by, "write a balance off")?;
        let ci = self.index(case)?;
        self.active(ci)?;
        text("reason", reason, TEXT_MAX, false)?;
        if self.cases[ci].balance().is_zero() {
            return Err(InputError::Pointless("nothing is owed"));
        }
        self.accrue(ci, now);
        self.cases[ci].settlement = None;
        let amount = self.write_off_all(ci);
        self.record(
            ci,
            now,
            &cause,
            Change::WrittenOff {
                amount,
                reason: reason.into(),
            },
        );
        self.events.push_back((ci as u32, Event::WrittenOff));
        Ok(())
    }
}
