//! What the engine says: facts (every change to a case, with its cause, for
//! the log and the case's history) and action orders (what the core must
//! carry out: tasks, contacts, letters, e-mails).
//!
//! Facts serialise as tagged JSON (`{"kind": "state_changed", …}`) with
//! names, never indices, so a reader needs no case type to understand them.

use std::sync::Arc;

use chrono::NaiveDate;
use model::Instant;
use serde::{Deserialize, Serialize};

use crate::case::{Allocation, CaseId};
use crate::money::{Amount, Currency};
use crate::types::Role;

/// Something that happened to a case, which triggers can react to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Event {
    /// The case entered a state.
    StateEntered {
        /// The state.
        state: Arc<str>,
    },
    /// A state's SLA passed.
    SlaPassed {
        /// The state.
        state: Arc<str>,
    },
    /// A field changed.
    FieldChanged {
        /// The field.
        field: Arc<str>,
    },
    /// A timer fired.
    Timer {
        /// The timer.
        timer: Arc<str>,
    },
    /// A disposition was set on a call of the case.
    Disposition {
        /// Its code.
        code: Arc<str>,
        /// The call (interaction).
        interaction: u64,
    },
    /// A payment was received.
    Payment {
        /// Its id.
        payment: Arc<str>,
    },
    /// A promise was made.
    PromiseMade {
        /// Its number.
        promise: u32,
    },
    /// A pending promise's date passed.
    PromiseDue {
        /// Its number.
        promise: u32,
    },
    /// A promise was kept.
    PromiseKept {
        /// Its number.
        promise: u32,
    },
    /// A promise was broken.
    PromiseBroken {
        /// Its number.
        promise: u32,
    },
    /// A payment plan was agreed.
    PlanMade {
        /// Its number.
        plan: u32,
    },
    /// A dispute was opened.
    DisputeOpened,
    /// The dispute was resolved.
    DisputeResolved,
    /// A settlement was paid (the rest written off).
    Settled,
    /// The balance was written off.
    WrittenOff,
}

impl Event {
    /// Its kind's index (the same as [`crate::types::On::kind`]).
    pub fn kind(&self) -> usize {
        match self {
            Event::StateEntered { .. } => 0,
            Event::SlaPassed { .. } => 1,
            Event::FieldChanged { .. } => 2,
            Event::Timer { .. } => 3,
            Event::Disposition { .. } => 4,
            Event::Payment { .. } => 5,
            Event::PromiseMade { .. } => 6,
            Event::PromiseDue { .. } => 7,
            Event::PromiseKept { .. } => 8,
            Event::PromiseBroken { .. } => 9,
            Event::PlanMade { .. } => 10,
            Event::DisputeOpened => 11,
            Event::DisputeResolved => 12,
            Event::Settled => 13,
            Event::WrittenOff => 14,
        }
    }
}

/// Why a change happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Cause {
    /// A user did it.
    User {
        /// The user's name.
        user: Arc<str>,
        /// The role they acted in.
        role: Role,
    },
    /// An import (a client's file) did it.
    Import {
        /// The import's id.
        import: Arc<str>,
    },
    /// A call (an interaction) of the case, through its disposition.
    Interaction {
        /// The interaction's id.
        interaction: u64,
        /// The agent who set the disposition.
        user: Option<Arc<str>>,
    },
    /// A payment.
    Payment {
        /// Its id.
        payment: Arc<str>,
    },
    /// A trigger of the case's type, reacting to an event.
    Trigger {
        /// The trigger's name.
        trigger: Arc<str>,
        /// What it reacted to.
        event: Event,
    },
    /// A timer of the case's type.
    Timer {
        /// The timer's name.
        timer: Arc<str>,
    },
    /// A state's SLA.
    Sla {
        /// The state.
        state: Arc<str>,
    },
    /// A promise's date (plus grace) passing.
    PromiseDate {
        /// The promise's number.
        promise: u32,
    },
    /// Time passing, by a rule of the engine (interest accrual).
    Accrual,
}

