//! The agent desktop: state with reason codes and time in state; the offer
//! with accept/reject and a countdown; the screen pop; the chat; notes; the
//! queue's script with profiling questions; disposition, wrap-up timer,
//! callback and transfer. Agents act as themselves only: every handler works
//! on the user's own agent and on interactions that agent holds.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::ReasonCode;
use serde::Deserialize;
use store::Tenant;
use store::read::InteractionView;

use super::live;
use super::popup::{self, CustomerPop};
use super::settings::{DesktopSettings, Effect};
use super::{Ctx, UiForm, esc, html_response, layout};
use crate::AppState;
use crate::auth::{Principal, Role};
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

async fn queues(st: &AppState, t: &Tenant) -> ApiResult<Vec<QueueInfo>> {
    match st.hub.tenant(t).await?.call(Op::Queues).await? {
        Ack::Queues(q) => Ok(q),
        _ => Err(ApiError::internal("unexpected ack")),
    }
}

/// The interaction, if this user may work on it (agents: only their own).
async fn mine(st: &AppState, p: &Principal, id: &str) -> ApiResult<(Tenant, InteractionView)> {
    let t = p.tenant()?.clone();
    let id = path_id(id, "interaction")?;
    let it = st
        .store
        .interaction(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("interaction"))?;
    if p.role == Role::Agent && it.agent_id != Some(agent_of(p)?) {
        return Err(ApiError::not_found("interaction"));
    }
    Ok((t, it))
}

fn state_label(ctx: &Ctx, state: &str, reason: Option<&str>) -> String {
    let mut s = ctx.t(&format!("state-{}", state.replace('_', "-")));
    if let Some(r) = reason {
        let _ = write!(s, " · {}", reason_label(ctx, r));
    }
    s
}

fn reason_label(ctx: &Ctx, r: &str) -> String {
    let id = format!("reason-{r}");
    if i18n::Catalog::global().has(ctx.lang, &id) {
        ctx.t(&id)
    } else {
        esc(r)
    }
}

async fn state_html(st: &AppState, ctx: &Ctx, t: &Tenant, agent: i64) -> ApiResult<String> {
    let a = st
        .store
        .agent(t, agent)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    let now = clock::now_ms();
    let since = live::with(st, t, now, |l| l.agents.get(&agent).map(|a| a.since))
        .await?
        .filter(|s| *s > 0)
        .unwrap_or(now);
    let (_, settings) = DesktopSettings::of(st, t).await?;
    // The current state is the one chosen in the menu.
    let current = match (a.state.as_str(), a.reason.as_deref()) {
        ("not_ready", Some(r)) => format!("not_ready:{r}"),
        (s, _) => s.to_string(),
    };
    let sel = |v: &str| if v == current { " selected" } else { "" };
    let mut opts = format!(
        "<option value=\"available\"{}>{}</option>",
        sel("available"),
        ctx.t("state-available")
    );
    for r in &settings.reasons {
        let v = format!("not_ready:{r}");
        let _ = write!(
            opts,
            "<option value=\"{}\"{}>{} · {}</option>",
            esc(&v),
            sel(&v),
            ctx.t("state-not-ready"),
            reason_label(ctx, r)
        );
    }
    let _ = write!(
        opts,
        "<option value=\"offline\"{}>{}</option>",
        sel("offline"),
        ctx.t("state-offline")
    );
    Ok(format!(
        "<p><strong class=\"agent-name\">{name}</strong> <span class=\"badge {cls}\" id=\"my-state\">{label}</span> \
<span class=\"hint\">{time}</span></p>\
<form class=\"row\" hx-post=\"/ui/agent/state\" hx-target=\"#agent-state\">\
<label for=\"new-state\">{change}</label><select id=\"new-state\" name=\"state\">{opts}</select>\
<button type=\"submit\">{set}</button></form>",
        name = esc(&a.name),
        cls = esc(&a.state),
        label = state_label(ctx, &a.state, a.reason.as_deref()),
        time = popup::ticking(ctx, "time-in-state", since),
        change = ctx.t("change-state"),
        set = ctx.t("set-state"),
    ))
}

