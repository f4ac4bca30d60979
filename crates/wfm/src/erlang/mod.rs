//! Erlang B, C and A: the queueing formulas behind staffing.
//!
//! - **Erlang B** (M/M/n/n): calls that find every line busy are lost. Sizes trunks and IVR ports.
//! - **Erlang C** (M/M/n): callers wait as long as it takes. The classic staffing formula.
//! - **Erlang A** (M/M/n+M, Garnett–Mandelbaum–Reiman): callers wait, but hang up after an
//!   exponential patience. Closer to real queues, and never "infinite" when overloaded.
//!
//! Everything is computed by recurrences and scaled series, never factorials or powers, so the
//! figures stay accurate at 50,000 Erlangs and more. `erlangs` is the offered load
//! (calls per second × handle time in seconds).

mod a;
mod series;

pub use a::{ErlangA, ErlangATails, erlang_a, erlang_a_tails, try_erlang_a};

use crate::error::{WfmError, check_range};
use crate::{MAX_AGENTS, MAX_ERLANGS};

/// Erlang B blocking probability: the share of calls lost when `agents` lines carry `erlangs`.
///
/// Uses the recurrence `B(k) = A·B(k-1) / (k + A·B(k-1))`, which is stable at any size.
pub fn erlang_b(agents: u32, erlangs: f64) -> f64 {
    if erlangs.is_nan() {
        return f64::NAN;
    }
    if erlangs == f64::INFINITY {
        return 1.0;
    }
    if erlangs <= 0.0 {
        return if agents == 0 { 1.0 } else { 0.0 };
    }
    let mut b = 1.0;
    for k in 1..=agents {
        let ab = erlangs * b;
        b = ab / (f64::from(k) + ab);
    }
    b
}

/// Fewest lines (servers) so that Erlang B blocking is at most `blocking_target`.
///
/// # Panics
/// When the inputs are out of range (see [`try_lines_for_blocking`], which returns an error
/// instead).
pub fn lines_for_blocking(erlangs: f64, blocking_target: f64) -> u32 {
    match try_lines_for_blocking(erlangs, blocking_target) {
        Ok(lines) => lines,
        Err(err) => panic!("lines_for_blocking: {err}"),
    }
}

/// [`lines_for_blocking`] that reports bad input as an error: `erlangs` in
/// `[0, MAX_ERLANGS]`, `blocking_target` in `(0, 1]`.
pub fn try_lines_for_blocking(erlangs: f64, blocking_target: f64) -> Result<u32, WfmError> {
    check_range(
        "erlangs",
        erlangs,
        0.0,
        MAX_ERLANGS,
        false,
        false,
        "0 to 1,000,000 Erlangs",
    )?;
    check_range(
        "blocking_target",
        blocking_target,
        0.0,
        1.0,
        true,
        false,
        "a probability above 0 and at most 1",
    )?;
    let mut b = 1.0;
    let mut lines = 0u32;
    while b > blocking_target {
        if lines >= MAX_AGENTS {
            return Err(WfmError::Unreachable(format!(
                "more than {MAX_AGENTS} lines needed"
            )));
        }
        lines += 1;
        let ab = erlangs * b;
        b = ab / (f64::from(lines) + ab);
    }
    Ok(lines)
}

/// Erlang C figures for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Probability that a caller waits at all (all agents busy at arrival).
    pub p_wait: f64,
    /// Share of callers answered within the service-level threshold.
    pub service_level: f64,
    /// Average speed of answer: mean wait of all callers (all are answered), seconds.
    pub asa_s: f64,
    /// Offered load per agent (`erlangs / agents`, at most 1).
    pub occupancy: f64,
}

impl ErlangC {
    /// The figures of an overloaded queue (agents ≤ load): everyone waits, for ever.
    const OVERLOADED: ErlangC = ErlangC {
        p_wait: 1.0,
        service_level: 0.0,
        asa_s: f64::INFINITY,
        occupancy: 1.0,
    };

    /// The figures given Erlang B blocking `b` for `agents > erlangs`.
    pub(crate) fn from_erlang_b(
        agents: f64,
        erlangs: f64,
        b: f64,
        aht_s: f64,
        sl_seconds: f64,
    ) -> ErlangC {
        debug_assert!(agents > erlangs, "Erlang C is defined only below overload");
        // C = B / (1 - ρ(1 - B)) = n·B / (n - A(1 - B)); below 1 because n - A > 0.
        let p_wait = (agents * b / (agents - erlangs * (1.0 - b))).min(1.0);
        let headroom = agents - erlangs;
        ErlangC {
            p_wait,
            service_level: 1.0 - p_wait * (-headroom * sl_seconds / aht_s).exp(),
            asa_s: p_wait * aht_s / headroom,
            occupancy: erlangs / agents,
        }
    }
}

