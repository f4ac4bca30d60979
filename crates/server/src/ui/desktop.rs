//! The agent desktop: state with reason codes and time in state; the offer
//! with accept/reject and a countdown; the screen pop; the chat; notes; the
//! queue's script with profiling questions; disposition, wrap-up timer,
//! callback and transfer. Agents act as themselves only: every handler works
//! on the user's own agent and on interactions that agent holds. The page
//! and its fragments are maud templates (the panels in [`super::panels`]).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::ReasonCode;
use serde::Deserialize;
use store::Tenant;
use store::read::InteractionView;

use super::calls::work_html;
use super::follow::{Feed, Live, Page};
use super::panels::{customer_pop, state_html};
use super::popup;
use super::settings::{DesktopSettings, Effect};
use super::{Ctx, Markup, UiForm, html, layout, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::routes::path_id;
use crate::tenant::{Ack, Op, QueueInfo, TransferTo};

/// Most interactions shown at once (offers, connected, in wrap-up).
pub const WORK_SHOWN: i64 = 5;

fn agent_of(p: &Principal) -> ApiResult<i64> {
    p.agent
        .map(|a| i64::from(a.0))
        .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))
}

pub(super) async fn queues(st: &AppState, t: &Tenant) -> ApiResult<Vec<QueueInfo>> {
    match st.hub.tenant(t).await?.call(Op::Queues).await? {
        Ack::Queues(q) => Ok(q),
        _ => Err(ApiError::internal("unexpected ack")),
    }
}

/// The interaction, if this user may work on it (agents: only their own,
/// by the same rule as the API's, [`crate::scope`]).
pub(super) async fn mine(
    st: &AppState,
    p: &Principal,
    id: &str,
) -> ApiResult<(Tenant, InteractionView)> {
    let t = p.tenant()?.clone();
    let id = path_id(id, "interaction")?;
    let it = crate::scope::interaction(st, p, crate::perms::Action::InteractionsRead, id).await?;
    Ok((t, it))
}

/// `GET /ui/agent`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let Some(agent) = ctx.p.agent.map(|a| i64::from(a.0)) else {
        let main = html! { p.card { (ctx.t("not-an-agent")) } };
        return Ok(layout(
            &ctx,
            "desktop-title",
            "/ui/agent",
            "desktop",
            None,
            main,
        ));
    };
    let seq = st.store.last_seq(&t).await?;
    let state = state_html(&st, &ctx, &t, agent).await?;
    let previews = previews_html(&st, &ctx, &t, agent).await?;
    let work = work_html(&st, &ctx, &t, agent).await?;
    let callbacks = super::lookup::callbacks(&st, &ctx).await?;
    let main = html! {
        (super::inbox::tools(&ctx))
        section.card aria-labelledby="state-h" {
            h2 #state-h .sr { (ctx.t("my-state")) }
            div #agent-state data-live=(Feed::AgentState.live()) data-src="/ui/agent/state" {
                (state)
            }
        }
        div #previews data-live=(Feed::Previews.live()) data-src="/ui/agent/previews" { (previews) }
        div #work data-live=(Feed::AgentWork.live()) data-src="/ui/agent/work" { (work) }
        (super::lookup::card(&ctx, callbacks))
    };
    Ok(layout(
        &ctx,
        "desktop-title",
        "/ui/agent",
        "desktop",
        Some(Live {
            seq,
            page: Page::Desktop,
        }),
        main,
    ))
}

/// `GET /ui/agent/state`.
pub async fn state_panel(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(markup_response(state_html(&st, &ctx, &t, agent).await?))
}

/// `GET /ui/agent/work`.
pub async fn work_panel(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(markup_response(work_html(&st, &ctx, &t, agent).await?))
}

