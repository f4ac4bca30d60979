//! The public chat page `/chat/{tenant}`: a customer starts a chat, which is
//! routed like any interaction; messages reach the accepting agent (live
//! events and `/api/v1/interactions/{id}/messages`) and come back here. The
//! customer's side is authorised by a secret returned when the chat starts.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use model::{Attributes, Channel};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, NewInteractionReq, Op};

async fn tenant(st: &AppState, name: &str) -> ApiResult<store::Tenant> {
    st.store
        .tenant_by_name(name)
        .await?
        .ok_or_else(|| ApiError::not_found("tenant"))
}

/// `GET /chat/{tenant}`.
pub async fn page(State(st): State<AppState>, Path(name): Path<String>) -> ApiResult<Response> {
    let t = tenant(&st, &name).await?;
    let html = PAGE.replace("{{TENANT}}", t.name());
    Ok(Html(html).into_response())
}

/// Chat start.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// The customer's name.
    pub name: Option<String>,
    /// What it is about.
    pub subject: Option<String>,
    /// The customer's e-mail address (links a known customer's record).
    pub email: Option<String>,
}

/// `POST /chat/{tenant}/start`.
pub async fn start(
    State(st): State<AppState>,
    Path(name): Path<String>,
    body: Option<Body<Start>>,
) -> ApiResult<Response> {
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
    let t = tenant(&st, &name).await?;
    let secret = auth::random_hex(24);
    let mut attributes = Attributes::default();
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
        axum::Json(json!({"interaction_id": id, "secret": secret})),
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
    Ok(axum::Json(json!({"state": it.state, "messages": msgs})).into_response())
}

/// A customer's message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chat with us</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
#log{border:1px solid #ccc;min-height:16rem;padding:.5rem;overflow-y:auto;max-height:60vh}
.customer{text-align:right;color:#124}.agent{color:#241}.status{color:#666;font-style:italic}
form{display:flex;gap:.5rem;margin-top:.5rem}input{flex:1;padding:.4rem}</style></head>
<body><h1>Chat with us</h1>
<div id="start"><label for="name">Your name</label> <input id="name" maxlength="64">
<label for="email">E-mail</label> <input id="email" type="email" maxlength="254"> <button id="go">Start chat</button></div>
<div id="chat" hidden><div id="log" aria-live="polite"></div>
<form id="f"><label for="msg">Message</label><input id="msg" autocomplete="off" maxlength="8000" placeholder="Type a message"><button>Send</button></form></div>
<script>
const base = "/chat/{{TENANT}}";
let id = null, secret = null, after = 0, state = "";
const log = document.getElementById("log");
function line(cls, text){const p=document.createElement("p");p.className=cls;p.textContent=text;log.appendChild(p);log.scrollTop=log.scrollHeight;}
document.getElementById("go").onclick = async () => {
  const r = await fetch(base + "/start", {method:"POST", headers:{"content-type":"application/json"},
    body: JSON.stringify({name: document.getElementById("name").value || null, email: document.getElementById("email").value || null})});
  const j = await r.json();
  if (!r.ok) { alert(j.error.message); return; }
  id = j.interaction_id; secret = j.secret;
  document.getElementById("start").hidden = true; document.getElementById("chat").hidden = false;
  line("status", "Waiting for an agent…"); poll();
};
document.getElementById("f").onsubmit = async (e) => {
  e.preventDefault(); const m = document.getElementById("msg"); if (!m.value) return;
  const r = await fetch(base + "/" + id + "/messages", {method:"POST", headers:{"content-type":"application/json"},
    body: JSON.stringify({secret, body: m.value})});
  if (r.ok) m.value = ""; else { const j = await r.json(); line("status", j.error.message); }
};
async function poll(){
  try {
    const r = await fetch(base + "/" + id + "/messages?secret=" + secret + "&after=" + after);
    const j = await r.json();
    if (j.state !== state) { state = j.state; if (state === "connected") line("status", "An agent joined."); if (state === "ended") line("status", "The chat has ended."); }
    for (const m of j.messages) { after = m.seq; line(m.from, (m.from === "agent" ? "Agent: " : "You: ") + m.body); }
  } catch (e) {}
  if (state !== "ended") setTimeout(poll, 1000);
}
</script></body></html>"#;
