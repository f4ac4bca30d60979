//! Sign-in and sign-out pages, and the language and time-zone preferences.
//!
//! The sign-in form opens the same session as `POST /api/v1/sessions`
//! (cookie, CSRF token, lock-out after failures) and also stores the chosen
//! language and the browser's time zone in cookies.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use chrono_tz::Tz;
use i18n::Lang;
use serde::Deserialize;

use super::{
    LANG_COOKIE, PREF_COOKIE_MAX_AGE_S, TZ_COOKIE, UiForm, esc, home_of, html_response, lang_of,
    redirect, tr,
};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::routes::{ClientAddr, sessions};

/// `GET /ui`: the user's first page, or the sign-in page.
pub async fn home(p: Result<Principal, ApiError>, headers: HeaderMap) -> Response {
    match p {
        Ok(p) => redirect(&headers, home_of(p.role)),
        Err(_) => redirect(&headers, "/ui/sign-in"),
    }
}

fn sign_in_html(lang: Lang, tenant: &str, username: &str, error: Option<&str>) -> String {
    let mut opts = String::new();
    for l in Lang::ALL {
        let sel = if l == lang { " selected" } else { "" };
        opts.push_str(&format!(
            "<option value=\"{}\" lang=\"{}\"{sel}>{}</option>",
            l.code(),
            l.code(),
            esc(l.name())
        ));
    }
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"sign-in-error\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Centralita</title><link rel=\"stylesheet\" href=\"/ui/assets/app.css\">\
<script src=\"/ui/assets/app.js\" defer></script></head>\
<body class=\"sign-in\"><main id=\"main\"><h1>Centralita</h1>\
<form method=\"post\" action=\"/ui/sign-in\" class=\"card\" aria-labelledby=\"sign-in-h\">\
<h2 id=\"sign-in-h\">{title}</h2>{error}\
<label for=\"tenant\">{tenant_l}</label><input id=\"tenant\" name=\"tenant\" value=\"{tenant}\" autocomplete=\"organization\" maxlength=\"64\">\
<p class=\"hint\" id=\"tenant-hint\">{tenant_hint}</p>\
<label for=\"username\">{user_l}</label><input id=\"username\" name=\"username\" value=\"{username}\" required autocomplete=\"username\" maxlength=\"64\">\
<label for=\"password\">{pass_l}</label><input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\" maxlength=\"1024\">\
<label for=\"lang\">{lang_l}</label><select id=\"lang\" name=\"lang\">{opts}</select>\
<input type=\"hidden\" name=\"tz\" id=\"tz\" value=\"UTC\">\
<button type=\"submit\">{title}</button></form></main></body></html>",
        code = lang.code(),
        title = tr(lang, "sign-in"),
        tenant_l = tr(lang, "tenant"),
        tenant_hint = tr(lang, "tenant-hint"),
        user_l = tr(lang, "username"),
        pass_l = tr(lang, "password"),
        lang_l = tr(lang, "language"),
        tenant = esc(tenant),
        username = esc(username),
    )
}

/// `GET /ui/sign-in`.
pub async fn page(headers: HeaderMap) -> Response {
    html_response(sign_in_html(lang_of(&headers), "", "", None))
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    /// Tenant name; empty for provider administrators.
    #[serde(default)]
    pub tenant: String,
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Interface language code.
    #[serde(default)]
    pub lang: String,
    /// The browser's time zone.
    #[serde(default)]
    pub tz: String,
}

fn pref_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; SameSite=Strict; Path=/; Max-Age={PREF_COOKIE_MAX_AGE_S}")
}

/// `POST /ui/sign-in`.
pub async fn submit(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    UiForm(f): UiForm<SignInForm>,
) -> Response {
    let lang = Lang::from_code(&f.lang).unwrap_or_else(|| lang_of(&headers));
    let tenant = f.tenant.trim();
    let tenant_opt = (!tenant.is_empty()).then_some(tenant);
    match sessions::open_session(&st, from, tenant_opt, f.username.trim(), &f.password).await {
        Ok((session, _csrf, user)) => {
            let role = crate::auth::Role::parse(&user.role).unwrap_or(crate::auth::Role::Client);
            let tz =
                f.tz.parse::<Tz>()
                    .map(|z| z.name().to_string())
                    .unwrap_or_else(|_| "UTC".into());
            (
                StatusCode::SEE_OTHER,
                AppendHeaders([
                    (header::SET_COOKIE, session),
                    (header::SET_COOKIE, pref_cookie(LANG_COOKIE, lang.code())),
                    (header::SET_COOKIE, pref_cookie(TZ_COOKIE, &tz)),
                    (header::LOCATION, home_of(role).to_string()),
                ]),
            )
                .into_response()
        }
        Err(e) => {
            let cat = i18n::Catalog::global();
            let wait = || i18n::Arg::Num(e.retry_after_s.unwrap_or(1).div_ceil(60) as f64);
            let msg = match e.code {
                "unauthenticated" => cat.t(lang, "sign-in-failed"),
                "too_many_attempts" => cat.t_args(lang, "sign-in-locked", &[("count", wait())]),
                "busy" => cat.t(lang, "sign-in-busy"),
                _ => e.message.clone(),
            };
            let mut res = html_response(sign_in_html(lang, tenant, f.username.trim(), Some(&msg)));
            if let Some(s) = e.retry_after_s {
                res.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            *res.status_mut() = if e.status == StatusCode::UNAUTHORIZED {
                StatusCode::UNAUTHORIZED
            } else {
                e.status
            };
            res
        }
    }
}

/// `POST /ui/sign-out`.
pub async fn sign_out(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cookie = sessions::close_session(&st, &p, &headers).await?;
    let mut res = redirect(&headers, "/ui/sign-in");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The preferences form.
#[derive(Debug, Deserialize)]
pub struct PrefsForm {
    /// Interface language code.
    pub lang: Option<String>,
    /// IANA time zone.
    pub tz: Option<String>,
}

/// `POST /ui/preferences`: sets the cookies and reloads the page.
pub async fn preferences(p: Principal, UiForm(f): UiForm<PrefsForm>) -> ApiResult<Response> {
    p.require(crate::perms::Action::Me)?;
    let mut cookies = Vec::new();
    if let Some(l) = f.lang.as_deref().filter(|l| !l.is_empty()) {
        let lang =
            Lang::from_code(l).ok_or_else(|| ApiError::field("lang", "one of en, es, ca, cs"))?;
        cookies.push(pref_cookie(LANG_COOKIE, lang.code()));
    }
    if let Some(z) = f.tz.as_deref().filter(|z| !z.is_empty()) {
        let tz = z
            .trim()
            .parse::<Tz>()
            .map_err(|_| ApiError::field("tz", "an IANA time zone such as Europe/Madrid"))?;
        cookies.push(pref_cookie(TZ_COOKIE, tz.name()));
    }
    let mut res = (
        StatusCode::NO_CONTENT,
        [(
            header::HeaderName::from_static("hx-refresh"),
            HeaderValue::from_static("true"),
        )],
    )
        .into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}
