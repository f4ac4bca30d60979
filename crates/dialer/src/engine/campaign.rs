//! One campaign's state: its contacts and due queue, its agents, its attempts
//! in progress and their deadlines, its estimates and abandon meter; and the
//! operations that load, schedule, retry and close contacts.

use chrono::{Days, NaiveDate, NaiveTime};
use model::ids::ContactId;
use model::outbound::{
    AbandonWindow, AlertLevel, AttemptId, CampaignState, ContactEnd, DialMode, ListId,
    OutboundEvent,
};
use model::{AgentId, Channel, Instant};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

use super::{AgentPresence, Alert, Ctx, InputError, Output};
use crate::abandon::AbandonMeter;
use crate::config::{CampaignConfig, ContactOrder, Retry};
use crate::consent::{ConsentRecord, E164, to_e164};
use crate::contact::{AttemptLog, Contact, ContactInput, PHONES_PER_CONTACT_MAX, Phone, Stage};
use crate::estimate::Estimates;
use crate::schedule::{DueQueue, ReadyKey};
use crate::zone::{Zones, address_zones, number_facts};

/// Most contacts per campaign.
pub const CONTACTS_PER_CAMPAIGN_MAX: usize = 10_000_000;
/// Predictive pacing looks again at least this often while agents are signed in
/// (agents' chances of freeing up change with time even when nothing happens).
pub const PACE_TICK_MS: u64 = 1_000;
/// Live answers needed before an abandon-rate warning is raised (a rate over a handful of calls says little).
pub const ALERT_MIN_LIVE_ANSWERS: u32 = 30;

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptStage {
    /// Shown to the reserved agent; dialled when the countdown ends or on accept.
    Preview,
    /// Placed, no result yet.
    Ringing,
    /// A person answered; waiting for an agent (2 s at most).
    Answered,
    /// Talking to an agent.
    Connected,
    /// The call ended; waiting for the disposition.
    Ended,
}

/// One attempt in progress.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub contact: u32,
    pub phone: usize,
    pub reserved: Option<AgentId>,
    pub stage: AttemptStage,
    /// When the current stage began.
    pub stage_at: Instant,
    /// The watchdog of the current stage.
    pub deadline: Instant,
    /// Chance of a live answer, as planned when dialled.
    pub q: f64,
    /// Planned abandons (q × abandon probability) when dialled.
    pub risk: f64,
    /// The same with the answer rate at its upper bound (what the cap's room is judged on).
    pub risk_upper: f64,
    /// The agent talking to the contact.
    pub agent: Option<AgentId>,
}

/// An agent of the campaign.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AgentSlot {
    pub presence: AgentPresence,
    /// When the presence began.
    pub since: Instant,
    /// The attempt this agent waits for (preview, progressive, owned callback).
    pub reserved_for: Option<AttemptId>,
}

impl AgentSlot {
    pub fn is_free(&self) -> bool {
        self.presence == AgentPresence::Ready && self.reserved_for.is_none()
    }
}

#[derive(Debug)]
pub(crate) struct Campaign {
    pub cfg: CampaignConfig,
    pub state: CampaignState,
    pub contacts: Vec<Contact>,
    pub index: HashMap<ContactId, u32>,
    pub queue: DueQueue,
    pub open_contacts: usize,
    pub agents: BTreeMap<AgentId, AgentSlot>,
    pub attempts: BTreeMap<AttemptId, Attempt>,
    pub deadlines: BTreeSet<(Instant, AttemptId)>,
    /// Attempts per number, shared by every contact that has it (households share numbers).
    pub phone_logs: HashMap<E164, AttemptLog>,
    /// Numbers with a line live now (a number is never rung twice at once, even for two contacts).
    pub live_numbers: HashSet<E164>,
    pub est: Estimates,
    pub meter: AbandonMeter,
    pub alert_levels: [AlertLevel; 2],
    pub last_pace_reason: Cow<'static, str>,
    pub last_pace_at: Instant,
    list_ranks: HashMap<ListId, u16>,
}

