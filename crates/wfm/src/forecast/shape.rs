//! Time-of-day shapes: which days share one, and what it is.
//!
//! Each day of the week starts with its own intraday profile (calls per slot, summed over the
//! history). Two profiles are merged when a chi-square test of homogeneity cannot tell them apart
//! at the 1 % level, most alike first, until no pair can be merged. Monday to Friday usually end
//! up as one shape and the weekend as another, each estimated from many days, so the shape costs
//! little noise; a day that really differs keeps its own. A special-day label takes the shape of
//! the group it is consistent with, or its own when it matches none.

/// Calls per slot summed over some days.
pub(crate) type Profile = Vec<f64>;

/// The chi-square statistic and degrees of freedom for "both profiles have the same shape".
fn homogeneity(a: &[f64], b: &[f64]) -> (f64, f64) {
    let (na, nb): (f64, f64) = (a.iter().sum(), b.iter().sum());
    let total = na + nb;
    if na <= 0.0 || nb <= 0.0 {
        return (0.0, 0.0);
    }
    let mut chi2 = 0.0;
    let mut used = 0usize;
    for (&x, &y) in a.iter().zip(b) {
        let both = x + y;
        if both <= 0.0 {
            continue;
        }
        used += 1;
        let ea = na * both / total;
        let eb = nb * both / total;
        chi2 += (x - ea).powi(2) / ea + (y - eb).powi(2) / eb;
    }
    (chi2, used.saturating_sub(1) as f64)
}

/// The 99th percentile of chi-square with `df` degrees of freedom (Wilson–Hilferty).
fn chi2_99(df: f64) -> f64 {
    const Z_99: f64 = 2.326_347_874;
    let k = 2.0 / (9.0 * df);
    df * (1.0 - k + Z_99 * k.sqrt()).powi(3)
}

/// True when the two profiles are consistent with one shape, and how alike they are
/// (the statistic over its 99 % threshold: smaller is more alike).
pub(crate) fn same_shape(a: &[f64], b: &[f64]) -> (bool, f64) {
    let (chi2, df) = homogeneity(a, b);
    if df < 1.0 {
        return (true, 0.0);
    }
    let limit = chi2_99(df);
    (chi2 <= limit, chi2 / limit)
}

/// Groups profiles (by index) by agglomerative merging of indistinguishable shapes.
pub(crate) fn group_profiles(profiles: &[Profile]) -> Vec<Vec<usize>> {
    let mut groups: Vec<(Vec<usize>, Profile)> = profiles
        .iter()
        .enumerate()
        .filter(|(_, p)| p.iter().sum::<f64>() > 0.0)
        .map(|(i, p)| (vec![i], p.clone()))
        .collect();
    loop {
        let mut best: Option<(usize, usize, f64)> = None;
        for i in 0..groups.len() {
            for j in i + 1..groups.len() {
                let (ok, score) = same_shape(&groups[i].1, &groups[j].1);
                if ok && best.is_none_or(|(_, _, s)| score < s) {
                    best = Some((i, j, score));
                }
            }
        }
        let Some((i, j, _)) = best else { break };
        let (members, profile) = groups.remove(j);
        groups[i].0.extend(members);
        for (x, y) in groups[i].1.iter_mut().zip(profile) {
            *x += y;
        }
    }
    let mut out: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|(mut m, _)| {
            m.sort_unstable();
            m
        })
        .collect();
    out.sort();
    out
}

/// Shares per slot (summing to 1), or a flat shape for an empty profile.
pub(crate) fn shares(profile: &[f64]) -> Vec<f64> {
    let total: f64 = profile.iter().sum();
    if total > 0.0 {
        profile.iter().map(|v| v / total).collect()
    } else {
        vec![1.0 / profile.len() as f64; profile.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_quantile_is_close() {
        // Tables: χ²(0.99; 10) = 23.209, χ²(0.99; 50) = 76.154.
        assert!((chi2_99(10.0) - 23.209).abs() < 0.1);
        assert!((chi2_99(50.0) - 76.154).abs() < 0.1);
    }

    #[test]
    fn same_shapes_merge_and_different_ones_do_not() {
        let weekday = vec![100.0, 400.0, 300.0, 200.0];
        let weekday2 = vec![205.0, 795.0, 610.0, 390.0];
        let weekend = vec![300.0, 300.0, 200.0, 200.0];
        let groups = group_profiles(&[weekday, weekend.clone(), weekday2, weekend]);
        assert_eq!(groups, vec![vec![0, 2], vec![1, 3]]);
    }
}
