//! The record page's data-protection card: everything kept about the person
//! as one ZIP (the access right), and, for administrators, erasing them
//! (typing the record's number confirms it; see [`crate::erasure`]). An
//! erased record says when it was erased.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::customers::CustomerFull;

use super::users::said;
use super::{Ctx, UiForm, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, allowed};
use crate::routes::path_id;

/// The card, for a record.
pub fn section_html(ctx: &Ctx, c: &CustomerFull) -> String {
    let body = match c.erased_at {
        Some(at) => format!(
            "<p id=\"privacy-erased\" class=\"notice\">{}</p>",
            ctx.tae(
                "privacy-erased",
                &[("time", i18n::Arg::Str(&ctx.datetime(at)))]
            )
        ),
        None => live_html(ctx, c),
    };
    format!(
        "<section class=\"card\" aria-labelledby=\"privacy-h\"><h2 id=\"privacy-h\">{}</h2>{body}</section>",
        ctx.te("privacy-title")
    )
}

fn live_html(ctx: &Ctx, c: &CustomerFull) -> String {
    let mut s = format!(
        "<p><a id=\"privacy-export\" href=\"/api/v1/customers/{id}/export\" download>{}</a></p>",
        ctx.te("privacy-export"),
        id = c.id,
    );
    if allowed(ctx.p.role, Action::CustomersErase) {
        s.push_str(&format!(
            "<form class=\"stack\" hx-post=\"/ui/customers/{id}/erase\" hx-target=\"#privacy-msg\">\
<p class=\"hint\">{help}</p><label for=\"privacy-confirm\">{confirm}</label>\
<input id=\"privacy-confirm\" name=\"confirm\" inputmode=\"numeric\" required size=\"8\" autocomplete=\"off\">\
<div class=\"row\"><button type=\"submit\" class=\"danger\">{erase}</button>\
<span id=\"privacy-msg\" role=\"status\"></span></div></form>",
            id = c.id,
            help = ctx.te("privacy-erase-help"),
            confirm = ctx.tae("privacy-confirm", &[("id", i18n::Arg::Num(c.id as f64))]),
            erase = ctx.te("privacy-erase"),
        ));
    }
    s
}

/// The erase form.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    confirm: String,
}

/// `POST /ui/customers/{id}/erase`: erases once the record's number is typed.
pub async fn erase(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<EraseForm>,
) -> ApiResult<Response> {
    p.require(Action::CustomersErase)?;
    let id = path_id(&id, "customer")?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    if f.confirm.trim().trim_start_matches('#') != id.to_string() {
        return Ok(said(
            false,
            "#privacy-msg",
            &ctx.te("privacy-confirm-wrong"),
        ));
    }
    let t = ctx.p.tenant()?.clone();
    let c =
        (st.store.customer_full(&t, id).await?).ok_or_else(|| ApiError::not_found("customer"))?;
    if let Some(kept) = c.merged_into {
        return Ok(said(false, "#privacy-msg", &format!("#{kept}")));
    }
    let hub = st.hub.tenant(&t).await?;
    match crate::erasure::erase(&st.store, &hub, &t, &[id], &ctx.p.name).await {
        Ok(done) => {
            for c in &done.customers {
                let on = Some(format!("customer:{c}"));
                crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::CustomerErased, on)
                    .await?;
            }
            Ok(redirect(&headers, &format!("/ui/customers/{id}")))
        }
        Err(e) if e.status.is_client_error() => Ok(said(false, "#privacy-msg", &e.message)),
        Err(e) => Err(e),
    }
}
