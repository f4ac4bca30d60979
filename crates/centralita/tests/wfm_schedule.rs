//! `centralita schedule` end to end, including the issue's benchmark case: 2 weeks, 300 agents,
//! 4 queues, generated here (set `CENTRALITA_WRITE_EXAMPLES=1` to also write it to
//! `examples/planning/large/` for timing with a release build).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_centralita"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("centralita-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const QUEUES: [(&str, f64); 4] = [
    ("sales", 0.34),
    ("support", 0.36),
    ("billing", 0.18),
    ("vip", 0.12),
];

/// Required agents per interval: open 07:00–22:00, a morning and an afternoon peak, weekends at
/// half, a little deterministic noise; scaled to `agent_hours_week` a week over all queues.
fn large_requirements(first: NaiveDate, days: u32, agent_hours_week: f64) -> String {
    let mut seed: u64 = 0x5eed;
    let mut noise = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        0.9 + 0.2 * ((seed >> 33) as f64 / (1u64 << 31) as f64)
    };
    let curve = |slot: u32| -> f64 {
        let h = f64::from(slot) / 2.0 + 0.25;
        if !(7.0..22.0).contains(&h) {
            return 0.0;
        }
        let hump = |mu: f64, sd: f64| (-(h - mu).powi(2) / (2.0 * sd * sd)).exp();
        0.25 + hump(11.0, 1.8) + 0.8 * hump(16.0, 2.2)
    };
    let mut raw = Vec::new();
    for d in 0..days {
        let date = first + TimeDelta::days(i64::from(d));
        let weekend = date.weekday().num_days_from_monday() >= 5;
        for slot in 0..48 {
            for (q, share) in QUEUES {
                let v = curve(slot) * share * if weekend { 0.5 } else { 1.0 } * noise();
                raw.push((
                    date.and_hms_opt(slot / 2, 30 * (slot % 2), 0).unwrap(),
                    q,
                    v,
                ));
            }
        }
    }
    let total: f64 = raw.iter().map(|r| r.2).sum::<f64>() * 0.5; // agent-hours
    let scale = agent_hours_week * f64::from(days) / 7.0 / total;
    let mut csv = String::from("interval_start,queue,agents\n");
    for (t, q, v) in raw {
        let _ = writeln!(
            csv,
            "{},{q},{}",
            t.format("%Y-%m-%dT%H:%M:%S"),
            (v * scale).round()
        );
    }
    csv
}

const LARGE_RULES: &str = r#"
step_min = 15
min_rest_h = 11
max_days_in_row = 5

[[shift]]
name = "early"
length_min = 510
start_earliest = "06:30"
start_latest = "10:00"
start_every_min = 30
[[shift.break]]
name = "break"
length_min = 15
after_min = 90
before_min = 180
paid = true
[[shift.break]]
name = "lunch"
length_min = 30
after_min = 210
before_min = 300
[[shift.break]]
name = "break"
length_min = 15
after_min = 360
before_min = 450
paid = true

[[shift]]
name = "late"
length_min = 510
start_earliest = "11:30"
start_latest = "13:30"
start_every_min = 30
[[shift.break]]
name = "break"
length_min = 15
after_min = 90
before_min = 180
paid = true
[[shift.break]]
name = "dinner"
length_min = 30
after_min = 210
before_min = 300
[[shift.break]]
name = "break"
length_min = 15
after_min = 360
before_min = 450
paid = true

[[shift]]
name = "part"
length_min = 255
start_earliest = "07:00"
start_latest = "17:30"
start_every_min = 30
[[shift.break]]
name = "break"
length_min = 15
after_min = 90
before_min = 180
paid = true

[[agent]]
id = "sales"
count = 60
skills = ["sales"]
contract_h_week = 40
hourly_cost = 19.0
shifts = ["early", "late"]

[[agent]]
id = "support"
count = 50
skills = ["support"]
contract_h_week = 40
hourly_cost = 20.0
shifts = ["early", "late"]
days_off = ["Sun"]

[[agent]]
id = "billing"
count = 25
skills = ["billing"]
contract_h_week = 40
hourly_cost = 22.0
shifts = ["early", "late"]
available_from = "07:00"
available_until = "20:00"

[[agent]]
id = "vip"
count = 15
skills = ["vip"]
contract_h_week = 40
hourly_cost = 26.0
shifts = ["early", "late"]
unavailable = ["2026-03-19"]

[[agent]]
id = "sales-support"
count = 40
skills = ["sales", "support"]
contract_h_week = 40
hourly_cost = 21.0
shifts = ["early", "late"]

[[agent]]
id = "back-office"
count = 20
skills = ["billing", "vip", "support"]
contract_h_week = 40
hourly_cost = 24.0
shifts = ["early", "late"]
days_off = ["Sat", "Sun"]

[[agent]]
id = "pt-sales"
count = 40
skills = ["sales"]
contract_h_week = 17
hourly_cost = 18.0
shifts = ["part"]

[[agent]]
id = "pt-support"
count = 30
skills = ["support", "billing"]
contract_h_week = 17
hourly_cost = 18.5
shifts = ["part"]

[[agent]]
id = "flex"
count = 20
skills = ["sales", "support", "billing", "vip"]
min_h_week = 30
max_h_week = 40
hourly_cost = 25.0
"#;

/// One output shift: agent, start, end, paid hours.
struct OutShift {
    agent: String,
    start: NaiveDateTime,
    end: NaiveDateTime,
    paid_h: f64,
}

