//! The due queue of a campaign: which contact to call next, without ever
//! scanning the list.
//!
//! Contacts wait in one of three ordered sets: `timed` (not due yet, by due
//! time), `ready` (due, by class, list priority, retry-before-fresh, order key)
//! or `owned` (callbacks owned by one agent, per agent, by due time). Moving a
//! contact that became due from `timed` to `ready` and taking the next one are
//! O(log n).

use model::{AgentId, Instant};
use std::collections::{BTreeMap, BTreeSet};

/// The position of a due contact: smaller is called first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadyKey {
    /// 0 for callbacks, 1 for everything else.
    pub class: u8,
    /// The rank of its list by priority.
    pub list_rank: u16,
    /// 0 for a contact tried before (its retry is due), 1 for a fresh one.
    pub fresh: u8,
    /// The ordering key within that (load order or score).
    pub order: i64,
    /// The contact's index in its campaign.
    pub idx: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Timed(Instant, ReadyKey),
    Ready(ReadyKey),
    Owned(AgentId, Instant),
}

/// The due queue.
#[derive(Debug, Default)]
pub struct DueQueue {
    timed: BTreeSet<(Instant, u32)>,
    ready: BTreeSet<ReadyKey>,
    owned: BTreeMap<AgentId, BTreeSet<(Instant, u32)>>,
    /// Where each contact sits, by index.
    slots: Vec<Option<Slot>>,
}

impl DueQueue {
    /// Puts a contact in the queue (taking it out of where it was): due at
    /// `due`, owned by `owner` if that is set.
    pub fn insert(&mut self, key: ReadyKey, due: Instant, owner: Option<AgentId>, now: Instant) {
        self.remove(key.idx);
        let slot = match owner {
            Some(agent) => {
                self.owned.entry(agent).or_default().insert((due, key.idx));
                Slot::Owned(agent, due)
            }
            None if due <= now => {
                self.ready.insert(key);
                Slot::Ready(key)
            }
            None => {
                self.timed.insert((due, key.idx));
                Slot::Timed(due, key)
            }
        };
        let i = key.idx as usize;
        if self.slots.len() <= i {
            self.slots.resize(i + 1, None);
        }
        self.slots[i] = Some(slot);
    }

    /// Takes a contact out of the queue; whether it was in it.
    pub fn remove(&mut self, idx: u32) -> bool {
        let Some(slot) = self.slots.get_mut(idx as usize).and_then(Option::take) else {
            return false;
        };
        match slot {
            Slot::Timed(due, _) => {
                self.timed.remove(&(due, idx));
            }
            Slot::Ready(key) => {
                self.ready.remove(&key);
            }
            Slot::Owned(agent, due) => {
                if let Some(set) = self.owned.get_mut(&agent) {
                    set.remove(&(due, idx));
                    if set.is_empty() {
                        self.owned.remove(&agent);
                    }
                }
            }
        }
        true
    }

    /// Moves every contact due by `now` into the ready set.
    pub fn promote(&mut self, now: Instant) {
        while let Some(&(due, idx)) = self.timed.first() {
            if due > now {
                break;
            }
            self.timed.pop_first();
            if let Some(Some(Slot::Timed(_, key))) = self.slots.get(idx as usize).copied() {
                self.ready.insert(key);
                self.slots[idx as usize] = Some(Slot::Ready(key));
            }
        }
    }

    /// Takes the next due contact.
    pub fn pop_ready(&mut self) -> Option<u32> {
        let key = self.ready.pop_first()?;
        self.slots[key.idx as usize] = None;
        Some(key.idx)
    }

    /// Takes the next callback owned by `agent` that is due by `now`.
    pub fn pop_owned(&mut self, agent: AgentId, now: Instant) -> Option<u32> {
        let set = self.owned.get(&agent)?;
        let &(due, idx) = set.first()?;
        if due > now {
            return None;
        }
        self.remove(idx);
        Some(idx)
    }

    /// The next moment something becomes due after `now` (owned callbacks
    /// already due wait for their agent, so they set no timer).
    pub fn next_due(&self, now: Instant) -> Option<Instant> {
        let timed = self.timed.first().map(|(t, _)| *t);
        let after = Instant::from_millis(now.as_millis().saturating_add(1));
        let owned = self
            .owned
            .values()
            .filter_map(|s| s.range((after, 0)..).next().map(|(t, _)| *t))
            .min();
        timed.into_iter().chain(owned).min()
    }

    /// Contacts in the queue.
    pub fn len(&self) -> usize {
        self.timed.len() + self.ready.len() + self.owned.values().map(BTreeSet::len).sum::<usize>()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Contacts due now and not owned.
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(idx: u32, class: u8, rank: u16, order: i64) -> ReadyKey {
        ReadyKey {
            class,
            list_rank: rank,
            fresh: 1,
            order,
            idx,
        }
    }

    #[test]
    fn callbacks_then_list_priority_then_order() {
        let mut q = DueQueue::default();
        let now = Instant::from_millis(100);
        q.insert(key(0, 1, 1, 0), now, None, now);
        q.insert(key(1, 1, 0, 5), now, None, now);
        q.insert(key(2, 1, 0, 1), now, None, now);
        q.insert(key(3, 0, 9, 9), now, None, now);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop_ready()).collect();
        assert_eq!(order, vec![3, 2, 1, 0]);
    }

    #[test]
    fn a_timed_contact_becomes_ready_when_due_and_reinserting_moves_it() {
        let mut q = DueQueue::default();
        let t = Instant::from_millis;
        q.insert(key(0, 1, 0, 0), t(50), None, t(0));
        assert_eq!(q.next_due(t(0)), Some(t(50)));
        q.promote(t(49));
        assert_eq!(q.pop_ready(), None);
        q.insert(key(0, 1, 0, 0), t(80), None, t(0));
        assert_eq!(q.len(), 1);
        q.promote(t(80));
        assert_eq!(q.pop_ready(), Some(0));
        assert!(q.is_empty());
    }

    #[test]
    fn owned_callbacks_wait_for_their_agent() {
        let mut q = DueQueue::default();
        let t = Instant::from_millis;
        q.insert(key(4, 0, 0, 0), t(10), Some(AgentId(1)), t(0));
        assert_eq!(q.next_due(t(0)), Some(t(10)));
        assert_eq!(q.pop_owned(AgentId(1), t(5)), None);
        assert_eq!(
            q.next_due(t(10)),
            None,
            "a due owned callback sets no timer"
        );
        assert_eq!(q.pop_owned(AgentId(2), t(10)), None);
        assert_eq!(q.pop_owned(AgentId(1), t(10)), Some(4));
        assert!(q.is_empty());
    }
}
