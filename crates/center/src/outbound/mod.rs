//! The outbound dialer in the tenant core: campaign settings as the API
//! takes them, the dialer's inputs as the log keeps them, and the core's side of the
//! dialer (which campaign each agent works on, which interaction each
//! answered call became, the calls waiting for the line).
//!
//! The dialer (crate `dialer`) is a deterministic state machine, so the log
//! keeps what it was told rather than what it holds: `campaign_defined`,
//! `campaign_contacts` and every `dialer_input` it accepted, each at its
//! instant (the fact's `at`). After a restart they are replayed in order into
//! a fresh dialer, which then holds what it held (attempt counts and caps,
//! abandon-rate windows, retries due); its outputs during the replay are
//! dropped, and calls that were in progress are closed by the dialer's own
//! watchdogs as failed. Running campaigns are paused after a restart.
//!
//! The line is whatever places the calls: the SIP switch, or the demo's
//! simulated telephone network. The shell hands it each [`LineOrder`] after
//! the fact that the call was placed is committed, and it reports back with
//! `Command::DialResult` and `Command::OutboundHangup`.

use std::collections::HashMap;

use dialer::clock::CivilClock;
use dialer::contact::{ContactInput, PhoneInput, PhoneKind};
use dialer::{AgentPresence, CallbackRequest, CallbackTime, Dial, Dialer, Input, Output};
use model::fact::{CampaignContact, DialerStep, Fact, Presence};
use model::ids::{CampaignId, ContactId};
use model::outbound::{AttemptId, DialOutcome, ListId};
use model::{AgentId, Instant, PhoneNumber};
use serde::Deserialize;

use crate::error::TenantError;

fn internal(e: impl std::fmt::Display) -> TenantError {
    TenantError::Internal(e.to_string())
}

/// Most timers fired in one catch-up.
const CATCH_UP_MAX: usize = 100_000;
/// Most contacts added in one request.
pub const CONTACTS_PER_LOAD_MAX: usize = 10_000;
/// Most numbers per contact.
pub const PHONES_PER_CONTACT_MAX: usize = 8;
/// Longest contact name, in bytes.
pub const CONTACT_NAME_LEN_MAX: usize = 128;
/// A callback disposition without a time is due this long after the call.
pub const CALLBACK_DEFAULT_MS: u64 = 3_600_000;
/// How long an answered call may wait for its agent in routing before the
/// dialer counts it abandoned (the legal 2 s, less the time the line needs
/// to bridge it).
pub const CONNECT_WAIT_MS: u64 = 1_500;

mod doc;

pub use doc::{CampaignDoc, DispositionDoc};

/// A contact as the API takes it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactReq {
    /// The person's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The customer record, if the contact is a known customer.
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Numbers in the order to try them (E.164, or national form with the
    /// campaign's country code).
    pub phones: Vec<String>,
}

/// The dialer's form of a presence.
fn presence_input(p: Presence) -> AgentPresence {
    match p {
        Presence::Ready => AgentPresence::Ready,
        Presence::Talking { since_ms } => AgentPresence::Talking {
            since: Instant::from_millis(since_ms),
        },
        Presence::WrapUp { since_ms } => AgentPresence::WrapUp {
            since: Instant::from_millis(since_ms),
        },
        Presence::Away => AgentPresence::Away,
        Presence::SignedOut => AgentPresence::SignedOut,
    }
}

/// A start, pause or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignCommand {
    /// Start or resume.
    Start,
    /// Stop placing calls (calls in progress go on).
    Pause,
    /// Stop for good.
    Stop,
}

