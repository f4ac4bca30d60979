//! Outbound campaigns in scenarios: the keys the dialer issue fixes
//! (`[[campaign]]` with its `[campaign.population]`), checked and compiled.
//! The run itself drives the real `dialer` engine (see `runner`).

use model::Channel;
use routing::spec::{Names, Source, SpecError};
use serde::Deserialize;
use toml::Spanned;

use crate::dist::{Dist, DistSpec};
use crate::scenario::Group;

/// Most contacts in one simulated campaign.
pub const CONTACTS_MAX: u64 = 10_000_000;

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
    /// Ring time until answer.
    pub ring_time: DistSpec,
    /// Talk time of a live answer.
    pub talk_time: DistSpec,
    /// Wrap-up after each call, seconds.
    #[serde(default)]
    pub wrap_s: f64,
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
}

/// Checks and compiles one campaign.
pub fn compile(
    src: Source<'_>,
    c: &CampaignSpec,
    groups: &[Group],
    _names: &mut Names,
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
    if !(0.0..1.0).contains(&max_abandon_rate) {
        let span = c.max_abandon_rate.as_ref().map(|r| r.span());
        return Err(src.error_at(span, "", f("max_abandon_rate"), "must be from 0 to below 1"));
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
    let dist = |d: &DistSpec, k: &str| {
        Dist::from_spec(d)
            .map_err(|why| src.error_at(span.clone(), &d.dist, f(&format!("population.{k}")), why))
    };
    if !(0.0..=3600.0).contains(&p.wrap_s) {
        return Err(src.error_at(
            span,
            "",
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
        wrap_ms: (p.wrap_s * 1000.0).round() as u64,
        channel: Channel::OutboundVoice,
    })
}
