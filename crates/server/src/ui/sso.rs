//! Single sign-on with the tenant's OpenID provider (`center::sign_in`,
//! protocol in [`crate::oidc`]).
//!
//! `/ui/sign-in/oidc?tenant=T` (or the sign-in page's button) starts it: a
//! half-done sign-in waits under a random `state`, also kept in a cookie
//! only this browser sends back (so nobody can finish a sign-in they did not
//! start here), and the browser goes to the provider with a PKCE challenge
//! and a nonce. The provider sends it back to `/ui/sign-in/oidc/callback`;
//! the code is redeemed, the ID token checked, and the user named by
//! `preferred_username` (else `email`) signs in: created at the first
//! sign-in when `create_users` is set, with the role the `role_claim`
//! names (a named role also replaces a user's role at each sign-in). The
//! provider is trusted with the second factor: no TOTP code is asked here.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use chrono_tz::Tz;
use i18n::Lang;
use serde::Deserialize;

use super::signin::{failed, finish, onward_page};
use super::{lang_of, markup_response, tr};
use crate::AppState;
use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::oidc::{self, Redeem};
use crate::routes::settings as api;
use crate::signin::{CodeWait, Half, OidcWait};

/// The cookie that ties the provider's answer to the browser that asked.
pub const STATE_COOKIE: &str = "centralita_oidc";
/// Where the provider sends the browser back.
pub const CALLBACK_PATH: &str = "/ui/sign-in/oidc/callback";

/// What starts a single sign-on (query or form).
#[derive(Debug, Deserialize)]
pub struct Start {
    /// The tenant's name.
    #[serde(default)]
    pub tenant: String,
    /// The interface language.
    #[serde(default)]
    pub lang: String,
    /// The browser's time zone.
    #[serde(default)]
    pub tz: String,
}

