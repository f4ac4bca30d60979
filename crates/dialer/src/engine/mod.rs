//! The engine: [`Dialer`] takes inputs with the time they happened, and
//! produces outputs (dials, previews, events, alerts) to be drained after
//! every input, plus the next moment it needs to be woken.
//!
//! Sans-IO: no clock, no sleeping, no threads; the driver owns all of that.

mod calls;
mod campaign;
mod erase;
mod interface;
mod manual;
mod pace;

pub use interface::{
    AgentPresence, Alert, CallbackRequest, CallbackTime, Dial, Input, InputError, Output,
    PreviewOffer,
};

use model::ids::{CampaignId, ContactId};
use model::outbound::{AttemptId, DoNotCallList, OutboundEvent};
use model::{AgentId, Event, Instant, PhoneNumber};
use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::clock::CivilClock;
use crate::config::{CampaignConfig, ConfigError, PersonCaps};
use crate::consent::{ComplianceRegistry, E164};
use crate::contact::AttemptLog;

use campaign::Campaign;

/// Most campaigns per engine.
pub const CAMPAIGNS_MAX: usize = 1024;
/// Most outputs waiting to be drained (a driver that never drains is a bug; past this, events are dropped and counted).
pub const OUTPUTS_MAX: usize = 4_000_000;

/// Where outputs wait to be drained.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    queue: VecDeque<Output>,
    /// Outputs dropped because the driver did not drain.
    dropped: u64,
}

impl Outbox {
    pub(crate) fn push(&mut self, o: Output) {
        if self.queue.len() >= OUTPUTS_MAX {
            self.dropped += 1;
        } else {
            self.queue.push_back(o);
        }
    }

    pub(crate) fn event(&mut self, at: Instant, e: OutboundEvent) {
        self.push(Output::Event(Event {
            at,
            kind: model::event::EventKind::Outbound(e),
        }));
    }
}

/// What every campaign operation needs besides the campaign itself.
pub(crate) struct Ctx<'a> {
    pub now: Instant,
    pub clock: &'a CivilClock,
    pub registry: &'a mut ComplianceRegistry,
    pub out: &'a mut Outbox,
    pub next_attempt: &'a mut u64,
    pub attempts: &'a mut HashMap<AttemptId, CampaignId>,
    /// Attempts per person across campaigns, and their caps.
    pub persons: &'a mut HashMap<PersonKey, AttemptLog>,
    pub person_caps: PersonCaps,
}

/// Who a contact is, for the caps across campaigns: a customer record, or
/// the number of a contact that names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PersonKey {
    Customer(u64),
    Number(E164),
}

/// The outbound dialer engine. See the crate documentation for the driver's protocol.
#[derive(Debug)]
pub struct Dialer {
    clock: CivilClock,
    campaigns: BTreeMap<CampaignId, Campaign>,
    registry: ComplianceRegistry,
    out: Outbox,
    next_attempt: u64,
    /// Which campaign each attempt in progress belongs to.
    attempts: HashMap<AttemptId, CampaignId>,
    /// Which campaign each signed-in agent works on.
    agents: HashMap<AgentId, CampaignId>,
    /// The latest time given (time never goes back inside the engine).
    last_now: Instant,
    /// Attempts per person across campaigns.
    persons: HashMap<PersonKey, AttemptLog>,
    /// Their caps.
    person_caps: PersonCaps,
}

impl Dialer {
    /// An engine whose instants map to civil time through `clock`.
    pub fn new(clock: CivilClock) -> Self {
        Dialer {
            clock,
            campaigns: BTreeMap::new(),
            registry: ComplianceRegistry::default(),
            out: Outbox::default(),
            next_attempt: 1,
            attempts: HashMap::new(),
            agents: HashMap::new(),
            last_now: Instant::ZERO,
            persons: HashMap::new(),
            person_caps: PersonCaps::default(),
        }
    }

    /// Sets the caps on calls to one person across every campaign.
    pub fn set_person_caps(&mut self, caps: PersonCaps) {
        self.person_caps = caps;
    }

