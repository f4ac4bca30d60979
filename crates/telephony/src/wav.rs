//! WAV files: prompts in (8 kHz mono, 16-bit PCM, μ-law or A-law) and
//! recordings out (16-bit PCM, mono or stereo).
//!
//! A call recording is stereo: the customer on the left, the agent on the
//! right, sample-aligned by media time. While recording is paused (a card
//! payment), nothing of either side is kept: the file holds silence for
//! that span, so the timeline still matches the call.

use crate::g711::Law;

/// Why a WAV file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    /// Not RIFF/WAVE.
    #[error("not a WAV file (no RIFF/WAVE header)")]
    NotWav,
    /// A chunk runs past the end of the file.
    #[error("WAV chunk `{chunk}` at byte {offset} runs past the end of the file")]
    Truncated {
        /// The chunk id.
        chunk: String,
        /// Where it starts.
        offset: usize,
    },
    /// No `fmt ` or no `data` chunk.
    #[error("WAV file has no `{0}` chunk")]
    Missing(&'static str),
    /// A format this switch does not play.
    #[error(
        "WAV format {format} with {bits} bits, {channels} channel(s) at {rate} Hz: prompts must be 8 kHz mono 16-bit PCM, μ-law or A-law"
    )]
    Unsupported {
        /// Format tag (1 PCM, 6 A-law, 7 μ-law).
        format: u16,
        /// Bits per sample.
        bits: u16,
        /// Channels.
        channels: u16,
        /// Sample rate.
        rate: u32,
    },
}

/// Reads an 8 kHz mono prompt into linear samples.
pub fn read_prompt(bytes: &[u8]) -> Result<Vec<i16>, WavError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut fmt: Option<(u16, u16, u32, u16)> = None;
    let mut data: Option<&[u8]> = None;
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        let body_start = at + 8;
        let Some(body_end) = body_start.checked_add(len).filter(|&e| e <= bytes.len()) else {
            // A data chunk whose size field was never fixed (a recorder that
            // crashed) is read to the end of the file; anything else is an error.
            if id == b"data" {
                data = Some(&bytes[body_start..]);
                break;
            }
            return Err(WavError::Truncated {
                chunk: String::from_utf8_lossy(id).into_owned(),
                offset: at,
            });
        };
        let body = &bytes[body_start..body_end];
        match id {
            b"fmt " if body.len() >= 16 => {
                let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
                let rate = u32::from_le_bytes(body[4..8].try_into().expect("4 bytes"));
                fmt = Some((u16_at(0), u16_at(2), rate, u16_at(14)));
            }
            b"data" => data = Some(body),
            _ => {}
        }
        at = body_end + (len & 1); // chunks are padded to even sizes
    }
    let (format, channels, rate, bits) = fmt.ok_or(WavError::Missing("fmt "))?;
    let data = data.ok_or(WavError::Missing("data"))?;
    let unsupported = WavError::Unsupported {
        format,
        bits,
        channels,
        rate,
    };
    if channels != 1 || rate != crate::SAMPLE_RATE {
        return Err(unsupported);
    }
    match (format, bits) {
        (1, 16) => Ok(data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect()),
        (7, 8) => Ok(data.iter().map(|&b| Law::Mu.decode(b)).collect()),
        (6, 8) => Ok(data.iter().map(|&b| Law::A.decode(b)).collect()),
        _ => Err(unsupported),
    }
}

