//! `centralita bench staffing`: our Erlang staffing of a CSV file, timed, next to pyworkforce on
//! the same file in the same run.
//!
//! Both figures are compute time only (the file is read and parsed before the clock starts, as
//! the peer script does). The peer runs as a child process; if no Python with pyworkforce can run
//! it, the output says so and still prints ours. Rows where the agent counts differ are named,
//! with the reason when it is pyworkforce's known floating-point error on exact occupancy ties.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use wfm::staffing::{Staffing, StaffingRequest};

use super::common::{PEERS_SETUP, in_repo, peers_dir, python};
use crate::cmd::wfm::input::Table;
use crate::cmd::wfm::staffing::{read_requests, staff_all};

/// Arguments of `centralita bench staffing`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Staffing input (CSV) [default: the repository's reference/staffing_input.csv, found from
    /// the current directory or its parents, else from the source tree]
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Python with pyworkforce installed (default: $CENTRALITA_PEERS_PYTHON, else the virtual
    /// environment .peers/ at the repository's root or in the peers' folder, else python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// The peer script [default: the repository's bench/peers/pyworkforce_staffing.py, found
    /// like --input]
    #[arg(long)]
    pub peer_script: Option<PathBuf>,
    /// Timed repetitions of our run (the median is reported).
    #[arg(long, default_value_t = 7)]
    pub repeat: u32,
}

/// What the peer printed, and its agent counts.
struct PeerRun {
    version: String,
    rows: usize,
    compute_s: f64,
    agents: Vec<u32>,
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = args
        .input
        .clone()
        .unwrap_or_else(|| in_repo("reference/staffing_input.csv"));
    let script = args
        .peer_script
        .clone()
        .unwrap_or_else(|| peers_dir(None).join("pyworkforce_staffing.py"));
    let table = Table::read(&input)?;
    let requests = read_requests(&table)?;
    let repeat = args.repeat.clamp(1, 1000);

    let mut times = Vec::new();
    let mut results = Vec::new();
    for _ in 0..repeat {
        let (elapsed, r) = timed(|| staff_all(&table, &requests));
        results = r?;
        times.push(elapsed);
    }
    times.sort();
    let ours_s = times[times.len() / 2].as_secs_f64();
    let best_s = times[0].as_secs_f64();