/// The dialer's input for a logged step (none for a tick).
fn dialer_input(step: &DialerStep) -> Result<Option<Input>, TenantError> {
    Ok(Some(match step {
        DialerStep::Tick => return Ok(None),
        DialerStep::Start { campaign } => Input::Start {
            campaign: CampaignId(*campaign),
        },
        DialerStep::Pause { campaign } => Input::Pause {
            campaign: CampaignId(*campaign),
        },
        DialerStep::Stop { campaign } => Input::Stop {
            campaign: CampaignId(*campaign),
        },
        DialerStep::Agent {
            campaign,
            agent,
            presence,
        } => Input::Agent {
            campaign: CampaignId(*campaign),
            agent: AgentId(*agent),
            presence: presence_input(*presence),
        },
        DialerStep::DialResult {
            attempt,
            outcome,
            ring_ms,
        } => Input::DialResult {
            attempt: AttemptId(*attempt),
            outcome: *outcome,
            ring_ms: *ring_ms,
        },
        DialerStep::Connected { attempt, agent, .. } => Input::Connected {
            attempt: AttemptId(*attempt),
            agent: AgentId(*agent),
        },
        DialerStep::Abandoned { attempt } => Input::Abandoned {
            attempt: AttemptId(*attempt),
        },
        DialerStep::CallEnded { attempt } => Input::CallEnded {
            attempt: AttemptId(*attempt),
        },
        DialerStep::Disposition {
            attempt,
            agent,
            code,
            new_phone,
            callback_at_ms,
        } => Input::Disposition {
            attempt: AttemptId(*attempt),
            agent: AgentId(*agent),
            code: code.as_str().into(),
            new_phone: new_phone
                .as_deref()
                .map(|p| PhoneNumber::parse(p).map_err(|e| TenantError::field("new_phone", e)))
                .transpose()?,
            callback: callback_at_ms.map(|ms| CallbackRequest {
                when: CallbackTime::At(Instant::from_millis(ms)),
                owner: None,
            }),
        },
        DialerStep::ManualDial {
            campaign,
            agent,
            contact,
        } => Input::ManualDial {
            campaign: CampaignId(*campaign),
            agent: AgentId(*agent),
            contact: ContactId(*contact),
        },
        DialerStep::CloseContact {
            campaign,
            contact,
            reason,
        } => Input::CloseContact {
            campaign: CampaignId(*campaign),
            contact: ContactId(*contact),
            reason: reason.as_str().into(),
        },
        DialerStep::PreviewAccept { attempt } => Input::PreviewAccept {
            attempt: AttemptId(*attempt),
        },
        DialerStep::PreviewSkip { attempt } => Input::PreviewSkip {
            attempt: AttemptId(*attempt),
        },
        DialerStep::SetRatio { campaign, ratio } => Input::SetRatio {
            campaign: CampaignId(*campaign),
            ratio: *ratio,
        },
        DialerStep::OptOut { phone } => Input::OptOut {
            phone: PhoneNumber::parse(phone).map_err(|e| TenantError::field("phone", e))?,
        },
        DialerStep::DoNotCallStage {
            list,
            phones,
            first,
        } => Input::DoNotCallStage {
            list: list.clone(),
            first: *first,
            numbers: phones
                .iter()
                .map(|p| PhoneNumber::parse(p).map_err(|e| TenantError::field("phones", e)))
                .collect::<Result<_, _>>()?,
        },
        DialerStep::DoNotCallPublish { list } => Input::DoNotCallPublish { list: list.clone() },
        DialerStep::Consent {
            phone,
            purpose,
            granted,
            source,
            at_ms,
        } => {
            let phone = PhoneNumber::parse(phone).map_err(|e| TenantError::field("phone", e))?;
            match granted {
                true => Input::ConsentGiven {
                    phone,
                    record: dialer::consent::ConsentRecord {
                        purpose: purpose.as_str().into(),
                        channel: model::Channel::Voice,
                        source: source.as_str().into(),
                        given_at: Instant::from_millis((*at_ms).max(0) as u64),
                        withdrawn_at: None,
                        expires_at: None,
                    },
                },
                false => Input::ConsentWithdrawn {
                    phone,
                    purpose: purpose.as_str().into(),
                },
            }
        }
    }))
}

/// What the tenant task keeps about a campaign besides the dialer's state.
#[derive(Debug, Clone)]
pub struct CampaignRt {
    /// Its name.
    pub name: String,
    /// Its settings.
    pub doc: CampaignDoc,
    /// Whether it was stopped (or finished): its agents are free for others.
    pub over: bool,
}

/// What the tenant task asks of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOrder {
    /// Place this call (its `dial_placed` fact is committed).
    Dial(Dial),
    /// The agent ended this connected call: hang up the callee.
    Hangup {
        /// Which attempt.
        attempt: u64,
    },
}

/// A call placed, as the task remembers it until it is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The number called.
    pub phone: PhoneNumber,
    /// Which campaign.
    pub campaign: u32,
    /// Which contact.
    pub contact: u64,
    /// The agent reserved for it, if any.
    pub reserved: Option<u32>,
}

