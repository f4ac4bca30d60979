//! The customer's side of a chat, behind the public page `/chat/{tenant}`
//! (rendered by [`crate::ui::chat`]): a customer starts a chat, which is
//! routed like any interaction; messages reach the accepting agent (live
//! events and `/api/v1/interactions/{id}/messages`) and come back to the
//! customer over [`events`], a resumable server-sent-event stream of that
//! chat alone. The customer's side is authorised by a secret returned when
//! the chat starts (only its hash is kept).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use model::{Attributes, Channel};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, NewInteractionReq, Op, Published};

pub(crate) async fn tenant(st: &AppState, name: &str) -> ApiResult<store::Tenant> {
    st.store
        .tenant_by_name(name)
        .await?
        .ok_or_else(|| ApiError::not_found("tenant"))
}

/// Chat start.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChatStart)]
pub struct Start {
    /// The customer's name.
    pub name: Option<String>,
    /// What it is about.
    pub subject: Option<String>,
    /// The customer's e-mail address (links a known customer's record).
    pub email: Option<String>,
    /// The page's language (`en`, `es`, `ca`, `cs`): the interaction's
    /// `language` attribute, which routing rules can match.
    pub language: Option<String>,
}

/// `POST /chat/{tenant}/start`.
pub async fn start(
    State(st): State<AppState>,
    crate::routes::ClientAddr(from): crate::routes::ClientAddr,
    Path(name): Path<String>,
    body: Option<Body<Start>>,
) -> ApiResult<Response> {
    let from = from.map_or_else(|| "-".to_string(), |a| a.to_string());
    st.chat_limits
        .per_address
        .take(&from)
        .map_err(ApiError::rate_limited)?;
    st.chat_limits
        .per_tenant
        .take(&name)
        .map_err(ApiError::rate_limited)?;
    let req = body.map(|b| b.0).unwrap_or_default();
    if req.name.as_ref().is_some_and(|n| n.len() > 64) {
        return Err(ApiError::field("name", "at most 64 bytes"));
    }
    if req.subject.as_ref().is_some_and(|n| n.len() > 256) {
        return Err(ApiError::field("subject", "at most 256 bytes"));
    }
    if req
        .email
        .as_ref()
        .is_some_and(|e| e.len() > 254 || e.chars().any(char::is_control))
    {
        return Err(ApiError::field("email", "at most 254 bytes"));
    }
    let language = match req.language.as_deref() {
        None => None,
        Some(code) => Some(
            i18n::Lang::from_code(code)
                .and_then(|l| model::Language::parse(l.code()).ok())
                .ok_or_else(|| ApiError::field("language", "one of en, es, ca, cs, ru, zh"))?,
        ),
    };
    let t = tenant(&st, &name).await?;
    let secret = auth::random_hex(24);
    let mut attributes = Attributes {
        language,
        ..Attributes::default()
    };
    if let Some(n) = &req.name {
        attributes.extra.push(("customer_name".into(), n.clone()));
    }
    if let Some(e) = req
        .email
        .as_ref()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
    {
        attributes.extra.push(("email".into(), e.to_string()));
    }
    let ack = st
        .hub
        .tenant(&t)
        .await?
        .call(Op::Create(Box::new(NewInteractionReq {
            channel: Channel::Chat,
            queue: None,
            priority: 0,
            attributes,
            customer: None,
            subject: req.subject,
            idempotency_key: None,
            chat_secret_hash: Some(auth::secret_hash(&secret)),
        })))
        .await?;
    let Ack::Interaction { id, .. } = ack else {
        return Err(ApiError::internal("unexpected ack"));
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(ChatStarted {
            interaction_id: id,
            secret,
        }),
    )
        .into_response())
}

async fn check_secret(
    st: &AppState,
    t: &store::Tenant,
    id: i64,
    secret: &str,
) -> ApiResult<store::read::InteractionView> {
    let it = st
        .store
        .interaction(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("chat"))?;
    if it.chat_secret_hash.as_deref() != Some(auth::secret_hash(secret).as_str()) {
        return Err(ApiError::not_found("chat"));
    }
    Ok(it)
}

/// `GET /chat/{tenant}/{id}/messages?secret=…&after=…`.
pub async fn messages(
    State(st): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let t = tenant(&st, &name).await?;
    let id = path_id(&id, "chat")?;
    let secret = q
        .get("secret")
        .ok_or_else(|| ApiError::field("secret", "required"))?;
    let after = match q.get("after") {
        Some(a) => a
            .parse::<i64>()
            .map_err(|_| ApiError::field("after", "a sequence number"))?,
        None => 0,
    };
    let it = check_secret(&st, &t, id, secret).await?;
    let msgs = st.store.messages(&t, id, after).await?;
    Ok(axum::Json(ChatMessages {
        state: it.state,
        messages: msgs,
    })
    .into_response())
}

/// `POST /chat/{tenant}/start`: the chat and the secret its page keeps.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChatStarted {
    /// The chat's interaction.
    pub interaction_id: i64,
    /// What the page sends back to read and write the chat.
    pub secret: String,
}

/// `GET /chat/{tenant}/{id}/messages`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ChatMessages {
    /// Where the chat stands.
    pub state: model::state::InteractionState,
    /// The messages after the cursor.
    pub messages: Vec<store::read::MessageView>,
}

/// A customer's message.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChatSend)]
pub struct Send {
    /// The secret from start.
    pub secret: String,
    /// The text.
    pub body: String,
}

