//! A case as the engine keeps it: its type and version, state, flags, typed
//! fields, owner, the debts, payments and promises of collections, and the
//! most recent part of its history (every change with its cause).
//!
//! The balance is derived, never stored: what the debts owe (principal, fees,
//! interest accrued) less what payments covered and what was written off.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::NaiveDate;
use model::Instant;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::fact::CaseFact;
use crate::limits::TEXT_MAX;
use crate::money::{Amount, Currency};
use crate::types::guard::Facts;
use crate::types::{Component, FieldKind, StateIdx};

/// A case's id, given by the engine in creation order (1, 2, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(pub u64);

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Text.
    Text(Arc<str>),
    /// An exact number.
    Number(Decimal),
    /// A date.
    Date(NaiveDate),
    /// A bool.
    Bool(bool),
    /// An enum's option, by index.
    Enum(u16),
}

impl FieldValue {
    /// Reads a value written as text for a field of `kind`.
    pub fn parse(kind: &FieldKind, s: &str) -> Result<FieldValue, String> {
        Ok(match kind {
            FieldKind::Text => {
                if s.len() > TEXT_MAX || s.chars().any(|c| c.is_control() && c != '\n') {
                    return Err(format!("at most {TEXT_MAX} bytes, no control characters"));
                }
                FieldValue::Text(s.into())
            }
            FieldKind::Number => FieldValue::Number(
                Decimal::from_str_exact(s.trim())
                    .map_err(|_| format!("{s:?} is not a decimal number"))?,
            ),
            FieldKind::Date => FieldValue::Date(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| format!("{s:?} is not a date YYYY-MM-DD"))?,
            ),
            FieldKind::Bool => match s {
                "true" => FieldValue::Bool(true),
                "false" => FieldValue::Bool(false),
                _ => return Err(format!("{s:?} is not true or false")),
            },
            FieldKind::Enum(opts) => {
                let i = opts.iter().position(|o| **o == *s);
                FieldValue::Enum(i.ok_or_else(|| format!("{s:?} is not one of {opts:?}"))? as u16)
            }
        })
    }

    /// The value written as text (the inverse of [`FieldValue::parse`]).
    pub fn display(&self, kind: &FieldKind) -> String {
        match (self, kind) {
            (FieldValue::Text(t), _) => t.to_string(),
            (FieldValue::Number(n), _) => n.to_string(),
            (FieldValue::Date(d), _) => d.to_string(),
            (FieldValue::Bool(b), _) => b.to_string(),
            (FieldValue::Enum(i), FieldKind::Enum(opts)) => opts
                .get(usize::from(*i))
                .map_or_else(String::new, |o| o.to_string()),
            (FieldValue::Enum(i), _) => i.to_string(),
        }
    }
}

/// One debt of a case, by component (indexed by [`Component`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Debt {
    /// Its number in the case (1, 2, …).
    pub id: u32,
    /// Owed, by component: fees, interest (accrued so far), principal.
    pub owed: [Amount; 3],
    /// Covered by payments, by component.
    pub paid: [Amount; 3],
    /// Written off, by component.
    pub written_off: [Amount; 3],
    /// When it fell due.
    pub due_date: NaiveDate,
    /// Who the debt was first owed to.
    pub creditor: Box<str>,
    /// Interest has accrued up to this date (exclusive).
    pub interest_from: NaiveDate,
}

impl Debt {
    /// Still owed of a component.
    pub fn outstanding(&self, c: Component) -> Amount {
        let i = c as usize;
        self.owed[i].minus(self.paid[i]).minus(self.written_off[i])
    }
}

/// A payment's share that went to one component of one debt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The debt's number.
    pub debt: u32,
    /// The component.
    pub component: Component,
    /// How much.
    pub amount: Amount,
}

/// A payment received.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// Its id (unique within the case; a repeat is refused).
    pub id: Arc<str>,
    /// How much.
    pub amount: Amount,
    /// The day the money arrived.
    pub date: NaiveDate,
    /// The payer's reference.
    pub reference: Box<str>,
    /// Where it went.
    pub allocations: Vec<Allocation>,
    /// What was left over once nothing was owed (a credit to refund).
    pub unallocated: Amount,
}

