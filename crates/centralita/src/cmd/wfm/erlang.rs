//! `centralita erlang b|c|a …`: single-case calculators that print every figure.
//!
//! - `erlang b --erlangs A (--lines N | --blocking P)`: blocking of N lines, or the fewest lines
//!   (trunks, IVR ports) for a blocking target.
//! - `erlang c (--erlangs A | --calls-per-h L) --aht-s H (--agents N | --sl-target T)`.
//! - `erlang a` as `c` plus `--patience-s P`.
//!
//! `--json` prints one JSON object instead of a table.

use std::process::ExitCode;

use wfm::erlang::{erlang_a_tails, erlang_b, erlang_c, try_lines_for_blocking};
use wfm::staffing::{StaffingRequest, staff};

use super::input::{BadInput, bad_input};

/// The calculators.
#[derive(Debug, clap::Subcommand)]
pub enum ErlangCommand {
    /// Erlang B: blocking of a number of lines, or lines for a blocking target.
    B(BArgs),
    /// Erlang C: queue with patient callers.
    C(QueueArgs),
    /// Erlang A: queue with callers who hang up (exponential patience).
    A(QueueArgs),
}

/// Arguments of `erlang b`.
#[derive(Debug, clap::Args)]
pub struct BArgs {
    /// Offered load, Erlangs.
    #[arg(long)]
    erlangs: f64,
    /// Lines (servers, trunks, ports) to evaluate.
    #[arg(long, required_unless_present = "blocking")]
    lines: Option<u32>,
    /// Blocking target: print the fewest lines that meet it.
    #[arg(long)]
    blocking: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `erlang c` and `erlang a`.
#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// Offered load, Erlangs (or give --calls-per-h).
    #[arg(
        long,
        conflicts_with = "calls_per_h",
        required_unless_present = "calls_per_h"
    )]
    erlangs: Option<f64>,
    /// Arrival rate, calls per hour (or give --erlangs).
    #[arg(long)]
    calls_per_h: Option<f64>,
    /// Average handle time, seconds.
    #[arg(long)]
    aht_s: f64,
    /// Mean patience, seconds (Erlang A only).
    #[arg(long)]
    patience_s: Option<f64>,
    /// Service-level threshold, seconds.
    #[arg(long, default_value_t = 20.0)]
    sl_seconds: f64,
    /// Agents to evaluate.
    #[arg(long, required_unless_present = "sl_target")]
    agents: Option<u32>,
    /// Service-level target: also print the fewest agents that meet it.
    #[arg(long)]
    sl_target: Option<f64>,
    /// Occupancy cap for the agents needed (with --sl-target).
    #[arg(long, default_value_t = 1.0)]
    max_occupancy: f64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs one.
pub fn run(cmd: ErlangCommand) -> anyhow::Result<ExitCode> {
    let (figures, json) = match cmd {
        ErlangCommand::B(args) => (erlang_b_figures(&args)?, args.json),
        ErlangCommand::C(args) => (queue_figures(&args, false)?, args.json),
        ErlangCommand::A(args) => (queue_figures(&args, true)?, args.json),
    };
    if json {
        let map: serde_json::Map<String, serde_json::Value> = figures
            .iter()
            .map(|(k, v)| {
                let value = serde_json::Number::from_f64(*v)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number);
                (k.to_string(), value)
            })
            .collect();
        println!("{}", serde_json::Value::Object(map));
    } else {
        let width = figures.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (name, value) in &figures {
            println!("{name:width$}  {}", pretty(*value));
        }
    }
    Ok(ExitCode::SUCCESS)
}

type Figures = Vec<(&'static str, f64)>;

fn pretty(v: f64) -> String {
    if v.is_infinite() {
        "inf".into()
    } else if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.9}")
    }
}

fn lib_error(err: wfm::WfmError) -> anyhow::Error {
    anyhow::Error::new(BadInput(err.to_string()))
}

fn erlang_b_figures(args: &BArgs) -> anyhow::Result<Figures> {
    if !(args.erlangs.is_finite() && args.erlangs >= 0.0) {
        bad_input!(
            "--erlangs must be a load of 0 or more, got {}",
            args.erlangs
        );
    }
    let mut figures = vec![("erlangs", args.erlangs)];
    if let Some(lines) = args.lines {
        let b = erlang_b(lines, args.erlangs);
        figures.extend([
            ("lines", f64::from(lines)),
            ("blocking", b),
            ("carried_erlangs", args.erlangs * (1.0 - b)),
            ("lost_erlangs", args.erlangs * b),
        ]);
    }
    if let Some(target) = args.blocking {
        if !(target > 0.0 && target < 1.0) {
            bad_input!("--blocking must be strictly between 0 and 1, got {target}");
        }
        let lines = try_lines_for_blocking(args.erlangs, target).map_err(lib_error)?;
        figures.extend([
            ("blocking_target", target),
            ("lines_needed", f64::from(lines)),
            ("blocking_with_lines_needed", erlang_b(lines, args.erlangs)),
        ]);
    }
    Ok(figures)
}

