//! Scenario files: what a simulated day looks like (queues and routing,
//! arrivals, agents with skills and schedules), read from TOML or JSON and
//! checked, with errors that name the file, line and key.
//!
//! The keys are documented in `docs/simulation.md`; queue and rule keys are
//! those of routing plans (`routing::spec`).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use model::{
    Attributes, Channel, Instant, Language, PhoneNumber, Proficiency, QueueId, ReasonCode, Segment,
    SkillId, TeamId, ValueTier,
};
use routing::spec::{self, Names, PlanSpec, QueueSpec, RuleSpec, Source, SpecError};
use routing::{QueueConfig, RoutingPlan};
use serde::Deserialize;
use toml::Spanned;

use crate::dist::{Dist, DistSpec};

/// Longest simulated day (arrivals), in seconds: 31 days.
pub const DURATION_S_MAX: f64 = 31.0 * 86_400.0;
/// Most agents in one scenario.
pub const AGENTS_MAX: u64 = 200_000;
/// Most intervals in a run (duration / interval).
pub const INTERVALS_MAX: f64 = 100_000.0;
/// Highest arrival rate of one stream, per hour.
pub const RATE_PER_HOUR_MAX: f64 = 10_000_000.0;
/// Most arrival streams.
pub const STREAMS_MAX: usize = 10_000;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Arrivals stop here (seconds); then the day drains.
    pub duration_s: Spanned<f64>,
    /// Length of a reporting interval (seconds), 1800 by default.
    pub interval_s: Option<Spanned<f64>>,
    /// The seed (the command line's `--seed` overrides it).
    pub seed: Option<u64>,
    /// Contacts arriving before this (seconds) are left out of KPIs.
    pub warmup_s: Option<Spanned<f64>>,
    /// Local date and time the day starts, `2026-01-05T08:00:00` (Monday 5 January 2026, 00:00, by default).
    pub start: Option<Spanned<String>>,
    /// Zone of `start`, of rule time windows and business hours (UTC by default).
    pub time_zone: Option<Spanned<String>>,
    /// A routing plan file (queues and rules), relative to this file.
    pub routing_plan: Option<Spanned<String>>,
    /// Where interactions go when nothing else decides.
    pub default_queue: Option<Spanned<String>>,
    /// Queues, as in routing plans.
    #[serde(default)]
    pub queue: Vec<QueueSpec>,
    /// Routing rules, as in routing plans.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    /// Arrival streams.
    #[serde(default)]
    pub arrivals: Vec<ArrivalSpec>,
    /// Agent groups.
    #[serde(default)]
    pub agents: Vec<AgentGroupSpec>,
    /// Outbound campaigns.
    #[serde(default)]
    pub campaign: Vec<crate::outbound::CampaignSpec>,
}

/// One arrival stream.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalSpec {
    /// The queue (omit to let the routing plan decide).
    pub queue: Option<Spanned<String>>,
    /// Channel (`voice` by default).
    pub channel: Option<Spanned<String>>,
    /// Poisson rate, per hour.
    pub rate_per_hour: Option<Spanned<f64>>,
    /// Rates per hour for each interval (the last repeats).
    pub profile: Option<Spanned<Vec<f64>>>,
    /// Handle time (talk and hold; the queue's wrap-up comes on top).
    pub handle_time: Spanned<DistSpec>,
    /// Patience while waiting; omit and callers never abandon.
    pub patience: Option<Spanned<DistSpec>>,
    /// Starting priority.
    #[serde(default)]
    pub priority: i32,
    /// Attribute mixes: `language = { ca = 0.3, es = 0.7 }` or `segment = "vip"`.
    #[serde(default)]
    pub attributes: BTreeMap<String, Spanned<AttributeMix>>,
    /// Share of callers who say yes when the queue offers a callback.
    #[serde(default)]
    pub accept_callback: f64,
}

/// A fixed attribute value or shares of values.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AttributeMix {
    /// Always this value.
    Fixed(String),
    /// Value → share (shares add up to at most 1; the rest have no value).
    Shares(BTreeMap<String, f64>),
}

