//! The telephony side of Centralita: the media a back-to-back user agent
//! (B2BUA) needs to stay in the audio path of every call.
//!
//! Everything but [`switch`]'s runtime is sans-IO, like the engines:
//! parsers and builders take and return bytes, state machines take packets
//! or samples and return what to send, play or report. The switch's thin
//! tokio shell drives them with sockets and timers (see `docs/telephony.md`).
//!
//! - [`g711`]: PCMU (μ-law) and PCMA (A-law) codecs.
//! - [`rtp`]: RTP packets (RFC 3550): parse and build.
//! - [`dtmf`]: telephone-events (RFC 4733) in and out, and SIP INFO digits.
//! - [`jitter`]: a playout buffer that reorders, drops late and duplicate
//!   packets and conceals losses.
//! - [`wav`]: 8 kHz WAV prompts in (PCM, μ-law, A-law) and stereo recordings
//!   out (customer left, agent right), with pause for card payments.
//! - [`tones`]: beeps, ring-back, music on hold, in-band DTMF.
//! - [`amd`]: answering-machine detection from energy and cadence.
//! - [`prompts`]: the prompts in four languages, and position and waiting-time announcements.
//! - [`ivr`]: IVR menus as data, and a session that runs a caller through them.
//! - [`switch`]: SDP, admission, the per-call flow (sans-IO) and the SIP
//!   switch runtime over `rsipstack` behind our own [`switch::Signalling`] trait.
//!
//! Audio is 8 kHz, 16-bit linear inside; 20 ms frames (160 samples) on the wire.

pub mod amd;
pub mod dtmf;
pub mod g711;
pub mod ivr;
pub mod jitter;
pub mod load;
pub mod prompts;
pub mod rtp;
pub mod switch;
pub mod tones;
pub mod wav;

/// Samples per second of telephone audio.
pub const SAMPLE_RATE: u32 = 8_000;
/// Samples in one 20 ms frame.
pub const FRAME_SAMPLES: usize = 160;
