//! Predictive pacing: how many lines to have in flight so that a free agent
//! gets an answered call quickly while the abandon rate stays under target.
//!
//! The model. At a decision, `F` agents are free and `B` are talking or in
//! wrap-up; `L` lines ring (or were answered and wait for an agent). A new line
//! would be answered by a person with probability `q` after a ring time `T`.
//! Answers are served first come, first served, so the new call is abandoned
//! if the answers ahead of it, `A` (a sum of Bernoullis, one per line in
//! flight, each with its chance of still being answered by a person given how
//! long it has rung), are at least the agents who can take a call by then,
//! `S(T + 2 s) = F + (a sum of Bernoullis, one per busy agent, each with its
//! chance of freeing up given how long it has been talking or wrapping)`.
//! Both distributions are computed exactly (Poisson-binomial, truncated at
//! `F + B`), `T` is averaged over three quantiles of the measured ring time,
//! and the result is scaled by the measured ratio of real to forecast abandons.
//! That is the new line's marginal abandon probability `p`; its planned
//! abandons are `q·p`.
//!
//! The decision adds lines one at a time while:
//! - `p` is zero (there is an agent for every answer ahead: progressive-like), or
//! - `p` is at most the per-line ceiling, and the budget holds: the planned
//!   abandons of all lines in flight plus `z` standard deviations fit under
//!   `target × their expected live answers`, plus a share of the abandons
//!   banked so far (target × measured answers − measured abandons, the
//!   tighter of the 30-day and calendar-day windows). A negative bank (the
//!   measured rate above target) is subtracted whole: the dialer backs off
//!   before the cap, not after. And the cap itself must keep room: the
//!   chance that the lines in flight abandon enough calls to take the
//!   measured rate to the cap (their abandons counted as Poisson with the
//!   planned mean, which over-states the spread of a sum of Bernoullis) must
//!   stay under `cap_crossing_p_max` (see [`Budget::admits_line`]), so a day
//!   does not hit the cap on its first few answers, yet lines whose risk is
//!   tiny are placed from the first minute.
//!
//! Whether a line is certainly safe, and the planned mean the cap's room is
//! judged on, count the answers ahead with the answer rate's upper bound
//! while it is uncertain (see `Estimates::answer_rate_upper`): early in a
//! campaign the prior may be wrong.
//!
//! Cost: O(L + B²) per decision plus O(F + B) per line placed; no contact is scanned.

/// The distribution of a count of live answers, truncated: the last cell holds P(A ≥ cap).
#[derive(Debug, Clone, PartialEq)]
pub struct CountDist {
    p: Vec<f64>,
}

impl CountDist {
    /// Certainly zero, tracked up to `cap`.
    pub fn zero(cap: usize) -> Self {
        let mut p = vec![0.0; cap + 1];
        p[0] = 1.0;
        CountDist { p }
    }

    /// Adds one Bernoulli(`q`) to the count.
    pub fn add(&mut self, q: f64) {
        let q = q.clamp(0.0, 1.0);
        let cap = self.p.len() - 1;
        if cap == 0 {
            return;
        }
        // The top cell already means "at least cap": a success keeps it there.
        self.p[cap] += self.p[cap - 1] * q;
        for k in (1..cap).rev() {
            self.p[k] = self.p[k] * (1.0 - q) + self.p[k - 1] * q;
        }
        self.p[0] *= 1.0 - q;
    }

    /// P(count = k) for k below the cap, P(count ≥ cap) at the cap.
    pub fn probs(&self) -> &[f64] {
        &self.p
    }

    /// P(count ≥ s) for s = 0..=cap.
    pub fn tail(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.p.len()];
        let mut acc = 0.0;
        for k in (0..self.p.len()).rev() {
            acc += self.p[k];
            t[k] = acc;
        }
        t
    }

    /// The mean (the top cell counted at the cap).
    pub fn mean(&self) -> f64 {
        self.p.iter().enumerate().map(|(k, p)| k as f64 * p).sum()
    }
}

