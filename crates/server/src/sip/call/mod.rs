//! An inbound customer's call, one task each ([`CustomerCall`]): the IVR,
//! the interaction's creation and the last prompt here; the queue's loop
//! and the waiting caller in `queue`, the agents' offers and phones in
//! `agent`, the call controls and consult transfers in `consult`.

mod agent;
mod consult;
mod queue;

use std::sync::Arc;
use std::time::Duration;

use model::{Attributes, Channel, PhoneNumber};
use store::CallFact;
use telephony::dtmf::Digit;
use telephony::ivr::{IvrOutcome, IvrOutput, IvrSession};
use telephony::switch::{CallCommand, DialOutcome, SwitchEvent};
use tokio::sync::mpsc;

use super::dispatch::{CallMsg, Owner};
use super::{Ctx, TenantCtx};
use crate::clock;
use crate::tenant::{Ack, NewInteractionReq, Op};

/// Where the customer's call stands.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// In the queue, with music.
    Waiting,
    /// An agent's phone rings.
    Ringing {
        agent: i64,
        dial_id: String,
        /// The agent accepted on the desktop meanwhile.
        accepted: bool,
    },
    /// Talking to an agent (through their phone's leg, or a simulated sink).
    Connected { agent: i64, leg: Option<String> },
}

/// A consult transfer under way: the customer hears music, the first agent
/// talks to the consulted one.
#[derive(Debug, Clone, Default)]
struct Consult {
    /// The agent routing offered it to (the one consulted).
    target: Option<i64>,
    /// Their phone being rung.
    dial_id: Option<String>,
    /// Their phone's leg, once answered.
    leg: Option<String>,
    /// Routing connected them already (accepted on the desktop, or completed
    /// while their phone still rang): complete as soon as the phone answers.
    accepted: bool,
}

/// What the customer hears besides prompts: held, muted, consulting.
#[derive(Debug, Clone, Default)]
struct Controls {
    held: bool,
    muted: bool,
    consult: Option<Consult>,
}

/// An inbound call's task.
pub(super) struct CustomerCall {
    pub(super) ctx: Arc<Ctx>,
    pub(super) t: Arc<TenantCtx>,
    pub(super) call_id: String,
    pub(super) caller: String,
    pub(super) dialled: String,
    pub(super) answered_at: i64,
    pub(super) me: Owner,
    pub(super) inbox: mpsc::UnboundedReceiver<CallMsg>,
}

/// The call from the queue on, as the queue's loop and its handlers share it.
struct Queued {
    /// The interaction.
    id: i64,
    stage: Stage,
    /// Dials to agents' phones so far (they number the dial ids).
    dials: u32,
    /// The recording's path, once one started.
    recording: Option<String>,
    controls: Controls,
    /// Whether routing's plan offered the caller a callback (key 1 takes it).
    callback_offered: bool,
    /// The caller's language.
    language: String,
}

/// What the queue's loop does after a message.
enum Flow {
    /// Waits for the next one.
    Next,
    /// Stops: the call is over.
    Done,
    /// Plays this last prompt and hangs up.
    Goodbye(&'static str),
}

/// The prompt that offers a callback while waiting; it says "press 1".
const CALLBACK_OFFER: &str = "callback_offer";
/// The key it names.
const CALLBACK_KEY: char = '1';

/// How long a last prompt (goodbye) may play before we hang up anyway.
pub(super) const LAST_PROMPT_MAX: Duration = Duration::from_secs(8);

/// What a failed dial to an agent's phone is called in its fact.
fn leg_failure(outcome: &DialOutcome) -> &'static str {
    match outcome {
        DialOutcome::Busy => "busy",
        DialOutcome::NoAnswer { .. } => "no_answer",
        _ => "failed",
    }
}

impl CustomerCall {
    /// A command to the customer's leg.
    fn cmd(&self, c: CallCommand) {
        self.ctx.control.command(&self.call_id, c);
    }

    /// An operation on the tenant's task.
    async fn op(&self, op: Op) -> Result<Ack, crate::error::ApiError> {
        self.t.handle.call(op).await
    }

    /// Logs a call fact about the interaction (a failure is only logged).
    async fn fact(&self, interaction: i64, call: CallFact) {
        if let Err(e) = self.op(Op::CallFact(interaction, call)).await {
            tracing::warn!(interaction, code = e.code, "sip: call fact not recorded");
        }
    }

    /// The call from the IVR to its end.
    pub(super) async fn run(mut self) {
        let Some(outcome) = self.ivr().await else {
            return;
        };
        if outcome.hangup {
            return self.goodbye("goodbye", &outcome.language).await;
        }
        let Some(id) = self.create(&outcome).await else {
            return self.goodbye("goodbye", &outcome.language).await;
        };
        if outcome.callback {
            return self.goodbye("callback_confirmed", &outcome.language).await;
        }
        self.queue(id, &outcome.language).await;
    }

