//! Calling windows: the lawful hours in the callee's local time, by country,
//! with holidays; and the next moment a set of candidate zones is open.
//!
//! Presets: US (and Canada, Puerto Rico) 08:00–21:00 every day; Spain
//! 09:00–21:00 Monday to Friday and not on holidays; UK as configured (the
//! preset is 08:00–21:00 every day). When the callee may be in several zones,
//! the window must be open in each of them (their intersection).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use model::Instant;

use crate::clock::CivilClock;
use crate::zone::{Country, ZoneCandidate, region_parent};
use model::outbound::GateRule;

/// Minutes in a day: a window ends at most here (24:00).
pub const DAY_MINUTES: u16 = 24 * 60;
/// How far ahead the next opening is searched, in days (a window closed for
/// longer than this counts as never open).
pub const NEXT_OPEN_HORIZON_DAYS: u32 = 21;
/// Most rounds of the search for a moment when every candidate zone is open.
const INTERSECTION_ROUNDS_MAX: usize = 64;

/// Open hours for one weekday, in minutes after local midnight: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    /// First minute open.
    pub start_min: u16,
    /// First minute closed again (at most 1440).
    pub end_min: u16,
}

impl DayHours {
    /// `start_h:00`–`end_h:00`.
    pub const fn hours(start_h: u16, end_h: u16) -> Self {
        DayHours {
            start_min: start_h * 60,
            end_min: end_h * 60,
        }
    }
}

/// Lawful hours per weekday, and whether holidays close the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallingWindow {
    /// Monday first; `None` means closed all day.
    pub days: [Option<DayHours>; 7],
    /// Whether a holiday of the callee's country or region closes the day.
    pub closed_on_holidays: bool,
}

impl CallingWindow {
    /// The US preset (federal rule): 08:00–21:00 every day.
    pub fn us() -> Self {
        CallingWindow {
            days: [Some(DayHours::hours(8, 21)); 7],
            closed_on_holidays: false,
        }
    }

    /// The Spanish preset: 09:00–21:00 Monday to Friday, not on holidays.
    pub fn spain() -> Self {
        let d = Some(DayHours::hours(9, 21));
        CallingWindow {
            days: [d, d, d, d, d, None, None],
            closed_on_holidays: true,
        }
    }

    /// The UK preset (Ofcom sets no hours; this is the usual practice, to be configured): 08:00–21:00 every day.
    pub fn uk() -> Self {
        CallingWindow {
            days: [Some(DayHours::hours(8, 21)); 7],
            closed_on_holidays: false,
        }
    }

    /// The window for other countries unless configured: 09:00–20:00 Monday to Friday, not on holidays.
    pub fn conservative() -> Self {
        let d = Some(DayHours::hours(9, 20));
        CallingWindow {
            days: [d, d, d, d, d, None, None],
            closed_on_holidays: true,
        }
    }

    fn hours_on(&self, day: Weekday) -> Option<DayHours> {
        self.days[day.num_days_from_monday() as usize]
    }
}

/// A public holiday: a date, in a country, maybe only in one region (province or community).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The country.
    pub country: Country,
    /// The local date.
    pub date: NaiveDate,
    /// The region (`ES-CT`, `ES-B`, `GB-SCT`); `None` for the whole country.
    pub region: Option<Box<str>>,
}

/// The windows of a campaign: one per country, a default, and the holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowPolicy {
    /// Windows for named countries.
    pub by_country: Vec<(Country, CallingWindow)>,
    /// The window of any other country.
    pub default: CallingWindow,
    /// Holidays (national and regional).
    pub holidays: Vec<Holiday>,
}

impl Default for WindowPolicy {
    fn default() -> Self {
        WindowPolicy {
            by_country: vec![
                (Country::US, CallingWindow::us()),
                (Country::CA, CallingWindow::us()),
                (Country::PR, CallingWindow::us()),
                (Country::ES, CallingWindow::spain()),
                (Country::GB, CallingWindow::uk()),
            ],
            default: CallingWindow::conservative(),
            holidays: Vec::new(),
        }
    }
}

/// Whether a set of candidates may be called now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowCheck {
    /// Every candidate is inside its window.
    Open,
    /// At least one is not.
    Closed {
        /// [`GateRule::OutsideCallingWindow`] or [`GateRule::Holiday`].
        rule: GateRule,
        /// The next moment every candidate is open, if within the horizon.
        next_open: Option<Instant>,
    },
}

impl WindowPolicy {
    /// The window that applies in a country.
    pub fn window_for(&self, country: Country) -> &CallingWindow {
        self.by_country
            .iter()
            .find(|(c, _)| *c == country)
            .map(|(_, w)| w)
            .unwrap_or(&self.default)
    }

