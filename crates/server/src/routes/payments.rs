//! Payments from bank files that no case took (`centralita import
//! payments`, imports of kind `payments`): listed for a supervisor or an
//! admin, who gives each to its case. Giving one is claimed first, so two
//! people cannot give the same payment twice.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::payments::UnmatchedPayment;
use utoipa::ToSchema;
use workflow::{Amount, CaseId, Currency, Input, NewPayment};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;

/// `GET /api/v1/payments/unmatched`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unmatched {
    /// Newest first (500 at most).
    pub payments: Vec<UnmatchedPayment>,
}

/// `POST /api/v1/payments/unmatched/{id}/assign`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The case's id.
    pub case: i64,
}

/// `GET /api/v1/payments/unmatched?all=`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<BTreeMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::PaymentsManage)?;
    let all = matches!(q.get("all").map(String::as_str), Some("true" | "1"));
    let payments = st.store.unmatched_payments(p.tenant()?, !all, 500).await?;
    Ok(axum::Json(Unmatched { payments }).into_response())
}

/// `POST /api/v1/payments/unmatched/{id}/assign`: the payment given to the
/// case, which answers as after any payment.
pub async fn assign(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<AssignBody>,
) -> ApiResult<Response> {
    let case = give(&st, &p, &id, req.case).await?;
    Ok(axum::Json(case).into_response())
}

/// Gives an unmatched payment to a case (claimed first, released if the
/// case does not take it): the case as it is then.
pub(crate) async fn give(
    st: &AppState,
    p: &Principal,
    id: &str,
    case: i64,
) -> ApiResult<center::cases::CaseView> {
    p.require(Action::PaymentsManage)?;
    let t = p.tenant()?.clone();
    let u = st
        .store
        .unmatched_payment(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("payment"))?;
    if u.case_id.is_some() {
        return Err(ApiError::conflict(format!(
            "payment {id} was given to case {} already",
            u.case_id.unwrap_or_default()
        )));
    }
    let payment = NewPayment {
        id: u.id.clone(),
        amount: Amount::parse(&u.amount).map_err(ApiError::internal)?,
        currency: Currency::parse(&u.currency).map_err(ApiError::internal)?,
        date: crate::routes::cases::date("booked", &u.booked)?,
        reference: u.reference.clone(),
    };
    if !st
        .store
        .assign_unmatched_payment(&t, id, case, &p.name)
        .await?
    {
        return Err(ApiError::conflict(format!(
            "payment {id} was just given to a case"
        )));
    }
    let input = Input::Payment {
        case: CaseId(case as u64),
        payment,
    };
    if let Err(e) = crate::routes::cases::apply(st, p, case, input).await {
        st.store.release_unmatched_payment(&t, id).await?;
        return Err(e);
    }
    crate::routes::cases::visible(st, p, Action::CasesRead, case).await
}
