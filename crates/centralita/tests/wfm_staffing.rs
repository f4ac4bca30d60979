//! `centralita staffing`, `erlang` and `cost` end to end: the reference files through the real
//! binary, and bad input (line and column named, exit code 2, nothing written).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_centralita"))
}

/// `reference/NAME` at the repository's root (the project's reference data, kept in the clone).
fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference")
        .join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("centralita-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// CSV text → rows of column → value (no quoted fields in these files).
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

fn staffing(input: &std::path::Path, output: &std::path::Path) -> Output {
    bin()
        .arg("staffing")
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

fn check_against_expected(input: &str, expected: &str) {
    let dir = temp_dir(&format!("staffing-{input}"));
    let out_path = dir.join("out.csv");
    let out = staffing(&reference(input), &out_path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = rows(&std::fs::read_to_string(&out_path).unwrap());
    let expected = rows(&std::fs::read_to_string(reference(expected)).unwrap());
    assert_eq!(ours.len(), expected.len());
    for (i, (o, e)) in ours.iter().zip(&expected).enumerate() {
        for carried in [
            "interval_start",
            "queue",
            "calls",
            "aht_s",
            "max_occupancy",
            "patience_s",
        ] {
            assert_eq!(o[carried], e[carried], "row {i} {carried}");
        }
        assert_eq!(o["agents"], e["agents"], "row {i}: agents");
        for col in ["service_level", "occupancy", "abandon_rate"] {
            if e[col].is_empty() {
                assert!(o[col].is_empty(), "row {i} {col}");
                continue;
            }
            let (a, b): (f64, f64) = (o[col].parse().unwrap(), e[col].parse().unwrap());
            assert!((a - b).abs() <= 1e-6, "row {i} {col}: {a} vs {b}");
        }
        // With no shrinkage column, scheduled agents are the agents.
        assert_eq!(o["scheduled_agents"], o["agents"]);
        for col in ["erlangs", "p_wait", "asa_s"] {
            assert!(o[col].parse::<f64>().is_ok(), "row {i} {col}: {:?}", o[col]);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn staffing_reproduces_the_9600_erlang_c_reference_rows() {
    check_against_expected("staffing_input.csv", "staffing_expected.csv");
}

#[test]
fn staffing_reproduces_the_erlang_a_reference_rows() {
    check_against_expected(
        "staffing_erlang_a_input.csv",
        "staffing_erlang_a_expected.csv",
    );
}

#[test]
fn staffing_carries_extra_columns_and_applies_shrinkage() {
    let dir = temp_dir("staffing-extra");
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "site,interval_start,queue,calls,aht_s,interval_s,sl_target,sl_seconds,max_occupancy,shrinkage\n\
         Girona,2026-01-05T13:30:00,q26,765,192,1800,0.8,20,0.85,0.2\n",
    )
    .unwrap();
    let out = staffing(&input, &dir.join("out.csv"));
    assert!(out.status.success());
    let r = &rows(&std::fs::read_to_string(dir.join("out.csv")).unwrap())[0];
    assert_eq!((r["site"].as_str(), r["agents"].as_str()), ("Girona", "96"));
    assert_eq!(r["scheduled_agents"], "120");
    assert_eq!(r["erlangs"], "81.600000");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_staffing_rows_name_line_and_column_and_write_nothing() {
    let dir = temp_dir("staffing-bad");
    let header = "interval_start,queue,calls,aht_s,interval_s,sl_target,sl_seconds,max_occupancy\n";
    let good = "2026-01-05T00:00:00,q,10,300,1800,0.8,20,1\n";
    let cases = [
        (
            format!("{header}{good}2026-01-05T00:30:00,q,-3,300,1800,0.8,20,1\n"),
            "line 3, column `calls`",
        ),
        (
            format!("{header}{good}2026-01-05T00:30:00,q,ten,300,1800,0.8,20,1\n"),
            "line 3, column `calls`",
        ),
        (
            format!("{header}{good}2026-01-05T00:30:00,q,10,300,1800,1.2,20,1\n"),
            "line 3, column `sl_target`",
        ),
        (
            format!("{header}{good}2026-01-05T00:30:00,q,10,300,1800,0,20,1\n"),
            "line 3, column `sl_target`",
        ),
        (
            format!("{header}{good}2026-01-05T00:30:00,q,10,300,1800,0.8,20\n"),
            "line 3",
        ),
        (
            header.replace(",max_occupancy", "") + "x,q,10,300,1800,0.8,20\n",
            "missing column `max_occupancy`",
        ),
    ];
    for (text, expected) in cases {
        let input = dir.join("in.csv");
        let output = dir.join("out.csv");
        std::fs::write(&input, &text).unwrap();
        let out = staffing(&input, &output);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr:?}");
        assert!(!stderr.contains("panicked"));
        assert!(!output.exists(), "nothing may be written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn erlang_calculators_print_every_figure() {
    let out = bin()
        .args([
            "erlang",
            "b",
            "--erlangs",
            "10",
            "--blocking",
            "0.01",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["lines_needed"], 18.0);

    // Reference case R04: 10 agents, 8 Erlangs, AHT 300 s, patience 180 s, 20 s.
    let out = bin()
        .args([
            "erlang",
            "a",
            "--erlangs",
            "8",
            "--aht-s",
            "300",
            "--patience-s",
            "180",
            "--agents",
            "10",
            "--json",
        ])
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((a["p_abandon"].as_f64().unwrap() - 0.0644194621578).abs() < 1e-9);
    assert!((a["service_level"].as_f64().unwrap() - 0.803388744315).abs() < 1e-9);

    let out = bin()
        .args([
            "erlang",
            "c",
            "--calls-per-h",
            "330",
            "--aht-s",
            "240",
            "--agents",
            "20",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("asa_s") && text.contains("inf"), "{text}");

    let out = bin()
        .args(["erlang", "b", "--erlangs", "10", "--blocking", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cost_prices_the_reference_erlang_a_file() {
    let dir = temp_dir("cost");
    let table = dir.join("table.csv");
    let out = bin()
        .args(["cost", "--input"])
        .arg(reference("staffing_erlang_a_input.csv"))
        .args([
            "--hourly-cost",
            "28",
            "--workstation-cost-h",
            "3",
            "--lost-call-value",
            "15",
        ])
        .args(["--targets", "0.7,0.8,0.9", "--output"])
        .arg(&table)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cost per handled contact"), "{stdout}");
    let t = rows(&std::fs::read_to_string(&table).unwrap());
    assert_eq!(t.len(), 3);
    let f = |i: usize, c: &str| -> f64 { t[i][c].parse().unwrap() };
    // More service costs more staff and loses fewer calls; cost per point is given from row 2.
    assert!(
        f(2, "staffed_h_day") > f(1, "staffed_h_day")
            && f(1, "staffed_h_day") > f(0, "staffed_h_day")
    );
    assert!(f(2, "abandoned_day") < f(0, "abandoned_day"));
    let per_point = (f(1, "total_cost_day") - f(0, "total_cost_day")) / 10.0;
    assert!((f(1, "cost_per_point_day") - per_point).abs() < 0.01);
    assert!(t[0]["cost_per_point_day"].is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bench_staffing_prints_ours_even_without_the_peer() {
    let out = bin()
        .args([
            "bench",
            "staffing",
            "--repeat",
            "1",
            "--python",
            "/nonexistent/python",
            "--input",
        ])
        .arg(reference("staffing_input.csv"))
        .arg("--peer-script")
        .arg(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../bench/peers/pyworkforce_staffing.py"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("centralita             9600"), "{stdout}");
    assert!(
        stdout.contains("pyworkforce        could not run"),
        "{stdout}"
    );
}

#[test]
fn bench_staffing_defaults_to_the_repository_files_from_any_folder() {
    // Run from a crate's folder, with no --input, --peer-script or --python: the files are found
    // in the repository's `reference/` and `bench/peers/` above it, and the Python is the one the
    // environment names.
    let out = bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CENTRALITA_PEERS_PYTHON", "/nonexistent/python")
        .args(["bench", "staffing", "--repeat", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let input = reference("staffing_input.csv").canonicalize().unwrap();
    assert!(
        stdout.contains(&format!("Erlang staffing of {}", input.display())),
        "{stdout}"
    );
    assert!(stdout.contains("centralita             9600"), "{stdout}");
    assert!(
        stdout.contains("could not run: with /nonexistent/python"),
        "{stdout}"
    );
}
