//! Routing plans: ordered rules from an interaction's attributes to a queue,
//! a priority and extra required skills.
//!
//! Rules are tried in order. Every matching rule applies what it sets
//! (priority, added skills); the first matching rule that names a queue
//! decides the queue and ends the evaluation. An interaction that no rule
//! sends anywhere goes to the queue it was created for, or the plan's
//! default queue.

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use model::{Attributes, Channel, Instant, Name, PhoneNumber, QueueId};

use crate::config::{REQUIREMENTS_MAX, SkillReq};

/// A time-of-day and day-of-week window in the plan's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeWindow {
    /// Days it applies (Monday = bit 0).
    pub days: u8,
    /// From this minute of the day (inclusive).
    pub from_min: u16,
    /// To this minute of the day (exclusive); may be less than `from_min` for windows over midnight.
    pub to_min: u16,
}

/// What a rule matches. Every condition given must hold; within one
/// condition, any listed value matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Match {
    /// Dialled number (DNIS) is one of these.
    pub dialled_number: Vec<PhoneNumber>,
    /// Caller number starts with one of these prefixes.
    pub caller_prefix: Vec<String>,
    /// Channel is one of these.
    pub channel: Vec<Channel>,
    /// Segment is one of these.
    pub segment: Vec<String>,
    /// Value tier is one of these.
    pub value_tier: Vec<String>,
    /// Language is one of these.
    pub language: Vec<String>,
    /// IVR menu choice: (menu, choice).
    pub ivr: Vec<(String, String)>,
    /// Free attribute key equals value.
    pub extra: Vec<(String, String)>,
    /// The current local time is inside one of these windows.
    pub time: Vec<TimeWindow>,
}

/// What a rule does when it matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Then {
    /// Send to this queue (and stop evaluating).
    pub queue: Option<QueueId>,
    /// Set the priority to this value.
    pub priority: Option<i32>,
    /// Add this to the priority.
    pub priority_add: i32,
    /// Require these skills in every step as well.
    pub add_skills: Vec<SkillReq>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its name, given in offer reasons.
    pub name: Name,
    /// When it applies.
    pub when: Match,
    /// What it does.
    pub then: Then,
}

/// A compiled routing plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingPlan {
    /// The zone for time-of-day conditions.
    pub tz: Tz,
    /// Rules in order.
    pub rules: Vec<Rule>,
    /// Where interactions go when no rule and no caller chooses a queue.
    pub default_queue: Option<QueueId>,
}

impl Default for RoutingPlan {
    fn default() -> Self {
        RoutingPlan {
            tz: Tz::UTC,
            rules: Vec::new(),
            default_queue: None,
        }
    }
}

/// The outcome of evaluating a plan for one interaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decision {
    /// The chosen queue, if any.
    pub queue: Option<QueueId>,
    /// The priority to start with.
    pub priority: i32,
    /// Skills added to every step.
    pub add_skills: Vec<SkillReq>,
    /// The rule that chose the queue (or the last that matched).
    pub rule: Option<Name>,
}

impl RoutingPlan {
    /// Evaluates the rules for one interaction.
    pub fn decide(
        &self,
        now: Instant,
        channel: Channel,
        attrs: &Attributes,
        queue: Option<QueueId>,
        priority: i32,
    ) -> Decision {
        let mut d = Decision {
            queue: None,
            priority,
            add_skills: Vec::new(),
            rule: None,
        };
        let local = (!self.rules.is_empty())
            .then(|| chrono::DateTime::from_timestamp_millis(now.as_millis() as i64))
            .flatten()
            .map(|t| t.with_timezone(&self.tz));
        let mut last: Option<&Rule> = None;
        for rule in &self.rules {
            if !rule.when.matches(channel, attrs, local.as_ref()) {
                continue;
            }
            last = Some(rule);
            if let Some(p) = rule.then.priority {
                d.priority = p;
            }
            d.priority = d.priority.saturating_add(rule.then.priority_add);
            for req in &rule.then.add_skills {
                if d.add_skills.len() < REQUIREMENTS_MAX && !d.add_skills.contains(req) {
                    d.add_skills.push(*req);
                }
            }
            if rule.then.queue.is_some() {
                d.queue = rule.then.queue;
                break;
            }
        }
        // The name is shared with the plan: one clone, for the rule that counts.
        d.rule = last.map(|r| r.name.clone());
        d.queue = d.queue.or(queue).or(self.default_queue);
        d
    }
}

