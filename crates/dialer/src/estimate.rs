//! Live estimates for predictive pacing: how dials end and after how long,
//! how long agents talk and wrap up, and how well the abandon forecast has
//! matched what happened.
//!
//! Durations are fitted as lognormal (right-skewed, positive, the usual shape
//! of ring and handle times) by the mean and variance of their logarithms,
//! with exponential forgetting so the fit follows the day. Every estimate
//! starts from the campaign's priors, weighted as a few observations, so the
//! first decisions of a day are sane and the data soon takes over.

use model::outbound::DialOutcome;

use crate::config::PacingTuning;

/// How many observations the priors weigh.
const PRIOR_WEIGHT: f64 = 10.0;
/// The memory of the fits, in observations (older ones fade with this horizon).
const MEMORY_OBSERVATIONS: f64 = 400.0;
/// Narrowest log-spread of a fit (a nearly constant duration such as a fixed wrap-up).
const SIGMA_MIN: f64 = 0.05;
/// Shortest duration fitted, in seconds (a zero ring has no logarithm).
const DURATION_MIN_S: f64 = 0.05;
/// The calibration factor of the abandon forecast stays within these bounds.
const CALIBRATION_MIN: f64 = 0.5;
const CALIBRATION_MAX: f64 = 4.0;
/// Pseudo-abandons added to both sides of the calibration ratio (shrinks it towards 1 while data is scarce).
const CALIBRATION_PRIOR: f64 = 2.0;

/// The standard normal distribution function, Φ(z) (Numerical Recipes `erfcc`, error below 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    let erfc = if x >= 0.0 { erfc } else { 2.0 - erfc };
    0.5 * erfc
}

/// A lognormal fit of durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormalFit {
    weight: f64,
    mean_ln: f64,
    var_ln: f64,
}

impl LogNormalFit {
    /// A prior with this mean and coefficient of variation.
    pub fn with_prior(mean_s: f64, cv: f64) -> Self {
        let var_ln = (1.0 + cv * cv).ln();
        LogNormalFit {
            weight: PRIOR_WEIGHT,
            mean_ln: mean_s.max(DURATION_MIN_S).ln() - var_ln / 2.0,
            var_ln,
        }
    }

    /// Adds one observed duration.
    pub fn observe(&mut self, s: f64) {
        if !s.is_finite() {
            return;
        }
        let x = s.max(DURATION_MIN_S).ln();
        self.weight = (self.weight + 1.0).min(MEMORY_OBSERVATIONS);
        let w = 1.0 / self.weight;
        let d = x - self.mean_ln;
        self.mean_ln += w * d;
        self.var_ln = (1.0 - w) * (self.var_ln + w * d * d);
    }

    fn sigma(&self) -> f64 {
        self.var_ln.sqrt().max(SIGMA_MIN)
    }

    /// P(duration ≤ s).
    pub fn cdf(&self, s: f64) -> f64 {
        if s <= 0.0 {
            0.0
        } else {
            normal_cdf((s.ln() - self.mean_ln) / self.sigma())
        }
    }

    /// The duration at standard-normal quantile `z` (z = 0 is the median).
    pub fn at_z(&self, z: f64) -> f64 {
        (self.mean_ln + self.sigma() * z).exp()
    }

    /// The mean duration.
    pub fn mean(&self) -> f64 {
        (self.mean_ln + self.sigma().powi(2) / 2.0).exp()
    }

    /// P(duration ≤ elapsed + t | duration > elapsed): the chance it ends within `t` more seconds.
    pub fn ends_within(&self, elapsed_s: f64, t_s: f64) -> f64 {
        let survive = 1.0 - self.cdf(elapsed_s);
        if survive < 1e-12 {
            // Far beyond anything the fit has seen: assume nothing about it (it does not free).
            return 0.0;
        }
        ((self.cdf(elapsed_s + t_s) - self.cdf(elapsed_s)) / survive).clamp(0.0, 1.0)
    }
}

/// The standard-normal quantiles at 1/6, 1/2 and 5/6: a three-point average
/// over the ring time of a new line's answer.
pub const HORIZON_Z: [f64; 3] = [-0.967_421_566, 0.0, 0.967_421_566];