/// The distribution of agents able to take a call: `free` certain plus one Bernoulli per busy agent.
pub fn agents_able(free: usize, frees: &[f64]) -> Vec<f64> {
    let mut d = CountDist::zero(frees.len());
    for r in frees {
        d.add(*r);
    }
    let mut out = vec![0.0; free + frees.len() + 1];
    for (k, p) in d.probs().iter().enumerate() {
        out[free + k] = *p;
    }
    out
}

/// P(A ≥ S), averaged over the horizons: the chance a new answer finds no agent.
/// `answers_tail[s]` is P(A ≥ s) with its cap at least the largest S.
pub fn abandon_probability(answers_tail: &[f64], agents: &[Vec<f64>]) -> f64 {
    if agents.is_empty() {
        return 1.0;
    }
    let mut total = 0.0;
    for s_dist in agents {
        let mut p = 0.0;
        for (s, ps) in s_dist.iter().enumerate() {
            if *ps > 0.0 {
                p += ps * answers_tail.get(s).copied().unwrap_or(0.0);
            }
        }
        total += p;
    }
    (total / agents.len() as f64).clamp(0.0, 1.0)
}

/// The abandon budget of a decision (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The target rate.
    pub target: f64,
    /// Standard deviations of planned abandons that must fit.
    pub z: f64,
    /// Share of the bank that may be planned at once.
    pub share: f64,
    /// Banked abandons: target × measured answers − measured abandons (tighter window).
    pub bank: f64,
    /// Expected live answers of the lines in flight.
    pub sum_q: f64,
    /// Planned abandons of the lines in flight.
    pub sum_risk: f64,
    /// The same with the answer rate at its upper bound (at least `sum_risk`).
    pub sum_risk_upper: f64,
    /// Variance of those abandons (as independent Bernoullis).
    pub sum_var: f64,
    /// Abandons the measured rate can still take before it reaches the cap:
    /// cap × measured answers − measured abandons, the tighter window.
    pub cap_room: f64,
    /// Highest accepted chance that the lines in flight take the measured rate to the cap.
    pub crossing_p_max: f64,
}

impl Budget {
    /// What is left after the lines in flight and one more with `q` and `risk` (negative: over budget).
    pub fn headroom(&self, q: f64, risk: f64) -> f64 {
        let planned =
            self.sum_risk + risk + self.z * (self.sum_var + risk * (1.0 - risk)).max(0.0).sqrt();
        let banked = if self.bank > 0.0 {
            self.share * self.bank
        } else {
            self.bank
        };
        self.target * (self.sum_q + q) + banked - planned
    }

    /// Whether one more line with `q` and `risk` fits: see [`Budget::admits_line`]
    /// (its planned abandons taken as their own upper bound).
    pub fn admits(&self, q: f64, risk: f64) -> bool {
        self.admits_line(q, risk, risk)
    }

    /// Whether one more line with `q`, `risk` and `risk_upper` (its planned
    /// abandons with the answer rate at its upper bound) fits: the budget
    /// holds, and the chance that the lines in flight and this one abandon
    /// at least `cap_room` calls (which would take the measured rate to the
    /// cap even counting none of their answers) is at most `crossing_p_max`.
    ///
    /// The chance is judged on a Poisson count whose mean is the upper-bound
    /// planned abandons, so a wrong prior on the answer rate early in a
    /// campaign does not let through lines that would all be answered at
    /// once. Early in a day, when one abandon among a few answers is already
    /// at the cap, only lines whose risk is tiny pass (their planned
    /// abandons must add up to about `crossing_p_max`): pacing starts a
    /// little ahead of progressive and grows bolder as answers are measured.
    /// An earlier rule asked for room for the planned abandons, one standard
    /// deviation and one call more, which kept pacing progressive until some
    /// 34 answers per abandon were measured, however small the risk.
    pub fn admits_line(&self, q: f64, risk: f64, risk_upper: f64) -> bool {
        let crossing_mean = self.sum_risk_upper.max(self.sum_risk) + risk_upper.max(risk);
        self.headroom(q, risk) >= 0.0
            && poisson_tail(crossing_mean, self.cap_room) <= self.crossing_p_max
    }

