//! Agents inside the engine: their routing state, load per channel, and the
//! index of routable agents that offers are chosen from.
//!
//! The index keeps, per skill and proficiency level, the routable agents
//! ordered by the instant they became ready (longest idle first), so the
//! default strategy finds its agent by looking at the first entry of at most
//! ten ordered lines.

use std::collections::VecDeque;

use model::event::AgentState as PublicState;
use model::{AgentId, Channel, Instant, Proficiency, ReasonCode, SkillId, TeamId};
use smallvec::SmallVec;

use crate::config::AgentConfig;

/// Skills an agent's record holds without a separate allocation.
const SKILLS_INLINE: usize = 4;
/// Connected interactions an agent's record holds without a separate allocation.
const ACTIVE_INLINE: usize = 4;

/// An optional instant in 8 bytes (`Option<Instant>` takes 16): the
/// engine's agent and interaction records keep several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MaybeInstant(u64);

impl MaybeInstant {
    /// No instant.
    pub const NONE: MaybeInstant = MaybeInstant(u64::MAX);

    /// `at`; [`Instant::NEVER`] is kept as the millisecond before it.
    pub fn some(at: Instant) -> Self {
        MaybeInstant(at.as_millis().min(u64::MAX - 1))
    }

    pub fn get(self) -> Option<Instant> {
        (self.0 != u64::MAX).then_some(Instant::from_millis(self.0))
    }

    pub fn take(&mut self) -> Option<Instant> {
        std::mem::replace(self, Self::NONE).get()
    }

    pub fn is_some(self) -> bool {
        self.0 != u64::MAX
    }

    pub fn is_none(self) -> bool {
        self.0 == u64::MAX
    }
}

/// An agent's configuration as the engine keeps it: an [`AgentConfig`]
/// without its skills, and its teams in a boxed slice (32 bytes, not 64).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub id: AgentId,
    pub capacity: [u8; Channel::COUNT],
    pub voice_exclusive: bool,
    pub auto_answer: bool,
    pub teams: Box<[TeamId]>,
}

impl Settings {
    /// The settings and the skills of a configuration.
    pub fn split(
        cfg: AgentConfig,
    ) -> (Settings, SmallVec<[(SkillId, Proficiency); SKILLS_INLINE]>) {
        let AgentConfig {
            id,
            skills,
            teams,
            capacity,
            voice_exclusive,
            auto_answer,
        } = cfg;
        let settings = Settings {
            id,
            capacity,
            voice_exclusive,
            auto_answer,
            teams: teams.into_boxed_slice(),
        };
        (settings, SmallVec::from_vec(skills))
    }
}

/// An agent's live state.
///
/// Its skills and connected interactions are kept inline for the usual few
/// (a `SmallVec`, the size of a `Vec`): choosing, offering, connecting and
/// releasing an agent then reads one record, not two more allocations
/// elsewhere in the heap. On a large day the records of every agent and
/// every live interaction only just fit the second-level cache; each line
/// less counts.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    /// Its configuration, but for the skills (in [`Agent::skills`]).
    pub cfg: Settings,
    /// Skills and proficiency, sorted by skill, one entry a skill.
    pub skills: SmallVec<[(SkillId, Proficiency); SKILLS_INLINE]>,
    pub signed_in: bool,
    /// The agent asked to sign out and will once their work ends.
    pub signing_out: bool,
    pub not_ready: Option<ReasonCode>,
    /// After-contact work until this instant, and the timer generation guarding it.
    pub wrap_until: MaybeInstant,
    pub wrap_generation: u32,
    /// The interaction (slot) ringing for this agent, at most one at a time.
    pub offer: Option<u32>,
    /// Interactions connected to this agent (slots).
    pub active: SmallVec<[u32; ACTIVE_INLINE]>,
    pub load: [u8; Channel::COUNT],
    pub voice_active: u8,
    /// When the agent last became ready for work (longest-idle order).
    pub ready_since: Instant,
    /// Whether the agent is in the routable index now, and under which key.
    pub indexed_at: MaybeInstant,
    pub last_offer: Instant,
    pub contacts: u32,
    pub signed_in_at: Instant,
    pub busy_since: MaybeInstant,
    pub busy_ms: u64,
    /// The kind of state last published, to emit a change only when it
    /// changes (one byte, not the state: the reason of a not-ready state is
    /// `not_ready`, and `reason_changed` says it changed since).
    pub published: StateKind,
    /// `not_ready` changed since the state was last published.
    pub reason_changed: bool,
}

