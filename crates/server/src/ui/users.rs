//! Administration of a tenant's users: the list with each user's role and
//! agent, adding a user, changing a role, resetting a password and removing a
//! user. Every action is a `POST` under `/ui/admin/users` (permission
//! `agents.manage`, the session's CSRF token, the administrator's own tenant
//! only: another tenant's ids are simply not found). Two rules keep a tenant
//! administrable: an administrator cannot change or remove their own user
//! here, and the last administrator keeps that role. A password reset or a
//! removal ends the user's sessions.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;
use store::auth::UserRecord;

use super::{Ctx, UiForm, esc, html_response};
use crate::AppState;
use crate::auth::{self, Principal, Role};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;

/// The roles an administrator may give (never the provider's).
const ROLES: [Role; 5] = [
    Role::Agent,
    Role::Supervisor,
    Role::Admin,
    Role::Analyst,
    Role::Client,
];

/// `<option>`s of the roles, `current` selected.
pub fn role_options(ctx: &Ctx, current: Option<&str>) -> String {
    let mut s = String::new();
    for r in ROLES {
        let sel = if Some(r.as_str()) == current {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            s,
            "<option value=\"{}\"{sel}>{}</option>",
            r.as_str(),
            ctx.te(&format!("role-{}", r.as_str()))
        );
    }
    s
}

/// The users table, with the actions on each user but one's own.
pub async fn users_html(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<String> {
    let users = st.store.users(t).await?;
    let agents = st.store.agents(t).await?;
    let second = st.store.totp_users(t.id()).await?;
    let mut s = format!(
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("username"),
        ctx.te("role"),
        ctx.te("agent"),
        ctx.te("edit"),
    );
    for u in &users {
        let agent = u
            .agent_id
            .and_then(|a| agents.iter().find(|x| x.id == a))
            .map_or("—".to_string(), |a| esc(&a.name));
        let name = esc(&u.username);
        let has_second = second.contains(&u.id);
        let badge = if has_second {
            format!(
                " <span class=\"badge\" title=\"{}\">2FA</span>",
                ctx.te("two-factor-on")
            )
        } else {
            String::new()
        };
        let reset_second = if has_second {
            format!(
                "<button type=\"button\" class=\"secondary\" hx-post=\"/ui/admin/users/{id}/two-factor/reset\" hx-target=\"#users\" hx-confirm=\"{confirm}\">{label}</button>",
                id = u.id,
                confirm = ctx.te("two-factor-reset-confirm"),
                label = ctx.te("two-factor-reset"),
            )
        } else {
            String::new()
        };
        let actions = if u.username == ctx.p.name {
            "<span class=\"hint\">—</span>".to_string()
        } else {
            format!(
                "<details><summary>{edit} <span class=\"sr\">{name}</span></summary>\
<form class=\"stack\" hx-post=\"/ui/admin/users/{id}/role\" hx-target=\"#users\">\
<label for=\"ur-{id}\">{role_l} · {name}</label><select id=\"ur-{id}\" name=\"role\">{roles}</select>\
<button type=\"submit\">{change_role}</button></form>\
<form class=\"stack\" hx-post=\"/ui/admin/users/{id}/password\" hx-target=\"#u-msg-{id}\" data-reset>\
<label for=\"up-{id}\">{new_pw} · {name}</label>\
<input id=\"up-{id}\" name=\"password\" type=\"password\" required minlength=\"{pw_min}\" autocomplete=\"new-password\" aria-describedby=\"u-msg-{id}\">\
<button type=\"submit\">{reset}</button></form>\
{reset_second}\
<button type=\"button\" class=\"danger\" hx-post=\"/ui/admin/users/{id}/remove\" hx-target=\"#users\" hx-confirm=\"{confirm}\">{remove}</button>\
<p id=\"u-msg-{id}\" aria-live=\"polite\"></p></details>",
                id = u.id,
                edit = ctx.te("edit"),
                role_l = ctx.te("role"),
                roles = role_options(ctx, Some(&u.role)),
                change_role = ctx.te("change-role"),
                new_pw = ctx.te("new-password"),
                pw_min = auth::PASSWORD_LEN_MIN,
                reset = ctx.te("reset-password"),
                confirm = ctx.te("remove-user-confirm"),
                remove = ctx.te("remove-user"),
            )
        };
        let _ = write!(
            s,
            "<tr data-user=\"{name}\"><td>{name}{badge}</td><td class=\"role\">{}</td><td>{agent}</td><td>{actions}</td></tr>",
            ctx.te(&format!("role-{}", u.role))
        );
    }
    s.push_str("</tbody></table>");
    Ok(s)
}

/// A message next to a form: `ok` in place, a mistake (422) moved to `target`
/// whatever the form's own target is.
pub(super) fn said(ok: bool, target: &str, msg: &str) -> Response {
    let cls = if ok { "ok" } else { "error" };
    let mut r = html_response(format!("<span class=\"{cls}\">{}</span>", esc(msg)));
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        if let Ok(v) = HeaderValue::from_str(target) {
            r.headers_mut()
                .insert(header::HeaderName::from_static("hx-retarget"), v);
            r.headers_mut().insert(
                header::HeaderName::from_static("hx-reswap"),
                HeaderValue::from_static("innerHTML"),
            );
        }
    }
    r
}

/// What is wrong with a new password, in the user's language when we can.
fn password_problem(ctx: &Ctx, password: &str, username: &str) -> Option<String> {
    let e = auth::check_new_password(password, username).err()?;
    // The hint says every rule but the upper bound on length.
    Some(if password.len() <= 1024 {
        i18n::Catalog::global().t(ctx.lang, "password-hint")
    } else {
        format!("{}: {e}", i18n::Catalog::global().t(ctx.lang, "password"))
    })
}

