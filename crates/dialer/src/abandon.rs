//! The abandon rate of a campaign, measured the two ways the law does:
//! per rolling 30 days (US) and per calendar day in the campaign's zone (UK).
//!
//! Abandoned / live-answered. The 30-day window keeps hourly buckets (720 at
//! most), so measuring is O(1) amortised and memory is bounded.

use chrono::NaiveDate;
use model::Instant;
use model::outbound::AbandonWindow;
use std::collections::VecDeque;

/// One hour, the bucket of the rolling window.
const BUCKET_MS: u64 = 3_600_000;
/// The US measurement period: 30 days of hourly buckets.
pub const ROLLING_BUCKETS: u64 = 30 * 24;

/// Live answers and abandons in one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Calls a person answered.
    pub live_answers: u32,
    /// Of those, calls not connected to an agent within 2 s.
    pub abandoned: u32,
}

impl Tally {
    /// Abandoned / live-answered, 0 when nothing was answered.
    pub fn rate(&self) -> f64 {
        if self.live_answers == 0 {
            0.0
        } else {
            f64::from(self.abandoned) / f64::from(self.live_answers)
        }
    }

    /// Abandons still allowed before the rate exceeds `cap` (negative when above).
    pub fn slack(&self, cap: f64) -> f64 {
        cap * f64::from(self.live_answers) - f64::from(self.abandoned)
    }
}

/// Both measurements for one campaign.
#[derive(Debug, Clone, Default)]
pub struct AbandonMeter {
    /// (hour index, tally) for the last 30 days, oldest first.
    hours: VecDeque<(u64, Tally)>,
    rolling: Tally,
    /// The calendar day being counted and its tally.
    day: Option<(NaiveDate, Tally)>,
}

impl AbandonMeter {
    fn advance(&mut self, now: Instant, today: NaiveDate) {
        let hour = now.as_millis() / BUCKET_MS;
        while let Some((h, t)) = self.hours.front().copied() {
            if h + ROLLING_BUCKETS > hour {
                break;
            }
            self.rolling.live_answers -= t.live_answers;
            self.rolling.abandoned -= t.abandoned;
            self.hours.pop_front();
        }
        if self.day.is_none_or(|(d, _)| d != today) {
            self.day = Some((today, Tally::default()));
        }
    }

    fn bump(&mut self, now: Instant, today: NaiveDate, f: impl Fn(&mut Tally)) {
        self.advance(now, today);
        let hour = now.as_millis() / BUCKET_MS;
        if self.hours.back().is_none_or(|(h, _)| *h != hour) {
            self.hours.push_back((hour, Tally::default()));
        }
        if let Some((_, t)) = self.hours.back_mut() {
            f(t);
        }
        f(&mut self.rolling);
        if let Some((_, t)) = &mut self.day {
            f(t);
        }
    }

    /// Counts a live answer at `now` (`today` is the campaign's local date).
    pub fn live_answer(&mut self, now: Instant, today: NaiveDate) {
        self.bump(now, today, |t| t.live_answers += 1);
    }

    /// Counts an abandoned call.
    pub fn abandoned(&mut self, now: Instant, today: NaiveDate) {
        self.bump(now, today, |t| t.abandoned += 1);
    }

    /// The tally of a window as of `now`.
    pub fn tally(&mut self, window: AbandonWindow, now: Instant, today: NaiveDate) -> Tally {
        self.advance(now, today);
        match window {
            AbandonWindow::Rolling30Days => self.rolling,
            AbandonWindow::CalendarDay => self.day.map(|(_, t)| t).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, d).unwrap()
    }

    #[test]
    fn the_calendar_day_resets_and_the_rolling_window_forgets_after_30_days() {
        let mut m = AbandonMeter::default();
        let h = |n: u64| Instant::from_millis(n * BUCKET_MS);
        for _ in 0..10 {
            m.live_answer(h(1), day(1));
        }
        m.abandoned(h(1), day(1));
        assert_eq!(
            m.tally(AbandonWindow::CalendarDay, h(2), day(1)),
            Tally {
                live_answers: 10,
                abandoned: 1
            }
        );
        assert_eq!(
            m.tally(AbandonWindow::CalendarDay, h(30), day(2)),
            Tally::default()
        );
        assert_eq!(
            m.tally(AbandonWindow::Rolling30Days, h(30), day(2))
                .live_answers,
            10
        );
        assert_eq!(
            m.tally(
                AbandonWindow::Rolling30Days,
                h(1 + ROLLING_BUCKETS),
                day(30)
            ),
            Tally::default()
        );
    }

    #[test]
    fn slack_is_what_is_left_under_the_cap() {
        let t = Tally {
            live_answers: 200,
            abandoned: 4,
        };
        assert!((t.rate() - 0.02).abs() < 1e-12);
        assert!((t.slack(0.03) - 2.0).abs() < 1e-12);
        assert_eq!(Tally::default().rate(), 0.0);
    }
}
