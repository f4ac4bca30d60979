//! Keeping records in step with the client company's own system, by its
//! key: `PUT /api/v1/customers/by-external-id/{external_id}` creates the
//! record with that key or replaces the parts given (the body of a `PATCH`,
//! without `version`: the latest wins), and `POST /api/v1/customers/bulk`
//! does it for up to 10,000 records at once (`{"records": [{"external_id",
//! …parts}]}`), answering per record. A bulk request writes its good
//! records in one fact (all or none of them), and names each bad one.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use center::records::{MatchKeys, MatchedBy, SetEntry};
use model::customer::{Cause, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::customers::CustomerFull;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;
use crate::routes::records::{Patch, patched};
use crate::tenant::{Ack, Op};

/// Records per bulk request at most.
pub const BULK_MAX: usize = center::records::SET_MAX;
/// Longest external id, in bytes.
const KEY_LEN_MAX: usize = 128;

/// A bulk request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bulk {
    /// The records, each with its `external_id` (read one by one, so that
    /// a bad record is answered for and the others still written).
    #[schema(value_type = Vec<BulkRecord>)]
    pub records: Vec<Value>,
}

/// One record of a bulk request, as `read_one` reads it: its key and
/// the parts of a change (a [`Patch`] without `version`). Only its schema
/// is used: [`Patch`]'s, with `external_id` required and `version` gone
/// (flattening would leave `Patch` forbidding the key as unknown).
#[derive(Debug)]
pub struct BulkRecord;

impl utoipa::PartialSchema for BulkRecord {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let about = "One record of a bulk request: its `external_id` and the parts to set \
                     (a change without `version`).";
        let key = "The client company's key for the record.";
        crate::openapi::keyed(Patch::schema(), ("external_id", key), &["version"], about)
    }
}

impl ToSchema for BulkRecord {
    fn schemas(
        out: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <Patch as ToSchema>::schemas(out);
    }
}

/// `PUT /api/v1/customers/by-external-id/{external_id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Synced {
    /// The record after.
    pub customer: Option<CustomerFull>,
    /// Whether the request made it (201) or changed it (200).
    pub created: bool,
    /// The parts that changed (absent when the record was made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<Vec<String>>,
}

/// What became of one bulk record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkStatus {
    /// A new record.
    Created,
    /// A record changed.
    Updated,
    /// A record the request changed nothing on.
    Unchanged,
    /// Not written: `error` says why.
    Error,
}

/// One bulk record's answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BulkResult {
    /// Written (or found unchanged).
    Done(BulkDone),
    /// Refused.
    Failed(BulkFailed),
}

/// A bulk record written or found unchanged.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkDone {
    /// Its key.
    pub external_id: String,
    /// The record's id.
    pub id: Option<i64>,
    /// `created`, `updated` or `unchanged`.
    pub status: BulkStatus,
    /// The parts changed (an update's; null otherwise).
    pub changed: Option<Vec<String>>,
}

/// A bulk record refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkFailed {
    /// Its key, when it had one.
    pub external_id: Option<String>,
    /// `error`.
    pub status: BulkStatus,
    /// Why.
    pub error: String,
}

impl BulkResult {
    fn status(&self) -> BulkStatus {
        match self {
            BulkResult::Done(d) => d.status,
            BulkResult::Failed(f) => f.status,
        }
    }
}

/// `POST /api/v1/customers/bulk`: the records' answers in the order given,
/// and how many of each.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    /// Records made.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Records the request changed nothing on.
    pub unchanged: usize,
    /// Records refused.
    pub errors: usize,
    /// One answer per record, in the order given.
    pub results: Vec<BulkResult>,
}

/// What one record of a sync became.
#[derive(Debug, Clone)]
enum Outcome {
    Created,
    Updated(Vec<String>),
    Unchanged,
}

fn key_ok(key: &str) -> ApiResult<()> {
    let ok =
        !key.trim().is_empty() && key.len() <= KEY_LEN_MAX && !key.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(ApiError::field("external_id", "1 to 128 printable bytes"))
    }
}

