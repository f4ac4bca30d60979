//! The e-mail channel's API (see [`crate::mail`]): `PUT
//! /api/v1/mailboxes/{name}` creates or replaces a mailbox (`{"address",
//! "queue"?, "imap": {"host", "port", "security": "tls"|"none", "user",
//! "password"?}, "smtp": {… "security": "tls"|"starttls"|"none" …}}`; a
//! password left out is kept; passwords are sealed and never shown), `GET
//! /api/v1/mailboxes` lists them with how their last read went, `DELETE
//! /api/v1/mailboxes/{name}`; `POST /api/v1/interactions/{id}/email`
//! `{"body"}` answers an e-mail over SMTP.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
pub use store::mail::Security;
use store::mail::{Endpoint, MailboxRow};

use crate::mail::Side;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};

/// Longest host name or user, in bytes.
const HOST_MAX: usize = 253;

/// A server as the API takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerReq {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is secured.
    pub security: Security,
    /// User name.
    #[serde(default)]
    pub user: String,
    /// Password (left out: the one kept).
    #[serde(default)]
    pub password: Option<String>,
}

/// A mailbox as the API takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxReq {
    /// The address mail comes to and answers go from.
    pub address: String,
    /// The queue its messages wait in (none: the plan's default).
    #[serde(default)]
    pub queue: Option<String>,
    /// Where mail is read.
    pub imap: ServerReq,
    /// Where answers go out.
    pub smtp: ServerReq,
}

/// A server as the API shows it (no password).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerView {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is secured.
    pub security: Security,
    /// User.
    pub user: String,
    /// Whether a password is kept.
    pub password_set: bool,
}

/// A mailbox as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxView {
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: String,
    /// Its queue.
    pub queue: Option<String>,
    /// Where mail is read.
    pub imap: ServerView,
    /// Where answers go out.
    pub smtp: ServerView,
    /// The last message read (IMAP UID).
    pub last_uid: i64,
    /// When it was last read (Unix ms).
    pub checked_at: Option<i64>,
    /// Why the last read failed, if it did.
    pub last_error: Option<String>,
}

/// `GET /api/v1/mailboxes`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mailboxes {
    /// By name.
    pub mailboxes: Vec<MailboxView>,
}

fn server_view(e: &Endpoint) -> ServerView {
    ServerView {
        host: e.host.clone(),
        port: e.port,
        security: e.security,
        user: e.user.clone(),
        password_set: !e.password.is_empty(),
    }
}

/// A kept mailbox as shown.
pub fn view(m: &MailboxRow) -> MailboxView {
    MailboxView {
        name: m.name.clone(),
        address: m.address.clone(),
        queue: m.queue.clone(),
        imap: server_view(&m.imap),
        smtp: server_view(&m.smtp),
        last_uid: m.last_uid,
        checked_at: m.checked_at,
        last_error: m.last_error.clone(),
    }
}

/// One server of a mailbox, checked; its password sealed (or the one kept).
async fn endpoint(
    st: &AppState,
    (t, name, side): (&store::Tenant, &str, Side),
    r: ServerReq,
    old: Option<&Endpoint>,
) -> ApiResult<Endpoint> {
    let field = side.as_str();
    if r.host.is_empty()
        || r.host.len() > HOST_MAX
        || r.host.chars().any(|c| c.is_whitespace() || c == '/')
    {
        return Err(ApiError::field(
            &format!("{field}.host"),
            "a host name or address",
        ));
    }
    if r.port == 0 {
        return Err(ApiError::field(&format!("{field}.port"), "1 to 65535"));
    }
    if side == Side::Imap && r.security == Security::Starttls {
        return Err(ApiError::field(
            "imap.security",
            "tls or none (IMAP STARTTLS is not supported: use port 993 with tls)",
        ));
    }
    if r.user.len() > HOST_MAX || r.user.chars().any(char::is_control) {
        return Err(ApiError::field(
            &format!("{field}.user"),
            format!("at most {HOST_MAX} printable bytes"),
        ));
    }
    let password = match r.password {
        Some(p) if p.len() > 1_024 => {
            return Err(ApiError::field(
                &format!("{field}.password"),
                "at most 1,024 bytes",
            ));
        }
        Some(p) if p.is_empty() => String::new(),
        Some(p) => st.secrets.seal(&crate::mail::purpose(t, name, side), &p),
        None => old.map(|o| o.password.clone()).unwrap_or_default(),
    };
    let resolved = crate::targets::resolve(&r.host, r.port, st.allow_local_targets).await;
    if let Err(e @ crate::targets::TargetError::Local { .. }) = resolved {
        return Err(ApiError::field(&format!("{field}.host"), e));
    }
    Ok(Endpoint {
        host: r.host,
        port: r.port,
        security: r.security,
        user: r.user,
        password,
    })
}