    fn ctx(&mut self) -> (Ctx<'_>, &mut BTreeMap<CampaignId, Campaign>) {
        (
            Ctx {
                now: self.last_now,
                clock: &self.clock,
                registry: &mut self.registry,
                out: &mut self.out,
                next_attempt: &mut self.next_attempt,
                attempts: &mut self.attempts,
                persons: &mut self.persons,
                person_caps: self.person_caps,
            },
            &mut self.campaigns,
        )
    }

    fn tick(&mut self, now: Instant) {
        self.last_now = self.last_now.max(now);
    }

    /// Adds a campaign (in state `ready`; send [`Input::Start`] to dial).
    pub fn add_campaign(
        &mut self,
        now: Instant,
        config: CampaignConfig,
    ) -> Result<(), ConfigError> {
        self.tick(now);
        config.validate()?;
        if self.campaigns.contains_key(&config.id) || self.campaigns.len() >= CAMPAIGNS_MAX {
            return Err(ConfigError::DuplicateCampaign(config.id.0));
        }
        let id = config.id;
        let c = Campaign::new(config);
        self.out.event(
            self.last_now,
            OutboundEvent::CampaignStateChanged {
                campaign: id,
                state: c.state,
                reason: "configured".into(),
            },
        );
        self.campaigns.insert(id, c);
        Ok(())
    }

    /// Applies one input at `now`, then fires what is due and paces. Drain
    /// [`Dialer::poll_output`] afterwards. A refused input changes nothing.
    pub fn handle(&mut self, now: Instant, input: Input) -> Result<(), InputError> {
        self.tick(now);
        let result = self.apply(input);
        self.advance();
        result
    }

