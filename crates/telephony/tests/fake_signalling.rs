//! The switch on an in-memory SIP stack: the `Signalling` trait is the
//! whole seam, so a test (or another stack) can stand in for rsipstack.
//! Media still flows over real UDP on 127.0.0.1.

use std::net::SocketAddr;
use std::time::Duration;

use telephony::dtmf::{Digit, event_payloads};
use telephony::rtp::{RtpPacket, RtpSender};
use telephony::switch::sdp::negotiate;
use telephony::switch::{
    AdmissionPolicy, CallRef, FlowConfig, Party, SignalCommand, SignalEvent, Signalling, Switch,
    SwitchConfig, SwitchEvent,
};
use tokio::sync::mpsc;

struct FakeStack {
    events: mpsc::UnboundedReceiver<SignalEvent>,
    commands: mpsc::UnboundedSender<SignalCommand>,
    next: CallRef,
}

impl Signalling for FakeStack {
    fn local_addr(&self) -> SocketAddr {
        "127.0.0.1:5060".parse().unwrap()
    }
    async fn next_event(&mut self) -> Option<SignalEvent> {
        self.events.recv().await
    }
    fn new_call_ref(&mut self) -> CallRef {
        self.next += 1;
        self.next
    }
    fn send(&mut self, command: SignalCommand) {
        let _ = self.commands.send(command);
    }
    fn shutdown(&mut self) {}
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("in time")
        .expect("open")
}

async fn next_event(switch: &mut Switch) -> SwitchEvent {
    tokio::time::timeout(Duration::from_secs(5), switch.next_event())
        .await
        .expect("in time")
        .expect("open")
}

fn start() -> (
    Switch,
    mpsc::UnboundedSender<SignalEvent>,
    mpsc::UnboundedReceiver<SignalCommand>,
) {
    let (events_tx, events) = mpsc::unbounded_channel();
    let (commands, commands_rx) = mpsc::unbounded_channel();
    let stack = FakeStack {
        events,
        commands,
        next: 1_000,
    };
    let config = SwitchConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        admission: AdmissionPolicy {
            allowed_sources: vec!["127.0.0.1".parse().unwrap()],
            max_calls: 5,
            max_calls_per_second: 100,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        },
        recordings_dir: None,
        flow: FlowConfig::default(),
    };
    let switch = Switch::start_with(config, stack).expect("starts");
    (switch, events_tx, commands_rx)
}

fn invite(call: CallRef, source: &str, rtp: SocketAddr) -> SignalEvent {
    let sdp = format!(
        "v=0\r\nc=IN IP4 {}\r\nt=0 0\r\nm=audio {} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n",
        rtp.ip(),
        rtp.port()
    );
    SignalEvent::Invite {
        call,
        call_id: format!("fake-{call}"),
        caller: "600111222".into(),
        dialled: "4001".into(),
        source: Some(source.parse().unwrap()),
        sdp: sdp.into_bytes(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_runs_on_any_signalling_stack() {
    let (mut switch, events_tx, mut commands_rx) = start();
    let phone = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let phone_addr = phone.local_addr().unwrap();

    // A stranger is refused without a word more than "Forbidden".
    events_tx
        .send(invite(1, "10.0.0.9:5060", phone_addr))
        .unwrap();
    match next(&mut commands_rx).await {
        SignalCommand::Reject {
            call: 1,
            status: 403,
            reason,
        } => assert_eq!(reason, "Forbidden"),
        other => panic!("expected a 403: {other:?}"),
    }
    assert!(matches!(
        next_event(&mut switch).await,
        SwitchEvent::Refused { status: 403, .. }
    ));

    // A trunk's call is answered with PCMU and telephone-event.
    events_tx
        .send(invite(2, "127.0.0.1:5070", phone_addr))
        .unwrap();
    let answer = match next(&mut commands_rx).await {
        SignalCommand::Accept { call: 2, sdp } => negotiate(&sdp).expect("a valid answer"),
        other => panic!("expected 200 OK: {other:?}"),
    };
    assert_eq!(
        (answer.payload_type, answer.telephone_event),
        (0, Some(101))
    );
    assert!(matches!(
        next_event(&mut switch).await,
        SwitchEvent::Answered { .. }
    ));

    // Our audio arrives at the phone.
    let mut buf = [0u8; 1500];
    let (n, from) = tokio::time::timeout(Duration::from_secs(2), phone.recv_from(&mut buf))
        .await
        .expect("RTP in time")
        .unwrap();
    assert_eq!(from, answer.remote);
    let p = RtpPacket::parse(&buf[..n]).expect("RTP");
    assert_eq!((p.payload_type, p.payload.len()), (0, 160));

    // The phone keys 5 then #.
    let mut tx = RtpSender::new(77, 0, 0);
    for (i, key) in ['5', '#'].into_iter().enumerate() {
        let ts = 8_000 * (i as u32 + 1);
        for (m, payload) in event_payloads(Digit::from_char(key).unwrap(), 100, 10) {
            phone
                .send_to(&tx.packet(101, m, ts, &payload), answer.remote)
                .await
                .unwrap();
        }
    }
    let mut seen = Vec::new();
    loop {
        match next_event(&mut switch).await {
            SwitchEvent::DigitsCollected { digits, .. } => {
                assert_eq!(digits, "5");
                break;
            }
            SwitchEvent::Digit { digit, .. } => seen.push(digit),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, vec!['5', '#']);

    // The caller hangs up.
    events_tx
        .send(SignalEvent::Ended {
            call: 2,
            by_remote: true,
        })
        .unwrap();
    match next_event(&mut switch).await {
        SwitchEvent::Ended(s) => {
            assert_eq!(s.call_id, "fake-2");
            assert_eq!((s.digits.as_str(), s.hung_up_by), ("5", Party::Customer));
            assert_eq!(s.recording, None);
            assert!(s.media.rtp_out > 0);
        }
        other => panic!("expected the end: {other:?}"),
    }
    switch.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_behind_nat_is_heard_and_then_hears_us_where_it_really_is() {
    let (mut switch, events_tx, mut commands_rx) = start();
    let phone = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // Its SDP names an address nobody listens on (the phone's private one).
    let announced: SocketAddr = "127.0.0.2:9".parse().unwrap();
    events_tx
        .send(invite(5, "127.0.0.1:5070", announced))
        .unwrap();
    let answer = match next(&mut commands_rx).await {
        SignalCommand::Accept { sdp, .. } => negotiate(&sdp).unwrap(),
        other => panic!("expected 200 OK: {other:?}"),
    };
    assert!(matches!(
        next_event(&mut switch).await,
        SwitchEvent::Answered { .. }
    ));
    // It talks from its real address, the one its SIP came from.
    let mut tx = RtpSender::new(9, 0, 0);
    phone
        .send_to(&tx.media(0, true, &[0xFF; 160], 160), answer.remote)
        .await
        .unwrap();
    let mut buf = [0u8; 1500];
    let (_, from) = tokio::time::timeout(Duration::from_secs(2), phone.recv_from(&mut buf))
        .await
        .expect("our RTP reaches the phone's real address")
        .unwrap();
    assert_eq!(from, answer.remote);
    events_tx
        .send(SignalEvent::Ended {
            call: 5,
            by_remote: true,
        })
        .unwrap();
    match next_event(&mut switch).await {
        SwitchEvent::Ended(s) => assert_eq!(s.media.audio_in, 1),
        other => panic!("expected the end: {other:?}"),
    }
    switch.shutdown();
}
