//! API tokens, managed by the tenant's administrators: `GET
//! /api/v1/tokens` lists them (never their secrets), `POST` makes one and
//! shows its secret `token` that once, `DELETE /api/v1/tokens/{id}`
//! revokes one at once. A token revoked from the command line against a
//! running server stops working within [`crate::auth::TOKEN_RECHECK`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Principal, Role};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};

/// When a token stops working: Unix milliseconds, or an RFC 3339 time.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum When {
    /// Unix milliseconds.
    Ms(i64),
    /// `2027-01-31T18:00:00Z`.
    Text(String),
}

impl When {
    fn ms(&self) -> ApiResult<i64> {
        match self {
            When::Ms(ms) => Ok(*ms),
            When::Text(s) => super::time_field("expires_at", s),
        }
    }
}

/// A new token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A label (which integration uses it).
    pub name: String,
    /// `admin`, `supervisor`, `agent`, `analyst` or `client`.
    pub role: String,
    /// When it stops working (none: when revoked).
    pub expires_at: Option<When>,
}

/// `GET /api/v1/tokens`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::TokensManage)?;
    let tokens = st.store.tokens(p.tenant()?).await?;
    Ok(axum::Json(Tokens { tokens }).into_response())
}

/// `GET /api/v1/tokens`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Tokens {
    /// The tenant's tokens (never their secrets).
    pub tokens: Vec<store::auth::TokenInfo>,
}

/// `POST /api/v1/tokens`: the token made, with its secret (shown this once).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TokenMade {
    /// The token's record.
    #[serde(flatten)]
    pub info: store::auth::TokenInfo,
    /// Its secret, for `Authorization: Bearer`.
    pub token: String,
}

/// Makes a token of `role` for the principal's tenant (the API's and the
/// administration page's one way): its record and its secret, shown once.
pub async fn make(
    st: &AppState,
    p: &Principal,
    name: &str,
    role: &str,
    expires_at: Option<i64>,
) -> ApiResult<(store::auth::TokenInfo, String)> {
    p.require(Action::TokensManage)?;
    let role = match Role::parse(role) {
        Some(Role::Provider) | None => {
            return Err(ApiError::field(
                "role",
                "one of admin, supervisor, agent, analyst, client",
            ));
        }
        Some(r) => r,
    };
    let secret = auth::new_token();
    let hash = auth::secret_hash(&secret);
    let info = st
        .store
        .add_token(
            p.tenant()?,
            name,
            role.as_str(),
            &hash,
            clock::now_ms(),
            expires_at,
        )
        .await?;
    let on = Some(format!("token:{}", info.id));
    crate::audit::record(st, p, crate::audit::AuditAction::TokenCreated, on).await?;
    Ok((info, secret))
}

/// Revokes a token of the principal's tenant at once: gone from the store
/// and from this server's cache.
pub async fn revoke_now(st: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    p.require(Action::TokensManage)?;
    let t = p.tenant()?;
    if !st.store.revoke_token(t, id).await? {
        return Err(ApiError::not_found("token"));
    }
    st.tokens.forget_token(t.id(), id);
    let on = Some(format!("token:{id}"));
    crate::audit::record(st, p, crate::audit::AuditAction::TokenRevoked, on).await
}

/// `POST /api/v1/tokens`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewToken>,
) -> ApiResult<Response> {
    p.require(Action::TokensManage)?;
    let expires_at = req.expires_at.as_ref().map(When::ms).transpose()?;
    let (info, secret) = make(&st, &p, &req.name, &req.role, expires_at).await?;
    let body = TokenMade {
        info,
        token: secret,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `DELETE /api/v1/tokens/{id}`.
pub async fn revoke(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::TokensManage)?;
    revoke_now(&st, &p, path_id(&id, "token")?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
