//! Phone calls: their creation with the switch's facts, recording, the
//! desktop's call controls (hold, mute, hang-up, consult transfers) and a
//! waiting caller's callback that keeps their place.

use model::fact::{CallFact, Fact};
use model::{AgentId, Channel, Instant, InteractionId};
use routing::{Input, TransferTarget};

use crate::command::{CallAction, NewInteractionReq, RecordingAction, Reply};
use crate::core::TenantCore;
use crate::error::TenantError;
use crate::index::InteractionState;

impl TenantCore {
    /// A phone call's interaction: the call's facts so far go first in the log.
    pub(crate) fn create_call(
        &mut self,
        now: Instant,
        req: NewInteractionReq,
        facts: Vec<CallFact>,
    ) -> Result<Reply, TenantError> {
        let mark = self.pending_len();
        let reply = self.create(now, req, None)?;
        if let Reply::Interaction { id, created: true } = reply {
            let facts = facts.into_iter().map(|call| Fact::Call {
                interaction: InteractionId(id as u64),
                call,
            });
            self.insert_facts(mark, facts);
        }
        Ok(reply)
    }

    /// Pauses, resumes, starts or fetches a call's recording (each logged).
    pub(crate) fn recording(
        &mut self,
        interaction: i64,
        by_agent: Option<i64>,
        by: String,
        action: RecordingAction,
    ) -> Result<Reply, TenantError> {
        let it = self.holds(interaction, by_agent)?;
        if !it.is_call() {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not a call"
            )));
        }
        if action != RecordingAction::Access && it.state != InteractionState::Connected {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not connected"
            )));
        }
        let call = match action {
            RecordingAction::Pause => CallFact::RecordingPaused { by },
            RecordingAction::Resume => CallFact::RecordingResumed { by },
            RecordingAction::Start => CallFact::RecordingRequested { by },
            RecordingAction::Access => CallFact::RecordingAccessed { by },
        };
        self.push(Fact::Call {
            interaction: InteractionId(interaction as u64),
            call,
        });
        Ok(Reply::Done)
    }

    /// Checks a call control and logs it; routing acts first for consult
    /// transfers, so its facts follow the control's in the log (the call's
    /// task reads them in that order).
    pub(crate) fn call_control(
        &mut self,
        now: Instant,
        interaction: i64,
        by_agent: Option<i64>,
        by: String,
        action: CallAction,
    ) -> Result<Reply, TenantError> {
        let it = self.known(interaction)?;
        if !it.is_call() {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not a call"
            )));
        }
        if it.channel == Channel::OutboundVoice && matches!(action, CallAction::Consult(_)) {
            return Err(TenantError::conflict(
                "consult transfers of campaign calls are not supported yet",
            ));
        }
        let iid = InteractionId(interaction as u64);
        let holder = self.engine.consult_holder(iid).map(|a| i64::from(a.0));
        // During a consult transfer routing offers the interaction to the
        // consulted agent; the first agent still holds it.
        let owner = holder.or_else(|| self.engine.connected_agent(iid).map(|a| i64::from(a.0)));
        let Some(owner) = owner else {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not connected"
            )));
        };
        if let Some(a) = by_agent
            && a != owner
        {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not with agent {a}"
            )));
        }
        let call = self.control(now, iid, owner, holder.is_some(), by, action)?;
        // Routing's own facts wait in the engine until this command returns
        // (but for a cancelled consult's, drained already).
        self.push(Fact::Call {
            interaction: iid,
            call,
        });
        Ok(Reply::Done)
    }

    /// The call fact of a control, after routing's part of it.
    fn control(
        &mut self,
        now: Instant,
        iid: InteractionId,
        owner: i64,
        consulting: bool,
        by: String,
        action: CallAction,
    ) -> Result<CallFact, TenantError> {
        let busy = || {
            TenantError::conflict(format!(
                "interaction {}: a consult transfer is in progress",
                iid.0
            ))
        };
        Ok(match action {
            CallAction::Hold | CallAction::Resume | CallAction::Mute | CallAction::Unmute
                if consulting =>
            {
                return Err(busy());
            }
            CallAction::Hold => CallFact::Held { by },
            CallAction::Resume => CallFact::Unheld { by },
            CallAction::Mute => CallFact::Muted { by },
            CallAction::Unmute => CallFact::Unmuted { by },
            CallAction::Hangup => CallFact::HangupRequested { by },
            CallAction::Consult(_) if consulting => return Err(busy()),
            CallAction::Consult(target) => {
                let to = self.transfer_target(target, owner)?;
                self.engine.handle(
                    now,
                    Input::Transfer {
                        interaction: iid,
                        to: TransferTarget::Agent(to),
                        consult: true,
                    },
                )?;
                CallFact::ConsultRequested { by, agent: to }
            }
            CallAction::ConsultComplete => {
                if !consulting {
                    return Err(TenantError::conflict(format!(
                        "interaction {}: no consult transfer in progress",
                        iid.0
                    )));
                }
                let Some(to) = self.engine.offered_agent(iid) else {
                    return Err(TenantError::conflict(format!(
                        "interaction {}: the consulted agent has not been offered it yet",
                        iid.0
                    )));
                };
                self.engine.handle(now, Input::Accept(iid, to))?;
                CallFact::ConsultCompleted { by }
            }
            CallAction::ConsultCancel => {
                self.engine.handle(now, Input::CancelTransfer(iid))?;
                // The withdrawn offer goes first: the index then puts the
                // call back with the first agent from this fact.
                self.drain();
                CallFact::ConsultCancelled {
                    by,
                    agent: AgentId(owner as u32),
                }
            }
        })
    }

    /// The agent a consult or an agent transfer goes to.
    pub(crate) fn transfer_target(&self, target: i64, owner: i64) -> Result<AgentId, TenantError> {
        let to = self
            .agent(target)
            .map_err(|_| TenantError::field("agent_id", "no such agent"))?;
        if target == owner {
            return Err(TenantError::field(
                "agent_id",
                "the call is already with this agent",
            ));
        }
        self.reachable(to)?;
        Ok(to)
    }

    /// A waiting caller asked to be called back: a callback interaction
    /// takes the call's place in its queue (same arrival), the call ends.
    pub(crate) fn callback_keeping_place(
        &mut self,
        now: Instant,
        interaction: i64,
        number: String,
    ) -> Result<Reply, TenantError> {
        let customer = self.known(interaction)?.customer;
        let cb = self.index.last_interaction + 1;
        let input = Input::Callback {
            interaction: InteractionId(interaction as u64),
            callback: InteractionId(cb as u64),
        };
        // Routing's facts wait in the engine: the opening goes first.
        self.engine.handle(now, input)?;
        self.push(Fact::InteractionOpened {
            interaction: InteractionId(cb as u64),
            channel: Channel::Callback,
            idempotency_key: None,
            customer,
            subject: Some(format!("callback to {number}")),
            chat_secret_hash: None,
        });
        self.push(Fact::Call {
            interaction: InteractionId(cb as u64),
            call: CallFact::CallbackRequested {
                number,
                from_interaction: InteractionId(interaction as u64),
            },
        });
        Ok(Reply::Id(cb))
    }
}
