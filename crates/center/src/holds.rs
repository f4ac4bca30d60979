//! Agents held for the dialer: while a call placed for one agent rings (or
//! a contact is previewed by them), routing holds that agent not ready
//! `reserved`, so it offers them no other work; a live answer is then theirs
//! at once. When the attempt ends without them (busy, no answer, a machine,
//! skipped), they are made ready again; when it connects to them, they are
//! let go too (the call itself keeps them busy). The simulator holds its
//! agents by the same rule.

use model::event::AgentState;
use model::{AgentId, InteractionId, ReasonCode};
use routing::Input;

use crate::core::TenantCore;

/// The not-ready reason of an agent held for the dialer.
pub const RESERVED: &str = "reserved";

/// The reason code of a held agent.
pub fn reserved() -> ReasonCode {
    ReasonCode::parse(RESERVED).expect("a valid reason code")
}

impl TenantCore {
    /// Whether routing shows this agent held for the dialer.
    pub(crate) fn is_held(&self, agent: u32) -> bool {
        self.held.contains_key(&agent)
            && self.engine.agent_state(AgentId(agent)) == Some(AgentState::NotReady(reserved()))
    }

    /// Whether an agent is free for an answered call of this attempt: ready,
    /// or held for it.
    pub(crate) fn free_for(&self, agent: u32, attempt: u64) -> bool {
        match self.engine.agent_state(AgentId(agent)) {
            Some(AgentState::Available) => true,
            Some(AgentState::NotReady(r)) => {
                r == reserved() && self.held.get(&agent) == Some(&attempt)
            }
            _ => false,
        }
    }

    /// The attempt the dialer reserved this agent for, if one is under way.
    pub(crate) fn reserved_for(&self, agent: u32) -> Option<u64> {
        self.out
            .placed
            .iter()
            .filter(|(_, p)| p.reserved == Some(agent))
            .map(|(a, _)| *a)
            .chain(
                self.out
                    .previews
                    .values()
                    .filter(|p| p.agent == agent)
                    .map(|p| p.attempt),
            )
            .min()
    }

    /// An agent asks to be ready (or signs in ready): one the dialer
    /// reserved for a call under way is held for it instead, so routing
    /// offers them nothing else meanwhile.
    pub(crate) fn ready(
        &mut self,
        now: model::Instant,
        agent: AgentId,
        sign_in: bool,
    ) -> Result<(), routing::RoutingError> {
        let hold = self
            .reserved_for(agent.0)
            .filter(|_| !self.out.answering.values().any(|(_, a)| *a == agent.0));
        let input = match (hold, sign_in) {
            (Some(_), true) => Input::SignIn(agent, Some(reserved())),
            (Some(_), false) => Input::NotReady(agent, reserved()),
            (None, true) => Input::SignIn(agent, None),
            (None, false) => Input::Ready(agent),
        };
        self.engine.handle(now, input)?;
        if let Some(attempt) = hold {
            self.held.insert(agent.0, attempt);
        }
        Ok(())
    }

    /// Holds the agents the dialer reserved and lets go those whose attempt
    /// is over; says whether routing was told anything.
    pub(crate) fn sync_holds(&mut self) -> bool {
        let now = self.now();
        let mut changed = false;
        let mut wanted: Vec<(u32, u64)> = self
            .out
            .placed
            .iter()
            .filter_map(|(attempt, p)| p.reserved.map(|a| (a, *attempt)))
            .chain(self.out.previews.values().map(|p| (p.agent, p.attempt)))
            .chain(self.out.answering.iter().map(|(at, (_, a))| (*a, *at)))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        // Let go of holds whose attempt is over, or that the agent left.
        let held: Vec<(u32, u64)> = self.held.iter().map(|(a, t)| (*a, *t)).collect();
        for (agent, attempt) in held {
            // Offered the answered call: routing shows the offer, not the hold.
            if self
                .out
                .answering
                .get(&attempt)
                .is_some_and(|(_, a)| *a == agent)
            {
                continue;
            }
            let still = wanted.contains(&(agent, attempt));
            let showing = self.is_held(agent);
            if still && showing {
                continue;
            }
            // Reserved again for the next attempt: the hold carries over.
            if showing && let Some(&(_, next)) = wanted.iter().find(|(a, _)| *a == agent) {
                self.held.insert(agent, next);
                continue;
            }
            self.held.remove(&agent);
            if showing {
                changed |= self
                    .engine
                    .handle(now, Input::Ready(AgentId(agent)))
                    .is_ok();
            }
        }
        // Hold the agents of new attempts who are free.
        for (agent, attempt) in wanted {
            if self.held.contains_key(&agent)
                || self.engine.agent_state(AgentId(agent)) != Some(AgentState::Available)
                || self.out.answering.contains_key(&attempt)
            {
                continue;
            }
            let input = Input::NotReady(AgentId(agent), reserved());
            if self.engine.handle(now, input).is_ok() {
                self.held.insert(agent, attempt);
                changed = true;
            }
        }
        changed
    }

    /// An answered call reached its held agent: they are let go (the call
    /// keeps them busy; after it they are ready).
    pub(crate) fn release(&mut self, agent: u32, attempt: u64) {
        if self.held.get(&agent) == Some(&attempt) {
            self.held.remove(&agent);
            let _ = self.engine.handle(self.now(), Input::Ready(AgentId(agent)));
        }
    }

    /// Offers an answered call's interaction to the agent held for it, who
    /// is not ready in routing (so routing's own offer does not reach them).
    pub(crate) fn assign_held(&mut self, iid: InteractionId, agent: u32) {
        if self.engine.offered_agent(iid).is_none() && self.engine.connected_agent(iid).is_none() {
            let _ = self
                .engine
                .handle(self.now(), Input::ForceAssign(iid, AgentId(agent)));
        }
    }
}