/// Erlang C (M/M/n): `agents` serving `erlangs` of offered load with mean handle time `aht_s`,
/// service level measured at `sl_seconds`.
///
/// When `agents <= erlangs` the queue grows without bound: `p_wait = 1`, `service_level = 0`,
/// `asa_s = ∞`, `occupancy = 1`.
pub fn erlang_c(agents: u32, erlangs: f64, aht_s: f64, sl_seconds: f64) -> ErlangC {
    let n = f64::from(agents);
    if n <= erlangs || erlangs.is_nan() {
        return ErlangC::OVERLOADED;
    }
    let b = erlang_b(agents, erlangs);
    ErlangC::from_erlang_b(n, erlangs, b, aht_s, sl_seconds)
}

/// `ln(1 / B(agents, erlangs))` for `erlangs > 0`, by the recurrence
/// `1/B(k) = 1 + (k/A)·1/B(k-1)`, rescaled so it never overflows.
pub(crate) fn ln_inv_erlang_b(agents: u32, erlangs: f64) -> f64 {
    const RESCALE_ABOVE: f64 = 1e250;
    let mut inv = 1.0;
    let mut ln_scale = 0.0;
    let mut one = 1.0; // the "1 +" term, in the current scale
    for k in 1..=agents {
        inv = one + inv * (f64::from(k) / erlangs);
        if inv > RESCALE_ABOVE {
            inv /= RESCALE_ABOVE;
            one /= RESCALE_ABOVE;
            ln_scale += RESCALE_ABOVE.ln();
        }
    }
    inv.ln() + ln_scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_small_cases_by_hand() {
        // B(1, A) = A / (1 + A); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
        assert!((erlang_b(1, 0.5) - 1.0 / 3.0).abs() < 1e-15);
        assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-15);
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(5, 0.0), 0.0);
    }

    #[test]
    fn lines_for_blocking_is_the_fewest() {
        let lines = lines_for_blocking(10.0, 0.01);
        assert_eq!(lines, 18); // the textbook table: 10 Erlangs at 1 % → 18 lines
        assert!(erlang_b(lines, 10.0) <= 0.01);
        assert!(erlang_b(lines - 1, 10.0) > 0.01);
        assert_eq!(lines_for_blocking(10.0, 1.0), 0);
        assert!(try_lines_for_blocking(10.0, 0.0).is_err());
        assert!(try_lines_for_blocking(-1.0, 0.1).is_err());
    }

    #[test]
    fn ln_inv_erlang_b_matches_the_direct_recurrence() {
        for &(n, a) in &[(1u32, 0.5), (10, 8.0), (100, 95.0), (150, 10.0)] {
            let direct = -erlang_b(n, a).ln();
            let ln = ln_inv_erlang_b(n, a);
            assert!(
                (direct - ln).abs() <= 1e-12 * direct.abs().max(1.0),
                "{n} {a}"
            );
        }
        // Far underloaded: 1/B overflows f64 but its log does not.
        assert!(ln_inv_erlang_b(2000, 1.0).is_finite());
    }

    #[test]
    fn erlang_c_overloaded_never_exceeds_one() {
        let c = erlang_c(20, 22.0, 240.0, 15.0);
        assert_eq!(c, ErlangC::OVERLOADED);
        let c = erlang_c(20, 20.0, 240.0, 15.0);
        assert_eq!(c.p_wait, 1.0);
        let c = erlang_c(21, 20.999_999, 240.0, 15.0);
        assert!(c.p_wait <= 1.0 && c.p_wait > 0.99);
    }

    #[test]
    fn erlang_c_is_stable_at_50000_erlangs() {
        let c = erlang_c(50_300, 50_000.0, 300.0, 20.0);
        assert!(c.p_wait > 0.0 && c.p_wait < 1.0, "{c:?}");
        assert!(c.service_level > 0.0 && c.service_level <= 1.0);
        assert!(c.asa_s.is_finite());
        // Square-root staffing: β = 300/√50000 ≈ 1.342 gives the Halfin–Whitt P(wait)
        // 1 / (1 + βΦ(β)/φ(β)) ≈ 0.118 (the limit; the exact value is within a few per mille).
        assert!((c.p_wait - 0.118).abs() < 0.005, "{c:?}");
        let b = erlang_b(50_000, 50_000.0);
        // B(n, n) ≈ sqrt(2 / (π n)) for large n.
        let approx = (2.0 / (std::f64::consts::PI * 50_000.0)).sqrt();
        assert!((b / approx - 1.0).abs() < 0.01, "{b} vs {approx}");
    }
}
