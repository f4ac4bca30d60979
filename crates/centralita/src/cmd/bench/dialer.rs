//! `centralita bench dialer`: pacing methods side by side on the same
//! simulated days (the real dialer and routing engines in the simulator).
//!
//! For each team size and answer rate, on the same seeds:
//! - **progressive**: one line per free agent, the agent reserved;
//! - **power, best fixed ratio**: a sweep of fixed ratios, and the best one
//!   with hindsight: the highest mean occupancy whose abandon rate stays at or
//!   under 3 % on every seed (a supervisor cannot know it in advance);
//! - **VICIdial-style adaptive**: power with a dial level that a controller
//!   written here (not VICIdial's code) changes every 15 s, multiplying it
//!   by 1 + (idle agents − waiting calls + target) / agents, bounded 1.0–3.0,
//!   and dropping it to 1.0 while today's drop rate is above the cap; the
//!   level reaches the dialer through the simulator's dial-level hook
//!   (`sim::Options::dial_level`, the dialer's `Input::SetRatio`);
//! - **predictive**: Centralita's own pacing.
//!
//! It prints, per row, the worst abandon rate over the seeds, the mean
//! occupancy and the mean contacts (connected calls) per agent hour.
#![allow(clippy::disallowed_methods)]

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sim::outbound::{DialLevelController, DialLevelFactory, PacingSnapshot};

use super::common::timed;

/// The cap every row is judged against.
const ABANDON_CAP: f64 = 0.03;

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Team sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10,25,50,100")]
    pub agents: Vec<u32>,
    /// Shares of dials a person answers, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0.15,0.25,0.40")]
    pub rates: Vec<f64>,
    /// Seeds 1..=N for every configuration.
    #[arg(long, default_value_t = 3)]
    pub seeds: u64,
    /// Hours of dialling per simulated day.
    #[arg(long, default_value_t = 2.0)]
    pub hours: f64,
    /// Lowest fixed power ratio swept (default: 0.3 expected answers per
    /// free agent, ratio = 0.3 / answer rate, at least 1).
    #[arg(long)]
    pub ratio_min: Option<f64>,
    /// Highest fixed power ratio swept (default: 1.1 expected answers per free
    /// agent, ratio = 1.1 / answer rate, at most 10).
    #[arg(long)]
    pub ratio_max: Option<f64>,
    /// Ratios in the sweep, evenly spaced from the lowest to the highest.
    #[arg(long, default_value_t = 9)]
    pub sweep_points: usize,
    /// The VICIdial-style controller's target (its "intensity"; 0 by default).
    #[arg(long, default_value_t = 0.0)]
    pub vici_target: f64,
    /// Worker threads (default: the machine's cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// A VICIdial-style adaptive dial level (our own code, after its published
/// description): every 15 s, level × (1 + (idle − waiting + target) / agents),
/// bounded 1.0–3.0; 1.0 while today's drops are above the cap.
struct Adaptive {
    level: f64,
    target: f64,
}

impl DialLevelController for Adaptive {
    fn every_ms(&self) -> u64 {
        15_000
    }

    fn next_level(&mut self, s: &PacingSnapshot) -> f64 {
        let drops_over = s.live_answers_today > 0
            && s.drops_today as f64 / s.live_answers_today as f64 > s.max_abandon_rate;
        self.level = if drops_over || s.agents == 0 {
            1.0
        } else {
            let push = (f64::from(s.idle_agents) - f64::from(s.waiting_calls) + self.target)
                / f64::from(s.agents);
            (self.level * (1.0 + push)).clamp(1.0, 3.0)
        };
        self.level
    }
}

/// One pacing to run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pacing {
    Progressive,
    Power(f64),
    Adaptive,
    Predictive,
}

/// One simulated day.
#[derive(Debug, Clone, Copy)]
struct Job {
    config: usize,
    pacing: Pacing,
    seed: u64,
}

/// What one day measured.
#[derive(Debug, Clone, Copy, Default)]
struct Day {
    abandon_rate: f64,
    occupancy: f64,
    per_hour: f64,
}