/// The contacts a preview campaign shows this agent before calling them:
/// who, which number, when the dialer calls by itself; call now or skip.
async fn previews_html(st: &AppState, ctx: &Ctx, t: &Tenant, agent: i64) -> ApiResult<Markup> {
    let list = match st.hub.tenant(t).await?.call(Op::Previews(agent)).await? {
        Ack::Previews(l) => l,
        _ => Vec::new(),
    };
    if list.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.card aria-labelledby="previews-h" {
            h2 #previews-h { (ctx.t("previews-title")) }
            ul.previews {
                @for p in &list {
                    @let at = ctx.datetime(p.dials_at_ms as i64);
                    li data-preview=(p.attempt) {
                        strong { (p.contact) } " · " (p.phone) " · " (p.campaign) " · "
                        (ctx.ta("preview-dials-at", &[("time", i18n::Arg::Str(&at))]))
                        button type="button"
                            hx-post=(format!("/ui/agent/previews/{}/accept", p.attempt))
                            hx-target="#previews" { (ctx.t("preview-call-now")) }
                        button type="button" .secondary
                            hx-post=(format!("/ui/agent/previews/{}/skip", p.attempt))
                            hx-target="#previews" { (ctx.t("preview-skip")) }
                    }
                }
            }
        }
    })
}

/// `GET /ui/agent/previews`.
pub async fn previews_panel(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(markup_response(previews_html(&st, &ctx, &t, agent).await?))
}

/// `POST /ui/agent/previews/{id}/{answer}` (`accept` or `skip`).
pub async fn preview_answer(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path((id, answer)): Path<(String, String)>,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let attempt = path_id(&id, "preview")?;
    let accept = match answer.as_str() {
        "accept" => true,
        "skip" => false,
        _ => return Err(ApiError::not_found("preview answer")),
    };
    let t = p.tenant()?.clone();
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Preview {
            attempt: attempt as u64,
            agent,
            accept,
        })
        .await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(markup_response(previews_html(&st, &ctx, &t, agent).await?))
}

/// The state form.
#[derive(Debug, Deserialize)]
pub struct StateForm {
    /// `available`, `not_ready:REASON` or `offline`.
    pub state: String,
}

/// `POST /ui/agent/state`.
pub async fn set_state(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<StateForm>,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let t = p.tenant()?.clone();
    let current = st
        .store
        .agent(&t, agent)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    let offline = current.state == model::state::AgentStatus::Offline;
    let op = match f.state.as_str() {
        "available" if offline => Op::SignIn(agent, None),
        "available" => Op::Ready(agent),
        "offline" => Op::SignOut(agent),
        other => {
            let r = other.strip_prefix("not_ready:").ok_or_else(|| {
                ApiError::field("state", "available, not_ready:REASON or offline")
            })?;
            let r = ReasonCode::parse(r).map_err(|e| ApiError::field("state", e))?;
            if offline {
                Op::SignIn(agent, Some(r))
            } else {
                Op::NotReady(agent, r)
            }
        }
    };
    st.hub.tenant(&t).await?.call(op).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(markup_response(state_html(&st, &ctx, &t, agent).await?))
}

async fn work_response(st: &AppState, p: Principal, headers: &HeaderMap) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(markup_response(work_html(st, &ctx, &t, agent).await?))
}

/// `POST /ui/agent/interactions/{id}/accept`.
pub async fn accept(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    answer_offer(st, p, headers, &id, Op::Accept).await
}

/// `POST /ui/agent/interactions/{id}/reject`.
pub async fn reject(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    answer_offer(st, p, headers, &id, Op::Reject).await
}

/// Accepts or rejects the agent's own offer, then renders the work panel.
async fn answer_offer(
    st: AppState,
    p: Principal,
    headers: HeaderMap,
    id: &str,
    op: fn(i64, i64) -> Op,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let (t, it) = mine(&st, &p, id).await?;
    st.hub.tenant(&t).await?.call(op(it.id, agent)).await?;
    work_response(&st, p, &headers).await
}

/// `GET /ui/agent/interactions/{id}/messages`.
pub async fn messages(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let msgs = st.store.messages(&t, it.id, 0).await?;
    Ok(markup_response(popup::conversation_log(&ctx, &msgs)))
}

