//! How routing facts and the switch's events reach the call tasks: each
//! tenant's live stream is read once ([`watch_tenant`]) and its facts about
//! calls turned into [`Note`]s; one dispatcher ([`dispatch`]) hands them, and
//! the switch's events, to the task that owns the interaction, the call or
//! the dial (keeping a while the notes of interactions not registered yet),
//! and starts a task for every answered inbound call.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use telephony::switch::{CallCommand, DialOutcome, DialRequest, Switch, SwitchEvent};
use tokio::sync::mpsc;

use super::call::CustomerCall;
use super::{Ctx, TenantCtx};
use crate::clock;
use crate::tenant::Published;

/// A routing fact about an interaction with a call, as the call task needs it.
#[derive(Debug, Clone)]
pub(super) enum Note {
    Offered(i64),
    Accepted(i64),
    /// Rejected, rang out or withdrawn.
    OfferEnded(i64),
    Ended,
    RecordingPause,
    RecordingResume,
    RecordingStart(String),
    /// A call control from the desktop or the API (`call.held`, …).
    Control(Control),
}

/// A call control, as the call's task acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Control {
    Hold,
    Unhold,
    Mute,
    Unmute,
    Hangup,
    Consult(i64),
    ConsultCompleted,
    ConsultCancelled,
}

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
    /// A routing note about an interaction (from [`watch_tenant`]).
    Routing {
        tenant: i64,
        interaction: i64,
        note: Note,
    },
    /// A call task owns this interaction from now on.
    Register {
        tenant: i64,
        interaction: i64,
        owner: Owner,
    },
    /// Place a call; its outcome (and the answered leg's events) go to `owner`.
    Dial { request: DialRequest, owner: Owner },
}

/// Routing facts of interactions not registered yet are kept this long (ms):
/// a call's first offer can be published before its task learns its id.
const ORPHAN_KEEP_MS: i64 = 10_000;

/// Reads a tenant's live facts and forwards those about calls to the dispatcher.
pub(super) async fn watch_tenant(t: Arc<TenantCtx>, to: mpsc::UnboundedSender<ToDispatcher>) {
    let mut rx = t.handle.events.subscribe();
    loop {
        let ev = match rx.recv().await {
            Ok(ev) => ev,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(
                    tenant = t.tenant.name(),
                    missed = n,
                    "sip: live facts lagged"
                );
                continue;
            }
            Err(_) => return,
        };
        let Some((interaction, note)) = note_of(&ev) else {
            continue;
        };
        let msg = ToDispatcher::Routing {
            tenant: t.tenant.id(),
            interaction,
            note,
        };
        if to.send(msg).is_err() {
            return;
        }
    }
}

/// The interaction a live fact is about and the note it makes for its
/// call; none for the facts calls do not act on.
fn note_of(ev: &Published) -> Option<(i64, Note)> {
    let relevant = matches!(
        ev.kind.as_str(),
        "routing.offered"
            | "routing.accepted"
            | "routing.rejected"
            | "routing.offer_timed_out"
            | "routing.offer_revoked"
            | "routing.ended"
            | "call.recording_paused"
            | "call.recording_resumed"
            | "call.recording_requested"
            | "call.held"
            | "call.unheld"
            | "call.muted"
            | "call.unmuted"
            | "call.hangup_requested"
            | "call.consult_requested"
            | "call.consult_completed"
            | "call.consult_cancelled"
    );
    if !relevant {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(ev.data()).unwrap_or_default();
    let fact = &v["fact"];
    let interaction = fact["event"]["interaction"]
        .as_i64()
        .or_else(|| fact["interaction"].as_i64())?;
    let agent = ev.agent.unwrap_or(-1);
    let by = || fact["call"]["by"].as_str().unwrap_or("").to_owned();
    let note = match ev.kind.as_str() {
        "routing.offered" => Note::Offered(agent),
        "routing.accepted" => Note::Accepted(agent),
        "routing.ended" => Note::Ended,
        "call.recording_paused" => Note::RecordingPause,
        "call.recording_resumed" => Note::RecordingResume,
        "call.recording_requested" => Note::RecordingStart(by()),
        "call.held" => Note::Control(Control::Hold),
        "call.unheld" => Note::Control(Control::Unhold),
        "call.muted" => Note::Control(Control::Mute),
        "call.unmuted" => Note::Control(Control::Unmute),
        "call.hangup_requested" => Note::Control(Control::Hangup),
        "call.consult_requested" => {
            Note::Control(Control::Consult(fact["call"]["agent"].as_i64()?))
        }
        "call.consult_completed" => Note::Control(Control::ConsultCompleted),
        "call.consult_cancelled" => Note::Control(Control::ConsultCancelled),
        _ => Note::OfferEnded(agent),
    };
    Some((interaction, note))
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
        interactions: HashMap::new(),
        orphans: Orphans::default(),
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
    /// Call tasks by (tenant, interaction).
    interactions: HashMap<(i64, i64), Owner>,
    orphans: Orphans,
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

    /// A message from a watcher or a call task.
    fn message(&mut self, msg: ToDispatcher) {
        match msg {
            ToDispatcher::Routing {
                tenant,
                interaction,
                note,
            } => self.routing(tenant, interaction, note),
            ToDispatcher::Register {
                tenant,
                interaction,
                owner,
            } => {
                let key = (tenant, interaction);
                let mut ended = false;
                for note in self.orphans.take(key) {
                    ended |= matches!(note, Note::Ended);
                    let _ = owner.send(CallMsg::Routing(note));
                }
                if !ended {
                    self.interactions.insert(key, owner);
                }
            }
            ToDispatcher::Dial { request, owner } => {
                self.dials.insert(request.dial_id.clone(), owner);
                self.ctx.control.dial(request);
            }
        }
    }

    /// A routing note to its interaction's task, or kept until one registers.
    fn routing(&mut self, tenant: i64, interaction: i64, note: Note) {
        let key = (tenant, interaction);
        let ended = matches!(note, Note::Ended);
        match self.interactions.get(&key) {
            Some(owner) => {
                if owner.send(CallMsg::Routing(note)).is_err() || ended {
                    self.interactions.remove(&key);
                }
            }
            None => self.orphans.keep(key, note, clock::now_ms()),
        }
    }
}

/// The notes of interactions no task has registered yet, each kept
/// [`ORPHAN_KEEP_MS`] from the first.
#[derive(Default)]
struct Orphans {
    notes: HashMap<(i64, i64), Vec<Note>>,
    /// When each interaction's first note came, oldest first.
    order: VecDeque<(i64, (i64, i64))>,
}

impl Orphans {
    /// Keeps a note (at `now`, Unix ms), forgetting those kept too long.
    fn keep(&mut self, key: (i64, i64), note: Note, now: i64) {
        while let Some(&(at, k)) = self.order.front() {
            if now - at < ORPHAN_KEEP_MS {
                break;
            }
            self.order.pop_front();
            self.notes.remove(&k);
        }
        let list = self.notes.entry(key).or_default();
        if list.is_empty() {
            self.order.push_back((now, key));
        }
        list.push(note);
    }

    /// The notes kept for an interaction, which its task now owns.
    fn take(&mut self, key: (i64, i64)) -> Vec<Note> {
        self.notes.remove(&key).unwrap_or_default()
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