impl Campaign {
    pub fn new(cfg: CampaignConfig) -> Self {
        let mut by_priority: Vec<_> = cfg
            .lists
            .iter()
            .map(|l| (std::cmp::Reverse(l.priority), l.id))
            .collect();
        by_priority.sort();
        let list_ranks = by_priority
            .iter()
            .enumerate()
            .map(|(rank, (_, id))| (*id, rank as u16))
            .collect();
        Campaign {
            est: Estimates::new(&cfg.pacing, cfg.ring_timeout_ms),
            cfg,
            state: CampaignState::Ready,
            contacts: Vec::new(),
            index: HashMap::new(),
            queue: DueQueue::default(),
            open_contacts: 0,
            agents: BTreeMap::new(),
            attempts: BTreeMap::new(),
            deadlines: BTreeSet::new(),
            phone_logs: HashMap::new(),
            live_numbers: HashSet::new(),
            meter: AbandonMeter::default(),
            alert_levels: [AlertLevel::Cleared; 2],
            last_pace_reason: "".into(),
            last_pace_at: Instant::ZERO,
            list_ranks,
        }
    }

    fn set_state(&mut self, ctx: &mut Ctx<'_>, state: CampaignState, reason: &'static str) {
        if self.state != state {
            self.state = state;
            ctx.out.event(
                ctx.now,
                OutboundEvent::CampaignStateChanged {
                    campaign: self.cfg.id,
                    state,
                    reason: reason.into(),
                },
            );
        }
    }

    pub fn start(&mut self, ctx: &mut Ctx<'_>) -> Result<(), InputError> {
        if self.state == CampaignState::Stopped {
            return Err(InputError::Stopped(self.cfg.id));
        }
        self.set_state(ctx, CampaignState::Running, "command");
        self.check_finished(ctx);
        Ok(())
    }

    pub fn pause(&mut self, ctx: &mut Ctx<'_>) {
        if matches!(self.state, CampaignState::Running | CampaignState::Ready) {
            self.set_state(ctx, CampaignState::Paused, "command");
        }
    }

    /// Stops for good: every waiting or previewed contact is closed now; those on a call when their call ends.
    pub fn stop(&mut self, ctx: &mut Ctx<'_>) {
        if self.state == CampaignState::Stopped {
            return;
        }
        self.set_state(ctx, CampaignState::Stopped, "command");
        let previews: Vec<AttemptId> = self
            .attempts
            .iter()
            .filter(|(_, a)| a.stage == AttemptStage::Preview)
            .map(|(id, _)| *id)
            .collect();
        for id in previews {
            self.end_attempt(ctx, id);
        }
        for idx in 0..self.contacts.len() as u32 {
            let c = &self.contacts[idx as usize];
            if matches!(c.stage, Stage::Waiting | Stage::Previewing(_)) {
                self.close(ctx, idx, ContactEnd::Exhausted, "campaign_stopped".into());
            }
        }
    }

    /// The campaign's calendar date now (for the per-day abandon rate).
    pub fn home_today(&self, ctx: &Ctx<'_>) -> NaiveDate {
        ctx.clock.local_date(ctx.now, self.cfg.home_tz)
    }