/// A text form (chat message, note).
#[derive(Debug, Deserialize)]
pub struct TextForm {
    /// The text.
    pub body: String,
}

/// `POST /ui/agent/interactions/{id}/messages`.
pub async fn send(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<TextForm>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Chat {
            interaction: it.id,
            sender: store::Sender::Agent,
            by_agent: p.agent.map(|a| i64::from(a.0)),
            secret_hash: None,
            body: f.body,
        })
        .await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let msgs = st.store.messages(&t, it.id, 0).await?;
    Ok(markup_response(popup::conversation_log(&ctx, &msgs)))
}

/// `POST /ui/agent/interactions/{id}/notes`.
pub async fn add_note(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<TextForm>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Note {
            interaction: it.id,
            author: p.name.clone(),
            body: f.body,
        })
        .await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let notes = st.store.notes(&t, it.id).await?;
    Ok(markup_response(popup::notes_list(&ctx, &notes)))
}

/// `POST /ui/agent/interactions/{id}/profile`: the answers to the queue's
/// profiling questions, saved on the customer record.
pub async fn profile(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(form): UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    let customer = it
        .customer_id
        .ok_or_else(|| ApiError::conflict("this interaction has no customer record"))?;
    let queues = queues(&st, &t).await?;
    let qname = it
        .queue_id
        .and_then(|q| queues.iter().find(|x| i64::from(x.id) == q))
        .map(|q| q.name.clone());
    let (_, settings) = DesktopSettings::of(&st, &t).await?;
    let desk = qname.as_deref().and_then(|q| settings.queue(q));
    let questions = desk.map(|d| d.questions.as_slice()).unwrap_or(&[]);
    let mut fields = Vec::new();
    for (k, v) in form {
        let q = questions
            .iter()
            .find(|q| q.field == k)
            .ok_or_else(|| ApiError::field(&k, "not a question of this queue's script"))?;
        let v = v.trim().to_string();
        if v.is_empty() {
            continue;
        }
        if !q.options.is_empty() && !q.options.contains(&v) {
            return Err(ApiError::field(&k, format!("one of {:?}", q.options)));
        }
        fields.push((k, v));
    }
    if fields.is_empty() {
        return Err(ApiError::field("answers", "answer at least one question"));
    }
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Profile {
            customer,
            interaction: Some(it.id),
            fields,
            by: p.name.clone(),
        })
        .await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let pop = customer_pop(&st, &t, &it).await?;
    Ok(markup_response(popup::script(
        &ctx,
        &it,
        desk,
        &pop,
        &ctx.t("saved"),
    )))
}

/// The disposition form.
#[derive(Debug, Deserialize)]
pub struct DispositionForm {
    /// The code.
    pub code: String,
}

/// `POST /ui/agent/interactions/{id}/disposition`.
pub async fn disposition(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<DispositionForm>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    let queues = queues(&st, &t).await?;
    let qname = it
        .queue_id
        .and_then(|q| queues.iter().find(|x| i64::from(x.id) == q))
        .map(|q| q.name.clone());
    let (_, settings) = DesktopSettings::of(&st, &t).await?;
    let d = settings
        .codes_for(&st, &t, &it, qname.as_deref())
        .await?
        .into_iter()
        .find(|d| d.code == f.code)
        .ok_or_else(|| ApiError::field("code", "not a disposition code of this queue"))?;
    // A campaign call's callback goes to the dialer at the time the agent
    // scheduled with the callback form (the customer's `callback_at`).
    let mut callback_at_ms = None;
    if d.effect == Some(Effect::Callback)
        && let Some(c) = it.customer_id
    {
        callback_at_ms = st
            .store
            .customer_profile(&t, c)
            .await?
            .into_iter()
            .find(|(k, _)| k == "callback_at")
            .and_then(|(_, v)| chrono::DateTime::parse_from_rfc3339(&v).ok())
            .map(|d| d.timestamp_millis())
            .filter(|ms| *ms > crate::clock::now_ms())
            .map(|ms| ms as u64);
    }
    let h = st.hub.tenant(&t).await?;
    h.call(Op::Disposition {
        interaction: it.id,
        code: d.code.clone(),
        by_agent: p.agent.map(|a| i64::from(a.0)),
        by: p.name.clone(),
        new_phone: None,
        callback_at_ms,
        resolved: None,
        promise_amount: None,
        promise_date: None,
    })
    .await?;
    if d.effect == Some(Effect::DoNotCall)
        && let Some(c) = it.customer_id
    {
        h.call(Op::Profile {
            customer: c,
            interaction: Some(it.id),
            fields: vec![("do_not_call".into(), "yes".into())],
            by: p.name.clone(),
        })
        .await?;
    }
    work_response(&st, p, &headers).await
}

