//! The compliance gate: the one function every attempt passes.
//!
//! [`check`] is pure: it reads the request and returns allow or deny with the
//! rule that decided ([`GateRule`]), whether the denial lasts (the number can
//! never pass, as opposed to "not now"), and when it may pass again if that
//! can be told. The engine logs every decision as an
//! [`model::outbound::OutboundEvent::GateDecided`] event, asks the gate again
//! at the moment of dialling (a preview may have waited), and never dials
//! without an allow.
//!
//! Rules, in the order they are checked (the first that denies decides):
//! `phone_invalid`, `opted_out`, `do_not_call_internal`,
//! `do_not_call_campaign`, `do_not_call_national`, `consent_missing`,
//! `consent_withdrawn`, `consent_expired` (when the campaign requires consent),
//! `zone_unknown`, `holiday`, `outside_calling_window` (in every candidate zone
//! of the callee), `phone_cap_lifetime`, `phone_cap_week`, `phone_cap_day`,
//! `contact_cap_lifetime`, `contact_cap_week`, `contact_cap_day`,
//! `person_cap_week`, `person_cap_day` (the person across campaigns),
//! `live_attempt_in_progress`, `redial_after_abandon` (72 h, unless an agent
//! is reserved), `abandon_rate_cap` (unless an agent is reserved),
//! `ring_timeout_too_short` (below 15 s); otherwise `all_rules_passed`.

use chrono::{Days, NaiveTime};
use model::ids::CampaignId;
use model::outbound::GateRule;
use model::{AgentId, Instant};
use std::time::Duration;

use crate::clock::CivilClock;
use crate::config::{CampaignConfig, PersonCaps, REDIAL_AFTER_ABANDON_MS, RING_TIMEOUT_MIN_MS};
use crate::consent::{ComplianceRegistry, E164};
use crate::contact::AttemptLog;
use crate::window::WindowCheck;
use crate::zone::Zones;

const WEEK: Duration = Duration::from_secs(7 * 86_400);
/// When a number is on a live call (for another contact sharing it), how long before it is tried again.
pub const LIVE_ATTEMPT_RETRY: Duration = Duration::from_secs(10 * 60);

/// The number an attempt would dial.
#[derive(Debug, Clone, Copy)]
pub struct PhoneView<'a> {
    /// Its registry key (`None` if it is not in E.164: then it is invalid).
    pub key: Option<E164>,
    /// Whether it is marked valid.
    pub valid: bool,
    /// Where it rings.
    pub zones: &'a Zones,
    /// Its attempts.
    pub log: &'a AttemptLog,
}

/// The person an attempt would reach, across every campaign.
#[derive(Debug, Clone, Copy)]
pub struct PersonView<'a> {
    /// Their attempts in every campaign.
    pub log: &'a AttemptLog,
    /// Their caps.
    pub caps: PersonCaps,
}

/// The contact an attempt would reach.
#[derive(Debug, Clone, Copy)]
pub struct ContactView<'a> {
    /// Whether the person opted out.
    pub opted_out: bool,
    /// Whether a line to the contact (or to this number, for another contact) is live now.
    pub live_attempt: bool,
    /// When a call to it was last abandoned.
    pub last_abandoned_at: Option<Instant>,
    /// Its attempts.
    pub log: &'a AttemptLog,
}

/// Everything the gate reads.
#[derive(Debug, Clone, Copy)]
pub struct GateRequest<'a> {
    /// Now.
    pub now: Instant,
    /// Instants to civil time.
    pub clock: &'a CivilClock,
    /// The campaign.
    pub campaign: CampaignId,
    /// Its configuration (windows, caps, consent purpose).
    pub config: &'a CampaignConfig,
    /// Consent and do-not-call lists.
    pub registry: &'a ComplianceRegistry,
    /// The number.
    pub phone: PhoneView<'a>,
    /// The contact.
    pub contact: ContactView<'a>,
    /// Whether the campaign's measured abandon rate is at its cap (either window).
    pub abandon_rate_at_cap: bool,
    /// The agent reserved for the call, if any.
    pub reserved_agent: Option<AgentId>,
    /// The ring timeout the call would get.
    pub ring_timeout_ms: u64,
    /// The person across campaigns (none: no cap across campaigns).
    pub person: Option<PersonView<'a>>,
}