/// The scenario of one day.
fn scenario(agents: u32, live: f64, hours: f64, pacing: Pacing) -> String {
    let rest = 1.0 - live;
    let (mode, ratio) = match pacing {
        Pacing::Progressive => ("progressive", String::new()),
        Pacing::Power(r) => ("power", format!("ratio = {r}\n")),
        Pacing::Adaptive => ("power", "ratio = 1.0\n".to_string()),
        Pacing::Predictive => ("predictive", String::new()),
    };
    // Enough contacts that no list runs out within the day.
    let contacts = (f64::from(agents) * hours * 150.0).ceil() as u64 + 100;
    format!(
        "duration_s = {duration}\nstart = \"2026-01-05T09:00:00\"\ntime_zone = \"America/New_York\"\n\
         [[agents]]\ngroup = \"outbound\"\ncount = {agents}\n\
         [[campaign]]\nname = \"bench\"\nmode = \"{mode}\"\n{ratio}agents = \"outbound\"\ncontacts = {contacts}\nmax_abandon_rate = {ABANDON_CAP}\n\
         [campaign.population]\nlive_answer = {live}\nbusy = {busy}\nno_answer = {no_answer}\nmachine = {machine}\nfailed = {failed}\n\
         ring_time = {{ dist = \"lognormal\", mean_s = 12, cv = 0.5 }}\n\
         talk_time = {{ dist = \"lognormal\", mean_s = 180, cv = 0.8 }}\nwrap_s = 20\n",
        duration = hours * 3600.0,
        busy = rest * 0.15,
        no_answer = rest * 0.6,
        machine = rest * 0.15,
        failed = rest - rest * 0.15 - rest * 0.6 - rest * 0.15,
    )
}

fn run_day(agents: u32, live: f64, a: &Args, job: Job) -> anyhow::Result<Day> {
    let text = scenario(agents, live, a.hours, job.pacing);
    let sc = sim::Scenario::from_text("bench-dialer.toml", &text, None)?;
    let target = a.vici_target;
    let opts = sim::Options {
        seed: Some(job.seed),
        dial_level: (job.pacing == Pacing::Adaptive)
            .then(|| DialLevelFactory::new(move || Box::new(Adaptive { level: 1.0, target }))),
        ..sim::Options::default()
    };
    let r = sim::run(&sc, "bench-dialer", &opts)?;
    let c = &r.campaigns["bench"];
    Ok(Day {
        abandon_rate: c.abandon_rate,
        occupancy: c.occupancy,
        per_hour: c.contacts_per_agent_hour,
    })
}

/// Worst abandon, mean occupancy, mean contacts per agent hour over seeds.
fn summary(days: &[Day]) -> (f64, f64, f64) {
    let n = days.len().max(1) as f64;
    (
        days.iter().map(|d| d.abandon_rate).fold(0.0, f64::max),
        days.iter().map(|d| d.occupancy).sum::<f64>() / n,
        days.iter().map(|d| d.per_hour).sum::<f64>() / n,
    )
}