    /// Loads contacts into a list.
    pub fn load(
        &mut self,
        ctx: &mut Ctx<'_>,
        list: ListId,
        contacts: Vec<ContactInput>,
    ) -> Result<(), InputError> {
        let Some(list_cfg) = self.cfg.lists.iter().find(|l| l.id == list).cloned() else {
            return Err(InputError::UnknownList(self.cfg.id, list));
        };
        if self.state == CampaignState::Stopped {
            return Err(InputError::Stopped(self.cfg.id));
        }
        if self.contacts.len() + contacts.len() > CONTACTS_PER_CAMPAIGN_MAX {
            return Err(InputError::TooMany("contacts per campaign"));
        }
        let rank = self.list_ranks.get(&list).copied().unwrap_or(0);
        let (mut accepted, mut rejected, mut paced) = (0u32, 0u32, 0u32);
        for input in contacts {
            let reject = |ctx: &mut Ctx<'_>, why: &'static str| {
                ctx.out.event(
                    ctx.now,
                    OutboundEvent::ContactRejected {
                        campaign: self.cfg.id,
                        contact: input.id,
                        reason: why.into(),
                    },
                );
            };
            if self.index.contains_key(&input.id) {
                reject(ctx, "duplicate");
                rejected += 1;
                continue;
            }
            if input.phones.is_empty() {
                reject(ctx, "no_phone");
                rejected += 1;
                continue;
            }
            if input.phones.len() > PHONES_PER_CONTACT_MAX {
                reject(ctx, "too_many_phones");
                rejected += 1;
                continue;
            }
            let addr = input
                .address
                .as_ref()
                .map(|a| address_zones(a.country, a.region.as_deref(), a.time_zone))
                .unwrap_or_default();
            let phones: Vec<Phone> = input
                .phones
                .iter()
                .map(|p| self.make_phone(&p.number, p.valid, p.kind, &addr, ctx.registry.erased()))
                .collect();
            let f = &list_cfg.filter;
            let country = phones[0].zones.candidates.first().map(|c| c.country);
            let passes = (f.segments.is_empty()
                || input
                    .segment
                    .as_ref()
                    .is_some_and(|s| f.segments.contains(s)))
                && (f.countries.is_empty() || country.is_some_and(|c| f.countries.contains(&c)))
                && f.score_min.is_none_or(|m| input.score >= m)
                && f.score_max.is_none_or(|m| input.score <= m);
            if !passes {
                reject(ctx, "filtered_out");
                rejected += 1;
                continue;
            }
            // Consent that came with the list goes into the ledger.
            for (p, phone) in input.phones.iter().zip(&phones) {
                if let (Some(consent), Some(key)) = (&p.consent, phone.key) {
                    ctx.registry.record_consent(
                        key,
                        ConsentRecord {
                            purpose: consent.purpose.clone(),
                            channel: Channel::Voice,
                            source: consent.source.clone(),
                            given_at: consent.given_at,
                            withdrawn_at: None,
                            expires_at: consent.expires_at,
                        },
                    );
                    ctx.out.event(
                        ctx.now,
                        OutboundEvent::ConsentRecorded {
                            phone: phone.number.clone(),
                            purpose: consent.purpose.clone(),
                            source: consent.source.clone(),
                            given_at: consent.given_at,
                            expires_at: consent.expires_at,
                        },
                    );
                }
            }
            let idx = self.contacts.len() as u32;
            let order_key = match self.cfg.order {
                ContactOrder::LoadOrder => i64::from(idx),
                ContactOrder::ScoreHighFirst => input.score.saturating_neg(),
                ContactOrder::ScoreLowFirst => input.score,
            };
            self.contacts.push(Contact {
                id: input.id,
                list,
                list_rank: rank,
                order_key,
                phones,
                address_zones: addr,
                stage: Stage::Waiting,
                end: None,
                pass: 0,
                attempts_in_pass: 0,
                log: AttemptLog::default(),
                last_abandoned_at: None,
                next_phone: 0,
                skips: 0,
                opted_out: false,
                tried: false,
                callback: None,
                history: Default::default(),
                person: input.person,
                manual: input.manual,
            });
            self.index.insert(input.id, idx);
            self.open_contacts += 1;
            accepted += 1;
            if !input.manual {
                paced += 1;
                let key = self.ready_key(idx);
                self.queue.insert(key, ctx.now, None, ctx.now);
            }
        }
        ctx.out.event(
            ctx.now,
            OutboundEvent::ContactsLoaded {
                campaign: self.cfg.id,
                list,
                accepted,
                rejected,
            },
        );
        if paced > 0 && self.state == CampaignState::Finished {
            self.set_state(ctx, CampaignState::Running, "contacts_loaded");
        }
        Ok(())
    }

