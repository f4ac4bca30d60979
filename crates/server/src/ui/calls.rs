//! The agent desktop's call controls for a connected call: the call's time,
//! hold and resume, mute and unmute, hang up, the recording's pause and
//! resume (a card payment is not recorded) or start, and consult transfer
//! (ring another agent with the customer on hold, then complete or cancel). The buttons show what the
//! call's log says now (held? muted? consulting?); each press goes through
//! the same checks and facts as `POST /api/v1/interactions/{id}/call/…`
//! ([`crate::routes::calls`]), and the switch acts once it is committed.
//! Drawn with maud templates.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::read::{AgentView, InteractionView};
use store::{CallFact, Fact, Tenant};

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::tenant::{Ack, CallAction, Op, RecordingAction};

/// Where a call stands, as its facts tell it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct CallState {
    held: bool,
    muted: bool,
    consulting: bool,
    /// The consulted agent's phone answered.
    consult_connected: bool,
    /// The recording: none yet, running (`Some(true)`) or paused.
    recording: Option<bool>,
    /// When this agent's leg connected (Unix ms), for the call's timer.
    connected_at: Option<i64>,
}

async fn call_state(st: &AppState, t: &Tenant, id: i64) -> ApiResult<CallState> {
    let mut s = CallState::default();
    for r in st.store.interaction_facts(t, id).await? {
        let Fact::Call { call, .. } = r.fact else {
            continue;
        };
        match call {
            CallFact::Held { .. } => s.held = true,
            CallFact::Unheld { .. } => s.held = false,
            CallFact::Muted { .. } => s.muted = true,
            CallFact::Unmuted { .. } => s.muted = false,
            CallFact::ConsultRequested { .. } => {
                s.consulting = true;
                s.consult_connected = false;
            }
            CallFact::ConsultConnected { .. } => s.consult_connected = true,
            CallFact::ConsultCompleted { .. } | CallFact::ConsultCancelled { .. } => {
                s.consulting = false;
                s.consult_connected = false;
                s.held = false;
            }
            // A new agent (after a transfer) starts neither held nor muted.
            CallFact::Connected { .. } => {
                s.held = false;
                s.muted = false;
                s.connected_at = Some(r.at);
            }
            CallFact::RecordingStarted { .. } | CallFact::RecordingResumed { .. } => {
                s.recording = Some(true)
            }
            CallFact::RecordingPaused { .. } => s.recording = Some(false),
            _ => {}
        }
    }
    Ok(s)
}

/// The call controls' card for one interaction: empty unless it is a call
/// connected to this agent, or one they hold while consulting (`held`).
pub(super) async fn controls(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    it: &InteractionView,
    agents: &[AgentView],
    me: i64,
) -> ApiResult<Markup> {
    controls_for(st, ctx, t, it, agents, me, false).await
}

async fn controls_for(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    it: &InteractionView,
    agents: &[AgentView],
    me: i64,
    held: bool,
) -> ApiResult<Markup> {
    let call = matches!(
        it.channel,
        model::Channel::Voice | model::Channel::OutboundVoice
    );
    let connected = it.state == model::state::InteractionState::Connected;
    if !call || !(held || (connected && it.agent_id == Some(me))) {
        return Ok(html! {});
    }
    let s = call_state(st, t, it.id).await?;
    let id = it.id;
    let status = match (s.consulting, s.held, s.muted) {
        (true, _, _) if s.consult_connected => "call-consulting",
        (true, _, _) => "call-consult-ringing",
        (_, true, _) => "call-on-hold",
        (_, _, true) => "call-muted",
        _ => "call-live",
    };
    let button = |action: &str, label: &str| {
        html! {
            button hx-post=(format!("/ui/agent/interactions/{id}/call/{action}"))
                hx-target="#work" #(format!("call-{action}-{id}")) { (ctx.t(label)) }
        }
    };
    Ok(html! {
        section.card aria-labelledby=(format!("call-h-{id}")) {
            h3 #(format!("call-h-{id}")) { (ctx.t("call-controls")) }
            p role="status" #(format!("call-status-{id}")) {
                (ctx.t(status))
                @if let Some(at) = s.connected_at {
                    " · " span.sr { (ctx.t("call-time")) " " }
                    span.call-timer data-since=(at) { "0:00" }
                }
                @match s.recording {
                    Some(true) => { " · " span.badge.flag { (ctx.t("call-recording-on")) } }
                    Some(false) => { " · " span.badge { (ctx.t("call-recording-paused")) } }
                    None => {}
                }
            }
            div.row {
                @if s.consulting {
                    (button("consult-complete", "call-consult-complete"))
                    (button("consult-cancel", "call-consult-cancel"))
                } @else {
                    @if s.held {
                        (button("resume", "call-resume"))
                    } @else {
                        (button("hold", "call-hold"))
                    }
                    @if s.muted {
                        (button("unmute", "call-unmute"))
                    } @else {
                        (button("mute", "call-mute"))
                    }
                }
                (button("hangup", "call-hangup"))
                @match s.recording {
                    Some(true) => (button("recording-pause", "call-recording-pause")),
                    Some(false) => (button("recording-resume", "call-recording-resume")),
                    None => (button("recording-start", "call-recording-start")),
                }
            }
            @if !s.consulting {
                form.row hx-post=(format!("/ui/agent/interactions/{id}/call/consult"))
                    hx-target="#work" {
                    label for=(format!("consult-{id}")) { (ctx.t("call-consult-with")) }
                    select #(format!("consult-{id}")) name="agent_id" required {
                        @for a in agents.iter().filter(|a| a.id != me) {
                            option value=(a.id) { (a.name) }
                        }
                    }
                    button type="submit" { (ctx.t("call-consult")) }
                }
            }
        }
    })
}

