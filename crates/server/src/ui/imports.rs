//! The imports page (`/ui/imports`): a file sent (CSV, XLSX or ODS, with
//! the country of numbers written without one, an optional mapping, a dry
//! run), and the latest imports with their progress bars, refreshed every
//! second while one runs, their counts and their reports. The same rules as
//! `POST /api/v1/imports` (`customers.manage`). Templates are maud (`html!`).

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use store::crm::{ImportKind, ImportState, ImportView};
use store::read::CampaignView;

use super::users::said;
use super::{Ctx, Markup, html, layout, markup_response, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::Action;

/// The list's columns (message ids).
const COLUMNS: [&str; 9] = [
    "imports-file-name",
    "imports-state",
    "imports-rows",
    "imports-created",
    "imports-updated",
    "imports-unchanged",
    "imports-rejected",
    "imports-duplicates",
    "imports-report",
];

/// The list of imports; it fetches itself again every second while one runs.
async fn list(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let t = ctx.p.tenant()?;
    let all = st.store.imports(t, 20).await?;
    if all.is_empty() {
        return Ok(html! { #imp-list { p.hint { (ctx.t("imports-none")) } } });
    }
    let running = all.iter().any(|v| v.state == ImportState::Running);
    let poll = |v: &'static str| running.then_some(v);
    Ok(html! {
        #imp-list hx-get=[poll("/ui/imports/list")] hx-trigger=[poll("every 1s")]
            hx-swap=[poll("outerHTML")] {
            table.list {
                thead {
                    tr {
                        @for k in COLUMNS { th scope="col" { (ctx.t(k)) } }
                    }
                }
                tbody {
                    @for v in &all { (import_row(ctx, v)) }
                }
            }
        }
    })
}

/// One import: its file (a dry run, the contacts it added to a campaign),
/// state, progress, counts and report.
fn import_row(ctx: &Ctx, v: &ImportView) -> Markup {
    let total = v.rows_total.max(v.rows_read);
    html! {
        tr data-import=(v.id) data-state=(v.state.as_str()) {
            td {
                (v.file_name)
                @if v.dry_run { " " span.badge { (ctx.t("imports-dry")) } }
                @if matches!(v.kind, ImportKind::Debts | ImportKind::Payments) {
                    " " span.badge { (ctx.t(&format!("imports-kind-{}", v.kind.as_str()))) }
                }
                @if v.campaign_id.is_some() {
                    " " span.badge { (ctx.t("imports-contacts")) ": " (v.contacts_added) }
                }
            }
            td {
                (ctx.t(&format!("imports-state-{}", v.state.as_str())))
                @if let Some(e) = &v.error { br; span.error { (e) } }
            }
            td {
                progress value=(v.rows_read) max=(total) aria-label=(ctx.t("imports-rows")) {}
                " " (v.rows_read) "/" (total)
            }
            @for n in [v.created, v.updated, v.unchanged, v.rejected, v.duplicates] {
                td.num { (n) }
            }
            td {
                a href={ "/api/v1/imports/" (v.id) "/rejects" }
                    download={ "import-" (v.id) "-report.csv" } { "CSV" }
            }
        }
    }
}

/// What the rows load: customers, or customers who join a campaign's
/// contact list (for those who may manage campaigns).
async fn target(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let hidden = html! { input type="hidden" name="kind" value="customers"; };
    if ctx.p.require(Action::CampaignsManage).is_err() {
        return Ok(hidden);
    }
    let campaigns = st.store.campaigns(ctx.p.tenant()?).await?;
    if campaigns.is_empty() {
        return Ok(hidden);
    }
    Ok(html! {
        label for="imp-campaign" { (ctx.t("imports-campaign")) }
        select #imp-campaign name="campaign" aria-describedby="imp-campaign-hint" {
            option value="" { (ctx.t("imports-no-campaign")) }
            @for c in &campaigns { option value=(c.id) { (c.name) } }
        }
        p #imp-campaign-hint .hint { (ctx.t("imports-campaign-hint")) }
    })
}

/// A check box that asks for a dry run.
fn dry_run_box(ctx: &Ctx) -> Markup {
    html! {
        label.check {
            input type="checkbox" name="dry_run" value="true"; " " (ctx.t("imports-dry-run"))
        }
    }
}

/// The do-not-call list form: numbers from a file into a named list.
fn dnc_form(ctx: &Ctx) -> Markup {
    html! {
        section.card aria-labelledby="dnc-h" {
            h2 #dnc-h { (ctx.t("imports-dnc")) }
            p.hint { (ctx.t("imports-dnc-hint")) }
            form #dnc-form .stack hx-post="/ui/imports" hx-encoding="multipart/form-data"
                hx-target="#dnc-msg" {
                input type="hidden" name="kind" value="dnc";
                label for="dnc-file" { (ctx.t("imports-file")) }
                input #dnc-file name="file" type="file" required accept=".csv,.txt";
                label for="dnc-list" { (ctx.t("imports-list-name")) }
                input #dnc-list name="list" required maxlength="64" pattern="[a-z0-9_-]+"
                    placeholder="es_robinson";
                label.check {
                    input type="checkbox" name="national" value="true";
                    " " (ctx.t("imports-national"))
                }
                label for="dnc-country" { (ctx.t("imports-country")) }
                input #dnc-country name="country" size="3" maxlength="2" placeholder="ES";
                (dry_run_box(ctx))
                button type="submit" { (ctx.t("imports-start")) }
                span #dnc-msg role="status" {}
            }
        }
    }
}

/// The form that feeds a campaign's contact list from a saved query.
fn feed_form(ctx: &Ctx, campaigns: &[CampaignView], queries: &[String]) -> Markup {
    html! {
        section.card aria-labelledby="feed-h" {
            h2 #feed-h { (ctx.t("imports-feed")) }
            p.hint { (ctx.t("imports-feed-hint")) }
            form #feed-form .stack hx-post="/ui/imports" hx-encoding="multipart/form-data"
                hx-target="#feed-msg" {
                input type="hidden" name="kind" value="contacts";
                label for="feed-campaign" { (ctx.t("imports-feed-campaign")) }
                select #feed-campaign name="campaign" {
                    @for c in campaigns { option value=(c.id) { (c.name) } }
                }
                label for="feed-query" { (ctx.t("imports-query")) }
                select #feed-query name="query" {
                    @for q in queries { option value=(q) { (q) } }
                }
                (dry_run_box(ctx))
                button type="submit" { (ctx.t("imports-start")) }
                span #feed-msg role="status" {}
            }
        }
    }
}

