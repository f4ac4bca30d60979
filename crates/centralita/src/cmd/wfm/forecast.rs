//! `centralita forecast --history FILE.csv --horizon 14d [--special-days FILE.csv]
//! [--output FILE.csv] [--evaluate ACTUAL.csv]`.
//!
//! History columns `interval_start,queue,calls[,aht_s]` at any interval length; special days
//! `date,label`. Output `interval_start,queue,calls[,aht_s]` per interval of the horizon, which
//! starts where the history ends. What the model learned goes to standard error. `--evaluate`
//! prints WAPE and MAPE against actuals next to "same interval last week".

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use wfm::forecast::{
    self, Accuracy, HistoryPoint, QueueForecast, SameIntervalLastWeek, SpecialDays,
};

use super::input::{BadInput, Table, bad_input, csv_buffer, csv_bytes, write_output};

/// Arguments of `centralita forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// History of volumes (CSV: interval_start,queue,calls[,aht_s]).
    #[arg(long, value_name = "FILE.csv")]
    pub history: PathBuf,
    /// How far to forecast past the end of the history: `14d`, `2w` or `36h`.
    #[arg(long, default_value = "14d")]
    pub horizon: String,
    /// Special days (CSV: date,label), in the history and the horizon.
    #[arg(long, value_name = "FILE.csv")]
    pub special_days: Option<PathBuf>,
    /// Where to write the forecast (CSV); standard output when absent (and not evaluating).
    #[arg(long, value_name = "FILE.csv")]
    pub output: Option<PathBuf>,
    /// Actual volumes of the horizon (CSV: interval_start,queue,calls): print WAPE and MAPE.
    #[arg(long, value_name = "ACTUAL.csv")]
    pub evaluate: Option<PathBuf>,
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let horizon = parse_horizon(&args.horizon)?;
    let history = read_history(&args.history)?;
    let special = match &args.special_days {
        Some(path) => read_special_days(path)?,
        None => SpecialDays::new(),
    };
    // The horizon starts where the latest queue's history ends.
    let mut start: Option<NaiveDateTime> = None;
    for (queue, points) in &history {
        let interval =
            forecast::infer_interval_s(points).map_err(|e| queue_error(&args, queue, e))?;
        let end =
            points.iter().map(|p| p.start).max().expect("non-empty") + TimeDelta::seconds(interval);
        start = start.max(Some(end));
    }
    let Some(start) = start else {
        bad_input!("{}: no rows", args.history.display())
    };
    let until = start + horizon;

    let mut forecasts: Vec<(&str, QueueForecast)> = Vec::new();
    for (queue, points) in &history {
        let f = forecast::forecast_queue(points, &special, until)
            .map_err(|e| queue_error(&args, queue, e))?;
        describe(queue, &f, &special, start.date(), until.date());
        forecasts.push((queue, f));
    }

    let has_aht = history.values().flatten().any(|p| p.aht_s.is_some());
    let mut out = csv_buffer();
    if has_aht {
        out.write_record(["interval_start", "queue", "calls", "aht_s"])?;
    } else {
        out.write_record(["interval_start", "queue", "calls"])?;
    }
    for (queue, f) in &forecasts {
        for p in &f.points {
            let t = p.start.format("%Y-%m-%dT%H:%M:%S").to_string();
            let calls = format!("{:.3}", p.calls);
            if has_aht {
                let aht = p.aht_s.map(|a| format!("{a:.1}")).unwrap_or_default();
                out.write_record([t.as_str(), queue, &calls, &aht])?;
            } else {
                out.write_record([t.as_str(), queue, &calls])?;
            }
        }
    }
    let bytes = csv_bytes(out)?;

    let report = match &args.evaluate {
        Some(path) => Some(evaluate(path, &history, &forecasts)?),
        None => None,
    };
    if args.output.is_some() || report.is_none() {
        write_output(args.output.as_deref(), &bytes)?;
    }
    if let Some(report) = report {
        print!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}

fn queue_error(args: &Args, queue: &str, err: wfm::WfmError) -> anyhow::Error {
    anyhow::Error::new(BadInput(format!(
        "{}, queue {queue}: {err}",
        args.history.display()
    )))
}

