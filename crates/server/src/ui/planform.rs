//! The routing plan as a form: its rules (conditions on channel, language,
//! value tier and segment; the queue, a priority boost and skills to add)
//! and each queue's timed steps (until when, which skills at which level,
//! which team). The form edits the stored document: everything it does not
//! show (other conditions, a rule's fixed priority, queue settings, hours…)
//! is kept as it was. Saving builds the document again and sends it through
//! the same validator and the same `SetPlan` as the raw editor, so the raw
//! view shows exactly what the form saved; a validator message is shown
//! next to the field it names.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use i18n::{Catalog, Lang};
use toml::Value;

use super::{Ctx, esc, html_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::Op;

/// Empty rows offered for a new rule or a new step.
const BLANK_ROWS: usize = 1;
/// Most rows a form may send (rules, and steps of one queue).
const ROWS_MAX: usize = 500;

/// The rule conditions the form edits: (key under `when`, message id).
const WHEN_LISTS: [(&str, &str); 4] = [
    ("channel", "channel"),
    ("language", "language"),
    ("value_tier", "value-tier"),
    ("segment", "segment"),
];

/// One rule row as the form holds it.
#[derive(Debug, Clone, Default)]
struct RuleRow {
    /// Its index in the stored document (keeps what the form does not show).
    orig: Option<usize>,
    name: String,
    when: [String; 4],
    queue: String,
    priority_add: String,
    skills: String,
    remove: bool,
}

/// One timed step row.
#[derive(Debug, Clone, Default)]
struct StepRow {
    until_s: String,
    skills: String,
    team: String,
    remove: bool,
}

impl StepRow {
    /// Whether the row becomes a step of the document (not removed, and not
    /// the empty row offered for a new step left empty).
    fn kept(&self) -> bool {
        let blank = self.until_s.trim().is_empty()
            && self.skills.trim().is_empty()
            && self.team.trim().is_empty();
        !self.remove && !blank
    }
}

/// A queue's opening hours as the form holds them.
#[derive(Debug, Clone, Default)]
struct HoursRow {
    /// One `days = HH:MM-HH:MM[,HH:MM-HH:MM]` a line.
    weekly: String,
    /// `YYYY-MM-DD, …`.
    holidays: String,
    /// What happens to arrivals when closed.
    closed: String,
}

impl HoursRow {
    fn is_empty(&self) -> bool {
        self.weekly.trim().is_empty()
            && self.holidays.trim().is_empty()
            && self.closed.trim().is_empty()
    }
}

/// What the form shows: rules and each queue's steps and hours.
#[derive(Debug, Clone, Default)]
struct PlanForm {
    rules: Vec<RuleRow>,
    /// (queue name, its steps).
    queues: Vec<(String, Vec<StepRow>)>,
    /// Each queue's hours, in the order of `queues`.
    hours: Vec<HoursRow>,
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        Some(Value::Float(f)) => f.to_string(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| text_of(Some(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Table(t)) => t
            .iter()
            .map(|(k, v)| format!("{k}:{}", text_of(Some(v))))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The stored document as a TOML table (a JSON document is read as well).
fn document_value(doc: &str) -> Result<toml::Table, String> {
    if doc.trim().is_empty() {
        return Ok(toml::Table::new());
    }
    if doc.trim_start().starts_with('{') {
        let j: serde_json::Value = serde_json::from_str(doc).map_err(|e| e.to_string())?;
        serde_json::from_value(j).map_err(|e| e.to_string())
    } else {
        toml::from_str(doc).map_err(|e| e.message().to_string())
    }
}

fn array<'a>(t: &'a toml::Table, key: &str) -> &'a [Value] {
    t.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

impl PlanForm {
    fn of(doc: &toml::Table) -> PlanForm {
        let mut f = PlanForm::default();
        for (i, r) in array(doc, "rule").iter().enumerate() {
            let Some(r) = r.as_table() else { continue };
            let when = r.get("when").and_then(Value::as_table);
            let then = r.get("then").and_then(Value::as_table);
            let w = |k: &str| text_of(when.and_then(|t| t.get(k)));
            let th = |k: &str| text_of(then.and_then(|t| t.get(k)));
            f.rules.push(RuleRow {
                orig: Some(i),
                name: text_of(r.get("name")),
                when: WHEN_LISTS.map(|(k, _)| w(k)),
                queue: th("queue"),
                priority_add: th("priority_add"),
                skills: th("add_skills"),
                remove: false,
            });
        }
        for q in array(doc, "queue") {
            let Some(q) = q.as_table() else { continue };
            let steps = array(q, "step")
                .iter()
                .filter_map(Value::as_table)
                .map(|s| StepRow {
                    until_s: text_of(s.get("until_s")),
                    skills: text_of(s.get("skills")),
                    team: text_of(s.get("team")),
                    remove: false,
                })
                .collect();
            f.queues.push((text_of(q.get("name")), steps));
            let h = q.get("hours").and_then(Value::as_table);
            f.hours.push(HoursRow {
                weekly: h
                    .and_then(|h| h.get("weekly"))
                    .and_then(Value::as_table)
                    .map(|w| {
                        w.iter()
                            .map(|(d, t)| format!("{d} = {}", text_of(Some(t))))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default(),
                holidays: text_of(h.and_then(|h| h.get("holidays"))),
                closed: text_of(h.and_then(|h| h.get("closed"))),
            });
        }
        f
    }

    /// The form as posted: `r.N.key` for rules, `q.Q.s.S.key` for steps.
    fn posted(fields: &[(String, String)]) -> Result<PlanForm, ApiError> {
        let mut rules: BTreeMap<usize, RuleRow> = BTreeMap::new();
        let mut steps: BTreeMap<usize, BTreeMap<usize, StepRow>> = BTreeMap::new();
        let mut queues: BTreeMap<usize, String> = BTreeMap::new();
        let mut hours: BTreeMap<usize, HoursRow> = BTreeMap::new();
        let index = |s: &str, k: &str| -> Result<usize, ApiError> {
            s.parse::<usize>()
                .ok()
                .filter(|i| *i < ROWS_MAX)
                .ok_or_else(|| ApiError::field(k, "not a row of this form"))
        };
        for (k, v) in fields {
            let parts: Vec<&str> = k.split('.').collect();
            match parts.as_slice() {
                ["r", n, key] => {
                    let r = rules.entry(index(n, k)?).or_default();
                    match *key {
                        "orig" => r.orig = v.parse().ok(),
                        "name" => r.name = v.clone(),
                        "queue" => r.queue = v.clone(),
                        "priority_add" => r.priority_add = v.clone(),
                        "skills" => r.skills = v.clone(),
                        "remove" => r.remove = true,
                        w => match WHEN_LISTS.iter().position(|(x, _)| *x == w) {
                            Some(i) => r.when[i] = v.clone(),
                            None => return Err(ApiError::field(k, "unknown field")),
                        },
                    }
                }
                ["q", q, "name"] => {
                    queues.insert(index(q, k)?, v.clone());
                }
                ["q", q, key @ ("weekly" | "holidays" | "closed")] => {
                    let h = hours.entry(index(q, k)?).or_default();
                    match *key {
                        "weekly" => h.weekly = v.clone(),
                        "holidays" => h.holidays = v.clone(),
                        _ => h.closed = v.clone(),
                    }
                }
                ["q", q, "s", n, key] => {
                    let s = steps
                        .entry(index(q, k)?)
                        .or_default()
                        .entry(index(n, k)?)
                        .or_default();
                    match *key {
                        "until_s" => s.until_s = v.clone(),
                        "skills" => s.skills = v.clone(),
                        "team" => s.team = v.clone(),
                        "remove" => s.remove = true,
                        _ => return Err(ApiError::field(k, "unknown field")),
                    }
                }
                _ => return Err(ApiError::field(k, "unknown field")),
            }
        }
        Ok(PlanForm {
            rules: rules.into_values().collect(),
            hours: queues
                .keys()
                .map(|q| hours.remove(q).unwrap_or_default())
                .collect(),
            queues: queues
                .into_iter()
                .map(|(q, name)| {
                    let s = steps.remove(&q).unwrap_or_default();
                    (name, s.into_values().collect())
                })
                .collect(),
        })
    }
}

/// A mistake in the form, by the id of the input it belongs to.
#[derive(Debug, Default)]
struct Mistakes(BTreeMap<String, String>);

fn list(s: &str) -> Vec<Value> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Value::String(x.to_string()))
        .collect()
}

/// `skill:level, skill:level` as a table; a mistake names the input.
fn skills(s: &str, id: &str, lang: Lang, m: &mut Mistakes) -> toml::Table {
    let mut t = toml::Table::new();
    for part in s.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        match part
            .split_once(':')
            .map(|(k, v)| (k.trim(), v.trim().parse::<u8>()))
        {
            Some((k, Ok(level))) if !k.is_empty() => {
                t.insert(k.to_string(), Value::Integer(i64::from(level)));
            }
            _ => {
                m.0.insert(
                    id.to_string(),
                    format!(
                        "{part:?}: {}",
                        Catalog::global().t(lang, "form-skill-level")
                    ),
                );
            }
        }
    }
    t
}

/// Builds the document from the stored one and the form. Blank new rows are
/// skipped; removed rows are left out.
fn build(
    stored: &toml::Table,
    f: &PlanForm,
    lang: Lang,
    m: &mut Mistakes,
) -> (toml::Table, Vec<usize>) {
    let say = |id: &str| Catalog::global().t(lang, id);
    let mut doc = stored.clone();
    let old_rules = array(stored, "rule");
    let mut rules = Vec::new();
    // The form row of each rule in the document, for messages.
    let mut rows = Vec::new();
    for (i, r) in f.rules.iter().enumerate() {
        let blank = r.orig.is_none()
            && r.name.trim().is_empty()
            && r.when.iter().all(|w| w.trim().is_empty())
            && r.queue.trim().is_empty()
            && r.priority_add.trim().is_empty()
            && r.skills.trim().is_empty();
        if r.remove || blank {
            continue;
        }
        if r.name.trim().is_empty() {
            m.0.insert(format!("r-{i}-name"), say("form-required"));
        }
        let mut t = r
            .orig
            .and_then(|o| old_rules.get(o))
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        t.insert("name".into(), Value::String(r.name.trim().to_string()));
        let mut when = t
            .get("when")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        for (j, (key, _)) in WHEN_LISTS.iter().enumerate() {
            let l = list(&r.when[j]);
            if l.is_empty() {
                when.remove(*key);
            } else {
                when.insert((*key).to_string(), Value::Array(l));
            }
        }
        set_table(&mut t, "when", when);
        let mut then = t
            .get("then")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        match r.queue.trim() {
            "" => then.remove("queue"),
            q => then.insert("queue".into(), Value::String(q.to_string())),
        };
        match r.priority_add.trim() {
            "" => {
                then.remove("priority_add");
            }
            p => match p.parse::<i32>() {
                Ok(n) => {
                    then.insert("priority_add".into(), Value::Integer(i64::from(n)));
                }
                Err(_) => {
                    m.0.insert(format!("r-{i}-priority_add"), say("form-whole-number"));
                }
            },
        }
        let sk = skills(&r.skills, &format!("r-{i}-skills"), lang, m);
        if sk.is_empty() {
            then.remove("add_skills");
        } else {
            then.insert("add_skills".into(), Value::Table(sk));
        }
        set_table(&mut t, "then", then);
        rules.push(Value::Table(t));
        rows.push(i);
    }
    set_array(&mut doc, "rule", rules);
    if let Some(Value::Array(queues)) = doc.get_mut("queue") {
        for (qi, (name, steps)) in f.queues.iter().enumerate() {
            let Some(q) = queues
                .iter_mut()
                .filter_map(Value::as_table_mut)
                .find(|q| q.get("name").and_then(Value::as_str) == Some(name.as_str()))
            else {
                m.0.insert(
                    "plan-form".into(),
                    format!("{name:?}: {}", say("form-queue-gone")),
                );
                continue;
            };
            let mut out = Vec::new();
            for (si, s) in steps.iter().enumerate() {
                if !s.kept() {
                    continue;
                }
                let mut t = toml::Table::new();
                if !s.until_s.trim().is_empty() {
                    match s.until_s.trim().parse::<f64>() {
                        Ok(v) => {
                            t.insert("until_s".into(), Value::Float(v));
                        }
                        Err(_) => {
                            m.0.insert(format!("q-{qi}-s-{si}-until_s"), say("form-seconds"));
                        }
                    }
                }
                let sk = skills(&s.skills, &format!("q-{qi}-s-{si}-skills"), lang, m);
                if !sk.is_empty() {
                    t.insert("skills".into(), Value::Table(sk));
                }
                if !s.team.trim().is_empty() {
                    t.insert("team".into(), Value::String(s.team.trim().to_string()));
                }
                out.push(Value::Table(t));
            }
            set_array(q, "step", out);
            let h = f.hours.get(qi).cloned().unwrap_or_default();
            let mut ht = q
                .get("hours")
                .and_then(Value::as_table)
                .cloned()
                .unwrap_or_default();
            if h.is_empty() {
                q.remove("hours");
                continue;
            }
            let mut weekly = toml::Table::new();
            for line in h.weekly.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match line.split_once('=') {
                    Some((d, t)) if !d.trim().is_empty() && !t.trim().is_empty() => {
                        let t = t.trim().trim_matches('"');
                        weekly.insert(d.trim().to_string(), Value::String(t.to_string()));
                    }
                    _ => {
                        m.0.insert(
                            format!("q-{qi}-weekly"),
                            format!("{line:?}: {}", say("form-weekly")),
                        );
                    }
                }
            }
            ht.insert("weekly".into(), Value::Table(weekly));
            let holidays = list(&h.holidays);
            if holidays.is_empty() {
                ht.remove("holidays");
            } else {
                ht.insert("holidays".into(), Value::Array(holidays));
            }
            match h.closed.trim() {
                "" => ht.remove("closed"),
                c => ht.insert("closed".into(), Value::String(c.to_string())),
            };
            q.insert("hours".into(), Value::Table(ht));
        }
    }
    (doc, rows)
}

fn set_table(t: &mut toml::Table, key: &str, v: toml::Table) {
    if v.is_empty() {
        t.remove(key);
    } else {
        t.insert(key.into(), Value::Table(v));
    }
}

fn set_array(t: &mut toml::Table, key: &str, v: Vec<Value>) {
    if v.is_empty() {
        t.remove(key);
    } else {
        t.insert(key.into(), Value::Array(v));
    }
}

/// Puts the validator's message on the input it names: `rule "NAME".KEY…`
/// or `queue "NAME".step[S].KEY…`; anything else goes on the whole form.
fn place(f: &PlanForm, rows: &[usize], msg: &str, m: &mut Mistakes) {
    // "plan:3:5: FIELD: message" (position when known).
    let rest = msg.strip_prefix("plan").unwrap_or(msg);
    let rest = rest
        .trim_start_matches(|c: char| c == ':' || c.is_ascii_digit())
        .trim_start();
    let target = (|| {
        if let Some(r) = rest.strip_prefix("rule \"") {
            let (name, after) = r.split_once("\".")?;
            let i = *rows.iter().find(|i| f.rules[**i].name.trim() == name)?;
            let key = if let Some(w) = after.strip_prefix("when.") {
                WHEN_LISTS
                    .iter()
                    .find(|(k, _)| w.starts_with(k))
                    .map_or("name", |(k, _)| k)
            } else if after.starts_with("then.queue") {
                "queue"
            } else if after.starts_with("then.add_skills") {
                "skills"
            } else if after.starts_with("then.priority_add") {
                "priority_add"
            } else {
                "name"
            };
            return Some(format!("r-{i}-{key}"));
        }
        if let Some(q) = rest.strip_prefix("queue \"") {
            if let Some((name, after)) = q.split_once("\".hours") {
                let qi = f.queues.iter().position(|(n, _)| n == name)?;
                let key = ["holidays", "closed"]
                    .into_iter()
                    .find(|k| after.starts_with(&format!(".{k}")))
                    .unwrap_or("weekly");
                return Some(format!("q-{qi}-{key}"));
            }
            let (name, after) = q.split_once("\".step[")?;
            let qi = f.queues.iter().position(|(n, _)| n == name)?;
            let (s, key) = after.split_once("].")?;
            let s: usize = s.parse().ok()?;
            // The s-th step kept, counted over the form's rows.
            let row = f.queues[qi]
                .1
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kept())
                .nth(s)?
                .0;
            let key = ["until_s", "skills", "team"]
                .into_iter()
                .find(|k| key.starts_with(k))
                .unwrap_or("skills");
            return Some(format!("q-{qi}-s-{row}-{key}"));
        }
        None
    })();
    // Next to a field, the position in the generated document means nothing:
    // the field path and the message say it. On the whole form, all of it.
    match target {
        Some(id) => m.0.insert(id, rest.to_string()),
        None => m.0.insert("plan-form".into(), msg.to_string()),
    };
}

