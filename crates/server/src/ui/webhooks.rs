//! Administration: the tenant's webhooks — listed with their kinds, how
//! far they delivered and their latest attempt (never their secrets), made
//! with a URL, kinds and a secret, and removed. The same rules as
//! `/api/v1/webhooks` ([`crate::routes::webhooks`]).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::webhooks::{Delivery, Webhook};

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::Action;
use crate::routes::path_id;
use crate::routes::webhooks::{self as api, NewWebhook};

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct WebhookForm {
    url: String,
    #[serde(default)]
    kinds: String,
    secret: String,
}

/// Why a delivery failed, in words when the sender's note is one of its
/// own (`answered 500`, `no answer within 5s`); a network error as it is.
fn delivery_error(ctx: &Ctx, error: &str) -> String {
    if let Some(code) = error
        .strip_prefix("answered ")
        .and_then(|c| c.parse::<u16>().ok())
    {
        ctx.ta(
            "webhook-answered",
            &[("id", i18n::Arg::Num(f64::from(code)))],
        )
    } else if error.starts_with("no answer within") {
        ctx.t("webhook-no-answer")
    } else {
        error.to_string()
    }
}

/// A webhook's latest delivery: its status and when, or its error.
fn last_cell(ctx: &Ctx, last: Option<&Delivery>) -> Markup {
    html! {
        @match last {
            Some(d) if d.error.is_none() => { (d.status) " · " (ctx.datetime(d.at)) }
            Some(d) => { span.error { (delivery_error(ctx, d.error.as_deref().unwrap_or_default())) } }
            None => { (ctx.t("never")) }
        }
    }
}

/// One webhook's row: what it posts, how far, and a button to remove it.
fn row(ctx: &Ctx, w: &Webhook, last: Option<&Delivery>) -> Markup {
    html! {
        tr {
            td { (w.id) }
            td { (w.url) }
            td {
                @if w.kinds.is_empty() {
                    (ctx.t("webhook-all-kinds"))
                } @else {
                    (w.kinds.join(", "))
                }
            }
            td { (w.cursor_seq) }
            td { (last_cell(ctx, last)) }
            td {
                button.secondary type="button"
                    hx-post=(format!("/ui/admin/webhooks/{}/remove", w.id))
                    hx-target="#webhooks-box" hx-swap="outerHTML"
                    hx-confirm=(ctx.t("webhook-remove-confirm")) { (ctx.t("remove")) }
            }
        }
    }
}

/// The webhooks, each with its latest delivery and a button to remove it.
fn list(ctx: &Ctx, hooks: &[(Webhook, Option<Delivery>)]) -> Markup {
    html! {
        @if hooks.is_empty() {
            p.hint { (ctx.t("webhook-none")) }
        } @else {
            table {
                thead { tr {
                    th { "#" }
                    th { "URL" }
                    th { (ctx.t("webhook-kinds")) }
                    th { (ctx.t("webhook-cursor")) }
                    th { (ctx.t("webhook-last")) }
                    th { span.sr { (ctx.t("actions")) } }
                } }
                tbody {
                    @for (w, last) in hooks { (row(ctx, w, last.as_ref())) }
                }
            }
        }
    }
}

/// The form that makes a webhook.
fn form(ctx: &Ctx) -> Markup {
    html! {
        form.stack hx-post="/ui/admin/webhooks" hx-target="#webhooks-box" hx-swap="outerHTML" {
            h3 { (ctx.t("webhook-add")) }
            label for="wh-url" { "URL" }
            input #wh-url name="url" type="url" required maxlength="2000";
            label for="wh-kinds" { (ctx.t("webhook-kinds")) }
            input #wh-kinds name="kinds" placeholder="customers_set, disposition_set"
                aria-describedby="wh-kinds-hint";
            p.hint #wh-kinds-hint { (ctx.t("webhook-kinds-hint")) }
            label for="wh-secret" { (ctx.t("webhook-secret")) }
            input #wh-secret name="secret" type="password" required minlength="16" maxlength="256"
                autocomplete="new-password" aria-describedby="wh-secret-hint";
            p.hint #wh-secret-hint { (ctx.t("webhook-secret-hint")) }
            button type="submit" { (ctx.t("save")) }
        }
    }
}

/// The list and the form; `note` goes above them.
async fn box_html(st: &AppState, ctx: &Ctx, note: Markup) -> ApiResult<Markup> {
    let t = ctx.p.tenant()?;
    let mut hooks = Vec::new();
    for w in st.store.webhooks(t).await? {
        let last = st.store.deliveries(t, w.id, 1).await?.into_iter().next();
        hooks.push((w, last));
    }
    Ok(html! {
        #webhooks-box {
            (note)
            (list(ctx, &hooks))
            (form(ctx))
        }
    })
}

/// The administration page's card (HTML for its string template).
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if !crate::perms::allowed(ctx.p.role, Action::WebhooksManage) {
        return Ok(html! {});
    }
    let hooks = box_html(st, ctx, html! {}).await?;
    Ok(html! {
        section.card aria-labelledby="webhooks-h" {
            h2 #webhooks-h { (ctx.t("webhooks-title")) }
            (hooks)
        }
    })
}

/// `POST /ui/admin/webhooks`.
pub async fn make(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<WebhookForm>,
) -> ApiResult<Response> {
    p.require(Action::WebhooksManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let kinds = f
        .kinds
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect();
    let w = NewWebhook {
        url: f.url.trim().to_string(),
        kinds,
        secret: f.secret,
        from_seq: None,
    };
    let done = api::make(&st, &t, w).await;
    super::saved_card(&ctx, done, async |note| box_html(&st, &ctx, note).await).await
}

/// `POST /ui/admin/webhooks/{id}/remove`.
pub async fn remove(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::WebhooksManage)?;
    let id = path_id(&id, "webhook")?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    st.store.delete_webhook(ctx.p.tenant()?, id).await?;
    Ok(markup_response(box_html(&st, &ctx, html! {}).await?))
}