/// `14d`, `2w`, `36h`.
fn parse_horizon(text: &str) -> anyhow::Result<TimeDelta> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = match number.parse() {
        Ok(n) if n > 0 => n,
        _ => bad_input!("--horizon {text:?}: expected a positive number with d, w or h (e.g. 14d)"),
    };
    let days_limit = forecast::MAX_HORIZON_DAYS;
    let delta = match unit {
        "d" if n <= days_limit => TimeDelta::days(n),
        "w" if n * 7 <= days_limit => TimeDelta::days(7 * n),
        "h" if n <= days_limit * 24 => TimeDelta::hours(n),
        "d" | "w" | "h" => bad_input!("--horizon {text:?}: at most {days_limit} days"),
        _ => bad_input!("--horizon {text:?}: expected a positive number with d, w or h (e.g. 14d)"),
    };
    Ok(delta)
}

/// Parses `2026-01-05T08:30:00` (also with a space, or without seconds).
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

fn time_at(
    table: &Table,
    line: u64,
    record: &csv::StringRecord,
    col: usize,
) -> anyhow::Result<NaiveDateTime> {
    let text = table.text(record, col);
    match parse_time(text) {
        Some(t) => Ok(t),
        None => bad_input!(
            "{}: {text:?} is not a date and time like 2026-01-05T08:30:00",
            table.at(line, col)
        ),
    }
}

/// History per queue, in file order of the queues' first rows.
fn read_history(path: &std::path::Path) -> anyhow::Result<BTreeMap<String, Vec<HistoryPoint>>> {
    let table = Table::read(path)?;
    let (t_col, q_col, c_col) = (
        table.column("interval_start")?,
        table.column("queue")?,
        table.column("calls")?,
    );
    let aht_col = table.optional_column("aht_s");
    let mut history: BTreeMap<String, Vec<HistoryPoint>> = BTreeMap::new();
    let mut seen = std::collections::HashMap::new();
    for (line, r) in &table.rows {
        let start = time_at(&table, *line, r, t_col)?;
        let queue = table.text(r, q_col);
        if queue.is_empty() {
            bad_input!("{}: empty queue", table.at(*line, q_col));
        }
        let calls = table.number(*line, r, c_col)?;
        if calls < 0.0 {
            bad_input!(
                "{}: calls cannot be negative ({calls})",
                table.at(*line, c_col)
            );
        }
        let aht_s = table.optional_number(*line, r, aht_col)?;
        if let (Some(a), Some(col)) = (aht_s, aht_col)
            && a <= 0.0
        {
            bad_input!(
                "{}: a handle time must be above 0 ({a})",
                table.at(*line, col)
            );
        }
        if let Some(first) = seen.insert((queue.to_string(), start), *line) {
            bad_input!(
                "{} line {line}: queue {queue} at {start} was already given on line {first}",
                table.name
            );
        }
        history
            .entry(queue.to_string())
            .or_default()
            .push(HistoryPoint {
                start,
                calls,
                aht_s,
            });
    }
    if history.is_empty() {
        bad_input!("{}: no rows", table.name);
    }
    Ok(history)
}

fn read_special_days(path: &std::path::Path) -> anyhow::Result<SpecialDays> {
    let table = Table::read(path)?;
    let (d_col, l_col) = (table.column("date")?, table.column("label")?);
    let mut special = SpecialDays::new();
    for (line, r) in &table.rows {
        let text = table.text(r, d_col);
        let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
            bad_input!(
                "{}: {text:?} is not a date like 2026-03-19",
                table.at(*line, d_col)
            );
        };
        if let Err(err) = special.insert(date, table.text(r, l_col)) {
            bad_input!("{}: {err}", table.at(*line, l_col));
        }
    }
    Ok(special)
}

