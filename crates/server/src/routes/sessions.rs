//! Sign-in and sign-out (session cookie + CSRF token), and the provider's tenant list.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{self, Principal, SESSION_COOKIE, SESSION_TTL_MS};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, ClientAddr};
use crate::signin;

/// Sign-in request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Tenant name (absent for provider administrators).
    pub tenant: Option<String>,
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// The code of the user's authenticator app, when they have a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// `POST /api/v1/sessions`.
pub async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    Body(req): Body<SignIn>,
) -> ApiResult<Response> {
    let tenant = req.tenant.as_deref();
    let (user, attempt) = check_password(&st, from, tenant, &req.username, &req.password).await?;
    let need = signin::need(&st, &user).await?;
    password_passed(&st, attempt, need);
    match need {
        signin::Need::Nothing => {}
        signin::Need::Setup => return Err(ApiError::second_factor_setup_required()),
        signin::Need::Code => {
            let code = req
                .totp
                .as_deref()
                .ok_or_else(ApiError::second_factor_required)?;
            check_second_factor(&st, from, tenant, &user, code).await?;
        }
    }
    let (cookie, csrf) = start_session(&st, &user, tenant.is_none()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        axum::Json(SignedIn {
            csrf_token: csrf,
            role: user.role,
            agent_id: user.agent_id,
        }),
    )
        .into_response())
}

/// Checks a second factor's code, counted toward the same lock-out as
/// passwords.
pub async fn check_second_factor(
    st: &AppState,
    from: Option<std::net::IpAddr>,
    tenant: Option<&str>,
    user: &store::auth::UserRecord,
    code: &str,
) -> ApiResult<()> {
    let attempt = st
        .throttle
        .begin(tenant.unwrap_or(""), &user.username, from)
        .map_err(ApiError::too_many_attempts)?;
    if signin::check_code(st, user, code).await? {
        st.throttle.succeeded(attempt);
        Ok(())
    } else {
        st.throttle.failed(attempt);
        tracing::warn!(target: "audit", tenant, user = ?user.username, "second factor failed");
        Err(ApiError::unauthenticated())
    }
}

/// Says how a right password's attempt ends: forgotten when nothing more is
/// due, still counted while a second factor is due.
pub fn password_passed(st: &AppState, attempt: crate::lockout::Attempt, need: signin::Need) {
    if need == signin::Need::Nothing {
        st.throttle.succeeded(attempt);
    } else {
        st.throttle.awaiting_second_factor(attempt);
    }
}

/// Checks a password (with the lock-out, per user and source address
/// `from`); the user when it is right, and the attempt, for
/// [`password_passed`] to end. The API and the sign-in page both sign in
/// through here, then through [`start_session`] once any second factor was
/// shown.
pub async fn check_password(
    st: &AppState,
    from: Option<std::net::IpAddr>,
    tenant: Option<&str>,
    username: &str,
    password: &str,
) -> ApiResult<(store::auth::UserRecord, crate::lockout::Attempt)> {
    let attempt = st
        .throttle
        .begin(tenant.unwrap_or(""), username, from)
        .map_err(|retry| {
            tracing::warn!(target: "audit", tenant, user = ?username, "sign-in refused: locked out");
            ApiError::too_many_attempts(retry)
        })?;
    tokio::time::sleep(attempt.delay).await;
    let user = match tenant {
        Some(t) => match st.store.tenant_by_name(t).await? {
            Some(t) => st.store.user(&t, username).await?,
            None => None,
        },
        None => st.store.provider_user(username).await?,
    };
    // Verify even for unknown users so timing does not tell which names exist.
    let phc = user
        .as_ref()
        .map_or(st.dummy_hash.as_str(), |u| u.password_hash.as_str());
    let ok = st.passwords.verify(password, phc).await? && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        st.throttle.failed(attempt);
        tracing::warn!(target: "audit", tenant, user = ?username, "sign-in failed");
        return Err(ApiError::unauthenticated());
    };
    Ok((user, attempt))
}

/// Opens a session for a user who proved who they are (`provider`: a
/// provider-level administrator); the `Set-Cookie` value and the CSRF token.
pub async fn start_session(
    st: &AppState,
    user: &store::auth::UserRecord,
    provider: bool,
) -> ApiResult<(String, String)> {
    let sid = auth::random_hex(32);
    let csrf = auth::random_hex(16);
    st.store
        .create_session(
            &auth::secret_hash(&sid),
            &store::auth::SessionRecord {
                tenant_id: user.tenant_id,
                user_id: user.id,
                csrf: csrf.clone(),
                expires_at: clock::now_ms() + SESSION_TTL_MS,
            },
        )
        .await?;
    let actor = if provider {
        auth::Actor::Provider(user.id)
    } else {
        auth::Actor::User(user.id)
    };
    crate::audit::record_as(
        st,
        user.tenant_id,
        actor,
        crate::audit::AuditAction::SignedIn,
        None,
    )
    .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_TTL_MS / 1000
    );
    Ok((cookie, csrf))
}