    /// A number as the dialer keeps it: E.164, validity, zones.
    pub fn make_phone(
        &self,
        raw: &model::PhoneNumber,
        valid: bool,
        kind: crate::contact::PhoneKind,
        addr: &Zones,
        erased: &crate::erased::Erased,
    ) -> Phone {
        let number = to_e164(raw.as_str(), self.cfg.default_country_code);
        let key = number.as_ref().and_then(E164::of);
        // A placeholder decides as its number did.
        let known = key.and_then(|k| erased.get(k)).map(|e| e.facts.clone());
        let facts = known.or_else(|| number.as_ref().map(number_facts));
        let zones = Zones::combine(
            facts.as_ref().map(|f| f.zones.clone()).unwrap_or_default(),
            addr.clone(),
        );
        Phone {
            number: number.unwrap_or_else(|| raw.clone()),
            key,
            kind,
            valid: valid && key.is_some() && facts.is_some_and(|f| f.valid),
            zones,
            failures_in_row: 0,
        }
    }

    pub fn ready_key(&self, idx: u32) -> ReadyKey {
        let c = &self.contacts[idx as usize];
        ReadyKey {
            class: if c.callback.is_some() { 0 } else { 1 },
            list_rank: c.list_rank,
            fresh: if c.tried { 0 } else { 1 },
            order: c.order_key,
            idx,
        }
    }

    /// Puts a waiting contact back in the queue, due at `due`; logs a retry when it is later than now.
    pub fn schedule(
        &mut self,
        ctx: &mut Ctx<'_>,
        idx: u32,
        due: Instant,
        reason: Cow<'static, str>,
    ) {
        let c = &mut self.contacts[idx as usize];
        c.stage = Stage::Waiting;
        let owner = c.callback.flatten();
        let id = c.id;
        let key = self.ready_key(idx);
        self.queue.insert(key, due, owner, ctx.now);
        if due > ctx.now {
            ctx.out.event(
                ctx.now,
                OutboundEvent::RetryScheduled {
                    campaign: self.cfg.id,
                    contact: id,
                    due_at: due,
                    reason,
                },
            );
        }
    }

    /// Closes a contact for good (once).
    pub fn close(
        &mut self,
        ctx: &mut Ctx<'_>,
        idx: u32,
        end: ContactEnd,
        reason: Cow<'static, str>,
    ) {
        let c = &mut self.contacts[idx as usize];
        if c.is_closed() {
            return;
        }
        c.stage = Stage::Closed;
        c.callback = None;
        c.end = Some((end, reason.clone()));
        let id = c.id;
        self.queue.remove(idx);
        self.open_contacts -= 1;
        ctx.out.event(
            ctx.now,
            OutboundEvent::ContactClosed {
                campaign: self.cfg.id,
                contact: id,
                end,
                reason,
            },
        );
        self.check_finished(ctx);
    }

    fn check_finished(&mut self, ctx: &mut Ctx<'_>) {
        if self.open_contacts == 0
            && !self.contacts.is_empty()
            && self.state == CampaignState::Running
        {
            self.set_state(ctx, CampaignState::Finished, "all_contacts_final");
        }
    }