/// Everything the work panel shows about one interaction.
async fn work_html(st: &AppState, ctx: &Ctx, t: &Tenant, agent: i64) -> ApiResult<String> {
    let work = st.store.agent_work(t, agent, WORK_SHOWN).await?;
    if work.is_empty() {
        return Ok(format!(
            "<section class=\"card\"><p class=\"hint\" id=\"no-work\">{}</p></section>",
            ctx.t("no-work")
        ));
    }
    let queues = queues(st, t).await?;
    let (_, settings) = DesktopSettings::of(st, t).await?;
    let agents = st.store.agents(t).await?;
    let now = clock::now_ms();
    let offers: HashMap<i64, i64> = live::with(st, t, now, |l| {
        work.iter()
            .filter_map(|it| {
                l.contacts
                    .get(&it.id)
                    .and_then(|c| c.offered)
                    .map(|(_, at)| (it.id, at))
            })
            .collect()
    })
    .await?;
    let mut s = String::new();
    for it in &work {
        let queue = it
            .queue_id
            .and_then(|q| queues.iter().find(|x| i64::from(x.id) == q));
        let qname = queue.map(|q| q.name.as_str());
        let pop = customer_pop(st, t, it).await?;
        let head = format!(
            "{} #{} · {} {}",
            popup::channel_label(ctx, &it.channel),
            it.id,
            ctx.t("queue"),
            esc(qname.unwrap_or("—"))
        );
        match it.state.as_str() {
            "offered" => {
                let ring_s = queue.map_or(20, |q| q.ring_timeout_s) as i64;
                let until = offers.get(&it.id).copied().unwrap_or(now) + ring_s * 1000;
                let _ = write!(
                    s,
                    "<section class=\"card offer\" aria-labelledby=\"offer-{id}\" role=\"region\">\
<h2 id=\"offer-{id}\">{incoming} — {head}</h2>\
<p>{left_l} <strong data-until=\"{until}\" class=\"countdown\">{ring_s}</strong></p>\
<div class=\"row\"><button hx-post=\"/ui/agent/interactions/{id}/accept\" hx-target=\"#work\" id=\"accept-{id}\">{accept}</button>\
<button class=\"danger\" hx-post=\"/ui/agent/interactions/{id}/reject\" hx-target=\"#work\">{reject}</button></div></section>{pop}",
                    id = it.id,
                    incoming = ctx.ta(
                        "offer-incoming",
                        &[(
                            "channel",
                            i18n::Arg::Str(
                                &i18n::Catalog::global()
                                    .t(ctx.lang, &format!("channel-{}", it.channel))
                            )
                        )]
                    ),
                    left_l = ctx.t("time-to-answer"),
                    accept = ctx.t("accept"),
                    reject = ctx.t("reject"),
                    pop = popup::screen_pop(ctx, it, &pop),
                );
            }
            state => {
                let ended = state == "ended";
                let desk = qname.and_then(|q| settings.queue(q));
                let _ = write!(
                    s,
                    "<section class=\"interaction\" aria-labelledby=\"it-{id}\"><h2 id=\"it-{id}\">{head}</h2>",
                    id = it.id
                );
                if ended {
                    let wrap_s = queue.map_or(0, |q| q.wrap_up_s) as i64;
                    let until = it.ended_at.unwrap_or(now) + wrap_s * 1000;
                    let _ = write!(
                        s,
                        "<p class=\"card\">{} <strong data-until=\"{until}\">{wrap_s}</strong></p>",
                        ctx.t("wrap-up-time")
                    );
                }
                s.push_str("<div class=\"grid\"><div>");
                s.push_str(&popup::screen_pop(ctx, it, &pop));
                s.push_str(&popup::script(ctx, it, desk, &pop, ""));
                s.push_str("</div><div>");
                if it.channel == "chat" {
                    let msgs = st.store.messages(t, it.id, 0).await?;
                    let _ = write!(
                        s,
                        "<section class=\"card\" aria-labelledby=\"conv-{id}\"><h3 id=\"conv-{id}\">{conv}</h3>\
<div class=\"log\" id=\"log-{id}\" aria-live=\"polite\" data-live=\"chat_message\" data-src=\"/ui/agent/interactions/{id}/messages\">{log}</div>",
                        id = it.id,
                        conv = ctx.t("conversation"),
                        log = popup::conversation_log(ctx, &msgs),
                    );
                    if !ended {
                        let _ = write!(
                            s,
                            "<form class=\"row\" hx-post=\"/ui/agent/interactions/{id}/messages\" hx-target=\"#log-{id}\" data-reset>\
<label for=\"msg-{id}\" class=\"sr\">{type_l}</label><input id=\"msg-{id}\" name=\"body\" required maxlength=\"8000\" autocomplete=\"off\" placeholder=\"{type_l}\">\
<button type=\"submit\">{send}</button></form>",
                            id = it.id,
                            type_l = ctx.t("type-message"),
                            send = ctx.t("send"),
                        );
                    }
                    s.push_str("</section>");
                }
                let notes = st.store.notes(t, it.id).await?;
                let _ = write!(
                    s,
                    "<section class=\"card\" aria-labelledby=\"notes-h-{id}\"><h3 id=\"notes-h-{id}\">{notes_l}</h3><div id=\"notes-{id}\">{list}</div>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/notes\" hx-target=\"#notes-{id}\" data-reset>\
<label for=\"note-{id}\">{add_note}</label><textarea id=\"note-{id}\" name=\"body\" rows=\"2\" required maxlength=\"8000\"></textarea>\
<button type=\"submit\">{add}</button></form></section>",
                    id = it.id,
                    notes_l = ctx.t("notes"),
                    list = popup::notes_list(ctx, &notes),
                    add_note = ctx.t("add-note"),
                    add = ctx.t("add"),
                );
                s.push_str("</div><div>");
                s.push_str(&disposition_form(ctx, it, &settings, qname));
                s.push_str(&callback_form(ctx, it, &pop));
                if !ended {
                    s.push_str(&transfer_form(ctx, it, &queues, &agents, agent));
                    let _ = write!(
                        s,
                        "<section class=\"card\"><button hx-post=\"/ui/agent/interactions/{id}/complete\" hx-target=\"#work\" id=\"complete-{id}\">{}</button></section>",
                        ctx.t("complete"),
                        id = it.id
                    );
                }
                s.push_str("</div></div></section>");
            }
        }
    }
    Ok(s)
}

