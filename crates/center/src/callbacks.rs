//! The callbacks agents promised: a customer's `callback_at` set on the
//! record during an interaction is the promise of the agent who held it,
//! kept until the customer is reached again (another interaction of theirs
//! is accepted by an agent), the time is cleared or changed, or the record
//! is erased. Built from facts like the rest of the index, so a core
//! rebuilt from the log lists the same promises. The agent desktop's
//! "my callbacks" reads it.

use std::collections::BTreeMap;

use model::AgentId;

/// A callback an agent promised a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promised {
    /// The customer to call.
    pub customer: i64,
    /// When (Unix ms).
    pub at_ms: i64,
    /// The interaction during which it was promised.
    pub interaction: Option<i64>,
    /// The agent who promised it (none: set outside an agent's interaction).
    pub agent: Option<AgentId>,
}

/// The promises, one per customer (the latest time set wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Callbacks {
    by_customer: BTreeMap<i64, Promised>,
}

impl Callbacks {
    /// A `callback_at` value was set on a customer's record: a time (RFC
    /// 3339) promises, anything else clears.
    pub fn set(&mut self, p: Promised, value: &str) {
        match chrono::DateTime::parse_from_rfc3339(value.trim()) {
            Ok(at) => {
                let at_ms = at.timestamp_millis();
                self.by_customer.insert(p.customer, Promised { at_ms, ..p });
            }
            Err(_) => {
                self.by_customer.remove(&p.customer);
            }
        }
    }

    /// The customer was reached in `interaction`: a promise made in
    /// another interaction is kept.
    pub fn reached(&mut self, customer: i64, interaction: i64) {
        if self
            .by_customer
            .get(&customer)
            .is_some_and(|p| p.interaction != Some(interaction))
        {
            self.by_customer.remove(&customer);
        }
    }

    /// The customer's record was erased.
    pub fn erased(&mut self, customer: i64) {
        self.by_customer.remove(&customer);
    }

    /// The customer's promise, if any.
    pub fn of_customer(&self, customer: i64) -> Option<&Promised> {
        self.by_customer.get(&customer)
    }

    /// An agent's promises, soonest first.
    pub fn of_agent(&self, agent: AgentId) -> Vec<Promised> {
        let mut v: Vec<Promised> = self
            .by_customer
            .values()
            .filter(|p| p.agent == Some(agent))
            .copied()
            .collect();
        v.sort_by_key(|p| (p.at_ms, p.customer));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promise(customer: i64, interaction: i64, agent: u32) -> Promised {
        Promised {
            customer,
            at_ms: 0,
            interaction: Some(interaction),
            agent: Some(AgentId(agent)),
        }
    }

    #[test]
    fn a_promise_lasts_until_the_customer_is_reached_in_another_interaction() {
        let mut c = Callbacks::default();
        c.set(promise(7, 100, 1), "2026-12-08T10:00:00+00:00");
        c.set(promise(8, 101, 1), "2026-12-08T09:00:00Z");
        c.set(promise(9, 102, 2), "2026-12-08T08:00:00Z");
        let mine: Vec<i64> = c.of_agent(AgentId(1)).iter().map(|p| p.customer).collect();
        assert_eq!(mine, vec![8, 7], "soonest first, only agent 1's");
        c.reached(7, 100);
        assert!(c.of_customer(7).is_some(), "the same interaction keeps it");
        c.reached(7, 200);
        assert!(c.of_customer(7).is_none());
        c.set(promise(8, 101, 1), "");
        assert!(c.of_customer(8).is_none(), "a cleared time clears it");
        c.erased(9);
        assert!(c.of_agent(AgentId(2)).is_empty());
    }
}
