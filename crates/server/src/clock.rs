//! The server's one reading of the wall clock. Engines get `now` from here;
//! nothing else in the server reads the clock for domain time.

/// Unix time in milliseconds.
#[allow(clippy::disallowed_methods)] // the IO shell is where time comes from
pub fn now_ms() -> i64 {
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