fn disposition_form(
    ctx: &Ctx,
    it: &InteractionView,
    settings: &DesktopSettings,
    queue: Option<&str>,
) -> String {
    let mut opts = format!(
        "<option value=\"\">{}</option>",
        ctx.t("choose-disposition")
    );
    for d in settings.dispositions_for(queue) {
        let label = d.label.as_deref().unwrap_or(&d.code);
        let effect = match d.effect {
            Some(Effect::DoNotCall) => format!(" ({})", ctx.t("do-not-call")),
            Some(Effect::Callback) => format!(" ({})", ctx.t("schedule-callback")),
            None => String::new(),
        };
        let sel = if it.disposition.as_deref() == Some(&d.code) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            opts,
            "<option value=\"{}\"{sel}>{}{effect}</option>",
            esc(&d.code),
            esc(label)
        );
    }
    format!(
        "<section class=\"card\" aria-labelledby=\"disp-h-{id}\"><h3 id=\"disp-h-{id}\">{title}</h3>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/disposition\" hx-target=\"#work\">\
<label for=\"disp-{id}\" class=\"sr\">{title}</label><select id=\"disp-{id}\" name=\"code\" required>{opts}</select>\
<button type=\"submit\">{save}</button></form></section>",
        id = it.id,
        title = ctx.t("disposition"),
        save = ctx.t("save"),
    )
}

