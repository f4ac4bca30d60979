//! The file format of queues and routing plans (TOML or JSON), and its
//! compilation into engine configuration.
//!
//! ```toml
//! time_zone = "Europe/Madrid"
//! default_queue = "support"
//!
//! [[queue]]
//! name = "support"                 # needs skill "support" ≥ 1 unless steps say otherwise
//! strategy = "longest_idle"
//! wrap_up_s = 10
//! max_wait = { s = 300, then = "overflow:backup" }
//! hours = { weekly = { mon-fri = "08:00-20:00" }, holidays = ["2026-12-25"], closed = "voicemail" }
//! [[queue.step]]
//! until_s = 30
//! skills = { billing = 7 }
//!
//! [[rule]]
//! name = "vip-line"
//! when = { dialled_number = ["900100100"] }
//! then = { queue = "vip", priority = 50 }
//! ```
//!
//! Every error names the file, the line (and column) and the field.
//! Unknown keys are errors, so a typo never passes silently.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use model::{Channel, Duration, Name, PhoneNumber, Proficiency, QueueId, SkillId, TeamId};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{self, Action, BusinessHours, QueueConfig, SkillReq, Step, Strategy, Target};
use crate::plan::{Match, RoutingPlan, Rule, Then, TimeWindow};

/// Most queues in one plan.
pub const QUEUES_MAX: usize = 1_000;
/// Most rules in one plan.
pub const RULES_MAX: usize = 10_000;
/// Longest wait, ring or wrap-up time a file may set, in seconds (one day).
pub const SECONDS_MAX: f64 = 86_400.0;

/// A file or string being read, for error positions.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The file name as the user gave it.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
}

