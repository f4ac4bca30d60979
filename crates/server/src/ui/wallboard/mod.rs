//! The supervisor wallboard: per queue the waiting count, longest wait,
//! service level today and over the last 30 minutes against the target, ASA
//! and abandon rate, with an alert when service level is below target;
//! agents by state; the agents table (state, time in state, current
//! interaction, contacts today) with force not-ready and sign-out; the
//! waiting interactions with reassignment. `?tv=1` (or the full-screen
//! button) shows it for a TV. It re-renders on every fact it follows
//! ([`super::follow::Feed::Board`]; debounced in the browser), so figures
//! follow within a second. Its charts over the day and the agents'
//! timelines with their overruns of a not-ready reason's planned length
//! (the desktop settings' `[limits]`) are in [`charts`].

pub mod charts;

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use i18n::{Arg, Lang};
use model::ReasonCode;
use serde::Deserialize;
use store::Tenant;

use super::super::ui::settings::DesktopSettings;
use super::follow::{Feed, Live, Page};
use super::{Ctx, Markup, UiForm, html, layout, live, markup_response, waiting};
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

/// A state's name in the user's language.
fn state_name(ctx: &Ctx, state: AgentStatus) -> String {
    ctx.t(&format!("state-{}", state.as_str().replace('_', "-")))
}

