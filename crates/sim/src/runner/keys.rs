//! The simulator's pending events, as a 4-ary min-heap of 8-byte keys.
//!
//! A day pops about as many events as it pushes, and a pop walks from the
//! root to a leaf: the walk is a chain of dependent loads, so its length is
//! what costs. Four children a node halve the levels of a binary heap; the
//! four lie side by side and their least is found with compares that do not
//! branch on the data, so a level costs little more than a binary one.

/// A min-heap of `u64` keys (see the [module](self)).
#[derive(Debug, Default)]
pub(super) struct KeyHeap {
    keys: Vec<u64>,
}

impl KeyHeap {
    pub(super) fn with_capacity(n: usize) -> Self {
        KeyHeap {
            keys: Vec::with_capacity(n),
        }
    }

    /// The least key.
    #[inline]
    pub(super) fn peek(&self) -> Option<u64> {
        self.keys.first().copied()
    }

    pub(super) fn push(&mut self, key: u64) {
        let mut i = self.keys.len();
        self.keys.push(key);
        while i > 0 {
            let parent = (i - 1) / 4;
            let p = self.keys[parent];
            if p <= key {
                break;
            }
            self.keys[i] = p;
            i = parent;
        }
        self.keys[i] = key;
    }

    /// Takes the least key out.
    pub(super) fn pop(&mut self) -> Option<u64> {
        let last = self.keys.pop()?;
        let Some(&top) = self.keys.first() else {
            return Some(last);
        };
        let keys = &mut self.keys[..];
        let n = keys.len();
        // The hole left at the root goes down along the least children to
        // the bottom (the last key, which fills it, nearly always belongs
        // low)…
        let mut hole = 0;
        let mut first = 1;
        while first + 4 <= n {
            let c: [u64; 4] = keys[first..first + 4].try_into().expect("four children");
            let (a, ia) = if c[1] < c[0] { (c[1], 1) } else { (c[0], 0) };
            let (b, ib) = if c[3] < c[2] { (c[3], 3) } else { (c[2], 2) };
            let (least, at) = if b < a { (b, ib) } else { (a, ia) };
            keys[hole] = least;
            hole = first + at;
            first = 4 * hole + 1;
        }
        if first < n {
            let mut at = first;
            for j in first + 1..n {
                if keys[j] < keys[at] {
                    at = j;
                }
            }
            keys[hole] = keys[at];
            hole = at;
        }
        // …and the last key climbs back from there to its place.
        while hole > 0 {
            let parent = (hole - 1) / 4;
            let p = keys[parent];
            if p <= last {
                break;
            }
            keys[hole] = p;
            hole = parent;
        }
        keys[hole] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn keys_come_out_in_order_whatever_the_mix_of_pushes_and_pops() {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        for round in 0..200 {
            let mut heap = KeyHeap::with_capacity(0);
            let mut model = std::collections::BinaryHeap::new();
            let spread = if round % 2 == 0 { 50 } else { u64::MAX };
            for _ in 0..2000 {
                if rng.random::<f64>() < 0.55 {
                    let k = rng.random_range(0..spread);
                    heap.push(k);
                    model.push(std::cmp::Reverse(k));
                } else {
                    assert_eq!(heap.pop(), model.pop().map(|r| r.0));
                }
                assert_eq!(heap.peek(), model.peek().map(|r| r.0));
            }
            while let Some(k) = heap.pop() {
                assert_eq!(Some(k), model.pop().map(|r| r.0));
            }
            assert!(model.is_empty());
        }
    }
}
