//! The web UI: server-rendered HTML pages for agents, supervisors and
//! administrators, under `/ui`.
//!
//! - Pages are [maud](https://maud.lambda.xyz/) templates (`html!`), checked
//!   at compile time; every value is escaped unless it is a [`Markup`]
//!   already (text and attributes alike); nothing builds HTML by hand.
//!   [`Ctx::t`] gives the interface's words unescaped, for the template to
//!   escape.
//! - Forms post with htmx (`assets/vendor/htmx.min.js`, embedded); the page's
//!   `<body>` carries the session's CSRF token in `hx-headers`, so every
//!   action passes the same checks as the JSON API: the permission table
//!   (every UI route is in [`crate::perms::ROUTES`]), CSRF, tenant scope.
//! - Live updates: `assets/app.js` opens one `EventSource` on
//!   `/api/v1/events`, listens to the kinds the page's `<body data-kinds>`
//!   names, and re-fetches the fragments whose `data-live` names the kind
//!   that arrived; [`follow`] is the one list of which page follows what.
//!   No polling, but for one list: an import's progress is not in the log,
//!   so the imports list asks again every second while an import runs.
//! - Language from the `centralita_lang` cookie (the user's choice), else the
//!   browser's `Accept-Language`; times in the `centralita_tz` cookie's zone.
//!
//! One file per page group: [`signin`], [`chat`] (the customers' public chat page), [`desktop`] (with its [`panels`]),
//! [`wallboard`] (with its [`waiting`] list), [`campaigns`], [`admin`] (with its [`users`] and the tenant's
//! [`calendar`]), [`crm`] (customers: search, a record, merges, duplicates) and [`imports`];
//! [`live`] keeps today's figures for the wallboard and the
//! desktop's timers; [`follow`] says which facts each live page follows;
//! [`settings`] is the desktop settings document (reason codes,
//! dispositions, scripts); [`quality`] and [`review`] are the quality review
//! (with `assets/player.js`), [`training`] the training library.

pub mod access;
pub mod account;
pub mod admin;
pub mod assets;
pub mod audit;
pub mod calendar;
pub mod calls;
pub mod campaigns;
pub mod case_forms;
pub mod cases;
pub mod chat;
pub mod consents;
pub mod crm;
pub mod desktop;
pub mod email;
pub mod errors;
pub mod fields;
pub mod follow;
pub mod imports;
pub mod inbox;
pub mod live;
pub mod lookup;
pub mod mailboxes;
pub mod panels;
pub mod payments;
pub mod planform;
pub mod popup;
pub mod privacy;
pub mod quality;
pub mod review;
pub mod second;
pub mod settings;
pub mod signin;
pub mod sso;
pub mod tokens;
pub mod training;
pub mod users;
pub mod waiting;
pub mod wallboard;
pub mod webhooks;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono_tz::Tz;
use i18n::{Arg, Catalog, Lang};
pub use maud::{Markup, PreEscaped, html};

use crate::AppState;
use crate::auth::{Principal, Role, SESSION_COOKIE};
use crate::error::ApiResult;

/// Cookie with the user's language choice.
pub const LANG_COOKIE: &str = "centralita_lang";
/// Cookie with the user's time zone (IANA name).
pub const TZ_COOKIE: &str = "centralita_tz";
/// How long preference cookies last, in seconds (a year).
pub const PREF_COOKIE_MAX_AGE_S: u64 = 365 * 24 * 3600;

/// What the UI keeps besides the store: today's live figures per tenant.
#[derive(Debug, Default)]
pub struct UiState {
    /// Per tenant id.
    pub live: live::LiveMap,
}

/// A form body (`application/x-www-form-urlencoded`); a mistake is the
/// API's `invalid_field` error naming what is wrong, like a JSON body's.
#[derive(Debug)]
pub struct UiForm<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for UiForm<T> {
    type Rejection = crate::error::ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| UiForm(f.0))
            .map_err(|e| crate::error::ApiError::field("form", e.body_text()))
    }
}

