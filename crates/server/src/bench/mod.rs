//! The server load benchmark (`centralita bench server`): a real server on
//! loopback over a fresh SQLite file, agents that answer offers from their
//! own live streams, watchers that follow the whole tenant's stream, and
//! integration clients creating interactions as fast as they are answered.
//!
//! Every request goes over HTTP through the full path (auth, tenant task,
//! engine, group commit with `synchronous=FULL`, publish). Agents' sessions
//! are inserted straight into the store instead of signing in 500 times with
//! argon2 (that would time the password hash, not the server).
//!
//! [`client`] is the benchmark's HTTP client (also the crash test's, which
//! drives the server binary over real sockets); the server's own tests send
//! their requests to the router in process instead.

pub mod client;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::auth::{self, Role};
use crate::clock;
use client::Client;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Agents, each with its own live stream and connection.
    pub agents: usize,
    /// Live streams per agent (at least 1): the desktop page's, which answers
    /// offers, and any more of the agent's own (a CTI or CRM connector), which
    /// receive the same filtered events.
    pub agent_streams: usize,
    /// Extra subscribers following every event of the tenant.
    pub watchers: usize,
    /// Concurrent integration clients creating interactions.
    pub clients: usize,
    /// How long to create, in seconds.
    pub seconds: f64,
    /// Database URL (a fresh SQLite file by default).
    pub database: String,
}

/// What was measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Seconds of load.
    pub seconds: f64,
    /// Interactions created.
    pub created: u64,
    /// Offers seen by agents on their streams.
    pub routed: u64,
    /// Offers accepted.
    pub accepted: u64,
    /// Interactions completed.
    pub completed: u64,
    /// All HTTP requests answered (creates, accepts, completes).
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Latency of creations, sorted, in microseconds.
    pub create_us: Vec<u64>,
    /// Latency of agents' accepts and completes, sorted, in microseconds.
    pub agent_us: Vec<u64>,
    /// Latency of all requests (creations and agents' requests), sorted, in microseconds.
    pub all_us: Vec<u64>,
    /// Events received by agents' extra streams.
    pub connector_events: u64,
    /// Events received by watchers.
    pub watcher_events: u64,
    /// Live streams open at the end.
    pub streams: usize,
}

#[derive(Default)]
struct Counters {
    created: AtomicU64,
    routed: AtomicU64,
    accepted: AtomicU64,
    completed: AtomicU64,
    errors: AtomicU64,
    requests: AtomicU64,
    watcher_events: AtomicU64,
    connector_events: AtomicU64,
    streams: AtomicU64,
}

const PLAN: &str =
    "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nring_timeout_s = 60\n";

