//! A phone call's whole life through the server, against real SIP peers on
//! 127.0.0.1: sipp is the customer (calls, presses 1 in the IVR, waits with
//! music, talks, hangs up) and another sipp is the agent's phone (rings,
//! answers, talks). The server answers, runs the IVR, queues the call,
//! announces, rings the agent when routing offers it, bridges the legs,
//! records (with a pause from the API), and ends the interaction. SIP and
//! RTP go over real sockets; the API is called in process
//! (`common::client`).
//!
//! Without sipp this test fails when `CI` is set (CI installs it) and is
//! skipped with a loud message otherwise.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::json;
use server::auth::{self, Role};
use server::sip::SipConfig;
use server::tenant::Op;
use store::{Fact, Recorded};

mod common;

use common::client::Client;

const PCAPS: &str = "/usr/share/sip-tester";
const LOCALHOST: &str = "127.0.0.1";

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 20
wrap_up_s = 1
"#;

fn have_sipp() -> bool {
    let ok = Command::new("sipp")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    let pcaps = Path::new(PCAPS).join("dtmf_2833_1.pcap").exists();
    if ok && pcaps {
        return true;
    }
    let msg = format!(
        "sipp or its pcaps are missing (sipp found: {ok}, {PCAPS} found: {pcaps}): \
         install the Debian package sip-tester (.ci/run does)"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {msg} !!!!!!!!\n");
    false
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("centralita-sip-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

fn free_port() -> u16 {
    let s = std::net::UdpSocket::bind((LOCALHOST, 0)).expect("bind");
    s.local_addr().expect("addr").port()
}

/// Waits until something listens on each of `ports` (sipp takes a while to
/// start on a loaded machine; a call placed before its phone listens fails).
/// Reads the kernel's socket table rather than probing with a bind, which
/// could take the port from sipp as it starts.
async fn listening(ports: &[u16]) {
    let bound = |port: u16| {
        let needle = format!(":{port:04X}");
        ["/proc/net/udp", "/proc/net/udp6"].iter().any(|table| {
            std::fs::read_to_string(table)
                .unwrap_or_default()
                .lines()
                .skip(1)
                .any(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .is_some_and(|a| a.ends_with(&needle))
                })
        })
    };
    for _ in 0..500 {
        if ports.iter().all(|&p| bound(p)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("sipp did not start listening on {ports:?} within 10 s");
}

/// Runs a sipp scenario from `tests/sipp/` once, as a client of `target` or as a server.
fn sipp(
    dir: &Path,
    name: &str,
    fill: &[(&str, &str)],
    target: Option<SocketAddr>,
    port: u16,
) -> tokio::task::JoinHandle<(Output, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name);
    let mut text = std::fs::read_to_string(&src).expect("scenario");
    for (k, v) in fill {
        text = text.replace(k, v);
    }
    let scenario = dir.join(name);
    std::fs::write(&scenario, text).expect("write scenario");
    let errors = dir.join(format!("{name}.errors.log"));
    let mut args: Vec<String> = [
        "-sf",
        &scenario.display().to_string(),
        "-m",
        "1",
        "-l",
        "1",
        "-i",
        LOCALHOST,
        "-p",
        &port.to_string(),
        "-mp",
        &free_port().to_string(),
        "-s",
        "4001",
        "-timeout",
        "40",
        "-timeout_error",
        "-trace_err",
        "-error_file",
        &errors.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(target.map(|t| t.to_string()));
    tokio::task::spawn_blocking(move || {
        let out = Command::new("sipp")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("sipp runs");
        let log = std::fs::read_to_string(&errors).unwrap_or_default();
        (out, log)
    })
}

fn explain(out: &Output, log: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tail: Vec<&str> = stdout.lines().rev().take(30).collect();
    format!(
        "sipp exit {:?}\n--- stdout (tail)\n{}\n--- stderr\n{}\n--- error log\n{log}",
        out.status.code(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `order`'s kinds appear in `kinds` in that order (others may come between).
fn assert_in_order(kinds: &[String], order: &[&str]) {
    let mut at = 0;
    for k in order {
        at += kinds[at..]
            .iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k} missing or out of order in {kinds:?}"));
    }
}

fn kind(r: &Recorded) -> String {
    r.fact.kind()
}

/// The facts of interaction `id`, in log order.
async fn life(store: &store::Store, t: &store::Tenant, id: u64) -> Vec<Recorded> {
    store
        .events_after(t, 0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.fact.interaction().map(|i| i.0) == Some(id))
        .collect()
}

async fn wait_for(store: &store::Store, t: &store::Tenant, secs: u64, what: &str) -> Vec<Recorded> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let all = life(store, t, 1).await;
        if all.iter().any(|r| kind(r) == what) {
            return all;
        }
        if tokio::time::Instant::now() > deadline {
            let life: Vec<String> = all
                .iter()
                .map(|r| serde_json::to_string(&r.fact).unwrap_or_default())
                .collect();
            panic!(
                "no {what} within {secs} s; the interaction's life so far:\n{}",
                life.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn power(s: &[i16]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    s.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / s.len() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_passes_the_ivr_waits_is_bridged_recorded_and_ends_in_the_log() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("life");
    let st = common::state(&dir).await;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    st.store
        .create_user(
            &t,
            "eva",
            &auth::hash_password("eva's long password").unwrap(),
            "agent",
            1,
        )
        .await
        .unwrap();
    h.call(Op::DefineAgent {
        id: None,
        name: "eva".into(),
        skills: vec![("support".into(), 5)],
        username: Some("eva".into()),
        teams: None,
    })
    .await
    .unwrap();
    let token = auth::new_token();
    st.store
        .create_token(
            &t,
            "test",
            Role::Supervisor.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    // A known caller: the number the customer calls from is on their record.
    let laia = match h
        .call(Op::CreateCustomer {
            name: "Laia Puig".into(),
            phone: Some("600 111 222".into()),
            email: None,
        })
        .await
        .unwrap()
    {
        server::tenant::Ack::Id(id) => id,
        other => panic!("customer: {other:?}"),
    };
    let mut supervisor = Client::new(&server::app(st.clone())).bearer(&token);

    let phone_port = free_port();
    let config = SipConfig::from_toml(&format!(
        r#"
[[tenant]]
name = "acme"
numbers = ["4001"]
announce_every_s = 1
ivr = '''
entry = "main"
[[menu]]
name = "main"
prompt = "main_menu"
[menu.choices]
"1" = {{ queue = "support", set = {{ topic = "billing" }} }}
"2" = {{ queue = "support", set = {{ topic = "technical" }} }}
'''
phones = [{{ agent = "eva", address = "127.0.0.1:{phone_port}", auto_answer = true }}]
[tenant.recording]
"*" = "always"
"#
    ))
    .unwrap();
    let sip = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), config, &dir)
        .await
        .unwrap();

    // The agent's phone waits for our INVITE; the customer calls.
    let phone = sipp(&dir, "agent_phone.xml", &[], None, phone_port);
    listening(&[phone_port]).await;
    let customer = sipp(
        &dir,
        "customer_ivr.xml",
        &[("TALK_AFTER_MS", "3500"), ("HOLD_MS", "8000")],
        Some(sip.sip_addr),
        free_port(),
    );

    // The IVR choice queues the call; it waits with music while nobody is ready.
    wait_for(&st.store, &t, 10, "routing.interaction_queued").await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    h.call(Op::SignIn(0, None)).await.unwrap();

    // Routing offers it to eva; her phone rings, answers, the legs are bridged.
    let so_far = wait_for(&st.store, &t, 10, "call.recording_started").await;
    let started_at = so_far
        .iter()
        .find(|r| kind(r) == "call.recording_started")
        .unwrap()
        .at;
    // The screen pop: the call is linked to the caller's record, and the
    // agent's desktop shows who it is before a word is said.
    let view = st.store.interaction(&t, 1).await.unwrap().unwrap();
    assert_eq!(view.customer_id, Some(laia as i64), "{view:?}");
    let mut desk = Client::new(&server::app(st.clone()));
    let r = desk
        .form(
            "/ui/sign-in",
            &[],
            "tenant=acme&username=eva&password=eva%27s+long+password&lang=en&tz=UTC",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 303, "{:?}", String::from_utf8_lossy(&r.body));
    desk.headers.push(("cookie".into(), r.cookies()));
    let work = desk.get("/ui/agent/work").await.unwrap();
    let html = String::from_utf8_lossy(&work.body).to_string();
    assert!(
        html.contains("Laia Puig"),
        "the desktop's screen pop: {html}"
    );
    // A card payment: pause for 1.5 s, then resume.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let r = supervisor
        .post("/api/v1/interactions/1/recording/pause", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let r = supervisor
        .post("/api/v1/interactions/1/recording/resume", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());

    let (out, log) = customer.await.unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    let (out, log) = phone.await.unwrap();
    assert!(out.status.success(), "agent phone: {}", explain(&out, &log));

    // The whole life is in the log, in order.
    let all = wait_for(&st.store, &t, 10, "routing.ended").await;
    let kinds: Vec<String> = all.iter().map(kind).collect();
    let expected = [
        "call.arrived",
        "call.ivr",
        "interaction_opened",
        "routing.interaction_created",
        "routing.interaction_queued",
        "call.announced",
        "routing.offered",
        "call.agent_ringing",
        "routing.accepted",
        "call.connected",
        "call.recording_started",
        "call.recording_paused",
        "call.recording_resumed",
        "call.ended",
        "routing.ended",
    ];
    let mut at = 0;
    for e in expected {
        match kinds[at..].iter().position(|k| k == e) {
            Some(i) => at += i + 1,
            None => panic!("{e} missing (in order) from {kinds:?}"),
        }
    }
    let arrived = all.iter().find(|r| kind(r) == "call.arrived").unwrap();
    let Fact::Call { call, .. } = &arrived.fact else {
        unreachable!()
    };
    let v = serde_json::to_value(call).unwrap();
    assert_eq!(v["caller"], "600111222");
    assert_eq!(v["dialled"], "4001");
    let ivr = all.iter().find(|r| kind(r) == "call.ivr").unwrap();
    let v = serde_json::to_value(&ivr.fact).unwrap();
    assert_eq!(v["call"]["choices"], json!([["main", "1"]]), "{v}");
    let created = all
        .iter()
        .find(|r| kind(r) == "routing.interaction_created")
        .unwrap();
    let v = serde_json::to_value(&created.fact).unwrap();
    let attrs = &v["event"]["attributes"];
    assert_eq!(attrs["ivr"], json!([["main", "1"]]), "{v}");
    assert_eq!(attrs["extra"], json!([["topic", "billing"]]), "{v}");
    let ended = all.iter().find(|r| kind(r) == "call.ended").unwrap();
    let v = serde_json::to_value(&ended.fact).unwrap();
    assert_eq!(v["call"]["by"], "customer", "{v}");
    let path = v["call"]["recording"]
        .as_str()
        .expect("a recording")
        .to_owned();
    let paused_at = all
        .iter()
        .find(|r| kind(r) == "call.recording_paused")
        .unwrap()
        .at;

    // The recording, through the API (an agent may not; the access is logged).
    let r = supervisor
        .get("/api/v1/interactions/1/recording")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let bytes = r.body.to_vec();
    assert_eq!(bytes, std::fs::read(&path).unwrap());
    let accessed = life(&st.store, &t, 1).await;
    let last = accessed.last().unwrap();
    assert_eq!(kind(last), "call.recording_accessed");
    assert_eq!(
        serde_json::to_value(&last.fact).unwrap()["call"]["by"],
        "token:test"
    );
    // The recording: both sides' audio, nothing while paused.
    let (left, right) = telephony::wav::read_stereo(&bytes).unwrap();
    let secs = left.len() as f64 / 8_000.0;
    assert!(secs > 5.0, "recording of {secs} s");
    let loud = |ch: &[i16]| ch.chunks(8_000).filter(|c| power(c) > 1e4).count();
    assert!(loud(&left) >= 2, "the customer is heard on the left");
    assert!(loud(&right) >= 2, "the agent is heard on the right");
    // The pause (1.5 s) is found near where the log puts it: the media's
    // clock may drift from the wall clock by a few packets on a busy machine,
    // so a second of exact silence on both sides is looked for starting
    // within half a second of the logged moment.
    let at = ((paused_at - started_at) as f64 / 1000.0 * 8_000.0) as usize;
    let quiet = |from: usize| {
        from + 8_000 <= left.len().min(right.len())
            && left[from..from + 8_000].iter().all(|&s| s == 0)
            && right[from..from + 8_000].iter().all(|&s| s == 0)
    };
    assert!(
        (at.saturating_sub(4_000)..at + 4_000)
            .step_by(80)
            .any(quiet),
        "nothing recorded while paused (a second of silence on both sides near {} s)",
        at as f64 / 8_000.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_through_routing_moves_the_call_to_the_next_agents_phone() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("transfer");
    let st = common::state(&dir).await;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    for name in ["eva", "max"] {
        h.call(Op::DefineAgent {
            id: None,
            name: name.into(),
            skills: vec![("support".into(), 5)],
            username: None,
            teams: None,
        })
        .await
        .unwrap();
    }
    h.call(Op::SignIn(0, None)).await.unwrap();
    let token = auth::new_token();
    st.store
        .create_token(
            &t,
            "test",
            Role::Supervisor.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let mut supervisor = Client::new(&server::app(st.clone())).bearer(&token);
    let (eva_port, max_port) = (free_port(), free_port());
    let config = SipConfig::from_toml(&format!(
        r#"
[[tenant]]
name = "acme"
numbers = ["*"]
announce_every_s = 0
ivr = '''
entry = "main"
[[menu]]
name = "main"
prompt = "main_menu"
[menu.choices]
"1" = {{ queue = "support" }}
'''
phones = [
  {{ agent = "eva", address = "127.0.0.1:{eva_port}", auto_answer = true }},
  {{ agent = "max", address = "127.0.0.1:{max_port}", auto_answer = true }},
]
"#
    ))
    .unwrap();
    let sip = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), config, &dir)
        .await
        .unwrap();
    let eva_dir = dir.join("eva");
    let max_dir = dir.join("max");
    std::fs::create_dir_all(&eva_dir).unwrap();
    std::fs::create_dir_all(&max_dir).unwrap();
    let eva = sipp(&eva_dir, "agent_phone.xml", &[], None, eva_port);
    let max = sipp(&max_dir, "agent_phone.xml", &[], None, max_port);
    listening(&[eva_port, max_port]).await;
    let customer = sipp(
        &dir,
        "customer_ivr.xml",
        &[("TALK_AFTER_MS", "500"), ("HOLD_MS", "9000")],
        Some(sip.sip_addr),
        free_port(),
    );
    wait_for(&st.store, &t, 10, "call.connected").await;
    h.call(Op::SignIn(1, None)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let r = supervisor
        .post("/api/v1/interactions/1/transfer", &json!({"agent_id": 1}))
        .await
        .unwrap();
    assert!(r.status < 300, "{} {:?}", r.status, r.json());

    let (out, log) = customer.await.unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    for (who, phone) in [("eva", eva), ("max", max)] {
        let (out, log) = phone.await.unwrap();
        assert!(
            out.status.success(),
            "{who}'s phone: {}",
            explain(&out, &log)
        );
    }
    let all = wait_for(&st.store, &t, 10, "routing.ended").await;
    let connected: Vec<_> = all
        .iter()
        .filter(|r| kind(r) == "call.connected")
        .map(|r| serde_json::to_value(&r.fact).unwrap()["call"]["agent"].clone())
        .collect();
    assert_eq!(
        connected,
        vec![json!(0), json!(1)],
        "{:?}",
        all.iter().map(kind).collect::<Vec<_>>()
    );
    assert!(all.iter().any(|r| kind(r) == "routing.transferred"));
}

/// An outbound call with a reserved agent: answered, then the agent's phone
/// answers in time (bridged) or not (the abandon message, then BYE).
async fn outbound(agent_scenario: &str, name: &str) -> server::sip::OutboundResult {
    let dir = scratch(name);
    let state = common::state(&dir).await;
    let sip = server::sip::start(
        &state,
        "127.0.0.1:0".parse().unwrap(),
        SipConfig::default(),
        &dir,
    )
    .await
    .unwrap();
    let (callee_port, phone_port) = (free_port(), free_port());
    let (callee_dir, phone_dir) = (dir.join("callee"), dir.join("phone"));
    std::fs::create_dir_all(&callee_dir).unwrap();
    std::fs::create_dir_all(&phone_dir).unwrap();
    let callee = sipp(&callee_dir, "callee_answers.xml", &[], None, callee_port);
    let phone = sipp(&phone_dir, agent_scenario, &[], None, phone_port);
    listening(&[callee_port, phone_port]).await;
    let t0 = tokio::time::Instant::now();
    let result = sip
        .outbound
        .call_with_agent(
            telephony::switch::DialRequest {
                dial_id: format!("{name}-1"),
                caller_id: "912345678".into(),
                number: "600111222".into(),
                target: format!("127.0.0.1:{callee_port}").parse().unwrap(),
                timers: telephony::switch::DialTimers::default(),
                destinations: None,
                auto_answer: false,
            },
            format!("127.0.0.1:{phone_port}").parse().unwrap(),
            "en",
        )
        .await;
    if let server::sip::OutboundResult::Connected {
        call_id,
        agent_call_id,
    } = &result
    {
        // The callee answered after 300 ms, the phone 300 ms later: well within 2 s.
        assert!(t0.elapsed() < Duration::from_millis(2_000));
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        sip.outbound.hang_up(call_id);
        sip.outbound.hang_up(agent_call_id);
    }
    let (out, log) = phone.await.unwrap();
    assert!(out.status.success(), "phone: {}", explain(&out, &log));
    let (out, log) = callee.await.unwrap();
    assert!(out.status.success(), "callee: {}", explain(&out, &log));
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_outbound_call_reaches_the_reserved_agent_within_two_seconds() {
    if !have_sipp() {
        return;
    }
    let r = outbound("agent_phone.xml", "out-connected").await;
    assert!(
        matches!(r, server::sip::OutboundResult::Connected { .. }),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_outbound_call_without_an_agent_in_two_seconds_hears_the_abandon_message() {
    if !have_sipp() {
        return;
    }
    let t0 = tokio::time::Instant::now();
    let r = outbound("phone_rings_out.xml", "out-abandoned").await;
    assert!(
        matches!(r, server::sip::OutboundResult::Abandoned { .. }),
        "{r:?}"
    );
    // 2 s of ringing for the agent, then the message (8.5 s in English) before the BYE.
    assert!(t0.elapsed() > Duration::from_secs(10), "{:?}", t0.elapsed());
}

/// Waits until the interaction's log holds `n` facts of kind `what`.
async fn wait_count(
    store: &store::Store,
    t: &store::Tenant,
    secs: u64,
    what: &str,
    n: usize,
) -> Vec<Recorded> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let all = life(store, t, 1).await;
        if all.iter().filter(|r| kind(r) == what).count() >= n {
            return all;
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "not {n} × {what} within {secs} s; the interaction's life so far: {:?}",
                all.iter().map(kind).collect::<Vec<_>>()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A server with tenant "acme", agents `agents` (only the first signed in), a
/// supervisor's client, and the switch with each agent's phone on its own port.
struct Desk {
    state: server::AppState,
    t: store::Tenant,
    h: server::tenant::TenantHandle,
    supervisor: Client,
    sip: server::sip::SipRunning,
    ports: Vec<u16>,
    dir: PathBuf,
}

async fn desk(name: &str, agents: &[&str]) -> Desk {
    let dir = scratch(name);
    let st = common::state(&dir).await;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    for name in agents {
        h.call(Op::DefineAgent {
            id: None,
            name: (*name).into(),
            skills: vec![("support".into(), 5)],
            username: None,
            teams: None,
        })
        .await
        .unwrap();
    }
    h.call(Op::SignIn(0, None)).await.unwrap();
    let token = auth::new_token();
    st.store
        .create_token(
            &t,
            "test",
            Role::Supervisor.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let supervisor = Client::new(&server::app(st.clone())).bearer(&token);
    let ports: Vec<u16> = agents.iter().map(|_| free_port()).collect();
    let phones: Vec<String> = agents
        .iter()
        .zip(&ports)
        .map(|(a, p)| {
            format!(r#"{{ agent = "{a}", address = "127.0.0.1:{p}", auto_answer = true }}"#)
        })
        .collect();
    let config = SipConfig::from_toml(&format!(
        r#"
[[tenant]]
name = "acme"
numbers = ["*"]
announce_every_s = 0
ivr = '''
entry = "main"
[[menu]]
name = "main"
prompt = "main_menu"
[menu.choices]
"1" = {{ queue = "support" }}
'''
phones = [{}]
[tenant.recording]
"*" = "always"
"#,
        phones.join(", ")
    ))
    .unwrap();
    let sip = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), config, &dir)
        .await
        .unwrap();
    Desk {
        state: st,
        t,
        h,
        supervisor,
        sip,
        ports,
        dir,
    }
}

impl Desk {
    /// Agent `i`'s phone (sipp: answers, talks, waits for our BYE).
    fn phone(&self, i: usize) -> tokio::task::JoinHandle<(Output, String)> {
        let d = self.dir.join(format!("phone{i}"));
        std::fs::create_dir_all(&d).unwrap();
        sipp(&d, "agent_phone.xml", &[], None, self.ports[i])
    }

    async fn post(&mut self, path: &str, body: serde_json::Value) {
        let r = self.supervisor.post(path, &body).await.unwrap();
        assert!(r.status < 300, "{path}: {} {:?}", r.status, r.json());
    }

    fn store(&self) -> &store::Store {
        &self.state.store
    }
}

/// Whether every 20 ms frame of `window` is a stretch of the music on hold.
fn is_music(window: &[i16], music: &[i16]) -> bool {
    window.chunks_exact(160).all(|frame| {
        (0..music.len()).any(|start| {
            frame
                .iter()
                .enumerate()
                .all(|(i, &s)| music[(start + i) % music.len()] == s)
        })
    })
}

/// Samples of the recording between two facts (from 700 ms after the first
/// to 100 ms before the second), the recording having started at `started`.
/// A fact's time is when it was committed, a little after the switch acted
/// (the recording's start) or a little before (a control): the margins
/// cover that, even on a loaded machine.
fn between(ch: &[i16], started: i64, from: i64, to: i64) -> &[i16] {
    let at = |ms: i64| (((ms - started).max(0) as usize) * 8).min(ch.len());
    &ch[at(from + 700).min(at(to - 100))..at(to - 100)]
}

/// The longest run of exact zeros (digital silence; G.711 never decodes to 0).
fn longest_zero_run(ch: &[i16]) -> usize {
    let (mut best, mut run) = (0, 0);
    for &s in ch {
        run = if s == 0 { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn at_of(all: &[Recorded], what: &str) -> i64 {
    all.iter()
        .find(|r| kind(r) == what)
        .unwrap_or_else(|| panic!("no {what}"))
        .at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_mutes_holds_resumes_and_hangs_up_from_the_api() {
    if !have_sipp() {
        return;
    }
    let mut d = desk("controls", &["eva"]).await;
    let phone = d.phone(0);
    listening(&d.ports[..1]).await;
    let customer = sipp(
        &d.dir,
        "customer_hung_up_on.xml",
        &[("TALK_AFTER_MS", "500")],
        Some(d.sip.sip_addr),
        free_port(),
    );
    let (store, t) = (d.store().clone(), d.t.clone());
    wait_for(&store, &t, 10, "call.connected").await;
    // The agent's phone talks for 7 s from its answer: everything happens in that time.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    d.post("/api/v1/interactions/1/call/mute", json!({})).await;
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    d.post("/api/v1/interactions/1/call/unmute", json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    d.post("/api/v1/interactions/1/call/hold", json!({})).await;
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    d.post("/api/v1/interactions/1/call/resume", json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(1_400)).await;
    d.post("/api/v1/interactions/1/call/hangup", json!({}))
        .await;

    // Both the customer and the agent's phone get our BYE (sipp fails otherwise).
    let (out, log) = customer.await.unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    let (out, log) = phone.await.unwrap();
    assert!(out.status.success(), "phone: {}", explain(&out, &log));
    let all = wait_for(&store, &t, 10, "routing.ended").await;
    let kinds: Vec<String> = all.iter().map(kind).collect();
    let order = [
        "call.connected",
        "call.recording_started",
        "call.muted",
        "call.unmuted",
        "call.held",
        "call.unheld",
        "call.hangup_requested",
        "call.ended",
        "routing.ended",
    ];
    assert_in_order(&kinds, &order);
    let ended = all.iter().find(|r| kind(r) == "call.ended").unwrap();
    let v = serde_json::to_value(&ended.fact).unwrap();
    assert_eq!(v["call"]["by"], "agent", "{v}");
    assert_eq!(v["call"]["reason"], "hung_up_from_desktop", "{v}");
    let muted =
        serde_json::to_value(&all.iter().find(|r| kind(r) == "call.muted").unwrap().fact).unwrap();
    assert_eq!(muted["call"]["by"], "token:test");

    // What the customer heard (the recording's right channel).
    let path = v["call"]["recording"].as_str().expect("a recording");
    let (_, right) = telephony::wav::read_stereo(&std::fs::read(path).unwrap()).unwrap();
    let started = at_of(&all, "call.recording_started");
    let talk_end =
        ((at_of(&all, "call.muted") - started - 100).max(0) as usize * 8).min(right.len());
    let talk = &right[..talk_end];
    assert!(power(talk) > 1e4, "the agent is heard before the mute");
    let muted = between(
        &right,
        started,
        at_of(&all, "call.muted"),
        at_of(&all, "call.unmuted"),
    );
    assert!(muted.len() >= 8_000, "{}", muted.len());
    assert!(
        muted.iter().all(|&s| s == 0),
        "nothing of the agent reaches the customer while muted"
    );
    // Wherever it lies exactly, the mute is one stretch of digital silence
    // as long as the mute (2 s, up to about a second more when the unmute's
    // commit waits on a loaded machine), and there is no other such stretch.
    let silence = longest_zero_run(&right);
    assert!(
        (12_000..26_000).contains(&silence),
        "silence of {} ms",
        silence / 8
    );
    let held = between(
        &right,
        started,
        at_of(&all, "call.held"),
        at_of(&all, "call.unheld"),
    );
    assert!(held.len() >= 6_000, "{}", held.len());
    let music = telephony::tones::music_on_hold();
    assert!(power(held) > 1e4, "music while held");
    assert!(
        is_music(held, &music),
        "only music while held, nothing of the agent"
    );
    let back = between(
        &right,
        started,
        at_of(&all, "call.unheld"),
        at_of(&all, "call.hangup_requested"),
    );
    assert!(back.len() >= 2_400, "{}", back.len());
    assert!(!is_music(back, &music), "the agent again after resuming");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consult_transfer_is_cancelled_then_completed_to_another_agents_phone() {
    if !have_sipp() {
        return;
    }
    let mut d = desk("consult", &["eva", "max", "ana"]).await;
    let phones: Vec<_> = (0..3).map(|i| d.phone(i)).collect();
    listening(&d.ports).await;
    let customer = sipp(
        &d.dir,
        "customer_ivr.xml",
        &[("TALK_AFTER_MS", "500"), ("HOLD_MS", "14000")],
        Some(d.sip.sip_addr),
        free_port(),
    );
    let (store, t) = (d.store().clone(), d.t.clone());
    wait_for(&store, &t, 10, "call.connected").await;
    d.h.call(Op::SignIn(1, None)).await.unwrap();
    d.h.call(Op::SignIn(2, None)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Consult max, talk, give up: max's phone is hung up, the customer is back with eva.
    d.post(
        "/api/v1/interactions/1/call/consult",
        json!({"agent_id": 1}),
    )
    .await;
    wait_count(&store, &t, 10, "call.consult_connected", 1).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    d.post("/api/v1/interactions/1/call/consult/cancel", json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;

    // Nothing to complete now.
    let r = d
        .supervisor
        .post("/api/v1/interactions/1/call/consult/complete", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());

    // Consult ana and complete: eva's phone is hung up, the customer talks to ana.
    d.post(
        "/api/v1/interactions/1/call/consult",
        json!({"agent_id": 2}),
    )
    .await;
    wait_count(&store, &t, 10, "call.consult_connected", 2).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    d.post("/api/v1/interactions/1/call/consult/complete", json!({}))
        .await;

    let (out, log) = customer.await.unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    for (i, phone) in phones.into_iter().enumerate() {
        let (out, log) = phone.await.unwrap();
        assert!(out.status.success(), "phone {i}: {}", explain(&out, &log));
    }
    let all = wait_for(&store, &t, 10, "routing.ended").await;
    let kinds: Vec<String> = all.iter().map(kind).collect();
    let order = [
        "call.connected",
        "call.consult_requested",
        "call.agent_ringing",
        "call.consult_connected",
        "call.consult_cancelled",
        "call.consult_requested",
        "call.agent_ringing",
        "call.consult_connected",
        "call.consult_completed",
        "routing.accepted",
        "call.connected",
        "call.ended",
        "routing.ended",
    ];
    assert_in_order(&kinds, &order);
    let agents = |what: &str| -> Vec<serde_json::Value> {
        all.iter()
            .filter(|r| kind(r) == what)
            .map(|r| serde_json::to_value(&r.fact).unwrap()["call"]["agent"].clone())
            .collect()
    };
    assert_eq!(agents("call.connected"), vec![json!(0), json!(2)]);
    assert_eq!(agents("call.consult_connected"), vec![json!(1), json!(2)]);
    let ended =
        serde_json::to_value(&all.iter().find(|r| kind(r) == "call.ended").unwrap().fact).unwrap();
    assert_eq!(ended["call"]["by"], "customer", "{ended}");
    // The interaction ends with ana.
    let view = d.store().interaction(&t, 1).await.unwrap().unwrap();
    assert_eq!(view.agent_id, Some(2));

    // While consulting, the customer hears music only.
    let path = ended["call"]["recording"].as_str().expect("a recording");
    let (_, right) = telephony::wav::read_stereo(&std::fs::read(path).unwrap()).unwrap();
    let started = at_of(&all, "call.recording_started");
    let consulting = between(
        &right,
        started,
        at_of(&all, "call.consult_requested"),
        at_of(&all, "call.consult_cancelled"),
    );
    assert!(consulting.len() >= 4_000, "{}", consulting.len());
    assert!(
        is_music(consulting, &telephony::tones::music_on_hold()),
        "only music while the agents consult"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_past_the_tenants_retention_are_deleted_and_each_deletion_is_logged() {
    let dir = scratch("retention");
    let st = common::state(&dir).await;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    let config = SipConfig::from_toml(
        r#"
retention_sweep_every_s = 1
[[tenant]]
name = "acme"
numbers = ["*"]
recording_retention_days = 30
"#,
    )
    .unwrap();
    let sip = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), config, &dir)
        .await
        .unwrap();
    let folder = sip.recordings.join("acme");
    let now =
        std::time::SystemTime::UNIX_EPOCH + Duration::from_millis(server::clock::now_ms() as u64);
    let file = |name: &str, age_days: u64| {
        let p = folder.join(name);
        let f = std::fs::File::create(&p).unwrap();
        f.set_modified(now - Duration::from_secs(age_days * 86_400))
            .unwrap();
        p
    };
    let old = file("1.wav", 45);
    let young = file("2.wav", 29);
    let stranger = file("readme.wav", 400);
    let all = wait_for(&st.store, &t, 10, "call.recording_deleted").await;
    assert!(!old.exists(), "the old recording is gone");
    assert!(
        young.exists() && stranger.exists(),
        "nothing else is touched"
    );
    let v = serde_json::to_value(&all.last().unwrap().fact).unwrap();
    assert_eq!(v["interaction"], 1, "{v}");
    // 45 days, or a hair less when the sweep's clock was read just before the test's.
    let age = v["call"]["age_days"].as_u64().unwrap();
    assert!((44..=45).contains(&age), "{v}");
    assert_eq!(v["call"]["retention_days"], 30, "{v}");
    assert_eq!(v["call"]["path"], old.display().to_string(), "{v}");
    // A bad setting is refused with a clear message.
    let bad = SipConfig::from_toml("[[tenant]]\nname = \"acme\"\nrecording_retention_days = 0\n")
        .unwrap();
    let Err(err) = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), bad, &dir).await else {
        panic!("a retention of 0 days is refused");
    };
    assert!(
        format!("{err:#}").contains("recording_retention_days"),
        "{err:#}"
    );
}

/// A caller who waits in queue `support` (its only agent signed out) and
/// presses 1 after 2.5 s: the tenant's calls offer callbacks
/// (`offer_callback`) or not, under `plan`. Returns the store, the tenant and
/// the log once routing ended the call, which must have ended on the caller's
/// request for a callback (sipp fails unless our BYE came after the key).
async fn a_caller_presses_1(
    suite: &str,
    plan: &str,
    offer_callback: bool,
) -> (server::AppState, store::Tenant, Vec<store::Recorded>) {
    let dir = scratch(suite);
    let st = common::state(&dir).await;
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(plan.into())).await.unwrap();
    // An agent who is signed out: the call waits.
    h.call(Op::DefineAgent {
        id: None,
        name: "eva".into(),
        skills: vec![("support".into(), 5)],
        username: None,
        teams: None,
    })
    .await
    .unwrap();
    let config = SipConfig::from_toml(&format!(
        r#"
[[tenant]]
name = "acme"
numbers = ["*"]
announce_every_s = 0
offer_callback = {offer_callback}
ivr = '''
entry = "main"
[[menu]]
name = "main"
prompt = "main_menu"
[menu.choices]
"1" = {{ queue = "support" }}
'''
"#
    ))
    .unwrap();
    let sip = server::sip::start(&st, "127.0.0.1:0".parse().unwrap(), config, &dir)
        .await
        .unwrap();
    let (out, log) = sipp(
        &dir,
        "customer_callback.xml",
        &[("KEY_AFTER_MS", "2500")],
        Some(sip.sip_addr),
        free_port(),
    )
    .await
    .unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    let all = wait_for(&st.store, &t, 10, "routing.ended").await;
    let kinds: Vec<String> = all.iter().map(kind).collect();
    let ended = all
        .iter()
        .find(|r| kind(r) == "call.ended")
        .expect("call.ended");
    let v = serde_json::to_value(&ended.fact).unwrap();
    assert_eq!(v["call"]["reason"], "callback_requested", "{kinds:?}");
    (st, t, all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_caller_presses_1_and_a_callback_takes_their_place() {
    if !have_sipp() {
        return;
    }
    let (st, t, all) = a_caller_presses_1("callback", PLAN, true).await;
    let routing_end = all.iter().find(|r| kind(r) == "routing.ended").unwrap();
    let routing_end = serde_json::to_value(&routing_end.fact).unwrap();
    assert_eq!(
        routing_end["event"]["outcome"], "callback_offered",
        "{routing_end}"
    );
    // The callback: interaction 2, waiting in the same queue, with the number.
    let cb = st
        .store
        .interaction(&t, 2)
        .await
        .unwrap()
        .expect("a callback");
    assert_eq!(
        (cb.channel.as_str(), cb.state.as_str()),
        ("callback", "waiting")
    );
    let call = st.store.interaction(&t, 1).await.unwrap().unwrap();
    assert_eq!(cb.queue_id, call.queue_id);
    let facts = st.store.interaction_facts(&t, 2).await.unwrap();
    let requested = facts
        .iter()
        .find(|r| kind(r) == "call.callback_requested")
        .expect("call.callback_requested");
    let v = serde_json::to_value(&requested.fact).unwrap();
    assert_eq!(v["call"]["number"], "600111222", "{v}");
    assert_eq!(v["call"]["from_interaction"], 1, "{v}");
}

/// A tenant whose dialer calls through the switch: trunk `callee_port`
/// (sipp plays the callee), agent "eva" (id 0, team `outbound`) with her
/// phone on `phone_port`, a progressive campaign over the Czech numbers
/// `numbers` (and the UK's, outside the tenant's destinations), started.
async fn dialer_desk(
    dir: &Path,
    callee_port: u16,
    phone_port: u16,
    numbers: &[&str],
    detect_machines: bool,
) -> (server::AppState, store::Tenant, Client) {
    let state = common::state(dir).await;
    let store = state.store.clone();
    let t = store.create_tenant("acme", 1).await.unwrap();
    let token = auth::new_token();
    store
        .create_token(
            &t,
            "test",
            Role::Admin.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let mut admin = Client::new(&server::app(state.clone())).bearer(&token);
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n[[queue]]\nname = \"outbound\"\nwrap_up_s = 0\n";
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let r = admin
        .post(
            "/api/v1/agents",
            &json!({"name": "eva", "teams": ["outbound"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let config = SipConfig {
        tenant: vec![server::sip::TenantSip {
            name: "acme".into(),
            trunk: Some(format!("127.0.0.1:{callee_port}").parse().unwrap()),
            destinations: Some(telephony::switch::DestinationPolicy {
                countries: vec!["420".into()],
                home_country: "420".into(),
                blocked_prefixes: None,
            }),
            phones: vec![server::sip::AgentPhone {
                agent: "eva".into(),
                address: format!("127.0.0.1:{phone_port}").parse().unwrap(),
                auto_answer: true,
                ring_timeout_s: None,
            }],
            recording: [("outbound".to_string(), server::sip::RecordingPolicy::Always)].into(),
            detect_machines,
            ..Default::default()
        }],
        ..Default::default()
    };
    server::sip::start(&state, "127.0.0.1:0".parse().unwrap(), config, dir)
        .await
        .unwrap();
    let settings = json!({"mode": "progressive", "queue": "outbound", "team": "outbound",
        "caller_id": "+420200000000", "windows": {"CZ": "00:00-24:00", "GB": "00:00-24:00"}});
    let r = admin
        .post(
            "/api/v1/campaigns",
            &json!({"name": "renewals", "settings": settings}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let contacts: Vec<_> = numbers.iter().map(|n| json!({"phones": [n]})).collect();
    let r = admin
        .post(
            "/api/v1/campaigns/1/contacts",
            &json!({"contacts": contacts}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = admin
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert!(r.status < 300);
    let r = admin
        .post("/api/v1/campaigns/1/start", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    (state, t, admin)
}

/// Waits until the campaign's contact `id` satisfies `ok`.
async fn wait_contact(
    store: &store::Store,
    t: &store::Tenant,
    id: i64,
    secs: u64,
    ok: impl Fn(&store::read::CampaignContactView) -> bool,
) -> store::read::CampaignContactView {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let list = store.campaign_contacts(t, 1, 0, 10).await.unwrap();
        if let Some(c) = list.iter().find(|c| c.id == id)
            && ok(c)
        {
            return c.clone();
        }
        if tokio::time::Instant::now() > deadline {
            panic!("contact {id} not as expected within {secs} s: {list:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dialers_call_goes_out_through_the_trunk_and_an_answer_reaches_the_agents_phone() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("dialer-answered");
    let (callee_port, phone_port) = (free_port(), free_port());
    let (callee_dir, phone_dir) = (dir.join("callee"), dir.join("phone"));
    std::fs::create_dir_all(&callee_dir).unwrap();
    std::fs::create_dir_all(&phone_dir).unwrap();
    let callee = sipp(&callee_dir, "callee_answers.xml", &[], None, callee_port);
    let phone = sipp(&phone_dir, "agent_phone.xml", &[], None, phone_port);
    listening(&[callee_port, phone_port]).await;
    let (state, t, mut admin) =
        dialer_desk(&dir, callee_port, phone_port, &["+420601000001"], false).await;
    let store = state.store.clone();
    // Answered, offered to Eva, her phone answers by itself: bridged.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let c = loop {
        let c = store.campaign(&t, 1).await.unwrap().unwrap();
        if c.connected == 1 || tokio::time::Instant::now() > deadline {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        (c.dials, c.live_answers, c.connected, c.abandoned),
        (1, 1, 1, 0),
        "{c:?}"
    );
    let open = store.open_interactions(&t).await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].channel, model::Channel::OutboundVoice);
    assert_eq!(open[0].agent_id, Some(0));
    // Her desktop's controls reach the call: hold, then back.
    for action in ["hold", "resume"] {
        let r = admin
            .post(
                &format!("/api/v1/interactions/{}/call/{action}", open[0].id),
                &json!({}),
            )
            .await
            .unwrap();
        assert!(r.status < 300, "{action}: {:?}", r.json());
    }
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    // Eva ends the call from her desktop: both legs get a BYE.
    let r = admin
        .post(
            &format!("/api/v1/interactions/{}/complete", open[0].id),
            &json!({}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let (out, log) = phone.await.unwrap();
    assert!(out.status.success(), "phone: {}", explain(&out, &log));
    let (out, log) = callee.await.unwrap();
    assert!(out.status.success(), "callee: {}", explain(&out, &log));
    let r = admin
        .post(
            &format!("/api/v1/interactions/{}/disposition", open[0].id),
            &json!({"code": "sale"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let c = wait_contact(&store, &t, 1, 5, |c| c.state == "reached").await;
    assert_eq!(c.reason.as_deref(), Some("sale"));
    // Recorded by the campaign queue's policy, linked to the interaction.
    let facts = life(&store, &t, open[0].id as u64).await;
    let kinds: Vec<String> = facts.iter().map(kind).collect();
    for k in [
        "call.connected",
        "call.recording_started",
        "call.held",
        "call.unheld",
    ] {
        assert!(kinds.iter().any(|x| x == k), "no {k}: {kinds:?}");
    }
    let wav = dir
        .join("recordings/acme")
        .join(format!("{}.wav", open[0].id));
    let len = std::fs::metadata(&wav).map(|m| m.len()).unwrap_or(0);
    assert!(len > 8_000, "{} holds {len} bytes", wav.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dialers_busy_and_refused_destinations_are_classified() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("dialer-busy");
    let (callee_port, phone_port) = (free_port(), free_port());
    let callee_dir = dir.join("callee");
    std::fs::create_dir_all(&callee_dir).unwrap();
    let callee = sipp(&callee_dir, "callee_busy.xml", &[], None, callee_port);
    listening(&[callee_port]).await;
    // The UK is not among the tenant's destinations: refused before any INVITE.
    let (state, t, _admin) = dialer_desk(
        &dir,
        callee_port,
        phone_port,
        &["+420601000001", "+447911123456"],
        false,
    )
    .await;
    let store = state.store.clone();
    let (out, log) = callee.await.unwrap();
    assert!(out.status.success(), "callee: {}", explain(&out, &log));
    let busy = wait_contact(&store, &t, 1, 15, |c| c.last_outcome.is_some()).await;
    assert_eq!(busy.last_outcome.as_deref(), Some("busy"), "{busy:?}");
    assert_eq!(busy.state, "open", "a busy number is tried again later");
    let refused = wait_contact(&store, &t, 2, 15, |c| c.last_outcome.is_some()).await;
    assert_eq!(
        refused.last_outcome.as_deref(),
        Some("failed"),
        "{refused:?}"
    );
    let c = store.campaign(&t, 1).await.unwrap().unwrap();
    assert_eq!((c.dials, c.live_answers), (2, 0), "{c:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_machine_detection_a_long_greeting_is_a_machine_and_never_reaches_an_agent() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("dialer-machine");
    let (callee_port, phone_port) = (free_port(), free_port());
    let callee_dir = dir.join("callee");
    std::fs::create_dir_all(&callee_dir).unwrap();
    // sipp's G.711 sample talks for seven seconds without a pause: a greeting.
    let callee = sipp(&callee_dir, "callee_answers.xml", &[], None, callee_port);
    listening(&[callee_port]).await;
    let (state, t, _admin) =
        dialer_desk(&dir, callee_port, phone_port, &["+420601000001"], true).await;
    let store = state.store.clone();
    let c = wait_contact(&store, &t, 1, 15, |c| c.last_outcome.is_some()).await;
    assert_eq!(c.last_outcome.as_deref(), Some("machine"), "{c:?}");
    // We hung up on the machine (sipp's scenario ends with our BYE).
    let (out, log) = callee.await.unwrap();
    assert!(out.status.success(), "callee: {}", explain(&out, &log));
    let v = store.campaign(&t, 1).await.unwrap().unwrap();
    assert_eq!(
        (v.dials, v.live_answers, v.connected, v.abandoned),
        (1, 0, 0, 0),
        "{v:?}"
    );
    assert!(store.open_interactions(&t).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_agent_hanging_up_during_a_consult_hands_the_customer_over() {
    if !have_sipp() {
        return;
    }
    let mut d = desk("consult-hangup", &["eva", "ana"]).await;
    // Eva puts the handset down 3.5 s after answering; Ana's phone answers the consult.
    let eva_dir = d.dir.join("phone0");
    std::fs::create_dir_all(&eva_dir).unwrap();
    let eva = sipp(
        &eva_dir,
        "agent_phone_hangs_up.xml",
        &[("HANG_UP_AFTER_MS", "3500")],
        None,
        d.ports[0],
    );
    let ana = d.phone(1);
    listening(&d.ports[..2]).await;
    let customer = sipp(
        &d.dir,
        "customer_ivr.xml",
        &[("TALK_AFTER_MS", "500"), ("HOLD_MS", "9000")],
        Some(d.sip.sip_addr),
        free_port(),
    );
    let (store, t) = (d.store().clone(), d.t.clone());
    wait_for(&store, &t, 10, "call.connected").await;
    d.h.call(Op::SignIn(1, None)).await.unwrap();
    d.post(
        "/api/v1/interactions/1/call/consult",
        json!({"agent_id": 1}),
    )
    .await;
    wait_count(&store, &t, 10, "call.consult_connected", 1).await;
    let (out, log) = eva.await.unwrap();
    assert!(out.status.success(), "eva's phone: {}", explain(&out, &log));
    let (out, log) = customer.await.unwrap();
    assert!(out.status.success(), "customer: {}", explain(&out, &log));
    let (out, log) = ana.await.unwrap();
    assert!(out.status.success(), "ana's phone: {}", explain(&out, &log));
    let all = wait_for(&store, &t, 10, "routing.ended").await;
    let kinds: Vec<String> = all.iter().map(kind).collect();
    let order = [
        "call.consult_connected",
        "call.consult_completed",
        "routing.accepted",
        "call.connected",
        "call.ended",
        "routing.ended",
    ];
    assert_in_order(&kinds, &order);
    let completed = all
        .iter()
        .find(|r| kind(r) == "call.consult_completed")
        .unwrap();
    assert_eq!(
        serde_json::to_value(&completed.fact).unwrap()["call"]["by"],
        "agent_hung_up"
    );
    let ended =
        serde_json::to_value(&all.iter().find(|r| kind(r) == "call.ended").unwrap().fact).unwrap();
    assert_eq!(ended["call"]["by"], "customer", "{ended}");
    assert_eq!(
        store.interaction(&t, 1).await.unwrap().unwrap().agent_id,
        Some(1)
    );
}

/// A routing plan's `callback` step action works live as in the simulator:
/// with no callback offer configured for the tenant's calls, the queue's
/// last step running out makes routing offer one; the call's task plays the
/// offer, and the caller's key 1 takes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plans_callback_step_offers_the_waiting_caller_a_callback() {
    if !have_sipp() {
        return;
    }
    let plan = r#"
default_queue = "support"
[[queue]]
name = "support"
after_steps = "callback"
[[queue.step]]
until_s = 1
skills = { support = 1 }
"#;
    let (st, t, _) = a_caller_presses_1("plan-callback", plan, false).await;
    let cb = st
        .store
        .interaction(&t, 2)
        .await
        .unwrap()
        .expect("a callback");
    assert_eq!(
        (cb.channel.as_str(), cb.state.as_str()),
        ("callback", "waiting")
    );
}
