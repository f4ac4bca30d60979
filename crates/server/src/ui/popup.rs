//! The agent desktop's read-only parts: the screen pop (who the customer is,
//! value tier, consent and do-not-call flags, open cases, last contacts, what
//! the IVR or the web form collected), the conversation log, notes and the
//! script.

use std::fmt::Write as _;

use chrono_tz::Tz;
use i18n::Arg;
use store::read::{CustomerView, InteractionView, MessageView};

use super::settings::QueueDesk;
use super::{Ctx, esc};

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
    ctx.te(&format!("channel-{channel}"))
}

/// The screen pop of an interaction.
pub fn screen_pop(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop) -> String {
    let attrs: model::Attributes = it
        .attributes
        .clone()
        .and_then(|a| serde_json::from_value(a).ok())
        .unwrap_or_default();
    let mut s = format!(
        "<section class=\"card\" aria-labelledby=\"pop-{id}\"><h3 id=\"pop-{id}\">{}</h3>",
        ctx.te("customer"),
        id = it.id
    );
    match &pop.customer {
        Some(c) => {
            let _ = write!(
                s,
                "<p><strong class=\"customer-name\">{}</strong>",
                esc(&c.name)
            );
            for v in [&c.phone, &c.email].into_iter().flatten() {
                let _ = write!(s, " · {}", esc(v));
            }
            s.push_str("</p>");
        }
        None => {
            let name = attrs.extra("customer_name").unwrap_or("");
            let _ = write!(
                s,
                "<p><strong class=\"customer-name\">{}</strong> {}</p>",
                ctx.te("customer-unknown"),
                esc(name)
            );
        }
    }
    let mut flags = String::new();
    let tier = pop
        .field("value_tier")
        .map(str::to_string)
        .or_else(|| attrs.value_tier.as_ref().map(|t| t.as_str().to_string()));
    if let Some(t) = tier {
        let _ = write!(
            flags,
            "<span class=\"badge tier\">{}: {}</span> ",
            ctx.te("value-tier"),
            esc(&t)
        );
    }
    if let Some(c) = pop.field("consent") {
        let _ = write!(
            flags,
            "<span class=\"badge\">{}: {}</span> ",
            ctx.te("consent"),
            esc(c)
        );
    }
    if pop.field("do_not_call").is_some_and(yes) {
        let _ = write!(
            flags,
            "<span class=\"badge flag\">{}</span> ",
            ctx.te("do-not-call")
        );
    }
    if !flags.is_empty() {
        let _ = write!(s, "<p class=\"row\">{flags}</p>");
    }
    if !pop.fields.is_empty() {
        s.push_str("<dl class=\"said pop-fields\">");
        for (k, v) in &pop.fields {
            let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        s.push_str("</dl>");
    }
    // What the customer already said: subject, IVR, web form, lines.
    let mut said: Vec<(String, String)> = Vec::new();
    if let Some(sub) = &it.subject {
        said.push((ctx.te("subject"), esc(sub)));
    }
    for (menu, choice) in &attrs.ivr {
        said.push((esc(menu), esc(choice)));
    }
    for (k, v) in &attrs.extra {
        if k != "customer_name" {
            said.push((esc(k), esc(v)));
        }
    }
    if let Some(n) = &attrs.caller_number {
        said.push((ctx.te("caller-number"), esc(n.as_str())));
    }
    if let Some(n) = &attrs.dialled_number {
        said.push((ctx.te("dialled-number"), esc(n.as_str())));
    }
    if let Some(l) = &attrs.language {
        said.push((ctx.te("language"), esc(l.as_str())));
    }
    let _ = write!(s, "<h4>{}</h4>", ctx.te("ivr-collected"));
    if said.is_empty() {
        s.push_str("<p class=\"hint\">—</p>");
    } else {
        s.push_str("<dl class=\"said\">");
        for (k, v) in said {
            let _ = write!(s, "<dt>{k}</dt><dd>{v}</dd>");
        }
        s.push_str("</dl>");
    }
    open_cases(ctx, it, pop, &mut s);
    let _ = write!(s, "<h4>{}</h4>", ctx.te("last-contacts"));
    let earlier: Vec<_> = pop
        .history
        .iter()
        .filter(|h| h.id != it.id)
        .take(HISTORY_SHOWN)
        .collect();
    if earlier.is_empty() {
        let _ = write!(s, "<p class=\"hint\">{}</p>", ctx.te("no-history"));
    } else {
        let _ = write!(
            s,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            ctx.te("when"),
            ctx.te("channel"),
            ctx.te("outcome"),
            ctx.te("disposition")
        );
        for h in earlier {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ctx.datetime(h.created_at),
                channel_label(ctx, h.channel.as_str()),
                esc(h.outcome.as_deref().unwrap_or(h.state.as_str())),
                esc(h.disposition.as_deref().unwrap_or("—"))
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>");
    s
}

/// The label of an interaction's state (the id itself for one we do not know).
fn interaction_state(ctx: &Ctx, state: model::state::InteractionState) -> String {
    use model::state::InteractionState as S;
    match state {
        S::Created | S::Waiting | S::Offered | S::Connected | S::Transferring => {
            ctx.te(&format!("interaction-{}", state.as_str()))
        }
        S::Ended => state.as_str().to_string(),
    }
}

/// The screen pop's "open cases": the customer's other interactions not yet
/// over, and a callback still to come.
fn open_cases(ctx: &Ctx, it: &InteractionView, pop: &CustomerPop, s: &mut String) {
    let _ = write!(
        s,
        "<h4 id=\"open-h-{id}\">{}</h4><div class=\"open-cases\" aria-labelledby=\"open-h-{id}\">",
        ctx.te("open-cases"),
        id = it.id
    );
    let open = pop.open_interactions(it.id);
    let callback = pop.pending_callback(crate::clock::now_ms());
    if open.is_empty() && callback.is_none() {
        let _ = write!(s, "<p class=\"hint\">{}</p>", ctx.te("no-open-cases"));
    }
    if let Some(at) = callback {
        let when = match pop.zone() {
            Some(z) if z != ctx.tz => format!(
                "{} ({} {})",
                ctx.datetime(at.timestamp_millis()),
                i18n::datetime(ctx.lang, at, z),
                z.name()
            ),
            _ => ctx.datetime(at.timestamp_millis()),
        };
        let _ = write!(
            s,
            "<p class=\"callback\">{}</p>",
            ctx.tae("callback-pending", &[("time", Arg::Str(&when))])
        );
    }
    if !open.is_empty() {
        let _ = write!(
            s,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            ctx.te("when"),
            ctx.te("channel"),
            ctx.te("state"),
            ctx.te("subject")
        );
        for h in open.into_iter().take(HISTORY_SHOWN) {
            let _ = write!(
                s,
                "<tr data-interaction=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h.id,
                ctx.datetime(h.created_at),
                channel_label(ctx, h.channel.as_str()),
                interaction_state(ctx, h.state),
                esc(h.subject.as_deref().unwrap_or("—"))
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</div>");
}

/// The chat log's lines.
pub fn conversation_log(ctx: &Ctx, msgs: &[MessageView]) -> String {
    let mut s = String::new();
    for m in msgs {
        let (cls, who) = if m.from == "agent" {
            ("agent", ctx.te("you"))
        } else {
            ("customer", ctx.te("customer"))
        };
        let _ = write!(
            s,
            "<p class=\"{cls}\"><span class=\"who\">{who}:</span><span class=\"body\">{}</span></p>",
            esc(&m.body)
        );
    }
    if msgs.is_empty() {
        let _ = write!(s, "<p class=\"hint\">{}</p>", ctx.te("no-messages"));
    }
    s
}

/// Notes, oldest first.
pub fn notes_list(ctx: &Ctx, notes: &[MessageView]) -> String {
    let mut s = String::from("<ul class=\"notes\">");
    for n in notes {
        let _ = write!(
            s,
            "<li><span class=\"hint\">{} · {}</span><br>{}</li>",
            ctx.datetime(n.at),
            esc(&n.from),
            esc(&n.body)
        );
    }
    s.push_str("</ul>");
    s
}

/// The script's steps and its profiling questions (a form that saves the
/// answers on the customer record).
pub fn script(
    ctx: &Ctx,
    it: &InteractionView,
    desk: Option<&QueueDesk>,
    pop: &CustomerPop,
    status: &str,
) -> String {
    let mut s = format!(
        "<section class=\"card\" id=\"script-{id}\" aria-labelledby=\"script-h-{id}\"><h3 id=\"script-h-{id}\">{}</h3>",
        ctx.te("script"),
        id = it.id
    );
    let Some(desk) = desk.filter(|d| !d.script.is_empty() || !d.questions.is_empty()) else {
        let _ = write!(s, "<p class=\"hint\">{}</p></section>", ctx.te("no-script"));
        return s;
    };
    if !desk.script.is_empty() {
        s.push_str("<ol class=\"script\">");
        for step in &desk.script {
            let _ = write!(s, "<li>{}</li>", esc(step));
        }
        s.push_str("</ol>");
    }
    if !desk.questions.is_empty() {
        if pop.customer.is_none() {
            let _ = write!(
                s,
                "<p class=\"hint\">{}</p></section>",
                ctx.te("profile-needs-customer")
            );
            return s;
        }
        let _ = write!(
            s,
            "<form class=\"stack\" hx-post=\"/ui/agent/interactions/{id}/profile\" hx-target=\"#script-{id}\" hx-swap=\"outerHTML\">",
            id = it.id
        );
        for (n, q) in desk.questions.iter().enumerate() {
            let input_id = format!("q-{}-{n}", it.id);
            let current = pop.field(&q.field).unwrap_or("");
            let _ = write!(
                s,
                "<label for=\"{input_id}\">{} <span class=\"hint\">({})</span></label>",
                esc(&q.label),
                ctx.te("profiling-question")
            );
            if q.options.is_empty() {
                let _ = write!(
                    s,
                    "<input id=\"{input_id}\" name=\"{}\" value=\"{}\" maxlength=\"1024\">",
                    esc(&q.field),
                    esc(current)
                );
            } else {
                let _ = write!(
                    s,
                    "<select id=\"{input_id}\" name=\"{}\"><option value=\"\">—</option>",
                    esc(&q.field)
                );
                for o in &q.options {
                    let sel = if o == current { " selected" } else { "" };
                    let _ = write!(s, "<option value=\"{v}\"{sel}>{v}</option>", v = esc(o));
                }
                s.push_str("</select>");
            }
        }
        let _ = write!(
            s,
            "<button type=\"submit\">{}</button> <span role=\"status\" class=\"ok\">{status}</span></form>",
            ctx.te("save-answers")
        );
    }
    s.push_str("</section>");
    s
}

/// "N s in this state" with a ticking clock.
pub fn ticking(ctx: &Ctx, id: &str, since_ms: i64) -> String {
    let msg = ctx.tae(id, &[("duration", Arg::Str("\u{1}"))]);
    msg.replace(
        '\u{1}',
        &format!("<span data-since=\"{since_ms}\">0:00</span>"),
    )
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
