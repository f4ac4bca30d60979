//! Erlang A (M/M/n+M): Poisson arrivals, exponential handle times and exponential patience.
//!
//! With `λ` calls per second, `μ = 1/aht_s`, `θ = 1/patience_s`, `n` agents, write `R = λ/μ`
//! (offered Erlangs), `a = nμ/θ`, `y = λ/θ`, `z = e^{-θt}` and `S(s, x) = Σ_k x^k / (s … (s+k))`
//! (see `series.rs`). The virtual wait `V` (what an infinitely patient caller would wait) has an
//! atom `P(V=0)` and a density proportional to `exp(λH(x) - nμx)` (Baccelli–Hébuterne); with
//! `π_n` the probability of exactly `n` in the system:
//!
//! - `1/π_n = (1/B(n,R) - 1) + a·S(a, y)`, `B` the Erlang B blocking;
//! - `P(wait) = π_n·a·S(a, y)`  (Garnett–Mandelbaum–Reiman's `A·E / (1 + (A-1)E)`);
//! - `P(abandon) = π_n·a·[S(a, y) - S(a+1, y)]`;
//! - `P(V > t) = π_n·a·e^{y(1-z)} z^a·S(a, yz)`, and `P(W > t) = P(V > t)·z`;
//! - answered within `t` = `P(V=0) + π_n·a·[S(a+1, y) - e^{y(1-z)} z^{a+1} S(a+1, yz)]`;
//! - `E[V; answered] = (π_n·a/θ)·Σ_k T_k(a+1, y) H_k`, the mean wait of answered callers times
//!   `1 - P(abandon)`; the mean wait of all callers is `P(abandon)/θ`.
//!
//! Everything is combined in logarithms, so overloaded and very large cases neither overflow nor
//! lose the small probabilities.

use super::series::{MAX_SERIES_TERMS, series_ln};
use super::{erlang_c, ln_inv_erlang_b};
use crate::error::{WfmError, check_range};
use crate::{MAX_AGENTS, MAX_ERLANGS};

/// Erlang A figures for one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// P(all agents busy at arrival).
    pub p_wait: f64,
    /// Share of callers who hang up before being answered.
    pub p_abandon: f64,
    /// Answered within `sl_seconds` over all offered calls (abandons are misses).
    pub service_level: f64,
    /// Answered within `sl_seconds` over answered calls.
    pub service_level_answered: f64,
    /// Mean wait of answered callers, seconds (∞ with no agents).
    pub asa_s: f64,
    /// Mean wait over all callers, answered or not, seconds.
    pub mean_wait_s: f64,
    /// Carried load per agent: `λ (1 - P(abandon)) aht / n`.
    pub occupancy: f64,
}

/// Erlang A figures plus the wait-time tails at the service-level threshold `t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangATails {
    /// The figures of [`erlang_a`].
    pub figures: ErlangA,
    /// P(V > t): an infinitely patient caller would wait longer than `t`.
    pub p_offered_wait_gt_t: f64,
    /// P(W > t): a caller is still waiting at `t` (neither answered nor gone).
    pub p_wait_gt_t: f64,
}

/// Erlang A (M/M/n+M, Garnett–Mandelbaum–Reiman) with exponential patience of mean `patience_s`.
///
/// # Panics
/// When the inputs are out of range (see [`try_erlang_a`], which returns an error instead).
pub fn erlang_a(
    agents: u32,
    calls_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    sl_seconds: f64,
) -> ErlangA {
    match try_erlang_a(agents, calls_per_s, aht_s, patience_s, sl_seconds) {
        Ok(figures) => figures,
        Err(err) => panic!("erlang_a: {err}"),
    }
}

/// [`erlang_a`] that reports bad input as an error. `patience_s` may be `f64::INFINITY`
/// (then it is Erlang C, and overloaded queues wait for ever).
pub fn try_erlang_a(
    agents: u32,
    calls_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    sl_seconds: f64,
) -> Result<ErlangA, WfmError> {
    erlang_a_tails(agents, calls_per_s, aht_s, patience_s, sl_seconds).map(|t| t.figures)
}