impl Source<'_> {
    /// Whether the text is JSON (by the file name, or a leading `{`).
    pub fn is_json(&self) -> bool {
        self.file.ends_with(".json") || self.text.trim_start().starts_with('{')
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col)
    }

    /// An error at a span (TOML), or located by searching for the value (JSON).
    pub fn error_at(
        &self,
        span: Option<std::ops::Range<usize>>,
        needle: &str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> SpecError {
        let offset = match span {
            Some(s) if !self.is_json() => Some(s.start),
            _ if !needle.is_empty() => self
                .text
                .find(&format!("\"{needle}\""))
                .or_else(|| self.text.find(needle)),
            _ => None,
        };
        let (line, column) = offset.map(|o| self.line_col(o)).unzip();
        SpecError {
            file: self.file.to_string(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A plan or scenario file that does not parse or validate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {field}: {message}", file, match (line, column) { (Some(l), Some(c)) => format!(":{l}:{c}"), (Some(l), None) => format!(":{l}"), _ => String::new() })]
pub struct SpecError {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The key (path) that is wrong.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Parses TOML or JSON text into `T`, with the position of syntax and type errors.
pub fn parse<T: serde::de::DeserializeOwned>(src: Source<'_>) -> Result<T, SpecError> {
    if src.is_json() {
        // JSON goes through TOML values so that the same spanned structs read it.
        let v: serde_json::Value = serde_json::from_str(src.text).map_err(|e| SpecError {
            file: src.file.into(),
            line: Some(e.line()),
            column: Some(e.column()),
            field: "(syntax)".into(),
            message: e.to_string(),
        })?;
        let tv: toml::Value = serde_json::from_value(v)
            .map_err(|e| src.error_at(None, "", "(document)", e.to_string()))?;
        let text = toml::to_string(&tv).map_err(|e| {
            src.error_at(
                None,
                "",
                "(document)",
                format!("cannot be represented: {e}"),
            )
        })?;
        toml::from_str(&text).map_err(|e| {
            let msg = e.message().to_string();
            let needle = msg.split('`').nth(1).unwrap_or("").to_string();
            src.error_at(None, &needle, "(document)", msg)
        })
    } else {
        toml::from_str(src.text).map_err(|e| {
            let (line, column) = e.span().map(|s| src.line_col(s.start)).unzip();
            SpecError {
                file: src.file.into(),
                line,
                column,
                field: field_of(src.text, e.span()),
                message: e.message().to_string(),
            }
        })
    }
}

/// The key on the line of a span, for errors from the TOML parser.
fn field_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(s) = span else {
        return "(document)".into();
    };
    let start = text[..s.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    line.split('=')
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.starts_with('['))
        .unwrap_or("(document)")
        .to_string()
}

/// Names given in files, mapped to the engine's dense ids.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// Queue names by id.
    pub queues: Vec<Arc<str>>,
    /// Skill names by id.
    pub skills: Vec<Arc<str>>,
    /// Team names by id.
    pub teams: Vec<Arc<str>>,
    queue_ids: HashMap<Arc<str>, QueueId>,
    skill_ids: HashMap<Arc<str>, SkillId>,
    team_ids: HashMap<Arc<str>, TeamId>,
}

impl Names {
    /// The id of a skill, registering it if new.
    pub fn skill(&mut self, name: &str) -> SkillId {
        if let Some(&id) = self.skill_ids.get(name) {
            return id;
        }
        let id = SkillId(self.skills.len() as u16);
        let name: Arc<str> = name.into();
        self.skills.push(name.clone());
        self.skill_ids.insert(name, id);
        id
    }

    /// The id of a team, registering it if new.
    pub fn team(&mut self, name: &str) -> TeamId {
        if let Some(&id) = self.team_ids.get(name) {
            return id;
        }
        let id = TeamId(self.teams.len() as u16);
        let name: Arc<str> = name.into();
        self.teams.push(name.clone());
        self.team_ids.insert(name, id);
        id
    }

    /// The id of a defined queue.
    pub fn queue(&self, name: &str) -> Option<QueueId> {
        self.queue_ids.get(name).copied()
    }

    /// Registers a new queue's name (none if taken): the next id.
    pub fn add_queue(&mut self, name: &str) -> Option<QueueId> {
        if self.queue_ids.contains_key(name) {
            return None;
        }
        let id = QueueId(self.queues.len() as u32);
        let name: Arc<str> = name.into();
        self.queues.push(name.clone());
        self.queue_ids.insert(name, id);
        Some(id)
    }
}

/// A plan file: queues and rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Zone of time-of-day rules (IANA name), UTC by default.
    pub time_zone: Option<Spanned<String>>,
    /// Where interactions go when nothing else decides.
    pub default_queue: Option<Spanned<String>>,
    /// The queues.
    #[serde(default)]
    pub queue: Vec<QueueSpec>,
    /// The rules, in order.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// One queue in a file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Its unique name.
    pub name: Spanned<String>,
    /// The skill agents need (level 1) when no steps are given; the queue's name by default.
    pub skill: Option<Spanned<String>>,
    /// Added to every interaction's priority here.
    #[serde(default)]
    pub priority: i32,
    /// Priority growth per minute of waiting.
    #[serde(default)]
    pub aging_per_min: u32,
    /// Agent-selection strategy.
    pub strategy: Option<Spanned<String>>,
    /// After-contact work, seconds.
    #[serde(default)]
    pub wrap_up_s: f64,
    /// Ring-no-answer timeout, seconds (20 by default).
    pub ring_timeout_s: Option<f64>,
    /// Service-level threshold, seconds (20 by default).
    pub sl_seconds: Option<f64>,
    /// Service-level target share (0.8 by default).
    pub sl_target: Option<Spanned<f64>>,
    /// Longest wait and what then.
    pub max_wait: Option<MaxWaitSpec>,
    /// Most waiting and what happens to the next.
    pub max_length: Option<MaxLengthSpec>,
    /// Opening hours.
    pub hours: Option<HoursSpec>,
    /// What happens when the last timed step runs out.
    pub after_steps: Option<Spanned<String>>,
    /// Timed steps.
    #[serde(default)]
    pub step: Vec<StepSpec>,
}

/// `max_wait = { s = 300, then = "overflow:backup" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxWaitSpec {
    /// Seconds.
    pub s: f64,
    /// An action: `overflow:QUEUE`, `voicemail`, `refuse`, `callback`, `abandon_message`.
    pub then: Spanned<String>,
}

/// `max_length = { n = 50, then = "refuse" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxLengthSpec {
    /// How many may wait.
    pub n: u32,
    /// An action for the next one.
    pub then: Spanned<String>,
}

