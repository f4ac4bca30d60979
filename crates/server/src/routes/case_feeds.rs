//! A campaign's list fed by a saved case query ("promise broken, balance
//! over 100 €"): `GET`, `PUT` and `DELETE /api/v1/campaigns/{id}/case-query`.
//! The tenant core keeps the list current as cases move (`center::cases`,
//! module `feeds`): the debtors of open, undisputed cases that match are
//! contacts of the campaign; a debtor whose cases all stop matching has the
//! contact the query added closed. Removing the query leaves its contacts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use center::cases::{CaseCommand, CaseFeed, FeedReport};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};

/// A campaign's case query and, when set, what setting it did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseQueryView {
    /// The campaign.
    pub campaign: i64,
    /// The query (null: the campaign has none).
    pub case_query: Option<CaseFeed>,
    /// Cases that match now (after `PUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matching: Option<usize>,
    /// Debtors added as contacts (after `PUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<usize>,
    /// Contacts the query closed (after `PUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<usize>,
    /// Debtors not added: no record, no phone, or refused by the dialer (after `PUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_added: Option<usize>,
}

async fn call(st: &AppState, p: &Principal, cmd: CaseCommand) -> ApiResult<Ack> {
    let h = st.hub.tenant(p.tenant()?).await?;
    h.call(Op::Case(Box::new(cmd))).await
}

/// `GET /api/v1/campaigns/{id}/case-query`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsRead)?;
    let campaign = campaign_id(&id)?;
    let Ack::CaseFeedOf(feed) = call(&st, &p, CaseCommand::Feed(campaign)).await? else {
        return Err(ApiError::internal("unexpected answer"));
    };
    let view = CaseQueryView {
        campaign: i64::from(campaign),
        case_query: feed,
        matching: None,
        added: None,
        closed: None,
        not_added: None,
    };
    Ok(axum::Json(view).into_response())
}

/// `PUT /api/v1/campaigns/{id}/case-query`: the campaign's list follows
/// the query from now on; matching debtors are added at once.
pub async fn set(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(doc): Body<CaseFeed>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let campaign = campaign_id(&id)?;
    let cmd = CaseCommand::SetFeed {
        campaign,
        feed: Some(doc.clone()),
    };
    let Ack::CaseFeed(r) = call(&st, &p, cmd).await? else {
        return Err(ApiError::internal("unexpected answer"));
    };
    Ok(axum::Json(view_of(campaign, Some(doc), r)).into_response())
}

/// `DELETE /api/v1/campaigns/{id}/case-query`: the list no longer follows
/// a query; the contacts it added stay.
pub async fn remove(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CampaignsManage)?;
    let campaign = campaign_id(&id)?;
    let cmd = CaseCommand::SetFeed {
        campaign,
        feed: None,
    };
    call(&st, &p, cmd).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn campaign_id(id: &str) -> ApiResult<u32> {
    u32::try_from(path_id(id, "campaign")?).map_err(|_| ApiError::not_found("campaign"))
}

fn view_of(campaign: u32, doc: Option<CaseFeed>, r: FeedReport) -> CaseQueryView {
    CaseQueryView {
        campaign: i64::from(campaign),
        case_query: doc,
        matching: Some(r.matching),
        added: Some(r.added),
        closed: Some(r.closed),
        not_added: Some(r.not_added),
    }
}