/// The id of the element an htmx request will swap (its `HX-Target`).
pub fn hx_target(headers: &HeaderMap) -> Option<String> {
    headers
        .get("hx-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A cookie's value from request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The language for a request: the cookie, else `Accept-Language`.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::from_code(&c))
        .unwrap_or_else(|| {
            Lang::negotiate(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// The time zone for a request: the cookie, else UTC.
pub fn tz_of(headers: &HeaderMap) -> Tz {
    cookie(headers, TZ_COOKIE)
        .map(|c| c.replace("%2F", "/"))
        .and_then(|c| c.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

/// Who is looking, in which language and zone, and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The signed-in user or token.
    pub p: Principal,
    /// Interface language.
    pub lang: Lang,
    /// The user's time zone.
    pub tz: Tz,
    /// The session's CSRF token (empty for API tokens, which need none).
    pub csrf: String,
}

impl Ctx {
    /// Builds the context of a request (the principal is already checked).
    pub async fn new(st: &AppState, p: Principal, headers: &HeaderMap) -> ApiResult<Ctx> {
        // Fragments fetched by htmx need no token: the page holds it already.
        let fragment = headers.contains_key("hx-request");
        let csrf = match cookie(headers, SESSION_COOKIE).filter(|_| !fragment) {
            Some(sid) => st
                .store
                .session(&crate::auth::secret_hash(&sid))
                .await?
                .map(|s| s.csrf)
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(Ctx {
            p,
            lang: lang_of(headers),
            tz: tz_of(headers),
            csrf,
        })
    }

    /// A message in the user's language (plain text: templates escape it).
    pub fn t(&self, id: &str) -> String {
        Catalog::global().t(self.lang, id)
    }

    /// A message with arguments (plain text: templates escape it).
    pub fn ta(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        Catalog::global().t_args(self.lang, id, args)
    }

    /// A Unix-milliseconds instant as a date and time in the user's zone.
    pub fn datetime(&self, at_ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|d| i18n::datetime(self.lang, d, self.tz))
            .unwrap_or_default()
    }
}

/// A translated message (plain text), for pages without a [`Ctx`].
pub fn tr(lang: Lang, id: &str) -> String {
    Catalog::global().t(lang, id)
}

/// The navigation links a role may use.
fn nav(ctx: &Ctx, current: &str) -> Markup {
    let mut links: Vec<(&str, &str)> = Vec::new();
    match ctx.p.role {
        Role::Agent => {
            links.push(("/ui/agent", "desktop-title"));
            links.push(("/ui/quality/mine", "quality-mine-title"));
            links.push(("/ui/training", "training-title"));
            links.push(("/ui/cases", "cases-title"));
        }
        Role::Supervisor => {
            links.push(("/ui/wallboard", "wallboard-title"));
            links.push(("/ui/quality", "quality-title"));
            links.push(("/ui/training", "training-title"));
            links.push(("/ui/campaigns", "campaigns-title"));
            links.push(("/ui/customers", "crm-title"));
            links.push(("/ui/cases", "cases-title"));
            links.push(("/ui/imports", "imports-title"));
            links.push(("/ui/agent", "desktop-title"));
        }
        Role::Admin => {
            links.push(("/ui/wallboard", "wallboard-title"));
            links.push(("/ui/quality", "quality-title"));
            links.push(("/ui/training", "training-title"));
            links.push(("/ui/campaigns", "campaigns-title"));
            links.push(("/ui/customers", "crm-title"));
            links.push(("/ui/cases", "cases-title"));
            links.push(("/ui/imports", "imports-title"));
            links.push(("/ui/admin", "admin-title"));
            links.push(("/ui/agent", "desktop-title"));
        }
        Role::Analyst => {
            links.push(("/ui/wallboard", "wallboard-title"));
            links.push(("/ui/campaigns", "campaigns-title"));
        }
        Role::Provider => links.push(("/ui/tenants", "tenants")),
        Role::Client => {}
    }
    links.push(("/ui/account", "account-title"));
    html! {
        @for (href, id) in links {
            a href=(href) aria-current=[(href == current).then_some("page")] { (ctx.t(id)) }
        }
    }
}

/// Zones offered as suggestions (any IANA name is accepted).
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "Europe/Madrid",
    "Europe/Prague",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Atlantic/Canary",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
];

fn zone_list() -> Markup {
    html! {
        datalist id="tz-list" {
            @for z in COMMON_ZONES { option value=(z) {} }
        }
    }
}

/// The language and time-zone form in the header, folded behind a button
/// that shows the current ones (the header stays on one line).
fn prefs_form(ctx: &Ctx) -> Markup {
    html! {
        details.prefs-menu {
            summary title=(ctx.t("preferences")) {
                span.sr { (ctx.t("preferences")) ": " }
                (ctx.lang.code().to_uppercase()) " · " (ctx.tz.name())
            }
            (prefs_fields(ctx))
        }
    }
}

/// The preferences' form itself.
fn prefs_fields(ctx: &Ctx) -> Markup {
    html! {
        form.prefs hx-post="/ui/preferences" hx-swap="none" {
            label for="pref-lang" { (ctx.t("language")) } " "
            select #pref-lang name="lang" {
                @for l in Lang::ALL {
                    option value=(l.code()) lang=(l.code()) selected[l == ctx.lang] { (l.name()) }
                }
            }
            " "
            label for="pref-tz" { (ctx.t("time-zone")) } " "
            input #pref-tz name="tz" value=(ctx.tz.name()) size="16" maxlength="64" list="tz-list";
            (zone_list()) " "
            button type="submit" .secondary { (ctx.t("apply-preferences")) }
        }
    }
}

/// A full page: head, header with navigation and preferences, the body.
/// With `live` (the log position the page was rendered at, and the page)
/// the page opens the live stream from there, so no change between render
/// and connect is missed, and listens to the kinds its fragments follow.
pub fn layout(
    ctx: &Ctx,
    title_id: &str,
    current: &str,
    body_class: &str,
    live: Option<follow::Live>,
    main: Markup,
) -> Response {
    let csrf = serde_json::json!({ "X-CSRF-Token": ctx.csrf }).to_string();
    let who = match &ctx.p.tenant {
        Some(t) => format!("{} · {}", ctx.p.name, t.name()),
        None => ctx.p.name.clone(),
    };
    let title = ctx.t(title_id);
    let page = html! {
        (maud::DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Centralita" }
                link rel="stylesheet" href="/ui/assets/app.css";
                script src="/ui/assets/htmx.min.js" defer {}
                script src="/ui/assets/app.js" defer {}
                @if body_class == "desktop" { script src="/ui/assets/desk.js" defer {} }
            }
            body class=(body_class) hx-headers=(csrf) data-lang=(ctx.lang.code())
                data-errors=[errors::flash_messages(ctx.lang)]
                data-seq=[live.map(|l| l.seq)] data-kinds=[live.map(|l| l.kinds())] {
                a.skip href="#main" { (ctx.t("skip-to-content")) }
                header.top {
                    span.brand { "Centralita" }
                    nav aria-label=(ctx.t("navigation")) { (nav(ctx, current)) }
                    @if live.is_some() {
                        span #live-status .live role="img" aria-label=(ctx.t("live-updates"))
                            title=(ctx.t("live-updates")) {}
                    }
                    span.who { (who) }
                    (prefs_form(ctx))
                    button type="button" hx-post="/ui/sign-out" hx-swap="none" { (ctx.t("sign-out")) }
                }
                #flash role="alert" aria-live="assertive" {}
                main #main tabindex="-1" {
                    h1 { (title) }
                    (main)
                }
            }
        }
    };
    markup_response(page)
}

/// A card's form answered after a save: its box again with the note above
/// (*Saved.*, or the refusal's message with status 422); a failure on our
/// side stays an error.
pub(super) async fn saved_card<T, F>(ctx: &Ctx, done: ApiResult<T>, card: F) -> ApiResult<Response>
where
    F: AsyncFnOnce(Markup) -> ApiResult<Markup>,
{
    let (note, code) = match done {
        Ok(_) => (html! { p.ok { (ctx.t("saved")) } }, StatusCode::OK),
        Err(e) if e.status.is_client_error() => (
            html! { p.error { (e.message) } },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e),
    };
    let mut r = markup_response(card(note).await?);
    *r.status_mut() = code;
    Ok(r)
}

/// A template's HTML as a response (see [`html_response`]).
pub fn markup_response(m: Markup) -> Response {
    html_response(m.into_string())
}

/// An HTML response that is never cached (pages hold personal data).
pub fn html_response(html: String) -> Response {
    (
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::HeaderName::from_static("x-frame-options"),
                HeaderValue::from_static("DENY"),
            ),
            // Our own scripts only (no inline script anywhere in the UI).
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'; form-action 'self'",
                ),
            ),
        ],
        Html(html),
    )
        .into_response()
}

