//! Schedules: shift assignments per agent that cover the required agents per interval and queue.
//!
//! Time is counted in *steps* of `step_s` seconds from midnight of the plan's first day (15
//! minutes is typical: fine enough for breaks, coarse enough to be fast). The caller turns clock
//! times, dates and hours into steps; this module only sees integers.
//!
//! The objective, in order: least understaffing, then least overstaffing, then least cost. It is
//! scored per step and queue group with fixed weights ([`UNDER_WEIGHT_PER_AGENT_H`],
//! [`OVER_WEIGHT_PER_AGENT_H`], and the cost in currency units), so one agent-hour of gap always
//! outweighs any realistic overstaffing or wage. Multi-skilled agents count towards whichever of
//! their queues needs them: coverage of a step is the maximum flow from agents to queues, found
//! from the min-cut over queue subsets (see `cover.rs`).
//!
//! The rules honoured (hard unless said): allowed shift types and start times per agent; break
//! and lunch windows inside each shift; availability (a daily window and days off); at most one
//! shift per agent and day; minimum rest between shifts; maximum working days in a row; maximum
//! paid hours per week; minimum (contracted) paid hours per week, met when the other rules allow
//! and reported when not. Weeks are 7-day blocks from the first day; a shorter last block gets
//! pro-rated limits.
//!
//! The method (`solver.rs`): a greedy construction, agent by agent, least flexible first, each
//! taking the shifts worth most against what is still uncovered; then local improvement passes
//! (re-place each agent-day's shift, start and breaks; move a shift to a day off in the same
//! week) until a pass improves nothing. Deterministic: the same input gives the same plan.

mod check;
mod cover;
mod solver;

pub use check::check_schedule;

use crate::WfmError;

/// Most queues in one plan (the coverage evaluation is exponential in this).
pub const MAX_QUEUES: usize = 8;
/// Most agents in one plan.
pub const MAX_AGENTS: usize = 5_000;
/// Most days in one plan.
pub const MAX_DAYS: u32 = 93;
/// Most improvement passes.
pub const MAX_PASSES: u32 = 40;
/// Score of one agent-hour short of the requirement.
pub const UNDER_WEIGHT_PER_AGENT_H: f64 = 1_000_000.0;
/// Score of one agent-hour beyond the requirement.
pub const OVER_WEIGHT_PER_AGENT_H: f64 = 1_000.0;

/// What is needed: required agents per queue and step.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Length of one step, seconds (must divide a day).
    pub step_s: u32,
    /// Days in the plan.
    pub days: u32,
    /// Queue names (skills refer to them by index).
    pub queues: Vec<String>,
    /// Required agents per queue and step: `required[q][t]`, `days × steps_per_day` long.
    pub required: Vec<Vec<u32>>,
}

impl Plan {
    /// Steps in a day.
    pub fn steps_per_day(&self) -> u32 {
        86_400 / self.step_s
    }

    /// Steps in the plan.
    pub fn steps(&self) -> u32 {
        self.days * self.steps_per_day()
    }
}

/// A break or lunch inside a shift.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    /// Name (`break`, `lunch`).
    pub name: String,
    /// Length, steps.
    pub length_steps: u32,
    /// Earliest start, steps after the shift starts.
    pub earliest_start_steps: u32,
    /// Latest start, steps after the shift starts.
    pub latest_start_steps: u32,
    /// Whether the break is paid time.
    pub paid: bool,
}

/// A kind of shift.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftType {
    /// Name (`early`, `day`, `late`).
    pub name: String,
    /// Length from start to end including breaks, steps (at most a day).
    pub length_steps: u32,
    /// Allowed start times, steps after midnight (below a day).
    pub start_steps: Vec<u32>,
    /// Breaks, placed in this order without overlapping.
    pub breaks: Vec<BreakRule>,
}

impl ShiftType {
    /// For each break, the latest start (steps after the shift starts) that still leaves room
    /// for the breaks after it; `None` if they cannot all fit before the shift ends.
    pub(crate) fn break_latest_fit(&self) -> Option<Vec<u32>> {
        let mut latest = vec![0; self.breaks.len()];
        let mut bound = self.length_steps; // the next break's latest start, or the shift's end
        for (i, b) in self.breaks.iter().enumerate().rev() {
            latest[i] = b.latest_start_steps.min(bound.checked_sub(b.length_steps)?);
            bound = latest[i];
        }
        Some(latest)
    }

    /// Paid steps of one such shift.
    pub fn paid_steps(&self) -> u32 {
        let unpaid: u32 = self
            .breaks
            .iter()
            .filter(|b| !b.paid)
            .map(|b| b.length_steps)
            .sum();
        self.length_steps - unpaid
    }
}

