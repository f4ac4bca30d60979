//! Case types: the state machines a tenant writes as data (TOML, see
//! `docs/workflow.md`), checked and compiled into indices when loaded, so the
//! engine compares small integers and never names.
//!
//! [`CaseType::parse`] reads a type; every mistake is a [`TypeError`] naming
//! the line, the column and the field's path (`transitions[2].to`).

mod compile;
mod doc;
pub mod guard;
mod rules;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::case::FieldValue;
use crate::fact::Event;
use crate::money::DayCount;
pub use guard::Guard;

/// A state's index in its type.
pub type StateIdx = u8;
/// A flag's index in its type.
pub type FlagIdx = u8;
/// A field's index in its type.
pub type FieldIdx = u16;
/// A timer's index in its type.
pub type TimerIdx = u16;

/// Who makes a change: the roles transitions allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An agent working the case.
    Agent,
    /// A supervisor.
    Supervisor,
    /// A tenant administrator.
    Admin,
    /// The engine itself, through a trigger.
    System,
}

impl Role {
    /// Reads `agent`, `supervisor`, `admin` or `system`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            "system" => Some(Role::System),
            _ => None,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    /// Adds a role.
    pub fn insert(&mut self, r: Role) {
        self.0 |= r.bit();
    }
    /// Whether `r` is in the set.
    pub fn contains(self, r: Role) -> bool {
        self.0 & r.bit() != 0
    }
}

/// A state of a type.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDef {
    /// Its name.
    pub name: Arc<str>,
    /// Whether a case ends here (no transitions, triggers or timers after).
    pub is_final: bool,
    /// How long a case may stay before the SLA passes.
    pub sla: Option<Span>,
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// An exact decimal number.
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// `true` or `false`.
    Bool,
    /// One of a list of options.
    Enum(Vec<Arc<str>>),
}

/// A typed field of a type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Its name.
    pub name: Arc<str>,
    /// What it holds.
    pub kind: FieldKind,
}

/// A move from some states to one, by some roles, if a guard holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The states it leaves from, a bit per state.
    pub from: u64,
    /// The state it goes to.
    pub to: StateIdx,
    /// Who may make it.
    pub roles: RoleSet,
    /// What must hold.
    pub guard: Option<Guard>,
}

/// What a trigger reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum On {
    /// The case entered a state.
    StateEntered(StateIdx),
    /// A state's SLA passed with the case still in it.
    SlaPassed(StateIdx),
    /// A field changed value.
    FieldChanged(FieldIdx),
    /// A timer fired.
    Timer(TimerIdx),
    /// A disposition with this code was set on a call of the case.
    Disposition(Arc<str>),
    /// A payment was received.
    Payment,
    /// A promise to pay was made.
    PromiseMade,
    /// A pending promise's date passed.
    PromiseDue,
    /// A promise was kept.
    PromiseKept,
    /// A promise was broken.
    PromiseBroken,
    /// A payment plan was agreed.
    PlanMade,
    /// The debtor disputed the case.
    DisputeOpened,
    /// The dispute was resolved.
    DisputeResolved,
    /// A settlement was paid in full (the rest written off).
    Settled,
    /// The balance was written off.
    WrittenOff,
}

/// How many kinds of [`On`] there are (the engine keeps a list per kind).
pub const ON_KINDS: usize = 15;

impl On {
    /// Its kind's index, `0..ON_KINDS`.
    pub fn kind(&self) -> usize {
        match self {
            On::StateEntered(_) => 0,
            On::SlaPassed(_) => 1,
            On::FieldChanged(_) => 2,
            On::Timer(_) => 3,
            On::Disposition(_) => 4,
            On::Payment => 5,
            On::PromiseMade => 6,
            On::PromiseDue => 7,
            On::PromiseKept => 8,
            On::PromiseBroken => 9,
            On::PlanMade => 10,
            On::DisputeOpened => 11,
            On::DisputeResolved => 12,
            On::Settled => 13,
            On::WrittenOff => 14,
        }
    }

    /// Whether an event of the same kind matches its parameter.
    pub fn matches(&self, ty: &CaseType, e: &Event) -> bool {
        fn same(a: &Arc<str>, b: &Arc<str>) -> bool {
            Arc::ptr_eq(a, b) || a == b
        }
        match (self, e) {
            (On::StateEntered(s), Event::StateEntered { state })
            | (On::SlaPassed(s), Event::SlaPassed { state }) => {
                same(&ty.states[usize::from(*s)].name, state)
            }
            (On::FieldChanged(f), Event::FieldChanged { field }) => {
                same(&ty.fields[usize::from(*f)].name, field)
            }
            (On::Timer(t), Event::Timer { timer }) => same(&ty.timers[usize::from(*t)].name, timer),
            (On::Disposition(c), Event::Disposition { code, .. }) => same(c, code),
            _ => self.kind() == e.kind(),
        }
    }
}

/// One thing a trigger does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionSpec {
    /// Move the case (a transition the `system` role may make).
    Transition(StateIdx),
    /// Set a flag.
    SetFlag(FlagIdx),
    /// Clear a flag.
    ClearFlag(FlagIdx),
    /// Set a field (none: clear it).
    SetField(FieldIdx, Option<FieldValue>),
    /// Ask for a back-office task.
    Task {
        /// What to do.
        title: Arc<str>,
        /// Who can do it.
        skill: Option<Arc<str>>,
        /// 1 (lowest) to 10.
        priority: u8,
        /// When it is due, from now.
        due_in: Span,
    },
    /// Start the case's contact in its campaign.
    StartContact,
    /// Stop it.
    StopContact,
    /// Send a letter from a template.
    Letter(Arc<str>),
    /// Send an e-mail from a template.
    Email(Arc<str>),
}