/// Runs it.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(a.seeds >= 1 && a.seeds <= 100, "--seeds must be 1 to 100");
    anyhow::ensure!(
        a.hours > 0.0 && a.hours <= 24.0,
        "--hours must be above 0 and at most 24"
    );
    anyhow::ensure!(
        (1..=200).contains(&a.sweep_points),
        "--sweep-points must be 1 to 200"
    );
    let range_ok = |r: &Option<f64>| r.is_none_or(|r| (1.0..=10.0).contains(&r));
    anyhow::ensure!(
        range_ok(&a.ratio_min) && range_ok(&a.ratio_max),
        "--ratio-min and --ratio-max must lie in 1.0–10.0"
    );
    anyhow::ensure!(
        a.agents.iter().all(|n| (1..=2000).contains(n)),
        "--agents must be 1 to 2000 each"
    );
    anyhow::ensure!(
        a.rates.iter().all(|r| *r > 0.0 && *r < 1.0),
        "--rates must be shares above 0 and below 1"
    );
    // The sweep for an answer rate: ratios from lo to hi, rounded to 0.05.
    let sweep = |live: f64| -> Vec<f64> {
        let lo = a.ratio_min.unwrap_or((0.3 / live).clamp(1.0, 10.0));
        let hi = a.ratio_max.unwrap_or((1.1 / live).clamp(1.0, 10.0)).max(lo);
        let n = a.sweep_points;
        // Ratio 1.0 (one expected line per free agent) is always tried too.
        let mut v: Vec<f64> = std::iter::once(1.0)
            .chain((0..n).map(|i| {
                let x = if n == 1 {
                    lo
                } else {
                    lo + (hi - lo) * i as f64 / (n - 1) as f64
                };
                (x * 20.0).round() / 20.0
            }))
            .collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    let configs: Vec<(u32, f64)> = a
        .agents
        .iter()
        .flat_map(|&n| a.rates.iter().map(move |&r| (n, r)))
        .collect();
    let fixed = [Pacing::Progressive, Pacing::Adaptive, Pacing::Predictive];
    let mut jobs = Vec::new();
    // Biggest teams first, so the slowest days do not finish last.
    let mut order: Vec<usize> = (0..configs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(configs[i].0));
    for &config in &order {
        let ratios = sweep(configs[config].1).into_iter().map(Pacing::Power);
        for pacing in fixed.into_iter().chain(ratios) {
            for seed in 1..=a.seeds {
                jobs.push(Job {
                    config,
                    pacing,
                    seed,
                });
            }
        }
    }
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64);
    println!(
        "bench dialer: {} days ({} configurations × up to {} pacings × {} seeds), {} h each, {} threads",
        jobs.len(),
        configs.len(),
        fixed.len() + a.sweep_points,
        a.seeds,
        a.hours,
        threads
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<anyhow::Result<Day>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let (secs, ()) = timed(|| {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else {
                            break;
                        };
                        let (agents, live) = configs[job.config];
                        let day = run_day(agents, live, &a, *job);
                        results.lock().expect("no worker panics")[i] = Some(day);
                    }
                });
            }
        })
    });
    let results = results.into_inner().expect("no worker panics");
    let mut days: Vec<Vec<(Pacing, Day)>> = vec![Vec::new(); configs.len()];
    for (job, r) in jobs.iter().zip(results) {
        let day = r.expect("every job ran")?;
        days[job.config].push((job.pacing, day));
    }
    println!(
        "population: answer rate as shown (the rest: 15 % busy, 60 % no answer, 15 % machine, 10 % failed), \
         ring lognormal 12 s cv 0.5, talk lognormal 180 s cv 0.8, wrap 20 s; seeds 1–{}; \
         power swept over 1.0 and {} ratios per answer rate (range in brackets)\n",
        a.seeds, a.sweep_points
    );
    println!(
        "{:>6} {:>7}  {:<26} {:>12} {:>10} {:>14}",
        "agents", "answer", "mode", "max abandon", "occupancy", "contacts/ag·h"
    );
    let mut shortfalls = Vec::new();
    for (ci, &(agents, live)) in configs.iter().enumerate() {
        let of = |p: Pacing| -> Vec<Day> {
            days[ci]
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, d)| *d)
                .collect()
        };
        let ratios = sweep(live);
        let best = ratios
            .iter()
            .map(|&r| (r, summary(&of(Pacing::Power(r)))))
            .filter(|(_, (worst, _, _))| *worst <= ABANDON_CAP)
            .max_by(|x, y| x.1.1.total_cmp(&y.1.1));
        let row = |label: &str, (worst, occ, per_hour): (f64, f64, f64)| {
            println!(
                "{:>6} {:>6.0}%  {:<26} {:>11.2}% {:>10.3} {:>14.1}",
                agents,
                live * 100.0,
                label,
                worst * 100.0,
                occ,
                per_hour
            );
        };
        row("progressive", summary(&of(Pacing::Progressive)));
        match best {
            Some((r, s)) => row(
                &format!(
                    "power {r:.2} (best of {:.2}–{:.2})",
                    ratios[0],
                    ratios[ratios.len() - 1]
                ),
                s,
            ),
            None => println!(
                "{:>6} {:>6.0}%  {:<26} no ratio in the sweep stays under 3 % on every seed",
                agents,
                live * 100.0,
                "power (best fixed)"
            ),
        }
        row("VICIdial-style adaptive", summary(&of(Pacing::Adaptive)));
        let pred = summary(&of(Pacing::Predictive));
        row("predictive", pred);
        if pred.0 > ABANDON_CAP {
            shortfalls.push(format!(
                "{agents} agents, answer {:.0} %: predictive abandoned {:.2} % on a seed",
                live * 100.0,
                pred.0 * 100.0
            ));
        }
        if let Some((r, s)) = best
            && pred.1 < s.1
        {
            shortfalls.push(format!(
                "{agents} agents, answer {:.0} %: predictive occupancy {:.3} below power {r:.2}'s {:.3}",
                live * 100.0,
                pred.1,
                s.1
            ));
        }
        println!();
    }
    println!("{secs:.1} s wall");
    if shortfalls.is_empty() {
        println!(
            "predictive: under 3 % on every seed, and at least the best fixed ratio's occupancy, in every row"
        );
    } else {
        for s in &shortfalls {
            println!("shortfall: {s}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
