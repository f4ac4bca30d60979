//! Greedy construction and local improvement (see the module documentation in `mod.rs`).

use super::cover::{Cover, allocate};
use super::{
    MAX_PASSES, OVER_WEIGHT_PER_AGENT_H, PlacedBreak, Plan, Rules, Schedule, Shift, Totals,
    UNDER_WEIGHT_PER_AGENT_H,
};

/// An improvement smaller than this is noise.
const EPSILON: f64 = 1e-6;

/// A shift as placed: type, start and break starts, in steps from the day's midnight.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    shift_type: usize,
    start: u32,
    breaks: Vec<u32>,
}

struct Solver<'a> {
    plan: &'a Plan,
    rules: &'a Rules,
    day: u32,
    steps: u32,
    step_h: f64,
    under_w: f64,
    over_w: f64,
    cover: Cover,
    masks: Vec<u32>,
    /// `assigned[agent][day]`.
    assigned: Vec<Vec<Option<Placed>>>,
    /// Paid steps per agent and week.
    week_paid: Vec<Vec<u32>>,
    /// Allowed (shift type, start) per agent and day.
    options: Vec<Vec<Vec<(usize, u32)>>>,
    /// Value of working each step of a two-day window, reused.
    prefix: Vec<f64>,
    /// Per shift type, each break's latest start that leaves room for the next ones.
    latest_fit: Vec<Vec<u32>>,
}

pub(super) fn solve(plan: &Plan, rules: &Rules) -> Schedule {
    let mut s = Solver::new(plan, rules);
    s.construct();
    let mut passes = 0;
    while passes < MAX_PASSES {
        passes += 1;
        let improved_days = s.improve_days();
        let improved_moves = s.improve_moves();
        if !improved_days && !improved_moves {
            break;
        }
    }
    s.finish(passes)
}

impl<'a> Solver<'a> {
    fn new(plan: &'a Plan, rules: &'a Rules) -> Self {
        let day = plan.steps_per_day();
        let step_h = f64::from(plan.step_s) / 3600.0;
        let weeks = plan.days.div_ceil(7) as usize;
        let masks = rules
            .agents
            .iter()
            .map(|a| a.skills.iter().fold(0u32, |m, &q| m | (1 << q)))
            .collect();
        let options = rules
            .agents
            .iter()
            .map(|a| {
                (0..plan.days as usize)
                    .map(|d| {
                        let Some((from, until)) = a.available[d] else {
                            return Vec::new();
                        };
                        let mut opts = Vec::new();
                        for &k in &a.shift_types {
                            let st = &rules.shifts[k];
                            for &start in &st.start_steps {
                                if start >= from && start + st.length_steps <= until {
                                    opts.push((k, start));
                                }
                            }
                        }
                        opts
                    })
                    .collect()
            })
            .collect();
        Solver {
            plan,
            rules,
            day,
            steps: plan.steps(),
            step_h,
            under_w: UNDER_WEIGHT_PER_AGENT_H * step_h,
            over_w: OVER_WEIGHT_PER_AGENT_H * step_h,
            cover: Cover::new(&plan.required),
            masks,
            assigned: vec![vec![None; plan.days as usize]; rules.agents.len()],
            week_paid: vec![vec![0; weeks]; rules.agents.len()],
            options,
            prefix: Vec::with_capacity(2 * day as usize + 1),
            latest_fit: rules
                .shifts
                .iter()
                .map(|s| {
                    s.break_latest_fit()
                        .expect("validation checks that breaks fit")
                })
                .collect(),
        }
    }

    /// Paid-step limits of week `w` (pro-rated for a short last week).
    fn week_limits(&self, agent: usize, w: usize) -> (u32, u32) {
        let a = &self.rules.agents[agent];
        let days = (self.plan.days - 7 * w as u32).min(7);
        if days == 7 {
            (a.min_paid_steps_week, a.max_paid_steps_week)
        } else {
            (
                a.min_paid_steps_week * days / 7,
                (a.max_paid_steps_week * days).div_ceil(7),
            )
        }
    }

    fn paid(&self, p: &Placed) -> u32 {
        self.rules.shifts[p.shift_type].paid_steps()
    }

