//! A call's recording: pause and resume (card payments), start on demand,
//! listen. Each request is a fact in the log (a download is logged before
//! the file is served); the switch acts on the others once committed.
//! [`recording_info`] reads where a recording's pauses fall in its file
//! (the quality review's player draws them).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;
use crate::tenant::{Op, RecordingAction};

/// Asks for a recording action on a call (the agent's own calls only).
pub(crate) async fn act(
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

/// A call's recording as the log tells it: the file, and the pauses in
/// it (where in the file, in ms, and how long each lasted: nothing was
/// kept meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingInfo {
    /// The file.
    pub path: String,
    /// (ms into the file, ms paused) of each pause.
    pub pauses: Vec<(u64, u64)>,
}

/// The interaction's last recording, if one was started.
pub async fn recording_info(
    st: &AppState,
    t: &store::Tenant,
    id: i64,
) -> ApiResult<Option<RecordingInfo>> {
    use store::CallFact as C;
    let mut info: Option<RecordingInfo> = None;
    // (when the file started, ms paused so far, when the current pause began)
    let (mut started, mut paused, mut since) = (0i64, 0i64, None::<i64>);
    for r in st.store.interaction_facts(t, id).await? {
        let store::Fact::Call { call, .. } = r.fact else {
            continue;
        };
        match call {
            C::RecordingStarted { path, .. } => {
                info = Some(RecordingInfo {
                    path,
                    pauses: Vec::new(),
                });
                (started, paused, since) = (r.at, 0, None);
            }
            C::RecordingPaused { .. } if since.is_none() => since = Some(r.at),
            C::RecordingResumed { .. } => {
                if let (Some(i), Some(s)) = (info.as_mut(), since.take()) {
                    let at = (s - started - paused).max(0) as u64;
                    i.pauses.push((at, (r.at - s).max(0) as u64));
                    paused += r.at - s;
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

/// Serves an interaction's recording to a principal already allowed to
/// hear it: the access is a fact (`call.recording_accessed`) and an entry
/// of the audit trail first.
pub async fn serve(st: &AppState, p: &Principal, id: i64) -> ApiResult<Response> {
    let t = p.tenant()?;
    let path = recording_info(st, t, id)
        .await?
        .map(|i| i.path)
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
    crate::audit::record(st, p, crate::audit::AuditAction::RecordingListened, on).await?;
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(&path))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            tracing::warn!(interaction = id, error = %e, "recording unreadable");
            ApiError::not_found("recording")
        })?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response())
}

/// `GET /api/v1/interactions/{id}/recording`: the WAV file; the access is a fact first.
pub async fn download(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::RecordingsRead)?;
    let id = path_id(&id, "interaction")?;
    serve(&st, &p, id).await
}