/// Opening hours.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursSpec {
    /// IANA zone; the plan's by default.
    pub time_zone: Option<Spanned<String>>,
    /// Days (`mon`, `mon-fri`, `sat,sun`) to `HH:MM-HH:MM[,HH:MM-HH:MM]`.
    pub weekly: BTreeMap<String, Spanned<String>>,
    /// Closed days, `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<Spanned<String>>,
    /// What happens to arrivals when closed (`voicemail` by default; `queue` to wait anyway).
    pub closed: Option<Spanned<String>>,
}

/// One timed step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The step ends after this many seconds in the queue (omit on the last).
    pub until_s: Option<f64>,
    /// Skills and minimum levels.
    #[serde(default)]
    pub skills: BTreeMap<String, Spanned<u8>>,
    /// Only this team.
    pub team: Option<Spanned<String>>,
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Its name (given in offer reasons).
    pub name: Spanned<String>,
    /// Conditions.
    #[serde(default)]
    pub when: WhenSpec,
    /// Effects.
    #[serde(default)]
    pub then: ThenSpec,
}

/// Rule conditions.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    /// Dialled numbers.
    #[serde(default)]
    pub dialled_number: Vec<Spanned<String>>,
    /// Caller number prefixes.
    #[serde(default)]
    pub caller_prefix: Vec<Spanned<String>>,
    /// Channels.
    #[serde(default)]
    pub channel: Vec<Spanned<String>>,
    /// Segments.
    #[serde(default)]
    pub segment: Vec<String>,
    /// Value tiers.
    #[serde(default)]
    pub value_tier: Vec<String>,
    /// Languages.
    #[serde(default)]
    pub language: Vec<String>,
    /// IVR menu → choice.
    #[serde(default)]
    pub ivr: BTreeMap<String, String>,
    /// Free attribute key → value.
    #[serde(default)]
    pub attribute: BTreeMap<String, String>,
    /// Time windows.
    #[serde(default)]
    pub time: Vec<TimeSpec>,
}

/// `{ days = "mon-fri", from = "08:00", to = "20:00" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSpec {
    /// Days.
    pub days: Spanned<String>,
    /// Start, `HH:MM`.
    pub from: Spanned<String>,
    /// End, `HH:MM` (before `from` for windows over midnight).
    pub to: Spanned<String>,
}

/// Rule effects.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThenSpec {
    /// Queue name.
    pub queue: Option<Spanned<String>>,
    /// Set priority.
    pub priority: Option<i32>,
    /// Add to priority.
    #[serde(default)]
    pub priority_add: i32,
    /// Skills required in every step.
    #[serde(default)]
    pub add_skills: BTreeMap<String, Spanned<u8>>,
}

/// Compiles a plan: queues get ids in file order after those already in
/// `names`; skills and teams are registered as they are met.
pub fn compile(
    src: Source<'_>,
    spec: &PlanSpec,
    names: &mut Names,
) -> Result<(Vec<QueueConfig>, RoutingPlan), SpecError> {
    if spec.queue.len() > QUEUES_MAX {
        return Err(src.error_at(None, "", "queue", format!("at most {QUEUES_MAX} queues")));
    }
    if spec.rule.len() > RULES_MAX {
        return Err(src.error_at(None, "", "rule", format!("at most {RULES_MAX} rules")));
    }
    let tz = match &spec.time_zone {
        Some(z) => parse_tz(src, z, "time_zone")?,
        None => Tz::UTC,
    };
    for q in &spec.queue {
        let name = q.name.get_ref();
        if name.is_empty() || name.len() > 64 {
            return Err(src.error_at(
                Some(q.name.span()),
                name,
                "queue.name",
                "must be 1 to 64 characters",
            ));
        }
        if names.add_queue(name).is_none() {
            return Err(src.error_at(
                Some(q.name.span()),
                name,
                "queue.name",
                format!("queue {name:?} is defined twice"),
            ));
        }
    }
    let mut queues = Vec::with_capacity(spec.queue.len());
    for q in &spec.queue {
        queues.push(compile_queue(src, q, names, tz)?);
    }
    let mut rules = Vec::with_capacity(spec.rule.len());
    for r in &spec.rule {
        rules.push(compile_rule(src, r, names)?);
    }
    let default_queue = match &spec.default_queue {
        Some(n) => Some(queue_ref(src, n, names, "default_queue")?),
        None => None,
    };
    Ok((
        queues,
        RoutingPlan {
            tz,
            rules,
            default_queue,
        },
    ))
}