/// Runs the benchmark (needs a multi-threaded tokio runtime).
pub async fn run(o: Options) -> anyhow::Result<Report> {
    // Every connection of the load comes from 127.0.0.1: the per-address
    // cap (meant for strangers) is lifted to the total for the benchmark.
    let mut limits = crate::serve::Limits::from_env();
    limits.per_address = limits.connections;
    let running = crate::start_with(&o.database, "127.0.0.1:0", limits, None, None).await?;
    let addr = running.addr;
    let st = running.state.clone();
    let t = st
        .store
        .create_tenant(&format!("bench{}", clock::now_ms()), clock::now_ms())
        .await?;
    let token = auth::new_token();
    st.store
        .create_token(
            &t,
            "bench",
            Role::Admin.as_str(),
            &auth::secret_hash(&token),
            0,
        )
        .await?;
    let mut admin = Client::new(addr).bearer(&token);
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await?;
    anyhow::ensure!(r.status == 204, "plan: {:?}", r.json());
    // Agents: a user each (no usable password), an agent linked to it, a session.
    let mut sessions = Vec::with_capacity(o.agents);
    for i in 0..o.agents {
        let name = format!("agent{i}");
        let user = st
            .store
            .create_user(&t, &name, "!bench-no-password", "agent", 0)
            .await?;
        let r = admin
            .post("/api/v1/agents", &json!({"name": name, "username": name, "skills": [{"name": "support", "level": 5}]}))
            .await?;
        anyhow::ensure!(r.status == 201, "agent: {:?}", r.json());
        let sid = auth::random_hex(32);
        let csrf = auth::random_hex(16);
        st.store
            .create_session(
                &auth::secret_hash(&sid),
                &store::auth::SessionRecord {
                    tenant_id: t.id(),
                    user_id: user.id,
                    csrf: csrf.clone(),
                    expires_at: clock::now_ms() + 3_600_000,
                },
            )
            .await?;
        sessions.push((r.json()["id"].as_i64().unwrap_or(i as i64), sid, csrf));
    }
    let counters = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    let latencies: Arc<std::sync::Mutex<(Vec<u64>, Vec<u64>)>> = Arc::default();
    let mut background = Vec::new();
    for (agent, sid, csrf) in sessions {
        let counters = counters.clone();
        let latencies = latencies.clone();
        let mut c = Client::new(addr);
        c.headers
            .push(("cookie".into(), format!("{}={sid}", auth::SESSION_COOKIE)));
        c.headers.push(("x-csrf-token".into(), csrf));
        let mut events = c.events("/api/v1/events", None).await?;
        counters.streams.fetch_add(1, Ordering::Relaxed);
        for _ in 1..o.agent_streams.max(1) {
            let mut extra = c.events("/api/v1/events", None).await?;
            counters.streams.fetch_add(1, Ordering::Relaxed);
            let counters = counters.clone();
            background.push(tokio::spawn(async move {
                while let Ok(Some(_)) = extra.next().await {
                    counters.connector_events.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        let r = c
            .post(&format!("/api/v1/agents/{agent}/sign-in"), &json!({}))
            .await?;
        anyhow::ensure!(r.status == 204, "sign-in: {:?}", r.json());
        background.push(tokio::spawn(async move {
            while let Ok(Some(ev)) = events.next().await {
                if ev.event != "routing.offered" {
                    continue;
                }
                counters.routed.fetch_add(1, Ordering::Relaxed);
                let v: serde_json::Value = serde_json::from_str(&ev.data).unwrap_or_default();
                let Some(id) = v["fact"]["event"]["interaction"].as_i64() else {
                    continue;
                };
                for (what, counter) in [
                    ("accept", &counters.accepted),
                    ("complete", &counters.completed),
                ] {
                    let started = clock::mono();
                    match c
                        .post(&format!("/api/v1/interactions/{id}/{what}"), &json!({}))
                        .await
                    {
                        Ok(r) if r.status == 200 => {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            counters.errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    // Each agent makes a few requests a second: straight
                    // into the shared list (these tasks are aborted at the end).
                    let us = started.elapsed().as_micros() as u64;
                    latencies.lock().expect("latencies").1.push(us);
                    counters.requests.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for _ in 0..o.watchers {
        let counters = counters.clone();
        let mut events = Client::new(addr)
            .bearer(&token)
            .events("/api/v1/events", None)
            .await?;
        counters.streams.fetch_add(1, Ordering::Relaxed);
        background.push(tokio::spawn(async move {
            while let Ok(Some(_)) = events.next().await {
                counters.watcher_events.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let started = clock::mono();
    let mut creators = Vec::new();
    for w in 0..o.clients {
        let counters = counters.clone();
        let latencies = latencies.clone();
        let stop = stop.clone();
        let mut c = Client::new(addr).bearer(&token);
        creators.push(tokio::spawn(async move {
            let mut local = Vec::new();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let key = format!("bench-{w}-{n}");
                let t0 = clock::mono();
                match c
                    .request(
                        "POST",
                        "/api/v1/interactions",
                        &[("idempotency-key", &key)],
                        Some(&json!({"channel": "voice"})),
                    )
                    .await
                {
                    Ok(r) if r.status == 201 => {
                        counters.created.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                local.push(t0.elapsed().as_micros() as u64);
                counters.requests.fetch_add(1, Ordering::Relaxed);
            }
            latencies.lock().expect("latencies").0.append(&mut local);
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for c in creators {
        c.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    // Let agents finish what is in flight before counting.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let (mut create_us, mut agent_us) = std::mem::take(&mut *latencies.lock().expect("latencies"));
    for b in &background {
        b.abort();
    }
    create_us.sort_unstable();
    agent_us.sort_unstable();
    let mut all_us = [create_us.as_slice(), agent_us.as_slice()].concat();
    all_us.sort_unstable();
    let c = &counters;
    Ok(Report {
        seconds,
        created: c.created.load(Ordering::Relaxed),
        routed: c.routed.load(Ordering::Relaxed),
        accepted: c.accepted.load(Ordering::Relaxed),
        completed: c.completed.load(Ordering::Relaxed),
        requests: c.requests.load(Ordering::Relaxed),
        errors: c.errors.load(Ordering::Relaxed),
        create_us,
        agent_us,
        all_us,
        connector_events: c.connector_events.load(Ordering::Relaxed),
        watcher_events: c.watcher_events.load(Ordering::Relaxed),
        streams: c.streams.load(Ordering::Relaxed) as usize,
    })
}
