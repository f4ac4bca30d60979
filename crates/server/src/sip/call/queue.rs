//! The call in the queue: music on hold with announcements, the loop that
//! hands each message to its handler until the call ends, the waiting
//! caller's callback key, and the call's end (the customer hung up, or
//! routing ended it).

use std::time::Duration;

use store::CallFact;
use telephony::switch::{CallCommand, SwitchEvent};

use super::{CALLBACK_KEY, CALLBACK_OFFER, Controls, CustomerCall, Flow, Queued, Stage};
use crate::sip::dispatch::{CallMsg, Note};
use crate::tenant::{Ack, Op};

impl CustomerCall {
    /// Waits in the queue, rings agents, connects, until the call ends.
    pub(super) async fn queue(mut self, id: i64, language: &str) {
        let mut first = vec!["please_hold".to_owned()];
        if self.t.config.offer_callback {
            first.push(CALLBACK_OFFER.into());
        }
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompts(&first, language),
            then: Some(self.ctx.music.clone()),
        });
        let every = self.t.config.announce_every_s.unwrap_or(30);
        let announce_every = (every > 0).then(|| Duration::from_secs(every));
        let mut next_announce = announce_every.map(|d| tokio::time::Instant::now() + d);
        let mut q = Queued {
            id,
            stage: Stage::Waiting,
            dials: 0,
            recording: None,
            controls: Controls::default(),
            callback_offered: false,
            language: language.to_owned(),
        };
        loop {
            let announce_at = next_announce
                .filter(|_| q.stage == Stage::Waiting)
                .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
            let msg = tokio::select! {
                msg = self.inbox.recv() => msg,
                _ = tokio::time::sleep_until(announce_at) => {
                    next_announce = announce_every.map(|d| tokio::time::Instant::now() + d);
                    self.announce(id, language).await;
                    continue;
                }
            };
            let Some(msg) = msg else { return };
            match self.on_message(&mut q, msg).await {
                Flow::Next => {}
                Flow::Done => return,
                Flow::Goodbye(prompt) => return self.goodbye(prompt, language).await,
            }
        }
    }

    /// Hands a message to its handler.
    async fn on_message(&self, q: &mut Queued, msg: CallMsg) -> Flow {
        match msg {
            CallMsg::Switch(SwitchEvent::Ended(summary)) if summary.call_id == self.call_id => {
                self.customer_hung_up(q).await
            }
            CallMsg::Switch(SwitchEvent::Ended(summary)) => {
                self.agent_leg_ended(q, &summary.call_id).await
            }
            CallMsg::Switch(SwitchEvent::DialOutcome {
                dial_id,
                call_id: leg,
                outcome,
            }) => {
                if q.controls
                    .consult
                    .as_ref()
                    .and_then(|k| k.dial_id.as_deref())
                    == Some(dial_id.as_str())
                {
                    self.consult_leg_outcome(q, leg, outcome).await;
                } else {
                    self.agent_leg_outcome(q, &dial_id, leg, outcome).await;
                }
                Flow::Next
            }
            CallMsg::Switch(SwitchEvent::Digit { digit, .. })
                if digit == CALLBACK_KEY
                    && (self.t.config.offer_callback || q.callback_offered)
                    && q.stage == Stage::Waiting =>
            {
                self.callback_key(q.id).await
            }
            CallMsg::Switch(_) => Flow::Next,
            CallMsg::Routing(note) => self.on_note(q, note).await,
        }
    }

    /// Hands a routing note to its handler.
    async fn on_note(&self, q: &mut Queued, note: Note) -> Flow {
        match note {
            Note::Offered(agent) => self.offered(q, i64::from(agent.0)).await,
            Note::Accepted(agent)
                if q.controls.consult.is_some() && matches!(q.stage, Stage::Connected { .. }) =>
            {
                self.consult_accepted(q, i64::from(agent.0)).await;
            }
            Note::Accepted(agent) => self.accepted(q, i64::from(agent.0)).await,
            Note::OfferEnded(agent) => self.offer_ended(q, i64::from(agent.0)).await,
            Note::Ended => return self.routing_ended(q).await,
            Note::Control(c) => return self.control(q, c).await,
            Note::OfferCallback if q.stage == Stage::Waiting => {
                // The routing plan's callback step: the caller hears the
                // offer, and key 1 takes it.
                q.callback_offered = true;
                self.cmd(CallCommand::Play {
                    audio: self.ctx.prompts(&[CALLBACK_OFFER.to_owned()], &q.language),
                    then: Some(self.ctx.music.clone()),
                });
            }
            Note::OfferCallback => {}
            Note::RecordingPause => self.cmd(CallCommand::PauseRecording),
            Note::RecordingResume => self.cmd(CallCommand::ResumeRecording),
            Note::RecordingStart(by) => {
                if q.recording.is_none() && matches!(q.stage, Stage::Connected { .. }) {
                    q.recording = self.record_by_policy(q.id, Some(by)).await;
                }
            }
        }
        Flow::Next
    }

    /// The customer hung up: the agent's leg goes, the interaction is
    /// completed (connected) or abandoned (waiting, ringing).
    async fn customer_hung_up(&self, q: &mut Queued) -> Flow {
        if let Some(k) = q.controls.consult.take() {
            self.drop_consult_leg(&k);
        }
        let (op, reason) = match &q.stage {
            Stage::Connected { leg, .. } => {
                if let Some(leg) = leg {
                    self.ctx.control.command(leg, CallCommand::Hangup);
                }
                (Op::Complete(q.id, None), "caller_hung_up")
            }
            Stage::Ringing { dial_id, .. } => {
                self.ctx.control.cancel_dial(dial_id);
                (Op::Abandon(q.id), "abandoned")
            }
            Stage::Waiting => (Op::Abandon(q.id), "abandoned"),
        };
        self.ended(q, "customer", reason).await;
        if let Err(e) = self.op(op).await {
            tracing::debug!(interaction = q.id, code = e.code, "sip: end not applied");
        }
        Flow::Done
    }

    /// Routing ended the interaction (the agent completed it, a supervisor
    /// cancelled it): every leg goes.
    async fn routing_ended(&self, q: &mut Queued) -> Flow {
        if let Some(k) = q.controls.consult.take() {
            self.drop_consult_leg(&k);
        }
        match &q.stage {
            Stage::Connected { leg: Some(leg), .. } => {
                self.ctx.control.command(leg, CallCommand::Hangup)
            }
            Stage::Ringing { dial_id, .. } => self.ctx.control.cancel_dial(dial_id),
            _ => {}
        }
        self.cmd(CallCommand::Hangup);
        self.ended(q, "switch", "interaction_ended").await;
        Flow::Done
    }

    /// The waiting caller pressed the callback key: a callback takes the
    /// call's place, or the caller keeps waiting when routing took the call
    /// meanwhile.
    async fn callback_key(&self, id: i64) -> Flow {
        let op = Op::CallbackKeepingPlace {
            interaction: id,
            number: self.caller.clone(),
        };
        match self.op(op).await {
            Ok(_) => {
                self.fact(
                    id,
                    CallFact::Ended {
                        by: "customer".into(),
                        reason: "callback_requested".into(),
                        recording: None,
                    },
                )
                .await;
                Flow::Goodbye("callback_confirmed")
            }
            // Routing took it meanwhile (offered): keep waiting.
            Err(e) => {
                tracing::debug!(interaction = id, code = e.code, "sip: no callback");
                Flow::Next
            }
        }
    }

    /// Logs the call's end (`by` whom, why), with its recording.
    pub(super) async fn ended(&self, q: &Queued, by: &str, reason: &str) {
        let fact = CallFact::Ended {
            by: by.into(),
            reason: reason.into(),
            recording: q.recording.clone(),
        };
        self.fact(q.id, fact).await;
    }

    /// Position and estimated wait, then music again.
    async fn announce(&self, id: i64, language: &str) {
        let Ok(Ack::Position(Some((position, wait_s)))) = self.op(Op::Position(id)).await else {
            return;
        };
        let mut names = telephony::prompts::position(u64::from(position));
        names.extend(telephony::prompts::estimated_wait(wait_s as f64));
        if self.t.config.offer_callback {
            names.push(CALLBACK_OFFER.into());
        }
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompts(&names, language),
            then: Some(self.ctx.music.clone()),
        });
        self.fact(
            id,
            CallFact::Announced {
                position,
                estimated_wait_s: wait_s,
            },
        )
        .await;
    }
}
