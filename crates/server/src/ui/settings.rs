//! The desktop settings document: not-ready reason codes, disposition codes
//! and their effects, and per-queue scripts with profiling questions. It is a
//! TOML (or JSON) document kept in the log like the routing plan (fact
//! `setting_set`, name [`DESKTOP`]); a tenant without one gets [`DEFAULT`].
//!
//! ```toml
//! reasons = ["break", "lunch", "training", "meeting"]
//! [[disposition]]
//! code = "do_not_call"
//! effect = "do_not_call"        # also marks the customer do-not-call
//! [[queue]]
//! name = "support"
//! dispositions = ["resolved", "do_not_call"]   # empty: every code
//! script = ["Greet the customer by name", "Confirm the reason"]
//! [[queue.question]]
//! field = "contract"            # saved on the customer record
//! label = "Which contract do you have?"
//! options = ["prepaid", "postpaid"]             # empty: free text
//! next = { prepaid = "top_up", postpaid = "end" } # an answer's next question
//! [[reply]]                     # a canned reply
//! title = "Greeting"
//! text = "Hola {customer_first}, soy {agent}. ¿En qué puedo ayudarle?"
//! queues = ["support"]          # empty: every queue
//! language = "es"               # none: every language
//! [limits]                      # planned length of a not-ready reason, seconds
//! break = 900
//! ```
//!
//! A question's `next` branches the script: the answer named there leads to
//! that question (a later one) or to `end`; other answers go on to the next
//! question in order. A canned reply's placeholders are `{customer}`,
//! `{customer_first}` and `{agent}`.

use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;

/// Name of the document in `tenant_settings`.
pub const DESKTOP: &str = "desktop";
/// Most entries in any list of the document.
pub const LIST_MAX: usize = 100;
/// Longest label or script step, in bytes.
pub const LABEL_LEN_MAX: usize = 500;

/// What the desktop offers when the tenant has not set its own.
pub const DEFAULT: &str = r#"reasons = ["break", "lunch", "training", "meeting"]

[[disposition]]
code = "resolved"

[[disposition]]
code = "follow_up"

[[disposition]]
code = "sale"

[[disposition]]
code = "callback"
effect = "callback"

[[disposition]]
code = "do_not_call"
effect = "do_not_call"
"#;

/// What a disposition does besides being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Marks the customer do-not-call (profile field `do_not_call = yes`).
    DoNotCall,
    /// Expects a callback to be scheduled (the form opens).
    Callback,
}

/// One disposition code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disposition {
    /// The code stored on the interaction.
    pub code: String,
    /// Shown instead of the code, when set.
    #[serde(default)]
    pub label: Option<String>,
    /// Its effect.
    #[serde(default)]
    pub effect: Option<Effect>,
}

/// A profiling question whose answer is saved on the customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The customer profile field it fills.
    pub field: String,
    /// The question as the agent reads it.
    pub label: String,
    /// Allowed answers (empty: free text).
    #[serde(default)]
    pub options: Vec<String>,
    /// Where an answer leads: a later question's field, or `end`.
    #[serde(default)]
    pub next: std::collections::BTreeMap<String, String>,
}

/// A text with each `{name}` replaced by `value(name)`; the first name
/// without a value (or a `{` never closed) is the error.
fn expand<'a>(text: &str, value: impl Fn(&str) -> Option<&'a str>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open + 1..];
        let Some(close) = tail.find('}') else {
            return Err(tail.to_string());
        };
        let name = &tail[..close];
        out.push_str(value(name).ok_or_else(|| name.to_string())?);
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The end of a branching script (a `next` target).
pub const END: &str = "end";
/// Longest canned reply, in bytes.
pub const REPLY_LEN_MAX: usize = 4_000;
/// The placeholders a canned reply may hold.
pub const PLACEHOLDERS: [&str; 3] = ["customer", "customer_first", "agent"];

/// A canned reply an agent inserts in a conversation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// What the agent picks it by.
    pub title: String,
    /// The text, with placeholders (`{customer}`, `{customer_first}`, `{agent}`).
    pub text: String,
    /// The queues it is offered on (empty: every queue).
    #[serde(default)]
    pub queues: Vec<String>,
    /// The conversation language it is written in (none: every language).
    #[serde(default)]
    pub language: Option<String>,
}

