//! Outbound campaigns: define, load contacts, start, pause, stop, follow;
//! and agents' answers to previewed contacts.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::read::{CampaignContactView, CampaignView};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};
use center::outbound::{CampaignCommand, CampaignDoc, ContactReq};

/// A new campaign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    /// Unique name.
    pub name: String,
    /// Its settings.
    pub settings: CampaignDoc,
}

/// `GET /api/v1/campaigns`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CampaignsRead)?;
    let campaigns = st.store.campaigns(p.tenant()?).await?;
    Ok(axum::Json(Campaigns { campaigns }).into_response())
}

/// `GET /api/v1/campaigns`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Campaigns {
    /// The tenant's campaigns with their counts.
    pub campaigns: Vec<CampaignView>,
}

/// `GET /api/v1/campaigns/{id}/contacts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contacts {
    /// A page of the campaign's contacts, in id order.
    pub contacts: Vec<CampaignContactView>,
}

/// `POST /api/v1/campaigns/{id}/contacts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactsAdded {
    /// Contacts added.
    pub added: i64,
}

/// `GET /api/v1/dnc-lists`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DncLists {
    /// The lists loaded from files.
    pub lists: Vec<DncList>,
}

/// A do-not-call list loaded from a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct DncList {
    /// Its name.
    pub name: String,
    /// Whether it is a national registry.
    pub national: bool,
    /// Numbers on it.
    pub numbers: usize,
}

/// `POST /api/v1/campaigns`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewCampaign>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let h = st.hub.tenant(p.tenant()?).await?;
    let Ack::Id(id) = h
        .call(Op::DefineCampaign {
            name: req.name,
            doc: req.settings,
        })
        .await?
    else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let body = crate::routes::customers::Created { id };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// `GET /api/v1/campaigns/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsRead)?;
    let id = path_id(&id, "campaign")?;
    let c = st
        .store
        .campaign(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    Ok(axum::Json(c).into_response())
}

/// `GET /api/v1/campaigns/{id}/contacts?after=&limit=`.
pub async fn contacts(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsRead)?;
    let id = path_id(&id, "campaign")?;
    let t = p.tenant()?;
    st.store
        .campaign(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    let num = |k: &str, d: i64| -> ApiResult<i64> {
        q.get(k).map_or(Ok(d), |v| {
            v.parse()
                .map_err(|_| ApiError::field(k, format!("{v:?} is not a number")))
        })
    };
    let list = st
        .store
        .campaign_contacts(t, id, num("after", 0)?, num("limit", 100)?)
        .await?;
    Ok(axum::Json(Contacts { contacts: list }).into_response())
}

/// Contacts to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContacts {
    /// The contacts.
    pub contacts: Vec<ContactReq>,
}

/// `POST /api/v1/campaigns/{id}/contacts`.
pub async fn add_contacts(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<NewContacts>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let id = path_id(&id, "campaign")?;
    let h = st.hub.tenant(p.tenant()?).await?;
    let Ack::Id(n) = h
        .call(Op::AddContacts {
            campaign: id,
            contacts: req.contacts,
        })
        .await?
    else {
        return Err(ApiError::internal("unexpected ack"));
    };
    Ok((StatusCode::CREATED, axum::Json(ContactsAdded { added: n })).into_response())
}

async fn command(
    st: AppState,
    p: Principal,
    id: String,
    cmd: CampaignCommand,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let id = path_id(&id, "campaign")?;
    let t = p.tenant()?;
    st.hub.tenant(t).await?.call(Op::Campaign(id, cmd)).await?;
    view(&st, t, id).await
}

/// A campaign as it stands, after a command to it was committed.
async fn view(st: &AppState, t: &store::Tenant, id: i64) -> ApiResult<Response> {
    let c = st
        .store
        .campaign(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    Ok(axum::Json(c).into_response())
}

/// `POST /api/v1/campaigns/{id}/start`.
pub async fn start(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    command(st, p, id, CampaignCommand::Start).await
}

/// `POST /api/v1/campaigns/{id}/pause`.
pub async fn pause(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    command(st, p, id, CampaignCommand::Pause).await
}

/// `POST /api/v1/campaigns/{id}/stop`.
pub async fn stop(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    command(st, p, id, CampaignCommand::Stop).await
}

/// A power campaign's pacing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatioBody {
    /// Lines per free agent, 1.0 to 10.0.
    pub ratio: f64,
}

/// `PUT /api/v1/campaigns/{id}/ratio`: a supervisor changes a power
/// campaign's lines per free agent while it runs (logged and replayed; at
/// the abandon cap the dialer still falls back to progressive).
pub async fn ratio(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<RatioBody>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let id = path_id(&id, "campaign")?;
    if !(1.0..=10.0).contains(&req.ratio) {
        return Err(ApiError::field(
            "ratio",
            "from 1.0 to 10.0 lines per free agent",
        ));
    }
    let t = p.tenant()?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::CampaignRatio {
            campaign: id,
            ratio: req.ratio,
        })
        .await?;
    view(&st, t, id).await
}

/// An agent's answer to a previewed contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewAnswer {
    /// The agent (agents: themselves, the default).
    #[serde(default)]
    pub agent_id: Option<i64>,
}

async fn preview(
    st: AppState,
    p: Principal,
    id: String,
    body: PreviewAnswer,
    accept: bool,
) -> ApiResult<Response> {
    p.require(Action::InteractionsOffer)?;
    let attempt = path_id(&id, "preview")?;
    let own = p.agent.map(|a| i64::from(a.0));
    let agent = match (p.role, body.agent_id, own) {
        (Role::Agent, Some(a), Some(o)) if a != o => return Err(ApiError::not_found("preview")),
        (_, Some(a), _) => a,
        (_, None, Some(o)) => o,
        (_, None, None) => return Err(ApiError::field("agent_id", "say which agent")),
    };
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Preview {
            attempt: attempt as u64,
            agent,
            accept,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/previews/{id}/accept`: dial the previewed contact now.
pub async fn preview_accept(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(body): Body<PreviewAnswer>,
) -> ApiResult<Response> {
    preview(st, p, id, body, true).await
}

/// `POST /api/v1/previews/{id}/skip`: do not call the previewed contact now.
pub async fn preview_skip(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(body): Body<PreviewAnswer>,
) -> ApiResult<Response> {
    preview(st, p, id, body, false).await
}

/// `GET /api/v1/dnc-lists`: the do-not-call lists loaded from files, each
/// `{"name", "national", "numbers"}` (the internal list of opt-outs and the
/// campaigns' own lists are not among them).
pub async fn dnc_lists(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CampaignsRead)?;
    let lists = match st
        .hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::DoNotCallLists)
        .await?
    {
        Ack::Lists(l) => l,
        _ => return Err(ApiError::internal("unexpected answer to a list request")),
    };
    let lists = lists
        .into_iter()
        .map(|(name, national, numbers)| DncList {
            name,
            national,
            numbers,
        })
        .collect();
    Ok(axum::Json(DncLists { lists }).into_response())
}
