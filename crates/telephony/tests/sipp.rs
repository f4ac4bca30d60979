//! The switch against real SIP: sipp (Debian's `sip-tester`) plays the
//! customer on 127.0.0.1, with the G.711 and RFC 4733 pcaps it ships.
//!
//! Without sipp these tests fail when `CI` is set (CI installs it) and are
//! skipped with a loud message otherwise.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use telephony::switch::{
    AdmissionPolicy, CallSummary, DialOutcome, DialRequest, DialTimers, EndReason, FlowConfig,
    Party, Switch, SwitchConfig, SwitchEvent,
};
use telephony::tones::{goertzel, power};
use telephony::wav::read_stereo;

const PCAPS: &str = "/usr/share/sip-tester";
const LOCALHOST: &str = "127.0.0.1";

/// Whether sipp can run here; panics in CI when it cannot.
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

/// A fresh folder for one test's scenarios, logs and recordings.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("centralita-sipp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

/// A UDP port free right now on `ip` (sipp needs explicit ports: its defaults collide).
fn free_port(ip: &str) -> u16 {
    let s = std::net::UdpSocket::bind((ip, 0)).expect("bind");
    s.local_addr().expect("addr").port()
}

fn config(dir: &Path, max_calls: usize) -> SwitchConfig {
    SwitchConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ip: LOCALHOST.parse().unwrap(),
        admission: AdmissionPolicy {
            allowed_sources: vec![LOCALHOST.parse().unwrap()],
            max_calls,
            max_calls_per_second: 100,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        },
        recordings_dir: Some(dir.join("recordings")),
        flow: FlowConfig {
            digits_max: 4,
            first_digit_timeout_ms: 5_000,
            inter_digit_timeout_ms: 3_000,
            max_duration_ms: 60_000,
            ..FlowConfig::default()
        },
    }
}

/// Writes scenario `name` with its placeholders filled and runs sipp once
/// from `local_ip` against the switch; returns its output and error log.
async fn sipp(
    dir: &Path,
    name: &str,
    fill: &[(&str, &str)],
    target: SocketAddr,
    local_ip: &str,
) -> (Output, String) {
    let port = free_port(local_ip);
    sipp_on(dir, name, fill, Some(target), local_ip, port, &[]).await
}

/// Like [`sipp`], on a given port, as a client (`target`) or a server (`None`).
async fn sipp_on(
    dir: &Path,
    name: &str,
    fill: &[(&str, &str)],
    target: Option<SocketAddr>,
    local_ip: &str,
    port: u16,
    extra: &[&str],
) -> (Output, String) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name);
    let mut text = std::fs::read_to_string(&src).expect("scenario");
    for (k, v) in fill {
        text = text.replace(k, v);
    }
    let tag = format!("{}-{}", name.trim_end_matches(".xml"), free_port(local_ip));
    let scenario = dir.join(format!("{tag}.xml"));
    std::fs::write(&scenario, text).expect("write scenario");
    let errors = dir.join(format!("{tag}.errors.log"));
    let mut args: Vec<String> = vec![
        "-sf".into(),
        scenario.display().to_string(),
        "-m".into(),
        "1".into(),
        "-l".into(),
        "1".into(),
        "-i".into(),
        local_ip.into(),
        "-p".into(),
        port.to_string(),
        "-mp".into(),
        free_port(local_ip).to_string(),
        "-s".into(),
        "4001".into(),
        "-timeout".into(),
        "30".into(),
        "-timeout_error".into(),
        "-trace_err".into(),
        "-error_file".into(),
        errors.display().to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(target.map(|t| t.to_string()));
    let out = tokio::task::spawn_blocking(move || {
        Command::new("sipp")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("sipp runs")
    })
    .await
    .expect("sipp task");
    let log = std::fs::read_to_string(&errors).unwrap_or_default();
    (out, log)
}

fn explain(out: &Output, log: &str) -> String {
    format!(
        "sipp exit {:?}\n--- stdout (tail)\n{}\n--- stderr\n{}\n--- error log\n{log}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The switch's events until one matches, within `secs`.
async fn events_until(
    switch: &mut Switch,
    secs: u64,
    mut stop: impl FnMut(&SwitchEvent) -> bool,
) -> Vec<SwitchEvent> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(deadline, switch.next_event()).await {
            Ok(Some(ev)) => {
                let done = stop(&ev);
                seen.push(ev);
                if done {
                    return seen;
                }
            }
            Ok(None) => panic!("the switch stopped; events so far: {seen:#?}"),
            Err(_) => panic!("no matching event within {secs} s; events so far: {seen:#?}"),
        }
    }
}

