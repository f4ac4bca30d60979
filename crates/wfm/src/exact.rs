//! Exact decisions on ties: "does 765 calls × 192 s in 1,800 s at a 0.85 cap need 96 or 97
//! agents?" In floating point 81.6 / 0.85 is 96.00000000000001 and a naive `ceil` says 97.
//!
//! Inputs reach us as `f64`, but they were written as short decimals (`0.85`, `192`). Each value is
//! turned back into the shortest decimal that rounds to it (`m / 10^k`), and the ratio is decided
//! in integers. Values that are not short decimals, or products that would overflow, fall back to
//! floating point with a relative tolerance of [`TIE_TOLERANCE`].

/// Relative tolerance of the floating-point fallback for a ceiling that lands on an integer.
pub(crate) const TIE_TOLERANCE: f64 = 1e-12;

/// Powers of ten that are exact in `f64` (up to 10^22).
const POW10_F64: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A non-negative decimal `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    mantissa: u128,
    scale: u32,
}

impl Decimal {
    /// The shortest decimal (fewest fractional digits, at most 15) that rounds to `value`, if any.
    pub(crate) fn from_f64(value: f64) -> Option<Decimal> {
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        for (scale, &p) in POW10_F64.iter().enumerate() {
            let m = (value * p).round();
            if m >= 9_007_199_254_740_992.0 {
                return None; // 2^53: the mantissa would not be exact
            }
            if m / p == value {
                return Some(Decimal {
                    mantissa: m as u128,
                    scale: scale as u32,
                });
            }
        }
        None
    }

    /// An integer.
    pub(crate) fn from_int(value: u64) -> Decimal {
        Decimal {
            mantissa: u128::from(value),
            scale: 0,
        }
    }

    /// `1 - self`, if `self <= 1`.
    pub(crate) fn one_minus(self) -> Option<Decimal> {
        let one = 10u128.checked_pow(self.scale)?;
        Some(Decimal {
            mantissa: one.checked_sub(self.mantissa)?,
            scale: self.scale,
        })
    }

    /// The product, if it fits.
    pub(crate) fn mul(self, other: Decimal) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            scale: self.scale.checked_add(other.scale)?,
        })
    }
}

/// `ceil(num / den)` decided exactly, if both are decimals and the integers fit.
pub(crate) fn ceil_div_exact(num: Decimal, den: Decimal) -> Option<u64> {
    if den.mantissa == 0 {
        return None;
    }
    // num.m / 10^num.s  ÷  den.m / 10^den.s  =  (num.m · 10^den.s) / (den.m · 10^num.s)
    let n = num.mantissa.checked_mul(10u128.checked_pow(den.scale)?)?;
    let d = den.mantissa.checked_mul(10u128.checked_pow(num.scale)?)?;
    u64::try_from(n.div_ceil(d)).ok()
}

/// `ceil(x)` where `x` is a ratio computed in floating point: a value within [`TIE_TOLERANCE`]
/// (relative) of an integer counts as that integer.
pub(crate) fn ceil_tolerant(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() <= TIE_TOLERANCE * x.abs().max(1.0) {
        r
    } else {
        x.ceil()
    }
}

/// `ceil(Π num / Π den)` for positive inputs: exact when every input is a short decimal, else
/// tolerant. Returns `None` only when the result does not fit a `u64`.
pub(crate) fn ceil_ratio(num: &[f64], den: &[f64]) -> Option<u64> {
    let x = num.iter().product::<f64>() / den.iter().product::<f64>();
    if !x.is_finite() || x < 0.0 {
        return None;
    }
    // Only a ratio near an integer can be decided wrongly by floating point.
    if (x - x.round()).abs() <= 1e-9 * x.max(1.0) {
        let product = |xs: &[f64]| {
            xs.iter().try_fold(Decimal::from_int(1), |acc, &v| {
                acc.mul(Decimal::from_f64(v)?)
            })
        };
        if let (Some(n), Some(d)) = (product(num), product(den))
            && let Some(exact) = ceil_div_exact(n, d)
        {
            return Some(exact);
        }
    }
    let c = ceil_tolerant(x);
    (c <= u64::MAX as f64).then_some(c as u64)
}

/// `ceil(agents / (1 - shrinkage))`, exact on ties (96 agents at 20 % shrinkage is 120).
pub(crate) fn ceil_over_one_minus(agents: u64, shrinkage: f64) -> Option<u64> {
    let x = agents as f64 / (1.0 - shrinkage);
    if !x.is_finite() {
        return None;
    }
    if (x - x.round()).abs() <= 1e-9 * x.max(1.0)
        && let Some(den) = Decimal::from_f64(shrinkage).and_then(Decimal::one_minus)
        && let Some(exact) = ceil_div_exact(Decimal::from_int(agents), den)
    {
        return Some(exact);
    }
    let c = ceil_tolerant(x);
    (c <= u64::MAX as f64).then_some(c as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_decimals_are_recovered() {
        assert_eq!(
            Decimal::from_f64(0.85),
            Some(Decimal {
                mantissa: 85,
                scale: 2
            })
        );
        assert_eq!(
            Decimal::from_f64(192.0),
            Some(Decimal {
                mantissa: 192,
                scale: 0
            })
        );
        assert_eq!(Decimal::from_f64(-1.0), None);
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        // 1/3 has no short decimal form.
        assert_eq!(Decimal::from_f64(1.0 / 3.0), None);
    }

    #[test]
    fn the_issue_tie_needs_96_not_97() {
        // 765 calls × 192 s / 1800 s = 81.6 Erlangs; 81.6 / 0.85 = 96 exactly.
        // The load computed as calls per minute × AHT in minutes, as a popular Python library
        // does, overshoots in floating point.
        let naive = (765.0 / 30.0) * (192.0 / 60.0) / 0.85_f64;
        assert_eq!(naive.ceil(), 97.0);
        assert_eq!(ceil_ratio(&[765.0, 192.0], &[1800.0, 0.85]), Some(96));
        // Just above the tie needs one more.
        assert_eq!(ceil_ratio(&[765.001, 192.0], &[1800.0, 0.85]), Some(97));
        assert_eq!(ceil_ratio(&[764.0, 192.0], &[1800.0, 0.85]), Some(96));
    }

    #[test]
    fn shrinkage_ties_are_exact() {
        assert_eq!(ceil_over_one_minus(96, 0.2), Some(120));
        assert_eq!(ceil_over_one_minus(97, 0.3), Some(139)); // 138.57…
        assert_eq!(ceil_over_one_minus(7, 0.3), Some(10)); // 10 exactly
        assert_eq!(ceil_over_one_minus(5, 0.0), Some(5));
    }

    #[test]
    fn tolerant_ceiling_when_not_decimal() {
        assert_eq!(ceil_tolerant(3.0000000000000004), 3.0);
        assert_eq!(ceil_tolerant(3.001), 4.0);
        assert_eq!(ceil_ratio(&[1.0], &[3.0]), Some(1));
    }
}
