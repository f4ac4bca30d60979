//! The demo is a healthy center a newcomer can read: over its first hour
//! the service level meets the queues' target in both half hours (the
//! wallboard's intervals) and between 2 % and 8 % of the callers give up.
//!
//! Each test runs the demo's own configuration (`demo::configure`) and its
//! simulated traffic (`demo::start`: arrivals, callers' patience, simulated
//! agents, the campaign's telephone network) through the real tenant task
//! and core, with tokio's time paused and the tenant's clock following it
//! (`clock::follow_tokio`), so an hour passes in well under a second and a seed
//! gives the same run. The one departure from `centralita demo` is a tenant
//! task that keeps no log (`tenant::spawn_unlogged`): SQLite works on
//! threads of its own, and while it did, paused time would jump ahead to
//! the next timer.
//!
//! Figures are counted as the wallboard counts them (`center::kpi`): a
//! contact in the interval it first queued in, in its first queue (the
//! inbound queues support, sales and vip), decided once answered or ended.
//! Measured with the demo's defaults (arrivals every 20 s per channel, four
//! inbound simulated agents, callers' patience 80 s on average, the plan's
//! 80 % in 20 s), from Tuesday 10:00 Madrid time:
//!
//! | seed | offered | SL 10:00–10:30 | SL 10:30–11:00 | lowest quarter | abandoned (hour) |
//! | --- | --- | --- | --- | --- | --- |
//! | 1 | 360 | 97.2 % | 90.7 % | 89.9 % | 4.2 % |
//! | 2 | 363 | 92.9 % | 92.2 % | 89.6 % | 5.5 % |
//! | 3 | 314 | 94.6 % | 95.2 % | 93.4 % | 3.8 % |
//!
//! Over 40 seeds ([`sweep_seeds`]) the lowest half hour was 87.2 %, no
//! quarter hour was under 80 %, and 2.3–7.1 % gave up (mean 5.0 %); with
//! the earlier patience of 120 s, 3 hours in 40 had fewer than 2 %.
//! Each seed's hour takes about a quarter of a second.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use center::kpi::{QueueTally, Wait};
use model::event::EventKind;
use server::demo;

/// Tuesday 10 March 2026, 10:00 in Madrid (09:00 UTC).
const START_MS: i64 = 1_773_133_200_000;
/// The hour measured.
const HOUR_MS: i64 = 3_600_000;
/// The wallboard's interval.
const HALF_HOUR_MS: i64 = 1_800_000;
/// Time after the hour for the last arrivals' waits to be decided.
const SETTLE: Duration = Duration::from_secs(900);

/// One contact's wait in its first queue.
type Contacts = HashMap<u64, (u32, Wait)>;

/// The inbound queues' service-level thresholds (ms) by queue id, and their
/// one target.
fn inbound_queues() -> (HashMap<u32, u64>, f64) {
    let (_, queues, _) = server::tenant::compile_plan(demo::DEMO_PLAN, None).unwrap();
    let inbound: Vec<_> = queues.iter().filter(|q| &*q.name != "outbound").collect();
    let target = inbound[0].sl_target;
    assert!(inbound.iter().all(|q| q.sl_target == target));
    let thresholds = inbound
        .iter()
        .map(|q| (q.id.0, q.sl_threshold.as_millis() as u64))
        .collect();
    (thresholds, target)
}

/// Records every contact's wait from the tenant's live facts (and how many
/// facts it missed, which must be none).
fn watch(h: &server::tenant::TenantHandle) -> Arc<Mutex<(Contacts, u64)>> {
    let seen = Arc::new(Mutex::new((Contacts::new(), 0)));
    let mut rx = h.events.subscribe();
    let out = seen.clone();
    tokio::spawn(async move {
        loop {
            let p = match rx.recv().await {
                Ok(p) => p,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    out.lock().unwrap().1 += n;
                    continue;
                }
                Err(_) => return,
            };
            if let store::Fact::Routing { event } = &p.fact {
                note(&mut out.lock().unwrap().0, p.at, &event.kind);
            }
        }
    });
    seen
}

