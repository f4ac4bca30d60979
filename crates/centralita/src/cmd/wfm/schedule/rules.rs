//! The rules file of `centralita schedule` (TOML), turned into the `wfm` crate's step units.
//!
//! ```toml
//! step_min = 15            # time resolution of shifts and breaks (default 15)
//! min_rest_h = 11          # between the end of a shift and the next start (default 11)
//! max_days_in_row = 5      # (default 6)
//!
//! [[shift]]
//! name = "early"
//! length_min = 510         # start to end, breaks included
//! start_earliest = "06:00" # with start_latest and start_every_min (default: step_min) …
//! start_latest = "10:00"
//! # starts = ["06:00", "07:00"]   # … or a list
//! [[shift.break]]
//! name = "lunch"
//! length_min = 30
//! after_min = 210          # earliest start, minutes after the shift starts
//! before_min = 300         # latest start
//! paid = false             # (default false)
//!
//! [[agent]]
//! id = "ana"
//! count = 1                # more than 1: ids ana-001, ana-002, …
//! skills = ["sales", "support"]
//! contract_h_week = 40     # or min_h_week / max_h_week
//! hourly_cost = 21.5
//! shifts = ["early"]       # (default: all)
//! days_off = ["Sat", "Sun"]
//! unavailable = ["2026-03-19"]
//! available_from = "07:00" # (default 00:00)
//! available_until = "22:00" # (default 24:00; up to 48:00 for overnight work)
//! ```

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use wfm::schedule::{Agent, BreakRule, Rules, ShiftType};

/// Default time resolution, minutes.
pub const DEFAULT_STEP_MIN: u32 = 15;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    step_min: Option<u32>,
    min_rest_h: Option<f64>,
    max_days_in_row: Option<u32>,
    #[serde(default, rename = "shift")]
    shifts: Vec<ShiftFile>,
    #[serde(default, rename = "agent")]
    agents: Vec<AgentFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftFile {
    name: String,
    length_min: u32,
    starts: Option<Vec<String>>,
    start_earliest: Option<String>,
    start_latest: Option<String>,
    start_every_min: Option<u32>,
    #[serde(default, rename = "break")]
    breaks: Vec<BreakFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreakFile {
    name: String,
    length_min: u32,
    after_min: u32,
    before_min: u32,
    #[serde(default)]
    paid: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentFile {
    id: String,
    count: Option<u32>,
    skills: Vec<String>,
    contract_h_week: Option<f64>,
    min_h_week: Option<f64>,
    max_h_week: Option<f64>,
    hourly_cost: f64,
    shifts: Option<Vec<String>>,
    days_off: Option<Vec<String>>,
    unavailable: Option<Vec<String>>,
    available_from: Option<String>,
    available_until: Option<String>,
}

/// Most agents one `[[agent]]` entry may expand to.
pub const MAX_COUNT: u32 = 5_000;

/// The parsed rules, in steps, and what the planner should know about them.
pub struct ParsedRules {
    /// Step length, seconds.
    pub step_s: u32,
    /// The rules.
    pub rules: Rules,
    /// Agents left out (no skill in the plan's queues).
    pub notes: Vec<String>,
}

/// "HH:MM" → minutes (up to 48:00).
fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && h * 60 + m <= 48 * 60).then_some(h * 60 + m)
}