/// The 44-byte header of a 16-bit PCM WAV file with `data_len` bytes of samples.
pub fn header(channels: u16, rate: u32, data_len: u32) -> [u8; 44] {
    let block = channels * 2;
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&data_len.saturating_add(36).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes());
    h[22..24].copy_from_slice(&channels.to_le_bytes());
    h[24..28].copy_from_slice(&rate.to_le_bytes());
    h[28..32].copy_from_slice(&(rate * u32::from(block)).to_le_bytes());
    h[32..34].copy_from_slice(&block.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

/// A whole mono 16-bit PCM WAV file of these samples.
pub fn mono_file(samples: &[i16]) -> Vec<u8> {
    let mut out = header(1, crate::SAMPLE_RATE, (samples.len() * 2) as u32).to_vec();
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// Which side of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The customer: left channel.
    Customer,
    /// The agent: right channel.
    Agent,
}

/// A stereo call recording built in memory, frame by frame; the IO layer
/// writes [`StereoRecorder::take_bytes`] out as it goes and the header at the end.
#[derive(Debug, Clone, Default)]
pub struct StereoRecorder {
    /// Samples of each side not yet interleaved, from `written` on.
    left: Vec<i16>,
    right: Vec<i16>,
    /// Samples (per channel) already handed out as bytes.
    written: u64,
    paused: bool,
    /// Samples (per channel) skipped while paused.
    paused_samples: u64,
}

impl StereoRecorder {
    /// An empty recording.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds audio of one side starting at `offset` samples from the start of
    /// the recording (media time; gaps are silence, overlaps overwrite).
    pub fn add(&mut self, side: Side, offset: u64, samples: &[i16]) {
        if offset < self.written {
            // Audio for a stretch already written out: too late to keep.
            let skip = (self.written - offset) as usize;
            if skip >= samples.len() {
                return;
            }
            return self.add(side, self.written, &samples[skip..]);
        }
        let paused = self.paused;
        let buf = match side {
            Side::Customer => &mut self.left,
            Side::Agent => &mut self.right,
        };
        let start = (offset - self.written) as usize;
        let end = start + samples.len();
        if buf.len() < end {
            buf.resize(end, 0);
        }
        if paused {
            self.paused_samples += samples.len() as u64;
            buf[start..end].fill(0);
        } else {
            buf[start..end].copy_from_slice(samples);
        }
    }

    /// Pauses (nothing is kept until [`StereoRecorder::resume`]).
    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Resumes after a pause.
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// Whether it is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Interleaves what both sides have up to `until` samples and returns it
    /// as little-endian bytes (left, right, left, right…).
    pub fn take_bytes(&mut self, until: u64) -> Vec<u8> {
        let n = until.saturating_sub(self.written) as usize;
        let mut out = Vec::with_capacity(n * 4);
        for i in 0..n {
            let l = self.left.get(i).copied().unwrap_or(0);
            let r = self.right.get(i).copied().unwrap_or(0);
            out.extend_from_slice(&l.to_le_bytes());
            out.extend_from_slice(&r.to_le_bytes());
        }
        self.left.drain(..n.min(self.left.len()));
        self.right.drain(..n.min(self.right.len()));
        self.written += n as u64;
        out
    }

    /// Samples per channel handed out so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Samples (per side) received while paused and so not kept.
    pub fn paused_samples(&self) -> u64 {
        self.paused_samples
    }

    /// What is not yet handed out, up to `until`, as a whole file (short
    /// recordings and tests; long ones stream [`StereoRecorder::take_bytes`]).
    pub fn finish(mut self, until: u64) -> Vec<u8> {
        let body = self.take_bytes(until);
        let mut out = header(2, crate::SAMPLE_RATE, body.len() as u32).to_vec();
        out.extend_from_slice(&body);
        out
    }
}

/// Splits a stereo 16-bit PCM WAV file (as [`StereoRecorder`] writes) into left and right.
pub fn read_stereo(bytes: &[u8]) -> Result<(Vec<i16>, Vec<i16>), WavError> {
    if bytes.len() < 44 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let channels = u16::from_le_bytes([bytes[22], bytes[23]]);
    if channels != 2 || &bytes[36..40] != b"data" {
        return Err(WavError::Unsupported {
            format: u16::from_le_bytes([bytes[20], bytes[21]]),
            bits: u16::from_le_bytes([bytes[34], bytes[35]]),
            channels,
            rate: u32::from_le_bytes(bytes[24..28].try_into().expect("4 bytes")),
        });
    }
    let (mut l, mut r) = (Vec::new(), Vec::new());
    for f in bytes[44..].chunks_exact(4) {
        l.push(i16::from_le_bytes([f[0], f[1]]));
        r.push(i16::from_le_bytes([f[2], f[3]]));
    }
    Ok((l, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prompts_round_trip_and_read_g711() {
        let samples: Vec<i16> = (0..800).map(|i| ((i * 37) % 2000 - 1000) as i16).collect();
        assert_eq!(read_prompt(&mono_file(&samples)).unwrap(), samples);

        let mut ulaw = header(1, 8000, 4).to_vec();
        ulaw[20] = 7; // μ-law
        ulaw[34] = 8; // 8 bits
        ulaw.truncate(44);
        ulaw.extend_from_slice(&[0xFF, 0x80, 0x00, 0x7F]);
        assert_eq!(read_prompt(&ulaw).unwrap(), vec![0, 32_124, -32_124, 0]);
    }

    #[test]
    fn bad_files_say_why() {
        assert_eq!(read_prompt(b"hello"), Err(WavError::NotWav));
        let mut stereo = header(2, 8000, 0).to_vec();
        assert!(matches!(
            read_prompt(&stereo),
            Err(WavError::Unsupported { channels: 2, .. })
        ));
        stereo[16] = 200; // fmt chunk longer than the file
        assert!(matches!(
            read_prompt(&stereo),
            Err(WavError::Truncated { .. })
        ));
        let only_riff = b"RIFF\0\0\0\0WAVE".to_vec();
        assert_eq!(read_prompt(&only_riff), Err(WavError::Missing("fmt ")));
    }

    #[test]
    fn stereo_keeps_sides_apart_and_aligned() {
        let mut r = StereoRecorder::new();
        r.add(Side::Customer, 0, &[1; 160]);
        r.add(Side::Agent, 80, &[2; 160]);
        let file = r.finish(320);
        let (l, rr) = read_stereo(&file).unwrap();
        assert_eq!(l.len(), 320);
        assert_eq!(&l[..160], &[1; 160]);
        assert!(l[160..].iter().all(|&s| s == 0));
        assert!(rr[..80].iter().all(|&s| s == 0));
        assert_eq!(&rr[80..240], &[2; 160]);
    }

    #[test]
    fn nothing_is_kept_while_paused() {
        let mut r = StereoRecorder::new();
        r.add(Side::Customer, 0, &[5; 160]);
        r.pause();
        r.add(Side::Customer, 160, &[6; 160]);
        r.add(Side::Agent, 160, &[7; 160]);
        r.resume();
        r.add(Side::Agent, 320, &[8; 160]);
        assert_eq!(r.paused_samples(), 320);
        let first = r.take_bytes(200);
        assert_eq!(first.len(), 800);
        let (l, rr) = read_stereo(&r.finish(480)).unwrap();
        assert_eq!(l.len(), 280, "the rest after the first 200 samples");
        assert!(!l.contains(&6) && !rr.contains(&7), "paused audio is gone");
        assert!(rr.contains(&8));
    }

    proptest! {
        #[test]
        fn reading_never_panics(data in prop::collection::vec(any::<u8>(), 0..120)) {
            let _ = read_prompt(&data);
            let _ = read_stereo(&data);
        }
    }
}
