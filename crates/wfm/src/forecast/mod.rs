//! Volume forecasts per queue and interval, and how to judge them.
//!
//! The method, per queue (documented for planners in `docs/planning.md`):
//!
//! 1. **Daily volume**: a Poisson regression of each ordinary full day's calls on a log-linear
//!    trend and a day-of-week effect, `E[calls on d] = exp(level + trend·t_d + dow(d))`. The
//!    trend is fitted once the history has [`MIN_TREND_DAYS`] ordinary days.
//! 2. **Special days**: each label (`holiday`, `black-friday`, …) gets a factor, the calls of its
//!    history days over what the regression expected for them; horizon days with the label are
//!    scaled by it. A label never seen in the history gets factor 1 and a note.
//! 3. **Time-of-day shape**: per day of the week, the share of the day's calls in each interval,
//!    with days whose shapes a chi-square test cannot tell apart pooled (see `shape.rs`); a label
//!    takes the shape of the group it matches, or its own.
//! 4. **Forecast** = daily volume × special-day factor × shape share. Handle time, when the
//!    history has it, is the calls-weighted mean of the same shape group and interval.
//!
//! Every figure is an expected value (fractional calls). Intervals missing inside the history
//! count as zero calls; days only partly covered at its ends are left out of the fit.

mod glm;
mod shape;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};

use crate::WfmError;

/// Seconds in a day.
pub const DAY_S: i64 = 86_400;
/// The longest history accepted, in days.
pub const MAX_HISTORY_DAYS: i64 = 5 * 366;
/// The longest horizon accepted, in days.
pub const MAX_HORIZON_DAYS: i64 = 366;
/// Ordinary full days needed before a trend is fitted (below, the level is flat).
pub const MIN_TREND_DAYS: usize = 21;
/// Ordinary full days needed at all (one of each day of the week).
pub const MIN_HISTORY_DAYS: usize = 7;

/// One interval of history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    /// Start of the interval (local time).
    pub start: NaiveDateTime,
    /// Calls offered.
    pub calls: f64,
    /// Average handle time, seconds, if known.
    pub aht_s: Option<f64>,
}

/// Dates that behave unlike their day of the week, each with a label; days with the same label
/// behave alike.
#[derive(Debug, Clone, Default)]
pub struct SpecialDays {
    labels: BTreeMap<NaiveDate, String>,
}

impl SpecialDays {
    /// No special days.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one; a date given twice with different labels is an error.
    pub fn insert(&mut self, date: NaiveDate, label: &str) -> Result<(), WfmError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(WfmError::Invalid(format!("{date}: empty label")));
        }
        match self.labels.get(&date) {
            Some(old) if old != label => Err(WfmError::Invalid(format!(
                "{date} is labelled both {old:?} and {label:?}"
            ))),
            _ => {
                self.labels.insert(date, label.to_string());
                Ok(())
            }
        }
    }

    /// The label of a date, if it is special.
    pub fn label(&self, date: NaiveDate) -> Option<&str> {
        self.labels.get(&date).map(String::as_str)
    }
}

/// One forecast interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastPoint {
    /// Start of the interval.
    pub start: NaiveDateTime,
    /// Expected calls.
    pub calls: f64,
    /// Expected average handle time, seconds (when the history has it).
    pub aht_s: Option<f64>,
}

/// What the model learned, for the planner to read.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    /// Ordinary full days the daily model was fitted on.
    pub days_fitted: usize,
    /// Growth per week of the daily volume (0.01 = +1 % a week).
    pub weekly_growth: f64,
    /// Volume of each day of the week relative to their mean.
    pub day_factors: Vec<(Weekday, f64)>,
    /// Days of the week that share one time-of-day shape.
    pub shape_groups: Vec<Vec<Weekday>>,
    /// Special-day labels: factor on the day's volume, history days seen, shape used.
    pub special: Vec<SpecialFactor>,
    /// Anything the planner should know (labels never seen, no trend, …).
    pub notes: Vec<String>,
}

/// How one special-day label behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecialFactor {
    /// The label.
    pub label: String,
    /// Days with the label in the history.
    pub history_days: usize,
    /// Calls on such a day over what an ordinary day of the same weekday would have.
    pub factor: f64,
    /// Which shape it takes: the days of a group (e.g. "Mon-Fri") or "own".
    pub shape: String,
}

