//! Administration: the tenant's mailboxes (the e-mail channel) — listed
//! with how their last read went, and set up with their address, queue,
//! IMAP and SMTP servers (a password left empty is kept). The same rules as
//! `/api/v1/mailboxes` ([`crate::routes::mailboxes`]).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::mail::MailboxRow;

use super::{Ctx, Markup, UiForm, html};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::mail::Side;
use crate::perms::Action;
use crate::routes::mailboxes::{self as api, MailboxReq, Security, ServerReq};

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct MailboxForm {
    name: String,
    address: String,
    #[serde(default)]
    queue: String,
    imap_host: String,
    imap_port: String,
    imap_security: Security,
    #[serde(default)]
    imap_user: String,
    #[serde(default)]
    imap_password: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: Security,
    #[serde(default)]
    smtp_user: String,
    #[serde(default)]
    smtp_password: String,
}

fn server(
    host: String,
    port: &str,
    security: Security,
    user: String,
    password: String,
) -> Result<ServerReq, ()> {
    Ok(ServerReq {
        host: host.trim().to_string(),
        port: port.trim().parse().map_err(|_| ())?,
        security,
        user: user.trim().to_string(),
        password: Some(password).filter(|p| !p.is_empty()),
    })
}

/// The securities a server's connection may have, as the form names them.
const SECURITY: [(Security, &str); 3] = [
    (Security::Tls, "TLS"),
    (Security::Starttls, "STARTTLS"),
    (Security::None, "—"),
];

/// A server's fields (`imap_host`, `smtp_port`…): host, port, security,
/// user and password; only SMTP offers STARTTLS.
fn server_fields(ctx: &Ctx, side: Side) -> Markup {
    let name = |key: &str| format!("{}_{key}", side.as_str());
    let id = |key: &str| format!("mb-{}", name(key));
    html! {
        fieldset {
            legend { (side.as_str().to_uppercase()) }
            label for=(id("host")) { (ctx.t("mailbox-host")) }
            input #(id("host")) name=(name("host")) required maxlength="253";
            label for=(id("port")) { (ctx.t("mailbox-port")) }
            input #(id("port")) name=(name("port")) required inputmode="numeric" size="6";
            label for=(id("security")) { (ctx.t("mailbox-security")) }
            select #(id("security")) name=(name("security")) {
                @for (v, label) in SECURITY {
                    @if v != Security::Starttls || side == Side::Smtp {
                        option value=(v.as_str()) { (label) }
                    }
                }
            }
            label for=(id("user")) { (ctx.t("mailbox-user")) }
            input #(id("user")) name=(name("user")) maxlength="253";
            label for=(id("password")) { (ctx.t("password")) }
            input #(id("password")) name=(name("password")) type="password"
                autocomplete="new-password" maxlength="1024";
        }
    }
}

/// One mailbox's row: its name, address, queue and how its last read went.
fn row(ctx: &Ctx, m: &MailboxRow) -> Markup {
    html! {
        tr {
            td { (m.name) }
            td { (m.address) }
            td { (m.queue.as_deref().unwrap_or("")) }
            td {
                @match (&m.last_error, m.checked_at) {
                    (Some(e), _) => { span.error { (e) } }
                    (None, Some(at)) => { (ctx.datetime(at)) }
                    (None, None) => { (ctx.t("never")) }
                }
            }
        }
    }
}

/// The mailboxes, each with how its last read went.
fn list(ctx: &Ctx, boxes: &[MailboxRow]) -> Markup {
    html! {
        @if boxes.is_empty() {
            p.hint { (ctx.t("mailbox-none")) }
        } @else {
            table {
                thead { tr {
                    th { (ctx.t("mailbox-name")) }
                    th { (ctx.t("mailbox-address")) }
                    th { (ctx.t("mailbox-queue")) }
                    th { (ctx.t("mailbox-read")) }
                } }
                tbody {
                    @for m in boxes { (row(ctx, m)) }
                }
            }
        }
    }
}

/// The list and the form; `note` goes above them.
async fn box_html(st: &AppState, ctx: &Ctx, note: Markup) -> ApiResult<Markup> {
    let boxes = st.store.mailboxes(ctx.p.tenant()?).await?;
    Ok(html! {
        #mailboxes-box {
            (note)
            (list(ctx, &boxes))
            form.stack hx-post="/ui/admin/mailboxes" hx-target="#mailboxes-box"
                hx-swap="outerHTML" {
                h3 { (ctx.t("mailbox-add")) }
                label for="mb-name" { (ctx.t("mailbox-name")) }
                input #mb-name name="name" required maxlength="64" pattern="[a-z0-9_-]+";
                label for="mb-address" { (ctx.t("mailbox-address")) }
                input #mb-address name="address" type="email" required;
                label for="mb-queue" { (ctx.t("mailbox-queue")) }
                input #mb-queue name="queue" maxlength="64";
                (server_fields(ctx, Side::Imap))
                (server_fields(ctx, Side::Smtp))
                p.hint { (ctx.t("mailbox-password-hint")) }
                button type="submit" { (ctx.t("save")) }
            }
        }
    })
}

/// The administration page's card (HTML for its string template).
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if !crate::perms::allowed(ctx.p.role, Action::MailboxesManage) {
        return Ok(html! {});
    }
    let boxes = box_html(st, ctx, html! {}).await?;
    Ok(html! {
        section.card aria-labelledby="mailboxes-h" {
            h2 #mailboxes-h { (ctx.t("mailboxes-title")) }
            (boxes)
        }
    })
}

/// `POST /ui/admin/mailboxes`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<MailboxForm>,
) -> ApiResult<Response> {
    p.require(Action::MailboxesManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let imap = server(
        f.imap_host,
        &f.imap_port,
        f.imap_security,
        f.imap_user,
        f.imap_password,
    );
    let smtp = server(
        f.smtp_host,
        &f.smtp_port,
        f.smtp_security,
        f.smtp_user,
        f.smtp_password,
    );
    let (Ok(imap), Ok(smtp)) = (imap, smtp) else {
        let wrong: ApiResult<()> = Err(crate::error::ApiError::field(
            "port",
            ctx.t("mailbox-port-wrong"),
        ));
        return super::saved_card(&ctx, wrong, async |note| box_html(&st, &ctx, note).await).await;
    };
    let req = MailboxReq {
        address: f.address.trim().to_string(),
        queue: Some(f.queue.trim().to_string()).filter(|q| !q.is_empty()),
        imap,
        smtp,
    };
    let name = f.name.trim();
    let done = api::save(&st, &t, name, req).await;
    if done.is_ok() {
        let on = Some(format!("mailbox:{name}"));
        let action = crate::audit::AuditAction::SettingsReplaced;
        crate::audit::record(&st, &ctx.p, action, on).await?;
    }
    super::saved_card(&ctx, done, async |note| box_html(&st, &ctx, note).await).await
}
