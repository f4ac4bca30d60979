//! A call's recording: pause and resume (card payments), start on demand,
//! listen. Each request is a fact in the log (a download is logged before
//! the file is served); the switch acts on the others once committed.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;
use crate::tenant::{Op, RecordingAction};

async fn act(
    st: &AppState,
    p: &Principal,
    id: &str,
    action: RecordingAction,
) -> ApiResult<Response> {
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
        .call(Op::Recording {
            interaction: id,
            by_agent,
            by: p.name.clone(),
            action,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/interactions/{id}/recording/pause`.
pub async fn pause(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    act(&st, &p, &id, RecordingAction::Pause).await
}

/// `POST /api/v1/interactions/{id}/recording/resume`.
pub async fn resume(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    act(&st, &p, &id, RecordingAction::Resume).await
}

/// `POST /api/v1/interactions/{id}/recording/start`.
pub async fn start(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    act(&st, &p, &id, RecordingAction::Start).await
}

/// `GET /api/v1/interactions/{id}/recording`: the WAV file; the access is a fact first.
pub async fn download(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::RecordingsRead)?;
    let id = path_id(&id, "interaction")?;
    let t = p.tenant()?;
    let path = st
        .store
        .interaction_facts(t, id)
        .await?
        .into_iter()
        .filter_map(|r| match r.fact {
            store::Fact::Call {
                call: store::CallFact::RecordingStarted { path, .. },
                ..
            } => Some(path),
            _ => None,
        })
        .next_back()
        .ok_or_else(|| ApiError::not_found("recording"))?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::Recording {
            interaction: id,
            by_agent: None,
            by: p.name.clone(),
            action: RecordingAction::Access,
        })
        .await?;
    let on = Some(format!("interaction:{id}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::RecordingListened, on).await?;
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(&path))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            tracing::warn!(interaction = id, error = %e, "recording unreadable");
            ApiError::not_found("recording")
        })?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response())
}
