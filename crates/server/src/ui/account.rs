//! The user's own account page (`/ui/account`): their second factor (set
//! it up from a QR code and a first code, or turn it off with a current
//! code where their role may go without) and their sessions (each one ended
//! with a click). The same rules as `/api/v1/me/two-factor` and
//! `/api/v1/me/sessions`.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response, layout};
use crate::AppState;
use crate::auth::Principal;
use crate::clock;
use crate::error::ApiResult;
use crate::routes::sessions;
use crate::routes::two_factor::me;
use crate::signin;

/// `GET /ui/account`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let main = format!(
        "<div class=\"grid\">\
<section class=\"card\" aria-labelledby=\"tf-h\"><h2 id=\"tf-h\">{tf}</h2>{tf_box}</section>\
<section class=\"card\" aria-labelledby=\"ses-h\"><h2 id=\"ses-h\">{ses}</h2>{ses_box}</section></div>",
        tf = ctx.te("two-factor"),
        tf_box = two_factor_box(&st, &ctx, "").await?,
        ses = ctx.te("sessions-title"),
        ses_box = sessions_box(&st, &ctx, &headers).await?,
    );
    Ok(layout(
        &ctx,
        "account-title",
        "/ui/account",
        "account",
        None,
        super::PreEscaped(main),
    ))
}

async fn two_factor_box(st: &AppState, ctx: &Ctx, note: &str) -> ApiResult<String> {
    let Ok(u) = me(st, &ctx.p).await else {
        return Ok(String::new());
    };
    let rec = st.store.totp(u.tenant_id, u.id).await?.unwrap_or_default();
    let required = signin::required(st, &u).await?;
    let tenant = ctx.p.tenant.as_ref().map(|t| t.name().to_string());
    let body = if rec.secret.is_some() {
        let off = if required {
            format!("<p class=\"hint\">{}</p>", ctx.te("two-factor-required"))
        } else {
            format!(
                "<form class=\"stack\" hx-post=\"/ui/account/two-factor/disable\" hx-target=\"#tf-box\" hx-swap=\"outerHTML\">\
<label for=\"tf-off-code\">{code_l}</label><input id=\"tf-off-code\" name=\"code\" required inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"7\">\
<button type=\"submit\" class=\"secondary\">{off}</button></form>",
                code_l = ctx.te("two-factor-code"),
                off = ctx.te("two-factor-turn-off"),
            )
        };
        format!(
            "<p id=\"tf-state\" data-enabled=\"true\">{}</p>{off}",
            ctx.te("two-factor-on")
        )
    } else if let Some(s) = signin::pending_setup(st, &u, tenant.as_deref()).await? {
        format!(
            "<p>{hint}</p><figure id=\"totp-qr\" aria-label=\"{qr_l}\">{svg}</figure>\
<p class=\"hint\">{key_l}</p><p><code id=\"totp-secret\">{secret}</code></p>\
<form class=\"stack\" hx-post=\"/ui/account/two-factor/confirm\" hx-target=\"#tf-box\" hx-swap=\"outerHTML\">\
<label for=\"tf-code\">{code_l}</label><input id=\"tf-code\" name=\"code\" required inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"7\">\
<button type=\"submit\">{verify}</button></form>",
            hint = ctx.te("two-factor-setup-hint"),
            qr_l = ctx.te("two-factor-qr"),
            svg = s.qr_svg,
            key_l = ctx.te("two-factor-key"),
            secret = esc(&s.secret),
            code_l = ctx.te("two-factor-code"),
            verify = ctx.te("verify"),
        )
    } else {
        let why = if required {
            "two-factor-required"
        } else {
            "two-factor-off"
        };
        format!(
            "<p id=\"tf-state\" data-enabled=\"false\">{}</p>\
<button type=\"button\" id=\"tf-start\" hx-post=\"/ui/account/two-factor\" hx-target=\"#tf-box\" hx-swap=\"outerHTML\">{}</button>",
            ctx.te(why),
            ctx.te("two-factor-set-up"),
        )
    };
    Ok(format!(
        "<div id=\"tf-box\"><p aria-live=\"polite\">{note}</p>{body}</div>"
    ))
}

async fn sessions_box(st: &AppState, ctx: &Ctx, headers: &HeaderMap) -> ApiResult<String> {
    let Some((tenant, user)) = sessions::session_user(&ctx.p) else {
        return Ok(String::new());
    };
    let current = sessions::current_session(headers);
    let mut rows = String::new();
    for (id, expires) in st
        .store
        .user_sessions(tenant, user, clock::now_ms())
        .await?
    {
        let until = chrono::DateTime::from_timestamp_millis(expires)
            .map(|t| {
                t.with_timezone(&ctx.tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let this = current.as_deref() == Some(id.as_str());
        let action = if this {
            ctx.te("session-this")
        } else {
            format!(
                "<button type=\"button\" class=\"secondary\" hx-post=\"/ui/account/sessions/{id}/end\" hx-target=\"#ses-box\" hx-swap=\"outerHTML\">{}</button>",
                ctx.te("session-end")
            )
        };
        let _ = write!(
            rows,
            "<tr><td><code>{id}</code></td><td>{until}</td><td>{action}</td></tr>"
        );
    }
    Ok(format!(
        "<div id=\"ses-box\"><table><thead><tr><th>#</th><th>{exp}</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>",
        exp = ctx.te("session-expires"),
    ))
}

/// `POST /ui/account/two-factor`: a new key to set up.
pub async fn begin(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let u = me(&st, &ctx.p).await?;
    let tenant = ctx.p.tenant.as_ref().map(|t| t.name().to_string());
    signin::begin_setup(&st, &u, tenant.as_deref()).await?;
    Ok(html_response(two_factor_box(&st, &ctx, "").await?))
}

/// A code, from a form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    /// Six digits.
    #[serde(default)]
    pub code: String,
}

async fn said(st: &AppState, ctx: &Ctx, ok: bool, id: &str) -> ApiResult<Response> {
    let class = if ok { "ok" } else { "error" };
    let note = format!("<span class=\"{class}\">{}</span>", ctx.te(id));
    let mut r = html_response(two_factor_box(st, ctx, &note).await?);
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// `POST /ui/account/two-factor/confirm`.
pub async fn confirm(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<CodeForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let u = me(&st, &ctx.p).await?;
    if !signin::set_up(&st, &ctx.p, &u, &f.code).await? {
        return said(&st, &ctx, false, "two-factor-wrong").await;
    }
    said(&st, &ctx, true, "two-factor-now-on").await
}

/// `POST /ui/account/two-factor/disable`.
pub async fn disable(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<CodeForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let u = me(&st, &ctx.p).await?;
    match signin::turn_off(&st, &ctx.p, &u, &f.code).await? {
        signin::TurnOff::Done => {}
        signin::TurnOff::Required => return said(&st, &ctx, false, "two-factor-required").await,
        signin::TurnOff::WrongCode => return said(&st, &ctx, false, "two-factor-wrong").await,
    }
    said(&st, &ctx, true, "two-factor-now-off").await
}

/// `POST /ui/account/sessions/{id}/end`.
pub async fn end_session(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    sessions::end_own_session(&st, &ctx.p, &id).await?;
    Ok(html_response(sessions_box(&st, &ctx, &headers).await?))
}
