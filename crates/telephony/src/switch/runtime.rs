//! The switch's IO shell (tokio): takes INVITEs from a [`Signalling`]
//! stack, decides with [`AdmissionPolicy`], and runs each answered call's
//! sans-IO [`Call`] on its own RTP socket and 20 ms timer. It reads the
//! clock, owns the sockets and writes the recordings; every decision is
//! made by the sans-IO parts.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::admission::{Admission, AdmissionPolicy};
use super::call::{Call, CallEvent, EndReason, FlowConfig, MediaStats, Party};
use super::call_task::{CallTask, Clock, FromCall, ToCall};
use super::dial::{Dial, DialOutcome, DialTimers};
use super::rsip::{RsipSignalling, SignallingError};
use super::sdp;
use super::signalling::{CallRef, Originate, SignalCommand, SignalEvent, Signalling};

/// Events buffered towards the user of the switch.
const EVENTS_BUFFER: usize = 4_096;
/// Messages buffered towards one call's task.
const CALL_INBOX: usize = 64;

/// How to run the switch.
#[derive(Debug, Clone)]
pub struct SwitchConfig {
    /// Where SIP listens (UDP). Port 0 picks a free port.
    pub sip_addr: SocketAddr,
    /// The address RTP sockets bind to and that our SDP announces.
    pub rtp_ip: IpAddr,
    /// Who may call, and how many at once.
    pub admission: AdmissionPolicy,
    /// Where recordings go (`<call-id>-<n>.wav`, the Call-ID made safe); `None` keeps none.
    pub recordings_dir: Option<PathBuf>,
    /// The built-in call flow.
    pub flow: FlowConfig,
}

/// Why the switch could not start.
#[derive(Debug, thiserror::Error)]
pub enum SwitchError {
    /// The SIP stack could not listen.
    #[error(transparent)]
    Signalling(#[from] SignallingError),
    /// The recordings folder cannot be created.
    #[error("cannot create the recordings folder {path}: {cause}")]
    Recordings {
        /// The folder.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
}

/// What happened to a call, when it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSummary {
    /// The SIP Call-ID.
    pub call_id: String,
    /// The caller's number (From user part).
    pub caller_number: String,
    /// The dialled number (request-URI user part).
    pub dialled_number: String,
    /// Digits collected by the flow (without `#`).
    pub digits: String,
    /// The codec used.
    pub codec: &'static str,
    /// When we sent 200 OK (Unix ms).
    pub answered_at_ms: u64,
    /// When the call ended (Unix ms).
    pub ended_at_ms: u64,
    /// Who hung up.
    pub hung_up_by: Party,
    /// Why.
    pub reason: EndReason,
    /// The stereo recording (customer left, us right), if one was kept.
    pub recording: Option<PathBuf>,
    /// Media counters.
    pub media: MediaStats,
}

/// What the switch reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchEvent {
    /// An INVITE was refused.
    Refused {
        /// The SIP Call-ID.
        call_id: String,
        /// Where it came from.
        source: Option<SocketAddr>,
        /// The status sent.
        status: u16,
        /// The reason phrase sent.
        reason: String,
    },
    /// A call was answered (200 OK sent).
    Answered {
        /// The SIP Call-ID.
        call_id: String,
        /// The caller's number.
        caller_number: String,
        /// The dialled number.
        dialled_number: String,
        /// When (Unix ms).
        at_ms: u64,
    },
    /// A key was pressed.
    Digit {
        /// The SIP Call-ID.
        call_id: String,
        /// The key.
        digit: char,
    },
    /// A controlled call's [`CallCommand::Play`] audio ended.
    PlaybackDone {
        /// The SIP Call-ID.
        call_id: String,
    },
    /// The answering-machine detector decided ([`CallCommand::DetectMachine`]).
    MachineVerdict {
        /// The SIP Call-ID.
        call_id: String,
        /// A person, a machine, or not sure.
        verdict: crate::amd::Verdict,
    },
    /// The flow finished collecting digits.
    DigitsCollected {
        /// The SIP Call-ID.
        call_id: String,
        /// The keys (without `#`).
        digits: String,
    },
    /// A call ended.
    Ended(CallSummary),
    /// An outbound attempt's outcome is known (an answered one then runs
    /// the flow and ends with [`SwitchEvent::Ended`]).
    DialOutcome {
        /// The dialer's id from [`DialRequest::dial_id`].
        dial_id: String,
        /// The SIP Call-ID we used.
        call_id: String,
        /// How it went.
        outcome: DialOutcome,
    },
}

