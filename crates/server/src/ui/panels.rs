//! The agent desktop's panels: the state panel and the work panel (offer,
//! screen pop, conversation, notes, script, disposition, callback, transfer),
//! rendered as maud templates for [`super::desktop`]'s pages and fragments.

use std::collections::HashMap;

use model::event::Reason;
use store::Tenant;
use store::read::{AgentView, InteractionView};

use super::desktop::{WORK_SHOWN, queues};
use super::follow::Feed;
use super::inbox;
use super::live;
use super::popup::{self, CustomerPop};
use super::settings::{DesktopSettings, Disposition, Effect};
use super::{Ctx, Markup, html};
use crate::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::tenant::QueueInfo;

/// A state's label, with its reason code's when not ready (plain text).
pub(super) fn state_label(ctx: &Ctx, state: &str, reason: Option<&str>) -> String {
    let s = ctx.t(&format!("state-{}", state.replace('_', "-")));
    match reason {
        Some(r) => format!("{s} · {}", reason_label(ctx, r)),
        None => s,
    }
}

/// A reason code's label: its translation, else the code itself (plain text).
pub(super) fn reason_label(ctx: &Ctx, r: &str) -> String {
    let id = format!("reason-{r}");
    if i18n::Catalog::global().has(ctx.lang, &id) {
        ctx.t(&id)
    } else {
        r.to_string()
    }
}

/// The state panel: the agent's state, time in it, and the menu to change it.
pub(super) async fn state_html(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    agent: i64,
) -> ApiResult<Markup> {
    let a = st
        .store
        .agent(t, agent)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    let now = clock::now_ms();
    let (mine, day_ms) = live::with(st, t, now, |l| {
        (l.agents.get(&agent).cloned().unwrap_or_default(), l.day_ms)
    })
    .await?;
    let since = Some(mine.since).filter(|s| *s > 0).unwrap_or(now);
    let (_, settings) = DesktopSettings::of(st, t).await?;
    // The current state is the one chosen in the menu.
    let current = match (a.state.as_str(), a.reason.as_deref()) {
        ("not_ready", Some(r)) => format!("not_ready:{r}"),
        (s, _) => s.to_string(),
    };
    Ok(html! {
        p {
            strong.agent-name { (a.name) } " "
            span.badge.(a.state.as_str()) #my-state {
                (state_label(ctx, a.state.as_str(), a.reason.as_deref()))
            }
            " "
            span.hint { (popup::ticking(ctx, "time-in-state", since)) }
        }
        form.row hx-post="/ui/agent/state" hx-target="#agent-state" {
            label for="new-state" { (ctx.t("change-state")) }
            select #new-state name="state" {
                option value="available" selected[current == "available"] {
                    (ctx.t("state-available"))
                }
                @for r in &settings.reasons {
                    @let v = format!("not_ready:{r}");
                    option value=(v) selected[v == current] {
                        (ctx.t("state-not-ready")) " · " (reason_label(ctx, r))
                    }
                }
                option value="offline" selected[current == "offline"] { (ctx.t("state-offline")) }
            }
            button type="submit" { (ctx.t("set-state")) }
        }
        (own_figures(ctx, &mine, day_ms, now))
    })
}

/// The agent's own figures today: contacts handled, average handle time
/// and the time in each state.
fn own_figures(ctx: &Ctx, mine: &live::AgentLive, day_ms: i64, now: i64) -> Markup {
    let aht = mine
        .aht_ms(day_ms, now)
        .map_or_else(|| "—".to_string(), |ms| timer_text(ms / 1000));
    html! {
        dl.own-figures #my-figures aria-label=(ctx.t("my-figures")) {
            div { dt { (ctx.t("contacts-today-col")) } dd #my-contacts { (mine.contacts_today) } }
            div { dt { abbr title=(ctx.t("aht-long")) { (ctx.t("aht")) } } dd #my-aht { (aht) } }
            @for slot in live::StateSlot::ALL {
                div {
                    dt { (ctx.t(slot.key())) }
                    dd { (timer_text(mine.time_in(slot, day_ms, now) / 1000)) }
                }
            }
        }
    }
}

/// What the work panel draws each interaction with.
struct Desk<'a> {
    st: &'a AppState,
    ctx: &'a Ctx,
    t: &'a Tenant,
    /// This agent.
    agent: i64,
    queues: Vec<QueueInfo>,
    settings: DesktopSettings,
    agents: Vec<AgentView>,
    now: i64,
}

