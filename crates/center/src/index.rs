//! What the core keeps in memory to decide without reading the database:
//! each interaction's channel, state, agent and customer; the customers'
//! numbers and addresses (to recognise a caller); the idempotency keys
//! taken. It is built by observing facts — the same facts, in the same
//! order, live and on replay — so a core rebuilt from the log knows what
//! the live one knew.

use std::collections::{BTreeMap, HashMap};

use model::event::EventKind;
use model::fact::{CallFact, Fact};
use model::{AgentId, Attributes, Channel, InteractionId, QueueId};

pub use model::state::InteractionState;

/// One interaction, as much as decisions need.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionRecord {
    /// Its channel.
    pub channel: Channel,
    /// Where it stands.
    pub state: InteractionState,
    /// The agent offered it or holding it (none while waiting).
    pub agent: Option<AgentId>,
    /// The customer record, when known.
    pub customer: Option<i64>,
    /// The queue it waits or waited in.
    pub queue: Option<QueueId>,
    /// What routing was told (kept until it ends, for a requeue).
    pub attributes: Option<Box<Attributes>>,
    /// Hash of the public chat page's secret (chats, until they end).
    pub chat_secret_hash: Option<String>,
}

impl InteractionRecord {
    /// Whether it is a phone call (inbound or outbound).
    pub fn is_call(&self) -> bool {
        matches!(self.channel, Channel::Voice | Channel::OutboundVoice)
    }
}

/// The core's memory of interactions, customers and idempotency keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    /// Interactions by id (ordered: a requeue goes in creation order).
    pub interactions: BTreeMap<i64, InteractionRecord>,
    /// Customers: versions, merges, the keys they are found by.
    pub customers: crate::customers::Customers,
    /// Idempotency keys taken, with their interaction.
    pub keys: HashMap<String, i64>,
    /// The highest interaction id taken.
    pub last_interaction: i64,
    /// Customers' consent ledgers (the latest entries of each).
    pub consents: HashMap<i64, Vec<model::consent::ConsentEntry>>,
    /// The callbacks agents promised.
    pub callbacks: crate::callbacks::Callbacks,
}

impl Index {
    /// An interaction.
    pub fn interaction(&self, id: i64) -> Option<&InteractionRecord> {
        self.interactions.get(&id)
    }

    /// The first customer with this phone number (plain form).
    pub fn customer_by_phone(&self, phone: &str) -> Option<i64> {
        self.customers.by_phone(phone)
    }

    /// The first customer with this e-mail address.
    pub fn customer_by_email(&self, email: &str) -> Option<i64> {
        self.customers.by_email(email)
    }

    /// Interactions not ended, in creation order.
    pub fn open(&self) -> impl Iterator<Item = (i64, &InteractionRecord)> {
        self.interactions
            .iter()
            .filter(|(_, r)| r.state != InteractionState::Ended)
            .map(|(id, r)| (*id, r))
    }

    /// Takes a fact into account (live as it is emitted, and on replay).
    pub fn observe(&mut self, fact: &Fact) {
        match fact {
            Fact::InteractionOpened {
                interaction,
                channel,
                idempotency_key,
                customer,
                chat_secret_hash,
                ..
            } => {
                let id = interaction.0 as i64;
                self.last_interaction = self.last_interaction.max(id);
                if let Some(k) = idempotency_key {
                    self.keys.insert(k.clone(), id);
                }
                self.interactions.insert(
                    id,
                    InteractionRecord {
                        channel: *channel,
                        state: InteractionState::Created,
                        agent: None,
                        customer: *customer,
                        queue: None,
                        attributes: None,
                        chat_secret_hash: chat_secret_hash.clone(),
                    },
                );
            }
            Fact::Routing { event } => self.routing(&event.kind),
            Fact::Requeued { interaction } => {
                self.set(*interaction, InteractionState::Waiting, Some(None));
            }
            // Routing puts a cancelled consult back with the first agent
            // without a routing fact of its own; the call's fact says with whom.
            Fact::Call {
                interaction,
                call: CallFact::ConsultCancelled { agent, .. },
            } => self.set(
                *interaction,
                InteractionState::Connected,
                Some(Some(*agent)),
            ),
            Fact::CustomerCreated {
                customer,
                phone,
                email,
                ..
            } => {
                let phone = phone.as_deref().and_then(crate::customers::phone_key);
                let email = email.as_deref().map(crate::customers::email_key);
                self.customers
                    .written(*customer, 1, phone.into_iter().chain(email));
            }
            Fact::CustomersSet { records, .. } => {
                for w in records {
                    let keys = crate::customers::record_keys(&w.record);
                    self.customers.written(w.customer, w.version, keys);
                }
            }
            Fact::CustomerCleaned {
                customer,
                version,
                cleanings,
                ..
            } => {
                let keys = cleanings.iter().filter_map(|c| match c {
                    model::customer::Cleaning::PhoneAdded { phone } => {
                        crate::customers::phone_key(phone.e164.as_deref().unwrap_or(&phone.number))
                    }
                    _ => None,
                });
                self.customers.touched(*customer, *version, keys);
            }
            Fact::CustomerMerged { kept, merged, .. } => self.customers.set_merged(*merged, *kept),
            Fact::CustomerErased { customers, .. } => {
                for &c in customers {
                    self.customers.erase(c);
                    self.callbacks.erased(c);
                    // As the redacted log has them: no evidence.
                    for e in self.consents.get_mut(&c).into_iter().flatten() {
                        e.evidence = None;
                    }
                }
            }
            Fact::CustomerUnmerged { merged, .. } => self.customers.set_merged(*merged, 0),
            Fact::CustomerProfiled {
                customer,
                fields,
                interaction,
                ..
            } => {
                self.profiled(*customer, fields);
                self.promised(*customer, *interaction, fields);
            }
            Fact::CustomerConsent { customer, entry } => {
                let ledger = self.consents.entry(*customer).or_default();
                if ledger.len() >= model::consent::ENTRIES_KEPT_MAX {
                    ledger.remove(0);
                }
                ledger.push(entry.clone());
            }
            _ => {}
        }
    }

