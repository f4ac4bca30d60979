//! The agent desktop's read-only parts: the screen pop (who the customer is,
//! value tier, consent and do-not-call flags, open cases, last contacts, what
//! the IVR or the web form collected), the conversation log, notes and the
//! script.

use chrono_tz::Tz;
use i18n::Arg;
use store::read::{CustomerView, InteractionView, MessageView};

use super::settings::QueueDesk;
use super::{Ctx, Markup, html};

/// Most earlier contacts shown in the screen pop.
pub const HISTORY_SHOWN: usize = 5;

/// What the screen pop shows of a customer.
#[derive(Debug, Clone, Default)]
pub struct CustomerPop {
    /// The record.
    pub customer: Option<CustomerView>,
    /// Profile fields.
    pub profile: Vec<(String, String)>,
    /// Earlier interactions, newest first.
    pub history: Vec<InteractionView>,
    /// The record's custom fields the tenant shows in the screen pop: label
    /// and value, in the definitions' order.
    pub fields: Vec<(String, String)>,
}

impl CustomerPop {
    /// The customer's other interactions that are not over yet, newest first.
    /// (There is no case model yet: an open interaction stands for an open case.)
    pub fn open_interactions(&self, current: i64) -> Vec<&InteractionView> {
        self.history
            .iter()
            .filter(|h| h.id != current && h.state != model::state::InteractionState::Ended)
            .collect()
    }

    /// The callback scheduled on the customer (`callback_at`), when still ahead of `now_ms`.
    pub fn pending_callback(&self, now_ms: i64) -> Option<chrono::DateTime<chrono::Utc>> {
        let at = chrono::DateTime::parse_from_rfc3339(self.field("callback_at")?).ok()?;
        (at.timestamp_millis() > now_ms).then(|| at.with_timezone(&chrono::Utc))
    }

    /// A profile field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.profile
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The customer's own time zone: the profile's `time_zone`, else guessed
    /// from the phone number's country code.
    pub fn zone(&self) -> Option<Tz> {
        if let Some(z) = self.field("time_zone").and_then(|z| z.parse().ok()) {
            return Some(z);
        }
        let phone = self.customer.as_ref()?.phone.as_deref()?;
        zone_of_phone(phone)
    }
}

/// A time zone for a phone number's country code (the common ones).
pub fn zone_of_phone(phone: &str) -> Option<Tz> {
    const ZONES: &[(&str, Tz)] = &[
        ("+420", Tz::Europe__Prague),
        ("+351", Tz::Europe__Lisbon),
        ("+34", Tz::Europe__Madrid),
        ("+33", Tz::Europe__Paris),
        ("+39", Tz::Europe__Rome),
        ("+44", Tz::Europe__London),
        ("+49", Tz::Europe__Berlin),
        ("+52", Tz::America__Mexico_City),
        ("+54", Tz::America__Argentina__Buenos_Aires),
        ("+1", Tz::America__New_York),
    ];
    ZONES
        .iter()
        .find(|(p, _)| phone.starts_with(p))
        .map(|(_, z)| *z)
}

fn yes(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "yes" | "true" | "1" | "y" | "sí" | "si" | "ano"
    )
}

/// The label of a channel.
pub fn channel_label(ctx: &Ctx, channel: &str) -> String {
    ctx.t(&format!("channel-{channel}"))
}

