//! Administration of a tenant's users: the list with each user's role and
//! agent, adding a user, changing a role, resetting a password and removing a
//! user. Every action is a `POST` under `/ui/admin/users` (permission
//! `agents.manage`, the session's CSRF token, the administrator's own tenant
//! only: another tenant's ids are simply not found). Two rules keep a tenant
//! administrable: an administrator cannot change or remove their own user
//! here, and the last administrator keeps that role. A password reset or a
//! removal ends the user's sessions. The table is a maud template.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;
use store::auth::UserRecord;

use super::{Ctx, Markup, UiForm, html, markup_response};
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
pub fn role_options(ctx: &Ctx, current: Option<&str>) -> Markup {
    html! {
        @for r in ROLES {
            option value=(r.as_str()) selected[Some(r.as_str()) == current] {
                (ctx.t(&format!("role-{}", r.as_str())))
            }
        }
    }
}

/// What an administrator may do to another user: change the role, set a
/// new password, reset the second factor (when there is one), remove.
fn actions(ctx: &Ctx, u: &UserRecord, has_second: bool) -> Markup {
    let id = u.id;
    let name = &u.username;
    let msg = format!("u-msg-{id}");
    html! {
        details {
            summary { (ctx.t("edit")) " " span.sr { (name) } }
            form.stack hx-post=(format!("/ui/admin/users/{id}/role")) hx-target="#users" {
                label for=(format!("ur-{id}")) { (ctx.t("role")) " · " (name) }
                select id=(format!("ur-{id}")) name="role" { (role_options(ctx, Some(&u.role))) }
                button type="submit" { (ctx.t("change-role")) }
            }
            form.stack hx-post=(format!("/ui/admin/users/{id}/password"))
                hx-target=(format!("#{msg}")) data-reset {
                label for=(format!("up-{id}")) { (ctx.t("new-password")) " · " (name) }
                input id=(format!("up-{id}")) name="password" type="password" required
                    minlength=(auth::PASSWORD_LEN_MIN) autocomplete="new-password"
                    aria-describedby=(msg);
                button type="submit" { (ctx.t("reset-password")) }
            }
            @if has_second {
                button type="button" .secondary
                    hx-post=(format!("/ui/admin/users/{id}/two-factor/reset")) hx-target="#users"
                    hx-confirm=(ctx.t("two-factor-reset-confirm")) {
                    (ctx.t("two-factor-reset"))
                }
            }
            button type="button" .danger hx-post=(format!("/ui/admin/users/{id}/remove"))
                hx-target="#users" hx-confirm=(ctx.t("remove-user-confirm")) {
                (ctx.t("remove-user"))
            }
            p id=(msg) aria-live="polite" {}
        }
    }
}

/// One user's row: name (with a badge when they have a second factor),
/// role, agent, and the actions (none on one's own user).
fn user_row(ctx: &Ctx, u: &UserRecord, agent: Option<&str>, has_second: bool) -> Markup {
    html! {
        tr data-user=(u.username) {
            td {
                (u.username)
                @if has_second { " " span.badge title=(ctx.t("two-factor-on")) { "2FA" } }
            }
            td.role { (ctx.t(&format!("role-{}", u.role))) }
            td { (agent.unwrap_or("—")) }
            td {
                @if u.username == ctx.p.name {
                    span.hint { "—" }
                } @else {
                    (actions(ctx, u, has_second))
                }
            }
        }
    }
}

/// The users table, with the actions on each user but one's own.
pub async fn users_table(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<Markup> {
    let users = st.store.users(t).await?;
    let agents = st.store.agents(t).await?;
    let second = st.store.totp_users(t.id()).await?;
    let agent_of = |u: &UserRecord| {
        u.agent_id
            .and_then(|a| agents.iter().find(|x| x.id == a))
            .map(|a| a.name.as_str())
    };
    Ok(html! {
        table {
            thead {
                tr {
                    th scope="col" { (ctx.t("username")) }
                    th scope="col" { (ctx.t("role")) }
                    th scope="col" { (ctx.t("agent")) }
                    th scope="col" { (ctx.t("edit")) }
                }
            }
            tbody {
                @for u in &users { (user_row(ctx, u, agent_of(u), second.contains(&u.id))) }
            }
        }
    })
}

/// A message next to a form: `ok` in place, a mistake (422) moved to `target`
/// whatever the form's own target is. `msg` is plain text.
pub(super) fn said(ok: bool, target: &str, msg: &str) -> Response {
    let class = if ok { "ok" } else { "error" };
    let mut r = markup_response(html! { span class=(class) { (msg) } });
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
    Ok(markup_response(users_table(&st, &ctx, &t).await?))
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
    Ok(markup_response(users_table(&st, &ctx, &t).await?))
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
    Ok(markup_response(users_table(&st, &ctx, &t).await?))
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
    Ok(markup_response(users_table(&st, &ctx, &t).await?))
}
