//! The switch calls baresip (headless, auto-answer, a 440 Hz tone as its
//! microphone), as it will call an agent's softphone: the call is answered,
//! the flow runs, baresip's audio is recorded on the left, and we hang up.
//!
//! Without baresip this fails when `CI` is set (CI installs it) and is
//! skipped with a loud message otherwise.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use telephony::switch::{
    AdmissionPolicy, DialOutcome, DialRequest, DialTimers, EndReason, FlowConfig, Party, Switch,
    SwitchConfig, SwitchEvent,
};
use telephony::tones::{goertzel, power};
use telephony::wav::read_stereo;

fn have_baresip() -> bool {
    let ok = Command::new("baresip")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if ok {
        return true;
    }
    let msg = "baresip is missing: install the Debian package baresip (.ci/run does)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {msg} !!!!!!!!\n");
    false
}

/// Ends the baresip we started when the test ends, whatever happens.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_as_an_agent_phone_answers_and_its_audio_is_recorded() {
    if !have_baresip() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("centralita-baresip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.join("config"),
        format!(
            "poll_method epoll\nsip_listen 127.0.0.1:{port}\naudio_source ausine,440\nausrc_srate 48000\nausrc_channels 2\n\
             audio_alert aufile,/dev/null\nmodule_path /usr/lib/baresip/modules\n\
             module g711.so\nmodule ausine.so\nmodule aufile.so\n\
             module_app account.so\nmodule_app menu.so\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("accounts"),
        "<sip:agent@127.0.0.1>;regint=0;answermode=auto;audio_codecs=PCMA,PCMU\n",
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("baresip.log")).unwrap();
    let _phone = Child(
        Command::new("baresip")
            .args([
                "-n",
                "127.0.0.1",
                "-f",
                &dir.display().to_string(),
                "-t",
                "30",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("baresip starts"),
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut switch = Switch::start(SwitchConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        admission: AdmissionPolicy {
            allowed_sources: vec!["127.0.0.1".parse().unwrap()],
            max_calls: 10,
            max_calls_per_second: 100,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        },
        recordings_dir: Some(dir.join("recordings")),
        flow: FlowConfig {
            max_duration_ms: 3_000,
            ..FlowConfig::default()
        },
    })
    .await
    .expect("switch starts");
    switch.dial(DialRequest {
        dial_id: "agent-leg".into(),
        caller_id: "4001".into(),
        number: "agent".into(),
        target: SocketAddr::new("127.0.0.1".parse().unwrap(), port),
        timers: DialTimers {
            ring_timeout_ms: 5_000,
            no_provisional_timeout_ms: 3_000,
        },
        destinations: None,
        auto_answer: false,
    });
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let ev = tokio::time::timeout_at(deadline, switch.next_event())
            .await
            .unwrap_or_else(|_| {
                let log = std::fs::read_to_string(dir.join("baresip.log")).unwrap_or_default();
                panic!("no end in time; events {events:#?}\n--- baresip log\n{log}")
            })
            .expect("switch running");
        let done = match &ev {
            SwitchEvent::DialOutcome { outcome, .. } => *outcome != DialOutcome::Answered,
            SwitchEvent::Ended(_) => true,
            _ => false,
        };
        events.push(ev);
        if done {
            break;
        }
    }
    assert!(
        events.iter().any(|e| matches!(
            e,
            SwitchEvent::DialOutcome {
                outcome: DialOutcome::Answered,
                ..
            }
        )),
        "{events:#?}"
    );
    let s = match events.last() {
        Some(SwitchEvent::Ended(s)) => s.clone(),
        other => panic!("expected the end: {other:?}"),
    };
    assert_eq!(
        (s.hung_up_by, s.reason),
        (Party::Switch, EndReason::MaxDuration)
    );
    let wav = std::fs::read(s.recording.as_ref().expect("recorded")).unwrap();
    let (left, right) = read_stereo(&wav).unwrap();
    let second = &left[8_000..16_000.min(left.len())];
    assert!(
        goertzel(second, 440.0) > 0.1 * power(second) && power(second) > 1e5,
        "baresip's 440 Hz tone on the left: power {}, at 440 Hz {}",
        power(second),
        goertzel(second, 440.0)
    );
    assert!(
        goertzel(&right[..1_600], 1_000.0) > 1e6,
        "our prompt on the right"
    );
    switch.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
