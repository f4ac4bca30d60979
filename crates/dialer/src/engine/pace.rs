//! Pacing rounds: after every input and timeout, each running campaign places
//! the calls (or previews) its mode calls for, each one through the gate.
//!
//! - Preview and progressive: one contact per free agent, the agent reserved.
//! - Power: unreserved lines up to the ratio times the free agents.
//! - Predictive: unreserved lines while the model of [`crate::pacing`] says
//!   the next one keeps the abandon rate under target.
//! - Every mode: a callback owned by an agent goes to that agent when free;
//!   with the abandon rate at the cap, power and predictive fall back to
//!   progressive (a reserved agent per line, which the gate still allows).

use model::AgentId;
use model::outbound::{AttemptId, CampaignState, ContactEnd, DialMode, GateRule, OutboundEvent};
use std::borrow::Cow;
use std::time::Duration;

use super::campaign::{Attempt, AttemptStage, Campaign};
use super::{AgentPresence, Ctx, Dial, Output, PersonKey, PreviewOffer};
use crate::config::CONNECT_LIMIT_MS;
use crate::contact::{AttemptLog, Stage};
use crate::gate::{self, ContactView, GateRequest, PhoneView};
use crate::pacing::{Budget, CountDist, abandon_probability, agents_able, power_lines};

/// How long past its ring timeout a placed call may go without a result before the dialer counts it failed.
pub const DIAL_RESULT_GRACE_MS: u64 = 60_000;
/// A chance of abandon below this counts as none (progressive-like lines).
const ABANDON_P_NONE: f64 = 1e-9;
/// Standard errors of the answer rate added when counting the answers lines in
/// flight may bring (see [`crate::estimate::Estimates::answer_rate_upper`]).
const ANSWER_RATE_UPPER_Z: f64 = 2.0;

/// What the gate made of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GateOutcome {
    /// Dial this number.
    Allowed(usize),
    /// Denied; the contact was rescheduled or closed.
    Moved,
    /// Denied for a campaign-wide reason (the abandon cap): the contact is back at the front; stop unreserved dialling.
    Requeued,
}

impl Campaign {
    /// One pacing round.
    pub fn pace(&mut self, ctx: &mut Ctx<'_>) {
        if self.state != CampaignState::Running {
            return;
        }
        self.queue.promote(ctx.now);
        self.last_pace_at = ctx.now;
        let preview = self.cfg.mode == DialMode::Preview;
        for agent in self.free_agents() {
            while let Some(idx) = self.queue.pop_owned(agent, ctx.now) {
                if !matches!(
                    self.serve_reserved(ctx, idx, agent, preview),
                    GateOutcome::Moved
                ) {
                    break;
                }
            }
        }
        let at_cap = self.abandon_at_cap(ctx);
        match self.cfg.mode {
            DialMode::Preview => self.pace_reserved(ctx, true, None),
            DialMode::Progressive => self.pace_reserved(ctx, false, None),
            DialMode::Power | DialMode::Predictive if at_cap => {
                self.pace_reserved(ctx, false, Some("abandon_rate_cap"))
            }
            DialMode::Power => self.pace_power(ctx),
            DialMode::Predictive => self.pace_predictive(ctx),
        }
    }

    /// Ready agents with no reservation, longest idle first.
    pub fn free_agents(&self) -> Vec<AgentId> {
        let mut v: Vec<_> = self
            .agents
            .iter()
            .filter(|(_, s)| s.is_free())
            .map(|(a, s)| (s.since, *a))
            .collect();
        v.sort();
        v.into_iter().map(|(_, a)| a).collect()
    }

    /// Unreserved lines in flight: ringing, or answered and waiting for an agent.
    fn unreserved_lines(&self) -> impl Iterator<Item = &Attempt> {
        self.attempts.values().filter(|a| {
            a.reserved.is_none()
                && matches!(a.stage, AttemptStage::Ringing | AttemptStage::Answered)
        })
    }

    fn line_cap(&self) -> usize {
        let signed_in = self
            .agents
            .values()
            .filter(|s| s.presence != AgentPresence::Away)
            .count();
        (self.cfg.pacing.lines_per_agent_max * signed_in as f64).ceil() as usize
    }