    /// The next moment after an outcome: the retry rule, the attempt cap per pass, recycling.
    pub fn retry_after(&mut self, ctx: &mut Ctx<'_>, idx: u32, rule: Retry, reason: &'static str) {
        if self.state == CampaignState::Stopped {
            self.close(ctx, idx, ContactEnd::Exhausted, "campaign_stopped".into());
            return;
        }
        let c = &mut self.contacts[idx as usize];
        c.tried = true;
        c.stage = Stage::Waiting;
        if c.manual {
            // An agent's manual call is not redialled by the dialer.
            self.close(ctx, idx, ContactEnd::Exhausted, "manual_call".into());
            return;
        }
        if !c.has_valid_phone() {
            self.close(ctx, idx, ContactEnd::Exhausted, "no_usable_phone".into());
            return;
        }
        let retry = &self.cfg.retry;
        if c.attempts_in_pass >= retry.max_attempts_per_pass {
            match retry.recycle {
                Some(r) if c.pass < r.passes => {
                    c.pass += 1;
                    c.attempts_in_pass = 0;
                    let due = ctx.now + Duration::from_secs(r.after_s);
                    self.schedule(ctx, idx, due, "recycled".into());
                }
                _ => self.close(ctx, idx, ContactEnd::Exhausted, "attempts_exhausted".into()),
            }
            return;
        }
        let due = match rule {
            Retry::After { delay_s } => ctx.now + Duration::from_secs(delay_s),
            Retry::NextDay => {
                let tz = c
                    .phones
                    .get(c.next_phone)
                    .and_then(|p| p.zones.primary_tz())
                    .unwrap_or(self.cfg.home_tz);
                let tomorrow = ctx
                    .clock
                    .local_date(ctx.now, tz)
                    .checked_add_days(Days::new(1));
                tomorrow
                    .map(|d| ctx.clock.instant_of_local(d.and_time(NaiveTime::MIN), tz))
                    .unwrap_or(Instant::NEVER)
            }
            Retry::NextNumber { then_s } => {
                let n = c.phones.len();
                let next = (1..n)
                    .map(|k| (c.next_phone + k) % n)
                    .find(|i| c.phones[*i].valid);
                match next {
                    Some(i) => {
                        c.next_phone = i;
                        ctx.now
                    }
                    None => ctx.now + Duration::from_secs(then_s),
                }
            }
        };
        self.schedule(ctx, idx, due, reason.into());
    }

    /// Whether the measured abandon rate is at the cap in either window.
    pub fn abandon_at_cap(&mut self, ctx: &Ctx<'_>) -> bool {
        let today = self.home_today(ctx);
        [AbandonWindow::Rolling30Days, AbandonWindow::CalendarDay]
            .into_iter()
            .any(|w| {
                let t = self.meter.tally(w, ctx.now, today);
                t.live_answers > 0 && t.rate() >= self.cfg.abandon.max_rate
            })
    }

    /// Abandons the measured rate can take before the cap: the tighter of the two windows.
    pub fn abandon_cap_room(&mut self, ctx: &Ctx<'_>) -> f64 {
        let today = self.home_today(ctx);
        let cap = self.cfg.abandon.max_rate;
        [AbandonWindow::Rolling30Days, AbandonWindow::CalendarDay]
            .into_iter()
            .map(|w| self.meter.tally(w, ctx.now, today).slack(cap))
            .fold(f64::INFINITY, f64::min)
    }

    /// Banked abandons under the pacing target: the tighter of the two windows.
    pub fn abandon_bank(&mut self, ctx: &Ctx<'_>) -> f64 {
        let today = self.home_today(ctx);
        let target = self.cfg.abandon.target_rate;
        [AbandonWindow::Rolling30Days, AbandonWindow::CalendarDay]
            .into_iter()
            .map(|w| self.meter.tally(w, ctx.now, today).slack(target))
            .fold(f64::INFINITY, f64::min)
    }

    /// Raises or clears abandon-rate alerts when a level changes.
    pub fn check_alerts(&mut self, ctx: &mut Ctx<'_>) {
        let today = self.home_today(ctx);
        for (i, window) in [AbandonWindow::Rolling30Days, AbandonWindow::CalendarDay]
            .into_iter()
            .enumerate()
        {
            let t = self.meter.tally(window, ctx.now, today);
            let rate = t.rate();
            let level = if t.live_answers > 0 && rate >= self.cfg.abandon.max_rate {
                AlertLevel::CapReached
            } else if t.live_answers >= ALERT_MIN_LIVE_ANSWERS
                && rate >= self.cfg.abandon.alert_rate
            {
                AlertLevel::Warning
            } else {
                AlertLevel::Cleared
            };
            if level != self.alert_levels[i] {
                self.alert_levels[i] = level;
                ctx.out.push(Output::Alert(Alert {
                    campaign: self.cfg.id,
                    window,
                    level,
                    rate,
                }));
                ctx.out.event(
                    ctx.now,
                    OutboundEvent::AbandonRateAlert {
                        campaign: self.cfg.id,
                        window,
                        level,
                        rate,
                        live_answers: t.live_answers,
                        abandoned: t.abandoned,
                    },
                );
            }
        }
    }

