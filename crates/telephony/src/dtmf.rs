//! DTMF digits: RFC 4733 telephone-events in RTP, both ways, and the SIP INFO
//! bodies some phones send instead (`application/dtmf-relay`, `application/dtmf`).
//!
//! An RFC 4733 event is a run of packets sharing one RTP timestamp; the
//! first carries the marker bit, the last three repeat the end bit. The
//! receiver reports each event once, when it ends (or when the next event
//! starts, if every end packet was lost).

/// A DTMF key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digit(u8);

impl Digit {
    /// The digit of a key: `0`–`9`, `*`, `#`, `A`–`D`.
    pub fn from_char(c: char) -> Option<Digit> {
        let code = match c {
            '0'..='9' => c as u8 - b'0',
            '*' => 10,
            '#' => 11,
            'A'..='D' => c as u8 - b'A' + 12,
            'a'..='d' => c as u8 - b'a' + 12,
            _ => return None,
        };
        Some(Digit(code))
    }

    /// The digit of an RFC 4733 event code (0–15).
    pub fn from_event(code: u8) -> Option<Digit> {
        (code < 16).then_some(Digit(code))
    }

    /// Its RFC 4733 event code.
    pub fn event(self) -> u8 {
        self.0
    }

    /// Its key.
    pub fn as_char(self) -> char {
        match self.0 {
            0..=9 => (b'0' + self.0) as char,
            10 => '*',
            11 => '#',
            _ => (b'A' + self.0 - 12) as char,
        }
    }

    /// The two frequencies (Hz) of its in-band tone: row, column.
    pub fn frequencies(self) -> (f32, f32) {
        const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
        const COLS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
        let (r, c) = match self.as_char() {
            '1' => (0, 0),
            '2' => (0, 1),
            '3' => (0, 2),
            'A' => (0, 3),
            '4' => (1, 0),
            '5' => (1, 1),
            '6' => (1, 2),
            'B' => (1, 3),
            '7' => (2, 0),
            '8' => (2, 1),
            '9' => (2, 2),
            'C' => (2, 3),
            '*' => (3, 0),
            '0' => (3, 1),
            '#' => (3, 2),
            _ => (3, 3),
        };
        (ROWS[r], COLS[c])
    }
}

impl std::fmt::Display for Digit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

/// Why a telephone-event payload or INFO body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DtmfError {
    /// Not the 4 bytes of RFC 4733.
    #[error("telephone-event payload of {0} bytes (4 expected)")]
    Length(usize),
    /// An event that is not a DTMF key (RFC 4733 also carries other tones).
    #[error("telephone-event code {0} is not a DTMF key")]
    NotDtmf(u8),
    /// An INFO body without a usable `Signal`.
    #[error("SIP INFO body has no DTMF signal: {0:?}")]
    Info(String),
}

/// One RFC 4733 payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// The key.
    pub digit: Digit,
    /// End bit.
    pub end: bool,
    /// Volume, 0 to 63 (−dBm0).
    pub volume: u8,
    /// Duration so far, in samples.
    pub duration: u16,
}

impl TelephoneEvent {
    /// Reads a payload.
    pub fn parse(payload: &[u8]) -> Result<TelephoneEvent, DtmfError> {
        let &[code, flags, d0, d1] = payload else {
            return Err(DtmfError::Length(payload.len()));
        };
        Ok(TelephoneEvent {
            digit: Digit::from_event(code).ok_or(DtmfError::NotDtmf(code))?,
            end: flags & 0x80 != 0,
            volume: flags & 0x3F,
            duration: u16::from_be_bytes([d0, d1]),
        })
    }

    /// The 4-byte payload.
    pub fn to_bytes(self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.digit.event(),
            (u8::from(self.end) << 7) | (self.volume & 0x3F),
            d[0],
            d[1],
        ]
    }
}

/// Turns telephone-event packets into digits, each once.
#[derive(Debug, Default, Clone)]
pub struct DtmfReceiver {
    /// The event in progress: its RTP timestamp and digit, and whether it was reported.
    current: Option<(u32, Digit, bool)>,
}

impl DtmfReceiver {
    /// A receiver with nothing in progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one telephone-event packet (its RTP timestamp and payload) and
    /// returns the digits it completes: usually none or one, two when an
    /// event whose end was lost is followed by a new one.
    pub fn receive(&mut self, timestamp: u32, payload: &[u8]) -> Result<Vec<Digit>, DtmfError> {
        let ev = TelephoneEvent::parse(payload)?;
        let mut done = Vec::new();
        match self.current {
            Some((ts, _, _)) if ts == timestamp => {}
            Some((_, digit, reported)) => {
                if !reported {
                    done.push(digit);
                }
                self.current = Some((timestamp, ev.digit, false));
            }
            None => self.current = Some((timestamp, ev.digit, false)),
        }
        if ev.end
            && let Some((_, digit, reported)) = self.current.as_mut()
            && !*reported
        {
            *reported = true;
            done.push(*digit);
        }
        Ok(done)
    }

    /// Reports an event still open when the stream stops (its end never came).
    pub fn flush(&mut self) -> Option<Digit> {
        match self.current.take() {
            Some((_, digit, false)) => Some(digit),
            _ => None,
        }
    }
}