    /// Whether `date` is a holiday for the candidate. A candidate whose region is
    /// unknown keeps every regional holiday of its country (the most restrictive reading).
    pub fn is_holiday(&self, cand: &ZoneCandidate, date: NaiveDate) -> bool {
        self.holidays.iter().any(|h| {
            h.country == cand.country
                && h.date == date
                && match (&h.region, &cand.region) {
                    (None, _) | (Some(_), None) => true,
                    (Some(hr), Some(cr)) => **hr == **cr || region_parent(cr) == Some(&**hr),
                }
        })
    }

    /// Whether one candidate is open at local time `local`; the rule that closes it if not.
    fn open_at(&self, cand: &ZoneCandidate, local: NaiveDateTime) -> Result<(), GateRule> {
        let w = self.window_for(cand.country);
        if w.closed_on_holidays && self.is_holiday(cand, local.date()) {
            return Err(GateRule::Holiday);
        }
        let Some(h) = w.hours_on(local.weekday()) else {
            return Err(GateRule::OutsideCallingWindow);
        };
        let minute = (local.hour() * 60 + local.minute()) as u16;
        if minute >= h.start_min && minute < h.end_min {
            Ok(())
        } else {
            Err(GateRule::OutsideCallingWindow)
        }
    }

    /// The next instant at or after `now` when one candidate opens.
    fn next_open_one(
        &self,
        cand: &ZoneCandidate,
        clock: &CivilClock,
        now: Instant,
    ) -> Option<Instant> {
        let local = clock.local(now, cand.tz);
        if self.open_at(cand, local).is_ok() {
            return Some(now);
        }
        let w = self.window_for(cand.country);
        for offset in 0..=NEXT_OPEN_HORIZON_DAYS {
            let date = local
                .date()
                .checked_add_days(chrono::Days::new(offset.into()))?;
            if w.closed_on_holidays && self.is_holiday(cand, date) {
                continue;
            }
            let Some(h) = w.hours_on(date.weekday()) else {
                continue;
            };
            if h.start_min >= h.end_min {
                continue;
            }
            let start = date.and_time(minute_time(h.start_min));
            let at = clock.instant_of_local(start, cand.tz);
            if at > now {
                return Some(at);
            }
            // The window started earlier today and is closed now, so it has ended: try tomorrow.
        }
        None
    }

    /// Whether every candidate is open at `now`; if not, the deciding rule and
    /// the next moment all are open. No candidates at all is the caller's
    /// business ([`GateRule::ZoneUnknown`]).
    pub fn check(&self, cands: &[ZoneCandidate], clock: &CivilClock, now: Instant) -> WindowCheck {
        let mut rule = None;
        for c in cands {
            if let Err(r) = self.open_at(c, clock.local(now, c.tz)) {
                // A holiday is the more telling reason when both apply.
                if rule != Some(GateRule::Holiday) {
                    rule = Some(r);
                }
            }
        }
        match rule {
            None => WindowCheck::Open,
            Some(rule) => WindowCheck::Closed {
                rule,
                next_open: self.next_open_all(cands, clock, now),
            },
        }
    }

    /// The first instant at or after `now` when every candidate is open.
    pub fn next_open_all(
        &self,
        cands: &[ZoneCandidate],
        clock: &CivilClock,
        now: Instant,
    ) -> Option<Instant> {
        let horizon =
            now + std::time::Duration::from_secs(u64::from(NEXT_OPEN_HORIZON_DAYS) * 86_400);
        let mut t = now;
        for _ in 0..INTERSECTION_ROUNDS_MAX {
            let mut latest = t;
            for c in cands {
                latest = latest.max(self.next_open_one(c, clock, t)?);
            }
            if latest == t {
                return Some(t);
            }
            if latest > horizon {
                return None;
            }
            t = latest;
        }
        None
    }
}

