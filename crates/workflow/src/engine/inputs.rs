//! The inputs that are not about money: creating a case, moving it, flags,
//! fields, owner, dispositions, recall and disputes. Each checks everything
//! first and changes the case only once nothing can be refused.

use std::collections::VecDeque;
use std::sync::Arc;

use model::Instant;

use super::Engine;
use crate::case::{Case, CaseId, FieldValue};
use crate::fact::{Action, Cause, Change, Event};
use crate::input::{Actor, InputError, NewCase, Origin};
use crate::limits::*;
use crate::types::{CaseType, Role, StateIdx};

/// Checks a text: not empty (unless allowed), at most `max` bytes, no control characters.
pub(super) fn text(what: &str, s: &str, max: usize, empty_ok: bool) -> Result<(), InputError> {
    let bad = |m: String| InputError::BadValue {
        field: what.to_string(),
        message: m,
    };
    if s.is_empty() && !empty_ok {
        return Err(bad("must not be empty".into()));
    }
    if s.len() > max {
        return Err(bad(format!("at most {max} bytes, got {}", s.len())));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad("no control characters".into()));
    }
    Ok(())
}

/// The cause of what a user does.
pub(super) fn actor_cause(a: &Actor) -> Result<Cause, InputError> {
    text("user", &a.user, NAME_MAX, false)?;
    Ok(Cause::User {
        user: a.user.as_str().into(),
        role: a.role,
    })
}

/// The cause of what a user or an import does.
pub(super) fn origin_cause(o: &Origin) -> Result<Cause, InputError> {
    match o {
        Origin::User(a) => actor_cause(a),
        Origin::Import(id) => {
            text("import", id, REFERENCE_MAX, false)?;
            Ok(Cause::Import {
                import: id.as_str().into(),
            })
        }
    }
}

impl Engine {
    /// Refuses a recalled case, and one in a final state.
    pub(super) fn active(&self, ci: usize) -> Result<(), InputError> {
        let c = &self.cases[ci];
        if c.recalled {
            return Err(InputError::Recalled);
        }
        let ty = self.type_of(c);
        if ty.states[usize::from(c.state)].is_final {
            return Err(InputError::Closed(
                ty.states[usize::from(c.state)].name.to_string(),
            ));
        }
        Ok(())
    }

    /// Checks a new case: its cause, texts, reference, type, fields and debts.
    fn check_new(
        &self,
        new: &NewCase,
    ) -> Result<(Cause, usize, Vec<Option<FieldValue>>), InputError> {
        let cause = origin_cause(&new.by)?;
        text("reference", &new.reference, REFERENCE_MAX, false)?;
        text("debtor", &new.debtor, REFERENCE_MAX, false)?;
        if let Some(o) = &new.owner {
            text("owner", o, NAME_MAX, false)?;
        }
        if self.by_reference.contains_key(new.reference.as_str()) {
            return Err(InputError::ReferenceTaken(new.reference.clone()));
        }
        if self.cases.len() >= CASES_MAX {
            return Err(InputError::Limit {
                what: "cases",
                max: CASES_MAX,
            });
        }
        let fi = self
            .families
            .iter()
            .position(|f| *f.name == *new.case_type)
            .ok_or_else(|| InputError::NoSuchType(new.case_type.clone()))?;
        let ty = &self.families[fi].versions[self.families[fi].versions.len() - 1];
        let mut fields = vec![None; ty.fields.len()];
        for (name, value) in &new.fields {
            let (i, v) = field_value(ty, name, Some(value))?;
            fields[usize::from(i)] = v;
        }
        if new.debts.len() > DEBTS_PER_CASE_MAX {
            return Err(InputError::Limit {
                what: "debts per case",
                max: DEBTS_PER_CASE_MAX,
            });
        }
        for d in &new.debts {
            check_debt(new.currency, d)?;
        }
        Ok((cause, fi, fields))
    }

