//! `centralita forecast` on the reference series: the output's shape, and `--evaluate` meeting
//! the goal (WAPE ≤ 1.1 × the floor, ≥ 40 % below same-interval-last-week).

use std::path::PathBuf;
use std::process::Command;

/// `reference/NAME` at the repository's root (the project's reference data, kept in the clone).
fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference")
        .join(name)
}

#[test]
fn forecast_evaluates_against_the_reference_actuals() {
    let dir = std::env::temp_dir().join(format!("centralita-forecast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("forecast.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_centralita"))
        .arg("forecast")
        .arg("--history")
        .arg(reference("forecast_history.csv"))
        .arg("--special-days")
        .arg(reference("forecast_special_days.csv"))
        .args(["--horizon", "14d", "--evaluate"])
        .arg(reference("forecast_actual.csv"))
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&output).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("interval_start,queue,calls,aht_s"));
    assert_eq!(lines.count(), 2 * 14 * 48);
    assert!(text.contains("2026-03-16T00:00:00,sales,"));
    assert!(text.contains("2026-03-29T23:30:00,support,"));

    let all = stdout
        .lines()
        .find(|l| l.starts_with("all"))
        .expect("a total line");
    let nums: Vec<f64> = all
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    // all, intervals, WAPE, MAPE, last-week WAPE, last-week MAPE, % lower
    let (wape, naive) = (nums[1], nums[3]);
    let floor = 0.08330248425499653;
    assert!(wape <= 1.1 * floor, "{stdout}");
    assert!(wape <= 0.6 * naive, "{stdout}");
    assert!((naive - 0.1712).abs() < 1e-4, "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_history_is_reported_with_its_line() {
    let dir = std::env::temp_dir().join(format!("centralita-forecast-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let history = dir.join("h.csv");
    std::fs::write(
        &history,
        "interval_start,queue,calls\n2026-01-05T00:00:00,q,3\n2026-01-05T00:30:00,q,-1\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_centralita"))
        .arg("forecast")
        .arg("--history")
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3, column `calls`"));
    std::fs::write(
        &history,
        "interval_start,queue,calls\n2026-01-05T00:00:00,q,3\n2026-01-05T00:30:00,q,4\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_centralita"))
        .arg("forecast")
        .arg("--history")
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a one-hour history cannot be forecast"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