/// An outbound call to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialRequest {
    /// The dialer's id for the attempt, echoed in [`SwitchEvent::DialOutcome`].
    pub dial_id: String,
    /// The caller id shown to the callee (From user part).
    pub caller_id: String,
    /// The number to call.
    pub number: String,
    /// Where to send the INVITE (the trunk).
    pub target: SocketAddr,
    /// Ring and no-provisional timeouts.
    pub timers: DialTimers,
    /// The tenant's destination rules (none: not checked, for agents' phones).
    pub destinations: Option<super::destinations::DestinationPolicy>,
    /// Ask the callee (an agent's phone) to answer by itself.
    pub auto_answer: bool,
}

/// What a controlled call ([`FlowConfig::controlled`]) is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallCommand {
    /// Play this audio once ([`SwitchEvent::PlaybackDone`] when it ends), then loop `then` or go silent.
    Play {
        /// 8 kHz linear samples.
        audio: Arc<[i16]>,
        /// Looped afterwards (music on hold).
        then: Option<Arc<[i16]>>,
    },
    /// Loop this audio.
    Loop(Arc<[i16]>),
    /// Play nothing.
    Silence,
    /// Record from now on into this file (stereo WAV: the far end left, what we send right).
    Record(PathBuf),
    /// Keep nothing of the recording until resumed.
    PauseRecording,
    /// Keep recording again.
    ResumeRecording,
    /// Hang up (BYE), or CANCEL an outbound attempt not yet answered.
    Hangup,
    /// While bridged, play silence instead of the peer (`true`) or the peer
    /// again (`false`); this call's far end is still relayed to the peer.
    /// The agent's mute, applied to the customer's call.
    MutePeer(bool),
    /// Tell a person from an answering machine by the far end's first
    /// seconds ([`SwitchEvent::MachineVerdict`]).
    DetectMachine,
}

enum SwitchCommand {
    Dial(DialRequest),
    Call(String, CallCommand),
    CancelDial(String),
    Bridge(String, String),
}

/// A handle that tells a running switch what to do; cheap to clone.
#[derive(Debug, Clone)]
pub struct SwitchControl {
    commands: mpsc::UnboundedSender<SwitchCommand>,
}

impl std::fmt::Debug for SwitchCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SwitchCommand::Dial(r) => write!(f, "Dial({})", r.dial_id),
            SwitchCommand::Call(c, _) => write!(f, "Call({c})"),
            SwitchCommand::CancelDial(d) => write!(f, "CancelDial({d})"),
            SwitchCommand::Bridge(a, b) => write!(f, "Bridge({a}, {b})"),
        }
    }
}

impl SwitchControl {
    /// Places an outbound call (see [`Switch::dial`]).
    pub fn dial(&self, request: DialRequest) {
        let _ = self.commands.send(SwitchCommand::Dial(request));
    }

    /// Tells a call (by SIP Call-ID) what to do; unknown or ended calls ignore it.
    pub fn command(&self, call_id: &str, command: CallCommand) {
        let _ = self
            .commands
            .send(SwitchCommand::Call(call_id.to_owned(), command));
    }

    /// Gives up an outbound attempt by its dial id (CANCEL while it rings, BYE once answered).
    pub fn cancel_dial(&self, dial_id: &str) {
        let _ = self
            .commands
            .send(SwitchCommand::CancelDial(dial_id.to_owned()));
    }

    /// Bridges two answered calls: each hears the other through a jitter buffer.
    /// When one ends, the other goes silent (hang it up if that is the intent).
    pub fn bridge(&self, a: &str, b: &str) {
        let _ = self
            .commands
            .send(SwitchCommand::Bridge(a.to_owned(), b.to_owned()));
    }
}

