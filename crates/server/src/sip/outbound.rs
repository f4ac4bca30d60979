//! Calls placed through the switch with an agent to bridge: [`Outbound`]
//! (outside the dialer), and the steps the dialer's line shares with it:
//! placing a call, bridging the answered callee to the agent's phone within
//! [`CONNECT_WITHIN`], the abandon message otherwise.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use telephony::switch::{CallCommand, DialOutcome, DialRequest, DialTimers, SwitchEvent};
use tokio::sync::mpsc;

use super::Ctx;
use super::call::LAST_PROMPT_MAX;
use super::dispatch::{CallMsg, Inbox, Owner, ToDispatcher};

/// Longest a person who answered an outbound call may wait for an agent
/// before it counts as abandoned (the 2 s rule).
pub const CONNECT_WITHIN: Duration = Duration::from_secs(2);

/// How an outbound call with a reserved agent went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundResult {
    /// The callee did not answer: the dial's outcome.
    NotAnswered(DialOutcome),
    /// Answered and bridged to the agent's phone within [`CONNECT_WITHIN`].
    Connected {
        /// The callee's leg.
        call_id: String,
        /// The agent's leg.
        agent_call_id: String,
    },
    /// Answered, but the agent's phone did not answer in time: the abandon
    /// message was played and the call hung up.
    Abandoned {
        /// The callee's leg.
        call_id: String,
    },
}

/// Places outbound calls through the switch, outside the dialer (the
/// dialer's own calls go through each tenant's line, see `trunk`).
#[derive(Clone)]
pub struct Outbound {
    pub(super) ctx: Arc<Ctx>,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Outbound")
    }
}

impl Outbound {
    /// Hangs up one leg (BYE).
    pub fn hang_up(&self, call_id: &str) {
        self.ctx.control.command(call_id, CallCommand::Hangup);
    }

    /// Calls `number` at `target` with `caller_id`; once a person answers,
    /// rings the reserved agent's phone and bridges within [`CONNECT_WITHIN`],
    /// or plays the abandon message (in `language`) and hangs up.
    pub async fn call_with_agent(
        &self,
        request: DialRequest,
        agent_phone: SocketAddr,
        language: &str,
    ) -> OutboundResult {
        let ctx = &self.ctx;
        let (me, mut inbox) = mpsc::unbounded_channel();
        let dial_id = request.dial_id.clone();
        let number = request.number.clone();
        let call_id = match place(ctx, request, &me, &mut inbox).await {
            Ok(c) => c,
            Err(outcome) => return OutboundResult::NotAnswered(outcome),
        };
        match bridge_agent(
            ctx,
            &call_id,
            &dial_id,
            &number,
            agent_phone,
            &me,
            &mut inbox,
        )
        .await
        {
            Ok(agent_call_id) => OutboundResult::Connected {
                call_id,
                agent_call_id,
            },
            Err(callee_gone) => {
                if !callee_gone {
                    abandon(ctx, &call_id, language, &mut inbox).await;
                }
                OutboundResult::Abandoned { call_id }
            }
        }
    }
}

/// Places a call; the answered call's id, or how it went otherwise.
pub(super) async fn place(
    ctx: &Ctx,
    request: DialRequest,
    me: &Owner,
    inbox: &mut Inbox,
) -> Result<String, DialOutcome> {
    let dial_id = request.dial_id.clone();
    let _ = ctx.to_dispatcher.send(ToDispatcher::Dial {
        request,
        owner: me.clone(),
    });
    loop {
        match inbox.recv().await {
            Some(CallMsg::Switch(SwitchEvent::DialOutcome {
                dial_id: d,
                call_id,
                outcome,
            })) if d == dial_id => {
                return if outcome == DialOutcome::Answered {
                    Ok(call_id)
                } else {
                    Err(outcome)
                };
            }
            Some(_) => {}
            None => {
                return Err(DialOutcome::Failed {
                    status: None,
                    reason: "shutdown",
                });
            }
        }
    }
}

/// Rings an agent's phone (asking it to answer by itself) while the callee
/// hears ringback, and bridges the two within [`CONNECT_WITHIN`]: the agent's
/// leg, or `Err(callee_hung_up)`.
pub(super) async fn bridge_agent(
    ctx: &Ctx,
    call_id: &str,
    dial_id: &str,
    number: &str,
    agent_phone: SocketAddr,
    me: &Owner,
    inbox: &mut Inbox,
) -> Result<String, bool> {
    ctx.control.command(
        call_id,
        CallCommand::Loop(telephony::tones::ringback().into()),
    );
    let agent_dial = format!("{dial_id}~agent");
    let _ = ctx.to_dispatcher.send(ToDispatcher::Dial {
        request: DialRequest {
            dial_id: agent_dial.clone(),
            caller_id: number.into(),
            number: "agent".into(),
            target: agent_phone,
            timers: DialTimers {
                ring_timeout_ms: CONNECT_WITHIN.as_millis() as u64,
                no_provisional_timeout_ms: CONNECT_WITHIN.as_millis() as u64,
            },
            destinations: None,
            auto_answer: true,
        },
        owner: me.clone(),
    });
    let deadline = tokio::time::sleep(CONNECT_WITHIN);
    tokio::pin!(deadline);
    let leg = loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::DialOutcome { dial_id: d, call_id: leg, outcome }))
                    if d == agent_dial =>
                {
                    if outcome == DialOutcome::Answered {
                        break Some(leg);
                    }
                    break None;
                }
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => {
                    // The callee hung up first.
                    ctx.control.cancel_dial(&agent_dial);
                    return Err(true);
                }
                Some(_) => {}
                None => break None,
            },
            _ = &mut deadline => break None,
        }
    };
    match leg {
        Some(leg) => {
            ctx.control.bridge(call_id, &leg);
            Ok(leg)
        }
        None => {
            ctx.control.cancel_dial(&agent_dial);
            Err(false)
        }
    }
}

/// Plays the abandon message (name and call-back number) and hangs up.
pub(super) async fn abandon(ctx: &Ctx, call_id: &str, language: &str, inbox: &mut Inbox) {
    ctx.control.command(
        call_id,
        CallCommand::Play {
            audio: ctx.prompt("abandon_message", language),
            then: None,
        },
    );
    // The abandon message is the longest prompt (up to 12 s).
    let last = tokio::time::sleep(LAST_PROMPT_MAX * 2);
    tokio::pin!(last);
    loop {
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(CallMsg::Switch(SwitchEvent::PlaybackDone { call_id: c })) if c == call_id => break,
                Some(CallMsg::Switch(SwitchEvent::Ended(s))) if s.call_id == call_id => return,
                Some(_) => {}
                None => break,
            },
            _ = &mut last => break,
        }
    }
    ctx.control.command(call_id, CallCommand::Hangup);
}
