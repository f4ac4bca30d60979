//! Interactions: create (any channel, idempotent), read, answer offers,
//! complete, transfer, disposition, notes and chat messages.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use model::{Attributes, Channel};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, NewInteractionReq, Op, TransferTo};

/// Longest idempotency key, in bytes.
pub const IDEMPOTENCY_KEY_LEN_MAX: usize = 128;
/// Longest subject, in bytes.
pub const SUBJECT_LEN_MAX: usize = 256;

/// New interaction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInteraction {
    /// `voice`, `chat`, `email`, `sms`, `web_form`, `fax`, `callback`, `task`, `outbound_voice`.
    pub channel: String,
    /// Queue name (the routing plan may choose another).
    pub queue: Option<String>,
    /// Starting priority.
    #[serde(default)]
    pub priority: i32,
    /// Routing attributes (caller_number, dialled_number, segment, language, extra…).
    #[serde(default)]
    pub attributes: Attributes,
    /// Customer record.
    pub customer_id: Option<i64>,
    /// Subject line.
    pub subject: Option<String>,
}

/// Parses a channel name.
pub fn channel(s: &str) -> ApiResult<Channel> {
    s.parse::<Channel>()
        .map_err(|_| ApiError::field("channel", format!("{s:?} is not a channel (voice, chat, email, sms, web_form, fax, callback, task, outbound_voice)")))
}

async fn view(
    st: &AppState,
    t: &store::Tenant,
    id: i64,
) -> ApiResult<store::read::InteractionView> {
    st.store
        .interaction(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("interaction"))
}

/// `POST /api/v1/interactions`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Body(req): Body<NewInteraction>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsCreate)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => {
            let k = v
                .to_str()
                .map_err(|_| ApiError::field("Idempotency-Key", "must be visible ASCII"))?;
            if k.is_empty() || k.len() > IDEMPOTENCY_KEY_LEN_MAX {
                return Err(ApiError::field(
                    "Idempotency-Key",
                    format!("1 to {IDEMPOTENCY_KEY_LEN_MAX} characters"),
                ));
            }
            Some(k.to_string())
        }
        None => None,
    };
    if req
        .subject
        .as_ref()
        .is_some_and(|s| s.len() > SUBJECT_LEN_MAX)
    {
        return Err(ApiError::field(
            "subject",
            format!("at most {SUBJECT_LEN_MAX} bytes"),
        ));
    }
    let ch = channel(&req.channel)?;
    req.attributes
        .validate()
        .map_err(|e| ApiError::field("attributes", e))?;
    let t = p.tenant()?;
    let h = st.hub.tenant(t).await?;
    let ack = h
        .call(Op::Create(Box::new(NewInteractionReq {
            channel: ch,
            queue: req.queue,
            priority: req.priority,
            attributes: req.attributes,
            customer: req.customer_id,
            subject: req.subject,
            idempotency_key: key,
            chat_secret_hash: None,
        })))
        .await?;
    let Ack::Interaction { id, created } = ack else {
        return Err(ApiError::internal("unexpected ack"));
    };
    let v = view(&st, t, id).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(v)).into_response())
}

/// `GET /api/v1/interactions?state=…&limit=…`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsRead)?;
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<i64>()
            .map_err(|_| ApiError::field("limit", "a number"))?,
        None => 100,
    };
    let state = q.get("state").map(String::as_str);
    let list = crate::scope::interactions(&st, &p, Action::InteractionsRead, state, limit).await?;
    let mut interactions = list;
    if crate::mask::masks(p.role) {
        interactions
            .iter_mut()
            .for_each(crate::mask::interaction_view);
    }
    Ok(axum::Json(Interactions { interactions }).into_response())
}

/// `GET /api/v1/interactions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Interactions {
    /// The interactions, newest first.
    pub interactions: Vec<store::read::InteractionView>,
}

/// `GET /api/v1/interactions/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    let it = crate::scope::interaction(&st, &p, Action::InteractionsRead, id).await?;
    let mut it = it;
    if crate::mask::masks(p.role) {
        crate::mask::interaction_view(&mut it);
    }
    Ok(axum::Json(it).into_response())
}

/// Who answers an offer.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentBody {
    /// The agent (supervisors and admins acting for one; agents are themselves).
    pub agent_id: Option<i64>,
}

/// The agent acting: agents are themselves; others name one.
fn acting_agent(p: &Principal, body: Option<Body<AgentBody>>) -> ApiResult<i64> {
    match p.role {
        Role::Agent => p
            .agent
            .map(|a| i64::from(a.0))
            .ok_or_else(|| ApiError::conflict("your user is not linked to an agent")),
        _ => body
            .and_then(|b| b.0.agent_id)
            .ok_or_else(|| ApiError::field("agent_id", "required when not signed in as an agent")),
    }
}

/// The agent acting, if the principal is one (they may only touch their own work).
fn agent_of(p: &Principal) -> ApiResult<Option<i64>> {
    match p.role {
        Role::Agent => Ok(Some(p.agent.map(|a| i64::from(a.0)).ok_or_else(|| {
            ApiError::conflict("your user is not linked to an agent")
        })?)),
        _ => Ok(None),
    }
}

/// `POST /api/v1/interactions/{id}/accept`.
pub async fn accept(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Option<Body<AgentBody>>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsOffer)?;
    let id = path_id(&id, "interaction")?;
    let agent = acting_agent(&p, body)?;
    let t = p.tenant()?;
    st.hub.tenant(t).await?.call(Op::Accept(id, agent)).await?;
    Ok(axum::Json(view(&st, t, id).await?).into_response())
}

