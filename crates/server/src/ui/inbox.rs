//! The agent desktop's inbox: the agent's concurrent work as a list with one
//! conversation open, the offers in a dock that stays in view (with why each
//! came to this agent, in words), and the keyboard shortcuts' help.
//!
//! Which conversation is open is the page's choice (`assets/app.js` keeps
//! it across live refreshes); the server opens the first one being worked
//! on. Offers carry `data-offer` so the page can ring, retitle itself,
//! notify and announce each new one exactly once.

use model::event::Reason;
use model::state::InteractionState;
use store::read::InteractionView;

use super::popup::{self, CustomerPop};
use super::{Ctx, Markup, html};
use crate::tenant::QueueInfo;

/// One line of the inbox and the panel it opens.
pub struct Item<'a> {
    /// The interaction.
    pub it: &'a InteractionView,
    /// Its customer's screen pop (for the name).
    pub pop: &'a CustomerPop,
    /// When it started being the agent's (offered or accepted), Unix ms.
    pub since: i64,
    /// What the panel shows.
    pub body: Markup,
}

/// The keyboard shortcuts: the action (`data-key` on its control), the keys
/// (`aria-keyshortcuts` form) and the message naming it.
pub const SHORTCUTS: &[(&str, &str, &str)] = &[
    ("accept", "Alt+A", "shortcut-accept"),
    ("reject", "Alt+R", "shortcut-reject"),
    ("next", "Alt+N", "shortcut-next"),
    ("previous", "Alt+P", "shortcut-previous"),
    ("message", "Alt+M", "shortcut-message"),
    ("send", "Control+Enter", "shortcut-send"),
    ("disposition", "Alt+D", "shortcut-disposition"),
    ("complete", "Alt+C", "shortcut-complete"),
    ("ready", "Alt+Y", "shortcut-ready"),
    ("not-ready", "Alt+U", "shortcut-not-ready"),
    ("help", "?", "shortcut-help"),
];

/// The keys of an action, for `aria-keyshortcuts`.
pub fn keys(action: &str) -> &'static str {
    SHORTCUTS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map_or("", |(_, k, _)| k)
}

/// The work panel: the offers' dock, then the inbox with one item open.
pub fn render(ctx: &Ctx, offers: Vec<Markup>, items: Vec<Item<'_>>) -> Markup {
    let open = items
        .iter()
        .position(|i| i.it.state != InteractionState::Offered)
        .unwrap_or(0);
    html! {
        @if !offers.is_empty() {
            div.offer-dock #offer-dock { @for o in offers { (o) } }
        }
        div.inbox-wrap {
            nav.inbox aria-label=(ctx.t("inbox")) {
                h2.inbox-h { (ctx.t("inbox")) " " span.count { (items.len()) } }
                ul {
                    @for (n, i) in items.iter().enumerate() { (line(ctx, i, n == open)) }
                }
            }
            div.inbox-main {
                @for (n, i) in items.iter().enumerate() {
                    div.item #(format!("item-{}", i.it.id)) data-item=(i.it.id) hidden[n != open] {
                        (i.body)
                    }
                }
            }
        }
    }
}

/// An inbox line: channel, who, state and how long.
fn line(ctx: &Ctx, i: &Item<'_>, open: bool) -> Markup {
    let id = i.it.id;
    let who = i
        .pop
        .customer
        .as_ref()
        .map(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| i.it.subject.clone())
        .unwrap_or_else(|| format!("#{id}"));
    let (state, cls) = match i.it.state {
        InteractionState::Offered => (ctx.t("state-reserved"), "reserved"),
        InteractionState::Ended => (ctx.t("state-wrap-up"), "wrap_up"),
        _ => (ctx.t("state-busy"), "busy"),
    };
    html! {
        li {
            button type="button" .inbox-item data-open=(id)
                aria-controls=(format!("item-{id}")) aria-pressed=(open) {
                span.ch { (popup::channel_label(ctx, i.it.channel.as_str())) " #" (id) }
                strong.who { (who) }
                span.badge.(cls) { (state) }
                span.hint data-since=(i.since) { "0:00" }
            }
        }
    }
}

/// Why routing offered it to this agent, in words (rule, step, strategy).
pub fn why(ctx: &Ctx, reason: &Reason, queues: &[QueueInfo]) -> Markup {
    let by = format!("why-by-{}", reason.by.as_ref());
    let by = if i18n::Catalog::global().has(ctx.lang, &by) {
        ctx.t(&by)
    } else {
        reason.by.as_ref().to_string()
    };
    let queue = reason
        .queue
        .and_then(|q| queues.iter().find(|x| x.id == q.0))
        .map(|q| q.name.clone());
    html! {
        p.why {
            strong { (ctx.t("why-title")) } " "
            @if let Some(rule) = &reason.rule {
                (ctx.ta("why-rule", &[("value", i18n::Arg::Str(rule.as_ref()))])) " · "
            }
            @if let (Some(q), Some(step)) = (&queue, reason.step) {
                (ctx.ta("why-step", &[
                    ("queue", i18n::Arg::Str(q)),
                    ("n", i18n::Arg::Num(f64::from(step) + 1.0)),
                ]))
                " · "
            }
            (by)
        }
    }
}

/// The canned replies of a conversation: picking one puts its text in the
/// field `target` (the page's script), for the agent to edit and send.
pub fn canned(ctx: &Ctx, target: &str, replies: &[(String, String)]) -> Markup {
    if replies.is_empty() {
        return html! {};
    }
    let id = format!("canned-{target}");
    html! {
        div.card.canned {
            label for=(id) { (ctx.t("canned-replies")) }
            select #(id) data-canned=(target) {
                option value="" { "—" }
                @for (title, text) in replies { option value=(text) { (title) } }
            }
        }
    }
}

/// The keyboard shortcuts' help: a dialog the `?` key or its button opens.
pub fn help(ctx: &Ctx) -> Markup {
    html! {
        dialog #shortcuts aria-labelledby="shortcuts-h" {
            h2 #shortcuts-h { (ctx.t("shortcuts-title")) }
            table {
                thead { tr { th scope="col" { (ctx.t("shortcut-keys")) } th scope="col" { (ctx.t("shortcut-action")) } } }
                tbody {
                    @for (_, keys, id) in SHORTCUTS {
                        tr { td { kbd { (keys) } } td { (ctx.t(id)) } }
                    }
                }
            }
            form method="dialog" { button type="submit" #shortcuts-close { (ctx.t("close")) } }
        }
    }
}

/// The desktop's own tools: sound on offers, desktop notifications, the
/// shortcuts' help; and the region that announces offers to screen readers.
pub fn tools(ctx: &Ctx) -> Markup {
    html! {
        div.row.desk-tools {
            button type="button" .secondary #sound-toggle aria-pressed="true" { (ctx.t("offer-sound")) }
            button type="button" .secondary #notify-enable { (ctx.t("offer-notifications")) }
            button type="button" .secondary #shortcuts-open aria-keyshortcuts="?" data-key="help" {
                (ctx.t("shortcuts-title"))
            }
        }
        div #announce .sr aria-live="assertive" aria-atomic="true" {}
        (help(ctx))
    }
}