/// A queue's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueForecast {
    /// Interval length found in the history, seconds.
    pub interval_s: i64,
    /// One point per interval from the end of the history up to the horizon.
    pub points: Vec<ForecastPoint>,
    /// What the model learned.
    pub model: ModelSummary,
}

/// The interval length of a history: the greatest common divisor of the gaps between interval
/// starts, which must divide a day.
pub fn infer_interval_s(points: &[HistoryPoint]) -> Result<i64, WfmError> {
    let mut starts: Vec<i64> = points
        .iter()
        .map(|p| p.start.and_utc().timestamp())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let gcd = starts.windows(2).map(|w| w[1] - w[0]).fold(0i64, gcd);
    if gcd == 0 {
        return Err(WfmError::Invalid(
            "the history needs more than one interval".into(),
        ));
    }
    if DAY_S % gcd != 0 {
        return Err(WfmError::Invalid(format!(
            "interval starts are {gcd} s apart, which does not divide a day"
        )));
    }
    Ok(gcd)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Forecasts one queue from its history, for every interval from the end of the history up to
/// (not including) `until`.
pub fn forecast_queue(
    history: &[HistoryPoint],
    special: &SpecialDays,
    until: NaiveDateTime,
) -> Result<QueueForecast, WfmError> {
    let grid = Grid::build(history)?;
    let model = Model::fit(&grid, special)?;
    let start = grid.end();
    if until <= start {
        return Ok(QueueForecast {
            interval_s: grid.interval_s,
            points: Vec::new(),
            model: model.summary,
        });
    }
    if (until - start).num_seconds() > MAX_HORIZON_DAYS * DAY_S {
        return Err(WfmError::Invalid(format!(
            "the horizon is longer than {MAX_HORIZON_DAYS} days"
        )));
    }
    let mut points = Vec::new();
    let mut t = start;
    while t < until {
        let date = t.date();
        let slot = (t.num_seconds_from_midnight() as i64 / grid.interval_s) as usize;
        let day = (date - grid.first_date).num_days();
        let (calls, aht_s) = model.predict(day, date, slot, special);
        points.push(ForecastPoint {
            start: t,
            calls,
            aht_s,
        });
        t += TimeDelta::seconds(grid.interval_s);
    }
    Ok(QueueForecast {
        interval_s: grid.interval_s,
        points,
        model: model.summary,
    })
}

/// The history on a regular grid of days × slots.
struct Grid {
    interval_s: i64,
    slots: usize,
    first_date: NaiveDate,
    calls: Vec<Vec<f64>>,
    /// calls × aht and the calls that had an aht, per day and slot.
    handle: Vec<Vec<(f64, f64)>>,
    full: Vec<bool>,
    last: NaiveDateTime,
    has_aht: bool,
}

impl Grid {
    fn build(history: &[HistoryPoint]) -> Result<Grid, WfmError> {
        let interval_s = infer_interval_s(history)?;
        let slots = (DAY_S / interval_s) as usize;
        let first = history
            .iter()
            .map(|p| p.start)
            .min()
            .expect("checked: 2+ points");
        let last = history
            .iter()
            .map(|p| p.start)
            .max()
            .expect("checked: 2+ points");
        let first_date = first.date();
        let days = (last.date() - first_date).num_days() + 1;
        if days > MAX_HISTORY_DAYS {
            return Err(WfmError::Invalid(format!(
                "the history spans {days} days; at most {MAX_HISTORY_DAYS}"
            )));
        }
        let days = days as usize;
        let mut calls = vec![vec![0.0; slots]; days];
        let mut handle = vec![vec![(0.0, 0.0); slots]; days];
        let mut seen = vec![vec![false; slots]; days];
        let mut has_aht = false;
        for p in history {
            let secs = i64::from(p.start.num_seconds_from_midnight());
            if secs % interval_s != 0 {
                return Err(WfmError::Invalid(format!(
                    "{}: not on the {interval_s}-second grid",
                    p.start
                )));
            }
            let (d, s) = (
                (p.start.date() - first_date).num_days() as usize,
                (secs / interval_s) as usize,
            );
            if seen[d][s] {
                return Err(WfmError::Invalid(format!("{}: given twice", p.start)));
            }
            if !(p.calls.is_finite() && p.calls >= 0.0) {
                return Err(WfmError::Invalid(format!(
                    "{}: calls {} below 0",
                    p.start, p.calls
                )));
            }
            seen[d][s] = true;
            calls[d][s] = p.calls;
            if let Some(aht) = p.aht_s.filter(|a| a.is_finite() && *a > 0.0) {
                handle[d][s] = (p.calls * aht, p.calls);
                has_aht = true;
            }
        }
        let first_slot = (i64::from(first.num_seconds_from_midnight()) / interval_s) as usize;
        let last_slot = (i64::from(last.num_seconds_from_midnight()) / interval_s) as usize;
        let full = (0..days)
            .map(|d| (d > 0 || first_slot == 0) && (d + 1 < days || last_slot == slots - 1))
            .collect();
        Ok(Grid {
            interval_s,
            slots,
            first_date,
            calls,
            handle,
            full,
            last,
            has_aht,
        })
    }

    /// The first instant after the history.
    fn end(&self) -> NaiveDateTime {
        self.last + TimeDelta::seconds(self.interval_s)
    }

    fn date(&self, day: usize) -> NaiveDate {
        self.first_date + TimeDelta::days(day as i64)
    }
}

/// The fitted model of one queue.
struct Model {
    /// exp(level), trend per day, effect per weekday (Monday = 0).
    beta0: f64,
    trend_per_day: f64,
    dow_effect: [f64; 7],
    /// Shape shares per weekday.
    dow_shape: [usize; 7],
    shapes: Vec<Vec<f64>>,
    /// Handle time per shape and slot.
    aht: Vec<Vec<Option<f64>>>,
    /// Per label: factor and shape index.
    labels: HashMap<String, (f64, usize)>,
    summary: ModelSummary,
}

impl Model {
    fn fit(grid: &Grid, special: &SpecialDays) -> Result<Model, WfmError> {
        let mut notes = Vec::new();
        let total = |d: usize| grid.calls[d].iter().sum::<f64>();
        let ordinary: Vec<usize> = (0..grid.calls.len())
            .filter(|&d| grid.full[d] && special.label(grid.date(d)).is_none())
            .collect();
        if ordinary.len() < MIN_HISTORY_DAYS {
            return Err(WfmError::Invalid(format!(
                "the history has {} full ordinary days; at least {MIN_HISTORY_DAYS} are needed",
                ordinary.len()
            )));
        }

        // 1. Daily volume: Poisson regression on level, trend and day of week.
        let dow = |d: usize| grid.date(d).weekday().num_days_from_monday() as usize;
        let mut present = [false; 7];
        for &d in &ordinary {
            present[dow(d)] = true;
        }
        let dummies: Vec<usize> = (0..7).filter(|&w| present[w]).skip(1).collect();
        let with_trend = ordinary.len() >= MIN_TREND_DAYS;
        if !with_trend {
            notes.push(format!(
                "fewer than {MIN_TREND_DAYS} ordinary days: no trend fitted"
            ));
        }
        let row = |d: usize| {
            let mut x = vec![1.0];
            if with_trend {
                x.push(d as f64 / 7.0);
            }
            x.extend(dummies.iter().map(|&w| if dow(d) == w { 1.0 } else { 0.0 }));
            x
        };
        let x: Vec<Vec<f64>> = ordinary.iter().map(|&d| row(d)).collect();
        let y: Vec<f64> = ordinary.iter().map(|&d| total(d)).collect();
        let beta = glm::poisson_regression(&x, &y).ok_or_else(|| {
            WfmError::Invalid("the daily volumes cannot be fitted (no calls?)".into())
        })?;
        let trend_per_day = if with_trend { beta[1] / 7.0 } else { 0.0 };
        let offset = if with_trend { 2 } else { 1 };
        let mut dow_effect = [f64::NAN; 7];
        if let Some(reference) = (0..7).find(|&w| present[w]) {
            dow_effect[reference] = 0.0;
        }
        for (i, &w) in dummies.iter().enumerate() {
            dow_effect[w] = beta[offset + i];
        }
        let known: Vec<f64> = dow_effect.iter().copied().filter(|v| !v.is_nan()).collect();
        let mean_effect = known.iter().sum::<f64>() / known.len() as f64;
        for (w, e) in dow_effect.iter_mut().enumerate() {
            if e.is_nan() {
                *e = mean_effect;
                notes.push(format!(
                    "no ordinary {} in the history: its volume is the weekly mean",
                    weekday(w)
                ));
            }
        }

        // 3. Shapes: pool the weekdays that share one.
        let mut dow_profiles = vec![vec![0.0; grid.slots]; 7];
        for &d in &ordinary {
            for (acc, v) in dow_profiles[dow(d)].iter_mut().zip(&grid.calls[d]) {
                *acc += v;
            }
        }
        let groups = shape::group_profiles(&dow_profiles);
        let mut dow_shape = [usize::MAX; 7];
        let mut profiles: Vec<Vec<f64>> = Vec::new();
        for group in &groups {
            let mut p = vec![0.0; grid.slots];
            for &w in group {
                dow_shape[w] = profiles.len();
                for (acc, v) in p.iter_mut().zip(&dow_profiles[w]) {
                    *acc += v;
                }
            }
            profiles.push(p);
        }
        // A weekday with no ordinary history takes the shape of all ordinary days together.
        if dow_shape.contains(&usize::MAX) {
            let all: Vec<f64> = (0..grid.slots)
                .map(|s| dow_profiles.iter().map(|p| p[s]).sum())
                .collect();
            let idx = profiles.len();
            profiles.push(all);
            for s in dow_shape.iter_mut().filter(|s| **s == usize::MAX) {
                *s = idx;
            }
        }
        let mut shape_days: Vec<Vec<usize>> = vec![Vec::new(); profiles.len()];
        for &d in &ordinary {
            shape_days[dow_shape[dow(d)]].push(d);
        }

        // 2. Special days: a factor and a shape per label.
        let expected = |d: usize| (beta[0] + trend_per_day * d as f64 + dow_effect[dow(d)]).exp();
        let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for d in (0..grid.calls.len()).filter(|&d| grid.full[d]) {
            if let Some(label) = special.label(grid.date(d)) {
                by_label.entry(label).or_default().push(d);
            }
        }
        let mut labels = HashMap::new();
        let mut special_summary = Vec::new();
        for (label, days) in &by_label {
            let seen: f64 = days.iter().map(|&d| total(d)).sum();
            let normal: f64 = days.iter().map(|&d| expected(d)).sum();
            let factor = if normal > 0.0 { seen / normal } else { 1.0 };
            let mut profile = vec![0.0; grid.slots];
            for &d in days {
                for (acc, v) in profile.iter_mut().zip(&grid.calls[d]) {
                    *acc += v;
                }
            }
            let matched = profiles
                .iter()
                .enumerate()
                .map(|(i, p)| (i, shape::same_shape(&profile, p)))
                .filter(|(_, (ok, _))| *ok)
                .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
                .map(|(i, _)| i);
            let (shape_idx, shape_name) = match matched {
                Some(i) => (i, describe_group(&groups, i)),
                None => {
                    profiles.push(profile);
                    shape_days.push(days.clone());
                    (profiles.len() - 1, "own".to_string())
                }
            };
            labels.insert(label.to_string(), (factor, shape_idx));
            special_summary.push(SpecialFactor {
                label: label.to_string(),
                history_days: days.len(),
                factor,
                shape: shape_name,
            });
        }

        // 4. Handle time per shape and slot.
        let aht = shape_days
            .iter()
            .map(|days| {
                (0..grid.slots)
                    .map(|s| {
                        let (work, calls) = days.iter().fold((0.0, 0.0), |(w, c), &d| {
                            (w + grid.handle[d][s].0, c + grid.handle[d][s].1)
                        });
                        (grid.has_aht && calls > 0.0).then(|| work / calls)
                    })
                    .collect()
            })
            .collect::<Vec<Vec<Option<f64>>>>();
        let shapes: Vec<Vec<f64>> = profiles.iter().map(|p| shape::shares(p)).collect();

        let summary = ModelSummary {
            days_fitted: ordinary.len(),
            weekly_growth: (7.0 * trend_per_day).exp() - 1.0,
            day_factors: (0..7)
                .map(|w| (weekday(w), (dow_effect[w] - mean_effect).exp()))
                .collect(),
            shape_groups: groups
                .iter()
                .map(|g| g.iter().map(|&w| weekday(w)).collect())
                .collect(),
            special: special_summary,
            notes,
        };
        Ok(Model {
            beta0: beta[0],
            trend_per_day,
            dow_effect,
            dow_shape,
            shapes,
            aht,
            labels,
            summary,
        })
    }

    /// Expected calls and handle time for one slot of day `day` (counted from the history's
    /// first date).
    fn predict(
        &self,
        day: i64,
        date: NaiveDate,
        slot: usize,
        special: &SpecialDays,
    ) -> (f64, Option<f64>) {
        let w = date.weekday().num_days_from_monday() as usize;
        let volume = (self.beta0 + self.trend_per_day * day as f64 + self.dow_effect[w]).exp();
        let (factor, shape) = match special.label(date) {
            Some(label) => self
                .labels
                .get(label)
                .copied()
                .unwrap_or((1.0, self.dow_shape[w])),
            None => (1.0, self.dow_shape[w]),
        };
        let aht = self.aht[shape][slot].or_else(|| self.aht[self.dow_shape[w]][slot]);
        (volume * factor * self.shapes[shape][slot], aht)
    }
}

fn weekday(w: usize) -> Weekday {
    Weekday::try_from(w as u8).expect("0..7 is a weekday")
}

/// "Mon-Fri", "Sat, Sun": the days of one shape group.
fn describe_group(groups: &[Vec<usize>], i: usize) -> String {
    let Some(g) = groups.get(i) else {
        return "all days".into();
    };
    let names: Vec<String> = g.iter().map(|&w| weekday(w).to_string()).collect();
    let consecutive = g.windows(2).all(|p| p[1] == p[0] + 1);
    if consecutive && g.len() > 2 {
        format!("{}-{}", names[0], names[names.len() - 1])
    } else {
        names.join(", ")
    }
}

/// Notes labels that occur in the horizon but never in the history (they get factor 1).
pub fn unseen_labels(
    model: &ModelSummary,
    special: &SpecialDays,
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<String> {
    special
        .labels
        .range(from..=until)
        .map(|(_, l)| l.clone())
        .filter(|l| !model.special.iter().any(|s| &s.label == l))
        .collect()
}

/// Forecast accuracy over matched intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// Σ|forecast − actual| / Σ actual.
    pub wape: f64,
    /// Mean of |forecast − actual| / actual over intervals with actual > 0.
    pub mape: f64,
    /// Intervals compared.
    pub intervals: usize,
}

/// WAPE and MAPE of `(forecast, actual)` pairs; `None` when there are no actual calls.
pub fn accuracy(pairs: &[(f64, f64)]) -> Option<Accuracy> {
    let actual: f64 = pairs.iter().map(|p| p.1).sum();
    if actual.is_nan() || actual <= 0.0 {
        return None;
    }
    let abs_err: f64 = pairs.iter().map(|(f, a)| (f - a).abs()).sum();
    let positive: Vec<f64> = pairs
        .iter()
        .filter(|p| p.1 > 0.0)
        .map(|(f, a)| (f - a).abs() / a)
        .collect();
    Some(Accuracy {
        wape: abs_err / actual,
        mape: positive.iter().sum::<f64>() / positive.len() as f64,
        intervals: pairs.len(),
    })
}

/// The "same interval last week" forecast: the calls of the latest history week, repeated.
#[derive(Debug, Clone)]
pub struct SameIntervalLastWeek {
    calls: HashMap<NaiveDateTime, f64>,
    first: NaiveDateTime,
    last: NaiveDateTime,
}

impl SameIntervalLastWeek {
    /// From a queue's history (at least one point).
    pub fn new(history: &[HistoryPoint]) -> Option<Self> {
        Some(SameIntervalLastWeek {
            calls: history.iter().map(|p| (p.start, p.calls)).collect(),
            first: history.iter().map(|p| p.start).min()?,
            last: history.iter().map(|p| p.start).max()?,
        })
    }

    /// The calls of the same interval in the latest week the history covers (an interval
    /// missing inside the history counts as zero).
    pub fn predict(&self, at: NaiveDateTime) -> Option<f64> {
        let week = TimeDelta::days(7);
        let mut t = at - week;
        while t > self.last {
            t -= week;
        }
        (t >= self.first).then(|| self.calls.get(&t).copied().unwrap_or(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// A noiseless history: weekdays 100 calls an hour in the day shape, weekends half.
    fn synthetic(days: u32) -> Vec<HistoryPoint> {
        let mut v = Vec::new();
        for d in 0..days {
            for h in 0..24 {
                let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + TimeDelta::days(d.into());
                let weekend = date.weekday().num_days_from_monday() >= 5;
                let shape = if (8..18).contains(&h) { 10.0 } else { 1.0 };
                let calls = shape * if weekend { 5.0 } else { 10.0 };
                v.push(HistoryPoint {
                    start: date.and_hms_opt(h, 0, 0).unwrap(),
                    calls,
                    aht_s: Some(300.0),
                });
            }
        }
        v
    }

    #[test]
    fn interval_is_the_gcd_of_gaps() {
        let p = |t| HistoryPoint {
            start: t,
            calls: 1.0,
            aht_s: None,
        };
        assert_eq!(
            infer_interval_s(&[p(at(5, 0, 0)), p(at(5, 1, 30))]).unwrap(),
            5400
        );
        assert_eq!(
            infer_interval_s(&[p(at(5, 0, 0)), p(at(5, 1, 30)), p(at(5, 2, 0))]).unwrap(),
            1800
        );
        assert!(infer_interval_s(&[p(at(5, 0, 0))]).is_err());
    }

    #[test]
    fn a_noiseless_pattern_is_forecast_exactly() {
        let history = synthetic(28);
        let until = at(5, 0, 0) + TimeDelta::days(35);
        let f = forecast_queue(&history, &SpecialDays::new(), until).unwrap();
        assert_eq!(f.interval_s, 3600);
        assert_eq!(f.points.len(), 7 * 24);
        let truth = synthetic(35);
        for (p, t) in f.points.iter().zip(&truth[28 * 24..]) {
            assert_eq!(p.start, t.start);
            assert!((p.calls - t.calls).abs() < 1e-6, "{p:?} vs {t:?}");
            assert_eq!(p.aht_s, Some(300.0));
        }
        assert!(f.model.weekly_growth.abs() < 1e-9);
        assert_eq!(f.model.shape_groups.len(), 1, "{:?}", f.model.shape_groups);
    }

    #[test]
    fn special_days_get_their_factor() {
        let mut history = synthetic(28);
        let mut special = SpecialDays::new();
        // Jan 13 (a Tuesday) is a holiday with a third of the calls; Jan 27 in the horizon too.
        special
            .insert(NaiveDate::from_ymd_opt(2026, 1, 13).unwrap(), "holiday")
            .unwrap();
        special
            .insert(NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(), "holiday")
            .unwrap();
        for p in history.iter_mut().filter(|p| p.start.date().day() == 13) {
            p.calls /= 3.0;
        }
        let f = forecast_queue(&history, &special, at(5, 0, 0) + TimeDelta::days(35)).unwrap();
        assert_eq!(f.model.special.len(), 1);
        assert!((f.model.special[0].factor - 1.0 / 3.0).abs() < 1e-6);
        let feb3: f64 = f
            .points
            .iter()
            .filter(|p| p.start.date().day() == 3)
            .map(|p| p.calls)
            .sum();
        let feb2: f64 = f
            .points
            .iter()
            .filter(|p| p.start.date().day() == 2)
            .map(|p| p.calls)
            .sum();
        assert!((feb3 * 3.0 - feb2).abs() < 1e-6, "{feb3} {feb2}");
    }

    #[test]
    fn accuracy_and_last_week() {
        let acc = accuracy(&[(10.0, 8.0), (5.0, 10.0), (1.0, 0.0)]).unwrap();
        assert!((acc.wape - 8.0 / 18.0).abs() < 1e-12);
        assert!((acc.mape - (0.25 + 0.5) / 2.0).abs() < 1e-12);
        assert_eq!(accuracy(&[(1.0, 0.0)]), None);
        let history = synthetic(14);
        let naive = SameIntervalLastWeek::new(&history).unwrap();
        assert_eq!(naive.predict(at(19, 9, 0)), Some(100.0));
        assert_eq!(naive.predict(at(26, 9, 0)), Some(100.0)); // two weeks out: the latest week
        assert_eq!(naive.predict(at(5, 9, 0)), None);
    }

    #[test]
    fn too_short_a_history_is_refused() {
        let history = synthetic(3);
        assert!(forecast_queue(&history, &SpecialDays::new(), at(20, 0, 0)).is_err());
    }
}
