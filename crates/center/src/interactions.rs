//! Interactions: creation (with the caller recognised from the customer
//! records), transfers, dispositions, notes, chat messages; customers and
//! their profiles.

use model::event::AgentState;
use model::fact::{Fact, Sender};
use model::{AgentId, Instant, InteractionId};
use routing::{Input, NewInteraction, TransferTarget};

use crate::agents::{check_name, check_text};
use crate::command::{
    NewInteractionReq, PROFILE_FIELDS_MAX, PROFILE_VALUE_LEN_MAX, Reply, TransferTo,
};
use crate::core::TenantCore;
use crate::error::TenantError;
use crate::index::{InteractionRecord, InteractionState};
use crate::outbound::CONNECT_WAIT_MS;

/// A disposition as the core applies it (the fields of
/// [`crate::Command::Disposition`]).
pub(crate) struct Disposing {
    pub interaction: i64,
    pub code: String,
    pub by_agent: Option<i64>,
    pub by: String,
    pub new_phone: Option<String>,
    pub callback_at_ms: Option<u64>,
    pub resolved: Option<bool>,
    pub promise_amount: Option<String>,
    pub promise_date: Option<String>,
}

impl TenantCore {
    /// An interaction that exists.
    pub(crate) fn known(&self, id: i64) -> Result<&InteractionRecord, TenantError> {
        self.index
            .interaction(id)
            .ok_or_else(|| TenantError::not_found("interaction"))
    }

    /// An interaction that this agent holds (any, for a supervisor).
    pub(crate) fn holds(
        &self,
        id: i64,
        agent: Option<i64>,
    ) -> Result<&InteractionRecord, TenantError> {
        let it = self.known(id)?;
        if let Some(a) = agent
            && it.agent.map(|x| i64::from(x.0)) != Some(a)
        {
            return Err(TenantError::conflict(format!(
                "interaction {id} is not with agent {a}"
            )));
        }
        Ok(it)
    }

    /// Creates an interaction (idempotent by key); `agent` is a preferred
    /// agent who gets it at once if free (an answered outbound call).
    pub(crate) fn create(
        &mut self,
        now: Instant,
        req: NewInteractionReq,
        agent: Option<AgentId>,
    ) -> Result<Reply, TenantError> {
        if let Some(k) = &req.idempotency_key
            && let Some(&id) = self.index.keys.get(k)
        {
            return Ok(Reply::Interaction { id, created: false });
        }
        if self.engine.queues().is_empty() {
            return Err(TenantError::field(
                "queue",
                "this tenant has no queues yet: PUT /api/v1/routing/plan first",
            ));
        }
        let queue = match &req.queue {
            Some(q) => Some(
                self.names
                    .queue(q)
                    .ok_or_else(|| TenantError::field("queue", format!("no queue named {q:?}")))?,
            ),
            None => None,
        };
        let customer = self.customer_of(&req)?;
        let id = self.index.last_interaction + 1;
        let mut attributes = req.attributes;
        if attributes.customer_id.is_none() {
            attributes.customer_id = customer.map(|c| c as u64);
        }
        // A recognised customer's value tier and segment come from their
        // record, so that value rules match them (what the caller's line or
        // the integration said first wins).
        if let Some(record) = customer.and_then(|c| self.index.customers.routing(c)) {
            if attributes.value_tier.is_none() {
                attributes.value_tier = record.value_tier.clone();
            }
            if attributes.segment.is_none() {
                attributes.segment = record.segment.clone();
            }
        }
        let new = NewInteraction {
            id: InteractionId(id as u64),
            channel: req.channel,
            attributes: Some(Box::new(attributes)),
            queue,
            priority: req.priority,
            preferred_agent: agent.map(|a| (a, model::Duration::from_millis(CONNECT_WAIT_MS))),
        };
        // Routing's facts wait in the engine until drained, so the opening
        // goes first in the log all the same.
        self.engine.handle(now, Input::Create(Box::new(new)))?;
        self.push(Fact::InteractionOpened {
            interaction: InteractionId(id as u64),
            channel: req.channel,
            idempotency_key: req.idempotency_key,
            customer,
            subject: req.subject,
            chat_secret_hash: req.chat_secret_hash,
        });
        Ok(Reply::Interaction { id, created: true })
    }

