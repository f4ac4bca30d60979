//! The call and its agents: routing's offers (ringing the agent's phone, or
//! a simulated agent or desktop without one), the phone's answer or failure,
//! the offer's end, and the agent's phone hanging up.

use store::CallFact;
use telephony::switch::{CallCommand, DialOutcome, DialRequest, DialTimers};

use super::{Controls, CustomerCall, Flow, Queued, Stage, leg_failure};
use crate::sip::AgentPhone;
use crate::sip::dispatch::ToDispatcher;
use crate::tenant::Op;

impl CustomerCall {
    /// Routing offers the call to an agent: a consult's target, or the
    /// next agent (the one connected, if any, is let go) whose phone rings.
    pub(super) async fn offered(&self, q: &mut Queued, agent: i64) {
        if q.controls.consult.is_some() && matches!(q.stage, Stage::Connected { .. }) {
            return self.consult_offered(q, agent).await;
        }
        if let Stage::Connected { leg, .. } = &q.stage {
            // Transferred through routing: the first agent's leg goes, the
            // customer hears music until the next agent answers.
            if let Some(leg) = leg {
                self.ctx.control.command(leg, CallCommand::Hangup);
            }
            self.cmd(CallCommand::Loop(self.ctx.music.clone()));
            q.stage = Stage::Waiting;
        }
        if q.controls.held || q.controls.muted {
            q.controls = Controls::default();
            self.cmd(CallCommand::MutePeer(false));
        }
        let Some(phone) = self.t.phones.get(&agent).cloned() else {
            // No phone: a simulated agent or a desktop answers in routing.
            return;
        };
        q.dials += 1;
        let dial_id = format!("{}~agent~{}", self.call_id, q.dials);
        q.stage = Stage::Ringing {
            agent,
            dial_id: dial_id.clone(),
            accepted: false,
        };
        self.ring(q.id, &phone, agent, dial_id).await;
    }

    /// Routing says the agent accepted: noted while their phone rings;
    /// without a phone (a simulated agent, a desktop), connected at once.
    pub(super) async fn accepted(&self, q: &mut Queued, agent: i64) {
        match &mut q.stage {
            Stage::Ringing {
                agent: a, accepted, ..
            } if *a == agent => *accepted = true,
            Stage::Connected { .. } => {}
            _ => {
                // Accepted without a phone: a simulated agent (or a desktop).
                self.cmd(CallCommand::Loop(self.ctx.agent_tone.clone()));
                q.stage = Stage::Connected { agent, leg: None };
                self.fact(
                    q.id,
                    CallFact::Connected {
                        agent: model::AgentId(agent as u32),
                        agent_call_id: None,
                    },
                )
                .await;
                q.recording = self.record_by_policy(q.id, None).await;
            }
        }
    }

    /// Routing withdrew an offer (rejected, rang out, revoked): a consult
    /// goes back to the first agent, a ringing phone stops.
    pub(super) async fn offer_ended(&self, q: &mut Queued, agent: i64) {
        if let Some(k) = &q.controls.consult
            && k.target == Some(agent)
            && !k.accepted
        {
            // Routing withdrew the consulted agent's offer (it rang out there,
            // or they rejected it): back to the first agent.
            return self.cancel_consult(q.id).await;
        }
        if let Stage::Ringing {
            agent: a, dial_id, ..
        } = &q.stage
            && *a == agent
        {
            self.ctx.control.cancel_dial(dial_id);
            self.fact(
                q.id,
                CallFact::AgentLegFailed {
                    agent: model::AgentId(agent as u32),
                    outcome: "no_answer".into(),
                },
            )
            .await;
            q.stage = Stage::Waiting;
        }
    }

