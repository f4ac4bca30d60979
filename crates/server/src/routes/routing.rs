//! Queues, business hours and routing plans. The plan document (TOML or JSON,
//! the format of docs/routing.md) holds the queues with their hours and steps,
//! and the rules; it is replaced whole and validated with file:line errors.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op, compile_plan};

/// A plan document.
#[derive(Debug, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The document, TOML or JSON text.
    pub document: String,
}

async fn queue_list(st: &AppState, p: &Principal) -> ApiResult<Vec<crate::tenant::QueueInfo>> {
    let h = st.hub.tenant(p.tenant()?).await?;
    match h.call(Op::Queues).await? {
        Ack::Queues(q) => Ok(q),
        _ => Err(ApiError::internal("unexpected ack")),
    }
}

/// `GET /api/v1/queues`.
pub async fn queues(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::RoutingRead)?;
    let queues = queue_list(&st, &p).await?;
    Ok(axum::Json(Queues { queues }).into_response())
}

/// `GET /api/v1/queues`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Queues {
    /// The queues with their live waiting counts.
    pub queues: Vec<crate::tenant::QueueInfo>,
}

/// `POST /api/v1/routing/plan/validate`: what the plan names.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PlanCheck {
    /// Always true (a plan that does not compile is refused).
    pub valid: bool,
    /// Its queues.
    pub queues: Vec<String>,
    /// The skills it uses.
    pub skills: Vec<String>,
    /// Its rules.
    pub rules: usize,
    /// Queues with opening hours.
    pub queues_with_hours: usize,
}

/// `GET /api/v1/queues/{id}`.
pub async fn queue(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::RoutingRead)?;
    let id = path_id(&id, "queue")?;
    let q = queue_list(&st, &p)
        .await?
        .into_iter()
        .find(|q| i64::from(q.id) == id)
        .ok_or_else(|| ApiError::not_found("queue"))?;
    Ok(axum::Json(q).into_response())
}

/// `GET /api/v1/routing/plan`.
pub async fn plan(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::RoutingRead)?;
    let doc = st
        .store
        .plan(p.tenant()?)
        .await?
        .ok_or_else(|| ApiError::not_found("routing plan"))?;
    Ok(axum::Json(PlanBody { document: doc }).into_response())
}

/// `PUT /api/v1/routing/plan`.
pub async fn set_plan(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<PlanBody>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let h = st.hub.tenant(p.tenant()?).await?;
    h.call(Op::SetPlan(req.document)).await?;
    let on = Some("plan".to_string());
    crate::audit::record(&st, &p, crate::audit::AuditAction::PlanReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/routing/plan/validate`.
pub async fn validate(p: Principal, Body(req): Body<PlanBody>) -> ApiResult<Response> {
    p.require(Action::RoutingValidate)?;
    let (names, queues, plan) = compile_plan(&req.document, None)?;
    Ok(axum::Json(PlanCheck {
        valid: true,
        queues: names.queues.iter().map(|q| q.to_string()).collect(),
        skills: names.skills.iter().map(|q| q.to_string()).collect(),
        rules: plan.rules.len(),
        queues_with_hours: queues.iter().filter(|q| q.hours.is_some()).count(),
    })
    .into_response())
}