/// The gate's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateDecision {
    /// Whether the attempt may go ahead.
    pub allowed: bool,
    /// The rule that decided.
    pub rule: GateRule,
    /// Whether the denial lasts: this number can never pass (invalid, listed, no consent, lifetime cap, a window that never opens).
    pub lasting: bool,
    /// When the rule may allow it again, if known.
    pub retry_at: Option<Instant>,
}

impl GateDecision {
    fn allow() -> Self {
        GateDecision {
            allowed: true,
            rule: GateRule::AllRulesPassed,
            lasting: false,
            retry_at: None,
        }
    }

    fn deny(rule: GateRule, retry_at: Option<Instant>) -> Self {
        GateDecision {
            allowed: false,
            rule,
            lasting: false,
            retry_at,
        }
    }

    fn lasting(rule: GateRule) -> Self {
        GateDecision {
            allowed: false,
            rule,
            lasting: true,
            retry_at: None,
        }
    }
}

/// Decides one attempt. Pure: same request, same decision.
pub fn check(req: &GateRequest<'_>) -> GateDecision {
    let cfg = req.config;
    let Some(key) = req.phone.key.filter(|_| req.phone.valid) else {
        return GateDecision::lasting(GateRule::PhoneInvalid);
    };
    if req.contact.opted_out {
        return GateDecision::lasting(GateRule::OptedOut);
    }
    if let Some(rule) = req.registry.do_not_call_rule(req.campaign, key) {
        // A list can change (an entry removed), but not by waiting: treat it as lasting.
        return GateDecision::lasting(rule);
    }
    if let Some(purpose) = &cfg.consent_purpose
        && let Some(rule) = req
            .registry
            .consent_status(key, purpose, req.now)
            .denying_rule()
    {
        return GateDecision::lasting(rule);
    }
    if req.phone.zones.is_unknown() {
        return GateDecision::lasting(GateRule::ZoneUnknown);
    }
    if let WindowCheck::Closed { rule, next_open } =
        cfg.windows
            .check(&req.phone.zones.candidates, req.clock, req.now)
    {
        return match next_open {
            Some(at) => GateDecision::deny(rule, Some(at)),
            None => GateDecision::lasting(rule),
        };
    }
    if let Some(d) = caps(req) {
        return d;
    }
    if req.contact.live_attempt {
        // Try again once that call has surely ended, rather than holding the head of the queue.
        return GateDecision::deny(
            GateRule::LiveAttemptInProgress,
            Some(req.now + LIVE_ATTEMPT_RETRY),
        );
    }
    if req.reserved_agent.is_none() {
        if let Some(abandoned) = req.contact.last_abandoned_at {
            let until = abandoned + Duration::from_millis(REDIAL_AFTER_ABANDON_MS);
            if req.now < until {
                return GateDecision::deny(GateRule::RedialAfterAbandon, Some(until));
            }
        }
        if req.abandon_rate_at_cap {
            return GateDecision::deny(GateRule::AbandonRateCap, None);
        }
    }
    if req.ring_timeout_ms < RING_TIMEOUT_MIN_MS {
        return GateDecision::lasting(GateRule::RingTimeoutTooShort);
    }
    GateDecision::allow()
}