fn note(contacts: &mut Contacts, at: i64, kind: &EventKind) {
    let blank = Wait {
        queued_ms: at,
        answered_ms: None,
        ended: None,
    };
    match kind {
        EventKind::InteractionQueued {
            interaction, queue, ..
        } => {
            contacts.entry(interaction.0).or_insert((queue.0, blank));
        }
        EventKind::Accepted { interaction, .. } => {
            if let Some((_, w)) = contacts.get_mut(&interaction.0) {
                w.answered_ms.get_or_insert(at);
            }
        }
        EventKind::Ended {
            interaction,
            outcome,
            ..
        } => {
            if let Some((_, w)) = contacts.get_mut(&interaction.0) {
                w.ended = Some((at, *outcome));
            }
        }
        _ => {}
    }
}

/// The demo tenant, made in a store (on a runtime of its own: the store's
/// pool has timers, which paused time would fire at once).
fn demo_tenant() -> store::Tenant {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = common::scratch("demo-health");
    let tenant = rt.block_on(async {
        let st = store::Store::open(&store::sqlite_url(&dir)).await.unwrap();
        st.create_tenant(demo::DEMO_TENANT, START_MS).await.unwrap()
    });
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    tenant
}

/// The demo's first hour (and [`SETTLE`]) with `traffic`, on a runtime of
/// its own with time paused: every contact's wait.
fn first_hour(tenant: store::Tenant, traffic: demo::Traffic) -> Contacts {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let _clock = server::clock::follow_tokio(START_MS);
        let h = server::tenant::spawn_unlogged(tenant).await.unwrap();
        let seen = watch(&h);
        let done = demo::configure(&h).await.unwrap();
        demo::start(&h, &done.bots, Some(done.campaign), traffic)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(HOUR_MS as u64) + SETTLE).await;
        let (contacts, missed) = seen.lock().unwrap().clone();
        assert_eq!(missed, 0, "the watcher missed facts");
        contacts
    })
}

/// Tallies of the inbound contacts that arrived in the hour, by interval of `len_ms`.
fn tallies(contacts: &Contacts, len_ms: i64) -> Vec<QueueTally> {
    let (thresholds, _) = inbound_queues();
    let mut out = vec![QueueTally::default(); (HOUR_MS / len_ms) as usize];
    for (queue, w) in contacts.values() {
        let Some(threshold) = thresholds.get(queue) else {
            continue;
        };
        let at = w.queued_ms - START_MS;
        if (0..HOUR_MS).contains(&at) {
            out[(at / len_ms) as usize].add(w, *threshold);
        }
    }
    out
}

fn show(t: &QueueTally) -> String {
    format!(
        "offered {:3}, answered {:3}, abandoned {:2}, SL {:5.1} %, abandon {:4.1} %, ASA {:4.1} s",
        t.offered,
        t.answered,
        t.abandoned,
        100.0 * t.service_level().unwrap_or(0.0),
        100.0 * t.abandon_rate().unwrap_or(0.0),
        t.asa_s().unwrap_or(0.0),
    )
}

/// Runs the hour from `seed`, prints its figures and checks the goal.
fn check(seed: u64) {
    let contacts = first_hour(demo_tenant(), demo::Traffic::seeded(seed));
    let (_, target) = inbound_queues();
    let halves = tallies(&contacts, HALF_HOUR_MS);
    let quarters = tallies(&contacts, HALF_HOUR_MS / 2);
    let hour = tallies(&contacts, HOUR_MS).remove(0);
    for (i, t) in quarters.iter().enumerate() {
        eprintln!("seed {seed} quarter {}: {}", i + 1, show(t));
    }
    for (i, t) in halves.iter().enumerate() {
        eprintln!("seed {seed} half {}: {}", i + 1, show(t));
    }
    eprintln!("seed {seed} hour: {}", show(&hour));
    assert!(hour.offered > 200, "too few arrivals: {}", hour.offered);
    assert_eq!(hour.decided(), hour.offered, "a wait still undecided");
    for (i, t) in halves.iter().enumerate() {
        let sl = t.service_level().unwrap();
        assert!(sl >= target, "half hour {}: SL {sl:.3} < {target}", i + 1);
    }
    let low = quarters
        .iter()
        .filter(|t| t.service_level().unwrap() < target);
    assert!(low.count() <= 1, "more than one quarter hour under target");
    let abandon = hour.abandon_rate().unwrap();
    assert!(
        (0.02..=0.08).contains(&abandon),
        "abandoned {:.1} % of the hour's callers",
        abandon * 100.0
    );
}

