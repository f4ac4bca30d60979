//! Cost of service: what the staffing costs per handled contact, what the unanswered calls cost,
//! and what each point of service level costs.
//!
//! Staffed hours are the agents to schedule (shrinkage included) × the interval length. They cost
//! the loaded hourly cost (wage, taxes, benefits, supervision share) plus a workstation cost per
//! staffed hour (seat, licences, telephony). Calls not answered are abandons (Erlang A rows) ×
//! the value of a lost call. Erlang C rows have patient callers and so no abandons.

use crate::WfmError;
use crate::error::check_range;
use crate::staffing::{Staffing, StaffingRequest, staff};

/// What an hour and a lost call cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostRates {
    /// Loaded cost of one paid agent-hour.
    pub loaded_hourly_cost: f64,
    /// Workstation cost of one staffed hour.
    pub workstation_cost_h: f64,
    /// What one unanswered call costs (lost sale, repeat call, churn).
    pub lost_call_value: f64,
}

impl CostRates {
    /// Checks that every rate is a finite amount of 0 or more.
    pub fn validate(&self) -> Result<(), WfmError> {
        let amount = "an amount, 0 or more";
        check_range(
            "hourly_cost",
            self.loaded_hourly_cost,
            0.0,
            f64::MAX,
            false,
            false,
            amount,
        )?;
        check_range(
            "workstation_cost_h",
            self.workstation_cost_h,
            0.0,
            f64::MAX,
            false,
            false,
            amount,
        )?;
        check_range(
            "lost_call_value",
            self.lost_call_value,
            0.0,
            f64::MAX,
            false,
            false,
            amount,
        )?;
        Ok(())
    }
}

/// Costs and volumes of a set of staffed intervals.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CostSummary {
    /// Calls offered.
    pub offered: f64,
    /// Calls answered.
    pub handled: f64,
    /// Calls abandoned.
    pub abandoned: f64,
    /// Answered within the threshold over offered (abandons are misses).
    pub service_level: f64,
    /// Paid agent-hours (scheduled agents × interval).
    pub staffed_h: f64,
    /// Staffed hours × loaded hourly cost.
    pub staff_cost: f64,
    /// Staffed hours × workstation cost per hour.
    pub workstation_cost: f64,
    /// Abandons × lost-call value.
    pub lost_call_cost: f64,
    /// (Staff + workstation cost) / handled calls.
    pub cost_per_handled: f64,
    /// Staff + workstation + lost-call cost.
    pub total_cost: f64,
}

/// Adds up the costs of staffed intervals.
pub fn summarize(rows: &[(StaffingRequest, Staffing)], rates: &CostRates) -> CostSummary {
    let mut s = CostSummary::default();
    let mut answered_in_time = 0.0;
    for (req, st) in rows {
        let abandoned = req.calls * st.abandon_rate.unwrap_or(0.0);
        s.offered += req.calls;
        s.abandoned += abandoned;
        s.handled += req.calls - abandoned;
        answered_in_time += req.calls * st.service_level;
        s.staffed_h += f64::from(st.scheduled_agents) * req.interval_s / 3600.0;
    }
    s.service_level = if s.offered > 0.0 {
        answered_in_time / s.offered
    } else {
        1.0
    };
    s.staff_cost = s.staffed_h * rates.loaded_hourly_cost;
    s.workstation_cost = s.staffed_h * rates.workstation_cost_h;
    s.lost_call_cost = s.abandoned * rates.lost_call_value;
    let service_cost = s.staff_cost + s.workstation_cost;
    s.cost_per_handled = if s.handled > 0.0 {
        service_cost / s.handled
    } else {
        0.0
    };
    s.total_cost = service_cost + s.lost_call_cost;
    s
}

