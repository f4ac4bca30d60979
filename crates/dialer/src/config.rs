//! A campaign's configuration and its validation.
//!
//! Everything a supervisor sets on a campaign: mode and ratio, lists with
//! priorities and filters, ordering, caller id, agent group, dispositions,
//! calling windows, retry rules, attempt caps, the abandon-rate policy,
//! consent, ring timeout and pacing tuning. [`CampaignConfig::validate`]
//! refuses what cannot work (a ratio below one line per agent, a ring shorter
//! than the legal 15 s, an alert above the cap…) with a [`ConfigError`].

use chrono_tz::Tz;
use model::ids::CampaignId;
use model::outbound::{DialMode, ListId};
use model::{PhoneNumber, Segment};

use crate::disposition::{self, CODE_LEN_MAX, CODES_MAX, DispositionCode};
use crate::window::{DAY_MINUTES, WindowPolicy};
use crate::zone::Country;

/// The legal minimum ring before a call may be called "no answer" (US rule: 15 s or four rings).
pub const RING_TIMEOUT_MIN_MS: u64 = 15_000;
/// Longest ring timeout accepted.
pub const RING_TIMEOUT_MAX_MS: u64 = 120_000;
/// An answered call not connected to an agent within this is abandoned.
pub const CONNECT_LIMIT_MS: u64 = 2_000;
/// No redial within this of an abandoned call, unless an agent is reserved.
pub const REDIAL_AFTER_ABANDON_MS: u64 = 72 * 3_600_000;
/// The legal abandon-rate cap (US and UK): 3 % of live-answered calls.
pub const ABANDON_RATE_CAP_LEGAL: f64 = 0.03;
/// Highest power-mode ratio accepted (lines per free agent).
pub const RATIO_MAX: f64 = 10.0;
/// Longest preview countdown.
pub const PREVIEW_COUNTDOWN_MAX_MS: u64 = 600_000;
/// Most lists per campaign.
pub const LISTS_MAX: usize = 64;
/// Most recycling passes.
pub const RECYCLE_PASSES_MAX: u8 = 20;
/// Longest retry delay (a year), so that no retry overflows time.
pub const RETRY_DELAY_MAX_S: u64 = 366 * 86_400;

/// A configuration that cannot work.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The campaign name is empty or too long.
    #[error("campaign name must be 1 to 64 bytes")]
    Name,
    /// The power ratio is out of range.
    #[error("ratio {0} must be from 1.0 to {RATIO_MAX} lines per agent")]
    Ratio(f64),
    /// The ring timeout is too short or too long.
    #[error("ring timeout {0} ms must be from {RING_TIMEOUT_MIN_MS} to {RING_TIMEOUT_MAX_MS} ms")]
    RingTimeout(u64),
    /// A rate is not a share between 0 and 1, or the three abandon rates are out of order.
    #[error("{what} {value} must satisfy 0 < target <= alert <= cap <= {ABANDON_RATE_CAP_LEGAL}")]
    AbandonRate {
        /// Which rate.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// The campaign has no list.
    #[error("a campaign needs at least one list (and at most {LISTS_MAX})")]
    Lists,
    /// Two lists share an id.
    #[error("list {0} is listed twice")]
    DuplicateList(u32),
    /// A disposition code is empty, too long or repeated, or there are too many.
    #[error(
        "disposition code {0:?} is empty, longer than {CODE_LEN_MAX} bytes, repeated, or one too many"
    )]
    Disposition(String),
    /// A window's hours are not `start < end <= 24:00`.
    #[error("calling window for {country} on weekday {weekday} is not start < end <= 24:00")]
    Window {
        /// Which country (`*` for the default window).
        country: String,
        /// Monday = 0.
        weekday: usize,
    },
    /// The preview countdown is too long.
    #[error("preview countdown {0} ms is longer than {PREVIEW_COUNTDOWN_MAX_MS} ms")]
    Countdown(u64),
    /// A retry rule or cap is zero or too long.
    #[error("retry rule {0} is out of range")]
    Retry(&'static str),
    /// A pacing setting is out of range.
    #[error("pacing setting {what} = {value} is out of range")]
    Pacing {
        /// Which setting.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// The caller id is not an E.164 number.
    #[error("caller id {0} must be written in E.164 (+ and digits)")]
    CallerId(String),
    /// A campaign with this id exists already (or the engine holds too many).
    #[error("campaign {0} exists already, or there are too many campaigns")]
    DuplicateCampaign(u32),
    /// The consent purpose is empty or too long.
    #[error("consent purpose must be 1 to 64 bytes")]
    ConsentPurpose,
}

/// How the next contact is chosen among those due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOrder {
    /// In the order they were loaded.
    LoadOrder,
    /// Highest score first (a propensity or value score given at loading).
    ScoreHighFirst,
    /// Lowest score first.
    ScoreLowFirst,
}

