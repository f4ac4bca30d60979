//! The customer pages (`/ui/customers`): search (a name in any order and
//! accents, a phone in any format, an e-mail address, the client's id),
//! likely duplicates to merge, and one record: its parts, an edit form, a
//! merge and its undoing, its timeline. The same rules as the API
//! ([`crate::routes::records`]); admins and supervisors
//! (`customers.manage`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::customer::{Address, PhoneKind, Record};
use serde::Deserialize;
use store::customers::CustomerFull;

use super::users::said;
use super::{Ctx, UiForm, esc, layout, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;
use crate::routes::records::{self, Patch, PhoneIn};

/// Phones, e-mail addresses and the name of a record, as a table row.
fn row(c: &CustomerFull) -> String {
    let phones: Vec<String> = c
        .record
        .phones
        .iter()
        .map(|p| esc(p.e164.as_deref().unwrap_or(&p.number)))
        .collect();
    format!(
        "<tr data-customer=\"{id}\"><td><a href=\"/ui/customers/{id}\">{name}</a></td><td>{phones}</td><td>{emails}</td><td>{ext}</td></tr>",
        id = c.id,
        name = esc(&c.record.name),
        phones = phones.join("<br>"),
        emails = esc(&c.record.emails.join(", ")),
        ext = esc(c.record.external_id.as_deref().unwrap_or("")),
    )
}

fn table(ctx: &Ctx, list: &[CustomerFull]) -> String {
    let mut s = format!(
        "<table class=\"list\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("crm-name"),
        ctx.te("crm-phones"),
        ctx.te("crm-emails"),
        ctx.te("crm-external-id")
    );
    for c in list {
        s.push_str(&row(c));
    }
    s.push_str("</tbody></table>");
    s
}

/// `GET /ui/customers?q=…`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let text = q.get("q").map(|s| s.trim()).unwrap_or("");
    let results = if text.is_empty() {
        String::new()
    } else {
        let found = st
            .store
            .search_customers(&t, &records::search_of(text, None), 50)
            .await?;
        if found.is_empty() {
            format!(
                "<p id=\"crm-results\" class=\"hint\">{}</p>",
                ctx.te("crm-none")
            )
        } else {
            format!("<div id=\"crm-results\">{}</div>", table(&ctx, &found))
        }
    };
    let main = format!(
        "<section class=\"card\" aria-labelledby=\"crm-s-h\"><h2 id=\"crm-s-h\">{search_h}</h2>\
<form method=\"get\" action=\"/ui/customers\" role=\"search\" class=\"row\">\
<label for=\"crm-q\">{search_h}</label><input id=\"crm-q\" name=\"q\" value=\"{q}\" maxlength=\"200\" aria-describedby=\"crm-q-hint\">\
<button type=\"submit\">{search}</button></form><p id=\"crm-q-hint\" class=\"hint\">{hint}</p>{results}</section>\
<section class=\"card\" aria-labelledby=\"crm-d-h\"><h2 id=\"crm-d-h\">{dup_h}</h2><p class=\"hint\">{dup_hint}</p>{dups}</section>",
        search_h = ctx.te("crm-search"),
        q = esc(text),
        search = ctx.te("search"),
        hint = ctx.te("crm-search-hint"),
        dup_h = ctx.te("crm-duplicates"),
        dup_hint = ctx.te("crm-duplicates-hint"),
        dups = duplicates(&st, &ctx, &t).await?,
    );
    Ok(layout(
        &ctx,
        "crm-title",
        "/ui/customers",
        "crm",
        None,
        super::PreEscaped(main),
    ))
}

async fn duplicates(st: &AppState, ctx: &Ctx, t: &store::Tenant) -> ApiResult<String> {
    let groups = st.store.customers_alike(t, 20).await?;
    if groups.is_empty() {
        return Ok(format!(
            "<p class=\"hint\">{}</p>",
            ctx.te("crm-no-duplicates")
        ));
    }
    let mut s = String::from("<ul id=\"crm-duplicates\" class=\"plain\">");
    for g in groups {
        let Some(first) = g.customers.first() else {
            continue;
        };
        let _ = write!(
            s,
            "<li><a href=\"/ui/customers/{}\">{}</a> (#{})",
            first.id,
            esc(&first.record.name),
            first.id
        );
        for c in &g.customers[1..] {
            let _ = write!(
                s,
                " · <a href=\"/ui/customers/{id}\">#{id}</a> \
<button type=\"button\" class=\"secondary\" hx-post=\"/ui/customers/{keep}/merge\" hx-vals='{{\"other\": \"{id}\"}}'>{label}</button>",
                id = c.id,
                keep = first.id,
                label = ctx.tae("crm-merge-into", &[("id", i18n::Arg::Num(first.id as f64))]),
            );
        }
        s.push_str("</li>");
    }
    s.push_str("</ul>");
    Ok(s)
}

