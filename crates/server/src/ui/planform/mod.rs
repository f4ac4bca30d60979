//! The routing plan as a form: its rules (conditions on channel, language,
//! value tier and segment; the queue, a priority boost and skills to add)
//! and each queue's timed steps (until when, which skills at which level,
//! which team) with its opening hours. The form edits the stored document:
//! everything it does not show (other conditions, a rule's fixed priority,
//! queue settings…) is kept as it was. Saving builds the document again
//! ([`doc`]) and sends it through the same validator and the same
//! `SetPlan` as the raw editor, so the raw view shows exactly what the form
//! saved; a validator message is shown next to the field it names.
//!
//! This file holds what the form shows, read from the document or from the
//! post, and its templates; [`doc`] makes the document from it.

mod doc;

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use toml::Value;

use super::{Ctx, Markup, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::Op;
use doc::{build, place};

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

/// An input with its label and, when wrong, its message.
fn field(label: &str, id: &str, name: &str, value: &str, m: &Mistakes, size: usize) -> Markup {
    let err = m.0.get(id);
    html! {
        label for=(id) { (label) }
        input #(id) name=(name) value=(value) size=(size) aria-invalid=[err.map(|_| "true")]
            aria-describedby=[err.map(|_| format!("{id}-err"))];
        (field_error(id, err))
    }
}

/// The message of a wrong input, after it (`{id}-err` describes it).
fn field_error(id: &str, err: Option<&String>) -> Markup {
    html! {
        @if let Some(e) = err {
            span.error.field-error #(format!("{id}-err")) { (e) }
        }
    }
}

/// The box that removes a rule or a step when the form is saved.
fn remove_box(ctx: &Ctx, name: &str, checked: bool) -> Markup {
    html! {
        label {
            input type="checkbox" name=(name) value="1" checked[checked];
            " " (ctx.t("remove"))
        }
    }
}

/// One rule (`r.N.key`): its name, conditions, queue, boost and skills.
fn rule_fields(ctx: &Ctx, i: usize, r: &RuleRow, m: &Mistakes) -> Markup {
    let name = |key: &str| format!("r.{i}.{key}");
    let input = |label: &str, key: &str, value: &str, size: usize| {
        field(
            &ctx.t(label),
            &format!("r-{i}-{key}"),
            &name(key),
            value,
            m,
            size,
        )
    };
    let new = r.orig.is_none() && r.name.is_empty();
    html! {
        fieldset.rule {
            legend { @if new { (ctx.t("new-rule")) } @else { (r.name) } }
            @if let Some(o) = r.orig {
                input type="hidden" name=(name("orig")) value=(o);
            }
            (input("rule-name", "name", &r.name, 16))
            @for ((key, label), value) in WHEN_LISTS.iter().zip(&r.when) {
                (input(label, key, value, 12))
            }
            (input("queue", "queue", &r.queue, 12))
            (input("priority-add", "priority_add", &r.priority_add, 4))
            (input("add-skills", "skills", &r.skills, 16))
            @if !new {
                (remove_box(ctx, &name("remove"), r.remove))
            }
        }
    }
}

/// One timed step of queue `qi` (`q.Q.s.S.key`); a stored one can be removed.
fn step_fields(
    ctx: &Ctx,
    qi: usize,
    si: usize,
    st: &StepRow,
    stored: bool,
    m: &Mistakes,
) -> Markup {
    let name = |key: &str| format!("q.{qi}.s.{si}.{key}");
    let input = |label: &str, key: &str, value: &str, size: usize| {
        field(
            &ctx.t(label),
            &format!("q-{qi}-s-{si}-{key}"),
            &name(key),
            value,
            m,
            size,
        )
    };
    html! {
        div.row.step {
            (input("until-s", "until_s", &st.until_s, 6))
            (input("skills", "skills", &st.skills, 20))
            (input("team", "team", &st.team, 10))
            @if stored {
                (remove_box(ctx, &name("remove"), st.remove))
            }
        }
    }
}

/// A queue's opening hours, holidays and what happens when it is closed.
fn hours_fields(ctx: &Ctx, qi: usize, h: &HoursRow, m: &Mistakes) -> Markup {
    let input = |label: &str, key: &str, value: &str, size: usize| {
        field(
            &ctx.t(label),
            &format!("q-{qi}-{key}"),
            &format!("q.{qi}.{key}"),
            value,
            m,
            size,
        )
    };
    let wid = format!("q-{qi}-weekly");
    let werr = m.0.get(&wid);
    html! {
        div.row.hours {
            label for=(wid) { (ctx.t("opening-hours")) }
            textarea.code #(wid) name=(format!("q.{qi}.weekly")) rows="2" cols="28"
                placeholder="mon-fri = 08:00-20:00" aria-invalid=[werr.map(|_| "true")]
                aria-describedby=[werr.map(|_| format!("{wid}-err"))] { (h.weekly) }
            (field_error(&wid, werr))
            (input("holiday-dates", "holidays", &h.holidays, 24))
            (input("when-closed", "closed", &h.closed, 12))
        }
    }
}

/// One queue (`q.Q.name`): its steps, an empty one to add, and its hours.
fn queue_fields(ctx: &Ctx, qi: usize, f: &PlanForm, m: &Mistakes) -> Markup {
    let (name, steps) = &f.queues[qi];
    let mut rows = steps.clone();
    rows.extend((0..BLANK_ROWS).map(|_| StepRow::default()));
    let hours = f.hours.get(qi).cloned().unwrap_or_default();
    html! {
        fieldset.steps {
            legend { (ctx.t("queue")) " " (name) }
            input type="hidden" name=(format!("q.{qi}.name")) value=(name);
            @for (si, st) in rows.iter().enumerate() {
                (step_fields(ctx, qi, si, st, si < steps.len(), m))
            }
            (hours_fields(ctx, qi, &hours, m))
        }
    }
}

/// The form's own line: a mistake without a field, *Saved.*, or that
/// fields are wrong.
fn form_note(ctx: &Ctx, m: &Mistakes, saved: bool) -> Markup {
    html! {
        p #plan-form-msg aria-live="polite" {
            @match (m.0.get("plan-form"), saved) {
                (Some(e), _) => { span.error { (e) } }
                (None, true) => { span.ok { (ctx.t("saved")) } }
                (None, false) if !m.0.is_empty() => {
                    span.error { (ctx.t("form-has-mistakes")) }
                }
                _ => {}
            }
        }
    }
}