impl Reply {
    /// Whether it is offered in a conversation of this queue and language
    /// (a conversation of unknown language is offered every reply).
    pub fn fits(&self, queue: Option<&str>, language: Option<&str>) -> bool {
        let queue_ok =
            self.queues.is_empty() || queue.is_some_and(|q| self.queues.iter().any(|x| x == q));
        let lang_ok = match (&self.language, language) {
            (Some(mine), Some(theirs)) => mine.eq_ignore_ascii_case(theirs),
            _ => true,
        };
        queue_ok && lang_ok
    }

    /// The text with its placeholders filled in (an unknown value: empty),
    /// in one pass: a customer's name holding `{agent}` stays as it is.
    pub fn fill(&self, customer: Option<&str>, agent: &str) -> String {
        let customer = customer.unwrap_or("").trim();
        let first = customer.split_whitespace().next().unwrap_or("");
        let value = |name: &str| match name {
            "customer" => Some(customer),
            "customer_first" => Some(first),
            "agent" => Some(agent),
            _ => None,
        };
        // Checked when the settings were set: every placeholder is known.
        expand(&self.text, value).unwrap_or_else(|_| self.text.clone())
    }

    fn check(&self) -> Result<(), String> {
        check_label("reply.title", &self.title)?;
        if self.text.trim().is_empty() || self.text.len() > REPLY_LEN_MAX {
            return Err(format!(
                "reply {:?}.text: 1 to {REPLY_LEN_MAX} bytes",
                self.title
            ));
        }
        let known = |name: &str| PLACEHOLDERS.contains(&name).then_some("");
        expand(&self.text, known).map_err(|name| {
            format!(
                "reply {:?}.text: unknown placeholder {{{name}}} (known: {{customer}}, {{customer_first}}, {{agent}})",
                self.title
            )
        })?;
        check_len("reply.queues", &self.queues)?;
        if let Some(l) = &self.language {
            check_code("reply.language", l)?;
        }
        Ok(())
    }
}

/// What the desktop shows for one queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueDesk {
    /// The queue's name in the routing plan.
    pub name: String,
    /// Disposition codes offered (empty: every code).
    #[serde(default)]
    pub dispositions: Vec<String>,
    /// Script steps, in order.
    #[serde(default)]
    pub script: Vec<String>,
    /// Profiling questions.
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
}

/// The whole document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesktopSettings {
    /// Not-ready reason codes.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Disposition codes.
    #[serde(default, rename = "disposition")]
    pub dispositions: Vec<Disposition>,
    /// Per queue.
    #[serde(default, rename = "queue")]
    pub queues: Vec<QueueDesk>,
    /// Canned replies.
    #[serde(default, rename = "reply")]
    pub replies: Vec<Reply>,
    /// Planned length of a not-ready reason, in seconds (the wallboard shows
    /// a state over it as an overrun).
    #[serde(default)]
    pub limits: std::collections::HashMap<String, u64>,
}

/// Longest planned length of a not-ready reason, in seconds (a day).
pub const LIMIT_MAX_S: u64 = 86_400;

fn check_label(what: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() || s.len() > LABEL_LEN_MAX || s.chars().any(char::is_control) {
        return Err(format!(
            "{what}: 1 to {LABEL_LEN_MAX} printable bytes, got {s:?}"
        ));
    }
    Ok(())
}

fn check_code(what: &str, s: &str) -> Result<(), String> {
    model::ReasonCode::parse(s).map_err(|e| format!("{what}: {e}"))?;
    Ok(())
}

/// A question's branches lead to a later question of its queue, or to the end.
fn check_branches(q: &QueueDesk, n: usize, qu: &Question) -> Result<(), String> {
    for (answer, to) in &qu.next {
        if !qu.options.is_empty() && !qu.options.contains(answer) {
            return Err(format!(
                "queue {:?}.question {:?}.next: {answer:?} is not one of its options",
                q.name, qu.field
            ));
        }
        if to != END && !q.questions[n + 1..].iter().any(|x| &x.field == to) {
            return Err(format!(
                "queue {:?}.question {:?}.next: {to:?} is not a later question's field (or \"end\")",
                q.name, qu.field
            ));
        }
    }
    Ok(())
}