fn compile_queue(
    src: Source<'_>,
    q: &QueueSpec,
    names: &mut Names,
    tz: Tz,
) -> Result<QueueConfig, SpecError> {
    let name = q.name.get_ref().as_str();
    let id = names.queue(name).expect("registered in the first pass");
    let f = |key: &str| format!("queue {name:?}.{key}");
    let secs = |v: f64, key: &str| -> Result<Duration, SpecError> {
        if !(0.0..=SECONDS_MAX).contains(&v) || v.is_nan() {
            return Err(src.error_at(
                Some(q.name.span()),
                name,
                f(key),
                format!("must be from 0 to {SECONDS_MAX} seconds, got {v}"),
            ));
        }
        Ok(Duration::from_millis((v * 1000.0).round() as u64))
    };
    if q.priority.unsigned_abs() > config::PRIORITY_ABS_MAX.unsigned_abs() {
        return Err(src.error_at(
            Some(q.name.span()),
            name,
            f("priority"),
            format!("must be within ±{}", config::PRIORITY_ABS_MAX),
        ));
    }
    if q.aging_per_min > config::AGING_PER_MIN_MAX {
        return Err(src.error_at(
            Some(q.name.span()),
            name,
            f("aging_per_min"),
            format!("at most {}", config::AGING_PER_MIN_MAX),
        ));
    }
    let strategy = match &q.strategy {
        Some(s) => Strategy::parse(s.get_ref()).ok_or_else(|| {
            src.error_at(Some(s.span()), s.get_ref(), f("strategy"), "expected longest_idle, least_occupied, round_robin, most_skilled, fewest_contacts or random")
        })?,
        None => Strategy::LongestIdle,
    };
    let mut steps = Vec::new();
    if q.step.len() > config::STEPS_MAX {
        return Err(src.error_at(
            Some(q.name.span()),
            name,
            f("step"),
            format!("at most {} steps", config::STEPS_MAX),
        ));
    }
    let mut last_until = Duration::ZERO;
    for (i, s) in q.step.iter().enumerate() {
        let key = format!("step[{i}]");
        let until = match s.until_s {
            Some(v) => {
                let d = secs(v, &format!("{key}.until_s"))?;
                if d <= last_until && i > 0 {
                    return Err(src.error_at(
                        Some(q.name.span()),
                        name,
                        f(&format!("{key}.until_s")),
                        "steps must end later than the step before",
                    ));
                }
                last_until = d;
                Some(d)
            }
            None if i + 1 < q.step.len() => {
                return Err(src.error_at(
                    Some(q.name.span()),
                    name,
                    f(&format!("{key}.until_s")),
                    "only the last step may be open-ended",
                ));
            }
            None => None,
        };
        let skills = skill_reqs(src, &s.skills, names, &f(&format!("{key}.skills")))?;
        let team = s.team.as_ref().map(|t| names.team(t.get_ref()));
        steps.push(Step {
            until,
            target: Target { skills, team },
        });
    }
    if steps.is_empty() {
        let skill = q.skill.as_ref().map_or(name, |s| s.get_ref().as_str());
        steps.push(Step {
            until: None,
            target: Target {
                skills: vec![SkillReq {
                    skill: names.skill(skill),
                    min: Proficiency::MIN,
                }],
                team: None,
            },
        });
    }
    let max_wait = match &q.max_wait {
        Some(m) => Some((
            secs(m.s, "max_wait.s")?,
            action(src, &m.then, names, &f("max_wait.then"))?,
        )),
        None => None,
    };
    let max_length = match &q.max_length {
        Some(m) => Some((m.n, action(src, &m.then, names, &f("max_length.then"))?)),
        None => None,
    };
    let after_steps = match &q.after_steps {
        Some(a) => Some(action(src, a, names, &f("after_steps"))?),
        None => None,
    };
    let hours = match &q.hours {
        Some(h) => Some(hours(src, h, names, tz, &f("hours"))?),
        None => None,
    };
    let sl_target = match &q.sl_target {
        Some(t) if !(*t.get_ref() > 0.0 && *t.get_ref() < 1.0) => {
            return Err(src.error_at(
                Some(t.span()),
                &t.get_ref().to_string(),
                f("sl_target"),
                "must be between 0 and 1",
            ));
        }
        Some(t) => *t.get_ref(),
        None => 0.8,
    };
    Ok(QueueConfig {
        id,
        name: name.into(),
        priority: q.priority,
        aging_per_min: q.aging_per_min,
        steps,
        after_steps,
        strategy,
        wrap_up: secs(q.wrap_up_s, "wrap_up_s")?,
        ring_timeout: secs(q.ring_timeout_s.unwrap_or(20.0), "ring_timeout_s")?,
        max_wait,
        max_length,
        hours,
        sl_threshold: secs(q.sl_seconds.unwrap_or(20.0), "sl_seconds")?,
        sl_target,
    })
}

