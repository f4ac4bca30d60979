//! The cases pages (`/ui/cases`): a search by reference, debtor's name,
//! phone or external id, the cases counted by state and flag (each a
//! filter), and one case: its money (debts, payments, promises), its flags,
//! what may be done on it (moves the type allows the user's role, flags,
//! a promise, a plan, a dispute, a settlement or write-off for supervisors)
//! and its history with the cause of each change. The same rules as the
//! API ([`crate::routes::cases`]): agents see the cases of customers of
//! their own work. The forms are in [`super::case_forms`].

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use center::cases::{CaseCommand, CaseQuery, CaseView, PromiseView};

use super::{Ctx, Markup, html, layout};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::cases::{HistoryItem, case_call, history_items, own_customers, visible};
use crate::routes::path_id;
use crate::tenant::Ack;

/// Most cases the list shows.
const LISTED: usize = 200;

/// The cases a query finds, as the principal may see them.
pub(super) async fn find(
    st: &AppState,
    p: &Principal,
    mut q: CaseQuery,
) -> ApiResult<Vec<CaseView>> {
    if crate::perms::own_work(p.role, Action::CasesRead) {
        let mine = own_customers(st, p).await?;
        q.customers = Some(match q.customers.take() {
            Some(asked) => asked.into_iter().filter(|c| mine.contains(c)).collect(),
            None => mine,
        });
    }
    let Ack::Cases(found) = case_call(st, p, CaseCommand::Query(q)).await? else {
        return Err(ApiError::internal("unexpected ack"));
    };
    Ok(found)
}

/// Money with its currency.
pub(super) fn money(amount: &str, currency: &str) -> String {
    format!("{amount} {currency}")
}

/// A name from a case type (a state, a flag): the product's words for the
/// shipped type's names, else the name itself, marked as a name.
pub(super) fn name_words(ctx: &Ctx, kind: &str, name: &str) -> Markup {
    let key = format!("case-{kind}-{}", name.replace('_', "-"));
    let words = ctx.t(&key);
    html! {
        @if words == key { code { (name) } } @else { (words) }
    }
}

/// [`name_words`] as plain text (an `option`'s).
pub(super) fn name_text(ctx: &Ctx, kind: &str, name: &str) -> String {
    let key = format!("case-{kind}-{}", name.replace('_', "-"));
    let words = ctx.t(&key);
    if words == key {
        name.to_string()
    } else {
        words
    }
}

/// Flags in words, separated by commas.
fn flags_words(ctx: &Ctx, flags: &[String]) -> Markup {
    html! {
        @for (i, f) in flags.iter().enumerate() {
            @if i > 0 { ", " }
            (name_words(ctx, "flag", f))
        }
    }
}

/// A case's state, with a mark when it is recalled or disputed.
fn state_cell(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        span.state data-state=(c.state) { (name_words(ctx, "state", &c.state)) }
        @if c.recalled { " " span.badge { (ctx.t("case-recalled")) } }
        @if c.disputed { " " span.badge { (ctx.t("case-disputed")) } }
    }
}

/// The next pending promise of a case.
fn next_promise(c: &CaseView) -> Option<&PromiseView> {
    c.promises
        .iter()
        .filter(|p| p.state == workflow::PromiseState::Pending)
        .min_by(|a, b| a.due_date.cmp(&b.due_date))
}

