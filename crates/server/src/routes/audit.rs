//! `GET /api/v1/audit?from=&to=&format=json|csv&limit=`: the tenant's audit
//! trail for its administrators, in chain order, each entry with the hash
//! before it and its own (so an export can be checked on its own). `from`
//! and `to` are Unix ms or RFC 3339 times, both included.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use store::audit::AuditEntry;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;

/// Entries answered when no `limit` is given.
pub const LIMIT_DEFAULT: i64 = 1_000;

/// A CSV field, quoted when it needs to be (the trail holds ids and names of
/// actions only, but an export must stay well-formed whatever it holds).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The entries as CSV, with a header line.
pub fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("seq,at,actor,action,target,prev_hash,hash\n");
    for e in entries {
        let at = chrono::DateTime::from_timestamp_millis(e.at)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            e.seq,
            at,
            csv_field(&e.actor),
            csv_field(&e.action),
            csv_field(e.target.as_deref().unwrap_or("")),
            e.prev_hash,
            e.hash
        ));
    }
    out
}

/// `GET /api/v1/audit`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::AuditRead)?;
    let from = q
        .get("from")
        .map(|s| super::time_field("from", s))
        .transpose()?;
    let to = q
        .get("to")
        .map(|s| super::time_field("to", s))
        .transpose()?;
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=store::audit::READ_MAX).contains(l))
            .ok_or_else(|| ApiError::field("limit", format!("1 to {}", store::audit::READ_MAX)))?,
        None => LIMIT_DEFAULT,
    };
    let entries = st.store.audit(p.tenant()?, from, to, limit).await?;
    match q.get("format").map(String::as_str).unwrap_or("json") {
        "json" => Ok(axum::Json(AuditEntries { entries }).into_response()),
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit.csv\"",
                ),
            ],
            csv(&entries),
        )
            .into_response()),
        other => Err(ApiError::field("format", format!("{other:?}: json or csv"))),
    }
}

/// `GET /api/v1/audit` (`format=json`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntries {
    /// The entries, oldest first, each chained to the one before.
    pub entries: Vec<store::audit::AuditEntry>,
}