    /// The customer record of a new interaction: the one given (it must
    /// exist), else the one a known number or e-mail address points to.
    fn customer_of(&self, req: &NewInteractionReq) -> Result<Option<i64>, TenantError> {
        if let Some(c) = req.customer {
            if !self.index.customers.contains(c) {
                return Err(TenantError::field(
                    "customer_id",
                    format!("no customer {c}"),
                ));
            }
            return Ok(Some(c));
        }
        if let Some(phone) = &req.attributes.caller_number {
            // Screen pop: a known caller is linked to their record.
            return Ok(self.index.customer_by_phone(phone.as_str()));
        }
        // Chats and web forms: a known e-mail address links the record.
        Ok(req
            .attributes
            .extra("email")
            .and_then(|e| self.index.customer_by_email(e)))
    }

    /// Transfers an interaction to a queue or an agent.
    pub(crate) fn transfer(
        &mut self,
        now: Instant,
        interaction: i64,
        by: Option<i64>,
        to: TransferTo,
        consult: bool,
    ) -> Result<Reply, TenantError> {
        self.holds(interaction, by)?;
        let to = match to {
            TransferTo::Queue(q) => TransferTarget::Queue(
                self.names
                    .queue(&q)
                    .ok_or_else(|| TenantError::field("queue", format!("no queue named {q:?}")))?,
            ),
            TransferTo::Agent(a) => {
                let to = self
                    .agent(a)
                    .map_err(|_| TenantError::field("agent_id", "no such agent"))?;
                self.reachable(to)?;
                TransferTarget::Agent(to)
            }
        };
        self.route(
            now,
            Input::Transfer {
                interaction: InteractionId(interaction as u64),
                to,
                consult,
            },
        )
    }

    /// An agent a transfer or a consult may go to: signed in and not in a
    /// not-ready state (a busy agent gets it when free). Refused with a
    /// message that names them, and the customer stays where they are.
    pub(crate) fn reachable(&self, to: AgentId) -> Result<(), TenantError> {
        let name = self
            .agent_names
            .get(to.index())
            .map(String::as_str)
            .unwrap_or("?");
        match self.engine.agent_state(to) {
            Some(AgentState::Offline) | None => Err(TenantError::conflict(format!(
                "agent {name} is signed out: choose another agent or a queue"
            ))),
            Some(AgentState::NotReady(r)) if r.as_str() != crate::holds::RESERVED => {
                Err(TenantError::conflict(format!(
                    "agent {name} is not ready ({r}): choose another agent or a queue"
                )))
            }
            Some(AgentState::NotReady(_)) => Err(TenantError::conflict(format!(
                "agent {name} is about to take a campaign call: choose another agent or a queue"
            ))),
            Some(_) => Ok(()),
        }
    }

    /// Records how an interaction went.
    pub(crate) fn disposition(&mut self, d: Disposing) -> Result<Reply, TenantError> {
        let Disposing {
            interaction,
            code,
            by_agent,
            by,
            new_phone,
            callback_at_ms,
            resolved,
            promise_amount,
            promise_date,
        } = d;
        check_name("code", &code)?;
        self.holds(interaction, by_agent)?;
        let promise = match (promise_amount, promise_date) {
            (Some(a), Some(d)) => Some((a, d)),
            (None, None) => None,
            (None, _) => {
                return Err(TenantError::field(
                    "promise_amount",
                    "give it with promise_date",
                ));
            }
            (_, None) => {
                return Err(TenantError::field(
                    "promise_date",
                    "give it with promise_amount",
                ));
            }
        };
        // A case's part is checked before anything changes.
        let case = self.check_case_disposition(interaction, &code, promise)?;
        let called = self.called_number(interaction);
        let given = new_phone.clone();
        let effects = self
            .outbound_disposition(interaction, &code, new_phone, callback_at_ms)?
            .unwrap_or_else(|| dialer::disposition::default_record_effects(&code));
        self.clean_record(interaction, &code, &effects, called, given.as_deref(), &by);
        self.push(Fact::DispositionSet {
            interaction: InteractionId(interaction as u64),
            code: code.clone(),
            by: by.clone(),
            resolved,
        });
        // The call's disposition moves its case, in the same batch.
        if let Some(case) = case {
            self.case_disposition(case, interaction, &code, &by, by_agent.is_some());
        }
        Ok(Reply::Done)
    }

