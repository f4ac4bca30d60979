//! What happens to a call after it is placed: its result, the connection to
//! an agent or the abandon, its end, the disposition and its effects; preview
//! accept and skip; and the watchdogs that close an attempt the driver forgot.

use model::ids::ContactId;
use model::outbound::{AttemptId, ContactEnd, DialOutcome, DoNotCallList, OutboundEvent};
use model::{AgentId, Instant, PhoneNumber};
use std::time::Duration;

use super::campaign::{AttemptStage, Campaign};
use super::{AgentPresence, CallbackRequest, CallbackTime, Ctx, InputError};
use crate::config::CONNECT_LIMIT_MS;
use crate::contact::{PHONES_PER_CONTACT_MAX, PhoneKind, Stage};
use crate::disposition::{self, AfterDisposition, DispositionEffect};

/// Time after the 2 s limit for the driver to say "connected" or "abandoned" before the dialer counts it abandoned.
pub const CONNECT_REPORT_GRACE_MS: u64 = 10_000;
/// Longest call before the dialer counts it ended without being told.
pub const TALK_WATCHDOG_MS: u64 = 4 * 3_600_000;
/// Longest wait for a disposition before the contact is closed as reached with `no_disposition`.
pub const DISPOSITION_WAIT_MS: u64 = 3_600_000;
/// Skips in preview after which a contact is exhausted (`skipped_by_agents`).
pub const PREVIEW_SKIPS_MAX: u8 = 3;
/// How long a skipped contact waits before it can be previewed again.
pub const PREVIEW_SKIP_DELAY_S: u64 = 15 * 60;

impl Campaign {
    fn stage_of(&self, id: AttemptId) -> Result<AttemptStage, InputError> {
        self.attempts
            .get(&id)
            .map(|a| a.stage)
            .ok_or(InputError::UnknownAttempt(id))
    }

    fn set_stage(&mut self, id: AttemptId, stage: AttemptStage, now: Instant, watchdog_ms: u64) {
        if let Some(a) = self.attempts.get_mut(&id) {
            a.stage = stage;
            a.stage_at = now;
        }
        self.set_deadline(id, now + Duration::from_millis(watchdog_ms));
    }

    /// The telephony's result for a placed call.
    pub fn dial_result(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: AttemptId,
        outcome: DialOutcome,
        ring_ms: u64,
    ) -> Result<(), InputError> {
        if self.stage_of(id)? != AttemptStage::Ringing {
            return Err(InputError::WrongStage(id, "a dial result"));
        }
        let a = &self.attempts[&id];
        let (idx, phone) = (a.contact, a.phone);
        let contact = self.contacts[idx as usize].id;
        ctx.out.event(
            ctx.now,
            OutboundEvent::DialResult {
                attempt: id,
                campaign: self.cfg.id,
                contact,
                outcome,
                ring_ms,
            },
        );
        self.est.observe_dial(outcome, ring_ms as f64 / 1000.0);
        if outcome == DialOutcome::LiveAnswer {
            let today = self.home_today(ctx);
            self.meter.live_answer(ctx.now, today);
            self.set_stage(
                id,
                AttemptStage::Answered,
                ctx.now,
                CONNECT_LIMIT_MS + CONNECT_REPORT_GRACE_MS,
            );
            self.check_alerts(ctx);
            return Ok(());
        }
        let Some(a) = self.end_attempt(ctx, id) else {
            return Ok(());
        };
        if a.reserved.is_none() {
            self.est.observe_line(a.risk, false);
        }
        let rules = self.cfg.retry;
        let p = &mut self.contacts[idx as usize].phones[phone];
        if outcome == DialOutcome::Failed {
            p.failures_in_row = p.failures_in_row.saturating_add(1);
            if p.failures_in_row >= rules.failed_invalidate_after {
                p.valid = false;
                let number = p.number.clone();
                ctx.out.event(
                    ctx.now,
                    OutboundEvent::PhoneInvalidated {
                        campaign: self.cfg.id,
                        contact,
                        phone: number,
                        reason: "failed_repeatedly".into(),
                    },
                );
            }
        } else {
            p.failures_in_row = 0;
        }
        let (rule, reason) = match outcome {
            DialOutcome::Busy => (rules.busy, "busy"),
            DialOutcome::NoAnswer => (rules.no_answer, "no_answer"),
            DialOutcome::Machine => (rules.machine, "machine"),
            DialOutcome::Failed | DialOutcome::LiveAnswer => (rules.failed, "failed"),
        };
        self.retry_after(ctx, idx, rule, reason);
        Ok(())
    }

