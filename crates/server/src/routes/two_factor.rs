//! A user's own second factor through the API (`/api/v1/me/two-factor`),
//! and an administrator's reset of someone's (a lost phone). The rules and
//! keys are in [`crate::signin`]; the sign-in page sets one up too.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use store::auth::UserRecord;

use crate::AppState;
use crate::audit::{self, AuditAction};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;
use crate::signin;

/// The signed-in user (an API token has no second factor).
pub async fn me(st: &AppState, p: &Principal) -> ApiResult<UserRecord> {
    p.require(Action::Me)?;
    let tenant = p
        .tenant
        .as_ref()
        .map_or(store::auth::PROVIDER_TENANT_ID, |t| t.id());
    let id = p.actor.user().ok_or_else(|| {
        ApiError::conflict("an API token has no second factor: sign in as a user")
    })?;
    st.store
        .user_by_id(tenant, id)
        .await?
        .ok_or_else(ApiError::unauthenticated)
}

/// `GET /api/v1/me/two-factor`: `{"enabled", "setting_up", "required"}`.
pub async fn status(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    let u = me(&st, &p).await?;
    let rec = st.store.totp(u.tenant_id, u.id).await?.unwrap_or_default();
    let required = signin::required(&st, &u).await?;
    Ok(axum::Json(TwoFactorStatus {
        enabled: rec.secret.is_some(),
        setting_up: rec.pending.is_some(),
        required,
    })
    .into_response())
}

/// `GET /api/v1/me/two-factor`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TwoFactorStatus {
    /// A second factor is set up.
    pub enabled: bool,
    /// A key is being set up (not yet confirmed).
    pub setting_up: bool,
    /// The tenant or the role requires one.
    pub required: bool,
}

/// `POST /api/v1/me/two-factor`: a new key to set up: `{"secret",
/// "otpauth_uri"}`; it counts once confirmed with a code.
pub async fn begin(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    let u = me(&st, &p).await?;
    let tenant = p.tenant.as_ref().map(|t| t.name().to_string());
    let s = signin::begin_setup(&st, &u, tenant.as_deref()).await?;
    Ok((StatusCode::CREATED, axum::Json(s)).into_response())
}

/// A code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// Six digits from the authenticator app.
    pub code: String,
}

/// `POST /api/v1/me/two-factor/confirm`: the key being set up becomes the
/// user's second factor when the code is right.
pub async fn confirm(
    State(st): State<AppState>,
    p: Principal,
    Body(c): Body<Code>,
) -> ApiResult<Response> {
    let u = me(&st, &p).await?;
    if !signin::confirm_setup(&st, &u, &c.code).await? {
        return Err(ApiError::field(
            "code",
            "not the code of the key being set up, now",
        ));
    }
    audit::record(&st, &p, AuditAction::SecondFactorSet, None).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/me/two-factor/disable`: removes the user's second factor,
/// on a current code; refused when their role must have one.
pub async fn disable(
    State(st): State<AppState>,
    p: Principal,
    Body(c): Body<Code>,
) -> ApiResult<Response> {
    let u = me(&st, &p).await?;
    match signin::turn_off(&st, &p, &u, &c.code).await? {
        signin::TurnOff::Done => {}
        signin::TurnOff::Required => {
            return Err(ApiError::conflict(
                "your tenant requires a second factor of your role",
            ));
        }
        signin::TurnOff::WrongCode => {
            return Err(ApiError::field("code", "not a current code of your key"));
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /api/v1/users/{id}/two-factor`: an administrator removes a
/// user's second factor (they set up a new one at their next sign-in when
/// it is required).
pub async fn reset(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    let t = p.tenant()?;
    if !st.store.disable_totp(t.id(), id).await? {
        return Err(ApiError::not_found("user"));
    }
    audit::record(
        &st,
        &p,
        AuditAction::SecondFactorReset,
        Some(format!("user:{id}")),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
