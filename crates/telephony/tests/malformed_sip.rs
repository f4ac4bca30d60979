//! Malformed SIP never stops the switch: thousands of mutated requests
//! (seeded, so a failure replays) hit the real stack, then a well-formed
//! OPTIONS must still be answered.

use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use telephony::switch::{AdmissionPolicy, FlowConfig, Switch, SwitchConfig};

const SEED: u64 = 0x5EED_0007;

fn invite(branch: u32) -> Vec<u8> {
    let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    format!(
        "INVITE sip:4001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{branch}\r\n\
         From: <sip:600111222@127.0.0.1>;tag=a{branch}\r\nTo: <sip:4001@127.0.0.1>\r\n\
         Call-ID: fuzz-{branch}\r\nCSeq: 1 INVITE\r\nContact: <sip:600111222@127.0.0.1:9>\r\n\
         Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_requests_do_not_stop_the_switch() {
    let mut switch = Switch::start(SwitchConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ip: "127.0.0.1".parse().unwrap(),
        // Nobody is allowed: the mutants that parse get 403, none becomes a call.
        admission: AdmissionPolicy {
            allowed_sources: vec![],
            max_calls: 10,
            max_calls_per_second: 100,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        },
        recordings_dir: None,
        flow: FlowConfig::default(),
    })
    .await
    .expect("switch starts");
    let target = switch.sip_addr();
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(SEED);
    for i in 0..3_000u32 {
        let mut msg = invite(i);
        match rng.random_range(0..4) {
            0 => {
                for _ in 0..rng.random_range(1..8) {
                    let at = rng.random_range(0..msg.len());
                    msg[at] = rng.random();
                }
            }
            1 => msg.truncate(rng.random_range(0..msg.len())),
            2 => {
                let at = rng.random_range(0..msg.len());
                let junk: Vec<u8> = (0..rng.random_range(1..64)).map(|_| rng.random()).collect();
                msg.splice(at..at, junk);
            }
            _ => {
                let at = rng.random_range(0..msg.len());
                msg.drain(at..(at + rng.random_range(1..40)).min(msg.len()));
            }
        }
        sock.send_to(&msg, target).await.unwrap();
        if i % 200 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    // Drain what the switch reported; it must still be running.
    while let Ok(Some(_)) =
        tokio::time::timeout(Duration::from_millis(300), switch.next_event()).await
    {}

    // The probe comes from a socket of its own: the answers to the
    // mutants may have filled the first one's receive buffer (the kernel
    // then drops what comes next), which says nothing about the switch.
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let options = format!(
        "OPTIONS sip:4001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {};branch=z9hG4bKopt1\r\n\
         From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:4001@127.0.0.1>\r\nCall-ID: probe-1\r\n\
         CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        sock.local_addr().unwrap()
    );
    sock.send_to(options.as_bytes(), target).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (n, _) = tokio::time::timeout_at(deadline, sock.recv_from(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no answer to OPTIONS after the mutants (seed {SEED:#x})"))
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        if text.contains("probe-1") {
            assert!(text.starts_with("SIP/2.0 200"), "{text}");
            break;
        }
    }
    switch.shutdown();
}
