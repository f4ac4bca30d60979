//! The engine: [`Engine`] keeps a tenant's case types and cases, takes inputs
//! with the time they happened, emits facts and action orders to be drained
//! after every input, and says when it next needs to be woken.
//!
//! Sans-IO: no clock, no sleeping, no threads. Time never goes back inside
//! the engine (an earlier `now` is taken as the latest one seen).

mod collections;
mod inputs;
mod promises;
mod timers;
mod triggers;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use model::Instant;

use crate::calendar::Calendar;
use crate::case::{Case, CaseId};
use crate::fact::{Action, CaseFact, Cause, Change, Event, Order, Output};
use crate::input::{Input, InputError};
use crate::limits::{HISTORY_KEPT_MAX, OUTPUTS_MAX, TIMERS_PENDING_MAX, TYPES_MAX, VERSIONS_MAX};
use crate::types::{CaseType, TypeError};

pub(crate) use timers::Wake;

/// Where outputs wait to be drained.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Outbox {
    queue: VecDeque<Output>,
    /// Outputs dropped because the driver did not drain.
    dropped: u64,
}

impl Outbox {
    fn push(&mut self, o: Output) {
        if self.queue.len() >= OUTPUTS_MAX {
            self.dropped += 1;
        } else {
            self.queue.push_back(o);
        }
    }
}

/// All versions of one case type.
#[derive(Debug, Clone, PartialEq)]
struct Family {
    name: Arc<str>,
    /// Version `n` at index `n - 1`.
    versions: Vec<Arc<CaseType>>,
    /// The latest version's text (setting the same text again is no new version).
    text: String,
}

/// The case engine of one tenant. See the crate documentation for the protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Engine {
    calendar: Calendar,
    families: Vec<Family>,
    /// Case `id` at index `id - 1`.
    cases: Vec<Case>,
    by_reference: HashMap<Arc<str>, u32>,
    /// What to do when, in order (a sequence number breaks ties).
    timers: BTreeMap<(Instant, u64), Wake>,
    timer_seq: u64,
    out: Outbox,
    last_now: Instant,
    /// Events waiting for triggers, by case index (reused between inputs).
    events: VecDeque<(u32, Event)>,
}

impl Engine {
    /// An engine placing days and hours with `calendar`.
    pub fn new(calendar: Calendar) -> Engine {
        Engine {
            calendar,
            families: Vec::new(),
            cases: Vec::new(),
            by_reference: HashMap::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            out: Outbox::default(),
            last_now: Instant::ZERO,
            events: VecDeque::new(),
        }
    }