/// A contact shown to an agent before the dialer calls it (preview mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewInfo {
    /// The attempt (to accept or skip).
    pub attempt: u64,
    /// The agent it is shown to.
    pub agent: u32,
    /// The campaign's name.
    pub campaign: String,
    /// The contact's name (or `#id`).
    pub contact: String,
    /// The number that will be called.
    pub phone: String,
    /// When the dialer calls it unless skipped (Unix ms).
    pub dials_at_ms: u64,
}

/// An answered call: offered to a free agent, or abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    /// The interaction the call became and the agent it is offered to (the
    /// line bridges the two and says `Op::OutboundBridged`, or
    /// `Op::OutboundAbandoned` when the agent's phone did not answer within
    /// the 2 s); none when no agent was free (the line plays the abandon
    /// message and hangs up; the abandon is counted already).
    pub offered: Option<(i64, i64)>,
}

/// The tenant task's dialer and what goes with it.
#[derive(Debug)]
pub struct Outbound {
    /// The engine.
    pub dialer: Dialer,
    /// Campaigns by id.
    pub campaigns: HashMap<u32, CampaignRt>,
    /// The interaction each connected attempt became.
    pub interactions: HashMap<u64, i64>,
    /// The attempt of each outbound interaction, with its agent.
    pub attempts: HashMap<i64, (u64, u32)>,
    /// Calls placed and not over.
    pub placed: HashMap<u64, Placed>,
    /// Previews offered and not answered yet.
    pub previews: HashMap<u64, PreviewInfo>,
    /// Answered calls offered to an agent and not yet bridged: (interaction, agent).
    pub answering: HashMap<u64, (i64, u32)>,
    /// The campaign each agent is signed in to, with its last presence.
    pub agents: HashMap<u32, (u32, Presence)>,
    /// The contacts of each campaign, for the interaction a call becomes.
    pub contacts: HashMap<(u32, u64), (Option<String>, Option<i64>)>,
    /// Contact ids taken, per campaign.
    pub next_contact: HashMap<u32, u64>,
    /// Orders to hand to the line after the commit.
    pub orders: Vec<LineOrder>,
    /// Facts for the log (the task takes them).
    pub facts: Vec<Fact>,
    /// The last refusal the gate logged (rule, when it may pass), for a
    /// manual call's answer.
    pub refused: Option<(model::outbound::GateRule, Option<Instant>)>,
    /// Whether outputs are dropped (replay).
    pub replaying: bool,
    /// The instant of the input being applied (Unix ms).
    dialer_now_ms: u64,
}

impl Default for Outbound {
    fn default() -> Self {
        Outbound {
            dialer: Dialer::new(CivilClock::unix()),
            campaigns: HashMap::new(),
            interactions: HashMap::new(),
            attempts: HashMap::new(),
            placed: HashMap::new(),
            previews: HashMap::new(),
            answering: HashMap::new(),
            agents: HashMap::new(),
            contacts: HashMap::new(),
            next_contact: HashMap::new(),
            orders: Vec::new(),
            facts: Vec::new(),
            refused: None,
            replaying: false,
            dialer_now_ms: 0,
        }
    }
}

impl Outbound {
    /// The next campaign id.
    pub fn next_campaign(&self) -> u32 {
        self.campaigns.keys().max().copied().unwrap_or(0) + 1
    }

    /// Adds a campaign (logged as `campaign_defined`).
    pub fn define(
        &mut self,
        now: Instant,
        id: u32,
        name: &str,
        doc: CampaignDoc,
    ) -> Result<(), TenantError> {
        if self.campaigns.values().any(|c| c.name == name) {
            return Err(TenantError::conflict(format!(
                "campaign {name:?} exists already"
            )));
        }
        self.catch_up(now);
        self.dialer_now_ms = now.as_millis();
        let cfg = doc.compile(id, name)?;
        let document = serde_json::to_string(&doc).map_err(internal)?;
        self.dialer
            .add_campaign(now, cfg)
            .map_err(|e| TenantError::field("campaign", e))?;
        if !self.replaying {
            self.facts.push(Fact::CampaignDefined {
                campaign: id,
                name: name.into(),
                document,
            });
        }
        self.campaigns.insert(
            id,
            CampaignRt {
                name: name.into(),
                doc,
                over: false,
            },
        );
        self.drain();
        Ok(())
    }