/// A new user.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    /// Name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Role name.
    pub role: String,
}

/// `POST /ui/admin/users`.
pub async fn add_user(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<UserForm>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let wrong = |m: &str| Ok(said(false, "#nu-msg", m));
    let Some(role) = Role::parse(&f.role).filter(|r| *r != Role::Provider) else {
        return wrong("role: agent, supervisor, admin, analyst or client");
    };
    let name = f.username.trim();
    if name.is_empty()
        || name.len() > store::auth::USERNAME_LEN_MAX
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return wrong(&format!(
            "{}: 1–64 characters without spaces",
            i18n::Catalog::global().t(ctx.lang, "username")
        ));
    }
    if let Some(m) = password_problem(&ctx, &f.password, name) {
        return wrong(&m);
    }
    if st.store.user(&t, name).await?.is_some() {
        return wrong(&format!(
            "{name}: {}",
            i18n::Catalog::global().t(ctx.lang, "user-exists")
        ));
    }
    let hash = st.passwords.hash(&f.password).await?;
    let added = st
        .store
        .create_user(&t, name, &hash, role.as_str(), clock::now_ms())
        .await?;
    let on = Some(format!("user:{}", added.id));
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::UserAdded, on).await?;
    Ok(html_response(users_html(&st, &ctx, &t).await?))
}

/// What an action on a user starts from: the administrator's permission and
/// page context, their tenant, and the user the action is about — one of
/// that tenant's (another tenant's id is not found), and not the
/// administrator's own (that answers with a message next to the user).
async fn target(
    st: &AppState,
    p: Principal,
    headers: &HeaderMap,
    id: &str,
) -> ApiResult<Result<(Ctx, Tenant, UserRecord), Response>> {
    p.require(Action::AgentsManage)?;
    let ctx = Ctx::new(st, p, headers).await?;
    let t = ctx.p.tenant()?.clone();
    let id = path_id(id, "user")?;
    let u = st
        .store
        .user_by_id(t.id(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    if u.username == ctx.p.name {
        return Ok(Err(said(
            false,
            &format!("#u-msg-{id}"),
            &i18n::Catalog::global().t(ctx.lang, "own-user"),
        )));
    }
    Ok(Ok((ctx, t, u)))
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    /// Role name.
    pub role: String,
}

/// `POST /ui/admin/users/{id}/role`.
pub async fn set_role(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<RoleForm>,
) -> ApiResult<Response> {
    let (ctx, t, u) = match target(&st, p, &headers, &id).await? {
        Ok(found) => found,
        Err(r) => return Ok(r),
    };
    let msg_at = format!("#u-msg-{}", u.id);
    let Some(role) = Role::parse(&f.role).filter(|r| *r != Role::Provider) else {
        return Ok(said(
            false,
            &msg_at,
            "role: agent, supervisor, admin, analyst or client",
        ));
    };
    if !st.store.set_role(&t, u.id, role.as_str()).await? {
        return Ok(said(
            false,
            &msg_at,
            &i18n::Catalog::global().t(ctx.lang, "last-admin"),
        ));
    }
    st.tokens.forget_user(t.id(), &u.username);
    let on = Some(format!("user:{}", u.id));
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::RoleChanged, on).await?;
    Ok(html_response(users_html(&st, &ctx, &t).await?))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    /// The new password.
    pub password: String,
}

/// `POST /ui/admin/users/{id}/password`: sets a new password and ends the
/// user's sessions.
pub async fn reset_password(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<PasswordForm>,
) -> ApiResult<Response> {
    let (ctx, t, u) = match target(&st, p, &headers, &id).await? {
        Ok(found) => found,
        Err(r) => return Ok(r),
    };
    let msg_at = format!("#u-msg-{}", u.id);
    if let Some(m) = password_problem(&ctx, &f.password, &u.username) {
        return Ok(said(false, &msg_at, &m));
    }
    let hash = st.passwords.hash(&f.password).await?;
    if !st.store.set_user_password(&t, u.id, &hash).await? {
        return Err(ApiError::not_found("user"));
    }
    st.store.end_user_sessions(&t, u.id).await?;
    st.tokens.forget_user(t.id(), &u.username);
    let on = Some(format!("user:{}", u.id));
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::PasswordReset, on).await?;
    Ok(said(
        true,
        &msg_at,
        &i18n::Catalog::global().t(ctx.lang, "password-reset-done"),
    ))
}

/// `POST /ui/admin/users/{id}/two-factor/reset`: removes the user's second
/// factor (a lost phone); they set up a new one at their next sign-in where
/// it is required.
pub async fn reset_second_factor(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (ctx, t, u) = match target(&st, p, &headers, &id).await? {
        Ok(found) => found,
        Err(r) => return Ok(r),
    };
    st.store.disable_totp(t.id(), u.id).await?;
    let on = Some(format!("user:{}", u.id));
    crate::audit::record(
        &st,
        &ctx.p,
        crate::audit::AuditAction::SecondFactorReset,
        on,
    )
    .await?;
    Ok(html_response(users_html(&st, &ctx, &t).await?))
}

/// `POST /ui/admin/users/{id}/remove`: removes the user and ends their sessions.
pub async fn remove(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (ctx, t, u) = match target(&st, p, &headers, &id).await? {
        Ok(found) => found,
        Err(r) => return Ok(r),
    };
    if !st.store.delete_user(&t, u.id).await? {
        return Ok(said(
            false,
            &format!("#u-msg-{}", u.id),
            &i18n::Catalog::global().t(ctx.lang, "last-admin"),
        ));
    }
    st.tokens.forget_user(t.id(), &u.username);
    let on = Some(format!("user:{}", u.id));
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::UserRemoved, on).await?;
    Ok(html_response(users_html(&st, &ctx, &t).await?))
}