/// The screen pop of an interaction.
pub fn screen_pop(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> Markup {
    let attrs: model::Attributes = it
        .attributes
        .clone()
        .and_then(|a| serde_json::from_value(a).ok())
        .unwrap_or_default();
    html! {
        section.card aria-labelledby=(format!("pop-{}", it.id)) {
            h3 #(format!("pop-{}", it.id)) { (ctx.t("customer")) }
            (who(ctx, pop, &attrs))
            (flags(ctx, pop, &attrs))
            @if !pop.fields.is_empty() {
                dl.said.pop-fields {
                    @for (k, v) in &pop.fields { dt { (k) } dd { (v) } }
                }
            }
            h4 { (ctx.t("ivr-collected")) }
            (said(ctx, it, &attrs))
            (open_cases(ctx, it, pop))
            h4 { (ctx.t("last-contacts")) }
            (last_contacts(ctx, it, pop))
        }
    }
}

/// Who the customer is: the record's name, phone and e-mail, else what the
/// caller said their name was.
fn who(ctx: &Ctx, pop: &CustomerPop, attrs: &model::Attributes) -> Markup {
    match &pop.customer {
        Some(c) => html! {
            p {
                strong.customer-name { (c.name) }
                @for v in [&c.phone, &c.email].into_iter().flatten() { " · " (v) }
                @if let Some(l) = local_time(pop) {
                    br;
                    span.local-time { (ctx.ta("callback-local-time", &[("time", Arg::Str(&l))])) }
                }
            }
        },
        None => html! {
            p {
                strong.customer-name { (ctx.t("customer-unknown")) }
                " " (attrs.extra("customer_name").unwrap_or(""))
            }
        },
    }
}

/// The customer's local time now and their zone, when known.
fn local_time(pop: &CustomerPop) -> Option<String> {
    pop.zone().map(now_in)
}

/// The time now in `zone`, with the zone's name: `14:05 (Europe/Prague)`.
pub fn now_in(zone: Tz) -> String {
    let now = chrono::DateTime::from_timestamp_millis(crate::clock::now_ms()).unwrap_or_default();
    format!("{} ({})", i18n::time(now, zone), zone.name())
}

/// The value tier, the consent and the do-not-call flag, when there are any.
fn flags(ctx: &Ctx, pop: &CustomerPop, attrs: &model::Attributes) -> Markup {
    let tier = pop
        .field("value_tier")
        .map(str::to_string)
        .or_else(|| attrs.value_tier.as_ref().map(|t| t.as_str().to_string()));
    let consent = pop.field("consent");
    let dnc = pop.field("do_not_call").is_some_and(yes);
    if tier.is_none() && consent.is_none() && !dnc {
        return html! {};
    }
    html! {
        p.row {
            @if let Some(t) = tier {
                span.badge.tier { (ctx.t("value-tier")) ": " (t) } " "
            }
            @if let Some(c) = consent {
                span.badge { (ctx.t("consent")) ": " (c) } " "
            }
            @if dnc {
                span.badge.flag { (ctx.t("do-not-call")) } " "
            }
        }
    }
}

/// What the customer already said: subject, IVR, web form, lines.
fn said(ctx: &Ctx, it: &InteractionView, attrs: &model::Attributes) -> Markup {
    let mut said: Vec<(String, &str)> = Vec::new();
    if let Some(sub) = &it.subject {
        said.push((ctx.t("subject"), sub));
    }
    for (menu, choice) in &attrs.ivr {
        said.push((menu.clone(), choice.as_str()));
    }
    for (k, v) in &attrs.extra {
        if k != "customer_name" {
            said.push((k.clone(), v.as_str()));
        }
    }
    if let Some(n) = &attrs.caller_number {
        said.push((ctx.t("caller-number"), n.as_str()));
    }
    if let Some(n) = &attrs.dialled_number {
        said.push((ctx.t("dialled-number"), n.as_str()));
    }
    if let Some(l) = &attrs.language {
        said.push((ctx.t("language"), l.as_str()));
    }
    html! {
        @if said.is_empty() {
            p.hint { "—" }
        } @else {
            dl.said {
                @for (k, v) in said { dt { (k) } dd { (v) } }
            }
        }
    }
}

/// The customer's earlier contacts, newest first.
fn last_contacts(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> Markup {
    let earlier: Vec<_> = pop
        .history
        .iter()
        .filter(|h| h.id != it.id)
        .take(HISTORY_SHOWN)
        .collect();
    if earlier.is_empty() {
        return html! { p.hint { (ctx.t("no-history")) } };
    }
    html! {
        table {
            thead {
                tr {
                    @for id in ["when", "channel", "outcome", "disposition"] {
                        th scope="col" { (ctx.t(id)) }
                    }
                }
            }
            tbody {
                @for h in earlier {
                    tr {
                        td { (ctx.datetime(h.created_at)) }
                        td { (channel_label(ctx, h.channel.as_str())) }
                        td { (outcome_label(ctx, h.outcome.as_deref(), h.state)) }
                        td { (h.disposition.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
    }
}

/// The label of an interaction's state.
pub fn interaction_state(ctx: &Ctx, state: model::state::InteractionState) -> String {
    ctx.t(&format!("interaction-{}", state.as_str()))
}

/// How an interaction ended (`outcome`, a `FinalOutcome`'s name), in words;
/// its state while it is not over; the name itself for one we do not know.
pub fn outcome_label(
    ctx: &Ctx,
    outcome: Option<&str>,
    state: model::state::InteractionState,
) -> String {
    match outcome {
        Some(o) => known_label(ctx, "outcome", o),
        None => interaction_state(ctx, state),
    }
}

/// The message `{prefix}-{name}` when there is one, else `name` as it is
/// (a code the tenant chose, which has no translation).
pub fn known_label(ctx: &Ctx, prefix: &str, name: &str) -> String {
    let id = format!("{prefix}-{name}");
    if i18n::Catalog::global().has(ctx.lang, &id) {
        ctx.t(&id)
    } else {
        name.to_string()
    }
}

/// The screen pop's "open cases": the customer's other interactions not yet
/// over, and a callback still to come.
fn open_cases(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> Markup {
    let open = pop.open_interactions(it.id);
    let callback = pop.pending_callback(crate::clock::now_ms());
    let when = callback.map(|at| match pop.zone() {
        Some(z) if z != ctx.tz => format!(
            "{} ({} {})",
            ctx.datetime(at.timestamp_millis()),
            i18n::datetime(ctx.lang, at, z),
            z.name()
        ),
        _ => ctx.datetime(at.timestamp_millis()),
    });
    let heading = format!("open-h-{}", it.id);
    html! {
        h4 #(heading) { (ctx.t("open-cases")) }
        div.open-cases aria-labelledby=(heading) {
            @if open.is_empty() && when.is_none() {
                p.hint { (ctx.t("no-open-cases")) }
            }
            @if let Some(when) = when {
                p.callback { (ctx.ta("callback-pending", &[("time", Arg::Str(&when))])) }
            }
            @if !open.is_empty() {
                table {
                    thead {
                        tr {
                            @for id in ["when", "channel", "state", "subject"] {
                                th scope="col" { (ctx.t(id)) }
                            }
                        }
                    }
                    tbody {
                        @for h in open.into_iter().take(HISTORY_SHOWN) {
                            tr data-interaction=(h.id) {
                                td { (ctx.datetime(h.created_at)) }
                                td { (channel_label(ctx, h.channel.as_str())) }
                                td { (interaction_state(ctx, h.state)) }
                                td { (h.subject.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The chat log's lines.
pub fn conversation_log(ctx: &Ctx, msgs: &[MessageView]) -> Markup {
    html! {
        @for m in msgs {
            @let (cls, who) = if m.from == "agent" {
                ("agent", ctx.t("you"))
            } else {
                ("customer", ctx.t("customer"))
            };
            p class=(cls) { span.who { (who) ":" } span.body { (m.body) } }
        }
        @if msgs.is_empty() {
            p.hint { (ctx.t("no-messages")) }
        }
    }
}

/// Notes, oldest first.
pub fn notes_list(ctx: &Ctx, notes: &[MessageView]) -> Markup {
    html! {
        ul.notes {
            @for n in notes {
                li { span.hint { (ctx.datetime(n.at)) " · " (n.from) } br; (n.body) }
            }
        }
    }
}

/// The script's steps and its profiling questions (a form that saves the
/// answers on the customer record); `status` is the note beside its button.
pub fn script(
    ctx: &Ctx,
    it: &InteractionView,
    desk: Option<&QueueDesk>,
    pop: &CustomerPop,
    status: &str,
) -> Markup {
    let desk = desk.filter(|d| !d.script.is_empty() || !d.questions.is_empty());
    html! {
        section.card #(format!("script-{}", it.id))
            aria-labelledby=(format!("script-h-{}", it.id)) {
            h3 #(format!("script-h-{}", it.id)) { (ctx.t("script")) }
            @match desk {
                None => { p.hint { (ctx.t("no-script")) } }
                Some(desk) => {
                    @if !desk.script.is_empty() {
                        ol.script { @for step in &desk.script { li { (step) } } }
                    }
                    @if !desk.questions.is_empty() {
                        @if pop.customer.is_none() {
                            p.hint { (ctx.t("profile-needs-customer")) }
                        } @else {
                            (questions(ctx, it, desk, pop, status))
                        }
                    }
                }
            }
        }
    }
}

/// The profiling questions' form, with the answers the record holds.
fn questions(
    ctx: &Ctx,
    it: &InteractionView,
    desk: &QueueDesk,
    pop: &CustomerPop,
    status: &str,
) -> Markup {
    html! {
        form.stack hx-post=(format!("/ui/agent/interactions/{}/profile", it.id))
            hx-target=(format!("#script-{}", it.id)) hx-swap="outerHTML" {
            @for (n, q) in desk.questions.iter().enumerate() {
                @let input_id = format!("q-{}-{n}", it.id);
                @let current = pop.field(&q.field).unwrap_or("");
                @let next = (!q.next.is_empty()).then(|| serde_json::json!(q.next).to_string());
                div.question data-field=(q.field) data-next=[next] {
                    label for=(input_id) {
                        (q.label) " " span.hint { "(" (ctx.t("profiling-question")) ")" }
                    }
                    @if q.options.is_empty() {
                        input #(input_id) name=(q.field) value=(current) maxlength="1024";
                    } @else {
                        select #(input_id) name=(q.field) {
                            option value="" { "—" }
                            @for o in &q.options {
                                option value=(o) selected[o == current] { (o) }
                            }
                        }
                    }
                }
            }
            button type="submit" { (ctx.t("save-answers")) } " "
            span role="status" .ok { (status) }
        }
    }
}

/// "N s in this state" with a ticking clock.
pub fn ticking(ctx: &Ctx, id: &str, since_ms: i64) -> Markup {
    let msg = ctx.ta(id, &[("duration", Arg::Str("\u{1}"))]);
    let (before, after) = msg.split_once('\u{1}').unwrap_or((&msg, ""));
    let clock = msg.contains('\u{1}');
    html! {
        (before)
        @if clock { span data-since=(since_ms) { "0:00" } }
        (after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interaction(id: i64, state: &str) -> InteractionView {
        InteractionView {
            id,
            channel: model::Channel::Chat,
            state: serde_json::from_value(serde_json::Value::String(state.into())).unwrap(),
            queue_id: None,
            agent_id: None,
            customer_id: Some(1),
            outcome: None,
            disposition: None,
            subject: None,
            attributes: None,
            created_at: 0,
            ended_at: None,
            created_seq: 0,
            updated_seq: 0,
            chat_secret_hash: None,
            facts_learned: 0,
            resolved_first_contact: None,
        }
    }

    #[test]
    fn open_cases_are_the_other_interactions_not_yet_ended() {
        let pop = CustomerPop {
            history: vec![
                interaction(4, "waiting"),
                interaction(3, "connected"),
                interaction(2, "ended"),
                interaction(1, "offered"),
            ],
            ..CustomerPop::default()
        };
        let ids: Vec<i64> = pop.open_interactions(3).iter().map(|h| h.id).collect();
        assert_eq!(ids, [4, 1]);
    }

    #[test]
    fn a_callback_is_pending_until_its_time() {
        let pop = CustomerPop {
            profile: vec![("callback_at".into(), "2026-11-24T10:30:00+01:00".into())],
            ..CustomerPop::default()
        };
        let at_ms = 1_795_512_600_000; // 2026-11-24T09:30:00Z
        assert_eq!(
            pop.pending_callback(at_ms - 1)
                .map(|d| d.timestamp_millis()),
            Some(at_ms)
        );
        assert_eq!(pop.pending_callback(at_ms), None);
        let garbled = CustomerPop {
            profile: vec![("callback_at".into(), "tomorrow".into())],
            ..CustomerPop::default()
        };
        assert_eq!(garbled.pending_callback(0), None);
    }
}
