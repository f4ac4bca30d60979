//! The webhooks API (see [`crate::webhooks`] for delivery): `POST
//! /api/v1/webhooks` `{"url", "kinds": [fact kinds; empty: all], "secret",
//! "from_seq"?}` (new facts only unless `from_seq`), `GET` lists them,
//! `DELETE /api/v1/webhooks/{id}`, `GET …/{id}/deliveries` (the latest
//! attempts) and `POST …/{id}/replay {"from_seq"}`. The secret is sealed at
//! rest and never shown again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::webhooks::{Delivery, Webhook};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::webhooks::{SEAL, WEBHOOKS_MAX};

/// Longest URL, in bytes.
const URL_MAX: usize = 2_000;
/// Kinds per webhook at most.
const KINDS_MAX: usize = 100;

/// A new webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to post (http or https).
    pub url: String,
    /// The fact kinds to post (`customers_set`, `disposition_set`,
    /// `outbound.gate_decided`…); empty or absent: every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The secret the signature is made with (16 to 256 bytes).
    pub secret: String,
    /// Deliver from this sequence number on (default: facts to come).
    #[serde(default)]
    pub from_seq: Option<i64>,
}

/// A replay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Replay {
    /// Deliver again from this sequence number on.
    pub from_seq: i64,
}

/// `POST /api/v1/webhooks`: the webhook made (its secret is never shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookMade {
    /// Its id.
    pub id: i64,
    /// Where facts are posted.
    pub url: String,
    /// The kinds of fact posted (empty: every kind).
    pub kinds: Vec<String>,
    /// The last sequence number counted as delivered.
    pub cursor_seq: i64,
}

/// `GET /api/v1/webhooks`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhooks {
    /// The tenant's webhooks.
    pub webhooks: Vec<Webhook>,
}

/// `GET /api/v1/webhooks/{id}/deliveries`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deliveries {
    /// The latest attempts, newest first.
    pub deliveries: Vec<Delivery>,
}

fn check(w: &NewWebhook) -> ApiResult<()> {
    let url: hyper::Uri = w
        .url
        .parse()
        .map_err(|_| ApiError::field("url", "not a URL"))?;
    let scheme_ok = matches!(url.scheme_str(), Some("http" | "https"));
    if !scheme_ok || url.host().is_none() || w.url.len() > URL_MAX {
        return Err(ApiError::field("url", "an http or https URL with a host"));
    }
    if !(16..=256).contains(&w.secret.len()) {
        return Err(ApiError::field("secret", "16 to 256 bytes"));
    }
    if w.kinds.len() > KINDS_MAX || w.kinds.iter().any(|k| k.is_empty() || k.len() > 64) {
        return Err(ApiError::field(
            "kinds",
            "at most 100 kinds of 1 to 64 bytes",
        ));
    }
    Ok(())
}

/// `POST /api/v1/webhooks`: `201 {"id", "url", "kinds", "cursor_seq"}`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(w): Body<NewWebhook>,
) -> ApiResult<Response> {
    p.require(Action::WebhooksManage)?;
    let body = make(&st, p.tenant()?, w).await?;
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Checks and makes a webhook.
pub async fn make(st: &AppState, t: &store::Tenant, w: NewWebhook) -> ApiResult<WebhookMade> {
    check(&w)?;
    if let Err(e) = crate::webhooks::check_url(&w.url, st.allow_local_targets).await {
        return Err(ApiError::field("url", e));
    }
    if st.store.webhooks(t).await?.len() >= WEBHOOKS_MAX {
        return Err(ApiError::conflict(format!(
            "at most {WEBHOOKS_MAX} webhooks"
        )));
    }
    let cursor = match w.from_seq {
        Some(s) => (s - 1).max(0),
        None => st.store.last_seq(t).await?,
    };
    let sealed = st.secrets.seal(SEAL, &w.secret);
    let now = crate::clock::now_ms();
    let id = st
        .store
        .create_webhook(t, &w.url, &w.kinds, &sealed, cursor, now)
        .await?;
    Ok(WebhookMade {
        id,
        url: w.url,
        kinds: w.kinds,
        cursor_seq: cursor,
    })
}

/// `GET /api/v1/webhooks`.
pub async fn list(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::WebhooksManage)?;
    let list = st.store.webhooks(p.tenant()?).await?;
    Ok(axum::Json(Webhooks { webhooks: list }).into_response())
}

async fn standing(st: &AppState, p: &Principal, id: &str) -> ApiResult<i64> {
    p.require(Action::WebhooksManage)?;
    let id = path_id(id, "webhook")?;
    st.store
        .webhook(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(id)
}

/// `DELETE /api/v1/webhooks/{id}`.
pub async fn delete(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = standing(&st, &p, &id).await?;
    st.store.delete_webhook(p.tenant()?, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/webhooks/{id}/deliveries`: the latest 100 attempts.
pub async fn deliveries(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = standing(&st, &p, &id).await?;
    let list = st.store.deliveries(p.tenant()?, id, 100).await?;
    Ok(axum::Json(Deliveries { deliveries: list }).into_response())
}

/// `POST /api/v1/webhooks/{id}/replay`.
pub async fn replay(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(r): Body<Replay>,
) -> ApiResult<Response> {
    let id = standing(&st, &p, &id).await?;
    if r.from_seq < 1 {
        return Err(ApiError::field("from_seq", "1 or more"));
    }
    st.store
        .set_webhook_cursor(p.tenant()?, id, r.from_seq - 1)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