/// [`try_erlang_a`] with the wait-time tails at `sl_seconds` as well.
pub fn erlang_a_tails(
    agents: u32,
    calls_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    sl_seconds: f64,
) -> Result<ErlangATails, WfmError> {
    check_range(
        "calls_per_s",
        calls_per_s,
        0.0,
        f64::MAX,
        false,
        false,
        "a finite rate, 0 or more",
    )?;
    check_range(
        "aht_s",
        aht_s,
        0.0,
        f64::MAX,
        true,
        false,
        "a finite time above 0",
    )?;
    check_range(
        "sl_seconds",
        sl_seconds,
        0.0,
        f64::MAX,
        false,
        false,
        "a finite time, 0 or more",
    )?;
    if patience_s.is_nan() || patience_s <= 0.0 {
        return Err(WfmError::OutOfRange {
            field: "patience_s",
            value: patience_s,
            expected: "a time above 0 (or infinite)",
        });
    }
    let erlangs = calls_per_s * aht_s;
    if erlangs > MAX_ERLANGS {
        return Err(WfmError::OutOfRange {
            field: "erlangs",
            value: erlangs,
            expected: "at most 1,000,000 Erlangs",
        });
    }
    if agents > MAX_AGENTS {
        return Err(WfmError::Unreachable(format!(
            "more than {MAX_AGENTS} agents"
        )));
    }
    let n = f64::from(agents);
    if calls_per_s == 0.0 {
        return Ok(ErlangATails::with_tails(
            ErlangA {
                p_wait: 0.0,
                p_abandon: 0.0,
                service_level: 1.0,
                service_level_answered: 1.0,
                asa_s: 0.0,
                mean_wait_s: 0.0,
                occupancy: 0.0,
            },
            0.0,
            0.0,
        ));
    }
    if agents == 0 {
        // Nobody answers: every caller waits out their patience.
        let still_there = (-sl_seconds / patience_s).exp();
        return Ok(ErlangATails::with_tails(
            ErlangA {
                p_wait: 1.0,
                p_abandon: 1.0,
                service_level: 0.0,
                service_level_answered: 0.0,
                asa_s: f64::INFINITY,
                mean_wait_s: patience_s,
                occupancy: 0.0,
            },
            1.0,
            still_there,
        ));
    }
    if patience_s == f64::INFINITY {
        let c = erlang_c(agents, erlangs, aht_s, sl_seconds);
        let late = 1.0 - c.service_level;
        return Ok(ErlangATails::with_tails(
            ErlangA {
                p_wait: c.p_wait,
                p_abandon: 0.0,
                service_level: c.service_level,
                service_level_answered: c.service_level,
                asa_s: c.asa_s,
                mean_wait_s: c.asa_s,
                occupancy: c.occupancy,
            },
            late,
            late,
        ));
    }
    let theta = 1.0 / patience_s;
    let a = n * patience_s / aht_s;
    let y = calls_per_s * patience_s;
    if y - a > MAX_SERIES_TERMS as f64 {
        return Err(WfmError::Unreachable(
            "calls per second × patience is too large for Erlang A".into(),
        ));
    }
    let theta_t = theta * sl_seconds;
    let z = (-theta_t).exp();
    let yz = y * z;

    // ln(1/B(n,R) - 1) = ln(n/R) + ln(1/B(n-1,R)).
    let ln_idle = (n / erlangs).ln() + ln_inv_erlang_b(agents - 1, erlangs);
    let ln_a = a.ln();
    let at_y = series_ln(a, y)?;
    let next_at_y = series_ln(a + 1.0, y)?;
    let at_yz = series_ln(a, yz)?;
    let next_at_yz = series_ln(a + 1.0, yz)?;

    let ln_wait = ln_a + at_y.plain;
    let ln_norm = log_add(ln_idle, ln_wait); // ln(1/π_n)
    let p_wait = (ln_wait - ln_norm).exp().min(1.0);
    let p_abandon = (ln_a + at_y.shifted_difference - ln_norm).exp().min(1.0);

    // ln(e^{y(1-z)} z^a) = y(1 - z) - nμt
    let ln_shift = -y * (-theta_t).exp_m1() - a * theta_t;
    let p_offered_wait_gt_t = (ln_a + ln_shift + at_yz.plain - ln_norm).exp();
    let p_wait_gt_t = p_offered_wait_gt_t * z;

    // Answered within t: no wait at all, or a wait ≤ t that the patience outlasts.
    let p_no_wait = (ln_idle - ln_norm).exp();
    let ln_all = next_at_y.plain;
    let ln_late = ln_shift - theta_t + next_at_yz.plain;
    let answered_waiting_within_t = if ln_late < ln_all {
        (ln_a + ln_all + (-(ln_late - ln_all).exp_m1()).ln() - ln_norm).exp()
    } else {
        0.0
    };
    let service_level = (p_no_wait + answered_waiting_within_t).clamp(0.0, 1.0);

    let answered = 1.0 - p_abandon;
    let wait_of_answered_total = (ln_a + next_at_y.harmonic - ln_norm).exp() * patience_s;
    let (asa_s, service_level_answered) = if answered > 0.0 {
        (
            wait_of_answered_total / answered,
            (service_level / answered).min(1.0),
        )
    } else {
        (f64::INFINITY, 0.0)
    };
    Ok(ErlangATails {
        figures: ErlangA {
            p_wait,
            p_abandon,
            service_level,
            service_level_answered,
            asa_s,
            mean_wait_s: p_abandon * patience_s,
            // Carried load per agent cannot exceed 1; rounding can put it a hair above.
            occupancy: (calls_per_s * answered * aht_s / n).min(1.0),
        },
        p_offered_wait_gt_t: p_offered_wait_gt_t.min(1.0),
        p_wait_gt_t: p_wait_gt_t.min(1.0),
    })
}