fn read_shifts(path: &Path) -> Vec<OutShift> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("agent,date,shift,start,end,paid_h,breaks")
    );
    let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap();
    lines
        .map(|l| {
            let f: Vec<&str> = l.splitn(7, ',').collect();
            OutShift {
                agent: f[0].to_string(),
                start: t(f[3]),
                end: t(f[4]),
                paid_h: f[5].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn two_weeks_300_agents_4_queues_are_scheduled_within_the_rules() {
    let dir = temp_dir("schedule-large");
    let first = NaiveDate::from_ymd_opt(2026, 3, 16).unwrap();
    // About 93 % of what the agents' contracts can work on the phones.
    let requirements = large_requirements(first, 14, 9_000.0);
    std::fs::write(dir.join("requirements.csv"), &requirements).unwrap();
    std::fs::write(dir.join("rules.toml"), LARGE_RULES).unwrap();
    if std::env::var_os("CENTRALITA_WRITE_EXAMPLES").is_some() {
        let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/planning/large");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("requirements.csv"), &requirements).unwrap();
        std::fs::write(out.join("rules.toml"), LARGE_RULES.trim_start()).unwrap();
    }
    let out = bin()
        .args(["schedule", "--requirements"])
        .arg(dir.join("requirements.csv"))
        .arg("--rules")
        .arg(dir.join("rules.toml"))
        .arg("--output")
        .arg(dir.join("shifts.csv"))
        .arg("--coverage")
        .arg(dir.join("coverage.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("computed in"), "{stderr}");
    assert!(stderr.contains("300 agents, 4 queues, 14 days"), "{stderr}");
    println!("{stderr}");

    // The rules, checked again here from the output file alone.
    let shifts = read_shifts(&dir.join("shifts.csv"));
    let mut by_agent: BTreeMap<&str, Vec<&OutShift>> = BTreeMap::new();
    for s in &shifts {
        by_agent.entry(&s.agent).or_default().push(s);
    }
    assert_eq!(by_agent.len(), 300, "every agent works");
    for (agent, list) in &mut by_agent {
        list.sort_by_key(|s| s.start);
        for pair in list.windows(2) {
            let rest = pair[1].start - pair[0].end;
            assert!(rest >= TimeDelta::hours(11), "{agent}: {rest} of rest");
        }
        let days: Vec<i64> = list
            .iter()
            .map(|s| (s.start.date() - first).num_days())
            .collect();
        let mut run = 1;
        for w in days.windows(2) {
            run = if w[1] == w[0] + 1 { run + 1 } else { 1 };
            assert!(run <= 5, "{agent}: {run} days in a row");
        }
        for week in 0..2 {
            let paid: f64 = list
                .iter()
                .filter(|s| (s.start.date() - first).num_days() / 7 == week)
                .map(|s| s.paid_h)
                .sum();
            let max = if agent.starts_with("pt-") { 17.0 } else { 40.0 };
            assert!(
                paid <= max + 1e-9,
                "{agent}: {paid} paid hours in week {week}"
            );
        }
        if agent.starts_with("support-") {
            assert!(
                list.iter()
                    .all(|s| s.start.date().weekday() != chrono::Weekday::Sun)
            );
        }
        if agent.starts_with("vip-") {
            assert!(
                list.iter()
                    .all(|s| s.start.date() != NaiveDate::from_ymd_opt(2026, 3, 19).unwrap())
            );
        }
    }

    // Coverage: read the totals from the report.
    let figure = |name: &str| -> f64 {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name}"));
        line.split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap()
    };
    let coverage = figure("coverage of the requirement");
    let under = figure("understaffed agent-hours");
    let required = figure("required agent-hours");
    println!("coverage {coverage} %, under {under} of {required} agent-hours");
    assert!(required > 17_000.0 && required < 19_000.0, "{required}");
    // The agents can work ~9,700 agent-hours a week against 9,000 required, but not every hour
    // is where it is needed (opening hours, skills, shift shapes); 97 % is a high bar for that.
    assert!(coverage >= 97.0, "coverage {coverage} %");
    let cov = std::fs::read_to_string(dir.join("coverage.csv")).unwrap();
    assert_eq!(cov.lines().count(), 1 + 14 * 48 * 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_rules_name_the_problem_and_write_nothing() {
    let dir = temp_dir("schedule-bad");
    std::fs::write(
        dir.join("req.csv"),
        "interval_start,queue,agents\n2026-03-16T09:00:00,sales,2\n",
    )
    .unwrap();
    let rules = LARGE_RULES.replace("start_latest = \"13:30\"", "start_latest = \"13:37\"");
    std::fs::write(dir.join("rules.toml"), rules).unwrap();
    let out = bin()
        .args(["schedule", "--requirements"])
        .arg(dir.join("req.csv"))
        .arg("--rules")
        .arg(dir.join("rules.toml"))
        .arg("--output")
        .arg(dir.join("shifts.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("shift \"late\": start_latest"), "{stderr}");
    assert!(!dir.join("shifts.csv").exists());

    std::fs::write(
        dir.join("req.csv"),
        "interval_start,queue,agents\n2026-03-16T09:00:00,sales,-2\n",
    )
    .unwrap();
    std::fs::write(dir.join("rules.toml"), LARGE_RULES).unwrap();
    let out = bin()
        .args(["schedule", "--requirements"])
        .arg(dir.join("req.csv"))
        .arg("--rules")
        .arg(dir.join("rules.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2, column `agents`"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
