//! `centralita bench sim`: the simulator on one call-center day (by default
//! 1,000 agents, 950 offered Erlangs, AHT 300 s, patience 120 s, 8 h), timed
//! over several runs, next to the same model run by SimPy and Ciw.

use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{PEERS_SETUP, median, peak_rss_mb, peers_dir, python, run_peer, timed};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agents.
    #[arg(long, default_value_t = 1000)]
    pub agents: u32,
    /// Offered load in Erlangs.
    #[arg(long, default_value_t = 950.0)]
    pub erlangs: f64,
    /// Mean handle time, seconds (exponential).
    #[arg(long, default_value_t = 300.0)]
    pub aht: f64,
    /// Mean patience, seconds (exponential).
    #[arg(long, default_value_t = 120.0)]
    pub patience: f64,
    /// Hours of arrivals.
    #[arg(long, default_value_t = 8.0)]
    pub hours: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed runs (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Folder of the peers' scripts (default: the repository's bench/peers, found from the current
    /// directory or its parents, else from the source tree).
    #[arg(long)]
    pub peers: Option<PathBuf>,
    /// Python with simpy and ciw installed (default: $CENTRALITA_PEERS_PYTHON, else the virtual
    /// environment .peers/ at the repository's root, else PEERS/.peers, else python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Skip the peers (ours only).
    #[arg(long)]
    pub no_peers: bool,
}

/// The scenario text for these arguments.
pub fn scenario_text(a: &Args) -> String {
    format!(
        "duration_s = {}\ninterval_s = 1800\nseed = {}\n[[queue]]\nname = \"support\"\nsl_seconds = 20\n\
         [[arrivals]]\nqueue = \"support\"\nrate_per_hour = {}\nhandle_time = {{ dist = \"exponential\", mean_s = {} }}\n\
         patience = {{ dist = \"exponential\", mean_s = {} }}\n[[agents]]\ngroup = \"agents\"\ncount = {}\nskills = {{ support = 5 }}\n",
        a.hours * 3600.0,
        a.seed,
        a.erlangs / a.aht * 3600.0,
        a.aht,
        a.patience,
        a.agents
    )
}

/// Runs it.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let text = scenario_text(&a);
    let sc = sim::Scenario::from_text("bench.toml", &text, None)?;
    let opts = sim::Options::default();
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..a.runs.max(1) {
        let (s, r) = timed(|| sim::run(&sc, "bench", &opts));
        times.push(s);
        report = Some(r?);
    }
    let r = report.expect("at least one run");
    let q = &r.queues["support"];
    let occ = r.groups["agents"].occupancy;
    let secs = median(times);
    let ours_eps = r.events as f64 / secs;
    println!(
        "model: {} agents, {} Erlangs, AHT {} s, patience {} s, {} h, seed {}",
        a.agents, a.erlangs, a.aht, a.patience, a.hours, a.seed
    );
    println!(
        "{:<12} {:>10} {:>12} {:>14} {:>8} {:>8} {:>8} {:>10}",
        "tool", "seconds", "events", "events/s", "SL", "abandon", "ASA s", "occupancy"
    );
    println!(
        "{:<12} {:>10.4} {:>12} {:>14.0} {:>8.4} {:>8.4} {:>8.2} {:>10.4}",
        "centralita", secs, r.events, ours_eps, q.service_level, q.abandon_rate, q.asa_s, occ
    );
    if !a.no_peers {
        let dir = peers_dir(a.peers.as_deref());
        let py = python(a.python.as_deref(), &dir);
        let args: Vec<String> = [
            ("--agents", a.agents.to_string()),
            ("--erlangs", a.erlangs.to_string()),
            ("--aht", a.aht.to_string()),
            ("--patience", a.patience.to_string()),
            ("--hours", a.hours.to_string()),
            ("--seed", a.seed.to_string()),
        ]
        .into_iter()
        .flat_map(|(k, v)| [k.to_string(), v])
        .collect();
        let mut failed = false;
        for (name, script) in [("simpy", "sim_simpy.py"), ("ciw", "sim_ciw.py")] {
            match run_peer(&py, &dir.join(script), &args) {
                Ok(v) => {
                    let f = |k: &str| v.get(k).and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
                    let eps = f("events_per_s");
                    println!(
                        "{:<12} {:>10.4} {:>12} {:>14.0} {:>8.4} {:>8.4} {:>8.2} {:>10.4}   centralita is {:.0}x faster",
                        name,
                        f("compute_s"),
                        f("events"),
                        eps,
                        f("sl_offered"),
                        f("abandon_rate"),
                        f("asa_s"),
                        f("occupancy"),
                        ours_eps / eps
                    );
                }
                Err(e) => {
                    println!("{name:<12} could not run: {e}");
                    failed = true;
                }
            }
        }
        if failed {
            println!(
                "{:<12} (set the peers up at the repository's root: {PEERS_SETUP})",
                ""
            );
        }
    }
    println!(
        "peak resident memory: {:.1} MB",
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    Ok(ExitCode::SUCCESS)
}