    /// Gives a contact to a reserved agent (preview or call); `Allowed` if it was.
    fn serve_reserved(
        &mut self,
        ctx: &mut Ctx<'_>,
        idx: u32,
        agent: AgentId,
        preview: bool,
    ) -> GateOutcome {
        let outcome = self.gate_contact(ctx, idx, Some(agent));
        if let GateOutcome::Allowed(phone) = outcome {
            if preview {
                self.offer_preview(ctx, idx, phone, agent);
            } else {
                let q = self.est.answer_rate();
                self.start_line(ctx, idx, phone, Some(agent), q, (0.0, 0.0), None);
            }
        }
        outcome
    }

    /// Preview and progressive (and the fallback at the abandon cap): a contact per free agent.
    fn pace_reserved(&mut self, ctx: &mut Ctx<'_>, preview: bool, why: Option<&'static str>) {
        let mut dialled = 0;
        let mut reason = "no_free_agent";
        'agents: for agent in self.free_agents() {
            loop {
                let Some(idx) = self.queue.pop_ready() else {
                    reason = "no_contact_due";
                    break 'agents;
                };
                match self.serve_reserved(ctx, idx, agent, preview) {
                    GateOutcome::Allowed(_) => {
                        dialled += 1;
                        break;
                    }
                    GateOutcome::Moved => {}
                    // Put back at the front: asking again this round would get the same answer.
                    GateOutcome::Requeued => break 'agents,
                }
            }
        }
        let free = self.free_agents().len();
        self.log_pace(ctx, dialled, free, 0.0, 0.0, why.unwrap_or(reason));
    }

    /// Power: unreserved lines up to the ratio times the free agents.
    fn pace_power(&mut self, ctx: &mut Ctx<'_>) {
        let free = self.free_agents().len();
        let want = power_lines(self.cfg.ratio, free).min(self.line_cap());
        let mut lines = self.unreserved_lines().count();
        let mut dialled = 0;
        let mut reason = if free == 0 { "no_free_agent" } else { "ratio" };
        while lines < want {
            let Some(idx) = self.queue.pop_ready() else {
                reason = "no_contact_due";
                break;
            };
            match self.gate_contact(ctx, idx, None) {
                GateOutcome::Allowed(phone) => {
                    let q = self.est.answer_rate();
                    self.start_line(ctx, idx, phone, None, q, (0.0, 0.0), None);
                    lines += 1;
                    dialled += 1;
                }
                GateOutcome::Moved => {}
                GateOutcome::Requeued => {
                    reason = "abandon_rate_cap";
                    break;
                }
            }
        }
        self.log_pace(ctx, dialled, free, 0.0, 0.0, reason);
    }

    /// Predictive: see [`crate::pacing`].
    fn pace_predictive(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let free = self.free_agents().len();
        if self.queue.ready_len() == 0 {
            // Nothing to dial: skip the model.
            self.log_pace(ctx, 0, free, 0.0, 0.0, "no_contact_due");
            return;
        }
        // Agents who may free up: talking or wrapping, not reserved for a call of their own.
        let busy: Vec<(bool, f64)> = self
            .agents
            .values()
            .filter(|s| s.reserved_for.is_none())
            .filter_map(|s| match s.presence {
                AgentPresence::Talking { since } => {
                    Some((true, now.saturating_since(since).as_secs_f64()))
                }
                AgentPresence::WrapUp { since } => {
                    Some((false, now.saturating_since(since).as_secs_f64()))
                }
                _ => None,
            })
            .collect();
        let grace_s = CONNECT_LIMIT_MS as f64 / 1000.0;
        let agents: Vec<Vec<f64>> = self
            .est
            .answer_horizons_s()
            .iter()
            .map(|t| {
                let frees: Vec<f64> = busy
                    .iter()
                    .map(|(talking, e)| {
                        if *talking {
                            self.est.talking_frees_within(*e, t + grace_s)
                        } else {
                            self.est.wrap_frees_within(*e, t + grace_s)
                        }
                    })
                    .collect();
                agents_able(free, &frees)
            })
            .collect();
        let cap = free + busy.len();
        let mut answers = CountDist::zero(cap);
        let mut budget = Budget {
            target: self.cfg.abandon.target_rate,
            z: self.cfg.pacing.confidence_z,
            share: self.cfg.pacing.budget_share,
            bank: self.abandon_bank(ctx),
            cap_room: self.abandon_cap_room(ctx),
            crossing_p_max: self.cfg.pacing.cap_crossing_p_max,
            sum_q: 0.0,
            sum_risk: 0.0,
            sum_risk_upper: 0.0,
            sum_var: 0.0,
        };
        // Whether a line is certainly safe (no abandon budget needed) is judged
        // with the answers ahead counted at the answer rate's upper bound:
        // early in a campaign the prior may be wrong, and a burst of lines
        // placed on a low guess would all be answered at once. Planned risk
        // uses the estimate itself.
        let q_mean = self.est.answer_rate();
        let q_upper = self.est.answer_rate_upper(ANSWER_RATE_UPPER_Z);
        let widen = if q_mean > 0.0 { q_upper / q_mean } else { 1.0 };
        let mut answers_upper = CountDist::zero(cap);
        let mut lines = 0;
        for a in self.unreserved_lines() {
            let q = match a.stage {
                AttemptStage::Answered => 1.0,
                _ => self
                    .est
                    .live_given_ringing(now.saturating_since(a.stage_at).as_secs_f64()),
            };
            answers.add(q);
            answers_upper.add((q * widen).min(1.0));
            budget.commit_line(a.q, a.risk, a.risk_upper);
            lines += 1;
        }
        let line_cap = self.line_cap();
        let kappa = self.est.calibration();
        let p_max = self.cfg.pacing.line_abandon_p_max;
        let q = self.est.answer_rate();
        let mut dialled = 0;
        let mut last_p = 0.0;
        let reason = loop {
            if lines >= line_cap {
                break "line_cap";
            }
            let p = (kappa * abandon_probability(&answers.tail(), &agents)).min(1.0);
            last_p = p;
            let risk = q * p;
            let p_upper = abandon_probability(&answers_upper.tail(), &agents);
            let certainly_safe = p <= ABANDON_P_NONE && p_upper <= ABANDON_P_NONE;
            // The cap's room is judged with the answers counted at the upper
            // bound too: early in a day the prior may be wrong, and lines of
            // tiny planned risk would then abandon many calls at once.
            let risk_upper = (q_upper * (kappa * p_upper).min(1.0)).max(risk);
            if !certainly_safe {
                if p > p_max {
                    break "abandon_risk";
                }
                if !budget.admits_line(q, risk, risk_upper) {
                    break "abandon_budget";
                }
            }
            let Some(idx) = self.queue.pop_ready() else {
                break "no_contact_due";
            };
            match self.gate_contact(ctx, idx, None) {
                GateOutcome::Allowed(phone) => {
                    self.start_line(ctx, idx, phone, None, q, (risk, risk_upper), None);
                    answers.add(q);
                    answers_upper.add(q_upper);
                    budget.commit_line(q, risk, risk_upper);
                    lines += 1;
                    dialled += 1;
                }
                GateOutcome::Moved => {}
                GateOutcome::Requeued => break "abandon_rate_cap",
            }
        };
        let bank = budget.headroom(0.0, 0.0);
        self.log_pace(ctx, dialled, free, last_p, bank, reason);
    }

    fn log_pace(
        &mut self,
        ctx: &mut Ctx<'_>,
        dialled: u32,
        free: usize,
        p: f64,
        bank: f64,
        reason: &'static str,
    ) {
        if dialled == 0 && self.last_pace_reason == reason {
            return;
        }
        self.last_pace_reason = Cow::Borrowed(reason);
        let lines = self.unreserved_lines().count();
        ctx.out.event(
            ctx.now,
            OutboundEvent::Paced {
                campaign: self.cfg.id,
                dialled,
                lines_in_flight: lines as u32,
                free_agents: free as u32,
                answer_rate: self.est.answer_rate(),
                marginal_abandon_p: p,
                abandon_budget: bank,
                reason: reason.into(),
            },
        );
    }

    /// Runs the gate on each number of a contact (from its next number on), logging every decision.
    /// On denial on every number, the contact is closed (every denial lasts), put back at the front
    /// (a campaign-wide denial) or rescheduled for the soonest time a number may pass.
    pub fn gate_contact(
        &mut self,
        ctx: &mut Ctx<'_>,
        idx: u32,
        reserved: Option<AgentId>,
    ) -> GateOutcome {
        let at_cap = self.abandon_at_cap(ctx);
        let c = &self.contacts[idx as usize];
        let n = c.phones.len();
        let mut soonest = None;
        let mut all_lasting = true;
        let mut requeue = false;
        let mut rules: Vec<GateRule> = Vec::with_capacity(n);
        let no_log = AttemptLog::default();
        for k in 0..n {
            let i = (c.next_phone + k) % n;
            let phone = &c.phones[i];
            let log = phone
                .key
                .and_then(|key| self.phone_logs.get(&key))
                .unwrap_or(&no_log);
            let number_live = phone
                .key
                .is_some_and(|key| self.live_numbers.contains(&key));
            let person = person_key(c.person, phone.key).map(|k| gate::PersonView {
                log: ctx.persons.get(&k).unwrap_or(&no_log),
                caps: ctx.person_caps,
            });
            let d = gate::check(&GateRequest {
                now: ctx.now,
                clock: ctx.clock,
                campaign: self.cfg.id,
                config: &self.cfg,
                registry: ctx.registry,
                phone: PhoneView {
                    key: phone.key,
                    valid: phone.valid,
                    zones: &phone.zones,
                    log,
                },
                contact: ContactView {
                    opted_out: c.opted_out,
                    live_attempt: c.stage.is_live() || number_live,
                    last_abandoned_at: c.last_abandoned_at,
                    log: &c.log,
                },
                abandon_rate_at_cap: at_cap,
                reserved_agent: reserved,
                ring_timeout_ms: self.cfg.ring_timeout_ms,
                person,
            });
            ctx.out.event(
                ctx.now,
                OutboundEvent::GateDecided {
                    campaign: self.cfg.id,
                    contact: c.id,
                    phone: phone.number.clone(),
                    reserved_agent: reserved,
                    allowed: d.allowed,
                    rule: d.rule,
                    list: d
                        .rule
                        .is_do_not_call()
                        .then(|| {
                            let key = phone.key?;
                            Some(ctx.registry.listing(self.cfg.id, key)?.name().into())
                        })
                        .flatten(),
                    retry_at: d.retry_at,
                },
            );
            if d.allowed {
                return GateOutcome::Allowed(i);
            }
            rules.push(d.rule);
            if !d.lasting {
                all_lasting = false;
                match d.retry_at {
                    Some(t) if soonest.is_none_or(|(s, _)| t < s) => soonest = Some((t, d.rule)),
                    Some(_) => {}
                    None => requeue = true,
                }
            }
        }
        let first = rules.first().copied().unwrap_or(GateRule::PhoneInvalid);
        if all_lasting {
            let same = rules.iter().all(|r| *r == first);
            let reason = if same {
                first.as_str()
            } else {
                "no_usable_phone"
            };
            self.close(ctx, idx, ContactEnd::Exhausted, reason.into());
            GateOutcome::Moved
        } else if requeue {
            self.schedule(ctx, idx, ctx.now, "".into());
            GateOutcome::Requeued
        } else {
            // Every number that may pass later said when: the soonest wins, and its rule is the reason.
            let (due, rule) = soonest.unwrap_or((ctx.now + Duration::from_secs(3600), first));
            self.schedule(ctx, idx, due, rule.as_str().into());
            GateOutcome::Moved
        }
    }

    fn new_attempt_id(ctx: &mut Ctx<'_>) -> AttemptId {
        let id = AttemptId(*ctx.next_attempt);
        *ctx.next_attempt += 1;
        id
    }

    /// Places a call (reusing a preview's attempt when it turns into the call).
    #[allow(clippy::too_many_arguments)]
    pub fn start_line(
        &mut self,
        ctx: &mut Ctx<'_>,
        idx: u32,
        phone_i: usize,
        reserved: Option<AgentId>,
        q: f64,
        (risk, risk_upper): (f64, f64),
        preview: Option<AttemptId>,
    ) {
        let now = ctx.now;
        let id = preview.unwrap_or_else(|| Self::new_attempt_id(ctx));
        let keep = self.cfg.caps.recent_needed();
        let c = &mut self.contacts[idx as usize];
        if let Some(key) = c.phones[phone_i].key {
            self.phone_logs.entry(key).or_default().record(now, keep);
            self.live_numbers.insert(key);
        }
        if let Some(k) = person_key(c.person, c.phones[phone_i].key) {
            let keep = ctx.person_caps.recent_needed();
            ctx.persons.entry(k).or_default().record(now, keep);
        }
        c.log.record(now, keep);
        c.attempts_in_pass += 1;
        c.next_phone = phone_i;
        c.stage = Stage::Dialling(id);
        c.callback = None;
        let contact = c.id;
        let number = c.phones[phone_i].number.clone();
        let deadline = now + Duration::from_millis(self.cfg.ring_timeout_ms + DIAL_RESULT_GRACE_MS);
        let attempt = Attempt {
            contact: idx,
            phone: phone_i,
            reserved,
            stage: AttemptStage::Ringing,
            stage_at: now,
            deadline,
            q,
            risk,
            risk_upper,
            agent: None,
        };
        if let Some(old) = self.attempts.insert(id, attempt) {
            self.deadlines.remove(&(old.deadline, id));
        }
        self.deadlines.insert((deadline, id));
        ctx.attempts.insert(id, self.cfg.id);
        if let Some(agent) = reserved.and_then(|a| self.agents.get_mut(&a)) {
            agent.reserved_for = Some(id);
        }
        ctx.out.push(Output::Dial(Dial {
            attempt: id,
            campaign: self.cfg.id,
            contact,
            phone: number.clone(),
            caller_id: self.cfg.caller_id.clone(),
            ring_timeout_ms: self.cfg.ring_timeout_ms,
            reserved_agent: reserved,
        }));
        ctx.out.event(
            now,
            OutboundEvent::DialPlaced {
                attempt: id,
                campaign: self.cfg.id,
                contact,
                phone: number,
                reserved_agent: reserved,
                ring_timeout_ms: self.cfg.ring_timeout_ms,
            },
        );
    }

    /// Shows a contact to an agent, reserving them, with a countdown.
    fn offer_preview(&mut self, ctx: &mut Ctx<'_>, idx: u32, phone_i: usize, agent: AgentId) {
        let now = ctx.now;
        let id = Self::new_attempt_id(ctx);
        let c = &mut self.contacts[idx as usize];
        c.stage = Stage::Previewing(id);
        let contact = c.id;
        let number = c.phones[phone_i].number.clone();
        let countdown_ms = self.cfg.preview_countdown_ms;
        let deadline = now + Duration::from_millis(countdown_ms);
        self.attempts.insert(
            id,
            Attempt {
                contact: idx,
                phone: phone_i,
                reserved: Some(agent),
                stage: AttemptStage::Preview,
                stage_at: now,
                deadline,
                q: 0.0,
                risk: 0.0,
                risk_upper: 0.0,
                agent: None,
            },
        );
        self.deadlines.insert((deadline, id));
        ctx.attempts.insert(id, self.cfg.id);
        if let Some(slot) = self.agents.get_mut(&agent) {
            slot.reserved_for = Some(id);
        }
        ctx.out.push(Output::Preview(PreviewOffer {
            attempt: id,
            campaign: self.cfg.id,
            contact,
            phone: number,
            agent,
            countdown_ms,
        }));
        ctx.out.event(
            now,
            OutboundEvent::PreviewOffered {
                attempt: id,
                campaign: self.cfg.id,
                contact,
                agent,
                countdown_ms,
            },
        );
    }

    /// A preview turns into the call: the gate is asked again (time has passed).
    pub fn dial_preview(&mut self, ctx: &mut Ctx<'_>, id: AttemptId) {
        let Some(a) = self.attempts.get(&id) else {
            return;
        };
        let (idx, agent) = (a.contact, a.reserved);
        if self.state != CampaignState::Running || agent.is_none() {
            self.end_attempt(ctx, id);
            self.schedule(ctx, idx, ctx.now, "campaign_paused".into());
            return;
        }
        match self.gate_contact(ctx, idx, agent) {
            GateOutcome::Allowed(phone) => {
                let q = self.est.answer_rate();
                self.start_line(ctx, idx, phone, agent, q, (0.0, 0.0), Some(id));
            }
            GateOutcome::Moved | GateOutcome::Requeued => {
                // The contact was rescheduled or closed by the gate; free the agent.
                self.end_attempt(ctx, id);
            }
        }
    }
}

/// Who a contact's attempt on a number reaches, for the caps across
/// campaigns: its customer, else the number.
fn person_key(person: Option<u64>, number: Option<crate::consent::E164>) -> Option<PersonKey> {
    person
        .map(PersonKey::Customer)
        .or(number.map(PersonKey::Number))
}