    /// The calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    fn advance(&mut self, now: Instant) -> Instant {
        self.last_now = self.last_now.max(now);
        self.last_now
    }

    /// Loads a case type (TOML) as the next version of `name`, for new cases;
    /// existing cases keep theirs. The same text as the latest version is
    /// that version again. Calendar timers start after `now`.
    pub fn set_type(&mut self, now: Instant, name: &str, toml: &str) -> Result<u32, TypeError> {
        let now = self.advance(now);
        let fi = match self.families.iter().position(|f| &*f.name == name) {
            Some(i) if self.families[i].text == toml => {
                return Ok(self.families[i].versions.len() as u32);
            }
            Some(i) => i,
            None => {
                if self.families.len() >= TYPES_MAX {
                    return Err(limit_err("types", TYPES_MAX));
                }
                self.families.len()
            }
        };
        let version = self.families.get(fi).map_or(1, |f| f.versions.len() + 1);
        if version > VERSIONS_MAX {
            return Err(limit_err("versions", VERSIONS_MAX));
        }
        let ty = CaseType::parse(name, version as u32, toml)?;
        if fi == self.families.len() {
            self.families.push(Family {
                name: ty.name.clone(),
                versions: Vec::new(),
                text: String::new(),
            });
        }
        let family = &mut self.families[fi];
        family.versions.push(Arc::new(ty));
        family.text = toml.to_string();
        self.schedule_jobs(now, fi as u16, version as u32);
        Ok(version as u32)
    }

    /// The names of the types loaded, in the order they were first loaded.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.families.iter().map(|f| &*f.name)
    }

    /// How many timers are pending (SLAs, relative and calendar timers,
    /// promises' dates).
    pub fn timers_pending(&self) -> usize {
        self.timers.len()
    }

    /// The latest version of a type.
    pub fn case_type(&self, name: &str) -> Option<&CaseType> {
        let f = self.families.iter().find(|f| &*f.name == name)?;
        f.versions.last().map(|v| &**v)
    }

    /// Applies one input that happened at `now`, then lets triggers react.
    /// A refused input changes nothing.
    pub fn handle(&mut self, now: Instant, input: Input) -> Result<(), InputError> {
        let now = self.last_now.max(now);
        if self.timers.len() >= TIMERS_PENDING_MAX
            && !matches!(input, Input::Payment { .. } | Input::Recall { .. })
        {
            return Err(InputError::Limit {
                what: "timers pending in the engine",
                max: TIMERS_PENDING_MAX,
            });
        }
        self.apply(now, input)?;
        self.last_now = now;
        self.cascade(now);
        Ok(())
    }

    /// Replaces the calendar (the tenant changed its zone or holidays);
    /// timers already set keep their instants, later ones use the new one.
    pub fn set_calendar(&mut self, calendar: Calendar) {
        self.calendar = calendar;
    }

    /// Fires every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.advance(now);
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let wake = entry.remove();
            self.fire(now, wake);
            self.cascade(now);
        }
    }

    /// The next output, if any; drain them all after every call.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.queue.pop_front()
    }

    /// Outputs dropped because they were not drained.
    pub fn outputs_dropped(&self) -> u64 {
        self.out.dropped
    }

    /// When [`Engine::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.keys().next().map(|k| k.0)
    }

    /// A case by id.
    pub fn case(&self, id: CaseId) -> Option<&Case> {
        let i = usize::try_from(id.0.checked_sub(1)?).ok()?;
        self.cases.get(i)
    }

    /// Takes an erased person's name out of a case (the name becomes
    /// `placeholder`): a person erased is no longer named by their closed
    /// cases, which stay for the accounts. Whether the case exists.
    pub fn erase_debtor(&mut self, id: CaseId, placeholder: &str) -> bool {
        let Some(i) = id.0.checked_sub(1).and_then(|i| usize::try_from(i).ok()) else {
            return false;
        };
        match self.cases.get_mut(i) {
            Some(c) => {
                c.debtor = placeholder.into();
                true
            }
            None => false,
        }
    }

    /// A case by reference.
    pub fn case_by_reference(&self, reference: &str) -> Option<&Case> {
        let i = *self.by_reference.get(reference)?;
        self.cases.get(i as usize)
    }

    /// Every case, in id order.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.cases.iter()
    }

    /// The type (at its version) of a case.
    pub fn type_of(&self, case: &Case) -> &CaseType {
        &self.families[usize::from(case.family)].versions[case.version as usize - 1]
    }

    /// The name of a case's state.
    pub fn state_name(&self, case: &Case) -> &str {
        &self.type_of(case).states[usize::from(case.state)].name
    }

    pub(crate) fn ty(&self, ci: usize) -> Arc<CaseType> {
        let c = &self.cases[ci];
        self.families[usize::from(c.family)].versions[c.version as usize - 1].clone()
    }

    pub(crate) fn index(&self, id: CaseId) -> Result<usize, InputError> {
        let i = id.0.checked_sub(1).and_then(|i| usize::try_from(i).ok());
        i.filter(|i| *i < self.cases.len())
            .ok_or(InputError::NoSuchCase(id))
    }

    /// Records a fact on case `ci`: in its history and for the log.
    pub(crate) fn record(&mut self, ci: usize, at: Instant, cause: &Cause, change: Change) {
        let case = &mut self.cases[ci];
        case.seq += 1;
        let fact = CaseFact {
            case: case.id,
            seq: case.seq,
            at,
            cause: cause.clone(),
            change,
        };
        if case.history.len() >= HISTORY_KEPT_MAX {
            case.history.pop_front();
            case.history_dropped += 1;
        }
        case.history.push_back(fact.clone());
        self.out.push(Output::Fact(fact));
    }

    /// Orders an action for case `ci` and notes it in its history.
    pub(crate) fn order(&mut self, ci: usize, at: Instant, cause: &Cause, action: Action) {
        self.record(
            ci,
            at,
            cause,
            Change::ActionOrdered {
                action: action.clone(),
            },
        );
        let case = self.cases[ci].id;
        self.out.push(Output::Action(Order {
            case,
            at,
            cause: cause.clone(),
            action,
        }));
    }

    fn apply(&mut self, now: Instant, input: Input) -> Result<(), InputError> {
        match input {
            Input::CreateCase(new) => self.create(now, new),
            Input::Transition { case, to, by, note } => self.transition(now, case, &to, by, note),
            Input::SetFlags {
                case,
                set,
                clear,
                by,
            } => self.set_flags(now, case, &set, &clear, by),
            Input::SetField {
                case,
                field,
                value,
                by,
            } => self.set_field(now, case, &field, value, by),
            Input::Assign { case, owner, by } => self.assign(now, case, owner, by),
            Input::AddDebt { case, debt, by } => self.add_debt(now, case, debt, by),
            Input::Payment { case, payment } => self.payment(now, case, payment),
            Input::Promise {
                case,
                amount,
                due_date,
                by,
            } => self.promise(now, case, amount, due_date, by),
            Input::PaymentPlan {
                case,
                instalments,
                by,
            } => self.plan(now, case, &instalments, by),
            Input::Disposition {
                case,
                code,
                interaction,
                user,
            } => self.disposition(now, case, &code, interaction, user),
            Input::Recall { case, reason, by } => self.recall(now, case, &reason, by),
            Input::Settle { case, amount, by } => self.settle(now, case, amount, by),
            Input::WriteOff { case, reason, by } => self.write_off(now, case, &reason, by),
            Input::Dispute { case, reason, by } => self.dispute(now, case, &reason, by),
            Input::ResolveDispute { case, note, by } => self.resolve_dispute(now, case, &note, by),
            Input::Accrue { case } => self.accrue_input(now, case),
        }
    }
}

fn limit_err(what: &str, max: usize) -> TypeError {
    TypeError {
        line: 1,
        column: 1,
        field: what.to_string(),
        message: format!("at most {max} {what} in one engine"),
    }
}