fn kind_name(k: PhoneKind) -> &'static str {
    k.as_str()
}

/// The record's parts, read only.
fn parts(ctx: &Ctx, c: &CustomerFull) -> String {
    let r = &c.record;
    let mut phones = String::new();
    for p in &r.phones {
        let bad = if p.valid {
            String::new()
        } else {
            format!(
                " <span class=\"badge warn\">{}</span>",
                ctx.te("crm-invalid")
            )
        };
        let outcome = p
            .last_outcome
            .as_deref()
            .map(|o| format!(" · {}", esc(o)))
            .unwrap_or_default();
        let _ = write!(
            phones,
            "<li data-phone=\"{e}\">{n} <span class=\"hint\">{k}{outcome}</span>{bad}</li>",
            e = esc(p.e164.as_deref().unwrap_or("")),
            n = esc(p.e164.as_deref().unwrap_or(&p.number)),
            k = kind_name(p.kind),
        );
    }
    let addresses: Vec<String> = r.addresses.iter().map(address_text).collect();
    let fields: Vec<String> = r
        .fields
        .iter()
        .map(|(k, v)| format!("{} = {}", esc(k), esc(v)))
        .collect();
    let dd = |label: &str, v: String| format!("<dt>{}</dt><dd>{}</dd>", ctx.te(label), v);
    let mut s = String::from("<dl id=\"crm-parts\" class=\"parts\">");
    s.push_str(&dd("crm-name", esc(&r.name)));
    s.push_str(&dd(
        "crm-external-id",
        esc(r.external_id.as_deref().unwrap_or("—")),
    ));
    s.push_str(&dd(
        "crm-phones",
        format!("<ul class=\"plain\">{phones}</ul>"),
    ));
    s.push_str(&dd("crm-emails", esc(&r.emails.join(", "))));
    s.push_str(&dd("crm-addresses", addresses.join("<br>")));
    s.push_str(&dd("language", esc(r.language.as_deref().unwrap_or("—"))));
    s.push_str(&dd("time-zone", esc(r.time_zone.as_deref().unwrap_or("—"))));
    s.push_str(&dd("crm-tags", esc(&r.tags.join(", "))));
    s.push_str(&dd("crm-fields", fields.join("<br>")));
    s.push_str(&dd("crm-version", c.version.to_string()));
    s.push_str("</dl>");
    s
}

fn address_text(a: &Address) -> String {
    let parts: Vec<&str> = [&a.street, &a.postal_code, &a.city, &a.country]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    esc(&parts.join(", "))
}