/// `POST /api/v1/interactions/{id}/reject`.
pub async fn reject(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Option<Body<AgentBody>>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsOffer)?;
    let id = path_id(&id, "interaction")?;
    let agent = acting_agent(&p, body)?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Reject(id, agent))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/interactions/{id}/complete`.
pub async fn complete(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsWork)?;
    let id = path_id(&id, "interaction")?;
    let t = p.tenant()?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::Complete(id, agent_of(&p)?))
        .await?;
    Ok(axum::Json(view(&st, t, id).await?).into_response())
}

/// A transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// To this queue (by name)…
    pub queue: Option<String>,
    /// …or to this agent.
    pub agent_id: Option<i64>,
    /// Consult first (the agent stays on until the other side accepts).
    #[serde(default)]
    pub consult: bool,
}

/// `POST /api/v1/interactions/{id}/transfer`.
pub async fn transfer(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<TransferBody>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsWork)?;
    let id = path_id(&id, "interaction")?;
    let to = match (req.queue, req.agent_id) {
        (Some(q), None) => TransferTo::Queue(q),
        (None, Some(a)) => TransferTo::Agent(a),
        _ => {
            return Err(ApiError::field(
                "queue",
                "give exactly one of queue or agent_id",
            ));
        }
    };
    let t = p.tenant()?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::Transfer {
            interaction: id,
            by: agent_of(&p)?,
            to,
            consult: req.consult,
        })
        .await?;
    Ok(axum::Json(view(&st, t, id).await?).into_response())
}

/// A disposition.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionBody {
    /// The code.
    pub code: String,
    /// Outbound calls' `new_number`: the new number.
    #[serde(default)]
    pub new_phone: Option<String>,
    /// Outbound calls' callback codes: when (RFC 3339; default in an hour).
    #[serde(default)]
    pub callback_at: Option<String>,
    /// Whether the customer's need was resolved in this contact.
    #[serde(default)]
    pub resolved: Option<bool>,
    /// With the code `promise` on a case's call: the amount promised (a
    /// decimal string, in the case's currency).
    #[serde(default)]
    pub promise_amount: Option<String>,
    /// With `promise_amount`: the date promised (YYYY-MM-DD).
    #[serde(default)]
    pub promise_date: Option<String>,
}

/// `POST /api/v1/interactions/{id}/disposition`.
pub async fn disposition(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<DispositionBody>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsWork)?;
    let id = path_id(&id, "interaction")?;
    let t = p.tenant()?;
    let callback_at_ms = req
        .callback_at
        .as_deref()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|d| d.timestamp_millis().max(0) as u64)
                .map_err(|e| ApiError::field("callback_at", format!("{s:?}: {e}")))
        })
        .transpose()?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::Disposition {
            interaction: id,
            code: req.code,
            by_agent: agent_of(&p)?,
            by: p.name.clone(),
            new_phone: req.new_phone,
            callback_at_ms,
            resolved: req.resolved,
            promise_amount: req.promise_amount,
            promise_date: req.promise_date,
        })
        .await?;
    Ok(axum::Json(view(&st, t, id).await?).into_response())
}

/// A note or a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    /// The text.
    pub body: String,
}

/// `GET /api/v1/interactions/{id}/notes`.
pub async fn notes(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    crate::scope::interaction(&st, &p, Action::InteractionsRead, id).await?;
    let notes = st.store.notes(p.tenant()?, id).await?;
    Ok(axum::Json(Notes { notes }).into_response())
}

/// `GET /api/v1/interactions/{id}/notes`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notes {
    /// The notes, oldest first.
    pub notes: Vec<store::read::MessageView>,
}

/// `POST /api/v1/interactions/{id}/notes`.
pub async fn add_note(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<TextBody>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    crate::scope::interaction(&st, &p, Action::InteractionsWork, id).await?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Note {
            interaction: id,
            author: p.name.clone(),
            body: req.body,
        })
        .await?;
    Ok(StatusCode::CREATED.into_response())
}

/// `GET /api/v1/interactions/{id}/messages?after=SEQ`.
pub async fn messages(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsRead)?;
    let id = path_id(&id, "interaction")?;
    let after = match q.get("after") {
        Some(a) => a
            .parse::<i64>()
            .map_err(|_| ApiError::field("after", "a sequence number"))?,
        None => 0,
    };
    crate::scope::interaction(&st, &p, Action::InteractionsRead, id).await?;
    let messages = st.store.messages(p.tenant()?, id, after).await?;
    Ok(axum::Json(Messages { messages }).into_response())
}

/// `GET /api/v1/interactions/{id}/messages`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Messages {
    /// The chat's messages after the cursor, oldest first.
    pub messages: Vec<store::read::MessageView>,
}

/// `POST /api/v1/interactions/{id}/messages`.
pub async fn send_message(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<TextBody>,
) -> ApiResult<Response> {
    p.require(Action::InteractionsWork)?;
    let id = path_id(&id, "interaction")?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Chat {
            interaction: id,
            sender: store::Sender::Agent,
            by_agent: agent_of(&p)?,
            secret_hash: None,
            body: req.body,
        })
        .await?;
    Ok(StatusCode::CREATED.into_response())
}
