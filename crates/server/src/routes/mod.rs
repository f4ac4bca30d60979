//! The HTTP routes, one module per resource, and the extractors they share.

pub mod agents;
pub mod audit;
pub mod calibration;
pub mod calls;
pub mod campaigns;
pub mod case_feeds;
pub mod case_tasks;
pub mod case_terms;
pub mod cases;
pub mod chat;
pub mod consents;
pub mod customers;
pub mod dial;
pub mod events;
pub mod export;
pub mod imports;
pub mod interactions;
pub mod letters;
pub mod mailboxes;
pub mod payments;
pub mod playlists;
pub mod quality;
pub mod queries;
pub mod recording;
pub mod records;
pub mod routing;
pub mod sessions;
pub mod settings;
pub mod sync;
pub mod tokens;
pub mod two_factor;
pub mod webhooks;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, ROUTES};

/// Largest JSON body accepted, in bytes (a routing plan is the largest thing sent).
pub const BODY_MAX: usize = 1 << 20;

/// A JSON body; a mistake names the field (`priority: invalid type…`).
#[derive(Debug)]
pub struct Body<T>(pub T);

/// Whether the request says its body is JSON (`application/json`, or a
/// `+json` type, with parameters or not).
fn says_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .is_some_and(|t| {
            t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
        })
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !says_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::too_large(BODY_MAX))?;
        if bytes.len() > BODY_MAX {
            return Err(ApiError::too_large(BODY_MAX));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." || path.is_empty() {
                ApiError::invalid_json(format!("body: {inner}"))
            } else {
                ApiError::invalid_json(format!("{path}: {inner}"))
            }
        })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        let parts_headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::too_large(BODY_MAX))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let mut req = Request::new(axum::body::Body::from(bytes));
        *req.headers_mut() = parts_headers;
        <Body<T> as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// The address a request came from (none in process, without a socket).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Headers every answer carries: nothing of ours is sniffed into another
/// type, and nothing without its own caching rule is kept by a cache; a
/// refusal (401, 403) closes the connection, and says so. Served over TLS
/// (or behind a TLS proxy, [`AppState::secure`]), cookies are `Secure` and
/// browsers are told to come back over HTTPS only (HSTS).
async fn safe_headers(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut res = next.run(req).await;
    let refused = matches!(res.status().as_u16(), 401 | 403);
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if refused {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if st.secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
        let cookies: Vec<HeaderValue> = h.get_all(header::SET_COOKIE).iter().cloned().collect();
        h.remove(header::SET_COOKIE);
        for c in cookies {
            let secure = match c.to_str() {
                Ok(s) if !s.contains("; Secure") => {
                    HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(c)
                }
                _ => c,
            };
            h.append(header::SET_COOKIE, secure);
        }
    }
    res
}

/// A time a client gives: Unix milliseconds or an RFC 3339 time.
pub fn time_field(field: &str, s: &str) -> ApiResult<i64> {
    s.parse::<i64>()
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.timestamp_millis())
        })
        .ok_or_else(|| ApiError::field(field, "Unix milliseconds or an RFC 3339 time"))
}

/// Parses an id from the path; anything else is "no such thing".
pub fn path_id(s: &str, what: &str) -> ApiResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| ApiError::not_found(what))
}

/// `GET /`: the web UI (which sends people without a session to sign in).
async fn home() -> axum::response::Redirect {
    axum::response::Redirect::to("/ui")
}

async fn healthz(axum::extract::State(st): axum::extract::State<AppState>) -> impl IntoResponse {
    match st.store.tenants().await {
        Ok(_) => {
            let body = Health {
                status: "ok".into(),
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}

async fn me(p: Principal) -> ApiResult<impl IntoResponse> {
    p.require(Action::Me)?;
    Ok(axum::Json(Me {
        name: p.name.clone(),
        role: p.role.as_str().to_string(),
        tenant: p.tenant.as_ref().map(|t| t.name().to_string()),
        agent_id: p.agent.map(|a| a.0),
    }))
}

/// `GET /healthz`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`: the database answers.
    pub status: String,
}

/// `GET /api/v1/me`: who is asking.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The user's or token's name.
    pub name: String,
    /// Its role.
    pub role: String,
    /// Its tenant (none: the provider).
    pub tenant: Option<String>,
    /// The agent it is, if one.
    pub agent_id: Option<u32>,
}

async fn openapi() -> impl IntoResponse {
    axum::Json(crate::openapi::document())
}

async fn not_found() -> ApiError {
    ApiError::not_found("route")
}

/// Enforces the permission table before anything else (body parsing
/// included): a role that may not call an endpoint learns nothing more.
async fn authorize(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string());
    let action = ROUTES
        .iter()
        .find(|r| Some(r.path) == path.as_deref() && r.method == req.method().as_str())
        .and_then(|r| r.action);
    let Some(action) = action else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let p = match <Principal as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &st,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = p.require(action) {
        return e.into_response();
    }
    parts.extensions.insert(p);
    next.run(Request::from_parts(parts, body)).await
}

