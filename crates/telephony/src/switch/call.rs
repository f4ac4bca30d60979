//! One answered call's media and built-in call flow, sans-IO: play a
//! prompt, collect digits, then music on hold until someone hangs up, while
//! recording both directions.
//!
//! Inputs are RTP datagrams, SIP INFO bodies, the caller's BYE and timer
//! ticks, each with `now_ms`; outputs ([`CallOutput`]) are RTP to send,
//! recording bytes to append, "send BYE", and facts ([`CallEvent`]). The
//! runtime feeds it and drains [`Call::poll_output`] after every input; it
//! never reads a clock. This is the seam where the IVR and routing will
//! plug in: they will replace [`FlowConfig`]'s fixed script.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::FRAME_SAMPLES;
use crate::dtmf::{Digit, DtmfReceiver, parse_info};
use crate::jitter::{JitterBuffer, Playout};
use crate::rtp::{RtpPacket, RtpSender};
use crate::switch::sdp::Negotiated;
use crate::wav::{Side, StereoRecorder};

/// Milliseconds in one RTP frame.
pub const FRAME_MS: u64 = 20;
/// Frames produced at most per tick; a runtime stalled for longer skips ahead
/// (silence in the recording) instead of bursting audio at the phone.
const CATCH_UP_FRAMES_MAX: u64 = 10;
/// Frames between two recording chunks handed to the runtime (1 s).
const RECORD_CHUNK_FRAMES: u64 = 50;
/// How far behind "now" the recording is handed out, so audio that arrives
/// a little late still lands in its place (100 ms).
const RECORD_LAG_SAMPLES: u64 = 800;
/// A caller's RTP timestamp further than this from the arrival time (1 s)
/// means a new stream (new SSRC, a jump); it is re-anchored at its arrival.
const RESYNC_SAMPLES: i64 = 8_000;
/// Samples taken at most from one packet (a 200 ms packet is already odd).
const PACKET_SAMPLES_MAX: usize = 1_600;
/// Digits kept at most, whatever the configuration says.
pub const DIGITS_MAX: usize = 32;

/// The fixed script of the built-in call flow.
#[derive(Debug, Clone)]
pub struct FlowConfig {
    /// Played first (a caller's key press cuts it short).
    pub prompt: Arc<[i16]>,
    /// Looped after the digits are collected.
    pub music: Arc<[i16]>,
    /// Collection ends after this many digits (or `#`, or a timeout).
    pub digits_max: usize,
    /// Collection ends if no key comes this long after the prompt.
    pub first_digit_timeout_ms: u64,
    /// Collection ends this long after the last key.
    pub inter_digit_timeout_ms: u64,
    /// We hang up after this long.
    pub max_duration_ms: u64,
    /// Whether to record the call from the answer on.
    pub record: bool,
    /// Whether the call is driven from outside ([`CallControl`]) instead of
    /// the fixed script: it starts silent, reports every key and plays,
    /// loops, bridges and records as it is told.
    pub controlled: bool,
}

/// What a controlled call is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallControl {
    /// Play this audio once ([`CallEvent::PlaybackDone`] when it ends), then
    /// loop `then` (music) or go silent.
    Play {
        /// The audio.
        audio: Arc<[i16]>,
        /// Looped afterwards.
        then: Option<Arc<[i16]>>,
    },
    /// Loop this audio (music on hold, a simulated agent).
    Loop(Arc<[i16]>),
    /// Play nothing.
    Silence,
    /// Play what the bridged peer sends (through the jitter buffer) and send
    /// it what this call's far end says.
    Bridge,
    /// Start recording from now (customer left, what we send right).
    StartRecording,
    /// Keep nothing until resumed (the file holds silence meanwhile).
    PauseRecording,
    /// Keep recording again.
    ResumeRecording,
    /// While bridged, play silence instead of the peer (`true`), or the peer
    /// again (`false`); the far end is still relayed to the peer. Survives a
    /// new bridge (hold and resume keep a mute).
    MutePeer(bool),
    /// Listen to the far end's first seconds and tell a person from an
    /// answering machine ([`CallEvent::MachineVerdict`]; the detector's
    /// default settings).
    DetectMachine,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            prompt: crate::tones::beep().into(),
            music: crate::tones::music_on_hold().into(),
            digits_max: 4,
            first_digit_timeout_ms: 10_000,
            inter_digit_timeout_ms: 3_000,
            max_duration_ms: 3_600_000,
            record: true,
            controlled: false,
        }
    }
}

/// Who ended the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The caller (BYE or CANCEL from their side, or their side failed).
    Customer,
    /// We did (maximum duration, shutdown).
    Switch,
}

/// Why the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The caller sent BYE.
    CallerHungUp,
    /// The call reached [`FlowConfig::max_duration_ms`].
    MaxDuration,
    /// The signalling side lost the call (timeout, transport failure).
    SignallingLost,
    /// The switch is shutting down.
    Shutdown,
    /// The user of the switch hung up (a controlled call).
    Hangup,
}

