//! Answering-machine detection from energy and cadence (`MachineDetection`).
//!
//! After an outbound call is answered, the first seconds of the callee's
//! audio tell a person from a machine by rhythm alone: a person says a short
//! "hello?" and waits; a machine plays a long greeting of many words. Each
//! 20 ms frame is voiced or silent by its energy; voiced runs of at least
//! `min_word_ms` are words.
//!
//! - a greeting followed by `after_greeting_silence_ms` of silence ⇒ **human**;
//! - more than `max_words` words, or talking longer than `greeting_ms` ⇒ **machine**;
//! - nothing said for `initial_silence_ms`, or no decision within
//!   `total_analysis_ms` ⇒ **not sure**, which the dialer treats as a person
//!   (connecting a machine to an agent costs seconds; hanging up on a person
//!   is a silent call, which the law counts against us).
//!
//! Its accuracy on a seeded synthetic corpus is measured by a test
//! (`crates/telephony/tests/amd.rs`); real greetings vary more, so the
//! thresholds are settings per campaign.

/// The detector's settings (milliseconds unless named otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmdSettings {
    /// Frame energy (RMS, linear 16-bit units) above which a frame is voiced.
    pub silence_threshold: f64,
    /// Silence before any word after which the callee is "not sure".
    pub initial_silence_ms: u32,
    /// Talking longer than this is a machine's greeting.
    pub greeting_ms: u32,
    /// Silence after the greeting that means a person is waiting for us.
    pub after_greeting_silence_ms: u32,
    /// The longest analysis.
    pub total_analysis_ms: u32,
    /// Shortest voiced run that counts as a word.
    pub min_word_ms: u32,
    /// Silence that separates words.
    pub between_words_silence_ms: u32,
    /// More words than this is a machine.
    pub max_words: u32,
}

impl Default for AmdSettings {
    fn default() -> Self {
        AmdSettings {
            silence_threshold: 256.0,
            initial_silence_ms: 2_500,
            greeting_ms: 1_500,
            after_greeting_silence_ms: 800,
            total_analysis_ms: 5_000,
            min_word_ms: 100,
            between_words_silence_ms: 50,
            max_words: 3,
        }
    }
}

/// What the detector decided, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A person.
    Human(&'static str),
    /// An answering machine or voicemail.
    Machine(&'static str),
    /// Could not tell (treated as a person).
    NotSure(&'static str),
}

impl Verdict {
    /// The reason, machine-readable.
    pub fn reason(self) -> &'static str {
        match self {
            Verdict::Human(r) | Verdict::Machine(r) | Verdict::NotSure(r) => r,
        }
    }

    /// Whether the call goes to an agent (a person, or not sure).
    pub fn connect(self) -> bool {
        !matches!(self, Verdict::Machine(_))
    }
}

/// The detector for one answered call: feed it the callee's audio.
#[derive(Debug, Clone)]
pub struct MachineDetection {
    s: AmdSettings,
    pending: Vec<i16>,
    elapsed_ms: u32,
    voiced_run_ms: u32,
    silence_run_ms: u32,
    in_word: bool,
    words: u32,
    greeting_started_ms: Option<u32>,
    verdict: Option<Verdict>,
}

const FRAME_MS: u32 = 20;

impl MachineDetection {
    /// A detector with these settings.
    pub fn new(s: AmdSettings) -> Self {
        MachineDetection {
            s,
            pending: Vec::with_capacity(crate::FRAME_SAMPLES),
            elapsed_ms: 0,
            voiced_run_ms: 0,
            silence_run_ms: 0,
            in_word: false,
            words: 0,
            greeting_started_ms: None,
            verdict: None,
        }
    }

    /// The verdict, once there is one.
    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict
    }

    /// Milliseconds of audio analysed.
    pub fn elapsed_ms(&self) -> u32 {
        self.elapsed_ms
    }

    /// Words heard so far.
    pub fn words(&self) -> u32 {
        self.words
    }

    /// Feeds audio (any length); returns the verdict as soon as there is one.
    pub fn feed(&mut self, samples: &[i16]) -> Option<Verdict> {
        for &x in samples {
            if self.verdict.is_some() {
                break;
            }
            self.pending.push(x);
            if self.pending.len() == crate::FRAME_SAMPLES {
                let rms = crate::tones::power(&self.pending).sqrt();
                self.pending.clear();
                self.frame(rms > self.s.silence_threshold);
            }
        }
        self.verdict
    }

    fn frame(&mut self, voiced: bool) {
        let s = self.s;
        self.elapsed_ms += FRAME_MS;
        if voiced {
            self.silence_run_ms = 0;
            self.voiced_run_ms += FRAME_MS;
            if !self.in_word && self.voiced_run_ms >= s.min_word_ms {
                self.in_word = true;
                self.words += 1;
                self.greeting_started_ms
                    .get_or_insert(self.elapsed_ms - self.voiced_run_ms);
                if self.words > s.max_words {
                    self.verdict = Some(Verdict::Machine("too_many_words"));
                    return;
                }
            }
            if let Some(start) = self.greeting_started_ms
                && self.elapsed_ms - start > s.greeting_ms
            {
                self.verdict = Some(Verdict::Machine("long_greeting"));
                return;
            }
        } else {
            self.voiced_run_ms = 0;
            self.silence_run_ms += FRAME_MS;
            if self.silence_run_ms >= s.between_words_silence_ms {
                self.in_word = false;
            }
            if self.words == 0 && self.silence_run_ms >= s.initial_silence_ms {
                self.verdict = Some(Verdict::NotSure("initial_silence"));
                return;
            }
            if self.words > 0 && self.silence_run_ms >= s.after_greeting_silence_ms {
                self.verdict = Some(Verdict::Human("short_greeting"));
                return;
            }
        }
        if self.elapsed_ms >= s.total_analysis_ms {
            self.verdict = Some(Verdict::NotSure("max_analysis_time"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tones::{silence, sine};

    fn word(ms: u32) -> Vec<i16> {
        sine(180.0, 6_000.0, ms)
    }

    fn run(parts: &[Vec<i16>]) -> Verdict {
        let mut d = MachineDetection::new(AmdSettings::default());
        for p in parts {
            if let Some(v) = d.feed(p) {
                return v;
            }
        }
        d.verdict().unwrap_or(Verdict::NotSure("ran_out"))
    }

    #[test]
    fn hello_then_silence_is_a_person() {
        let v = run(&[silence(400), word(500), silence(1_500)]);
        assert_eq!(v, Verdict::Human("short_greeting"));
        assert!(v.connect());
    }

    #[test]
    fn a_long_greeting_is_a_machine() {
        let v = run(&[silence(300), word(2_500)]);
        assert_eq!(v, Verdict::Machine("long_greeting"));
        assert!(!v.connect());
    }

    #[test]
    fn many_quick_words_are_a_machine() {
        let mut parts = vec![silence(200)];
        for _ in 0..5 {
            parts.push(word(150));
            parts.push(silence(100));
        }
        assert_eq!(run(&parts), Verdict::Machine("too_many_words"));
    }

    #[test]
    fn silence_is_not_sure_and_goes_to_an_agent() {
        let v = run(&[silence(3_000)]);
        assert_eq!(v, Verdict::NotSure("initial_silence"));
        assert!(v.connect());
    }

    #[test]
    fn clicks_shorter_than_a_word_are_not_words() {
        let v = run(&[word(40), silence(300), word(40), silence(2_500)]);
        assert_eq!(v, Verdict::NotSure("initial_silence"));
    }
}
