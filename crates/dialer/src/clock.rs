//! Civil time for an engine that only sees [`Instant`]s.
//!
//! Calling windows, holidays, "next day" retries and the UK's per-calendar-day
//! abandon rate are civil-time rules, so the dialer must turn an instant into a
//! UTC date-time. Live, instants count from the Unix epoch; in simulation they
//! count from the start of the scenario, so the driver says which UTC moment
//! [`Instant::ZERO`] is. No clock is ever read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use model::Instant;

/// Longest a local time can fall in a daylight-saving gap, in minutes (the
/// largest gap in the tz database is one hour; two leaves room for oddities).
const DST_GAP_MINUTES_MAX: i64 = 120;

/// Maps instants to civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilClock {
    /// Milliseconds since the Unix epoch at [`Instant::ZERO`].
    origin_utc_ms: i64,
}

impl CivilClock {
    /// A clock whose [`Instant::ZERO`] is `origin_utc_ms` milliseconds after the Unix epoch.
    pub const fn new(origin_utc_ms: i64) -> Self {
        CivilClock { origin_utc_ms }
    }

    /// Live use: instants already count from the Unix epoch.
    pub const fn unix() -> Self {
        CivilClock { origin_utc_ms: 0 }
    }

    /// A clock whose [`Instant::ZERO`] is `at`.
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        CivilClock {
            origin_utc_ms: at.timestamp_millis(),
        }
    }

    /// The UTC date-time of an instant (saturating at chrono's range, which is
    /// hundreds of thousands of years away).
    pub fn utc(&self, at: Instant) -> DateTime<Utc> {
        let ms = i64::try_from(at.as_millis())
            .unwrap_or(i64::MAX)
            .saturating_add(self.origin_utc_ms);
        DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The instant of a UTC date-time; times before the origin become [`Instant::ZERO`].
    pub fn instant(&self, at: DateTime<Utc>) -> Instant {
        let ms = at.timestamp_millis().saturating_sub(self.origin_utc_ms);
        Instant::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// The local date-time of an instant in `tz`.
    pub fn local(&self, at: Instant, tz: Tz) -> NaiveDateTime {
        self.utc(at).with_timezone(&tz).naive_local()
    }

    /// The local calendar date of an instant in `tz`.
    pub fn local_date(&self, at: Instant, tz: Tz) -> NaiveDate {
        self.local(at, tz).date()
    }

    /// The instant a local date-time in `tz` happens. In the autumn fold the
    /// earlier of the two is taken; a time inside the spring gap does not exist
    /// and is moved forward to the first minute that does.
    pub fn instant_of_local(&self, local: NaiveDateTime, tz: Tz) -> Instant {
        self.instant(utc_of_local(local, tz))
    }
}

/// The UTC moment of a local date-time in `tz` (see [`CivilClock::instant_of_local`]).
pub fn utc_of_local(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    for minutes in 0..=DST_GAP_MINUTES_MAX {
        let t = local + chrono::Duration::minutes(minutes);
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.with_timezone(&Utc);
        }
    }
    // No zone has a gap this long; treat the local time as UTC rather than fail.
    local.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Timelike};

    #[test]
    fn a_simulation_clock_maps_zero_to_its_origin() {
        let start = Utc.with_ymd_and_hms(2025, 3, 9, 5, 0, 0).unwrap();
        let clock = CivilClock::starting_at(start);
        assert_eq!(clock.utc(Instant::ZERO), start);
        assert_eq!(clock.instant(start), Instant::ZERO);
        // 2025-03-09 is the US spring-forward day: 05:00 UTC is 00:00 EST.
        assert_eq!(
            clock
                .local(Instant::ZERO, chrono_tz::America::New_York)
                .hour(),
            0
        );
        assert_eq!(
            clock
                .local(
                    Instant::from_millis(3 * 3_600_000),
                    chrono_tz::America::New_York
                )
                .hour(),
            4
        );
    }

    #[test]
    fn a_local_time_in_the_spring_gap_moves_forward() {
        let gap = NaiveDate::from_ymd_opt(2025, 3, 30)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        let utc = utc_of_local(gap, chrono_tz::Europe::Madrid);
        // 02:30 does not exist in Madrid that night; 03:00 CEST is 01:00 UTC.
        assert_eq!(utc, Utc.with_ymd_and_hms(2025, 3, 30, 1, 0, 0).unwrap());
    }

    #[test]
    fn a_local_time_in_the_autumn_fold_takes_the_earlier_instant() {
        let fold = NaiveDate::from_ymd_opt(2025, 11, 2)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let utc = utc_of_local(fold, chrono_tz::America::New_York);
        assert_eq!(utc, Utc.with_ymd_and_hms(2025, 11, 2, 5, 30, 0).unwrap());
    }
}