/// The kind of an agent's public state, without its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateKind {
    Offline,
    Available,
    NotReady,
    Reserved,
    Busy,
    WrapUp,
}

impl StateKind {
    pub fn of(state: &PublicState) -> StateKind {
        match state {
            PublicState::Offline => StateKind::Offline,
            PublicState::Available => StateKind::Available,
            PublicState::NotReady(_) => StateKind::NotReady,
            PublicState::Reserved => StateKind::Reserved,
            PublicState::Busy => StateKind::Busy,
            PublicState::WrapUp => StateKind::WrapUp,
        }
    }
}

impl Agent {
    /// An agent of `cfg`, whose skills must be sorted with one entry a skill.
    pub fn new(cfg: AgentConfig) -> Self {
        let (cfg, skills) = Settings::split(cfg);
        Agent {
            cfg,
            skills,
            signed_in: false,
            signing_out: false,
            not_ready: None,
            wrap_until: MaybeInstant::NONE,
            wrap_generation: 0,
            offer: None,
            active: SmallVec::new(),
            load: [0; Channel::COUNT],
            voice_active: 0,
            ready_since: Instant::ZERO,
            indexed_at: MaybeInstant::NONE,
            last_offer: Instant::ZERO,
            contacts: 0,
            signed_in_at: Instant::ZERO,
            busy_since: MaybeInstant::NONE,
            busy_ms: 0,
            published: StateKind::Offline,
            reason_changed: false,
        }
    }

    pub fn id(&self) -> AgentId {
        self.cfg.id
    }

    /// Proficiency in a skill, 0 when the agent lacks it.
    pub fn level(&self, skill: SkillId) -> u8 {
        self.skills
            .iter()
            .find(|(s, _)| *s == skill)
            .map_or(0, |(_, p)| p.get())
    }

    pub fn in_team(&self, team: TeamId) -> bool {
        self.cfg.teams.contains(&team)
    }

    /// Whether routing may offer the agent anything at all.
    pub fn routable(&self) -> bool {
        self.signed_in
            && !self.signing_out
            && self.not_ready.is_none()
            && self.wrap_until.is_none()
            && self.offer.is_none()
            && self.has_capacity()
    }

    fn has_capacity(&self) -> bool {
        // With nothing on hand, any channel with room at all fits (the
        // usual case when this is asked: an agent just freed).
        if self.active.is_empty() {
            return self.cfg.capacity.iter().any(|&c| c > 0);
        }
        Channel::ALL.iter().any(|&c| self.fits(c))
    }

    /// Whether one more interaction of `channel` fits the agent's load.
    pub fn fits(&self, channel: Channel) -> bool {
        let i = channel.index();
        if self.load[i] >= self.cfg.capacity[i] {
            return false;
        }
        if self.cfg.voice_exclusive {
            let total = self.active.len();
            if channel.is_voice() {
                total == 0
            } else {
                self.voice_active == 0
            }
        } else {
            true
        }
    }

    pub fn occupancy(&self, now: Instant) -> f64 {
        let busy = self.busy_ms
            + self
                .busy_since
                .get()
                .map_or(0, |s| now.saturating_since(s).as_millis() as u64);
        let on = now.saturating_since(self.signed_in_at).as_millis().max(1) as f64;
        busy as f64 / on
    }

    /// Sets (or clears) the not-ready reason, noting a change for [`Agent::published`].
    pub fn set_not_ready(&mut self, reason: Option<ReasonCode>) {
        if self.not_ready != reason {
            self.reason_changed = true;
            self.not_ready = reason;
        }
    }

