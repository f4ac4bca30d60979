//! Delegation of a case's tasks: `POST
//! /api/v1/cases/{id}/tasks/{task}/delegate` `{"agent_id"}` or
//! `{"queue"}`. The task's administrator gives it to a person or a team: the
//! case's owner when it has one, else any supervisor; administrators
//! always. A waiting task is offered to the agent named; a task an agent
//! holds is transferred to the agent or queue named (a team's queue). Each
//! delegation is in the audit trail.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use model::state::InteractionState;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Op, TransferTo};

/// `POST /api/v1/cases/{id}/tasks/{task}/delegate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegateBody {
    /// To this agent…
    #[serde(default)]
    pub agent_id: Option<i64>,
    /// …or to this queue (a team's), by name.
    #[serde(default)]
    pub queue: Option<String>,
}

/// Whether a principal administers a case's tasks.
fn administers(p: &Principal, owner: Option<&str>) -> bool {
    match (p.role, owner) {
        (Role::Admin, _) => true,
        (Role::Supervisor, None) => true,
        (Role::Supervisor, Some(o)) => o == p.name,
        _ => false,
    }
}

/// `POST /api/v1/cases/{id}/tasks/{task}/delegate`: answers the task as
/// `GET /api/v1/interactions/{task}` does.
pub async fn delegate(
    State(st): State<AppState>,
    p: Principal,
    Path((id, task)): Path<(String, String)>,
    Body(req): Body<DelegateBody>,
) -> ApiResult<Response> {
    let id = path_id(&id, "case")?;
    let task = path_id(&task, "task")?;
    let case = crate::routes::cases::visible(&st, &p, Action::CasesWork, id).await?;
    if !administers(&p, case.owner.as_deref()) {
        return Err(ApiError::forbidden(&format!(
            "delegate the tasks of case {} (its owner, {}, or an administrator does)",
            case.reference,
            case.owner.as_deref().unwrap_or("a supervisor")
        )));
    }
    let t = p.tenant()?.clone();
    let i = st
        .store
        .interaction(&t, task)
        .await?
        .filter(|i| i.channel == model::Channel::Task)
        .filter(|i| of_case(i.attributes.as_ref(), id))
        .ok_or_else(|| ApiError::not_found("task"))?;
    let op = match (req.agent_id, req.queue, i.state) {
        (Some(a), None, InteractionState::Waiting) => Op::ForceAssign(task, a),
        (Some(a), None, InteractionState::Connected) => transfer(task, TransferTo::Agent(a)),
        (None, Some(q), InteractionState::Connected) => transfer(task, TransferTo::Queue(q)),
        (None, Some(_), InteractionState::Waiting) => {
            return Err(ApiError::conflict(
                "a waiting task is given to an agent (agent_id); a queue takes a task an agent holds",
            ));
        }
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(ApiError::conflict(format!(
                "task {task} is {}: delegate it when it waits or an agent holds it",
                i.state.as_str()
            )));
        }
        _ => {
            return Err(ApiError::field(
                "agent_id",
                "give exactly one of agent_id or queue",
            ));
        }
    };
    st.hub.tenant(&t).await?.call(op).await?;
    let on = Some(format!("interaction:{task}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::Reassigned, on).await?;
    let view = st
        .store
        .interaction(&t, task)
        .await?
        .ok_or_else(|| ApiError::not_found("task"))?;
    Ok(axum::Json(view).into_response())
}

fn transfer(task: i64, to: TransferTo) -> Op {
    Op::Transfer {
        interaction: task,
        by: None,
        to,
        consult: false,
    }
}

/// Whether a task's attributes name this case.
fn of_case(attributes: Option<&serde_json::Value>, case: i64) -> bool {
    let attributes = attributes.and_then(|a| model::Attributes::deserialize(a).ok());
    attributes
        .is_some_and(|a| a.extra(center::cases::CASE_ATTRIBUTE) == Some(case.to_string().as_str()))
}
