//! The right to erasure, and retention of customers.
//!
//! Erasing a record (`POST /api/v1/customers/{id}/erase`, or retention)
//! takes out the record and those merged into it, their interactions'
//! texts and recordings, their numbers and e-mail addresses, in this
//! order: the tenant core closes their campaign contacts and logs
//! `customer_erased` (the projections are emptied in the same commit);
//! the log's facts that held their data are redacted in place
//! (`model::erasure`); the recordings are deleted; the database files'
//! free space is wiped (`store::erase`). An erasure that stopped half-way
//! (a crash) is finished by asking again: every step can be repeated.
//!
//! Numbers are replaced by placeholders made with a key of the tenant's
//! (16 random bytes, sealed with the server's secret key and kept outside
//! the log, in `tenant_keys`), so the log never says which number a
//! placeholder stands for, and a number that had opted out stays out when
//! it comes back (see `dialer::erased`).
//!
//! Retention: a tenant's `customer_retention_days` (tenant settings)
//! erases records with no activity for that long — no contact, no change —
//! a batch at a time, each record in the audit trail as erased by
//! `system`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use model::erasure::Erasure;
use serde::Serialize;
use store::{Store, Tenant};

use crate::AppState;
use crate::error::ApiError;
use crate::secrets::SecretBox;
use crate::tenant::{Ack, Op, TenantHandle};

/// The `tenant_keys` purpose of the erasure key.
pub const KEY_PURPOSE: &str = "erasure";
/// Records one retention pass erases at most (together, as one erasure).
pub const RETENTION_BATCH: i64 = 100;
/// How often retention looks, by default (`CENTRALITA_RETENTION_SWEEP_S`).
pub const SWEEP_EVERY_DEFAULT: Duration = Duration::from_secs(3_600);

const DAY_MS: i64 = 86_400_000;

/// The tenant's erasure key, made at its first use and kept sealed.
pub async fn tenant_key(
    store: &Store,
    t: &Tenant,
    secrets: &SecretBox,
) -> anyhow::Result<[u8; 16]> {
    let purpose = format!("erasure:{}", t.id());
    let sealed = store
        .tenant_key(t, KEY_PURPOSE, || {
            secrets.seal(&purpose, &crate::auth::random_hex(16))
        })
        .await?;
    let hex = secrets.open(&purpose, &sealed)?;
    let mut key = [0u8; 16];
    for (i, b) in key.iter_mut().enumerate() {
        *b = hex
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .ok_or_else(|| anyhow::anyhow!("the tenant's erasure key is not 32 hex digits"))?;
    }
    Ok(key)
}

/// What an erasure did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Erased {
    /// The records erased (those asked for and those merged into them).
    pub customers: Vec<i64>,
    /// Their interactions (kept, emptied of texts).
    pub interactions: usize,
    /// Their numbers now placeholders in the log.
    pub numbers: usize,
    /// Facts of the log rewritten.
    pub facts_redacted: u64,
    /// Files deleted: the calls' recordings and the e-mails' attachments.
    pub files_deleted: usize,
}

/// Erases records, each with those merged into it, as one erasure.
pub async fn erase(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    ids: &[i64],
    by: &str,
) -> Result<Erased, ApiError> {
    let (mut customers, mut interactions) = (BTreeSet::new(), BTreeSet::new());
    let (mut written, mut numbers, mut emails) = (Vec::new(), BTreeSet::new(), BTreeSet::new());
    for &id in ids {
        let s = store
            .erasure_subject(t, id)
            .await?
            .ok_or_else(|| ApiError::not_found("customer"))?;
        customers.extend(s.customers);
        interactions.extend(s.interactions);
        written.extend(s.written);
        numbers.extend(s.numbers);
        emails.extend(s.emails);
    }
    let recordings = recordings_of(store, t, &interactions).await?;
    let ack = handle
        .call(Op::EraseCustomers {
            customers: customers.iter().copied().collect(),
            numbers: numbers.iter().cloned().collect(),
            by: by.to_string(),
        })
        .await?;
    let Ack::Erased(pairs) = ack else {
        return Err(ApiError::internal("the core did not answer an erasure"));
    };
    let placeholders: BTreeMap<String, String> = pairs.into_iter().collect();
    let mut map = BTreeMap::new();
    for (as_given, e164) in written {
        if let Some(p) = e164.as_ref().and_then(|e| placeholders.get(e)) {
            map.insert(as_given.trim().to_string(), p.clone());
            map.insert(e164.unwrap_or_default(), p.clone());
        }
    }
    let cases = cases_of(handle, &customers).await?;
    let erasure = Erasure {
        customers: customers.clone(),
        interactions,
        numbers: map,
        emails,
        cases,
    };
    let redacted = store.redact_log(t, &erasure).await?;
    let cases: Vec<u64> = erasure.cases.iter().copied().collect();
    store.erase_payments_of_cases(t, &cases).await?;
    let facts_redacted = redacted.facts;
    let mut files = recordings;
    files.extend(redacted.files);
    files.sort();
    files.dedup();
    let files_deleted = delete_files(files).await;
    store.scrub().await?;
    Ok(Erased {
        customers: customers.into_iter().collect(),
        interactions: erasure.interactions.len(),
        numbers: placeholders.len(),
        facts_redacted,
        files_deleted,
    })
}

