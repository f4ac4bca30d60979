//! What the engine is configured with: queues (with their timed steps,
//! limits, business hours and agent-selection strategy) and agents (with
//! skills, teams and capacity). These are compiled, id-based values; the
//! file format with names lives in [`crate::spec`].

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use chrono_tz::Tz;
use model::{AgentId, Channel, Duration, Instant, Proficiency, QueueId, SkillId, TeamId};

/// Highest absolute base priority an interaction or queue may have.
pub const PRIORITY_ABS_MAX: i32 = 1_000_000;
/// Highest priority growth, in points per minute of waiting.
pub const AGING_PER_MIN_MAX: u32 = 1_000;
/// Most timed steps in one queue.
pub const STEPS_MAX: usize = 16;
/// Most skill requirements in one step (plus those added by rules).
pub const REQUIREMENTS_MAX: usize = 16;
/// Default ring-no-answer timeout of an offer.
pub const RING_TIMEOUT_DEFAULT: Duration = Duration::from_secs(20);

/// A requirement on agents: a skill at a minimum proficiency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SkillReq {
    /// The skill.
    pub skill: SkillId,
    /// The lowest acceptable proficiency.
    pub min: Proficiency,
}

/// Which agents may take an interaction during a step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Target {
    /// All of these skills at these levels (empty: no skill needed).
    pub skills: Vec<SkillReq>,
    /// Only members of this team, if set.
    pub team: Option<TeamId>,
}

/// What happens to an interaction when a limit is reached or a step runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Move it to another queue (it keeps its original arrival time).
    Overflow(QueueId),
    /// End it by leaving it to voicemail.
    Voicemail,
    /// Ask the caller whether they want a callback; the interaction keeps waiting.
    OfferCallback,
    /// End it as refused (a busy signal or a "we are full" message).
    Refuse,
    /// End it as an outbound abandon: play the recorded message and hang up.
    AbandonMessage,
    /// Keep waiting (only as the closed-hours action: queue anyway).
    KeepWaiting,
}

/// One timed step of a queue: until `until` of waiting in the queue, only
/// agents matching `target` may take the interaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    /// The step ends when the interaction has waited this long in the queue;
    /// `None` for an open-ended (last) step.
    pub until: Option<Duration>,
    /// Who may take it during the step.
    pub target: Target,
}

/// How to choose among several available eligible agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// The agent who has waited longest since their last contact.
    #[default]
    LongestIdle,
    /// The agent with the lowest share of busy time since signing in.
    LeastOccupied,
    /// The agent offered a contact of this queue least recently.
    RoundRobin,
    /// The agent with the highest proficiency in the step's first skill.
    MostSkilled,
    /// The agent who handled the fewest contacts since the engine's day began.
    FewestContacts,
    /// A pseudo-random eligible agent (seeded, reproducible).
    Random,
}