/// The address the provider sends browsers back to: `CENTRALITA_PUBLIC_URL`
/// when set, else this request's host, over https when we are behind TLS.
fn redirect_uri(st: &AppState, headers: &HeaderMap) -> String {
    if let Ok(base) = std::env::var("CENTRALITA_PUBLIC_URL") {
        return format!("{}{CALLBACK_PATH}", base.trim_end_matches('/'));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if st.secure { "https" } else { "http" };
    format!("{scheme}://{host}{CALLBACK_PATH}")
}

/// A page that sends the browser on at once (a redirect from a form would
/// be stopped by our pages' `form-action 'self'` policy).
fn onward(lang: Lang, to: &str) -> Response {
    markup_response(onward_page(lang, to, Some("onward")))
}

/// `GET|POST /ui/sign-in/oidc`.
pub async fn start(st: &AppState, headers: &HeaderMap, f: Start) -> Response {
    let lang = Lang::from_code(&f.lang).unwrap_or_else(|| lang_of(headers));
    let tenant = f.tenant.trim();
    match begin(st, headers, tenant, lang, &f.tz).await {
        Ok(r) => r,
        Err(e) => failed(lang, tenant, "", &e),
    }
}

async fn begin(
    st: &AppState,
    headers: &HeaderMap,
    tenant: &str,
    lang: Lang,
    tz: &str,
) -> ApiResult<Response> {
    let not_set = || ApiError::sign_in_failed(tr(lang, "sso-not-set-up"));
    let t = st.store.tenant_by_name(tenant).await?.ok_or_else(not_set)?;
    let settings = api::tenant_settings(st, &t).await?;
    let o = settings.oidc.ok_or_else(not_set)?;
    let (d, _) = st
        .oidc
        .provider(&o.issuer, false)
        .await
        .map_err(sso_error)?;
    let (verifier, challenge) = oidc::pkce();
    let nonce = crate::auth::random_hex(16);
    let wait = OidcWait {
        tenant: t,
        nonce: nonce.clone(),
        verifier,
        lang,
        tz: tz
            .parse::<Tz>()
            .map_or_else(|_| "UTC".into(), |z| z.name().to_string()),
        redirect_uri: redirect_uri(st, headers),
    };
    let redirect = wait.redirect_uri.clone();
    let state = st
        .pending
        .put(Half::Oidc(wait))
        .ok_or_else(|| ApiError::busy(1))?;
    let to = oidc::authorize_url(&d, &o.client_id, &redirect, &state, &nonce, &challenge)
        .map_err(sso_error)?;
    let mut res = onward(lang, &to);
    let secure = if st.secure { "; Secure" } else { "" };
    let cookie = format!(
        "{STATE_COOKIE}={state}; HttpOnly; SameSite=Lax; Path=/ui/sign-in/oidc; Max-Age=600{secure}"
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn sso_error(e: oidc::OidcError) -> ApiError {
    tracing::warn!(target: "audit", error = %e, "single sign-on failed");
    ApiError::sign_in_failed(e.to_string())
}

/// `GET /ui/sign-in/oidc?tenant=…`.
pub async fn start_get(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<Start>,
) -> Response {
    start(&st, &headers, f).await
}

/// `POST /ui/sign-in/oidc` (the sign-in page's button).
pub async fn start_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    super::UiForm(f): super::UiForm<Start>,
) -> Response {
    start(&st, &headers, f).await
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
pub struct Callback {
    /// The code to redeem.
    pub code: Option<String>,
    /// Our state.
    #[serde(default)]
    pub state: String,
    /// The provider's refusal, if it refused.
    pub error: Option<String>,
    /// Its words on it.
    pub error_description: Option<String>,
}

/// `GET /ui/sign-in/oidc/callback`.
pub async fn callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(c): Query<Callback>,
) -> Response {
    let lang = lang_of(&headers);
    let ours = super::cookie(&headers, STATE_COOKIE).is_some_and(|s| !s.is_empty() && s == c.state);
    let wait = match st.pending.take(&c.state) {
        Some(Half::Oidc(w)) if ours => w,
        _ => {
            return failed(
                lang,
                "",
                "",
                &ApiError::sign_in_failed(tr(lang, "sso-expired")),
            );
        }
    };
    let lang = wait.lang;
    let tenant = wait.tenant.name().to_string();
    let mut res = match complete(&st, &wait, &c).await {
        Ok(r) => r,
        Err(e) => failed(lang, &tenant, "", &e),
    };
    // The state is spent either way.
    let clear =
        format!("{STATE_COOKIE}=; HttpOnly; SameSite=Lax; Path=/ui/sign-in/oidc; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn complete(st: &AppState, wait: &OidcWait, c: &Callback) -> ApiResult<Response> {
    let lang = wait.lang;
    if let Some(e) = &c.error {
        let why = c.error_description.as_deref().unwrap_or(e);
        let arg = [("message", i18n::Arg::Str(why))];
        let said = i18n::Catalog::global().t_args(lang, "sso-refused", &arg);
        return Err(ApiError::sign_in_failed(said));
    }
    let code = c
        .code
        .as_deref()
        .ok_or_else(|| ApiError::sign_in_failed(tr(lang, "sso-no-code")))?;
    let t = &wait.tenant;
    let settings = api::tenant_settings(st, t).await?;
    let o = settings
        .oidc
        .ok_or_else(|| ApiError::sign_in_failed(tr(lang, "sso-not-set-up")))?;
    let secret = match &o.client_secret {
        Some(sealed) => Some(
            st.secrets
                .open(&api::oidc_purpose(t), sealed)
                .map_err(|e| {
                    ApiError::internal(anyhow::anyhow!("the OpenID client secret: {e}"))
                })?,
        ),
        None => None,
    };
    let claims = st
        .oidc
        .redeem(&Redeem {
            issuer: &o.issuer,
            client_id: &o.client_id,
            client_secret: secret.as_deref(),
            code,
            verifier: &wait.verifier,
            nonce: &wait.nonce,
            redirect_uri: &wait.redirect_uri,
        })
        .await
        .map_err(sso_error)?;
    let user = user_for(st, t, &o, &claims, lang).await?;
    let signed = CodeWait {
        tenant: Some(t.name().to_string()),
        user,
        setup: false,
        tries: 0,
        lang: wait.lang,
        tz: wait.tz.clone(),
    };
    finish(st, &signed, true).await
}

/// The user the claims name, made or given their role as the settings say.
async fn user_for(
    st: &AppState,
    t: &store::Tenant,
    o: &center::sign_in::Oidc,
    claims: &serde_json::Map<String, serde_json::Value>,
    lang: Lang,
) -> ApiResult<store::auth::UserRecord> {
    let name = oidc::username_of(claims)
        .ok_or_else(|| ApiError::sign_in_failed(tr(lang, "sso-no-name")))?;
    let claimed = o
        .role_claim
        .as_deref()
        .and_then(|c| claims.get(c))
        .and_then(|v| v.as_str());
    let role = match claimed {
        Some(r) => Some(
            Role::parse(r)
                .filter(|r| *r != Role::Provider)
                .ok_or_else(|| {
                    ApiError::sign_in_failed(format!("the role {r:?} is not one of ours"))
                })?,
        ),
        None => None,
    };
    match st.store.user(t, &name).await? {
        Some(mut u) => {
            if let Some(r) = role.filter(|r| r.as_str() != u.role)
                && st.store.set_role(t, u.id, r.as_str()).await?
            {
                u.role = r.as_str().to_string();
                let on = Some(format!("user:{}", u.id));
                crate::audit::record_as(
                    st,
                    t.id(),
                    crate::auth::Actor::User(u.id),
                    crate::audit::AuditAction::RoleChanged,
                    on,
                )
                .await?;
            }
            Ok(u)
        }
        None if o.create_users => {
            let role = role.ok_or_else(|| ApiError::sign_in_failed(tr(lang, "sso-no-role")))?;
            // No password: this user signs in through the provider only.
            let u = st
                .store
                .create_user(t, &name, NO_PASSWORD, role.as_str(), crate::clock::now_ms())
                .await
                .map_err(|e| ApiError::sign_in_failed(e.to_string()))?;
            let on = Some(format!("user:{}", u.id));
            crate::audit::record_as(
                st,
                t.id(),
                crate::auth::Actor::User(u.id),
                crate::audit::AuditAction::UserAdded,
                on,
            )
            .await?;
            Ok(u)
        }
        None => Err(ApiError::sign_in_failed(tr(lang, "sso-no-user"))),
    }
}

/// The password hash of users made by single sign-on: no password matches it.
pub const NO_PASSWORD: &str = "!sso";
