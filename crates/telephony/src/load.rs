//! What the load benchmarks share (the switch's own, and the server's
//! `bench sip`): reading sipp's final statistics and this process's CPU time.

/// The cumulative column of a sipp statistics line such as
/// `Successful call` or `Failed call` (the last such line of `stdout`).
pub fn sipp_count(stdout: &str, label: &str) -> Option<u64> {
    stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with(label))
        .and_then(|l| l.rsplit('|').next())
        .and_then(|v| v.trim().parse().ok())
}

/// This process's user + system CPU time in seconds (Linux `/proc`; 0
/// elsewhere).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (in parentheses, which may hold spaces):
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sipps_last_statistics_line_counts() {
        let out = "  Successful call    |        0                  |       10\n  Failed call |  0 | 1\n  Successful call    |        5                  |       998\n";
        assert_eq!(sipp_count(out, "Successful call"), Some(998));
        assert_eq!(sipp_count(out, "Failed call"), Some(1));
        assert_eq!(sipp_count(out, "Retransmissions"), None);
        assert!(cpu_seconds() >= 0.0);
    }
}
