//! The desktop's customer side and its own calls: a search box (a name, a
//! phone in any format, an e-mail address), a found customer's timeline with
//! their local time, the dial pad (manual calls through the campaign's
//! compliance gate, `POST /api/v1/calls`'s rules), and "my callbacks", the
//! callbacks this agent promised, with their times. Agents search with their
//! contact details masked and every search and look-up outside their own
//! work in the audit trail (the API's rules, [`crate::scope::looked_up`]).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::follow::Feed;
use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::routes::dial::{DialReq, dial_for};
use crate::routes::path_id;
use crate::tenant::{Ack, Op};

/// Timeline entries shown for a found customer.
pub const TIMELINE_SHOWN: i64 = 15;

/// The customer-and-calls card of the desktop.
pub fn card(ctx: &Ctx, callbacks: Markup) -> Markup {
    html! {
        section.card.lookup aria-labelledby="lookup-h" {
            h2 #lookup-h { (ctx.t("lookup-title")) }
            form #lookup-form .row role="search" hx-get="/ui/agent/customers"
                hx-target="#lookup-results" {
                label.sr for="lookup-q" { (ctx.t("lookup-search")) }
                input #lookup-q type="search" name="q" required maxlength="200"
                    placeholder=(ctx.t("lookup-placeholder")) autocomplete="off";
                button type="submit" .secondary { (ctx.t("lookup-search")) }
            }
            div #lookup-results aria-live="polite" {}
            div #lookup-detail {}
            (dial_pad(ctx))
            h3 #callbacks-h { (ctx.t("my-callbacks")) }
            div #my-callbacks data-live=(Feed::Callbacks.live()) data-src="/ui/agent/callbacks"
                hx-get="/ui/agent/callbacks" hx-trigger="callbacks-changed from:body"
                aria-labelledby="callbacks-h" {
                (callbacks)
            }
        }
    }
}

/// The dial pad: a number field, its keys, the call button and the outcome.
fn dial_pad(ctx: &Ctx) -> Markup {
    const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "0", "#"];
    html! {
        h3 #dial-h { (ctx.t("dial-title")) }
        form #dial-form .stack hx-post="/ui/agent/dial" hx-target="#dial-status"
            aria-labelledby="dial-h" {
            label for="dial-to" { (ctx.t("dial-number")) }
            input #dial-to type="tel" name="to" inputmode="tel" autocomplete="off"
                maxlength="32" required;
            div.dial-keys role="group" aria-label=(ctx.t("dial-keys")) {
                @for k in KEYS {
                    button type="button" .secondary data-digit=(k) { (k) }
                }
            }
            button type="submit" #dial-call { (ctx.t("dial-call")) }
            p #dial-status role="status" {}
        }
    }
}

/// The search form.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// A name, a phone in any format, an e-mail address.
    pub q: String,
}

/// `GET /ui/agent/customers?q=`: the customers found, at most ten.
pub async fn search(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let text = q.q.trim();
    if text.is_empty() || text.len() > 200 {
        return Ok(markup_response(
            html! { p.error { (ctx.t("lookup-empty")) } },
        ));
    }
    let mut query = std::collections::HashMap::new();
    query.insert("limit".to_string(), "10".to_string());
    let found = crate::routes::records::search_records(&st, &ctx.p, &query, text).await?;
    Ok(markup_response(results(&ctx, &found)))
}