fn check_len<T>(what: &str, v: &[T]) -> Result<(), String> {
    if v.len() > LIST_MAX {
        return Err(format!("{what}: at most {LIST_MAX} entries"));
    }
    Ok(())
}

impl DesktopSettings {
    /// Parses and checks a document (TOML, or JSON when it starts with `{`);
    /// an error names the line or the field.
    pub fn parse(text: &str) -> Result<DesktopSettings, String> {
        let s: DesktopSettings = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| format!("settings: {e}"))?
        } else {
            toml::from_str(text).map_err(|e| format!("settings: {e}"))?
        };
        check_len("reasons", &s.reasons)?;
        for r in &s.reasons {
            check_code("reasons", r)?;
        }
        check_len("disposition", &s.dispositions)?;
        for d in &s.dispositions {
            check_code("disposition.code", &d.code)?;
            if let Some(l) = &d.label {
                check_label("disposition.label", l)?;
            }
        }
        check_len("queue", &s.queues)?;
        for q in &s.queues {
            check_label("queue.name", &q.name)?;
            check_len("queue.dispositions", &q.dispositions)?;
            for d in &q.dispositions {
                if !s.dispositions.iter().any(|x| &x.code == d) {
                    return Err(format!(
                        "queue {:?}.dispositions: {d:?} is not a [[disposition]] code",
                        q.name
                    ));
                }
            }
            check_len("queue.script", &q.script)?;
            for step in &q.script {
                check_label("queue.script", step)?;
            }
            check_len("queue.question", &q.questions)?;
            for (n, qu) in q.questions.iter().enumerate() {
                check_code("queue.question.field", &qu.field)?;
                check_label("queue.question.label", &qu.label)?;
                check_len("queue.question.options", &qu.options)?;
                for o in &qu.options {
                    check_label("queue.question.options", o)?;
                }
                check_branches(q, n, qu)?;
            }
        }
        check_len("reply", &s.replies)?;
        for r in &s.replies {
            r.check()?;
        }
        if s.limits.len() > LIST_MAX {
            return Err(format!("limits: at most {LIST_MAX} entries"));
        }
        for (code, secs) in &s.limits {
            check_code("limits", code)?;
            if !(1..=LIMIT_MAX_S).contains(secs) {
                return Err(format!(
                    "limits.{code}: 1 to {LIMIT_MAX_S} seconds, got {secs}"
                ));
            }
        }
        Ok(s)
    }

    /// The tenant's settings (the default when none were set).
    pub async fn of(st: &AppState, t: &store::Tenant) -> ApiResult<(String, DesktopSettings)> {
        let text = st
            .store
            .setting(t, DESKTOP)
            .await?
            .unwrap_or_else(|| DEFAULT.to_string());
        // A stored document was checked when it was set; fall back if the rules tightened.
        let parsed = DesktopSettings::parse(&text).or_else(|_| DesktopSettings::parse(DEFAULT));
        Ok((text, parsed.map_err(crate::error::ApiError::internal)?))
    }

    /// The desk of a queue, if configured.
    pub fn queue(&self, name: &str) -> Option<&QueueDesk> {
        self.queues.iter().find(|q| q.name == name)
    }

    /// The disposition codes offered on a queue.
    /// The codes an agent picks from for an interaction: a campaign call's
    /// are its campaign's (labelled as the desktop's code of the same name,
    /// if any), others the queue's.
    pub async fn codes_for(
        &self,
        st: &AppState,
        t: &store::Tenant,
        it: &store::read::InteractionView,
        queue: Option<&str>,
    ) -> ApiResult<Vec<Disposition>> {
        if it.channel == model::Channel::OutboundVoice {
            let op = crate::tenant::Op::CampaignCodes(it.id);
            if let crate::tenant::Ack::Codes(Some(codes)) = st.hub.tenant(t).await?.call(op).await?
            {
                return Ok(codes.iter().map(|c| self.campaign_code(c)).collect());
            }
        }
        Ok(self.dispositions_for(queue).into_iter().cloned().collect())
    }

    fn campaign_code(&self, c: &dialer::disposition::DispositionCode) -> Disposition {
        use dialer::disposition::DispositionEffect as E;
        let label = self
            .dispositions
            .iter()
            .find(|d| d.code == *c.code)
            .and_then(|d| d.label.clone());
        let effect = if c.has(E::OptOut) {
            Some(Effect::DoNotCall)
        } else if c.has(E::ScheduleCallback) {
            Some(Effect::Callback)
        } else {
            None
        };
        Disposition {
            code: c.code.to_string(),
            label,
            effect,
        }
    }

    /// The desktop's codes for a queue.
    pub fn dispositions_for(&self, queue: Option<&str>) -> Vec<&Disposition> {
        let subset = queue
            .and_then(|q| self.queue(q))
            .map(|q| q.dispositions.as_slice())
            .unwrap_or(&[]);
        self.dispositions
            .iter()
            .filter(|d| subset.is_empty() || subset.contains(&d.code))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_settings_parse() {
        let s = DesktopSettings::parse(DEFAULT).unwrap();
        assert_eq!(s.reasons.len(), 4);
        assert_eq!(s.dispositions_for(None).len(), 5);
    }

    #[test]
    fn a_queue_naming_an_unknown_code_is_refused_with_its_name() {
        let doc = "[[queue]]\nname = \"support\"\ndispositions = [\"nope\"]\n";
        let e = DesktopSettings::parse(doc).unwrap_err();
        assert!(e.contains("\"nope\""), "{e}");
    }

    #[test]
    fn canned_replies_fill_their_placeholders_and_fit_their_queue_and_language() {
        let doc = "[[reply]]\ntitle = \"Hola\"\ntext = \"Hola {customer_first}, soy {agent}.\"\nqueues = [\"support\"]\nlanguage = \"es\"\n";
        let s = DesktopSettings::parse(doc).unwrap();
        let r = &s.replies[0];
        assert_eq!(r.fill(Some("Eva Puig"), "Ana"), "Hola Eva, soy Ana.");
        assert_eq!(r.fill(None, "Ana"), "Hola , soy Ana.");
        assert_eq!(r.fill(Some("{agent} X"), "Ana"), "Hola {agent}, soy Ana.");
        assert!(r.fits(Some("support"), Some("ES")));
        assert!(r.fits(Some("support"), None));
        assert!(!r.fits(Some("support"), Some("ca")));
        assert!(!r.fits(Some("sales"), Some("es")));
        let bad = doc.replace("{agent}", "{agnet}");
        let e = DesktopSettings::parse(&bad).unwrap_err();
        assert!(e.contains("{agnet}"), "{e}");
    }

    #[test]
    fn a_branch_leads_to_a_later_question_or_the_end() {
        let q = |next: &str| {
            format!(
                "[[queue]]\nname = \"s\"\n[[queue.question]]\nfield = \"kind\"\nlabel = \"K\"\noptions = [\"a\", \"b\"]\nnext = {next}\n[[queue.question]]\nfield = \"more\"\nlabel = \"M\"\n"
            )
        };
        assert!(DesktopSettings::parse(&q("{ a = \"more\", b = \"end\" }")).is_ok());
        let e = DesktopSettings::parse(&q("{ c = \"more\" }")).unwrap_err();
        assert!(e.contains("\"c\" is not one of its options"), "{e}");
        let e = DesktopSettings::parse(&q("{ a = \"kind\" }")).unwrap_err();
        assert!(e.contains("not a later question"), "{e}");
    }

    #[test]
    fn a_syntax_error_names_the_line() {
        let e = DesktopSettings::parse("reasons = [\n\"break\"\nfoo").unwrap_err();
        assert!(e.starts_with("settings: "), "{e}");
        assert!(e.contains("line"), "{e}");
    }

    #[test]
    fn limits_are_reason_codes_with_a_length_up_to_a_day() {
        let s = DesktopSettings::parse("[limits]\nbreak = 900\n").unwrap();
        assert_eq!(s.limits["break"], 900);
        let e = DesktopSettings::parse("[limits]\nbreak = 0\n").unwrap_err();
        assert!(e.contains("limits.break"), "{e}");
        let e = DesktopSettings::parse("[limits]\nbreak = 86401\n").unwrap_err();
        assert!(e.contains("limits.break"), "{e}");
        assert!(DesktopSettings::parse("[limits]\n\"Not a code\" = 5\n").is_err());
    }
}
