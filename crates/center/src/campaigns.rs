//! The rules between routing and the dialer: who works on which campaign,
//! presences, answered calls offered to a free agent, the line's reports,
//! previews and the dialer's part of dispositions.

use dialer::disposition::DispositionCode;
use model::customer::RecordEffect;
use model::event::AgentState;
use model::fact::{DialerStep, Presence};
use model::outbound::{AttemptId, DialOutcome};
use model::{AgentId, Attributes, Channel, Instant, InteractionId};
use routing::Input;

use crate::command::{Command, NewInteractionReq, Reply};
use crate::core::TenantCore;
use crate::error::TenantError;
use crate::outbound::{self, LineOrder};

impl TenantCore {
    /// The commands about campaigns and the line.
    pub(crate) fn apply_outbound(
        &mut self,
        now: Instant,
        cmd: Command,
    ) -> Result<Reply, TenantError> {
        match cmd {
            Command::DefineCampaign { name, mut doc } => {
                crate::agents::check_name("name", &name)?;
                // A campaign's calendar is the tenant's unless it says
                // otherwise (kept in its document, so a replay needs nothing else).
                if doc.time_zone.is_none()
                    && let Some(s) = &self.settings
                {
                    doc.time_zone = Some(s.time_zone.name().to_string());
                }
                let id = self.out.next_campaign();
                let r = self.out.define(now, id, &name, doc);
                self.flush_out();
                r?;
                Ok(Reply::Id(i64::from(id)))
            }
            Command::AddContacts { campaign, contacts } => self.add_contacts(campaign, contacts),
            Command::Campaign(campaign, cmd) => self.campaign_command(campaign, cmd),
            Command::CampaignRatio { campaign, ratio } => {
                let campaign = u32::try_from(campaign)
                    .ok()
                    .filter(|c| self.out.campaigns.contains_key(c))
                    .ok_or_else(|| TenantError::not_found("campaign"))?;
                self.dialer_step(DialerStep::SetRatio { campaign, ratio })?;
                Ok(Reply::Done)
            }
            Command::AttachLine => {
                self.line_attached = true;
                Ok(Reply::Done)
            }
            Command::DialResult {
                attempt,
                outcome,
                ring_ms,
            } => self.dial_result(now, attempt, outcome, ring_ms),
            Command::OutboundBridged(attempt) => self.outbound_bridged(now, attempt),
            Command::OutboundAbandoned(attempt) => {
                let (interaction, _) = self
                    .out
                    .answering
                    .remove(&attempt)
                    .ok_or_else(|| TenantError::not_found("answered call"))?;
                let _ = self
                    .engine
                    .handle(now, Input::Cancel(InteractionId(interaction as u64)));
                self.drain();
                self.dialer_step(DialerStep::Abandoned { attempt })?;
                Ok(Reply::Done)
            }
            Command::OutboundHangup(attempt) => self.outbound_hangup(now, attempt),
            Command::CampaignCodes(interaction) => {
                Ok(Reply::Codes(self.campaign_codes(interaction)))
            }
            Command::DoNotCallStage {
                list,
                phones,
                first,
            } => {
                self.dialer_step(DialerStep::DoNotCallStage {
                    list,
                    phones,
                    first,
                })?;
                Ok(Reply::Done)
            }
            Command::DoNotCallPublish(list) => {
                self.dialer_step(DialerStep::DoNotCallPublish { list })?;
                Ok(Reply::Done)
            }
            Command::DoNotCallLists => Ok(Reply::Lists(self.out.dialer.do_not_call_lists())),
            Command::ManualDial(req) => Ok(Reply::Dialled(self.manual_dial(req)?)),
            Command::Previews(agent) => {
                let mut list: Vec<outbound::PreviewInfo> = self
                    .out
                    .previews
                    .values()
                    .filter(|p| i64::from(p.agent) == agent)
                    .cloned()
                    .collect();
                list.sort_by_key(|p| p.attempt);
                Ok(Reply::Previews(list))
            }
            Command::Preview {
                attempt,
                agent,
                accept,
            } => {
                if self.out.previews.get(&attempt).map(|p| i64::from(p.agent)) != Some(agent) {
                    return Err(TenantError::not_found("preview"));
                }
                let step = if accept {
                    DialerStep::PreviewAccept { attempt }
                } else {
                    DialerStep::PreviewSkip { attempt }
                };
                self.dialer_step(step)?;
                Ok(Reply::Done)
            }
            other => Err(TenantError::Internal(format!(
                "command not dispatched: {other:?}"
            ))),
        }
    }

