//! Agents inside the engine: their routing state, load per channel, and the
//! index of routable agents that offers are chosen from.
//!
//! The index keeps, per skill and proficiency level, the routable agents
//! ordered by the instant they became ready (longest idle first), so the
//! default strategy finds its agent by looking at the first entry of at most
//! ten ordered lines.

use std::collections::VecDeque;

use model::event::AgentState as PublicState;
use model::{AgentId, Channel, Instant, ReasonCode, SkillId, TeamId};

use crate::config::AgentConfig;

/// An agent's live state.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub cfg: AgentConfig,
    pub signed_in: bool,
    /// The agent asked to sign out and will once their work ends.
    pub signing_out: bool,
    pub not_ready: Option<ReasonCode>,
    /// After-contact work until this instant, and the timer generation guarding it.
    pub wrap_until: Option<Instant>,
    pub wrap_generation: u32,
    /// The interaction (slot) ringing for this agent, at most one at a time.
    pub offer: Option<u32>,
    /// Interactions connected to this agent (slots).
    pub active: Vec<u32>,
    pub load: [u8; Channel::COUNT],
    pub voice_active: u8,
    /// When the agent last became ready for work (longest-idle order).
    pub ready_since: Instant,
    /// Whether the agent is in the routable index now, and under which key.
    pub indexed_at: Option<Instant>,
    pub last_offer: Instant,
    pub contacts: u32,
    pub signed_in_at: Instant,
    pub busy_since: Option<Instant>,
    pub busy_ms: u64,
    /// The state last published, to emit a change only when it changes.
    pub published: PublicState,
}

impl Agent {
    pub fn new(cfg: AgentConfig) -> Self {
        Agent {
            cfg,
            signed_in: false,
            signing_out: false,
            not_ready: None,
            wrap_until: None,
            wrap_generation: 0,
            offer: None,
            active: Vec::new(),
            load: [0; Channel::COUNT],
            voice_active: 0,
            ready_since: Instant::ZERO,
            indexed_at: None,
            last_offer: Instant::ZERO,
            contacts: 0,
            signed_in_at: Instant::ZERO,
            busy_since: None,
            busy_ms: 0,
            published: PublicState::Offline,
        }
    }

    pub fn id(&self) -> AgentId {
        self.cfg.id
    }

    /// Proficiency in a skill, 0 when the agent lacks it.
    pub fn level(&self, skill: SkillId) -> u8 {
        self.cfg
            .skills
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
                .map_or(0, |s| now.saturating_since(s).as_millis() as u64);
        let on = now.saturating_since(self.signed_in_at).as_millis().max(1) as f64;
        busy as f64 / on
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
            if let Some(at) = a.indexed_at {
                self.all.insert((at, a.id().0));
            }
        }
    }

    pub fn insert(&mut self, a: &Agent, at: Instant) {
        let key = (at, a.id().0);
        for &(s, p) in &a.cfg.skills {
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
        for &(s, p) in &a.cfg.skills {
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
