//! Each tenant's dialer line through the switch ([`dialer_line`]): the
//! dialer's calls placed to the trunk, answering machines told from people,
//! answered calls bridged to the offered agent's phone, then the connected
//! call's controls and recording.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::CallFact;
use telephony::switch::{CallCommand, DialOutcome, DialRequest, DialTimers, SwitchEvent};
use tokio::sync::mpsc;

use super::dispatch::{CallMsg, Control, Inbox, Note, Owner};
use super::outbound::{abandon, bridge_agent, place};
use super::recording::record_by_policy;
use super::{Ctx, TenantCtx};
use crate::clock;
use crate::tenant::{Ack, Op};

/// Listens to an answered call's first seconds: a person (or not sure:
/// hanging up on a person would be a silent call) is a live answer, a
/// machine is a machine; a callee who hangs up while we listen was not
/// reached (no answer).
async fn detect_machine(
    ctx: &Ctx,
    call_id: &str,
    inbox: &mut Inbox,
) -> model::outbound::DialOutcome {
    use model::outbound::DialOutcome as Out;
    ctx.control.command(call_id, CallCommand::DetectMachine);
    let limit = u64::from(telephony::amd::AmdSettings::default().total_analysis_ms) + 1_000;
    let deadline = tokio::time::sleep(Duration::from_millis(limit));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::MachineVerdict { call_id: c, verdict })) if c == call_id => {
                    tracing::debug!(%call_id, reason = verdict.reason(), "sip: answering-machine verdict");
                    return if verdict.connect() { Out::LiveAnswer } else { Out::Machine };
                }
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => return Out::NoAnswer,
                Some(_) => {}
                None => return Out::Failed,
            },
            // The far end sent no audio at all: not sure, so a person.
            _ = &mut deadline => return Out::LiveAnswer,
        }
    }
}

/// The legs of the dialer's calls in progress, by attempt (callee first).
type Legs = Arc<Mutex<HashMap<u64, Vec<String>>>>;

/// The tenant's dialer line through the switch: every call its dialer
/// places becomes an INVITE to the trunk with the campaign's caller id,
/// checked against the tenant's destinations; the outcome (answer, busy,
/// no answer with CANCEL at the ring timeout, failure, including no
/// provisional response in time) goes back to the dialer; an answered call
/// offered to an agent rings that agent's phone and is bridged within
/// [`CONNECT_WITHIN`], or the callee hears the abandon message.
pub(super) async fn dialer_line(
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    trunk: SocketAddr,
    mut rx: mpsc::UnboundedReceiver<crate::outbound::LineOrder>,
) {
    let legs: Legs = Arc::default();
    while let Some(order) = rx.recv().await {
        match order {
            crate::outbound::LineOrder::Hangup { attempt } => {
                let ids = legs.lock().expect("legs lock").remove(&attempt);
                for id in ids.unwrap_or_default() {
                    ctx.control.command(&id, CallCommand::Hangup);
                }
            }
            crate::outbound::LineOrder::Dial(d) => {
                tokio::spawn(dialer_call(ctx.clone(), t.clone(), trunk, d, legs.clone()));
            }
        }
    }
}

/// One call of the dialer's, from the INVITE to the hang-up.
async fn dialer_call(
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    trunk: SocketAddr,
    d: dialer::Dial,
    legs: Legs,
) {
    let attempt = d.attempt.0;
    let (me, inbox) = mpsc::unbounded_channel();
    let mut call = LineCall {
        dial_id: format!("dialer-{}-{attempt}", t.tenant.id()),
        number: d.phone.to_string(),
        attempt,
        ctx,
        t,
        legs,
        me,
        inbox,
    };
    let Some((call_id, offered)) = call.dial(trunk, &d).await else {
        return;
    };
    let Some(leg) = call.bridge(&call_id, offered).await else {
        return;
    };
    let Some((interaction, agent)) = offered else {
        return;
    };
    call.talk(&call_id, &leg, interaction, agent).await;
}

/// What a dialer's call task keeps.
struct LineCall {
    ctx: Arc<Ctx>,
    t: Arc<TenantCtx>,
    legs: Legs,
    attempt: u64,
    dial_id: String,
    /// The callee's number.
    number: String,
    me: Owner,
    inbox: Inbox,
}

impl LineCall {
    /// Places the call and tells the dialer how it went (a machine, when
    /// they are told apart, is hung up there): the answered call's id and
    /// the interaction and agent routing offered it to.
    async fn dial(
        &mut self,
        trunk: SocketAddr,
        d: &dialer::Dial,
    ) -> Option<(String, Option<(i64, i64)>)> {
        use model::outbound::DialOutcome as Out;
        let started = clock::mono();
        let request = DialRequest {
            dial_id: self.dial_id.clone(),
            caller_id: d.caller_id.to_string(),
            number: self.number.clone(),
            target: trunk,
            timers: DialTimers {
                ring_timeout_ms: d.ring_timeout_ms,
                ..DialTimers::default()
            },
            destinations: self.t.config.destinations.clone(),
            auto_answer: false,
        };
        let placed = place(&self.ctx, request, &self.me, &mut self.inbox).await;
        let ring_ms = started.elapsed().as_millis() as u64;
        let mut outcome = match &placed {
            Ok(_) => Out::LiveAnswer,
            Err(DialOutcome::Busy) => Out::Busy,
            Err(DialOutcome::NoAnswer { .. }) => Out::NoAnswer,
            Err(_) => Out::Failed,
        };
        let attempt = self.attempt;
        if let Ok(call_id) = &placed
            && self.t.config.detect_machines
        {
            outcome = detect_machine(&self.ctx, call_id, &mut self.inbox).await;
            if outcome != Out::LiveAnswer {
                self.ctx.control.command(call_id, CallCommand::Hangup);
                let _ = self
                    .t
                    .handle
                    .call(Op::DialResult {
                        attempt,
                        outcome,
                        ring_ms,
                    })
                    .await;
                return None;
            }
        }
        // An answered call offered to an agent: its orders come here.
        let sink = super::dispatch::sink(self.me.clone());
        let res = self
            .t
            .handle
            .call_with_sink(
                Op::DialResult {
                    attempt,
                    outcome,
                    ring_ms,
                },
                sink,
            )
            .await;
        let Ok(call_id) = placed else { return None };
        self.legs
            .lock()
            .expect("legs lock")
            .insert(attempt, vec![call_id.clone()]);
        let offered = match res {
            Ok(Ack::Answered(crate::outbound::Answered { offered })) => offered,
            _ => None,
        };
        Some((call_id, offered))
    }

