//! Administration: the tenant's API tokens — listed with their role, when
//! they were made, when they expire and when they were last used (never
//! their secrets), made with a name, a role and an optional expiry (the
//! secret shown that once), and revoked at once. The same rules as
//! `/api/v1/tokens` ([`crate::routes::tokens`]).

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response};
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

/// The list and the form; `note` goes above them (a new secret, an error).
async fn box_html(st: &AppState, ctx: &Ctx, note: &str) -> ApiResult<String> {
    let tokens = st.store.tokens(ctx.p.tenant()?).await?;
    let never = ctx.te("never");
    let mut rows = String::new();
    for k in &tokens {
        let _ = write!(
            rows,
            "<tr><td>{id}</td><td>{name}</td><td>{role}</td><td>{made}</td><td>{exp}</td><td>{used}</td>\
<td><button type=\"button\" class=\"secondary\" hx-post=\"/ui/admin/tokens/{id}/revoke\" hx-target=\"#tokens-box\" hx-swap=\"outerHTML\" hx-confirm=\"{confirm}\">{revoke}</button></td></tr>",
            id = k.id,
            name = esc(&k.name),
            role = ctx.te(&format!("role-{}", k.role)),
            made = when(Some(k.created_at), &never),
            exp = when(k.expires_at, &never),
            used = when(k.last_used_at, &never),
            confirm = esc(&ctx.te("token-revoke-confirm")),
            revoke = ctx.te("token-revoke"),
        );
    }
    let list = if tokens.is_empty() {
        format!("<p>{}</p>", ctx.te("tokens-none"))
    } else {
        format!(
            "<table><thead><tr><th>#</th><th>{name}</th><th>{role}</th><th>{made}</th><th>{exp}</th><th>{used}</th><th></th></tr></thead><tbody>{rows}</tbody></table>",
            name = ctx.te("token-name"),
            role = ctx.te("role"),
            made = ctx.te("token-created"),
            exp = ctx.te("token-expires"),
            used = ctx.te("token-last-used"),
        )
    };
    let mut roles = String::new();
    for r in [
        Role::Analyst,
        Role::Client,
        Role::Agent,
        Role::Supervisor,
        Role::Admin,
    ] {
        let _ = write!(
            roles,
            "<option value=\"{}\">{}</option>",
            r.as_str(),
            ctx.te(&format!("role-{}", r.as_str()))
        );
    }
    Ok(format!(
        "<div id=\"tokens-box\"><p aria-live=\"polite\">{note}</p>{list}\
<form class=\"stack\" hx-post=\"/ui/admin/tokens\" hx-target=\"#tokens-box\" hx-swap=\"outerHTML\">\
<h3>{new}</h3>\
<label for=\"tk-name\">{name_l}</label><input id=\"tk-name\" name=\"name\" required maxlength=\"128\">\
<label for=\"tk-role\">{role_l}</label><select id=\"tk-role\" name=\"role\">{roles}</select>\
<label for=\"tk-exp\">{exp_l}</label><input id=\"tk-exp\" name=\"expires\" type=\"date\">\
<button type=\"submit\">{make}</button></form></div>",
        new = ctx.te("token-new"),
        name_l = ctx.te("token-name"),
        role_l = ctx.te("role"),
        exp_l = ctx.te("token-expires"),
        make = ctx.te("token-make"),
    ))
}

/// The section of the administration page (administrators only).
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if !crate::perms::allowed(ctx.p.role, Action::TokensManage) {
        return Ok(String::new());
    }
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"tokens-h\"><h2 id=\"tokens-h\">{}</h2>\
<p class=\"hint\">{}</p>{}</section>",
        ctx.te("tokens-title"),
        ctx.te("tokens-hint"),
        box_html(st, ctx, "").await?,
    ))
}

/// The list and the form again, with what was wrong, as 422.
async fn refused(st: &AppState, ctx: &Ctx, message: &str) -> ApiResult<Response> {
    let note = format!("<span class=\"error\">{}</span>", esc(message));
    let mut r = html_response(box_html(st, ctx, &note).await?);
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
                let msg = format!("{}: {d}", ctx.te("token-expires"));
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
    let note = format!(
        "<span class=\"ok\">{}</span> <code class=\"secret\">{}</code>",
        ctx.te("token-secret-once"),
        esc(&secret)
    );
    Ok(html_response(box_html(&st, &ctx, &note).await?))
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
    let note = format!("<span class=\"ok\">{}</span>", ctx.te("token-revoked"));
    Ok(html_response(box_html(&st, &ctx, &note).await?))
}
