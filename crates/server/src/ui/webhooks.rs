//! Administration: the tenant's webhooks — listed with their kinds, how
//! far they delivered and their latest attempt (never their secrets), made
//! with a URL, kinds and a secret, and removed. The same rules as
//! `/api/v1/webhooks` ([`crate::routes::webhooks`]).

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response};
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

/// The list and the form; `note` goes above them.
async fn box_html(st: &AppState, ctx: &Ctx, note: &str) -> ApiResult<String> {
    let t = ctx.p.tenant()?;
    let hooks = st.store.webhooks(t).await?;
    let mut rows = String::new();
    for w in &hooks {
        let last = st.store.deliveries(t, w.id, 1).await?;
        let last = match last.first() {
            Some(d) if d.error.is_none() => format!("{} · {}", d.status, ctx.datetime(d.at)),
            Some(d) => format!(
                "<span class=\"error\">{}</span>",
                esc(d.error.as_deref().unwrap_or_default())
            ),
            None => ctx.te("never"),
        };
        let kinds = if w.kinds.is_empty() {
            ctx.te("webhook-all-kinds")
        } else {
            esc(&w.kinds.join(", "))
        };
        let _ = write!(
            rows,
            "<tr><td>{id}</td><td>{url}</td><td>{kinds}</td><td>{cursor}</td><td>{last}</td>\
<td><button type=\"button\" class=\"secondary\" hx-post=\"/ui/admin/webhooks/{id}/remove\" hx-target=\"#webhooks-box\" hx-swap=\"outerHTML\" hx-confirm=\"{confirm}\">{remove}</button></td></tr>",
            id = w.id,
            url = esc(&w.url),
            cursor = w.cursor_seq,
            confirm = esc(&ctx.te("webhook-remove-confirm")),
            remove = ctx.te("remove"),
        );
    }
    let list = if hooks.is_empty() {
        format!("<p class=\"hint\">{}</p>", ctx.te("webhook-none"))
    } else {
        format!(
            "<table><thead><tr><th>#</th><th>URL</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>{rows}</tbody></table>",
            ctx.te("webhook-kinds"),
            ctx.te("webhook-cursor"),
            ctx.te("webhook-last"),
        )
    };
    Ok(format!(
        "<div id=\"webhooks-box\">{note}{list}<form class=\"stack\" hx-post=\"/ui/admin/webhooks\" hx-target=\"#webhooks-box\" hx-swap=\"outerHTML\">\
<h3>{add}</h3><label for=\"wh-url\">URL</label><input id=\"wh-url\" name=\"url\" type=\"url\" required maxlength=\"2000\">\
<label for=\"wh-kinds\">{kinds}</label><input id=\"wh-kinds\" name=\"kinds\" placeholder=\"customers_set, disposition_set\" aria-describedby=\"wh-kinds-hint\">\
<p class=\"hint\" id=\"wh-kinds-hint\">{kinds_hint}</p>\
<label for=\"wh-secret\">{secret}</label><input id=\"wh-secret\" name=\"secret\" type=\"password\" required minlength=\"16\" maxlength=\"256\" autocomplete=\"new-password\" aria-describedby=\"wh-secret-hint\">\
<p class=\"hint\" id=\"wh-secret-hint\">{secret_hint}</p><button type=\"submit\">{save}</button></form></div>",
        add = ctx.te("webhook-add"),
        kinds = ctx.te("webhook-kinds"),
        kinds_hint = ctx.te("webhook-kinds-hint"),
        secret = ctx.te("webhook-secret"),
        secret_hint = ctx.te("webhook-secret-hint"),
        save = ctx.te("save"),
    ))
}

/// The administration page's card.
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if !crate::perms::allowed(ctx.p.role, Action::WebhooksManage) {
        return Ok(String::new());
    }
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"webhooks-h\"><h2 id=\"webhooks-h\">{}</h2>{}</section>",
        ctx.te("webhooks-title"),
        box_html(st, ctx, "").await?
    ))
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
    super::saved_card(&ctx, done, async |note| {
        box_html(&st, &ctx, &note.into_string())
            .await
            .map(super::PreEscaped)
    })
    .await
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
    Ok(html_response(box_html(&st, &ctx, "").await?))
}
