//! The agent desktop's panels: the state panel and the work panel (offer,
//! screen pop, conversation, notes, script, disposition, callback, transfer),
//! rendered for [`super::desktop`]'s pages and fragments.

use std::collections::HashMap;
use std::fmt::Write as _;

use store::Tenant;
use store::read::InteractionView;

use super::desktop::{WORK_SHOWN, queues};
use super::live;
use super::popup::{self, CustomerPop};
use super::settings::{DesktopSettings, Disposition, Effect};
use super::{Ctx, esc};
use crate::AppState;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::tenant::QueueInfo;

pub(super) fn state_label(ctx: &Ctx, state: &str, reason: Option<&str>) -> String {
    let mut s = ctx.te(&format!("state-{}", state.replace('_', "-")));
    if let Some(r) = reason {
        let _ = write!(s, " · {}", reason_label(ctx, r));
    }
    s
}

pub(super) fn reason_label(ctx: &Ctx, r: &str) -> String {
    let id = format!("reason-{r}");
    if i18n::Catalog::global().has(ctx.lang, &id) {
        ctx.te(&id)
    } else {
        esc(r)
    }
}

pub(super) async fn state_html(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    agent: i64,
) -> ApiResult<String> {
    let a = st
        .store
        .agent(t, agent)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    let now = clock::now_ms();
    let since = live::with(st, t, now, |l| l.agents.get(&agent).map(|a| a.since))
        .await?
        .filter(|s| *s > 0)
        .unwrap_or(now);
    let (_, settings) = DesktopSettings::of(st, t).await?;
    // The current state is the one chosen in the menu.
    let current = match (a.state.as_str(), a.reason.as_deref()) {
        ("not_ready", Some(r)) => format!("not_ready:{r}"),
        (s, _) => s.to_string(),
    };
    let sel = |v: &str| if v == current { " selected" } else { "" };
    let mut opts = format!(
        "<option value=\"available\"{}>{}</option>",
        sel("available"),
        ctx.te("state-available")
    );
    for r in &settings.reasons {
        let v = format!("not_ready:{r}");
        let _ = write!(
            opts,
            "<option value=\"{}\"{}>{} · {}</option>",
            esc(&v),
            sel(&v),
            ctx.te("state-not-ready"),
            reason_label(ctx, r)
        );
    }
    let _ = write!(
        opts,
        "<option value=\"offline\"{}>{}</option>",
        sel("offline"),
        ctx.te("state-offline")
    );
    Ok(format!(
        "<p><strong class=\"agent-name\">{name}</strong> <span class=\"badge {cls}\" id=\"my-state\">{label}</span> \
<span class=\"hint\">{time}</span></p>\
<form class=\"row\" hx-post=\"/ui/agent/state\" hx-target=\"#agent-state\">\
<label for=\"new-state\">{change}</label><select id=\"new-state\" name=\"state\">{opts}</select>\
<button type=\"submit\">{set}</button></form>",
        name = esc(&a.name),
        cls = a.state.as_str(),
        label = state_label(ctx, a.state.as_str(), a.reason.as_deref()),
        time = popup::ticking(ctx, "time-in-state", since),
        change = ctx.te("change-state"),
        set = ctx.te("set-state"),
    ))
}

