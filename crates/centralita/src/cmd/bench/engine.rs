//! `centralita bench engine`: the routing engine alone, loaded like a very
//! large center — by default 10,000 agents over 200 skills, 100,000 waiting
//! interactions, 20 queues with 3 timed steps each — measuring routing
//! decisions per second and the latency of each decision.
//!
//! A decision is one input that makes the engine choose: an agent freed by
//! a completed interaction gets the best waiting one (offer and accept
//! included), or a new arrival is matched or queued. The waiting count is
//! kept at its target by one arrival per completion.

use std::process::ExitCode;

use model::{AgentId, Channel, Duration, Instant, InteractionId, Proficiency, QueueId, SkillId};
use routing::{
    AgentConfig, Engine, Input, NewInteraction, Output, QueueConfig, SkillReq, Step, Target,
};

use super::common::{Stopwatch, peak_rss_mb, percentile, timed};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agents.
    #[arg(long, default_value_t = 10_000)]
    pub agents: u32,
    /// Skills.
    #[arg(long, default_value_t = 200)]
    pub skills: u16,
    /// Queues (3 timed steps each).
    #[arg(long, default_value_t = 20)]
    pub queues: u32,
    /// Interactions kept waiting.
    #[arg(long, default_value_t = 100_000)]
    pub waiting: u32,
    /// Decisions to time (half completions, half arrivals).
    #[arg(long, default_value_t = 400_000)]
    pub decisions: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn drain(e: &mut Engine, offers: &mut Vec<(InteractionId, AgentId)>) {
    while let Some(o) = e.poll_output() {
        if let Output::Event(ev) = o
            && let model::event::EventKind::Offered {
                interaction, agent, ..
            } = ev.kind
        {
            offers.push((interaction, agent));
        }
    }
}