fn table(ctx: &Ctx, list: &[CaseView]) -> Markup {
    html! {
        div.scroll tabindex="0" role="region" aria-label=(ctx.t("cases-title")) {
            table.list #cases-list {
                thead { tr {
                    @for id in ["case-reference", "case-debtor", "case-state", "case-flags", "case-balance", "case-next-promise", "case-owner"] {
                        th scope="col" { (ctx.t(id)) }
                    }
                } }
                tbody {
                    @for c in list {
                        tr data-case=(c.id) {
                            td { a href={ "/ui/cases/" (c.id) } { (c.reference) } }
                            td { (c.debtor) }
                            td { (state_cell(ctx, c)) }
                            td { (flags_words(ctx, &c.flags)) }
                            td.num { (money(&c.balance, &c.currency)) }
                            td { @if let Some(p) = next_promise(c) { (money(&p.amount, &c.currency)) " · " (p.due_date) } }
                            td { (c.owner.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// Counts by a key, as filter links.
fn counts(
    ctx: &Ctx,
    label: &str,
    key: &str,
    values: BTreeMap<&str, usize>,
    now: Option<&str>,
) -> Markup {
    html! {
        p.filters {
            (ctx.t(label)) ": "
            @for (v, n) in &values {
                @let here = now == Some(*v);
                a href={ "/ui/cases?" (key) "=" (v) } aria-current=[here.then_some("true")] {
                    (name_words(ctx, key, v)) " (" (n) ")"
                }
                " "
            }
        }
    }
}

/// `GET /ui/cases?q=&state=&flag=`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::CasesRead)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let get = |k: &str| {
        q.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.len() <= workflow::limits::REFERENCE_MAX)
    };
    let (text, state, flag) = (get("q"), get("state"), get("flag"));
    let all = find(&st, &ctx.p, CaseQuery::default()).await?;
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_flag: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &all {
        *by_state.entry(&c.state).or_default() += 1;
        for f in &c.flags {
            *by_flag.entry(f).or_default() += 1;
        }
    }
    let query = CaseQuery {
        q: text.clone(),
        state: state.clone(),
        flag: flag.clone(),
        limit: LISTED,
        ..Default::default()
    };
    let found = find(&st, &ctx.p, query).await?;
    let main = html! {
        section.card aria-labelledby="cases-s-h" {
            h2 #cases-s-h { (ctx.t("cases-search")) }
            form.row method="get" action="/ui/cases" role="search" {
                label for="cases-q" { (ctx.t("cases-search")) }
                input #cases-q name="q" value=(text.as_deref().unwrap_or("")) maxlength="64" aria-describedby="cases-q-hint";
                button type="submit" { (ctx.t("search")) }
                @if text.is_some() || state.is_some() || flag.is_some() {
                    a href="/ui/cases" { (ctx.t("cases-all")) }
                }
            }
            p #cases-q-hint .hint { (ctx.t("cases-search-hint")) }
            (counts(&ctx, "case-state", "state", by_state, state.as_deref()))
            @if !by_flag.is_empty() { (counts(&ctx, "case-flags", "flag", by_flag, flag.as_deref())) }
            @if found.is_empty() {
                p #cases-none .hint { (ctx.t("cases-none")) }
            } @else {
                (table(&ctx, &found))
            }
        }
    };
    Ok(layout(
        &ctx,
        "cases-title",
        "/ui/cases",
        "cases",
        None,
        main,
    ))
}

fn debts_table(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        table.list #case-debts {
            caption { (ctx.t("case-debts")) }
            thead { tr {
                @for id in ["case-creditor", "case-due-date", "case-principal", "case-fees", "case-interest", "case-outstanding"] {
                    th scope="col" { (ctx.t(id)) }
                }
            } }
            tbody {
                @for d in &c.debts {
                    tr {
                        td { (d.creditor) } td { (d.due_date) }
                        td.num { (d.principal) } td.num { (d.fees) } td.num { (d.interest) } td.num { (d.outstanding) }
                    }
                }
            }
        }
    }
}

fn payments_table(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        @if c.payments.is_empty() {
            p.hint { (ctx.t("case-no-payments")) }
        } @else {
            table.list #case-payments {
                caption { (ctx.t("case-payments")) }
                thead { tr {
                    @for id in ["case-date", "case-amount", "case-payment-reference"] { th scope="col" { (ctx.t(id)) } }
                } }
                tbody {
                    @for p in &c.payments {
                        tr { td { (p.date) } td.num { (money(&p.amount, &c.currency)) } td { (p.reference) } }
                    }
                }
            }
        }
    }
}

/// A promise's state as the API writes it.
pub(super) fn promise_state(s: workflow::PromiseState) -> &'static str {
    match s {
        workflow::PromiseState::Pending => "pending",
        workflow::PromiseState::Kept => "kept",
        workflow::PromiseState::Broken => "broken",
    }
}

fn promises_table(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        @if c.promises.is_empty() {
            p.hint { (ctx.t("case-no-promises")) }
        } @else {
            table.list #case-promises {
                caption { (ctx.t("case-promises")) }
                thead { tr {
                    @for id in ["case-due-date", "case-amount", "case-paid", "case-promise-state"] { th scope="col" { (ctx.t(id)) } }
                } }
                tbody {
                    @for p in &c.promises {
                        tr data-promise-state=(promise_state(p.state)) {
                            td { (p.due_date) } td.num { (money(&p.amount, &c.currency)) } td.num { (p.paid) }
                            td { (ctx.t(&format!("promise-{}", promise_state(p.state)))) }
                        }
                    }
                }
            }
        }
    }
}

/// The summary of a case: state, flags, money.
pub(super) fn summary(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        dl.facts {
            dt { (ctx.t("case-state")) } dd data-field="state" { (state_cell(ctx, c)) }
            dt { (ctx.t("case-balance")) } dd data-field="balance" { strong { (money(&c.balance, &c.currency)) } }
            dt { (ctx.t("case-paid")) } dd { (money(&c.paid, &c.currency)) }
            @if c.written_off != "0.00" {
                dt { (ctx.t("case-written-off")) } dd { (money(&c.written_off, &c.currency)) }
            }
            @if let Some(s) = &c.settlement {
                dt { (ctx.t("case-settlement")) } dd { (money(s, &c.currency)) }
            }
            dt { (ctx.t("case-flags")) } dd data-field="flags" { (flags_words(ctx, &c.flags)) }
            @if let Some(p) = next_promise(c) {
                dt { (ctx.t("case-next-promise")) } dd { (money(&p.amount, &c.currency)) " · " (p.due_date) }
            }
        }
    }
}

