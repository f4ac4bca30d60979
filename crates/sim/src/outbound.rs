//! Outbound campaigns in scenarios: the keys the dialer issue fixes
//! (`[[campaign]]` with its `[campaign.population]`), checked and compiled.
//! The run itself drives the real `dialer` engine (see `runner`).

use model::{Channel, SkillId};
use routing::spec::{Names, Source, SpecError};
use serde::Deserialize;
use toml::Spanned;

use crate::dist::{Dist, DistSpec};
use crate::scenario::Group;

/// Most contacts in one simulated campaign (a US area code has 8 million
/// numbers; the simulator numbers contacts inside one area code).
pub const CONTACTS_MAX: u64 = 1_000_000;
/// The disposition codes a scenario may give shares to: the dialer's default
/// codes that need nothing more from the agent (no new number, no callback time).
pub const DISPOSITIONS_ALLOWED: [&str; 6] = [
    "sale",
    "promise",
    "refusal",
    "annoyed",
    "do_not_call",
    "wrong_number",
];

/// `[[campaign]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSpec {
    /// Its name (KPIs are per campaign).
    pub name: Spanned<String>,
    /// `preview`, `progressive`, `power` or `predictive`.
    pub mode: Spanned<String>,
    /// Lines per free agent (`power` only).
    pub ratio: Option<Spanned<f64>>,
    /// The agent group that works it.
    pub agents: Spanned<String>,
    /// How many contacts the list has.
    pub contacts: Spanned<u64>,
    /// The abandon-rate cap (0.03 by default).
    pub max_abandon_rate: Option<Spanned<f64>>,
    /// Priority against inbound work for the same agents (blending); 100 by default.
    pub priority: Option<i32>,
    /// The US area code the contacts' numbers are in (212, New York, by default);
    /// the calling window is that of the area code's zone.
    pub area_code: Option<Spanned<u16>>,
    /// Shares of the disposition codes agents set after a conversation
    /// (`{ sale = 0.2, refusal = 0.8 }` by default).
    pub dispositions: Option<Spanned<std::collections::BTreeMap<String, f64>>>,
    /// What happens when a number is dialled.
    pub population: Spanned<PopulationSpec>,
}

/// `[campaign.population]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Share answered by a person.
    pub live_answer: f64,
    /// Share busy.
    pub busy: f64,
    /// Share not answered.
    pub no_answer: f64,
    /// Share answered by a machine.
    pub machine: f64,
    /// Share failed (network, invalid number).
    pub failed: f64,
    /// Ring time until a person or a machine answers.
    pub ring_time: Spanned<DistSpec>,
    /// Talk time of a live answer.
    pub talk_time: Spanned<DistSpec>,
    /// Wrap-up after each call, seconds (0 by default).
    pub wrap_s: Option<Spanned<f64>>,
}

/// How campaigns pace their dials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// The agent reviews, then dials.
    Preview,
    /// One line per free agent.
    Progressive,
    /// A fixed number of lines per free agent.
    Power(f64),
    /// Lines paced by forecast.
    Predictive,
}

/// A compiled campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// Name.
    pub name: String,
    /// Pacing.
    pub mode: Mode,
    /// Index of the agent group.
    pub group: usize,
    /// Contacts in the list.
    pub contacts: u64,
    /// Abandon cap.
    pub max_abandon_rate: f64,
    /// Blending priority.
    pub priority: i32,
    /// Cumulative outcome shares: live, busy, no answer, machine (failed is the rest).
    pub shares: [f64; 4],
    /// Ring time.
    pub ring: Dist,
    /// Talk time.
    pub talk: Dist,
    /// Wrap-up, ms.
    pub wrap_ms: u64,
    /// The channel of answered calls in routing.
    pub channel: Channel,
    /// The skill that makes an agent of the group eligible for the campaign's calls
    /// (`campaign:NAME`, added to the group's agents).
    pub skill: SkillId,
    /// The area code of the contacts' numbers.
    pub area_code: u16,
    /// Disposition codes with cumulative shares.
    pub dispositions: Vec<(f64, &'static str)>,
}