/// Checks and keeps a mailbox: whether it is new, and it as shown.
pub async fn save(
    st: &AppState,
    t: &store::Tenant,
    name: &str,
    req: MailboxReq,
) -> ApiResult<(bool, MailboxView)> {
    if !model::name::is_slug(name, 64) {
        return Err(ApiError::field("name", "1 to 64 of a-z, 0-9, _ and -"));
    }
    if req.address.parse::<lettre::Address>().is_err() {
        return Err(ApiError::field("address", "an e-mail address"));
    }
    if req
        .queue
        .as_ref()
        .is_some_and(|q| !model::name::is_slug(q, 64))
    {
        return Err(ApiError::field("queue", "a queue's name"));
    }
    let old = st.store.mailbox(t, name).await?;
    let old_imap = old.as_ref().map(|o| &o.imap);
    let imap = endpoint(st, (t, name, Side::Imap), req.imap, old_imap).await?;
    let old_smtp = old.as_ref().map(|o| &o.smtp);
    let smtp = endpoint(st, (t, name, Side::Smtp), req.smtp, old_smtp).await?;
    let row = MailboxRow {
        name: name.to_string(),
        address: req.address.to_lowercase(),
        queue: req.queue,
        imap,
        smtp,
        uid_validity: 0,
        last_uid: 0,
        checked_at: None,
        last_error: None,
    };
    let created = st
        .store
        .put_mailbox(t, &row, crate::clock::now_ms())
        .await?;
    let saved = (st.store.mailbox(t, name).await?)
        .ok_or_else(|| ApiError::internal("mailbox not saved"))?;
    Ok((created, view(&saved)))
}

/// `PUT /api/v1/mailboxes/{name}`: 201 when new, 200 when replaced.
pub async fn put(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
    Body(req): Body<MailboxReq>,
) -> ApiResult<Response> {
    p.require(Action::MailboxesManage)?;
    let (created, view) = save(&st, p.tenant()?, &name, req).await?;
    let on = Some(format!("mailbox:{name}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(view)).into_response())
}

/// `GET /api/v1/mailboxes`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::MailboxesManage)?;
    let boxes = st.store.mailboxes(p.tenant()?).await?;
    let mailboxes = boxes.iter().map(view).collect();
    Ok(axum::Json(Mailboxes { mailboxes }).into_response())
}

/// `DELETE /api/v1/mailboxes/{name}`.
pub async fn delete(
    State(st): State<AppState>,
    p: Principal,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::MailboxesManage)?;
    if !st.store.delete_mailbox(p.tenant()?, &name).await? {
        return Err(ApiError::not_found("mailbox"));
    }
    let on = Some(format!("mailbox:{name}"));
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// An answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyReq {
    /// The text.
    pub body: String,
}

/// `POST /api/v1/interactions/{id}/email`: the message sent (201).
pub async fn reply(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<ReplyReq>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    crate::scope::interaction(&st, &p, Action::InteractionsWork, id).await?;
    let sent = crate::mail::send::reply(&st, p.tenant()?, id, &req.body, &p.name).await?;
    Ok((StatusCode::CREATED, axum::Json(sent)).into_response())
}