    /// Loads contacts (already numbered) into a campaign's list (logged as
    /// `campaign_contacts`). A contact of a customer whose ledger grants the
    /// campaign's consent purpose carries that consent (`consent`: the
    /// customer's, for a purpose). A refused load changes nothing.
    pub fn load(
        &mut self,
        now: Instant,
        campaign: u32,
        contacts: &[CampaignContact],
        consent: impl Fn(i64, &str) -> Option<dialer::contact::ListConsent>,
    ) -> Result<(), TenantError> {
        self.catch_up(now);
        self.dialer_now_ms = now.as_millis();
        let rt = self
            .campaigns
            .get(&campaign)
            .ok_or_else(|| TenantError::not_found("campaign"))?;
        let cc = rt.doc.country_code.unwrap_or(1);
        let purpose = rt.doc.consent_purpose.as_deref();
        let mut inputs = Vec::with_capacity(contacts.len());
        for (i, c) in contacts.iter().enumerate() {
            let given = purpose.zip(c.customer).and_then(|(p, who)| consent(who, p));
            let mut phones = Vec::with_capacity(c.phones.len());
            for p in &c.phones {
                let number = dialer::consent::to_e164(p, cc).ok_or_else(|| {
                    TenantError::field(
                        &format!("contacts[{i}].phones"),
                        format!("{p:?} is not a phone number"),
                    )
                })?;
                phones.push(PhoneInput {
                    number,
                    kind: PhoneKind::Other,
                    valid: true,
                    consent: given.clone(),
                });
            }
            inputs.push(ContactInput {
                id: ContactId(c.id),
                phones,
                address: None,
                segment: None,
                score: 0,
                person: c.customer.and_then(|id| u64::try_from(id).ok()),
                manual: c.manual,
            });
        }
        let load = Input::LoadContacts {
            campaign: CampaignId(campaign),
            list: ListId(0),
            contacts: inputs,
        };
        if let Err(e) = self.dialer.handle(now, load) {
            // Refused, the dialer woke at `now` all the same: a tick, as
            // for any refused input, so a replay wakes it there too.
            self.step_done(DialerStep::Tick, true);
            return Err(TenantError::conflict(e.to_string()));
        }
        if !self.replaying {
            self.facts.push(Fact::CampaignContacts {
                campaign,
                contacts: contacts.to_vec(),
            });
        }
        for c in contacts {
            self.contacts
                .insert((campaign, c.id), (c.name.clone(), c.customer));
            let n = self.next_contact.entry(campaign).or_insert(0);
            *n = (*n).max(c.id);
        }
        self.drain();
        Ok(())
    }

    /// Gives the dialer one input; if it takes it, the input is logged.
    pub fn step(&mut self, now: Instant, step: DialerStep) -> Result<(), TenantError> {
        self.catch_up(now);
        self.dialer_now_ms = now.as_millis();
        let refused = match dialer_input(&step)? {
            None => {
                self.dialer.handle_timeout(now);
                None
            }
            Some(input) => self.dialer.handle(now, input).err(),
        };
        if let Some(e) = refused {
            // The dialer refused the input but woke at `now` all the same
            // (its timers fired, it paced): that is logged as a tick, so a
            // replay wakes it there too.
            self.step_done(DialerStep::Tick, true);
            return Err(TenantError::conflict(e.to_string()));
        }
        self.step_done(step, false);
        Ok(())
    }

    /// Fires the dialer's timers due by `now`, each at its own instant, so
    /// that the dialer's state does not depend on when the shell woke up: a
    /// replay, which catches up before each logged input, fires the same
    /// timers at the same instants. Their outputs are kept as usual.
    pub fn catch_up(&mut self, now: Instant) {
        // A timer that fires keeps its campaign due later, or not at all;
        // the bound only guards against a dialer that would not move on.
        for _ in 0..CATCH_UP_MAX {
            let Some(due) = self.dialer.poll_timeout().filter(|t| *t <= now) else {
                return;
            };
            self.dialer_now_ms = due.as_millis();
            self.dialer.handle_timeout(due);
            self.drain();
            if self.dialer.poll_timeout() == Some(due) {
                return;
            }
        }
    }

    /// Logs an input the dialer took (ticks only when they did something,
    /// or when `always`) before what it caused.
    fn step_done(&mut self, step: DialerStep, always: bool) {
        self.note(&step);
        let mark = self.facts.len();
        let did = self.drain();
        if !self.replaying && (did || always || step != DialerStep::Tick) {
            // The input goes before what it caused.
            self.facts.insert(mark, Fact::DialerInput { input: step });
        }
    }

