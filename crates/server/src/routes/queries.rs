//! Saved customer queries (`model::query`): `GET /api/v1/customer-queries`,
//! `GET`, `PUT` and `DELETE /api/v1/customer-queries/{name}`, and `GET
//! /api/v1/customer-queries/{name}/customers?after=ID&limit=N` to see the
//! records a query finds. A campaign is fed from one through the imports API
//! (`kind=contacts`, `campaign`, `query=NAME`: [`crate::feed`]).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::query::{CustomerQuery, PREFIX, QUERIES_MAX};
use serde::Serialize;
use store::customers::CustomerFull;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, name_ok};
use crate::perms::Action;
use crate::routes::Body;
use crate::tenant::Op;

/// Records read per request at most, when running a query for a page.
const SCAN_MAX: i64 = 20_000;

fn check_name(name: &str) -> ApiResult<()> {
    if name_ok(name) {
        Ok(())
    } else {
        Err(ApiError::field(
            "name",
            "1 to 64 of a-z, 0-9, _ and - (a saved query's name)",
        ))
    }
}

async fn one_of(st: &AppState, p: &Principal, name: &str) -> ApiResult<CustomerQuery> {
    check_name(name)?;
    feed::saved(&st.store, p.tenant()?, name)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("saved query"))
}

/// `GET /api/v1/customer-queries`: `{"queries": [{"name", …conditions}]}`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CustomersRead)?;
    let docs = st.store.settings_with_prefix(p.tenant()?, PREFIX).await?;
    let queries = docs
        .into_iter()
        .filter_map(|(name, doc)| {
            let query = serde_json::from_str(&doc).ok()?;
            let name = name.trim_start_matches(PREFIX).to_string();
            Some(NamedQuery { name, query })
        })
        .collect();
    Ok(axum::Json(SavedQueries { queries }).into_response())
}

/// `GET /api/v1/customer-queries`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedQueries {
    /// The saved queries, by name.
    pub queries: Vec<NamedQuery>,
}

/// A saved query with its name.
#[derive(Debug, Serialize)]
pub struct NamedQuery {
    /// Its name.
    pub name: String,
    /// Its conditions.
    #[serde(flatten)]
    pub query: CustomerQuery,
}

/// [`CustomerQuery`]'s schema with `name` added (flattening would leave the
/// query's schema forbidding `name` as unknown).
impl utoipa::PartialSchema for NamedQuery {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let about = "A saved query: its name and its conditions.";
        let name = ("name", "Its name.");
        crate::openapi::keyed(CustomerQuery::schema(), name, &[], about)
    }
}

impl ToSchema for NamedQuery {}

/// `GET /api/v1/customer-queries/{name}/customers`: a page of the records
/// the query finds.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueryPage {
    /// The records found, in id order.
    pub customers: Vec<CustomerFull>,
    /// `after` for the next page (none: no more records).
    pub next_after: Option<i64>,
    /// Records read to find them.
    pub scanned: i64,
}

/// `GET /api/v1/customer-queries/{name}`.
pub async fn get(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CustomersRead)?;
    Ok(axum::Json(one_of(&st, &p, &name).await?).into_response())
}

async fn set(st: &AppState, p: &Principal, name: &str, document: String) -> ApiResult<()> {
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SetSetting {
            name: format!("{PREFIX}{name}"),
            document,
        })
        .await?;
    let on = Some(format!("customer_query:{name}"));
    crate::audit::record(st, p, crate::audit::AuditAction::SettingsReplaced, on).await
}

/// `PUT /api/v1/customer-queries/{name}`: saves (or replaces) a query.
pub async fn put(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    Body(q): Body<CustomerQuery>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    check_name(&name)?;
    q.check().map_err(|e| ApiError::field(&e.field, e.reason))?;
    let t = p.tenant()?;
    let known = st.store.settings_with_prefix(t, PREFIX).await?;
    let key = format!("{PREFIX}{name}");
    if known.len() >= QUERIES_MAX && !known.iter().any(|(n, _)| *n == key) {
        return Err(ApiError::conflict(format!(
            "at most {QUERIES_MAX} saved queries: remove one first"
        )));
    }
    let doc = serde_json::to_string(&q).map_err(|e| ApiError::internal(e.to_string()))?;
    set(&st, &p, &name, doc).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /api/v1/customer-queries/{name}`.
pub async fn delete(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    one_of(&st, &p, &name).await?;
    set(&st, &p, &name, String::new()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/customer-queries/{name}/customers?after=ID&limit=N`: the
/// records the query finds after record `after`, in id order, at most
/// `limit` (default 50, at most 500); `next_after` continues (a request
/// reads at most 20,000 records, so a page may be short with more to come).
pub async fn customers(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CustomersRead)?;
    let query = one_of(&st, &p, &name).await?;
    let number = |k: &str, default: i64| match q.get(k) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| ApiError::field(k, "a whole number")),
    };
    let mut after = number("after", 0)?;
    let limit = number("limit", 50)?.clamp(1, 500);
    let t = p.tenant()?;
    let (mut found, mut scanned, mut done) = (Vec::new(), 0i64, false);
    while (found.len() as i64) < limit && scanned < SCAN_MAX && !done {
        let page = st.store.customers_page(t, after, feed::PAGE).await?;
        // A short page is the last one: once it is read whole, nothing is left.
        done = (page.len() as i64) < feed::PAGE;
        let mut rest = page.into_iter();
        for mut c in rest.by_ref() {
            scanned += 1;
            after = c.id;
            if query.matches(&c.record) {
                if crate::mask::masks(p.role) {
                    crate::mask::record(&mut c.record);
                }
                found.push(c);
                if found.len() as i64 == limit {
                    break;
                }
            }
        }
        done &= rest.next().is_none();
    }
    let next = (!done).then_some(after);
    let page = QueryPage {
        customers: found,
        next_after: next,
        scanned,
    };
    Ok(axum::Json(page).into_response())
}