/// `POST /chat/{tenant}/{id}/messages`.
pub async fn send(
    State(st): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    Body(req): Body<Send>,
) -> ApiResult<Response> {
    let t = tenant(&st, &name).await?;
    let id = path_id(&id, "chat")?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::Chat {
            interaction: id,
            sender: store::Sender::Customer,
            by_agent: None,
            secret_hash: Some(auth::secret_hash(&req.secret)),
            body: req.body,
        })
        .await?;
    Ok(StatusCode::CREATED.into_response())
}

/// Messages read from the store per query when a customer's stream (re)starts.
const SNAPSHOT_PAGE: usize = 1000;

/// What the customer sees of an interaction's state: `waiting` (created,
/// queued or ringing an agent), `connected`, `transferring` or `ended`.
fn phase(state: model::state::InteractionState) -> &'static str {
    use model::state::InteractionState as S;
    match state {
        S::Connected | S::Transferring | S::Ended => state.as_str(),
        S::Created | S::Waiting | S::Offered => "waiting",
    }
}

/// A customer's stream of one chat. Only messages carry an event id (their
/// log sequence number), so `Last-Event-ID` is always the last message the
/// customer got; the state is sent again on every (re)connection.
struct ChatCursor {
    /// The chat.
    interaction: i64,
    /// The last message sent (or the client's `Last-Event-ID`).
    sent: i64,
    /// The phase last sent on this connection.
    phase: Option<&'static str>,
    /// Events ready to go out.
    pending: VecDeque<Event>,
    /// Read messages and state from the store before the live feed (at the
    /// start, and again when the channel lagged).
    snapshot: bool,
    /// The chat ended: the stream closes once `pending` is drained.
    done: bool,
    rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    store: store::Store,
    tenant: store::Tenant,
}

impl ChatCursor {
    fn message(&mut self, seq: i64, at: i64, from: &str, body: &str) {
        if seq <= self.sent {
            return;
        }
        self.sent = seq;
        let data = json!({"seq": seq, "at": at, "from": from, "body": body});
        self.pending.push_back(
            Event::default()
                .id(seq.to_string())
                .event("message")
                .data(data.to_string()),
        );
    }

    /// Sends the state when its phase changed; an ended chat ends the stream.
    fn state(&mut self, state: model::state::InteractionState) {
        let p = phase(state);
        if self.phase == Some(p) {
            return;
        }
        self.phase = Some(p);
        self.pending.push_back(
            Event::default()
                .event("state")
                .data(json!({ "state": p }).to_string()),
        );
        if p == "ended" {
            self.done = true;
        }
    }

    async fn load_state(&mut self) -> Result<(), store::StoreError> {
        match self
            .store
            .interaction(&self.tenant, self.interaction)
            .await?
        {
            Some(it) => self.state(it.state),
            None => self.done = true,
        }
        Ok(())
    }

    async fn load_snapshot(&mut self) -> Result<(), store::StoreError> {
        loop {
            let page = self
                .store
                .messages(&self.tenant, self.interaction, self.sent)
                .await?;
            for m in &page {
                self.message(m.seq, m.at, &m.from, &m.body);
            }
            if page.len() < SNAPSHOT_PAGE {
                break;
            }
        }
        self.load_state().await
    }

    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            if self.done {
                return None;
            }
            if self.snapshot {
                self.snapshot = false;
                if let Err(e) = self.load_snapshot().await {
                    tracing::error!(error = %e, "chat stream snapshot failed");
                    return None;
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(ev) if ev.interaction != Some(self.interaction) => {}
                Ok(ev) if matches!(ev.fact, store::Fact::ChatMessage { .. }) => {
                    // Only the words and who wrote them go to the customer
                    // (never the agent's id).
                    if let store::Fact::ChatMessage { sender, body, .. } = &ev.fact {
                        self.message(ev.seq, ev.at, sender.as_str(), body);
                    }
                }
                // Any routing fact of this chat may change what the customer
                // sees; the projection is committed before the fact is published.
                Ok(ev) if matches!(ev.fact, store::Fact::Routing { .. }) => {
                    if let Err(e) = self.load_state().await {
                        tracing::error!(error = %e, "chat stream state failed");
                        return None;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => self.snapshot = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// `GET /chat/{tenant}/{id}/events?secret=…`: the chat's messages and state
/// as server-sent events (`message`: `{seq, at, from, body}` with the
/// sequence number as the event id; `state`: `{state}`, one of `waiting`,
/// `connected`, `transferring`, `ended`). Resumes after `Last-Event-ID` (or
/// `?after=`); without either it starts with the whole conversation. The
/// stream closes once the chat has ended.
pub async fn events(
    State(st): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let t = tenant(&st, &name).await?;
    let id = path_id(&id, "chat")?;
    let secret = q
        .get("secret")
        .ok_or_else(|| ApiError::field("secret", "required"))?;
    let after = match (headers.get("last-event-id"), q.get("after")) {
        (Some(v), _) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .ok_or_else(|| ApiError::field("Last-Event-ID", "a sequence number"))?,
        (None, Some(a)) => a
            .parse::<i64>()
            .map_err(|_| ApiError::field("after", "a sequence number"))?,
        (None, None) => 0,
    };
    check_secret(&st, &t, id, secret).await?;
    // Subscribe before reading the store, so nothing falls between.
    let rx = st.hub.tenant(&t).await?.events.subscribe();
    let cursor = ChatCursor {
        interaction: id,
        sent: after,
        phase: None,
        pending: VecDeque::new(),
        snapshot: true,
        done: false,
        rx,
        store: st.store.clone(),
        tenant: t,
    };
    let s = stream::unfold(cursor, |mut c| async move {
        let e = c.next().await?;
        Some((Ok::<_, Infallible>(e), c))
    });
    Ok(Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}