/// Which contacts of a load enter a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only these segments (empty: any).
    pub segments: Vec<Segment>,
    /// Only contacts whose first number is in these countries (empty: any).
    pub countries: Vec<Country>,
    /// Only scores at least this.
    pub score_min: Option<i64>,
    /// Only scores at most this.
    pub score_max: Option<i64>,
}

/// A contact list of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListConfig {
    /// Its id.
    pub id: ListId,
    /// Higher is called first.
    pub priority: u8,
    /// Which contacts it accepts.
    pub filter: ListFilter,
}

/// When to try again after an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// After a delay.
    After {
        /// The delay.
        delay_s: u64,
    },
    /// From the next calendar day in the callee's zone (the window then decides the hour).
    NextDay,
    /// Now on the contact's next valid number; after a delay if it has no other.
    NextNumber {
        /// The delay when there is no other number.
        then_s: u64,
    },
}

/// Another pass over contacts that ran out of attempts without being reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recycle {
    /// How many extra passes.
    pub passes: u8,
    /// How long after the last attempt a recycled contact is due.
    pub after_s: u64,
}

/// Retry rules by outcome, and attempts per pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryRules {
    /// After a busy line (default 15 min).
    pub busy: Retry,
    /// After no answer (default 2 h).
    pub no_answer: Retry,
    /// After an answering machine (default next day).
    pub machine: Retry,
    /// After a failed call (default the next number, else 1 h).
    pub failed: Retry,
    /// After an abandoned call (default 72 h; the gate forbids less without a reserved agent).
    pub abandoned: Retry,
    /// Attempts per contact in one pass before it is exhausted (or recycled).
    pub max_attempts_per_pass: u32,
    /// Failed calls in a row after which a number is marked invalid.
    pub failed_invalidate_after: u8,
    /// Extra passes, if any.
    pub recycle: Option<Recycle>,
}

impl Default for RetryRules {
    fn default() -> Self {
        RetryRules {
            busy: Retry::After { delay_s: 15 * 60 },
            no_answer: Retry::After { delay_s: 2 * 3600 },
            machine: Retry::NextDay,
            failed: Retry::NextNumber { then_s: 3600 },
            abandoned: Retry::After {
                delay_s: REDIAL_AFTER_ABANDON_MS / 1000,
            },
            max_attempts_per_pass: 6,
            failed_invalidate_after: 3,
            recycle: None,
        }
    }
}

/// Attempt caps (the gate's rules), per number and per contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCaps {
    /// Per number per calendar day (callee's zone).
    pub phone_day: u32,
    /// Per number per rolling 7 days.
    pub phone_week: u32,
    /// Per number ever, in this campaign.
    pub phone_lifetime: u32,
    /// Per contact per calendar day.
    pub contact_day: u32,
    /// Per contact per rolling 7 days (Regulation F: 7 in 7 days).
    pub contact_week: u32,
    /// Per contact ever, in this campaign.
    pub contact_lifetime: u32,
}

impl Default for AttemptCaps {
    fn default() -> Self {
        AttemptCaps {
            phone_day: 3,
            phone_week: 7,
            phone_lifetime: 20,
            contact_day: 4,
            contact_week: 7,
            contact_lifetime: 30,
        }
    }
}

/// Calls to one person across every campaign of the engine: a person is a
/// customer record (the contacts that name it), or a number for contacts
/// without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonCaps {
    /// Per calendar day (callee's zone).
    pub day: u32,
    /// Per rolling 7 days.
    pub week: u32,
}

impl Default for PersonCaps {
    fn default() -> Self {
        PersonCaps { day: 4, week: 7 }
    }
}