/// The telephone-event payloads that send one key: every 20 ms while it is
/// held, then the end three times (RFC 4733 §2.5.1.4). All share the event's
/// RTP timestamp; the first carries the marker bit.
pub fn event_payloads(digit: Digit, duration_ms: u32, volume: u8) -> Vec<(bool, [u8; 4])> {
    let total = (duration_ms * crate::SAMPLE_RATE / 1000).clamp(160, u32::from(u16::MAX)) as u16;
    let mut out = Vec::new();
    let mut d = 160u16;
    while d < total {
        let ev = TelephoneEvent {
            digit,
            end: false,
            volume,
            duration: d,
        };
        out.push((out.is_empty(), ev.to_bytes()));
        d = d.saturating_add(160);
    }
    for _ in 0..3 {
        let ev = TelephoneEvent {
            digit,
            end: true,
            volume,
            duration: total,
        };
        out.push((out.is_empty(), ev.to_bytes()));
    }
    out
}

/// Reads a SIP INFO body: `Signal=5\r\nDuration=160` (`application/dtmf-relay`)
/// or a bare `5` (`application/dtmf`).
pub fn parse_info(body: &str) -> Result<Digit, DtmfError> {
    let bad = || DtmfError::Info(body.chars().take(40).collect());
    let signal = body
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            k.trim().eq_ignore_ascii_case("signal").then(|| v.trim())
        })
        .unwrap_or_else(|| body.trim());
    let mut chars = signal.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Digit::from_char(c).ok_or_else(bad),
        // Some phones send the event number ("10" for *, "11" for #).
        _ => signal
            .parse::<u8>()
            .ok()
            .and_then(Digit::from_event)
            .ok_or_else(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(c: char) -> Digit {
        Digit::from_char(c).unwrap()
    }

    #[test]
    fn keys_and_codes() {
        for (i, c) in "0123456789*#ABCD".chars().enumerate() {
            assert_eq!(d(c).event(), i as u8);
            assert_eq!(d(c).as_char(), c);
        }
        assert_eq!(Digit::from_char('x'), None);
        assert_eq!(d('5').frequencies(), (770.0, 1336.0));
    }

    #[test]
    fn one_key_is_reported_once_despite_repeated_ends() {
        let mut rx = DtmfReceiver::new();
        let mut got = Vec::new();
        for (_, p) in event_payloads(d('7'), 120, 10) {
            got.extend(rx.receive(1000, &p).unwrap());
        }
        for (_, p) in event_payloads(d('#'), 80, 10) {
            got.extend(rx.receive(3000, &p).unwrap());
        }
        assert_eq!(got, vec![d('7'), d('#')]);
        assert_eq!(rx.flush(), None);
    }

    #[test]
    fn a_lost_end_is_reported_when_the_next_key_starts() {
        let mut rx = DtmfReceiver::new();
        let one = event_payloads(d('1'), 100, 10);
        let mut got = Vec::new();
        for (_, p) in one.iter().filter(|(_, p)| p[1] & 0x80 == 0) {
            got.extend(rx.receive(500, p).unwrap());
        }
        assert!(got.is_empty());
        for (_, p) in event_payloads(d('2'), 100, 10) {
            got.extend(rx.receive(2000, &p).unwrap());
        }
        assert_eq!(got, vec![d('1'), d('2')]);
    }

    #[test]
    fn the_same_key_twice_is_two_events() {
        let mut rx = DtmfReceiver::new();
        let mut got = Vec::new();
        for ts in [100, 900] {
            for (_, p) in event_payloads(d('3'), 60, 10) {
                got.extend(rx.receive(ts, &p).unwrap());
            }
        }
        assert_eq!(got, vec![d('3'), d('3')]);
    }

    #[test]
    fn payload_shape() {
        let p = event_payloads(d('9'), 100, 10);
        assert!(p[0].0, "the first packet has the marker");
        assert!(p.iter().skip(1).all(|(m, _)| !m));
        let ends: Vec<_> = p.iter().filter(|(_, b)| b[1] & 0x80 != 0).collect();
        assert_eq!(ends.len(), 3);
        assert_eq!(TelephoneEvent::parse(&ends[0].1).unwrap().duration, 800);
        assert_eq!(TelephoneEvent::parse(&[1, 2, 3]), Err(DtmfError::Length(3)));
        assert_eq!(
            TelephoneEvent::parse(&[40, 0, 0, 0]),
            Err(DtmfError::NotDtmf(40))
        );
    }

    #[test]
    fn sip_info_bodies() {
        assert_eq!(parse_info("Signal=5\r\nDuration=160\r\n"), Ok(d('5')));
        assert_eq!(parse_info("signal= #\nduration=100"), Ok(d('#')));
        assert_eq!(parse_info("Signal=10\r\n"), Ok(d('*')));
        assert_eq!(parse_info("4"), Ok(d('4')));
        assert!(parse_info("Duration=160").is_err());
        assert!(parse_info("Signal=99").is_err());
        assert!(parse_info("").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(payload in prop::collection::vec(any::<u8>(), 0..8), ts: u32, body in ".{0,40}") {
            let mut rx = DtmfReceiver::new();
            let _ = rx.receive(ts, &payload);
            let _ = parse_info(&body);
        }
    }
}