    /// Gives the dialer one input at the current instant.
    pub(crate) fn dialer_step(&mut self, step: DialerStep) -> Result<(), TenantError> {
        let r = self.out.step(self.now(), step);
        self.flush_out();
        r
    }

    fn dial_result(
        &mut self,
        now: Instant,
        attempt: u64,
        outcome: DialOutcome,
        ring_ms: u64,
    ) -> Result<Reply, TenantError> {
        let placed = self
            .out
            .placed
            .get(&attempt)
            .cloned()
            .ok_or_else(|| TenantError::not_found("attempt"))?;
        self.dialer_step(DialerStep::DialResult {
            attempt,
            outcome,
            ring_ms,
        })?;
        let offered = if outcome == DialOutcome::LiveAnswer {
            self.offer_answered(now, attempt, placed)
        } else {
            None
        };
        Ok(Reply::Answered(outbound::Answered { offered }))
    }

    fn outbound_bridged(&mut self, now: Instant, attempt: u64) -> Result<Reply, TenantError> {
        let (interaction, agent) = self
            .out
            .answering
            .remove(&attempt)
            .ok_or_else(|| TenantError::not_found("answered call"))?;
        let iid = InteractionId(interaction as u64);
        if let Err(e) = self.engine.handle(now, Input::Accept(iid, AgentId(agent))) {
            // The offer is gone (the agent signed out meanwhile).
            let _ = self.engine.handle(now, Input::Cancel(iid));
            self.drain();
            self.dialer_step(DialerStep::Abandoned { attempt })?;
            return Err(e.into());
        }
        self.dialer_step(DialerStep::Connected {
            attempt,
            agent,
            interaction,
        })?;
        self.release(agent, attempt);
        self.drain();
        Ok(Reply::Done)
    }

    fn outbound_hangup(&mut self, now: Instant, attempt: u64) -> Result<Reply, TenantError> {
        match self.out.interactions.get(&attempt).copied() {
            Some(i)
                if self
                    .engine
                    .connected_agent(InteractionId(i as u64))
                    .is_some() =>
            {
                self.route(now, Input::Complete(InteractionId(i as u64)))?;
                self.drain();
            }
            _ => {
                self.dialer_step(DialerStep::CallEnded { attempt })?;
            }
        }
        Ok(Reply::Done)
    }