#[test]
fn the_demo_meets_its_service_level_with_a_few_callers_giving_up() {
    check(1);
}

#[test]
fn so_it_does_with_another_seed() {
    check(2);
}

#[test]
fn and_with_a_third() {
    check(3);
}

/// Not a check: the figures of 40 seeds, to tune the demo by (`EVERY` and
/// `PATIENCE` override the arrivals' and the patience's means):
/// `cargo test -p server --test demo_health -- --ignored --nocapture`.
#[test]
#[ignore]
fn sweep_seeds() {
    let env =
        |name: &str, default: f64| std::env::var(name).map_or(default, |v| v.parse().unwrap());
    let every = env("EVERY", demo::ARRIVAL_EVERY_S);
    let patience = env("PATIENCE", demo::PATIENCE_MEAN_S);
    let tenant = demo_tenant();
    let (_, target) = inbound_queues();
    let (mut fails, mut low_quarters, mut abandons) = (0, 0, Vec::new());
    let mut low_sl = 1.0f64;
    for seed in 1..=40 {
        let traffic = demo::Traffic {
            arrival_every_s: every,
            patience_mean_s: patience,
            seed,
        };
        let contacts = first_hour(tenant.clone(), traffic);
        let sl = |len| -> Vec<f64> {
            let t = tallies(&contacts, len);
            t.iter().map(|t| t.service_level().unwrap()).collect()
        };
        let (halves, quarters) = (sl(HALF_HOUR_MS), sl(HALF_HOUR_MS / 2));
        let hour = tallies(&contacts, HOUR_MS).remove(0);
        let ab = hour.abandon_rate().unwrap();
        let ok = halves.iter().all(|s| *s >= target) && (0.02..=0.08).contains(&ab);
        fails += usize::from(!ok);
        low_quarters += quarters.iter().filter(|s| **s < target).count();
        low_sl = halves.iter().fold(low_sl, |m, s| m.min(*s));
        abandons.push(ab);
        eprintln!(
            "seed {seed}: SL {:.1} {:.1} (quarters {:.1} {:.1} {:.1} {:.1}), abandoned {:.1} %, offered {}{}",
            halves[0] * 100.0,
            halves[1] * 100.0,
            quarters[0] * 100.0,
            quarters[1] * 100.0,
            quarters[2] * 100.0,
            quarters[3] * 100.0,
            ab * 100.0,
            hour.offered,
            if ok { "" } else { "  MISSED" }
        );
    }
    let (lo, hi) = abandons
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), a| (l.min(*a), h.max(*a)));
    let mean = abandons.iter().sum::<f64>() / abandons.len() as f64;
    eprintln!(
        "every {every} s, patience {patience} s: lowest half-hour SL {:.1} %, abandoned {:.1}..{:.1} % (mean {:.1}), quarters under target {low_quarters} of 160, hours missed {fails} of 40",
        low_sl * 100.0,
        lo * 100.0,
        hi * 100.0,
        mean * 100.0
    );
}

/// The demo as `centralita demo` runs it, on its store and the wall clock,
/// for a moment: set up (and found again), its simulated agents answering.
#[tokio::test]
async fn the_demo_sets_up_on_its_store_and_its_agents_answer() {
    let dir = common::scratch("demo-store");
    let state = common::state(&dir).await;
    let info = demo::setup(&state, &dir).await.unwrap();
    assert_eq!(info.bots.len(), demo::BOTS);
    assert_eq!(info.users.len(), 6);
    let again = demo::setup(&state, &dir).await.unwrap();
    assert_eq!(again.bots, info.bots);
    let t = state.store.tenant_by_name(demo::DEMO_TENANT).await.unwrap();
    let h = state.hub.tenant(&t.unwrap()).await.unwrap();
    let mut rx = h.events.subscribe();
    demo::simulate(&state, &info, 0.2).await.unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let p = rx.recv().await.unwrap();
            if let store::Fact::Routing { event } = &p.fact
                && let EventKind::Accepted { agent, .. } = &event.kind
                && info.bots.contains(&i64::from(agent.0))
            {
                return;
            }
        }
    })
    .await;
    assert!(answered.is_ok(), "no simulated agent answered");
    let _ = std::fs::remove_dir_all(&dir);
}