/// Facts the call reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// A key was pressed (RFC 4733 or SIP INFO).
    Digit(Digit),
    /// Digit collection finished with these keys (without the `#`).
    DigitsCollected(String),
    /// A controlled call's [`CallControl::Play`] audio ended.
    PlaybackDone,
    /// The answering-machine detector decided ([`CallControl::DetectMachine`]).
    MachineVerdict(crate::amd::Verdict),
    /// The call ended.
    Ended {
        /// Who ended it.
        by: Party,
        /// Why.
        reason: EndReason,
    },
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutput {
    /// Send this RTP datagram to the caller.
    Rtp(Vec<u8>),
    /// Append these bytes (16-bit stereo PCM, little-endian) to the recording.
    Record(Vec<u8>),
    /// Send BYE to the caller.
    Hangup,
    /// Report a fact.
    Event(CallEvent),
    /// A 20 ms frame of this call's far end (16-bit PCM, little-endian) for
    /// the bridged peer, numbered for its jitter buffer.
    Media(u16, Vec<u8>),
}

/// Counters of the media.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaStats {
    /// RTP datagrams received (all kinds).
    pub rtp_in: u64,
    /// RTP datagrams sent.
    pub rtp_out: u64,
    /// Datagrams that were not RTP or had a payload type we did not agree.
    pub rtp_refused: u64,
    /// Audio packets of the agreed codec received.
    pub audio_in: u64,
    /// Times the caller's stream was re-anchored (new SSRC or a timestamp jump).
    pub resyncs: u64,
    /// Frames received from the bridged peer.
    pub relayed_in: u64,
    /// Frames sent to the bridged peer.
    pub relayed_out: u64,
}

/// Where the caller's RTP clock sits on ours: their `timestamp` was at our `offset`.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    ssrc: u32,
    timestamp: u32,
    offset: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prompt,
    Collecting {
        deadline_ms: u64,
    },
    Music,
    /// Driven by [`CallControl`].
    Controlled,
    Ended,
}

/// What a controlled call plays.
#[derive(Debug, Clone)]
enum Source {
    Silence,
    Play {
        audio: Arc<[i16]>,
        pos: usize,
        then: Option<Arc<[i16]>>,
    },
    Loop {
        audio: Arc<[i16]>,
        pos: usize,
    },
    Bridge,
}

/// Jitter buffer depth for bridged audio (frames of 20 ms).
const BRIDGE_DEPTH: u16 = 3;

/// One answered call.
#[derive(Debug)]
pub struct Call {
    config: Arc<FlowConfig>,
    media: Negotiated,
    sender: RtpSender,
    /// The caller's audio is placed by its RTP timestamp from here (any
    /// packet size, reordering for free; the jitter buffer is for bridging).
    anchor: Option<Anchor>,
    dtmf: DtmfReceiver,
    recorder: Option<StereoRecorder>,
    /// The answering-machine detector, while it listens.
    amd: Option<crate::amd::MachineDetection>,
    phase: Phase,
    answered_at_ms: u64,
    /// Frames sent since the answer; frame `n` is due at `answered_at_ms + 20 n`.
    frames: u64,
    prompt_pos: usize,
    music_pos: usize,
    digits: String,
    outputs: VecDeque<CallOutput>,
    stats: MediaStats,
    /// What a controlled call plays.
    source: Source,
    /// The recording's first sample on the call's timeline.
    record_base: u64,
    /// The bridged peer's audio, in 20 ms frames.
    jitter: JitterBuffer,
    /// The far end's audio not yet sent to the peer (less than a frame).
    bridge_out: Vec<i16>,
    bridge_seq: u16,
    /// The peer's audio is not played (the agent muted themselves).
    peer_muted: bool,
    /// Reusable buffers.
    samples: Vec<i16>,
    payload: Vec<u8>,
}

impl Call {
    /// A call answered at `now_ms` with this media; `ssrc`, `sequence` and
    /// `timestamp` start our RTP stream (random in practice).
    pub fn new(
        config: Arc<FlowConfig>,
        media: Negotiated,
        (ssrc, sequence, timestamp): (u32, u16, u32),
        now_ms: u64,
    ) -> Call {
        let recorder = config.record.then(StereoRecorder::new);
        let phase = if config.controlled {
            Phase::Controlled
        } else {
            Phase::Prompt
        };
        Call {
            config,
            media,
            sender: RtpSender::new(ssrc, sequence, timestamp),
            anchor: None,
            dtmf: DtmfReceiver::new(),
            recorder,
            amd: None,
            phase,
            answered_at_ms: now_ms,
            frames: 0,
            prompt_pos: 0,
            music_pos: 0,
            digits: String::new(),
            outputs: VecDeque::new(),
            stats: MediaStats::default(),
            source: Source::Silence,
            record_base: 0,
            jitter: JitterBuffer::new(BRIDGE_DEPTH),
            bridge_out: Vec::new(),
            bridge_seq: 0,
            peer_muted: false,
            samples: Vec::with_capacity(FRAME_SAMPLES),
            payload: Vec::with_capacity(FRAME_SAMPLES),
        }
    }

    /// The digits collected so far.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The media counters.
    pub fn stats(&self) -> MediaStats {
        self.stats
    }

    /// Whether the call has ended (nothing more will come out but what is queued).
    pub fn is_ended(&self) -> bool {
        self.phase == Phase::Ended
    }