/// The attempt caps, per number then per contact, lifetime then week then day.
fn caps(req: &GateRequest<'_>) -> Option<GateDecision> {
    let c = req.config.caps;
    let tz = req.phone.zones.primary_tz().unwrap_or(req.config.home_tz);
    let today = req.clock.local_date(req.now, tz);
    // The callee's local midnight that started today, and the next one.
    let day_start = req
        .clock
        .instant_of_local(today.and_time(NaiveTime::MIN), tz);
    let tomorrow = today
        .checked_add_days(Days::new(1))
        .map(|d| req.clock.instant_of_local(d.and_time(NaiveTime::MIN), tz));
    let week_start =
        Instant::from_millis(req.now.as_millis().saturating_sub(WEEK.as_millis() as u64));
    let checks = [
        (
            req.phone.log,
            c.phone_lifetime,
            c.phone_week,
            c.phone_day,
            [
                GateRule::PhoneCapLifetime,
                GateRule::PhoneCapWeek,
                GateRule::PhoneCapDay,
            ],
        ),
        (
            req.contact.log,
            c.contact_lifetime,
            c.contact_week,
            c.contact_day,
            [
                GateRule::ContactCapLifetime,
                GateRule::ContactCapWeek,
                GateRule::ContactCapDay,
            ],
        ),
    ];
    for (log, lifetime, week, day, rules) in checks {
        if let Some(d) = cap_check(
            (log, lifetime, week, day),
            rules,
            week_start,
            (day_start, tomorrow),
        ) {
            return Some(d);
        }
    }
    if let Some(p) = req.person {
        let person = (p.log, u32::MAX, p.caps.week, p.caps.day);
        let rules = [
            GateRule::PersonCapWeek,
            GateRule::PersonCapWeek,
            GateRule::PersonCapDay,
        ];
        if let Some(d) = cap_check(person, rules, week_start, (day_start, tomorrow)) {
            return Some(d);
        }
    }
    None
}

