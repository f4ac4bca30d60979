//! The connected call's controls (hold, mute, hang-up from the desktop)
//! and consult transfers: the consulted agent's phone rung while the first
//! agent stays on the line, the hand-over when routing completes it, the
//! way back to the first agent when it fails or is cancelled.

use store::CallFact;
use telephony::switch::{CallCommand, DialOutcome};

use super::{Consult, Controls, CustomerCall, Flow, Queued, Stage, leg_failure};
use crate::sip::dispatch::Control;
use crate::tenant::Op;

impl CustomerCall {
    /// Acts on a call control of the connected call.
    pub(super) async fn control(&self, q: &mut Queued, c: Control) -> Flow {
        if !matches!(q.stage, Stage::Connected { .. }) {
            return Flow::Next;
        }
        let controls = &mut q.controls;
        match c {
            Control::Hold => controls.held = true,
            Control::Unhold => controls.held = false,
            Control::Mute => controls.muted = true,
            Control::Unmute => controls.muted = false,
            Control::Consult(_) => {
                if controls.consult.is_none() {
                    controls.consult = Some(Consult::default());
                }
            }
            // Routing's acceptance follows and completes it.
            Control::ConsultCompleted => return Flow::Next,
            Control::ConsultCancelled => {
                if let Some(k) = controls.consult.take() {
                    self.drop_consult_leg(&k);
                }
                controls.held = false;
            }
            Control::Hangup => return self.hang_up_from_desktop(q).await,
        }
        self.apply_controls(&q.stage, &q.controls);
        Flow::Next
    }

    /// The agent hung up from the desktop: every leg goes, the interaction
    /// is completed.
    async fn hang_up_from_desktop(&self, q: &mut Queued) -> Flow {
        if let Some(k) = q.controls.consult.take() {
            self.drop_consult_leg(&k);
        }
        if let Stage::Connected { leg: Some(leg), .. } = &q.stage {
            self.ctx.control.command(leg, CallCommand::Hangup);
        }
        self.cmd(CallCommand::Hangup);
        self.ended(q, "agent", "hung_up_from_desktop").await;
        if let Err(e) = self.op(Op::Complete(q.id, None)).await {
            tracing::debug!(interaction = q.id, code = e.code, "sip: end not applied");
        }
        Flow::Done
    }

    /// Puts the customer where the controls say: music while held or
    /// consulting, otherwise bridged to the agent (muted or not).
    fn apply_controls(&self, stage: &Stage, c: &Controls) {
        let Stage::Connected { leg, .. } = stage else {
            return;
        };
        if c.held || c.consult.is_some() {
            self.cmd(CallCommand::Loop(self.ctx.music.clone()));
            if let Some(leg) = leg
                && c.consult.as_ref().is_none_or(|k| k.leg.is_none())
            {
                // Nothing of the customer reaches the agent either.
                self.ctx.control.command(leg, CallCommand::Silence);
            }
            return;
        }
        self.cmd(CallCommand::MutePeer(c.muted));
        match leg {
            Some(leg) => self.ctx.control.bridge(&self.call_id, leg),
            None if c.muted => self.cmd(CallCommand::Silence),
            None => self.cmd(CallCommand::Loop(self.ctx.agent_tone.clone())),
        }
    }

    /// A consult transfer's offer: rings the consulted agent's phone while
    /// the first agent stays on the line (once: a later offer is ignored).
    pub(super) async fn consult_offered(&self, q: &mut Queued, agent: i64) {
        let Some(k) = q.controls.consult.as_mut() else {
            return;
        };
        if k.leg.is_some() || k.dial_id.is_some() {
            return;
        }
        k.target = Some(agent);
        let Some(phone) = self.t.phones.get(&agent).cloned() else {
            // No phone: the desktop accepts (or not) in routing.
            return;
        };
        q.dials += 1;
        let dial_id = format!("{}~consult~{}", self.call_id, q.dials);
        k.dial_id = Some(dial_id.clone());
        self.ring(q.id, &phone, agent, dial_id).await;
    }

    /// The consult transfer completed in routing: the consulted agent takes
    /// the customer once their phone answered (at once without a phone).
    pub(super) async fn consult_accepted(&self, q: &mut Queued, agent: i64) {
        let k = q.controls.consult.as_mut().expect("checked by the caller");
        k.target = Some(agent);
        k.accepted = true;
        let has_phone = self.t.phones.contains_key(&agent);
        if k.leg.is_some() || !has_phone {
            self.complete_consult(q).await;
        }
    }

    /// The consulted agent's phone answered (bridged to the first agent;
    /// the hand-over follows if routing completed it already) or failed
    /// (back to the first agent).
    pub(super) async fn consult_leg_outcome(
        &self,
        q: &mut Queued,
        leg: String,
        outcome: DialOutcome,
    ) {
        let Some(k) = q.controls.consult.as_mut() else {
            return;
        };
        let agent = k.target.unwrap_or(-1);
        if outcome != DialOutcome::Answered {
            k.dial_id = None;
            self.fact(
                q.id,
                CallFact::AgentLegFailed {
                    agent: model::AgentId(agent as u32),
                    outcome: leg_failure(&outcome).into(),
                },
            )
            .await;
            return self.cancel_consult(q.id).await;
        }
        k.leg = Some(leg.clone());
        let accepted = k.accepted;
        if let Stage::Connected {
            leg: Some(first), ..
        } = &q.stage
        {
            self.ctx.control.bridge(first, &leg);
        }
        self.fact(
            q.id,
            CallFact::ConsultConnected {
                agent: model::AgentId(agent as u32),
                agent_call_id: leg,
            },
        )
        .await;
        if accepted {
            self.complete_consult(q).await;
        }
    }

    /// Gives up a consult from the switch's side (the consulted phone failed,
    /// routing withdrew the offer): routing goes back to the first agent and
    /// `call.consult_cancelled` comes back as a note.
    pub(super) async fn cancel_consult(&self, id: i64) {
        let op = Op::CallControl {
            interaction: id,
            by_agent: None,
            by: "switch".into(),
            action: crate::tenant::CallAction::ConsultCancel,
        };
        if let Err(e) = self.op(op).await {
            tracing::debug!(
                interaction = id,
                code = e.code,
                "sip: consult not cancelled"
            );
        }
    }

    /// The consulted agent takes the customer: the first agent's leg goes.
    async fn complete_consult(&self, q: &mut Queued) {
        let Some(k) = q.controls.consult.take() else {
            return;
        };
        let Some(agent) = k.target else { return };
        if let Stage::Connected { leg: Some(old), .. } = &q.stage {
            self.ctx.control.command(old, CallCommand::Hangup);
        }
        q.stage = Stage::Connected {
            agent,
            leg: k.leg.clone(),
        };
        q.controls.held = false;
        q.controls.muted = false;
        self.apply_controls(&q.stage, &q.controls);
        self.fact(
            q.id,
            CallFact::Connected {
                agent: model::AgentId(agent as u32),
                agent_call_id: k.leg,
            },
        )
        .await;
    }

    /// Hangs up a consult's leg (or stops its ringing).
    pub(super) fn drop_consult_leg(&self, k: &Consult) {
        match (&k.leg, &k.dial_id) {
            (Some(leg), _) => self.ctx.control.command(leg, CallCommand::Hangup),
            (None, Some(dial)) => self.ctx.control.cancel_dial(dial),
            _ => {}
        }
    }
}