/// The records the keys name now (hashed keys confirmed on the record read).
async fn existing(
    st: &AppState,
    t: &store::Tenant,
    keys: &[String],
) -> ApiResult<Vec<Option<(i64, u32, Record)>>> {
    let rows: Vec<MatchKeys> = keys
        .iter()
        .map(|k| MatchKeys {
            external_id: Some(k.clone()),
            phones: Vec::new(),
            emails: Vec::new(),
        })
        .collect();
    let found = match st
        .hub
        .tenant(t)
        .await?
        .call(Op::MatchCustomers(rows))
        .await?
    {
        Ack::Matches(f) => f,
        _ => return Err(ApiError::internal("unexpected answer to a match")),
    };
    let mut ids: Vec<i64> = found.iter().flatten().map(|f| f.customer).collect();
    ids.sort_unstable();
    ids.dedup();
    let records: HashMap<i64, (u32, Record)> = (st.store.customers_full(t, &ids).await?)
        .into_iter()
        .map(|c| (c.id, (c.version, c.record)))
        .collect();
    Ok(found
        .into_iter()
        .zip(keys)
        .map(|(f, key)| {
            let f = f.filter(|f| f.by == MatchedBy::ExternalId)?;
            let (v, r) = records.get(&f.customer)?;
            (r.external_id.as_deref() == Some(key.as_str())).then(|| (f.customer, *v, r.clone()))
        })
        .collect())
}

/// The entry one record's sync writes (none when nothing changes).
fn entry_of(
    key: &str,
    patch: Patch,
    now: Option<(i64, u32, Record)>,
    defs: &model::fields::FieldDefs,
) -> ApiResult<(Option<SetEntry>, Outcome)> {
    if patch.version.is_some() {
        return Err(ApiError::field(
            "version",
            "not taken here: the latest write wins",
        ));
    }
    if patch
        .external_id
        .as_ref()
        .is_some_and(|x| x.as_deref() != Some(key))
    {
        return Err(ApiError::field("external_id", "not the record's key"));
    }
    match now {
        Some((id, version, before)) => {
            let after = patched(before.clone(), patch, defs)?;
            let changed = after.changed_from(&before);
            if changed.is_empty() {
                return Ok((None, Outcome::Unchanged));
            }
            let e = SetEntry {
                customer: Some(id),
                version,
                record: after,
                changed: changed.clone(),
            };
            Ok((Some(e), Outcome::Updated(changed)))
        }
        None => {
            if patch.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(ApiError::field("name", "required for a new record"));
            }
            let fresh = Record {
                external_id: Some(key.to_string()),
                ..Record::default()
            };
            let mut after = patched(fresh, patch, defs)?;
            if let Some(name) = defs.missing(&after.fields) {
                return Err(ApiError::field(
                    &format!("fields.{name}"),
                    "required: a new record needs it",
                ));
            }
            after.external_id = Some(key.to_string());
            let e = SetEntry {
                customer: None,
                version: 0,
                record: after,
                changed: Vec::new(),
            };
            Ok((Some(e), Outcome::Created))
        }
    }
}

/// Writes entries in one fact: the ids they got, in order.
async fn write(st: &AppState, p: &Principal, entries: Vec<SetEntry>) -> ApiResult<Vec<i64>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let op = Op::SetCustomers {
        by: p.name.clone(),
        cause: Cause::Edit,
        entries,
    };
    match st.hub.tenant(p.tenant()?).await?.call(op).await? {
        Ack::Ids(ids) => Ok(ids),
        _ => Err(ApiError::internal("unexpected answer to a write")),
    }
}

/// `PUT /api/v1/customers/by-external-id/{external_id}`: `201 {"customer",
/// "created": true}` or `200 {"customer", "created": false, "changed"}`.
pub async fn put(
    State(st): State<AppState>,
    p: Principal,
    Path(key): Path<String>,
    Body(patch): Body<Patch>,
) -> ApiResult<Response> {
    p.require(Action::CustomersWrite)?;
    key_ok(&key)?;
    let t = p.tenant()?;
    let defs = crate::routes::settings::field_defs(&st, t).await?;
    let now = existing(&st, t, std::slice::from_ref(&key))
        .await?
        .pop()
        .flatten();
    let known = now.as_ref().map(|n| n.0);
    let (entry, outcome) = entry_of(&key, patch, now, &defs)?;
    let ids = write(&st, &p, entry.into_iter().collect()).await?;
    let id = known
        .or(ids.first().copied())
        .ok_or_else(|| ApiError::internal("no id"))?;
    let customer = st.store.customer_full(t, id).await?;
    let (status, created, changed) = match outcome {
        Outcome::Created => (StatusCode::CREATED, true, None),
        Outcome::Updated(changed) => (StatusCode::OK, false, Some(changed)),
        Outcome::Unchanged => (StatusCode::OK, false, Some(Vec::new())),
    };
    let body = Synced {
        customer,
        created,
        changed,
    };
    Ok((status, axum::Json(body)).into_response())
}

