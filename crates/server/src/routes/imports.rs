//! Imports through the API: a file posted (multipart), run in the
//! background, its progress and its report of rejected lines.

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::import::{FILE_MAX, Job};
use crate::perms::Action;
use crate::routes::path_id;
use store::crm::{ImportKind, ImportState};

/// The parts of an import's form.
#[derive(Default)]
struct Form {
    file: Option<(String, Vec<u8>)>,
    kind: Option<String>,
    mapping: Option<String>,
    country: Option<String>,
    encoding: Option<String>,
    sheet: Option<String>,
    campaign: Option<String>,
    query: Option<String>,
    list: Option<String>,
    creditor: Option<String>,
    national: bool,
    dry_run: bool,
}

async fn form_of(mut m: Multipart) -> ApiResult<Form> {
    let mut f = Form::default();
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|e| ApiError::field("file", e))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::field("file", e))?;
            f.file = Some((file_name, bytes.to_vec()));
            continue;
        }
        let text = field.text().await.map_err(|e| ApiError::field(&name, e))?;
        match name.as_str() {
            "kind" => f.kind = Some(text),
            "mapping" => f.mapping = Some(text).filter(|m| !m.trim().is_empty()),
            "country" => f.country = Some(text),
            "encoding" => f.encoding = Some(text),
            "sheet" => f.sheet = Some(text),
            "campaign" => f.campaign = Some(text),
            "query" => f.query = Some(text).filter(|q| !q.is_empty()),
            "list" => f.list = Some(text).filter(|l| !l.is_empty()),
            "creditor" => f.creditor = Some(text).filter(|c| !c.trim().is_empty()),
            "national" => f.national = matches!(text.as_str(), "true" | "1" | "yes" | "on"),
            "dry_run" => f.dry_run = matches!(text.as_str(), "true" | "1" | "yes" | "on"),
            other => return Err(ApiError::field(other, "not a part of an import")),
        }
    }
    Ok(f)
}

/// The job a form asks for (its id still to be given).
fn job_of(f: &Form, by: &str, kind: ImportKind) -> ApiResult<Job> {
    let country = f
        .country
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            import::Country::parse(c)
                .ok_or_else(|| ApiError::field("country", "not an ISO 3166 country code"))
        })
        .transpose()?;
    let encoding = f
        .encoding
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(|e| {
            import::Encoding::parse(e).ok_or_else(|| {
                ApiError::field(
                    "encoding",
                    "UTF-8, Windows-1250, Windows-1252 or ISO-8859-2",
                )
            })
        })
        .transpose()?;
    match (&f.mapping, kind) {
        (Some(m), ImportKind::Debts) => {
            crate::debts::check_mapping(m).map_err(|e| ApiError::field("mapping", e))?;
        }
        (Some(_), ImportKind::Payments) => {
            return Err(ApiError::field("mapping", "a bank file needs none"));
        }
        (Some(m), _) => {
            import::Mapping::from_toml(m).map_err(|e| ApiError::field("mapping", e))?;
        }
        (None, _) => {}
    }
    if f.creditor.is_some() && kind != ImportKind::Debts {
        return Err(ApiError::field("creditor", "only for kind=debts"));
    }
    Ok(Job {
        id: 0,
        by: by.to_string(),
        dry_run: f.dry_run,
        country,
        encoding,
        sheet: f.sheet.clone().filter(|s| !s.is_empty()),
        mapping: f.mapping.clone().filter(|m| !m.trim().is_empty()),
        fields: Default::default(),
        campaign: None,
        members: false,
    })
}