impl PersonCaps {
    /// The history of attempt times the caps need.
    pub fn recent_needed(&self) -> usize {
        self.day.max(self.week).max(1) as usize
    }
}

impl AttemptCaps {
    /// The longest history of attempt times the caps need (the 7-day and day caps).
    pub fn recent_needed(&self) -> usize {
        self.phone_day
            .max(self.phone_week)
            .max(self.contact_day)
            .max(self.contact_week) as usize
    }
}

/// The abandon-rate policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbandonPolicy {
    /// The cap (legal 3 %): at it, only calls with a reserved agent are placed.
    pub max_rate: f64,
    /// The alert threshold, below the cap.
    pub alert_rate: f64,
    /// What predictive pacing aims at, at or below the alert threshold.
    pub target_rate: f64,
}

impl Default for AbandonPolicy {
    fn default() -> Self {
        AbandonPolicy {
            max_rate: 0.03,
            alert_rate: 0.025,
            target_rate: 0.02,
        }
    }
}

/// Tuning of predictive pacing; the defaults suit most campaigns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingTuning {
    /// How many standard deviations of the planned abandons must still fit under the target.
    pub confidence_z: f64,
    /// Share of the banked abandon budget (allowed − measured) the pacing may plan to spend at once.
    pub budget_share: f64,
    /// Highest chance of abandon accepted for any single line.
    pub line_abandon_p_max: f64,
    /// Highest chance, accepted when placing a line that needs abandon
    /// budget, that the lines in flight abandon enough calls to take the
    /// measured rate to the cap (see [`crate::pacing::Budget::admits_line`]).
    pub cap_crossing_p_max: f64,
    /// Most lines in flight per signed-in agent.
    pub lines_per_agent_max: f64,
    /// Expected share of dials a person answers, before any is measured.
    pub prior_answer_rate: f64,
    /// Expected ring time of a live answer before any is measured.
    pub prior_ring_s: f64,
    /// Expected talk time before any is measured.
    pub prior_talk_s: f64,
    /// Expected wrap-up time before any is measured.
    pub prior_wrap_s: f64,
}

impl Default for PacingTuning {
    fn default() -> Self {
        PacingTuning {
            confidence_z: 0.5,
            // Spending the bank a little at a time keeps pacing steady; a
            // quarter at once made bursts of lines, then back-offs (measured
            // with `centralita bench dialer`: lower occupancy, more abandons).
            budget_share: 0.05,
            line_abandon_p_max: 0.25,
            cap_crossing_p_max: 0.02,
            lines_per_agent_max: 6.0,
            prior_answer_rate: 0.3,
            prior_ring_s: 12.0,
            prior_talk_s: 180.0,
            prior_wrap_s: 20.0,
        }
    }
}

/// A campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignConfig {
    /// Its id.
    pub id: CampaignId,
    /// Its name.
    pub name: Box<str>,
    /// How it paces.
    pub mode: DialMode,
    /// Power mode: lines per free agent.
    pub ratio: f64,
    /// Preview mode: how long the agent reviews before the call is placed.
    pub preview_countdown_ms: u64,
    /// Its lists, by priority.
    pub lists: Vec<ListConfig>,
    /// Order within a priority.
    pub order: ContactOrder,
    /// The number the callee sees.
    pub caller_id: PhoneNumber,
    /// The agent group (routing) whose agents take its calls.
    pub agent_group: Box<str>,
    /// Its disposition codes.
    pub dispositions: Vec<DispositionCode>,
    /// Calling windows and holidays.
    pub windows: WindowPolicy,
    /// Retry rules.
    pub retry: RetryRules,
    /// Attempt caps.
    pub caps: AttemptCaps,
    /// Abandon-rate policy.
    pub abandon: AbandonPolicy,
    /// If set, every number needs consent for this purpose (for voice calls).
    pub consent_purpose: Option<Box<str>>,
    /// How long a call rings before "no answer" (at least 15 s).
    pub ring_timeout_ms: u64,
    /// Calling code for numbers loaded in national form (1, 34, 44…).
    pub default_country_code: u16,
    /// The campaign's own zone: the calendar day of the per-day abandon rate,
    /// and the zone of callbacks for contacts whose zone is unknown.
    pub home_tz: Tz,
    /// Predictive tuning.
    pub pacing: PacingTuning,
}