    /// When the campaign next needs waking.
    pub fn next_timeout(&self, now: Instant) -> Option<Instant> {
        let deadline = self.deadlines.first().map(|(t, _)| *t);
        let running = self.state == CampaignState::Running;
        let due = if running {
            self.queue.next_due(now)
        } else {
            None
        };
        // Only while a contact is due and waits for a line: otherwise nothing could change the decision.
        let tick = (running
            && self.cfg.mode == DialMode::Predictive
            && self.queue.ready_len() > 0
            && self
                .agents
                .values()
                .any(|a| a.presence != AgentPresence::Away))
        .then(|| {
            Instant::from_millis(self.last_pace_at.as_millis().saturating_add(PACE_TICK_MS))
                .max(now)
        });
        deadline.into_iter().chain(due).chain(tick).min()
    }

    /// Sets (or moves) an attempt's watchdog.
    pub fn set_deadline(&mut self, id: AttemptId, at: Instant) {
        if let Some(a) = self.attempts.get_mut(&id) {
            self.deadlines.remove(&(a.deadline, id));
            a.deadline = at;
            self.deadlines.insert((at, id));
        }
    }

    /// Forgets a finished attempt and frees its reserved agent.
    pub fn end_attempt(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) -> Option<Attempt> {
        let a = self.attempts.remove(&id)?;
        self.deadlines.remove(&(a.deadline, id));
        if a.stage != AttemptStage::Preview
            && let Some(key) = self.contacts[a.contact as usize]
                .phones
                .get(a.phone)
                .and_then(|p| p.key)
        {
            self.live_numbers.remove(&key);
        }
        ctx.attempts.remove(&id);
        if let Some(slot) = a.reserved.and_then(|agent| self.agents.get_mut(&agent))
            && slot.reserved_for == Some(id)
        {
            slot.reserved_for = None;
        }
        Some(a)
    }

    /// A campaign agent's presence changed.
    pub fn agent(&mut self, ctx: &mut Ctx<'_>, agent: AgentId, presence: AgentPresence) {
        let now = ctx.now;
        let prev = self.agents.get(&agent).copied();
        let since = match presence {
            AgentPresence::Talking { since } | AgentPresence::WrapUp { since } => since.min(now),
            // A repeated "ready" keeps the agent's place among the longest idle.
            _ => prev
                .filter(|p| p.presence == presence)
                .map_or(now, |p| p.since),
        };
        if let Some(AgentSlot {
            presence: AgentPresence::WrapUp { since: w },
            ..
        }) = prev
            && presence == AgentPresence::Ready
        {
            self.est.observe_wrap(now.saturating_since(w).as_secs_f64());
        }
        let reserved = prev.and_then(|p| p.reserved_for);
        if matches!(presence, AgentPresence::Away | AgentPresence::SignedOut)
            && let Some(id) = reserved
        {
            self.drop_reservation(ctx, id);
        }
        if presence == AgentPresence::SignedOut {
            self.agents.remove(&agent);
            return;
        }
        let reserved_for = self.agents.get(&agent).and_then(|s| s.reserved_for);
        self.agents.insert(
            agent,
            AgentSlot {
                presence,
                since,
                reserved_for,
            },
        );
    }

    /// The reserved agent left: a preview goes back to the queue; a placed call loses its reservation.
    fn drop_reservation(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) {
        let Some(a) = self.attempts.get(&id) else {
            return;
        };
        if a.stage == AttemptStage::Preview {
            let idx = a.contact;
            self.end_attempt(ctx, id);
            self.schedule(ctx, idx, ctx.now, "agent_left".into());
        } else {
            let agent = a.reserved;
            if let Some(a) = self.attempts.get_mut(&id) {
                a.reserved = None;
            }
            if let Some(slot) = agent.and_then(|g| self.agents.get_mut(&g)) {
                slot.reserved_for = None;
            }
        }
    }

    /// Contact index by id.
    pub fn contact_idx(&self, id: ContactId) -> Result<u32, InputError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(InputError::UnknownContact(self.cfg.id, id))
    }
}