    /// A `callback_at` set on the record is the promise of the agent
    /// holding the interaction it was set in.
    fn promised(
        &mut self,
        customer: i64,
        interaction: Option<InteractionId>,
        fields: &[(String, String)],
    ) {
        let Some((_, v)) = fields.iter().rev().find(|(k, _)| k == "callback_at") else {
            return;
        };
        let interaction = interaction.map(|i| i.0 as i64);
        let agent = interaction
            .and_then(|i| self.interactions.get(&i))
            .and_then(|r| r.agent);
        let p = crate::callbacks::Promised {
            customer,
            at_ms: 0,
            interaction,
            agent,
        };
        self.callbacks.set(p, v);
    }

    /// Profile fields routing reads: the value tier and the segment (a value
    /// that does not parse, or an empty one, clears it).
    fn profiled(&mut self, id: i64, fields: &[(String, String)]) {
        if !self.customers.contains(id) {
            return;
        }
        for (k, v) in fields {
            match k.as_str() {
                "value_tier" => self
                    .customers
                    .set_routing(id, |r| r.value_tier = model::ValueTier::parse(v).ok()),
                "segment" => self
                    .customers
                    .set_routing(id, |r| r.segment = model::Segment::parse(v).ok()),
                _ => {}
            }
        }
    }

    fn routing(&mut self, kind: &EventKind) {
        use InteractionState as S;
        match kind {
            EventKind::InteractionCreated {
                interaction,
                attributes,
                ..
            } => {
                if let Some(r) = self.interactions.get_mut(&(interaction.0 as i64)) {
                    r.attributes = attributes.clone();
                }
            }
            EventKind::InteractionQueued {
                interaction, queue, ..
            } => {
                if let Some(r) = self.interactions.get_mut(&(interaction.0 as i64)) {
                    r.state = S::Waiting;
                    r.queue = Some(*queue);
                    r.agent = None;
                }
            }
            EventKind::Overflowed {
                interaction, to, ..
            } => {
                if let Some(r) = self.interactions.get_mut(&(interaction.0 as i64)) {
                    r.queue = Some(*to);
                }
            }
            EventKind::Offered {
                interaction, agent, ..
            } => self.set(*interaction, S::Offered, Some(Some(*agent))),
            EventKind::Accepted { interaction, agent } => {
                self.set(*interaction, S::Connected, Some(Some(*agent)));
                let id = interaction.0 as i64;
                if let Some(c) = self.interactions.get(&id).and_then(|r| r.customer) {
                    self.callbacks.reached(c, id);
                }
            }
            EventKind::Rejected { interaction, .. }
            | EventKind::OfferTimedOut { interaction, .. }
            | EventKind::OfferRevoked { interaction, .. } => {
                self.set(*interaction, S::Waiting, Some(None))
            }
            EventKind::Transferred { interaction, .. } => {
                self.set(*interaction, S::Transferring, None)
            }
            EventKind::Ended { interaction, .. } => {
                if let Some(r) = self.interactions.get_mut(&(interaction.0 as i64)) {
                    r.state = S::Ended;
                    // Kept small from now on: what a late disposition,
                    // note or history needs.
                    r.attributes = None;
                    r.chat_secret_hash = None;
                }
            }
            _ => {}
        }
    }

    fn set(&mut self, id: InteractionId, state: InteractionState, agent: Option<Option<AgentId>>) {
        if let Some(r) = self.interactions.get_mut(&(id.0 as i64)) {
            r.state = state;
            if let Some(a) = agent {
                r.agent = a;
            }
        }
    }
}
