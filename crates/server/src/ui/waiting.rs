//! The wallboard's waiting interactions (in a queue, ringing at nobody: what
//! the queues' *waiting now* counts and what may be reassigned): how many
//! wait, and one page of them ([`PAGE_SIZE`] a page, oldest first) with
//! *reassign* to an agent who is available. The pages are links (`/ui/wallboard?waiting_page=N`), and the
//! board's live refresh keeps the page it shows; a page past the end shows
//! the last one.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use i18n::Arg;

use super::live::Contact;
use super::{Ctx, Markup, html};

/// Interactions shown a page.
pub const PAGE_SIZE: usize = 50;

/// One page of the waiting interactions.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The interactions on it, oldest first.
    pub rows: Vec<(i64, Contact)>,
    /// How many wait in all.
    pub total: usize,
    /// Which page (from 1).
    pub page: usize,
    /// How many pages (at least 1).
    pub pages: usize,
}

impl Page {
    /// Page `page` (from 1; 0 is 1, past the end is the last) of `all`.
    pub fn of(all: &[(i64, &Contact)], page: u32) -> Page {
        let pages = all.len().div_ceil(PAGE_SIZE).max(1);
        let page = (page as usize).clamp(1, pages);
        let rows = all
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|(id, c)| (*id, (*c).clone()))
            .collect();
        Page {
            rows,
            total: all.len(),
            page,
            pages,
        }
    }
}

/// The page the wallboard shows, from the URL of the page an htmx request
/// came from (`HX-Current-URL`), so an action keeps the page in view.
pub fn page_of_request(headers: &HeaderMap) -> u32 {
    headers
        .get("hx-current-url")
        .and_then(|v| v.to_str().ok())
        .and_then(|u| u.split_once('?'))
        .and_then(|(_, q)| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("waiting_page="))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(1)
}

fn pager(ctx: &Ctx, p: &Page) -> Markup {
    html! {
        @if p.pages > 1 {
            nav.row.pager.no-tv aria-label=(ctx.t("waiting-pages")) {
                @if p.page > 1 {
                    a href=(format!("/ui/wallboard?waiting_page={}", p.page - 1)) rel="prev" {
                        (ctx.t("page-previous"))
                    }
                }
                span { (p.page) " / " (p.pages) }
                @if p.page < p.pages {
                    a href=(format!("/ui/wallboard?waiting_page={}", p.page + 1)) rel="next" {
                        (ctx.t("page-next"))
                    }
                }
            }
        }
    }
}

/// How many wait, and which of them this page shows.
fn total(ctx: &Ctx, p: &Page) -> Markup {
    let count = ctx.ta("waiting-count", &[("count", Arg::Num(p.total as f64))]);
    let shown = (p.pages > 1).then(|| {
        let first = (p.page - 1) * PAGE_SIZE + 1;
        let last = first + p.rows.len() - 1;
        ctx.ta(
            "waiting-shown",
            &[
                ("first", Arg::Num(first as f64)),
                ("last", Arg::Num(last as f64)),
            ],
        )
    });
    html! {
        p.no-tv.waiting-total data-total=(p.total) {
            (count)
            @if let Some(shown) = shown { " · " (shown) }
        }
    }
}

/// The section: heading, how many wait (and which are shown), the page's
/// table, and the links to the other pages.
pub fn html(
    ctx: &Ctx,
    p: &Page,
    queues: &BTreeMap<u32, &str>,
    available: &[&store::read::AgentView],
    now: i64,
) -> Markup {
    html! {
        h2.no-tv #waiting-h { (ctx.t("waiting-interactions")) }
        @if p.total == 0 {
            p.hint.no-tv { (ctx.t("nobody-waiting")) }
        } @else {
            (total(ctx, p))
            (pager(ctx, p))
            table.waiting.no-tv aria-describedby="waiting-h" {
                thead {
                    tr {
                        th scope="col" { "#" }
                        th scope="col" { (ctx.t("queue")) }
                        th scope="col" { (ctx.t("waited")) }
                        th scope="col" { (ctx.t("reassign")) }
                    }
                }
                tbody {
                    @for (id, c) in &p.rows {
                        (row(ctx, *id, c, queues, available, now))
                    }
                }
            }
        }
    }
}

fn row(
    ctx: &Ctx,
    id: i64,
    c: &Contact,
    queues: &BTreeMap<u32, &str>,
    available: &[&store::read::AgentView],
    now: i64,
) -> Markup {
    let qname = c.queue.and_then(|q| queues.get(&q).copied()).unwrap_or("—");
    let select = format!("assign-{id}");
    html! {
        tr data-waiting=(id) {
            td { (id) }
            td { (qname) }
            td { span data-since=(c.queued_at.unwrap_or(now)) { "0:00" } }
            td {
                @if available.is_empty() {
                    span.hint { (ctx.t("nobody-available")) }
                } @else {
                    form.row hx-post=(format!("/ui/wallboard/interactions/{id}/assign"))
                        hx-target="#board" {
                        label.sr for=(select) { (ctx.t("reassign")) }
                        select #(select) name="agent_id" {
                            @for a in available { option value=(a.id) { (a.name) } }
                        }
                        button type="submit" { (ctx.t("reassign")) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_fifty_and_a_page_past_the_end_is_the_last() {
        let contacts: Vec<Contact> = (0..120).map(|_| Contact::default()).collect();
        let all: Vec<(i64, &Contact)> = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (i as i64, c))
            .collect();
        let p = Page::of(&all, 1);
        assert_eq!((p.rows.len(), p.total, p.page, p.pages), (50, 120, 1, 3));
        let p = Page::of(&all, 3);
        assert_eq!((p.rows.len(), p.rows[0].0), (20, 100));
        assert_eq!(Page::of(&all, 9).page, 3);
        assert_eq!(Page::of(&all, 0).page, 1);
        assert_eq!(Page::of(&[], 4).pages, 1);
    }

    #[test]
    fn the_page_in_view_comes_from_the_current_url() {
        let mut h = HeaderMap::new();
        assert_eq!(page_of_request(&h), 1);
        h.insert(
            "hx-current-url",
            "http://x/ui/wallboard?tv=1&waiting_page=3".parse().unwrap(),
        );
        assert_eq!(page_of_request(&h), 3);
    }
}
