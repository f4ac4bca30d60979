//! Timers: SLAs, relative timers, promises' dates and calendar jobs, all in
//! one ordered map of small entries (`(instant, sequence) -> Wake`).
//!
//! Entries are never searched for or removed early: an entry that no longer
//! applies (the case left the state, the promise was kept, the case was
//! recalled or closed) is dropped when it comes due. A calendar job is one
//! entry for every case of its type's version, not one per case; when it
//! fires it visits the open cases of that version in its states and
//! schedules its next occurrence.
//!
//! Relative days are calendar days (`3d`: weekends and holidays count, as in
//! "pay within 3 days" on a letter); working days are written `3wd`.

use model::Instant;

use super::Engine;
use crate::case::PromiseState;
use crate::fact::{Cause, Change, Event};
use crate::types::{Anchor, CaseType, StateIdx, TimerForm};

/// What to do when a timer comes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wake {
    /// A state's SLA, for the stay that started it.
    Sla { case: u32, epoch: u32 },
    /// A relative timer (`promise` 0: not anchored on a promise).
    After {
        case: u32,
        timer: u16,
        epoch: u32,
        promise: u32,
    },
    /// A promise's date passed.
    PromiseDue { case: u32, promise: u32 },
    /// A promise's date plus grace passed.
    PromiseBreak { case: u32, promise: u32 },
    /// A calendar job of a type's version.
    Job {
        family: u16,
        version: u32,
        timer: u16,
    },
}

/// How many days ahead a calendar job looks for its next day (a year, plus
/// room for a calendar whose holidays fill every matching day for a while).
const JOB_LOOKAHEAD_DAYS: u32 = 366 * 6;

impl Engine {
    fn wake_at(&mut self, when: Instant, w: Wake) {
        self.timer_seq += 1;
        self.timers.insert((when, self.timer_seq), w);
    }

    /// Timers counted from the case's creation.
    pub(super) fn schedule_created(&mut self, ci: usize, now: Instant, ty: &CaseType) {
        for (t, def) in ty.timers.iter().enumerate() {
            if let TimerForm::After {
                span,
                anchor: Anchor::Created,
            } = def.form
            {
                let when = span.after(&self.calendar, now);
                self.wake_at(
                    when,
                    Wake::After {
                        case: ci as u32,
                        timer: t as u16,
                        epoch: 0,
                        promise: 0,
                    },
                );
            }
        }
    }

    /// A state's SLA and the timers counted from entering it.
    pub(super) fn schedule_state(
        &mut self,
        ci: usize,
        now: Instant,
        ty: &CaseType,
        state: StateIdx,
    ) {
        let epoch = self.cases[ci].state_epoch;
        if let Some(sla) = ty.states[usize::from(state)].sla {
            let when = sla.after(&self.calendar, now);
            self.wake_at(
                when,
                Wake::Sla {
                    case: ci as u32,
                    epoch,
                },
            );
        }
        for (t, def) in ty.timers.iter().enumerate() {
            if let TimerForm::After {
                span,
                anchor: Anchor::StateEntered(s),
            } = def.form
                && s == state
            {
                let when = span.after(&self.calendar, now);
                self.wake_at(
                    when,
                    Wake::After {
                        case: ci as u32,
                        timer: t as u16,
                        epoch,
                        promise: 0,
                    },
                );
            }
        }
    }

    /// A promise's date passing, its grace passing, and timers counted from its date.
    pub(super) fn schedule_promise(&mut self, ci: usize, promise: u32, due: chrono::NaiveDate) {
        let case = ci as u32;
        let day_after = due.succ_opt().unwrap_or(due);
        let due_at = self.calendar.start_of(day_after);
        self.wake_at(due_at, Wake::PromiseDue { case, promise });
        let break_at = self.calendar.start_of(self.past_grace(ci, due));
        self.wake_at(break_at, Wake::PromiseBreak { case, promise });
        let ty = self.ty(ci);
        let start = self.calendar.start_of(due);
        for (t, def) in ty.timers.iter().enumerate() {
            if let TimerForm::After {
                span,
                anchor: Anchor::PromiseDate,
            } = def.form
            {
                let when = span.after(&self.calendar, start);
                self.wake_at(
                    when,
                    Wake::After {
                        case,
                        timer: t as u16,
                        epoch: 0,
                        promise,
                    },
                );
            }
        }
    }

