//! Distributions of handle times, patience, ring and talk times.
//!
//! `{ dist = "exponential", mean_s = 300 }`, `{ dist = "lognormal", mean_s =
//! 180, cv = 0.8 }`, `{ dist = "fixed", mean_s = 20 }`, `{ dist =
//! "empirical", values_s = [120, 180, 240] }` (each value equally likely).

use rand::RngExt;
use rand_distr::{Distribution, Exp, LogNormal};
use rand_pcg::Pcg64Mcg;
use serde::Deserialize;

/// Longest duration a distribution may produce, in seconds (a sample above it is cut).
pub const SAMPLE_S_MAX: f64 = 7.0 * 86_400.0;
/// Most values of an empirical distribution.
pub const EMPIRICAL_VALUES_MAX: usize = 100_000;

/// A distribution as written in a scenario.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    /// `exponential`, `lognormal`, `fixed` or `empirical`.
    pub dist: String,
    /// Mean in seconds (not for `empirical`).
    pub mean_s: Option<f64>,
    /// Coefficient of variation (`lognormal` only).
    pub cv: Option<f64>,
    /// Values in seconds (`empirical` only).
    pub values_s: Option<Vec<f64>>,
}

/// A distribution ready to sample, in milliseconds.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Exponential with this mean.
    Exponential(Exp<f64>),
    /// Log-normal.
    LogNormal(LogNormal<f64>),
    /// Always this many seconds.
    Fixed(f64),
    /// One of these, uniformly.
    Empirical(Vec<f64>),
}

impl Dist {
    /// Validates and builds; the error says what is wrong (the caller adds where).
    pub fn from_spec(s: &DistSpec) -> Result<Dist, String> {
        let mean = || -> Result<f64, String> {
            match s.mean_s {
                Some(m) if m > 0.0 && m <= SAMPLE_S_MAX => Ok(m),
                Some(m) => Err(format!(
                    "mean_s must be above 0 and at most {SAMPLE_S_MAX}, got {m}"
                )),
                None => Err(format!("{} needs mean_s", s.dist)),
            }
        };
        let only = |allowed: &[&str]| -> Result<(), String> {
            for (k, present) in [
                ("mean_s", s.mean_s.is_some()),
                ("cv", s.cv.is_some()),
                ("values_s", s.values_s.is_some()),
            ] {
                if present && !allowed.contains(&k) {
                    return Err(format!("{k} does not apply to {}", s.dist));
                }
            }
            Ok(())
        };
        match s.dist.as_str() {
            "exponential" => {
                only(&["mean_s"])?;
                Ok(Dist::Exponential(
                    Exp::new(1.0 / mean()?).map_err(|e| e.to_string())?,
                ))
            }
            "lognormal" => {
                only(&["mean_s", "cv"])?;
                let m = mean()?;
                let cv = s.cv.ok_or("lognormal needs cv")?;
                if !(cv > 0.0 && cv <= 10.0) {
                    return Err(format!("cv must be above 0 and at most 10, got {cv}"));
                }
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = m.ln() - sigma2 / 2.0;
                Ok(Dist::LogNormal(
                    LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?,
                ))
            }
            "fixed" => {
                only(&["mean_s"])?;
                Ok(Dist::Fixed(mean()?))
            }
            "empirical" => {
                only(&["values_s"])?;
                let v = s.values_s.clone().ok_or("empirical needs values_s")?;
                if v.is_empty() || v.len() > EMPIRICAL_VALUES_MAX {
                    return Err(format!("values_s needs 1 to {EMPIRICAL_VALUES_MAX} values"));
                }
                if let Some(bad) = v.iter().find(|x| !(**x >= 0.0 && **x <= SAMPLE_S_MAX)) {
                    return Err(format!(
                        "values_s must be from 0 to {SAMPLE_S_MAX}, got {bad}"
                    ));
                }
                Ok(Dist::Empirical(v))
            }
            other => Err(format!(
                "unknown dist {other:?}: expected exponential, lognormal, fixed or empirical"
            )),
        }
    }

    /// One sample, in whole milliseconds (at least 1).
    pub fn sample_ms(&self, rng: &mut Pcg64Mcg) -> u64 {
        let s = match self {
            Dist::Exponential(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Fixed(v) => *v,
            Dist::Empirical(v) => v[rng.random_range(0..v.len())],
        };
        // Rounded to the nearest millisecond (half up: samples are never
        // negative), without a call to the C library's `round`.
        ((s.min(SAMPLE_S_MAX) * 1000.0 + 0.5) as u64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn spec(dist: &str, mean_s: Option<f64>, cv: Option<f64>) -> DistSpec {
        DistSpec {
            dist: dist.into(),
            mean_s,
            cv,
            values_s: None,
        }
    }

    #[test]
    fn lognormal_has_the_asked_mean_and_cv() {
        let d = Dist::from_spec(&spec("lognormal", Some(180.0), Some(0.8))).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let xs: Vec<f64> = (0..200_000)
            .map(|_| d.sample_ms(&mut rng) as f64 / 1000.0)
            .collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!((mean - 180.0).abs() < 2.0, "{mean}");
        assert!((sd / mean - 0.8).abs() < 0.03, "{}", sd / mean);
    }

    #[test]
    fn bad_distributions_say_what_is_wrong() {
        assert!(
            Dist::from_spec(&spec("gamma", Some(1.0), None))
                .unwrap_err()
                .contains("unknown dist")
        );
        assert!(
            Dist::from_spec(&spec("exponential", Some(-1.0), None))
                .unwrap_err()
                .contains("mean_s")
        );
        assert!(
            Dist::from_spec(&spec("exponential", Some(1.0), Some(0.5)))
                .unwrap_err()
                .contains("cv does not apply")
        );
        assert!(
            Dist::from_spec(&spec("lognormal", Some(1.0), None))
                .unwrap_err()
                .contains("needs cv")
        );
    }
}