    pub(super) fn create(&mut self, now: Instant, new: NewCase) -> Result<(), InputError> {
        let (cause, fi, fields) = self.check_new(&new)?;
        let ty = self.families[fi].versions[self.families[fi].versions.len() - 1].clone();
        let ci = self.cases.len();
        let reference: Arc<str> = new.reference.as_str().into();
        self.cases.push(Case {
            id: CaseId(ci as u64 + 1),
            reference: reference.clone(),
            type_name: ty.name.clone(),
            version: ty.version,
            family: fi as u16,
            debtor: new.debtor.as_str().into(),
            currency: new.currency,
            state: ty.initial,
            state_since: now,
            state_epoch: 0,
            flags: 0,
            fields: fields.clone(),
            owner: None,
            debts: Vec::new(),
            payments: Vec::new(),
            promises: Vec::new(),
            plans: 0,
            recalled: false,
            disputed: false,
            settlement: None,
            created_at: now,
            history: VecDeque::new(),
            history_dropped: 0,
            seq: 0,
        });
        self.by_reference.insert(reference.clone(), ci as u32);
        let change = Change::Created {
            reference,
            case_type: ty.name.clone(),
            version: ty.version,
            state: ty.states[usize::from(ty.initial)].name.clone(),
            debtor: new.debtor.as_str().into(),
            currency: new.currency,
        };
        self.record(ci, now, &cause, change);
        self.created_facts(ci, now, &ty, &new, &cause);
        self.schedule_created(ci, now, &ty);
        self.entered(ci, now, &ty, ty.initial);
        Ok(())
    }

    /// A new case's owner, fields and debts, as facts.
    fn created_facts(
        &mut self,
        ci: usize,
        now: Instant,
        ty: &CaseType,
        new: &NewCase,
        cause: &Cause,
    ) {
        if let Some(owner) = &new.owner {
            let owner: Option<Arc<str>> = Some(owner.as_str().into());
            self.cases[ci].owner = owner.clone();
            self.record(ci, now, cause, Change::OwnerAssigned { owner });
        }
        for (i, f) in ty.fields.iter().enumerate() {
            if let Some(v) = &self.cases[ci].fields[i] {
                let value = Some(v.display(&f.kind).into_boxed_str());
                self.record(
                    ci,
                    now,
                    cause,
                    Change::FieldSet {
                        field: f.name.clone(),
                        value,
                    },
                );
            }
        }
        for d in &new.debts {
            self.push_debt(ci, now, d, cause);
        }
    }

    /// Moves case `ci` to `to` (already checked) and lets the state's timers start.
    pub(super) fn enter(
        &mut self,
        ci: usize,
        now: Instant,
        ty: &CaseType,
        to: StateIdx,
        cause: &Cause,
        note: Option<Box<str>>,
    ) {
        let from = ty.states[usize::from(self.cases[ci].state)].name.clone();
        let c = &mut self.cases[ci];
        c.state = to;
        c.state_since = now;
        c.state_epoch = c.state_epoch.wrapping_add(1);
        let to_name = ty.states[usize::from(to)].name.clone();
        self.record(
            ci,
            now,
            cause,
            Change::StateChanged {
                from,
                to: to_name,
                note,
            },
        );
        self.entered(ci, now, ty, to);
    }

    /// Starts a state's SLA and timers and queues its `state_entered` event.
    fn entered(&mut self, ci: usize, now: Instant, ty: &CaseType, state: StateIdx) {
        self.schedule_state(ci, now, ty, state);
        let name = ty.states[usize::from(state)].name.clone();
        self.events
            .push_back((ci as u32, Event::StateEntered { state: name }));
    }

