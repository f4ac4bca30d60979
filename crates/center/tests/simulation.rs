//! The tenant core under deterministic simulation (the TigerBeetle way): a
//! seed drives random commands (creations, offers answered, transfers,
//! consults, sign-in/out, state changes, campaigns started, paused and
//! stopped, dispositions, callbacks, callbacks promised by agents, manual
//! calls, the line's results, cases with debts, payments, promises, moves
//! and flags, whose timers order tasks, letters and contacts), random time steps
//! and restarts. At a restart a fresh core is fed the facts so far; it must
//! equal the live one (its durable state), and then it carries on as the
//! live core. After every step: routing's invariants; no contact dialled
//! twice at once; no call placed for nobody while a campaign's abandon rate
//! is at its cap; no agent held for two answered calls; every interaction
//! ends at most once, and at the end of a run, every interaction has ended
//! exactly once.
//!
//! `CENTER_SIM_SEEDS=N` runs N seeds (default 500), `CENTER_SIM_SEED=S`
//! replays one; a failure prints the command that replays it.

#[path = "support/world.rs"]
mod world;

use world::World;

fn seeds() -> Vec<u64> {
    if let Ok(s) = std::env::var("CENTER_SIM_SEED") {
        return vec![s.parse().expect("CENTER_SIM_SEED is a number")];
    }
    let n: u64 = std::env::var("CENTER_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    (1..=n).collect()
}

#[test]
fn random_days_keep_every_invariant_across_restarts() {
    let steps: usize = std::env::var("CENTER_SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    for seed in seeds() {
        let result = std::panic::catch_unwind(|| {
            let mut w = World::new(seed);
            w.run(steps);
            w.finish();
            w.stats()
        });
        match result {
            Ok(_) => {}
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!(
                    "seed {seed} failed: {msg}\nreplay: CENTER_SIM_SEED={seed} CENTER_SIM_STEPS={steps} cargo test -p center --test simulation -- --nocapture"
                );
            }
        }
    }
}

#[test]
fn a_run_does_real_work() {
    // The simulation is only worth its seeds if things happen in it.
    let mut total = world::Stats::default();
    for seed in 1..=20 {
        let mut w = World::new(seed);
        w.run(400);
        w.finish();
        total.add(&w.stats());
    }
    eprintln!("{total:?}");
    assert!(total.created > 200, "{total:?}");
    assert!(total.accepted > 50, "{total:?}");
    assert!(total.restarts > 5, "{total:?}");
    assert!(total.dials > 20, "{total:?}");
    assert!(total.connected_outbound > 3, "{total:?}");
    assert!(total.transfers > 5, "{total:?}");
    assert!(total.callbacks > 0, "{total:?}");
    assert!(total.promised > 3, "{total:?}");
    assert!(total.manual_placed > 0, "{total:?}");
    assert!(total.cases > 20, "{total:?}");
    assert!(total.case_inputs > 60, "{total:?}");
    assert!(total.case_timer_facts > 5, "{total:?}");
    assert!(total.case_tasks > 3, "{total:?}");
    assert!(total.case_letters > 3, "{total:?}");
}

#[test]
#[ignore]
fn debug_one() {
    let seed = std::env::var("CENTER_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let steps = std::env::var("CENTER_SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let mut w = World::new(seed);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.run(steps)));
    w.dump();
    r.unwrap();
}