    /// A sender that reaches this task (the dispatcher routes facts and legs with it).
    fn owner_handle(&self) -> Owner {
        self.me.clone()
    }

    /// Runs the IVR; `None` when the caller hung up.
    async fn ivr(&mut self) -> Option<IvrOutcome> {
        let t = self.t.clone();
        let mut session = IvrSession::new(&t.ivr, &t.language);
        loop {
            let mut done = None;
            while let Some(o) = session.poll_output() {
                match o {
                    IvrOutput::Play { prompt, language } => self.cmd(CallCommand::Play {
                        audio: self.ctx.prompt(&prompt, &language),
                        then: None,
                    }),
                    IvrOutput::StopPlayback => self.cmd(CallCommand::Silence),
                    IvrOutput::Done(outcome) => done = Some(outcome),
                }
            }
            if let Some(o) = done {
                return Some(o);
            }
            let wait = session
                .poll_timeout()
                .map(|at| Duration::from_millis(at.saturating_sub(clock::now_ms().max(0) as u64)));
            tokio::select! {
                msg = self.inbox.recv() => {
                    let now = clock::now_ms().max(0) as u64;
                    match msg {
                        None | Some(CallMsg::Switch(SwitchEvent::Ended(_))) => return None,
                        Some(CallMsg::Switch(SwitchEvent::Digit { digit, .. })) => {
                            if let Some(d) = Digit::from_char(digit) {
                                session.digit(now, d);
                            }
                        }
                        Some(CallMsg::Switch(SwitchEvent::PlaybackDone { .. })) => session.prompt_done(now),
                        Some(_) => {}
                    }
                }
                _ = tokio::time::sleep(wait.unwrap_or(Duration::from_secs(3600))) => {
                    session.handle_timeout(clock::now_ms().max(0) as u64);
                }
            }
        }
    }

    /// Plays a last prompt and hangs up.
    async fn goodbye(mut self, prompt: &str, language: &str) {
        self.cmd(CallCommand::Play {
            audio: self.ctx.prompt(prompt, language),
            then: None,
        });
        let deadline = tokio::time::sleep(LAST_PROMPT_MAX);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                msg = self.inbox.recv() => match msg {
                    None | Some(CallMsg::Switch(SwitchEvent::Ended(_))) => return,
                    Some(CallMsg::Switch(SwitchEvent::PlaybackDone { .. })) => break,
                    Some(_) => {}
                },
                _ = &mut deadline => break,
            }
        }
        self.cmd(CallCommand::Hangup);
    }

    /// Creates the interaction; its call facts go first in the log.
    async fn create(&self, outcome: &IvrOutcome) -> Option<i64> {
        let attributes = Attributes {
            caller_number: PhoneNumber::parse(&self.caller).ok(),
            dialled_number: PhoneNumber::parse(&self.dialled).ok(),
            language: model::Language::parse(&outcome.language).ok(),
            ivr: outcome.choices.clone(),
            extra: outcome.attributes.clone(),
            ..Attributes::default()
        };
        let facts = vec![
            CallFact::Arrived {
                call_id: self.call_id.clone(),
                caller: self.caller.clone(),
                dialled: self.dialled.clone(),
                answered_at: self.answered_at,
            },
            CallFact::Ivr {
                language: outcome.language.clone(),
                choices: outcome.choices.clone(),
                attributes: outcome.attributes.clone(),
                reason: outcome.reason.to_owned(),
            },
        ];
        let channel = if outcome.callback {
            Channel::Callback
        } else {
            Channel::Voice
        };
        let mut req = NewInteractionReq {
            channel,
            queue: outcome.queue.clone(),
            priority: 0,
            attributes,
            customer: None,
            subject: Some(format!("call from {}", self.caller)),
            idempotency_key: None,
            chat_secret_hash: None,
        };
        for attempt in 0..2 {
            let op = Op::CreateCall(Box::new(req.clone()), facts.clone());
            // The interaction's orders come to this task from the first.
            let sink = crate::sip::dispatch::sink(self.owner_handle());
            match self.t.handle.call_with_sink(op, sink).await {
                Ok(Ack::Interaction { id, .. }) => return Some(id),
                Ok(_) => return None,
                Err(e) if attempt == 0 && req.queue.is_some() && e.code == "invalid_field" => {
                    // The IVR names a queue the plan does not have: routing decides.
                    tracing::warn!(call_id = %self.call_id, message = %e.message, "sip: IVR queue refused");
                    req.queue = None;
                }
                Err(e) => {
                    tracing::warn!(call_id = %self.call_id, code = e.code, message = %e.message, "sip: interaction not created");
                    return None;
                }
            }
        }
        None
    }

    /// Starts recording if the queue's policy says so (`asked_by`: an on-demand request).
    async fn record_by_policy(&self, id: i64, asked_by: Option<String>) -> Option<String> {
        super::recording::record_by_policy(&self.ctx, &self.t, &self.call_id, id, asked_by).await
    }
}
