//! `centralita simulate` end to end through the real binary: the example day, the JSON fields
//! other tools rely on, byte-identical output for a seed, and bad scenarios (line and key named,
//! exit code 2).

use std::path::PathBuf;
use std::process::{Command, Output};

fn simulate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_centralita"))
        .arg("simulate")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("centralita-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn the_example_day_prints_every_promised_field() {
    let file = example("support-day.toml");
    let out = simulate(&[&file, "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let q = &json["queues"]["support"];
    for key in [
        "offered",
        "answered",
        "abandoned",
        "abandon_rate",
        "service_level",
        "asa_s",
        "aht_s",
        "max_wait_s",
    ] {
        assert!(q[key].is_number(), "queues.support.{key} missing in {q}");
    }
    let offered = q["offered"].as_u64().unwrap();
    // 1,140 an hour for 8 hours: a Poisson count far inside ±5 %.
    assert!((8_600..=9_640).contains(&offered), "offered {offered}");
    assert_eq!(
        offered,
        q["answered"].as_u64().unwrap() + q["abandoned"].as_u64().unwrap()
    );
    let occ = json["groups"]["tier1"]["occupancy"].as_f64().unwrap();
    assert!(occ > 0.8 && occ < 1.0, "occupancy {occ}");
    // events = arrivals + completions + abandonments (the peers' definition).
    assert_eq!(
        json["events"].as_u64().unwrap(),
        offered + q["handled"].as_u64().unwrap() + q["abandoned"].as_u64().unwrap()
    );

    let again = simulate(&[&file, "--format", "json"]);
    assert_eq!(
        out.stdout, again.stdout,
        "same file and seed: byte-identical"
    );
    let other = simulate(&[&file, "--format", "json", "--seed", "2"]);
    assert!(other.status.success());
    assert_ne!(out.stdout, other.stdout, "--seed overrides the file's seed");
}

#[test]
fn the_table_and_intervals_render() {
    let out = simulate(&[
        &example("support-day.toml"),
        "--format",
        "table",
        "--intervals",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("support"), "{text}");
    assert!(text.contains("tier1"), "{text}");
}

#[test]
fn a_bad_scenario_names_the_line_and_key_and_exits_2() {
    let good = std::fs::read_to_string(example("support-day.toml")).unwrap();
    let cases = [
        (
            "negative-rate.toml",
            good.replace("rate_per_hour = 1140", "rate_per_hour = -5"),
            "arrivals[0].rate_per_hour",
        ),
        (
            "unknown-key.toml",
            good.replace("count = 100", "count = 100\ncolour = \"red\""),
            "colour",
        ),
        (
            "text-count.toml",
            good.replace("count = 100", "count = \"many\""),
            "count",
        ),
        (
            "bad-dist.toml",
            good.replace(
                "dist = \"exponential\", mean_s = 300",
                "dist = \"gamma\", mean_s = 300",
            ),
            "handle_time",
        ),
        (
            "no-such-queue.toml",
            good.replace("queue = \"support\"", "queue = \"sales\""),
            "sales",
        ),
    ];
    for (name, text, key) in cases {
        assert_ne!(text, good, "{name}: the edit did not apply");
        let path = temp_file(name, &text);
        let out = simulate(&[&path]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: nothing printed on stdout");
        assert!(err.contains(name), "{name}: the file is named: {err}");
        assert!(err.contains(key), "{name}: the key {key} is named: {err}");
        // file:line:col
        let after = err.split(name).nth(1).unwrap_or("");
        let line: String = after
            .chars()
            .skip(1)
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(
            !line.is_empty(),
            "{name}: a line number follows the file: {err}"
        );
    }
    let missing = simulate(&["/nonexistent/day.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/day.toml"));
}
