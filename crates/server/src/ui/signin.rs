//! Sign-in and sign-out pages, and the language and time-zone preferences.
//!
//! The sign-in form opens the same session as `POST /api/v1/sessions`
//! (cookie, CSRF token, lock-out after failures) and also stores the chosen
//! language and the browser's time zone in cookies. A user with a second
//! factor is asked for its code next ([`super::second`]); the single
//! sign-on button goes to the tenant's OpenID provider ([`super::sso`]).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use i18n::Lang;
use serde::Deserialize;

use super::{
    LANG_COOKIE, Markup, PREF_COOKIE_MAX_AGE_S, TZ_COOKIE, UiForm, home_of, html, lang_of,
    markup_response, redirect, tr,
};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::routes::{ClientAddr, sessions};
use crate::signin::CodeWait;

/// `GET /ui`: the user's first page, or the sign-in page.
pub async fn home(p: Result<Principal, ApiError>, headers: HeaderMap) -> Response {
    match p {
        Ok(p) => redirect(&headers, home_of(p.role)),
        Err(_) => redirect(&headers, "/ui/sign-in"),
    }
}

/// A page of the sign-in steps: the head, and `form` under the heading.
pub(super) fn sign_in_page(lang: Lang, title: &str, script: bool, form: Markup) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Centralita" }
                link rel="stylesheet" href="/ui/assets/app.css";
                @if script { script src="/ui/assets/app.js" defer {} }
            }
            body.sign-in {
                main #main {
                    h1 { "Centralita" }
                    (form)
                }
            }
        }
    }
}

/// A sign-in step's mistake, if any.
pub(super) fn sign_in_error(error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.error role="alert" #sign-in-error { (e) }
        }
    }
}

/// The sign-in page (with a mistake to show, if any).
pub fn sign_in_html(lang: Lang, tenant: &str, username: &str, error: Option<&str>) -> Markup {
    let title = tr(lang, "sign-in");
    let form = html! {
        form method="post" action="/ui/sign-in" .card aria-labelledby="sign-in-h" {
            h2 #sign-in-h { (title) }
            (sign_in_error(error))
            label for="tenant" { (tr(lang, "tenant")) }
            input #tenant name="tenant" value=(tenant) autocomplete="organization" maxlength="64";
            p.hint #tenant-hint { (tr(lang, "tenant-hint")) }
            label for="username" { (tr(lang, "username")) }
            input #username name="username" value=(username) required autocomplete="username"
                maxlength="64";
            label for="password" { (tr(lang, "password")) }
            input #password name="password" type="password" required autocomplete="current-password"
                maxlength="1024";
            label for="lang" { (tr(lang, "language")) }
            select #lang name="lang" {
                @for l in Lang::ALL {
                    option value=(l.code()) lang=(l.code()) selected[l == lang] { (l.name()) }
                }
            }
            input type="hidden" name="tz" #tz value="UTC";
            button type="submit" { (title) }
            button type="submit" .secondary #sso formaction="/ui/sign-in/oidc" formnovalidate {
                (tr(lang, "sign-in-sso"))
            }
        }
    };
    sign_in_page(lang, &title, true, form)
}

/// A page that sends the browser on to `to` at once, with a link to it
/// (`link_id`: the link's id, if any).
pub(super) fn onward_page(lang: Lang, to: &str, link_id: Option<&str>) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content=(format!("0;url={to}"));
                title { "Centralita" }
            }
            body { p { a id=[link_id] href=(to) { (tr(lang, "continue")) } } }
        }
    }
}

/// `GET /ui/sign-in`.
pub async fn page(headers: HeaderMap) -> Response {
    markup_response(sign_in_html(lang_of(&headers), "", "", None))
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
    let username = f.username.trim();
    let (user, attempt) =
        match sessions::check_password(&st, from, tenant_opt, username, &f.password).await {
            Ok(passed) => passed,
            Err(e) => return failed(lang, tenant, username, &e),
        };
    let tz =
        f.tz.parse::<Tz>()
            .map(|z| z.name().to_string())
            .unwrap_or_else(|_| "UTC".into());
    let wait = CodeWait {
        tenant: tenant_opt.map(str::to_string),
        user,
        setup: false,
        tries: 0,
        lang,
        tz,
    };
    let r = super::second::after_password(&st, wait, attempt).await;
    r.unwrap_or_else(|e| failed(lang, tenant, username, &e))
}

/// The sign-in page again, with what went wrong.
pub fn failed(lang: Lang, tenant: &str, username: &str, e: &ApiError) -> Response {
    let cat = i18n::Catalog::global();
    let wait = || i18n::Arg::Num(e.retry_after_s.unwrap_or(1).div_ceil(60) as f64);
    let msg = match e.code {
        "unauthenticated" => cat.t(lang, "sign-in-failed"),
        "too_many_attempts" => cat.t_args(lang, "sign-in-locked", &[("count", wait())]),
        "busy" => cat.t(lang, "sign-in-busy"),
        _ => super::errors::page_message(lang, e.status, e.code, &e.message),
    };
    let mut res = markup_response(sign_in_html(lang, tenant, username, Some(&msg)));
    if let Some(s) = e.retry_after_s {
        res.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    *res.status_mut() = e.status;
    res
}

/// Opens the session of a user who proved who they are, sets the language
/// and time-zone cookies and sends them to their first page. `via_page`:
/// the answer is a page that goes on by itself, for a sign-in that came
/// back from another site (a strict cookie set on a redirect from there
/// would not be sent on the next request).
pub async fn finish(st: &AppState, wait: &CodeWait, via_page: bool) -> ApiResult<Response> {
    let (session, _csrf) = sessions::start_session(st, &wait.user, wait.tenant.is_none()).await?;
    let role = crate::auth::Role::parse(&wait.user.role).unwrap_or(crate::auth::Role::Client);
    let lang = wait.lang;
    let home = home_of(role);
    let mut res = if via_page {
        markup_response(onward_page(lang, home, None))
    } else {
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, home.to_string())],
        )
            .into_response()
    };
    for c in [
        session,
        pref_cookie(LANG_COOKIE, lang.code()),
        pref_cookie(TZ_COOKIE, &wait.tz),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
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
        let lang = Lang::from_code(l)
            .ok_or_else(|| ApiError::field("lang", "one of en, es, ca, cs, ru, zh"))?;
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
