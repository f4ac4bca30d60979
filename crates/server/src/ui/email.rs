//! The agent desktop's e-mail card: the thread (each message's sender,
//! addressees, subject, time, its sanitised HTML or its text, its
//! attachments) and, while the interaction is open, the reply form that
//! sends over SMTP ([`crate::mail::send`]).

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use store::Tenant;
use store::read::InteractionView;

use super::{Ctx, UiForm, esc, html_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;

/// The thread's messages, oldest first.
async fn thread(st: &AppState, ctx: &Ctx, t: &Tenant, id: i64) -> ApiResult<String> {
    let mut s = String::new();
    for r in st.store.interaction_facts(t, id).await? {
        let (email, sent) = match r.fact {
            store::Fact::EmailReceived { email, .. } => (email, false),
            store::Fact::EmailSent { email, .. } => (email, true),
            _ => continue,
        };
        let cls = if sent { "agent" } else { "customer" };
        let _ = write!(
            s,
            "<article class=\"mail {cls}\"><p class=\"hint\">{when} · {from} → {to}</p><p><strong>{subject}</strong></p>",
            when = ctx.datetime(r.at),
            from = esc(&email.from),
            to = esc(&email.to.join(", ")),
            subject = esc(&email.subject),
        );
        match &email.html {
            // Sanitised when it was read (no script, style, image or handler).
            Some(html) => {
                let _ = write!(s, "<div class=\"mail-html\">{html}</div>");
            }
            None => {
                let _ = write!(s, "<pre class=\"mail-text\">{}</pre>", esc(&email.text));
            }
        }
        if !email.attachments.is_empty() {
            let _ = write!(
                s,
                "<p class=\"hint\">{}:</p><ul class=\"plain\">",
                ctx.te("email-attachments")
            );
            for a in &email.attachments {
                let kept = if a.path.is_some() {
                    String::new()
                } else {
                    format!(" — {}", ctx.te("email-left-out"))
                };
                let _ = write!(s, "<li>{} ({} B){kept}</li>", esc(&a.name), a.size);
            }
            s.push_str("</ul>");
        }
        s.push_str("</article>");
    }
    Ok(s)
}

/// The card, for an `email` interaction.
pub async fn section(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    it: &InteractionView,
    ended: bool,
) -> ApiResult<String> {
    let mut s = format!(
        "<section class=\"card\" aria-labelledby=\"mail-h-{id}\"><h3 id=\"mail-h-{id}\">{title}</h3><div id=\"mail-{id}\">{thread}</div>",
        id = it.id,
        title = ctx.te("email-thread"),
        thread = thread(st, ctx, t, it.id).await?,
    );
    if !ended {
        let _ = write!(
            s,
            "<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/email\" hx-target=\"#mail-{id}\" data-reset>\
<label for=\"reply-{id}\">{reply}</label><textarea id=\"reply-{id}\" name=\"body\" rows=\"5\" required maxlength=\"100000\"></textarea>\
<div class=\"row\"><button type=\"submit\">{send}</button><span id=\"mail-msg-{id}\" role=\"status\"></span></div></form>",
            id = it.id,
            reply = ctx.te("email-reply"),
            send = ctx.te("email-send"),
        );
    }
    s.push_str("</section>");
    Ok(s)
}

/// `POST /ui/agent/interactions/{id}/email`: sends the answer; the thread again.
pub async fn reply(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<super::desktop::TextForm>,
) -> ApiResult<Response> {
    let (t, it) = super::desktop::mine(&st, &p, &id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let target = format!("#mail-msg-{}", it.id);
    match crate::mail::send::reply(&st, &t, it.id, &f.body, &ctx.p.name).await {
        Ok(_) => Ok(html_response(thread(&st, &ctx, &t, it.id).await?)),
        Err(e) if e.status.is_client_error() || e.status.as_u16() == 502 => {
            Ok(super::users::said(false, &target, &e.message))
        }
        Err(e) => Err(e),
    }
}
