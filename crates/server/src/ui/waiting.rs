//! The wallboard's waiting interactions (in a queue, ringing at nobody: what
//! the queues' *waiting now* counts and what may be reassigned): how many
//! wait, and one page of them ([`PAGE_SIZE`] a page, oldest first) with
//! *reassign* to an agent who is available. The pages are links (`/ui/wallboard?waiting_page=N`), and the
//! board's live refresh keeps the page it shows; a page past the end shows
//! the last one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::http::HeaderMap;
use i18n::Arg;

use super::live::Contact;
use super::{Ctx, esc};

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

fn pager(ctx: &Ctx, p: &Page) -> String {
    if p.pages <= 1 {
        return String::new();
    }
    let link = |n: usize, rel: &str, label: String| {
        format!("<a href=\"/ui/wallboard?waiting_page={n}\" rel=\"{rel}\">{label}</a>")
    };
    let mut s = format!(
        "<nav class=\"row pager no-tv\" aria-label=\"{}\">",
        ctx.te("waiting-pages")
    );
    if p.page > 1 {
        s.push_str(&link(p.page - 1, "prev", ctx.te("page-previous")));
    }
    let _ = write!(s, "<span>{} / {}</span>", p.page, p.pages);
    if p.page < p.pages {
        s.push_str(&link(p.page + 1, "next", ctx.te("page-next")));
    }
    s.push_str("</nav>");
    s
}

/// The section: heading, how many wait (and which are shown), the page's
/// table, and the links to the other pages.
pub fn html(
    ctx: &Ctx,
    p: &Page,
    queues: &BTreeMap<u32, &str>,
    available: &[&store::read::AgentView],
    now: i64,
) -> String {
    let mut s = format!(
        "<h2 class=\"no-tv\" id=\"waiting-h\">{}</h2>",
        ctx.te("waiting-interactions")
    );
    if p.total == 0 {
        let _ = write!(
            s,
            "<p class=\"hint no-tv\">{}</p>",
            ctx.te("nobody-waiting")
        );
        return s;
    }
    let count = ctx.tae("waiting-count", &[("count", Arg::Num(p.total as f64))]);
    let shown = if p.pages > 1 {
        let first = (p.page - 1) * PAGE_SIZE + 1;
        let last = first + p.rows.len() - 1;
        format!(
            " · {}",
            ctx.tae(
                "waiting-shown",
                &[
                    ("first", Arg::Num(first as f64)),
                    ("last", Arg::Num(last as f64))
                ]
            )
        )
    } else {
        String::new()
    };
    let _ = write!(
        s,
        "<p class=\"no-tv waiting-total\" data-total=\"{}\">{count}{shown}</p>{}",
        p.total,
        pager(ctx, p)
    );
    let mut opts = String::new();
    for a in available {
        let _ = write!(opts, "<option value=\"{}\">{}</option>", a.id, esc(&a.name));
    }
    let _ = write!(
        s,
        "<table class=\"waiting no-tv\" aria-describedby=\"waiting-h\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("queue"),
        ctx.te("waited"),
        ctx.te("reassign")
    );
    for (id, c) in &p.rows {
        row(ctx, *id, c, queues, &opts, now, &mut s);
    }
    s.push_str("</tbody></table>");
    s
}

fn row(
    ctx: &Ctx,
    id: i64,
    c: &Contact,
    queues: &BTreeMap<u32, &str>,
    opts: &str,
    now: i64,
    s: &mut String,
) {
    let qname = c.queue.and_then(|q| queues.get(&q).copied()).unwrap_or("—");
    let form = if opts.is_empty() {
        format!("<span class=\"hint\">{}</span>", ctx.te("nobody-available"))
    } else {
        format!(
            "<form class=\"row\" hx-post=\"/ui/wallboard/interactions/{id}/assign\" hx-target=\"#board\">\
<label for=\"assign-{id}\" class=\"sr\">{l}</label><select id=\"assign-{id}\" name=\"agent_id\">{opts}</select><button type=\"submit\">{l}</button></form>",
            l = ctx.te("reassign"),
        )
    };
    let _ = write!(
        s,
        "<tr data-waiting=\"{id}\"><td>{id}</td><td>{}</td><td><span data-since=\"{}\">0:00</span></td><td>{form}</td></tr>",
        esc(qname),
        c.queued_at.unwrap_or(now),
    );
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