fn skill_reqs(
    src: Source<'_>,
    m: &BTreeMap<String, Spanned<u8>>,
    names: &mut Names,
    field: &str,
) -> Result<Vec<SkillReq>, SpecError> {
    if m.len() > config::REQUIREMENTS_MAX {
        return Err(src.error_at(
            None,
            "",
            field,
            format!("at most {} skills", config::REQUIREMENTS_MAX),
        ));
    }
    m.iter()
        .map(|(skill, level)| {
            let min = Proficiency::new(*level.get_ref()).map_err(|e| {
                src.error_at(Some(level.span()), skill, format!("{field}.{skill}"), e.why)
            })?;
            Ok(SkillReq {
                skill: names.skill(skill),
                min,
            })
        })
        .collect()
}

fn queue_ref(
    src: Source<'_>,
    n: &Spanned<String>,
    names: &Names,
    field: &str,
) -> Result<QueueId, SpecError> {
    names.queue(n.get_ref()).ok_or_else(|| {
        src.error_at(
            Some(n.span()),
            n.get_ref(),
            field,
            format!("no queue named {:?}", n.get_ref()),
        )
    })
}

fn action(
    src: Source<'_>,
    a: &Spanned<String>,
    names: &Names,
    field: &str,
) -> Result<Action, SpecError> {
    let s = a.get_ref().as_str();
    Ok(match s {
        "voicemail" => Action::Voicemail,
        "refuse" => Action::Refuse,
        "callback" => Action::OfferCallback,
        "abandon_message" => Action::AbandonMessage,
        "queue" => Action::KeepWaiting,
        _ => match s.strip_prefix("overflow:") {
            Some(q) => Action::Overflow(names.queue(q).ok_or_else(|| {
                src.error_at(Some(a.span()), s, field, format!("no queue named {q:?}"))
            })?),
            None => return Err(src.error_at(
                Some(a.span()),
                s,
                field,
                "expected overflow:QUEUE, voicemail, refuse, callback, abandon_message or queue",
            )),
        },
    })
}

fn parse_tz(src: Source<'_>, z: &Spanned<String>, field: &str) -> Result<Tz, SpecError> {
    z.get_ref().parse::<Tz>().map_err(|_| {
        src.error_at(
            Some(z.span()),
            z.get_ref(),
            field,
            "not an IANA time zone such as Europe/Madrid",
        )
    })
}