fn minute_time(min: u16) -> NaiveTime {
    // `min` < 1440 because a window start is below its end, which is at most 1440.
    NaiveTime::from_hms_opt(u32::from(min / 60), u32::from(min % 60), 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use chrono_tz::{America, Europe};
    use std::borrow::Cow;

    fn cand(country: Country, tz: chrono_tz::Tz, region: Option<&'static str>) -> ZoneCandidate {
        ZoneCandidate {
            country,
            tz,
            region: region.map(Cow::Borrowed),
        }
    }

    fn clock_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> CivilClock {
        CivilClock::starting_at(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap())
    }

    #[test]
    fn new_york_opens_at_eight_local_on_the_spring_forward_day() {
        // 2025-03-09 10:00 UTC is 06:00 EDT (clocks went forward at 02:00 EST).
        let clock = clock_at(2025, 3, 9, 10, 0);
        let p = WindowPolicy::default();
        let ny = [cand(Country::US, America::New_York, Some("US-NY"))];
        match p.check(&ny, &clock, Instant::ZERO) {
            WindowCheck::Closed {
                rule,
                next_open: Some(at),
            } => {
                assert_eq!(rule, GateRule::OutsideCallingWindow);
                assert_eq!(
                    clock.utc(at),
                    Utc.with_ymd_and_hms(2025, 3, 9, 12, 0, 0).unwrap()
                );
            }
            other => panic!("expected closed, got {other:?}"),
        }
    }

    #[test]
    fn spain_is_closed_at_weekends_and_on_regional_holidays() {
        let p = WindowPolicy {
            holidays: vec![Holiday {
                country: Country::ES,
                date: NaiveDate::from_ymd_opt(2025, 9, 11).unwrap(),
                region: Some("ES-CT".into()),
            }],
            ..WindowPolicy::default()
        };
        let bcn = [cand(Country::ES, Europe::Madrid, Some("ES-B"))];
        let mad = [cand(Country::ES, Europe::Madrid, Some("ES-M"))];
        // Thursday 2025-09-11 10:00 UTC = 12:00 CEST, the Diada in Catalonia.
        let clock = clock_at(2025, 9, 11, 10, 0);
        assert!(matches!(
            p.check(&bcn, &clock, Instant::ZERO),
            WindowCheck::Closed {
                rule: GateRule::Holiday,
                ..
            }
        ));
        assert_eq!(p.check(&mad, &clock, Instant::ZERO), WindowCheck::Open);
        // Saturday 2025-09-13: closed, opens Monday 09:00 CEST = 07:00 UTC.
        let clock = clock_at(2025, 9, 13, 10, 0);
        match p.check(&mad, &clock, Instant::ZERO) {
            WindowCheck::Closed {
                next_open: Some(at),
                ..
            } => {
                assert_eq!(
                    clock.utc(at),
                    Utc.with_ymd_and_hms(2025, 9, 15, 7, 0, 0).unwrap()
                );
            }
            other => panic!("expected closed, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_region_keeps_every_regional_holiday() {
        let p = WindowPolicy {
            holidays: vec![Holiday {
                country: Country::ES,
                date: NaiveDate::from_ymd_opt(2025, 9, 11).unwrap(),
                region: Some("ES-CT".into()),
            }],
            ..WindowPolicy::default()
        };
        let mobile = [cand(Country::ES, Europe::Madrid, None)];
        let clock = clock_at(2025, 9, 11, 10, 0);
        assert!(matches!(
            p.check(&mobile, &clock, Instant::ZERO),
            WindowCheck::Closed {
                rule: GateRule::Holiday,
                ..
            }
        ));
    }

    #[test]
    fn two_zones_are_open_only_where_both_windows_overlap() {
        let p = WindowPolicy::default();
        let both = [
            cand(Country::US, America::New_York, None),
            cand(Country::US, America::Los_Angeles, None),
        ];
        // 13:00 UTC = 09:00 EDT = 06:00 PDT: New York is open, Los Angeles not until 15:00 UTC.
        let clock = clock_at(2025, 6, 2, 13, 0);
        match p.check(&both, &clock, Instant::ZERO) {
            WindowCheck::Closed {
                next_open: Some(at),
                ..
            } => {
                assert_eq!(
                    clock.utc(at),
                    Utc.with_ymd_and_hms(2025, 6, 2, 15, 0, 0).unwrap()
                );
            }
            other => panic!("expected closed, got {other:?}"),
        }
        // 00:30 UTC = 20:30 EDT = 17:30 PDT: both open; at 01:00 UTC New York has closed.
        let clock = clock_at(2025, 6, 3, 0, 30);
        assert_eq!(p.check(&both, &clock, Instant::ZERO), WindowCheck::Open);
        assert!(matches!(
            p.check(&both, &clock, Instant::from_millis(30 * 60_000)),
            WindowCheck::Closed {
                rule: GateRule::OutsideCallingWindow,
                ..
            }
        ));
    }

    #[test]
    fn a_window_that_never_opens_has_no_next_opening() {
        let p = WindowPolicy {
            by_country: vec![(
                Country::GB,
                CallingWindow {
                    days: [None; 7],
                    closed_on_holidays: false,
                },
            )],
            ..WindowPolicy::default()
        };
        let london = [cand(Country::GB, Europe::London, None)];
        let clock = clock_at(2025, 6, 2, 13, 0);
        assert_eq!(
            p.check(&london, &clock, Instant::ZERO),
            WindowCheck::Closed {
                rule: GateRule::OutsideCallingWindow,
                next_open: None
            }
        );
    }
}
