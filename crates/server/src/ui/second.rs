//! The sign-in page's second step: the code of the user's authenticator
//! app, or, when their tenant requires a second factor they have not set
//! up, its QR code and key and then its first code (`POST
//! /ui/sign-in/code`). The half-done sign-in waits in
//! [`crate::signin::Pending`] under a random id carried by the form.

use axum::extract::State;
use axum::response::Response;
use i18n::Lang;
use serde::Deserialize;

use super::signin::{failed, finish, sign_in_error, sign_in_html, sign_in_page};
use super::{Markup, PreEscaped, UiForm, html, markup_response, tr};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::routes::{ClientAddr, sessions};
use crate::signin::{self, CodeWait, Half, Need};

/// What the sign-in page does once the password was right.
pub async fn after_password(
    st: &AppState,
    wait: CodeWait,
    attempt: crate::lockout::Attempt,
) -> ApiResult<Response> {
    let need = signin::need(st, &wait.user).await;
    let need = match need {
        Ok(n) => n,
        Err(e) => {
            st.throttle.failed(attempt);
            return Err(e);
        }
    };
    sessions::password_passed(st, attempt, need);
    if need == Need::Nothing {
        return finish(st, &wait, false).await;
    }
    let wait = CodeWait {
        setup: need == Need::Setup,
        ..wait
    };
    if wait.setup {
        signin::begin_setup(st, &wait.user, wait.tenant.as_deref()).await?;
    }
    let lang = wait.lang;
    let id = st
        .pending
        .put(Half::Code(wait.clone()))
        .ok_or_else(|| ApiError::busy(1))?;
    code_page(st, &id, &wait, lang, None).await
}

/// The key being set up: its QR code (an SVG we drew) and its text.
fn setup_html(lang: Lang, s: &signin::Setup) -> Markup {
    html! {
        p { (tr(lang, "two-factor-setup-hint")) }
        figure #totp-qr aria-label=(tr(lang, "two-factor-qr")) { (PreEscaped(&s.qr_svg)) }
        p.hint { (tr(lang, "two-factor-key")) }
        p { code #totp-secret { (s.secret) } }
    }
}

async fn code_page(
    st: &AppState,
    id: &str,
    wait: &CodeWait,
    lang: Lang,
    error: Option<&str>,
) -> ApiResult<Response> {
    let setup = if wait.setup {
        let s = signin::pending_setup(st, &wait.user, wait.tenant.as_deref())
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no key being set up")))?;
        Some(setup_html(lang, &s))
    } else {
        None
    };
    let title = tr(
        lang,
        if wait.setup {
            "two-factor-setup"
        } else {
            "two-factor"
        },
    );
    let form = html! {
        form method="post" action="/ui/sign-in/code" .card aria-labelledby="code-h" {
            h2 #code-h { (title) }
            (sign_in_error(error))
            @if let Some(setup) = setup { (setup) }
            input type="hidden" name="challenge" value=(id);
            label for="code" { (tr(lang, "two-factor-code")) }
            input #code name="code" required inputmode="numeric" autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}" maxlength="7" autofocus;
            button type="submit" { (tr(lang, "verify")) }
        }
    };
    Ok(markup_response(sign_in_page(lang, &title, false, form)))
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    /// The half-done sign-in's id.
    pub challenge: String,
    /// The code.
    #[serde(default)]
    pub code: String,
}

/// `POST /ui/sign-in/code`.
pub async fn submit(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: axum::http::HeaderMap,
    UiForm(f): UiForm<CodeForm>,
) -> Response {
    let Some(Half::Code(wait)) = st.pending.take(&f.challenge) else {
        let lang = super::lang_of(&headers);
        let msg = tr(lang, "two-factor-expired");
        let mut res = markup_response(sign_in_html(lang, "", "", Some(&msg)));
        *res.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        return res;
    };
    let lang = wait.lang;
    let tenant = wait.tenant.clone();
    let name = wait.user.username.clone();
    let r = check(&st, from, &wait, &f.code).await;
    let r = match r {
        Ok(()) => finish(&st, &wait, false).await,
        Err(e) if e.code == "unauthenticated" => {
            let again = st.pending.retry(&f.challenge, wait.clone());
            if again {
                let msg = tr(lang, "two-factor-wrong");
                code_page(&st, &f.challenge, &wait, lang, Some(&msg))
                    .await
                    .map(|mut r| {
                        *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
                        r
                    })
            } else {
                Err(e)
            }
        }
        Err(e) => Err(e),
    };
    r.unwrap_or_else(|e| failed(lang, tenant.as_deref().unwrap_or(""), &name, &e))
}

/// Checks the code: the first code of a key being set up (which makes it
/// the user's), or a code of their key; wrong codes count toward the lock-out.
async fn check(
    st: &AppState,
    from: Option<std::net::IpAddr>,
    wait: &CodeWait,
    code: &str,
) -> ApiResult<()> {
    let tenant = wait.tenant.as_deref();
    if !wait.setup {
        return sessions::check_second_factor(st, from, tenant, &wait.user, code).await;
    }
    let attempt = st
        .throttle
        .begin(tenant.unwrap_or(""), &wait.user.username, from)
        .map_err(ApiError::too_many_attempts)?;
    if signin::confirm_setup(st, &wait.user, code).await? {
        st.throttle.succeeded(attempt);
        crate::audit::record_as(
            st,
            wait.user.tenant_id,
            signin::actor_of(&wait.user),
            crate::audit::AuditAction::SecondFactorSet,
            None,
        )
        .await?;
        Ok(())
    } else {
        st.throttle.failed(attempt);
        Err(ApiError::unauthenticated())
    }
}