/// The callback form.
#[derive(Debug, Deserialize)]
pub struct CallbackForm {
    /// `YYYY-MM-DDTHH:MM` in the customer's time zone.
    pub at: String,
}

/// `POST /ui/agent/interactions/{id}/callback`: recorded as a note (and as
/// `callback_at` on the customer record) in the customer's time zone.
pub async fn callback(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<CallbackForm>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    let ctx = Ctx::new(&st, p.clone(), &headers).await?;
    let pop = customer_pop(&st, &t, &it).await?;
    let zone = pop.zone().unwrap_or(ctx.tz);
    let naive = chrono::NaiveDateTime::parse_from_str(f.at.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| ApiError::field("at", "a date and time such as 2026-11-24T10:30"))?;
    let at = naive
        .and_local_timezone(zone)
        .earliest()
        .ok_or_else(|| {
            ApiError::field("at", "that time does not exist in the customer's time zone")
        })?
        .with_timezone(&chrono::Utc);
    if at.timestamp_millis() < clock::now_ms() {
        return Err(ApiError::field("at", "in the past"));
    }
    let text = format!(
        "{}: {} ({})",
        i18n::Catalog::global().t(ctx.lang, "schedule-callback"),
        i18n::datetime(ctx.lang, at, zone),
        zone.name()
    );
    let h = st.hub.tenant(&t).await?;
    h.call(Op::Note {
        interaction: it.id,
        author: p.name.clone(),
        body: text.clone(),
    })
    .await?;
    if let Some(c) = it.customer_id {
        h.call(Op::Profile {
            customer: c,
            interaction: Some(it.id),
            fields: vec![("callback_at".into(), at.to_rfc3339())],
            by: p.name.clone(),
        })
        .await?;
    }
    // The agent's own list of callbacks follows at once (an agent's event
    // stream carries only facts about their own work, not the record's).
    let mut r = markup_response(html! { span.ok { (text) } });
    r.headers_mut().insert(
        "hx-trigger",
        axum::http::HeaderValue::from_static("callbacks-changed"),
    );
    Ok(r)
}

/// The transfer form.
#[derive(Debug, Deserialize)]
pub struct TransferForm {
    /// `queue:NAME` or `agent:ID`.
    pub to: String,
}

/// `POST /ui/agent/interactions/{id}/transfer`.
pub async fn transfer(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<TransferForm>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    let to = if let Some(q) = f.to.strip_prefix("queue:") {
        TransferTo::Queue(q.to_string())
    } else if let Some(a) = f.to.strip_prefix("agent:") {
        TransferTo::Agent(
            a.parse()
                .map_err(|_| ApiError::field("to", "agent:ID with a number"))?,
        )
    } else {
        return Err(ApiError::field("to", "queue:NAME or agent:ID"));
    };
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Transfer {
            interaction: it.id,
            by: p.agent.map(|a| i64::from(a.0)),
            to,
            consult: false,
        })
        .await?;
    work_response(&st, p, &headers).await
}

/// `POST /ui/agent/interactions/{id}/complete`.
pub async fn complete(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (t, it) = mine(&st, &p, &id).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Complete(it.id, p.agent.map(|a| i64::from(a.0))))
        .await?;
    work_response(&st, p, &headers).await
}
