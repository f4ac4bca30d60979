//! Administration: the tenant's API tokens — listed with their role, when
//! they were made, when they expire and when they were last used (never
//! their secrets), made with a name, a role and an optional expiry (the
//! secret shown that once), and revoked at once. The same rules as
//! `/api/v1/tokens` ([`crate::routes::tokens`]). maud templates.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use store::auth::TokenInfo;

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::ApiResult;
use crate::perms::Action;
use crate::routes::path_id;
use crate::routes::tokens as api;

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    /// A label.
    #[serde(default)]
    pub name: String,
    /// The role.
    #[serde(default)]
    pub role: String,
    /// `YYYY-MM-DD` (the end of that day in UTC), or empty for none.
    #[serde(default)]
    pub expires: String,
}

fn when(ms: Option<i64>, never: &str) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(
            || never.to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

/// The roles a token may have, in the form's order.
const ROLES: [Role; 5] = [
    Role::Analyst,
    Role::Client,
    Role::Agent,
    Role::Supervisor,
    Role::Admin,
];

/// One token's row, with its revoke button.
fn row(ctx: &Ctx, k: &TokenInfo, never: &str) -> Markup {
    html! {
        tr {
            td { (k.id) }
            td { (k.name) }
            td { (ctx.t(&format!("role-{}", k.role))) }
            td { (when(Some(k.created_at), never)) }
            td { (when(k.expires_at, never)) }
            td { (when(k.last_used_at, never)) }
            td {
                button type="button" .secondary
                    hx-post=(format!("/ui/admin/tokens/{}/revoke", k.id))
                    hx-target="#tokens-box" hx-swap="outerHTML"
                    hx-confirm=(ctx.t("token-revoke-confirm")) { (ctx.t("token-revoke")) }
            }
        }
    }
}

/// The tokens' table, or a line saying there are none.
fn list(ctx: &Ctx, tokens: &[TokenInfo]) -> Markup {
    let never = ctx.t("never");
    html! {
        @if tokens.is_empty() {
            p { (ctx.t("tokens-none")) }
        } @else {
            table {
                thead {
                    tr {
                        th { "#" }
                        th { (ctx.t("token-name")) }
                        th { (ctx.t("role")) }
                        th { (ctx.t("token-created")) }
                        th { (ctx.t("token-expires")) }
                        th { (ctx.t("token-last-used")) }
                        th { span.sr { (ctx.t("actions")) } }
                    }
                }
                tbody {
                    @for k in tokens { (row(ctx, k, &never)) }
                }
            }
        }
    }
}

/// The form that makes a token.
fn new_form(ctx: &Ctx) -> Markup {
    html! {
        form.stack hx-post="/ui/admin/tokens" hx-target="#tokens-box" hx-swap="outerHTML" {
            h3 { (ctx.t("token-new")) }
            label for="tk-name" { (ctx.t("token-name")) }
            input #tk-name name="name" required maxlength="128";
            label for="tk-role" { (ctx.t("role")) }
            select #tk-role name="role" {
                @for r in ROLES {
                    option value=(r.as_str()) { (ctx.t(&format!("role-{}", r.as_str()))) }
                }
            }
            label for="tk-exp" { (ctx.t("token-expires")) }
            input #tk-exp name="expires" type="date";
            button type="submit" { (ctx.t("token-make")) }
        }
    }
}

/// The list and the form; `note` goes above them (a new secret, an error).
async fn tokens_box(st: &AppState, ctx: &Ctx, note: Markup) -> ApiResult<Markup> {
    let tokens = st.store.tokens(ctx.p.tenant()?).await?;
    Ok(html! {
        #tokens-box {
            p aria-live="polite" { (note) }
            (list(ctx, &tokens))
            (new_form(ctx))
        }
    })
}

/// The section of the administration page (administrators only).
pub async fn section(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if !crate::perms::allowed(ctx.p.role, Action::TokensManage) {
        return Ok(html! {});
    }
    Ok(html! {
        section.card aria-labelledby="tokens-h" {
            h2 #tokens-h { (ctx.t("tokens-title")) }
            p.hint { (ctx.t("tokens-hint")) }
            (tokens_box(st, ctx, html! {}).await?)
        }
    })
}

/// The list and the form again, with what was wrong, as 422.
async fn refused(st: &AppState, ctx: &Ctx, message: &str) -> ApiResult<Response> {
    let note = html! { span.error { (message) } };
    let mut r = markup_response(tokens_box(st, ctx, note).await?);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// `POST /ui/admin/tokens`.
pub async fn make(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<TokenForm>,
) -> ApiResult<Response> {
    p.require(Action::TokensManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let expires_at = match f.expires.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) => day
                .and_hms_opt(23, 59, 59)
                .map(|t| t.and_utc().timestamp_millis()),
            Err(_) => {
                let msg = format!("{}: {d}", ctx.t("token-expires"));
                return refused(&st, &ctx, &msg).await;
            }
        },
    };
    let made = api::make(&st, &ctx.p, f.name.trim(), &f.role, expires_at).await;
    let secret = match made {
        Ok((_, secret)) => secret,
        Err(e) if e.status.is_client_error() => return refused(&st, &ctx, &e.message).await,
        Err(e) => return Err(e),
    };
    let note = html! {
        span.ok { (ctx.t("token-secret-once")) } " "
        code.secret { (secret) }
    };
    Ok(markup_response(tokens_box(&st, &ctx, note).await?))
}

/// `POST /ui/admin/tokens/{id}/revoke`.
pub async fn revoke(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    api::revoke_now(&st, &ctx.p, path_id(&id, "token")?).await?;
    let note = html! { span.ok { (ctx.t("token-revoked")) } };
    Ok(markup_response(tokens_box(&st, &ctx, note).await?))
}