/// What the model learned, on standard error.
fn describe(
    queue: &str,
    f: &QueueForecast,
    special: &SpecialDays,
    from: NaiveDate,
    until: NaiveDate,
) {
    let m = &f.model;
    let days: Vec<String> = m
        .day_factors
        .iter()
        .map(|(d, v)| format!("{d} {v:.2}"))
        .collect();
    let groups: Vec<String> = m
        .shape_groups
        .iter()
        .map(|g| {
            g.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    eprintln!(
        "{queue}: {} s intervals, {} days fitted, trend {:+.2} % a week; day factors {}; shapes {}",
        f.interval_s,
        m.days_fitted,
        m.weekly_growth * 100.0,
        days.join(", "),
        groups.join(" | ")
    );
    for s in &m.special {
        eprintln!(
            "{queue}: special day {:?}: {} in history, volume × {:.3}, shape {}",
            s.label, s.history_days, s.factor, s.shape
        );
    }
    for label in forecast::unseen_labels(m, special, from, until) {
        eprintln!(
            "{queue}: special day {label:?} is in the horizon but not the history: forecast as an ordinary day"
        );
    }
    for note in &m.notes {
        eprintln!("{queue}: {note}");
    }
}

/// `(forecast, actual)` per interval.
type Pairs = Vec<(f64, f64)>;

/// The evaluation table.
fn evaluate(
    path: &std::path::Path,
    history: &BTreeMap<String, Vec<HistoryPoint>>,
    forecasts: &[(&str, QueueForecast)],
) -> anyhow::Result<String> {
    let table = Table::read(path)?;
    let (t_col, q_col, c_col) = (
        table.column("interval_start")?,
        table.column("queue")?,
        table.column("calls")?,
    );
    let lookup: BTreeMap<(&str, NaiveDateTime), f64> = forecasts
        .iter()
        .flat_map(|(q, f)| f.points.iter().map(move |p| ((*q, p.start), p.calls)))
        .collect();
    let naive: BTreeMap<&str, SameIntervalLastWeek> = history
        .iter()
        .filter_map(|(q, pts)| Some((q.as_str(), SameIntervalLastWeek::new(pts)?)))
        .collect();
    let mut per_queue: BTreeMap<String, (Pairs, Pairs)> = BTreeMap::new();
    let mut skipped = 0usize;
    for (line, r) in &table.rows {
        let t = time_at(&table, *line, r, t_col)?;
        let queue = table.text(r, q_col);
        let actual = table.number(*line, r, c_col)?;
        if actual < 0.0 {
            bad_input!(
                "{}: calls cannot be negative ({actual})",
                table.at(*line, c_col)
            );
        }
        let (Some(&ours), Some(last_week)) = (
            lookup.get(&(queue, t)),
            naive.get(queue).and_then(|n| n.predict(t)),
        ) else {
            skipped += 1;
            continue;
        };
        let entry = per_queue.entry(queue.to_string()).or_default();
        entry.0.push((ours, actual));
        entry.1.push((last_week, actual));
    }
    if per_queue.is_empty() {
        bad_input!(
            "{}: no row matches a forecast interval and queue",
            table.name
        );
    }
    let mut report = String::new();
    let line = |name: &str, ours: Option<Accuracy>, naive: Option<Accuracy>| {
        let fmt = |a: Option<Accuracy>| {
            a.map_or("     -        -".to_string(), |a| {
                format!("{:>6.4} {:>8.4}", a.wape, a.mape)
            })
        };
        let n = ours.map_or(0, |a| a.intervals);
        let lower = match (ours, naive) {
            (Some(o), Some(l)) if l.wape > 0.0 => {
                format!("{:>6.1} %", (1.0 - o.wape / l.wape) * 100.0)
            }
            _ => "      -".into(),
        };
        format!(
            "{name:<12} {n:>9}  {}    {}   {lower}\n",
            fmt(ours),
            fmt(naive)
        )
    };
    report.push_str(
        "queue        intervals    WAPE     MAPE  |  last week: WAPE MAPE  | WAPE lower\n",
    );
    let (mut all_ours, mut all_naive) = (Vec::new(), Vec::new());
    for (queue, (ours, naive)) in &per_queue {
        report.push_str(&line(
            queue,
            forecast::accuracy(ours),
            forecast::accuracy(naive),
        ));
        all_ours.extend_from_slice(ours);
        all_naive.extend_from_slice(naive);
    }
    report.push_str(&line(
        "all",
        forecast::accuracy(&all_ours),
        forecast::accuracy(&all_naive),
    ));
    if skipped > 0 {
        report.push_str(&format!(
            "({skipped} actual rows outside the forecast's queues and horizon were not compared)\n"
        ));
    }
    Ok(report)
}
