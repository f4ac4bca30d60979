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
            ctx.te("imports-none")
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
    .map(|k| format!("<th scope=\"col\">{}</th>", ctx.te(k)))
    .collect();
    let mut s = format!(
        "<div id=\"imp-list\"{poll}><table class=\"list\"><thead><tr>{}</tr></thead><tbody>",
        head.concat()
    );
    for v in all {
        let mut dry = if v.dry_run {
            format!(" <span class=\"badge\">{}</span>", ctx.te("imports-dry"))
        } else {
            String::new()
        };
        if v.campaign_id.is_some() {
            let _ = write!(
                dry,
                " <span class=\"badge\">{}: {}</span>",
                ctx.te("imports-contacts"),
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
            state_l = ctx.te(&format!("imports-state-{}", v.state.as_str())),
            read = v.rows_read,
            total = v.rows_total.max(v.rows_read),
            rows_l = ctx.te("imports-rows"),
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
        ctx.te("imports-no-campaign")
    );
    for c in &campaigns {
        let _ = write!(opts, "<option value=\"{}\">{}</option>", c.id, esc(&c.name));
    }
    Ok(format!(
        "<label for=\"imp-campaign\">{label}</label><select id=\"imp-campaign\" name=\"campaign\" aria-describedby=\"imp-campaign-hint\">{opts}</select>\
<p id=\"imp-campaign-hint\" class=\"hint\">{hint}</p>",
        label = ctx.te("imports-campaign"),
        hint = ctx.te("imports-campaign-hint"),
    ))
}

/// The forms for those who manage campaigns: a do-not-call list from a
/// file, and a campaign's contact list fed from a saved customer query.
async fn campaign_forms(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if ctx.p.require(Action::CampaignsManage).is_err() {
        return Ok(String::new());
    }
    let mut s = format!(
        "<section class=\"card\" aria-labelledby=\"dnc-h\"><h2 id=\"dnc-h\">{title}</h2><p class=\"hint\">{hint}</p>\
<form id=\"dnc-form\" class=\"stack\" hx-post=\"/ui/imports\" hx-encoding=\"multipart/form-data\" hx-target=\"#dnc-msg\">\
<input type=\"hidden\" name=\"kind\" value=\"dnc\">\
<label for=\"dnc-file\">{file}</label><input id=\"dnc-file\" name=\"file\" type=\"file\" required accept=\".csv,.txt\">\
<label for=\"dnc-list\">{list}</label><input id=\"dnc-list\" name=\"list\" required maxlength=\"64\" pattern=\"[a-z0-9_-]+\" placeholder=\"es_robinson\">\
<label class=\"check\"><input type=\"checkbox\" name=\"national\" value=\"true\"> {national}</label>\
<label for=\"dnc-country\">{country}</label><input id=\"dnc-country\" name=\"country\" size=\"3\" maxlength=\"2\" placeholder=\"ES\">\
<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"true\"> {dry}</label>\
<button type=\"submit\">{start}</button><span id=\"dnc-msg\" role=\"status\"></span></form></section>",
        title = ctx.te("imports-dnc"),
        hint = ctx.te("imports-dnc-hint"),
        file = ctx.te("imports-file"),
        list = ctx.te("imports-list-name"),
        national = ctx.te("imports-national"),
        country = ctx.te("imports-country"),
        dry = ctx.te("imports-dry-run"),
        start = ctx.te("imports-start"),
    );
    let t = ctx.p.tenant()?;
    let campaigns = st.store.campaigns(t).await?;
    let queries = st
        .store
        .settings_with_prefix(t, model::query::PREFIX)
        .await?;
    if campaigns.is_empty() || queries.is_empty() {
        return Ok(s);
    }
    let (mut c_opts, mut q_opts) = (String::new(), String::new());
    for c in &campaigns {
        let _ = write!(
            c_opts,
            "<option value=\"{}\">{}</option>",
            c.id,
            esc(&c.name)
        );
    }
    for (name, _) in &queries {
        let n = esc(name.trim_start_matches(model::query::PREFIX));
        let _ = write!(q_opts, "<option value=\"{n}\">{n}</option>");
    }
    let _ = write!(
        s,
        "<section class=\"card\" aria-labelledby=\"feed-h\"><h2 id=\"feed-h\">{title}</h2><p class=\"hint\">{hint}</p>\
<form id=\"feed-form\" class=\"stack\" hx-post=\"/ui/imports\" hx-encoding=\"multipart/form-data\" hx-target=\"#feed-msg\">\
<input type=\"hidden\" name=\"kind\" value=\"contacts\">\
<label for=\"feed-campaign\">{campaign}</label><select id=\"feed-campaign\" name=\"campaign\">{c_opts}</select>\
<label for=\"feed-query\">{query}</label><select id=\"feed-query\" name=\"query\">{q_opts}</select>\
<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"true\"> {dry}</label>\
<button type=\"submit\">{start}</button><span id=\"feed-msg\" role=\"status\"></span></form></section>",
        title = ctx.te("imports-feed"),
        hint = ctx.te("imports-feed-hint"),
        campaign = ctx.te("imports-feed-campaign"),
        query = ctx.te("imports-query"),
        dry = ctx.te("imports-dry-run"),
        start = ctx.te("imports-start"),
    );
    Ok(s)
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
<button type=\"submit\">{start}</button><span id=\"imp-msg\" role=\"status\"></span></form></section>{more}\
<section class=\"card\" aria-labelledby=\"imp-l-h\"><h2 id=\"imp-l-h\">{latest}</h2>{list}</section>",
        new = ctx.te("imports-new"),
        file = ctx.te("imports-file"),
        country = ctx.te("imports-country"),
        mapping = ctx.te("imports-mapping"),
        dry = ctx.te("imports-dry-run"),
        start = ctx.te("imports-start"),
        latest = ctx.te("imports-latest"),
        list = list(&st, &ctx).await?,
        target = target(&st, &ctx).await?,
        more = campaign_forms(&st, &ctx).await?,
    );
    Ok(layout(
        &ctx,
        "imports-title",
        "/ui/imports",
        "imports",
        None,
        super::PreEscaped(main),
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
            // The message goes next to the form that was sent.
            let at = match crate::ui::hx_target(&headers).as_deref() {
                Some("dnc-msg") => "#dnc-msg",
                Some("feed-msg") => "#feed-msg",
                _ => "#imp-msg",
            };
            Ok(said(false, at, &e.message))
        }
        Err(e) => Err(e),
    }
}