/// The edit form, filled with the record.
fn edit_form(ctx: &Ctx, c: &CustomerFull) -> String {
    let r = &c.record;
    let phones: Vec<String> = r
        .phones
        .iter()
        .map(|p| format!("{}, {}", p.number, p.kind.as_str()))
        .collect();
    let a = r.addresses.first().cloned().unwrap_or_default();
    let fields: Vec<String> = r.fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    let input = |id: &str, label: &str, v: &str| {
        format!(
            "<label for=\"crm-{id}\">{}</label><input id=\"crm-{id}\" name=\"{id}\" value=\"{}\" maxlength=\"256\">",
            ctx.te(label),
            esc(v)
        )
    };
    let area = |id: &str, label: &str, hint: &str, v: &str| {
        format!(
            "<label for=\"crm-{id}\">{}</label><textarea id=\"crm-{id}\" name=\"{id}\" rows=\"3\" aria-describedby=\"crm-{id}-hint\">{}</textarea><p id=\"crm-{id}-hint\" class=\"hint\">{}</p>",
            ctx.te(label),
            esc(v),
            ctx.te(hint)
        )
    };
    format!(
        "<form id=\"crm-edit\" class=\"stack\" hx-post=\"/ui/customers/{id}\" hx-target=\"#crm-edit-msg\">\
<input type=\"hidden\" name=\"version\" value=\"{version}\">{name}{ext}{phones}{emails}{street}{postal}{city}{country}{lang}{tags}{fields}\
<button type=\"submit\">{save}</button><span id=\"crm-edit-msg\" role=\"status\"></span></form>",
        id = c.id,
        version = c.version,
        name = input("name", "crm-name", &r.name),
        ext = input(
            "external_id",
            "crm-external-id",
            r.external_id.as_deref().unwrap_or("")
        ),
        phones = area(
            "phones",
            "crm-phones",
            "crm-phones-hint",
            &phones.join("\n")
        ),
        emails = area(
            "emails",
            "crm-emails",
            "crm-emails-hint",
            &r.emails.join("\n")
        ),
        street = input("street", "crm-street", a.street.as_deref().unwrap_or("")),
        postal = input(
            "postal_code",
            "crm-postal-code",
            a.postal_code.as_deref().unwrap_or("")
        ),
        city = input("city", "crm-city", a.city.as_deref().unwrap_or("")),
        country = input("country", "crm-country", a.country.as_deref().unwrap_or("")),
        lang = input("language", "language", r.language.as_deref().unwrap_or("")),
        tags = input("tags", "crm-tags", &r.tags.join(", ")),
        fields = area(
            "fields",
            "crm-fields",
            "crm-fields-hint",
            &fields.join("\n")
        ),
        save = ctx.te("save"),
    )
}

/// The merge form, and the records merged into this one with their undo.
async fn merge_box(
    st: &AppState,
    ctx: &Ctx,
    t: &store::Tenant,
    c: &CustomerFull,
) -> ApiResult<String> {
    let mut s = format!(
        "<form class=\"row\" hx-post=\"/ui/customers/{id}/merge\" hx-target=\"#crm-merge-msg\">\
<label for=\"crm-other\">{other}</label><input id=\"crm-other\" name=\"other\" inputmode=\"numeric\" required size=\"8\">\
<button type=\"submit\" class=\"secondary\">{merge}</button><span id=\"crm-merge-msg\" role=\"status\"></span></form>",
        id = c.id,
        other = ctx.te("crm-merge-other"),
        merge = ctx.te("crm-merge"),
    );
    let merged = st.store.customers_merged_into(t, c.id).await?;
    if !merged.is_empty() {
        let _ = write!(
            s,
            "<h3>{}</h3><ul id=\"crm-merged\" class=\"plain\">",
            ctx.te("crm-merged-here")
        );
        for m in merged {
            let _ = write!(
                s,
                "<li>#{mid} {name} <button type=\"button\" class=\"secondary\" hx-post=\"/ui/customers/{id}/unmerge\" hx-vals='{{\"other\": \"{mid}\"}}'>{undo}</button></li>",
                mid = m.id,
                name = esc(&m.record.name),
                id = c.id,
                undo = ctx.te("crm-unmerge"),
            );
        }
        s.push_str("</ul>");
    }
    Ok(s)
}

/// A change of the record in words: its cause (`import:3`, `edit`,
/// `merge:12`…) and the parts it changed (a JSON list).
fn change_text(ctx: &Ctx, cause: &str, fields: &str) -> String {
    let (head, n) = cause.split_once(':').unwrap_or((cause, ""));
    let known = [
        "edit",
        "import",
        "merge",
        "unmerge",
        "contact",
        "merged_into",
        "unmerged_from",
        "erased",
    ];
    let said = if known.contains(&head) {
        let n = n
            .parse::<f64>()
            .map(i18n::Arg::Num)
            .unwrap_or(i18n::Arg::Str(n));
        ctx.tae(&format!("crm-cause-{head}"), &[("n", n)])
    } else {
        esc(cause)
    };
    let parts: Vec<String> = serde_json::from_str::<Vec<String>>(fields)
        .unwrap_or_default()
        .iter()
        .map(|f| match f.strip_prefix("fields.") {
            Some(custom) => esc(custom),
            None => ctx.te(&format!("crm-part-{f}")),
        })
        .collect();
    if parts.is_empty() {
        said
    } else {
        format!("{said}: {}", parts.join(", "))
    }
}