fn ended(events: &[SwitchEvent]) -> Vec<&CallSummary> {
    events
        .iter()
        .filter_map(|e| match e {
            SwitchEvent::Ended(s) => Some(s),
            _ => None,
        })
        .collect()
}

fn seconds(samples: &[i16], from_s: f64, to_s: f64) -> &[i16] {
    let a = ((from_s * 8_000.0) as usize).min(samples.len());
    let b = ((to_s * 8_000.0) as usize).min(samples.len());
    &samples[a..b]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_keys_rfc4733_digits_talks_hangs_up_and_both_sides_are_recorded() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("dtmf");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    let target = switch.sip_addr();

    // Malformed SIP first: it must not hurt the call that follows.
    let junk = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for d in [
        &b"\x00\x01\x02garbage"[..],
        b"INVITE sip:x SIP/2.0\r\n\r\n",
        b"SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n",
        b"INVITE sip:4001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\nContent-Length: 99999\r\n\r\nv=0",
    ] {
        junk.send_to(d, target).await.unwrap();
    }

    let (out, log) = sipp(
        &dir,
        "dtmf_call.xml",
        &[("HOLD_MS", "3000")],
        target,
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));

    let events = events_until(&mut switch, 10, |e| matches!(e, SwitchEvent::Ended(_))).await;
    let answered = events
        .iter()
        .find_map(|e| match e {
            SwitchEvent::Answered {
                caller_number,
                dialled_number,
                ..
            } => Some((caller_number.as_str(), dialled_number.as_str())),
            _ => None,
        })
        .expect("answered");
    assert_eq!(answered, ("600111222", "4001"));
    let keys: String = events
        .iter()
        .filter_map(|e| match e {
            SwitchEvent::Digit { digit, .. } => Some(*digit),
            _ => None,
        })
        .collect();
    assert_eq!(keys, "12#");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SwitchEvent::DigitsCollected { digits, .. } if digits == "12"))
    );

    let s = ended(&events)[0];
    assert_eq!(s.digits, "12");
    assert_eq!(
        (s.hung_up_by, s.reason),
        (Party::Customer, EndReason::CallerHungUp)
    );
    assert_eq!(s.codec, "PCMA");
    assert!(s.ended_at_ms >= s.answered_at_ms + 4_000, "{s:?}");
    assert!(
        s.media.audio_in > 50,
        "the caller's audio arrived: {:?}",
        s.media
    );

    let wav = std::fs::read(s.recording.as_ref().expect("recorded")).expect("recording file");
    let (left, right) = read_stereo(&wav).expect("a stereo WAV");
    let secs = left.len() as f64 / 8_000.0;
    assert!((4.0..8.0).contains(&secs), "recording of {secs} s");
    // Right (us): the 1 kHz beep first, then music on hold after the digits.
    assert!(
        goertzel(seconds(&right, 0.0, 0.2), 1_000.0) > 1e6,
        "the prompt"
    );
    assert!(power(seconds(&right, 2.5, 4.0)) > 1e5, "music on hold");
    // Left (the customer): quiet while only keys are sent, speech from the pcap after.
    let quiet = power(seconds(&left, 0.0, 1.2));
    let talk = power(seconds(&left, 2.5, 4.0));
    assert!(
        quiet < 1e3,
        "the customer side is silent before they talk: {quiet}"
    );
    assert!(talk > 1e4, "the customer talked: {talk}");
    assert!(talk > 100.0 * quiet.max(1.0));
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_over_tcp_collects_its_digits_too() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("tcp");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    let port = free_port(LOCALHOST);
    let (out, log) = sipp_on(
        &dir,
        "dtmf_call.xml",
        &[("HOLD_MS", "500")],
        Some(switch.sip_addr()),
        LOCALHOST,
        port,
        &["-t", "t1"],
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 10, |e| matches!(e, SwitchEvent::Ended(_))).await;
    let s = ended(&events)[0];
    assert_eq!((s.digits.as_str(), s.hung_up_by), ("12", Party::Customer));
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_not_on_the_allow_list_gets_403() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("forbidden");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    // 127.0.0.2 is loopback too, but not on the allow-list.
    let (out, log) = sipp(
        &dir,
        "refused_call.xml",
        &[("STATUS", "403")],
        switch.sip_addr(),
        "127.0.0.2",
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 5, |e| matches!(e, SwitchEvent::Refused { .. })).await;
    match &events[..] {
        [
            SwitchEvent::Refused {
                status,
                source,
                reason,
                ..
            },
        ] => {
            assert_eq!(*status, 403);
            assert_eq!(reason, "Forbidden");
            assert_eq!(
                source.map(|s| s.ip()),
                Some("127.0.0.2".parse::<IpAddr>().unwrap())
            );
        }
        other => panic!("expected only the refusal: {other:#?}"),
    }
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_nobody_serves_gets_the_same_403_as_a_stranger() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("unknown-number");
    let mut cfg = config(&dir, 10);
    cfg.admission.numbers = vec!["4002".into()];
    let mut switch = Switch::start(cfg).await.expect("switch starts");
    // sipp dials 4001 from an allowed address.
    let (out, log) = sipp(
        &dir,
        "refused_call.xml",
        &[("STATUS", "403")],
        switch.sip_addr(),
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 5, |e| matches!(e, SwitchEvent::Refused { .. })).await;
    assert!(
        matches!(&events[..], [SwitchEvent::Refused { status: 403, reason, .. }] if reason == "Forbidden"),
        "{events:#?}"
    );
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_premium_or_foreign_destination_is_never_dialled() {
    let dir = scratch("out-destination");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    // Anything sent there would be a call placed: nothing may arrive.
    let trap = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let policy = telephony::switch::DestinationPolicy {
        countries: vec!["34".into()],
        home_country: "34".into(),
        blocked_prefixes: None,
    };
    for (n, number) in ["806123456", "+33612345678"].into_iter().enumerate() {
        switch.dial(DialRequest {
            dial_id: format!("attempt-{n}"),
            caller_id: "912345678".into(),
            number: number.into(),
            target: trap.local_addr().unwrap(),
            timers: DialTimers::default(),
            destinations: Some(policy.clone()),
            auto_answer: false,
        });
        let events = events_until(&mut switch, 5, |e| {
            matches!(e, SwitchEvent::DialOutcome { .. })
        })
        .await;
        let expected = if n == 0 {
            "destination_premium"
        } else {
            "destination_country"
        };
        assert_eq!(
            outcome(&events),
            DialOutcome::Failed {
                status: None,
                reason: expected
            }
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut buf = [0u8; 2048];
    assert!(trap.recv_from(&mut buf).is_err(), "no INVITE left");
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trunk_with_credentials_must_answer_the_digest_challenge() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("digest");
    let mut cfg = config(&dir, 10);
    cfg.admission.trunk_credentials = vec![telephony::switch::TrunkCredential {
        source: LOCALHOST.parse().unwrap(),
        username: "carrier".into(),
        password: "pw".into(),
    }];
    let mut switch = Switch::start(cfg).await.expect("switch starts");
    // Without credentials: 401, and the switch never sees the INVITE.
    let (out, log) = sipp(
        &dir,
        "refused_call.xml",
        &[("STATUS", "401")],
        switch.sip_addr(),
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    // With the right password (sipp answers the challenge): answered.
    let (out, log) = sipp(
        &dir,
        "auth_call.xml",
        &[("PASSWORD", "pw")],
        switch.sip_addr(),
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 5, |e| matches!(e, SwitchEvent::Ended(_))).await;
    assert!(
        matches!(events.first(), Some(SwitchEvent::Answered { .. })),
        "only the authenticated call reached the switch: {events:#?}"
    );
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_over_the_cap_gets_503_and_the_call_in_progress_goes_on() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("cap");
    let mut switch = Switch::start(config(&dir, 1)).await.expect("switch starts");
    let target = switch.sip_addr();
    let first_dir = dir.clone();
    let first = tokio::spawn(async move {
        sipp(
            &first_dir,
            "dtmf_call.xml",
            &[("HOLD_MS", "3000")],
            target,
            LOCALHOST,
        )
        .await
    });
    events_until(&mut switch, 10, |e| {
        matches!(e, SwitchEvent::Answered { .. })
    })
    .await;

    let (out, log) = sipp(
        &dir,
        "refused_call.xml",
        &[("STATUS", "503")],
        target,
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));

    let (out, log) = first.await.expect("first call");
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 10, |e| matches!(e, SwitchEvent::Ended(_))).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SwitchEvent::Refused { status: 503, .. })),
        "{events:#?}"
    );
    let s = ended(&events)[0];
    assert_eq!((s.hung_up_by, s.digits.as_str()), (Party::Customer, "12"));
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sip_info_keys_are_collected_and_the_switch_hangs_up_at_the_maximum_duration() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("info");
    let mut cfg = config(&dir, 10);
    cfg.flow.max_duration_ms = 3_000;
    let mut switch = Switch::start(cfg).await.expect("switch starts");
    let (out, log) = sipp(&dir, "info_call.xml", &[], switch.sip_addr(), LOCALHOST).await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 10, |e| matches!(e, SwitchEvent::Ended(_))).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SwitchEvent::DigitsCollected { digits, .. } if digits == "7"))
    );
    let s = ended(&events)[0];
    assert_eq!(
        (s.hung_up_by, s.reason),
        (Party::Switch, EndReason::MaxDuration)
    );
    let took = s.ended_at_ms - s.answered_at_ms;
    assert!((3_000..4_000).contains(&took), "ended after {took} ms");
    switch.shutdown();
}

