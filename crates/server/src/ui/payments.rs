//! Collections on the imports page (`/ui/imports`): a client's debts or the
//! bank's statement sent as a file (the same rules as `POST
//! /api/v1/imports` with `kind` `debts` or `payments`), and the payments no
//! case took, each given to its case by the case's reference or id
//! (`POST /ui/payments/{id}/assign`, as `POST
//! /api/v1/payments/unmatched/{id}/assign`). Templates are maud (`html!`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use center::cases::{CaseCommand, CaseQuery};
use store::payments::UnmatchedPayment;

use super::users::said;
use super::{Ctx, Markup, UiForm, html, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::{Ack, Op};

/// Most unmatched payments the page lists.
const LISTED_MAX: i64 = 100;

/// The form that sends a file of debts or a bank statement.
pub(crate) fn collections_form(ctx: &Ctx) -> Markup {
    if ctx.p.require(Action::CasesWork).is_err() {
        return html! {};
    }
    let payments = ctx.p.require(Action::PaymentsManage).is_ok();
    html! {
        section.card aria-labelledby="col-h" {
            h2 #col-h { (ctx.t("imports-collections")) }
            p.hint { (ctx.t("imports-collections-hint")) }
            form #col-form .stack hx-post="/ui/imports" hx-encoding="multipart/form-data"
                hx-target="#col-msg" {
                label for="col-kind" { (ctx.t("imports-kind")) }
                select #col-kind name="kind" {
                    option value="debts" { (ctx.t("imports-kind-debts")) }
                    @if payments { option value="payments" { (ctx.t("imports-kind-payments")) } }
                }
                label for="col-file" { (ctx.t("imports-col-file")) }
                input #col-file name="file" type="file" required
                    accept=".csv,.txt,.xlsx,.ods,.xml";
                label for="col-creditor" { (ctx.t("imports-creditor")) }
                input #col-creditor name="creditor" maxlength="200";
                label for="col-mapping" { (ctx.t("imports-mapping")) }
                textarea #col-mapping name="mapping" rows="4"
                    placeholder="date_format = \"DD.MM.YYYY\"\ndecimal = \",\"\n[columns]\ncase_ref = \"…\"" {}
                label.check {
                    input type="checkbox" name="dry_run" value="true"; " " (ctx.t("imports-dry-run"))
                }
                button type="submit" { (ctx.t("imports-start")) }
                span #col-msg role="status" {}
            }
        }
    }
}

/// The payments no case took, for those who may give them to cases.
pub(crate) async fn unmatched_card(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if ctx.p.require(Action::PaymentsManage).is_err() {
        return Ok(html! {});
    }
    let list = st
        .store
        .unmatched_payments(ctx.p.tenant()?, true, LISTED_MAX)
        .await?;
    Ok(html! {
        section.card #unmatched aria-labelledby="unm-h" {
            h2 #unm-h { (ctx.t("payments-unmatched")) }
            @if list.is_empty() {
                p.hint { (ctx.t("payments-unmatched-none")) }
            } @else {
                p.hint { (ctx.t("payments-unmatched-hint")) }
                span #pay-msg role="status" {}
                table.list {
                    thead { tr {
                        @for k in ["payments-booked", "payments-amount", "payments-payer",
                            "payments-references", "payments-why", "payments-assign"] {
                            th scope="col" { (ctx.t(k)) }
                        }
                    } }
                    tbody { @for u in &list { (row(ctx, u)) } }
                }
            }
        }
    })
}

fn row(ctx: &Ctx, u: &UnmatchedPayment) -> Markup {
    let field = format!("pay-case-{}", u.id);
    html! {
        tr data-payment=(u.id) {
            td { (u.booked) }
            td.num { (u.amount) " " (u.currency) }
            td {
                (u.payer_name.as_deref().unwrap_or("—"))
                @if let Some(a) = &u.payer_account { br; small { code { (a) } } }
            }
            td { code { (u.reference) } @if !u.remittance.is_empty() { br; small { code { (u.remittance) } } } }
            td { small { code { (u.reason) } } }
            td {
                form hx-post={ "/ui/payments/" (u.id) "/assign" } hx-target="#pay-msg" {
                    input #(field) name="case" required maxlength="64" size="10"
                        aria-label=(ctx.t("payments-case")) placeholder=(ctx.t("payments-case"));
                    " " button type="submit" { (ctx.t("payments-assign")) }
                }
            }
        }
    }
}

/// The case a person named: by its reference (exactly, any case), else its id.
async fn case_named(st: &AppState, p: &Principal, said: &str) -> ApiResult<i64> {
    let said = said.trim();
    let h = st.hub.tenant(p.tenant()?).await?;
    let q = CaseQuery {
        q: Some(said.to_string()),
        ..Default::default()
    };
    if let Ack::Cases(list) = h.call(Op::Case(Box::new(CaseCommand::Query(q)))).await?
        && let Some(c) = list.iter().find(|c| c.reference.eq_ignore_ascii_case(said))
    {
        return Ok(c.id as i64);
    }
    said.parse::<i64>()
        .map_err(|_| ApiError::field("case", format!("no case with the reference {said:?}")))
}

/// `POST /ui/payments/{id}/assign`.
pub async fn assign(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    UiForm(f): UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    p.require(Action::PaymentsManage)?;
    let said_case = f
        .iter()
        .find(|(k, _)| k == "case")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let result = async {
        let case = case_named(&st, &p, &said_case).await?;
        crate::routes::payments::give(&st, &p, &id, case).await
    }
    .await;
    match result {
        Ok(_) => Ok(redirect(&headers, "/ui/imports")),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 403 => {
            Ok(said(false, "#pay-msg", &e.message))
        }
        Err(e) => Err(e),
    }
}