    /// Keeps the task's maps in step with an accepted input.
    fn note(&mut self, step: &DialerStep) {
        match step {
            DialerStep::Agent {
                campaign,
                agent,
                presence,
            } => {
                if *presence == Presence::SignedOut {
                    self.agents.remove(agent);
                } else {
                    self.agents.insert(*agent, (*campaign, *presence));
                }
            }
            DialerStep::Connected {
                attempt,
                agent,
                interaction,
            } => {
                self.interactions.insert(*attempt, *interaction);
                self.attempts.insert(*interaction, (*attempt, *agent));
            }
            DialerStep::Disposition { attempt, .. } => {
                if let Some(i) = self.interactions.remove(attempt) {
                    self.attempts.remove(&i);
                }
                self.placed.remove(attempt);
            }
            DialerStep::Abandoned { attempt } => {
                self.placed.remove(attempt);
            }
            DialerStep::PreviewAccept { attempt } | DialerStep::PreviewSkip { attempt } => {
                self.previews.remove(attempt);
            }
            DialerStep::SetRatio { campaign, ratio } => {
                // The campaign's settings show the ratio it dials at now.
                if let Some(rt) = self.campaigns.get_mut(campaign) {
                    rt.doc.ratio = Some(*ratio);
                }
            }
            DialerStep::DialResult {
                attempt, outcome, ..
            } if *outcome != DialOutcome::LiveAnswer => {
                self.placed.remove(attempt);
            }
            _ => {}
        }
    }

    /// Takes the dialer's outputs; says whether there were any.
    pub fn drain(&mut self) -> bool {
        let mut any = false;
        while let Some(o) = self.dialer.poll_output() {
            any = true;
            match o {
                Output::Dial(d) => {
                    // A preview whose countdown ran out is dialled.
                    self.previews.remove(&d.attempt.0);
                    self.placed.insert(
                        d.attempt.0,
                        Placed {
                            phone: d.phone.clone(),
                            campaign: d.campaign.0,
                            contact: d.contact.0,
                            reserved: d.reserved_agent.map(|a| a.0),
                        },
                    );
                    if !self.replaying {
                        self.orders.push(LineOrder::Dial(d));
                    }
                }
                Output::Event(event) => {
                    if let model::event::EventKind::Outbound(
                        model::outbound::OutboundEvent::GateDecided {
                            allowed: false,
                            rule,
                            retry_at,
                            ..
                        },
                    ) = &event.kind
                    {
                        self.refused = Some((*rule, *retry_at));
                    }
                    if let model::event::EventKind::Outbound(
                        model::outbound::OutboundEvent::CampaignStateChanged {
                            campaign,
                            state,
                            ..
                        },
                    ) = &event.kind
                        && let Some(rt) = self.campaigns.get_mut(&campaign.0)
                    {
                        rt.over = matches!(
                            state,
                            model::outbound::CampaignState::Stopped
                                | model::outbound::CampaignState::Finished
                        );
                    }
                    if !self.replaying {
                        self.facts.push(Fact::Outbound { event });
                    }
                }
                // Previews reach the agent as `preview_offered` facts.
                Output::Preview(p) => {
                    let (name, _) = self
                        .contacts
                        .get(&(p.campaign.0, p.contact.0))
                        .cloned()
                        .unwrap_or_default();
                    let campaign = self
                        .campaigns
                        .get(&p.campaign.0)
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    self.previews.insert(
                        p.attempt.0,
                        PreviewInfo {
                            attempt: p.attempt.0,
                            agent: p.agent.0,
                            campaign,
                            contact: name.unwrap_or_else(|| format!("#{}", p.contact.0)),
                            phone: p.phone.to_string(),
                            dials_at_ms: self.dialer_now_ms + p.countdown_ms,
                        },
                    );
                }
                // Alerts reach supervisors as `abandon_rate_alert` facts.
                Output::Alert(_) => {}
            }
        }
        any
    }

    /// The campaign an agent of these teams works on: the first campaign not
    /// over whose team is one of them.
    pub fn campaign_for(&self, teams: &[String]) -> Option<u32> {
        let mut ids: Vec<u32> = self
            .campaigns
            .iter()
            .filter(|(_, c)| !c.over && teams.contains(&c.doc.team))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.first().copied()
    }
}
