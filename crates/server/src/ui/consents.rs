//! The consent ledger on a customer's record page: what is in force per
//! purpose and channel, the entries newest first (with source, evidence and
//! who), and a form to record consent given or withdrawn — through the same
//! path as `POST /api/v1/customers/{id}/consents`, so a voice entry reaches
//! the dialer at once.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::consent::{ConsentChannel, ConsentEntry};
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response};
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

fn entries_html(ctx: &Ctx, list: &[(i64, ConsentEntry)]) -> String {
    if list.is_empty() {
        return format!("<p class=\"hint\">{}</p>", ctx.te("consent-none"));
    }
    let mut s = format!(
        "<div class=\"scroll\"><table id=\"crm-consent-list\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("consent-purpose"),
        ctx.te("consent-channel"),
        ctx.te("consent-granted"),
        ctx.te("consent-when"),
        ctx.te("consent-source"),
    );
    for (_, e) in list {
        let when = chrono::DateTime::from_timestamp_millis(e.at)
            .map(|d| i18n::time(d, ctx.tz))
            .unwrap_or_default();
        let given = if e.granted {
            "consent-given"
        } else {
            "consent-withdrawn"
        };
        let evidence = e
            .evidence
            .as_deref()
            .map(|x| format!(" · {}", esc(x)))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<tr data-purpose=\"{p}\" data-granted=\"{g}\"><td>{p}</td><td>{ch}</td><td>{given}</td><td>{when}</td><td>{src}{evidence} · {by}</td></tr>",
            p = esc(&e.purpose),
            g = e.granted,
            ch = ctx.te(&format!("consent-channel-{}", e.channel.as_str())),
            given = ctx.te(given),
            src = esc(&e.source),
            by = esc(&e.by),
        );
    }
    s.push_str("</tbody></table></div>");
    s
}

fn form_html(
    ctx: &Ctx,
    id: i64,
    list: &[(i64, ConsentEntry)],
    typed: Option<&ConsentForm>,
    status: &str,
) -> String {
    let mut channels = String::new();
    for c in CHANNELS {
        let sel = if typed.is_some_and(|f| f.channel == c) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            channels,
            "<option value=\"{v}\"{sel}>{}</option>",
            ctx.te(&format!("consent-channel-{}", c.as_str())),
            v = c.as_str()
        );
    }
    let value = |get: fn(&ConsentForm) -> &str, default: &str| esc(typed.map_or(default, get));
    let withdrawn_sel = if typed.is_some_and(|f| !f.granted) {
        " selected"
    } else {
        ""
    };
    format!(
        "<div id=\"crm-consents\">{list}\
<form class=\"stack\" hx-post=\"/ui/customers/{id}/consents\" hx-target=\"#crm-consents\" hx-swap=\"outerHTML\">\
<label for=\"cs-purpose\">{purpose}</label><input id=\"cs-purpose\" name=\"purpose\" required maxlength=\"64\" placeholder=\"marketing\" value=\"{purpose_v}\" aria-describedby=\"cs-hint\">\
<p class=\"hint\" id=\"cs-hint\">{hint}</p>\
<label for=\"cs-channel\">{channel}</label><select id=\"cs-channel\" name=\"channel\">{channels}</select>\
<label for=\"cs-granted\">{granted}</label><select id=\"cs-granted\" name=\"granted\"><option value=\"true\">{given}</option><option value=\"false\"{withdrawn_sel}>{withdrawn}</option></select>\
<label for=\"cs-source\">{source}</label><input id=\"cs-source\" name=\"source\" required maxlength=\"64\" value=\"{source_v}\">\
<label for=\"cs-evidence\">{evidence}</label><input id=\"cs-evidence\" name=\"evidence\" maxlength=\"2000\" value=\"{evidence_v}\">\
<p id=\"cs-msg\" role=\"status\">{status}</p><button type=\"submit\">{save}</button></form></div>",
        list = entries_html(ctx, list),
        purpose_v = value(|f| &f.purpose, ""),
        source_v = value(|f| &f.source, "call"),
        evidence_v = value(|f| &f.evidence, ""),
        purpose = ctx.te("consent-purpose"),
        hint = ctx.te("consent-purpose-hint"),
        channel = ctx.te("consent-channel"),
        granted = ctx.te("consent-granted"),
        given = ctx.te("consent-given"),
        withdrawn = ctx.te("consent-withdrawn"),
        source = ctx.te("consent-source"),
        evidence = ctx.te("consent-evidence"),
        save = ctx.te("save"),
    )
}

/// The section of the record page.
pub async fn section_html(st: &AppState, ctx: &Ctx, id: i64) -> ApiResult<String> {
    let list = st.store.customer_consents(ctx.p.tenant()?, id, 50).await?;
    Ok(format!(
        "<section class=\"card span-all\" aria-labelledby=\"crm-c-h\"><h2 id=\"crm-c-h\">{}</h2>{}</section>",
        ctx.te("consent-title"),
        form_html(ctx, id, &list, None, "")
    ))
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
        Ok(_) => (
            format!("<span class=\"ok\">{}</span>", ctx.te("saved")),
            StatusCode::OK,
            None,
        ),
        Err(e) if e.status.is_client_error() => (
            format!("<span class=\"error\">{}</span>", esc(&e.message)),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&f),
        ),
        Err(e) => return Err(e),
    };
    let list = st.store.customer_consents(&t, id, 50).await?;
    let mut r = html_response(form_html(&ctx, id, &list, typed, &status));
    *r.status_mut() = code;
    Ok(r)
}

/// The agent's consent card on the desktop, for an interaction with a
/// customer: ask, and record the answer on the ledger in one click.
pub fn desk_form(ctx: &Ctx, it: &store::read::InteractionView) -> String {
    if it.customer_id.is_none() {
        return String::new();
    }
    format!(
        "<section class=\"card\" aria-labelledby=\"dc-h-{id}\"><h3 id=\"dc-h-{id}\">{title}</h3>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/consent\" hx-target=\"#dc-msg-{id}\">\
<label for=\"dc-p-{id}\">{purpose}</label><input id=\"dc-p-{id}\" name=\"purpose\" required maxlength=\"64\" value=\"marketing\">\
<div class=\"row\"><button type=\"submit\" name=\"granted\" value=\"true\">{given}</button>\
<button type=\"submit\" name=\"granted\" value=\"false\" class=\"secondary\">{withdrawn}</button></div>\
<span id=\"dc-msg-{id}\" role=\"status\"></span></form></section>",
        id = it.id,
        title = ctx.te("consent-title"),
        purpose = ctx.te("consent-purpose"),
        given = ctx.te("consent-given"),
        withdrawn = ctx.te("consent-withdrawn"),
    )
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
        return Ok(html_response(String::new()));
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
            let text = format!("{}: {}", ctx.te(said), f.purpose.trim());
            Ok(super::users::said(true, &target, &text))
        }
        Err(e) if e.status.is_client_error() => Ok(super::users::said(false, &target, &e.message)),
        Err(e) => Err(e),
    }
}