    pub(super) fn transition(
        &mut self,
        now: Instant,
        case: CaseId,
        to: &str,
        by: Actor,
        note: Option<String>,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        self.active(ci)?;
        if let Some(n) = &note {
            text("note", n, TEXT_MAX, true)?;
        }
        let ty = self.ty(ci);
        let target = ty.state(to).ok_or_else(|| unknown("state", to))?;
        let c = &self.cases[ci];
        let mut allowed = ty
            .transitions
            .iter()
            .filter(|t| t.to == target && t.from & (1 << c.state) != 0 && t.roles.contains(by.role))
            .peekable();
        if allowed.peek().is_none() {
            return Err(InputError::NoTransition {
                from: ty.states[usize::from(c.state)].name.to_string(),
                to: to.to_string(),
                role: by.role,
            });
        }
        let facts = c.facts();
        let mut failed = None;
        if !allowed.any(|t| {
            t.guard.as_ref().is_none_or(|g| {
                let ok = g.holds(&facts);
                if !ok {
                    failed = Some(g.text.to_string());
                }
                ok
            })
        }) {
            return Err(InputError::GuardFailed(failed.unwrap_or_default()));
        }
        self.enter(
            ci,
            now,
            &ty,
            target,
            &cause,
            note.map(String::into_boxed_str),
        );
        Ok(())
    }

    pub(super) fn set_flags(
        &mut self,
        now: Instant,
        case: CaseId,
        set: &[String],
        clear: &[String],
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        if self.cases[ci].recalled {
            return Err(InputError::Recalled);
        }
        let ty = self.ty(ci);
        let find = |n: &String| ty.flag(n).ok_or_else(|| unknown("flag", n));
        let set: Vec<u8> = set.iter().map(find).collect::<Result<_, _>>()?;
        let clear: Vec<u8> = clear.iter().map(find).collect::<Result<_, _>>()?;
        for f in set {
            self.put_flag(ci, now, &ty, f, true, &cause);
        }
        for f in clear {
            self.put_flag(ci, now, &ty, f, false, &cause);
        }
        Ok(())
    }

    pub(super) fn set_field(
        &mut self,
        now: Instant,
        case: CaseId,
        field: &str,
        value: Option<String>,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        if self.cases[ci].recalled {
            return Err(InputError::Recalled);
        }
        let ty = self.ty(ci);
        let (i, v) = field_value(&ty, field, value.as_deref())?;
        self.put_field(ci, now, &ty, i, v, &cause);
        Ok(())
    }

    /// Sets a field if it changes, with its fact and `field_changed` event.
    pub(super) fn put_field(
        &mut self,
        ci: usize,
        now: Instant,
        ty: &CaseType,
        i: u16,
        v: Option<FieldValue>,
        cause: &Cause,
    ) {
        let slot = &mut self.cases[ci].fields[usize::from(i)];
        if *slot == v {
            return;
        }
        let f = &ty.fields[usize::from(i)];
        let value = v.as_ref().map(|v| v.display(&f.kind).into_boxed_str());
        *slot = v;
        self.record(
            ci,
            now,
            cause,
            Change::FieldSet {
                field: f.name.clone(),
                value,
            },
        );
        self.events.push_back((
            ci as u32,
            Event::FieldChanged {
                field: f.name.clone(),
            },
        ));
    }

    pub(super) fn assign(
        &mut self,
        now: Instant,
        case: CaseId,
        owner: Option<String>,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        if let Some(o) = &owner {
            text("owner", o, NAME_MAX, false)?;
        }
        let owner: Option<Arc<str>> = owner.as_deref().map(Arc::from);
        if self.cases[ci].owner != owner {
            self.cases[ci].owner = owner.clone();
            self.record(ci, now, &cause, Change::OwnerAssigned { owner });
        }
        Ok(())
    }

