//! Poisson regression by iteratively reweighted least squares: the daily-volume model
//! `E[calls on day d] = exp(level + trend·t_d + day-of-week effect)`.
//!
//! A Poisson fit weighs each day by its volume, copes with zero days, and is the maximum
//! likelihood fit for counts; a handful of parameters, so a dense solve is all it needs.

/// Fits `E[y_i] = exp(x_i · β)`; returns `β`, or `None` if the design is singular.
pub(crate) fn poisson_regression(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    const MAX_ITERATIONS: usize = 100;
    const TOLERANCE: f64 = 1e-10;
    let p = x.first()?.len();
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    if mean.is_nan() || mean <= 0.0 {
        return None;
    }
    // Start from the flat fit: intercept ln(mean), assuming column 0 is the intercept.
    let mut beta = vec![0.0; p];
    beta[0] = mean.ln();
    for _ in 0..MAX_ITERATIONS {
        let mut xtwx = vec![vec![0.0; p]; p];
        let mut xtwz = vec![0.0; p];
        for (xi, &yi) in x.iter().zip(y) {
            let eta: f64 = xi.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = eta.exp().max(1e-12);
            let z = eta + (yi - mu) / mu;
            for r in 0..p {
                let wr = mu * xi[r];
                xtwz[r] += wr * z;
                for c in 0..p {
                    xtwx[r][c] += wr * xi[c];
                }
            }
        }
        let next = solve(xtwx, xtwz)?;
        let change = next
            .iter()
            .zip(&beta)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        beta = next;
        if change < TOLERANCE {
            break;
        }
    }
    beta.iter().all(|b| b.is_finite()).then_some(beta)
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
pub(crate) fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            if f != 0.0 {
                let (above, below) = a.split_at_mut(row);
                for (x, p) in below[0][col..].iter_mut().zip(&above[col][col..]) {
                    *x -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_an_exact_log_linear_trend() {
        let x: Vec<Vec<f64>> = (0..20).map(|t| vec![1.0, f64::from(t)]).collect();
        let y: Vec<f64> = (0..20)
            .map(|t| 100.0 * (0.05 * f64::from(t)).exp())
            .collect();
        let beta = poisson_regression(&x, &y).unwrap();
        assert!((beta[0] - 100f64.ln()).abs() < 1e-8);
        assert!((beta[1] - 0.05).abs() < 1e-10);
    }

    #[test]
    fn singular_designs_are_refused() {
        let x = vec![vec![1.0, 2.0], vec![1.0, 2.0]];
        assert!(poisson_regression(&x, &[3.0, 4.0]).is_none());
        assert!(solve(vec![vec![0.0]], vec![1.0]).is_none());
    }
}