/// Everything predictive pacing estimates for one campaign.
#[derive(Debug, Clone)]
pub struct Estimates {
    /// Forgetting weights of each dial outcome.
    outcome_weight: [f64; 5],
    /// Ring time of each outcome.
    ring: [LogNormalFit; 5],
    /// Talk time.
    talk: LogNormalFit,
    /// Wrap-up time.
    wrap: LogNormalFit,
    /// The ring timeout, in seconds (no-answer ends there).
    ring_timeout_s: f64,
    /// Forecast abandons of lines that have ended (sum of their planned risks).
    predicted_abandons: f64,
    /// Abandons of those lines that happened.
    observed_abandons: f64,
    /// Dial outcomes observed so far (no forgetting): how sure the answer rate is.
    dials_seen: u64,
}

impl Estimates {
    /// Starts from the campaign's priors.
    pub fn new(t: &PacingTuning, ring_timeout_ms: u64) -> Self {
        let live = t.prior_answer_rate;
        // The rest of the outcomes split as a typical list does.
        let rest = [0.10, 0.45, 0.10, 0.05];
        let rest_sum: f64 = rest.iter().sum();
        let mut outcome_weight = [live * PRIOR_WEIGHT, 0.0, 0.0, 0.0, 0.0];
        for (i, r) in rest.iter().enumerate() {
            outcome_weight[i + 1] = (1.0 - live) * r / rest_sum * PRIOR_WEIGHT;
        }
        let timeout_s = ring_timeout_ms as f64 / 1000.0;
        Estimates {
            outcome_weight,
            ring: [
                LogNormalFit::with_prior(t.prior_ring_s, 0.5),
                LogNormalFit::with_prior(3.0, 0.5),
                LogNormalFit::with_prior(timeout_s, 0.1),
                LogNormalFit::with_prior(t.prior_ring_s * 1.2, 0.5),
                LogNormalFit::with_prior(2.0, 0.5),
            ],
            talk: LogNormalFit::with_prior(t.prior_talk_s, 0.8),
            wrap: LogNormalFit::with_prior(t.prior_wrap_s.max(DURATION_MIN_S), 0.3),
            ring_timeout_s: timeout_s,
            predicted_abandons: 0.0,
            observed_abandons: 0.0,
            dials_seen: 0,
        }
    }

    /// A dial ended with `outcome` after ringing `ring_s`.
    pub fn observe_dial(&mut self, outcome: DialOutcome, ring_s: f64) {
        let keep = 1.0 - 1.0 / MEMORY_OBSERVATIONS;
        for w in &mut self.outcome_weight {
            *w *= keep;
        }
        self.outcome_weight[outcome.index()] += 1.0;
        self.dials_seen += 1;
        if outcome != DialOutcome::NoAnswer {
            self.ring[outcome.index()].observe(ring_s);
        }
    }

    /// A connected call lasted `s`.
    pub fn observe_talk(&mut self, s: f64) {
        self.talk.observe(s);
    }

    /// A wrap-up lasted `s`.
    pub fn observe_wrap(&mut self, s: f64) {
        self.wrap.observe(s);
    }

    /// A line that pacing gave risk `planned` ended, abandoned or not.
    pub fn observe_line(&mut self, planned: f64, abandoned: bool) {
        self.predicted_abandons += planned;
        if abandoned {
            self.observed_abandons += 1.0;
        }
    }

    fn share(&self, o: DialOutcome) -> f64 {
        let total: f64 = self.outcome_weight.iter().sum();
        if total > 0.0 {
            self.outcome_weight[o.index()] / total
        } else {
            0.0
        }
    }

    /// The share of dials a person answers.
    pub fn answer_rate(&self) -> f64 {
        self.share(DialOutcome::LiveAnswer)
    }

    /// The answer rate plus `z` standard errors of it, counting the prior as
    /// [`PRIOR_WEIGHT`] dials and every dial seen since (at most 1): how many
    /// answers lines in flight may bring if the estimate is off. Wide at the
    /// start of a campaign (the prior may be wrong), narrow after thousands
    /// of dials.
    pub fn answer_rate_upper(&self, z: f64) -> f64 {
        let q = self.answer_rate();
        let n = self.dials_seen as f64 + PRIOR_WEIGHT;
        (q + z * (q * (1.0 - q) / n).sqrt()).min(1.0)
    }