/// An order for the core to carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create a back-office task on the case.
    CreateTask {
        /// What to do.
        title: Arc<str>,
        /// The skill that can do it.
        skill: Option<Arc<str>>,
        /// 1 (lowest) to 10.
        priority: u8,
        /// When it is due.
        due: Instant,
    },
    /// Start the case's contact in its campaign (none: the core's default).
    StartContact {
        /// The campaign named by the type.
        campaign: Option<Arc<str>>,
    },
    /// Stop the case's contact.
    StopContact,
    /// Send a letter.
    SendLetter {
        /// The template's name.
        template: Arc<str>,
    },
    /// Send an e-mail.
    SendEmail {
        /// The template's name.
        template: Arc<str>,
    },
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The case was created.
    Created {
        /// Its reference.
        reference: Arc<str>,
        /// Its type.
        case_type: Arc<str>,
        /// The type's version.
        version: u32,
        /// Its first state.
        state: Arc<str>,
        /// Who owes.
        debtor: Box<str>,
        /// Its currency.
        currency: Currency,
    },
    /// The state changed.
    StateChanged {
        /// From.
        from: Arc<str>,
        /// To.
        to: Arc<str>,
        /// A note, if the user wrote one.
        note: Option<Box<str>>,
    },
    /// A flag was set.
    FlagSet {
        /// The flag.
        flag: Arc<str>,
    },
    /// A flag was cleared.
    FlagCleared {
        /// The flag.
        flag: Arc<str>,
    },
    /// A field was set (none: cleared).
    FieldSet {
        /// The field.
        field: Arc<str>,
        /// Its value as text.
        value: Option<Box<str>>,
    },
    /// The owner changed.
    OwnerAssigned {
        /// The new owner (none: unassigned).
        owner: Option<Arc<str>>,
    },
    /// A debt was added.
    DebtAdded {
        /// Its number.
        debt: u32,
        /// Principal.
        principal: Amount,
        /// Fees.
        fees: Amount,
        /// Interest owed when it was added.
        interest: Amount,
        /// When it fell due.
        due_date: NaiveDate,
        /// Who it was first owed to.
        creditor: Box<str>,
    },
    /// Interest accrued on a debt.
    InterestAccrued {
        /// The debt.
        debt: u32,
        /// How much.
        amount: Amount,
        /// For the days from (inclusive).
        from: NaiveDate,
        /// To (exclusive).
        to: NaiveDate,
    },
    /// A payment was received and allocated.
    PaymentReceived {
        /// Its id.
        payment: Arc<str>,
        /// How much.
        amount: Amount,
        /// Its currency.
        currency: Currency,
        /// The day the money arrived.
        date: NaiveDate,
        /// The payer's reference.
        reference: Box<str>,
        /// Where it went.
        allocations: Vec<Allocation>,
        /// What was left over.
        unallocated: Amount,
    },
    /// A promise to pay was made.
    PromiseMade {
        /// Its number.
        promise: u32,
        /// How much.
        amount: Amount,
        /// By when.
        due_date: NaiveDate,
        /// Its plan, for an instalment.
        plan: Option<u32>,
    },
    /// A payment plan was agreed (its instalments follow as promises).
    PlanMade {
        /// Its number.
        plan: u32,
        /// Its instalments.
        instalments: u32,
    },
    /// A pending promise's date passed.
    PromiseDue {
        /// The promise.
        promise: u32,
    },
    /// A promise was kept.
    PromiseKept {
        /// The promise.
        promise: u32,
    },
    /// A promise was broken.
    PromiseBroken {
        /// The promise.
        promise: u32,
        /// What had been paid towards it.
        paid: Amount,
    },
    /// A disposition was set on a call of the case.
    DispositionSet {
        /// The code.
        code: Arc<str>,
        /// The call.
        interaction: u64,
    },
    /// A state's SLA passed.
    SlaPassed {
        /// The state.
        state: Arc<str>,
    },
    /// A timer fired.
    TimerFired {
        /// The timer.
        timer: Arc<str>,
    },
    /// The client company recalled the case.
    Recalled {
        /// Why.
        reason: Box<str>,
    },
    /// The debtor disputed the case.
    DisputeOpened {
        /// What they dispute.
        reason: Box<str>,
    },
    /// The dispute was resolved.
    DisputeResolved {
        /// How.
        note: Box<str>,
    },
    /// A settlement was agreed.
    SettlementAgreed {
        /// The agreed amount still to pay.
        amount: Amount,
    },
    /// The settlement was paid; the rest was written off.
    Settled {
        /// What was written off.
        written_off: Amount,
    },
    /// The balance was written off.
    WrittenOff {
        /// How much.
        amount: Amount,
        /// Why.
        reason: Box<str>,
    },
    /// An action was ordered.
    ActionOrdered {
        /// The action.
        action: Action,
    },
    /// An action was not ordered because the case is disputed.
    ActionSuppressed {
        /// The action.
        action: Action,
    },
    /// Triggers reacting to each other passed [`crate::limits::CASCADE_MAX`] events.
    CascadeStopped {
        /// Events not processed.
        dropped: u32,
    },
}

/// A change to a case with its cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFact {
    /// The case.
    pub case: CaseId,
    /// Its number in the case's history (1, 2, …).
    pub seq: u64,
    /// When.
    pub at: Instant,
    /// Why.
    pub cause: Cause,
    /// What.
    pub change: Change,
}

/// An action for the core, with its case and cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The case.
    pub case: CaseId,
    /// When it was ordered.
    pub at: Instant,
    /// Why.
    pub cause: Cause,
    /// What to do.
    pub action: Action,
}

/// What the engine emits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "output", rename_all = "snake_case")]
pub enum Output {
    /// A fact for the log.
    Fact(CaseFact),
    /// An action for the core.
    Action(Order),
}
