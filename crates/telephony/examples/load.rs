//! Load benchmark: sipp places many concurrent calls (each keys 1 2 # over
//! RFC 4733, talks over the music with the G.711 pcap and hangs up) against
//! the switch on 127.0.0.1, which answers, runs the flow and records every
//! call. Prints completed and failed calls and the switch's CPU time per call.
//!
//! ```text
//! cargo run --release -p telephony --example load -- [--calls 1000] [--rate 50] [--limit 200] [--hold-ms 2200]
//! ```
//!
//! With `--relay`, the switch is driven like the server drives it: each
//! answered call rings an agent's phone (a second sipp that answers every
//! call and talks), bridges the two legs (media relayed both ways through
//! the jitter buffer) and records the customer's leg in stereo; the agent's
//! leg is hung up when the customer hangs up. Every call must then have
//! relayed audio both ways and a recording.
//!
//! Needs `sipp` (Debian package sip-tester). The switch runs in this process,
//! so the CPU time read from /proc/self/stat is the switch's alone.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use telephony::load::{cpu_seconds, sipp_count};
use telephony::switch::{
    AdmissionPolicy, CallCommand, DialOutcome, DialRequest, DialTimers, FlowConfig, Switch,
    SwitchConfig, SwitchEvent,
};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, not {v:?}"))
        })
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
async fn main() {
    let calls = arg("--calls", 1_000);
    let rate = arg("--rate", 50);
    let limit = arg("--limit", 200);
    let hold_ms = arg("--hold-ms", 2_200);
    let relay = std::env::args().any(|a| a == "--relay");
    if Command::new("sipp")
        .arg("-v")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("sipp is missing: install the Debian package sip-tester");
        std::process::exit(2);
    }

    let dir = std::env::temp_dir().join(format!("centralita-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let config = SwitchConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        admission: AdmissionPolicy {
            allowed_sources: vec!["127.0.0.1".parse().unwrap()],
            // Each call has an agent leg too when relaying.
            max_calls: (limit as usize) * if relay { 4 } else { 2 },
            max_calls_per_second: (rate as usize) * 2,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        },
        recordings_dir: Some(dir.join("recordings")),
        flow: FlowConfig {
            first_digit_timeout_ms: 5_000,
            max_duration_ms: 60_000,
            controlled: relay,
            record: !relay,
            ..FlowConfig::default()
        },
    };
    let mut switch = Switch::start(config).await.expect("switch starts");
    let target: SocketAddr = switch.sip_addr();

    let scenario_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/dtmf_call.xml");
    let scenario = std::fs::read_to_string(&scenario_src)
        .expect("scenario")
        .replace("HOLD_MS", &hold_ms.to_string());
    let scenario_path = dir.join("load.xml");
    std::fs::write(&scenario_path, scenario).expect("write scenario");

    let sock = |()| {
        std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .map(|a| a.port())
            .expect("a free port")
    };
    let args: Vec<String> = vec![
        "-sf".into(),
        scenario_path.display().to_string(),
        "-m".into(),
        calls.to_string(),
        "-r".into(),
        rate.to_string(),
        "-l".into(),
        limit.to_string(),
        "-i".into(),
        "127.0.0.1".into(),
        "-p".into(),
        sock(()).to_string(),
        "-mp".into(),
        sock(()).to_string(),
        "-s".into(),
        "4001".into(),
        "-timeout".into(),
        format!("{}", calls / rate.max(1) + 120),
        "-timeout_error".into(),
        target.to_string(),
    ];
    // The agents' phones: one sipp that answers every call and talks.
    let agents_port = sock(());
    let agents = relay.then(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/uas_answer.xml");
        let args: Vec<String> = vec![
            "-sf".into(),
            src.display().to_string(),
            "-m".into(),
            calls.to_string(),
            "-i".into(),
            "127.0.0.1".into(),
            "-p".into(),
            agents_port.to_string(),
            "-mp".into(),
            sock(()).to_string(),
            "-timeout".into(),
            format!("{}", calls / rate.max(1) + 120),
            "-timeout_error".into(),
        ];
        tokio::task::spawn_blocking(move || {
            Command::new("sipp")
                .args(&args)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .expect("sipp runs")
        })
    });
    let agents_addr: SocketAddr = format!("127.0.0.1:{agents_port}").parse().unwrap();
    if relay {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "load: {calls} calls at {rate}/s, at most {limit} at once, each ~{:.1} s, switch on {target}{}",
        (1_800 + hold_ms) as f64 / 1_000.0,
        if relay {
            ", each bridged to an agent's phone and recorded"
        } else {
            ""
        }
    );
    let control = switch.control();
    // Customer Call-ID → the agent leg's Call-ID (once answered), and keys seen.
    let mut legs: HashMap<String, Option<String>> = HashMap::new();
    let mut keys: HashMap<String, String> = HashMap::new();
    let (mut agent_legs, mut agent_failed, mut relayed_both) = (0u64, 0u64, 0u64);
    let cpu0 = cpu_seconds();
    let t0 = std::time::Instant::now();
    let sipp = tokio::task::spawn_blocking(move || {
        Command::new("sipp")
            .args(&args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .expect("sipp runs")
    });

    let (mut answered, mut ended, mut refused) = (0u64, 0u64, 0u64);
    let (mut with_digits, mut recorded, mut with_audio) = (0u64, 0u64, 0u64);
    let mut active = HashSet::new();
    let mut peak = 0usize;
    let mut sipp = Some(sipp);
    let mut sipp_out = None;
    let mut idle_after_sipp = 0;
    loop {
        match tokio::time::timeout(Duration::from_millis(500), switch.next_event()).await {
            Ok(Some(SwitchEvent::Answered { call_id, .. })) => {
                answered += 1;
                active.insert(call_id.clone());
                peak = peak.max(active.len());
                if relay {
                    control.dial(DialRequest {
                        dial_id: call_id.clone(),
                        caller_id: "600111222".into(),
                        number: "agent".into(),
                        target: agents_addr,
                        timers: DialTimers::default(),
                        destinations: None,
                        auto_answer: false,
                    });
                    legs.insert(call_id, None);
                }
            }
            Ok(Some(SwitchEvent::DialOutcome {
                dial_id,
                call_id,
                outcome,
            })) => {
                if outcome == DialOutcome::Answered && legs.contains_key(&dial_id) {
                    agent_legs += 1;
                    control.bridge(&dial_id, &call_id);
                    control.command(
                        &dial_id,
                        CallCommand::Record(
                            dir.join("recordings").join(format!("{agent_legs}.wav")),
                        ),
                    );
                    legs.insert(dial_id, Some(call_id));
                } else if outcome == DialOutcome::Answered {
                    control.command(&call_id, CallCommand::Hangup);
                } else {
                    agent_failed += 1;
                }
            }
            Ok(Some(SwitchEvent::Digit { call_id, digit })) => {
                keys.entry(call_id).or_default().push(digit);
            }
            Ok(Some(SwitchEvent::Ended(s))) if !relay || legs.contains_key(&s.call_id) => {
                ended += 1;
                active.remove(&s.call_id);
                if let Some(Some(leg)) = legs.remove(&s.call_id) {
                    control.command(&leg, CallCommand::Hangup);
                }
                let pressed = keys.remove(&s.call_id).unwrap_or_default();
                with_digits += u64::from(s.digits == "12" || pressed == "12#");
                relayed_both += u64::from(s.media.relayed_in >= 50 && s.media.relayed_out >= 50);
                with_audio += u64::from(s.media.audio_in >= 10);
                if let Some(p) = &s.recording {
                    let ok = std::fs::metadata(p).is_ok_and(|m| m.len() > 44 + 4 * 8_000);
                    recorded += u64::from(ok);
                    let _ = std::fs::remove_file(p);
                }
            }
            // An agent's leg ended.
            Ok(Some(SwitchEvent::Ended(_))) => {}
            Ok(Some(SwitchEvent::Refused { .. })) => refused += 1,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {}
        }
        if let Some(h) = sipp.as_ref()
            && h.is_finished()
        {
            sipp_out = Some(sipp.take().expect("present").await.expect("sipp task"));
        }
        if sipp.is_none() {
            idle_after_sipp += 1;
            if active.is_empty() || idle_after_sipp > 20 {
                break;
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let out = match sipp_out {
        Some(o) => o,
        None => sipp.expect("still running").await.expect("sipp task"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ok = sipp_count(&stdout, "Successful call");
    let failed = sipp_count(&stdout, "Failed call");
    println!(
        "sipp:    exit {:?}, successful calls {ok:?}, failed calls {failed:?}",
        out.status.code()
    );
    let mut agents_ok = true;
    if let Some(a) = agents {
        let out = a.await.expect("agents' sipp task");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ok = sipp_count(&stdout, "Successful call");
        let failed = sipp_count(&stdout, "Failed call");
        println!(
            "agents:  exit {:?}, successful calls {ok:?}, failed calls {failed:?}; legs answered {agent_legs}, \
             not answered {agent_failed}, calls with audio relayed both ways {relayed_both}",
            out.status.code()
        );
        agents_ok = failed == Some(0) && agent_legs == calls && relayed_both == calls;
    }
    println!(
        "switch:  answered {answered}, ended {ended}, refused {refused}, peak concurrent {peak}, \
         digits \"12\" collected {with_digits}, caller audio received {with_audio}, recordings written {recorded}"
    );
    println!(
        "time:    wall {wall:.1} s, switch CPU {cpu:.2} s (user+system), {:.2} ms CPU per call, {:.0} % of one core",
        1_000.0 * cpu / ended.max(1) as f64,
        100.0 * cpu / wall
    );
    let _ = std::fs::remove_dir_all(&dir);
    switch.shutdown();
    let all_good = out.status.success()
        && agents_ok
        && failed == Some(0)
        && ended == calls
        && with_digits == calls
        && recorded == calls;
    if !all_good {
        eprintln!("load: NOT all calls completed cleanly");
        std::process::exit(1);
    }
}
