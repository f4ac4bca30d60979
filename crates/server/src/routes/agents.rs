//! Agents: definitions, skills, and their routing state (sign in/out, ready, not ready).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::ReasonCode;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};

/// A skill with its level, as `{"name": "billing", "level": 7}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillLevel {
    /// Skill name.
    pub name: String,
    /// Proficiency 1..=10.
    pub level: u8,
}

/// New agent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    /// Unique name.
    pub name: String,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<SkillLevel>,
    /// The user who works as this agent.
    pub username: Option<String>,
    /// Teams, by name (routing plans' timed steps may ask for one).
    #[serde(default)]
    pub teams: Vec<String>,
}

/// `GET /api/v1/agents`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::AgentsRead)?;
    let agents = st.store.agents(p.tenant()?).await?;
    Ok(axum::Json(Agents { agents }).into_response())
}

/// `GET /api/v1/agents`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Agents {
    /// The tenant's agents with their states.
    pub agents: Vec<store::read::AgentView>,
}

/// `GET /api/v1/agents/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::AgentsRead)?;
    let id = path_id(&id, "agent")?;
    let a = st
        .store
        .agent(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    Ok(axum::Json(a).into_response())
}

/// The user an agent is linked to must exist in the tenant (checked here,
/// at the edge: the tenant core knows agents, not users).
pub async fn check_username(
    st: &AppState,
    t: &store::Tenant,
    username: Option<&str>,
) -> ApiResult<()> {
    if let Some(u) = username
        && st.store.user(t, u).await?.is_none()
    {
        return Err(ApiError::field(
            "username",
            format!("no user {u:?} in this tenant"),
        ));
    }
    Ok(())
}

/// `POST /api/v1/agents`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewAgent>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    check_username(&st, p.tenant()?, req.username.as_deref()).await?;
    let h = st.hub.tenant(p.tenant()?).await?;
    let ack = h
        .call(Op::DefineAgent {
            id: None,
            name: req.name,
            skills: req.skills.into_iter().map(|s| (s.name, s.level)).collect(),
            username: req.username,
            teams: Some(req.teams),
        })
        .await?;
    let Ack::Id(id) = ack else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let body = crate::routes::customers::Created { id };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Skills replacement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Skills {
    /// The new skills.
    pub skills: Vec<SkillLevel>,
}

/// `PUT /api/v1/agents/{id}/skills`.
pub async fn skills(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Skills>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    let id = path_id(&id, "agent")?;
    let h = st.hub.tenant(p.tenant()?).await?;
    h.call(Op::DefineAgent {
        id: Some(id),
        name: String::new(),
        skills: req.skills.into_iter().map(|s| (s.name, s.level)).collect(),
        username: None,
        teams: None,
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Teams replacement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Teams {
    /// The new teams, by name.
    pub teams: Vec<String>,
}

/// `PUT /api/v1/agents/{id}/teams`: the agent's teams (its skills stay).
pub async fn teams(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Teams>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    let id = path_id(&id, "agent")?;
    let t = p.tenant()?;
    let skills = st
        .store
        .agent(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?
        .skills;
    st.hub
        .tenant(t)
        .await?
        .call(Op::DefineAgent {
            id: Some(id),
            name: String::new(),
            skills,
            username: None,
            teams: Some(req.teams),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Capacity replacement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Interactions at once by channel (`voice`, `chat`, `email`…), 0 to 20;
    /// a channel not named takes its default (voice 1, chat 3, email 5…).
    pub capacity: std::collections::BTreeMap<model::Channel, u8>,
}

/// `PUT /api/v1/agents/{id}/capacity`: how many interactions of each
/// channel the agent takes at once (replaces the earlier setting).
pub async fn capacity(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Capacity>,
) -> ApiResult<Response> {
    p.require(Action::AgentsManage)?;
    let agent = path_id(&id, "agent")?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SetCapacity {
            agent,
            capacity: req.capacity,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Agents may act only as themselves; supervisors and admins on anyone.
fn own(p: &Principal, id: i64) -> ApiResult<()> {
    if p.role == Role::Agent && p.agent.map(|a| i64::from(a.0)) != Some(id) {
        return Err(ApiError::not_found("agent"));
    }
    Ok(())
}

/// Optional reason.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// Sign in not ready, for this reason.
    pub reason: Option<String>,
}

fn reason(r: &str) -> ApiResult<ReasonCode> {
    ReasonCode::parse(r).map_err(|e| ApiError::field("reason", e))
}

/// `POST /api/v1/agents/{id}/sign-in`.
pub async fn sign_in(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Option<Body<SignInBody>>,
) -> ApiResult<Response> {
    p.require(Action::AgentsState)?;
    let id = path_id(&id, "agent")?;
    own(&p, id)?;
    let r = body
        .and_then(|b| b.0.reason)
        .map(|r| reason(&r))
        .transpose()?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SignIn(id, r))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/agents/{id}/sign-out`.
pub async fn sign_out(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::AgentsState)?;
    let id = path_id(&id, "agent")?;
    own(&p, id)?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SignOut(id))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// New state.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateBody {
    /// `ready` or `not_ready`.
    pub state: String,
    /// Reason code, for `not_ready`.
    pub reason: Option<String>,
}

/// `POST /api/v1/agents/{id}/state`.
pub async fn state(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<StateBody>,
) -> ApiResult<Response> {
    p.require(Action::AgentsState)?;
    let id = path_id(&id, "agent")?;
    own(&p, id)?;
    let op = match req.state.as_str() {
        "ready" => Op::Ready(id),
        "not_ready" => Op::NotReady(
            id,
            reason(
                req.reason
                    .as_deref()
                    .ok_or_else(|| ApiError::field("reason", "required for not_ready"))?,
            )?,
        ),
        other => {
            return Err(ApiError::field(
                "state",
                format!("{other:?}: use ready or not_ready"),
            ));
        }
    };
    st.hub.tenant(p.tenant()?).await?.call(op).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
