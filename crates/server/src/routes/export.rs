//! The data subject's rights of access and erasure.
//!
//! `POST /api/v1/customers/{id}/erase` erases the person (see
//! [`crate::erasure`]) and answers what it did: `{"customers", "interactions",
//! "numbers", "facts_redacted", "files_deleted"}`; a record merged into
//! another is erased through that one (409 names it).
//!
//! Access: `GET /api/v1/customers/{id}/export`
//! returns everything kept about a person as one ZIP — `record.json` (the
//! record and those merged into it), `consents.json`, `profile.json`,
//! `interactions.json` (every contact on every channel, with its notes and
//! chat messages), `timeline.json` (dial attempts and changes of the record,
//! with their causes) and `recordings/INTERACTION.wav` — with a
//! `README.txt` saying what each file is. Each export is in the audit trail.

use std::io::Write as _;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;

/// Interactions an export holds at most (per record).
const INTERACTIONS_MAX: i64 = 100_000;
/// Timeline entries an export holds at most.
const TIMELINE_MAX: i64 = 100_000;

const README: &str = "Everything Centralita keeps about this person, as of the export.

record.json        the customer record, and the records merged into it
consents.json      the consent ledger, newest first (purpose, channel, given or withdrawn, when, source, evidence)
profile.json       answers saved on the record during contacts
interactions.json  every contact on every channel, oldest first, each with its notes, chat messages and e-mails
timeline.json      every contact, note, answer, dial attempt and change of the record, newest first
recordings/        the recordings of the calls (one WAV per call: the customer left, the agent right)
attachments/       the attachments of the e-mails, by interaction
";

/// The files of one export: (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

fn json_file(name: &str, v: &impl serde::Serialize) -> ApiResult<(String, Vec<u8>)> {
    let bytes = serde_json::to_vec_pretty(v).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((name.to_string(), bytes))
}

/// Media of an export: its name in the ZIP, the file, whether it is a
/// recording (which only those who may listen get).
type Media = Vec<(String, String, bool)>;

/// The interactions of the record and those merged into it, each with its
/// notes, messages and e-mails, and their media (recordings, attachments).
async fn contacts(st: &AppState, t: &store::Tenant, ids: &[i64]) -> ApiResult<(Vec<Value>, Media)> {
    let list = st
        .store
        .interactions_of_customers(t, ids, INTERACTIONS_MAX)
        .await?;
    let (mut out, mut recordings) = (Vec::with_capacity(list.len()), Vec::new());
    for it in list {
        let notes = st.store.notes(t, it.id).await?;
        let messages = st.store.messages(t, it.id, 0).await?;
        let mut emails = Vec::new();
        for r in st.store.interaction_facts(t, it.id).await? {
            match r.fact {
                store::Fact::Call {
                    call: store::CallFact::RecordingStarted { path, .. },
                    ..
                } => recordings.push((format!("recordings/{}.wav", it.id), path, true)),
                store::Fact::EmailReceived { email, .. } | store::Fact::EmailSent { email, .. } => {
                    for path in email.attachments.iter().filter_map(|a| a.path.clone()) {
                        let file = std::path::Path::new(&path)
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned());
                        let name = format!("attachments/{}/{}", it.id, file.unwrap_or_default());
                        recordings.push((name, path, false));
                    }
                    emails.push(email);
                }
                _ => {}
            }
        }
        let mut v = serde_json::to_value(&it).unwrap_or_default();
        v["notes"] = json!(notes);
        v["messages"] = json!(messages);
        if !emails.is_empty() {
            v["emails"] = json!(emails);
        }
        out.push(v);
    }
    Ok((out, recordings))
}

async fn files_of(st: &AppState, p: &Principal, id: i64) -> ApiResult<Files> {
    let t = p.tenant()?;
    let record = st
        .store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let merged = st.store.customers_merged_into(t, id).await?;
    let mut ids = vec![id];
    ids.extend(merged.iter().map(|m| m.id));
    let mut consents = Vec::new();
    let mut profile = serde_json::Map::new();
    for c in &ids {
        consents.extend(st.store.customer_consents(t, *c, 100_000).await?);
        for (k, v) in st.store.customer_profile(t, *c).await? {
            profile.insert(k, json!(v));
        }
    }
    let consents: Vec<Value> = consents
        .into_iter()
        .map(|(seq, e)| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            v["seq"] = json!(seq);
            v
        })
        .collect();
    let (interactions, recordings) = contacts(st, t, &ids).await?;
    let timeline = st
        .store
        .customer_timeline(t, id, None, TIMELINE_MAX)
        .await?;
    let mut files = vec![
        ("README.txt".to_string(), README.as_bytes().to_vec()),
        json_file("record.json", &json!({"record": record, "merged": merged}))?,
        json_file("consents.json", &consents)?,
        json_file("profile.json", &profile)?,
        json_file("interactions.json", &interactions)?,
        json_file("timeline.json", &timeline)?,
    ];
    let listen = crate::perms::allowed(p.role, Action::RecordingsRead);
    for (name, path, recording) in recordings {
        // A file deleted by retention is simply not there.
        if (listen || !recording)
            && let Ok(bytes) = tokio::fs::read(&path).await
        {
            files.push((name, bytes));
        }
    }
    Ok(files)
}

fn zip_of(files: Files) -> ApiResult<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        z.start_file(name, opts)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        z.write_all(&bytes)
            .map_err(|e| ApiError::internal(e.to_string()))?;
    }
    let cursor = z.finish().map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// `GET /api/v1/customers/{id}/export`.
pub async fn export(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "customer")?;
    let files = files_of(&st, &p, id).await?;
    let bytes = tokio::task::spawn_blocking(move || zip_of(files))
        .await
        .map_err(ApiError::internal)??;
    let on = Some(format!("customer:{id}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::CustomerExported, on).await?;
    let disposition = format!("attachment; filename=\"customer-{id}.zip\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /api/v1/customers/{id}/erase`.
pub async fn erase(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::customer(&st, &p, Action::CustomersErase, id).await?;
    let t = p.tenant()?;
    let record = st
        .store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if let Some(kept) = record.merged_into {
        return Err(ApiError::conflict(format!(
            "customer {id} was merged into {kept}: erase {kept}"
        )));
    }
    let hub = st.hub.tenant(t).await?;
    let done = crate::erasure::erase(&st.store, &hub, t, &[id], &p.name).await?;
    for c in &done.customers {
        crate::audit::record(
            &st,
            &p,
            crate::audit::AuditAction::CustomerErased,
            Some(format!("customer:{c}")),
        )
        .await?;
    }
    Ok(axum::Json(done).into_response())
}