/// Everything the work panel shows about one interaction.
pub(super) async fn work_html(
    st: &AppState,
    ctx: &Ctx,
    t: &Tenant,
    agent: i64,
) -> ApiResult<String> {
    let work = st.store.agent_work(t, agent, WORK_SHOWN).await?;
    if work.is_empty() {
        return Ok(format!(
            "<section class=\"card\"><p class=\"hint\" id=\"no-work\">{}</p></section>",
            ctx.te("no-work")
        ));
    }
    let queues = queues(st, t).await?;
    let (_, settings) = DesktopSettings::of(st, t).await?;
    let agents = st.store.agents(t).await?;
    let now = clock::now_ms();
    let offers: HashMap<i64, i64> = live::with(st, t, now, |l| {
        work.iter()
            .filter_map(|it| {
                l.contacts
                    .get(&it.id)
                    .and_then(|c| c.offered)
                    .map(|(_, at)| (it.id, at))
            })
            .collect()
    })
    .await?;
    let mut s = String::new();
    for it in &work {
        let queue = it
            .queue_id
            .and_then(|q| queues.iter().find(|x| i64::from(x.id) == q));
        let qname = queue.map(|q| q.name.as_str());
        let pop = customer_pop(st, t, it).await?;
        let head = format!(
            "{} #{} · {} {}",
            popup::channel_label(ctx, it.channel.as_str()),
            it.id,
            ctx.te("queue"),
            esc(qname.unwrap_or("—"))
        );
        match it.state {
            model::state::InteractionState::Offered => {
                let ring_s = queue.map_or(20, |q| q.ring_timeout_s) as i64;
                let until = offers.get(&it.id).copied().unwrap_or(now) + ring_s * 1000;
                let _ = write!(
                    s,
                    "<section class=\"card offer\" aria-labelledby=\"offer-{id}\" role=\"region\">\
<h2 id=\"offer-{id}\">{incoming} — {head}</h2>\
<p>{left_l} <strong data-until=\"{until}\" class=\"countdown\">{left}</strong></p>\
<div class=\"row\"><button hx-post=\"/ui/agent/interactions/{id}/accept\" hx-target=\"#work\" id=\"accept-{id}\">{accept}</button>\
<button class=\"danger\" hx-post=\"/ui/agent/interactions/{id}/reject\" hx-target=\"#work\">{reject}</button></div></section>{pop}",
                    id = it.id,
                    incoming = ctx.tae(
                        "offer-incoming",
                        &[(
                            "channel",
                            i18n::Arg::Str(
                                &i18n::Catalog::global()
                                    .t(ctx.lang, &format!("channel-{}", it.channel))
                            )
                        )]
                    ),
                    left = timer_text((until - now + 999) / 1000),
                    left_l = ctx.te("time-to-answer"),
                    accept = ctx.te("accept"),
                    reject = ctx.te("reject"),
                    pop = popup::screen_pop(ctx, it, &pop),
                );
            }
            state => {
                let ended = state == model::state::InteractionState::Ended;
                let desk = qname.and_then(|q| settings.queue(q));
                let _ = write!(
                    s,
                    "<section class=\"interaction\" aria-labelledby=\"it-{id}\"><h2 id=\"it-{id}\">{head}</h2>",
                    id = it.id
                );
                if ended {
                    let wrap_s = queue.map_or(0, |q| q.wrap_up_s) as i64;
                    let until = it.ended_at.unwrap_or(now) + wrap_s * 1000;
                    let _ = write!(
                        s,
                        "<p class=\"card\">{} <strong data-until=\"{until}\">{}</strong></p>",
                        ctx.te("wrap-up-time"),
                        timer_text((until - now + 999) / 1000)
                    );
                }
                s.push_str("<div class=\"grid\"><div>");
                s.push_str(&popup::screen_pop(ctx, it, &pop));
                s.push_str(&popup::script(ctx, it, desk, &pop, ""));
                s.push_str("</div><div>");
                if it.channel == model::Channel::Chat {
                    let msgs = st.store.messages(t, it.id, 0).await?;
                    let _ = write!(
                        s,
                        "<section class=\"card\" aria-labelledby=\"conv-{id}\"><h3 id=\"conv-{id}\">{conv}</h3>\
<div class=\"log\" id=\"log-{id}\" aria-live=\"polite\" {live}>{log}</div>",
                        id = it.id,
                        live = super::follow::Feed::Conversation
                            .attrs(&format!("/ui/agent/interactions/{}/messages", it.id)),
                        conv = ctx.te("conversation"),
                        log = popup::conversation_log(ctx, &msgs),
                    );
                    if !ended {
                        let _ = write!(
                            s,
                            "<form class=\"row\" hx-post=\"/ui/agent/interactions/{id}/messages\" hx-target=\"#log-{id}\" data-reset>\
<label for=\"msg-{id}\" class=\"sr\">{type_l}</label><input id=\"msg-{id}\" name=\"body\" required maxlength=\"8000\" autocomplete=\"off\" placeholder=\"{type_l}\">\
<button type=\"submit\">{send}</button></form>",
                            id = it.id,
                            type_l = ctx.te("type-message"),
                            send = ctx.te("send"),
                        );
                    }
                    s.push_str("</section>");
                }
                if it.channel == model::Channel::Email {
                    s.push_str(&super::email::section(st, ctx, t, it, ended).await?);
                }
                let notes = st.store.notes(t, it.id).await?;
                let _ = write!(
                    s,
                    "<section class=\"card\" aria-labelledby=\"notes-h-{id}\"><h3 id=\"notes-h-{id}\">{notes_l}</h3><div id=\"notes-{id}\">{list}</div>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/notes\" hx-target=\"#notes-{id}\" data-reset>\
<label for=\"note-{id}\">{add_note}</label><textarea id=\"note-{id}\" name=\"body\" rows=\"2\" required maxlength=\"8000\"></textarea>\
<button type=\"submit\">{add}</button></form></section>",
                    id = it.id,
                    notes_l = ctx.te("notes"),
                    list = popup::notes_list(ctx, &notes),
                    add_note = ctx.te("add-note"),
                    add = ctx.te("add"),
                );
                s.push_str("</div><div>");
                let codes = settings.codes_for(st, t, it, qname).await?;
                s.push_str(&disposition_form(ctx, it, &codes));
                s.push_str(&callback_form(ctx, it, &pop));
                s.push_str(&super::consents::desk_form(ctx, it));
                if !ended {
                    s.push_str(&super::calls::controls(st, ctx, t, it, &agents, agent).await?);
                    s.push_str(&transfer_form(ctx, it, &queues, &agents, agent));
                    let _ = write!(
                        s,
                        "<section class=\"card\"><button hx-post=\"/ui/agent/interactions/{id}/complete\" hx-target=\"#work\" id=\"complete-{id}\">{}</button></section>",
                        ctx.te("complete"),
                        id = it.id
                    );
                }
                s.push_str("</div></div></section>");
            }
        }
    }
    Ok(s)
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

pub(super) fn disposition_form(ctx: &Ctx, it: &InteractionView, codes: &[Disposition]) -> String {
    let mut opts = format!(
        "<option value=\"\">{}</option>",
        ctx.te("choose-disposition")
    );
    for d in codes {
        let label = d.label.as_deref().unwrap_or(&d.code);
        let effect = match d.effect {
            Some(Effect::DoNotCall) => format!(" ({})", ctx.te("do-not-call")),
            Some(Effect::Callback) => format!(" ({})", ctx.te("schedule-callback")),
            None => String::new(),
        };
        let sel = if it.disposition.as_deref() == Some(&d.code) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            opts,
            "<option value=\"{}\"{sel}>{}{effect}</option>",
            esc(&d.code),
            esc(label)
        );
    }
    format!(
        "<section class=\"card\" aria-labelledby=\"disp-h-{id}\"><h3 id=\"disp-h-{id}\">{title}</h3>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/disposition\" hx-target=\"#work\">\
<label for=\"disp-{id}\" class=\"sr\">{title}</label><select id=\"disp-{id}\" name=\"code\" required>{opts}</select>\
<button type=\"submit\">{save}</button></form></section>",
        id = it.id,
        title = ctx.te("disposition"),
        save = ctx.te("save"),
    )
}