/// The timeline, newest first, with a link to older entries.
async fn timeline(
    st: &AppState,
    ctx: &Ctx,
    t: &store::Tenant,
    id: i64,
    before: Option<i64>,
) -> ApiResult<String> {
    const PAGE: i64 = 30;
    let entries = st.store.customer_timeline(t, id, before, PAGE).await?;
    let mut s = String::from("<ol id=\"crm-timeline\" class=\"timeline\">");
    for e in &entries {
        let what = match e.kind.as_str() {
            "change" => change_text(
                ctx,
                e.a.as_deref().unwrap_or(""),
                e.b.as_deref().unwrap_or(""),
            ),
            _ => [&e.a, &e.b, &e.c]
                .into_iter()
                .flatten()
                .map(|x| esc(x))
                .collect::<Vec<_>>()
                .join(" · "),
        };
        let link = e
            .interaction_id
            .map(|i| format!(" <span class=\"hint\">#{i}</span>"))
            .unwrap_or_default();
        let other = if e.customer_id != id {
            format!(" <span class=\"badge\">#{}</span>", e.customer_id)
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<li data-kind=\"{k}\"><time>{at}</time> <strong>{label}</strong>{other} {what}{link}</li>",
            k = esc(&e.kind),
            at = ctx.datetime(e.at),
            label = ctx.te(&format!("crm-kind-{}", e.kind)),
        );
    }
    s.push_str("</ol>");
    if entries.len() as i64 == PAGE
        && let Some(last) = entries.last()
    {
        let _ = write!(
            s,
            "<p><a href=\"/ui/customers/{id}?before={}#crm-t-h\">{}</a></p>",
            last.seq,
            ctx.te("crm-older")
        );
    }
    Ok(s)
}

/// `GET /ui/customers/{id}`.
pub async fn record(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "customer")?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let c = st
        .store
        .customer_full(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if let Some(k) = c.merged_into {
        return Ok(redirect(&headers, &format!("/ui/customers/{k}")));
    }
    let before = q.get("before").and_then(|b| b.parse().ok());
    if c.erased_at.is_some() {
        // Nothing left to edit, merge or ask.
        let main = format!(
            "<p><a href=\"/ui/customers\">← {back}</a></p><div class=\"grid\">{privacy}\
<section class=\"card\" aria-labelledby=\"crm-t-h\"><h2 id=\"crm-t-h\">{tl_h}</h2>{tl}</section></div>",
            back = ctx.te("crm-title"),
            privacy = super::privacy::section_html(&ctx, &c),
            tl_h = ctx.te("crm-timeline"),
            tl = timeline(&st, &ctx, &t, id, before).await?,
        );
        return Ok(layout(
            &ctx,
            "crm-record",
            "/ui/customers",
            "crm",
            None,
            super::PreEscaped(main),
        ));
    }
    let main = format!(
        "<p><a href=\"/ui/customers\">← {back}</a></p><div class=\"grid\">\
<section class=\"card\" aria-labelledby=\"crm-r-h\"><h2 id=\"crm-r-h\">{name}</h2>{parts}</section>\
<section class=\"card\" aria-labelledby=\"crm-e-h\"><h2 id=\"crm-e-h\">{edit}</h2>{form}</section>\
<section class=\"card\" aria-labelledby=\"crm-m-h\"><h2 id=\"crm-m-h\">{merge_h}</h2>{merge}</section>{consents}\
<section class=\"card\" aria-labelledby=\"crm-t-h\"><h2 id=\"crm-t-h\">{tl_h}</h2>{tl}</section>{privacy}</div>",
        back = ctx.te("crm-title"),
        name = esc(&c.record.name),
        parts = parts(&ctx, &c),
        edit = ctx.te("edit"),
        form = edit_form(&ctx, &c),
        merge_h = ctx.te("crm-merge"),
        merge = merge_box(&st, &ctx, &t, &c).await?,
        consents = super::consents::section_html(&st, &ctx, id).await?,
        tl_h = ctx.te("crm-timeline"),
        tl = timeline(&st, &ctx, &t, id, before).await?,
        privacy = super::privacy::section_html(&ctx, &c),
    );
    Ok(layout(
        &ctx,
        "crm-record",
        "/ui/customers",
        "crm",
        None,
        super::PreEscaped(main),
    ))
}

