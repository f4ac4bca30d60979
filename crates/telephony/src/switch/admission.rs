//! Whether an INVITE may become a call, sans-IO: the trunk allow-list, the
//! concurrent-call cap, the calls-per-second cap and the SDP. A refusal
//! carries the SIP status and a reason; the 403 says nothing about which
//! numbers or trunks exist.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};

use crate::switch::sdp::{Negotiated, SdpError, negotiate};

/// Who may call and how many at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionPolicy {
    /// Source addresses allowed to send INVITEs (trunks, test peers). Empty: nobody.
    pub allowed_sources: Vec<IpAddr>,
    /// Calls in progress at most; more get 503.
    pub max_calls: usize,
    /// New calls admitted in any 1 s window at most; more get 503.
    pub max_calls_per_second: usize,
    /// Dialled numbers answered (empty: any). Others get the very answer a
    /// source not on the allow-list gets (403 `Forbidden`), so a caller
    /// cannot learn which numbers exist.
    pub numbers: Vec<String>,
    /// Trunks that must also pass digest authentication (401 challenge) first.
    pub trunk_credentials: Vec<super::digest::TrunkCredential>,
}

/// The policy and the recent admissions it needs for the rate cap.
#[derive(Debug, Clone)]
pub struct Admission {
    policy: AdmissionPolicy,
    /// When the calls of the last second were admitted (at most `max_calls_per_second`).
    recent_ms: VecDeque<u64>,
}

/// Why an INVITE was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The SIP status sent back.
    pub status: u16,
    /// The reason phrase (kept generic where detail would help an attacker).
    pub reason: String,
}

impl Refusal {
    fn new(status: u16, reason: impl Into<String>) -> Refusal {
        Refusal {
            status,
            reason: reason.into(),
        }
    }
}

impl Admission {
    /// Admission under `policy`, nothing admitted yet.
    pub fn new(policy: AdmissionPolicy) -> Admission {
        Admission {
            policy,
            recent_ms: VecDeque::new(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &AdmissionPolicy {
        &self.policy
    }

    /// Decides at `now_ms` on an INVITE from `source` carrying `sdp`, with
    /// `active_calls` in progress; an admitted call counts towards the rate.
    pub fn admit(
        &mut self,
        now_ms: u64,
        source: Option<SocketAddr>,
        dialled: &str,
        active_calls: usize,
        sdp: &[u8],
    ) -> Result<Negotiated, Refusal> {
        let p = &self.policy;
        let allowed = source.is_some_and(|s| {
            let ip = s.ip().to_canonical();
            p.allowed_sources.iter().any(|a| a.to_canonical() == ip)
        });
        if !allowed {
            return Err(Refusal::new(403, "Forbidden"));
        }
        if !p.numbers.is_empty()
            && !p
                .numbers
                .iter()
                .any(|n| n.trim_start_matches('+') == dialled.trim_start_matches('+'))
        {
            return Err(Refusal::new(403, "Forbidden"));
        }
        if active_calls >= p.max_calls {
            return Err(Refusal::new(503, "Service Unavailable"));
        }
        while self.recent_ms.front().is_some_and(|&t| t + 1_000 <= now_ms) {
            self.recent_ms.pop_front();
        }
        if self.recent_ms.len() >= p.max_calls_per_second {
            return Err(Refusal::new(503, "Service Unavailable"));
        }
        let media = negotiate(sdp)
            .map_err(|e: SdpError| Refusal::new(488, format!("Not Acceptable Here: {e}")))?;
        self.recent_ms.push_back(now_ms);
        Ok(media)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &[u8] = b"v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 6000 RTP/AVP 0\r\n";

    fn policy() -> Admission {
        Admission::new(AdmissionPolicy {
            allowed_sources: vec!["127.0.0.1".parse().unwrap()],
            max_calls: 2,
            max_calls_per_second: 3,
            numbers: Vec::new(),
            trunk_credentials: Vec::new(),
        })
    }

    #[test]
    fn an_allowed_source_under_the_cap_with_good_sdp_is_admitted() {
        let n = policy()
            .admit(0, Some("127.0.0.1:5070".parse().unwrap()), "4001", 1, SDP)
            .unwrap();
        assert_eq!(n.payload_type, 0);
    }

    #[test]
    fn strangers_get_403_before_anything_else_is_looked_at() {
        let r = policy()
            .admit(
                0,
                Some("127.0.0.2:5070".parse().unwrap()),
                "4001",
                9,
                b"junk",
            )
            .unwrap_err();
        assert_eq!(r, Refusal::new(403, "Forbidden"));
        assert_eq!(
            policy().admit(0, None, "4001", 0, SDP).unwrap_err().status,
            403
        );
        let v6 = policy().admit(
            0,
            Some("[::ffff:127.0.0.1]:5070".parse().unwrap()),
            "4001",
            0,
            SDP,
        );
        assert!(v6.is_ok(), "an IPv4-mapped address is the same host");
    }

    #[test]
    fn a_number_not_served_gets_the_same_403_as_a_stranger() {
        let mut a = Admission::new(AdmissionPolicy {
            numbers: vec!["+34900100100".into(), "4001".into()],
            ..policy().policy().clone()
        });
        let src = Some("127.0.0.1:5070".parse().unwrap());
        assert!(a.admit(0, src, "34900100100", 0, SDP).is_ok());
        assert!(a.admit(0, src, "4001", 0, SDP).is_ok());
        let unknown = a.admit(0, src, "4002", 0, SDP).unwrap_err();
        let stranger = a
            .admit(0, Some("10.0.0.1:5060".parse().unwrap()), "4001", 0, SDP)
            .unwrap_err();
        assert_eq!(
            unknown, stranger,
            "nothing tells an unknown number from a stranger"
        );
    }

    #[test]
    fn over_the_cap_is_503_and_bad_sdp_is_488_with_the_reason() {
        let src = Some("127.0.0.1:5070".parse().unwrap());
        assert_eq!(
            policy().admit(0, src, "4001", 2, SDP).unwrap_err().status,
            503
        );
        let r = policy()
            .admit(
                0,
                src,
                "4001",
                0,
                b"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 18\r\n",
            )
            .unwrap_err();
        assert_eq!(r.status, 488);
        assert!(r.reason.contains("no common codec"), "{}", r.reason);
    }

    #[test]
    fn more_than_the_rate_in_any_second_is_503_and_refusals_do_not_count() {
        let mut a = policy();
        let src = Some("127.0.0.1:5070".parse().unwrap());
        assert_eq!(a.admit(0, src, "4001", 0, b"junk").unwrap_err().status, 488);
        for t in [0, 300, 600] {
            assert!(a.admit(t, src, "4001", 0, SDP).is_ok(), "call at {t} ms");
        }
        assert_eq!(a.admit(999, src, "4001", 0, SDP).unwrap_err().status, 503);
        assert!(
            a.admit(1_000, src, "4001", 0, SDP).is_ok(),
            "the first one left the window"
        );
        assert_eq!(a.admit(1_200, src, "4001", 0, SDP).unwrap_err().status, 503);
    }
}
