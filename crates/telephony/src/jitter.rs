//! A playout (jitter) buffer for one RTP stream of fixed-size frames.
//!
//! Packets go in as they arrive, in any order; one frame comes out per
//! 20 ms tick, `depth` frames behind the newest, so packets that arrive a
//! little late or out of order still play in order. Duplicates and packets
//! that arrive after their turn are dropped; a missing frame is reported as
//! lost so the caller can conceal it (repeat the last frame or play silence).

use std::collections::BTreeMap;

/// What the buffer plays at a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// Nothing has arrived yet (or the stream stopped and the buffer ran dry).
    Idle,
    /// The frame with this sequence number.
    Frame(u16, Vec<u8>),
    /// This frame never came in time.
    Lost(u16),
}

/// Counters of what the buffer saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JitterStats {
    /// Frames played.
    pub played: u64,
    /// Frames lost (never arrived, or too late).
    pub lost: u64,
    /// Packets that came after their turn.
    pub late: u64,
    /// Packets seen twice.
    pub duplicate: u64,
}

/// The buffer.
#[derive(Debug, Clone)]
pub struct JitterBuffer {
    depth: u64,
    /// Frames waiting, by extended sequence number.
    frames: BTreeMap<u64, Vec<u8>>,
    /// Next extended sequence number to play.
    next: Option<u64>,
    /// Highest extended sequence number seen.
    highest: Option<u64>,
    /// Ticks with nothing to play in a row (to stop reporting losses when the stream ends).
    starved: u32,
    stats: JitterStats,
}

/// Ticks of loss after which a silent stream is considered stopped.
const STOPPED_AFTER: u32 = 10;
/// Frames held at most (a sender far ahead is cut back).
const MAX_FRAMES: usize = 500;

impl JitterBuffer {
    /// A buffer that plays `depth` frames behind the newest (2–3 is typical: 40–60 ms).
    pub fn new(depth: u16) -> Self {
        JitterBuffer {
            depth: u64::from(depth),
            frames: BTreeMap::new(),
            next: None,
            highest: None,
            starved: 0,
            stats: JitterStats::default(),
        }
    }

    /// What it saw so far.
    pub fn stats(&self) -> JitterStats {
        self.stats
    }

    /// Extends a 16-bit sequence number to the one nearest the highest seen.
    fn extend(&self, seq: u16) -> u64 {
        let Some(h) = self.highest else {
            return (1 << 16) + u64::from(seq);
        };
        let base = h & !0xFFFF;
        let candidates = [
            base.wrapping_sub(1 << 16) + u64::from(seq),
            base + u64::from(seq),
            base + (1 << 16) + u64::from(seq),
        ];
        *candidates
            .iter()
            .min_by_key(|c| c.abs_diff(h))
            .expect("three candidates")
    }

    /// A packet arrived.
    pub fn push(&mut self, seq: u16, payload: &[u8]) {
        let ext = self.extend(seq);
        if self.next.is_some_and(|n| ext < n) {
            self.stats.late += 1;
            return;
        }
        if self.frames.contains_key(&ext) {
            self.stats.duplicate += 1;
            return;
        }
        self.frames.insert(ext, payload.to_vec());
        self.highest = Some(self.highest.map_or(ext, |h| h.max(ext)));
        while self.frames.len() > MAX_FRAMES {
            let (&first, _) = self.frames.iter().next().expect("not empty");
            self.frames.remove(&first);
            self.next = Some(first + 1);
        }
    }

    /// One 20 ms tick: the frame to play.
    pub fn pop(&mut self) -> Playout {
        let Some(highest) = self.highest else {
            return Playout::Idle;
        };
        let next = match self.next {
            Some(n) => n,
            None => {
                // Start once `depth` frames are buffered behind the newest.
                let first = *self.frames.keys().next().expect("something arrived");
                if highest < first + self.depth {
                    return Playout::Idle;
                }
                first
            }
        };
        if next > highest {
            self.starved += 1;
            if self.starved > STOPPED_AFTER {
                return Playout::Idle;
            }
            self.next = Some(next + 1);
            self.stats.lost += 1;
            return Playout::Lost(next as u16);
        }
        self.starved = 0;
        self.next = Some(next + 1);
        match self.frames.remove(&next) {
            Some(f) => {
                self.stats.played += 1;
                Playout::Frame(next as u16, f)
            }
            None => {
                self.stats.lost += 1;
                Playout::Lost(next as u16)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seqs(out: &[Playout]) -> Vec<String> {
        out.iter()
            .map(|p| match p {
                Playout::Idle => "-".into(),
                Playout::Frame(s, _) => s.to_string(),
                Playout::Lost(s) => format!("x{s}"),
            })
            .collect()
    }

    #[test]
    fn reorders_within_the_depth() {
        let mut jb = JitterBuffer::new(2);
        let mut out = Vec::new();
        for s in [10u16, 12, 11, 13, 15, 14] {
            jb.push(s, &[s as u8]);
            out.push(jb.pop());
        }
        for _ in 0..3 {
            out.push(jb.pop());
        }
        assert_eq!(
            seqs(&out),
            ["-", "10", "11", "12", "13", "14", "15", "x16", "x17"]
        );
    }

    #[test]
    fn drops_late_and_duplicate_and_reports_losses() {
        let mut jb = JitterBuffer::new(1);
        jb.push(1, &[1]);
        jb.push(2, &[2]);
        assert_eq!(jb.pop(), Playout::Frame(1, vec![1]));
        jb.push(2, &[2]);
        jb.push(4, &[4]);
        assert_eq!(jb.pop(), Playout::Frame(2, vec![2]));
        assert_eq!(jb.pop(), Playout::Lost(3));
        jb.push(3, &[3]); // after its turn
        assert_eq!(jb.pop(), Playout::Frame(4, vec![4]));
        let s = jb.stats();
        assert_eq!((s.played, s.lost, s.late, s.duplicate), (3, 1, 1, 1));
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut jb = JitterBuffer::new(1);
        let mut played = Vec::new();
        for s in (65_530u32..65_545).map(|s| (s % 65_536) as u16) {
            jb.push(s, &[]);
            if let Playout::Frame(n, _) = jb.pop() {
                played.push(n);
            }
        }
        assert_eq!(played.len(), 14);
        assert!(played.windows(2).all(|w| w[1] == w[0].wrapping_add(1)));
    }

    #[test]
    fn a_stopped_stream_goes_idle() {
        let mut jb = JitterBuffer::new(1);
        jb.push(1, &[]);
        jb.push(2, &[]);
        let out: Vec<_> = (0..20).map(|_| jb.pop()).collect();
        assert_eq!(out.last(), Some(&Playout::Idle));
        assert!(jb.stats().lost <= u64::from(STOPPED_AFTER));
    }
}
