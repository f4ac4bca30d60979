//! The consent ledger on a customer's record page: what is in force per
//! purpose and channel, the entries newest first (with source, evidence and
//! who), and a form to record consent given or withdrawn — through the same
//! path as `POST /api/v1/customers/{id}/consents`, so a voice entry reaches
//! the dialer at once. Drawn with maud templates; the record page itself
//! ([`super::crm`]) takes the section as a string.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::consent::{ConsentChannel, ConsentEntry};
use serde::Deserialize;

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::Action;
use crate::routes::path_id;
use crate::tenant::Op;

const CHANNELS: [ConsentChannel; 4] = [
    ConsentChannel::Voice,
    ConsentChannel::Sms,
    ConsentChannel::Email,
    ConsentChannel::Any,
];

fn entries_html(ctx: &Ctx, list: &[(i64, ConsentEntry)]) -> Markup {
    if list.is_empty() {
        return html! { p.hint { (ctx.t("consent-none")) } };
    }
    let heads = [
        "consent-purpose",
        "consent-channel",
        "consent-granted",
        "consent-when",
        "consent-source",
    ];
    html! {
        div.scroll {
            table #crm-consent-list {
                thead { tr { @for h in heads { th scope="col" { (ctx.t(h)) } } } }
                tbody { @for (_, e) in list { (entry_row(ctx, e)) } }
            }
        }
    }
}

fn entry_row(ctx: &Ctx, e: &ConsentEntry) -> Markup {
    let when = chrono::DateTime::from_timestamp_millis(e.at)
        .map(|d| i18n::time(d, ctx.tz))
        .unwrap_or_default();
    let given = if e.granted {
        "consent-given"
    } else {
        "consent-withdrawn"
    };
    html! {
        tr data-purpose=(e.purpose) data-granted=(e.granted) {
            td { (e.purpose) }
            td { (ctx.t(&format!("consent-channel-{}", e.channel.as_str()))) }
            td { (ctx.t(given)) }
            td { (when) }
            td {
                (e.source)
                @if let Some(x) = &e.evidence { " · " (x) }
                " · " (e.by)
            }
        }
    }
}

/// The ledger and the form to add to it (`typed`: what was sent, shown
/// again after a refusal; `status`: the note above the button).
fn form_html(
    ctx: &Ctx,
    id: i64,
    list: &[(i64, ConsentEntry)],
    typed: Option<&ConsentForm>,
    status: Markup,
) -> Markup {
    let value = |get: fn(&ConsentForm) -> &str, default: &'static str| typed.map_or(default, get);
    html! {
        div #crm-consents {
            (entries_html(ctx, list))
            form.stack hx-post=(format!("/ui/customers/{id}/consents")) hx-target="#crm-consents"
                hx-swap="outerHTML" {
                label for="cs-purpose" { (ctx.t("consent-purpose")) }
                input #cs-purpose name="purpose" required maxlength="64" placeholder="marketing"
                    value=(value(|f| &f.purpose, "")) aria-describedby="cs-hint";
                p.hint #cs-hint { (ctx.t("consent-purpose-hint")) }
                label for="cs-channel" { (ctx.t("consent-channel")) }
                select #cs-channel name="channel" {
                    @for c in CHANNELS {
                        option value=(c.as_str()) selected[typed.is_some_and(|f| f.channel == c)] {
                            (ctx.t(&format!("consent-channel-{}", c.as_str())))
                        }
                    }
                }
                label for="cs-granted" { (ctx.t("consent-granted")) }
                select #cs-granted name="granted" {
                    option value="true" { (ctx.t("consent-given")) }
                    option value="false" selected[typed.is_some_and(|f| !f.granted)] {
                        (ctx.t("consent-withdrawn"))
                    }
                }
                label for="cs-source" { (ctx.t("consent-source")) }
                input #cs-source name="source" required maxlength="64"
                    value=(value(|f| &f.source, "call"));
                label for="cs-evidence" { (ctx.t("consent-evidence")) }
                input #cs-evidence name="evidence" maxlength="2000"
                    value=(value(|f| &f.evidence, ""));
                p #cs-msg role="status" { (status) }
                button type="submit" { (ctx.t("save")) }
            }
        }
    }
}