/// What a form loads, and the campaign of a contact list. Without a kind:
/// contacts when a campaign is named, else customers.
fn kind_of(f: &Form) -> ApiResult<(ImportKind, Option<i64>)> {
    let campaign = f.campaign.as_deref().filter(|c| !c.is_empty());
    let kind = match f.kind.as_deref() {
        None if campaign.is_some() => ImportKind::Contacts,
        None | Some("customers") => ImportKind::Customers,
        Some("contacts") => ImportKind::Contacts,
        Some("dnc") => ImportKind::Dnc,
        Some("debts") => ImportKind::Debts,
        Some("payments") => ImportKind::Payments,
        Some(other) => {
            return Err(ApiError::field(
                "kind",
                format!("{other}: customers, contacts, dnc, debts or payments"),
            ));
        }
    };
    match (kind, campaign) {
        (ImportKind::Debts | ImportKind::Payments, None) => Ok((kind, None)),
        (ImportKind::Debts | ImportKind::Payments, Some(_)) => {
            Err(ApiError::field("campaign", "only for kind=contacts"))
        }
        (ImportKind::Dnc, None) => Ok((kind, None)),
        (ImportKind::Dnc, Some(_)) => Err(ApiError::field("campaign", "only for kind=contacts")),
        (ImportKind::Customers, None) => Ok((kind, None)),
        (ImportKind::Customers, Some(_)) => {
            Err(ApiError::field("campaign", "only for kind=contacts"))
        }
        (ImportKind::Contacts, Some(c)) => Ok((kind, Some(path_id(c, "campaign")?))),
        (ImportKind::Contacts, None) => Err(ApiError::field(
            "campaign",
            "missing: the campaign the contacts are for",
        )),
    }
}

/// Starts an import from a posted form: its id; it runs in the background.
pub async fn begin(st: &AppState, p: &Principal, m: Multipart) -> ApiResult<i64> {
    p.require(Action::CustomersManage)?;
    let f = form_of(m).await?;
    let (kind, campaign) = kind_of(&f)?;
    match kind {
        ImportKind::Debts => p.require(Action::CasesWork)?,
        ImportKind::Payments => p.require(Action::PaymentsManage)?,
        _ => {}
    }
    let mut job = job_of(&f, &p.name, kind)?;
    let creditor = f.creditor.clone();
    if let Some(c) = campaign {
        p.require(Action::CampaignsManage)?;
        st.store
            .campaign(p.tenant()?, c)
            .await?
            .ok_or_else(|| ApiError::not_found("campaign"))?;
        job.campaign = Some(c);
    }
    let t = p.tenant()?.clone();
    let dnc = match kind {
        ImportKind::Dnc => Some(dnc_job(st, p, &t, &f).await?),
        _ if f.list.is_some() => return Err(ApiError::field("list", "only for kind=dnc")),
        _ => None,
    };
    let source = source_of(st, &t, f.file, f.query.as_deref(), kind).await?;
    // One import at a time per tenant: its chunks go through the tenant's task.
    if let Some(r) = st
        .store
        .imports(&t, 20)
        .await?
        .iter()
        .find(|v| v.state == ImportState::Running)
    {
        return Err(ApiError::conflict(format!(
            "import {} is running: wait for it to end",
            r.id
        )));
    }
    let handle = st.hub.tenant(&t).await?;
    let name: String = match &source {
        Source::File(name, _) => name.chars().take(200).collect(),
        Source::Query(name, _) => format!("query:{name}"),
    };
    job.id = st
        .store
        .create_import(
            &t,
            &store::crm::NewImport {
                kind,
                file_name: &name,
                by: &p.name,
                dry_run: job.dry_run,
                campaign,
            },
            crate::clock::now_ms(),
        )
        .await?;
    let id = job.id;
    let store = st.store.clone();
    tokio::spawn(async move {
        match (source, dnc) {
            (Source::File(_, bytes), Some(mut dnc)) => {
                dnc.id = job.id;
                crate::dnc::run(&store, &handle, &t, dnc, bytes).await;
            }
            (Source::File(_, bytes), None) if kind == ImportKind::Debts => {
                let dj = crate::debts::DebtJob { job, creditor };
                crate::debts::run(&store, &handle, &t, dj, bytes, |_| {}).await;
            }
            (Source::File(_, bytes), None) if kind == ImportKind::Payments => {
                crate::payments::run(&store, &handle, &t, job, bytes, |_| {}).await;
            }
            (Source::File(_, bytes), None) => {
                crate::import::run(&store, &handle, &t, job, bytes, |_| {}).await;
            }
            (Source::Query(_, query), _) => {
                crate::feed::run(&store, &handle, &t, job, query).await;
            }
        }
    });
    Ok(id)
}

