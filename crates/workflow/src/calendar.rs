//! The tenant's calendar as the engine sees it: an IANA time zone and a set
//! of holiday dates, plus the durations case types write (`30m`, `4h`, `3d`,
//! `2wd`) and the arithmetic that places them in civil time.
//!
//! Instants are milliseconds since an epoch; [`Calendar::epoch_utc_ms`] says
//! which UTC moment [`Instant::ZERO`] is (0 live, where instants count from
//! the Unix epoch; the scenario's start in a simulation).
//!
//! Days are calendar days in the tenant's zone: "2 days after 10:00" is 10:00
//! two dates later, 47 or 49 hours away across a daylight-saving change. A
//! local time that does not exist (the spring gap) moves to just after the
//! gap; one that exists twice (autumn) is the earlier one.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use model::Instant;

use crate::limits::{HOLIDAYS_MAX, SPAN_DAYS_MAX};

/// A tenant's zone and holidays (the core builds it from its settings).
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The zone days and hours are in.
    pub zone: Tz,
    /// Days that are not working days, besides Saturdays and Sundays.
    holidays: BTreeSet<NaiveDate>,
    /// Milliseconds since the Unix epoch at [`Instant::ZERO`].
    pub epoch_utc_ms: i64,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            zone: Tz::UTC,
            holidays: BTreeSet::new(),
            epoch_utc_ms: 0,
        }
    }
}

impl Calendar {
    /// A calendar in `zone` with `holidays`; instants count from the Unix
    /// epoch. Refused over [`HOLIDAYS_MAX`] holidays.
    pub fn new(
        zone: Tz,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar, String> {
        let holidays: BTreeSet<NaiveDate> = holidays.into_iter().collect();
        if holidays.len() > HOLIDAYS_MAX {
            return Err(format!("at most {HOLIDAYS_MAX} holidays"));
        }
        Ok(Calendar {
            zone,
            holidays,
            epoch_utc_ms: 0,
        })
    }

    /// The same calendar with [`Instant::ZERO`] at `epoch_utc_ms`.
    pub fn with_epoch(mut self, epoch_utc_ms: i64) -> Calendar {
        self.epoch_utc_ms = epoch_utc_ms;
        self
    }

    /// Whether `d` is a holiday.
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
    }

    /// Monday to Friday and not a holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(d)
    }

    /// The local date-time of an instant.
    pub fn local(&self, at: Instant) -> NaiveDateTime {
        let ms = i64::try_from(at.as_millis())
            .unwrap_or(i64::MAX)
            .saturating_add(self.epoch_utc_ms);
        let utc = DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MAX_UTC);
        utc.with_timezone(&self.zone).naive_local()
    }

    /// The local date of an instant.
    pub fn date(&self, at: Instant) -> NaiveDate {
        self.local(at).date()
    }

    /// The instant of a local date-time (gap: just after it; twice: the
    /// earlier). Before the epoch: [`Instant::ZERO`].
    pub fn instant(&self, local: NaiveDateTime) -> Instant {
        let utc = match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => self.after_gap(local),
        };
        let ms = utc.timestamp_millis().saturating_sub(self.epoch_utc_ms);
        Instant::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// A local time inside a spring gap: the first minute after the gap.
    fn after_gap(&self, local: NaiveDateTime) -> DateTime<Utc> {
        for minutes in 1..=180 {
            let later = local + Duration::minutes(minutes);
            if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                self.zone.from_local_datetime(&later)
            {
                return t.with_timezone(&Utc);
            }
        }
        // No zone has a gap of three hours; read the time as UTC.
        local.and_utc()
    }

    /// The instant a local date starts (its midnight, or the first moment
    /// after midnight if midnight falls in a gap).
    pub fn start_of(&self, d: NaiveDate) -> Instant {
        self.instant(d.and_time(NaiveTime::MIN))
    }

    /// The first working day on or after `d`.
    pub fn working_day_from(&self, mut d: NaiveDate) -> NaiveDate {
        // Holidays are bounded, so a working day comes within their count plus a week.
        for _ in 0..=(HOLIDAYS_MAX + 7) {
            if self.is_working_day(d) {
                return d;
            }
            d = d.succ_opt().unwrap_or(d);
        }
        d
    }
}

/// A duration as a case type writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Minutes of elapsed time (`30m`).
    Minutes(u32),
    /// Hours of elapsed time (`4h`).
    Hours(u32),
    /// Calendar days at the same local time (`3d`): weekends and holidays count.
    Days(u32),
    /// Working days at the same local time (`2wd`): weekends and holidays do not count.
    WorkingDays(u32),
}

impl Span {
    /// Reads `30m`, `4h`, `3d` or `2wd` (at most [`SPAN_DAYS_MAX`] days).
    pub fn parse(s: &str) -> Result<Span, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (n, unit) = s.split_at(split);
        let n: u32 = n
            .parse()
            .map_err(|_| format!("{s:?} is not a duration (write 30m, 4h, 3d or 2wd)"))?;
        let (span, days) = match unit {
            "m" => (Span::Minutes(n), n / (24 * 60)),
            "h" => (Span::Hours(n), n / 24),
            "d" => (Span::Days(n), n),
            "wd" => (Span::WorkingDays(n), n),
            _ => return Err(format!("{s:?} has no unit m, h, d or wd")),
        };
        if days > SPAN_DAYS_MAX {
            return Err(format!("{s:?} is longer than {SPAN_DAYS_MAX} days"));
        }
        Ok(span)
    }

    /// The instant `self` after `from` in `cal`.
    pub fn after(self, cal: &Calendar, from: Instant) -> Instant {
        match self {
            Span::Minutes(m) => from + std::time::Duration::from_secs(u64::from(m) * 60),
            Span::Hours(h) => from + std::time::Duration::from_secs(u64::from(h) * 3600),
            Span::Days(n) => {
                let local = cal.local(from);
                cal.instant(local + Duration::days(i64::from(n)))
            }
            Span::WorkingDays(n) => {
                let local = cal.local(from);
                let mut d = local.date();
                for _ in 0..n {
                    d = cal.working_day_from(d.succ_opt().unwrap_or(d));
                }
                cal.instant(d.and_time(local.time()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prague() -> Calendar {
        Calendar::new(chrono_tz::Europe::Prague, []).unwrap()
    }

    fn at(cal: &Calendar, s: &str) -> Instant {
        cal.instant(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    #[test]
    fn a_day_is_a_calendar_day_across_the_spring_change() {
        let cal = prague();
        let from = at(&cal, "2026-03-28 10:00");
        let to = Span::Days(2).after(&cal, from);
        assert_eq!(cal.local(to).to_string(), "2026-03-30 10:00:00");
        assert_eq!(to.as_millis() - from.as_millis(), 47 * 3_600_000);
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_after_it() {
        let cal = prague();
        let t = at(&cal, "2026-03-29 02:30");
        assert_eq!(cal.local(t).to_string(), "2026-03-29 03:00:00");
    }

    #[test]
    fn spans_parse_with_their_units() {
        assert_eq!(Span::parse("30m"), Ok(Span::Minutes(30)));
        assert_eq!(Span::parse("2wd"), Ok(Span::WorkingDays(2)));
        assert!(Span::parse("3 weeks").is_err());
        assert!(Span::parse("99999d").is_err());
    }
}