    /// Wakes the engine at `now` (at or after [`Dialer::poll_timeout`]): fires
    /// what is due and paces.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.tick(now);
        self.advance();
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.queue.pop_front()
    }

    /// When to call [`Dialer::handle_timeout`] next, if anything is pending.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.campaigns
            .values()
            .filter_map(|c| c.next_timeout(self.last_now))
            .min()
    }

    /// Outputs dropped because they were not drained (should stay 0).
    pub fn dropped_outputs(&self) -> u64 {
        self.out.dropped
    }

    /// The lists loaded from files: name, whether national, numbers.
    pub fn do_not_call_lists(&self) -> Vec<(String, bool, usize)> {
        (self.registry.lists())
            .map(|(n, national, count)| (n.to_string(), national, count))
            .collect()
    }

    /// A read-only view of a campaign, for supervisors and tests.
    pub fn campaign(&self, id: CampaignId) -> Option<CampaignView<'_>> {
        self.campaigns.get(&id).map(|c| CampaignView { c })
    }

    /// The campaign an attempt belongs to (while the engine knows it).
    pub fn campaign_of(&self, attempt: AttemptId) -> Option<CampaignId> {
        self.attempts.get(&attempt).copied()
    }

    fn campaign_mut(&mut self, id: CampaignId) -> Result<&mut Campaign, InputError> {
        self.campaigns
            .get_mut(&id)
            .ok_or(InputError::UnknownCampaign(id))
    }

    fn attempt_campaign(&self, attempt: AttemptId) -> Result<CampaignId, InputError> {
        self.attempts
            .get(&attempt)
            .copied()
            .ok_or(InputError::UnknownAttempt(attempt))
    }

    fn key_of(phone: &PhoneNumber) -> Result<E164, InputError> {
        E164::of(phone).ok_or_else(|| InputError::NotE164(phone.to_string()))
    }

    fn apply(&mut self, input: Input) -> Result<(), InputError> {
        let now = self.last_now;
        match input {
            Input::Start { campaign } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .start(&mut ctx)
            }
            Input::Pause { campaign } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .pause(&mut ctx);
                Ok(())
            }
            Input::Stop { campaign } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .stop(&mut ctx);
                Ok(())
            }
            Input::SetRatio { campaign, ratio } => {
                let c = self.campaign_mut(campaign)?;
                if c.cfg.mode != model::outbound::DialMode::Power {
                    return Err(InputError::NotPower(campaign));
                }
                if !(1.0..=crate::config::RATIO_MAX).contains(&ratio) {
                    return Err(InputError::RatioOutOfRange);
                }
                c.cfg.ratio = ratio;
                Ok(())
            }
            Input::LoadContacts {
                campaign,
                list,
                contacts,
            } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .load(&mut ctx, list, contacts)
            }
            Input::Agent {
                campaign,
                agent,
                presence,
            } => {
                self.campaign_mut(campaign)?;
                if let Some(old) = self.agents.get(&agent).copied().filter(|c| *c != campaign) {
                    let (mut ctx, cs) = self.ctx();
                    if let Some(c) = cs.get_mut(&old) {
                        c.agent(&mut ctx, agent, AgentPresence::SignedOut);
                    }
                }
                if presence == AgentPresence::SignedOut {
                    self.agents.remove(&agent);
                } else {
                    self.agents.insert(agent, campaign);
                }
                let (mut ctx, cs) = self.ctx();
                if let Some(c) = cs.get_mut(&campaign) {
                    c.agent(&mut ctx, agent, presence);
                }
                Ok(())
            }
            Input::DialResult {
                attempt,
                outcome,
                ring_ms,
            } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .dial_result(&mut ctx, attempt, outcome, ring_ms)
            }
            Input::Connected { attempt, agent } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .connected(&mut ctx, attempt, agent)
            }
            Input::Abandoned { attempt } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .abandoned(&mut ctx, attempt)
            }
            Input::CallEnded { attempt } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .call_ended(&mut ctx, attempt)
            }
            Input::Disposition {
                attempt,
                agent,
                code,
                new_phone,
                callback,
            } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                let c = cs.get_mut(&id).ok_or(InputError::UnknownCampaign(id))?;
                c.disposition(&mut ctx, attempt, agent, &code, new_phone, callback)
            }
            Input::ScheduleCallback {
                campaign,
                contact,
                callback,
            } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .schedule_callback(&mut ctx, contact, callback)
            }
            Input::CloseContact {
                campaign,
                contact,
                reason,
            } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .close_from_outside(&mut ctx, contact, reason)
            }
            Input::ManualDial {
                campaign,
                agent,
                contact,
            } => {
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&campaign)
                    .ok_or(InputError::UnknownCampaign(campaign))?
                    .manual_dial(&mut ctx, agent, contact)
            }
            Input::PreviewAccept { attempt } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .preview_accept(&mut ctx, attempt)
            }
            Input::PreviewSkip { attempt } => {
                let id = self.attempt_campaign(attempt)?;
                let (mut ctx, cs) = self.ctx();
                cs.get_mut(&id)
                    .ok_or(InputError::UnknownCampaign(id))?
                    .preview_skip(&mut ctx, attempt)
            }
            Input::ConsentGiven { phone, record } => {
                let key = Self::key_of(&phone)?;
                self.out.event(
                    now,
                    OutboundEvent::ConsentRecorded {
                        phone,
                        purpose: record.purpose.clone(),
                        source: record.source.clone(),
                        given_at: record.given_at,
                        expires_at: record.expires_at,
                    },
                );
                self.registry.record_consent(key, record);
                Ok(())
            }
            Input::ConsentWithdrawn { phone, purpose } => {
                let key = Self::key_of(&phone)?;
                self.registry.withdraw_consent(key, &purpose, now);
                self.out.event(
                    now,
                    OutboundEvent::ConsentWithdrawn {
                        phone,
                        purpose,
                        withdrawn_at: now,
                    },
                );
                Ok(())
            }
            Input::OptOut { phone } => {
                let key = Self::key_of(&phone)?;
                self.registry.add_do_not_call(&DoNotCallList::Internal, key);
                self.out.event(
                    now,
                    OutboundEvent::DoNotCallAdded {
                        list: DoNotCallList::Internal,
                        phone,
                        reason: "opt_out".into(),
                    },
                );
                Ok(())
            }
            Input::DoNotCallAdd { list, phone } => {
                let key = Self::key_of(&phone)?;
                self.registry.add_do_not_call(&list, key);
                self.out.event(
                    now,
                    OutboundEvent::DoNotCallAdded {
                        list,
                        phone,
                        reason: "command".into(),
                    },
                );
                Ok(())
            }
            Input::DoNotCallRemove { list, phone } => {
                let key = Self::key_of(&phone)?;
                self.registry.remove_do_not_call(&list, key);
                self.out
                    .event(now, OutboundEvent::DoNotCallRemoved { list, phone });
                Ok(())
            }
            Input::DoNotCallStage {
                list,
                numbers,
                first,
            } => {
                let keys: Vec<E164> = numbers.iter().map(Self::key_of).collect::<Result<_, _>>()?;
                self.registry.stage(&list, keys.into_iter(), first)?;
                Ok(())
            }
            Input::DoNotCallPublish { list } => {
                let n = self.registry.publish(&list);
                self.out.event(
                    now,
                    OutboundEvent::DoNotCallImported {
                        list,
                        numbers: u32::try_from(n).unwrap_or(u32::MAX),
                    },
                );
                Ok(())
            }
            Input::Erased { numbers } => self.take_erased(numbers),
            Input::Forget { persons, moves } => self.forget(&persons, &moves),
            Input::DoNotCallImport { name, numbers } => {
                let keys: Vec<E164> = numbers.iter().map(Self::key_of).collect::<Result<_, _>>()?;
                let n = self.registry.import_national(&name, keys);
                self.out.event(
                    now,
                    OutboundEvent::DoNotCallImported {
                        list: DoNotCallList::National(name),
                        numbers: u32::try_from(n).unwrap_or(u32::MAX),
                    },
                );
                Ok(())
            }
        }
    }

    /// Fires due deadlines, then paces every running campaign.
    fn advance(&mut self) {
        let (mut ctx, cs) = self.ctx();
        for c in cs.values_mut() {
            c.fire_deadlines(&mut ctx);
            c.pace(&mut ctx);
        }
    }
}

