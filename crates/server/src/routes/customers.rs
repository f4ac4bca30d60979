//! Customers (create, find by phone or e-mail, history for the screen pop) and the summary report.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};

/// New customer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
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
    Ok((StatusCode::CREATED, axum::Json(json!({"id": id}))).into_response())
}

/// Profile fields to save on a customer.
#[derive(Debug, Deserialize)]
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
    Ok(axum::Json(json!({"customers": found})).into_response())
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
    let profile: serde_json::Map<String, serde_json::Value> = st
        .store
        .customer_profile(p.tenant()?, id)
        .await?
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let first_phone = c
        .record
        .phones
        .first()
        .map(|p| p.e164.clone().unwrap_or_else(|| p.number.clone()));
    let first_email = c.record.emails.first().cloned();
    let mut v = serde_json::to_value(c).map_err(ApiError::internal)?;
    // The first form's fields, kept for its users.
    v["phone"] = json!(first_phone);
    v["email"] = json!(first_email);
    v["profile"] = serde_json::Value::Object(profile);
    Ok(axum::Json(v).into_response())
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
    let list = st.store.customer_history(t, id).await?;
    let mut v = json!({ "interactions": list });
    if crate::mask::masks(p.role) {
        mask_view(&mut c);
        let list = v["interactions"].as_array_mut().into_iter().flatten();
        list.for_each(crate::mask::interaction);
    }
    v["customer"] = json!(c);
    Ok(axum::Json(v).into_response())
}

/// `GET /api/v1/reports/summary`.
pub async fn summary(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::ReportsRead)?;
    let rows: Vec<_> = st
        .store
        .interaction_counts(p.tenant()?)
        .await?
        .into_iter()
        .map(|(state, outcome, n)| json!({"state": state, "outcome": outcome, "count": n}))
        .collect();
    Ok(axum::Json(json!({"interactions": rows})).into_response())
}