/// Places a call from the switch to a sipp callee running `scenario`; returns
/// the switch's events up to the outcome (and to the end, when answered).
async fn dial_sipp(name: &str, scenario: &str, max_duration_ms: u64) -> Vec<SwitchEvent> {
    let dir = scratch(name);
    let mut cfg = config(&dir, 10);
    cfg.flow.max_duration_ms = max_duration_ms;
    let mut switch = Switch::start(cfg).await.expect("switch starts");
    let port = free_port(LOCALHOST);
    let callee_dir = dir.clone();
    let scenario_name = scenario.to_owned();
    let callee = tokio::spawn(async move {
        sipp_on(&callee_dir, &scenario_name, &[], None, LOCALHOST, port, &[]).await
    });
    // Let sipp bind before the INVITE (a lost one would be retransmitted anyway).
    tokio::time::sleep(Duration::from_millis(300)).await;
    switch.dial(DialRequest {
        dial_id: format!("attempt-{name}"),
        caller_id: "912345678".into(),
        number: "600999888".into(),
        target: SocketAddr::new(LOCALHOST.parse().unwrap(), port),
        timers: DialTimers {
            ring_timeout_ms: 1_500,
            no_provisional_timeout_ms: 1_000,
        },
        destinations: None,
        auto_answer: false,
    });
    let events = events_until(&mut switch, 15, |e| match e {
        SwitchEvent::DialOutcome { outcome, .. } => *outcome != DialOutcome::Answered,
        SwitchEvent::Ended(_) => true,
        _ => false,
    })
    .await;
    let (out, log) = callee.await.expect("callee");
    assert!(out.status.success(), "{}", explain(&out, &log));
    switch.shutdown();
    events
}