    pub(super) fn disposition(
        &mut self,
        now: Instant,
        case: CaseId,
        code: &str,
        interaction: u64,
        user: Option<String>,
    ) -> Result<(), InputError> {
        let ci = self.index(case)?;
        text("code", code, NAME_MAX, false)?;
        if let Some(u) = &user {
            text("user", u, NAME_MAX, false)?;
        }
        let cause = Cause::Interaction {
            interaction,
            user: user.as_deref().map(Arc::from),
        };
        let code: Arc<str> = code.into();
        self.record(
            ci,
            now,
            &cause,
            Change::DispositionSet {
                code: code.clone(),
                interaction,
            },
        );
        self.events
            .push_back((ci as u32, Event::Disposition { code, interaction }));
        Ok(())
    }

    pub(super) fn recall(
        &mut self,
        now: Instant,
        case: CaseId,
        reason: &str,
        by: Origin,
    ) -> Result<(), InputError> {
        let cause = origin_cause(&by)?;
        let ci = self.index(case)?;
        text("reason", reason, TEXT_MAX, false)?;
        if self.cases[ci].recalled {
            return Err(InputError::Recalled);
        }
        self.cases[ci].recalled = true;
        self.record(
            ci,
            now,
            &cause,
            Change::Recalled {
                reason: reason.into(),
            },
        );
        self.order(ci, now, &cause, Action::StopContact);
        Ok(())
    }

    pub(super) fn dispute(
        &mut self,
        now: Instant,
        case: CaseId,
        reason: &str,
        by: Origin,
    ) -> Result<(), InputError> {
        let cause = origin_cause(&by)?;
        let ci = self.index(case)?;
        self.active(ci)?;
        text("reason", reason, TEXT_MAX, false)?;
        if self.cases[ci].disputed {
            return Err(InputError::Pointless("the case is already disputed"));
        }
        self.cases[ci].disputed = true;
        self.record(
            ci,
            now,
            &cause,
            Change::DisputeOpened {
                reason: reason.into(),
            },
        );
        self.events.push_back((ci as u32, Event::DisputeOpened));
        Ok(())
    }

    pub(super) fn resolve_dispute(
        &mut self,
        now: Instant,
        case: CaseId,
        note: &str,
        by: Actor,
    ) -> Result<(), InputError> {
        let cause = actor_cause(&by)?;
        let ci = self.index(case)?;
        text("note", note, TEXT_MAX, true)?;
        if !self.cases[ci].disputed {
            return Err(InputError::Pointless("the case is not disputed"));
        }
        if by.role == Role::Agent {
            return Err(InputError::NotPermitted {
                role: by.role,
                what: "resolve a dispute",
            });
        }
        self.cases[ci].disputed = false;
        self.record(
            ci,
            now,
            &cause,
            Change::DisputeResolved { note: note.into() },
        );
        self.events.push_back((ci as u32, Event::DisputeResolved));
        Ok(())
    }
}

fn unknown(what: &'static str, name: &str) -> InputError {
    InputError::Unknown {
        what,
        name: name.to_string(),
    }
}

/// A field's index and value parsed for its type.
fn field_value(
    ty: &CaseType,
    name: &str,
    value: Option<&str>,
) -> Result<(u16, Option<FieldValue>), InputError> {
    let i = ty.field(name).ok_or_else(|| unknown("field", name))?;
    let Some(value) = value else {
        return Ok((i, None));
    };
    let v = FieldValue::parse(&ty.fields[usize::from(i)].kind, value).map_err(|message| {
        InputError::BadValue {
            field: format!("fields.{name}"),
            message,
        }
    })?;
    Ok((i, Some(v)))
}

/// Checks a debt against the case's currency.
pub(super) fn check_debt(
    currency: crate::money::Currency,
    d: &crate::input::NewDebt,
) -> Result<(), InputError> {
    if d.currency != currency {
        return Err(InputError::CurrencyMismatch {
            case: currency,
            got: d.currency,
        });
    }
    text("creditor", &d.creditor, REFERENCE_MAX, false)?;
    if d.principal.plus(d.fees).plus(d.interest).is_zero() {
        return Err(InputError::Pointless("a debt owes something"));
    }
    Ok(())
}