    /// Whether a recording is being made.
    pub fn is_recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// A controlled call is told what to do next (ignored by a scripted or ended call).
    pub fn control(&mut self, now_ms: u64, control: CallControl) {
        if self.phase != Phase::Controlled {
            return;
        }
        let _ = now_ms;
        match control {
            CallControl::Play { audio, then } => {
                self.source = Source::Play {
                    audio,
                    pos: 0,
                    then,
                }
            }
            CallControl::Loop(audio) => self.source = Source::Loop { audio, pos: 0 },
            CallControl::Silence => self.source = Source::Silence,
            CallControl::Bridge => {
                self.source = Source::Bridge;
                self.jitter = JitterBuffer::new(BRIDGE_DEPTH);
                self.bridge_out.clear();
            }
            CallControl::StartRecording => {
                if self.recorder.is_none() {
                    self.recorder = Some(StereoRecorder::new());
                    self.record_base = self.frames * FRAME_SAMPLES as u64;
                }
            }
            CallControl::PauseRecording => {
                if let Some(r) = self.recorder.as_mut() {
                    r.pause();
                }
            }
            CallControl::ResumeRecording => {
                if let Some(r) = self.recorder.as_mut() {
                    r.resume();
                }
            }
            CallControl::MutePeer(on) => self.peer_muted = on,
            CallControl::DetectMachine => {
                if self.amd.is_none() {
                    self.amd = Some(crate::amd::MachineDetection::new(
                        crate::amd::AmdSettings::default(),
                    ));
                }
            }
        }
    }

    /// A re-INVITE changed the codec or the far end's payload types (the
    /// address is the runtime's business).
    pub fn set_media(&mut self, media: Negotiated) {
        self.media = media;
    }

    /// A frame of the bridged peer's far end arrived (see [`CallOutput::Media`]).
    pub fn handle_bridge_media(&mut self, seq: u16, pcm: &[u8]) {
        if matches!(self.source, Source::Bridge) && !self.is_ended() {
            self.stats.relayed_in += 1;
            self.jitter.push(seq, pcm);
        }
    }

    /// The next thing to do, if any.
    pub fn poll_output(&mut self) -> Option<CallOutput> {
        self.outputs.pop_front()
    }

