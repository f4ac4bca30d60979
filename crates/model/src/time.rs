//! Instants and durations at millisecond resolution.
//!
//! Engines never read a clock; the shell passes `now` in. Live, an [`Instant`]
//! is milliseconds since the Unix epoch; in simulation, since the start of the
//! scenario. Milliseconds are fine-grained enough for contact-center timing
//! (the shortest rule, the 2 s outbound abandon limit, is 2,000 of them).

use serde::{Deserialize, Serialize};

pub use std::time::Duration;

/// A point in time, in milliseconds since an epoch chosen by the caller.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Instant(u64);

impl Instant {
    /// The epoch itself.
    pub const ZERO: Instant = Instant(0);
    /// A time that never comes (used for "no deadline").
    pub const NEVER: Instant = Instant(u64::MAX);

    /// An instant `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Instant(ms)
    }

    /// An instant `s` seconds after the epoch, rounded to the millisecond.
    pub fn from_secs_f64(s: f64) -> Self {
        Instant((s.max(0.0) * 1000.0).round() as u64)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since the epoch.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at [`Instant::NEVER`].
    pub fn saturating_add(self, d: Duration) -> Instant {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(ms))
    }
}

impl std::ops::Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl std::fmt::Display for Instant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_a_duration_saturates_instead_of_overflowing() {
        assert_eq!(Instant::NEVER + Duration::from_secs(1), Instant::NEVER);
        assert_eq!(
            Instant::from_millis(1500) + Duration::from_millis(500),
            Instant::from_millis(2000)
        );
    }

    #[test]
    fn since_is_zero_when_the_other_instant_is_later() {
        let a = Instant::from_millis(10);
        assert_eq!(a.saturating_since(Instant::from_millis(20)), Duration::ZERO);
    }
}