/// An input with its label and, when wrong, its message.
fn input(ctx_label: &str, id: &str, name: &str, value: &str, m: &Mistakes, size: usize) -> String {
    let err = m.0.get(id);
    format!(
        "<label for=\"{id}\">{ctx_label}</label><input id=\"{id}\" name=\"{name}\" value=\"{v}\" size=\"{size}\"{inv}>{msg}",
        v = esc(value),
        inv = if err.is_some() {
            format!(" aria-invalid=\"true\" aria-describedby=\"{id}-err\"")
        } else {
            String::new()
        },
        msg = err
            .map(|e| format!(
                "<span class=\"error field-error\" id=\"{id}-err\">{}</span>",
                esc(e)
            ))
            .unwrap_or_default(),
    )
}

fn render(ctx: &Ctx, f: &PlanForm, m: &Mistakes, saved: bool) -> String {
    let mut s = String::from(
        "<form id=\"plan-form\" hx-post=\"/ui/admin/plan/form\" hx-target=\"#plan-form-box\" hx-swap=\"innerHTML\">",
    );
    let _ = write!(s, "<h3 id=\"rules-h\">{}</h3>", ctx.te("rules"));
    let mut rows = f.rules.clone();
    rows.extend((0..BLANK_ROWS).map(|_| RuleRow::default()));
    for (i, r) in rows.iter().enumerate() {
        let legend = if r.orig.is_none() && r.name.is_empty() {
            ctx.te("new-rule")
        } else {
            esc(&r.name)
        };
        let _ = write!(s, "<fieldset class=\"rule\"><legend>{legend}</legend>");
        if let Some(o) = r.orig {
            let _ = write!(
                s,
                "<input type=\"hidden\" name=\"r.{i}.orig\" value=\"{o}\">"
            );
        }
        s.push_str(&input(
            &ctx.te("rule-name"),
            &format!("r-{i}-name"),
            &format!("r.{i}.name"),
            &r.name,
            m,
            16,
        ));
        for (j, (key, label)) in WHEN_LISTS.iter().enumerate() {
            s.push_str(&input(
                &ctx.te(label),
                &format!("r-{i}-{key}"),
                &format!("r.{i}.{key}"),
                &r.when[j],
                m,
                12,
            ));
        }
        s.push_str(&input(
            &ctx.te("queue"),
            &format!("r-{i}-queue"),
            &format!("r.{i}.queue"),
            &r.queue,
            m,
            12,
        ));
        s.push_str(&input(
            &ctx.te("priority-add"),
            &format!("r-{i}-priority_add"),
            &format!("r.{i}.priority_add"),
            &r.priority_add,
            m,
            4,
        ));
        s.push_str(&input(
            &ctx.te("add-skills"),
            &format!("r-{i}-skills"),
            &format!("r.{i}.skills"),
            &r.skills,
            m,
            16,
        ));
        if r.orig.is_some() || !r.name.is_empty() {
            let _ = write!(
                s,
                "<label><input type=\"checkbox\" name=\"r.{i}.remove\" value=\"1\"{}> {}</label>",
                if r.remove { " checked" } else { "" },
                ctx.te("remove")
            );
        }
        s.push_str("</fieldset>");
    }
    let _ = write!(s, "<h3>{}</h3>", ctx.te("timed-steps"));
    for (qi, (name, steps)) in f.queues.iter().enumerate() {
        let _ = write!(
            s,
            "<fieldset class=\"steps\"><legend>{} {}</legend><input type=\"hidden\" name=\"q.{qi}.name\" value=\"{}\">",
            ctx.te("queue"),
            esc(name),
            esc(name)
        );
        let mut rows = steps.clone();
        rows.extend((0..BLANK_ROWS).map(|_| StepRow::default()));
        for (si, st) in rows.iter().enumerate() {
            s.push_str("<div class=\"row step\">");
            s.push_str(&input(
                &ctx.te("until-s"),
                &format!("q-{qi}-s-{si}-until_s"),
                &format!("q.{qi}.s.{si}.until_s"),
                &st.until_s,
                m,
                6,
            ));
            s.push_str(&input(
                &ctx.te("skills"),
                &format!("q-{qi}-s-{si}-skills"),
                &format!("q.{qi}.s.{si}.skills"),
                &st.skills,
                m,
                20,
            ));
            s.push_str(&input(
                &ctx.te("team"),
                &format!("q-{qi}-s-{si}-team"),
                &format!("q.{qi}.s.{si}.team"),
                &st.team,
                m,
                10,
            ));
            if si < steps.len() {
                let _ = write!(
                    s,
                    "<label><input type=\"checkbox\" name=\"q.{qi}.s.{si}.remove\" value=\"1\"{}> {}</label>",
                    if st.remove { " checked" } else { "" },
                    ctx.te("remove")
                );
            }
            s.push_str("</div>");
        }
        let h = f.hours.get(qi).cloned().unwrap_or_default();
        let wid = format!("q-{qi}-weekly");
        let werr = m.0.get(&wid);
        let _ = write!(
            s,
            "<div class=\"row hours\"><label for=\"{wid}\">{wl}</label>\
<textarea id=\"{wid}\" name=\"q.{qi}.weekly\" rows=\"2\" cols=\"28\" class=\"code\" placeholder=\"mon-fri = 08:00-20:00\"{inv}>{wv}</textarea>{werr}",
            wl = ctx.te("opening-hours"),
            wv = esc(&h.weekly),
            inv = if werr.is_some() {
                format!(" aria-invalid=\"true\" aria-describedby=\"{wid}-err\"")
            } else {
                String::new()
            },
            werr = werr
                .map(|e| format!(
                    "<span class=\"error field-error\" id=\"{wid}-err\">{}</span>",
                    esc(e)
                ))
                .unwrap_or_default(),
        );
        s.push_str(&input(
            &ctx.te("holiday-dates"),
            &format!("q-{qi}-holidays"),
            &format!("q.{qi}.holidays"),
            &h.holidays,
            m,
            24,
        ));
        s.push_str(&input(
            &ctx.te("when-closed"),
            &format!("q-{qi}-closed"),
            &format!("q.{qi}.closed"),
            &h.closed,
            m,
            12,
        ));
        s.push_str("</div></fieldset>");
    }
    let _ = write!(
        s,
        "<p id=\"plan-form-msg\" aria-live=\"polite\">{}</p><p class=\"hint\">{}</p><button type=\"submit\">{}</button></form>",
        match (m.0.get("plan-form"), saved) {
            (Some(e), _) => format!("<span class=\"error\">{}</span>", esc(e)),
            (None, true) => format!("<span class=\"ok\">{}</span>", ctx.te("saved")),
            (None, false) if !m.0.is_empty() => format!(
                "<span class=\"error\">{}</span>",
                ctx.te("form-has-mistakes")
            ),
            _ => String::new(),
        },
        ctx.te("plan-form-hint"),
        ctx.te("save"),
    );
    s
}