/// `HX-Redirect` for htmx requests, `303 See Other` otherwise.
pub fn redirect(headers: &HeaderMap, to: &str) -> Response {
    if headers.contains_key("hx-request") {
        (
            StatusCode::NO_CONTENT,
            [(
                header::HeaderName::from_static("hx-redirect"),
                HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/ui")),
            )],
        )
            .into_response()
    } else {
        (
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/ui")),
            )],
        )
            .into_response()
    }
}

/// A role's first page.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Agent => "/ui/agent",
        Role::Supervisor | Role::Analyst => "/ui/wallboard",
        Role::Admin => "/ui/admin",
        Role::Provider => "/ui/tenants",
        Role::Client => "/ui/sign-in",
    }
}

/// Turns an unauthenticated page request under `/ui/` into a trip to the
/// sign-in page, and another refused page request into a short HTML page
/// with the reason (the API and htmx requests keep their JSON errors).
pub async fn sign_in_on_401(req: Request, next: axum::middleware::Next) -> Response {
    // The sign-in pages draw their own mistakes (single sign-on's answers are GETs).
    let is_ui =
        req.uri().path().starts_with("/ui/") && !req.uri().path().starts_with("/ui/sign-in");
    let headers = req.headers().clone();
    let is_get = req.method() == axum::http::Method::GET;
    let htmx = headers.contains_key("hx-request");
    let res = next.run(req).await;
    if !is_ui {
        return res;
    }
    if res.status() == StatusCode::UNAUTHORIZED && (is_get || htmx) {
        return redirect(&headers, "/ui/sign-in");
    }
    if is_get && !htmx && res.status().is_client_error() {
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default();
        let field = |k: &str| body["error"][k].as_str().unwrap_or("").to_string();
        let lang = lang_of(&headers);
        let msg = errors::page_message(lang, status, &field("code"), &field("message"));
        let mut r = markup_response(html! {
            (maud::DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    title { "Centralita" }
                    link rel="stylesheet" href="/ui/assets/app.css";
                }
                body.sign-in {
                    main #main {
                        h1 { "Centralita" }
                        p.error role="alert" { (msg) }
                        p { a href="/ui" { (tr(lang, "back-home")) } }
                    }
                }
            }
        });
        *r.status_mut() = status;
        return r;
    }
    res
}