    /// P(a person answers | the line has rung `elapsed_s` without an outcome).
    pub fn live_given_ringing(&self, elapsed_s: f64) -> f64 {
        if elapsed_s >= self.ring_timeout_s {
            // The line is hung up at the timeout: no one can answer it any more.
            return 0.0;
        }
        let mut num = 0.0;
        let mut den = 0.0;
        for o in DialOutcome::ALL {
            let survive = if o == DialOutcome::NoAnswer {
                1.0
            } else {
                1.0 - self.ring[o.index()].cdf(elapsed_s)
            };
            let m = self.share(o) * survive;
            den += m;
            if o == DialOutcome::LiveAnswer {
                num = m;
            }
        }
        if den < 1e-12 {
            0.0
        } else {
            (num / den).clamp(0.0, 1.0)
        }
    }

    /// P(an agent talking for `elapsed_s` is free within `t_s`): the rest of the talk plus a mean wrap-up.
    pub fn talking_frees_within(&self, elapsed_s: f64, t_s: f64) -> f64 {
        let left = t_s - self.wrap.mean();
        if left <= 0.0 {
            0.0
        } else {
            self.talk.ends_within(elapsed_s, left)
        }
    }

    /// P(an agent in wrap-up for `elapsed_s` is free within `t_s`).
    pub fn wrap_frees_within(&self, elapsed_s: f64, t_s: f64) -> f64 {
        self.wrap.ends_within(elapsed_s, t_s)
    }

    /// When a new line's answer would come, at the [`HORIZON_Z`] quantiles of live ring time, in seconds.
    pub fn answer_horizons_s(&self) -> [f64; 3] {
        HORIZON_Z.map(|z| {
            self.ring[DialOutcome::LiveAnswer.index()]
                .at_z(z)
                .min(self.ring_timeout_s)
        })
    }

    /// How much more abandon happened than the forecast said (1 = as forecast), shrunk towards 1 while data is scarce.
    pub fn calibration(&self) -> f64 {
        ((self.observed_abandons + CALIBRATION_PRIOR)
            / (self.predicted_abandons + CALIBRATION_PRIOR))
            .clamp(CALIBRATION_MIN, CALIBRATION_MAX)
    }

    /// Mean talk time, for reporting.
    pub fn talk_mean_s(&self) -> f64 {
        self.talk.mean()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_cdf_matches_known_values() {
        for (z, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (-1.959_963_985, 0.025),
            (3.0, 0.998_650_102),
        ] {
            assert!(
                (normal_cdf(z) - p).abs() < 1e-6,
                "Φ({z}) = {} not {p}",
                normal_cdf(z)
            );
        }
    }

    #[test]
    fn a_lognormal_fit_learns_the_median_of_what_it_sees() {
        let mut f = LogNormalFit::with_prior(100.0, 0.5);
        for i in 0..2000 {
            // Alternating 20 and 80: the geometric mean is 40.
            f.observe(if i % 2 == 0 { 20.0 } else { 80.0 });
        }
        assert!((f.at_z(0.0) - 40.0).abs() < 1.0, "median {}", f.at_z(0.0));
        assert!(f.cdf(40.0) > 0.45 && f.cdf(40.0) < 0.55);
    }

    #[test]
    fn a_line_that_has_rung_long_is_less_likely_to_be_answered() {
        let e = Estimates::new(&PacingTuning::default(), 25_000);
        let fresh = e.live_given_ringing(0.0);
        assert!((fresh - 0.3).abs() < 1e-9);
        let late = e.live_given_ringing(24.0);
        assert!(late < fresh, "{late} >= {fresh}");
        assert_eq!(e.live_given_ringing(25.0), 0.0);
    }

    #[test]
    fn an_agent_near_the_end_of_a_call_is_more_likely_to_free_up_soon() {
        let e = Estimates::new(&PacingTuning::default(), 25_000);
        let early = e.talking_frees_within(10.0, 60.0);
        let wrap = e.wrap_frees_within(19.0, 10.0);
        assert!(early < 0.2, "{early}");
        assert!(wrap > 0.5, "{wrap}");
        assert_eq!(
            e.talking_frees_within(10.0, 5.0),
            0.0,
            "a wrap-up still follows"
        );
    }

    #[test]
    fn calibration_rises_when_abandons_outrun_the_forecast() {
        let mut e = Estimates::new(&PacingTuning::default(), 25_000);
        assert_eq!(e.calibration(), 1.0);
        for _ in 0..10 {
            e.observe_line(0.1, true);
        }
        assert!(e.calibration() > 3.0);
    }
}