/// One bulk record read: its key and its parts, or what is wrong.
fn read_one(v: Value) -> Result<(String, Patch), (Option<String>, ApiError)> {
    let mut v = v;
    let key = v
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or((None, ApiError::field("external_id", "missing")))?;
    key_ok(&key).map_err(|e| (Some(key.clone()), e))?;
    if let Some(o) = v.as_object_mut() {
        o.remove("external_id");
    }
    let patch: Patch =
        serde_json::from_value(v).map_err(|e| (Some(key.clone()), ApiError::field("record", e)))?;
    Ok((key, patch))
}

fn error_json(key: Option<&str>, e: &ApiError) -> BulkResult {
    BulkResult::Failed(BulkFailed {
        external_id: key.map(str::to_string),
        status: BulkStatus::Error,
        error: e.message.clone(),
    })
}

/// `POST /api/v1/customers/bulk`: `{"results": [{"external_id", "id",
/// "status": created|updated|unchanged|error, "changed"?, "error"?}]}` in
/// the order given; `created`, `updated`, `unchanged` and `errors` count them.
pub async fn bulk(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<Bulk>,
) -> ApiResult<Response> {
    p.require(Action::CustomersWrite)?;
    if req.records.is_empty() || req.records.len() > BULK_MAX {
        return Err(ApiError::field("records", format!("1 to {BULK_MAX}")));
    }
    let t = p.tenant()?;
    let defs = crate::routes::settings::field_defs(&st, t).await?;
    let read: Vec<_> = req.records.into_iter().map(read_one).collect();
    let keys: Vec<String> = read
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|(k, _)| k.clone()))
        .collect();
    let mut now = existing(&st, t, &keys).await?.into_iter();
    let mut seen = std::collections::HashSet::new();
    let (mut results, mut entries, mut slots) = (Vec::new(), Vec::new(), Vec::new());
    for r in read {
        let (key, patch) = match r {
            Ok(x) => x,
            Err((key, e)) => {
                results.push(error_json(key.as_deref(), &e));
                continue;
            }
        };
        let found = now.next().flatten();
        if !seen.insert(key.clone()) {
            results.push(error_json(
                Some(&key),
                &ApiError::field("external_id", "twice in this request"),
            ));
            continue;
        }
        let known = found.as_ref().map(|f| f.0);
        match entry_of(&key, patch, found, &defs) {
            Err(e) => results.push(error_json(Some(&key), &e)),
            Ok((entry, outcome)) => {
                if let Some(e) = entry {
                    slots.push((results.len(), entries.len()));
                    entries.push(e);
                }
                let (status, changed) = match outcome {
                    Outcome::Created => (BulkStatus::Created, None),
                    Outcome::Updated(c) => (BulkStatus::Updated, Some(c)),
                    Outcome::Unchanged => (BulkStatus::Unchanged, None),
                };
                results.push(BulkResult::Done(BulkDone {
                    external_id: key,
                    id: known,
                    status,
                    changed,
                }));
            }
        }
    }
    let ids = write(&st, &p, entries).await?;
    for (r, e) in slots {
        if let Some(BulkResult::Done(d)) = results.get_mut(r) {
            d.id = ids.get(e).copied();
        }
    }
    let count = |s: BulkStatus| results.iter().filter(|r| r.status() == s).count();
    let body = BulkAnswer {
        created: count(BulkStatus::Created),
        updated: count(BulkStatus::Updated),
        unchanged: count(BulkStatus::Unchanged),
        errors: count(BulkStatus::Error),
        results,
    };
    Ok(axum::Json(body).into_response())
}