/// Where a promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseState {
    /// Its date (plus grace) has not passed and it is not paid yet.
    Pending,
    /// Paid in time.
    Kept,
    /// Not paid by its date plus grace.
    Broken,
}

/// A promise to pay (an instalment of a plan is one too).
#[derive(Debug, Clone, PartialEq)]
pub struct Promise {
    /// Its number in the case (1, 2, …).
    pub id: u32,
    /// How much.
    pub amount: Amount,
    /// By when.
    pub due_date: NaiveDate,
    /// The plan it belongs to.
    pub plan: Option<u32>,
    /// Where it stands.
    pub state: PromiseState,
    /// Paid towards it so far.
    pub paid: Amount,
    /// When it was made (only payments recorded after count).
    pub made_at: Instant,
}

/// An agreed settlement: once payments reach `target_paid`, the rest is written off.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    /// The agreed amount.
    pub amount: Amount,
    /// Payments covered this much before, plus the agreed amount.
    pub target_paid: Amount,
}

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// Its reference, unique in the engine (the tenant).
    pub reference: Arc<str>,
    /// Its type's name.
    pub type_name: Arc<str>,
    /// The type's version it was created with (it keeps it).
    pub version: u32,
    pub(crate) family: u16,
    /// Who owes.
    pub debtor: Box<str>,
    /// The currency of all its money.
    pub currency: Currency,
    /// Its one state.
    pub state: StateIdx,
    /// Since when.
    pub state_since: Instant,
    /// Counts state entries: a timer set on entering a state fires only in that stay.
    pub(crate) state_epoch: u32,
    /// Flags set, a bit each.
    pub flags: u64,
    /// Field values, by field index.
    pub fields: Vec<Option<FieldValue>>,
    /// The user who owns it.
    pub owner: Option<Arc<str>>,
    /// Its debts.
    pub debts: Vec<Debt>,
    /// Its payments.
    pub payments: Vec<Payment>,
    /// Its promises and instalments.
    pub promises: Vec<Promise>,
    /// Plans agreed so far.
    pub plans: u32,
    /// The client company recalled it: no triggers, timers or tasks.
    pub recalled: bool,
    /// The debtor disputes it: no calls, letters or e-mails from triggers.
    pub disputed: bool,
    /// An agreed settlement not yet paid.
    pub settlement: Option<Settlement>,
    /// When it was created.
    pub created_at: Instant,
    /// Its latest facts (at most [`crate::limits::HISTORY_KEPT_MAX`]).
    pub history: VecDeque<CaseFact>,
    /// Facts dropped from memory (still in the log).
    pub history_dropped: u64,
    /// The number of its latest fact.
    pub(crate) seq: u64,
}

impl Case {
    fn sum(&self, f: impl Fn(&Debt) -> [Amount; 3]) -> Amount {
        self.debts
            .iter()
            .flat_map(f)
            .fold(Amount::ZERO, Amount::plus)
    }

    /// Everything the debts owe (principal, fees, interest accrued).
    pub fn debt_total(&self) -> Amount {
        self.sum(|d| d.owed)
    }

    /// What payments covered.
    pub fn paid_total(&self) -> Amount {
        self.sum(|d| d.paid)
    }

    /// What was written off.
    pub fn written_off_total(&self) -> Amount {
        self.sum(|d| d.written_off)
    }

    /// Still owed: debts less payments allocated less write-offs.
    pub fn balance(&self) -> Amount {
        self.debt_total()
            .minus(self.paid_total())
            .minus(self.written_off_total())
    }

    /// Whether a flag is set.
    pub fn has_flag(&self, f: u8) -> bool {
        self.flags >> f & 1 == 1
    }

    pub(crate) fn facts(&self) -> Facts<'_> {
        Facts {
            balance: self.balance(),
            debt: self.debt_total(),
            paid: self.paid_total(),
            flags: self.flags,
            fields: &self.fields,
        }
    }
}
