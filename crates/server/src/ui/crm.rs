//! The customer pages (`/ui/customers`): search (a name in any order and
//! accents, a phone in any format, an e-mail address, the client's id),
//! likely duplicates to merge, and one record: its parts, an edit form, a
//! merge and its undoing, its timeline. The same rules as the API
//! ([`crate::routes::records`]); admins and supervisors
//! (`customers.manage`). Templates are maud (`html!`): every value escaped.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::customer::{Address, Phone, PhoneKind, Record};
use serde::Deserialize;
use store::crm::TimelineEntry;
use store::customers::CustomerFull;

use super::users::said;
use super::{Ctx, Markup, UiForm, html, layout, popup, redirect};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;
use crate::routes::records::{self, Patch, PhoneIn};

/// Phones, e-mail addresses and the name of a record, as a table row.
fn row(c: &CustomerFull) -> Markup {
    let r = &c.record;
    html! {
        tr data-customer=(c.id) {
            td { a href={ "/ui/customers/" (c.id) } { (r.name) } }
            td { (lines(r.phones.iter().map(|p| p.e164.clone().unwrap_or(p.number.clone())))) }
            td { (r.emails.join(", ")) }
            td { (r.external_id.as_deref().unwrap_or("")) }
        }
    }
}

fn table(ctx: &Ctx, list: &[CustomerFull]) -> Markup {
    html! {
        table.list {
            thead {
                tr {
                    @for id in ["crm-name", "crm-phones", "crm-emails", "crm-external-id"] {
                        th scope="col" { (ctx.t(id)) }
                    }
                }
            }
            tbody {
                @for c in list { (row(c)) }
            }
        }
    }
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
    let found = if text.is_empty() {
        None
    } else {
        let search = records::search_of(text, None);
        Some(st.store.search_customers(&t, &search, 50).await?)
    };
    let dups = duplicates(&st, &ctx, &t).await?;
    let main = html! {
        section.card aria-labelledby="crm-s-h" {
            h2 #crm-s-h { (ctx.t("crm-search")) }
            form.row method="get" action="/ui/customers" role="search" {
                label for="crm-q" { (ctx.t("crm-search")) }
                input #crm-q name="q" value=(text) maxlength="200" aria-describedby="crm-q-hint";
                button type="submit" { (ctx.t("search")) }
            }
            p #crm-q-hint .hint { (ctx.t("crm-search-hint")) }
            @match &found {
                Some(list) if list.is_empty() => p #crm-results .hint { (ctx.t("crm-none")) },
                Some(list) => #crm-results { (table(&ctx, list)) },
                None => {},
            }
        }
        section.card aria-labelledby="crm-d-h" {
            h2 #crm-d-h { (ctx.t("crm-duplicates")) }
            p.hint { (ctx.t("crm-duplicates-hint")) }
            (dups)
        }
    };
    Ok(layout(
        &ctx,
        "crm-title",
        "/ui/customers",
        "crm",
        None,
        main,
    ))
}

/// The `hx-vals` of a button that names the other record of a merge.
fn other_vals(id: i64) -> String {
    format!("{{\"other\": \"{id}\"}}")
}

async fn duplicates(st: &AppState, ctx: &Ctx, t: &store::Tenant) -> ApiResult<Markup> {
    let groups = st.store.customers_alike(t, 20).await?;
    if groups.is_empty() {
        return Ok(html! { p.hint { (ctx.t("crm-no-duplicates")) } });
    }
    Ok(html! {
        ul #crm-duplicates .plain {
            @for g in &groups {
                @if let Some((first, rest)) = g.customers.split_first() {
                    @let merge_into =
                        ctx.ta("crm-merge-into", &[("id", i18n::Arg::Num(first.id as f64))]);
                    li {
                        a href={ "/ui/customers/" (first.id) } { (first.record.name) }
                        " (#" (first.id) ")"
                        @for c in rest {
                            " · " a href={ "/ui/customers/" (c.id) } { "#" (c.id) } " "
                            button.secondary type="button"
                                hx-post={ "/ui/customers/" (first.id) "/merge" }
                                hx-vals=(other_vals(c.id)) { (merge_into) }
                        }
                    }
                }
            }
        }
    })
}

/// One phone of the record: the number, its kind, the last outcome of a
/// call to it, and a mark when it cannot be dialled.
fn phone_item(ctx: &Ctx, p: &Phone) -> Markup {
    html! {
        li data-phone=(p.e164.as_deref().unwrap_or("")) {
            (p.e164.as_deref().unwrap_or(&p.number)) " "
            span.hint {
                (ctx.t(&format!("phone-kind-{}", p.kind.as_str())))
                @if let Some(o) = &p.last_outcome { " · " (popup::known_label(ctx, "dial-outcome", o)) }
            }
            @if !p.valid {
                " " span.badge.warn { (ctx.t("crm-invalid")) }
            }
        }
    }
}