/// A read-only view of a campaign.
#[derive(Debug, Clone, Copy)]
pub struct CampaignView<'a> {
    c: &'a Campaign,
}

impl CampaignView<'_> {
    /// Its state.
    pub fn state(&self) -> model::outbound::CampaignState {
        self.c.state
    }

    /// Its disposition codes and their effects.
    pub fn dispositions(&self) -> &[crate::disposition::DispositionCode] {
        &self.c.cfg.dispositions
    }

    /// Contacts loaded.
    pub fn contacts(&self) -> usize {
        self.c.contacts.len()
    }

    /// Whether an agent is signed in to it, ready, with no call reserved.
    pub fn agent_is_free(&self, agent: AgentId) -> bool {
        self.c.agents.get(&agent).is_some_and(|a| a.is_free())
    }

    /// Contacts not yet in a final state.
    pub fn open_contacts(&self) -> usize {
        self.c.open_contacts
    }

    /// Whether a contact exists and is not closed.
    pub fn contact_open(&self, id: ContactId) -> bool {
        self.c
            .index
            .get(&id)
            .is_some_and(|i| !self.c.contacts[*i as usize].is_closed())
    }

    /// How a contact ended, if it did.
    pub fn contact_end(&self, id: ContactId) -> Option<(model::outbound::ContactEnd, &str)> {
        let idx = *self.c.index.get(&id)?;
        self.c.contacts[idx as usize]
            .end
            .as_ref()
            .map(|(e, r)| (*e, &**r))
    }

    /// A contact's history of disposition codes.
    pub fn history(&self, id: ContactId) -> Vec<&str> {
        self.c
            .index
            .get(&id)
            .map(|i| {
                self.c.contacts[*i as usize]
                    .history
                    .iter()
                    .map(|s| &**s)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The numbers of a contact, with whether each is valid.
    pub fn phones(&self, id: ContactId) -> Vec<(&PhoneNumber, bool)> {
        self.c
            .index
            .get(&id)
            .map(|i| {
                self.c.contacts[*i as usize]
                    .phones
                    .iter()
                    .map(|p| (&p.number, p.valid))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The estimated share of dials a person answers.
    pub fn answer_rate(&self) -> f64 {
        self.c.est.answer_rate()
    }
}