/// The agents who can take a queue's interactions (first step's skills), by state.
fn queue_agents(
    ctx: &Ctx,
    q: &crate::tenant::QueueInfo,
    agents: &[store::read::AgentView],
) -> Markup {
    let fits = |a: &store::read::AgentView| {
        q.skills.iter().all(|(s, min)| {
            a.skills
                .iter()
                .any(|(name, level)| name == s && level >= min)
        })
    };
    let counts: Vec<(AgentStatus, usize)> = STATES
        .iter()
        .filter(|s| **s != AgentStatus::Offline)
        .map(|s| {
            (
                *s,
                agents.iter().filter(|a| a.state == *s && fits(a)).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    html! {
        @if counts.is_empty() {
            "—"
        }
        @for (i, (state, n)) in counts.into_iter().enumerate() {
            @if i > 0 { " " }
            span class={ "badge " (state.as_str()) } { (state_name(ctx, state)) ": " (n) }
        }
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
    /// Today's intervals, all queues together.
    intervals: Vec<live::Interval>,
    /// The start of the tenant's day, and its zone.
    day_ms: i64,
    zone: chrono_tz::Tz,
    /// Planned lengths of not-ready reasons, in seconds.
    limits: HashMap<String, u64>,
}

async fn read_board(st: &AppState, t: &Tenant, page: u32) -> ApiResult<Board> {
    let h = st.hub.tenant(t).await?;
    let Ack::Queues(queues) = h.call(Op::Queues).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let agents = st.store.agents(t).await?;
    let now = clock::now_ms();
    let limits = DesktopSettings::of(st, t).await?.1.limits;
    let thresholds: HashMap<u32, u64> = queues
        .iter()
        .map(|q| (q.id, q.sl_threshold_s * 1000))
        .collect();
    let threshold = |q: u32| thresholds.get(&q).copied().unwrap_or(20_000);
    let (figures, agent_live, waiting, intervals, day) = live::with(st, t, now, |l| {
        let f: Vec<_> = queues
            .iter()
            .map(|q| l.queue(q.id, q.sl_threshold_s * 1000, now))
            .collect();
        let a: BTreeMap<i64, live::AgentLive> =
            l.agents.iter().map(|(k, v)| (*k, v.clone())).collect();
        let zone = l.settings.as_ref().map(|s| s.time_zone);
        let iv = l.intervals(None, threshold, now);
        let w = waiting::Page::of(&l.waiting(), page);
        (f, a, w, iv, (l.day_ms, zone.unwrap_or(chrono_tz::Tz::UTC)))
    })
    .await?;
    Ok(Board {
        queues,
        figures,
        agents,
        agent_live,
        waiting,
        now,
        intervals,
        day_ms: day.0,
        zone: day.1,
        limits,
    })
}

/// An alert for each queue whose service level (last 30 minutes, else today) is below target.
fn alerts_html(ctx: &Ctx, b: &Board) -> Markup {
    let below = b.queues.iter().zip(&b.figures).filter_map(|(q, f)| {
        f.sl_recent
            .or(f.sl_today)
            .filter(|v| *v < q.sl_target)
            .map(|v| (q, v))
    });
    html! {
        @for (q, v) in below {
            p.alert role="alert" {
                (ctx.ta(
                    "alert-service-level",
                    &[
                        ("queue", Arg::Str(&q.name)),
                        ("value", Arg::Str(&pct(ctx.lang, Some(v)))),
                        ("target", Arg::Str(&pct(ctx.lang, Some(q.sl_target)))),
                    ]
                ))
            }
        }
    }
}

fn queues_html(ctx: &Ctx, b: &Board) -> Markup {
    let cols = [
        "waiting-now",
        "longest-wait",
        "service-level-today",
        "service-level-30min",
        "target",
        "asa",
        "abandoned",
        "answered",
    ];
    html! {
        .scroll role="region" aria-labelledby="queues-h" tabindex="0" {
            table.queues aria-describedby="queues-h" {
                caption #queues-h { (ctx.t("queues")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("queue")) }
                        @for id in cols { th.num scope="col" { (ctx.t(id)) } }
                        th scope="col" { (ctx.t("agents-by-state")) }
                    }
                }
                tbody {
                    @for (q, f) in b.queues.iter().zip(&b.figures) {
                        (queue_row(ctx, q, f, &b.agents))
                    }
                }
            }
        }
    }
}

fn queue_row(
    ctx: &Ctx,
    q: &crate::tenant::QueueInfo,
    f: &live::QueueFigures,
    agents: &[store::read::AgentView],
) -> Markup {
    let lang = ctx.lang;
    let cls = |v: Option<f64>| match v {
        Some(v) if v < q.sl_target => "num below",
        Some(_) => "num above",
        None => "num",
    };
    let longest = if f.unanswered > 0 {
        i18n::duration(f.longest_wait_s)
    } else {
        "—".into()
    };
    html! {
        tr data-queue=(q.name) {
            th scope="row" { (q.name) }
            td.num.figure.waiting { (q.waiting) }
            td.num { (longest) }
            td class={ (cls(f.sl_today)) " sl-today" } { (pct(lang, f.sl_today)) }
            td class=(cls(f.sl_recent)) { (pct(lang, f.sl_recent)) }
            td.num { (i18n::percent(lang, q.sl_target, 0)) }
            td.num { (secs(f.asa_s)) }
            td.num { (pct(lang, f.abandon_rate)) }
            td.num.answered { (f.answered) }
            td.queue-agents { (queue_agents(ctx, q, agents)) }
        }
    }
}

/// Agents by state, then the agents table with force not-ready and sign-out.
fn agents_html(ctx: &Ctx, b: &Board) -> Markup {
    let cols = ["agent", "state", "time-in-state-col", "current-interaction"];
    html! {
        h2 { (ctx.t("agents-by-state")) }
        ul.row.by-state aria-label=(ctx.t("agents-by-state")) {
            @for status in STATES {
                li class={ "badge " (status.as_str()) } data-state=(status.as_str()) {
                    (state_name(ctx, status)) ": "
                    span.count { (b.agents.iter().filter(|a| a.state == status).count()) }
                }
            }
        }
        h2 #agents-h { (ctx.t("agents")) }
        .scroll {
            table.agents {
                thead {
                    tr {
                        @for id in cols { th scope="col" { (ctx.t(id)) } }
                        th.num scope="col" { (ctx.t("contacts-today-col")) }
                        th.num scope="col" { (ctx.t("overruns-today")) }
                        th.no-tv scope="col" { (ctx.t("actions")) }
                    }
                }
                tbody {
                    @for a in &b.agents {
                        (agent_row(ctx, b, a, &b.agent_live.get(&a.id).cloned().unwrap_or_default()))
                    }
                }
            }
        }
    }
}

/// An agent's state, with the reason they are not ready, if any.
fn agent_state(ctx: &Ctx, a: &store::read::AgentView) -> String {
    let state = state_name(ctx, a.state);
    match &a.reason {
        Some(r) => {
            let id = format!("reason-{r}");
            let label = if i18n::Catalog::global().has(ctx.lang, &id) {
                ctx.t(&id)
            } else {
                r.clone()
            };
            format!("{state} · {label}")
        }
        None => state,
    }
}

/// The planned length (ms) of the agent's current not-ready reason, if any.
fn current_limit(b: &Board, l: &live::AgentLive) -> Option<i64> {
    match l.state.as_ref()? {
        model::event::AgentState::NotReady(r) if l.since > 0 => {
            b.limits.get(r.as_str()).map(|s| *s as i64 * 1000)
        }
        _ => None,
    }
}

fn agent_row(ctx: &Ctx, b: &Board, a: &store::read::AgentView, l: &live::AgentLive) -> Markup {
    let nr = ctx.t("force-not-ready");
    let so = ctx.t("force-sign-out");
    let limit = current_limit(b, l);
    let over = limit.filter(|lim| b.now - l.since > *lim);
    let label = agent_state(ctx, a);
    let reason = l
        .state
        .as_ref()
        .map(|s| charts::state_label(ctx, s))
        .unwrap_or_default();
    html! {
        tr data-agent=(a.name) class=[over.map(|_| "over")] {
            th scope="row" { (a.name) }
            td { span class={ "badge " (a.state.as_str()) } { (label) } }
            td {
                @if l.since > 0 {
                    span data-since=(l.since) data-limit=[limit] { "0:00" }
                    @if let Some(lim) = limit {
                        " "
                        span.over-text hidden[over.is_none()] {
                            (charts::over_markup(ctx, &reason, l.since, b.now - l.since, lim))
                        }
                    }
                } @else {
                    "—"
                }
            }
            td {
                @match l.current {
                    Some(i) => { "#" (i) }
                    None => "—",
                }
            }
            td.num.contacts { (l.contacts_today) }
            td.num.overruns { (l.overruns(&b.limits, b.now)) }
            td.no-tv {
                @if a.state != AgentStatus::Offline {
                    button.secondary hx-post=(format!("/ui/wallboard/agents/{}/not-ready", a.id))
                        hx-target="#board" aria-label={ (nr) " " (a.name) } { (nr) }
                    " "
                    button.danger hx-post=(format!("/ui/wallboard/agents/{}/sign-out", a.id))
                        hx-target="#board" aria-label={ (so) " " (a.name) } { (so) }
                }
            }
        }
    }
}

async fn board_html(st: &AppState, ctx: &Ctx, t: &Tenant, page: u32) -> ApiResult<Markup> {
    let b = read_board(st, t, page).await?;
    let names: BTreeMap<u32, &str> = b.queues.iter().map(|q| (q.id, q.name.as_str())).collect();
    let available: Vec<_> = b
        .agents
        .iter()
        .filter(|a| a.state == AgentStatus::Available)
        .collect();
    let target = b.queues.iter().map(|q| q.sl_target).reduce(f64::max);
    let rows: Vec<charts::Timeline> = b
        .agents
        .iter()
        .filter_map(|a| {
            b.agent_live.get(&a.id).map(|l| charts::Timeline {
                name: &a.name,
                live: l,
            })
        })
        .collect();
    Ok(html! {
        .board-main {
            (alerts_html(ctx, &b))
            (queues_html(ctx, &b))
            .charts {
                (charts::contacts_chart(ctx, &b.intervals, target, b.zone))
                (charts::agents_chart(ctx, &b.intervals, b.zone))
            }
        }
        .board-side {
            (agents_html(ctx, &b))
            (charts::timelines(ctx, &rows, &b.limits, b.day_ms, b.now))
            (waiting::html(ctx, &b.waiting, &names, &available, b.now))
        }
    })
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
    let board = board_html(st, &ctx, &t, page).await?;
    let main = html! {
        p.row.no-tv {
            button type="button" .secondary data-fullscreen { (ctx.t("full-screen")) }
            a href="/ui/wallboard?tv=1" { (ctx.t("tv-mode")) }
        }
        #board data-live=(Feed::Board.live()) data-src=(src) aria-live="off" { (board) }
    };
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
        main,
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
    Ok(markup_response(board_html(&st, &ctx, &t, page).await?))
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
    Ok(markup_response(board_html(st, &ctx, &t, page).await?))
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