/// The edit form's fields.
#[derive(Debug, Deserialize)]
pub struct EditForm {
    version: u32,
    name: String,
    external_id: String,
    phones: String,
    emails: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    language: String,
    tags: String,
    fields: String,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A phone line: `number` or `number, kind`.
fn phone_line(line: &str) -> Result<PhoneIn, String> {
    let (number, kind) = match line.rsplit_once(',') {
        Some((n, k)) => {
            let k: PhoneKind =
                serde_json::from_value(serde_json::Value::String(k.trim().to_string()))
                    .map_err(|_| format!("{}: mobile, landline, work or other", k.trim()))?;
            (n.trim(), Some(k))
        }
        None => (line.trim(), None),
    };
    Ok(PhoneIn::Full {
        number: number.to_string(),
        kind,
        valid: None,
    })
}

/// The form as a change of the whole record (the first address replaced,
/// the others kept).
fn patch_of(f: EditForm, old: &Record) -> Result<Patch, String> {
    let phones = f
        .phones
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(phone_line)
        .collect::<Result<Vec<_>, _>>()?;
    let mut fields: BTreeMap<String, Option<String>> =
        old.fields.keys().map(|k| (k.clone(), None)).collect();
    for l in f.fields.lines().filter(|l| !l.trim().is_empty()) {
        let (k, v) = l
            .split_once('=')
            .ok_or_else(|| format!("{}: name = value", l.trim()))?;
        fields.insert(k.trim().to_string(), Some(v.trim().to_string()));
    }
    let first = Address {
        street: some(&f.street),
        postal_code: some(&f.postal_code),
        city: some(&f.city),
        country: some(&f.country).map(|c| c.to_uppercase()),
    };
    // Numbers written without their country are read in the address's.
    let country = first
        .country
        .clone()
        .filter(|c| import::phone::Country::parse(c).is_some());
    let mut addresses: Vec<Address> = old.addresses.iter().skip(1).cloned().collect();
    if !first.is_empty() {
        addresses.insert(0, first);
    }
    Ok(Patch {
        version: Some(f.version),
        external_id: Some(some(&f.external_id)),
        name: Some(f.name.trim().to_string()),
        phones: Some(phones),
        emails: Some(f.emails.lines().filter_map(some).collect()),
        addresses: Some(addresses),
        language: Some(some(&f.language).map(|l| l.to_lowercase())),
        time_zone: None,
        tags: Some(f.tags.split(',').filter_map(some).collect()),
        fields: Some(fields),
        country,
    })
}

/// `POST /ui/customers/{id}`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<EditForm>,
) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let id = path_id(&id, "customer")?;
    let t = p.tenant()?.clone();
    let c = st
        .store
        .customer_full(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let patch = match patch_of(f, &c.record) {
        Ok(p) => p,
        Err(e) => return Ok(said(false, "#crm-edit-msg", &e)),
    };
    match records::edit(&st, &p, id, patch).await {
        Ok(_) => Ok(redirect(&headers, &format!("/ui/customers/{id}"))),
        Err(e) if e.status.is_client_error() => Ok(said(false, "#crm-edit-msg", &e.message)),
        Err(e) => Err(e),
    }
}

/// The other record of a merge, from a form.
#[derive(Debug, Deserialize)]
pub struct OtherForm {
    other: String,
}

/// `POST /ui/customers/{id}/merge`.
pub async fn merge(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<OtherForm>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    let Ok(other) = f.other.trim().trim_start_matches('#').parse::<i64>() else {
        return Ok(said(false, "#crm-merge-msg", "other: a record number"));
    };
    match records::merge_into(&st, &p, id, other).await {
        Ok(_) => Ok(redirect(&headers, &format!("/ui/customers/{id}"))),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 403 => {
            Ok(said(false, "#crm-merge-msg", &e.message))
        }
        Err(e) => Err(e),
    }
}

/// `POST /ui/customers/{id}/unmerge`.
pub async fn unmerge(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<OtherForm>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    let other = path_id(f.other.trim(), "other")?;
    records::unmerge_from(&st, &p, id, other).await?;
    Ok(redirect(&headers, &format!("/ui/customers/{id}")))
}
