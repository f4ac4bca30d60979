//! The API's one error type and its stable code table.
//!
//! Every error leaves as `{"error":{"code":"...","message":"..."}}`. Client
//! mistakes are 4xx with a message that names the field; internal failures are
//! a generic 500 whose cause is logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The stable error codes: (code, HTTP status, meaning). Clients may rely on them.
pub const ERROR_CODES: &[(&str, u16, &str)] = &[
    (
        "invalid_json",
        400,
        "the body is not JSON of the expected shape; the message names the field",
    ),
    (
        "invalid_field",
        422,
        "a field has a value that is not allowed; the message names it",
    ),
    (
        "unauthenticated",
        401,
        "no valid session cookie or API token",
    ),
    (
        "second_factor_required",
        401,
        "the password was right; send the code of the user's authenticator app as `totp`",
    ),
    (
        "second_factor_setup_required",
        403,
        "the tenant requires a second factor of this role and the user has none: set it up on the sign-in page",
    ),
    (
        "sign_in_failed",
        401,
        "single sign-on did not complete; the message says why",
    ),
    (
        "forbidden",
        403,
        "the role may not do this (see the permission table)",
    ),
    (
        "csrf_failed",
        403,
        "a cookie-authenticated unsafe request without the right X-CSRF-Token",
    ),
    ("not_found", 404, "no such thing in this tenant"),
    (
        "call_refused",
        409,
        "the dialer's compliance gate refused the call; the message names the rule (e.g. `outside_calling_window`) and when it may pass",
    ),
    (
        "conflict",
        409,
        "the thing exists already or is not in a state that allows this",
    ),
    (
        "payload_too_large",
        413,
        "the body is larger than the limit",
    ),
    (
        "unsupported_media_type",
        415,
        "a body that is not sent as JSON (Content-Type: application/json)",
    ),
    (
        "rate_limited",
        429,
        "too many requests from here; retry after the seconds in Retry-After",
    ),
    (
        "too_many_attempts",
        429,
        "too many failed sign-ins; wait and retry",
    ),
    (
        "overloaded",
        503,
        "the tenant's queue of work is full; retry later",
    ),
    (
        "busy",
        503,
        "too many sign-ins at once; retry after the seconds in Retry-After",
    ),
    (
        "upstream_failed",
        502,
        "a server we hand the request to (a mailbox's SMTP server) refused it or failed; nothing was recorded",
    ),
    (
        "internal",
        500,
        "something failed on our side; it is logged",
    ),
];

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// One of [`ERROR_CODES`].
    pub code: &'static str,
    /// A message for people (names the field for client mistakes).
    pub message: String,
    /// Seconds to wait before retrying (sent as `Retry-After`).
    pub retry_after_s: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
        }
    }
    /// A body that does not parse.
    pub fn invalid_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_json", message)
    }
    /// A field with a bad value.
    pub fn field(field: &str, message: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("{field}: {message}"),
        )
    }
    /// The password was right; the second factor's code is missing.
    pub fn second_factor_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "second_factor_required",
            "send the code of your authenticator app as `totp`",
        )
    }
    /// A second factor is required and not set up.
    pub fn second_factor_setup_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "second_factor_setup_required",
            "your role must sign in with a second factor: set it up on the sign-in page",
        )
    }
    /// Single sign-on did not complete (the message says why).
    pub fn sign_in_failed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "sign_in_failed", message)
    }
    /// Not signed in.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in or send an API token (Authorization: Bearer …)",
        )
    }
    /// Not allowed for the role.
    pub fn forbidden(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("your role may not {what}"),
        )
    }
    /// Missing or wrong CSRF token.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "send the session's CSRF token in X-CSRF-Token",
        )
    }
    /// Nothing by that id in this tenant.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }
    /// Exists, or wrong state.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }
    /// A call the compliance gate refused.
    pub fn call_refused(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "call_refused", message)
    }
    /// Locked out.
    pub fn too_many_attempts(retry_s: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("too many failed sign-ins; retry in {retry_s} s"),
        );
        e.retry_after_s = Some(retry_s);
        e
    }
    /// Too many requests from one caller or for one tenant.
    pub fn rate_limited(retry_s: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; retry in {retry_s} s"),
        );
        e.retry_after_s = Some(retry_s);
        e
    }
    /// Too many password checks at once: shed, not stalled.
    pub fn busy(retry_s: u64) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("too many sign-ins at once; retry in {retry_s} s"),
        );
        e.retry_after_s = Some(retry_s);
        e
    }
    /// A body not sent as JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json (documents in TOML go inside a JSON \"document\" field)",
        )
    }
    /// Body too big.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
        )
    }
    /// The tenant task is busy or gone.
    pub fn overloaded() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the tenant is busy; retry",
        )
    }
    /// Something this server needs is missing (a font to print with): the
    /// operator's to install; the message says what.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }
    /// A server we hand the request to refused it or failed.
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "upstream_failed", message)
    }

    /// An internal failure: the cause is logged here and not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error (logged)",
        )
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Invalid { field, message } => ApiError::field(field, message),
            store::StoreError::Exists(what) => ApiError::conflict(format!("{what} already exists")),
            other => ApiError::internal(other),
        }
    }
}

impl From<center::TenantError> for ApiError {
    fn from(e: center::TenantError) -> Self {
        use center::TenantError as E;
        match e {
            E::NotFound(what) => ApiError::not_found(&what),
            E::Field { field, message } => ApiError::field(&field, message),
            E::Conflict(m) => ApiError::conflict(m),
            E::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            E::TooLarge(limit) => ApiError::too_large(limit),
            E::Internal(m) => ApiError::internal(m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after_s {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        res
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