    /// The ringing agent's phone answered (the offer is accepted and the
    /// legs bridged) or failed (the offer is rejected); a leg nobody waits
    /// for any more is hung up.
    pub(super) async fn agent_leg_outcome(
        &self,
        q: &mut Queued,
        dial_id: &str,
        leg: String,
        outcome: DialOutcome,
    ) {
        let ringing = match &q.stage {
            Stage::Ringing {
                agent,
                dial_id: d,
                accepted,
            } if d == dial_id => Some((*agent, *accepted)),
            _ => None,
        };
        let Some((agent, accepted)) = ringing else {
            if outcome == DialOutcome::Answered {
                self.ctx.control.command(&leg, CallCommand::Hangup);
            }
            return;
        };
        if outcome != DialOutcome::Answered {
            q.stage = Stage::Waiting;
            self.fact(
                q.id,
                CallFact::AgentLegFailed {
                    agent: model::AgentId(agent as u32),
                    outcome: leg_failure(&outcome).into(),
                },
            )
            .await;
            let _ = self.op(Op::Reject(q.id, agent)).await;
            return;
        }
        let ok = accepted || self.op(Op::Accept(q.id, agent)).await.is_ok();
        if !ok {
            self.ctx.control.command(&leg, CallCommand::Hangup);
            q.stage = Stage::Waiting;
            return;
        }
        self.ctx.control.bridge(&self.call_id, &leg);
        q.stage = Stage::Connected {
            agent,
            leg: Some(leg.clone()),
        };
        self.fact(
            q.id,
            CallFact::Connected {
                agent: model::AgentId(agent as u32),
                agent_call_id: Some(leg),
            },
        )
        .await;
        q.recording = self.record_by_policy(q.id, None).await;
    }

    /// A leg other than the customer's hung up: the consulted agent's (back
    /// to the first agent), or the connected agent's (which hands the
    /// customer over when a consulted agent answered, and otherwise ends
    /// the call).
    pub(super) async fn agent_leg_ended(&self, q: &mut Queued, leg_id: &str) -> Flow {
        if let Some(k) = &q.controls.consult
            && k.leg.as_deref() == Some(leg_id)
        {
            // The consulted agent's phone hung up: back to the first agent.
            self.cancel_consult(q.id).await;
            return Flow::Next;
        }
        // The agent's phone hung up.
        let Stage::Connected { leg: Some(leg), .. } = &q.stage else {
            return Flow::Next;
        };
        if leg != leg_id {
            return Flow::Next;
        }
        // After the consulted agent answered, hanging up hands the customer
        // over (as on a desk phone).
        if q.controls.consult.as_ref().is_some_and(|k| k.leg.is_some()) {
            let done = self
                .op(Op::CallControl {
                    interaction: q.id,
                    by_agent: None,
                    by: "agent_hung_up".into(),
                    action: crate::tenant::CallAction::ConsultComplete,
                })
                .await;
            match done {
                // Routing's acceptance completes it here.
                Ok(_) => return Flow::Next,
                Err(e) => tracing::debug!(
                    interaction = q.id,
                    code = e.code,
                    "sip: consult not completed on hang-up"
                ),
            }
        }
        if let Some(k) = q.controls.consult.take() {
            self.drop_consult_leg(&k);
        }
        self.cmd(CallCommand::Hangup);
        self.ended(q, "agent", "agent_hung_up").await;
        let _ = self.op(Op::Complete(q.id, None)).await;
        Flow::Done
    }

    /// Rings an agent's phone for this call (an offer, or a consult).
    pub(super) async fn ring(&self, id: i64, phone: &AgentPhone, agent: i64, dial_id: String) {
        self.fact(
            id,
            CallFact::AgentRinging {
                agent: model::AgentId(agent as u32),
                address: phone.address.to_string(),
            },
        )
        .await;
        let request = DialRequest {
            dial_id,
            caller_id: self.caller.clone(),
            number: phone.agent.clone(),
            target: phone.address,
            timers: DialTimers {
                ring_timeout_ms: phone.ring_timeout_s.unwrap_or(60) * 1_000,
                ..DialTimers::default()
            },
            destinations: None,
            auto_answer: phone.auto_answer,
        };
        let owner = self.owner_handle();
        let _ = self
            .ctx
            .to_dispatcher
            .send(ToDispatcher::Dial { request, owner });
    }
}