/// One agent and their contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Identifier.
    pub id: String,
    /// Queues the agent can take (indices into [`Plan::queues`]).
    pub skills: Vec<usize>,
    /// Contracted (minimum) paid steps per week.
    pub min_paid_steps_week: u32,
    /// Maximum paid steps per week.
    pub max_paid_steps_week: u32,
    /// Loaded cost per paid hour.
    pub hourly_cost: f64,
    /// Shift types the agent may work (indices into [`Rules::shifts`]).
    pub shift_types: Vec<usize>,
    /// Per plan day, the window a shift must fit in: steps from that day's midnight, `[from,
    /// until)`, `until` up to two days for overnight work; `None` = day off.
    pub available: Vec<Option<(u32, u32)>>,
}

/// Everything the plan must honour.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Minimum steps between the end of one shift and the start of the next.
    pub min_rest_steps: u32,
    /// Maximum working days in a row.
    pub max_days_in_row: u32,
    /// Shift types.
    pub shifts: Vec<ShiftType>,
    /// Agents.
    pub agents: Vec<Agent>,
}

/// A break as placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedBreak {
    /// Index into the shift type's breaks.
    pub rule: usize,
    /// First step of the break (from the plan's start).
    pub start_step: u32,
    /// Step after the break.
    pub end_step: u32,
}

/// One shift as assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Index into [`Rules::agents`].
    pub agent: usize,
    /// Plan day the shift starts on.
    pub day: u32,
    /// Index into [`Rules::shifts`].
    pub shift_type: usize,
    /// First step (from the plan's start).
    pub start_step: u32,
    /// Step after the last.
    pub end_step: u32,
    /// Breaks, in order.
    pub breaks: Vec<PlacedBreak>,
    /// Paid steps.
    pub paid_steps: u32,
}

/// Plan-wide figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Totals {
    /// Σ required agents × time, agent-hours.
    pub required_agent_h: f64,
    /// Σ agents on the phones × time (breaks excluded), agent-hours.
    pub working_agent_h: f64,
    /// Requirement not covered, agent-hours.
    pub under_agent_h: f64,
    /// Working time beyond the requirement, agent-hours.
    pub over_agent_h: f64,
    /// Paid hours.
    pub paid_h: f64,
    /// Paid hours × hourly cost.
    pub cost: f64,
    /// Shifts assigned.
    pub shifts: usize,
    /// Steps with some requirement uncovered.
    pub understaffed_steps: u32,
}

/// The result.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Shifts, by agent then day.
    pub shifts: Vec<Shift>,
    /// Agents counted towards each queue per step, `coverage[q][t]` (multi-skilled agents split
    /// by a maximum-flow allocation; agents beyond every requirement spread over their skills).
    pub coverage: Vec<Vec<f64>>,
    /// Totals.
    pub totals: Totals,
    /// Contract minimums the rules did not allow to meet, in words.
    pub shortfalls: Vec<String>,
    /// Improvement passes run.
    pub passes: u32,
}

/// Builds a schedule.
pub fn build_schedule(plan: &Plan, rules: &Rules) -> Result<Schedule, WfmError> {
    validate(plan, rules)?;
    Ok(solver::solve(plan, rules))
}

fn invalid(msg: String) -> WfmError {
    WfmError::Invalid(msg)
}