impl Match {
    fn matches(
        &self,
        channel: Channel,
        a: &Attributes,
        local: Option<&chrono::DateTime<Tz>>,
    ) -> bool {
        fn any_of(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        (self.channel.is_empty() || self.channel.contains(&channel))
            && (self.dialled_number.is_empty()
                || a.dialled_number
                    .as_ref()
                    .is_some_and(|d| self.dialled_number.contains(d)))
            && (self.caller_prefix.is_empty()
                || a.caller_number
                    .as_ref()
                    .is_some_and(|c| self.caller_prefix.iter().any(|p| c.has_prefix(p))))
            && any_of(&self.segment, a.segment.as_ref().map(|s| s.as_str()))
            && any_of(&self.value_tier, a.value_tier.as_ref().map(|s| s.as_str()))
            && any_of(&self.language, a.language.as_ref().map(|s| s.as_str()))
            && self
                .ivr
                .iter()
                .all(|(menu, choice)| a.ivr_choice(menu) == Some(choice.as_str()))
            && self
                .extra
                .iter()
                .all(|(k, v)| a.extra(k) == Some(v.as_str()))
            && (self.time.is_empty()
                || local.is_some_and(|t| self.time.iter().any(|w| w.contains(t))))
    }
}

impl TimeWindow {
    fn contains(&self, t: &chrono::DateTime<Tz>) -> bool {
        let day = t.weekday().num_days_from_monday();
        let minute = (t.hour() * 60 + t.minute()) as u16;
        if self.from_min <= self.to_min {
            self.days & (1 << day) != 0 && self.from_min <= minute && minute < self.to_min
        } else {
            // Over midnight: the part after midnight belongs to the day the window started.
            let prev = (day + 6) % 7;
            (self.days & (1 << day) != 0 && minute >= self.from_min)
                || (self.days & (1 << prev) != 0 && minute < self.to_min)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Proficiency, SkillId};

    fn rule(name: &str, when: Match, then: Then) -> Rule {
        Rule {
            name: Name::new(name).unwrap(),
            when,
            then,
        }
    }

    #[test]
    fn the_first_rule_that_names_a_queue_wins_and_earlier_ones_still_apply() {
        let vip = PhoneNumber::parse("900100100").unwrap();
        let plan = RoutingPlan {
            tz: Tz::UTC,
            rules: vec![
                rule(
                    "catalan",
                    Match {
                        language: vec!["ca".into()],
                        ..Default::default()
                    },
                    Then {
                        add_skills: vec![SkillReq {
                            skill: SkillId(3),
                            min: Proficiency::new(5).unwrap(),
                        }],
                        ..Default::default()
                    },
                ),
                rule(
                    "vip-line",
                    Match {
                        dialled_number: vec![vip.clone()],
                        ..Default::default()
                    },
                    Then {
                        queue: Some(QueueId(1)),
                        priority: Some(50),
                        ..Default::default()
                    },
                ),
                rule(
                    "never",
                    Match::default(),
                    Then {
                        queue: Some(QueueId(2)),
                        ..Default::default()
                    },
                ),
            ],
            default_queue: Some(QueueId(0)),
        };
        let attrs = Attributes {
            dialled_number: Some(vip),
            language: Some(model::Language::parse("ca").unwrap()),
            ..Default::default()
        };
        let d = plan.decide(Instant::ZERO, Channel::Voice, &attrs, None, 0);
        assert_eq!(d.queue, Some(QueueId(1)));
        assert_eq!(d.priority, 50);
        assert_eq!(d.add_skills.len(), 1);
        assert_eq!(d.rule.as_deref(), Some("vip-line"));
    }

    #[test]
    fn time_windows_over_midnight_belong_to_the_day_they_start() {
        // Friday 22:00 to 06:00.
        let w = TimeWindow {
            days: 1 << 4,
            from_min: 22 * 60,
            to_min: 6 * 60,
        };
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Tz::UTC)
        };
        assert!(w.contains(&at("2026-01-09T23:00:00Z"))); // Friday night
        assert!(w.contains(&at("2026-01-10T05:59:00Z"))); // early Saturday
        assert!(!w.contains(&at("2026-01-10T23:00:00Z"))); // Saturday night
        assert!(!w.contains(&at("2026-01-09T05:00:00Z"))); // early Friday
    }
}
