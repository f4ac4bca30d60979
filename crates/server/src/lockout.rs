//! The lock-out after failed sign-ins.
//!
//! An attempt is counted **before** its password is checked, in one step
//! under a lock ([`Throttle::begin`]), so guesses sent all at once are
//! counted as they arrive: once [`FAILURES_BEFORE_LOCK`] are under way or
//! have failed, the next one locks the key and is refused (429,
//! `Retry-After`) without a check, as is every one while the lock lasts.
//! A success forgets the name's failures; a failure keeps its count.
//!
//! Attempts are counted per tenant, user name **and source address**, so
//! someone elsewhere cannot lock an agent out by typing their name; and per
//! tenant and user name over all addresses, with a higher limit
//! ([`FAILURES_BEFORE_LOCK_ANYWHERE`]), so that many addresses do not buy
//! many guesses. Each lock of a key lasts twice the one before (from
//! [`LOCK_DURATION`], configurable for tests), up to [`LOCK_MAX`]; attempts
//! before the lock are slowed down by [`SLOWDOWN_STEP`] a failure.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed (or pending) sign-ins of one user from one address before it is locked.
pub const FAILURES_BEFORE_LOCK: u32 = 5;
/// Failed (or pending) sign-ins of one user from all addresses before it is locked.
pub const FAILURES_BEFORE_LOCK_ANYWHERE: u32 = 50;
/// How long a first lock lasts (each next one of the same key lasts twice as long).
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);
/// Longest lock.
pub const LOCK_MAX: Duration = Duration::from_secs(24 * 3600);
/// Added delay per failed attempt (slow-down), capped at [`SLOWDOWN_MAX`].
pub const SLOWDOWN_STEP: Duration = Duration::from_millis(200);
/// Longest slow-down of one attempt.
pub const SLOWDOWN_MAX: Duration = Duration::from_secs(2);
/// Most keys the throttle remembers (a limit on memory an attacker can grow).
pub const THROTTLE_ENTRIES_MAX: usize = 100_000;

/// One key's record.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Failed attempts, and attempts under way, since the last success or lock end.
    count: u32,
    /// Locks so far (each doubles the next).
    locks: u32,
    /// When the current lock ends, if locked.
    until: Option<Instant>,
    /// Last change (for forgetting old keys).
    at: Instant,
}

/// Failed sign-ins per key: slow-down, then lock-out.
#[derive(Debug)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
    lock: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(LOCK_DURATION)
    }
}

/// An attempt counted by [`Throttle::begin`]: say how it ended.
#[derive(Debug)]
#[must_use = "say whether the attempt succeeded"]
pub struct Attempt {
    keys: [String; 2],
    /// The slow-down to apply before answering.
    pub delay: Duration,
}

impl Throttle {
    /// A throttle whose first lock lasts `lock`.
    pub fn new(lock: Duration) -> Throttle {
        Throttle {
            entries: Mutex::new(HashMap::new()),
            lock,
        }
    }

    /// The throttle of the environment: `CENTRALITA_LOCK_S` seconds for a
    /// first lock (default 900).
    pub fn from_env() -> Throttle {
        let lock = std::env::var("CENTRALITA_LOCK_S")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(LOCK_DURATION, Duration::from_secs_f64);
        Throttle::new(lock)
    }

    fn keys(tenant: &str, user: &str, from: Option<IpAddr>) -> [String; 2] {
        let from = from.map_or_else(|| "-".to_string(), |a| a.to_string());
        [
            format!("{tenant}/{user}@{from}"),
            format!("{tenant}/{user}@*"),
        ]
    }

    /// Counts an attempt before its check: `Err(retry seconds)` when the
    /// key is locked (the attempt is not counted then).
    pub fn begin(&self, tenant: &str, user: &str, from: Option<IpAddr>) -> Result<Attempt, u64> {
        self.begin_at(crate::clock::mono(), tenant, user, from)
    }