/// The cases the persons owe in (closed ones: the core refused the
/// erasure if one was open), whose facts name them.
async fn cases_of(
    handle: &TenantHandle,
    customers: &BTreeSet<i64>,
) -> Result<BTreeSet<u64>, ApiError> {
    let ask = center::cases::CaseCommand::OfCustomers(customers.iter().copied().collect());
    match handle.call(Op::Case(Box::new(ask))).await? {
        Ack::CaseIds(ids) => Ok(ids.into_iter().collect()),
        _ => Err(ApiError::internal(
            "the core did not answer a query of cases",
        )),
    }
}

/// The recordings the interactions' calls made, and their e-mails' attachments.
async fn recordings_of(
    store: &Store,
    t: &Tenant,
    interactions: &BTreeSet<i64>,
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for &i in interactions {
        for r in store.interaction_facts(t, i).await? {
            match r.fact {
                store::Fact::Call {
                    call: store::CallFact::RecordingStarted { path, .. },
                    ..
                } => out.push(path),
                // E-mail attachments go with them.
                store::Fact::EmailReceived { email, .. } => {
                    out.extend(email.attachments.into_iter().filter_map(|a| a.path));
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Deletes files (those already gone count as deleted); how many went.
async fn delete_files(paths: Vec<String>) -> usize {
    tokio::task::spawn_blocking(move || {
        paths
            .iter()
            .filter(|p| match std::fs::remove_file(p) {
                Ok(()) => true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
                Err(e) => {
                    tracing::warn!(path = %p, error = %e, "recording of an erased customer not deleted");
                    false
                }
            })
            .count()
    })
    .await
    .unwrap_or(0)
}

/// How often retention looks (`CENTRALITA_RETENTION_SWEEP_S`, seconds).
pub fn sweep_every() -> Duration {
    std::env::var("CENTRALITA_RETENTION_SWEEP_S")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| *s > 0.0 && s.is_finite())
        .map(Duration::from_secs_f64)
        .unwrap_or(SWEEP_EVERY_DEFAULT)
}

/// One retention pass over a tenant: the records inactive for longer
/// than its `customer_retention_days` (a batch), erased.
pub async fn retention_pass(st: &AppState, t: &Tenant) -> Result<Erased, ApiError> {
    retention_pass_at(st, t, crate::clock::now_ms()).await
}

/// [`retention_pass`] as if it were `now_ms` (Unix ms).
pub async fn retention_pass_at(st: &AppState, t: &Tenant, now_ms: i64) -> Result<Erased, ApiError> {
    let Some(doc) = st.store.setting(t, "tenant").await? else {
        return Ok(Erased::default());
    };
    let Ok(doc) = serde_json::from_str::<center::settings::TenantSettingsDoc>(&doc) else {
        return Ok(Erased::default());
    };
    let Some(days) = doc.customer_retention_days else {
        return Ok(Erased::default());
    };
    let cutoff = now_ms - i64::from(days) * DAY_MS;
    let ids = st
        .store
        .customers_inactive_since(t, cutoff, RETENTION_BATCH)
        .await?;
    if ids.is_empty() {
        return Ok(Erased::default());
    }
    let handle = st.hub.tenant(t).await?;
    let done = erase(&st.store, &handle, t, &ids, "retention").await?;
    for id in &done.customers {
        crate::audit::record_as(
            st,
            t.id(),
            crate::auth::Actor::System,
            crate::audit::AuditAction::CustomerErased,
            Some(format!("customer:{id}")),
        )
        .await?;
    }
    Ok(done)
}

/// Retention, every `every`, for as long as the server runs.
pub async fn run_retention(st: AppState, every: Duration) {
    loop {
        match st.store.tenants().await {
            Ok(tenants) => {
                for t in tenants {
                    match retention_pass(&st, &t).await {
                        Ok(d) if !d.customers.is_empty() => {
                            tracing::info!(
                                tenant = t.name(),
                                erased = d.customers.len(),
                                "customers past retention erased"
                            );
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(tenant = t.name(), error = %e.message, "retention pass failed");
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "retention: tenants not read"),
        }
        tokio::time::sleep(every).await;
    }
}
