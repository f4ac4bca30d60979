//! The training library: playlists of chosen recordings, each with a note
//! (what to listen for) and where to start. Supervisors make and change
//! them (`quality.playlist_set`, written whole; `quality.playlist_removed`);
//! agents open them and listen. Listening goes through the playlist
//! (`/api/v1/playlists/{id}/items/{n}/recording`), so an agent hears the
//! calls chosen for training and no other; each listen is a fact and an
//! entry of the audit trail, like any recording's.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::quality::{COMMENT_MAX, ITEMS_MAX, Playlist};
use serde::Serialize;
use store::quality::PlaylistView;

use crate::AppState;
use crate::audit::AuditAction;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use center::quality::QualityCommand;

/// Longest playlist name, in bytes.
pub const NAME_MAX: usize = 200;

/// Playlists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Playlists {
    /// By name.
    pub playlists: Vec<PlaylistView>,
}

/// A playlist made.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaylistMade {
    /// Its id.
    pub id: i64,
}

fn check(p: &Playlist) -> ApiResult<()> {
    if p.name.trim().is_empty() || p.name.len() > NAME_MAX {
        return Err(ApiError::field("name", format!("1 to {NAME_MAX} bytes")));
    }
    if p.description.len() > COMMENT_MAX {
        return Err(ApiError::field(
            "description",
            format!("at most {COMMENT_MAX} bytes"),
        ));
    }
    if p.items.len() > ITEMS_MAX {
        return Err(ApiError::field("items", format!("at most {ITEMS_MAX}")));
    }
    for (i, item) in p.items.iter().enumerate() {
        if item.note.len() > COMMENT_MAX {
            return Err(ApiError::field(
                &format!("items[{i}].note"),
                format!("at most {COMMENT_MAX} bytes"),
            ));
        }
    }
    Ok(())
}

/// Makes (`id` none) or replaces a playlist (audited); answers its id.
pub async fn save(st: &AppState, p: &Principal, id: Option<i64>, body: Playlist) -> ApiResult<i64> {
    p.require(Action::TrainingManage)?;
    check(&body)?;
    let cmd = QualityCommand::SetPlaylist {
        playlist: id.map(|i| i as u64),
        body,
        by: p.name.clone(),
    };
    let known = cmd_id(&cmd);
    super::quality::command(st, p, cmd, AuditAction::PlaylistSaved, "playlist", known).await
}

/// A playlist, for those who may open it.
pub async fn get(st: &AppState, p: &Principal, id: i64) -> ApiResult<PlaylistView> {
    p.require(Action::TrainingRead)?;
    st.store
        .playlist(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("playlist"))
}

/// `GET /api/v1/playlists`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::TrainingRead)?;
    let playlists = st.store.playlists(p.tenant()?).await?;
    Ok(axum::Json(Playlists { playlists }).into_response())
}

/// `POST /api/v1/playlists`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(body): Body<Playlist>,
) -> ApiResult<Response> {
    let id = save(&st, &p, None, body).await?;
    Ok((StatusCode::CREATED, axum::Json(PlaylistMade { id })).into_response())
}

/// `GET /api/v1/playlists/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "playlist")?;
    Ok(axum::Json(get(&st, &p, id).await?).into_response())
}

/// `PUT /api/v1/playlists/{id}`: replaces it whole.
pub async fn put(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(body): Body<Playlist>,
) -> ApiResult<Response> {
    let id = path_id(&id, "playlist")?;
    save(&st, &p, Some(id), body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Removes a playlist (audited).
pub async fn remove_as(st: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    p.require(Action::TrainingManage)?;
    let cmd = QualityCommand::RemovePlaylist {
        playlist: id as u64,
        by: p.name.clone(),
    };
    let action = AuditAction::PlaylistRemoved;
    super::quality::command(st, p, cmd, action, "playlist", Some(id)).await?;
    Ok(())
}

/// The playlist a command replaces, if it names one.
fn cmd_id(cmd: &QualityCommand) -> Option<i64> {
    match cmd {
        QualityCommand::SetPlaylist { playlist, .. } => playlist.map(|i| i as i64),
        _ => None,
    }
}

/// `DELETE /api/v1/playlists/{id}`.
pub async fn remove(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "playlist")?;
    remove_as(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/playlists/{id}/items/{n}/recording`: the recording of the
/// playlist's item `n` (from 0); the access is a fact and audited.
pub async fn item_recording(
    State(st): State<AppState>,
    p: Principal,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    let list = get(&st, &p, path_id(&id, "playlist")?).await?;
    let item = n
        .parse::<usize>()
        .ok()
        .and_then(|n| list.items.get(n))
        .ok_or_else(|| ApiError::not_found("playlist item"))?;
    super::recording::serve(&st, &p, item.interaction).await
}
