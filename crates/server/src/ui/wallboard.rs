//! The supervisor wallboard: per queue the waiting count, longest wait,
//! service level today and over the last 30 minutes against the target, ASA
//! and abandon rate, with an alert when service level is below target;
//! agents by state; the agents table (state, time in state, current
//! interaction, contacts today) with force not-ready and sign-out; the
//! waiting interactions with reassignment. `?tv=1` (or the full-screen
//! button) shows it for a TV. It re-renders on every fact it follows
//! ([`super::follow::Feed::Board`]; debounced in the browser), so figures
//! follow within a second.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use i18n::{Arg, Lang};
use model::ReasonCode;
use serde::Deserialize;
use store::Tenant;

use super::follow::{Feed, Live, Page};
use super::{Ctx, UiForm, esc, html_response, layout, live, waiting};
use crate::AppState;
use crate::auth::Principal;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::routes::path_id;
use crate::tenant::{Ack, Op};
use model::state::AgentStatus;

/// Agent states in the order the board shows them.
const STATES: [AgentStatus; 6] = [
    AgentStatus::Available,
    AgentStatus::Reserved,
    AgentStatus::Busy,
    AgentStatus::WrapUp,
    AgentStatus::NotReady,
    AgentStatus::Offline,
];
/// The reason recorded when a supervisor forces an agent not ready.
pub const FORCED_REASON: &str = "supervisor";

fn pct(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| i18n::percent(lang, v, 0))
}

fn secs(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), i18n::duration)
}

/// The agents who can take a queue's interactions (first step's skills), by state.
fn queue_agents(
    ctx: &Ctx,
    q: &crate::tenant::QueueInfo,
    agents: &[store::read::AgentView],
) -> String {
    let fits = |a: &store::read::AgentView| {
        q.skills.iter().all(|(s, min)| {
            a.skills
                .iter()
                .any(|(name, level)| name == s && level >= min)
        })
    };
    let mut parts = Vec::new();
    for state in STATES.iter().filter(|s| **s != AgentStatus::Offline) {
        let n = agents
            .iter()
            .filter(|a| a.state == *state && fits(a))
            .count();
        if n > 0 {
            parts.push(format!(
                "<span class=\"badge {}\">{}: {n}</span>",
                state.as_str(),
                ctx.te(&format!("state-{}", state.as_str().replace('_', "-")))
            ));
        }
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" ")
    }
}

/// Everything the board shows, read at one instant.
struct Board {
    queues: Vec<crate::tenant::QueueInfo>,
    figures: Vec<live::QueueFigures>,
    agents: Vec<store::read::AgentView>,
    agent_live: BTreeMap<i64, live::AgentLive>,
    waiting: waiting::Page,
    now: i64,
}

async fn read_board(st: &AppState, t: &Tenant, page: u32) -> ApiResult<Board> {
    let h = st.hub.tenant(t).await?;
    let Ack::Queues(queues) = h.call(Op::Queues).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let agents = st.store.agents(t).await?;
    let now = clock::now_ms();
    let (figures, agent_live, waiting) = live::with(st, t, now, |l| {
        let f: Vec<_> = queues
            .iter()
            .map(|q| l.queue(q.id, q.sl_threshold_s * 1000, now))
            .collect();
        let a: BTreeMap<i64, live::AgentLive> =
            l.agents.iter().map(|(k, v)| (*k, v.clone())).collect();
        (f, a, waiting::Page::of(&l.waiting(), page))
    })
    .await?;
    Ok(Board {
        queues,
        figures,
        agents,
        agent_live,
        waiting,
        now,
    })
}

/// An alert for each queue whose service level (last 30 minutes, else today) is below target.
fn alerts_html(ctx: &Ctx, b: &Board) -> String {
    let mut s = String::new();
    for (q, f) in b.queues.iter().zip(&b.figures) {
        for v in [f.sl_recent, f.sl_today].into_iter().flatten().take(1) {
            if v < q.sl_target {
                let _ = write!(
                    s,
                    "<p class=\"alert\" role=\"alert\">{}</p>",
                    ctx.tae(
                        "alert-service-level",
                        &[
                            ("queue", Arg::Str(&q.name)),
                            ("value", Arg::Str(&pct(ctx.lang, Some(v)))),
                            ("target", Arg::Str(&pct(ctx.lang, Some(q.sl_target)))),
                        ]
                    )
                );
            }
        }
    }
    s
}