/// The router for every endpoint in [`crate::perms::ROUTES`].
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi))
        .route(
            "/api/v1/sessions",
            post(sessions::sign_in).delete(sessions::sign_out),
        )
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/sessions", get(sessions::my_sessions))
        .route(
            "/api/v1/me/two-factor",
            get(two_factor::status).post(two_factor::begin),
        )
        .route("/api/v1/me/two-factor/confirm", post(two_factor::confirm))
        .route("/api/v1/me/two-factor/disable", post(two_factor::disable))
        .route(
            "/api/v1/users/{id}/two-factor",
            axum::routing::delete(two_factor::reset),
        )
        .route(
            "/api/v1/me/sessions/{id}",
            axum::routing::delete(sessions::end_my_session),
        )
        .route(
            "/api/v1/tenants",
            get(sessions::list_tenants).post(sessions::create_tenant),
        )
        .route("/api/v1/agents", get(agents::list).post(agents::create))
        .route("/api/v1/agents/{id}", get(agents::one))
        .route("/api/v1/agents/{id}/skills", put(agents::skills))
        .route("/api/v1/agents/{id}/teams", put(agents::teams))
        .route("/api/v1/agents/{id}/capacity", put(agents::capacity))
        .route("/api/v1/agents/{id}/sign-in", post(agents::sign_in))
        .route("/api/v1/agents/{id}/sign-out", post(agents::sign_out))
        .route("/api/v1/agents/{id}/state", post(agents::state))
        .route("/api/v1/queues", get(routing::queues))
        .route("/api/v1/queues/{id}", get(routing::queue))
        .route(
            "/api/v1/routing/plan",
            get(routing::plan).put(routing::set_plan),
        )
        .route("/api/v1/routing/plan/validate", post(routing::validate))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route(
            "/api/v1/settings/tenant",
            get(settings::get_tenant).put(settings::put_tenant),
        )
        .route(
            "/api/v1/settings/desktop",
            get(settings::get_desktop).put(settings::put_desktop),
        )
        .route(
            "/api/v1/settings/customer-fields",
            get(settings::get_fields).put(settings::put_fields),
        )
        .route(
            "/api/v1/customers/{id}/consents",
            get(consents::list).post(consents::record),
        )
        .route("/api/v1/customer-queries", get(queries::list))
        .route("/api/v1/dnc-lists", get(campaigns::dnc_lists))
        .route(
            "/api/v1/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(webhooks::delete),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::deliveries),
        )
        .route("/api/v1/webhooks/{id}/replay", post(webhooks::replay))
        .route(
            "/api/v1/customer-queries/{name}",
            get(queries::get).put(queries::put).delete(queries::delete),
        )
        .route(
            "/api/v1/customer-queries/{name}/customers",
            get(queries::customers),
        )
        .route(
            "/api/v1/interactions",
            get(interactions::list).post(interactions::create),
        )
        .route("/api/v1/interactions/{id}", get(interactions::one))
        .route(
            "/api/v1/interactions/{id}/accept",
            post(interactions::accept),
        )
        .route(
            "/api/v1/interactions/{id}/reject",
            post(interactions::reject),
        )
        .route(
            "/api/v1/interactions/{id}/complete",
            post(interactions::complete),
        )
        .route(
            "/api/v1/interactions/{id}/transfer",
            post(interactions::transfer),
        )
        .route(
            "/api/v1/interactions/{id}/disposition",
            post(interactions::disposition),
        )
        .route(
            "/api/v1/interactions/{id}/notes",
            get(interactions::notes).post(interactions::add_note),
        )
        .route(
            "/api/v1/interactions/{id}/messages",
            get(interactions::messages).post(interactions::send_message),
        )
        .route(
            "/api/v1/interactions/{id}/recording",
            get(recording::download),
        )
        .route(
            "/api/v1/interactions/{id}/recording/pause",
            post(recording::pause),
        )
        .route(
            "/api/v1/interactions/{id}/recording/resume",
            post(recording::resume),
        )
        .route(
            "/api/v1/interactions/{id}/recording/start",
            post(recording::start),
        )
        .route("/api/v1/calls", post(dial::place))
        .route("/api/v1/interactions/{id}/call/hold", post(calls::hold))
        .route("/api/v1/interactions/{id}/call/resume", post(calls::resume))
        .route("/api/v1/interactions/{id}/call/mute", post(calls::mute))
        .route("/api/v1/interactions/{id}/call/unmute", post(calls::unmute))
        .route("/api/v1/interactions/{id}/call/hangup", post(calls::hangup))
        .route(
            "/api/v1/interactions/{id}/call/consult",
            post(calls::consult),
        )
        .route(
            "/api/v1/interactions/{id}/call/consult/complete",
            post(calls::consult_complete),
        )
        .route(
            "/api/v1/interactions/{id}/call/consult/cancel",
            post(calls::consult_cancel),
        )
        .route(
            "/api/v1/customers",
            get(customers::find).post(customers::create),
        )
        .route("/api/v1/customers/duplicates", get(records::duplicates))
        .route("/api/v1/customers/bulk", post(sync::bulk))
        .route("/api/v1/customers/{id}/export", get(export::export))
        .route("/api/v1/customers/{id}/erase", post(export::erase))
        .route("/api/v1/mailboxes", get(mailboxes::list))
        .route(
            "/api/v1/mailboxes/{name}",
            axum::routing::put(mailboxes::put).delete(mailboxes::delete),
        )
        .route("/api/v1/interactions/{id}/email", post(mailboxes::reply))
        .route(
            "/api/v1/customers/by-external-id/{external_id}",
            axum::routing::put(sync::put),
        )
        .route(
            "/api/v1/customers/{id}",
            get(customers::one).patch(records::patch),
        )
        .route("/api/v1/customers/{id}/merge", post(records::merge))
        .route("/api/v1/customers/{id}/unmerge", post(records::unmerge))
        .route("/api/v1/customers/{id}/timeline", get(records::timeline))
        .route(
            "/api/v1/imports",
            get(imports::list)
                .post(imports::start)
                .layer(axum::extract::DefaultBodyLimit::max(imports::BODY_MAX)),
        )
        .route("/api/v1/imports/{id}", get(imports::one))
        .route("/api/v1/imports/{id}/rejects", get(imports::rejects))
        .route("/api/v1/customers/{id}/history", get(customers::history))
        .route(
            "/api/v1/customers/{id}/profile",
            post(customers::set_profile),
        )
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/reports/summary", get(customers::summary))
        .route(
            "/api/v1/campaigns",
            get(campaigns::list).post(campaigns::create),
        )
        .route("/api/v1/campaigns/{id}", get(campaigns::one))
        .route(
            "/api/v1/campaigns/{id}/contacts",
            get(campaigns::contacts).post(campaigns::add_contacts),
        )
        .route("/api/v1/campaigns/{id}/start", post(campaigns::start))
        .route("/api/v1/campaigns/{id}/pause", post(campaigns::pause))
        .route("/api/v1/campaigns/{id}/stop", post(campaigns::stop))
        .route("/api/v1/campaigns/{id}/ratio", put(campaigns::ratio))
        .route(
            "/api/v1/campaigns/{id}/case-query",
            get(case_feeds::one)
                .put(case_feeds::set)
                .delete(case_feeds::remove),
        )
        .route(
            "/api/v1/previews/{id}/accept",
            post(campaigns::preview_accept),
        )
        .route("/api/v1/previews/{id}/skip", post(campaigns::preview_skip))
        .route("/api/v1/case-types", get(cases::types))
        .route("/api/v1/case-types/{name}", put(cases::set_type))
        .route("/api/v1/cases", get(cases::list).post(cases::create))
        .route("/api/v1/cases/{id}", get(cases::one))
        .route(
            "/api/v1/cases/{id}/tasks/{task}/delegate",
            post(case_tasks::delegate),
        )
        .route("/api/v1/cases/{id}/transition", post(cases::transition))
        .route("/api/v1/cases/{id}/flags", post(cases::flags))
        .route("/api/v1/cases/{id}/promises", post(cases::promise))
        .route("/api/v1/cases/{id}/payments", post(cases::payment))
        .route("/api/v1/payments/unmatched", get(payments::list))
        .route(
            "/api/v1/payments/unmatched/{id}/assign",
            post(payments::assign),
        )
        .route("/api/v1/cases/{id}/letters", get(letters::list))
        .route("/api/v1/cases/{id}/letters/{seq}", get(letters::pdf))
        .route(
            "/api/v1/settings/letters",
            get(letters::get_templates).put(letters::put_templates),
        )
        .route("/api/v1/cases/{id}/plans", post(case_terms::plan))
        .route("/api/v1/cases/{id}/settle", post(case_terms::settle))
        .route("/api/v1/cases/{id}/write-off", post(case_terms::write_off))
        .route("/api/v1/cases/{id}/dispute", post(case_terms::dispute))
        .route(
            "/api/v1/cases/{id}/dispute/resolve",
            post(case_terms::resolve),
        )
        .route("/api/v1/cases/{id}/recall", post(case_terms::recall))
        .merge(quality::routes())
        .route("/chat/{tenant}", get(crate::ui::chat::page))
        .route("/chat/{tenant}/start", post(chat::start))
        .route(
            "/chat/{tenant}/{id}/messages",
            get(chat::messages).post(chat::send),
        )
        .route("/chat/{tenant}/{id}/events", get(chat::events))
        .merge(crate::ui::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authorize,
        ))
        .layer(axum::middleware::from_fn(crate::ui::sign_in_on_401))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            safe_headers,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_MAX))
        .with_state(state)
}