/// A running switch.
pub struct Switch {
    sip_addr: SocketAddr,
    events: mpsc::Receiver<SwitchEvent>,
    commands: mpsc::UnboundedSender<SwitchCommand>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Switch {
    /// Starts the switch with rsipstack on `config.sip_addr`.
    pub async fn start(config: SwitchConfig) -> Result<Switch, SwitchError> {
        let creds = &config.admission.trunk_credentials;
        let guard = (!creds.is_empty()).then(|| {
            use std::hash::{BuildHasher, Hasher};
            // Keys the nonces: random per run.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(Clock::new().now_ms());
            super::digest::DigestGuard::new(
                "centralita",
                &format!("{:x}", h.finish()),
                creds.clone(),
            )
        });
        let sip = RsipSignalling::bind_with(config.sip_addr, guard).await?;
        Switch::start_with(config, sip)
    }

    /// Starts the switch on any signalling stack.
    pub fn start_with<S: Signalling>(config: SwitchConfig, sip: S) -> Result<Switch, SwitchError> {
        if let Some(dir) = &config.recordings_dir {
            std::fs::create_dir_all(dir).map_err(|cause| SwitchError::Recordings {
                path: dir.clone(),
                cause,
            })?;
        }
        let sip_addr = sip.local_addr();
        let (events_tx, events) = mpsc::channel(EVENTS_BUFFER);
        let (stop, stop_rx) = tokio::sync::oneshot::channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let mut flow = config.flow.clone();
        // Nowhere to write: do not build recordings in memory either.
        flow.record &= config.recordings_dir.is_some();
        let control = Control {
            admission: Admission::new(config.admission.clone()),
            flow: Arc::new(flow),
            config,
            sip,
            events: events_tx,
            calls: HashMap::new(),
            by_id: HashMap::new(),
            clock: Clock::new(),
            session_ids: 1,
        };
        tokio::spawn(control.run(stop_rx, commands_rx));
        Ok(Switch {
            sip_addr,
            events,
            commands,
            stop: Some(stop),
        })
    }

    /// A handle to command calls from other tasks.
    pub fn control(&self) -> SwitchControl {
        SwitchControl {
            commands: self.commands.clone(),
        }
    }

    /// Where SIP listens.
    pub fn sip_addr(&self) -> SocketAddr {
        self.sip_addr
    }

    /// The next thing that happened; `None` once the switch has stopped.
    pub async fn next_event(&mut self) -> Option<SwitchEvent> {
        self.events.recv().await
    }

    /// Places an outbound call; its outcome comes as [`SwitchEvent::DialOutcome`],
    /// and an answered call then runs the built-in flow like an inbound one.
    pub fn dial(&self, request: DialRequest) {
        // The control task only stops with the switch; a dial after that has nowhere to go.
        let _ = self.commands.send(SwitchCommand::Dial(request));
    }

    /// Hangs up every call (BYE) and stops.
    pub fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Switch {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct CallEntry {
    call_id: String,
    /// The dialer's id, for calls we placed.
    dial_id: Option<String>,
    inbox: mpsc::Sender<ToCall>,
    /// Our RTP address, the SDP session id and its last version, for
    /// answers to re-INVITEs (none until the RTP port is bound).
    sdp: Option<(SocketAddr, u64, u64)>,
}

struct Control<S> {
    config: SwitchConfig,
    admission: Admission,
    flow: Arc<FlowConfig>,
    sip: S,
    events: mpsc::Sender<SwitchEvent>,
    calls: HashMap<CallRef, CallEntry>,
    /// Calls by SIP Call-ID, for commands from outside.
    by_id: HashMap<String, CallRef>,
    clock: Clock,
    session_ids: u64,
}

impl<S: Signalling> Control<S> {
    async fn run(
        mut self,
        mut stop: tokio::sync::oneshot::Receiver<()>,
        mut commands: mpsc::UnboundedReceiver<SwitchCommand>,
    ) {
        let (from_calls_tx, mut from_calls) = mpsc::unbounded_channel();
        let mut stopping = false;
        loop {
            tokio::select! {
                _ = &mut stop, if !stopping => {
                    stopping = true;
                    for c in self.calls.values() {
                        let _ = c.inbox.try_send(ToCall::Shutdown);
                    }
                    if self.calls.is_empty() {
                        break;
                    }
                }
                ev = self.sip.next_event() => match ev {
                    Some(ev) => self.on_signal(ev, &from_calls_tx, stopping).await,
                    None => break,
                },
                Some(cmd) = commands.recv(), if !stopping => match cmd {
                    SwitchCommand::Dial(req) => self.dial(req, &from_calls_tx).await,
                    SwitchCommand::Call(call_id, cmd) => {
                        if let Some(c) = self.by_id.get(&call_id).and_then(|r| self.calls.get(r)) {
                            // Must not be lost: wait for room.
                            let _ = c.inbox.send(ToCall::Command(cmd)).await;
                        }
                    }
                    SwitchCommand::CancelDial(dial_id) => {
                        let found = self.calls.values().find(|c| c.dial_id.as_deref() == Some(dial_id.as_str()));
                        if let Some(c) = found {
                            let _ = c.inbox.send(ToCall::Command(CallCommand::Hangup)).await;
                        }
                    }
                    SwitchCommand::Bridge(a, b) => {
                        let find = |id: &str| self.by_id.get(id).and_then(|r| self.calls.get(r)).map(|c| c.inbox.clone());
                        let rf = |id: &str| self.by_id.get(id).copied();
                        if let (Some(ta), Some(tb), Some(ra), Some(rb)) = (find(&a), find(&b), rf(&a), rf(&b)) {
                            let _ = ta.send(ToCall::Bridge(rb, tb.clone())).await;
                            let _ = tb.send(ToCall::Bridge(ra, ta)).await;
                        }
                    }
                },
                msg = from_calls.recv() => {
                    // The control task holds a sender, so this never yields None.
                    let Some(msg) = msg else { break };
                    match msg {
                        FromCall::Hangup(call) => self.sip.send(SignalCommand::Hangup { call }),
                        FromCall::Cancel(call) => self.sip.send(SignalCommand::Cancel { call }),
                        FromCall::DialOutcome(call, outcome) => {
                            let Some(entry) = self.calls.get(&call) else { continue };
                            let ev = SwitchEvent::DialOutcome {
                                dial_id: entry.dial_id.clone().unwrap_or_default(),
                                call_id: entry.call_id.clone(),
                                outcome,
                            };
                            self.report(ev).await;
                        }
                        FromCall::DialOver(call) => {
                            if let Some(c) = self.calls.remove(&call) {
                                self.by_id.remove(&c.call_id);
                            }
                            if stopping && self.calls.is_empty() {
                                break;
                            }
                        }
                        FromCall::Event(call, ev) => {
                            let Some(entry) = self.calls.get(&call) else { continue };
                            let call_id = entry.call_id.clone();
                            let ev = match ev {
                                CallEvent::Digit(d) => SwitchEvent::Digit { call_id, digit: d.as_char() },
                                CallEvent::DigitsCollected(digits) => SwitchEvent::DigitsCollected { call_id, digits },
                                CallEvent::PlaybackDone => SwitchEvent::PlaybackDone { call_id },
                                CallEvent::MachineVerdict(verdict) => SwitchEvent::MachineVerdict { call_id, verdict },
                                CallEvent::Ended { .. } => continue,
                            };
                            self.report(ev).await;
                        }
                        FromCall::Ended(call, summary) => {
                            if let Some(c) = self.calls.remove(&call) {
                                self.by_id.remove(&c.call_id);
                            }
                            self.report(SwitchEvent::Ended(*summary)).await;
                            if stopping && self.calls.is_empty() {
                                break;
                            }
                        }
                    }
                }
            }
        }
        // Give the stack a moment to send the last BYEs before it stops.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.sip.shutdown();
    }

    async fn report(&self, ev: SwitchEvent) {
        // Nobody listens any more: the switch is being dropped.
        let _ = self.events.send(ev).await;
    }

    async fn on_signal(
        &mut self,
        ev: SignalEvent,
        from_calls: &mpsc::UnboundedSender<FromCall>,
        stopping: bool,
    ) {
        match ev {
            SignalEvent::Invite {
                call,
                call_id,
                caller,
                dialled,
                source,
                sdp: offer,
            } => {
                let decision = if stopping {
                    Err(super::admission::Refusal {
                        status: 503,
                        reason: "Service Unavailable".into(),
                    })
                } else {
                    let now = self.clock.now_ms();
                    self.admission
                        .admit(now, source, &dialled, self.calls.len(), &offer)
                };
                let media = match decision {
                    Ok(m) => m,
                    Err(r) => {
                        debug!(%call_id, ?source, status = r.status, reason = %r.reason, "INVITE refused");
                        self.sip.send(SignalCommand::Reject {
                            call,
                            status: r.status,
                            reason: r.reason.clone(),
                        });
                        self.report(SwitchEvent::Refused {
                            call_id,
                            source,
                            status: r.status,
                            reason: r.reason,
                        })
                        .await;
                        return;
                    }
                };
                let rtp = match UdpSocket::bind(SocketAddr::new(self.config.rtp_ip, 0)).await {
                    Ok(s) => s,
                    Err(e) => {
                        warn!(%call_id, error = %e, "no RTP port");
                        self.sip.send(SignalCommand::Reject {
                            call,
                            status: 500,
                            reason: "Server Internal Error".into(),
                        });
                        return;
                    }
                };
                let local_rtp = match rtp.local_addr() {
                    Ok(a) => a,
                    Err(_) => return,
                };
                self.session_ids += 1;
                let answer = sdp::answer(&media, local_rtp, self.session_ids);
                self.sip.send(SignalCommand::Accept { call, sdp: answer });
                let now = self.clock.now_ms();
                let (inbox, inbox_rx) = mpsc::channel(CALL_INBOX);
                self.calls.insert(
                    call,
                    CallEntry {
                        call_id: call_id.clone(),
                        dial_id: None,
                        inbox,
                        sdp: Some((local_rtp, self.session_ids, self.session_ids)),
                    },
                );
                self.by_id.insert(call_id.clone(), call);
                self.report(SwitchEvent::Answered {
                    call_id: call_id.clone(),
                    caller_number: caller.clone(),
                    dialled_number: dialled.clone(),
                    at_ms: now,
                })
                .await;
                let seed = now ^ (call << 20) ^ self.session_ids.rotate_left(40);
                let machine = Call::new(
                    self.flow.clone(),
                    media,
                    (seed as u32, (seed >> 32) as u16, (seed >> 16) as u32),
                    now,
                );
                let recording = self
                    .config
                    .recordings_dir
                    .as_ref()
                    .filter(|_| self.flow.record)
                    .map(|d| d.join(format!("{}-{call}.wav", file_name(&call_id))));
                let summary = CallSummary {
                    call_id,
                    caller_number: caller,
                    dialled_number: dialled,
                    digits: String::new(),
                    codec: media.law.name(),
                    answered_at_ms: now,
                    ended_at_ms: now,
                    hung_up_by: Party::Customer,
                    reason: EndReason::CallerHungUp,
                    recording,
                    media: MediaStats::default(),
                };
                let task = CallTask {
                    call,
                    machine,
                    rtp,
                    remote: media.remote,
                    peer_ip: source.map(|s| s.ip()),
                    latched: false,
                    clock: self.clock,
                    inbox: inbox_rx,
                    to_control: from_calls.clone(),
                    summary,
                    peer: None,
                    sending: true,
                };
                tokio::spawn(task.run());
            }
            SignalEvent::Reinvite { call, sdp: offer } => self.reinvite(call, &offer).await,
            SignalEvent::Info { call, body, .. } => {
                if let Some(c) = self.calls.get(&call) {
                    let _ = c.inbox.try_send(ToCall::Info(body));
                }
            }
            SignalEvent::Progress { call, status } => {
                self.forward(call, ToCall::Progress(status)).await
            }
            SignalEvent::Answered { call, sdp } => self.forward(call, ToCall::Answered(sdp)).await,
            SignalEvent::Failed { call, status } => {
                self.forward(call, ToCall::Failed(status)).await
            }
            SignalEvent::Ended { call, by_remote } => {
                if let Some(c) = self.calls.get(&call) {
                    let reason = if by_remote {
                        EndReason::CallerHungUp
                    } else {
                        EndReason::SignallingLost
                    };
                    // Must not be lost: wait for room.
                    let _ = c.inbox.send(ToCall::RemoteEnd(reason)).await;
                }
            }
        }
    }
}

impl<S: Signalling> Control<S> {
    /// A new offer in an answered call: answer with our address, the codec
    /// it offers and the direction that answers its own (hold: we stop
    /// sending), and move the call's media to where it now says.
    async fn reinvite(&mut self, call: CallRef, offer: &[u8]) {
        let answer =
            |status: u16, sdp: Option<Vec<u8>>| SignalCommand::AnswerReinvite { call, status, sdp };
        let Some(entry) = self.calls.get_mut(&call) else {
            return self.sip.send(answer(481, None));
        };
        let Some((local_rtp, session, version)) = entry.sdp.as_mut() else {
            return self.sip.send(answer(491, None));
        };
        *version += 1;
        if offer.is_empty() {
            // An offer-less re-INVITE: ours goes in the 200, the media stays as it is.
            let ours = sdp::offer(*local_rtp, *session);
            return self.sip.send(answer(200, Some(ours)));
        }
        let media = match sdp::negotiate(offer) {
            Ok(m) => m,
            Err(e) => {
                debug!(call, error = %e, "re-INVITE refused");
                *version -= 1;
                return self.sip.send(answer(488, None));
            }
        };
        let theirs = sdp::direction(offer);
        let body = sdp::reanswer(&media, *local_rtp, *session, *version, theirs);
        self.sip.send(answer(200, Some(body)));
        let sending = theirs.lets_us_send() && !media.remote.ip().is_unspecified();
        let _ = entry
            .inbox
            .send(ToCall::Renegotiated { media, sending })
            .await;
    }

    async fn forward(&self, call: CallRef, msg: ToCall) {
        if let Some(c) = self.calls.get(&call) {
            // Must not be lost: wait for room.
            let _ = c.inbox.send(msg).await;
        }
    }

    /// Starts an outbound attempt: an RTP port, an offer, the INVITE, and a task that follows it.
    async fn dial(&mut self, req: DialRequest, from_calls: &mpsc::UnboundedSender<FromCall>) {
        let now = self.clock.now_ms();
        let call = self.sip.new_call_ref();
        let call_id = format!("{}-{call}-{now}@centralita", file_name(&req.dial_id));
        let refuse = |reason: &'static str| {
            let _ = from_calls.send(FromCall::DialOutcome(
                call,
                DialOutcome::Failed {
                    status: None,
                    reason,
                },
            ));
            let _ = from_calls.send(FromCall::DialOver(call));
        };
        let (inbox, inbox_rx) = mpsc::channel(CALL_INBOX);
        self.calls.insert(
            call,
            CallEntry {
                call_id: call_id.clone(),
                dial_id: Some(req.dial_id.clone()),
                inbox,
                sdp: None,
            },
        );
        self.by_id.insert(call_id.clone(), call);
        if self.calls.len() > self.admission.policy().max_calls {
            return refuse("too_many_calls");
        }
        if let Some(Err(e)) = req.destinations.as_ref().map(|d| d.check(&req.number)) {
            return refuse(e.reason());
        }
        let rtp = match UdpSocket::bind(SocketAddr::new(self.config.rtp_ip, 0)).await {
            Ok(s) => s,
            Err(_) => return refuse("no_rtp_port"),
        };
        let Ok(local_rtp) = rtp.local_addr() else {
            return refuse("no_rtp_port");
        };
        self.session_ids += 1;
        if let Some(c) = self.calls.get_mut(&call) {
            c.sdp = Some((local_rtp, self.session_ids, self.session_ids));
        }
        let offer = sdp::offer(local_rtp, self.session_ids);
        self.sip.send(SignalCommand::Originate {
            call,
            request: Originate {
                caller: req.caller_id.clone(),
                callee: req.number.clone(),
                target: req.target,
                call_id: call_id.clone(),
                sdp: offer,
                auto_answer: req.auto_answer,
            },
        });
        let recording = self
            .config
            .recordings_dir
            .as_ref()
            .filter(|_| self.flow.record)
            .map(|d| d.join(format!("{}.wav", file_name(&call_id))));
        let task = super::outbound::DialTask {
            call,
            target: req.target,
            dial: Dial::new(req.timers, now),
            flow: self.flow.clone(),
            rtp,
            clock: self.clock,
            inbox: inbox_rx,
            to_control: from_calls.clone(),
            summary: CallSummary {
                call_id,
                caller_number: req.caller_id,
                dialled_number: req.number,
                digits: String::new(),
                codec: "",
                answered_at_ms: now,
                ended_at_ms: now,
                hung_up_by: Party::Customer,
                reason: EndReason::CallerHungUp,
                recording,
                media: MediaStats::default(),
            },
        };
        tokio::spawn(task.run());
    }
}

/// A Call-ID made safe as a file name.
fn file_name(call_id: &str) -> String {
    let s: String = call_id
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("call{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids_become_safe_file_names() {
        assert_eq!(file_name("1-2345@127.0.0.1"), "1-2345_127.0.0.1");
        assert_eq!(file_name("../../etc/passwd"), "call.._.._etc_passwd");
        assert_eq!(file_name(""), "call");
    }
}
