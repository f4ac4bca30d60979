//! How the tenant's orders and the switch's events reach the call tasks:
//! the tenant task hands a call's typed orders ([`center::orders::CallOrder`],
//! here [`Note`]s) straight to the task that created or answered its
//! interaction ([`sink`]); one dispatcher ([`dispatch`]) hands the switch's
//! events to the task that owns the call or the dial, and starts a task for
//! every answered inbound call.

use std::collections::HashMap;
use std::sync::Arc;

use telephony::switch::{CallCommand, DialOutcome, DialRequest, Switch, SwitchEvent};
use tokio::sync::mpsc;

use super::call::CustomerCall;
use super::{Ctx, TenantCtx};

use crate::tenant::CallSink;

/// A call control, as the call's task acts on it (the core's type).
pub(super) use center::orders::CallControl as Control;
/// An order of the tenant about a call's interaction (the core's type).
pub(super) use center::orders::CallOrder as Note;

/// What a call task hears: the switch's events about its legs and dials,
/// and the routing notes of its interaction.
#[derive(Debug)]
pub(super) enum CallMsg {
    Switch(SwitchEvent),
    Routing(Note),
}

/// Reaches a call task.
pub(super) type Owner = mpsc::UnboundedSender<CallMsg>;

/// A call task's end of its channel.
pub(super) type Inbox = mpsc::UnboundedReceiver<CallMsg>;

/// What the dispatcher is told.
pub(super) enum ToDispatcher {
    /// Place a call; its outcome (and the answered leg's events) go to `owner`.
    Dial { request: DialRequest, owner: Owner },
}

/// Where the tenant's orders for a call's interaction go: the call's task,
/// as a routing note (the tenant task hands them over after each commit,
/// from the command that created the interaction on: nothing to buffer).
pub(super) fn sink(owner: Owner) -> CallSink {
    Box::new(move |order| owner.send(CallMsg::Routing(order)).is_ok())
}

/// Routes the switch's events and the routing facts to the call tasks.
pub(super) async fn dispatch(
    ctx: Arc<Ctx>,
    tenants: Vec<Arc<TenantCtx>>,
    mut switch: Switch,
    mut rx: mpsc::UnboundedReceiver<ToDispatcher>,
) {
    let mut d = Dispatcher {
        ctx,
        tenants,
        owners: HashMap::new(),
        dials: HashMap::new(),
    };
    loop {
        tokio::select! {
            ev = switch.next_event() => {
                let Some(ev) = ev else { return };
                d.switch_event(ev);
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { return };
                d.message(msg);
            }
        }
    }
}

/// Who owns what: the dispatcher's tables.
struct Dispatcher {
    ctx: Arc<Ctx>,
    tenants: Vec<Arc<TenantCtx>>,
    /// Call tasks by the call ids of their legs.
    owners: HashMap<String, Owner>,
    /// Call tasks by the ids of their dials under way.
    dials: HashMap<String, Owner>,
}

impl Dispatcher {
    /// A switch event to the task of its call (a new task for an answered
    /// inbound call).
    fn switch_event(&mut self, ev: SwitchEvent) {
        match ev {
            SwitchEvent::Answered {
                call_id,
                caller_number,
                dialled_number,
                at_ms,
            } => self.answered(call_id, caller_number, dialled_number, at_ms as i64),
            SwitchEvent::Refused {
                call_id,
                source,
                status,
                ..
            } => {
                tracing::info!(%call_id, ?source, status, "sip: call refused");
            }
            SwitchEvent::DialOutcome {
                dial_id,
                call_id,
                outcome,
            } => {
                if let Some(owner) = self.dials.remove(&dial_id) {
                    if outcome == DialOutcome::Answered {
                        self.owners.insert(call_id.clone(), owner.clone());
                    }
                    let _ = owner.send(CallMsg::Switch(SwitchEvent::DialOutcome {
                        dial_id,
                        call_id,
                        outcome,
                    }));
                } else if outcome == DialOutcome::Answered {
                    self.ctx.control.command(&call_id, CallCommand::Hangup);
                }
            }
            SwitchEvent::Ended(summary) => {
                if let Some(owner) = self.owners.remove(&summary.call_id) {
                    let _ = owner.send(CallMsg::Switch(SwitchEvent::Ended(summary)));
                }
            }
            ev @ (SwitchEvent::Digit { .. }
            | SwitchEvent::PlaybackDone { .. }
            | SwitchEvent::DigitsCollected { .. }
            | SwitchEvent::MachineVerdict { .. }) => {
                let id = match &ev {
                    SwitchEvent::Digit { call_id, .. }
                    | SwitchEvent::PlaybackDone { call_id }
                    | SwitchEvent::MachineVerdict { call_id, .. }
                    | SwitchEvent::DigitsCollected { call_id, .. } => call_id.clone(),
                    _ => return,
                };
                if let Some(owner) = self.owners.get(&id) {
                    let _ = owner.send(CallMsg::Switch(ev));
                }
            }
        }
    }

    /// An inbound call answered: a task of its own, or a hang-up when no
    /// tenant takes the number.
    fn answered(&mut self, call_id: String, caller: String, dialled: String, answered_at: i64) {
        let Some(t) = tenant_for(&self.tenants, &dialled) else {
            tracing::info!(%call_id, dialled = %dialled, "sip: no tenant takes this number");
            self.ctx.control.command(&call_id, CallCommand::Hangup);
            return;
        };
        let (owner, inbox) = mpsc::unbounded_channel();
        self.owners.insert(call_id.clone(), owner.clone());
        let call = CustomerCall {
            ctx: self.ctx.clone(),
            t,
            call_id,
            caller,
            dialled,
            answered_at,
            me: owner,
            inbox,
        };
        tokio::spawn(call.run());
    }

    /// A message from a call task.
    fn message(&mut self, msg: ToDispatcher) {
        match msg {
            ToDispatcher::Dial { request, owner } => {
                self.dials.insert(request.dial_id.clone(), owner);
                self.ctx.control.dial(request);
            }
        }
    }
}

/// The tenant that takes a dialled number.
fn tenant_for(tenants: &[Arc<TenantCtx>], dialled: &str) -> Option<Arc<TenantCtx>> {
    let d = dialled.trim_start_matches('+');
    tenants
        .iter()
        .find(|t| {
            t.config
                .numbers
                .iter()
                .any(|n| n == "*" || n.trim_start_matches('+') == d)
        })
        .cloned()
}