/// Lines of text, a `<br>` between each two.
fn lines<I: IntoIterator<Item = String>>(items: I) -> Markup {
    html! {
        @for (i, l) in items.into_iter().enumerate() {
            @if i > 0 { br; }
            (l)
        }
    }
}

/// The record's parts, read only.
fn parts(ctx: &Ctx, c: &CustomerFull) -> Markup {
    let r = &c.record;
    let fields = r.fields.iter().map(|(k, v)| format!("{k} = {v}"));
    html! {
        dl #crm-parts .parts {
            dt { (ctx.t("crm-name")) } dd { (r.name) }
            dt { (ctx.t("crm-external-id")) } dd { (r.external_id.as_deref().unwrap_or("—")) }
            dt { (ctx.t("crm-phones")) }
            dd {
                ul.plain {
                    @for p in &r.phones { (phone_item(ctx, p)) }
                }
            }
            dt { (ctx.t("crm-emails")) } dd { (r.emails.join(", ")) }
            dt { (ctx.t("crm-addresses")) } dd { (lines(r.addresses.iter().map(address_text))) }
            dt { (ctx.t("language")) } dd { (r.language.as_deref().unwrap_or("—")) }
            dt { (ctx.t("time-zone")) } dd { (r.time_zone.as_deref().unwrap_or("—")) }
            dt { (ctx.t("crm-tags")) } dd { (r.tags.join(", ")) }
            dt { (ctx.t("crm-fields")) } dd { (lines(fields)) }
            dt { (ctx.t("crm-version")) } dd { (c.version) }
        }
    }
}

fn address_text(a: &Address) -> String {
    let parts: Vec<&str> = [&a.street, &a.postal_code, &a.city, &a.country]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    parts.join(", ")
}

/// A one-line field of the edit form.
fn edit_input(ctx: &Ctx, id: &str, label: &str, v: &str) -> Markup {
    let html_id = format!("crm-{id}");
    html! {
        label for=(html_id) { (ctx.t(label)) }
        input id=(html_id) name=(id) value=(v) maxlength="256";
    }
}

/// A field of the edit form with a line per item, and its hint (the
/// message `{label}-hint`).
fn edit_area(ctx: &Ctx, id: &str, label: &str, v: &str) -> Markup {
    let html_id = format!("crm-{id}");
    let hint_id = format!("crm-{id}-hint");
    html! {
        label for=(html_id) { (ctx.t(label)) }
        textarea id=(html_id) name=(id) rows="3" aria-describedby=(hint_id) { (v) }
        p id=(hint_id) .hint { (ctx.t(&format!("{label}-hint"))) }
    }
}

/// The edit form, filled with the record.
fn edit_form(ctx: &Ctx, c: &CustomerFull) -> Markup {
    let r = &c.record;
    let phones: Vec<String> = r
        .phones
        .iter()
        .map(|p| format!("{}, {}", p.number, p.kind.as_str()))
        .collect();
    let a = r.addresses.first().cloned().unwrap_or_default();
    let fields: Vec<String> = r.fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        form #crm-edit .stack hx-post={ "/ui/customers/" (c.id) } hx-target="#crm-edit-msg" {
            input type="hidden" name="version" value=(c.version);
            (edit_input(ctx, "name", "crm-name", &r.name))
            (edit_input(ctx, "external_id", "crm-external-id", &or_empty(&r.external_id)))
            (edit_area(ctx, "phones", "crm-phones", &phones.join("\n")))
            (edit_area(ctx, "emails", "crm-emails", &r.emails.join("\n")))
            (edit_input(ctx, "street", "crm-street", &or_empty(&a.street)))
            (edit_input(ctx, "postal_code", "crm-postal-code", &or_empty(&a.postal_code)))
            (edit_input(ctx, "city", "crm-city", &or_empty(&a.city)))
            (edit_input(ctx, "country", "crm-country", &or_empty(&a.country)))
            (edit_input(ctx, "language", "language", &or_empty(&r.language)))
            (edit_input(ctx, "tags", "crm-tags", &r.tags.join(", ")))
            (edit_area(ctx, "fields", "crm-fields", &fields.join("\n")))
            button type="submit" { (ctx.t("save")) }
            span #crm-edit-msg role="status" {}
        }
    }
}

/// The merge form, and the records merged into this one with their undo.
async fn merge_box(
    st: &AppState,
    ctx: &Ctx,
    t: &store::Tenant,
    c: &CustomerFull,
) -> ApiResult<Markup> {
    let merged = st.store.customers_merged_into(t, c.id).await?;
    Ok(html! {
        form.row hx-post={ "/ui/customers/" (c.id) "/merge" } hx-target="#crm-merge-msg" {
            label for="crm-other" { (ctx.t("crm-merge-other")) }
            input #crm-other name="other" inputmode="numeric" required size="8";
            button.secondary type="submit" { (ctx.t("crm-merge")) }
            span #crm-merge-msg role="status" {}
        }
        @if !merged.is_empty() {
            h3 { (ctx.t("crm-merged-here")) }
            ul #crm-merged .plain {
                @for m in &merged {
                    li {
                        "#" (m.id) " " (m.record.name) " "
                        button.secondary type="button"
                            hx-post={ "/ui/customers/" (c.id) "/unmerge" }
                            hx-vals=(other_vals(m.id)) { (ctx.t("crm-unmerge")) }
                    }
                }
            }
        }
    })
}

