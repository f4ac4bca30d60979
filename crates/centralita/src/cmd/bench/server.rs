//! `centralita bench server`: the server under load on loopback — agents on
//! live streams answering offers, integrations creating interactions — with
//! requests per second, latency percentiles and peak memory.

use std::process::ExitCode;

use super::common::{peak_rss_mb, percentile};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agents, each answering offers from its own live stream.
    #[arg(long, default_value_t = 500)]
    pub agents: usize,
    /// Live streams per agent: the desktop page's, and more of the agent's
    /// own (a softphone or CRM connector) with the same filtered events.
    /// 500 agents × 2 and the watchers make the goal's 1,000 subscribers.
    #[arg(long, default_value_t = 2)]
    pub agent_streams: usize,
    /// Supervisors' and wallboards' live streams, each following every
    /// event of the tenant.
    #[arg(long, default_value_t = 20)]
    pub watchers: usize,
    /// Concurrent clients creating interactions.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// Seconds of load.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Database URL (default: a fresh SQLite file in a temporary directory).
    #[arg(long)]
    pub database: Option<String>,
}

/// Runs it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(1..=16).contains(&args.agent_streams) {
        eprintln!("error: --agent-streams: between 1 and 16");
        return Ok(ExitCode::from(super::super::EXIT_BAD_INPUT));
    }
    if !(args.seconds > 0.0 && args.seconds <= 600.0) {
        eprintln!("error: --seconds: between 0 and 600");
        return Ok(ExitCode::from(super::super::EXIT_BAD_INPUT));
    }
    let dir = std::env::temp_dir().join(format!("centralita-bench-server-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let database = args
        .database
        .clone()
        .unwrap_or_else(|| store::sqlite_url(&dir));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let r = rt.block_on(server::bench::run(server::bench::Options {
        agents: args.agents,
        agent_streams: args.agent_streams,
        watchers: args.watchers,
        clients: args.clients,
        seconds: args.seconds,
        database,
    }))?;
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    let per_s = |n: u64| n as f64 / r.seconds;
    let ms = |v: &[u64], p: f64| percentile(v, p) as f64 / 1000.0;
    println!(
        "server bench: {} agents × {} live streams, {} watchers of the whole tenant, {} creating clients, {:.1} s, loopback, SQLite synchronous=FULL",
        args.agents, args.agent_streams, args.watchers, args.clients, r.seconds
    );
    println!(
        "  threads:       {}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  created:       {:>8} ({:.0}/s)",
        r.created,
        per_s(r.created)
    );
    println!(
        "  routed:        {:>8} ({:.0}/s)",
        r.routed,
        per_s(r.routed)
    );
    println!(
        "  accepted:      {:>8} ({:.0}/s)",
        r.accepted,
        per_s(r.accepted)
    );
    println!(
        "  completed:     {:>8} ({:.0}/s)",
        r.completed,
        per_s(r.completed)
    );
    println!(
        "  requests:      {:>8} ({:.0}/s), {} errors",
        r.requests,
        per_s(r.requests),
        r.errors
    );
    println!(
        "  create latency p50 {:.2} ms  p99 {:.2} ms",
        ms(&r.create_us, 50.0),
        ms(&r.create_us, 99.0)
    );
    println!(
        "  agent requests p50 {:.2} ms  p99 {:.2} ms",
        ms(&r.agent_us, 50.0),
        ms(&r.agent_us, 99.0)
    );
    println!(
        "  all requests   p50 {:.2} ms  p99 {:.2} ms",
        ms(&r.all_us, 50.0),
        ms(&r.all_us, 99.0)
    );
    println!(
        "  live streams:  {} open; watchers received {} events, agents' extra streams {}",
        r.streams, r.watcher_events, r.connector_events
    );
    if let Some(mb) = peak_rss_mb() {
        println!("  peak RSS:      {mb:.0} MB (server and load generator in one process)");
    }
    Ok(ExitCode::SUCCESS)
}