/// Checks and compiles one campaign.
pub fn compile(
    src: Source<'_>,
    c: &CampaignSpec,
    groups: &[Group],
    names: &mut Names,
    taken: &[Campaign],
) -> Result<Campaign, SpecError> {
    let name = c.name.get_ref();
    let f = |k: &str| format!("campaign {name:?}.{k}");
    let mode = match c.mode.get_ref().as_str() {
        "preview" => Mode::Preview,
        "progressive" => Mode::Progressive,
        "predictive" => Mode::Predictive,
        "power" => {
            let r = c.ratio.as_ref().ok_or_else(|| {
                src.error_at(
                    Some(c.mode.span()),
                    "power",
                    f("ratio"),
                    "power mode needs a ratio",
                )
            })?;
            if !(*r.get_ref() >= 1.0 && *r.get_ref() <= 10.0) {
                return Err(src.error_at(
                    Some(r.span()),
                    &r.get_ref().to_string(),
                    f("ratio"),
                    "must be from 1 to 10",
                ));
            }
            Mode::Power(*r.get_ref())
        }
        other => {
            return Err(src.error_at(
                Some(c.mode.span()),
                other,
                f("mode"),
                "expected preview, progressive, power or predictive",
            ));
        }
    };
    if let (Some(r), false) = (&c.ratio, matches!(mode, Mode::Power(_))) {
        return Err(src.error_at(
            Some(r.span()),
            "",
            f("ratio"),
            "ratio applies to power mode only",
        ));
    }
    let group = groups
        .iter()
        .position(|g| g.name == *c.agents.get_ref())
        .ok_or_else(|| {
            src.error_at(
                Some(c.agents.span()),
                c.agents.get_ref(),
                f("agents"),
                format!("no agent group named {:?}", c.agents.get_ref()),
            )
        })?;
    if let Some(other) = taken.iter().find(|o| o.group == group) {
        return Err(src.error_at(
            Some(c.agents.span()),
            c.agents.get_ref(),
            f("agents"),
            format!(
                "group {:?} already works campaign {:?}; an agent group works one campaign",
                c.agents.get_ref(),
                other.name
            ),
        ));
    }
    if let Some(other) = taken.iter().find(|o| o.name == *name) {
        return Err(src.error_at(
            Some(c.name.span()),
            name,
            f("name"),
            format!(
                "campaign names must be unique ({:?} is used twice)",
                other.name
            ),
        ));
    }
    let contacts = *c.contacts.get_ref();
    if contacts == 0 || contacts > CONTACTS_MAX {
        return Err(src.error_at(
            Some(c.contacts.span()),
            "",
            f("contacts"),
            format!("must be from 1 to {CONTACTS_MAX}"),
        ));
    }
    let max_abandon_rate = c.max_abandon_rate.as_ref().map_or(0.03, |r| *r.get_ref());
    if !(max_abandon_rate > 0.0 && max_abandon_rate <= dialer::config::ABANDON_RATE_CAP_LEGAL) {
        let span = c.max_abandon_rate.as_ref().map(|r| r.span());
        return Err(src.error_at(
            span,
            &max_abandon_rate.to_string(),
            f("max_abandon_rate"),
            format!(
                "must be above 0 and at most the legal cap, {}",
                dialer::config::ABANDON_RATE_CAP_LEGAL
            ),
        ));
    }
    let area_code = c.area_code.as_ref().map_or(212, |a| *a.get_ref());
    if !(200..=999).contains(&area_code) {
        let span = c.area_code.as_ref().map(|a| a.span());
        return Err(src.error_at(
            span,
            &area_code.to_string(),
            f("area_code"),
            "must be a US area code, 200 to 999",
        ));
    }
    let mut dispositions = Vec::new();
    match &c.dispositions {
        None => dispositions = vec![(0.2, "sale"), (1.0, "refusal")],
        Some(d) => {
            let mut acc = 0.0;
            for (code, share) in d.get_ref() {
                let Some(known) = DISPOSITIONS_ALLOWED.iter().find(|k| **k == code) else {
                    return Err(src.error_at(
                        Some(d.span()),
                        code,
                        f(&format!("dispositions.{code}")),
                        format!("expected one of {}", DISPOSITIONS_ALLOWED.join(", ")),
                    ));
                };
                if !(0.0..=1.0).contains(share) {
                    return Err(src.error_at(
                        Some(d.span()),
                        code,
                        f(&format!("dispositions.{code}")),
                        "must be a share from 0 to 1",
                    ));
                }
                acc += share;
                dispositions.push((acc, *known));
            }
            if (acc - 1.0).abs() > 1e-6 {
                return Err(src.error_at(
                    Some(d.span()),
                    "",
                    f("dispositions"),
                    format!("shares must add up to 1, not {acc}"),
                ));
            }
            if let Some(last) = dispositions.last_mut() {
                last.0 = 1.0;
            }
        }
    }
    let p = c.population.get_ref();
    let span = Some(c.population.span());
    let parts = [p.live_answer, p.busy, p.no_answer, p.machine, p.failed];
    if parts.iter().any(|x| !(0.0..=1.0).contains(x))
        || (parts.iter().sum::<f64>() - 1.0).abs() > 1e-6
    {
        return Err(src.error_at(
            span,
            "",
            f("population"),
            "live_answer, busy, no_answer, machine and failed must be shares adding up to 1",
        ));
    }
    let mut shares = [0.0; 4];
    let mut acc = 0.0;
    for (i, s) in parts[..4].iter().enumerate() {
        acc += s;
        shares[i] = acc;
    }
    let dist = |d: &Spanned<DistSpec>, k: &str| {
        Dist::from_spec(d.get_ref()).map_err(|why| {
            src.error_at(
                Some(d.span()),
                &d.get_ref().dist,
                f(&format!("population.{k}")),
                why,
            )
        })
    };
    let wrap_s = p.wrap_s.as_ref().map_or(0.0, |w| *w.get_ref());
    if !(0.0..=3600.0).contains(&wrap_s) {
        return Err(src.error_at(
            p.wrap_s.as_ref().map(|w| w.span()).or(span),
            &wrap_s.to_string(),
            f("population.wrap_s"),
            "must be from 0 to 3600 seconds",
        ));
    }
    Ok(Campaign {
        name: name.clone(),
        mode,
        group,
        contacts,
        max_abandon_rate,
        priority: c.priority.unwrap_or(100),
        shares,
        ring: dist(&p.ring_time, "ring_time")?,
        talk: dist(&p.talk_time, "talk_time")?,
        wrap_ms: (wrap_s * 1000.0).round() as u64,
        channel: Channel::OutboundVoice,
        skill: names.skill(&format!("campaign:{name}")),
        area_code,
        dispositions,
    })
}