fn hhmm(
    src: Source<'_>,
    s: &str,
    span: std::ops::Range<usize>,
    field: &str,
) -> Result<u16, SpecError> {
    let bad = || {
        src.error_at(
            Some(span.clone()),
            s,
            field,
            format!("{s:?} is not a time HH:MM"),
        )
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// `mon`, `mon-fri`, `sat,sun`, `all` → bit set, Monday = bit 0.
fn days(src: Source<'_>, s: &Spanned<String>, field: &str) -> Result<u8, SpecError> {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let day = |d: &str| NAMES.iter().position(|n| *n == d.trim());
    let bad = || {
        src.error_at(
            Some(s.span()),
            s.get_ref(),
            field,
            "days are mon..sun, ranges like mon-fri, lists like sat,sun, or all",
        )
    };
    if s.get_ref().trim() == "all" {
        return Ok(0x7f);
    }
    let mut bits = 0u8;
    for part in s.get_ref().split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a).ok_or_else(bad)?, day(b).ok_or_else(bad)?);
                let mut d = a;
                loop {
                    bits |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => bits |= 1 << day(part).ok_or_else(bad)?,
        }
    }
    Ok(bits)
}

fn hours(
    src: Source<'_>,
    h: &HoursSpec,
    _names: &Names,
    plan_tz: Tz,
    field: &str,
) -> Result<(BusinessHours, Action), SpecError> {
    let tz = match &h.time_zone {
        Some(z) => parse_tz(src, z, &format!("{field}.time_zone"))?,
        None => plan_tz,
    };
    let mut weekly: [Vec<(u16, u16)>; 7] = Default::default();
    for (day_spec, ranges) in &h.weekly {
        let key = format!("{field}.weekly.{day_spec}");
        let bits = days(src, &Spanned::new(ranges.span(), day_spec.clone()), &key)?;
        for range in ranges.get_ref().split(',') {
            let (a, b) = range.split_once('-').ok_or_else(|| {
                src.error_at(
                    Some(ranges.span()),
                    ranges.get_ref(),
                    key.clone(),
                    "expected HH:MM-HH:MM",
                )
            })?;
            let (from, to) = (
                hhmm(src, a, ranges.span(), &key)?,
                hhmm(src, b, ranges.span(), &key)?,
            );
            if from >= to {
                return Err(src.error_at(
                    Some(ranges.span()),
                    ranges.get_ref(),
                    key,
                    "opening must be before closing",
                ));
            }
            for (d, list) in weekly.iter_mut().enumerate() {
                if bits & (1 << d) != 0 {
                    list.push((from, to));
                }
            }
        }
    }
    let holidays = h
        .holidays
        .iter()
        .map(|d| {
            NaiveDate::parse_from_str(d.get_ref(), "%Y-%m-%d").map_err(|_| {
                src.error_at(
                    Some(d.span()),
                    d.get_ref(),
                    format!("{field}.holidays"),
                    "expected a date YYYY-MM-DD",
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let closed = match &h.closed {
        Some(a) => action(src, a, _names, &format!("{field}.closed"))?,
        None => Action::Voicemail,
    };
    Ok((
        BusinessHours {
            tz,
            weekly,
            holidays,
        },
        closed,
    ))
}

fn compile_rule(src: Source<'_>, r: &RuleSpec, names: &mut Names) -> Result<Rule, SpecError> {
    let name = r.name.get_ref().as_str();
    let f = |key: &str| format!("rule {name:?}.{key}");
    let w = &r.when;
    let dialled_number = w
        .dialled_number
        .iter()
        .map(|n| {
            PhoneNumber::parse(n.get_ref()).map_err(|e| {
                src.error_at(Some(n.span()), n.get_ref(), f("when.dialled_number"), e.why)
            })
        })
        .collect::<Result<_, _>>()?;
    let caller_prefix = w
        .caller_prefix
        .iter()
        .map(|n| {
            PhoneNumber::parse(n.get_ref())
                .map(|p| p.as_str().to_string())
                .map_err(|e| {
                    src.error_at(Some(n.span()), n.get_ref(), f("when.caller_prefix"), e.why)
                })
        })
        .collect::<Result<_, _>>()?;
    let channel = w
        .channel
        .iter()
        .map(|c| {
            c.get_ref()
                .parse::<Channel>()
                .map_err(|e| src.error_at(Some(c.span()), c.get_ref(), f("when.channel"), e.why))
        })
        .collect::<Result<_, _>>()?;
    let time = w
        .time
        .iter()
        .map(|t| {
            Ok(TimeWindow {
                days: days(src, &t.days, &f("when.time.days"))?,
                from_min: hhmm(src, t.from.get_ref(), t.from.span(), &f("when.time.from"))?,
                to_min: hhmm(src, t.to.get_ref(), t.to.span(), &f("when.time.to"))?,
            })
        })
        .collect::<Result<_, SpecError>>()?;
    let when = Match {
        dialled_number,
        caller_prefix,
        channel,
        segment: w.segment.clone(),
        value_tier: w.value_tier.clone(),
        language: w.language.clone(),
        ivr: w.ivr.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        extra: w
            .attribute
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        time,
    };
    let queue = match &r.then.queue {
        Some(q) => Some(queue_ref(src, q, names, &f("then.queue"))?),
        None => None,
    };
    let then = Then {
        queue,
        priority: r
            .then
            .priority
            .map(|p| p.clamp(-config::PRIORITY_ABS_MAX, config::PRIORITY_ABS_MAX)),
        priority_add: r
            .then
            .priority_add
            .clamp(-config::PRIORITY_ABS_MAX, config::PRIORITY_ABS_MAX),
        add_skills: skill_reqs(src, &r.then.add_skills, names, &f("then.add_skills"))?,
    };
    let name = Name::new(name)
        .map_err(|e| src.error_at(Some(r.name.span()), name, "rule.name", e.to_string()))?;
    Ok(Rule { name, when, then })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"
time_zone = "Europe/Madrid"
default_queue = "support"

[[queue]]
name = "support"
wrap_up_s = 10
max_wait = { s = 300, then = "overflow:backup" }
hours = { weekly = { "mon-fri" = "08:00-20:00", sat = "09:00-14:00" }, holidays = ["2026-12-25"], closed = "voicemail" }

[[queue.step]]
until_s = 30
skills = { billing = 7 }

[[queue.step]]
skills = { billing = 3 }

[[queue]]
name = "backup"

[[rule]]
name = "vip-line"
when = { dialled_number = ["900 100 100"], time = [{ days = "mon-fri", from = "08:00", to = "20:00" }] }
then = { queue = "backup", priority = 50, add_skills = { catalan = 5 } }
"#;

    fn compile_str(
        file: &str,
        text: &str,
    ) -> Result<(Vec<QueueConfig>, RoutingPlan, Names), SpecError> {
        let src = Source { file, text };
        let spec: PlanSpec = parse(src)?;
        let mut names = Names::default();
        let (q, p) = compile(src, &spec, &mut names)?;
        Ok((q, p, names))
    }

    #[test]
    fn a_full_plan_compiles() {
        let (queues, plan, names) = compile_str("plan.toml", PLAN).unwrap();
        assert_eq!(queues.len(), 2);
        assert_eq!(queues[0].steps.len(), 2);
        assert_eq!(
            queues[0].max_wait,
            Some((Duration::from_secs(300), Action::Overflow(QueueId(1))))
        );
        assert_eq!(
            queues[1].steps[0].target.skills[0].skill,
            names.skill_ids["backup"]
        );
        assert_eq!(plan.rules[0].then.queue, Some(QueueId(1)));
        assert_eq!(plan.default_queue, Some(QueueId(0)));
        let hours = &queues[0].hours.as_ref().unwrap().0;
        assert_eq!(hours.weekly[5], vec![(540, 840)]);
        assert!(hours.weekly[6].is_empty());
    }

    #[test]
    fn the_same_plan_reads_from_json() {
        let json = r#"{"queue": [{"name": "support", "step": [{"until_s": 30, "skills": {"billing": 7}}, {"skills": {"billing": 3}}]}],
                       "rule": [{"name": "r", "when": {"language": ["ca"]}, "then": {"queue": "support"}}]}"#;
        let (queues, plan, _) = compile_str("plan.json", json).unwrap();
        assert_eq!(queues[0].steps.len(), 2);
        assert_eq!(plan.rules.len(), 1);
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let bad = PLAN.replace("overflow:backup", "overflow:nowhere");
        let e = compile_str("plan.toml", &bad).unwrap_err();
        assert_eq!(e.line, Some(8), "{e}");
        assert!(e.field.contains("max_wait.then"), "{e}");
        assert!(e.to_string().starts_with("plan.toml:8:"), "{e}");

        let bad = PLAN.replace("billing = 7", "billing = 11");
        let e = compile_str("plan.toml", &bad).unwrap_err();
        assert_eq!(e.line, Some(13), "{e}");

        let bad = PLAN.replace("wrap_up_s = 10", "wrap_up = 10");
        let e = compile_str("plan.toml", &bad).unwrap_err();
        assert_eq!(e.line, Some(7), "{e}");
        assert!(e.message.contains("unknown field"), "{e}");

        let bad = PLAN.replace("\"08:00-20:00\"", "\"8-20\"");
        let e = compile_str("plan.toml", &bad).unwrap_err();
        assert!(e.field.contains("hours.weekly"), "{e}");

        let e = compile_str(
            "plan.json",
            r#"{"queue": [{"name": "a", "strategy": "loudest"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.field.contains("strategy"), "{e}");

        let e = compile_str("plan.json", "{\n\"queue\": [\n}").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");

        let long = "r".repeat(model::name::NAME_LEN_MAX + 1);
        let bad = PLAN.replace("name = \"vip-line\"", &format!("name = \"{long}\""));
        let e = compile_str("plan.toml", &bad).unwrap_err();
        assert!(e.field.contains("rule.name"), "{e}");
        assert!(e.message.contains("longer than 256"), "{e}");
    }

    /// Rule names are not kept once their plan is gone: plans with as many
    /// distinct rule names as allowed compile again and again, past the 2^20
    /// names a process-wide table once held for every tenant together.
    #[test]
    fn many_plans_of_many_distinct_rule_names_all_compile() {
        let src = Source {
            file: "plan.toml",
            text: "",
        };
        let mut spec = PlanSpec {
            rule: (0..RULES_MAX)
                .map(|_| RuleSpec {
                    name: Spanned::new(0..0, String::new()),
                    when: WhenSpec::default(),
                    then: ThenSpec::default(),
                })
                .collect(),
            ..PlanSpec::default()
        };
        let plans = (1 << 20) / RULES_MAX + 2;
        for p in 0..plans {
            for (i, r) in spec.rule.iter_mut().enumerate() {
                let name = r.name.get_mut();
                name.clear();
                std::fmt::Write::write_fmt(name, format_args!("plan {p} rule {i}")).unwrap();
            }
            let (_, plan) = compile(src, &spec, &mut Names::default())
                .unwrap_or_else(|e| panic!("plan {p} of {plans}: {e}"));
            assert_eq!(plan.rules.len(), RULES_MAX);
            let last = format!("plan {p} rule {}", RULES_MAX - 1);
            assert_eq!(plan.rules[RULES_MAX - 1].name.as_str(), last);
        }
    }

    #[test]
    fn duplicate_queues_and_open_middle_steps_are_refused() {
        let e = compile_str(
            "p.toml",
            "[[queue]]\nname = \"a\"\n[[queue]]\nname = \"a\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        let e = compile_str("p.toml", "[[queue]]\nname = \"a\"\n[[queue.step]]\nskills = {x = 1}\n[[queue.step]]\nskills = {x = 2}\n").unwrap_err();
        assert!(e.message.contains("open-ended"), "{e}");
    }
}