/// One row of the service level vs cost table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetCost {
    /// The target every interval was staffed to.
    pub sl_target: f64,
    /// Costs at that target.
    pub summary: CostSummary,
    /// Total cost per day.
    pub daily_cost: f64,
    /// Extra daily cost per point of service-level target over the previous row.
    pub daily_cost_per_point: Option<f64>,
}

/// Staffs every interval to each target in turn and prices it: what each point of service level
/// costs a day. `days` is how many days the intervals span.
pub fn service_level_table(
    requests: &[StaffingRequest],
    targets: &[f64],
    rates: &CostRates,
    days: f64,
) -> Result<Vec<TargetCost>, WfmError> {
    rates.validate()?;
    check_range(
        "days",
        days,
        0.0,
        f64::MAX,
        true,
        false,
        "a positive number of days",
    )?;
    let mut sorted = targets.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut table: Vec<TargetCost> = Vec::with_capacity(sorted.len());
    for target in sorted {
        let rows = requests
            .iter()
            .map(|r| {
                let req = StaffingRequest {
                    sl_target: target,
                    ..*r
                };
                staff(&req).map(|s| (req, s))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let summary = summarize(&rows, rates);
        let daily_cost = summary.total_cost / days;
        let daily_cost_per_point = table
            .last()
            .map(|prev| (daily_cost - prev.daily_cost) / ((target - prev.sl_target) * 100.0));
        table.push(TargetCost {
            sl_target: target,
            summary,
            daily_cost,
            daily_cost_per_point,
        });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(calls: f64, patience_s: Option<f64>) -> StaffingRequest {
        StaffingRequest {
            calls,
            aht_s: 300.0,
            interval_s: 1800.0,
            sl_target: 0.8,
            sl_seconds: 20.0,
            max_occupancy: 1.0,
            patience_s,
            shrinkage: Some(0.25),
        }
    }

    const RATES: CostRates = CostRates {
        loaded_hourly_cost: 30.0,
        workstation_cost_h: 2.0,
        lost_call_value: 10.0,
    };

    #[test]
    fn cost_per_handled_contact_by_hand() {
        let r = req(120.0, None);
        let s = staff(&r).unwrap();
        // 20 Erlangs; scheduled = agents / 0.75; half an hour each.
        let sum = summarize(&[(r, s)], &RATES);
        let hours = f64::from(s.scheduled_agents) * 0.5;
        assert_eq!(sum.staffed_h, hours);
        assert_eq!(sum.abandoned, 0.0);
        assert!((sum.cost_per_handled - hours * 32.0 / 120.0).abs() < 1e-12);
        assert_eq!(sum.total_cost, hours * 32.0);
    }

    #[test]
    fn abandons_are_priced() {
        let r = req(120.0, Some(60.0));
        let s = staff(&r).unwrap();
        let sum = summarize(&[(r, s)], &RATES);
        let abandoned = 120.0 * s.abandon_rate.unwrap();
        assert!(abandoned > 0.0);
        assert!((sum.lost_call_cost - abandoned * 10.0).abs() < 1e-9);
        assert!((sum.handled + sum.abandoned - 120.0).abs() < 1e-9);
    }

    #[test]
    fn higher_targets_cost_more() {
        let requests: Vec<_> = [40.0, 120.0, 300.0]
            .iter()
            .map(|&c| req(c, Some(120.0)))
            .collect();
        let table = service_level_table(&requests, &[0.9, 0.6, 0.8, 0.7], &RATES, 1.0).unwrap();
        assert_eq!(table.len(), 4);
        assert_eq!(table[0].sl_target, 0.6);
        assert!(table[0].daily_cost_per_point.is_none());
        for pair in table.windows(2) {
            assert!(pair[1].summary.staffed_h >= pair[0].summary.staffed_h);
            assert!(pair[1].summary.abandoned <= pair[0].summary.abandoned);
            assert!(pair[1].summary.service_level >= pair[1].sl_target);
        }
        assert!(service_level_table(&requests, &[1.5], &RATES, 1.0).is_err());
    }
}
