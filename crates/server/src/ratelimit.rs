//! Token buckets by key: how often anonymous callers may do something (start
//! a public chat) from one address, and how often for one tenant in all.
//! A bucket holds `burst` tokens and refills at `per_second`; a request takes
//! one, or is refused with the seconds until one is back. At most
//! [`KEYS_MAX`] keys are remembered (full buckets are forgotten first), so
//! callers cannot grow it without bound.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most keys remembered.
pub const KEYS_MAX: usize = 100_000;

/// A bucket's rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added a second.
    pub per_second: f64,
    /// Most tokens held (the burst allowed).
    pub burst: f64,
}

impl Rate {
    /// `n` a minute, `burst` at once.
    pub fn per_minute(n: f64, burst: f64) -> Rate {
        Rate {
            per_second: n / 60.0,
            burst,
        }
    }
}

/// Buckets by key under one rule.
#[derive(Debug)]
pub struct Limiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    /// Buckets under `rate`.
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key` at `now`; `Err(seconds)` until one is back.
    pub fn take_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let r = self.rate;
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= KEYS_MAX && !map.contains_key(key) {
            map.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * r.per_second < r.burst
            });
            if map.len() >= KEYS_MAX {
                return Err(1);
            }
        }
        let (tokens, at) = map.entry(key.to_string()).or_insert((r.burst, now));
        let refilled =
            (*tokens + now.duration_since(*at).as_secs_f64() * r.per_second).min(r.burst);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            let wait = (1.0 - refilled) / r.per_second.max(f64::MIN_POSITIVE);
            Err(Duration::from_secs_f64(wait.min(86_400.0)).as_secs().max(1))
        }
    }

    /// [`Limiter::take_at`] now.
    pub fn take(&self, key: &str) -> Result<(), u64> {
        self.take_at(key, crate::clock::mono())
    }
}

/// The public chat's limits: per source address and per tenant.
#[derive(Debug)]
pub struct ChatLimits {
    /// Chats started from one address.
    pub per_address: Limiter,
    /// Chats started for one tenant, from anywhere.
    pub per_tenant: Limiter,
}

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(default)
}

impl Default for ChatLimits {
    /// 10 chats a minute from one address (5 at once), 600 a minute for a
    /// tenant (100 at once); `CENTRALITA_CHAT_PER_ADDRESS_PER_MIN` and
    /// `CENTRALITA_CHAT_PER_TENANT_PER_MIN` change the rates.
    fn default() -> Self {
        let address = env_f64("CENTRALITA_CHAT_PER_ADDRESS_PER_MIN", 10.0);
        let tenant = env_f64("CENTRALITA_CHAT_PER_TENANT_PER_MIN", 600.0);
        ChatLimits {
            per_address: Limiter::new(Rate::per_minute(address, (address / 2.0).max(1.0))),
            per_tenant: Limiter::new(Rate::per_minute(tenant, (tenant / 6.0).max(1.0))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let l = Limiter::new(Rate {
            per_second: 2.0,
            burst: 3.0,
        });
        let t0 = crate::clock::mono();
        for _ in 0..3 {
            assert!(l.take_at("a", t0).is_ok());
        }
        assert_eq!(l.take_at("a", t0), Err(1));
        assert!(l.take_at("b", t0).is_ok(), "another key has its own bucket");
        assert!(l.take_at("a", t0 + Duration::from_millis(500)).is_ok());
        assert!(l.take_at("a", t0 + Duration::from_millis(500)).is_err());
        assert!(l.take_at("a", t0 + Duration::from_secs(60)).is_ok());
    }
}