/// Runs it.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut rng = Rng(a.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut e = Engine::new(a.seed);
    let mut now = Instant::from_millis(1_700_000_000_000);
    let p = |l: u64| Proficiency::new(l as u8).expect("1..=10");
    let (setup_s, ()) = timed(|| {
        for q in 0..a.queues {
            let skill =
                SkillId((u64::from(q) * u64::from(a.skills) / u64::from(a.queues.max(1))) as u16);
            let mut cfg = QueueConfig::simple(QueueId(q), &format!("q{q}"), skill);
            let req = |min| Target {
                skills: vec![SkillReq { skill, min: p(min) }],
                team: None,
            };
            cfg.steps = vec![
                Step {
                    until: Some(Duration::from_secs(30)),
                    target: req(7),
                },
                Step {
                    until: Some(Duration::from_secs(90)),
                    target: req(4),
                },
                Step {
                    until: None,
                    target: req(1),
                },
            ];
            cfg.ring_timeout = Duration::from_secs(3600);
            e.handle(now, Input::UpsertQueue(Box::new(cfg)))
                .expect("valid queue");
        }
        for i in 0..a.agents {
            // One queue skill for sure, four more skills at random.
            let q = rng.below(u64::from(a.queues));
            let mut skills = vec![(
                SkillId((q * u64::from(a.skills) / u64::from(a.queues)) as u16),
                p(1 + rng.below(10)),
            )];
            for _ in 0..4 {
                skills.push((
                    SkillId(rng.below(u64::from(a.skills)) as u16),
                    p(1 + rng.below(10)),
                ));
            }
            e.handle(
                now,
                Input::UpsertAgent(AgentConfig::new(AgentId(i), skills)),
            )
            .expect("dense ids");
            e.handle(now, Input::SignIn(AgentId(i), None))
                .expect("known agent");
        }
        while e.poll_output().is_some() {}
    });
    // Fill: every agent busy, then `waiting` more spread over the last two minutes.
    let mut next_id = 0u64;
    let mut offers = Vec::new();
    let mut connected: Vec<Option<InteractionId>> = vec![None; a.agents as usize];
    let create = |e: &mut Engine, now: Instant, id: u64, rng: &mut Rng| {
        let q = QueueId(rng.below(u64::from(a.queues)) as u32);
        let mut n = NewInteraction::new(InteractionId(id), Channel::Voice, q);
        n.priority = (rng.below(3)) as i32;
        e.handle(now, Input::Create(Box::new(n))).expect("new id");
    };
    let total_fill = u64::from(a.agents) * 2 + u64::from(a.waiting);
    let step_ms = 120_000 / total_fill.max(1);
    while (e.stats().waiting as u32) < a.waiting {
        create(&mut e, now, next_id, &mut rng);
        next_id += 1;
        now = now + Duration::from_millis(step_ms);
        e.handle_timeout(now);
        drain(&mut e, &mut offers);
        for (i, ag) in offers.drain(..) {
            e.handle(now, Input::Accept(i, ag)).expect("offered");
            connected[ag.index()] = Some(i);
        }
        while e.poll_output().is_some() {}
    }
    let busy = connected.iter().filter(|c| c.is_some()).count();
    println!(
        "engine: {} agents ({busy} busy), {} skills, {} queues × 3 timed steps, {} waiting; set up in {:.2} s",
        a.agents,
        a.skills,
        a.queues,
        e.stats().waiting,
        setup_s
    );

    let mut free_ns = Vec::with_capacity(a.decisions as usize / 2);
    let mut arrive_ns = Vec::with_capacity(a.decisions as usize / 2);
    let busy_agents: Vec<usize> = (0..a.agents as usize)
        .filter(|&i| connected[i].is_some())
        .collect();
    let (total_s, ()) = timed(|| {
        for k in 0..(a.decisions / 2) as usize {
            now = now + Duration::from_millis(1);
            if k % 64 == 0 {
                e.handle_timeout(now);
                while e.poll_output().is_some() {}
            }
            let ag = busy_agents[rng.below(busy_agents.len() as u64) as usize];
            let Some(i) = connected[ag].take() else {
                continue;
            };
            // Decision 1: the agent is freed and gets the next interaction.
            let sw = Stopwatch::start();
            e.handle(now, Input::Complete(i)).expect("connected");
            drain(&mut e, &mut offers);
            for (i, who) in offers.drain(..) {
                e.handle(now, Input::Accept(i, who)).expect("offered");
                connected[who.index()] = Some(i);
            }
            while e.poll_output().is_some() {}
            free_ns.push(sw.ns());
            // Decision 2: a new arrival keeps the line at its length.
            let sw = Stopwatch::start();
            create(&mut e, now, next_id, &mut rng);
            next_id += 1;
            drain(&mut e, &mut offers);
            for (i, who) in offers.drain(..) {
                e.handle(now, Input::Accept(i, who)).expect("offered");
                connected[who.index()] = Some(i);
            }
            arrive_ns.push(sw.ns());
        }
    });
    let decisions = (free_ns.len() + arrive_ns.len()) as f64;
    e.check_invariants(now)
        .map_err(|m| anyhow::anyhow!("invariant broken after the benchmark: {m}"))?;
    free_ns.sort_unstable();
    arrive_ns.sort_unstable();
    let mut all: Vec<u64> = free_ns.iter().chain(&arrive_ns).copied().collect();
    all.sort_unstable();
    let deciding_s = all.iter().sum::<u64>() as f64 / 1e9;
    println!(
        "decisions: {decisions:.0}; {:.0} decisions/s counting only time spent deciding ({deciding_s:.3} s; goal ≥ 500,000 on one core)",
        decisions / deciding_s
    );
    println!(
        "           {:.0} decisions/s over the whole loop ({total_s:.3} s, which also moves every waiting interaction through its timed steps)",
        decisions / total_s
    );
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "latency (µs)", "p50", "p99", "max"
    );
    for (name, v) in [
        ("agent freed → next offered", &free_ns),
        ("arrival → matched or queued", &arrive_ns),
        ("all decisions", &all),
    ] {
        println!(
            "{:<28} {:>10.2} {:>10.2} {:>10.2}",
            name,
            percentile(v, 50.0) as f64 / 1000.0,
            percentile(v, 99.0) as f64 / 1000.0,
            v.last().copied().unwrap_or(0) as f64 / 1000.0
        );
    }
    println!(
        "goal: p99 ≤ 20 µs; still waiting at the end: {}",
        e.stats().waiting
    );
    println!(
        "peak resident memory: {:.1} MB (goal ≤ 200 MB)",
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    Ok(ExitCode::SUCCESS)
}