/// The desktop's work panel, with the calls this agent holds while
/// consulting another agent first: routing offers those to the consulted
/// agent, so they are not in this agent's own work list meanwhile.
pub(super) async fn work_html(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    agent: i64,
) -> ApiResult<Markup> {
    let held = match st
        .hub
        .tenant(t)
        .await?
        .call(Op::HeldConsults(agent))
        .await?
    {
        Ack::Ids(ids) => ids,
        _ => Vec::new(),
    };
    let mut consults = Vec::new();
    for id in held {
        let Some(it) = st.store.interaction(t, id).await? else {
            continue;
        };
        let card = controls_for(st, ctx, t, &it, &[], agent, true).await?;
        consults.push(html! {
            section.card aria-labelledby=(format!("consult-h-{id}")) {
                h2 #(format!("consult-h-{id}")) { (ctx.t("call-consult-title")) " #" (id) }
                (card)
            }
        });
    }
    let work = super::panels::work_html(st, ctx, t, agent).await?;
    Ok(html! {
        @for c in consults { (c) }
        (work)
    })
}

/// The consult form (other actions have no fields).
#[derive(Debug, Deserialize)]
pub struct ControlForm {
    /// The agent to consult.
    pub agent_id: Option<i64>,
}

/// `POST /ui/agent/interactions/{id}/call/{action}`: `hold`, `resume`,
/// `mute`, `unmute`, `hangup`, `consult` (with `agent_id`),
/// `consult-complete`, `consult-cancel`, `recording-pause`,
/// `recording-resume`, `recording-start`.
pub async fn control(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    UiForm(f): UiForm<ControlForm>,
) -> ApiResult<Response> {
    let recording = match action.as_str() {
        "recording-pause" => Some(RecordingAction::Pause),
        "recording-resume" => Some(RecordingAction::Resume),
        "recording-start" => Some(RecordingAction::Start),
        _ => None,
    };
    if let Some(r) = recording {
        crate::routes::recording::act(&st, &p, &id, r).await?;
        return answer(&st, p, &headers).await;
    }
    let action = match action.as_str() {
        "hold" => CallAction::Hold,
        "resume" => CallAction::Resume,
        "mute" => CallAction::Mute,
        "unmute" => CallAction::Unmute,
        "hangup" => CallAction::Hangup,
        "consult" => CallAction::Consult(
            f.agent_id
                .ok_or_else(|| ApiError::field("agent_id", "choose the agent to consult"))?,
        ),
        "consult-complete" => CallAction::ConsultComplete,
        "consult-cancel" => CallAction::ConsultCancel,
        _ => return Err(ApiError::not_found("call control")),
    };
    crate::routes::calls::act(&st, &p, &id, action).await?;
    answer(&st, p, &headers).await
}

/// The work panel again, after a call control.
async fn answer(st: &AppState, p: Principal, headers: &HeaderMap) -> ApiResult<Response> {
    let agent = p
        .agent
        .map(|a| i64::from(a.0))
        .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))?;
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(markup_response(work_html(st, &ctx, &t, agent).await?))
}