/// One log against its caps (lifetime, week, day).
fn cap_check(
    (log, lifetime, week, day): (&AttemptLog, u32, u32, u32),
    [r_life, r_week, r_day]: [GateRule; 3],
    week_start: Instant,
    (day_start, tomorrow): (Instant, Option<Instant>),
) -> Option<GateDecision> {
    if log.lifetime >= lifetime {
        return Some(GateDecision::lasting(r_life));
    }
    if week > 0 && log.count_since(week_start) >= week {
        // It frees when the oldest of the last `week` attempts leaves the 7 days.
        let oldest = log.recent.iter().rev().nth(week as usize - 1).copied();
        return Some(GateDecision::deny(
            r_week,
            oldest.map(|t| t + WEEK + Duration::from_millis(1)),
        ));
    }
    if log.count_since(day_start) >= day {
        return Some(GateDecision::deny(r_day, tomorrow));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::number_facts;
    use chrono::{TimeZone, Utc};
    use model::outbound::{DialMode, DoNotCallList};
    use model::{Channel, PhoneNumber};

    struct World {
        clock: CivilClock,
        config: CampaignConfig,
        registry: ComplianceRegistry,
        zones: Zones,
        phone_log: AttemptLog,
        contact_log: AttemptLog,
        key: E164,
    }

    fn world() -> World {
        // Monday 2025-06-02 15:00 UTC = 11:00 in New York.
        let clock = CivilClock::starting_at(Utc.with_ymd_and_hms(2025, 6, 2, 15, 0, 0).unwrap());
        let number = PhoneNumber::parse("+12125550123").unwrap();
        let config = CampaignConfig::new(
            CampaignId(1),
            "t",
            DialMode::Predictive,
            PhoneNumber::parse("+12125550100").unwrap(),
        );
        World {
            clock,
            config,
            registry: ComplianceRegistry::default(),
            zones: number_facts(&number).zones,
            phone_log: AttemptLog::default(),
            contact_log: AttemptLog::default(),
            key: E164::of(&number).unwrap(),
        }
    }

    fn ask(w: &World, now: Instant, reserved: Option<AgentId>) -> GateDecision {
        check(&GateRequest {
            now,
            clock: &w.clock,
            campaign: CampaignId(1),
            config: &w.config,
            registry: &w.registry,
            phone: PhoneView {
                key: Some(w.key),
                valid: true,
                zones: &w.zones,
                log: &w.phone_log,
            },
            contact: ContactView {
                opted_out: false,
                live_attempt: false,
                last_abandoned_at: None,
                log: &w.contact_log,
            },
            abandon_rate_at_cap: false,
            reserved_agent: reserved,
            ring_timeout_ms: 25_000,
            person: None,
        })
    }

    #[test]
    fn a_clean_number_in_its_window_passes() {
        let w = world();
        assert_eq!(ask(&w, Instant::ZERO, None), GateDecision::allow());
    }

    #[test]
    fn do_not_call_beats_everything_after_validity() {
        let mut w = world();
        w.registry.add_do_not_call(&DoNotCallList::Internal, w.key);
        let d = ask(&w, Instant::ZERO, None);
        assert_eq!(
            (d.allowed, d.rule, d.lasting),
            (false, GateRule::DoNotCallInternal, true)
        );
    }

    #[test]
    fn required_consent_must_be_in_force() {
        let mut w = world();
        w.config.consent_purpose = Some("marketing".into());
        assert_eq!(ask(&w, Instant::ZERO, None).rule, GateRule::ConsentMissing);
        w.registry.record_consent(
            w.key,
            crate::consent::ConsentRecord {
                purpose: "marketing".into(),
                channel: Channel::Voice,
                source: "web_form".into(),
                given_at: Instant::ZERO,
                withdrawn_at: None,
                expires_at: None,
            },
        );
        assert!(ask(&w, Instant::ZERO, None).allowed);
        w.registry
            .withdraw_consent(w.key, "marketing", Instant::from_millis(10));
        assert_eq!(
            ask(&w, Instant::from_millis(10), None).rule,
            GateRule::ConsentWithdrawn
        );
    }

    #[test]
    fn outside_the_window_it_says_when_it_opens() {
        let w = world();
        // 11 hours later: 22:00 in New York; opens 08:00 = 12:00 UTC next day.
        let d = ask(&w, Instant::from_millis(11 * 3_600_000), None);
        assert_eq!(d.rule, GateRule::OutsideCallingWindow);
        assert_eq!(
            w.clock.utc(d.retry_at.unwrap()),
            Utc.with_ymd_and_hms(2025, 6, 3, 12, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_day_cap_frees_at_the_callees_midnight_and_the_lifetime_cap_lasts() {
        let mut w = world();
        for i in 0..3 {
            w.phone_log.record(Instant::from_millis(i * 1000), 10);
        }
        let d = ask(&w, Instant::from_millis(5000), None);
        assert_eq!(d.rule, GateRule::PhoneCapDay);
        assert_eq!(
            w.clock.utc(d.retry_at.unwrap()),
            Utc.with_ymd_and_hms(2025, 6, 3, 4, 0, 0).unwrap()
        );
        w.phone_log.lifetime = 20;
        assert_eq!(
            ask(&w, Instant::from_millis(5000), None).rule,
            GateRule::PhoneCapLifetime
        );
        assert!(ask(&w, Instant::from_millis(5000), None).lasting);
    }

    #[test]
    fn no_redial_within_72_hours_of_an_abandon_unless_an_agent_is_reserved() {
        let w = world();
        let req = |reserved| {
            check(&GateRequest {
                now: Instant::from_millis(3_600_000),
                clock: &w.clock,
                campaign: CampaignId(1),
                config: &w.config,
                registry: &w.registry,
                phone: PhoneView {
                    key: Some(w.key),
                    valid: true,
                    zones: &w.zones,
                    log: &w.phone_log,
                },
                contact: ContactView {
                    opted_out: false,
                    live_attempt: false,
                    last_abandoned_at: Some(Instant::ZERO),
                    log: &w.contact_log,
                },
                abandon_rate_at_cap: true,
                reserved_agent: reserved,
                ring_timeout_ms: 25_000,
                person: None,
            })
        };
        assert_eq!(req(None).rule, GateRule::RedialAfterAbandon);
        assert!(
            req(Some(AgentId(7))).allowed,
            "a reserved agent lifts both the 72 h rule and the rate cap"
        );
    }
}