impl CampaignConfig {
    /// A campaign with the defaults: one list (id 0), US windows and caps, 25 s ring.
    pub fn new(id: CampaignId, name: &str, mode: DialMode, caller_id: PhoneNumber) -> Self {
        CampaignConfig {
            id,
            name: name.into(),
            mode,
            ratio: 1.5,
            preview_countdown_ms: 15_000,
            lists: vec![ListConfig {
                id: ListId(0),
                priority: 0,
                filter: ListFilter::default(),
            }],
            order: ContactOrder::LoadOrder,
            caller_id,
            agent_group: "outbound".into(),
            dispositions: disposition::default_codes(),
            windows: WindowPolicy::default(),
            retry: RetryRules::default(),
            caps: AttemptCaps::default(),
            abandon: AbandonPolicy::default(),
            consent_purpose: None,
            ring_timeout_ms: 25_000,
            default_country_code: 1,
            home_tz: chrono_tz::America::New_York,
            pacing: PacingTuning::default(),
        }
    }

    /// Refuses a configuration that cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.is_empty() || self.name.len() > 64 {
            return Err(ConfigError::Name);
        }
        if !(1.0..=RATIO_MAX).contains(&self.ratio) {
            return Err(ConfigError::Ratio(self.ratio));
        }
        if !(RING_TIMEOUT_MIN_MS..=RING_TIMEOUT_MAX_MS).contains(&self.ring_timeout_ms) {
            return Err(ConfigError::RingTimeout(self.ring_timeout_ms));
        }
        let a = self.abandon;
        for (what, value) in [
            ("max_rate", a.max_rate),
            ("alert_rate", a.alert_rate),
            ("target_rate", a.target_rate),
        ] {
            let ordered = a.target_rate <= a.alert_rate && a.alert_rate <= a.max_rate;
            if !(value > 0.0 && value <= ABANDON_RATE_CAP_LEGAL && ordered) {
                return Err(ConfigError::AbandonRate { what, value });
            }
        }
        if self.lists.is_empty() || self.lists.len() > LISTS_MAX {
            return Err(ConfigError::Lists);
        }
        for (i, l) in self.lists.iter().enumerate() {
            if self.lists[..i].iter().any(|o| o.id == l.id) {
                return Err(ConfigError::DuplicateList(l.id.0));
            }
        }
        if self.dispositions.len() > CODES_MAX {
            return Err(ConfigError::Disposition(String::new()));
        }
        for (i, d) in self.dispositions.iter().enumerate() {
            if d.code.is_empty()
                || d.code.len() > CODE_LEN_MAX
                || self.dispositions[..i].iter().any(|o| o.code == d.code)
            {
                return Err(ConfigError::Disposition(d.code.to_string()));
            }
        }
        let windows = self
            .windows
            .by_country
            .iter()
            .map(|(c, w)| (c.to_string(), w));
        for (country, w) in windows.chain([("*".to_string(), &self.windows.default)]) {
            for (weekday, h) in w.days.iter().enumerate() {
                if h.is_some_and(|h| h.start_min >= h.end_min || h.end_min > DAY_MINUTES) {
                    return Err(ConfigError::Window { country, weekday });
                }
            }
        }
        if self.preview_countdown_ms > PREVIEW_COUNTDOWN_MAX_MS {
            return Err(ConfigError::Countdown(self.preview_countdown_ms));
        }
        self.validate_retry()?;
        let p = self.pacing;
        let checks = [
            ("confidence_z", p.confidence_z, 0.0, 5.0),
            ("budget_share", p.budget_share, 0.0, 1.0),
            ("line_abandon_p_max", p.line_abandon_p_max, 0.0, 1.0),
            ("cap_crossing_p_max", p.cap_crossing_p_max, 0.0, 0.5),
            ("lines_per_agent_max", p.lines_per_agent_max, 1.0, 20.0),
            ("prior_answer_rate", p.prior_answer_rate, 0.01, 1.0),
            ("prior_ring_s", p.prior_ring_s, 0.5, 120.0),
            ("prior_talk_s", p.prior_talk_s, 1.0, 36_000.0),
            ("prior_wrap_s", p.prior_wrap_s, 0.0, 36_000.0),
        ];
        for (what, value, lo, hi) in checks {
            if !(lo..=hi).contains(&value) {
                return Err(ConfigError::Pacing { what, value });
            }
        }
        if crate::consent::E164::of(&self.caller_id).is_none() {
            return Err(ConfigError::CallerId(self.caller_id.to_string()));
        }
        if self
            .consent_purpose
            .as_ref()
            .is_some_and(|p| p.is_empty() || p.len() > crate::consent::CONSENT_WORD_LEN_MAX)
        {
            return Err(ConfigError::ConsentPurpose);
        }
        Ok(())
    }

    fn validate_retry(&self) -> Result<(), ConfigError> {
        let r = self.retry;
        let rules = [
            ("busy", r.busy),
            ("no_answer", r.no_answer),
            ("machine", r.machine),
            ("failed", r.failed),
            ("abandoned", r.abandoned),
        ];
        for (what, rule) in rules {
            let s = match rule {
                Retry::After { delay_s } | Retry::NextNumber { then_s: delay_s } => delay_s,
                Retry::NextDay => 1,
            };
            if s == 0 || s > RETRY_DELAY_MAX_S {
                return Err(ConfigError::Retry(what));
            }
        }
        if r.max_attempts_per_pass == 0 {
            return Err(ConfigError::Retry("max_attempts_per_pass"));
        }
        if r.failed_invalidate_after == 0 {
            return Err(ConfigError::Retry("failed_invalidate_after"));
        }
        if r.recycle.is_some_and(|c| {
            c.passes > RECYCLE_PASSES_MAX || c.after_s == 0 || c.after_s > RETRY_DELAY_MAX_S
        }) {
            return Err(ConfigError::Retry("recycle"));
        }
        let c = self.caps;
        if [
            c.phone_day,
            c.phone_week,
            c.phone_lifetime,
            c.contact_day,
            c.contact_week,
            c.contact_lifetime,
        ]
        .contains(&0)
        {
            return Err(ConfigError::Retry("attempt caps must be at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> CampaignConfig {
        CampaignConfig::new(
            CampaignId(1),
            "renewals",
            DialMode::Predictive,
            PhoneNumber::parse("+12125550100").unwrap(),
        )
    }

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(base().validate(), Ok(()));
    }

    #[test]
    fn a_ring_shorter_than_fifteen_seconds_is_refused() {
        let c = CampaignConfig {
            ring_timeout_ms: 14_999,
            ..base()
        };
        assert_eq!(c.validate(), Err(ConfigError::RingTimeout(14_999)));
    }

    #[test]
    fn an_alert_above_the_cap_is_refused() {
        let c = CampaignConfig {
            abandon: AbandonPolicy {
                max_rate: 0.03,
                alert_rate: 0.04,
                target_rate: 0.02,
            },
            ..base()
        };
        assert!(matches!(c.validate(), Err(ConfigError::AbandonRate { .. })));
        let c = CampaignConfig {
            abandon: AbandonPolicy {
                max_rate: 0.05,
                alert_rate: 0.04,
                target_rate: 0.02,
            },
            ..base()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::AbandonRate {
                what: "max_rate",
                ..
            })
        ));
    }

    #[test]
    fn bad_ratios_windows_and_codes_are_refused() {
        assert_eq!(
            CampaignConfig {
                ratio: 0.5,
                ..base()
            }
            .validate(),
            Err(ConfigError::Ratio(0.5))
        );
        let mut c = base();
        c.windows.default.days[2] = Some(crate::window::DayHours {
            start_min: 600,
            end_min: 600,
        });
        assert_eq!(
            c.validate(),
            Err(ConfigError::Window {
                country: "*".into(),
                weekday: 2
            })
        );
        let mut c = base();
        c.dispositions.push(DispositionCode::new("sale", &[]));
        assert_eq!(c.validate(), Err(ConfigError::Disposition("sale".into())));
        let c = CampaignConfig {
            caller_id: PhoneNumber::parse("2125550100").unwrap(),
            ..base()
        };
        assert!(matches!(c.validate(), Err(ConfigError::CallerId(_))));
    }
}