    /// Counts a line placed.
    pub fn commit(&mut self, q: f64, risk: f64) {
        self.commit_line(q, risk, risk);
    }

    /// Counts a line placed, with its planned abandons at the answer rate's upper bound.
    pub fn commit_line(&mut self, q: f64, risk: f64, risk_upper: f64) {
        self.sum_q += q;
        self.sum_risk += risk;
        self.sum_risk_upper += risk_upper.max(risk);
        self.sum_var += risk * (1.0 - risk);
    }
}

/// Most terms of the Poisson sum in [`poisson_tail`]; beyond them the tail is negligible anyway.
const POISSON_TERMS_MAX: f64 = 10_000.0;

/// P(X ≥ room) for X Poisson with this mean: the chance of at least `room`
/// events, and at least one (a fractional room is rounded up; a negative room
/// is already crossed). A room of zero is the start of a day: no answer
/// measured yet, so the first abandon would put the rate at the cap.
pub fn poisson_tail(mean: f64, room: f64) -> f64 {
    if room < 0.0 {
        return 1.0;
    }
    if mean <= 0.0 {
        return 0.0;
    }
    // Far out in the tail (more than 12 standard deviations, or past the
    // terms summed): zero to double precision.
    if room > mean + 12.0 * mean.sqrt() + 20.0 || room > POISSON_TERMS_MAX {
        return 0.0;
    }
    let k = (room.ceil() as u64).max(1);
    let mut term = (-mean).exp();
    let mut below = 0.0;
    for j in 0..k {
        below += term;
        term *= mean / (j + 1) as f64;
    }
    (1.0 - below).clamp(0.0, 1.0)
}