    /// Checks that a person answered the attempt; a driver that skipped reporting
    /// the answer gets it counted now.
    fn ensure_answered(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: AttemptId,
        what: &'static str,
    ) -> Result<(), InputError> {
        match self.stage_of(id)? {
            AttemptStage::Answered => Ok(()),
            AttemptStage::Ringing => self.dial_result(ctx, id, DialOutcome::LiveAnswer, 0),
            _ => Err(InputError::WrongStage(id, what)),
        }
    }

    /// A live-answered call reached an agent.
    pub fn connected(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: AttemptId,
        agent: AgentId,
    ) -> Result<(), InputError> {
        self.ensure_answered(ctx, id, "a connection")?;
        let a = self
            .attempts
            .get_mut(&id)
            .ok_or(InputError::UnknownAttempt(id))?;
        let (idx, reserved, risk) = (a.contact, a.reserved.take(), a.risk);
        a.agent = Some(agent);
        if reserved.is_none() {
            self.est.observe_line(risk, false);
        }
        if let Some(r) = reserved.and_then(|r| self.agents.get_mut(&r)) {
            r.reserved_for = None;
        }
        // The driver will report the agent talking; count it now so pacing does not offer them another call meanwhile.
        let slot = self
            .agents
            .entry(agent)
            .or_insert(super::campaign::AgentSlot {
                presence: AgentPresence::Ready,
                since: ctx.now,
                reserved_for: None,
            });
        slot.presence = AgentPresence::Talking { since: ctx.now };
        slot.since = ctx.now;
        self.set_stage(id, AttemptStage::Connected, ctx.now, TALK_WATCHDOG_MS);
        let c = &mut self.contacts[idx as usize];
        c.stage = Stage::Talking(id);
        ctx.out.event(
            ctx.now,
            OutboundEvent::CallConnected {
                attempt: id,
                campaign: self.cfg.id,
                contact: c.id,
                agent,
            },
        );
        Ok(())
    }

    /// A live-answered call found no agent in time.
    pub fn abandoned(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) -> Result<(), InputError> {
        self.ensure_answered(ctx, id, "an abandon")?;
        let today = self.home_today(ctx);
        self.meter.abandoned(ctx.now, today);
        let Some(a) = self.end_attempt(ctx, id) else {
            return Ok(());
        };
        if a.reserved.is_none() {
            self.est.observe_line(a.risk, true);
        }
        let c = &mut self.contacts[a.contact as usize];
        c.last_abandoned_at = Some(ctx.now);
        ctx.out.event(
            ctx.now,
            OutboundEvent::CallAbandoned {
                attempt: id,
                campaign: self.cfg.id,
                contact: c.id,
            },
        );
        self.check_alerts(ctx);
        let rule = self.cfg.retry.abandoned;
        self.retry_after(ctx, a.contact, rule, "abandoned");
        Ok(())
    }

    /// A connected call ended; the agent wraps up.
    pub fn call_ended(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) -> Result<(), InputError> {
        if self.stage_of(id)? != AttemptStage::Connected {
            return Err(InputError::WrongStage(id, "a call end"));
        }
        let a = &self.attempts[&id];
        let (idx, agent) = (a.contact, a.agent);
        self.est
            .observe_talk(ctx.now.saturating_since(a.stage_at).as_secs_f64());
        if let Some(slot) = agent.and_then(|g| self.agents.get_mut(&g))
            && matches!(slot.presence, AgentPresence::Talking { .. })
        {
            slot.presence = AgentPresence::WrapUp { since: ctx.now };
            slot.since = ctx.now;
        }
        self.set_stage(id, AttemptStage::Ended, ctx.now, DISPOSITION_WAIT_MS);
        let c = &mut self.contacts[idx as usize];
        c.stage = Stage::WrapUp(id);
        ctx.out.event(
            ctx.now,
            OutboundEvent::CallEnded {
                attempt: id,
                campaign: self.cfg.id,
                contact: c.id,
            },
        );
        Ok(())
    }

