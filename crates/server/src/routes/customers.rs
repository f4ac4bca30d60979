//! Customers (create, find by phone or e-mail, history for the screen pop) and the summary report.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::customers::CustomerFull;
use store::read::{CustomerView, InteractionView};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};

/// New customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// The id of what a request made (`{"id"}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// `POST /api/v1/customers`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewCustomer>,
) -> ApiResult<Response> {
    p.require(Action::CustomersWrite)?;
    let h = st.hub.tenant(p.tenant()?).await?;
    let Ack::Id(id) = h
        .call(Op::CreateCustomer {
            name: req.name,
            phone: req.phone,
            email: req.email,
        })
        .await?
    else {
        return Err(ApiError::internal("unexpected ack"));
    };
    Ok((StatusCode::CREATED, axum::Json(Created { id })).into_response())
}

/// Profile fields to save on a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileReq {
    /// Field name → value (value tier, consent, do-not-call, profiling answers).
    pub fields: std::collections::BTreeMap<String, String>,
}

/// `POST /api/v1/customers/{id}/profile`.
pub async fn set_profile(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ProfileReq>,
) -> ApiResult<Response> {
    p.require(Action::CustomersWrite)?;
    let id = path_id(&id, "customer")?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Profile {
            customer: id,
            interaction: None,
            fields: req.fields.into_iter().collect(),
            by: p.name.clone(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/customers?phone=…&email=…`.
pub async fn find(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    if let Some(text) = q.get("q") {
        return crate::routes::records::search(&st, &p, &q, text).await;
    }
    p.require(Action::CustomersRead)?;
    // The number searched for in the plain form records keep.
    let phone = q
        .get("phone")
        .map(|n| model::PhoneNumber::parse(n).map_err(|e| ApiError::field("phone", e)))
        .transpose()?;
    let email = q.get("email").map(String::as_str);
    if phone.is_none() && email.is_none() {
        return Err(ApiError::field("q", "give q, phone or email to search by"));
    }
    let mut found = st
        .store
        .find_customers(p.tenant()?, phone.as_ref().map(|n| n.as_str()), email)
        .await?;
    if crate::mask::masks(p.role) {
        found.iter_mut().for_each(mask_view);
    }
    Ok(axum::Json(CustomerViews { customers: found }).into_response())
}

/// The customers the first form's lookup (`?phone=`, `?email=`) finds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerViews {
    /// The records, in the first form.
    pub customers: Vec<CustomerView>,
}

/// What `GET /api/v1/customers` answers: whole records for a search
/// (`?q=`), the first form for a lookup (`?phone=`, `?email=`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CustomersFound {
    /// A search's records.
    Records(crate::routes::records::CustomerRecords),
    /// A lookup's records.
    Views(CustomerViews),
}

/// The first form's customer, masked.
fn mask_view(c: &mut store::read::CustomerView) {
    c.phone = c.phone.as_deref().map(crate::mask::number);
    c.email = c.email.as_deref().map(crate::mask::email);
}

/// `GET /api/v1/customers/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::customer(&st, &p, Action::CustomersRead, id).await?;
    let mut c = st
        .store
        .customer_full(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if crate::mask::masks(p.role) {
        crate::mask::record(&mut c.record);
    }
    let profile = st.store.customer_profile(p.tenant()?, id).await?;
    let phone = c
        .record
        .phones
        .first()
        .map(|p| p.e164.clone().unwrap_or_else(|| p.number.clone()));
    let email = c.record.emails.first().cloned();
    let body = CustomerDetail {
        customer: c,
        phone,
        email,
        profile: profile.into_iter().collect(),
    };
    Ok(axum::Json(body).into_response())
}

/// `GET /api/v1/customers/{id}`: the record, with the first form's fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    /// The record and what the store knows about it.
    #[serde(flatten)]
    pub customer: CustomerFull,
    /// The first phone (E.164 when it parses), kept for the first form's users.
    pub phone: Option<String>,
    /// The first e-mail address, kept for the first form's users.
    pub email: Option<String>,
    /// Profile answers by field.
    pub profile: std::collections::BTreeMap<String, String>,
}

/// `GET /api/v1/customers/{id}/history`.
pub async fn history(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::customer(&st, &p, Action::CustomersRead, id).await?;
    let t = p.tenant()?;
    let mut c = st
        .store
        .customer(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let mut interactions = st.store.customer_history(t, id).await?;
    if crate::mask::masks(p.role) {
        mask_view(&mut c);
        interactions
            .iter_mut()
            .for_each(crate::mask::interaction_view);
    }
    let body = History {
        interactions,
        customer: c,
    };
    Ok(axum::Json(body).into_response())
}

/// `GET /api/v1/customers/{id}/history`: the screen pop's customer and contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    /// The customer's interactions.
    pub interactions: Vec<InteractionView>,
    /// The customer, in the first form.
    pub customer: CustomerView,
}

/// `GET /api/v1/reports/summary`.
pub async fn summary(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::ReportsRead)?;
    let interactions = st
        .store
        .interaction_counts(p.tenant()?)
        .await?
        .into_iter()
        .map(|(state, outcome, count)| SummaryRow {
            state,
            outcome,
            count,
        })
        .collect();
    Ok(axum::Json(Summary { interactions }).into_response())
}

/// `GET /api/v1/reports/summary`: interactions counted by state and outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// One row per state and outcome.
    pub interactions: Vec<SummaryRow>,
}

/// Interactions in one state with one outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    /// Where they stand.
    pub state: String,
    /// Their outcome, once ended.
    pub outcome: Option<String>,
    /// How many.
    pub count: i64,
}
