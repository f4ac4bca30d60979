//! A connected call's controls: hold, resume, mute, unmute, hang-up and
//! consult transfer (start, complete, cancel). Each request is a fact in the
//! interaction's log once checked; the switch acts on it once committed
//! (`crate::sip`), the way it acts on the recording's pause and resume.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{CallAction, Op};

/// Checks who asks and hands the control to the tenant's task.
pub async fn act(st: &AppState, p: &Principal, id: &str, action: CallAction) -> ApiResult<()> {
    p.require(Action::InteractionsWork)?;
    let id = path_id(id, "interaction")?;
    let by_agent = match p.role {
        Role::Agent => Some(
            p.agent
                .map(|a| i64::from(a.0))
                .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))?,
        ),
        _ => None,
    };
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::CallControl {
            interaction: id,
            by_agent,
            by: p.name.clone(),
            action,
        })
        .await?;
    Ok(())
}

async fn respond(
    st: &AppState,
    p: &Principal,
    id: &str,
    action: CallAction,
) -> ApiResult<Response> {
    act(st, p, id, action).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/interactions/{id}/call/hold`.
pub async fn hold(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Hold).await
}

/// `POST /api/v1/interactions/{id}/call/resume`.
pub async fn resume(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Resume).await
}

/// `POST /api/v1/interactions/{id}/call/mute`.
pub async fn mute(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Mute).await
}

/// `POST /api/v1/interactions/{id}/call/unmute`.
pub async fn unmute(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Unmute).await
}

/// `POST /api/v1/interactions/{id}/call/hangup`.
pub async fn hangup(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Hangup).await
}

/// Whom to consult.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultBody {
    /// The agent to ring.
    pub agent_id: i64,
}

/// `POST /api/v1/interactions/{id}/call/consult` with `{"agent_id": N}`.
pub async fn consult(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ConsultBody>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::Consult(req.agent_id)).await
}

/// `POST /api/v1/interactions/{id}/call/consult/complete`.
pub async fn consult_complete(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::ConsultComplete).await
}

/// `POST /api/v1/interactions/{id}/call/consult/cancel`.
pub async fn consult_cancel(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    respond(&st, &p, &id, CallAction::ConsultCancel).await
}