/// A trigger: on an event, in some states, if a guard holds, do actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// Its name (the cause of what it does).
    pub name: Arc<str>,
    /// The event.
    pub on: On,
    /// The states it acts in, a bit per state (every state if none given).
    pub in_states: u64,
    /// What must hold.
    pub guard: Option<Guard>,
    /// What it does, in order.
    pub actions: Vec<ActionSpec>,
    /// The state its first transition action goes to, if it has one.
    pub transition: Option<StateIdx>,
}

/// What a relative timer counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The case's creation.
    Created,
    /// Entering a state (it fires only if the case is still there).
    StateEntered(StateIdx),
    /// The start of a promise's date (it fires unless the promise was kept).
    PromiseDate,
}

/// When a timer fires.
#[derive(Debug, Clone, PartialEq)]
pub enum TimerForm {
    /// A duration after an anchor, per case.
    After {
        /// How long.
        span: Span,
        /// From what.
        anchor: Anchor,
    },
    /// A calendar job: on some days at a local time, for every open case
    /// of the type's version in some states.
    Every {
        /// Days of the week, bit 0 Monday … bit 6 Sunday.
        weekdays: u8,
        /// The local time.
        at: NaiveTime,
        /// Whether the tenant's holidays are skipped.
        skip_holidays: bool,
        /// The states it acts in, a bit per state.
        in_states: u64,
    },
}

/// A named timer.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerDef {
    /// Its name (triggers react to `on = "timer"`, `timer = name`).
    pub name: Arc<str>,
    /// When it fires.
    pub form: TimerForm,
}

/// A part of a debt, in the order payments are allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Fees and costs.
    Fees = 0,
    /// Interest accrued.
    Interest = 1,
    /// The principal.
    Principal = 2,
}

/// Which debt a payment goes to first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtOrder {
    /// The earliest due date first (then the first added).
    OldestFirst,
    /// The latest due date first.
    NewestFirst,
}

/// Collections' parameters of a type.
#[derive(Debug, Clone, PartialEq)]
pub struct Collections {
    /// Days after a promise's date that a payment still keeps it.
    pub grace_days: u32,
    /// Components in allocation order (each over every debt in
    /// [`Collections::debt_order`] before the next component).
    pub allocation: [Component; 3],
    /// Debts' order within a component.
    pub debt_order: DebtOrder,
    /// The campaign contacts are started in (none: the core's default).
    pub campaign: Option<Arc<str>>,
}

/// Interest accrual.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    /// The annual rate, in percent.
    pub annual_rate_percent: Decimal,
    /// The day-count rule.
    pub day_count: DayCount,
}

/// A checked, compiled case type at one version.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseType {
    /// The type's name.
    pub name: Arc<str>,
    /// Its version (1, 2, …): a case keeps the version it was created with.
    pub version: u32,
    /// What it is for.
    pub description: Option<Arc<str>>,
    /// Its states.
    pub states: Vec<StateDef>,
    /// The state a new case is in.
    pub initial: StateIdx,
    /// Its flags.
    pub flags: Vec<Arc<str>>,
    /// Its fields.
    pub fields: Vec<FieldDef>,
    /// Its transitions.
    pub transitions: Vec<Transition>,
    /// Its triggers, in the file's order.
    pub triggers: Vec<Trigger>,
    /// Its timers.
    pub timers: Vec<TimerDef>,
    /// Collections' parameters (defaults if the file has none).
    pub collections: Collections,
    /// Interest accrual, if any.
    pub interest: Option<Interest>,
    /// Triggers by the kind of event they react to.
    pub(crate) by_event: [Vec<u16>; ON_KINDS],
}

/// A mistake in a case type: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {field}: {message}")]
pub struct TypeError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The field's path (`transitions[2].to`), or the key the reader stopped at.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl CaseType {
    /// Reads and checks a type written in TOML; it gets `version`.
    pub fn parse(name: &str, version: u32, text: &str) -> Result<CaseType, TypeError> {
        compile::compile(name, version, text)
    }

    /// The index of a state by name.
    pub fn state(&self, name: &str) -> Option<StateIdx> {
        let i = self.states.iter().position(|s| &*s.name == name)?;
        StateIdx::try_from(i).ok()
    }

    /// The index of a flag by name.
    pub fn flag(&self, name: &str) -> Option<FlagIdx> {
        let i = self.flags.iter().position(|f| &**f == name)?;
        FlagIdx::try_from(i).ok()
    }

    /// The index of a field by name.
    pub fn field(&self, name: &str) -> Option<FieldIdx> {
        let i = self.fields.iter().position(|f| &*f.name == name)?;
        FieldIdx::try_from(i).ok()
    }

    /// The transition `role` may make from `from` to `to`, if one exists.
    pub fn transition(&self, from: StateIdx, to: StateIdx, role: Role) -> Option<&Transition> {
        self.transitions
            .iter()
            .find(|t| t.to == to && t.from & (1 << from) != 0 && t.roles.contains(role))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::System => "system",
        })
    }
}