    /// [`Throttle::begin`] at `now`.
    fn begin_at(
        &self,
        now: Instant,
        tenant: &str,
        user: &str,
        from: Option<IpAddr>,
    ) -> Result<Attempt, u64> {
        let keys = Throttle::keys(tenant, user, from);
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= THROTTLE_ENTRIES_MAX {
            map.retain(|_, e| now.duration_since(e.at) < LOCK_MAX);
        }
        let limits = [FAILURES_BEFORE_LOCK, FAILURES_BEFORE_LOCK_ANYWHERE];
        // Locked, or a lock that ran out (a fresh count; its length is remembered).
        for key in &keys {
            if let Some(e) = map.get_mut(key)
                && let Some(until) = e.until
            {
                if until > now {
                    return Err(until.duration_since(now).as_secs().max(1));
                }
                e.until = None;
                e.count = 0;
            }
        }
        // As many failed or under way as allowed: this one locks the key.
        for (key, limit) in keys.iter().zip(limits) {
            if let Some(e) = map.get_mut(key)
                && e.count >= limit
            {
                let lock = (self.lock * (1u32 << e.locks.min(16))).min(LOCK_MAX);
                e.until = Some(now + lock);
                e.locks += 1;
                e.at = now;
                return Err(lock.as_secs().max(1));
            }
        }
        let mut delay = Duration::ZERO;
        for key in &keys {
            let e = map.entry(key.clone()).or_insert(Entry {
                count: 0,
                locks: 0,
                until: None,
                at: now,
            });
            delay = delay.max((SLOWDOWN_STEP * e.count).min(SLOWDOWN_MAX));
            e.count += 1;
            e.at = now;
        }
        Ok(Attempt { keys, delay })
    }

    /// The attempt's password was right: its keys' failures are forgotten
    /// (a lock that guesses under way beside it set runs out).
    pub fn succeeded(&self, attempt: Attempt) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for key in &attempt.keys {
            if let Some(e) = map.get_mut(key) {
                e.count = 0;
                if e.until.is_none() {
                    e.locks = 0;
                }
            }
        }
        map.retain(|_, e| e.count > 0 || e.until.is_some() || e.locks > 0);
    }

    /// The attempt failed: it stays counted.
    pub fn failed(&self, attempt: Attempt) {
        drop(attempt);
    }

    /// The password was right and a second factor is still due: the
    /// attempt stays counted until a right code forgets the failures (so a
    /// thief with the password cannot guess codes for ever).
    pub fn awaiting_second_factor(&self, attempt: Attempt) {
        drop(attempt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const AWAY: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));

    #[test]
    fn attempts_under_way_count_before_their_check() {
        let t = Throttle::default();
        // Five guesses at once: all counted before any is checked.
        let under_way: Vec<Attempt> = (0..FAILURES_BEFORE_LOCK)
            .map(|_| t.begin("acme", "eva", HOME).unwrap())
            .collect();
        assert!(t.begin("acme", "eva", HOME).is_err(), "the sixth waits");
        assert!(under_way[1].delay > Duration::ZERO, "slowed down");
        for a in under_way {
            t.failed(a);
        }
        assert!(t.begin("acme", "eva", HOME).is_err());
    }

    #[test]
    fn a_lock_from_one_address_does_not_lock_the_user_elsewhere() {
        let t = Throttle::default();
        for _ in 0..FAILURES_BEFORE_LOCK {
            let a = t.begin("acme", "eva", AWAY).unwrap();
            t.failed(a);
        }
        assert!(t.begin("acme", "eva", AWAY).is_err());
        let a = t.begin("acme", "eva", HOME).expect("eva at her desk");
        t.succeeded(a);
        assert!(t.begin("acme", "max", AWAY).is_ok(), "another name");
    }

    #[test]
    fn many_addresses_do_not_buy_many_guesses() {
        let t = Throttle::default();
        let mut refused = 0;
        for i in 0..(FAILURES_BEFORE_LOCK_ANYWHERE + 10) {
            let from = Some(IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i)));
            match t.begin("acme", "eva", from) {
                Ok(a) => t.failed(a),
                Err(_) => refused += 1,
            }
        }
        assert!(refused >= 10, "{refused}");
    }

    #[test]
    fn each_lock_lasts_twice_the_one_before() {
        let t = Throttle::new(Duration::from_secs(60));
        let t0 = crate::clock::mono();
        let lock = |at: Instant| {
            for _ in 0..FAILURES_BEFORE_LOCK {
                if let Ok(a) = t.begin_at(at, "acme", "eva", HOME) {
                    t.failed(a);
                }
            }
        };
        lock(t0);
        assert_eq!(t.begin_at(t0, "acme", "eva", HOME).unwrap_err(), 60);
        assert_eq!(t.begin_at(t0, "acme", "eva", HOME).unwrap_err(), 60);
        let t1 = t0 + Duration::from_secs(61);
        lock(t1);
        assert_eq!(t.begin_at(t1, "acme", "eva", HOME).unwrap_err(), 120);
        let t2 = t1 + Duration::from_secs(121);
        let a = t
            .begin_at(t2, "acme", "eva", HOME)
            .expect("the lock ran out");
        t.succeeded(a);
        lock(t2);
        assert_eq!(
            t.begin_at(t2, "acme", "eva", HOME).unwrap_err(),
            60,
            "a success starts over"
        );
    }
}