pub(super) fn callback_form(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> String {
    let zone = pop.zone().unwrap_or(ctx.tz);
    let now = chrono::DateTime::from_timestamp_millis(clock::now_ms()).unwrap_or_default();
    let local = now.with_timezone(&zone);
    let local_s = format!("{} ({})", i18n::time(now, zone), zone.name());
    let default = (local + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:00");
    format!(
        "<section class=\"card\" aria-labelledby=\"cb-h-{id}\"><h3 id=\"cb-h-{id}\">{title}</h3>\
<p class=\"hint\" id=\"cb-hint-{id}\">{local}</p>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/callback\" hx-target=\"#cb-status-{id}\">\
<label for=\"cb-{id}\">{when}</label><input id=\"cb-{id}\" type=\"datetime-local\" name=\"at\" value=\"{default}\" required aria-describedby=\"cb-hint-{id}\">\
<button type=\"submit\">{save}</button> <span id=\"cb-status-{id}\" role=\"status\"></span></form></section>",
        id = it.id,
        title = ctx.te("schedule-callback"),
        local = ctx.tae("callback-local-time", &[("time", i18n::Arg::Str(&local_s))]),
        when = ctx.te("callback-when"),
        save = ctx.te("save"),
    )
}

pub(super) fn transfer_form(
    ctx: &Ctx,
    it: &InteractionView,
    queues: &[QueueInfo],
    agents: &[store::read::AgentView],
    me: i64,
) -> String {
    let mut opts = format!("<optgroup label=\"{}\">", ctx.te("transfer-to-queue"));
    for q in queues {
        let _ = write!(
            opts,
            "<option value=\"queue:{n}\">{n}</option>",
            n = esc(&q.name)
        );
    }
    let _ = write!(
        opts,
        "</optgroup><optgroup label=\"{}\">",
        ctx.te("transfer-to-agent")
    );
    for a in agents.iter().filter(|a| a.id != me) {
        let _ = write!(
            opts,
            "<option value=\"agent:{}\">{} ({})</option>",
            a.id,
            esc(&a.name),
            state_label(ctx, a.state.as_str(), a.reason.as_deref())
        );
    }
    opts.push_str("</optgroup>");
    format!(
        "<section class=\"card\" aria-labelledby=\"tr-h-{id}\"><h3 id=\"tr-h-{id}\">{title}</h3>\
<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/transfer\" hx-target=\"#work\">\
<label for=\"tr-{id}\" class=\"sr\">{title}</label><select id=\"tr-{id}\" name=\"to\" required>{opts}</select>\
<button type=\"submit\">{title}</button></form></section>",
        id = it.id,
        title = ctx.te("transfer"),
    )
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
