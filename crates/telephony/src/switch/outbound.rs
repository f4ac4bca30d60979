//! The IO side of an outbound attempt: follows the INVITE with the sans-IO
//! [`Dial`], and once answered hands the call to the same media task as an
//! inbound call.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::call::{Call, FlowConfig};
use super::call_task::{CallTask, Clock, FromCall, ToCall};
use super::dial::{Dial, DialOutcome, DialOutput};
use super::runtime::CallSummary;
use super::sdp;
use super::signalling::CallRef;

/// How often an attempt's timers are looked at (they are seconds long).
const DIAL_TICK_MS: u64 = 50;

pub(super) struct DialTask {
    pub(super) call: CallRef,
    /// Where the INVITE went.
    pub(super) target: std::net::SocketAddr,
    pub(super) dial: Dial,
    pub(super) flow: Arc<FlowConfig>,
    pub(super) rtp: UdpSocket,
    pub(super) clock: Clock,
    pub(super) inbox: mpsc::Receiver<ToCall>,
    pub(super) to_control: mpsc::UnboundedSender<FromCall>,
    pub(super) summary: CallSummary,
}

impl DialTask {
    pub(super) async fn run(mut self) {
        let mut tick = tokio::time::interval(Duration::from_millis(DIAL_TICK_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut answer_sdp = None;
        loop {
            tokio::select! {
                _ = tick.tick() => self.dial.handle_timeout(self.clock.now_ms()),
                msg = self.inbox.recv() => {
                    let now = self.clock.now_ms();
                    match msg {
                        Some(ToCall::Progress(status)) => self.dial.handle_provisional(now, status),
                        Some(ToCall::Answered(sdp)) => {
                            let decided = self.dial.is_decided();
                            self.dial.handle_final(now, Some(200));
                            if !decided {
                                answer_sdp = Some(sdp);
                            }
                        }
                        Some(ToCall::Failed(status)) => self.dial.handle_final(now, status),
                        // The far end ended it before a final response, or we are stopping.
                        Some(ToCall::RemoteEnd(_)) => self.dial.handle_final(now, None),
                        Some(ToCall::Shutdown) | None => {
                            if !self.dial.is_decided() {
                                let _ = self.to_control.send(FromCall::Cancel(self.call));
                                self.report(DialOutcome::Failed { status: None, reason: "shutdown" });
                            }
                            return self.over();
                        }
                        Some(ToCall::Command(super::runtime::CallCommand::Hangup)) => {
                            if !self.dial.is_decided() {
                                let _ = self.to_control.send(FromCall::Cancel(self.call));
                                self.report(DialOutcome::Failed { status: None, reason: "cancelled" });
                                return self.over();
                            }
                        }
                        Some(
                            ToCall::Info(_)
                            | ToCall::Command(_)
                            | ToCall::Bridge(..)
                            | ToCall::Unbridge(_)
                            | ToCall::Media(..)
                            | ToCall::Renegotiated { .. },
                        ) => {}
                    }
                }
            }
            while let Some(out) = self.dial.poll_output() {
                match out {
                    DialOutput::Cancel => {
                        let _ = self.to_control.send(FromCall::Cancel(self.call));
                    }
                    DialOutput::Outcome(DialOutcome::Answered) => {
                        let sdp = answer_sdp.take().unwrap_or_default();
                        return self.answered(&sdp);
                    }
                    DialOutput::Outcome(outcome) => {
                        self.report(outcome);
                        return self.over();
                    }
                }
            }
        }
    }

    fn report(&self, outcome: DialOutcome) {
        let _ = self
            .to_control
            .send(FromCall::DialOutcome(self.call, outcome));
    }

    fn over(self) {
        let _ = self.to_control.send(FromCall::DialOver(self.call));
    }

    /// The callee answered: check their SDP, then run the call like an inbound one.
    fn answered(mut self, answer: &[u8]) {
        let media = match sdp::negotiate(answer) {
            Ok(m) => m,
            Err(_) => {
                let _ = self.to_control.send(FromCall::Hangup(self.call));
                self.report(DialOutcome::Failed {
                    status: Some(200),
                    reason: "bad_sdp_answer",
                });
                return self.over();
            }
        };
        self.report(DialOutcome::Answered);
        let now = self.clock.now_ms();
        self.summary.codec = media.law.name();
        self.summary.answered_at_ms = now;
        let seed = now ^ (self.call << 24);
        let machine = Call::new(
            self.flow.clone(),
            media,
            (seed as u32, (seed >> 32) as u16, (seed >> 8) as u32),
            now,
        );
        let task = CallTask {
            call: self.call,
            machine,
            rtp: self.rtp,
            remote: media.remote,
            peer_ip: Some(self.target.ip()),
            latched: false,
            clock: self.clock,
            inbox: self.inbox,
            to_control: self.to_control,
            summary: self.summary,
            peer: None,
            sending: true,
        };
        tokio::spawn(task.run());
    }
}