/// The UI's routes (added to the API router, under its permission layer).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ui", get(signin::home))
        .route("/ui/sign-in", get(signin::page).post(signin::submit))
        .route("/ui/sign-in/code", post(second::submit))
        .route(
            "/ui/sign-in/oidc",
            get(sso::start_get).post(sso::start_post),
        )
        .route("/ui/sign-in/oidc/callback", get(sso::callback))
        .route("/ui/sign-out", post(signin::sign_out))
        .route("/ui/account", get(account::page))
        .route("/ui/account/two-factor", post(account::begin))
        .route("/ui/account/two-factor/confirm", post(account::confirm))
        .route("/ui/account/two-factor/disable", post(account::disable))
        .route("/ui/account/sessions/{id}/end", post(account::end_session))
        .route("/ui/preferences", post(signin::preferences))
        .route("/ui/cases", get(cases::page))
        .route("/ui/cases/{id}", get(cases::detail))
        .route("/ui/cases/{id}/{what}", post(case_forms::act))
        .route("/ui/customers", get(crm::page))
        .route("/ui/customers/{id}", get(crm::record).post(crm::save))
        .route("/ui/customers/{id}/merge", post(crm::merge))
        .route("/ui/customers/{id}/consents", post(consents::save))
        .route(
            "/ui/agent/interactions/{id}/consent",
            post(consents::desk_save),
        )
        .route("/ui/customers/{id}/unmerge", post(crm::unmerge))
        .route("/ui/customers/{id}/erase", post(privacy::erase))
        .route(
            "/ui/imports",
            get(imports::page)
                .post(imports::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::routes::imports::BODY_MAX,
                )),
        )
        .route("/ui/imports/list", get(imports::list_fragment))
        .route("/ui/payments/{id}/assign", post(payments::assign))
        .route("/ui/assets/{file}", get(assets::serve))
        .route("/ui/agent", get(desktop::page))
        .route(
            "/ui/agent/state",
            get(desktop::state_panel).post(desktop::set_state),
        )
        .route("/ui/agent/work", get(desktop::work_panel))
        .route("/ui/agent/previews", get(desktop::previews_panel))
        .route("/ui/agent/customers", get(lookup::search))
        .route("/ui/agent/customers/{id}", get(lookup::detail))
        .route("/ui/agent/dial", post(lookup::dial))
        .route("/ui/agent/callbacks", get(lookup::callbacks_panel))
        .route(
            "/ui/agent/previews/{id}/{answer}",
            post(desktop::preview_answer),
        )
        .route("/ui/agent/interactions/{id}/accept", post(desktop::accept))
        .route("/ui/agent/interactions/{id}/reject", post(desktop::reject))
        .route(
            "/ui/agent/interactions/{id}/messages",
            get(desktop::messages).post(desktop::send),
        )
        .route("/ui/agent/interactions/{id}/notes", post(desktop::add_note))
        .route("/ui/agent/interactions/{id}/email", post(email::reply))
        .route(
            "/ui/agent/interactions/{id}/profile",
            post(desktop::profile),
        )
        .route(
            "/ui/agent/interactions/{id}/disposition",
            post(desktop::disposition),
        )
        .route(
            "/ui/agent/interactions/{id}/callback",
            post(desktop::callback),
        )
        .route(
            "/ui/agent/interactions/{id}/transfer",
            post(desktop::transfer),
        )
        .route(
            "/ui/agent/interactions/{id}/complete",
            post(desktop::complete),
        )
        .route(
            "/ui/agent/interactions/{id}/call/{action}",
            post(calls::control),
        )
        .route("/ui/wallboard", get(wallboard::page))
        .route("/ui/wallboard/board", get(wallboard::board))
        .route(
            "/ui/wallboard/agents/{id}/not-ready",
            post(wallboard::force_not_ready),
        )
        .route(
            "/ui/wallboard/agents/{id}/sign-out",
            post(wallboard::force_sign_out),
        )
        .route(
            "/ui/wallboard/interactions/{id}/assign",
            post(wallboard::assign),
        )
        .route(
            "/ui/campaigns",
            get(campaigns::page).post(campaigns::create),
        )
        .route("/ui/campaigns/list", get(campaigns::list))
        .route("/ui/campaigns/{id}", get(campaigns::one))
        .route("/ui/campaigns/{id}/contacts", get(campaigns::contacts))
        .route("/ui/campaigns/{id}/{command}", post(campaigns::command))
        .route("/ui/admin", get(admin::page))
        .route("/ui/admin/users", post(users::add_user))
        .route("/ui/admin/users/{id}/role", post(users::set_role))
        .route("/ui/admin/users/{id}/password", post(users::reset_password))
        .route("/ui/admin/users/{id}/remove", post(users::remove))
        .route(
            "/ui/admin/users/{id}/two-factor/reset",
            post(users::reset_second_factor),
        )
        .route("/ui/admin/agents", post(admin::define_agent))
        .route("/ui/admin/plan", post(admin::save_plan))
        .route("/ui/admin/plan/validate", post(admin::validate_plan))
        .route("/ui/admin/plan/form", post(planform::save))
        .route("/ui/admin/desktop", post(admin::save_desktop))
        .route("/ui/admin/desktop/validate", post(admin::validate_desktop))
        .route("/ui/admin/tenant", post(calendar::save))
        .route("/ui/admin/customer-fields", post(fields::save))
        .route("/ui/admin/sign-in", post(access::save))
        .route("/ui/admin/tokens", post(tokens::make))
        .route("/ui/admin/mailboxes", post(mailboxes::save))
        .route("/ui/admin/webhooks", post(webhooks::make))
        .route("/ui/admin/webhooks/{id}/remove", post(webhooks::remove))
        .route("/ui/admin/tokens/{id}/revoke", post(tokens::revoke))
        .route("/ui/tenants", get(admin::tenants).post(admin::add_tenant))
        .merge(quality_routes())
}

/// The quality review's and training library's pages.
fn quality_routes() -> Router<AppState> {
    Router::new()
        .route("/ui/quality", get(quality::page))
        .route("/ui/quality/mine", get(quality::mine))
        .route("/ui/quality/forms", post(quality::save))
        .route(
            "/ui/quality/interactions/{id}",
            get(review::page).post(review::submit),
        )
        .route("/ui/quality/evaluations/{id}", get(quality::evaluation))
        .route(
            "/ui/quality/evaluations/{id}/acknowledge",
            post(quality::acknowledge),
        )
        .route("/ui/training", get(training::page).post(training::create))
        .route("/ui/training/{id}", get(training::one))
        .route("/ui/training/{id}/items", post(training::add))
        .route("/ui/training/{id}/items/{n}/remove", post(training::remove))
}