/// Parses the rules for a plan with `queues` starting on `first_date`, `days` long.
pub fn parse(
    text: &str,
    queues: &[String],
    first_date: NaiveDate,
    days: u32,
    interval_min: u32,
) -> Result<ParsedRules, String> {
    let file: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let step_min = file.step_min.unwrap_or(DEFAULT_STEP_MIN.min(interval_min));
    if step_min == 0 || 1440 % step_min != 0 {
        return Err(format!("step_min = {step_min} must divide a day"));
    }
    if !interval_min.is_multiple_of(step_min) {
        return Err(format!(
            "step_min = {step_min} must divide the requirements' {interval_min}-minute intervals"
        ));
    }
    let steps = |what: &str, min: u32| -> Result<u32, String> {
        if min.is_multiple_of(step_min) {
            Ok(min / step_min)
        } else {
            Err(format!(
                "{what} = {min} minutes is not a multiple of step_min = {step_min}"
            ))
        }
    };
    let clock = |what: &str, text: &str| -> Result<u32, String> {
        let m =
            minutes(text).ok_or_else(|| format!("{what} = {text:?} is not a time like 07:30"))?;
        steps(what, m)
    };
    let rest_h = file.min_rest_h.unwrap_or(11.0);
    if !(rest_h.is_finite() && (0.0..=48.0).contains(&rest_h)) {
        return Err(format!("min_rest_h = {rest_h} must be 0 to 48"));
    }
    let min_rest_steps = ((rest_h * 60.0) / f64::from(step_min)).ceil() as u32;
    let max_days_in_row = file.max_days_in_row.unwrap_or(6);
    if !(1..=31).contains(&max_days_in_row) {
        return Err(format!(
            "max_days_in_row = {max_days_in_row} must be 1 to 31"
        ));
    }

    if file.shifts.is_empty() {
        return Err("no [[shift]] given".into());
    }
    let mut shifts = Vec::new();
    let mut shift_index = HashMap::new();
    for s in &file.shifts {
        let at = |field: &str| format!("shift {:?}: {field}", s.name);
        if shift_index.insert(s.name.clone(), shifts.len()).is_some() {
            return Err(format!("shift {:?} is given twice", s.name));
        }
        let length_steps = steps(&at("length_min"), s.length_min)?;
        let day_steps = 1440 / step_min;
        let start_steps: Vec<u32> = match (&s.starts, &s.start_earliest, &s.start_latest) {
            (Some(list), None, None) => list
                .iter()
                .map(|t| clock(&at("starts"), t))
                .collect::<Result<_, _>>()?,
            (None, Some(a), Some(b)) => {
                let (a, b) = (
                    clock(&at("start_earliest"), a)?,
                    clock(&at("start_latest"), b)?,
                );
                let every = steps(
                    &at("start_every_min"),
                    s.start_every_min.unwrap_or(step_min),
                )?;
                if every == 0 || a > b {
                    return Err(at(
                        "start_earliest must not be after start_latest, and start_every_min above 0",
                    ));
                }
                (a..=b).step_by(every as usize).collect()
            }
            _ => {
                return Err(at(
                    "give either starts = [...] or start_earliest and start_latest",
                ));
            }
        };
        if start_steps.iter().any(|&t| t >= day_steps) {
            return Err(at("start times must be before 24:00"));
        }
        let breaks = s
            .breaks
            .iter()
            .map(|b| {
                let bat = |f: &str| at(&format!("break {:?}: {f}", b.name));
                Ok(BreakRule {
                    name: b.name.clone(),
                    length_steps: steps(&bat("length_min"), b.length_min)?,
                    earliest_start_steps: steps(&bat("after_min"), b.after_min)?,
                    latest_start_steps: steps(&bat("before_min"), b.before_min)?,
                    paid: b.paid,
                })
            })
            .collect::<Result<_, String>>()?;
        shifts.push(ShiftType {
            name: s.name.clone(),
            length_steps,
            start_steps,
            breaks,
        });
    }

    let queue_index: HashMap<&str, usize> = queues
        .iter()
        .enumerate()
        .map(|(i, q)| (q.as_str(), i))
        .collect();
    let mut agents = Vec::new();
    let mut notes = Vec::new();
    let mut ids = HashMap::new();
    for a in &file.agents {
        let at = |field: &str| format!("agent {:?}: {field}", a.id);
        let count = a.count.unwrap_or(1);
        if count == 0 || count > MAX_COUNT {
            return Err(at(&format!("count must be 1 to {MAX_COUNT}")));
        }
        let hours = |v: Option<f64>, field: &str| -> Result<Option<u32>, String> {
            match v {
                None => Ok(None),
                Some(h) if h.is_finite() && (0.0..=168.0).contains(&h) => {
                    Ok(Some((h * 60.0 / f64::from(step_min)).round() as u32))
                }
                Some(h) => Err(at(&format!("{field} = {h} must be 0 to 168"))),
            }
        };
        let contract = hours(a.contract_h_week, "contract_h_week")?;
        let min = hours(a.min_h_week, "min_h_week")?.or(contract).unwrap_or(0);
        let max = hours(a.max_h_week, "max_h_week")?
            .or(contract)
            .unwrap_or(168 * 60 / step_min);
        if min > max {
            return Err(at("the minimum weekly hours are above the maximum"));
        }
        if !(a.hourly_cost.is_finite() && a.hourly_cost >= 0.0) {
            return Err(at("hourly_cost must be 0 or more"));
        }
        let mut skills = Vec::new();
        for s in &a.skills {
            if let Some(&q) = queue_index.get(s.as_str()) {
                skills.push(q);
            }
        }
        let shift_types = match &a.shifts {
            None => (0..shifts.len()).collect(),
            Some(names) => names
                .iter()
                .map(|n| {
                    shift_index
                        .get(n)
                        .copied()
                        .ok_or_else(|| at(&format!("no shift named {n:?}")))
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let days_off: Vec<Weekday> = a
            .days_off
            .iter()
            .flatten()
            .map(|d| {
                d.parse::<Weekday>()
                    .map_err(|_| at(&format!("days_off: {d:?} is not a weekday")))
            })
            .collect::<Result<_, _>>()?;
        let unavailable: Vec<NaiveDate> = a
            .unavailable
            .iter()
            .flatten()
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| at(&format!("unavailable: {d:?} is not a date like 2026-03-19")))
            })
            .collect::<Result<_, _>>()?;
        let from = match &a.available_from {
            Some(t) => clock(&at("available_from"), t)?,
            None => 0,
        };
        let until = match &a.available_until {
            Some(t) => clock(&at("available_until"), t)?,
            None => 1440 / step_min,
        };
        if from >= until {
            return Err(at("available_from must be before available_until"));
        }
        let available = (0..days)
            .map(|d| {
                let date = first_date + chrono::TimeDelta::days(i64::from(d));
                (!days_off.contains(&date.weekday()) && !unavailable.contains(&date))
                    .then_some((from, until))
            })
            .collect::<Vec<_>>();
        if skills.is_empty() {
            notes.push(format!(
                "agent {:?} ({count}) has no skill among the plan's queues and is left out",
                a.id
            ));
            continue;
        }
        for i in 1..=count {
            let id = if count == 1 {
                a.id.clone()
            } else {
                format!("{}-{i:03}", a.id)
            };
            if ids.insert(id.clone(), ()).is_some() {
                return Err(format!("agent id {id:?} is used twice"));
            }
            agents.push(Agent {
                id,
                skills: skills.clone(),
                min_paid_steps_week: min,
                max_paid_steps_week: max,
                hourly_cost: a.hourly_cost,
                shift_types: shift_types.clone(),
                available: available.clone(),
            });
        }
    }
    if agents.is_empty() {
        return Err("no [[agent]] with a skill among the plan's queues".into());
    }
    Ok(ParsedRules {
        step_s: step_min * 60,
        rules: Rules {
            min_rest_steps,
            max_days_in_row,
            shifts,
            agents,
        },
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse() {
        assert_eq!(minutes("07:30"), Some(450));
        assert_eq!(minutes("26:00"), Some(1560));
        assert_eq!(minutes("7:5x"), None);
        assert_eq!(minutes("12:60"), None);
    }
}