/// What a dial-level controller sees of a power campaign at each of its ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingSnapshot {
    /// Simulated milliseconds from the start.
    pub now_ms: u64,
    /// Agents of the campaign signed in.
    pub agents: u32,
    /// Of them, ready and waiting for a call.
    pub idle_agents: u32,
    /// Answered calls waiting for an agent (inside their 2 s).
    pub waiting_calls: u32,
    /// Lines ringing.
    pub ringing: u32,
    /// The ratio in force.
    pub dial_level: f64,
    /// Abandoned calls today (the scenario's calendar day).
    pub drops_today: u64,
    /// Live answers today.
    pub live_answers_today: u64,
    /// The campaign's cap.
    pub max_abandon_rate: f64,
}

/// A pacing override for power campaigns, for benchmarks: every
/// [`DialLevelController::every_ms`] the simulator shows it the campaign and
/// sets the ratio it returns through the dialer's `Input::SetRatio` (the
/// dialer's own abandon-rate cap still applies). Not a scenario key: a
/// program passes a factory in [`crate::Options::dial_level`].
pub trait DialLevelController {
    /// How often it decides, in simulated milliseconds.
    fn every_ms(&self) -> u64;
    /// The next ratio (clamped by the simulator to 1.0–10.0).
    fn next_level(&mut self, s: &PacingSnapshot) -> f64;
}

/// Builds one controller per power campaign of a run.
#[derive(Clone)]
pub struct DialLevelFactory(
    /// The builder.
    pub std::sync::Arc<dyn Fn() -> Box<dyn DialLevelController> + Send + Sync>,
);

impl DialLevelFactory {
    /// A factory from a closure.
    pub fn new(f: impl Fn() -> Box<dyn DialLevelController> + Send + Sync + 'static) -> Self {
        DialLevelFactory(std::sync::Arc::new(f))
    }
}

impl std::fmt::Debug for DialLevelFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DialLevelFactory")
    }
}