    /// Adds a note.
    pub(crate) fn note(
        &mut self,
        interaction: i64,
        author: String,
        body: String,
    ) -> Result<Reply, TenantError> {
        check_text("body", &body)?;
        self.known(interaction)?;
        self.push(Fact::NoteAdded {
            interaction: InteractionId(interaction as u64),
            author,
            body,
        });
        Ok(Reply::Done)
    }

    /// A chat message from the customer or the agent.
    pub(crate) fn chat(
        &mut self,
        interaction: i64,
        sender: Sender,
        by_agent: Option<i64>,
        secret_hash: Option<String>,
        body: String,
    ) -> Result<Reply, TenantError> {
        check_text("body", &body)?;
        let it = self.known(interaction)?;
        if it.channel != model::Channel::Chat {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not a chat"
            )));
        }
        if it.state == InteractionState::Ended {
            return Err(TenantError::conflict("the chat has ended"));
        }
        match sender {
            Sender::Customer => {
                if secret_hash.is_none() || it.chat_secret_hash != secret_hash {
                    return Err(TenantError::not_found("chat"));
                }
            }
            Sender::Agent => {
                if it.state != InteractionState::Connected {
                    return Err(TenantError::conflict("accept the chat before writing"));
                }
                if let Some(a) = by_agent
                    && it.agent.map(|x| i64::from(x.0)) != Some(a)
                {
                    return Err(TenantError::conflict(format!(
                        "interaction {interaction} is not with agent {a}"
                    )));
                }
            }
        }
        let agent = it.agent;
        self.push(Fact::ChatMessage {
            interaction: InteractionId(interaction as u64),
            sender,
            agent,
            body,
        });
        Ok(Reply::Done)
    }

    /// Creates a customer record.
    pub(crate) fn create_customer(
        &mut self,
        name: String,
        phone: Option<String>,
        email: Option<String>,
    ) -> Result<Reply, TenantError> {
        check_name("name", &name)?;
        // Kept in its plain form (digits and a leading '+'), the form
        // callers' numbers arrive in, so a call finds its customer.
        let phone = phone
            .map(|p| {
                model::PhoneNumber::parse(&p)
                    .map(|n| n.as_str().to_string())
                    .map_err(|e| TenantError::field("phone", e))
            })
            .transpose()?;
        if let Some(e) = &email
            && (e.len() > 254 || !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
        {
            return Err(TenantError::field("email", "not an e-mail address"));
        }
        let phones = phone.into_iter().map(|p| model::customer::Phone {
            e164: p.starts_with('+').then(|| p.clone()),
            number: p,
            kind: model::customer::PhoneKind::Other,
            valid: true,
            source: "api".into(),
            last_outcome: None,
        });
        let phones: Vec<_> = phones.collect();
        // The zone the number tells without doubt (an area code, a country
        // with one zone).
        let time_zone = phones
            .first()
            .and_then(|p| model::PhoneNumber::parse(p.e164.as_deref()?).ok())
            .map(|n| dialer::zone::number_facts(&n).zones)
            .and_then(|z| match z.candidates.as_slice() {
                [one] => Some(one.tz.name().to_string()),
                _ => None,
            });
        let record = model::customer::Record {
            name,
            phones,
            emails: email.into_iter().collect(),
            time_zone,
            ..Default::default()
        };
        let entry = crate::records::SetEntry {
            customer: None,
            version: 0,
            record,
            changed: Vec::new(),
        };
        match self.set_customers("api".to_string(), model::customer::Cause::Edit, vec![entry])? {
            Reply::Ids(ids) => Ok(Reply::Id(ids[0])),
            _ => Err(TenantError::Internal("set_customers answers ids".into())),
        }
    }

    /// Every number of a record on the dialer's internal do-not-call list.
    /// A number kept in national form (no `+`) is read in the country of
    /// the campaign whose call `interaction` is, else of the tenant's time
    /// zone, else of every campaign defined (the safe side: a number the
    /// person may be dialled on is blocked).
    pub(crate) fn opt_out_phones(&mut self, customer: i64, interaction: Option<i64>) {
        for phone in self.dialable_numbers(customer, interaction) {
            // Refused only when the number cannot be one the dialer calls.
            let _ = self
                .out
                .step(self.now(), model::fact::DialerStep::OptOut { phone });
        }
        self.flush_out();
    }

    /// A record's numbers in E.164, each once, as the dialer may dial them
    /// (see [`TenantCore::opt_out_phones`] for numbers in national form).
    pub(crate) fn dialable_numbers(&self, customer: i64, interaction: Option<i64>) -> Vec<String> {
        let codes = self.national_codes(interaction);
        let mut numbers: Vec<String> = Vec::new();
        for phone in self.index.customers.phones(customer) {
            let ccs = if phone.starts_with('+') {
                &[1][..]
            } else {
                &codes[..]
            };
            let forms = ccs
                .iter()
                .filter_map(|&cc| dialer::consent::to_e164(&phone, cc));
            numbers.extend(forms.map(|n| n.as_str().to_string()));
        }
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }

    /// The calling codes national numbers of an opt-out are read with.
    fn national_codes(&self, interaction: Option<i64>) -> Vec<u16> {
        let campaign_cc = |c: &crate::outbound::CampaignRt| c.doc.country_code.unwrap_or(1);
        let of_call = interaction
            .and_then(|i| self.out.attempts.get(&i))
            .and_then(|(a, _)| self.out.dialer.campaign_of(model::outbound::AttemptId(*a)))
            .and_then(|c| self.out.campaigns.get(&c.0))
            .map(campaign_cc);
        let of_tenant = dialer::zone::Country::of_zone(self.settings().time_zone)
            .and_then(|c| c.calling_code());
        if let Some(cc) = of_call.or(of_tenant) {
            return vec![cc];
        }
        let mut all: Vec<u16> = self.out.campaigns.values().map(campaign_cc).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The number of a call: the one the dialer called, or the caller's.
    fn called_number(&self, interaction: i64) -> Option<String> {
        if let Some((attempt, _)) = self.out.attempts.get(&interaction)
            && let Some(p) = self.out.placed.get(attempt)
        {
            return Some(p.phone.as_str().to_string());
        }
        let r = self.index.interaction(interaction)?;
        let a = r.attributes.as_ref()?;
        a.caller_number.as_ref().map(|n| n.as_str().to_string())
    }

    /// Saves profile fields on a customer; a do-not-call is an opt-out for
    /// the dialer too (every campaign, from now on).
    pub(crate) fn profile(
        &mut self,
        customer: i64,
        interaction: Option<i64>,
        fields: Vec<(String, String)>,
        by: String,
    ) -> Result<Reply, TenantError> {
        if fields.is_empty() || fields.len() > PROFILE_FIELDS_MAX {
            return Err(TenantError::field(
                "fields",
                format!("1 to {PROFILE_FIELDS_MAX} fields"),
            ));
        }
        for (k, v) in &fields {
            check_name("fields", k)?;
            if v.len() > PROFILE_VALUE_LEN_MAX || v.chars().any(char::is_control) {
                return Err(TenantError::field(
                    &format!("fields.{k}"),
                    format!("at most {PROFILE_VALUE_LEN_MAX} printable bytes"),
                ));
            }
        }
        if !self.index.customers.contains(customer) {
            return Err(TenantError::not_found("customer"));
        }
        if self.index.customers.is_erased(customer) {
            return Err(TenantError::conflict(format!(
                "customer {customer} was erased"
            )));
        }
        if let Some(i) = interaction {
            self.known(i)?;
        }
        if fields.iter().any(|(k, v)| k == "do_not_call" && v == "yes") {
            let evidence = match interaction {
                Some(i) => format!("interaction {i}: do_not_call = yes"),
                None => "do_not_call = yes".to_string(),
            };
            self.note_calls_withdrawn(customer, "profile", evidence, &by);
            self.opt_out_phones(customer, interaction);
        }
        self.push(Fact::CustomerProfiled {
            customer,
            interaction: interaction.map(|i| InteractionId(i as u64)),
            fields,
            by,
        });
        Ok(Reply::Done)
    }

    /// A supervisor offers a waiting interaction to one agent.
    pub(crate) fn force_assign(
        &mut self,
        now: Instant,
        interaction: i64,
        agent: i64,
    ) -> Result<Reply, TenantError> {
        let a = self
            .agent(agent)
            .map_err(|_| TenantError::field("agent_id", "no such agent"))?;
        if self.known(interaction)?.state != InteractionState::Waiting {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not waiting"
            )));
        }
        self.route(
            now,
            Input::ForceAssign(InteractionId(interaction as u64), a),
        )
    }
}
