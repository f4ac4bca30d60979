//! Checks a set of shifts against the rules, independently of how they were made: the solver's
//! tests use it, and so can a planner's hand edits.

use super::{Plan, Rules, Shift};

/// Every rule the shifts break, in words (empty when they honour all of them). Contract minimums
/// are not rules here: [`super::Schedule::shortfalls`] reports them.
pub fn check_schedule(plan: &Plan, rules: &Rules, shifts: &[Shift]) -> Vec<String> {
    let mut problems = Vec::new();
    let day = plan.steps_per_day();
    let mut per_agent: Vec<Vec<&Shift>> = vec![Vec::new(); rules.agents.len()];
    for s in shifts {
        let Some(agent) = rules.agents.get(s.agent) else {
            problems.push(format!(
                "shift on day {} has no such agent {}",
                s.day, s.agent
            ));
            continue;
        };
        let who = &agent.id;
        let Some(st) = rules.shifts.get(s.shift_type) else {
            problems.push(format!("{who}: unknown shift type {}", s.shift_type));
            continue;
        };
        per_agent[s.agent].push(s);
        if !agent.shift_types.contains(&s.shift_type) {
            problems.push(format!("{who} day {}: may not work {}", s.day, st.name));
        }
        let start = s.start_step.wrapping_sub(s.day * day);
        if s.start_step < s.day * day || !st.start_steps.contains(&start) {
            problems.push(format!(
                "{who} day {}: {} may not start then",
                s.day, st.name
            ));
        }
        if s.end_step != s.start_step + st.length_steps {
            problems.push(format!(
                "{who} day {}: {} has the wrong length",
                s.day, st.name
            ));
        }
        match agent.available.get(s.day as usize).copied().flatten() {
            Some((from, until)) if start >= from && start + st.length_steps <= until => {}
            _ => problems.push(format!("{who} day {}: works outside availability", s.day)),
        }
        if s.breaks.len() != st.breaks.len() {
            problems.push(format!(
                "{who} day {}: {} breaks, not {}",
                s.day,
                s.breaks.len(),
                st.breaks.len()
            ));
        }
        let mut free = s.start_step;
        for (b, rule) in s.breaks.iter().zip(&st.breaks) {
            let offset = b.start_step.wrapping_sub(s.start_step);
            let ok = b.start_step >= free
                && offset >= rule.earliest_start_steps
                && offset <= rule.latest_start_steps
                && b.end_step == b.start_step + rule.length_steps
                && b.end_step <= s.end_step;
            if !ok {
                problems.push(format!(
                    "{who} day {}: {} outside its window",
                    s.day, rule.name
                ));
            }
            free = b.end_step;
        }
        if s.paid_steps != st.paid_steps() {
            problems.push(format!("{who} day {}: wrong paid time", s.day));
        }
    }
    for (a, list) in per_agent.iter_mut().enumerate() {
        let agent = &rules.agents[a];
        list.sort_by_key(|s| s.start_step);
        for pair in list.windows(2) {
            let (x, y) = (pair[0], pair[1]);
            if x.day == y.day {
                problems.push(format!("{}: two shifts on day {}", agent.id, x.day));
            } else if y.start_step < x.end_step + rules.min_rest_steps {
                problems.push(format!(
                    "{}: too little rest before day {}",
                    agent.id, y.day
                ));
            }
        }
        let mut run = 0;
        let mut last_day: Option<u32> = None;
        for s in list.iter() {
            run = if last_day.is_some_and(|d| d + 1 == s.day) {
                run + 1
            } else {
                1
            };
            last_day = Some(s.day);
            if run > rules.max_days_in_row {
                problems.push(format!(
                    "{}: more than {} days in a row",
                    agent.id, rules.max_days_in_row
                ));
            }
        }
        for w in 0..plan.days.div_ceil(7) {
            let paid: u32 = list
                .iter()
                .filter(|s| s.day / 7 == w)
                .map(|s| s.paid_steps)
                .sum();
            let days = (plan.days - 7 * w).min(7);
            let max = (agent.max_paid_steps_week * days).div_ceil(7);
            if paid > max {
                problems.push(format!(
                    "{}: week {} over the maximum hours",
                    agent.id,
                    w + 1
                ));
            }
        }
    }
    problems
}