/// A do-not-call list's import: its list (`list`, `national`) and the
/// country of numbers in national form (`country`, else the tenant's).
async fn dnc_job(
    st: &AppState,
    p: &Principal,
    t: &store::Tenant,
    f: &Form,
) -> ApiResult<crate::dnc::DncJob> {
    p.require(Action::CampaignsManage)?;
    let Some(name) = f.list.as_deref() else {
        return Err(ApiError::field("list", "missing: the list's name"));
    };
    let list = crate::dnc::list_of(name, f.national).map_err(|e| ApiError::field("list", e))?;
    let country = match f.country.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            dialer::zone::Country::parse(c)
                .filter(|c| c.calling_code().is_some())
                .ok_or_else(|| ApiError::field("country", "not an ISO 3166 country code"))?,
        ),
        None => {
            let zone = crate::routes::settings::tenant_settings(st, t)
                .await?
                .time_zone;
            dialer::zone::Country::of_zone(zone)
        }
    };
    Ok(crate::dnc::DncJob {
        id: 0,
        list,
        calling_code: country.and_then(|c| c.calling_code()),
        dry_run: f.dry_run,
    })
}

/// What an import reads: a file, or a saved customer query (a contact list
/// fed from the tenant's records).
enum Source {
    File(String, Vec<u8>),
    Query(String, model::query::CustomerQuery),
}

async fn source_of(
    st: &AppState,
    t: &store::Tenant,
    file: Option<(String, Vec<u8>)>,
    query: Option<&str>,
    kind: ImportKind,
) -> ApiResult<Source> {
    match (file, query) {
        (Some(_), Some(_)) => Err(ApiError::field("query", "a file or a query, not both")),
        (None, Some(name)) => {
            if kind != ImportKind::Contacts {
                return Err(ApiError::field("query", "only for kind=contacts"));
            }
            let q = crate::feed::saved(&st.store, t, name)
                .await
                .map_err(ApiError::internal)?
                .filter(|_| crate::feed::name_ok(name))
                .ok_or_else(|| {
                    ApiError::field("query", format!("no saved query named {name:?}"))
                })?;
            Ok(Source::Query(name.to_string(), q))
        }
        (None, None) => Err(ApiError::field("file", "missing")),
        (Some((_, b)), None) if b.is_empty() => Err(ApiError::field("file", "empty")),
        (Some((name, b)), None) => Ok(Source::File(name, b)),
    }
}

/// `POST /api/v1/imports` (multipart: `file`, `kind` (`customers`, or
/// `contacts` with `campaign`), `mapping`, `country`, `dry_run`, and
/// `encoding`, `sheet`; or, for contacts, `query` naming a saved customer
/// query instead of a file): answers `{"id"}` at once; the import runs in
/// the background.
pub async fn start(State(st): State<AppState>, p: Principal, m: Multipart) -> ApiResult<Response> {
    let id = begin(&st, &p, m).await?;
    let body = crate::routes::customers::Created { id };
    Ok((StatusCode::ACCEPTED, axum::Json(body)).into_response())
}

/// `GET /api/v1/imports/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "import")?;
    let v = st
        .store
        .import(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("import"))?;
    Ok(axum::Json(v).into_response())
}

/// `GET /api/v1/imports`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let v = st.store.imports(p.tenant()?, 50).await?;
    Ok(axum::Json(Imports { imports: v }).into_response())
}

/// `GET /api/v1/imports`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Imports {
    /// The latest imports, newest first.
    pub imports: Vec<store::crm::ImportView>,
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: `line,column,reason`.
pub fn rejects_csv(lines: &[store::crm::Reject]) -> String {
    let mut out = String::from("line,column,reason\n");
    for r in lines {
        out.push_str(&format!(
            "{},{},{}\n",
            r.line,
            csv_field(&r.column),
            csv_field(&r.reason)
        ));
    }
    out
}

/// `GET /api/v1/imports/{id}/rejects` (CSV).
pub async fn rejects(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "import")?;
    let t = p.tenant()?;
    st.store
        .import(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("import"))?;
    let lines = st.store.import_rejects(t, id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        rejects_csv(&lines),
    )
        .into_response())
}

/// Largest body of an import request.
pub const BODY_MAX: usize = FILE_MAX + 1024 * 1024;