/// The section of the record page (HTML for [`super::crm`]'s page).
pub async fn section_html(st: &AppState, ctx: &Ctx, id: i64) -> ApiResult<Markup> {
    let list = st.store.customer_consents(ctx.p.tenant()?, id, 50).await?;
    Ok(html! {
        section.card.span-all aria-labelledby="crm-c-h" {
            h2 #crm-c-h { (ctx.t("consent-title")) }
            (form_html(ctx, id, &list, None, html! {}))
        }
    })
}

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    purpose: String,
    channel: ConsentChannel,
    granted: bool,
    source: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /ui/customers/{id}/consents`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<ConsentForm>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "customer")?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let entry = ConsentEntry {
        purpose: f.purpose.trim().to_string(),
        channel: f.channel,
        granted: f.granted,
        at: crate::clock::now_ms(),
        source: f.source.trim().to_string(),
        evidence: Some(f.evidence.trim().to_string()).filter(|e| !e.is_empty()),
        by: ctx.p.name.clone(),
    };
    let done = st
        .hub
        .tenant(&t)
        .await?
        .call(Op::RecordConsent {
            customer: id,
            entry,
        })
        .await;
    let (status, code, typed) = match done {
        Ok(_) => (html! { span.ok { (ctx.t("saved")) } }, StatusCode::OK, None),
        Err(e) if e.status.is_client_error() => (
            html! { span.error { (e.message) } },
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&f),
        ),
        Err(e) => return Err(e),
    };
    let list = st.store.customer_consents(&t, id, 50).await?;
    let mut r = markup_response(form_html(&ctx, id, &list, typed, status));
    *r.status_mut() = code;
    Ok(r)
}

/// The agent's consent card on the desktop, for an interaction with a
/// customer: ask, and record the answer on the ledger in one click.
pub fn desk_form(ctx: &Ctx, it: &store::read::InteractionView) -> Markup {
    if it.customer_id.is_none() {
        return html! {};
    }
    let id = it.id;
    html! {
        section.card aria-labelledby=(format!("dc-h-{id}")) {
            h3 #(format!("dc-h-{id}")) { (ctx.t("consent-title")) }
            form.stack hx-post=(format!("/ui/agent/interactions/{id}/consent"))
                hx-target=(format!("#dc-msg-{id}")) {
                label for=(format!("dc-p-{id}")) { (ctx.t("consent-purpose")) }
                input #(format!("dc-p-{id}")) name="purpose" required maxlength="64"
                    value="marketing";
                div.row {
                    button type="submit" name="granted" value="true" { (ctx.t("consent-given")) }
                    button type="submit" name="granted" value="false" .secondary {
                        (ctx.t("consent-withdrawn"))
                    }
                }
                span #(format!("dc-msg-{id}")) role="status" {}
            }
        }
    }
}

/// The desktop's consent answer.
#[derive(Debug, Deserialize)]
pub struct DeskConsent {
    purpose: String,
    granted: bool,
}

/// `POST /ui/agent/interactions/{id}/consent`: the answer given on this
/// call, for calls (source `call`, the interaction as evidence).
pub async fn desk_save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<DeskConsent>,
) -> ApiResult<Response> {
    let (t, it) = super::desktop::mine(&st, &p, &id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let Some(customer) = it.customer_id else {
        return Ok(markup_response(html! {}));
    };
    let granted = f.granted;
    let entry = ConsentEntry {
        purpose: f.purpose.trim().to_string(),
        channel: ConsentChannel::Voice,
        granted,
        at: crate::clock::now_ms(),
        source: "call".into(),
        evidence: Some(format!("interaction {}", it.id)),
        by: ctx.p.name.clone(),
    };
    let done = (st.hub.tenant(&t).await?)
        .call(Op::RecordConsent { customer, entry })
        .await;
    let target = format!("#dc-msg-{}", it.id);
    match done {
        Ok(_) => {
            let said = if granted {
                "consent-given"
            } else {
                "consent-withdrawn"
            };
            let text = format!("{}: {}", ctx.t(said), f.purpose.trim());
            Ok(super::users::said(true, &target, &text))
        }
        Err(e) if e.status.is_client_error() => Ok(super::users::said(false, &target, &e.message)),
        Err(e) => Err(e),
    }
}
