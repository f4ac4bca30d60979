//! Generated audio: beeps, ring-back, music on hold and in-band DTMF, as
//! 8 kHz 16-bit samples. Deterministic (no randomness), so tests can check
//! recordings sample by sample.

use crate::SAMPLE_RATE;
use crate::dtmf::Digit;

/// A sine of `freq` Hz at `amplitude` (0–32767) lasting `ms`, starting at phase 0.
pub fn sine(freq: f32, amplitude: f32, ms: u32) -> Vec<i16> {
    mix(&[(freq, amplitude)], ms)
}

/// A sum of sines.
pub fn mix(parts: &[(f32, f32)], ms: u32) -> Vec<i16> {
    let n = (ms * SAMPLE_RATE / 1000) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / SAMPLE_RATE as f32;
            let v: f32 = parts
                .iter()
                .map(|&(f, a)| a * (2.0 * std::f32::consts::PI * f * t).sin())
                .sum();
            v.clamp(-32_767.0, 32_767.0) as i16
        })
        .collect()
}

/// Silence of `ms`.
pub fn silence(ms: u32) -> Vec<i16> {
    vec![0; (ms * SAMPLE_RATE / 1000) as usize]
}

/// The tone of a DTMF key, `ms` long (for IVR tests and in-band sending).
pub fn dtmf(digit: Digit, ms: u32) -> Vec<i16> {
    let (row, col) = digit.frequencies();
    mix(&[(row, 8_000.0), (col, 8_000.0)], ms)
}

/// One cadence of European ring-back: 425 Hz, 1 s on, 4 s off.
pub fn ringback() -> Vec<i16> {
    let mut v = sine(425.0, 6_000.0, 1_000);
    v.extend(silence(4_000));
    v
}

/// A short beep (the "recording starts" or "leave a message" tone).
pub fn beep() -> Vec<i16> {
    sine(1_000.0, 8_000.0, 250)
}

/// Music on hold: a gentle loop of notes (about 8 s), with soft attack and
/// release so the loop has no clicks.
pub fn music_on_hold() -> Vec<i16> {
    // A simple arpeggio in C major, two voices.
    const NOTES: [(f32, f32); 8] = [
        (261.63, 329.63),
        (329.63, 392.00),
        (392.00, 523.25),
        (329.63, 392.00),
        (293.66, 349.23),
        (349.23, 440.00),
        (440.00, 523.25),
        (349.23, 440.00),
    ];
    let mut out = Vec::new();
    for (a, b) in NOTES {
        let mut note = mix(&[(a, 3_000.0), (b, 2_000.0)], 1_000);
        let n = note.len();
        let ramp = 400;
        for (i, s) in note.iter_mut().enumerate() {
            let edge = i.min(n - 1 - i);
            if edge < ramp {
                *s = (f32::from(*s) * edge as f32 / ramp as f32) as i16;
            }
        }
        out.extend(note);
    }
    out
}

/// Mean power of samples (for detectors and tests), in linear units squared.
pub fn power(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64
}

/// Power of one frequency in samples (Goertzel), normalised by length.
pub fn goertzel(samples: &[i16], freq: f32) -> f64 {
    let k = 2.0 * (2.0 * std::f64::consts::PI * f64::from(freq) / f64::from(SAMPLE_RATE)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let n = samples.len().max(1) as f64;
    (s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n)
}

/// The DTMF key an in-band tone carries, if one clearly does (for phones
/// that send tones in the audio instead of RFC 4733 events).
pub fn detect_dtmf(samples: &[i16]) -> Option<Digit> {
    const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
    const COLS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
    const KEYS: [[char; 4]; 4] = [
        ['1', '2', '3', 'A'],
        ['4', '5', '6', 'B'],
        ['7', '8', '9', 'C'],
        ['*', '0', '#', 'D'],
    ];
    let best = |fs: &[f32; 4]| {
        let p: Vec<f64> = fs.iter().map(|&f| goertzel(samples, f)).collect();
        let (i, &m) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("four");
        let others = p
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, v)| *v);
        let second = others.fold(0.0, f64::max);
        (i, m, second)
    };
    let (r, rp, r2) = best(&ROWS);
    let (c, cp, c2) = best(&COLS);
    let total = power(samples);
    // Each tone clearly above its neighbours and carrying most of the signal.
    let clear = rp > 8.0 * r2 && cp > 8.0 * c2 && (rp + cp) * 2.0 > 0.5 * total && total > 1e4;
    clear.then(|| Digit::from_char(KEYS[r][c])).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_levels() {
        assert_eq!(sine(440.0, 1000.0, 20).len(), 160);
        assert_eq!(silence(1000).len(), 8000);
        assert_eq!(ringback().len(), 40_000);
        let p = power(&sine(1000.0, 1000.0, 100));
        assert!(
            (p - 500_000.0).abs() < 5_000.0,
            "a sine's power is A²/2: {p}"
        );
        assert_eq!(power(&silence(10)), 0.0);
        let moh = music_on_hold();
        assert_eq!(moh.len(), 64_000);
        assert_eq!(moh[0], 0);
        assert!(
            moh.last().unwrap().abs() < 200,
            "no click at the loop point"
        );
    }

    #[test]
    fn every_key_is_detected_from_its_tone_and_noise_is_not_a_key() {
        for c in "0123456789*#ABCD".chars() {
            let d = Digit::from_char(c).unwrap();
            assert_eq!(detect_dtmf(&dtmf(d, 60)), Some(d), "key {c}");
        }
        assert_eq!(detect_dtmf(&silence(60)), None);
        assert_eq!(detect_dtmf(&sine(1000.0, 8000.0, 60)), None);
        assert_eq!(detect_dtmf(&music_on_hold()[..480]), None);
    }
}
