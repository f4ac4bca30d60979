//! The agent desktop's e-mail card: the thread (each message's sender,
//! addressees, subject, time, its sanitised HTML or its text, its
//! attachments) and, while the interaction is open, the reply form that
//! sends over SMTP ([`crate::mail::send`]). Drawn with maud templates; a
//! message's HTML goes in as it was sanitised on arrival.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::email::Email;
use store::Tenant;
use store::read::InteractionView;

use super::{Ctx, Markup, PreEscaped, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;

/// The thread's messages, oldest first.
async fn thread(st: &AppState, ctx: &Ctx, t: &Tenant, id: i64) -> ApiResult<Markup> {
    let mut mails = Vec::new();
    for r in st.store.interaction_facts(t, id).await? {
        match r.fact {
            store::Fact::EmailReceived { email, .. } => mails.push(mail(ctx, r.at, &email, false)),
            store::Fact::EmailSent { email, .. } => mails.push(mail(ctx, r.at, &email, true)),
            _ => {}
        }
    }
    Ok(html! { @for m in mails { (m) } })
}

/// One message of the thread, received from the customer or `sent` by us.
fn mail(ctx: &Ctx, at: i64, email: &Email, sent: bool) -> Markup {
    html! {
        article.mail.(if sent { "agent" } else { "customer" }) {
            p.hint { (ctx.datetime(at)) " · " (email.from) " → " (email.to.join(", ")) }
            p { strong { (email.subject) } }
            @match &email.html {
                // Sanitised when it was read (no script, style, image or handler).
                Some(html) => { div.mail-html { (PreEscaped(html)) } }
                None => { pre.mail-text { (email.text) } }
            }
            @if !email.attachments.is_empty() {
                p.hint { (ctx.t("email-attachments")) ":" }
                ul.plain {
                    @for a in &email.attachments {
                        li {
                            (a.name) " (" (a.size) " B)"
                            @if a.path.is_none() { " — " (ctx.t("email-left-out")) }
                        }
                    }
                }
            }
        }
    }
}

/// The card, for an `email` interaction.
pub async fn section(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    it: &InteractionView,
    ended: bool,
) -> ApiResult<Markup> {
    let id = it.id;
    let thread = thread(st, ctx, t, id).await?;
    Ok(html! {
        section.card aria-labelledby=(format!("mail-h-{id}")) {
            h3 #(format!("mail-h-{id}")) { (ctx.t("email-thread")) }
            div #(format!("mail-{id}")) { (thread) }
            @if !ended {
                form.stack hx-post=(format!("/ui/agent/interactions/{id}/email"))
                    hx-target=(format!("#mail-{id}")) data-reset {
                    label for=(format!("reply-{id}")) { (ctx.t("email-reply")) }
                    textarea #(format!("reply-{id}")) name="body" rows="5" required
                        maxlength="100000" {}
                    div.row {
                        button type="submit" { (ctx.t("email-send")) }
                        span #(format!("mail-msg-{id}")) role="status" {}
                    }
                }
            }
        }
    })
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
        Ok(_) => Ok(markup_response(thread(&st, &ctx, &t, it.id).await?)),
        Err(e) if e.status.is_client_error() || e.status.as_u16() == 502 => {
            Ok(super::users::said(false, &target, &e.message))
        }
        Err(e) => Err(e),
    }
}