/// One group of identical agents.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentGroupSpec {
    /// Its name (KPIs are per group).
    pub group: Spanned<String>,
    /// How many.
    pub count: Spanned<u64>,
    /// Skill → proficiency 1–10.
    #[serde(default)]
    pub skills: BTreeMap<String, Spanned<u8>>,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<String>,
    /// Channel → how many at once (defaults: voice 1, chat 3, email 5, task 1).
    #[serde(default)]
    pub capacity: BTreeMap<String, Spanned<u8>>,
    /// Whether a call excludes other work (true by default).
    pub voice_exclusive: Option<bool>,
    /// Signed in from `start_s` to `end_s`; the whole run by default.
    pub shift: Option<ShiftSpec>,
    /// Breaks.
    #[serde(default)]
    pub breaks: Vec<BreakSpec>,
    /// Seconds an agent takes to accept an offer (0 by default).
    #[serde(default)]
    pub answer_s: f64,
}

/// A shift.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// Sign-in, seconds from the start.
    pub start_s: f64,
    /// Sign-out (after the current contact), seconds from the start.
    pub end_s: f64,
}

/// A break.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakSpec {
    /// When the first agent of the group goes, seconds from the start.
    pub at_s: f64,
    /// How long.
    pub duration_s: f64,
    /// Reason code (`break` by default).
    pub reason: Option<String>,
    /// The group's agents go one after another, this many seconds apart.
    #[serde(default)]
    pub stagger_s: f64,
}

/// An attribute a stream sets, with its shares.
#[derive(Debug, Clone)]
pub struct AttrMix {
    /// Which attribute.
    pub key: AttrKey,
    /// Values with cumulative shares.
    pub values: Vec<(f64, String)>,
}

/// The attribute an [`AttrMix`] sets.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrKey {
    /// `caller_number`.
    CallerNumber,
    /// `dialled_number`.
    DialledNumber,
    /// `segment`.
    Segment,
    /// `value_tier`.
    ValueTier,
    /// `language`.
    Language,
    /// `ivr.MENU`.
    Ivr(String),
    /// Anything else: a free key.
    Extra(String),
}

/// A compiled arrival stream.
#[derive(Debug, Clone)]
pub struct Stream {
    /// The queue asked for.
    pub queue: Option<QueueId>,
    /// Channel.
    pub channel: Channel,
    /// Arrivals per millisecond, per interval (the last repeats).
    pub rate_per_ms: Vec<f64>,
    /// Handle time.
    pub handle: Dist,
    /// Patience.
    pub patience: Option<Dist>,
    /// Priority.
    pub priority: i32,
    /// Attribute mixes.
    pub attributes: Vec<AttrMix>,
    /// Share accepting a callback.
    pub accept_callback: f64,
}

/// A compiled agent group.
#[derive(Debug, Clone)]
pub struct Group {
    /// Name.
    pub name: String,
    /// Agents in it.
    pub count: u32,
    /// Skills.
    pub skills: Vec<(SkillId, Proficiency)>,
    /// Teams.
    pub teams: Vec<TeamId>,
    /// Capacity per channel.
    pub capacity: [u8; Channel::COUNT],
    /// Voice exclusive.
    pub voice_exclusive: bool,
    /// Shift in ms from the start, if not the whole run.
    pub shift_ms: Option<(u64, u64)>,
    /// Breaks: first start (ms), duration (ms), reason, stagger (ms).
    pub breaks: Vec<(u64, u64, ReasonCode, u64)>,
    /// Time to accept an offer, ms.
    pub answer_ms: u64,
}

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Arrivals stop after this long (ms).
    pub duration_ms: u64,
    /// Reporting interval (ms).
    pub interval_ms: u64,
    /// KPIs leave out contacts arriving before this (ms).
    pub warmup_ms: u64,
    /// The seed.
    pub seed: u64,
    /// Unix ms of the start.
    pub start: Instant,
    /// Names of queues, skills, teams.
    pub names: Names,
    /// Queues by id.
    pub queues: Vec<QueueConfig>,
    /// The plan.
    pub plan: RoutingPlan,
    /// Arrival streams.
    pub streams: Vec<Stream>,
    /// Agent groups.
    pub groups: Vec<Group>,
    /// Outbound campaigns.
    pub campaigns: Vec<crate::outbound::Campaign>,
}