/// Everything the work panel shows about the agent's interactions.
pub(super) async fn work_html(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    agent: i64,
) -> ApiResult<Markup> {
    let work = st.store.agent_work(t, agent, WORK_SHOWN).await?;
    if work.is_empty() {
        return Ok(html! {
            section.card { p.hint #no-work { (ctx.t("no-work")) } }
        });
    }
    let now = clock::now_ms();
    // When each was offered, why, and when the agent took it.
    type Times = (Option<i64>, Option<model::event::Reason>, Option<i64>);
    let times: HashMap<i64, Times> = live::with(st, t, now, |l| {
        work.iter()
            .filter_map(|it| {
                let c = l.contacts.get(&it.id)?;
                Some((
                    it.id,
                    (c.offered.map(|(_, at)| at), c.why.clone(), c.answered_at),
                ))
            })
            .collect()
    })
    .await?;
    let d = Desk {
        st,
        ctx,
        t,
        agent,
        queues: queues(st, t).await?,
        settings: DesktopSettings::of(st, t).await?.1,
        agents: st.store.agents(t).await?,
        now,
    };
    let mut pops = Vec::with_capacity(work.len());
    for it in &work {
        pops.push(customer_pop(st, t, it).await?);
    }
    let (mut offers, mut items) = (Vec::new(), Vec::with_capacity(work.len()));
    for (it, pop) in work.iter().zip(&pops) {
        let (offered, why, answered) = times.get(&it.id).cloned().unwrap_or_default();
        let (since, body) = match it.state {
            model::state::InteractionState::Offered => {
                let at = offered.unwrap_or(now);
                offers.push(offer(&d, it, at, why.as_ref()));
                (at, popup::screen_pop(ctx, it, pop))
            }
            _ => (
                answered.unwrap_or(it.created_at),
                interaction(&d, it, pop).await?,
            ),
        };
        items.push(inbox::Item {
            it,
            pop,
            since,
            body,
        });
    }
    Ok(inbox::render(ctx, offers, items))
}

impl Desk<'_> {
    fn queue(&self, it: &InteractionView) -> Option<&QueueInfo> {
        it.queue_id
            .and_then(|q| self.queues.iter().find(|x| i64::from(x.id) == q))
    }

    /// The canned replies offered in a conversation (its queue's, in its
    /// language), filled in for its customer and this agent: title and text.
    fn replies(
        &self,
        it: &InteractionView,
        queue: Option<&str>,
        pop: &CustomerPop,
    ) -> Vec<(String, String)> {
        let attrs: model::Attributes = it
            .attributes
            .clone()
            .and_then(|a| serde_json::from_value(a).ok())
            .unwrap_or_default();
        let lang = attrs.language.as_ref().map(|l| l.as_str());
        let customer = pop.customer.as_ref().map(|c| c.name.as_str());
        let agent = self
            .agents
            .iter()
            .find(|a| a.id == self.agent)
            .map_or("", |a| a.name.as_str());
        self.settings
            .replies
            .iter()
            .filter(|r| r.fits(queue, lang))
            .map(|r| (r.title.clone(), r.fill(customer, agent)))
            .collect()
    }

    /// An interaction's heading: channel, id and queue (plain text).
    fn head(&self, it: &InteractionView) -> String {
        format!(
            "{} #{} · {} {}",
            popup::channel_label(self.ctx, it.channel.as_str()),
            it.id,
            self.ctx.t("queue"),
            self.queue(it).map_or("—", |q| q.name.as_str())
        )
    }
}