/// The form of the stored plan (for the administration page).
pub async fn form_html(st: &AppState, ctx: &Ctx, t: &store::Tenant) -> ApiResult<String> {
    let doc = st.store.plan(t).await?.unwrap_or_default();
    Ok(match document_value(&doc) {
        Ok(v) => render(ctx, &PlanForm::of(&v), &Mistakes::default(), false),
        Err(e) => format!("<p class=\"error\">{}</p>", esc(&e)),
    })
}

/// `POST /ui/admin/plan/form`: saves the form through the plan's validator;
/// the answer is the form again (with messages next to the fields, 422) and,
/// when saved, the raw editor's text replaced out of band.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    super::UiForm(fields): super::UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let posted = PlanForm::posted(&fields)?;
    let stored_text = st.store.plan(&t).await?.unwrap_or_default();
    let stored = document_value(&stored_text)
        .map_err(|e| ApiError::conflict(format!("the stored plan does not read: {e}")))?;
    let mut m = Mistakes::default();
    let (doc, rows) = build(&stored, &posted, ctx.lang, &mut m);
    let wrong = |m: &Mistakes| {
        let mut r = html_response(render(&ctx, &posted, m, false));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    if !m.0.is_empty() {
        return Ok(wrong(&m));
    }
    let text = toml::to_string(&doc).map_err(ApiError::internal)?;
    match st
        .hub
        .tenant(&t)
        .await?
        .call(Op::SetPlan(text.clone()))
        .await
    {
        Ok(_) => {}
        Err(e) if e.status.is_client_error() => {
            let msg = e.message.strip_prefix("document: ").unwrap_or(&e.message);
            place(&posted, &rows, msg, &mut m);
            return Ok(wrong(&m));
        }
        Err(e) => return Err(e),
    }
    let on = Some("plan".to_string());
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::PlanReplaced, on).await?;
    let saved = document_value(&text).map_err(ApiError::internal)?;
    Ok(html_response(format!(
        "{}<textarea id=\"plan\" name=\"document\" class=\"code\" spellcheck=\"false\" aria-describedby=\"plan-hint plan-msg\" hx-swap-oob=\"true\">{}</textarea>\
<p id=\"plan-msg\" aria-live=\"polite\" hx-swap-oob=\"true\"></p>",
        render(&ctx, &PlanForm::of(&saved), &Mistakes::default(), true),
        esc(&text)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"default_queue = "support"
[[queue]]
name = "support"
wrap_up_s = 4
[[queue.step]]
until_s = 30
skills = { support = 5 }
[[queue.step]]
skills = { support = 1 }

[[rule]]
name = "vip"
when = { value_tier = ["gold"], caller_prefix = ["+34"] }
then = { queue = "support", priority = 5 }
"#;

    #[test]
    fn the_form_keeps_what_it_does_not_show_and_reads_back_what_it_wrote() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        assert_eq!(f.rules[0].when[2], "gold");
        assert_eq!(f.queues[0].1[0].skills, "support:5");
        f.rules[0].when[1] = "ca, es".into();
        f.rules[0].skills = "billing:3".into();
        f.queues[0].1[1].remove = true;
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty(), "{m:?}");
        assert_eq!(rows, [0]);
        let text = toml::to_string(&doc).unwrap();
        crate::tenant::compile_plan(&text, None).unwrap();
        let again = PlanForm::of(&document_value(&text).unwrap());
        assert_eq!(again.rules[0].when[1], "ca, es");
        assert_eq!(again.rules[0].skills, "billing:3");
        assert_eq!(again.queues[0].1.len(), 1);
        // Kept: the caller prefix, the fixed priority, the queue's wrap-up.
        let r = &doc["rule"][0];
        assert_eq!(r["when"]["caller_prefix"][0].as_str(), Some("+34"));
        assert_eq!(r["then"]["priority"].as_integer(), Some(5));
        assert_eq!(doc["queue"][0]["wrap_up_s"].as_integer(), Some(4));
    }

    #[test]
    fn a_mistake_lands_on_the_field_it_names() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        f.rules[0].queue = "nowhere".into();
        f.queues[0].1[0].skills = "support".into();
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.contains_key("q-0-s-0-skills"), "{m:?}");
        f.queues[0].1[0].skills = "support:5".into();
        let mut m = Mistakes::default();
        let (doc2, rows2) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty());
        let e = crate::tenant::compile_plan(&toml::to_string(&doc2).unwrap(), None).unwrap_err();
        let msg = e
            .message
            .strip_prefix("document: ")
            .unwrap_or(&e.message)
            .to_string();
        place(&f, &rows2, &msg, &mut m);
        assert!(
            m.0.get("r-0-queue").is_some_and(|x| x.contains("nowhere")),
            "{m:?} {msg}"
        );
        let _ = (doc, rows);
    }

    #[test]
    fn opening_hours_and_holidays_round_trip_and_their_mistakes_are_placed() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        assert!(f.hours[0].is_empty());
        f.hours[0] = HoursRow {
            weekly: "mon-fri = 08:00-20:00\nsat = 09:00-14:00".into(),
            holidays: "2026-12-25, 2027-01-01".into(),
            closed: "voicemail".into(),
        };
        let mut m = Mistakes::default();
        let (doc, _) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty(), "{m:?}");
        let text = toml::to_string(&doc).unwrap();
        crate::tenant::compile_plan(&text, None).unwrap();
        let again = PlanForm::of(&document_value(&text).unwrap());
        assert_eq!(
            again.hours[0].weekly,
            "mon-fri = 08:00-20:00\nsat = 09:00-14:00"
        );
        assert_eq!(again.hours[0].holidays, "2026-12-25, 2027-01-01");
        // A line without "=", then a date the validator refuses: each next to its field.
        f.hours[0].weekly = "mon-fri 08:00-20:00".into();
        let mut m = Mistakes::default();
        build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.contains_key("q-0-weekly"), "{m:?}");
        f.hours[0].weekly = "mon-fri = 08:00-20:00".into();
        f.hours[0].holidays = "Christmas".into();
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        let e = crate::tenant::compile_plan(&toml::to_string(&doc).unwrap(), None).unwrap_err();
        let msg = e
            .message
            .strip_prefix("document: ")
            .unwrap_or(&e.message)
            .to_string();
        place(&f, &rows, &msg, &mut m);
        assert!(
            m.0.get("q-0-holidays")
                .is_some_and(|x| x.contains("YYYY-MM-DD")),
            "{m:?}"
        );
        // Emptied, the hours go.
        f.hours[0] = HoursRow::default();
        let (doc, _) = build(&stored, &f, Lang::En, &mut Mistakes::default());
        assert!(doc["queue"][0].get("hours").is_none());
    }
}