/// A scenario that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// Which file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It does not parse or validate.
    #[error(transparent)]
    Spec(#[from] SpecError),
}

impl Scenario {
    /// Reads and checks a scenario file (and the routing plan it names).
    pub fn load(path: &Path) -> Result<Scenario, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let file = path.display().to_string();
        Scenario::from_text(&file, &text, path.parent())
    }

    /// Parses and checks scenario text; `dir` resolves `routing_plan`.
    pub fn from_text(file: &str, text: &str, dir: Option<&Path>) -> Result<Scenario, LoadError> {
        let src = Source { file, text };
        let spec: ScenarioSpec = spec::parse(src)?;
        let mut names = Names::default();
        let mut queues = Vec::new();
        let mut plan = RoutingPlan::default();
        if let Some(p) = &spec.routing_plan {
            let path = dir.unwrap_or(Path::new(".")).join(p.get_ref());
            let ptext = std::fs::read_to_string(&path).map_err(|e| {
                src.error_at(
                    Some(p.span()),
                    p.get_ref(),
                    "routing_plan",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let pfile = path.display().to_string();
            let psrc = Source {
                file: &pfile,
                text: &ptext,
            };
            let pspec: PlanSpec = spec::parse(psrc)?;
            let (q, pl) = spec::compile(psrc, &pspec, &mut names)?;
            queues = q;
            plan = pl;
        }
        let inline = PlanSpec {
            time_zone: spec.time_zone.clone(),
            default_queue: spec.default_queue.clone(),
            queue: spec.queue,
            rule: spec.rule,
        };
        let (q, pl) = spec::compile(src, &inline, &mut names)?;
        queues.extend(q);
        if spec.time_zone.is_some() || spec.routing_plan.is_none() {
            plan.tz = pl.tz;
        }
        plan.rules.extend(pl.rules);
        plan.default_queue = pl.default_queue.or(plan.default_queue);

        let duration_s = *spec.duration_s.get_ref();
        if !(duration_s > 0.0 && duration_s <= DURATION_S_MAX) {
            return Err(src
                .error_at(
                    Some(spec.duration_s.span()),
                    &duration_s.to_string(),
                    "duration_s",
                    format!("must be above 0 and at most {DURATION_S_MAX}"),
                )
                .into());
        }
        let interval_s = spec.interval_s.as_ref().map_or(1800.0, |i| *i.get_ref());
        if !(interval_s >= 1.0 && duration_s / interval_s <= INTERVALS_MAX) {
            let span = spec.interval_s.as_ref().map(|i| i.span());
            return Err(src
                .error_at(
                    span,
                    &interval_s.to_string(),
                    "interval_s",
                    format!("must be at least 1 s and give at most {INTERVALS_MAX} intervals"),
                )
                .into());
        }
        let warmup_s = spec.warmup_s.as_ref().map_or(0.0, |w| *w.get_ref());
        if !(0.0..duration_s).contains(&warmup_s) {
            let span = spec.warmup_s.as_ref().map(|w| w.span());
            return Err(src
                .error_at(
                    span,
                    &warmup_s.to_string(),
                    "warmup_s",
                    "must be from 0 to below duration_s",
                )
                .into());
        }
        let start = start_instant(src, &spec.start, plan.tz)?;
        let n_intervals = (duration_s / interval_s).ceil() as usize;

        let mut streams = Vec::with_capacity(spec.arrivals.len());
        if spec.arrivals.len() > STREAMS_MAX {
            return Err(src
                .error_at(
                    None,
                    "",
                    "arrivals",
                    format!("at most {STREAMS_MAX} streams"),
                )
                .into());
        }
        for (i, a) in spec.arrivals.iter().enumerate() {
            streams.push(stream(
                src,
                i,
                a,
                &names,
                n_intervals,
                plan.default_queue.is_some() || !plan.rules.is_empty(),
            )?);
        }
        let mut groups = Vec::with_capacity(spec.agents.len());
        let mut total_agents = 0u64;
        for g in &spec.agents {
            total_agents += *g.count.get_ref();
            if total_agents > AGENTS_MAX {
                return Err(src
                    .error_at(
                        Some(g.count.span()),
                        "",
                        format!("agents {:?}.count", g.group.get_ref()),
                        format!("at most {AGENTS_MAX} agents in all"),
                    )
                    .into());
            }
            if groups.iter().any(|x: &Group| x.name == *g.group.get_ref()) {
                return Err(src
                    .error_at(
                        Some(g.group.span()),
                        g.group.get_ref(),
                        "agents.group",
                        "group names must be unique",
                    )
                    .into());
            }
            groups.push(group(src, g, &mut names, duration_s)?);
        }
        let mut campaigns = Vec::with_capacity(spec.campaign.len());
        for c in &spec.campaign {
            let campaign = crate::outbound::compile(src, c, &groups, &mut names, &campaigns)?;
            // The group's agents take the campaign's calls through its own skill.
            groups[campaign.group]
                .skills
                .push((campaign.skill, Proficiency::MIN));
            campaigns.push(campaign);
        }
        Ok(Scenario {
            duration_ms: (duration_s * 1000.0).round() as u64,
            interval_ms: (interval_s * 1000.0).round() as u64,
            warmup_ms: (warmup_s * 1000.0).round() as u64,
            seed: spec.seed.unwrap_or(1),
            start,
            names,
            queues,
            plan,
            streams,
            groups,
            campaigns,
        })
    }

    /// Index of the reporting interval an instant (ms since start) falls in.
    pub fn interval_of(&self, ms: u64) -> usize {
        (ms / self.interval_ms) as usize
    }
}

fn start_instant(
    src: Source<'_>,
    start: &Option<Spanned<String>>,
    tz: Tz,
) -> Result<Instant, SpecError> {
    let text = start
        .as_ref()
        .map_or("2026-01-05T00:00:00", |s| s.get_ref().as_str());
    let span = start.as_ref().map(|s| s.span());
    let bad = |why: &str| src.error_at(span.clone(), text, "start", why.to_string());
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| bad("expected a local date and time YYYY-MM-DDTHH:MM:SS"))?;
    let local = naive.and_local_timezone(tz).earliest().ok_or_else(|| {
        bad("that local time does not exist in the time zone (a daylight-saving gap)")
    })?;
    let ms = local.timestamp_millis();
    if ms < 0 {
        return Err(bad("must be after 1970"));
    }
    Ok(Instant::from_millis(ms as u64))
}

fn dist(src: Source<'_>, d: &Spanned<DistSpec>, field: &str) -> Result<Dist, SpecError> {
    Dist::from_spec(d.get_ref())
        .map_err(|why| src.error_at(Some(d.span()), &d.get_ref().dist, field, why))
}

fn stream(
    src: Source<'_>,
    i: usize,
    a: &ArrivalSpec,
    names: &Names,
    n_intervals: usize,
    plan_decides: bool,
) -> Result<Stream, SpecError> {
    let f = |k: &str| format!("arrivals[{i}].{k}");
    let queue = match &a.queue {
        Some(q) => Some(names.queue(q.get_ref()).ok_or_else(|| {
            src.error_at(
                Some(q.span()),
                q.get_ref(),
                f("queue"),
                format!("no queue named {:?}", q.get_ref()),
            )
        })?),
        None if plan_decides => None,
        None => {
            return Err(src.error_at(
                Some(a.handle_time.span()),
                "",
                f("queue"),
                "needs a queue (or a routing plan with rules or a default_queue)",
            ));
        }
    };
    let channel = match &a.channel {
        Some(c) => c
            .get_ref()
            .parse::<Channel>()
            .map_err(|e| src.error_at(Some(c.span()), c.get_ref(), f("channel"), e.why))?,
        None => Channel::Voice,
    };
    let rate_ok = |r: f64| (0.0..=RATE_PER_HOUR_MAX).contains(&r);
    let rates: Vec<f64> = match (&a.rate_per_hour, &a.profile) {
        (Some(r), None) if rate_ok(*r.get_ref()) => vec![*r.get_ref()],
        (Some(r), None) => {
            return Err(src.error_at(
                Some(r.span()),
                &r.get_ref().to_string(),
                f("rate_per_hour"),
                format!("must be from 0 to {RATE_PER_HOUR_MAX}"),
            ));
        }
        (None, Some(p)) => {
            if p.get_ref().is_empty() || p.get_ref().len() > n_intervals.max(1) {
                return Err(src.error_at(
                    Some(p.span()),
                    "",
                    f("profile"),
                    format!("needs 1 to {n_intervals} rates (one per interval)"),
                ));
            }
            if let Some(bad) = p.get_ref().iter().find(|r| !rate_ok(**r)) {
                return Err(src.error_at(
                    Some(p.span()),
                    "",
                    f("profile"),
                    format!("rates must be from 0 to {RATE_PER_HOUR_MAX} per hour, got {bad}"),
                ));
            }
            p.get_ref().clone()
        }
        (Some(r), Some(_)) => {
            return Err(src.error_at(
                Some(r.span()),
                "",
                f("rate_per_hour"),
                "give rate_per_hour or profile, not both",
            ));
        }
        (None, None) => {
            return Err(src.error_at(
                Some(a.handle_time.span()),
                "",
                f("rate_per_hour"),
                "needs rate_per_hour or profile",
            ));
        }
    };
    if !(0.0..=1.0).contains(&a.accept_callback) {
        return Err(src.error_at(
            Some(a.handle_time.span()),
            "",
            f("accept_callback"),
            "must be from 0 to 1",
        ));
    }
    let mut attributes = Vec::new();
    for (key, mix) in &a.attributes {
        let field = f(&format!("attributes.{key}"));
        let k = match key.as_str() {
            "caller_number" => AttrKey::CallerNumber,
            "dialled_number" => AttrKey::DialledNumber,
            "segment" => AttrKey::Segment,
            "value_tier" => AttrKey::ValueTier,
            "language" => AttrKey::Language,
            _ => match key.strip_prefix("ivr.") {
                Some(menu) => AttrKey::Ivr(menu.to_string()),
                None => AttrKey::Extra(key.clone()),
            },
        };
        let shares: Vec<(String, f64)> = match mix.get_ref() {
            AttributeMix::Fixed(v) => vec![(v.clone(), 1.0)],
            AttributeMix::Shares(m) => m.iter().map(|(v, s)| (v.clone(), *s)).collect(),
        };
        let mut cum = 0.0;
        let mut values = Vec::new();
        for (v, s) in shares {
            if !(0.0..=1.0).contains(&s) {
                return Err(src.error_at(
                    Some(mix.span()),
                    &v,
                    field,
                    format!("share of {v:?} must be from 0 to 1"),
                ));
            }
            let probe = with_attr(Attributes::default(), &k, &v);
            if let Err(e) = probe {
                return Err(src.error_at(Some(mix.span()), &v, field, e));
            }
            cum += s;
            values.push((cum, v));
        }
        if cum > 1.0 + 1e-9 {
            return Err(src.error_at(
                Some(mix.span()),
                "",
                field,
                format!("shares add up to {cum}, more than 1"),
            ));
        }
        attributes.push(AttrMix { key: k, values });
    }
    Ok(Stream {
        queue,
        channel,
        rate_per_ms: rates.iter().map(|r| r / 3_600_000.0).collect(),
        handle: dist(src, &a.handle_time, &f("handle_time"))?,
        patience: a
            .patience
            .as_ref()
            .map(|p| dist(src, p, &f("patience")))
            .transpose()?,
        priority: a.priority.clamp(
            -routing::config::PRIORITY_ABS_MAX,
            routing::config::PRIORITY_ABS_MAX,
        ),
        attributes,
        accept_callback: a.accept_callback,
    })
}

/// Sets one attribute, checking its value.
pub fn with_attr(mut a: Attributes, key: &AttrKey, v: &str) -> Result<Attributes, String> {
    match key {
        AttrKey::CallerNumber => {
            a.caller_number = Some(PhoneNumber::parse(v).map_err(|e| e.to_string())?)
        }
        AttrKey::DialledNumber => {
            a.dialled_number = Some(PhoneNumber::parse(v).map_err(|e| e.to_string())?)
        }
        AttrKey::Segment => a.segment = Some(Segment::parse(v).map_err(|e| e.to_string())?),
        AttrKey::ValueTier => a.value_tier = Some(ValueTier::parse(v).map_err(|e| e.to_string())?),
        AttrKey::Language => a.language = Some(Language::parse(v).map_err(|e| e.to_string())?),
        AttrKey::Ivr(menu) => a.ivr.push((menu.clone(), v.to_string())),
        AttrKey::Extra(k) => a.extra.push((k.clone(), v.to_string())),
    }
    a.validate().map_err(|e| e.to_string())?;
    Ok(a)
}

fn group(
    src: Source<'_>,
    g: &AgentGroupSpec,
    names: &mut Names,
    duration_s: f64,
) -> Result<Group, SpecError> {
    let name = g.group.get_ref();
    let f = |k: &str| format!("agents {name:?}.{k}");
    let mut skills = Vec::new();
    for (s, level) in &g.skills {
        let p = Proficiency::new(*level.get_ref())
            .map_err(|e| src.error_at(Some(level.span()), s, f(&format!("skills.{s}")), e.why))?;
        skills.push((names.skill(s), p));
    }
    let mut capacity = Channel::ALL.map(|c| c.default_capacity());
    for (c, n) in &g.capacity {
        let ch = c
            .parse::<Channel>()
            .map_err(|e| src.error_at(Some(n.span()), c, f(&format!("capacity.{c}")), e.why))?;
        if *n.get_ref() > 50 {
            return Err(src.error_at(
                Some(n.span()),
                c,
                f(&format!("capacity.{c}")),
                "at most 50 at once",
            ));
        }
        capacity[ch.index()] = *n.get_ref();
    }
    let secs = |v: f64, key: &str| -> Result<u64, SpecError> {
        if !(0.0..=DURATION_S_MAX * 2.0).contains(&v) {
            return Err(src.error_at(
                Some(g.group.span()),
                name,
                f(key),
                format!("must be from 0 to {} seconds", DURATION_S_MAX * 2.0),
            ));
        }
        Ok((v * 1000.0).round() as u64)
    };
    let shift_ms = match &g.shift {
        Some(s) => {
            let (a, b) = (
                secs(s.start_s, "shift.start_s")?,
                secs(s.end_s, "shift.end_s")?,
            );
            if a >= b {
                return Err(src.error_at(
                    Some(g.group.span()),
                    name,
                    f("shift"),
                    "start_s must be before end_s",
                ));
            }
            Some((a, b))
        }
        None => None,
    };
    let mut breaks = Vec::new();
    for (i, b) in g.breaks.iter().enumerate() {
        let reason = ReasonCode::parse(b.reason.as_deref().unwrap_or("break")).map_err(|e| {
            src.error_at(
                Some(g.group.span()),
                name,
                f(&format!("breaks[{i}].reason")),
                e.why,
            )
        })?;
        let dur = secs(b.duration_s, &format!("breaks[{i}].duration_s"))?;
        if dur == 0 {
            return Err(src.error_at(
                Some(g.group.span()),
                name,
                f(&format!("breaks[{i}].duration_s")),
                "must be above 0",
            ));
        }
        breaks.push((
            secs(b.at_s, &format!("breaks[{i}].at_s"))?,
            dur,
            reason,
            secs(b.stagger_s, &format!("breaks[{i}].stagger_s"))?,
        ));
    }
    let _ = duration_s;
    Ok(Group {
        name: name.clone(),
        count: *g.count.get_ref() as u32,
        skills,
        teams: g.teams.iter().map(|t| names.team(t)).collect(),
        capacity,
        voice_exclusive: g.voice_exclusive.unwrap_or(true),
        shift_ms,
        breaks,
        answer_ms: secs(g.answer_s, "answer_s")?,
    })
}