    /// Rings the offered agent's phone and bridges the callee to it: the
    /// agent's leg; none when there was no agent to bridge (the callee heard
    /// the abandon message) or the dialer no longer wants the call.
    async fn bridge(&mut self, call_id: &str, offered: Option<(i64, i64)>) -> Option<String> {
        let phone = offered.and_then(|(_, agent)| self.t.phones.get(&agent).map(|p| p.address));
        let bridged = match phone {
            Some(phone) => {
                let (dial_id, number) = (&self.dial_id, &self.number);
                bridge_agent(
                    &self.ctx,
                    call_id,
                    dial_id,
                    number,
                    phone,
                    &self.me,
                    &mut self.inbox,
                )
                .await
            }
            None => Err(false),
        };
        let leg = match bridged {
            Ok(leg) => leg,
            Err(callee_gone) => {
                if offered.is_some() {
                    let _ = self
                        .t
                        .handle
                        .call(Op::OutboundAbandoned(self.attempt))
                        .await;
                }
                if !callee_gone {
                    abandon(&self.ctx, call_id, &self.t.language, &mut self.inbox).await;
                }
                self.forget();
                return None;
            }
        };
        if let Some(l) = self.legs.lock().expect("legs lock").get_mut(&self.attempt) {
            l.push(leg.clone());
        }
        if self
            .t
            .handle
            .call(Op::OutboundBridged(self.attempt))
            .await
            .is_err()
        {
            for id in [call_id, leg.as_str()] {
                self.ctx.control.command(id, CallCommand::Hangup);
            }
            self.forget();
            return None;
        }
        Some(leg)
    }

    /// The call's legs are gone (or going): the line forgets them.
    fn forget(&self) {
        self.legs.lock().expect("legs lock").remove(&self.attempt);
    }

    /// The connected call until either side hangs up (or the agent ends it
    /// from the desktop): the desktop's call controls and the recording API
    /// reach it.
    async fn talk(&mut self, call_id: &str, leg: &str, interaction: i64, agent: i64) {
        let (ctx, t) = (&self.ctx, &self.t);
        let connected = CallFact::Connected {
            agent: model::AgentId(agent as u32),
            agent_call_id: Some(leg.to_owned()),
        };
        if let Err(e) = t.handle.call(Op::CallFact(interaction, connected)).await {
            tracing::warn!(interaction, code = e.code, "sip: call fact not recorded");
        }
        let mut recording = record_by_policy(ctx, t, call_id, interaction, None).await;
        let (mut held, mut muted) = (false, false);
        while let Some(msg) = self.inbox.recv().await {
            match msg {
                CallMsg::Switch(SwitchEvent::Ended(s))
                    if s.call_id == call_id || s.call_id == leg =>
                {
                    let other = if s.call_id == call_id { leg } else { call_id };
                    ctx.control.command(other, CallCommand::Hangup);
                    self.forget();
                    // Refused when the desktop ended it already.
                    let _ = t.handle.call(Op::OutboundHangup(self.attempt)).await;
                    break;
                }
                CallMsg::Routing(Note::RecordingPause) => {
                    ctx.control.command(call_id, CallCommand::PauseRecording);
                }
                CallMsg::Routing(Note::RecordingResume) => {
                    ctx.control.command(call_id, CallCommand::ResumeRecording);
                }
                CallMsg::Routing(Note::RecordingStart(by)) if recording.is_none() => {
                    recording = record_by_policy(ctx, t, call_id, interaction, Some(by)).await;
                }
                CallMsg::Routing(Note::Control(c)) => {
                    self.control(call_id, leg, c, &mut held, &mut muted);
                }
                _ => {}
            }
        }
    }

    /// Acts on a call control: hold and mute, hang-up (consult transfers of
    /// the dialer's calls are not carried out).
    fn control(&self, call_id: &str, leg: &str, c: Control, held: &mut bool, muted: &mut bool) {
        let ctx = &self.ctx;
        match c {
            Control::Hold => *held = true,
            Control::Unhold => *held = false,
            Control::Mute => *muted = true,
            Control::Unmute => *muted = false,
            Control::Hangup => {
                for id in [call_id, leg] {
                    ctx.control.command(id, CallCommand::Hangup);
                }
                return;
            }
            // Consult transfers of the dialer's calls are not carried out.
            _ => return,
        }
        if *held {
            ctx.control
                .command(call_id, CallCommand::Loop(ctx.music.clone()));
            ctx.control.command(leg, CallCommand::Silence);
        } else {
            ctx.control.command(call_id, CallCommand::MutePeer(*muted));
            ctx.control.bridge(call_id, leg);
        }
    }
}
