//! `centralita cost --input FILE.csv --hourly-cost X [--workstation-cost-h Y]
//! [--lost-call-value Z] [--patience-s P] [--targets 0.7,0.8,0.9] [--output FILE.csv]`.
//!
//! Takes a staffing input (the same columns as `centralita staffing`), staffs it, and prints the
//! cost per handled contact and the cost of unanswered calls at the file's own targets, then a
//! table of service-level target vs daily cost (every interval restaffed to each target), so a
//! manager can see what each point of service level costs. `--output` writes the table as CSV.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use wfm::cost::{CostRates, CostSummary, service_level_table, summarize};

use super::input::{BadInput, Table, bad_input, csv_buffer, csv_bytes, write_output};
use super::staffing::{read_requests, row_error, staff_all};

/// Arguments of `centralita cost`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Intervals to staff and price (CSV with the staffing input columns).
    #[arg(long, value_name = "FILE.csv")]
    pub input: PathBuf,
    /// Loaded cost of one paid agent-hour (wage, taxes, benefits, supervision share).
    #[arg(long)]
    pub hourly_cost: f64,
    /// Workstation cost per staffed hour (seat, licences, telephony).
    #[arg(long, default_value_t = 0.0)]
    pub workstation_cost_h: f64,
    /// What one unanswered (abandoned) call costs.
    #[arg(long, default_value_t = 0.0)]
    pub lost_call_value: f64,
    /// Mean patience (s) for rows without `patience_s`, so their abandons are counted (Erlang A).
    #[arg(long)]
    pub patience_s: Option<f64>,
    /// Service-level targets for the table, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.5,0.6,0.7,0.75,0.8,0.85,0.9,0.95"
    )]
    pub targets: Vec<f64>,
    /// Where to write the table (CSV).
    #[arg(long, value_name = "FILE.csv")]
    pub output: Option<PathBuf>,
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rates = CostRates {
        loaded_hourly_cost: args.hourly_cost,
        workstation_cost_h: args.workstation_cost_h,
        lost_call_value: args.lost_call_value,
    };
    if let Err(e) = rates.validate() {
        bad_input!("{e}");
    }
    if let Some(p) = args.patience_s
        && !(p.is_finite() && p > 0.0)
    {
        bad_input!("--patience-s must be a time above 0, got {p}");
    }
    if args.targets.iter().any(|t| !(*t > 0.0 && *t < 1.0)) {
        bad_input!("--targets must be shares strictly between 0 and 1");
    }
    let table = Table::read(&args.input)?;
    let mut requests = read_requests(&table)?;
    for r in &mut requests {
        r.patience_s = r.patience_s.or(args.patience_s);
    }
    let staffed = staff_all(&table, &requests)?;
    let days = count_days(&table)?;
    let rows: Vec<_> = requests.iter().copied().zip(staffed).collect();
    let own = summarize(&rows, &rates);
    let sl_table =
        service_level_table(&requests, &args.targets, &rates, days as f64).map_err(|e| {
            match &e {
                wfm::WfmError::OutOfRange { .. } => anyhow::Error::new(BadInput(e.to_string())),
                // A row that cannot be staffed at some target: name the first such row.
                _ => row_error(&table, table.rows.first().map_or(0, |r| r.0), &e),
            }
        })?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cost of service for {} ({} rows, {days} day(s))",
        table.name,
        rows.len()
    );
    let _ = writeln!(out);
    write_summary(&mut out, &own, days);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Service-level target vs daily cost (every interval staffed to the target)"
    );
    let _ = writeln!(
        out,
        "{:>7} {:>9} {:>12} {:>10} {:>12} {:>12} {:>12} {:>14} {:>12}",
        "target",
        "achieved",
        "staffed h/d",
        "abandons/d",
        "staff+ws/d",
        "lost/d",
        "total/d",
        "per handled",
        "per point/d"
    );
    for row in &sl_table {
        let s = &row.summary;
        let d = days as f64;
        let _ = writeln!(
            out,
            "{:>6.0}% {:>8.2}% {:>12.1} {:>10.1} {:>12.2} {:>12.2} {:>12.2} {:>14.4} {:>12}",
            row.sl_target * 100.0,
            s.service_level * 100.0,
            s.staffed_h / d,
            s.abandoned / d,
            (s.staff_cost + s.workstation_cost) / d,
            s.lost_call_cost / d,
            row.daily_cost,
            s.cost_per_handled,
            row.daily_cost_per_point
                .map_or("-".to_string(), |c| format!("{c:.2}"))
        );
    }
    if let Some(path) = &args.output {
        let mut w = csv_buffer();
        w.write_record([
            "sl_target",
            "service_level",
            "staffed_h_day",
            "handled_day",
            "abandoned_day",
            "staff_cost_day",
            "workstation_cost_day",
            "lost_call_cost_day",
            "total_cost_day",
            "cost_per_handled",
            "cost_per_point_day",
        ])?;
        for row in &sl_table {
            let s = &row.summary;
            let d = days as f64;
            w.write_record([
                format!("{}", row.sl_target),
                format!("{:.6}", s.service_level),
                format!("{:.3}", s.staffed_h / d),
                format!("{:.3}", s.handled / d),
                format!("{:.3}", s.abandoned / d),
                format!("{:.2}", s.staff_cost / d),
                format!("{:.2}", s.workstation_cost / d),
                format!("{:.2}", s.lost_call_cost / d),
                format!("{:.2}", row.daily_cost),
                format!("{:.4}", s.cost_per_handled),
                row.daily_cost_per_point
                    .map_or(String::new(), |c| format!("{c:.2}")),
            ])?;
        }
        write_output(Some(path), &csv_bytes(w)?)?;
    }
    write_output(None, out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn write_summary(out: &mut String, s: &CostSummary, days: usize) {
    let d = days as f64;
    let _ = writeln!(out, "At the file's own targets:");
    let _ = writeln!(
        out,
        "  calls offered / handled / abandoned  {:.1} / {:.1} / {:.1}",
        s.offered, s.handled, s.abandoned
    );
    let _ = writeln!(
        out,
        "  service level (abandons are misses)  {:.2} %",
        s.service_level * 100.0
    );
    let _ = writeln!(
        out,
        "  staffed hours                        {:.2}",
        s.staffed_h
    );
    let _ = writeln!(
        out,
        "  staff cost                           {:.2}",
        s.staff_cost
    );
    let _ = writeln!(
        out,
        "  workstation cost                     {:.2}",
        s.workstation_cost
    );
    let _ = writeln!(
        out,
        "  cost per handled contact             {:.4}",
        s.cost_per_handled
    );
    let _ = writeln!(
        out,
        "  cost of unanswered calls             {:.2}",
        s.lost_call_cost
    );
    let _ = writeln!(
        out,
        "  total cost                           {:.2}  ({:.2} a day)",
        s.total_cost,
        s.total_cost / d
    );
}

/// Distinct dates of `interval_start` (the text before `T` or a space).
fn count_days(table: &Table) -> anyhow::Result<usize> {
    let col = table.column("interval_start")?;
    let mut dates = BTreeSet::new();
    for (line, r) in &table.rows {
        let text = table.text(r, col);
        let date = text.split(['T', ' ']).next().unwrap_or("");
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
            bad_input!(
                "{}: {text:?} does not start with a date like 2026-01-05",
                table.at(*line, col)
            );
        }
        dates.insert(date.to_string());
    }
    Ok(dates.len().max(1))
}