fn callback_form(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> String {
    let zone = pop.zone().unwrap_or(ctx.tz);
    let now = chrono::DateTime::from_timestamp_millis(clock::now_ms()).unwrap_or_default();
    let local = now.with_timezone(&zone);
    let local_s = format!("{} ({})", i18n::time(now, zone), zone.name());
    let default = (local + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00");
    format!(
        "<section class=\"card\" aria-labelledby=\"cb-h-{id}\"><h3 id=\"cb-h-{id}\">{title}</h3>\
<p class=\"hint\" id=\"cb-hint-{id}\">{local}</p>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/callback\" hx-target=\"#cb-status-{id}\">\
<label for=\"cb-{id}\">{when}</label><input id=\"cb-{id}\" type=\"datetime-local\" name=\"at\" value=\"{default}\" required aria-describedby=\"cb-hint-{id}\">\
<button type=\"submit\">{save}</button> <span id=\"cb-status-{id}\" role=\"status\"></span></form></section>",
        id = it.id,
        title = ctx.t("schedule-callback"),
        local = ctx.ta("callback-local-time", &[("time", i18n::Arg::Str(&local_s))]),
        when = ctx.t("callback-when"),
        save = ctx.t("save"),
    )
}

fn transfer_form(
    ctx: &Ctx,
    it: &InteractionView,
    queues: &[QueueInfo],
    agents: &[store::read::AgentView],
    me: i64,
) -> String {
    let mut opts = format!("<optgroup label=\"{}\">", ctx.t("transfer-to-queue"));
    for q in queues {
        let _ = write!(
            opts,
            "<option value=\"queue:{n}\">{n}</option>",
            n = esc(&q.name)
        );
    }
    let _ = write!(
        opts,
        "</optgroup><optgroup label=\"{}\">",
        ctx.t("transfer-to-agent")
    );
    for a in agents.iter().filter(|a| a.id != me) {
        let _ = write!(
            opts,
            "<option value=\"agent:{}\">{} ({})</option>",
            a.id,
            esc(&a.name),
            state_label(ctx, &a.state, a.reason.as_deref())
        );
    }
    opts.push_str("</optgroup>");
    format!(
        "<section class=\"card\" aria-labelledby=\"tr-h-{id}\"><h3 id=\"tr-h-{id}\">{title}</h3>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/transfer\" hx-target=\"#work\">\
<label for=\"tr-{id}\" class=\"sr\">{title}</label><select id=\"tr-{id}\" name=\"to\" required>{opts}</select>\
<button type=\"submit\">{title}</button></form></section>",
        id = it.id,
        title = ctx.t("transfer"),
    )
}

async fn customer_pop(st: &AppState, t: &Tenant, it: &InteractionView) -> ApiResult<CustomerPop> {
    let Some(c) = it.customer_id else {
        return Ok(CustomerPop::default());
    };
    Ok(CustomerPop {
        customer: st.store.customer(t, c).await?,
        profile: st.store.customer_profile(t, c).await?,
        history: st.store.customer_history(t, c).await?,
    })
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
        let main = format!("<p class=\"card\">{}</p>", ctx.t("not-an-agent"));
        return Ok(layout(
            &ctx,
            "desktop-title",
            "/ui/agent",
            "desktop",
            None,
            &main,
        ));
    };
    let seq = st.store.last_seq(&t).await?;
    let main = format!(
        "<section class=\"card\" aria-labelledby=\"state-h\"><h2 id=\"state-h\" class=\"sr\">{state_h}</h2>\
<div id=\"agent-state\" data-live=\"routing.agent_state_changed\" data-src=\"/ui/agent/state\">{state}</div></section>\
<div id=\"work\" data-live=\"routing.\" data-src=\"/ui/agent/work\">{work}</div>",
        state_h = ctx.t("my-state"),
        state = state_html(&st, &ctx, &t, agent).await?,
        work = work_html(&st, &ctx, &t, agent).await?,
    );
    Ok(layout(
        &ctx,
        "desktop-title",
        "/ui/agent",
        "desktop",
        Some(seq),
        &main,
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
    Ok(html_response(state_html(&st, &ctx, &t, agent).await?))
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
    Ok(html_response(work_html(&st, &ctx, &t, agent).await?))
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
    let offline = current.state == "offline";
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
    Ok(html_response(state_html(&st, &ctx, &t, agent).await?))
}

async fn work_response(st: &AppState, p: Principal, headers: &HeaderMap) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(html_response(work_html(st, &ctx, &t, agent).await?))
}

/// `POST /ui/agent/interactions/{id}/accept`.
pub async fn accept(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let (t, it) = mine(&st, &p, &id).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Accept(it.id, agent))
        .await?;
    work_response(&st, p, &headers).await
}

/// `POST /ui/agent/interactions/{id}/reject`.
pub async fn reject(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let agent = agent_of(&p)?;
    let (t, it) = mine(&st, &p, &id).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Reject(it.id, agent))
        .await?;
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
    Ok(html_response(popup::conversation_log(&ctx, &msgs)))
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
    Ok(html_response(popup::conversation_log(&ctx, &msgs)))
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
    Ok(html_response(popup::notes_list(&ctx, &notes)))
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
    Ok(html_response(popup::script(
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
        .dispositions_for(qname.as_deref())
        .into_iter()
        .find(|d| d.code == f.code)
        .cloned()
        .ok_or_else(|| ApiError::field("code", "not a disposition code of this queue"))?;
    let h = st.hub.tenant(&t).await?;
    h.call(Op::Disposition {
        interaction: it.id,
        code: d.code.clone(),
        by_agent: p.agent.map(|a| i64::from(a.0)),
        by: p.name.clone(),
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
    Ok(html_response(format!(
        "<span class=\"ok\">{}</span>",
        esc(&text)
    )))
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