    /// The state as published in events.
    pub fn public_state(&self) -> PublicState {
        if !self.active.is_empty() {
            PublicState::Busy
        } else if self.offer.is_some() {
            PublicState::Reserved
        } else if !self.signed_in || self.signing_out {
            PublicState::Offline
        } else if self.wrap_until.is_some() {
            PublicState::WrapUp
        } else if let Some(r) = &self.not_ready {
            PublicState::NotReady(*r)
        } else {
            PublicState::Available
        }
    }
}

/// Routable agents ordered by `(ready_since, agent)`, longest idle first.
///
/// A sorted deque rather than a tree: an agent nearly always joins at the
/// back (it became ready now) and leaves from the front (the longest idle
/// is offered first), both O(1) without allocating; a join or leave
/// elsewhere finds its place by binary search and shifts the shorter side
/// (16 bytes an agent, so even 10,000 ready agents shift in microseconds).
#[derive(Debug, Default)]
pub(crate) struct ReadyLine(VecDeque<(Instant, u32)>);

impl ReadyLine {
    pub fn insert(&mut self, key: (Instant, u32)) {
        match self.0.back() {
            Some(back) if *back >= key => {
                let i = self.0.partition_point(|k| *k < key);
                if self.0.get(i) != Some(&key) {
                    self.0.insert(i, key);
                }
            }
            _ => self.0.push_back(key),
        }
    }

    pub fn remove(&mut self, key: (Instant, u32)) {
        if self.0.front() == Some(&key) {
            self.0.pop_front();
        } else if let Ok(i) = self.0.binary_search(&key) {
            self.0.remove(i);
        }
    }

    pub fn iter(&self) -> std::collections::vec_deque::Iter<'_, (Instant, u32)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Routable agents, per skill and level, ordered by `ready_since`.
#[derive(Debug, Default)]
pub(crate) struct ReadyIndex {
    /// `by_skill[skill][level - 1]`.
    by_skill: Vec<[ReadyLine; 10]>,
    /// Every routable agent, kept only once some class needs no skill
    /// (see [`ReadyIndex::track_all`]): most centers never pay for it.
    pub all: ReadyLine,
    tracking_all: bool,
    /// Agents indexed.
    count: usize,
}

impl ReadyIndex {
    pub fn ensure_skill(&mut self, skill: SkillId) {
        if self.by_skill.len() <= skill.index() {
            self.by_skill
                .resize_with(skill.index() + 1, Default::default);
        }
    }

    /// Starts keeping [`ReadyIndex::all`] (a class without a skill
    /// requirement exists), filling it with the agents already indexed.
    pub fn track_all(&mut self, agents: &[Agent]) {
        if self.tracking_all {
            return;
        }
        self.tracking_all = true;
        for a in agents {
            if let Some(at) = a.indexed_at.get() {
                self.all.insert((at, a.id().0));
            }
        }
    }

    pub fn insert(&mut self, a: &Agent, at: Instant) {
        let key = (at, a.id().0);
        for &(s, p) in &a.skills {
            self.ensure_skill(s);
            self.by_skill[s.index()][usize::from(p.get() - 1)].insert(key);
        }
        if self.tracking_all {
            self.all.insert(key);
        }
        self.count += 1;
    }

    pub fn remove(&mut self, a: &Agent, at: Instant) {
        let key = (at, a.id().0);
        for &(s, p) in &a.skills {
            if let Some(levels) = self.by_skill.get_mut(s.index()) {
                levels[usize::from(p.get() - 1)].remove(key);
            }
        }
        if self.tracking_all {
            self.all.remove(key);
        }
        self.count -= 1;
    }

    /// Ready agents with `skill` at each level from `min` (1–10) to 10, in
    /// that order, each line longest idle first.
    pub fn levels_from(&self, skill: SkillId, min: u8) -> &[ReadyLine] {
        debug_assert!((1..=10).contains(&min));
        match self.by_skill.get(skill.index()) {
            Some(l) => &l[usize::from(min - 1)..],
            None => &[],
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }
}