/// Who or what caused a change, in words (names as names).
fn cause_text(ctx: &Ctx, cause: Option<&serde_json::Value>) -> Markup {
    let Some(c) = cause else {
        return html! {};
    };
    let s = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let n = |k: &str| {
        c.get(k)
            .and_then(|v| v.as_u64())
            .map(|n| format!("#{n}"))
            .unwrap_or_default()
    };
    let (id, arg) = match c.get("by").and_then(|v| v.as_str()).unwrap_or("") {
        "user" => ("case-by-user", format!("{} ({})", s("user"), s("role"))),
        "import" => ("case-by-import", s("import")),
        "interaction" => ("case-by-call", n("interaction")),
        "payment" => ("case-by-payment", s("payment")),
        "trigger" => ("case-by-trigger", s("trigger")),
        "timer" => ("case-by-timer", s("timer")),
        "sla" => ("case-by-sla", s("state")),
        _ => return html! {},
    };
    html! { (ctx.t(id)) " " code { (arg) } }
}

/// What changed, beside its kind: the other fields of the change, briefly
/// (an object's fields inline).
fn change_text(change: &serde_json::Value) -> String {
    let Some(o) = change.as_object() else {
        return String::new();
    };
    o.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "kind" | "action"))
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => return None,
                serde_json::Value::Object(_) => return Some(change_text(v)),
                other => other.to_string(),
            };
            Some(match k.as_str() {
                "outcome" => v,
                _ => format!("{k}: {v}"),
            })
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The words of a history entry's kind.
fn kind_words(ctx: &Ctx, h: &HistoryItem) -> String {
    let kind = h.change.get("kind").and_then(|k| k.as_str());
    match (h.kind.as_str(), kind) {
        ("case_fact", Some(k)) => ctx.t(&format!("case-change-{}", k.replace('_', "-"))),
        ("case_letter_ordered", _) => ctx.t("case-letter"),
        _ => ctx.t("case-action"),
    }
}

fn history(ctx: &Ctx, items: &[HistoryItem]) -> Markup {
    html! {
        ol.timeline #case-history reversed {
            @for h in items.iter().rev() {
                li data-kind=(h.change.get("kind").and_then(|k| k.as_str()).unwrap_or(&h.kind)) {
                    time { (ctx.datetime(h.at)) } " "
                    strong { (kind_words(ctx, h)) } " "
                    code.detail { (change_text(&h.change)) } " "
                    span.hint { (cause_text(ctx, h.cause.as_ref())) }
                }
            }
        }
    }
}

/// `GET /ui/cases/{id}`.
pub async fn detail(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "case")?;
    let case = visible(&st, &p, Action::CasesRead, id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let items = history_items(&st, &ctx.p, case.id as i64).await?;
    let title = ctx.ta("case-title", &[("value", i18n::Arg::Str(&case.reference))]);
    let main = html! {
        p { a href="/ui/cases" { (ctx.t("cases-back")) } }
        section.card aria-labelledby="case-h" {
            h2 #case-h { (title) }
            p {
                (ctx.t("case-debtor")) ": "
                @match (case.customer_id, crate::perms::allowed(ctx.p.role, Action::CustomersManage)) {
                    (Some(c), true) => a href={ "/ui/customers/" (c) } { (case.debtor) },
                    _ => span { (case.debtor) },
                }
                @if let Some(o) = &case.owner { " · " (ctx.t("case-owner")) ": " (o) }
            }
            (summary(&ctx, &case))
            p #case-msg role="status" {}
        }
        (super::case_forms::forms(&ctx, &case))
        section.card aria-labelledby="case-money-h" {
            h2 #case-money-h { (ctx.t("case-money")) }
            (debts_table(&ctx, &case))
            (payments_table(&ctx, &case))
            (promises_table(&ctx, &case))
        }
        section.card aria-labelledby="case-history-h" {
            h2 #case-history-h { (ctx.t("case-history")) }
            (history(&ctx, &items))
        }
    };
    Ok(layout(
        &ctx,
        "cases-title",
        "/ui/cases",
        "cases",
        None,
        main,
    ))
}

/// The cases of the customer on the line, for the desktop: open ones first,
/// each with its state, balance, next promise and a link to its page.
pub(super) async fn desk_card(
    st: &AppState,
    ctx: &Ctx,
    customer: Option<i64>,
) -> ApiResult<Option<Markup>> {
    let Some(c) = customer else {
        return Ok(None);
    };
    if !crate::perms::allowed(ctx.p.role, Action::CasesRead) {
        return Ok(None);
    }
    let q = CaseQuery {
        customers: Some(vec![c]),
        limit: 20,
        ..Default::default()
    };
    let mut list = find(st, &ctx.p, q).await?;
    if list.is_empty() {
        return Ok(None);
    }
    list.sort_by_key(|c| (c.balance == "0.00" || c.recalled, std::cmp::Reverse(c.id)));
    list.truncate(3);
    Ok(Some(html! {
        section.card.desk-case aria-label=(ctx.t("case-of-customer")) {
            h3 { (ctx.t("case-of-customer")) }
            @for c in &list {
                p {
                    a href={ "/ui/cases/" (c.id) } target="_blank" { (c.reference) }
                    " · " (state_cell(ctx, c))
                }
                (summary(ctx, c))
            }
        }
    }))
}
