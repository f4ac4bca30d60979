//! `centralita schedule --requirements FILE.csv --rules FILE.toml [--output FILE.csv]
//! [--coverage FILE.csv] [--column agents]`.
//!
//! Requirements are the staffing output (or any CSV with `interval_start,queue` and a count
//! column, `agents` by default): required agents per interval and queue; intervals not listed
//! need no one. The rules file is described in `rules.rs` and `docs/planning.md`.
//!
//! Standard output gets the report: coverage per interval and queue (required, scheduled, gap),
//! totals, contract shortfalls, and the shifts when no `--output` file is given. `--output`
//! writes the shifts as CSV, `--coverage` the coverage as CSV. The solve time goes to standard
//! error as `computed in X ms`.

mod rules;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use wfm::schedule::{Plan, Schedule, build_schedule, check_schedule};

use super::forecast::parse_time;
use super::input::{BadInput, Table, bad_input, csv_buffer, csv_bytes, write_output};

/// Arguments of `centralita schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Required agents per interval and queue (CSV, e.g. the staffing output).
    #[arg(long, value_name = "FILE.csv")]
    pub requirements: PathBuf,
    /// Shifts, breaks, agents and contracts (TOML).
    #[arg(long, value_name = "FILE.toml")]
    pub rules: PathBuf,
    /// Where to write the shifts (CSV).
    #[arg(long, value_name = "FILE.csv")]
    pub output: Option<PathBuf>,
    /// Where to write the coverage per interval and queue (CSV).
    #[arg(long, value_name = "FILE.csv")]
    pub coverage: Option<PathBuf>,
    /// The requirements column with the agents needed.
    #[arg(long, default_value = "agents")]
    pub column: String,
}

/// The requirements on their interval grid.
struct Requirements {
    first_date: NaiveDate,
    days: u32,
    interval_min: u32,
    queues: Vec<String>,
    /// Required agents per queue and interval of the plan.
    per_interval: Vec<Vec<u32>>,
}

/// Most days a requirements file may span.
const MAX_PLAN_DAYS: i64 = wfm::schedule::MAX_DAYS as i64;

