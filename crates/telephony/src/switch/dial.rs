//! One outbound attempt (a dialer's dial), sans-IO: classifies the callee's
//! responses into answered, busy, no answer or failure, and cancels the
//! INVITE when it rings too long or nothing answers at all.
//!
//! The outcome is reported once, at the moment it is known: on a final
//! response, or when a timer fires (then a CANCEL goes out, and whatever
//! the stack hears afterwards changes nothing: a 2xx racing the CANCEL is
//! ended by the stack with a BYE).

use std::collections::VecDeque;

/// Timers of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialTimers {
    /// Give up (CANCEL, no answer) this long after sending the INVITE.
    pub ring_timeout_ms: u64,
    /// Give up (failure) when not even a provisional response came this long after the INVITE.
    pub no_provisional_timeout_ms: u64,
}

impl Default for DialTimers {
    fn default() -> Self {
        DialTimers {
            ring_timeout_ms: 30_000,
            no_provisional_timeout_ms: 5_000,
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialOutcome {
    /// 2xx: the callee answered.
    Answered,
    /// 486 Busy Here or 600 Busy Everywhere.
    Busy,
    /// It rang out (our ring timeout, then CANCEL), or the far end said 408/480.
    NoAnswer {
        /// The status, when the far end gave one.
        status: Option<u16>,
    },
    /// Anything else: a 4xx–6xx, no response at all, or no provisional response in time.
    Failed {
        /// The status, when there was one.
        status: Option<u16>,
        /// A short machine-readable reason.
        reason: &'static str,
    },
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialOutput {
    /// Send CANCEL for the INVITE.
    Cancel,
    /// The outcome is known.
    Outcome(DialOutcome),
}

/// One attempt.
#[derive(Debug, Clone)]
pub struct Dial {
    timers: DialTimers,
    started_ms: u64,
    provisional_seen: bool,
    decided: bool,
    outputs: VecDeque<DialOutput>,
}

impl Dial {
    /// An attempt whose INVITE went out at `now_ms`.
    pub fn new(timers: DialTimers, now_ms: u64) -> Dial {
        Dial {
            timers,
            started_ms: now_ms,
            provisional_seen: false,
            decided: false,
            outputs: VecDeque::new(),
        }
    }

    /// Whether the outcome is known.
    pub fn is_decided(&self) -> bool {
        self.decided
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<DialOutput> {
        self.outputs.pop_front()
    }

    /// When [`Dial::handle_timeout`] should be called next.
    pub fn poll_timeout(&self) -> Option<u64> {
        if self.decided {
            return None;
        }
        let ring = self.started_ms + self.timers.ring_timeout_ms;
        Some(if self.provisional_seen {
            ring
        } else {
            ring.min(self.started_ms + self.timers.no_provisional_timeout_ms)
        })
    }

    /// A 1xx arrived.
    pub fn handle_provisional(&mut self, _now_ms: u64, status: u16) {
        if (100..200).contains(&status) {
            self.provisional_seen = true;
        }
    }

    /// A final response arrived, or the stack gave up (`None`: no response, transport failure).
    pub fn handle_final(&mut self, _now_ms: u64, status: Option<u16>) {
        if self.decided {
            return;
        }
        let outcome = match status {
            Some(200..=299) => DialOutcome::Answered,
            Some(486 | 600) => DialOutcome::Busy,
            Some(s @ (408 | 480)) => DialOutcome::NoAnswer { status: Some(s) },
            Some(s) => DialOutcome::Failed {
                status: Some(s),
                reason: "rejected",
            },
            None => DialOutcome::Failed {
                status: None,
                reason: "no_response",
            },
        };
        self.decide(outcome);
    }

    /// Time passed.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        if self.decided {
            return;
        }
        let elapsed = now_ms.saturating_sub(self.started_ms);
        if !self.provisional_seen && elapsed >= self.timers.no_provisional_timeout_ms {
            self.outputs.push_back(DialOutput::Cancel);
            self.decide(DialOutcome::Failed {
                status: None,
                reason: "no_provisional_response",
            });
        } else if elapsed >= self.timers.ring_timeout_ms {
            self.outputs.push_back(DialOutput::Cancel);
            self.decide(DialOutcome::NoAnswer { status: None });
        }
    }

    fn decide(&mut self, outcome: DialOutcome) {
        self.decided = true;
        self.outputs.push_back(DialOutput::Outcome(outcome));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timers() -> DialTimers {
        DialTimers {
            ring_timeout_ms: 20_000,
            no_provisional_timeout_ms: 4_000,
        }
    }

    fn drain(d: &mut Dial) -> Vec<DialOutput> {
        std::iter::from_fn(|| d.poll_output()).collect()
    }

    #[test]
    fn final_responses_are_classified() {
        let cases = [
            (Some(200), DialOutcome::Answered),
            (Some(486), DialOutcome::Busy),
            (Some(600), DialOutcome::Busy),
            (Some(480), DialOutcome::NoAnswer { status: Some(480) }),
            (Some(408), DialOutcome::NoAnswer { status: Some(408) }),
            (
                Some(404),
                DialOutcome::Failed {
                    status: Some(404),
                    reason: "rejected",
                },
            ),
            (
                None,
                DialOutcome::Failed {
                    status: None,
                    reason: "no_response",
                },
            ),
        ];
        for (status, want) in cases {
            let mut d = Dial::new(timers(), 0);
            d.handle_provisional(10, 180);
            d.handle_final(500, status);
            assert_eq!(drain(&mut d), vec![DialOutput::Outcome(want)], "{status:?}");
            assert_eq!(d.poll_timeout(), None);
        }
    }

    #[test]
    fn ringing_too_long_cancels_and_is_no_answer() {
        let mut d = Dial::new(timers(), 1_000);
        d.handle_provisional(1_100, 100);
        d.handle_provisional(1_200, 180);
        assert_eq!(d.poll_timeout(), Some(21_000));
        d.handle_timeout(20_999);
        assert!(drain(&mut d).is_empty());
        d.handle_timeout(21_000);
        assert_eq!(
            drain(&mut d),
            vec![
                DialOutput::Cancel,
                DialOutput::Outcome(DialOutcome::NoAnswer { status: None })
            ]
        );
        // The 487 to our CANCEL (or a racing 200) changes nothing.
        d.handle_final(21_050, Some(487));
        d.handle_final(21_060, Some(200));
        assert!(drain(&mut d).is_empty());
    }

    #[test]
    fn silence_after_the_invite_is_a_failure_before_the_ring_timeout() {
        let mut d = Dial::new(timers(), 0);
        assert_eq!(d.poll_timeout(), Some(4_000));
        d.handle_timeout(4_000);
        assert_eq!(
            drain(&mut d),
            vec![
                DialOutput::Cancel,
                DialOutput::Outcome(DialOutcome::Failed {
                    status: None,
                    reason: "no_provisional_response"
                })
            ]
        );
    }
}