    /// When [`Call::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<u64> {
        (!self.is_ended()).then(|| self.answered_at_ms + self.frames * FRAME_MS)
    }

    /// A datagram arrived on the call's RTP port.
    pub fn handle_rtp(&mut self, now_ms: u64, datagram: &[u8]) {
        if self.is_ended() {
            return;
        }
        self.stats.rtp_in += 1;
        let Ok(p) = RtpPacket::parse(datagram) else {
            self.stats.rtp_refused += 1;
            return;
        };
        if p.payload_type == self.media.payload_type {
            self.caller_audio(now_ms, &p);
        } else if Some(p.payload_type) == self.media.telephone_event {
            match self.dtmf.receive(p.timestamp, p.payload) {
                Ok(digits) => {
                    for d in digits {
                        self.digit(now_ms, d);
                    }
                }
                Err(_) => self.stats.rtp_refused += 1,
            }
        } else {
            // Comfort noise and codecs we did not agree are not played.
            self.stats.rtp_refused += 1;
        }
    }

    /// A SIP INFO arrived with this body (`application/dtmf-relay` or `application/dtmf`).
    /// Bodies without a key are ignored (phones send other INFOs too).
    pub fn handle_info(&mut self, now_ms: u64, body: &str) {
        if self.is_ended() {
            return;
        }
        if let Ok(d) = parse_info(body) {
            self.digit(now_ms, d);
        }
    }

    /// The caller hung up (`reason` says how the signalling saw it).
    pub fn handle_remote_end(&mut self, now_ms: u64, reason: EndReason) {
        self.end(now_ms, Party::Customer, reason);
    }

    /// We hang up (shutdown): a BYE goes out.
    pub fn hang_up(&mut self, now_ms: u64, reason: EndReason) {
        if self.is_ended() {
            return;
        }
        self.outputs.push_back(CallOutput::Hangup);
        self.end(now_ms, Party::Switch, reason);
    }

    /// Time passed: sends the frames that are due, ends collection and the call on time.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        if self.is_ended() {
            return;
        }
        if now_ms.saturating_sub(self.answered_at_ms) >= self.config.max_duration_ms {
            self.hang_up(now_ms, EndReason::MaxDuration);
            return;
        }
        let elapsed_frames = now_ms.saturating_sub(self.answered_at_ms) / FRAME_MS + 1;
        if elapsed_frames > self.frames + CATCH_UP_FRAMES_MAX {
            let skipped = elapsed_frames - CATCH_UP_FRAMES_MAX - self.frames;
            self.sender.skip((skipped * FRAME_SAMPLES as u64) as u32);
            self.frames += skipped;
        }
        while self.frames < elapsed_frames {
            let frame_ms = self.answered_at_ms + self.frames * FRAME_MS;
            if let Phase::Collecting { deadline_ms } = self.phase
                && frame_ms >= deadline_ms
            {
                self.finish_collecting();
            }
            self.frame(frame_ms);
        }
    }

    fn digit(&mut self, now_ms: u64, d: Digit) {
        self.outputs
            .push_back(CallOutput::Event(CallEvent::Digit(d)));
        match self.phase {
            Phase::Prompt | Phase::Collecting { .. } => {}
            Phase::Music | Phase::Controlled | Phase::Ended => return,
        }
        if d.as_char() == '#' {
            return self.finish_collecting();
        }
        if self.digits.len() < DIGITS_MAX {
            self.digits.push(d.as_char());
        }
        if self.digits.len() >= self.config.digits_max.min(DIGITS_MAX) {
            return self.finish_collecting();
        }
        // A key during the prompt cuts it short (barge-in).
        self.phase = Phase::Collecting {
            deadline_ms: now_ms + self.config.inter_digit_timeout_ms,
        };
    }

    /// Records a packet of the caller's audio where its timestamp puts it.
    fn caller_audio(&mut self, now_ms: u64, p: &RtpPacket<'_>) {
        self.stats.audio_in += 1;
        let bridged = matches!(self.source, Source::Bridge);
        if self.recorder.is_none() && !bridged && self.amd.is_none() {
            return;
        }
        let arrival = now_ms.saturating_sub(self.answered_at_ms) * FRAME_SAMPLES as u64 / FRAME_MS;
        let placed = self.anchor.filter(|a| a.ssrc == p.ssrc).and_then(|a| {
            let offset = a.offset as i64 + i64::from(p.timestamp.wrapping_sub(a.timestamp) as i32);
            (offset >= 0 && (offset - arrival as i64).abs() <= RESYNC_SAMPLES)
                .then_some(offset as u64)
        });
        let offset = match placed {
            Some(o) => o,
            None => {
                if self.anchor.is_some() {
                    self.stats.resyncs += 1;
                }
                self.anchor = Some(Anchor {
                    ssrc: p.ssrc,
                    timestamp: p.timestamp,
                    offset: arrival,
                });
                arrival
            }
        };
        let payload = &p.payload[..p.payload.len().min(PACKET_SAMPLES_MAX)];
        self.samples.clear();
        self.media.law.decode_into(payload, &mut self.samples);
        if let Some(d) = self.amd.as_mut()
            && let Some(v) = d.feed(&self.samples)
        {
            self.amd = None;
            self.outputs
                .push_back(CallOutput::Event(CallEvent::MachineVerdict(v)));
        }
        if let Some(rec) = self.recorder.as_mut() {
            let skip = self.record_base.saturating_sub(offset) as usize;
            if skip < self.samples.len() {
                let at = offset.saturating_sub(self.record_base);
                rec.add(Side::Customer, at, &self.samples[skip..]);
            }
        }
        if bridged {
            // Re-framed in 20 ms frames for the peer's jitter buffer, whatever
            // the packet size here.
            self.bridge_out.extend_from_slice(&self.samples);
            while self.bridge_out.len() >= FRAME_SAMPLES {
                let bytes: Vec<u8> = self.bridge_out[..FRAME_SAMPLES]
                    .iter()
                    .flat_map(|s| s.to_le_bytes())
                    .collect();
                self.bridge_out.drain(..FRAME_SAMPLES);
                self.outputs
                    .push_back(CallOutput::Media(self.bridge_seq, bytes));
                self.stats.relayed_out += 1;
                self.bridge_seq = self.bridge_seq.wrapping_add(1);
            }
        }
    }

    fn finish_collecting(&mut self) {
        self.outputs
            .push_back(CallOutput::Event(CallEvent::DigitsCollected(
                self.digits.clone(),
            )));
        self.phase = Phase::Music;
    }

    /// Builds, sends and records frame number `self.frames`.
    fn frame(&mut self, frame_ms: u64) {
        let n = FRAME_SAMPLES;
        self.samples.clear();
        match self.phase {
            Phase::Prompt => {
                let p = &self.config.prompt;
                let end = (self.prompt_pos + n).min(p.len());
                self.samples.extend_from_slice(&p[self.prompt_pos..end]);
                self.prompt_pos = end;
                if end >= p.len() {
                    self.phase = Phase::Collecting {
                        deadline_ms: frame_ms + FRAME_MS + self.config.first_digit_timeout_ms,
                    };
                }
            }
            Phase::Music if !self.config.music.is_empty() => {
                let m = &self.config.music;
                while self.samples.len() < n {
                    let take = (n - self.samples.len()).min(m.len() - self.music_pos);
                    self.samples
                        .extend_from_slice(&m[self.music_pos..self.music_pos + take]);
                    self.music_pos = (self.music_pos + take) % m.len();
                }
            }
            Phase::Controlled => self.controlled_frame(),
            _ => {}
        }
        self.samples.resize(n, 0);

        self.payload.clear();
        self.media.law.encode_into(&self.samples, &mut self.payload);
        let marker = self.frames == 0;
        let pkt = self
            .sender
            .media(self.media.payload_type, marker, &self.payload, n as u32);
        self.outputs.push_back(CallOutput::Rtp(pkt));
        self.stats.rtp_out += 1;

        let offset = (self.frames * n as u64).saturating_sub(self.record_base);
        if let Some(rec) = self.recorder.as_mut() {
            rec.add(Side::Agent, offset, &self.samples);
        }
        self.frames += 1;
        if self.frames.is_multiple_of(RECORD_CHUNK_FRAMES) {
            self.flush_recording(RECORD_LAG_SAMPLES);
        }
    }

    /// Fills `self.samples` (up to a frame) from what a controlled call plays.
    fn controlled_frame(&mut self) {
        let n = FRAME_SAMPLES;
        match &mut self.source {
            Source::Silence => {}
            Source::Play { audio, pos, then } => {
                let end = (*pos + n).min(audio.len());
                self.samples.extend_from_slice(&audio[*pos..end]);
                *pos = end;
                if end >= audio.len() {
                    self.source = match then.take() {
                        Some(audio) if !audio.is_empty() => Source::Loop { audio, pos: 0 },
                        _ => Source::Silence,
                    };
                    self.outputs
                        .push_back(CallOutput::Event(CallEvent::PlaybackDone));
                }
            }
            Source::Loop { audio, pos } => {
                if !audio.is_empty() {
                    while self.samples.len() < n {
                        let take = (n - self.samples.len()).min(audio.len() - *pos);
                        self.samples.extend_from_slice(&audio[*pos..*pos + take]);
                        *pos = (*pos + take) % audio.len();
                    }
                }
            }
            Source::Bridge => {
                // Muted: the peer's frames are still taken, so unmuting
                // does not replay stale audio.
                if let Playout::Frame(_, pcm) = self.jitter.pop()
                    && !self.peer_muted
                {
                    self.samples.extend(
                        pcm.chunks_exact(2)
                            .take(n)
                            .map(|b| i16::from_le_bytes([b[0], b[1]])),
                    );
                }
            }
        }
    }

    /// Hands out the recording up to `lag` samples before what we have sent.
    fn flush_recording(&mut self, lag: u64) {
        let until = (self.frames * FRAME_SAMPLES as u64)
            .saturating_sub(self.record_base)
            .saturating_sub(lag);
        if let Some(rec) = self.recorder.as_mut() {
            let bytes = rec.take_bytes(until);
            if !bytes.is_empty() {
                self.outputs.push_back(CallOutput::Record(bytes));
            }
        }
    }

    fn end(&mut self, _now_ms: u64, by: Party, reason: EndReason) {
        if self.is_ended() {
            return;
        }
        if let Some(d) = self.dtmf.flush() {
            self.outputs
                .push_back(CallOutput::Event(CallEvent::Digit(d)));
        }
        self.flush_recording(0);
        self.phase = Phase::Ended;
        self.outputs
            .push_back(CallOutput::Event(CallEvent::Ended { by, reason }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtmf::event_payloads;
    use crate::g711::Law;
    use crate::wav::read_stereo;

    fn media() -> Negotiated {
        Negotiated {
            remote: "127.0.0.1:6000".parse().unwrap(),
            law: Law::A,
            payload_type: 8,
            telephone_event: Some(101),
        }
    }

    fn config() -> Arc<FlowConfig> {
        Arc::new(FlowConfig {
            prompt: crate::tones::beep().into(),
            music: crate::tones::music_on_hold().into(),
            digits_max: 3,
            first_digit_timeout_ms: 2_000,
            inter_digit_timeout_ms: 1_000,
            max_duration_ms: 60_000,
            record: true,
            controlled: false,
        })
    }

    /// Drives a call: the caller talks (a 440 Hz tone) from `talk_from_ms`,
    /// presses `keys` at the given times, and hangs up at `bye_ms`.
    /// Returns the outputs and the recording as a WAV file.
    fn run(
        keys: &[(u64, char)],
        info_keys: &[(u64, &str)],
        bye_ms: Option<u64>,
        end_ms: u64,
    ) -> (Vec<CallOutput>, Vec<u8>) {
        let t0 = 1_000_000;
        let mut call = Call::new(config(), media(), (1, 2, 3), t0);
        let tone = crate::tones::sine(440.0, 8_000.0, 20);
        let mut enc = Vec::new();
        Law::A.encode_into(&tone, &mut enc);
        let mut caller = RtpSender::new(99, 0, 0);
        let mut out = Vec::new();
        let mut rec = Vec::new();
        let mut ms = 0;
        while ms <= end_ms && !call.is_ended() {
            let now = t0 + ms;
            call.handle_rtp(now, &caller.media(8, false, &enc, 160));
            for &(at, key) in keys {
                if at == ms {
                    let d = Digit::from_char(key).unwrap();
                    let ts = caller.timestamp();
                    for (m, p) in event_payloads(d, 100, 10) {
                        call.handle_rtp(now, &caller.packet(101, m, ts, &p));
                    }
                }
            }
            for &(at, body) in info_keys {
                if at == ms {
                    call.handle_info(now, body);
                }
            }
            if Some(ms) == bye_ms {
                call.handle_remote_end(now, EndReason::CallerHungUp);
            } else {
                call.handle_timeout(now);
            }
            while let Some(o) = call.poll_output() {
                match o {
                    CallOutput::Record(b) => rec.extend(b),
                    o => out.push(o),
                }
            }
            ms += FRAME_MS;
        }
        let mut wav = crate::wav::header(2, 8_000, rec.len() as u32).to_vec();
        wav.extend(rec);
        (out, wav)
    }

    fn events(out: &[CallOutput]) -> Vec<CallEvent> {
        out.iter()
            .filter_map(|o| match o {
                CallOutput::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn digits_then_hash_then_music_until_the_caller_hangs_up() {
        let (out, wav) = run(
            &[(400, '4'), (800, '2'), (1200, '#')],
            &[],
            Some(5_000),
            10_000,
        );
        let ev = events(&out);
        let d = |c| CallEvent::Digit(Digit::from_char(c).unwrap());
        assert_eq!(
            ev,
            vec![
                d('4'),
                d('2'),
                d('#'),
                CallEvent::DigitsCollected("42".into()),
                CallEvent::Ended {
                    by: Party::Customer,
                    reason: EndReason::CallerHungUp
                }
            ]
        );
        assert!(
            !out.contains(&CallOutput::Hangup),
            "the caller hung up, not us"
        );
        let rtp = out
            .iter()
            .filter(|o| matches!(o, CallOutput::Rtp(_)))
            .count();
        assert_eq!(rtp, 250, "one frame per 20 ms for 5 s");

        let (left, right) = read_stereo(&wav).unwrap();
        assert_eq!(left.len(), 250 * 160);
        assert_eq!(right.len(), left.len());
        // Right: the beep first (1 kHz), then silence while collecting, then music.
        let beep = crate::tones::goertzel(&right[0..1600], 1_000.0);
        assert!(beep > 1e6, "beep at the start, got {beep}");
        assert!(
            crate::tones::power(&right[8_000..9_600]) < 1.0,
            "silence while collecting"
        );
        assert!(
            crate::tones::power(&right[16_000..24_000]) > 1e5,
            "music after the digits"
        );
        // Left: the caller's tone, and not ours.
        assert!(crate::tones::power(&left[8_000..9_600]) > 1e7);
        let beep_left = crate::tones::goertzel(&left[0..1600], 1_000.0);
        assert!(
            beep_left * 100.0 < beep,
            "no beep on the left: {beep_left} vs {beep}"
        );
    }

    #[test]
    fn collection_ends_at_the_digit_limit_and_info_digits_count() {
        let (out, _) = run(
            &[(300, '1')],
            &[(500, "Signal=2\r\nDuration=160"), (700, "3")],
            Some(2_000),
            5_000,
        );
        assert!(events(&out).contains(&CallEvent::DigitsCollected("123".into())));
    }

    #[test]
    fn collection_times_out_without_keys() {
        let (out, _) = run(&[], &[], Some(4_000), 5_000);
        let ev = events(&out);
        assert_eq!(ev[0], CallEvent::DigitsCollected(String::new()));
        let (out, _) = run(&[(300, '9')], &[], Some(4_000), 5_000);
        assert!(events(&out).contains(&CallEvent::DigitsCollected("9".into())));
    }

    #[test]
    fn we_hang_up_at_the_maximum_duration() {
        let (out, wav) = run(&[], &[], None, 70_000);
        assert!(out.contains(&CallOutput::Hangup));
        assert_eq!(
            events(&out).last(),
            Some(&CallEvent::Ended {
                by: Party::Switch,
                reason: EndReason::MaxDuration
            })
        );
        let (left, _) = read_stereo(&wav).unwrap();
        assert_eq!(left.len(), 60 * 8_000);
    }

    #[test]
    fn a_stalled_runtime_skips_ahead_instead_of_bursting() {
        let mut call = Call::new(config(), media(), (1, 2, 3), 0);
        call.handle_timeout(0);
        call.handle_timeout(5_000);
        let rtp = std::iter::from_fn(|| call.poll_output())
            .filter(|o| matches!(o, CallOutput::Rtp(_)))
            .count();
        assert_eq!(rtp as u64, 1 + CATCH_UP_FRAMES_MAX);
        assert_eq!(call.poll_timeout(), Some(5_020));
    }

    #[test]
    fn thirty_ms_packets_and_a_new_stream_land_where_they_arrive() {
        let mut call = Call::new(config(), media(), (1, 2, 3), 0);
        let tone = crate::tones::sine(440.0, 8_000.0, 30);
        let mut enc = Vec::new();
        Law::A.encode_into(&tone, &mut enc);
        let mut rec = Vec::new();
        // 1 s of 30 ms packets from one source, then a new SSRC with an unrelated
        // timestamp (a second pcap, a re-INVITE) for the next second.
        let mut first = RtpSender::new(7, 0, 4_000_000_000);
        let mut second = RtpSender::new(8, 0, 12_345);
        for ms in (0..2_000u64).step_by(10) {
            if ms % 30 == 0 {
                let pkt = if ms < 1_000 {
                    first.media(8, false, &enc, 240)
                } else {
                    second.media(8, false, &enc, 240)
                };
                call.handle_rtp(ms, &pkt);
            }
            call.handle_timeout(ms);
            while let Some(o) = call.poll_output() {
                if let CallOutput::Record(b) = o {
                    rec.extend(b);
                }
            }
        }
        call.handle_remote_end(2_000, EndReason::CallerHungUp);
        while let Some(o) = call.poll_output() {
            if let CallOutput::Record(b) = o {
                rec.extend(b);
            }
        }
        let left: Vec<i16> = rec
            .chunks_exact(4)
            .map(|f| i16::from_le_bytes([f[0], f[1]]))
            .collect();
        assert_eq!(left.len(), 16_000);
        // No holes: every 10 ms stretch holds the caller's tone.
        for (i, chunk) in left[..15_840].chunks(80).enumerate() {
            assert!(crate::tones::power(chunk) > 1e6, "a hole at {} ms", i * 10);
        }
        assert_eq!(call.stats().resyncs, 1);
        assert_eq!(call.stats().audio_in, 67);
    }

    fn controlled() -> Arc<FlowConfig> {
        Arc::new(FlowConfig {
            controlled: true,
            record: false,
            ..FlowConfig::default()
        })
    }

    fn drain(call: &mut Call, rec: &mut Vec<u8>) -> Vec<CallOutput> {
        let mut out = Vec::new();
        while let Some(o) = call.poll_output() {
            match o {
                CallOutput::Record(b) => rec.extend(b),
                o => out.push(o),
            }
        }
        out
    }

    #[test]
    fn a_controlled_call_plays_reports_the_end_and_loops_what_follows() {
        let mut call = Call::new(controlled(), media(), (1, 2, 3), 0);
        let mut rec = Vec::new();
        call.handle_timeout(0);
        call.control(
            0,
            CallControl::Play {
                audio: vec![1_000i16; 800].into(),
                then: Some(vec![500i16; 160].into()),
            },
        );
        let mut done_at = None;
        for ms in (20..400).step_by(20) {
            call.handle_timeout(ms);
            for o in drain(&mut call, &mut rec) {
                if o == CallOutput::Event(CallEvent::PlaybackDone) {
                    done_at = Some(ms);
                }
                assert!(!matches!(
                    o,
                    CallOutput::Event(CallEvent::DigitsCollected(_))
                ));
            }
        }
        // 800 samples are five frames: the fifth is sent at 100 ms.
        assert_eq!(done_at, Some(100));
        assert!(rec.is_empty(), "nothing recorded until told");
        // Keys are reported, never collected.
        call.handle_info(400, "Signal=5");
        let out = drain(&mut call, &mut rec);
        assert_eq!(
            out,
            vec![CallOutput::Event(CallEvent::Digit(
                Digit::from_char('5').unwrap()
            ))]
        );
    }

    /// The verdict on a far end that says `talk_ms` of tone after 300 ms of
    /// silence, then stays silent (A-law, 20 ms packets).
    fn verdict_after(talk_ms: u64) -> Option<crate::amd::Verdict> {
        let mut call = Call::new(controlled(), media(), (1, 2, 3), 0);
        call.control(0, CallControl::DetectMachine);
        let tone = crate::tones::sine(300.0, 6_000.0, 20);
        let (mut loud, mut quiet) = (Vec::new(), Vec::new());
        Law::A.encode_into(&tone, &mut loud);
        Law::A.encode_into(&[0i16; 160], &mut quiet);
        let mut far = RtpSender::new(10, 0, 0);
        let mut rec = Vec::new();
        for ms in (0..6_000u64).step_by(20) {
            let voiced = (300..300 + talk_ms).contains(&ms);
            call.handle_rtp(
                ms,
                &far.media(8, false, if voiced { &loud } else { &quiet }, 160),
            );
            call.handle_timeout(ms);
            for o in drain(&mut call, &mut rec) {
                if let CallOutput::Event(CallEvent::MachineVerdict(v)) = o {
                    return Some(v);
                }
            }
        }
        None
    }

    #[test]
    fn the_machine_detector_hears_a_short_hello_as_a_person_and_a_long_greeting_as_a_machine() {
        assert!(
            matches!(verdict_after(500), Some(crate::amd::Verdict::Human(_))),
            "{:?}",
            verdict_after(500)
        );
        assert!(
            matches!(verdict_after(4_000), Some(crate::amd::Verdict::Machine(_))),
            "{:?}",
            verdict_after(4_000)
        );
    }

    #[test]
    fn bridged_calls_relay_each_other_and_the_recording_starts_when_told() {
        let mut a = Call::new(controlled(), media(), (1, 2, 3), 0);
        let mut b = Call::new(controlled(), media(), (4, 5, 6), 0);
        a.control(0, CallControl::Bridge);
        b.control(0, CallControl::Bridge);
        a.control(0, CallControl::StartRecording);
        let tone = crate::tones::sine(440.0, 8_000.0, 30);
        let mut enc = Vec::new();
        Law::A.encode_into(&tone, &mut enc);
        // A's far end talks in 30 ms packets; B's in 20 ms ones.
        let mut a_far = RtpSender::new(10, 0, 0);
        let mut b_far = RtpSender::new(11, 0, 0);
        let (mut rec, mut b_heard) = (Vec::new(), Vec::new());
        let mut paused = 0;
        for ms in (0..3_000u64).step_by(10) {
            if ms % 30 == 0 {
                a.handle_rtp(ms, &a_far.media(8, false, &enc, 240));
            }
            if ms % 20 == 0 {
                b.handle_rtp(ms, &b_far.media(8, false, &enc[..160], 160));
                a.handle_timeout(ms);
                b.handle_timeout(ms);
            }
            if ms == 1_500 {
                a.control(ms, CallControl::PauseRecording);
            }
            if ms == 2_000 {
                a.control(ms, CallControl::ResumeRecording);
            }
            for o in drain(&mut a, &mut rec) {
                if let CallOutput::Media(seq, pcm) = o {
                    b.handle_bridge_media(seq, &pcm);
                }
            }
            let mut dummy = Vec::new();
            for o in drain(&mut b, &mut dummy) {
                match o {
                    CallOutput::Media(seq, pcm) => a.handle_bridge_media(seq, &pcm),
                    CallOutput::Rtp(p) => {
                        let p = RtpPacket::parse(&p).unwrap();
                        let mut s = Vec::new();
                        Law::A.decode_into(p.payload, &mut s);
                        b_heard.extend(s);
                    }
                    _ => {}
                }
            }
            if a.recorder.as_ref().is_some_and(|r| r.is_paused()) {
                paused += 1;
            }
        }
        a.handle_remote_end(3_000, EndReason::CallerHungUp);
        drain(&mut a, &mut rec);
        assert!(paused > 0);
        // B's phone hears A's far end (after the jitter buffer's delay).
        assert!(crate::tones::power(&b_heard[8_000..16_000]) > 1e6);
        assert!(a.stats().relayed_in > 100 && a.stats().relayed_out > 100);
        // A's recording: A's far end left, B's far end (what A sends) right; silence while paused.
        let mut wav = crate::wav::header(2, 8_000, rec.len() as u32).to_vec();
        wav.extend(rec);
        let (left, right) = read_stereo(&wav).unwrap();
        assert!(left.len() >= 23_000, "{}", left.len());
        assert!(crate::tones::power(&left[4_000..8_000]) > 1e6);
        assert!(crate::tones::power(&right[4_000..8_000]) > 1e6);
        assert!(left[12_500..15_500].iter().all(|&s| s == 0));
        assert!(right[12_500..15_500].iter().all(|&s| s == 0));
        assert!(crate::tones::power(&left[17_000..20_000]) > 1e6);
    }

    #[test]
    fn a_muted_peer_is_not_heard_but_still_hears() {
        // A: the customer's call; B: the agent's phone. The agent mutes: the
        // customer hears silence, the agent still hears the customer.
        let mut a = Call::new(controlled(), media(), (1, 2, 3), 0);
        let mut b = Call::new(controlled(), media(), (4, 5, 6), 0);
        a.control(0, CallControl::Bridge);
        b.control(0, CallControl::Bridge);
        let tone = crate::tones::sine(440.0, 8_000.0, 20);
        let mut enc = Vec::new();
        Law::A.encode_into(&tone, &mut enc);
        let mut a_far = RtpSender::new(10, 0, 0);
        let mut b_far = RtpSender::new(11, 0, 0);
        let (mut a_heard, mut b_heard) = (Vec::new(), Vec::new());
        let heard = |p: &[u8], into: &mut Vec<i16>| {
            let p = RtpPacket::parse(p).unwrap();
            Law::A.decode_into(p.payload, into);
        };
        for ms in (0..3_000u64).step_by(20) {
            if ms == 1_000 {
                a.control(ms, CallControl::MutePeer(true));
            }
            if ms == 2_000 {
                a.control(ms, CallControl::MutePeer(false));
            }
            a.handle_rtp(ms, &a_far.media(8, false, &enc[..160], 160));
            b.handle_rtp(ms, &b_far.media(8, false, &enc[..160], 160));
            a.handle_timeout(ms);
            b.handle_timeout(ms);
            let mut dummy = Vec::new();
            for o in drain(&mut a, &mut dummy) {
                match o {
                    CallOutput::Media(seq, pcm) => b.handle_bridge_media(seq, &pcm),
                    CallOutput::Rtp(p) => heard(&p, &mut a_heard),
                    _ => {}
                }
            }
            for o in drain(&mut b, &mut dummy) {
                match o {
                    CallOutput::Media(seq, pcm) => a.handle_bridge_media(seq, &pcm),
                    CallOutput::Rtp(p) => heard(&p, &mut b_heard),
                    _ => {}
                }
            }
        }
        let power = |v: &[i16], from_ms: usize, to_ms: usize| {
            crate::tones::power(&v[from_ms * 8..to_ms * 8])
        };
        assert!(
            power(&a_heard, 400, 900) > 1e6,
            "the customer hears the agent"
        );
        assert!(
            a_heard[1_100 * 8..1_950 * 8].iter().all(|&s| s.abs() < 16),
            "muted: nothing of the agent reaches the customer"
        );
        assert!(power(&a_heard, 2_200, 2_900) > 1e6, "unmuted again");
        assert!(
            power(&b_heard, 1_100, 1_950) > 1e6,
            "the agent still hears the customer while muted"
        );
    }

    #[test]
    fn garbage_and_foreign_payloads_are_counted_not_played() {
        let mut call = Call::new(config(), media(), (1, 2, 3), 0);
        call.handle_rtp(0, b"hello");
        call.handle_rtp(
            0,
            &RtpSender::new(5, 0, 0).media(0, false, &[0xFF; 160], 160),
        );
        call.handle_rtp(0, &RtpSender::new(5, 0, 0).media(101, false, &[1, 2], 0));
        call.handle_info(0, "not a key");
        assert_eq!(call.stats().rtp_refused, 3);
        assert_eq!(call.digits(), "");
    }
}