/// The forms for those who manage campaigns: a do-not-call list from a
/// file, and a campaign's contact list fed from a saved customer query.
async fn campaign_forms(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if ctx.p.require(Action::CampaignsManage).is_err() {
        return Ok(html! {});
    }
    let t = ctx.p.tenant()?;
    let campaigns = st.store.campaigns(t).await?;
    let queries: Vec<String> = st
        .store
        .settings_with_prefix(t, model::query::PREFIX)
        .await?
        .into_iter()
        .map(|(name, _)| name.trim_start_matches(model::query::PREFIX).to_string())
        .collect();
    Ok(html! {
        (dnc_form(ctx))
        @if !campaigns.is_empty() && !queries.is_empty() {
            (feed_form(ctx, &campaigns, &queries))
        }
    })
}

/// `GET /ui/imports`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let target = target(&st, &ctx).await?;
    let more = campaign_forms(&st, &ctx).await?;
    let collections = super::payments::collections_form(&ctx);
    let unmatched = super::payments::unmatched_card(&st, &ctx).await?;
    let list = list(&st, &ctx).await?;
    let main = html! {
        section.card aria-labelledby="imp-h" {
            h2 #imp-h { (ctx.t("imports-new")) }
            form #imp-form .stack hx-post="/ui/imports" hx-encoding="multipart/form-data"
                hx-target="#imp-msg" {
                (target)
                label for="imp-file" { (ctx.t("imports-file")) }
                input #imp-file name="file" type="file" required accept=".csv,.txt,.xlsx,.ods";
                label for="imp-country" { (ctx.t("imports-country")) }
                input #imp-country name="country" size="3" maxlength="2" placeholder="ES";
                label for="imp-mapping" { (ctx.t("imports-mapping")) }
                textarea #imp-mapping name="mapping" rows="4"
                    placeholder=(format!("[columns]\nname = \"{}\"", ctx.t("placeholder-column-name"))) {}
                (dry_run_box(&ctx))
                button type="submit" { (ctx.t("imports-start")) }
                span #imp-msg role="status" {}
            }
        }
        (collections)
        (more)
        section.card aria-labelledby="imp-l-h" {
            h2 #imp-l-h { (ctx.t("imports-latest")) }
            (list)
        }
        (unmatched)
    };
    Ok(layout(
        &ctx,
        "imports-title",
        "/ui/imports",
        "imports",
        None,
        main,
    ))
}

/// `GET /ui/imports/list` (the fragment).
pub async fn list_fragment(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(markup_response(list(&st, &ctx).await?))
}

/// `POST /ui/imports` (multipart).
pub async fn upload(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    m: Multipart,
) -> ApiResult<Response> {
    match crate::routes::imports::begin(&st, &p, m).await {
        Ok(_) => Ok(redirect(&headers, "/ui/imports")),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 403 => {
            // The message goes next to the form that was sent.
            let at = match crate::ui::hx_target(&headers).as_deref() {
                Some("dnc-msg") => "#dnc-msg",
                Some("feed-msg") => "#feed-msg",
                Some("col-msg") => "#col-msg",
                _ => "#imp-msg",
            };
            Ok(said(false, at, &e.message))
        }
        Err(e) => Err(e),
    }
}
