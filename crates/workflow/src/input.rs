//! What the engine is told: inputs (each with the time it happened, given to
//! [`crate::Engine::handle`]) and why one is refused ([`InputError`]; a
//! refused input changes nothing).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::CaseId;
use crate::money::{Amount, AmountError, Currency};
use crate::types::Role;

/// A user acting in a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user's name.
    pub user: String,
    /// The role they act in.
    pub role: Role,
}

impl Actor {
    /// `user` acting as `role`.
    pub fn new(user: &str, role: Role) -> Actor {
        Actor {
            user: user.to_string(),
            role,
        }
    }
}

/// Who sent an input that a user or an import may send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A user.
    User(Actor),
    /// An import (its id).
    Import(String),
}

/// A debt as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDebt {
    /// The principal.
    pub principal: Amount,
    /// Fees and costs.
    pub fees: Amount,
    /// Interest already owed.
    pub interest: Amount,
    /// Its currency (the case's).
    pub currency: Currency,
    /// When it fell due.
    pub due_date: NaiveDate,
    /// Who it was first owed to.
    pub creditor: String,
}

/// A new case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCase {
    /// Its reference, unique in the engine.
    pub reference: String,
    /// Its type (the latest version is used).
    pub case_type: String,
    /// Who owes.
    pub debtor: String,
    /// The currency of all its money.
    pub currency: Currency,
    /// Its owner.
    pub owner: Option<String>,
    /// Field values as text, by field name.
    pub fields: Vec<(String, String)>,
    /// Its debts.
    pub debts: Vec<NewDebt>,
    /// Who created it.
    pub by: Origin,
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPayment {
    /// Its id (unique within the case).
    pub id: String,
    /// How much (more than zero).
    pub amount: Amount,
    /// Its currency (the case's).
    pub currency: Currency,
    /// The day the money arrived.
    pub date: NaiveDate,
    /// The payer's reference.
    pub reference: String,
}

/// One instalment of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// How much.
    pub amount: Amount,
    /// By when.
    pub due_date: NaiveDate,
}

/// An input to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// Create a case.
    CreateCase(NewCase),
    /// Move a case, as a user.
    Transition {
        /// The case.
        case: CaseId,
        /// The state.
        to: String,
        /// Who.
        by: Actor,
        /// Why, in their words.
        note: Option<String>,
    },
    /// Set and clear flags.
    SetFlags {
        /// The case.
        case: CaseId,
        /// Flags to set.
        set: Vec<String>,
        /// Flags to clear.
        clear: Vec<String>,
        /// Who.
        by: Actor,
    },
    /// Set a field (none: clear it).
    SetField {
        /// The case.
        case: CaseId,
        /// The field.
        field: String,
        /// Its value as text.
        value: Option<String>,
        /// Who.
        by: Actor,
    },
    /// Give the case to an owner (none: unassign).
    Assign {
        /// The case.
        case: CaseId,
        /// The user.
        owner: Option<String>,
        /// Who.
        by: Actor,
    },
    /// Add a debt.
    AddDebt {
        /// The case.
        case: CaseId,
        /// The debt.
        debt: NewDebt,
        /// Who.
        by: Origin,
    },
    /// A payment arrived.
    Payment {
        /// The case.
        case: CaseId,
        /// The payment.
        payment: NewPayment,
    },
    /// The debtor promised to pay.
    Promise {
        /// The case.
        case: CaseId,
        /// How much.
        amount: Amount,
        /// By when.
        due_date: NaiveDate,
        /// Who recorded it.
        by: Actor,
    },
    /// The debtor agreed a plan of instalments.
    PaymentPlan {
        /// The case.
        case: CaseId,
        /// Its instalments, in date order.
        instalments: Vec<Instalment>,
        /// Who recorded it.
        by: Actor,
    },
    /// A disposition was set on a call of the case.
    Disposition {
        /// The case.
        case: CaseId,
        /// Its code.
        code: String,
        /// The call.
        interaction: u64,
        /// The agent.
        user: Option<String>,
    },
    /// The client company takes the case back.
    Recall {
        /// The case.
        case: CaseId,
        /// Why.
        reason: String,
        /// Who.
        by: Origin,
    },
    /// A lower total is agreed: once paid, the rest is written off.
    Settle {
        /// The case.
        case: CaseId,
        /// The agreed amount still to pay.
        amount: Amount,
        /// Who (a supervisor or an admin).
        by: Actor,
    },
    /// Write the balance off.
    WriteOff {
        /// The case.
        case: CaseId,
        /// Why.
        reason: String,
        /// Who (a supervisor or an admin).
        by: Actor,
    },
    /// The debtor disputes the case.
    Dispute {
        /// The case.
        case: CaseId,
        /// What they dispute.
        reason: String,
        /// Who recorded it.
        by: Origin,
    },
    /// The dispute is resolved.
    ResolveDispute {
        /// The case.
        case: CaseId,
        /// How.
        note: String,
        /// Who.
        by: Actor,
    },
    /// Accrue interest up to the day of `now`.
    Accrue {
        /// The case.
        case: CaseId,
    },
}

/// Why an input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// No case with that id.
    #[error("no case {0:?}")]
    NoSuchCase(CaseId),
    /// No type with that name.
    #[error("no case type named {0:?}")]
    NoSuchType(String),
    /// Another case has the reference.
    #[error("reference {0:?} is taken")]
    ReferenceTaken(String),
    /// A name the case's type does not declare.
    #[error("the case type has no {what} named {name:?}")]
    Unknown {
        /// state, flag or field.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A value that does not fit.
    #[error("{field}: {message}")]
    BadValue {
        /// Which.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No transition allows the move to this role.
    #[error("no transition from {from:?} to {to:?} for the role {role}")]
    NoTransition {
        /// From.
        from: String,
        /// To.
        to: String,
        /// The role.
        role: Role,
    },
    /// The transition's guard does not hold.
    #[error("the transition's guard does not hold: {0}")]
    GuardFailed(String),
    /// The case is in a final state.
    #[error("the case is closed (in {0:?})")]
    Closed(String),
    /// The case was recalled.
    #[error("the case was recalled by the client")]
    Recalled,
    /// Money in another currency than the case's.
    #[error("the case is in {case}, not {got}")]
    CurrencyMismatch {
        /// The case's.
        case: Currency,
        /// The input's.
        got: Currency,
    },
    /// A limit would be passed.
    #[error("at most {max} {what}")]
    Limit {
        /// What.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// The role may not do this.
    #[error("the role {role} may not {what}")]
    NotPermitted {
        /// The role.
        role: Role,
        /// What.
        what: &'static str,
    },
    /// Nothing makes sense to do (already disputed, nothing owed, …).
    #[error("{0}")]
    Pointless(&'static str),
    /// A bad amount.
    #[error(transparent)]
    Amount(#[from] AmountError),
}