    println!(
        "Erlang staffing of {} ({} rows)",
        input.display(),
        requests.len()
    );
    let peer = run_peer(&args, &script, &input);
    let erlang_c_rows = requests.iter().filter(|r| r.patience_s.is_none()).count();
    println!();
    println!(
        "{:<18} {:>8} {:>14} {:>12}",
        "", "rows", "compute s", "µs per row"
    );
    println!(
        "{:<18} {:>8} {:>14.6} {:>12.2}",
        "centralita",
        requests.len(),
        ours_s,
        ours_s / requests.len().max(1) as f64 * 1e6
    );
    println!(
        "{:<18} {:>8} {:>14.6}   (fastest of {repeat})",
        "", "", best_s
    );
    match &peer {
        Ok(p) => {
            println!(
                "{:<18} {:>8} {:>14.6} {:>12.2}",
                format!("pyworkforce {}", p.version),
                p.rows,
                p.compute_s,
                p.compute_s / p.rows.max(1) as f64 * 1e6
            );
            println!();
            println!(
                "speed-up: {:.0}× (pyworkforce compute / ours, median; per row on the same rows)",
                (p.compute_s / p.rows.max(1) as f64) / (ours_s / requests.len().max(1) as f64)
            );
            if p.rows != erlang_c_rows {
                println!(
                    "note: pyworkforce solved {} rows, ours {} Erlang C rows: cannot compare counts",
                    p.rows, erlang_c_rows
                );
            } else {
                print_differences(&table, &requests, &results, &p.agents);
            }
        }
        Err(err) => {
            println!("pyworkforce        could not run: {err:#}");
            println!("                   (set it up at the repository's root: {PEERS_SETUP})");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Times one call. The clock is read here, in the command-line shell, never in the engines.
#[allow(clippy::disallowed_methods)] // a benchmark measures wall time
fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = std::time::Instant::now();
    let value = f();
    (start.elapsed(), value)
}

fn print_differences(
    table: &Table,
    requests: &[StaffingRequest],
    ours: &[Staffing],
    theirs: &[u32],
) {
    let compared = requests
        .iter()
        .zip(ours)
        .zip(&table.rows)
        .filter(|((r, _), _)| r.patience_s.is_none());
    let mut differ = Vec::new();
    for (((req, s), (line, record)), &their) in compared.zip(theirs) {
        if s.agents != their {
            differ.push((*line, record, req, s.agents, their));
        }
    }
    println!(
        "agent counts: {} of {} rows identical, {} differ",
        theirs.len() - differ.len(),
        theirs.len(),
        differ.len()
    );
    for (line, record, req, ours, their) in &differ {
        // An exact tie: calls × aht equals cap × agents × interval, so `ours` agents sit exactly
        // at the cap and one more is not needed.
        let exact_tie = f64::from(*ours) * req.max_occupancy * req.interval_s
            == req.calls * req.aht_s
            || is_decimal_tie(req, *ours);
        let why = if exact_tie && *their == ours + 1 {
            "pyworkforce tie error: occupancy exactly at the cap"
        } else {
            "unexplained"
        };
        println!(
            "  line {line}: {} {} calls={} aht_s={} cap={}: ours {ours}, pyworkforce {their} ({why})",
            record.get(0).unwrap_or(""),
            record.get(1).unwrap_or(""),
            req.calls,
            req.aht_s,
            req.max_occupancy
        );
    }
}

/// calls × aht / interval / cap == agents, decided on the decimals as written (two decimals of
/// the cap suffice for the reference; other caps fall back to the floating comparison above).
fn is_decimal_tie(req: &StaffingRequest, agents: u32) -> bool {
    let cap_pct = (req.max_occupancy * 100.0).round();
    let integral = |v: f64| v == v.trunc() && v.abs() < 1e15;
    if !(integral(req.calls) && integral(req.aht_s) && integral(req.interval_s))
        || (cap_pct / 100.0 != req.max_occupancy)
    {
        return false;
    }
    let lhs = req.calls as u128 * req.aht_s as u128 * 100;
    let rhs = cap_pct as u128 * u128::from(agents) * req.interval_s as u128;
    lhs == rhs
}

fn run_peer(args: &Args, script: &Path, input: &Path) -> anyhow::Result<PeerRun> {
    if !script.exists() {
        anyhow::bail!("peer script {} not found", script.display());
    }
    let python = python(
        args.python.as_deref(),
        script.parent().unwrap_or(Path::new(".")),
    );
    run_peer_with(&python, script, input).with_context(|| format!("with {}", python.display()))
}

fn run_peer_with(python: &Path, script: &Path, input: &Path) -> anyhow::Result<PeerRun> {
    let out_path =
        std::env::temp_dir().join(format!("centralita-bench-peer-{}.csv", std::process::id()));
    let output = Command::new(python)
        .arg(script)
        .arg(input)
        .arg(&out_path)
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    let cleanup = || {
        let _ = std::fs::remove_file(&out_path);
    };
    if !output.status.success() {
        cleanup();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").to_string();
        anyhow::bail!("the peer failed ({}): {last}", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .context("the peer printed no JSON line")?;
    let compute_s = json["compute_s"]
        .as_f64()
        .context("no compute_s in the peer's JSON")?;
    let rows = json["rows"]
        .as_u64()
        .context("no rows in the peer's JSON")? as usize;
    let version = json["version"].as_str().unwrap_or("?").to_string();
    let agents = read_peer_agents(&out_path);
    cleanup();
    Ok(PeerRun {
        version,
        rows,
        compute_s,
        agents: agents?,
    })
}

fn read_peer_agents(path: &Path) -> anyhow::Result<Vec<u32>> {
    let mut reader = csv::Reader::from_path(path).context("cannot read the peer's output")?;
    let col = reader
        .headers()?
        .iter()
        .position(|h| h == "agents")
        .context("no agents column in the peer's output")?;
    reader
        .records()
        .map(|r| {
            let r = r?;
            let text = r.get(col).unwrap_or("");
            // pyworkforce may print counts as floats ("97.0").
            let v: f64 = text
                .parse()
                .with_context(|| format!("peer agents {text:?}"))?;
            Ok(v as u32)
        })
        .collect()
}