    /// Schedules the calendar jobs of a type's new version.
    pub(super) fn schedule_jobs(&mut self, now: Instant, family: u16, version: u32) {
        let ty = self.families[usize::from(family)].versions[version as usize - 1].clone();
        for (t, def) in ty.timers.iter().enumerate() {
            if let Some(when) = self.next_occurrence(now, &def.form) {
                self.wake_at(
                    when,
                    Wake::Job {
                        family,
                        version,
                        timer: t as u16,
                    },
                );
            }
        }
    }

    /// The first moment after `after` that a calendar job runs.
    fn next_occurrence(&self, after: Instant, form: &TimerForm) -> Option<Instant> {
        let TimerForm::Every {
            weekdays,
            at,
            skip_holidays,
            ..
        } = *form
        else {
            return None;
        };
        let cal = &self.calendar;
        let mut d = cal.date(after);
        for _ in 0..JOB_LOOKAHEAD_DAYS {
            let wd = chrono::Datelike::weekday(&d).num_days_from_monday();
            if weekdays >> wd & 1 == 1 && !(skip_holidays && cal.is_holiday(d)) {
                let when = cal.instant(d.and_time(at));
                if when > after {
                    return Some(when);
                }
            }
            d = d.succ_opt()?;
        }
        None
    }

    /// Whether timers still act on case `ci` (not recalled, not closed).
    fn live(&self, ci: usize) -> bool {
        let c = &self.cases[ci];
        !c.recalled && !self.type_of(c).states[usize::from(c.state)].is_final
    }

    /// Does what a due timer says.
    pub(super) fn fire(&mut self, now: Instant, wake: Wake) {
        match wake {
            Wake::Job {
                family,
                version,
                timer,
            } => self.run_job(now, family, version, timer),
            Wake::Sla { case, epoch } => {
                let ci = case as usize;
                if self.live(ci) && self.cases[ci].state_epoch == epoch {
                    let ty = self.ty(ci);
                    let state = ty.states[usize::from(self.cases[ci].state)].name.clone();
                    self.record(
                        ci,
                        now,
                        &Cause::Sla {
                            state: state.clone(),
                        },
                        Change::SlaPassed {
                            state: state.clone(),
                        },
                    );
                    self.events.push_back((case, Event::SlaPassed { state }));
                }
            }
            Wake::After {
                case,
                timer,
                epoch,
                promise,
            } => self.fire_after(now, case as usize, timer, epoch, promise),
            Wake::PromiseDue { case, promise } if self.live(case as usize) => {
                self.promise_due(case as usize, now, promise)
            }
            Wake::PromiseBreak { case, promise } if self.live(case as usize) => {
                self.promise_break(case as usize, now, promise)
            }
            Wake::PromiseDue { .. } | Wake::PromiseBreak { .. } => {}
        }
    }

    fn fire_after(&mut self, now: Instant, ci: usize, timer: u16, epoch: u32, promise: u32) {
        if !self.live(ci) {
            return;
        }
        let ty = self.ty(ci);
        let def = &ty.timers[usize::from(timer)];
        let applies = match def.form {
            TimerForm::After {
                anchor: Anchor::StateEntered(_),
                ..
            } => self.cases[ci].state_epoch == epoch,
            TimerForm::After {
                anchor: Anchor::PromiseDate,
                ..
            } => self.cases[ci].promises[promise as usize - 1].state != PromiseState::Kept,
            _ => true,
        };
        if applies {
            self.timer_fired(ci, now, def.name.clone());
        }
    }

    fn timer_fired(&mut self, ci: usize, now: Instant, timer: std::sync::Arc<str>) {
        self.record(
            ci,
            now,
            &Cause::Timer {
                timer: timer.clone(),
            },
            Change::TimerFired {
                timer: timer.clone(),
            },
        );
        self.events.push_back((ci as u32, Event::Timer { timer }));
    }

    /// Runs a calendar job over its cases, then schedules its next run.
    fn run_job(&mut self, now: Instant, family: u16, version: u32, timer: u16) {
        let ty = self.families[usize::from(family)].versions[version as usize - 1].clone();
        let def = &ty.timers[usize::from(timer)];
        let TimerForm::Every { in_states, .. } = def.form else {
            return;
        };
        for ci in 0..self.cases.len() {
            let c = &self.cases[ci];
            if c.family != family || c.version != version || c.recalled {
                continue;
            }
            if in_states >> c.state & 1 == 0 || ty.states[usize::from(c.state)].is_final {
                continue;
            }
            self.timer_fired(ci, now, def.name.clone());
            self.cascade(now);
        }
        if let Some(when) = self.next_occurrence(now, &def.form) {
            self.wake_at(
                when,
                Wake::Job {
                    family,
                    version,
                    timer,
                },
            );
        }
    }
}