/// `DELETE /api/v1/sessions`.
pub async fn sign_out(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cookie = close_session(&st, &p, &headers).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Ends the request's session; returns the `Set-Cookie` value that clears it.
pub async fn close_session(st: &AppState, p: &Principal, headers: &HeaderMap) -> ApiResult<String> {
    p.require(Action::Me)?;
    let sid = crate::ui::cookie(headers, SESSION_COOKIE);
    if let Some(sid) = sid {
        let h = auth::secret_hash(&sid);
        st.tokens.forget_session(&h);
        st.store.delete_session(&h).await?;
    }
    crate::audit::record(st, p, crate::audit::AuditAction::SignedOut, None).await?;
    crate::presence::session_closed(st, p).await;
    Ok(format!(
        "{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
    ))
}

/// `GET /api/v1/tenants`.
pub async fn list_tenants(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::TenantsManage)?;
    let tenants = st
        .store
        .tenants()
        .await?
        .iter()
        .map(TenantRef::of)
        .collect();
    Ok(axum::Json(Tenants { tenants }).into_response())
}

/// `POST /api/v1/sessions`: the session started (its cookie is set).
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    /// The token unsafe requests send back in `X-CSRF-Token`.
    pub csrf_token: String,
    /// The user's role.
    pub role: String,
    /// The agent the user is, if one.
    pub agent_id: Option<i64>,
}

/// A tenant: id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantRef {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl TenantRef {
    fn of(t: &store::Tenant) -> TenantRef {
        TenantRef {
            id: t.id(),
            name: t.name().to_string(),
        }
    }
}

/// `GET /api/v1/tenants`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tenants {
    /// Every tenant.
    pub tenants: Vec<TenantRef>,
}

/// `GET /api/v1/me/sessions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySessions {
    /// One's own sessions.
    pub sessions: Vec<MySession>,
}

/// One of one's own sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySession {
    /// Its id (a prefix of its hash).
    pub id: String,
    /// When it ends (Unix ms).
    pub expires_at: i64,
    /// Whether it is the one asking.
    pub current: bool,
}

/// New tenant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    /// Its name.
    pub name: String,
}

/// `POST /api/v1/tenants`.
pub async fn create_tenant(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewTenant>,
) -> ApiResult<Response> {
    p.require(Action::TenantsManage)?;
    let t = st.store.create_tenant(&req.name, clock::now_ms()).await?;
    let on = Some(format!("tenant:{}", t.id()));
    crate::audit::record(&st, &p, crate::audit::AuditAction::TenantCreated, on).await?;
    Ok((StatusCode::CREATED, axum::Json(TenantRef::of(&t))).into_response())
}

/// The user behind a session principal: (tenant id, user id); none for an
/// API token, which has no sessions.
pub fn session_user(p: &Principal) -> Option<(i64, i64)> {
    let tenant = p
        .tenant
        .as_ref()
        .map_or(store::auth::PROVIDER_TENANT_ID, |t| t.id());
    p.actor.user().map(|u| (tenant, u))
}

/// The id (hash prefix) of the request's own session, if any.
pub fn current_session(headers: &HeaderMap) -> Option<String> {
    crate::ui::cookie(headers, SESSION_COOKIE)
        .map(|sid| auth::secret_hash(&sid).chars().take(16).collect())
}

/// `GET /api/v1/me/sessions`: the user's own sessions (the one asking
/// marked `current`).
pub async fn my_sessions(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::Me)?;
    let current = current_session(&headers);
    let mine = match session_user(&p) {
        Some((tenant, user)) => {
            st.store
                .user_sessions(tenant, user, clock::now_ms())
                .await?
        }
        None => Vec::new(),
    };
    let sessions = mine
        .into_iter()
        .map(|(id, expires_at)| MySession {
            current: Some(&id) == current.as_ref(),
            id,
            expires_at,
        })
        .collect();
    Ok(axum::Json(MySessions { sessions }).into_response())
}

/// `DELETE /api/v1/me/sessions/{id}`: ends one of the user's own sessions
/// (a phone left signed in at home).
pub async fn end_my_session(
    State(st): State<AppState>,
    p: Principal,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<Response> {
    if !end_own_session(&st, &p, &id).await? {
        return Err(ApiError::not_found("session"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends one of the principal's own sessions, by id (the API and the account
/// page): refused at once, and in the audit trail. False when there is no
/// such session of theirs.
pub async fn end_own_session(st: &AppState, p: &Principal, id: &str) -> ApiResult<bool> {
    p.require(Action::Me)?;
    let Some((tenant, user)) = session_user(p) else {
        return Ok(false);
    };
    let Some(hash) = st.store.end_user_session(tenant, user, id).await? else {
        return Ok(false);
    };
    st.tokens.forget_session(&hash);
    crate::audit::record(
        st,
        p,
        crate::audit::AuditAction::SignedOut,
        Some(format!("session:{id}")),
    )
    .await?;
    Ok(true)
}