fn outcome(events: &[SwitchEvent]) -> DialOutcome {
    events
        .iter()
        .find_map(|e| match e {
            SwitchEvent::DialOutcome {
                outcome, dial_id, ..
            } => {
                assert!(dial_id.starts_with("attempt-"));
                Some(outcome.clone())
            }
            _ => None,
        })
        .expect("an outcome")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbound_call_that_is_answered_runs_the_flow_and_we_hang_up() {
    if !have_sipp() {
        return;
    }
    let events = dial_sipp("out-answer", "uas_answer.xml", 2_500).await;
    assert_eq!(outcome(&events), DialOutcome::Answered);
    let s = ended(&events)[0];
    assert_eq!(
        (s.caller_number.as_str(), s.dialled_number.as_str()),
        ("912345678", "600999888")
    );
    assert_eq!(
        (s.hung_up_by, s.reason),
        (Party::Switch, EndReason::MaxDuration)
    );
    assert!(
        s.media.audio_in > 20,
        "the callee's audio arrived: {:?}",
        s.media
    );
    let wav = std::fs::read(s.recording.as_ref().expect("recorded")).expect("recording file");
    let (left, right) = read_stereo(&wav).expect("a stereo WAV");
    assert!(power(seconds(&left, 1.0, 2.0)) > 1e4, "the callee's side");
    assert!(
        goertzel(seconds(&right, 0.0, 0.2), 1_000.0) > 1e6,
        "our prompt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbound_call_to_a_busy_callee_is_busy() {
    if !have_sipp() {
        return;
    }
    let events = dial_sipp("out-busy", "uas_busy.xml", 10_000).await;
    assert_eq!(outcome(&events), DialOutcome::Busy);
    assert!(ended(&events).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbound_call_that_rings_out_is_cancelled_as_no_answer() {
    if !have_sipp() {
        return;
    }
    // sipp only succeeds if it got our CANCEL (and the ACK to its 487).
    let events = dial_sipp("out-ring", "uas_ring.xml", 10_000).await;
    assert_eq!(outcome(&events), DialOutcome::NoAnswer { status: None });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbound_call_to_a_silent_address_fails_for_lack_of_a_provisional_response() {
    let dir = scratch("out-silent");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    switch.dial(DialRequest {
        dial_id: "attempt-silent".into(),
        caller_id: "912345678".into(),
        number: "600999888".into(),
        target: silent.local_addr().unwrap(),
        timers: DialTimers {
            ring_timeout_ms: 5_000,
            no_provisional_timeout_ms: 800,
        },
        destinations: None,
        auto_answer: false,
    });
    let events = events_until(&mut switch, 5, |e| {
        matches!(e, SwitchEvent::DialOutcome { .. })
    })
    .await;
    assert_eq!(
        outcome(&events),
        DialOutcome::Failed {
            status: None,
            reason: "no_provisional_response"
        }
    );
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_invites_get_our_sdp_and_the_media_follows_holds_and_resumes() {
    if !have_sipp() {
        return;
    }
    let dir = scratch("reinvite");
    let mut switch = Switch::start(config(&dir, 10))
        .await
        .expect("switch starts");
    // Where the phone moves its media: we listen there and time what arrives.
    let media = std::net::UdpSocket::bind((LOCALHOST, 0)).expect("media socket");
    let new_port = media.local_addr().unwrap().port().to_string();
    media
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    #[allow(clippy::disallowed_methods)] // a test measuring real arrival times
    let listener = std::thread::spawn(move || {
        let start = std::time::Instant::now();
        let mut at_ms = Vec::new();
        let mut buf = [0u8; 1500];
        while start.elapsed() < Duration::from_secs(12) {
            if let Ok((n, _)) = media.recv_from(&mut buf)
                && telephony::rtp::RtpPacket::parse(&buf[..n]).is_ok()
            {
                at_ms.push(start.elapsed().as_millis() as u64);
            }
        }
        at_ms
    });
    let (out, log) = sipp(
        &dir,
        "reinvite_call.xml",
        &[("NEW_PORT", &new_port)],
        switch.sip_addr(),
        LOCALHOST,
    )
    .await;
    assert!(out.status.success(), "{}", explain(&out, &log));
    let events = events_until(&mut switch, 10, |e| matches!(e, SwitchEvent::Ended(_))).await;
    let s = ended(&events)[0];
    assert_eq!(s.hung_up_by, Party::Customer);
    let at = listener.join().unwrap();
    // After the move (1.5 s), nothing while held and inactive (2 s), then
    // the media again after the refresh (1.5 s).
    let gaps: Vec<(u64, u64)> = at.windows(2).map(|w| (w[0], w[1] - w[0])).collect();
    let (gap_at, gap) = gaps
        .iter()
        .copied()
        .max_by_key(|g| g.1)
        .expect("RTP arrived");
    assert!(
        (1_600..3_000).contains(&gap),
        "silent while held: the longest gap is {gap} ms"
    );
    let before = at.iter().filter(|&&t| t <= gap_at).count();
    let after = at.iter().filter(|&&t| t > gap_at).count();
    assert!(
        before >= 50,
        "our RTP followed the new address: {before} packets"
    );
    assert!(
        after >= 50,
        "and came back after the refresh: {after} packets"
    );
    switch.shutdown();
}