fn validate(plan: &Plan, rules: &Rules) -> Result<(), WfmError> {
    if plan.step_s == 0 || 86_400 % plan.step_s != 0 {
        return Err(invalid(format!(
            "a step of {} s does not divide a day",
            plan.step_s
        )));
    }
    if plan.days == 0 || plan.days > MAX_DAYS {
        return Err(invalid(format!(
            "a plan has 1 to {MAX_DAYS} days, not {}",
            plan.days
        )));
    }
    if plan.queues.is_empty() || plan.queues.len() > MAX_QUEUES {
        return Err(invalid(format!(
            "a plan has 1 to {MAX_QUEUES} queues, not {}",
            plan.queues.len()
        )));
    }
    let steps = plan.steps() as usize;
    if plan.required.len() != plan.queues.len() || plan.required.iter().any(|r| r.len() != steps) {
        return Err(invalid(
            "required agents must cover every queue and step".into(),
        ));
    }
    if rules.agents.is_empty() || rules.agents.len() > MAX_AGENTS {
        return Err(invalid(format!("a plan has 1 to {MAX_AGENTS} agents")));
    }
    if rules.shifts.is_empty() {
        return Err(invalid("no shift types".into()));
    }
    let day = plan.steps_per_day();
    for s in &rules.shifts {
        if s.length_steps == 0 || s.length_steps > day {
            return Err(invalid(format!(
                "shift {}: length must be above 0 and at most a day",
                s.name
            )));
        }
        if s.start_steps.is_empty() || s.start_steps.iter().any(|&t| t >= day) {
            return Err(invalid(format!(
                "shift {}: start times must be within the day",
                s.name
            )));
        }
        // Each break, placed as early as allowed, must still leave room for the ones after it:
        // then any placement within [earliest, latest fit] keeps the rest placeable.
        let latest = s.break_latest_fit();
        let mut free = 0;
        for (i, b) in s.breaks.iter().enumerate() {
            let lo = b.earliest_start_steps.max(free);
            if b.length_steps == 0 || latest.as_ref().is_none_or(|l| lo > l[i]) {
                return Err(invalid(format!(
                    "shift {}: break {} does not fit its window",
                    s.name, b.name
                )));
            }
            free = lo + b.length_steps;
        }
    }
    for a in &rules.agents {
        if a.skills.iter().any(|&q| q >= plan.queues.len()) {
            return Err(invalid(format!("agent {}: unknown skill index", a.id)));
        }
        if a.shift_types.is_empty() || a.shift_types.iter().any(|&k| k >= rules.shifts.len()) {
            return Err(invalid(format!("agent {}: no valid shift types", a.id)));
        }
        if a.min_paid_steps_week > a.max_paid_steps_week {
            return Err(invalid(format!(
                "agent {}: minimum hours above the maximum",
                a.id
            )));
        }
        if a.available.len() != plan.days as usize {
            return Err(invalid(format!(
                "agent {}: availability must cover every day",
                a.id
            )));
        }
        if !(a.hourly_cost.is_finite() && a.hourly_cost >= 0.0) {
            return Err(invalid(format!(
                "agent {}: hourly cost must be 0 or more",
                a.id
            )));
        }
    }
    if rules.max_days_in_row == 0 {
        return Err(invalid("max_days_in_row must be at least 1".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30-minute steps; one queue needing `need` agents 08:00–18:00 on weekdays.
    fn plan(days: u32, queues: usize, need: impl Fn(usize, u32, u32) -> u32) -> Plan {
        let steps = days * 48;
        Plan {
            step_s: 1800,
            days,
            queues: (0..queues).map(|q| format!("q{q}")).collect(),
            required: (0..queues)
                .map(|q| (0..steps).map(|t| need(q, t / 48, t % 48)).collect())
                .collect(),
        }
    }

    fn day_shift() -> ShiftType {
        ShiftType {
            name: "day".into(),
            length_steps: 17,                 // 8.5 h with a 30-minute unpaid lunch
            start_steps: (12..=22).collect(), // 06:00 to 11:00
            breaks: vec![BreakRule {
                name: "lunch".into(),
                length_steps: 1,
                earliest_start_steps: 6,
                latest_start_steps: 10,
                paid: false,
            }],
        }
    }

    fn agent(id: &str, skills: Vec<usize>, days: u32) -> Agent {
        Agent {
            id: id.into(),
            skills,
            min_paid_steps_week: 80, // 40 h
            max_paid_steps_week: 80,
            hourly_cost: 20.0,
            shift_types: vec![0],
            available: vec![Some((0, 48)); days as usize],
        }
    }

    fn rules(agents: Vec<Agent>) -> Rules {
        Rules {
            min_rest_steps: 22, // 11 h
            max_days_in_row: 5,
            shifts: vec![day_shift()],
            agents,
        }
    }

    #[test]
    fn a_simple_week_is_covered_and_honours_every_rule() {
        // Two agents 08:00–16:00 on weekdays.
        let weekday_need = |_: usize, d: u32, s: u32| u32::from(d < 5 && (16..32).contains(&s)) * 2;
        let p = plan(7, 1, weekday_need);
        let r = rules(
            (0..3)
                .map(|i| agent(&format!("a{i}"), vec![0], 7))
                .collect(),
        );
        let s = build_schedule(&p, &r).unwrap();
        assert!(
            check_schedule(&p, &r, &s.shifts).is_empty(),
            "{:?}",
            check_schedule(&p, &r, &s.shifts)
        );
        assert!(s.shortfalls.is_empty(), "{:?}", s.shortfalls);
        // 3 agents × 5 shifts × 8 paid hours.
        assert_eq!(s.totals.shifts, 15);
        assert!((s.totals.paid_h - 120.0).abs() < 1e-9);
        // The third agent covers the other two's lunches: nothing is left uncovered.
        assert_eq!(s.totals.under_agent_h, 0.0, "{:?}", s.totals);
        assert!(s.shifts.iter().all(|sh| sh.day < 5), "weekends need no one");
    }

    #[test]
    fn a_longer_day_gets_the_least_possible_gap() {
        // Two agents 08:00–18:00, three agents on 8.5-hour shifts: two must start by 08:00 and
        // two must end at 18:00 or later, which three cannot do. The best plan leaves 1.5 h of
        // one agent short each day (08:00–09:30 or 16:30–18:00) with every lunch in an overlap:
        // 7.5 agent-hours a week, and the solver finds exactly that.
        let need = |_: usize, d: u32, s: u32| u32::from(d < 5 && (16..36).contains(&s)) * 2;
        let p = plan(7, 1, need);
        let r = rules(
            (0..3)
                .map(|i| agent(&format!("a{i}"), vec![0], 7))
                .collect(),
        );
        let s = build_schedule(&p, &r).unwrap();
        assert!(check_schedule(&p, &r, &s.shifts).is_empty());
        assert_eq!(s.totals.under_agent_h, 7.5, "{:?}", s.totals);
    }

    #[test]
    fn multi_skilled_agents_cover_the_queue_that_needs_them() {
        let need = |q: usize, d: u32, s: u32| {
            u32::from(d < 5 && (18..34).contains(&s) && (q == 1 || s < 26))
        };
        let p = plan(7, 2, need);
        let r = rules(vec![
            agent("only-q0", vec![0], 7),
            agent("both", vec![0, 1], 7),
        ]);
        let s = build_schedule(&p, &r).unwrap();
        assert!(check_schedule(&p, &r, &s.shifts).is_empty());
        // Queue 1 is covered by "both" whenever it works (every weekday).
        let covered_q1: f64 = s.coverage[1].iter().sum::<f64>();
        assert!(covered_q1 >= 5.0 * 15.0, "{covered_q1}");
    }

    #[test]
    fn unavailable_days_and_rest_are_respected() {
        let p = plan(7, 1, |_, _, s| u32::from((4..44).contains(&s)));
        let mut a = agent("a", vec![0], 7);
        a.available[2] = None;
        a.min_paid_steps_week = 0;
        let r = rules(vec![a]);
        let s = build_schedule(&p, &r).unwrap();
        assert!(check_schedule(&p, &r, &s.shifts).is_empty());
        assert!(s.shifts.iter().all(|sh| sh.day != 2));
        assert!(s.shifts.len() <= 5);
    }

    #[test]
    fn the_checker_catches_broken_rules() {
        let p = plan(7, 1, |_, _, _| 1);
        let r = rules(vec![agent("a", vec![0], 7)]);
        let shift = |day: u32, start: u32| Shift {
            agent: 0,
            day,
            shift_type: 0,
            start_step: day * 48 + start,
            end_step: day * 48 + start + 17,
            breaks: vec![PlacedBreak {
                rule: 0,
                start_step: day * 48 + start + 6,
                end_step: day * 48 + start + 7,
            }],
            paid_steps: 16,
        };
        assert!(check_schedule(&p, &r, &[shift(0, 12)]).is_empty());
        // 11:00 + 8.5 h = 19:30; next day 06:00 leaves 10.5 h of rest.
        assert!(!check_schedule(&p, &r, &[shift(0, 22), shift(1, 12)]).is_empty());
        // Six days in a row.
        let six: Vec<Shift> = (0..6).map(|d| shift(d, 12)).collect();
        assert!(
            check_schedule(&p, &r, &six)
                .iter()
                .any(|e| e.contains("in a row"))
        );
    }

    #[test]
    fn bad_rules_are_errors() {
        let p = plan(7, 1, |_, _, _| 1);
        let mut r = rules(vec![agent("a", vec![0], 7)]);
        r.shifts[0].breaks[0].latest_start_steps = 40;
        r.shifts[0].breaks[0].earliest_start_steps = 30;
        assert!(build_schedule(&p, &r).is_err());
        // A break longer than the shift.
        let mut r = rules(vec![agent("a", vec![0], 7)]);
        r.shifts[0].breaks[0].length_steps = 30;
        assert!(build_schedule(&p, &r).is_err());
        // Two breaks whose windows leave no room for the second after the first.
        let mut r = rules(vec![agent("a", vec![0], 7)]);
        let mut second = r.shifts[0].breaks[0].clone();
        second.latest_start_steps = 6;
        r.shifts[0].breaks.push(second);
        assert!(build_schedule(&p, &r).is_err());
        let r = rules(vec![agent("a", vec![3], 7)]);
        assert!(build_schedule(&p, &r).is_err());
    }
}
