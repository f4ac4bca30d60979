//! The user's own account page (`/ui/account`): their second factor (set
//! it up from a QR code and a first code, or turn it off with a current
//! code where their role may go without) and their sessions (each one ended
//! with a click). The same rules as `/api/v1/me/two-factor` and
//! `/api/v1/me/sessions`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, Markup, PreEscaped, UiForm, html, layout, markup_response};
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
    let tf_box = two_factor_box(&st, &ctx, html! {}).await?;
    let ses_box = sessions_box(&st, &ctx, &headers).await?;
    let main = html! {
        .grid {
            section.card aria-labelledby="tf-h" {
                h2 #tf-h { (ctx.t("two-factor")) }
                (tf_box)
            }
            section.card aria-labelledby="ses-h" {
                h2 #ses-h { (ctx.t("sessions-title")) }
                (ses_box)
            }
        }
    };
    Ok(layout(
        &ctx,
        "account-title",
        "/ui/account",
        "account",
        None,
        main,
    ))
}

/// The second factor's box: `note` (the answer to the last action), then
/// its state with what can be done from there.
async fn two_factor_box(st: &AppState, ctx: &Ctx, note: Markup) -> ApiResult<Markup> {
    let Ok(u) = me(st, &ctx.p).await else {
        return Ok(html! {});
    };
    let rec = st.store.totp(u.tenant_id, u.id).await?.unwrap_or_default();
    let required = signin::required(st, &u).await?;
    let tenant = ctx.p.tenant.as_ref().map(|t| t.name().to_string());
    let body = if rec.secret.is_some() {
        turn_off_html(ctx, required)
    } else if let Some(s) = signin::pending_setup(st, &u, tenant.as_deref()).await? {
        setup_html(ctx, &s)
    } else {
        let why = if required {
            "two-factor-required"
        } else {
            "two-factor-off"
        };
        html! {
            p #tf-state data-enabled="false" { (ctx.t(why)) }
            button type="button" #tf-start hx-post="/ui/account/two-factor" hx-target="#tf-box"
                hx-swap="outerHTML" { (ctx.t("two-factor-set-up")) }
        }
    };
    Ok(html! {
        #tf-box {
            p aria-live="polite" { (note) }
            (body)
        }
    })
}

/// The second factor is on: turn it off with a code, unless it is required.
fn turn_off_html(ctx: &Ctx, required: bool) -> Markup {
    html! {
        p #tf-state data-enabled="true" { (ctx.t("two-factor-on")) }
        @if required {
            p.hint { (ctx.t("two-factor-required")) }
        } @else {
            form.stack hx-post="/ui/account/two-factor/disable" hx-target="#tf-box"
                hx-swap="outerHTML" {
                label for="tf-off-code" { (ctx.t("two-factor-code")) }
                input #tf-off-code name="code" required inputmode="numeric"
                    autocomplete="one-time-code" maxlength="7";
                button type="submit" .secondary { (ctx.t("two-factor-turn-off")) }
            }
        }
    }
}

/// A key being set up: its QR code (an SVG we drew), its text, and the
/// form for its first code.
fn setup_html(ctx: &Ctx, s: &signin::Setup) -> Markup {
    html! {
        p { (ctx.t("two-factor-setup-hint")) }
        figure #totp-qr aria-label=(ctx.t("two-factor-qr")) { (PreEscaped(&s.qr_svg)) }
        p.hint { (ctx.t("two-factor-key")) }
        p { code #totp-secret { (s.secret) } }
        form.stack hx-post="/ui/account/two-factor/confirm" hx-target="#tf-box"
            hx-swap="outerHTML" {
            label for="tf-code" { (ctx.t("two-factor-code")) }
            input #tf-code name="code" required inputmode="numeric" autocomplete="one-time-code"
                maxlength="7";
            button type="submit" { (ctx.t("verify")) }
        }
    }
}

/// The user's sessions, each but this one with a button to end it.
async fn sessions_box(st: &AppState, ctx: &Ctx, headers: &HeaderMap) -> ApiResult<Markup> {
    let Some((tenant, user)) = sessions::session_user(&ctx.p) else {
        return Ok(html! {});
    };
    let current = sessions::current_session(headers);
    let list = st
        .store
        .user_sessions(tenant, user, clock::now_ms())
        .await?;
    Ok(html! {
        #ses-box {
            table {
                thead { tr { th { "#" } th { (ctx.t("session-expires")) } th { span.sr { (ctx.t("actions")) } } } }
                tbody {
                    @for (id, expires) in &list {
                        (session_row(ctx, id, *expires, current.as_deref() == Some(id.as_str())))
                    }
                }
            }
        }
    })
}

/// A session: its id, when it ends, and a button to end it unless it is `this` one.
fn session_row(ctx: &Ctx, id: &str, expires: i64, this: bool) -> Markup {
    let until = chrono::DateTime::from_timestamp_millis(expires)
        .map(|t| {
            t.with_timezone(&ctx.tz)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    html! {
        tr {
            td { code { (id) } }
            td { (until) }
            td {
                @if this {
                    (ctx.t("session-this"))
                } @else {
                    button type="button" .secondary
                        hx-post=(format!("/ui/account/sessions/{id}/end")) hx-target="#ses-box"
                        hx-swap="outerHTML" { (ctx.t("session-end")) }
                }
            }
        }
    }
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
    Ok(markup_response(two_factor_box(&st, &ctx, html! {}).await?))
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
    let note = html! { span class=(class) { (ctx.t(id)) } };
    let mut r = markup_response(two_factor_box(st, ctx, note).await?);
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
    Ok(markup_response(sessions_box(&st, &ctx, &headers).await?))
}
