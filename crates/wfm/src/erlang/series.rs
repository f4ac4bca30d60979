//! The one series behind Erlang A's closed forms, summed in scaled form.
//!
//! With `T_k(s, x) = x^k / (s (s+1) … (s+k))`, the lower incomplete gamma function is
//! `γ(s, x) = x^s e^{-x} Σ_k T_k`. Erlang A needs three weighted sums of the same terms; they are
//! summed together in one pass and returned as natural logarithms, rescaling as they grow, so
//! neither `e^x` nor `x^s` is ever formed.

use crate::error::WfmError;

/// The most terms one series may take (the terms peak near `k = x - s`, so this bounds
/// `λ × patience`, the callers that arrive during one mean patience).
pub(crate) const MAX_SERIES_TERMS: u64 = 50_000_000;

/// Natural logarithms of three weighted sums of `T_k(s, x)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeriesLn {
    /// `ln Σ T_k`  (= `ln S(s, x)`, and `γ(s, x) = x^s e^{-x} S(s, x)`).
    pub plain: f64,
    /// `ln Σ T_k (k+1)/(s+k+1)`  (= `ln [S(s, x) - S(s+1, x)]`, with no cancellation).
    pub shifted_difference: f64,
    /// `ln Σ T_k H_k`, `H_k = Σ_{i≤k} 1/(s+i)`  (= `ln -∂S/∂s`).
    pub harmonic: f64,
}

/// Sums the series for `s > 0`, `x >= 0`.
pub(crate) fn series_ln(s: f64, x: f64) -> Result<SeriesLn, WfmError> {
    debug_assert!(s > 0.0 && x >= 0.0);
    const RESCALE_ABOVE: f64 = 1e250;
    const RELATIVE_EPS: f64 = 1e-18;
    let mut term = 1.0 / s;
    let mut harmonic = 1.0 / s;
    let mut sum_plain = term;
    let mut sum_shifted = term / (s + 1.0);
    let mut sum_harmonic = term * harmonic;
    let mut ln_scale = 0.0;
    let mut k: u64 = 0;
    loop {
        k += 1;
        if k > MAX_SERIES_TERMS {
            return Err(WfmError::Unreachable(format!(
                "Erlang A series needs more than {MAX_SERIES_TERMS} terms (load × patience too large)"
            )));
        }
        let kf = k as f64;
        let d = s + kf;
        term *= x / d;
        harmonic += 1.0 / d;
        sum_plain += term;
        sum_shifted += term * (kf + 1.0) / (d + 1.0);
        sum_harmonic += term * harmonic;
        if term > RESCALE_ABOVE {
            term /= RESCALE_ABOVE;
            sum_plain /= RESCALE_ABOVE;
            sum_shifted /= RESCALE_ABOVE;
            sum_harmonic /= RESCALE_ABOVE;
            ln_scale += RESCALE_ABOVE.ln();
        }
        // Past the peak the terms only shrink; stop when they no longer count.
        let past_peak = d + 1.0 > x;
        if past_peak
            && term <= RELATIVE_EPS * sum_plain
            && term <= RELATIVE_EPS * sum_shifted
            && term * harmonic <= RELATIVE_EPS * sum_harmonic
        {
            break;
        }
    }
    Ok(SeriesLn {
        plain: sum_plain.ln() + ln_scale,
        shifted_difference: sum_shifted.ln() + ln_scale,
        harmonic: sum_harmonic.ln() + ln_scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_incomplete_gamma_for_integer_order() {
        // γ(1, x) = 1 - e^{-x}, so S(1, x) = (e^x - 1) / x.
        for &x in &[0.1, 1.0, 5.0, 40.0] {
            let s = series_ln(1.0, x).unwrap();
            let expected = (x.exp_m1() / x).ln();
            assert!((s.plain - expected).abs() < 1e-13, "{x}");
        }
        // S(s, 0) = 1/s.
        let s = series_ln(4.0, 0.0).unwrap();
        assert!((s.plain - (0.25f64).ln()).abs() < 1e-15);
    }

    #[test]
    fn shifted_difference_is_s_minus_next_s() {
        let (s, x) = (3.5, 7.25);
        let here = series_ln(s, x).unwrap();
        let next = series_ln(s + 1.0, x).unwrap();
        let direct = here.plain.exp() - next.plain.exp();
        assert!((here.shifted_difference.exp() / direct - 1.0).abs() < 1e-12);
    }

    #[test]
    fn harmonic_is_minus_the_derivative_in_s() {
        let (s, x, h) = (6.0, 4.0, 1e-5);
        let up = series_ln(s + h, x).unwrap().plain.exp();
        let down = series_ln(s - h, x).unwrap().plain.exp();
        let derivative = (up - down) / (2.0 * h);
        let harmonic = series_ln(s, x).unwrap().harmonic.exp();
        assert!((harmonic + derivative).abs() < 1e-8 * harmonic);
    }

    #[test]
    fn huge_arguments_do_not_overflow() {
        let s = series_ln(10.0, 200_000.0).unwrap();
        assert!(s.plain.is_finite() && s.plain > 1000.0);
    }
}