/// Lines a power dialer wants in flight: the ratio times the free agents, rounded up.
pub fn power_lines(ratio: f64, free_agents: usize) -> usize {
    (ratio * free_agents as f64 - 1e-9).ceil().max(0.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binomial(n: u64, k: u64, q: f64) -> f64 {
        let mut c = 1.0;
        for i in 0..k {
            c *= (n - i) as f64 / (i + 1) as f64;
        }
        c * q.powi(k as i32) * (1.0 - q).powi((n - k) as i32)
    }

    #[test]
    fn the_count_of_equal_bernoullis_is_binomial_and_the_top_cell_lumps_the_rest() {
        let mut d = CountDist::zero(4);
        for _ in 0..10 {
            d.add(0.3);
        }
        for k in 0..4 {
            assert!((d.probs()[k as usize] - binomial(10, k, 0.3)).abs() < 1e-12);
        }
        let rest: f64 = (4..=10).map(|k| binomial(10, k, 0.3)).sum();
        assert!((d.probs()[4] - rest).abs() < 1e-12);
        assert!((d.tail()[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn with_an_agent_for_every_answer_ahead_there_is_no_abandon() {
        // Three free agents and two lines ahead: the third answer still finds one.
        let mut a = CountDist::zero(3);
        a.add(0.9);
        a.add(0.9);
        let s = vec![agents_able(3, &[])];
        assert_eq!(abandon_probability(&a.tail(), &s), 0.0);
        // A third line ahead makes it possible.
        a.add(0.9);
        let p = abandon_probability(&a.tail(), &s);
        assert!((p - 0.729).abs() < 1e-12, "{p}");
    }

    #[test]
    fn agents_about_to_free_up_lower_the_abandon_probability() {
        let mut a = CountDist::zero(4);
        for _ in 0..4 {
            a.add(0.3);
        }
        let none = abandon_probability(&a.tail(), &[agents_able(1, &[0.0, 0.0, 0.0])]);
        let soon = abandon_probability(&a.tail(), &[agents_able(1, &[0.9, 0.9, 0.9])]);
        assert!(soon < none / 5.0, "{soon} vs {none}");
    }

    #[test]
    fn the_budget_backs_off_when_the_bank_is_negative() {
        let b = Budget {
            target: 0.02,
            z: 1.0,
            share: 0.25,
            bank: 0.0,
            sum_q: 30.0,
            sum_risk: 0.0,
            sum_risk_upper: 0.0,
            sum_var: 0.0,
            cap_room: 10.0,
            crossing_p_max: 0.02,
        };
        assert!(b.admits(0.3, 0.0));
        assert!(b.admits(0.3, 0.05));
        let overdrawn = Budget { bank: -1.0, ..b };
        assert!(!overdrawn.admits(0.3, 0.05));
        let rich = Budget { bank: 40.0, ..b };
        assert!(rich.headroom(0.3, 0.05) > b.headroom(0.3, 0.05) + 9.0);
    }

    #[test]
    fn the_cap_keeps_room_for_what_the_lines_in_flight_may_abandon() {
        let b = Budget {
            target: 0.02,
            z: 1.0,
            share: 0.25,
            bank: 0.0,
            sum_q: 30.0,
            sum_risk: 0.0,
            sum_risk_upper: 0.0,
            sum_var: 0.0,
            cap_room: 0.9,
            crossing_p_max: 0.02,
        };
        // A few answers measured: one abandon would reach the cap. A line
        // with a 5 % chance of one is refused; one with 1 % is placed.
        assert!(!b.admits(0.3, 0.05));
        assert!(b.admits(0.3, 0.01));
        // With lines in flight planning 0.015 already, the next 0.01 is too much.
        assert!(
            !Budget {
                sum_risk: 0.015,
                ..b
            }
            .admits(0.3, 0.01)
        );
        // Room for two: the chance of two abandons out of 0.05 planned is about 0.1 %.
        assert!(Budget { cap_room: 1.2, ..b }.admits(0.3, 0.05));
        // Planning 0.5 with room for two: about 9 % chance of reaching the cap.
        assert!(
            !Budget {
                cap_room: 1.2,
                sum_risk: 0.45,
                ..b
            }
            .admits(0.3, 0.05)
        );
        // Above the cap nothing risky passes; at the start of a day (no
        // answer yet) the first abandon would reach it.
        assert!(
            !Budget {
                cap_room: -0.1,
                ..b
            }
            .admits(0.3, 1e-6)
        );
        assert!(Budget { cap_room: 0.0, ..b }.admits(0.3, 0.01));
        assert!(!Budget { cap_room: 0.0, ..b }.admits(0.3, 0.05));
        // The chance is judged with the answer rate at its upper bound.
        assert!(!b.admits_line(0.3, 0.01, 0.05));
        assert!(
            !Budget {
                sum_risk_upper: 0.015,
                ..b
            }
            .admits_line(0.3, 0.001, 0.01)
        );
    }

    #[test]
    fn the_poisson_tail_matches_known_values() {
        assert_eq!(poisson_tail(0.5, -0.5), 1.0);
        assert!((poisson_tail(0.5, 0.0) - (1.0 - (-0.5f64).exp())).abs() < 1e-12);
        assert_eq!(poisson_tail(0.0, 1.0), 0.0);
        assert!((poisson_tail(0.05, 1.0) - (1.0 - (-0.05f64).exp())).abs() < 1e-12);
        // P(X ≥ 2) for mean 1: 1 − 2/e.
        assert!((poisson_tail(1.0, 1.5) - (1.0 - 2.0 / std::f64::consts::E)).abs() < 1e-12);
        assert!((poisson_tail(1.0, 2.0) - (1.0 - 2.0 / std::f64::consts::E)).abs() < 1e-12);
        assert_eq!(poisson_tail(2.0, 1e6), 0.0);
    }

    #[test]
    fn power_lines_round_up() {
        assert_eq!(power_lines(1.5, 3), 5);
        assert_eq!(power_lines(2.0, 3), 6);
        assert_eq!(power_lines(1.2, 0), 0);
    }
}
