//! `POST /api/v1/calls`: an agent's manual call (the desktop's dial pad and
//! click-to-dial). The number, or the customer's first valid number, becomes
//! a manual contact of a campaign the agent works on, and the dialer's
//! compliance gate decides as for any call it places: consent for the
//! campaign's purpose, do-not-call lists, the callee's calling hours, caps.
//! Placed, the call is reserved for the agent; refused, the answer names the
//! rule (`call_refused`) and the gate's decision is in the campaign's log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;
use crate::tenant::{Ack, Op};

/// A manual call.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialReq {
    /// The number, in any format (the campaign's country code applies to a
    /// national one). Optional with `customer_id`: the customer's first
    /// valid number is called.
    pub to: Option<String>,
    /// The customer called.
    pub customer_id: Option<i64>,
    /// The campaign whose rules apply (default: the one the agent works on).
    pub campaign: Option<i64>,
}

/// A manual call placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dialled {
    /// The dial attempt (the answered call becomes the agent's interaction).
    pub attempt: u64,
    /// The campaign whose rules applied.
    pub campaign: u32,
    /// The campaign contact the number became.
    pub contact: u64,
}

/// `POST /api/v1/calls`.
pub async fn place(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<DialReq>,
) -> ApiResult<Response> {
    let call = dial_for(&st, &p, &req).await?;
    match (call.attempt, call.refused) {
        (Some(attempt), _) => {
            let body = Dialled {
                attempt,
                campaign: call.campaign,
                contact: call.contact,
            };
            Ok((StatusCode::CREATED, axum::Json(body)).into_response())
        }
        (None, refused) => Err(refusal(refused)),
    }
}

/// Places the signed-in agent's manual call (the API's and the desktop's).
pub async fn dial_for(
    st: &AppState,
    p: &Principal,
    req: &DialReq,
) -> ApiResult<center::manual::ManualCall> {
    p.require(Action::InteractionsWork)?;
    let agent = p
        .agent
        .map(|a| i64::from(a.0))
        .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))?;
    let t = p.tenant()?;
    let (to, name) = number_of(st, t, req).await?;
    let ack = st
        .hub
        .tenant(t)
        .await?
        .call(Op::ManualDial(center::manual::ManualDialReq {
            agent,
            to,
            customer: req.customer_id,
            name,
            campaign: req.campaign,
        }))
        .await?;
    match ack {
        Ack::Dialled(call) => Ok(call),
        other => Err(ApiError::internal(format!("unexpected answer {other:?}"))),
    }
}

/// The number to call and the name to file it under.
async fn number_of(
    st: &AppState,
    t: &store::Tenant,
    req: &DialReq,
) -> ApiResult<(String, Option<String>)> {
    let Some(id) = req.customer_id else {
        let to = req
            .to
            .clone()
            .ok_or_else(|| ApiError::field("to", "give the number to call, or a customer_id"))?;
        return Ok((to, None));
    };
    let c = st
        .store
        .customer_full(t, id)
        .await?
        .filter(|c| c.erased_at.is_none())
        .ok_or_else(|| ApiError::field("customer_id", format!("no customer {id}")))?;
    let to = match &req.to {
        Some(to) => to.clone(),
        None => c
            .record
            .phones
            .iter()
            .find(|p| p.valid)
            .map(|p| p.e164.clone().unwrap_or_else(|| p.number.clone()))
            .ok_or_else(|| ApiError::conflict(format!("customer {id} has no valid number")))?,
    };
    Ok((to, Some(c.record.name)))
}

/// The gate's refusal, for people and scripts: the rule's name and when
/// the number may pass.
fn refusal(refused: Option<(model::outbound::GateRule, Option<u64>)>) -> ApiError {
    let message = match refused {
        Some((rule, Some(at))) => format!(
            "refused by the compliance gate: {} (it may pass from {})",
            rule.as_str(),
            chrono::DateTime::from_timestamp_millis(at as i64)
                .map(|d| d.to_rfc3339())
                .unwrap_or_default()
        ),
        Some((rule, None)) => format!("refused by the compliance gate: {}", rule.as_str()),
        None => "refused by the compliance gate".to_string(),
    };
    ApiError::call_refused(message)
}
