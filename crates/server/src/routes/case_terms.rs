//! What is agreed or decided on a case besides moves and promises: payment
//! plans (instalments, each a promise), settlements and write-offs (a
//! supervisor's or an admin's), disputes and their resolution, and the
//! client company's recall. The engine checks who may and whether it makes
//! sense; each answers the case with its history, as the other case routes.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use workflow::limits::TEXT_MAX;
use workflow::{Input, Instalment, Origin};

use super::cases::{actor, amount, date, text, work};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;

/// Most instalments of one plan.
pub const INSTALMENTS_MAX: usize = 120;

/// One instalment of a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstalmentBody {
    /// How much, a decimal string in the case's currency.
    pub amount: String,
    /// By when (YYYY-MM-DD).
    pub due_date: String,
}

/// `POST /api/v1/cases/{id}/plans`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CasePlanBody {
    /// The instalments, in date order.
    pub instalments: Vec<InstalmentBody>,
}

/// `POST /api/v1/cases/{id}/settle`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// The agreed amount still to pay; once paid, the rest is written off.
    pub amount: String,
}

/// `POST /api/v1/cases/{id}/write-off`, `/dispute` and `/recall`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why, in one's words.
    pub reason: String,
}

/// `POST /api/v1/cases/{id}/dispute/resolve`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// How it was resolved.
    pub note: String,
}

/// `POST /api/v1/cases/{id}/plans`.
pub async fn plan(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<CasePlanBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    if req.instalments.is_empty() || req.instalments.len() > INSTALMENTS_MAX {
        return Err(ApiError::field(
            "instalments",
            format!("1 to {INSTALMENTS_MAX}"),
        ));
    }
    let instalments = req
        .instalments
        .iter()
        .enumerate()
        .map(|(i, x)| {
            Ok(Instalment {
                amount: amount(&format!("instalments[{i}].amount"), &x.amount)?,
                due_date: date(&format!("instalments[{i}].due_date"), &x.due_date)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let by = actor(&p);
    work(&st, &p, &id, |case| Input::PaymentPlan {
        case,
        instalments,
        by,
    })
    .await
}

/// `POST /api/v1/cases/{id}/settle`.
pub async fn settle(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<SettleBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    let amount = amount("amount", &req.amount)?;
    let by = actor(&p);
    work(&st, &p, &id, |case| Input::Settle { case, amount, by }).await
}

/// `POST /api/v1/cases/{id}/write-off`.
pub async fn write_off(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ReasonBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("reason", &req.reason, TEXT_MAX)?;
    let by = actor(&p);
    let reason = req.reason;
    work(&st, &p, &id, |case| Input::WriteOff { case, reason, by }).await
}

/// `POST /api/v1/cases/{id}/dispute`.
pub async fn dispute(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ReasonBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("reason", &req.reason, TEXT_MAX)?;
    let by = Origin::User(actor(&p));
    let reason = req.reason;
    work(&st, &p, &id, |case| Input::Dispute { case, reason, by }).await
}

/// `POST /api/v1/cases/{id}/dispute/resolve`.
pub async fn resolve(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ResolveBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    text("note", &req.note, TEXT_MAX)?;
    let by = actor(&p);
    let note = req.note;
    work(&st, &p, &id, |case| Input::ResolveDispute {
        case,
        note,
        by,
    })
    .await
}

/// `POST /api/v1/cases/{id}/recall`: the client company takes the case
/// back (recorded by a supervisor or an admin on its behalf).
pub async fn recall(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ReasonBody>,
) -> ApiResult<Response> {
    p.require(Action::CasesRecall)?;
    text("reason", &req.reason, TEXT_MAX)?;
    let by = Origin::User(actor(&p));
    let reason = req.reason;
    work(&st, &p, &id, |case| Input::Recall { case, reason, by }).await
}