    /// Keeps the dialer told what a campaign agent does.
    pub(crate) fn presence_changed(&mut self, agent: AgentId, state: &AgentState) {
        // Routing's state now, after the whole input: an agent made ready
        // and offered work by the same input is not ready for the dialer.
        let current = self.engine.agent_state(agent).unwrap_or(*state);
        let state = &current;
        let teams = self
            .agent_teams
            .get(agent.index())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let target = self.out.campaign_for(teams);
        let current = self.out.agents.get(&agent.0).copied();
        // The dialer reserved this agent itself: it needs no news of it.
        if self.held.contains_key(&agent.0)
            && *state == AgentState::NotReady(crate::holds::reserved())
        {
            return;
        }
        let presence = Presence::of(state, self.now_ms.max(0) as u64);
        let now = self.now();
        if let Some((c, _)) = current.filter(|(c, _)| Some(*c) != target) {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign: c,
                    agent: agent.0,
                    presence: Presence::SignedOut,
                },
            );
        }
        if let Some(c) = target
            && !(presence == Presence::SignedOut && current.is_none())
            && current != Some((c, presence))
        {
            let _ = self.out.step(
                now,
                DialerStep::Agent {
                    campaign: c,
                    agent: agent.0,
                    presence,
                },
            );
        }
        self.flush_out();
    }

    /// Tells the dialer of every signed-in agent's presence (a campaign
    /// started or stopped, so who works on what may change).
    fn presences(&mut self) {
        for i in 0..self.agent_names.len() {
            let a = AgentId(i as u32);
            let Some(state) = self.engine.agent_state(a) else {
                continue;
            };
            if state != AgentState::Offline || self.out.agents.contains_key(&a.0) {
                self.presence_changed(a, &state);
            }
        }
    }

    /// An outbound interaction left routing: the call is over.
    pub(crate) fn outbound_ended(&mut self, interaction: i64) {
        let Some(&(attempt, _)) = self.out.attempts.get(&interaction) else {
            return;
        };
        // Refused when the callee's hang-up ended it already.
        let _ = self.out.step(self.now(), DialerStep::CallEnded { attempt });
        self.out.orders.push(LineOrder::Hangup { attempt });
        self.flush_out();
    }

    /// The codes of the campaign an interaction's call belongs to.
    fn campaign_codes(&self, interaction: i64) -> Option<Vec<DispositionCode>> {
        let &(attempt, _) = self.out.attempts.get(&interaction)?;
        let campaign = self.out.dialer.campaign_of(AttemptId(attempt))?;
        Some(self.out.dialer.campaign(campaign)?.dispositions().to_vec())
    }

    /// The dialer's part of a disposition on an outbound call: the code's
    /// effects on the record, from the campaign's codes (none when the
    /// interaction is not a campaign call).
    pub(crate) fn outbound_disposition(
        &mut self,
        interaction: i64,
        code: &str,
        new_phone: Option<String>,
        callback_at_ms: Option<u64>,
    ) -> Result<Option<Vec<RecordEffect>>, TenantError> {
        let Some(&(attempt, agent)) = self.out.attempts.get(&interaction) else {
            return Ok(None);
        };
        let codes = self
            .campaign_codes(interaction)
            .unwrap_or_else(dialer::disposition::default_codes);
        let Some(def) = codes.iter().find(|d| &*d.code == code) else {
            let codes: Vec<String> = codes.iter().map(|d| d.code.to_string()).collect();
            return Err(TenantError::field(
                "code",
                format!(
                    "{code:?} is not a disposition of this campaign (one of {})",
                    codes.join(", ")
                ),
            ));
        };
        if def.has(dialer::disposition::DispositionEffect::AddPhone) && new_phone.is_none() {
            return Err(TenantError::field(
                "new_phone",
                format!("{code:?} needs the new number given on the call"),
            ));
        }
        let callback_at_ms = def
            .has(dialer::disposition::DispositionEffect::ScheduleCallback)
            .then(|| {
                callback_at_ms.unwrap_or(self.now_ms.max(0) as u64 + outbound::CALLBACK_DEFAULT_MS)
            });
        if self
            .engine
            .connected_agent(InteractionId(interaction as u64))
            .is_some()
        {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is still on the call: complete it first"
            )));
        }
        // A disposition before the hang-up ends the call first.
        let _ = self.out.step(self.now(), DialerStep::CallEnded { attempt });
        let record = def.record.clone();
        self.dialer_step(DialerStep::Disposition {
            attempt,
            agent,
            code: code.into(),
            new_phone,
            callback_at_ms,
        })?;
        Ok(Some(record))
    }

    pub(crate) fn add_contacts(
        &mut self,
        campaign: i64,
        contacts: Vec<outbound::ContactReq>,
    ) -> Result<Reply, TenantError> {
        let id = u32::try_from(campaign)
            .ok()
            .filter(|c| self.out.campaigns.contains_key(c))
            .ok_or_else(|| TenantError::not_found("campaign"))?;
        if contacts.is_empty() || contacts.len() > outbound::CONTACTS_PER_LOAD_MAX {
            return Err(TenantError::field(
                "contacts",
                format!(
                    "give 1 to {} contacts per request",
                    outbound::CONTACTS_PER_LOAD_MAX
                ),
            ));
        }
        let first = self.out.next_contact.get(&id).copied().unwrap_or(0) + 1;
        let mut list = Vec::with_capacity(contacts.len());
        for (next, (i, c)) in (first..).zip(contacts.into_iter().enumerate()) {
            list.push(self.contact(next, i, c)?);
        }
        let now = self.now();
        let index = &self.index;
        let consent = |c, p: &str| TenantCore::ledger_consent(index, c, p);
        let r = self.out.load(now, id, &list, consent);
        self.flush_out();
        r?;
        Ok(Reply::Id(list.len() as i64))
    }

    /// Checks one contact of a load.
    fn contact(
        &self,
        id: u64,
        i: usize,
        c: outbound::ContactReq,
    ) -> Result<model::fact::CampaignContact, TenantError> {
        if c.phones.is_empty() || c.phones.len() > outbound::PHONES_PER_CONTACT_MAX {
            return Err(TenantError::field(
                &format!("contacts[{i}].phones"),
                format!("give 1 to {} numbers", outbound::PHONES_PER_CONTACT_MAX),
            ));
        }
        if c.name
            .as_ref()
            .is_some_and(|n| n.len() > outbound::CONTACT_NAME_LEN_MAX)
        {
            return Err(TenantError::field(
                &format!("contacts[{i}].name"),
                format!("at most {} bytes", outbound::CONTACT_NAME_LEN_MAX),
            ));
        }
        if let Some(cu) = c.customer_id
            && !self.index.customers.contains(cu)
        {
            return Err(TenantError::field(
                &format!("contacts[{i}].customer_id"),
                format!("no customer {cu}"),
            ));
        }
        Ok(model::fact::CampaignContact {
            id,
            name: c.name,
            customer: c.customer_id,
            phones: c.phones,
            manual: false,
        })
    }

    fn campaign_command(
        &mut self,
        campaign: i64,
        cmd: outbound::CampaignCommand,
    ) -> Result<Reply, TenantError> {
        let campaign = u32::try_from(campaign)
            .ok()
            .filter(|c| self.out.campaigns.contains_key(c))
            .ok_or_else(|| TenantError::not_found("campaign"))?;
        let step = match cmd {
            outbound::CampaignCommand::Start => {
                if !self.line_attached {
                    return Err(TenantError::conflict(
                        "no line places outbound calls on this server (start it with SIP, or run the demo)",
                    ));
                }
                DialerStep::Start { campaign }
            }
            outbound::CampaignCommand::Pause => DialerStep::Pause { campaign },
            outbound::CampaignCommand::Stop => DialerStep::Stop { campaign },
        };
        self.dialer_step(step)?;
        self.presences();
        Ok(Reply::Done)
    }

    /// The free agent an answered call goes to: the one reserved for it if
    /// still free, else the first ready agent of its campaign.
    fn answering_agent(&self, attempt: u64, placed: &outbound::Placed) -> Option<u32> {
        let free = |a: u32| {
            self.engine
                .agent_state(AgentId(a))
                .is_some_and(|s| s == AgentState::Available)
        };
        match placed.reserved {
            Some(a) => Some(a).filter(|a| self.free_for(*a, attempt)),
            None => self
                .out
                .agents
                .iter()
                .filter(|(a, (c, p))| *c == placed.campaign && *p == Presence::Ready && free(**a))
                .map(|(a, _)| *a)
                .min(),
        }
    }

    /// Offers an answered call to a free agent of its campaign, at once (the
    /// line then bridges it); none free (or routing refuses) means it is
    /// abandoned (the line plays the recorded message).
    fn offer_answered(
        &mut self,
        now: Instant,
        attempt: u64,
        placed: outbound::Placed,
    ) -> Option<(i64, i64)> {
        let agent = self.answering_agent(attempt, &placed);
        let rt = self.out.campaigns.get(&placed.campaign).cloned();
        let offered = match (agent, rt) {
            (Some(agent), Some(rt)) => {
                let (name, customer) = self
                    .out
                    .contacts
                    .get(&(placed.campaign, placed.contact))
                    .cloned()
                    .unwrap_or_default();
                let req = NewInteractionReq {
                    channel: Channel::OutboundVoice,
                    queue: Some(rt.doc.queue.clone()),
                    priority: 0,
                    attributes: Attributes {
                        caller_number: Some(placed.phone.clone()),
                        ..Attributes::default()
                    },
                    customer,
                    subject: Some(format!(
                        "{}: {}",
                        rt.name,
                        name.unwrap_or_else(|| format!("contact {}", placed.contact))
                    )),
                    idempotency_key: None,
                    chat_secret_hash: None,
                };
                match self.create(now, req, Some(AgentId(agent))) {
                    Ok(Reply::Interaction { id, .. }) => {
                        let iid = InteractionId(id as u64);
                        self.assign_held(iid, agent);
                        if self.engine.offered_agent(iid) == Some(AgentId(agent)) {
                            Some((id, agent))
                        } else {
                            let _ = self.engine.handle(now, Input::Cancel(iid));
                            None
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match offered {
            Some((interaction, agent)) => {
                self.out.answering.insert(attempt, (interaction, agent));
            }
            None => {
                // Refused only if the attempt is over already.
                let _ = self.dialer_step(DialerStep::Abandoned { attempt });
            }
        }
        self.drain();
        offered.map(|(i, a)| (i, i64::from(a)))
    }
}