    /// The agent's disposition and its effects.
    pub fn disposition(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: AttemptId,
        agent: AgentId,
        code: &str,
        new_phone: Option<PhoneNumber>,
        callback: Option<CallbackRequest>,
    ) -> Result<(), InputError> {
        let stage = self.stage_of(id)?;
        if !matches!(stage, AttemptStage::Connected | AttemptStage::Ended) {
            return Err(InputError::WrongStage(id, "a disposition"));
        }
        let Some(dcode) = self
            .cfg
            .dispositions
            .iter()
            .find(|d| &*d.code == code)
            .cloned()
        else {
            return Err(InputError::UnknownDisposition(code.to_string()));
        };
        // Check everything the effects need before changing anything.
        if dcode.has(DispositionEffect::AddPhone) && new_phone.is_none() {
            return Err(InputError::NewPhoneMissing(code.to_string()));
        }
        let callback_needed = dcode.has(DispositionEffect::ScheduleCallback)
            && disposition::after(&dcode) == AfterDisposition::Callback;
        if callback_needed && callback.is_none() {
            return Err(InputError::CallbackMissing(code.to_string()));
        }
        if stage == AttemptStage::Connected {
            self.call_ended(ctx, id)?;
        }
        let Some(a) = self.end_attempt(ctx, id) else {
            return Ok(());
        };
        let (idx, now, campaign) = (a.contact, ctx.now, self.cfg.id);
        let contact = self.contacts[idx as usize].id;
        ctx.out.event(
            now,
            OutboundEvent::DispositionSet {
                attempt: id,
                campaign,
                contact,
                agent,
                code: code.into(),
            },
        );
        self.contacts[idx as usize].note(code);
        for effect in &dcode.effects {
            match effect {
                DispositionEffect::History => {
                    ctx.out.event(
                        now,
                        OutboundEvent::HistoryNoted {
                            campaign,
                            contact,
                            code: code.into(),
                        },
                    );
                }
                DispositionEffect::MarkPhoneInvalid => {
                    let p = &mut self.contacts[idx as usize].phones[a.phone];
                    p.valid = false;
                    let phone = p.number.clone();
                    ctx.out.event(
                        now,
                        OutboundEvent::PhoneInvalidated {
                            campaign,
                            contact,
                            phone,
                            reason: "wrong_number".into(),
                        },
                    );
                }
                DispositionEffect::AddPhone => {
                    if let Some(raw) = &new_phone {
                        self.add_phone(ctx, idx, raw);
                    }
                }
                DispositionEffect::OptOut => {
                    let c = &mut self.contacts[idx as usize];
                    c.opted_out = true;
                    for p in &c.phones {
                        if let Some(key) = p.key {
                            ctx.registry.add_do_not_call(&DoNotCallList::Internal, key);
                            ctx.out.event(
                                now,
                                OutboundEvent::DoNotCallAdded {
                                    list: DoNotCallList::Internal,
                                    phone: p.number.clone(),
                                    reason: "disposition".into(),
                                },
                            );
                        }
                    }
                }
                DispositionEffect::ScheduleCallback | DispositionEffect::Final => {}
            }
        }
        match disposition::after(&dcode) {
            AfterDisposition::CloseReached => {
                self.close(ctx, idx, ContactEnd::Reached, code.to_string().into())
            }
            _ if self.state == model::outbound::CampaignState::Stopped => {
                self.close(ctx, idx, ContactEnd::Exhausted, "campaign_stopped".into());
            }
            AfterDisposition::Callback => {
                if let Some(cb) = callback {
                    self.put_callback(ctx, idx, cb);
                }
            }
            AfterDisposition::RedialOtherNumbers => {
                let c = &mut self.contacts[idx as usize];
                if let Some(i) = (0..c.phones.len()).rev().find(|i| c.phones[*i].valid) {
                    c.next_phone = i;
                }
                self.retry_after(
                    ctx,
                    idx,
                    crate::config::Retry::After { delay_s: 1 },
                    "disposition",
                );
            }
        }
        Ok(())
    }

    fn add_phone(&mut self, ctx: &mut Ctx<'_>, idx: u32, raw: &PhoneNumber) {
        let addr = self.contacts[idx as usize].address_zones.clone();
        let phone = self.make_phone(raw, true, PhoneKind::Other, &addr, ctx.registry.erased());
        let c = &mut self.contacts[idx as usize];
        if c.phones.len() >= PHONES_PER_CONTACT_MAX
            || c.phones.iter().any(|p| p.number == phone.number)
        {
            return;
        }
        let number = phone.number.clone();
        let valid = phone.valid;
        c.phones.push(phone);
        let contact = c.id;
        ctx.out.event(
            ctx.now,
            OutboundEvent::PhoneAdded {
                campaign: self.cfg.id,
                contact,
                phone: number.clone(),
            },
        );
        if !valid {
            ctx.out.event(
                ctx.now,
                OutboundEvent::PhoneInvalidated {
                    campaign: self.cfg.id,
                    contact,
                    phone: number,
                    reason: "unparseable".into(),
                },
            );
        }
    }

