//! A customer's consent ledger: `POST /api/v1/customers/{id}/consents`
//! records an entry (`{"purpose", "channel": voice|sms|email|any, "granted",
//! "at"?, "source", "evidence"?}`; `at` defaults to now and cannot be in the
//! future), `GET` lists the entries newest first with what is in force per
//! purpose and channel. A voice entry reaches the dialer's gate at once; a
//! withdrawal for `all` on voice is an opt-out from every call.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::consent::{ConsentChannel, ConsentEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::Op;

/// Entries a listing shows at most.
const LIST_MAX: i64 = 500;

/// An entry as the API takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentReq {
    /// For what (`marketing`, `collections`; `all` for every purpose).
    pub purpose: String,
    /// On which channel.
    pub channel: ConsentChannel,
    /// Given or withdrawn.
    pub granted: bool,
    /// When (RFC 3339; default now).
    #[serde(default)]
    pub at: Option<String>,
    /// Where it came from (`web_form`, `call`, `letter`).
    pub source: String,
    /// What proves it.
    #[serde(default)]
    pub evidence: Option<String>,
}

fn at_of(at: Option<&str>) -> ApiResult<i64> {
    let now = crate::clock::now_ms();
    let Some(s) = at else { return Ok(now) };
    let t = chrono::DateTime::parse_from_rfc3339(s)
        .map_err(|_| ApiError::field("at", "an RFC 3339 time (2026-12-07T10:00:00+01:00)"))?
        .timestamp_millis();
    if t > now + 60_000 {
        return Err(ApiError::field("at", "in the future"));
    }
    Ok(t)
}

/// `POST /api/v1/customers/{id}/consents`.
pub async fn record(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ConsentReq>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::customer(&st, &p, Action::CustomersWrite, id).await?;
    let entry = ConsentEntry {
        purpose: req.purpose,
        channel: req.channel,
        granted: req.granted,
        at: at_of(req.at.as_deref())?,
        source: req.source,
        evidence: req.evidence.filter(|e| !e.is_empty()),
        by: p.name.clone(),
    };
    let hub = st.hub.tenant(p.tenant()?).await?;
    hub.call(Op::RecordConsent {
        customer: id,
        entry: entry.clone(),
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(entry)).into_response())
}

/// `GET /api/v1/customers/{id}/consents`: `{"consents": [entries, newest
/// first, each with its "seq"], "in_force": {"marketing": {"voice": true, …}}}`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::customer(&st, &p, Action::CustomersRead, id).await?;
    let t = p.tenant()?;
    st.store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let entries = st.store.customer_consents(t, id, LIST_MAX).await?;
    let ledger: Vec<ConsentEntry> = entries.iter().rev().map(|(_, e)| e.clone()).collect();
    let mut in_force: BTreeMap<&str, BTreeMap<&str, bool>> = BTreeMap::new();
    for e in &ledger {
        for ch in [
            ConsentChannel::Voice,
            ConsentChannel::Sms,
            ConsentChannel::Email,
        ] {
            let channels = [ch, ConsentChannel::Any];
            if e.purpose == model::consent::ALL || !channels.contains(&e.channel) {
                continue;
            }
            let now = model::consent::in_force(&ledger, &e.purpose, ch).is_some_and(|x| x.granted);
            in_force
                .entry(&e.purpose)
                .or_default()
                .insert(ch.as_str(), now);
        }
    }
    let in_force = in_force
        .into_iter()
        .map(|(purpose, by)| {
            let by = by.into_iter().map(|(ch, on)| (ch.to_string(), on));
            (purpose.to_string(), by.collect())
        })
        .collect();
    let consents = entries
        .into_iter()
        .map(|(seq, entry)| LedgerEntry { seq, entry })
        .collect();
    Ok(axum::Json(Ledger { consents, in_force }).into_response())
}

/// `GET /api/v1/customers/{id}/consents`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ledger {
    /// The entries, newest first.
    pub consents: Vec<LedgerEntry>,
    /// Purpose → channel (`voice`, `sms`, `email`) → whether consent is in force.
    pub in_force: BTreeMap<String, BTreeMap<String, bool>>,
}

/// An entry of the ledger with its place in the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntry {
    /// Its log sequence number.
    pub seq: i64,
    /// The entry.
    #[serde(flatten)]
    pub entry: ConsentEntry,
}
