//! Administration: the tenant's mailboxes (the e-mail channel) — listed
//! with how their last read went, and set up with their address, queue,
//! IMAP and SMTP servers (a password left empty is kept). The same rules as
//! `/api/v1/mailboxes` ([`crate::routes::mailboxes`]).

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, UiForm, esc};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
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

fn field(id: &str, label: &str, attrs: &str) -> String {
    format!("<label for=\"mb-{id}\">{label}</label><input id=\"mb-{id}\" name=\"{id}\" {attrs}>")
}

fn security(ctx: &Ctx, id: &str, starttls: bool) -> String {
    let mut s = format!(
        "<label for=\"mb-{id}\">{}</label><select id=\"mb-{id}\" name=\"{id}\">",
        ctx.te("mailbox-security")
    );
    let options = [
        (Security::Tls, "TLS"),
        (Security::Starttls, "STARTTLS"),
        (Security::None, "—"),
    ];
    for (v, label) in options {
        if v == Security::Starttls && !starttls {
            continue;
        }
        let _ = write!(s, "<option value=\"{}\">{label}</option>", v.as_str());
    }
    s.push_str("</select>");
    s
}

/// The list and the form; `note` goes above them.
async fn box_html(st: &AppState, ctx: &Ctx, note: &str) -> ApiResult<String> {
    let boxes = st.store.mailboxes(ctx.p.tenant()?).await?;
    let mut rows = String::new();
    for m in &boxes {
        let read = match (&m.last_error, m.checked_at) {
            (Some(e), _) => format!("<span class=\"error\">{}</span>", esc(e)),
            (None, Some(at)) => ctx.datetime(at),
            (None, None) => ctx.te("never"),
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{read}</td></tr>",
            esc(&m.name),
            esc(&m.address),
            esc(m.queue.as_deref().unwrap_or("")),
        );
    }
    let list = if boxes.is_empty() {
        format!("<p class=\"hint\">{}</p>", ctx.te("mailbox-none"))
    } else {
        format!(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>",
            ctx.te("mailbox-name"),
            ctx.te("mailbox-address"),
            ctx.te("mailbox-queue"),
            ctx.te("mailbox-read"),
        )
    };
    let req = "required maxlength=\"253\"";
    let port = "required inputmode=\"numeric\" size=\"6\"";
    let pw = "type=\"password\" autocomplete=\"new-password\" maxlength=\"1024\"";
    Ok(format!(
        "<div id=\"mailboxes-box\">{note}{list}<form class=\"stack\" hx-post=\"/ui/admin/mailboxes\" hx-target=\"#mailboxes-box\" hx-swap=\"outerHTML\">\
<h3>{add}</h3>{name}{address}{queue}<fieldset><legend>IMAP</legend>{ih}{ip}{is}{iu}{ipw}</fieldset>\
<fieldset><legend>SMTP</legend>{sh}{sp}{ss}{su}{spw}</fieldset><p class=\"hint\">{pw_hint}</p><button type=\"submit\">{save}</button></form></div>",
        add = ctx.te("mailbox-add"),
        name = field(
            "name",
            &ctx.te("mailbox-name"),
            "required maxlength=\"64\" pattern=\"[a-z0-9_-]+\""
        ),
        address = field(
            "address",
            &ctx.te("mailbox-address"),
            "type=\"email\" required"
        ),
        queue = field("queue", &ctx.te("mailbox-queue"), "maxlength=\"64\""),
        ih = field("imap_host", &ctx.te("mailbox-host"), req),
        ip = field("imap_port", &ctx.te("mailbox-port"), port),
        is = security(ctx, "imap_security", false),
        iu = field("imap_user", &ctx.te("mailbox-user"), "maxlength=\"253\""),
        ipw = field("imap_password", &ctx.te("password"), pw),
        sh = field("smtp_host", &ctx.te("mailbox-host"), req),
        sp = field("smtp_port", &ctx.te("mailbox-port"), port),
        ss = security(ctx, "smtp_security", true),
        su = field("smtp_user", &ctx.te("mailbox-user"), "maxlength=\"253\""),
        spw = field("smtp_password", &ctx.te("password"), pw),
        pw_hint = ctx.te("mailbox-password-hint"),
        save = ctx.te("save"),
    ))
}

/// The administration page's card.
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if !crate::perms::allowed(ctx.p.role, Action::MailboxesManage) {
        return Ok(String::new());
    }
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"mailboxes-h\"><h2 id=\"mailboxes-h\">{}</h2>{}</section>",
        ctx.te("mailboxes-title"),
        box_html(st, ctx, "").await?
    ))
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
            ctx.te("mailbox-port-wrong"),
        ));
        return super::saved_card(&ctx, wrong, async |note| {
            box_html(&st, &ctx, &note.into_string())
                .await
                .map(super::PreEscaped)
        })
        .await;
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
    super::saved_card(&ctx, done, async |note| {
        box_html(&st, &ctx, &note.into_string())
            .await
            .map(super::PreEscaped)
    })
    .await
}
