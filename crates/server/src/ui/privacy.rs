//! The record page's data-protection card: everything kept about the person
//! as one ZIP (the access right), and, for administrators, erasing them
//! (typing the record's number confirms it; see [`crate::erasure`]). An
//! erased record says when it was erased. A maud template (`html!`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::customers::CustomerFull;

use super::users::said;
use super::{Ctx, Markup, UiForm, html, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, allowed};
use crate::routes::path_id;

/// The card, for a record.
pub fn section(ctx: &Ctx, c: &CustomerFull) -> Markup {
    html! {
        section.card aria-labelledby="privacy-h" {
            h2 #privacy-h { (ctx.t("privacy-title")) }
            @match c.erased_at {
                Some(at) => p #privacy-erased .notice {
                    (ctx.ta("privacy-erased", &[("time", i18n::Arg::Str(&ctx.datetime(at)))]))
                },
                None => (live(ctx, c)),
            }
        }
    }
}

/// The download link, and the erase form for those who may erase.
fn live(ctx: &Ctx, c: &CustomerFull) -> Markup {
    html! {
        p {
            a #privacy-export href={ "/api/v1/customers/" (c.id) "/export" } download {
                (ctx.t("privacy-export"))
            }
        }
        @if allowed(ctx.p.role, Action::CustomersErase) {
            form.stack hx-post={ "/ui/customers/" (c.id) "/erase" } hx-target="#privacy-msg" {
                p.hint { (ctx.t("privacy-erase-help")) }
                label for="privacy-confirm" {
                    (ctx.ta("privacy-confirm", &[("id", i18n::Arg::Num(c.id as f64))]))
                }
                input #privacy-confirm name="confirm" inputmode="numeric" required size="8"
                    autocomplete="off";
                .row {
                    button.danger type="submit" { (ctx.t("privacy-erase")) }
                    span #privacy-msg role="status" {}
                }
            }
        }
    }
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
        return Ok(said(false, "#privacy-msg", &ctx.t("privacy-confirm-wrong")));
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