/// The whole form: the rules (and an empty one to add), then each queue.
fn render(ctx: &Ctx, f: &PlanForm, m: &Mistakes, saved: bool) -> Markup {
    let mut rules = f.rules.clone();
    rules.extend((0..BLANK_ROWS).map(|_| RuleRow::default()));
    html! {
        form #plan-form hx-post="/ui/admin/plan/form" hx-target="#plan-form-box"
            hx-swap="innerHTML" {
            h3 #rules-h { (ctx.t("rules")) }
            @for (i, r) in rules.iter().enumerate() {
                (rule_fields(ctx, i, r, m))
            }
            h3 { (ctx.t("timed-steps")) }
            @for qi in 0..f.queues.len() {
                (queue_fields(ctx, qi, f, m))
            }
            (form_note(ctx, m, saved))
            p.hint { (ctx.t("plan-form-hint")) }
            button type="submit" { (ctx.t("save")) }
        }
    }
}

/// The form of the stored plan (for the administration page, whose
/// template is a string: the form comes as HTML).
pub async fn form_html(st: &AppState, ctx: &Ctx, t: &store::Tenant) -> ApiResult<Markup> {
    let doc = st.store.plan(t).await?.unwrap_or_default();
    let form = match document_value(&doc) {
        Ok(v) => render(ctx, &PlanForm::of(&v), &Mistakes::default(), false),
        Err(e) => html! { p.error { (e) } },
    };
    Ok(form)
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
        let mut r = markup_response(render(&ctx, &posted, m, false));
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
    Ok(markup_response(html! {
        (render(&ctx, &PlanForm::of(&saved), &Mistakes::default(), true))
        textarea.code #plan name="document" spellcheck="false" aria-describedby="plan-hint plan-msg"
            hx-swap-oob="true" { (text) }
        p #plan-msg aria-live="polite" hx-swap-oob="true" {}
    }))
}