fn queue_figures(args: &QueueArgs, erlang_a: bool) -> anyhow::Result<Figures> {
    if !(args.aht_s.is_finite() && args.aht_s > 0.0) {
        bad_input!("--aht-s must be a time above 0, got {}", args.aht_s);
    }
    let erlangs = match (args.erlangs, args.calls_per_h) {
        (Some(e), _) => e,
        (None, Some(l)) => l * args.aht_s / 3600.0,
        (None, None) => bad_input!("give --erlangs or --calls-per-h"),
    };
    if !(erlangs.is_finite() && erlangs >= 0.0) {
        bad_input!("the offered load must be 0 Erlangs or more, got {erlangs}");
    }
    if !(args.sl_seconds.is_finite() && args.sl_seconds >= 0.0) {
        bad_input!("--sl-seconds must be 0 or more, got {}", args.sl_seconds);
    }
    let patience_s = match (erlang_a, args.patience_s) {
        (true, Some(p)) if p > 0.0 => Some(p),
        (true, _) => bad_input!("erlang a needs --patience-s above 0"),
        (false, Some(_)) => bad_input!("--patience-s is for erlang a"),
        (false, None) => None,
    };
    let calls_per_s = erlangs / args.aht_s;
    let mut figures = vec![
        ("erlangs", erlangs),
        ("calls_per_h", calls_per_s * 3600.0),
        ("aht_s", args.aht_s),
        ("sl_seconds", args.sl_seconds),
    ];
    if let Some(p) = patience_s {
        figures.push(("patience_s", p));
    }
    let mut evaluate = |agents: u32, target: Option<f64>| -> anyhow::Result<()> {
        let prefix = target.is_some();
        if let Some(t) = target {
            figures.push(("sl_target", t));
        }
        let mut add = |name: &'static str, short: &'static str, v: f64| {
            figures.push((if prefix { name } else { short }, v));
        };
        add("agents_needed", "agents", f64::from(agents));
        match patience_s {
            None => {
                let c = erlang_c(agents, erlangs, args.aht_s, args.sl_seconds);
                add("needed_p_wait", "p_wait", c.p_wait);
                add("needed_service_level", "service_level", c.service_level);
                add("needed_asa_s", "asa_s", c.asa_s);
                add("needed_occupancy", "occupancy", c.occupancy);
            }
            Some(p) => {
                let t = erlang_a_tails(agents, calls_per_s, args.aht_s, p, args.sl_seconds)
                    .map_err(lib_error)?;
                let a = t.figures;
                add("needed_p_wait", "p_wait", a.p_wait);
                add("needed_p_abandon", "p_abandon", a.p_abandon);
                add("needed_service_level", "service_level", a.service_level);
                add(
                    "needed_service_level_answered",
                    "service_level_answered",
                    a.service_level_answered,
                );
                add("needed_asa_s", "asa_s", a.asa_s);
                add("needed_mean_wait_s", "mean_wait_s", a.mean_wait_s);
                add("needed_occupancy", "occupancy", a.occupancy);
                add(
                    "needed_p_offered_wait_gt_t",
                    "p_offered_wait_gt_t",
                    t.p_offered_wait_gt_t,
                );
                add("needed_p_wait_gt_t", "p_wait_gt_t", t.p_wait_gt_t);
            }
        }
        Ok(())
    };
    if let Some(agents) = args.agents {
        evaluate(agents, None)?;
    }
    if let Some(target) = args.sl_target {
        // Staff one interval of an hour with the same load.
        let req = StaffingRequest {
            calls: calls_per_s * 3600.0,
            aht_s: args.aht_s,
            interval_s: 3600.0,
            sl_target: target,
            sl_seconds: args.sl_seconds,
            max_occupancy: args.max_occupancy,
            patience_s,
            shrinkage: None,
        };
        let s = staff(&req).map_err(lib_error)?;
        evaluate(s.agents, Some(target))?;
    }
    Ok(figures)
}
