//! The server's one reading of the wall clock. Engines get `now` from here;
//! nothing else in the server reads the clock for domain time.
//!
//! A thread can instead follow tokio's clock from a chosen Unix time
//! ([`follow_tokio`]): with tokio's time paused, a test runs an hour of the
//! live path in seconds and the tenant's `now` keeps pace with its timers.

use std::cell::Cell;

thread_local! {
    /// This thread's virtual clock: a Unix time and the tokio instant it was at.
    static VIRTUAL: Cell<Option<(i64, tokio::time::Instant)>> = const { Cell::new(None) };
}

/// From now on, on this thread, Unix time is `unix_ms` plus the time tokio's
/// clock has advanced since, until the guard returned is dropped. Meant for
/// a current-thread runtime with paused time (every task then runs on this
/// thread).
pub fn follow_tokio(unix_ms: i64) -> FollowingTokio {
    VIRTUAL.with(|v| v.set(Some((unix_ms, tokio::time::Instant::now()))));
    FollowingTokio(())
}

/// While it lives, this thread's Unix time follows tokio's clock (see [`follow_tokio`]).
#[derive(Debug)]
#[must_use = "the thread goes back to the wall clock when this is dropped"]
pub struct FollowingTokio(());

impl Drop for FollowingTokio {
    fn drop(&mut self) {
        VIRTUAL.with(|v| v.set(None));
    }
}

/// Unix time in milliseconds.
#[allow(clippy::disallowed_methods)] // the IO shell is where time comes from
pub fn now_ms() -> i64 {
    if let Some((unix_ms, at)) = VIRTUAL.with(Cell::get) {
        return unix_ms + at.elapsed().as_millis() as i64;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Now as an engine instant.
pub fn now() -> model::Instant {
    model::Instant::from_millis(now_ms().max(0) as u64)
}

/// A monotonic instant for measuring latencies and throttling.
#[allow(clippy::disallowed_methods)] // measurement, not domain time
pub fn mono() -> std::time::Instant {
    std::time::Instant::now()
}

/// Milliseconds on a monotonic clock since the process's first reading.
pub fn mono_ms() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(mono);
    mono().duration_since(start).as_millis() as u64
}
