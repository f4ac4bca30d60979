//! One call's task in the switch's IO shell: its RTP socket, its 20 ms
//! timer and its recording file around the sans-IO [`Call`]; and the
//! clock and messages it shares with the control task in [`super::runtime`].

use std::io::{Seek, SeekFrom, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::call::CallControl;
use super::call::{Call, CallEvent, CallOutput, EndReason, Party};
use super::dial::DialOutcome;
use super::runtime::{CallCommand, CallSummary};
use super::signalling::CallRef;

/// Largest RTP datagram we read.
const RTP_DATAGRAM_MAX: usize = 1_500;

/// The IO edge's clock: Unix milliseconds, monotonic within a run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    start: std::time::Instant,
    start_unix_ms: u64,
}

impl Clock {
    #[allow(clippy::disallowed_methods)] // the IO shell reads the clock; the call machines do not
    pub(super) fn new() -> Clock {
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Clock {
            start: std::time::Instant::now(),
            start_unix_ms: unix,
        }
    }

    #[allow(clippy::disallowed_methods)] // as above
    pub(super) fn now_ms(&self) -> u64 {
        self.start_unix_ms + self.start.elapsed().as_millis() as u64
    }
}

/// Messages from the control task to one call's task.
pub(super) enum ToCall {
    Info(Vec<u8>),
    RemoteEnd(EndReason),
    Shutdown,
    /// For an outbound attempt: a provisional response.
    Progress(u16),
    /// For an outbound attempt: the 2xx with its SDP answer.
    Answered(Vec<u8>),
    /// For an outbound attempt: a final non-2xx, or nothing.
    Failed(Option<u16>),
    /// Told from outside (a controlled call).
    Command(CallCommand),
    /// Bridge to this peer call (its reference and its task).
    Bridge(CallRef, mpsc::Sender<ToCall>),
    /// This peer call is gone (ignored when it is no longer the peer: the
    /// call may have been bridged to another meanwhile).
    Unbridge(CallRef),
    /// A frame from the bridged peer.
    Media(u16, Vec<u8>),
    /// A re-INVITE moved the media (address, codec) or put it on hold
    /// (`sending`: whether the other side wants our RTP now).
    Renegotiated {
        media: super::sdp::Negotiated,
        sending: bool,
    },
}

/// Messages from a call's task to the control task.
pub(super) enum FromCall {
    Hangup(CallRef),
    Cancel(CallRef),
    Event(CallRef, CallEvent),
    DialOutcome(CallRef, DialOutcome),
    /// An attempt that was not answered is over.
    DialOver(CallRef),
    Ended(CallRef, Box<CallSummary>),
}

/// A recording being written: a placeholder header, the data, the real header at the end.
struct RecordingFile {
    file: std::fs::File,
    data_bytes: u64,
}

impl RecordingFile {
    fn create(path: &Path) -> std::io::Result<RecordingFile> {
        let mut file = std::fs::File::create(path)?;
        file.write_all(&crate::wav::header(2, crate::SAMPLE_RATE, 0))?;
        Ok(RecordingFile {
            file,
            data_bytes: 0,
        })
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes)?;
        self.data_bytes += bytes.len() as u64;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        let len = u32::try_from(self.data_bytes).unwrap_or(u32::MAX);
        self.file.seek(SeekFrom::Start(0))?;
        self.file
            .write_all(&crate::wav::header(2, crate::SAMPLE_RATE, len))?;
        self.file.flush()
    }
}

pub(super) struct CallTask {
    pub(super) call: CallRef,
    pub(super) machine: Call,
    pub(super) rtp: UdpSocket,
    /// Where our RTP goes: the other side's SDP address, until it latches.
    pub(super) remote: SocketAddr,
    /// The address the call's SIP came from (or went to): its media is
    /// accepted too, for phones behind NAT that announce a private address.
    pub(super) peer_ip: Option<IpAddr>,
    /// Whether `remote` has latched onto where the media really comes from.
    pub(super) latched: bool,
    pub(super) clock: Clock,
    pub(super) inbox: mpsc::Receiver<ToCall>,
    pub(super) to_control: mpsc::UnboundedSender<FromCall>,
    pub(super) summary: CallSummary,
    /// The bridged peer call and its task.
    pub(super) peer: Option<(CallRef, mpsc::Sender<ToCall>)>,
    /// Whether our RTP goes out (not while the other side holds us with
    /// `a=sendonly` or `a=inactive`); the call runs on either way.
    pub(super) sending: bool,
}

