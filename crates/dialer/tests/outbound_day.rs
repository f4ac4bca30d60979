//! A small simulated outbound day per mode and seed: progressive never
//! abandons a call with a reserved agent; predictive stays under the 3 % cap
//! on every seed while keeping agents busier than progressive.
//!
//! Run with `--nocapture` to see the table of what each run measured.

mod support;

use model::outbound::DialMode;
use support::{Day, DayResult, Population, run_day};

fn day(mode: DialMode, agents: u32, seed: u64) -> Day {
    Day {
        mode,
        ratio: 1.5,
        agents,
        contacts: u64::from(agents) * 400,
        hours: 3.0,
        seed,
        population: Population::example(),
    }
}

fn show(label: &str, agents: u32, seed: u64, r: &DayResult) {
    println!(
        "{label:<12} agents {agents:>3} seed {seed:>2}: dials {:>6} live {:>5} abandoned {:>3} rate {:>6.2}% occupancy {:>5.3}",
        r.dials,
        r.live_answers,
        r.abandoned,
        100.0 * r.abandon_rate(),
        r.occupancy
    );
}

#[test]
fn progressive_never_abandons_a_call_with_a_reserved_agent() {
    for seed in 1..=3 {
        let r = run_day(day(DialMode::Progressive, 10, seed));
        show("progressive", 10, seed, &r);
        assert!(
            r.live_answers > 100,
            "seed {seed}: the day is too small to mean anything"
        );
        assert_eq!(r.abandoned, 0, "seed {seed}: progressive abandoned a call");
    }
}

#[test]
fn preview_dials_for_the_agent_who_reviewed_and_never_abandons() {
    let r = run_day(day(DialMode::Preview, 5, 1));
    show("preview", 5, 1, &r);
    assert!(r.live_answers > 30);
    assert_eq!(r.abandoned, 0);
}

#[test]
fn predictive_stays_under_the_cap_on_every_seed_and_beats_progressive_occupancy() {
    for agents in [10, 25] {
        let mut occ = [0.0; 2];
        for seed in 1..=6 {
            let prog = run_day(day(DialMode::Progressive, agents, seed));
            let pred = run_day(day(DialMode::Predictive, agents, seed));
            show("progressive", agents, seed, &prog);
            show("predictive", agents, seed, &pred);
            assert!(
                pred.abandon_rate() < 0.03,
                "seed {seed}, {agents} agents: predictive abandon rate {}",
                pred.abandon_rate()
            );
            assert!(
                pred.max_running_rate < 0.03,
                "seed {seed}, {agents} agents: the running rate reached {} during the day",
                pred.max_running_rate
            );
            occ[0] += prog.occupancy;
            occ[1] += pred.occupancy;
        }
        println!(
            "{agents} agents: mean occupancy progressive {:.3}, predictive {:.3}",
            occ[0] / 6.0,
            occ[1] / 6.0
        );
        assert!(
            occ[1] > occ[0] + 0.03,
            "{agents} agents: predictive {} is not busier than progressive {}",
            occ[1] / 6.0,
            occ[0] / 6.0
        );
    }
}

#[test]
fn power_dials_more_lines_than_agents_and_may_abandon() {
    let r = run_day(Day {
        ratio: 2.5,
        ..day(DialMode::Power, 10, 1)
    });
    show("power 2.5", 10, 1, &r);
    assert!(r.dials > 0);
    // At a high ratio power outruns its agents; the gate's cap then forces reserved calls.
    let low = run_day(Day {
        ratio: 1.0,
        ..day(DialMode::Power, 10, 1)
    });
    show("power 1.0", 10, 1, &low);
    assert!(
        r.abandoned > low.abandoned,
        "a higher ratio should abandon more"
    );
}

/// The size the issue cares about: 100 agents and 100,000 contacts over an 8-hour day.
/// Slow in a debug build; run with `cargo test --release -p dialer --test outbound_day -- --ignored --nocapture`.
#[test]
#[ignore]
// Measuring how long the run takes is the point here; the engine itself never reads the clock.
#[allow(clippy::disallowed_methods)]
fn a_large_predictive_day_is_cheap_per_decision() {
    for (mode, label) in [
        (DialMode::Progressive, "progressive"),
        (DialMode::Predictive, "predictive"),
    ] {
        for seed in 1..=3 {
            let started = std::time::Instant::now();
            let r = run_day(Day {
                contacts: 100_000,
                hours: 8.0,
                ..day(mode, 100, seed)
            });
            let took = started.elapsed();
            show(label, 100, seed, &r);
            println!(
                "    {:.1} s wall for {} dials ({:.1} µs per dial)",
                took.as_secs_f64(),
                r.dials,
                took.as_secs_f64() * 1e6 / r.dials as f64
            );
            if mode == DialMode::Predictive {
                assert!(r.abandon_rate() < 0.03);
            }
        }
    }
}

/// Predictive across the range of answer rates (15–40 %) and a list
/// that answers twice as often as the prior says (60 %), where the priors
/// (30 %) are wrong at first: under the cap at the end of the day and all
/// along it (once 100 calls were answered).
/// Run with `cargo test --release -p dialer --test outbound_day -- --ignored --nocapture`.
#[test]
#[ignore]
fn predictive_holds_the_cap_across_answer_rates() {
    for live in [0.15, 0.40, 0.60] {
        let rest = 1.0 - live;
        let population = Population {
            live_answer: live,
            busy: rest * 0.15,
            no_answer: rest * 0.6,
            machine: rest * 0.15,
            failed: rest * 0.1,
            ..Population::example()
        };
        for agents in [10, 50] {
            for seed in 1..=3 {
                let base = Day {
                    population,
                    hours: 4.0,
                    contacts: u64::from(agents) * 600,
                    ..day(DialMode::Progressive, agents, seed)
                };
                let prog = run_day(base);
                let pred = run_day(Day {
                    mode: DialMode::Predictive,
                    ..base
                });
                show(&format!("prog {:.0}%", live * 100.0), agents, seed, &prog);
                show(&format!("pred {:.0}%", live * 100.0), agents, seed, &pred);
                assert!(
                    pred.abandon_rate() < 0.03,
                    "answer rate {live}, {agents} agents, seed {seed}"
                );
                assert!(
                    pred.max_running_rate < 0.03,
                    "answer rate {live}, {agents} agents, seed {seed}: the running rate reached {}",
                    pred.max_running_rate
                );
            }
        }
    }
}

/// Many seeds with small teams, where one abandon weighs most.
/// Run with `cargo test --release -p dialer --test outbound_day -- --ignored --nocapture`.
#[test]
#[ignore]
fn predictive_stays_under_the_cap_on_forty_seeds_with_small_teams() {
    let mut worst: f64 = 0.0;
    for agents in [5, 10] {
        for seed in 1..=20 {
            let r = run_day(day(DialMode::Predictive, agents, seed));
            worst = worst.max(r.abandon_rate());
            assert!(
                r.abandon_rate() < 0.03,
                "{agents} agents, seed {seed}: {}",
                r.abandon_rate()
            );
        }
    }
    println!("worst day abandon rate over 40 runs: {:.2}%", worst * 100.0);
}
