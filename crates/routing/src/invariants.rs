//! The engine's invariants, checked in full on demand.
//!
//! - an interaction is offered to at most one agent at a time, and each
//!   stage agrees with the agents' side;
//! - no agent exceeds its capacity, and voice exclusivity holds;
//! - inside a class, order is priority then arrival (the class's ordered set
//!   guarantees it; the check verifies every member has its right key);
//! - no ready agent is left ready while an interaction it is eligible for
//!   (and has not declined) waits.
//!
//! Final states are checked by whoever consumes the events (the simulator
//! counts exactly one `Ended` per created interaction).

use model::{Channel, Instant};

use crate::classes::{Stage, wait_key};
use crate::engine::Engine;
use crate::select::eligible;

impl Engine {
    /// Checks every invariant; the error says which one broke and where.
    /// Cost: O(interactions + agents × classes), for tests and the simulator.
    pub fn check_invariants(&self, _now: Instant) -> Result<(), String> {
        let mut waiting_per_queue = vec![0u32; self.queues.len()];
        let mut declined_per_class = vec![0u32; self.classes.len()];
        for (slot, it) in self.slots.iter().enumerate() {
            let Some(it) = it else { continue };
            let slot = slot as u32;
            if self.by_id.get(&it.id) != Some(&slot) {
                return Err(format!("interaction {} is not indexed at its slot", it.id));
            }
            if let Some(h) = it.held_by
                && !self.agents[h as usize].active.contains(&slot)
            {
                return Err(format!(
                    "interaction {} is held by an agent who does not have it",
                    it.id
                ));
            }
            match it.stage {
                Stage::Waiting { class } if class == u32::MAX => {
                    if it.held_by.is_none() {
                        return Err(format!("interaction {} is waiting in no class", it.id));
                    }
                }
                Stage::Waiting { class } => {
                    let q = &self.queues[it.queue.index()];
                    let k = wait_key(
                        i64::from(it.priority) + i64::from(q.priority),
                        q.aging_per_min,
                        it.arrived_at,
                        it.seq,
                        slot,
                    );
                    let c = &self.classes[class as usize];
                    if !c.waiting.contains(&k)
                        || c.key.queue != it.queue
                        || c.key.channel != it.channel
                    {
                        return Err(format!(
                            "interaction {} is not in its class with its key",
                            it.id
                        ));
                    }
                    waiting_per_queue[it.queue.index()] += 1;
                    declined_per_class[class as usize] += u32::from(!it.declined().is_empty());
                }
                Stage::Offered { agent, .. } => {
                    if self.agents[agent as usize].offer != Some(slot) {
                        return Err(format!(
                            "interaction {} is offered to agent {agent} who does not know",
                            it.id
                        ));
                    }
                }
                Stage::Connected { agent } => {
                    if !self.agents[agent as usize].active.contains(&slot) {
                        return Err(format!(
                            "interaction {} is connected to agent {agent} who does not hold it",
                            it.id
                        ));
                    }
                }
            }
        }
        for (i, c) in self.classes.iter().enumerate() {
            if c.head != c.waiting.first().copied() || c.declined != declined_per_class[i] {
                return Err(format!(
                    "class {i} keeps a stale head or count of declined interactions"
                ));
            }
        }
        let in_classes: usize = self.classes.iter().map(|c| c.waiting.len()).sum();
        if in_classes != waiting_per_queue.iter().map(|&n| n as usize).sum::<usize>() {
            return Err(format!(
                "{in_classes} entries in classes but {} waiting interactions",
                waiting_per_queue.iter().sum::<u32>()
            ));
        }
        let (counted, waiting) = (self.stats().waiting, waiting_per_queue.iter().sum::<u32>());
        if counted != u64::from(waiting) {
            return Err(format!(
                "{counted} interactions counted waiting in all, {waiting} are"
            ));
        }
        for (q, &n) in waiting_per_queue.iter().enumerate() {
            if self.waiting_in(model::QueueId(q as u32)) != n {
                return Err(format!(
                    "queue {q} counts {} waiting, {n} are",
                    self.waiting_in(model::QueueId(q as u32))
                ));
            }
        }
        let mut offered = std::collections::HashSet::new();
        for (ai, a) in self.agents.iter().enumerate() {
            if let Some(slot) = a.offer {
                if !offered.insert(slot) {
                    return Err(format!("interaction slot {slot} is offered to two agents"));
                }
                match self.slots[slot as usize].as_ref().map(|it| it.stage) {
                    Some(Stage::Offered { agent, .. }) if agent as usize == ai => {}
                    _ => {
                        return Err(format!(
                            "agent {ai} rings for an interaction not offered to them"
                        ));
                    }
                }
            }
            let mut load = [0u8; Channel::COUNT];
            let mut voice = 0;
            for &slot in &a.active {
                let Some(it) = self.slots[slot as usize].as_ref() else {
                    return Err(format!("agent {ai} holds an ended interaction"));
                };
                load[it.channel.index()] += 1;
                voice += u8::from(it.channel.is_voice());
            }
            if load != a.load || voice != a.voice_active {
                return Err(format!(
                    "agent {ai} load {:?} does not match what they hold {load:?}",
                    a.load
                ));
            }
            if let Some(c) = Channel::ALL
                .into_iter()
                .find(|c| a.load[c.index()] > a.cfg.capacity[c.index()])
            {
                return Err(format!("agent {ai} exceeds capacity on {c}"));
            }
            if a.cfg.voice_exclusive && voice > 0 && a.active.len() > 1 {
                return Err(format!("agent {ai} has voice and other work at once"));
            }
            let routable = a.routable();
            if a.indexed_at.is_some() != routable {
                return Err(format!("agent {ai} ready index disagrees with routability"));
            }
            // Work conservation.
            if routable {
                for c in &self.classes {
                    if !eligible(a, &c.key) {
                        continue;
                    }
                    if let Some(k) = c.waiting.iter().find(|k| {
                        self.slots[k.3 as usize]
                            .as_ref()
                            .is_some_and(|it| !it.declined().contains(&a.id()))
                    }) {
                        let it = self.slots[k.3 as usize].as_ref().expect("checked");
                        return Err(format!(
                            "agent {ai} is ready while interaction {} they may take waits in queue {}",
                            it.id, it.queue
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