impl Strategy {
    /// The name used in files and in offer reasons.
    pub const fn as_str(self) -> &'static str {
        match self {
            Strategy::LongestIdle => "longest_idle",
            Strategy::LeastOccupied => "least_occupied",
            Strategy::RoundRobin => "round_robin",
            Strategy::MostSkilled => "most_skilled",
            Strategy::FewestContacts => "fewest_contacts",
            Strategy::Random => "random",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Strategy> {
        [
            Strategy::LongestIdle,
            Strategy::LeastOccupied,
            Strategy::RoundRobin,
            Strategy::MostSkilled,
            Strategy::FewestContacts,
            Strategy::Random,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Opening hours of a queue in a time zone, with holidays.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    /// The zone the hours are written in.
    pub tz: Tz,
    /// Open intervals per weekday (Monday = 0), as minutes since local midnight `[from, to)`.
    pub weekly: [Vec<(u16, u16)>; 7],
    /// Days closed all day.
    pub holidays: Vec<NaiveDate>,
}

impl BusinessHours {
    /// Whether the queue is open at `now` (Unix milliseconds).
    pub fn is_open(&self, now: Instant) -> bool {
        let Some(utc) = chrono::DateTime::from_timestamp_millis(now.as_millis() as i64) else {
            return false;
        };
        let local = utc.with_timezone(&self.tz);
        if self.holidays.contains(&local.date_naive()) {
            return false;
        }
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let day = local.weekday().num_days_from_monday() as usize;
        self.weekly[day]
            .iter()
            .any(|&(from, to)| from <= minute && minute < to)
    }

    /// Always open (24×7, no holidays).
    pub fn always() -> Self {
        BusinessHours {
            tz: Tz::UTC,
            weekly: std::array::from_fn(|_| vec![(0, 24 * 60)]),
            holidays: Vec::new(),
        }
    }

    /// Weekday index helper for parsers.
    pub fn weekday_index(d: Weekday) -> usize {
        d.num_days_from_monday() as usize
    }
}

/// A queue as the engine sees it.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// Its id (dense: the n-th queue registered has id n).
    pub id: QueueId,
    /// Its name, for reasons and reports.
    pub name: Arc<str>,
    /// Added to the priority of every interaction queued here (blending weights).
    pub priority: i32,
    /// Priority growth while waiting, in points per minute.
    pub aging_per_min: u32,
    /// Timed steps, at least one; the last should be open-ended unless `after_steps` is set.
    pub steps: Vec<Step>,
    /// What happens when the last step runs out.
    pub after_steps: Option<Action>,
    /// How agents are chosen.
    pub strategy: Strategy,
    /// After-contact work given to the agent after each interaction.
    pub wrap_up: Duration,
    /// How long an offer rings before it times out.
    pub ring_timeout: Duration,
    /// Longest wait in this queue, and what then.
    pub max_wait: Option<(Duration, Action)>,
    /// Most interactions waiting in this queue, and what happens to the next one.
    pub max_length: Option<(u32, Action)>,
    /// Opening hours and what happens to arrivals when closed.
    pub hours: Option<(BusinessHours, Action)>,
    /// Service-level threshold (for position/estimated-wait and reports).
    pub sl_threshold: Duration,
    /// Service-level target share.
    pub sl_target: f64,
}

impl QueueConfig {
    /// A queue with one open-ended step needing `skill` at level 1, 20 s ring
    /// timeout, no wrap-up, longest-idle selection, 80 % in 20 s.
    pub fn simple(id: QueueId, name: &str, skill: SkillId) -> Self {
        QueueConfig {
            id,
            name: name.into(),
            priority: 0,
            aging_per_min: 0,
            steps: vec![Step {
                until: None,
                target: Target {
                    skills: vec![SkillReq {
                        skill,
                        min: Proficiency::MIN,
                    }],
                    team: None,
                },
            }],
            after_steps: None,
            strategy: Strategy::LongestIdle,
            wrap_up: Duration::ZERO,
            ring_timeout: RING_TIMEOUT_DEFAULT,
            max_wait: None,
            max_length: None,
            hours: None,
            sl_threshold: Duration::from_secs(20),
            sl_target: 0.8,
        }
    }
}

/// An agent as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    /// Its id (dense: the n-th agent registered has id n).
    pub id: AgentId,
    /// Skills with proficiency.
    pub skills: Vec<(SkillId, Proficiency)>,
    /// Teams the agent belongs to.
    pub teams: Vec<TeamId>,
    /// How many interactions of each channel at once (indexed by [`Channel::index`]).
    pub capacity: [u8; Channel::COUNT],
    /// Whether a live voice interaction excludes all other work (and other work excludes voice).
    pub voice_exclusive: bool,
    /// Auto-answer (forced answer): an offer connects at once, with no
    /// ringing, no reserved state and no ring-no-answer timer. Usual for
    /// agents on a headset taking predictive-dialer calls or a busy inbound
    /// line; the `Offered` fact is still emitted (with its reason), then
    /// `Accepted` at the same instant.
    pub auto_answer: bool,
}

impl AgentConfig {
    /// An agent with default capacities and voice exclusive.
    pub fn new(id: AgentId, skills: Vec<(SkillId, Proficiency)>) -> Self {
        AgentConfig {
            id,
            skills,
            teams: Vec::new(),
            capacity: Channel::ALL.map(|c| c.default_capacity()),
            voice_exclusive: true,
            auto_answer: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_hours_follow_local_time_and_holidays() {
        let mut weekly: [Vec<(u16, u16)>; 7] = Default::default();
        weekly[0] = vec![(9 * 60, 18 * 60)]; // Monday 09:00-18:00
        let h = BusinessHours {
            tz: chrono_tz::Europe::Madrid,
            weekly,
            holidays: vec![NaiveDate::from_ymd_opt(2026, 1, 12).unwrap()],
        };
        // Monday 2026-01-05 08:30 UTC = 09:30 in Madrid (CET, UTC+1).
        let t = Instant::from_millis(1_767_601_800_000);
        assert!(h.is_open(t));
        // 17:30 UTC = 18:30 Madrid: closed.
        assert!(!h.is_open(Instant::from_millis(1_767_634_200_000)));
        // The next Monday is a holiday.
        assert!(!h.is_open(Instant::from_millis(1_767_601_800_000 + 7 * 86_400_000)));
    }

    #[test]
    fn strategies_round_trip_their_names() {
        for s in [
            "longest_idle",
            "least_occupied",
            "round_robin",
            "most_skilled",
            "fewest_contacts",
            "random",
        ] {
            assert_eq!(Strategy::parse(s).map(|x| x.as_str()), Some(s));
        }
        assert_eq!(Strategy::parse("whoever"), None);
    }
}