    /// Steps (from the plan's start) that `p` on `day` works: the shift minus its breaks.
    fn working_steps(&self, day: usize, p: &Placed) -> impl Iterator<Item = usize> + '_ {
        let st = &self.rules.shifts[p.shift_type];
        let base = day as u32 * self.day;
        let (start, end) = (
            base + p.start,
            (base + p.start + st.length_steps).min(self.steps),
        );
        let breaks: Vec<(u32, u32)> = p
            .breaks
            .iter()
            .zip(&st.breaks)
            .map(|(&b, rule)| (base + b, base + b + rule.length_steps))
            .collect();
        (start..end)
            .filter(move |t| !breaks.iter().any(|(bs, be)| t >= bs && t < be))
            .map(|t| t as usize)
    }

    fn apply(&mut self, agent: usize, day: usize, p: Option<Placed>) {
        if let Some(old) = self.assigned[agent][day].take() {
            self.set_coverage(agent, day, Some(&old), -1);
            self.week_paid[agent][day / 7] -= self.paid(&old);
        }
        if let Some(new) = p {
            self.set_coverage(agent, day, Some(&new), 1);
            self.week_paid[agent][day / 7] += self.paid(&new);
            self.assigned[agent][day] = Some(new);
        }
    }

    /// Fills `self.prefix` with the running value of the agent working each step of the two
    /// days from `day`'s midnight (the agent's own shift on `day` must be removed first).
    fn value_window(&mut self, agent: usize, day: usize) {
        let mask = self.masks[agent];
        let base = day * self.day as usize;
        self.prefix.clear();
        self.prefix.push(0.0);
        let mut acc = 0.0;
        for t in base..base + 2 * self.day as usize {
            if t < self.cover.steps() {
                acc += if self.cover.would_cover(t, mask) {
                    self.under_w
                } else {
                    -self.over_w
                };
            }
            self.prefix.push(acc);
        }
    }

    fn span(&self, from: u32, len: u32) -> f64 {
        self.prefix[(from + len) as usize] - self.prefix[from as usize]
    }

    /// The best break placement for shift type `k` starting at `start`, and the shift's value
    /// (coverage gained minus cost), against the current `prefix`.
    fn place(&self, agent: usize, k: usize, start: u32) -> (f64, Placed) {
        let st = &self.rules.shifts[k];
        let mut value = self.span(start, st.length_steps);
        let mut breaks = Vec::with_capacity(st.breaks.len());
        let mut free = start;
        for (b, &latest) in st.breaks.iter().zip(&self.latest_fit[k]) {
            let lo = (start + b.earliest_start_steps).max(free);
            let hi = start + latest;
            debug_assert!(lo <= hi, "validation checks that every break fits");
            // Take the least valuable time for the break.
            let mut best = (f64::INFINITY, lo);
            for o in lo..=hi {
                let v = self.span(o, b.length_steps);
                if v < best.0 {
                    best = (v, o);
                }
            }
            value -= best.0;
            breaks.push(best.1);
            free = best.1 + b.length_steps;
        }
        let cost = f64::from(st.paid_steps()) * self.step_h * self.rules.agents[agent].hourly_cost;
        (
            value - cost,
            Placed {
                shift_type: k,
                start,
                breaks,
            },
        )
    }

    /// The value of an existing placement against the current `prefix`.
    fn value_of(&self, agent: usize, p: &Placed) -> f64 {
        let st = &self.rules.shifts[p.shift_type];
        let mut value = self.span(p.start, st.length_steps);
        for (&b, rule) in p.breaks.iter().zip(&st.breaks) {
            value -= self.span(b, rule.length_steps);
        }
        value - f64::from(st.paid_steps()) * self.step_h * self.rules.agents[agent].hourly_cost
    }

    /// Start and end (absolute steps) of the agent's shift on `day`, if any.
    fn bounds(&self, agent: usize, day: usize) -> Option<(i64, i64)> {
        let p = self.assigned[agent].get(day)?.as_ref()?;
        let start = i64::from(day as u32 * self.day + p.start);
        Some((
            start,
            start + i64::from(self.rules.shifts[p.shift_type].length_steps),
        ))
    }

    /// Can the agent work shift type `k` from `start` on `day` (its current shift there, if any,
    /// being replaced)? Rest, days in a row and weekly maximum; the weekly minimum may not be
    /// worsened once met.
    fn allowed(&self, agent: usize, day: usize, k: usize, start: u32) -> bool {
        let st = &self.rules.shifts[k];
        let s = i64::from(day as u32 * self.day + start);
        let e = s + i64::from(st.length_steps);
        let rest = i64::from(self.rules.min_rest_steps);
        if day > 0
            && let Some((_, prev_end)) = self.bounds(agent, day - 1)
            && s - prev_end < rest
        {
            return false;
        }
        if let Some((next_start, _)) = self.bounds(agent, day + 1)
            && next_start - e < rest
        {
            return false;
        }
        let worked = |d: usize| self.assigned[agent][d].is_some();
        let before = (0..day).rev().take_while(|&d| worked(d)).count();
        let after = (day + 1..self.plan.days as usize)
            .take_while(|&d| worked(d))
            .count();
        if before + after + 1 > self.rules.max_days_in_row as usize {
            return false;
        }
        let current = self.assigned[agent][day]
            .as_ref()
            .map_or(0, |p| self.paid(p));
        self.hours_allow(agent, day, current, st.paid_steps())
    }

    /// Weekly paid limits when the day's paid steps change from `current` to `new`.
    fn hours_allow(&self, agent: usize, day: usize, current: u32, new: u32) -> bool {
        let w = day / 7;
        let (min, max) = self.week_limits(agent, w);
        let before = self.week_paid[agent][w];
        let after = before - current + new;
        after <= max && (after >= min || after >= before)
    }

    /// The best allowed placement on `day` against the current `prefix`.
    fn best_option(&self, agent: usize, day: usize) -> Option<(f64, Placed)> {
        let mut best: Option<(f64, Placed)> = None;
        for &(k, start) in &self.options[agent][day] {
            if !self.allowed(agent, day, k, start) {
                continue;
            }
            let (v, p) = self.place(agent, k, start);
            if best.as_ref().is_none_or(|(bv, _)| v > *bv + EPSILON) {
                best = Some((v, p));
            }
        }
        best
    }

    /// Agent by agent, least flexible first: meet each week's contracted minimum with the most
    /// valuable shifts, then add shifts while they cover more than they cost.
    fn construct(&mut self) {
        let mut order: Vec<usize> = (0..self.rules.agents.len()).collect();
        order.sort_by_key(|&a| {
            let options: usize = self.options[a].iter().map(Vec::len).sum();
            (self.masks[a].count_ones(), options, a)
        });
        let weeks = self.plan.days.div_ceil(7) as usize;
        for agent in order {
            for w in 0..weeks {
                let days: Vec<usize> = (7 * w..(7 * w + 7).min(self.plan.days as usize)).collect();
                loop {
                    let (min, max) = self.week_limits(agent, w);
                    let paid = self.week_paid[agent][w];
                    let mut best: Option<(f64, usize, Placed)> = None;
                    for &d in &days {
                        if self.assigned[agent][d].is_some() {
                            continue;
                        }
                        self.value_window(agent, d);
                        if let Some((v, p)) = self.best_option(agent, d)
                            && paid + self.paid(&p) <= max
                            && best.as_ref().is_none_or(|(bv, _, _)| v > *bv + EPSILON)
                        {
                            best = Some((v, d, p));
                        }
                    }
                    match best {
                        Some((v, d, p)) if paid < min || v > EPSILON => {
                            self.apply(agent, d, Some(p))
                        }
                        _ => break,
                    }
                }
            }
        }
    }

    /// Re-places each agent-day: another start, shift type or break times, or a day off.
    fn improve_days(&mut self) -> bool {
        let mut improved = false;
        for agent in 0..self.rules.agents.len() {
            for day in 0..self.plan.days as usize {
                let current = self.assigned[agent][day].clone();
                if current.is_none() && self.options[agent][day].is_empty() {
                    continue;
                }
                // Value everything against the plan without this agent-day's coverage, keeping
                // the shift in `assigned` so the rules still see it as the one being replaced.
                self.set_coverage(agent, day, current.as_ref(), -1);
                self.value_window(agent, day);
                let mut choice: Option<Option<Placed>> = None;
                let mut choice_value = current.as_ref().map_or(0.0, |p| self.value_of(agent, p));
                if let Some((v, p)) = self.best_option(agent, day)
                    && v > choice_value + EPSILON
                {
                    choice_value = v;
                    choice = Some(Some(p));
                }
                if let Some(p) = &current
                    && 0.0 > choice_value + EPSILON
                    && self.hours_allow(agent, day, self.paid(p), 0)
                {
                    choice = Some(None);
                }
                self.set_coverage(agent, day, current.as_ref(), 1);
                if let Some(target) = choice {
                    self.apply(agent, day, target);
                    improved = true;
                }
            }
        }
        improved
    }

    /// Adds (`+1`) or removes (`-1`) a placement's working steps from the coverage only.
    fn set_coverage(&mut self, agent: usize, day: usize, p: Option<&Placed>, delta: i32) {
        let Some(p) = p else { return };
        let mask = self.masks[agent];
        let steps: Vec<usize> = self.working_steps(day, p).collect();
        for t in steps {
            self.cover.change(t, mask, delta);
        }
    }

    /// Moves a shift to a day off in the same week when that covers more.
    fn improve_moves(&mut self) -> bool {
        let mut improved = false;
        for agent in 0..self.rules.agents.len() {
            for from in 0..self.plan.days as usize {
                let Some(current) = self.assigned[agent][from].clone() else {
                    continue;
                };
                let week = from / 7;
                let days = 7 * week..(7 * week + 7).min(self.plan.days as usize);
                // Value of keeping it, against the plan without it.
                self.apply(agent, from, None);
                self.value_window(agent, from);
                let keep = self.value_of(agent, &current);
                let mut best: Option<(f64, usize, Placed)> = None;
                for to in days {
                    if to == from || self.assigned[agent][to].is_some() {
                        continue;
                    }
                    self.value_window(agent, to);
                    if let Some((v, p)) = self.best_option(agent, to) {
                        // Moving keeps the week's paid hours within the contract.
                        let paid_after = self.week_paid[agent][week] + self.paid(&p);
                        let (min, _) = self.week_limits(agent, week);
                        let before = paid_after - self.paid(&p) + self.paid(&current);
                        if (paid_after >= min || paid_after >= before)
                            && v > keep + EPSILON
                            && best.as_ref().is_none_or(|(bv, _, _)| v > *bv + EPSILON)
                        {
                            best = Some((v, to, p));
                        }
                    }
                }
                match best {
                    Some((_, to, p)) => {
                        self.apply(agent, to, Some(p));
                        improved = true;
                    }
                    None => self.apply(agent, from, Some(current)),
                }
            }
        }
        improved
    }

    fn finish(self, passes: u32) -> Schedule {
        let mut shifts = Vec::new();
        let mut paid_steps_total = 0u64;
        let mut cost = 0.0;
        for (agent, days) in self.assigned.iter().enumerate() {
            for (day, p) in days.iter().enumerate() {
                let Some(p) = p else { continue };
                let st = &self.rules.shifts[p.shift_type];
                let base = day as u32 * self.day;
                let paid = st.paid_steps();
                paid_steps_total += u64::from(paid);
                cost += f64::from(paid) * self.step_h * self.rules.agents[agent].hourly_cost;
                shifts.push(Shift {
                    agent,
                    day: day as u32,
                    shift_type: p.shift_type,
                    start_step: base + p.start,
                    end_step: base + p.start + st.length_steps,
                    breaks: p
                        .breaks
                        .iter()
                        .zip(&st.breaks)
                        .enumerate()
                        .map(|(i, (&b, rule))| PlacedBreak {
                            rule: i,
                            start_step: base + b,
                            end_step: base + b + rule.length_steps,
                        })
                        .collect(),
                    paid_steps: paid,
                });
            }
        }
        // Working agents per skill group and step, for the allocation.
        let steps = self.steps as usize;
        let mut groups: Vec<u32> = self.masks.clone();
        groups.sort_unstable();
        groups.dedup();
        let mut per_group = vec![vec![0u32; groups.len()]; steps];
        for (agent, days) in self.assigned.iter().enumerate() {
            let g = groups
                .binary_search(&self.masks[agent])
                .expect("every mask is a group");
            for (day, p) in days.iter().enumerate() {
                if let Some(p) = p {
                    for t in self.working_steps(day, p) {
                        per_group[t][g] += 1;
                    }
                }
            }
        }
        let queues = self.plan.queues.len();
        let mut coverage = vec![vec![0.0; steps]; queues];
        let (mut under, mut over, mut working, mut required) = (0i64, 0i64, 0i64, 0i64);
        let mut understaffed_steps = 0;
        for t in 0..steps {
            let req: Vec<u32> = (0..queues).map(|q| self.plan.required[q][t]).collect();
            let g: Vec<(u32, u32)> = groups
                .iter()
                .copied()
                .zip(per_group[t].iter().copied())
                .collect();
            for (q, v) in allocate(&req, &g).into_iter().enumerate() {
                coverage[q][t] = v;
            }
            under += i64::from(self.cover.under(t));
            over += i64::from(self.cover.over(t));
            working += per_group[t].iter().map(|&v| i64::from(v)).sum::<i64>();
            required += req.iter().map(|&v| i64::from(v)).sum::<i64>();
            if self.cover.under(t) > 0 {
                understaffed_steps += 1;
            }
        }
        let mut shortfalls = Vec::new();
        for (agent, weeks) in self.week_paid.iter().enumerate() {
            for (w, &paid) in weeks.iter().enumerate() {
                let (min, _) = self.week_limits(agent, w);
                if paid < min {
                    shortfalls.push(format!(
                        "agent {}: week {} has {:.2} paid hours, the contract asks {:.2}",
                        self.rules.agents[agent].id,
                        w + 1,
                        f64::from(paid) * self.step_h,
                        f64::from(min) * self.step_h
                    ));
                }
            }
        }
        let h = self.step_h;
        Schedule {
            totals: Totals {
                required_agent_h: required as f64 * h,
                working_agent_h: working as f64 * h,
                under_agent_h: under as f64 * h,
                over_agent_h: over as f64 * h,
                paid_h: paid_steps_total as f64 * h,
                cost,
                shifts: shifts.len(),
                understaffed_steps,
            },
            shifts,
            coverage,
            shortfalls,
            passes,
        }
    }
}
