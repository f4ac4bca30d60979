//! The imports page (`/ui/imports`): a file sent (CSV, XLSX or ODS, with
//! the country of numbers written without one, an optional mapping, a dry
//! run), and the latest imports with their progress bars, refreshed every
//! second while one runs, their counts and their reports. The same rules as
//! `POST /api/v1/imports` (`customers.manage`).

use std::fmt::Write as _;

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::users::said;
use super::{Ctx, esc, html_response, layout, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::Action;

/// The list of imports; it fetches itself again every second while one runs.
async fn list(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    let t = ctx.p.tenant()?;
    let all = st.store.imports(t, 20).await?;
    let running = all
        .iter()
        .any(|v| v.state == store::crm::ImportState::Running);
    let poll = if running {
        " hx-get=\"/ui/imports/list\" hx-trigger=\"every 1s\" hx-swap=\"outerHTML\""
    } else {
        ""
    };
    if all.is_empty() {
        return Ok(format!(
            "<div id=\"imp-list\"><p class=\"hint\">{}</p></div>",
            ctx.t("imports-none")
        ));
    }
    let head: Vec<String> = [
        "imports-file-name",
        "imports-state",
        "imports-rows",
        "imports-created",
        "imports-updated",
        "imports-unchanged",
        "imports-rejected",
        "imports-duplicates",
        "imports-report",
    ]
    .iter()
    .map(|k| format!("<th scope=\"col\">{}</th>", ctx.t(k)))
    .collect();
    let mut s = format!(
        "<div id=\"imp-list\"{poll}><table class=\"list\"><thead><tr>{}</tr></thead><tbody>",
        head.concat()
    );
    for v in all {
        let mut dry = if v.dry_run {
            format!(" <span class=\"badge\">{}</span>", ctx.t("imports-dry"))
        } else {
            String::new()
        };
        if v.campaign_id.is_some() {
            let _ = write!(
                dry,
                " <span class=\"badge\">{}: {}</span>",
                ctx.t("imports-contacts"),
                v.contacts_added
            );
        }
        let error = v
            .error
            .as_deref()
            .map(|e| format!("<br><span class=\"error\">{}</span>", esc(e)))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<tr data-import=\"{id}\" data-state=\"{state}\"><td>{name}{dry}</td><td>{state_l}{error}</td>\
<td><progress value=\"{read}\" max=\"{total}\" aria-label=\"{rows_l}\"></progress> {read}/{total}</td>\
<td class=\"num\">{c}</td><td class=\"num\">{u}</td><td class=\"num\">{n}</td><td class=\"num\">{r}</td><td class=\"num\">{d}</td>\
<td><a href=\"/api/v1/imports/{id}/rejects\" download=\"import-{id}-report.csv\">CSV</a></td></tr>",
            id = v.id,
            state = v.state.as_str(),
            name = esc(&v.file_name),
            state_l = ctx.t(&format!("imports-state-{}", v.state.as_str())),
            read = v.rows_read,
            total = v.rows_total.max(v.rows_read),
            rows_l = ctx.t("imports-rows"),
            c = v.created,
            u = v.updated,
            n = v.unchanged,
            r = v.rejected,
            d = v.duplicates,
        );
    }
    s.push_str("</tbody></table></div>");
    Ok(s)
}

/// What the rows load: customers, or customers who join a campaign's
/// contact list (for those who may manage campaigns).
async fn target(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    let hidden = "<input type=\"hidden\" name=\"kind\" value=\"customers\">".to_string();
    if ctx.p.require(Action::CampaignsManage).is_err() {
        return Ok(hidden);
    }
    let campaigns = st.store.campaigns(ctx.p.tenant()?).await?;
    if campaigns.is_empty() {
        return Ok(hidden);
    }
    let mut opts = format!(
        "<option value=\"\">{}</option>",
        ctx.t("imports-no-campaign")
    );
    for c in &campaigns {
        let _ = write!(opts, "<option value=\"{}\">{}</option>", c.id, esc(&c.name));
    }
    Ok(format!(
        "<label for=\"imp-campaign\">{label}</label><select id=\"imp-campaign\" name=\"campaign\" aria-describedby=\"imp-campaign-hint\">{opts}</select>\
<p id=\"imp-campaign-hint\" class=\"hint\">{hint}</p>",
        label = ctx.t("imports-campaign"),
        hint = ctx.t("imports-campaign-hint"),
    ))
}

/// `GET /ui/imports`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let main = format!(
        "<section class=\"card\" aria-labelledby=\"imp-h\"><h2 id=\"imp-h\">{new}</h2>\
<form id=\"imp-form\" class=\"stack\" hx-post=\"/ui/imports\" hx-encoding=\"multipart/form-data\" hx-target=\"#imp-msg\">\
{target}\
<label for=\"imp-file\">{file}</label><input id=\"imp-file\" name=\"file\" type=\"file\" required accept=\".csv,.txt,.xlsx,.ods\">\
<label for=\"imp-country\">{country}</label><input id=\"imp-country\" name=\"country\" size=\"3\" maxlength=\"2\" placeholder=\"ES\">\
<label for=\"imp-mapping\">{mapping}</label><textarea id=\"imp-mapping\" name=\"mapping\" rows=\"4\" placeholder=\"[columns]&#10;name = &quot;Nombre&quot;\"></textarea>\
<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"true\"> {dry}</label>\
<button type=\"submit\">{start}</button><span id=\"imp-msg\" role=\"status\"></span></form></section>\
<section class=\"card\" aria-labelledby=\"imp-l-h\"><h2 id=\"imp-l-h\">{latest}</h2>{list}</section>",
        new = ctx.t("imports-new"),
        file = ctx.t("imports-file"),
        country = ctx.t("imports-country"),
        mapping = ctx.t("imports-mapping"),
        dry = ctx.t("imports-dry-run"),
        start = ctx.t("imports-start"),
        latest = ctx.t("imports-latest"),
        list = list(&st, &ctx).await?,
        target = target(&st, &ctx).await?,
    );
    Ok(layout(
        &ctx,
        "imports-title",
        "/ui/imports",
        "imports",
        None,
        &main,
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
    Ok(html_response(list(&st, &ctx).await?))
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
            Ok(said(false, "#imp-msg", &e.message))
        }
        Err(e) => Err(e),
    }
}