fn read_requirements(args: &Args) -> anyhow::Result<Requirements> {
    let table = Table::read(&args.requirements)?;
    let (t_col, q_col, n_col) = (
        table.column("interval_start")?,
        table.column("queue")?,
        table.column(&args.column)?,
    );
    let mut rows = Vec::new();
    for (line, r) in &table.rows {
        let text = table.text(r, t_col);
        let Some(t) = parse_time(text) else {
            bad_input!(
                "{}: {text:?} is not a date and time like 2026-01-05T08:30:00",
                table.at(*line, t_col)
            );
        };
        let queue = table.text(r, q_col);
        if queue.is_empty() {
            bad_input!("{}: empty queue", table.at(*line, q_col));
        }
        let n = table.number(*line, r, n_col)?;
        if !(0.0..=1e6).contains(&n) {
            bad_input!(
                "{}: required agents must be 0 to 1,000,000 ({n})",
                table.at(*line, n_col)
            );
        }
        rows.push((*line, t, queue.to_string(), n.ceil() as u32));
    }
    if rows.is_empty() {
        bad_input!("{}: no rows", table.name);
    }
    let first = rows.iter().map(|r| r.1).min().expect("non-empty");
    let last = rows.iter().map(|r| r.1).max().expect("non-empty");
    let first_date = first.date();
    let days = (last.date() - first_date).num_days() + 1;
    if days > MAX_PLAN_DAYS {
        bad_input!(
            "{}: the requirements span {days} days; at most {MAX_PLAN_DAYS}",
            table.name
        );
    }
    // Interval: the gcd of all start offsets from the first midnight (and of the day).
    let midnight = first_date.and_hms_opt(0, 0, 0).expect("midnight exists");
    let interval_s = rows
        .iter()
        .map(|r| (r.1 - midnight).num_seconds())
        .fold(86_400i64, gcd);
    if interval_s < 60 || interval_s % 60 != 0 {
        bad_input!("{}: interval starts must be on whole minutes", table.name);
    }
    let mut queues: Vec<String> = Vec::new();
    for r in &rows {
        if !queues.contains(&r.2) {
            queues.push(r.2.clone());
        }
    }
    if queues.len() > wfm::schedule::MAX_QUEUES {
        bad_input!(
            "{}: {} queues; a plan takes at most {}",
            table.name,
            queues.len(),
            wfm::schedule::MAX_QUEUES
        );
    }
    let per_day = (86_400 / interval_s) as usize;
    let mut per_interval = vec![vec![0u32; per_day * days as usize]; queues.len()];
    let mut seen: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (line, t, q, n) in rows {
        let qi = queues
            .iter()
            .position(|x| *x == q)
            .expect("collected above");
        let i = ((t - midnight).num_seconds() / interval_s) as usize;
        if let Some(first) = seen.insert((qi, i), line) {
            bad_input!(
                "{} line {line}: queue {q} at {t} was already given on line {first}",
                table.name
            );
        }
        per_interval[qi][i] = n;
    }
    Ok(Requirements {
        first_date,
        days: days as u32,
        interval_min: (interval_s / 60) as u32,
        queues,
        per_interval,
    })
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Times the solve. The clock is read here, in the command-line shell, never in the engines.
#[allow(clippy::disallowed_methods)] // the command reports how long the solve took
fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = std::time::Instant::now();
    let value = f();
    (start.elapsed().as_secs_f64() * 1000.0, value)
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let req = read_requirements(&args)?;
    let text = match std::fs::read_to_string(&args.rules) {
        Ok(t) => t,
        Err(e) => bad_input!("cannot read {}: {e}", args.rules.display()),
    };
    let parsed = rules::parse(
        &text,
        &req.queues,
        req.first_date,
        req.days,
        req.interval_min,
    )
    .map_err(|e| BadInput(format!("{}: {e}", args.rules.display())))?;
    for note in &parsed.notes {
        eprintln!("note: {note}");
    }
    let step_min = parsed.step_s / 60;
    let per_interval_steps = (req.interval_min / step_min) as usize;
    let plan = Plan {
        step_s: parsed.step_s,
        days: req.days,
        queues: req.queues.clone(),
        required: req
            .per_interval
            .iter()
            .map(|q| {
                q.iter()
                    .flat_map(|&n| std::iter::repeat_n(n, per_interval_steps))
                    .collect()
            })
            .collect(),
    };
    let (ms, result) = timed(|| build_schedule(&plan, &parsed.rules));
    let schedule = result.map_err(|e| BadInput(format!("{}: {e}", args.rules.display())))?;
    eprintln!(
        "computed in {ms:.0} ms ({} agents, {} queues, {} days, {} improvement passes)",
        parsed.rules.agents.len(),
        plan.queues.len(),
        plan.days,
        schedule.passes
    );
    let broken = check_schedule(&plan, &parsed.rules, &schedule.shifts);
    if !broken.is_empty() {
        anyhow::bail!(
            "internal error: the plan breaks its rules: {}",
            broken.join("; ")
        );
    }

    let ctx = Context {
        first: req
            .first_date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists"),
        step_min,
        per_interval_steps,
        interval_min: req.interval_min,
    };
    // Files first (whole or not at all), then the report.
    if let Some(path) = &args.output {
        write_output(Some(path), &shifts_csv(&ctx, &parsed.rules, &schedule)?)?;
    }
    if let Some(path) = &args.coverage {
        write_output(Some(path), &coverage_csv(&ctx, &req, &schedule)?)?;
    }
    let report = report(&ctx, &req, &parsed.rules, &schedule, args.output.is_none());
    write_output(None, report.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Step ↔ clock conversions.
struct Context {
    first: NaiveDateTime,
    step_min: u32,
    per_interval_steps: usize,
    interval_min: u32,
}

impl Context {
    fn time(&self, step: u32) -> NaiveDateTime {
        self.first + TimeDelta::minutes(i64::from(step) * i64::from(self.step_min))
    }

    /// Mean scheduled agents of queue `q` in interval `i`.
    fn scheduled(&self, s: &Schedule, q: usize, i: usize) -> f64 {
        let n = self.per_interval_steps;
        s.coverage[q][i * n..(i + 1) * n].iter().sum::<f64>() / n as f64
    }
}

fn hm(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn breaks_text(ctx: &Context, rules: &wfm::schedule::Rules, s: &wfm::schedule::Shift) -> String {
    let st = &rules.shifts[s.shift_type];
    s.breaks
        .iter()
        .map(|b| {
            format!(
                "{} {}-{}",
                st.breaks[b.rule].name,
                hm(ctx.time(b.start_step)),
                hm(ctx.time(b.end_step))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn shifts_csv(
    ctx: &Context,
    rules: &wfm::schedule::Rules,
    s: &Schedule,
) -> anyhow::Result<Vec<u8>> {
    let mut out = csv_buffer();
    out.write_record(["agent", "date", "shift", "start", "end", "paid_h", "breaks"])?;
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
    for sh in &s.shifts {
        out.write_record([
            rules.agents[sh.agent].id.clone(),
            ctx.time(sh.day * (1440 / ctx.step_min))
                .format("%Y-%m-%d")
                .to_string(),
            rules.shifts[sh.shift_type].name.clone(),
            fmt(ctx.time(sh.start_step)),
            fmt(ctx.time(sh.end_step)),
            format!("{:.2}", f64::from(sh.paid_steps * ctx.step_min) / 60.0),
            breaks_text(ctx, rules, sh),
        ])?;
    }
    csv_bytes(out)
}

fn coverage_csv(ctx: &Context, req: &Requirements, s: &Schedule) -> anyhow::Result<Vec<u8>> {
    let mut out = csv_buffer();
    out.write_record(["interval_start", "queue", "required", "scheduled", "gap"])?;
    let intervals = req.per_interval[0].len();
    for i in 0..intervals {
        let t = ctx.first + TimeDelta::minutes(i as i64 * i64::from(ctx.interval_min));
        for (q, name) in req.queues.iter().enumerate() {
            let required = req.per_interval[q][i];
            let scheduled = ctx.scheduled(s, q, i);
            out.write_record([
                t.format("%Y-%m-%dT%H:%M:%S").to_string(),
                name.clone(),
                required.to_string(),
                format!("{scheduled:.2}"),
                format!("{:.2}", scheduled - f64::from(required)),
            ])?;
        }
    }
    csv_bytes(out)
}

fn report(
    ctx: &Context,
    req: &Requirements,
    rules: &wfm::schedule::Rules,
    s: &Schedule,
    with_shifts: bool,
) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "Coverage per interval (required / scheduled / gap)");
    let _ = write!(r, "{:<17}", "interval");
    for q in &req.queues {
        let _ = write!(r, " | {q:>20}");
    }
    let _ = writeln!(r);
    let intervals = req.per_interval[0].len();
    for i in 0..intervals {
        let needed: u32 = (0..req.queues.len()).map(|q| req.per_interval[q][i]).sum();
        let any: f64 = (0..req.queues.len()).map(|q| ctx.scheduled(s, q, i)).sum();
        if needed == 0 && any == 0.0 {
            continue; // closed: nothing needed, nobody there
        }
        let t = ctx.first + TimeDelta::minutes(i as i64 * i64::from(ctx.interval_min));
        let _ = write!(r, "{:<17}", t.format("%Y-%m-%d %H:%M"));
        for q in 0..req.queues.len() {
            let need = req.per_interval[q][i];
            let have = ctx.scheduled(s, q, i);
            let _ = write!(
                r,
                " | {need:>5} {have:>7.2} {:>+6.2}",
                have - f64::from(need)
            );
        }
        let _ = writeln!(r);
    }
    let t = &s.totals;
    let _ = writeln!(r);
    let _ = writeln!(r, "Totals");
    let _ = writeln!(
        r,
        "  required agent-hours       {:>12.2}",
        t.required_agent_h
    );
    let _ = writeln!(
        r,
        "  scheduled agent-hours      {:>12.2}  (on the phones, breaks excluded)",
        t.working_agent_h
    );
    let _ = writeln!(
        r,
        "  understaffed agent-hours   {:>12.2}  ({} intervals of {} min with a gap)",
        t.under_agent_h,
        t.understaffed_steps as usize / ctx.per_interval_steps.max(1),
        ctx.interval_min
    );
    let _ = writeln!(r, "  overstaffed agent-hours    {:>12.2}", t.over_agent_h);
    let _ = writeln!(
        r,
        "  coverage of the requirement{:>11.1} %",
        if t.required_agent_h > 0.0 {
            100.0 * (1.0 - t.under_agent_h / t.required_agent_h)
        } else {
            100.0
        }
    );
    let _ = writeln!(r, "  shifts                     {:>12}", t.shifts);
    let _ = writeln!(r, "  paid hours                 {:>12.2}", t.paid_h);
    let _ = writeln!(r, "  cost                       {:>12.2}", t.cost);
    if !s.shortfalls.is_empty() {
        let _ = writeln!(r);
        let _ = writeln!(
            r,
            "Contract hours the rules did not allow ({}):",
            s.shortfalls.len()
        );
        for f in &s.shortfalls {
            let _ = writeln!(r, "  {f}");
        }
    }
    if with_shifts {
        let _ = writeln!(r);
        let _ = writeln!(r, "Shifts (agent, start, end, shift, breaks)");
        for sh in &s.shifts {
            let _ = writeln!(
                r,
                "  {:<16} {} - {}  {:<10} {}",
                rules.agents[sh.agent].id,
                ctx.time(sh.start_step).format("%a %Y-%m-%d %H:%M"),
                hm(ctx.time(sh.end_step)),
                rules.shifts[sh.shift_type].name,
                breaks_text(ctx, rules, sh)
            );
        }
    }
    r
}
