//! The engine's timers: one ordered queue, built for the way a contact
//! center arms them.
//!
//! Nearly every timer is "now + a fixed delay of one queue": the ring timeout
//! of an offer, the wrap-up, the maximum wait, the end of a timed step. Timers
//! of one such *lane* are armed in time order, so each lane is a FIFO list,
//! and only the lanes' fronts need a heap (a few dozen entries that stay in
//! cache, instead of one entry per waiting interaction). A timer that would
//! not keep its lane in order (a step timer of an interaction that kept an
//! older place in line, a queue whose delay was just changed), or that has no
//! lane, goes to a general heap.
//!
//! Timers come out in exactly `(at, seq)` order, `seq` being the order they
//! were armed in, whichever structure holds them: the engine stays
//! deterministic and behaves as with one heap.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use model::Instant;

use crate::engine::BuildIdHasher;

/// What a timer carries besides its time and sequence.
pub(crate) trait Stamped: Copy {
    /// When it is due.
    fn at(&self) -> Instant;
    /// The order it was armed in (unique).
    fn seq(&self) -> u64;
}

/// An ordered queue of timers with FIFO lanes.
#[derive(Debug)]
pub(crate) struct TimerQueue<T> {
    general: BinaryHeap<Reverse<Keyed<T>>>,
    lanes: Vec<VecDeque<T>>,
    lane_of: HashMap<u64, u32, BuildIdHasher>,
    /// One entry per non-empty lane: its front's `(at, seq)`.
    fronts: BinaryHeap<Reverse<(Instant, u64, u32)>>,
}

/// A timer ordered by `(at, seq)` only.
#[derive(Debug, Clone, Copy)]
struct Keyed<T>(T);

impl<T: Stamped> PartialEq for Keyed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.seq() == other.0.seq()
    }
}
impl<T: Stamped> Eq for Keyed<T> {}
impl<T: Stamped> PartialOrd for Keyed<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T: Stamped> Ord for Keyed<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0.at(), self.0.seq()).cmp(&(other.0.at(), other.0.seq()))
    }
}

impl<T: Stamped> Default for TimerQueue<T> {
    fn default() -> Self {
        TimerQueue {
            general: BinaryHeap::new(),
            lanes: Vec::new(),
            lane_of: HashMap::default(),
            fronts: BinaryHeap::new(),
        }
    }
}

impl<T: Stamped> TimerQueue<T> {
    /// Arms `t`; `lane` names the fixed-delay stream it belongs to, if any.
    pub(crate) fn push(&mut self, lane: Option<u64>, t: T) {
        let Some(key) = lane else {
            self.general.push(Reverse(Keyed(t)));
            return;
        };
        let next = self.lanes.len() as u32;
        let li = *self.lane_of.entry(key).or_insert(next);
        if li == next {
            self.lanes.push(VecDeque::new());
        }
        let lane = &mut self.lanes[li as usize];
        match lane.back() {
            Some(back) if back.at() > t.at() => self.general.push(Reverse(Keyed(t))),
            Some(_) => lane.push_back(t),
            None => {
                lane.push_back(t);
                self.fronts.push(Reverse((t.at(), t.seq(), li)));
            }
        }
    }

    /// Drops the last timer armed in `lane` if `stale` says it is (one that
    /// would be skipped when due: an offer's ring timeout once the offer is
    /// accepted). Only a lane's back, and never its front (the index of
    /// fronts keeps pointing at it): an accepted offer's timer is nearly
    /// always the back, so a busy ring lane stops carrying one dead timer
    /// per offer until its timeout.
    pub(crate) fn drop_last(&mut self, lane: u64, stale: impl FnOnce(&T) -> bool) {
        let Some(&li) = self.lane_of.get(&lane) else {
            return;
        };
        let lane = &mut self.lanes[li as usize];
        if lane.len() >= 2 && lane.back().is_some_and(stale) {
            lane.pop_back();
        }
    }

    /// The next timer due, if any.
    pub(crate) fn peek(&self) -> Option<&T> {
        let lane = self
            .fronts
            .peek()
            .and_then(|Reverse((_, _, li))| self.lanes[*li as usize].front());
        let general = self.general.peek().map(|Reverse(Keyed(t))| t);
        match (lane, general) {
            (Some(l), Some(g)) => Some(if (l.at(), l.seq()) < (g.at(), g.seq()) {
                l
            } else {
                g
            }),
            (l, g) => l.or(g),
        }
    }

    /// Takes the next timer due, if any.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let lane_first = match (self.fronts.peek(), self.general.peek()) {
            (Some(Reverse((at, seq, _))), Some(Reverse(Keyed(g)))) => {
                (*at, *seq) < (g.at(), g.seq())
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !lane_first {
            return self.general.pop().map(|Reverse(Keyed(t))| t);
        }
        let Reverse((_, _, li)) = self.fronts.pop().expect("peeked");
        let lane = &mut self.lanes[li as usize];
        let t = lane.pop_front().expect("a lane in `fronts` is not empty");
        if let Some(f) = lane.front() {
            self.fronts.push(Reverse((f.at(), f.seq(), li)));
        }
        Some(t)
    }

    /// Timers armed and not yet taken (stale ones included).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.general.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct T(u64, u64);
    impl Stamped for T {
        fn at(&self) -> Instant {
            Instant::from_millis(self.0)
        }
        fn seq(&self) -> u64 {
            self.1
        }
    }

    #[test]
    fn drop_last_takes_a_stale_back_but_never_the_front() {
        let mut q = TimerQueue::default();
        q.push(Some(1), T(10, 1));
        q.drop_last(1, |_| true);
        assert_eq!(
            q.len(),
            1,
            "the front stays: the index of fronts points at it"
        );
        q.push(Some(1), T(11, 2));
        q.push(Some(1), T(12, 3));
        q.drop_last(1, |t| t.1 == 2);
        assert_eq!(q.len(), 3, "not the back: kept");
        q.drop_last(1, |t| t.1 == 3);
        q.drop_last(2, |_| true);
        assert_eq!(q.pop(), Some(T(10, 1)));
        assert_eq!(q.pop(), Some(T(11, 2)));
        assert_eq!(q.pop(), None);
    }

    proptest! {
        /// Whatever the lanes, timers come out in (at, seq) order, as from one heap.
        #[test]
        fn same_order_as_one_heap(
            ops in prop::collection::vec((0u64..4, 0u64..50, prop::option::of(0u64..3), any::<bool>()), 1..300)
        ) {
            let mut q = TimerQueue::default();
            let mut reference = BinaryHeap::new();
            let mut now = 0u64;
            for (seq, (step, delay, lane, pop)) in ops.into_iter().enumerate() {
                now += step;
                if pop {
                    let want = reference.pop().map(|Reverse((a, s))| T(a, s));
                    prop_assert_eq!(q.peek().copied(), want);
                    prop_assert_eq!(q.pop(), want);
                } else {
                    // Lane k delays by 10·k (+ noise on lane 2, to break its order sometimes).
                    let at = now + lane.map_or(delay, |k| 10 * k + if k == 2 { delay % 7 } else { 0 });
                    q.push(lane, T(at, seq as u64));
                    reference.push(Reverse((at, seq as u64)));
                }
                prop_assert_eq!(q.len(), reference.len());
            }
            while let Some(Reverse((a, s))) = reference.pop() {
                prop_assert_eq!(q.pop(), Some(T(a, s)));
            }
            prop_assert_eq!(q.pop(), None);
        }
    }
}