fn queues_html(ctx: &Ctx, b: &Board) -> String {
    let lang = ctx.lang;
    let mut s = format!(
        "<table class=\"queues\" aria-describedby=\"queues-h\"><caption id=\"queues-h\">{}</caption><thead><tr>\
<th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("queues"),
        ctx.te("queue"),
        ctx.te("waiting-now"),
        ctx.te("longest-wait"),
        ctx.te("service-level-today"),
        ctx.te("service-level-30min"),
        ctx.te("target"),
        ctx.te("asa"),
        ctx.te("abandoned"),
        ctx.te("answered"),
        ctx.te("agents-by-state"),
    );
    for (q, f) in b.queues.iter().zip(&b.figures) {
        let cls = |v: Option<f64>| match v {
            Some(v) if v < q.sl_target => "num below",
            Some(_) => "num above",
            None => "num",
        };
        let _ = write!(
            s,
            "<tr data-queue=\"{name}\"><th scope=\"row\">{name}</th><td class=\"num figure waiting\">{waiting}</td>\
<td class=\"num\">{longest}</td><td class=\"{c1} sl-today\">{sl}</td><td class=\"{c2}\">{sl30}</td><td class=\"num\">{target}</td>\
<td class=\"num\">{asa}</td><td class=\"num\">{ab}</td><td class=\"num answered\">{ans}</td><td class=\"queue-agents\">{by_state}</td></tr>",
            by_state = queue_agents(ctx, q, &b.agents),
            name = esc(&q.name),
            waiting = q.waiting,
            longest = if f.unanswered > 0 {
                i18n::duration(f.longest_wait_s)
            } else {
                "—".into()
            },
            c1 = cls(f.sl_today),
            c2 = cls(f.sl_recent),
            sl = pct(lang, f.sl_today),
            sl30 = pct(lang, f.sl_recent),
            target = i18n::percent(lang, q.sl_target, 0),
            asa = secs(f.asa_s),
            ab = pct(lang, f.abandon_rate),
            ans = f.answered,
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// Agents by state, then the agents table with force not-ready and sign-out.
fn agents_html(ctx: &Ctx, b: &Board) -> String {
    let mut s = format!(
        "<h2>{}</h2><ul class=\"row by-state\" aria-label=\"{}\">",
        ctx.te("agents-by-state"),
        ctx.te("agents-by-state")
    );
    for status in STATES {
        let n = b.agents.iter().filter(|a| a.state == status).count();
        let state = status.as_str();
        let _ = write!(
            s,
            "<li class=\"badge {state}\" data-state=\"{state}\">{}: <span class=\"count\">{n}</span></li>",
            ctx.te(&format!("state-{}", state.replace('_', "-")))
        );
    }
    s.push_str("</ul>");
    let _ = write!(
        s,
        "<h2>{}</h2><table class=\"agents\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"no-tv\">{}</th></tr></thead><tbody>",
        ctx.te("agents"),
        ctx.te("agent"),
        ctx.te("state"),
        ctx.te("time-in-state-col"),
        ctx.te("current-interaction"),
        ctx.te("contacts-today-col"),
        ctx.te("actions"),
    );
    for a in &b.agents {
        agent_row(
            ctx,
            a,
            &b.agent_live.get(&a.id).cloned().unwrap_or_default(),
            &mut s,
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn agent_row(ctx: &Ctx, a: &store::read::AgentView, l: &live::AgentLive, s: &mut String) {
    let since = if l.since > 0 {
        format!("<span data-since=\"{}\">0:00</span>", l.since)
    } else {
        "—".to_string()
    };
    let mut state = ctx.te(&format!("state-{}", a.state.as_str().replace('_', "-")));
    if let Some(r) = &a.reason {
        let id = format!("reason-{r}");
        let label = if i18n::Catalog::global().has(ctx.lang, &id) {
            ctx.te(&id)
        } else {
            esc(r)
        };
        let _ = write!(state, " · {label}");
    }
    let current = l
        .current
        .map_or_else(|| "—".to_string(), |i| format!("#{i}"));
    let actions = if a.state == AgentStatus::Offline {
        String::new()
    } else {
        format!(
            "<button class=\"secondary\" hx-post=\"/ui/wallboard/agents/{id}/not-ready\" hx-target=\"#board\" aria-label=\"{nr} {name}\">{nr}</button> \
<button class=\"danger\" hx-post=\"/ui/wallboard/agents/{id}/sign-out\" hx-target=\"#board\" aria-label=\"{so} {name}\">{so}</button>",
            id = a.id,
            name = esc(&a.name),
            nr = ctx.te("force-not-ready"),
            so = ctx.te("force-sign-out"),
        )
    };
    let _ = write!(
        s,
        "<tr data-agent=\"{name}\"><th scope=\"row\">{name}</th><td><span class=\"badge {cls}\">{state}</span></td>\
<td>{since}</td><td>{current}</td><td class=\"num contacts\">{n}</td><td class=\"no-tv\">{actions}</td></tr>",
        name = esc(&a.name),
        cls = a.state.as_str(),
        n = l.contacts_today,
    );
}

async fn board_html(st: &AppState, ctx: &Ctx, t: &Tenant, page: u32) -> ApiResult<String> {
    let b = read_board(st, t, page).await?;
    let names: BTreeMap<u32, &str> = b.queues.iter().map(|q| (q.id, q.name.as_str())).collect();
    let available: Vec<_> = b
        .agents
        .iter()
        .filter(|a| a.state == AgentStatus::Available)
        .collect();
    Ok(format!(
        "{}{}{}{}",
        alerts_html(ctx, &b),
        queues_html(ctx, &b),
        agents_html(ctx, &b),
        waiting::html(ctx, &b.waiting, &names, &available, b.now)
    ))
}

/// Wallboard options.
#[derive(Debug, Deserialize)]
pub struct BoardQuery {
    /// TV mode.
    pub tv: Option<String>,
    /// Which page of the waiting interactions (from 1).
    pub waiting_page: Option<u32>,
}

/// `GET /ui/wallboard`.
pub async fn page_handler(
    st: &AppState,
    p: Principal,
    headers: &HeaderMap,
    q: &BoardQuery,
) -> ApiResult<Response> {
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    let seq = st.store.last_seq(&t).await?;
    let page = q.waiting_page.unwrap_or(1);
    let src = match q.waiting_page {
        Some(n) => format!("/ui/wallboard/board?waiting_page={n}"),
        None => "/ui/wallboard/board".to_string(),
    };
    let main = format!(
        "<p class=\"row no-tv\"><button type=\"button\" class=\"secondary\" data-fullscreen>{fs}</button>\
<a href=\"/ui/wallboard?tv=1\">{tv}</a></p>\
<div id=\"board\" {live} aria-live=\"off\">{board}</div>",
        fs = ctx.te("full-screen"),
        tv = ctx.te("tv-mode"),
        live = Feed::Board.attrs(&src),
        board = board_html(st, &ctx, &t, page).await?,
    );
    let class = if q.tv.is_some() {
        "wallboard tv"
    } else {
        "wallboard"
    };
    Ok(layout(
        &ctx,
        "wallboard-title",
        "/ui/wallboard",
        class,
        Some(Live {
            seq,
            page: Page::Wallboard,
        }),
        super::PreEscaped(main),
    ))
}

/// `GET /ui/wallboard`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<BoardQuery>,
) -> ApiResult<Response> {
    page_handler(&st, p, &headers, &q).await
}

/// `GET /ui/wallboard/board`.
pub async fn board(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<BoardQuery>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let page = q.waiting_page.unwrap_or(1);
    Ok(html_response(board_html(&st, &ctx, &t, page).await?))
}

async fn agent_in(st: &AppState, t: &Tenant, id: &str) -> ApiResult<i64> {
    let id = path_id(id, "agent")?;
    st.store
        .agent(t, id)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| ApiError::not_found("agent"))
}

async fn after_action(st: &AppState, p: Principal, headers: &HeaderMap) -> ApiResult<Response> {
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    let page = waiting::page_of_request(headers);
    Ok(html_response(board_html(st, &ctx, &t, page).await?))
}

/// `POST /ui/wallboard/agents/{id}/not-ready`.
pub async fn force_not_ready(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let a = agent_in(&st, &t, &id).await?;
    let reason = ReasonCode::parse(FORCED_REASON).map_err(ApiError::internal)?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::NotReady(a, reason))
        .await?;
    let on = Some(format!("agent:{a}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::ForcedNotReady, on).await?;
    after_action(&st, p, &headers).await
}

/// `POST /ui/wallboard/agents/{id}/sign-out`.
pub async fn force_sign_out(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let a = agent_in(&st, &t, &id).await?;
    st.hub.tenant(&t).await?.call(Op::SignOut(a)).await?;
    let on = Some(format!("agent:{a}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::ForcedSignOut, on).await?;
    after_action(&st, p, &headers).await
}

/// The reassignment form.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    /// The agent to offer it to.
    pub agent_id: String,
}

/// `POST /ui/wallboard/interactions/{id}/assign`.
pub async fn assign(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<AssignForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let id = path_id(&id, "interaction")?;
    st.store
        .interaction(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("interaction"))?;
    let a = f
        .agent_id
        .parse::<i64>()
        .map_err(|_| ApiError::field("agent_id", "an agent id"))?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::ForceAssign(id, a))
        .await?;
    let on = Some(format!("interaction:{id}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::Reassigned, on).await?;
    after_action(&st, p, &headers).await
}