/// A change of the record in words (plain text): its cause (`import:3`,
/// `edit`, `merge:12`…) and the parts it changed (a JSON list).
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
        ctx.ta(&format!("crm-cause-{head}"), &[("n", n)])
    } else {
        cause.to_string()
    };
    let parts: Vec<String> = serde_json::from_str::<Vec<String>>(fields)
        .unwrap_or_default()
        .iter()
        .map(|f| match f.strip_prefix("fields.") {
            Some(custom) => custom.to_string(),
            None => ctx.t(&format!("crm-part-{f}")),
        })
        .collect();
    if parts.is_empty() {
        said
    } else {
        format!("{said}: {}", parts.join(", "))
    }
}

/// What a timeline entry says: a contact's channel, state and outcome (or
/// disposition) and a dial's outcome in words; other entries as they are.
fn entry_text(ctx: &Ctx, e: &TimelineEntry) -> String {
    let words = |prefixes: [&str; 3]| {
        [&e.a, &e.b, &e.c]
            .into_iter()
            .zip(prefixes)
            .filter_map(|(v, p)| v.as_deref().map(|v| (v, p)))
            .map(|(v, p)| match p {
                "" => v.to_string(),
                p => popup::known_label(ctx, p, v),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    match e.kind.as_str() {
        "change" => change_text(
            ctx,
            e.a.as_deref().unwrap_or(""),
            e.b.as_deref().unwrap_or(""),
        ),
        "contact" => words(["channel", "interaction", "outcome"]),
        "dial" => words(["", "", "dial-outcome"]),
        _ => words(["", "", ""]),
    }
}

/// One entry of the timeline (`id` is the record's: an entry of a record
/// merged into it is marked with its number).
pub(super) fn timeline_entry(ctx: &Ctx, id: i64, e: &TimelineEntry) -> Markup {
    let what = entry_text(ctx, e);
    html! {
        li data-kind=(e.kind) {
            time { (ctx.datetime(e.at)) } " "
            strong { (ctx.t(&format!("crm-kind-{}", e.kind))) }
            @if e.customer_id != id { " " span.badge { "#" (e.customer_id) } }
            " " (what)
            @if let Some(i) = e.interaction_id { " " span.hint { "#" (i) } }
        }
    }
}

/// The timeline, newest first, with a link to older entries.
async fn timeline(
    st: &AppState,
    ctx: &Ctx,
    t: &store::Tenant,
    id: i64,
    before: Option<i64>,
) -> ApiResult<Markup> {
    const PAGE: i64 = 30;
    let entries = st.store.customer_timeline(t, id, before, PAGE).await?;
    let older = entries.last().filter(|_| entries.len() as i64 == PAGE);
    Ok(html! {
        ol #crm-timeline .timeline {
            @for e in &entries { (timeline_entry(ctx, id, e)) }
        }
        @if let Some(last) = older {
            p {
                a href={ "/ui/customers/" (id) "?before=" (last.seq) "#crm-t-h" } {
                    (ctx.t("crm-older"))
                }
            }
        }
    })
}

/// A card of the record page: a heading (`h_id` its id) and its content.
fn card(h_id: &str, title: &str, body: Markup) -> Markup {
    html! {
        section.card aria-labelledby=(h_id) {
            h2 id=(h_id) { (title) }
            (body)
        }
    }
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
    let back = html! { p { a href="/ui/customers" { "← " (ctx.t("crm-title")) } } };
    let tl = card(
        "crm-t-h",
        &ctx.t("crm-timeline"),
        timeline(&st, &ctx, &t, id, before).await?,
    );
    let privacy = super::privacy::section(&ctx, &c);
    let main = if c.erased_at.is_some() {
        // Nothing left to edit, merge or ask.
        html! { (back) .grid { (privacy) (tl) } }
    } else {
        let merge = merge_box(&st, &ctx, &t, &c).await?;
        let consents = super::consents::section_html(&st, &ctx, id).await?;
        html! {
            (back)
            .grid {
                (card("crm-r-h", &c.record.name, parts(&ctx, &c)))
                (card("crm-e-h", &ctx.t("edit"), edit_form(&ctx, &c)))
                (card("crm-m-h", &ctx.t("crm-merge"), merge))
                (consents)
                (tl)
                (privacy)
            }
        }
    };
    Ok(layout(
        &ctx,
        "crm-record",
        "/ui/customers",
        "crm",
        None,
        main,
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