/// An offer: accept or reject before the countdown ends, and why it came.
fn offer(d: &Desk<'_>, it: &InteractionView, offered: i64, why: Option<&Reason>) -> Markup {
    let ctx = d.ctx;
    let ring_s = d.queue(it).map_or(20, |q| q.ring_timeout_s) as i64;
    let until = offered + ring_s * 1000;
    let channel = ctx.t(&format!("channel-{}", it.channel));
    let id = it.id;
    html! {
        section.card.offer aria-labelledby=(format!("offer-{id}")) role="region" data-offer=(id)
            data-channel=(channel) {
            h2 #(format!("offer-{id}")) {
                (ctx.ta("offer-incoming", &[("channel", i18n::Arg::Str(&channel))]))
                " — " (d.head(it))
            }
            p {
                (ctx.t("time-to-answer")) " "
                strong data-until=(until) .countdown { (timer_text((until - d.now + 999) / 1000)) }
            }
            @if let Some(why) = why { (inbox::why(ctx, why, &d.queues)) }
            div.row {
                button hx-post=(format!("/ui/agent/interactions/{id}/accept")) hx-target="#work"
                    #(format!("accept-{id}")) data-key="accept" aria-keyshortcuts=(inbox::keys("accept")) {
                    (ctx.t("accept"))
                }
                button.danger hx-post=(format!("/ui/agent/interactions/{id}/reject"))
                    hx-target="#work" data-key="reject" aria-keyshortcuts=(inbox::keys("reject")) {
                    (ctx.t("reject"))
                }
            }
        }
    }
}

/// An interaction the agent holds (connected, or ended and in wrap-up):
/// who and what in the first column, the conversation in the second, the
/// outcome and the controls in the third.
async fn interaction(d: &Desk<'_>, it: &InteractionView, pop: &CustomerPop) -> ApiResult<Markup> {
    let (st, ctx, t) = (d.st, d.ctx, d.t);
    let ended = it.state == model::state::InteractionState::Ended;
    let qname = d.queue(it).map(|q| q.name.as_str());
    let desk = qname.and_then(|q| d.settings.queue(q));
    let conversation = match it.channel {
        model::Channel::Chat => Some(chat_card(
            ctx,
            it,
            ended,
            &st.store.messages(t, it.id, 0).await?,
        )),
        model::Channel::Email => Some(super::email::section(st, ctx, t, it, ended).await?),
        _ => None,
    };
    let notes = st.store.notes(t, it.id).await?;
    let codes = d.settings.codes_for(st, t, it, qname).await?;
    let replies = match (ended, it.channel) {
        (false, model::Channel::Chat) => Some(("msg", d.replies(it, qname, pop))),
        (false, model::Channel::Email) => Some(("reply", d.replies(it, qname, pop))),
        _ => None,
    };
    let case = super::cases::desk_card(st, ctx, it.customer_id).await?;
    let controls = match ended {
        true => None,
        false => Some(super::calls::controls(st, ctx, t, it, &d.agents, d.agent).await?),
    };
    Ok(html! {
        section.interaction aria-labelledby=(format!("it-{}", it.id)) {
            h2 #(format!("it-{}", it.id)) { (d.head(it)) }
            @if ended {
                @let wrap_s = d.queue(it).map_or(0, |q| q.wrap_up_s) as i64;
                @let until = it.ended_at.unwrap_or(d.now) + wrap_s * 1000;
                p.card {
                    (ctx.t("wrap-up-time")) " "
                    strong data-until=(until) { (timer_text((until - d.now + 999) / 1000)) }
                }
            }
            div.grid {
                div {
                    (popup::screen_pop(ctx, it, pop))
                    (popup::script(ctx, it, desk, pop, ""))
                    @if let Some(case) = case { (case) }
                }
                div {
                    @if let Some(c) = conversation { (c) }
                    @if let Some((field, replies)) = replies {
                        (inbox::canned(ctx, &format!("{field}-{}", it.id), &replies))
                    }
                    (notes_card(ctx, it, &notes))
                }
                div {
                    (disposition_form(ctx, it, &codes))
                    (callback_form(ctx, it, pop))
                    (super::consents::desk_form(ctx, it))
                    @if let Some(controls) = controls {
                        (controls)
                        (transfer_form(ctx, it, &d.queues, &d.agents, d.agent))
                        section.card {
                            button hx-post=(format!("/ui/agent/interactions/{}/complete", it.id))
                                hx-target="#work" #(format!("complete-{}", it.id)) data-key="complete"
                                aria-keyshortcuts=(inbox::keys("complete")) {
                                (ctx.t("complete"))
                            }
                        }
                    }
                }
            }
        }
    })
}