/// The found customers as a table: name, masked contact, local time, open.
fn results(ctx: &Ctx, found: &[store::customers::CustomerFull]) -> Markup {
    if found.is_empty() {
        return html! { p.hint { (ctx.t("lookup-none")) } };
    }
    html! {
        div.scroll tabindex="0" aria-label=(ctx.t("lookup-title")) {
            table #lookup-table {
                thead { tr {
                    th scope="col" { (ctx.t("crm-name")) }
                    th scope="col" { (ctx.t("crm-phones")) }
                    th scope="col" { (ctx.t("crm-emails")) }
                    th scope="col" { (ctx.t("lookup-local-time")) }
                    th scope="col" { span.sr { (ctx.t("lookup-open")) } }
                } }
                tbody {
                    @for c in found {
                        tr data-customer=(c.id) {
                            td { (c.record.name) }
                            td { (c.record.phones.first().map(|p| p.number.as_str()).unwrap_or("—")) }
                            td { (c.record.emails.first().map(String::as_str).unwrap_or("—")) }
                            td { (local_time(&c.record).unwrap_or_else(|| "—".into())) }
                            td {
                                button type="button" .secondary
                                    hx-get=(format!("/ui/agent/customers/{}", c.id))
                                    hx-target="#lookup-detail" { (ctx.t("lookup-open")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The customer's local time and zone: the record's zone, else the first
/// number's country.
pub fn local_time(r: &model::customer::Record) -> Option<String> {
    let zone: chrono_tz::Tz = r
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .or_else(|| {
            r.phones
                .iter()
                .find_map(|p| super::popup::zone_of_phone(p.e164.as_deref().unwrap_or(&p.number)))
        })?;
    Some(super::popup::now_in(zone))
}

/// `GET /ui/agent/customers/{id}`: a found customer: who, their local time,
/// their timeline, and a button to call them.
pub async fn detail(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::looked_up(&st, &p, id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let c = st
        .store
        .customer_full(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let entries = st
        .store
        .customer_timeline(&t, id, None, TIMELINE_SHOWN)
        .await?;
    let local = local_time(&c.record);
    Ok(markup_response(html! {
        section.card.lookup-detail aria-labelledby="lookup-d-h" data-customer=(id) {
            h3 #lookup-d-h { (c.record.name) }
            @if let Some(l) = &local {
                p.local-time { (ctx.ta("callback-local-time", &[("time", i18n::Arg::Str(l))])) }
            }
            button type="button" hx-post="/ui/agent/dial" hx-target="#dial-status"
                hx-vals=(format!("{{\"customer_id\": \"{id}\"}}")) { (ctx.t("dial-customer")) }
            h4 { (ctx.t("crm-timeline")) }
            @if entries.is_empty() {
                p.hint { (ctx.t("no-history")) }
            }
            ol.timeline tabindex="0" aria-label=(ctx.t("crm-timeline")) {
                @for e in &entries { (super::crm::timeline_entry(&ctx, id, e)) }
            }
        }
    }))
}

/// The dial pad's form (a number, or a customer's id from a look-up).
#[derive(Debug, Deserialize)]
pub struct DialForm {
    /// The number typed.
    #[serde(default)]
    pub to: Option<String>,
    /// The customer to call.
    #[serde(default)]
    pub customer_id: Option<String>,
}

/// `POST /ui/agent/dial`: the call placed, or why not, in words.
pub async fn dial(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DialForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let customer_id = match f.customer_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(path_id(c, "customer")?),
    };
    let req = DialReq {
        to: f.to.filter(|t| !t.trim().is_empty()),
        customer_id,
        campaign: None,
    };
    let said = match dial_for(&st, &ctx.p, &req).await {
        Ok(call) => match (call.attempt, call.refused) {
            (Some(_), _) => html! { span.ok { (ctx.t("dial-placed")) } },
            (None, refused) => refusal(&ctx, refused),
        },
        Err(e) if e.status.is_client_error() => html! { span.error { (e.message) } },
        Err(e) => return Err(e),
    };
    Ok(markup_response(said))
}

/// The gate's refusal in words, with when it may pass.
fn refusal(ctx: &Ctx, refused: Option<(model::outbound::GateRule, Option<u64>)>) -> Markup {
    let (rule, at) = refused.unzip();
    let why = rule.map_or_else(
        || ctx.t("dial-refused"),
        |r| ctx.t(&format!("dial-gate-{}", r.as_str().replace('_', "-"))),
    );
    let when = at.flatten().map(|ms| ctx.datetime(ms as i64));
    html! {
        span.error {
            (ctx.t("dial-refused")) ": " (why)
            @if let Some(w) = when { " — " (ctx.ta("dial-retry-at", &[("time", i18n::Arg::Str(&w))])) }
        }
    }
}

/// `GET /ui/agent/callbacks`.
pub async fn callbacks_panel(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(markup_response(callbacks(&st, &ctx).await?))
}

/// The callbacks this agent promised, soonest first: when (theirs and the
/// customer's local time), who, and a button to call now.
pub async fn callbacks(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let Some(agent) = ctx.p.agent.map(|a| i64::from(a.0)) else {
        return Ok(html! {});
    };
    let t = ctx.p.tenant()?.clone();
    let list = match st.hub.tenant(&t).await?.call(Op::Callbacks(agent)).await? {
        Ack::Callbacks(l) => l,
        other => return Err(ApiError::internal(format!("unexpected answer {other:?}"))),
    };
    if list.is_empty() {
        return Ok(html! { p.hint { (ctx.t("my-callbacks-none")) } });
    }
    let now = crate::clock::now_ms();
    let mut rows = Vec::with_capacity(list.len());
    for cb in list.iter().take(20) {
        let c = st.store.customer_full(&t, cb.customer).await?;
        let name = c
            .as_ref()
            .map(|c| c.record.name.clone())
            .unwrap_or_default();
        let local = c.as_ref().and_then(|c| local_time(&c.record));
        rows.push((cb, name, local));
    }
    Ok(html! {
        ul #callbacks-list .callbacks {
            @for (cb, name, local) in rows {
                li data-customer=(cb.customer) .overdue[cb.at_ms < now] {
                    time { (ctx.datetime(cb.at_ms)) } " · " strong { (name) }
                    @if let Some(l) = local {
                        " · " span.hint { (ctx.ta("callback-local-time", &[("time", i18n::Arg::Str(&l))])) }
                    }
                    @if cb.at_ms < now { " " span.badge.flag { (ctx.t("callback-due")) } }
                    " "
                    button type="button" .secondary hx-post="/ui/agent/dial" hx-target="#dial-status"
                        hx-vals=(format!("{{\"customer_id\": \"{}\"}}", cb.customer)) {
                        (ctx.t("dial-customer"))
                    }
                }
            }
        }
    })
}