impl CallTask {
    pub(super) async fn run(mut self) {
        let mut recording = match &self.summary.recording {
            Some(p) => match RecordingFile::create(p) {
                Ok(f) => Some(f),
                Err(e) => {
                    warn!(path = %p.display(), error = %e, "cannot record");
                    self.summary.recording = None;
                    None
                }
            },
            None => None,
        };
        let mut tick = tokio::time::interval(Duration::from_millis(super::call::FRAME_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut buf = vec![0u8; RTP_DATAGRAM_MAX];
        let mut ended = None;
        while ended.is_none() {
            tokio::select! {
                _ = tick.tick() => self.machine.handle_timeout(self.clock.now_ms()),
                r = self.rtp.recv_from(&mut buf) => match r {
                    // Only the SDP's address or the SIP peer's may feed the call; the
                    // first packet's source is where our media goes from then on
                    // (symmetric RTP), so a NATed phone hears us.
                    Ok((n, from)) if from.ip() == self.remote.ip() || Some(from.ip()) == self.peer_ip => {
                        if !self.latched {
                            self.latched = true;
                            self.remote = from;
                        }
                        self.machine.handle_rtp(self.clock.now_ms(), &buf[..n]);
                    }
                    Ok(_) => {}
                    Err(e) => debug!(error = %e, "RTP receive failed"),
                },
                msg = self.inbox.recv() => {
                    let now = self.clock.now_ms();
                    match msg {
                        Some(ToCall::Info(body)) => {
                            self.machine.handle_info(now, &String::from_utf8_lossy(&body));
                        }
                        Some(ToCall::RemoteEnd(reason)) => self.machine.handle_remote_end(now, reason),
                        Some(ToCall::Shutdown) | None => self.machine.hang_up(now, EndReason::Shutdown),
                        // Outbound set-up messages after the answer: nothing to do.
                        Some(ToCall::Progress(_) | ToCall::Answered(_) | ToCall::Failed(_)) => {}
                        Some(ToCall::Media(seq, pcm)) => self.machine.handle_bridge_media(seq, &pcm),
                        Some(ToCall::Renegotiated { media, sending }) => {
                            if !media.remote.ip().is_unspecified() {
                                // Follow the new address; latch again on its first packet.
                                self.remote = media.remote;
                                self.latched = false;
                            }
                            self.sending = sending;
                            self.machine.set_media(media);
                        }
                        Some(ToCall::Bridge(peer, task)) => {
                            self.peer = Some((peer, task));
                            self.machine.control(now, CallControl::Bridge);
                        }
                        Some(ToCall::Unbridge(gone)) => {
                            if self.peer.as_ref().is_some_and(|(r, _)| *r == gone) {
                                self.peer = None;
                                self.machine.control(now, CallControl::Silence);
                            }
                        }
                        Some(ToCall::Command(cmd)) => {
                            if matches!(cmd, CallCommand::Play { .. } | CallCommand::Loop(_) | CallCommand::Silence) {
                                // Playing something else ends the bridge on this side.
                                self.peer = None;
                            }
                            let control = match cmd {
                                CallCommand::Play { audio, then } => CallControl::Play { audio, then },
                                CallCommand::Loop(audio) => CallControl::Loop(audio),
                                CallCommand::Silence => CallControl::Silence,
                                CallCommand::PauseRecording => CallControl::PauseRecording,
                                CallCommand::ResumeRecording => CallControl::ResumeRecording,
                                CallCommand::MutePeer(on) => CallControl::MutePeer(on),
                                CallCommand::DetectMachine => CallControl::DetectMachine,
                                CallCommand::Hangup => {
                                    self.machine.hang_up(now, EndReason::Hangup);
                                    CallControl::Silence
                                }
                                CallCommand::Record(path) => {
                                    if recording.is_some() || self.machine.is_recording() {
                                        CallControl::ResumeRecording
                                    } else {
                                        match RecordingFile::create(&path) {
                                            Ok(f) => {
                                                recording = Some(f);
                                                self.summary.recording = Some(path);
                                                CallControl::StartRecording
                                            }
                                            Err(e) => {
                                                warn!(path = %path.display(), error = %e, "cannot record");
                                                CallControl::ResumeRecording
                                            }
                                        }
                                    }
                                }
                            };
                            self.machine.control(now, control);
                        }
                    }
                }
            }
            while let Some(out) = self.machine.poll_output() {
                match out {
                    CallOutput::Rtp(pkt) => {
                        if !self.sending {
                            continue;
                        }
                        if let Err(e) = self.rtp.send_to(&pkt, self.remote).await {
                            debug!(error = %e, "RTP send failed");
                        }
                    }
                    CallOutput::Record(bytes) => {
                        if let Some(f) = recording.as_mut()
                            && let Err(e) = f.append(&bytes)
                        {
                            warn!(error = %e, "recording write failed");
                        }
                    }
                    CallOutput::Hangup => {
                        let _ = self.to_control.send(FromCall::Hangup(self.call));
                    }
                    CallOutput::Event(CallEvent::Ended { by, reason }) => {
                        ended = Some((by, reason))
                    }
                    CallOutput::Event(ev) => {
                        let _ = self.to_control.send(FromCall::Event(self.call, ev));
                    }
                    CallOutput::Media(seq, pcm) => {
                        // A full peer drops a frame rather than stall this call.
                        if let Some((_, p)) = &self.peer {
                            let _ = p.try_send(ToCall::Media(seq, pcm));
                        }
                    }
                }
            }
        }
        if let Some((_, p)) = self.peer.take() {
            let _ = p.try_send(ToCall::Unbridge(self.call));
        }
        if let Some(f) = recording
            && let Err(e) = f.finish()
        {
            warn!(error = %e, "recording not finished");
        }
        let (by, reason) = ended.unwrap_or((Party::Switch, EndReason::Shutdown));
        self.summary.digits = self.machine.digits().to_owned();
        self.summary.ended_at_ms = self.clock.now_ms();
        self.summary.hung_up_by = by;
        self.summary.reason = reason;
        self.summary.media = self.machine.stats();
        let _ = self
            .to_control
            .send(FromCall::Ended(self.call, Box::new(self.summary)));
    }
}