/// A chat's conversation, following new messages, and (while it is open)
/// the form to write.
fn chat_card(
    ctx: &Ctx,
    it: &InteractionView,
    ended: bool,
    msgs: &[store::read::MessageView],
) -> Markup {
    let id = it.id;
    html! {
        section.card aria-labelledby=(format!("conv-{id}")) {
            h3 #(format!("conv-{id}")) { (ctx.t("conversation")) }
            div.log #(format!("log-{id}")) aria-live="polite" data-live=(Feed::Conversation.live())
                data-src=(format!("/ui/agent/interactions/{id}/messages")) {
                (popup::conversation_log(ctx, msgs))
            }
            @if !ended {
                form.row hx-post=(format!("/ui/agent/interactions/{id}/messages"))
                    hx-target=(format!("#log-{id}")) data-reset {
                    label for=(format!("msg-{id}")) .sr { (ctx.t("type-message")) }
                    input #(format!("msg-{id}")) name="body" required maxlength="8000"
                        autocomplete="off" placeholder=(ctx.t("type-message")) data-key="message"
                        aria-keyshortcuts=(inbox::keys("message"));
                    button type="submit" { (ctx.t("send")) }
                }
            }
        }
    }
}

/// The interaction's notes and the form to add one.
fn notes_card(ctx: &Ctx, it: &InteractionView, notes: &[store::read::MessageView]) -> Markup {
    let id = it.id;
    html! {
        section.card aria-labelledby=(format!("notes-h-{id}")) {
            h3 #(format!("notes-h-{id}")) { (ctx.t("notes")) }
            div #(format!("notes-{id}")) { (popup::notes_list(ctx, notes)) }
            form.stack hx-post=(format!("/ui/agent/interactions/{id}/notes"))
                hx-target=(format!("#notes-{id}")) data-reset {
                label for=(format!("note-{id}")) { (ctx.t("add-note")) }
                textarea #(format!("note-{id}")) name="body" rows="2" required maxlength="8000" {}
                button type="submit" { (ctx.t("add")) }
            }
        }
    }
}

/// Seconds as the page's timers show them (`1:05`, `1:00:00`), so a timer
/// reads right before the page's script first ticks.
fn timer_text(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, x) = (s / 3600, (s % 3600) / 60, s % 60);
    match h {
        0 => format!("{m}:{x:02}"),
        _ => format!("{h}:{m:02}:{x:02}"),
    }
}

/// The disposition card: the queue's codes, the chosen one selected.
pub(super) fn disposition_form(ctx: &Ctx, it: &InteractionView, codes: &[Disposition]) -> Markup {
    let id = it.id;
    let title = ctx.t("disposition");
    html! {
        section.card aria-labelledby=(format!("disp-h-{id}")) {
            h3 #(format!("disp-h-{id}")) { (title) }
            form.stack hx-post=(format!("/ui/agent/interactions/{id}/disposition"))
                hx-target="#work" {
                label for=(format!("disp-{id}")) .sr { (title) }
                select #(format!("disp-{id}")) name="code" required data-key="disposition"
                    aria-keyshortcuts=(inbox::keys("disposition")) {
                    option value="" { (ctx.t("choose-disposition")) }
                    @for d in codes {
                        option value=(d.code) selected[it.disposition.as_deref() == Some(&d.code)] {
                            (d.label.as_deref().unwrap_or(&d.code))
                            @match d.effect {
                                Some(Effect::DoNotCall) => { " (" (ctx.t("do-not-call")) ")" }
                                Some(Effect::Callback) => { " (" (ctx.t("schedule-callback")) ")" }
                                None => {}
                            }
                        }
                    }
                }
                button type="submit" { (ctx.t("save")) }
            }
        }
    }
}