    /// Schedules a callback for a contact (its local time if given so).
    fn put_callback(&mut self, ctx: &mut Ctx<'_>, idx: u32, cb: CallbackRequest) {
        let c = &mut self.contacts[idx as usize];
        let due = match cb.when {
            CallbackTime::At(t) => t,
            CallbackTime::Local(local) => {
                let tz = c
                    .phones
                    .iter()
                    .find(|p| p.valid)
                    .and_then(|p| p.zones.primary_tz())
                    .unwrap_or(self.cfg.home_tz);
                ctx.clock.instant_of_local(local, tz)
            }
        }
        .max(ctx.now);
        c.callback = Some(cb.owner);
        c.tried = true;
        let contact = c.id;
        ctx.out.event(
            ctx.now,
            OutboundEvent::CallbackScheduled {
                campaign: self.cfg.id,
                contact,
                due_at: due,
                owner: cb.owner,
            },
        );
        self.schedule(ctx, idx, due, "callback".into());
    }

    /// A callback asked for outside a call.
    pub fn schedule_callback(
        &mut self,
        ctx: &mut Ctx<'_>,
        contact: ContactId,
        cb: CallbackRequest,
    ) -> Result<(), InputError> {
        let idx = self.contact_idx(contact)?;
        if self.contacts[idx as usize].stage != Stage::Waiting {
            return Err(InputError::ContactBusy(contact));
        }
        self.put_callback(ctx, idx, cb);
        Ok(())
    }

    /// The agent accepts the preview: dial now.
    pub fn preview_accept(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) -> Result<(), InputError> {
        if self.stage_of(id)? != AttemptStage::Preview {
            return Err(InputError::WrongStage(id, "a preview accept"));
        }
        self.dial_preview(ctx, id);
        Ok(())
    }

    /// The agent skips the preview: the contact waits, and after a few skips is exhausted.
    pub fn preview_skip(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) -> Result<(), InputError> {
        if self.stage_of(id)? != AttemptStage::Preview {
            return Err(InputError::WrongStage(id, "a preview skip"));
        }
        let Some(a) = self.end_attempt(ctx, id) else {
            return Ok(());
        };
        let c = &mut self.contacts[a.contact as usize];
        c.skips = c.skips.saturating_add(1);
        let (contact, skips) = (c.id, c.skips);
        if let Some(agent) = a.reserved {
            ctx.out.event(
                ctx.now,
                OutboundEvent::PreviewSkipped {
                    attempt: id,
                    campaign: self.cfg.id,
                    contact,
                    agent,
                },
            );
        }
        if skips >= PREVIEW_SKIPS_MAX {
            self.close(
                ctx,
                a.contact,
                ContactEnd::Exhausted,
                "skipped_by_agents".into(),
            );
        } else {
            let due = ctx.now + Duration::from_secs(PREVIEW_SKIP_DELAY_S);
            self.schedule(ctx, a.contact, due, "preview_skipped".into());
        }
        Ok(())
    }

    /// Fires the watchdogs that are due.
    pub fn fire_deadlines(&mut self, ctx: &mut Ctx<'_>) {
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > ctx.now {
                break;
            }
            self.deadlines.pop_first();
            let Some(stage) = self.attempts.get(&id).map(|a| a.stage) else {
                continue;
            };
            // Each branch moves the attempt on or ends it, so the loop ends.
            let r = match stage {
                AttemptStage::Preview => {
                    self.dial_preview(ctx, id);
                    Ok(())
                }
                AttemptStage::Ringing => {
                    self.dial_result(ctx, id, DialOutcome::Failed, self.cfg.ring_timeout_ms)
                }
                AttemptStage::Answered => self.abandoned(ctx, id),
                AttemptStage::Connected => self.call_ended(ctx, id),
                AttemptStage::Ended => {
                    if let Some(a) = self.end_attempt(ctx, id) {
                        self.close(ctx, a.contact, ContactEnd::Reached, "no_disposition".into());
                    }
                    Ok(())
                }
            };
            debug_assert!(r.is_ok(), "a watchdog acts on the stage it was set for");
        }
    }
}
