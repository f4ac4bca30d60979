//! Interactions inside the engine and the eligibility classes they wait in.
//!
//! An eligibility class is every waiting interaction of one queue, step and
//! channel that needs the same agents (same skills at the same levels, same
//! team, or one named agent). Within a class, interactions are ordered by
//! priority and then by arrival, so the next one for any eligible agent is
//! the first of the class. Priority growth with waiting time is linear and
//! the same for a whole queue, which makes the order inside a queue fixed:
//! effective priority × 60,000 = `base × 60,000 + aging × (now − arrived_ms)`,
//! and dropping the common `aging × now` term leaves a key that never changes.

use std::collections::BTreeSet;

use model::{AgentId, Channel, Instant, InteractionId, Name, QueueId, TeamId};

use crate::agents::MaybeInstant;
use crate::config::SkillReq;

/// Where an interaction is in routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Waiting in `class`.
    Waiting { class: u32 },
    /// Ringing at an agent.
    Offered { agent: u32, until: Instant },
    /// Connected to an agent.
    Connected { agent: u32 },
}

/// The parts of an interaction most never have (see [`Interaction::rare`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rare {
    /// Skills added by plan rules, to every step.
    pub add_skills: Vec<SkillReq>,
    /// Agents who declined it; it is not offered to them again.
    pub declined: Vec<AgentId>,
    /// A named agent it waits for first, and until when.
    pub personal: Option<(AgentId, Option<Instant>)>,
}

/// An interaction routing is responsible for.
#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub id: InteractionId,
    pub channel: Channel,
    pub queue: QueueId,
    /// Base priority (before the queue's own priority and aging).
    pub priority: i32,
    /// The plan rule that chose its queue, for offer reasons.
    pub rule: Option<Name>,
    /// First arrival in routing: fixes the place in line.
    pub arrived_at: Instant,
    /// Tie-break among equal arrival instants: creation order.
    pub seq: u64,
    /// Entry into the current queue: timed steps and max wait count from here.
    pub queued_at: Instant,
    pub step: u16,
    pub stage: Stage,
    /// Guards timers: a timer carrying an older generation is stale.
    pub generation: u32,
    /// The generation when it entered its current queue (guards max-wait timers).
    pub queue_gen: u32,
    /// What most interactions never have (skills added by the plan,
    /// agents who declined, a named agent), behind one pointer: the record
    /// of every live interaction stays small enough for a large day's to
    /// share the second-level cache with the agents'.
    pub rare: Option<Box<Rare>>,
    /// During a consult transfer, the agent who keeps the customer meanwhile.
    pub held_by: Option<u32>,
    pub overflow_hops: u8,
    pub callback_offered: bool,
    /// When the current agent took it (handle-time estimates).
    pub connected_at: MaybeInstant,
}

impl Interaction {
    /// Skills added by plan rules, to every step.
    pub fn add_skills(&self) -> &[SkillReq] {
        self.rare.as_ref().map_or(&[], |r| &r.add_skills)
    }

    /// Agents who declined it.
    pub fn declined(&self) -> &[AgentId] {
        self.rare.as_ref().map_or(&[], |r| &r.declined)
    }

    /// The named agent it waits for first, and until when.
    pub fn personal(&self) -> Option<(AgentId, Option<Instant>)> {
        self.rare.as_ref().and_then(|r| r.personal)
    }

    /// Its rare parts, made when first needed.
    pub fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// Forgets the named agent.
    pub fn clear_personal(&mut self) {
        if let Some(r) = self.rare.as_mut() {
            r.personal = None;
        }
    }
}

/// What identifies an eligibility class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClassKey {
    pub queue: QueueId,
    pub step: u16,
    pub channel: Channel,
    /// Sorted by skill, one entry per skill (the highest level wins).
    pub reqs: Vec<SkillReq>,
    pub team: Option<TeamId>,
    pub agent: Option<AgentId>,
}

/// Ordering key of a waiting interaction: smaller is served first.
pub(crate) type WaitKey = (i64, Instant, u64, u32);

/// One eligibility class.
#[derive(Debug)]
pub(crate) struct Class {
    pub key: ClassKey,
    /// Change through [`Class::insert`] and [`Class::remove`], which keep
    /// `head` and `declined` true.
    pub waiting: BTreeSet<WaitKey>,
    /// The first of `waiting`, kept beside it: a freed agent compares the
    /// heads of every class it may serve, and reading this costs one cache
    /// line where the walk down a large tree costs several misses.
    pub head: Option<WaitKey>,
    /// Members that some agent declined: only while there are any must a
    /// freed agent look past the head for one it has not declined.
    pub declined: u32,
}

impl Class {
    pub fn new(key: ClassKey) -> Self {
        Class {
            key,
            waiting: BTreeSet::new(),
            head: None,
            declined: 0,
        }
    }

    /// Adds a waiting interaction; `declined` tells whether any agent declined it.
    pub fn insert(&mut self, k: WaitKey, declined: bool) {
        if self.waiting.insert(k) {
            if self.head.is_none_or(|h| k < h) {
                self.head = Some(k);
            }
            self.declined += u32::from(declined);
        }
    }

    /// Removes a waiting interaction, as inserted; false if it was not there.
    pub fn remove(&mut self, k: &WaitKey, declined: bool) -> bool {
        if !self.waiting.remove(k) {
            return false;
        }
        if self.head == Some(*k) {
            self.head = self.waiting.first().copied();
        }
        self.declined -= u32::from(declined);
        true
    }
}

impl ClassKey {
    /// Merges step requirements and rule-added ones: one entry per skill,
    /// at the highest level asked for, sorted.
    pub fn merged_reqs(step: &[SkillReq], added: &[SkillReq]) -> Vec<SkillReq> {
        let mut all: Vec<SkillReq> = step.iter().chain(added).copied().collect();
        all.sort_by(|a, b| a.skill.cmp(&b.skill).then(b.min.cmp(&a.min)));
        all.dedup_by_key(|r| r.skill);
        all
    }
}

/// The fixed part of the effective priority (see the module docs), negated so
/// that the smallest key is served first.
pub(crate) fn wait_key(
    priority: i64,
    aging_per_min: u32,
    arrived_at: Instant,
    seq: u64,
    slot: u32,
) -> WaitKey {
    let fixed = priority * 60_000 - i64::from(aging_per_min) * arrived_at.as_millis() as i64;
    (-fixed, arrived_at, seq, slot)
}