/// The callback card: when to call back, in the customer's time zone.
pub(super) fn callback_form(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> Markup {
    let zone = pop.zone().unwrap_or(ctx.tz);
    let now = chrono::DateTime::from_timestamp_millis(clock::now_ms()).unwrap_or_default();
    let local = now.with_timezone(&zone);
    let local_s = super::popup::now_in(zone);
    let default = (local + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:00")
        .to_string();
    let id = it.id;
    html! {
        section.card aria-labelledby=(format!("cb-h-{id}")) {
            h3 #(format!("cb-h-{id}")) { (ctx.t("schedule-callback")) }
            p.hint #(format!("cb-hint-{id}")) {
                (ctx.ta("callback-local-time", &[("time", i18n::Arg::Str(&local_s))]))
            }
            form.stack hx-post=(format!("/ui/agent/interactions/{id}/callback"))
                hx-target=(format!("#cb-status-{id}")) {
                label for=(format!("cb-{id}")) { (ctx.t("callback-when")) }
                input #(format!("cb-{id}")) type="datetime-local" name="at" value=(default) required
                    aria-describedby=(format!("cb-hint-{id}"));
                button type="submit" { (ctx.t("save")) } " "
                span #(format!("cb-status-{id}")) role="status" {}
            }
        }
    }
}

/// The transfer card: to a queue, or to another agent (with their state).
pub(super) fn transfer_form(
    ctx: &Ctx,
    it: &InteractionView,
    queues: &[QueueInfo],
    agents: &[AgentView],
    me: i64,
) -> Markup {
    let id = it.id;
    let title = ctx.t("transfer");
    html! {
        section.card aria-labelledby=(format!("tr-h-{id}")) {
            h3 #(format!("tr-h-{id}")) { (title) }
            form.stack hx-post=(format!("/ui/agent/interactions/{id}/transfer")) hx-target="#work" {
                label for=(format!("tr-{id}")) .sr { (title) }
                select #(format!("tr-{id}")) name="to" required {
                    optgroup label=(ctx.t("transfer-to-queue")) {
                        @for q in queues {
                            option value=(format!("queue:{}", q.name)) { (q.name) }
                        }
                    }
                    optgroup label=(ctx.t("transfer-to-agent")) {
                        @for a in agents.iter().filter(|a| a.id != me) {
                            option value=(format!("agent:{}", a.id)) {
                                (a.name) " ("
                                (state_label(ctx, a.state.as_str(), a.reason.as_deref())) ")"
                            }
                        }
                    }
                }
                button type="submit" { (title) }
            }
        }
    }
}

pub(super) async fn customer_pop(
    st: &AppState,
    t: &Tenant,
    it: &InteractionView,
) -> ApiResult<CustomerPop> {
    let Some(c) = it.customer_id else {
        return Ok(CustomerPop::default());
    };
    let defs = crate::routes::settings::field_defs(st, t).await?;
    let shown: Vec<_> = defs.defs().iter().filter(|d| d.screen_pop).collect();
    // The record is read only when the tenant shows some of its fields.
    let mut fields = Vec::new();
    if !shown.is_empty()
        && let Some(full) = st.store.customer_full(t, c).await?
    {
        fields = shown
            .iter()
            .filter_map(|d| {
                Some((
                    d.label().to_string(),
                    full.record.fields.get(&d.name)?.clone(),
                ))
            })
            .collect();
    }
    Ok(CustomerPop {
        customer: st.store.customer(t, c).await?,
        profile: st.store.customer_profile(t, c).await?,
        history: st.store.customer_history(t, c).await?,
        fields,
    })
}