impl ErlangATails {
    fn with_tails(figures: ErlangA, p_offered_wait_gt_t: f64, p_wait_gt_t: f64) -> Self {
        ErlangATails {
            figures,
            p_offered_wait_gt_t,
            p_wait_gt_t,
        }
    }
}

/// `ln(e^x + e^y)` without overflow.
fn log_add(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_calls_and_zero_agents_are_defined() {
        let idle = erlang_a(3, 0.0, 300.0, 60.0, 20.0);
        assert_eq!(idle.service_level, 1.0);
        assert_eq!(idle.p_wait, 0.0);
        let nobody = erlang_a(0, 0.1, 300.0, 60.0, 20.0);
        assert_eq!(nobody.p_abandon, 1.0);
        assert_eq!(nobody.service_level, 0.0);
    }

    #[test]
    fn very_patient_callers_approach_erlang_c() {
        let c = erlang_c(12, 10.0, 300.0, 20.0);
        let a = erlang_a(12, 10.0 / 300.0, 300.0, 1e9, 20.0);
        assert!((a.p_wait - c.p_wait).abs() < 1e-5, "{a:?} {c:?}");
        assert!((a.service_level - c.service_level).abs() < 1e-5);
        assert!((a.asa_s - c.asa_s).abs() < 1e-3);
        let inf = erlang_a(12, 10.0 / 300.0, 300.0, f64::INFINITY, 20.0);
        assert_eq!(inf.p_wait, c.p_wait);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(try_erlang_a(3, -1.0, 300.0, 60.0, 20.0).is_err());
        assert!(try_erlang_a(3, 0.1, 0.0, 60.0, 20.0).is_err());
        assert!(try_erlang_a(3, 0.1, 300.0, 0.0, 20.0).is_err());
        assert!(try_erlang_a(3, 0.1, 300.0, f64::NAN, 20.0).is_err());
        assert!(try_erlang_a(3, 0.1, 300.0, 60.0, -1.0).is_err());
    }

    #[test]
    fn stable_at_50000_erlangs_under_and_over_load() {
        for &agents in &[49_000u32, 50_000, 50_300, 52_000] {
            let a = erlang_a(agents, 50_000.0 / 300.0, 300.0, 120.0, 20.0);
            for p in [
                a.p_wait,
                a.p_abandon,
                a.service_level,
                a.service_level_answered,
                a.occupancy,
            ] {
                assert!((0.0..=1.0).contains(&p), "{agents}: {a:?}");
            }
            assert!(a.asa_s.is_finite() && a.mean_wait_s.is_finite(), "{a:?}");
        }
        // Overloaded by 2 %: about 2 % must abandon (fluid limit 1 - n/R).
        let over = erlang_a(49_000, 50_000.0 / 300.0, 300.0, 120.0, 20.0);
        assert!((over.p_abandon - 0.02).abs() < 0.002, "{over:?}");
    }
}
