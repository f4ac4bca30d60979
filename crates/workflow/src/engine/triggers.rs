//! Triggers reacting to events, and what their actions do.
//!
//! Events wait in a queue; each is offered to the triggers of its kind only
//! (a list per kind, built when the type was loaded), in the file's order. A
//! trigger fires if its event's parameter matches, the case is in one of its
//! states, its guard holds and — if it moves the case — a transition the
//! `system` role may make exists from the current state and its guard holds.
//! Once a trigger has moved the case, no other trigger reacts to that event
//! (the new state's `state_entered` event follows). A recalled case or one
//! in a final state has no triggers. While a case is disputed, the actions
//! that reach the debtor (start contact, letter, e-mail) are not ordered but
//! noted as suppressed. Triggers reacting to each other stop after
//! [`CASCADE_MAX`] events per input.

use model::Instant;

use super::Engine;
use crate::fact::{Action, Cause, Change, Event};
use crate::limits::CASCADE_MAX;
use crate::types::{ActionSpec, CaseType, Role, StateIdx, Trigger};

impl Engine {
    /// Offers every queued event to the triggers.
    pub(super) fn cascade(&mut self, now: Instant) {
        let mut processed = 0usize;
        while let Some((case, ev)) = self.events.pop_front() {
            processed += 1;
            if processed > CASCADE_MAX {
                let dropped = self.events.len() as u32 + 1;
                self.events.clear();
                let cause = Cause::Trigger {
                    trigger: "cascade_limit".into(),
                    event: ev,
                };
                self.record(
                    case as usize,
                    now,
                    &cause,
                    Change::CascadeStopped { dropped },
                );
                return;
            }
            self.react(now, case as usize, &ev);
        }
    }

    /// Whether the `system` role may move case `ci` to `to` now.
    fn system_may(&self, ty: &CaseType, ci: usize, to: StateIdx) -> bool {
        let c = &self.cases[ci];
        if c.state == to {
            return false;
        }
        let facts = c.facts();
        ty.transitions.iter().any(|t| {
            t.to == to
                && t.from >> c.state & 1 == 1
                && t.roles.contains(Role::System)
                && t.guard.as_ref().is_none_or(|g| g.holds(&facts))
        })
    }

    fn react(&mut self, now: Instant, ci: usize, ev: &Event) {
        let c = &self.cases[ci];
        if c.recalled {
            return;
        }
        let ty = self.ty(ci);
        if ty.states[usize::from(c.state)].is_final {
            return;
        }
        for &ti in &ty.by_event[ev.kind()] {
            let t = &ty.triggers[usize::from(ti)];
            if !t.on.matches(&ty, ev) {
                continue;
            }
            let c = &self.cases[ci];
            if t.in_states >> c.state & 1 == 0 {
                continue;
            }
            if let Some(g) = &t.guard
                && !g.holds(&c.facts())
            {
                continue;
            }
            if let Some(to) = t.transition
                && !self.system_may(&ty, ci, to)
            {
                continue;
            }
            if self.run(now, ci, &ty, t, ev) {
                break;
            }
        }
    }

    /// Does a trigger's actions; returns whether it moved the case.
    fn run(&mut self, now: Instant, ci: usize, ty: &CaseType, t: &Trigger, ev: &Event) -> bool {
        let cause = Cause::Trigger {
            trigger: t.name.clone(),
            event: ev.clone(),
        };
        let mut moved = false;
        for a in &t.actions {
            match a {
                ActionSpec::Transition(to) => {
                    if self.system_may(ty, ci, *to) {
                        self.enter(ci, now, ty, *to, &cause, None);
                        moved = true;
                    }
                }
                ActionSpec::SetFlag(f) => self.put_flag(ci, now, ty, *f, true, &cause),
                ActionSpec::ClearFlag(f) => self.put_flag(ci, now, ty, *f, false, &cause),
                ActionSpec::SetField(i, v) => self.put_field(ci, now, ty, *i, v.clone(), &cause),
                ActionSpec::Task {
                    title,
                    skill,
                    priority,
                    due_in,
                } => {
                    let due = due_in.after(&self.calendar, now);
                    let (title, skill, priority) = (title.clone(), skill.clone(), *priority);
                    self.order(
                        ci,
                        now,
                        &cause,
                        Action::CreateTask {
                            title,
                            skill,
                            priority,
                            due,
                        },
                    );
                }
                ActionSpec::StartContact => {
                    let campaign = ty.collections.campaign.clone();
                    self.outward(ci, now, &cause, Action::StartContact { campaign });
                }
                ActionSpec::StopContact => self.order(ci, now, &cause, Action::StopContact),
                ActionSpec::Letter(t) => self.outward(
                    ci,
                    now,
                    &cause,
                    Action::SendLetter {
                        template: t.clone(),
                    },
                ),
                ActionSpec::Email(t) => self.outward(
                    ci,
                    now,
                    &cause,
                    Action::SendEmail {
                        template: t.clone(),
                    },
                ),
            }
        }
        moved
    }

    /// Sets or clears a flag if that changes it, with its fact.
    pub(super) fn put_flag(
        &mut self,
        ci: usize,
        now: Instant,
        ty: &CaseType,
        f: u8,
        on: bool,
        cause: &Cause,
    ) {
        if self.cases[ci].has_flag(f) == on {
            return;
        }
        let flag = ty.flags[usize::from(f)].clone();
        if on {
            self.cases[ci].flags |= 1 << f;
            self.record(ci, now, cause, Change::FlagSet { flag });
        } else {
            self.cases[ci].flags &= !(1 << f);
            self.record(ci, now, cause, Change::FlagCleared { flag });
        }
    }

    /// Orders an action that reaches the debtor, unless the case is disputed.
    fn outward(&mut self, ci: usize, now: Instant, cause: &Cause, action: Action) {
        if self.cases[ci].disputed {
            self.record(ci, now, cause, Change::ActionSuppressed { action });
        } else {
            self.order(ci, now, cause, action);
        }
    }
}
