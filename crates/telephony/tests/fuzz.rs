//! Fuzz target: SDP from the other side of a call. Any bytes, and SDP put
//! together from its own lines in any order, give a negotiated stream or
//! an `SdpError`, never a panic (`negotiate`, `direction`). SIP messages
//! themselves are parsed by `rsip`, a dependency, not here. Runs on stable
//! Rust with proptest (`PROPTEST_CASES` for more inputs; failures are kept
//! in `proptest-regressions/`).

use proptest::prelude::*;
use telephony::switch::sdp;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("v=0\r\n".to_string()),
        Just("o=- 1 1 IN IP4 127.0.0.1\r\n".to_string()),
        Just("c=IN IP4 127.0.0.1\r\n".to_string()),
        Just("c=IN IP6 ::1\r\n".to_string()),
        Just("m=audio 4000 RTP/AVP 0 8 101\r\n".to_string()),
        Just("m=audio 0 RTP/AVP\r\n".to_string()),
        Just("m=video 5000 RTP/AVP 96\r\n".to_string()),
        Just("a=rtpmap:0 PCMU/8000\r\n".to_string()),
        Just("a=rtpmap:101 telephone-event/8000\r\n".to_string()),
        Just("a=ptime:99999999999\r\n".to_string()),
        Just("a=sendonly\r\n".to_string()),
        Just("a=inactive\r\n".to_string()),
        "[a-z]=[ -~]{0,40}\r\n",
        "\\PC{0,20}",
    ]
}

proptest! {
    #[test]
    fn any_bytes_are_sdp_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = sdp::negotiate(&body);
        let _ = sdp::direction(&body);
    }

    #[test]
    fn sdp_lines_in_any_order_are_sdp_or_an_error(
        lines in proptest::collection::vec(line(), 0..30)
    ) {
        let body = lines.concat();
        let _ = sdp::negotiate(body.as_bytes());
        let _ = sdp::direction(body.as_bytes());
    }
}
