//! Every row of `staffing_expected.csv` (9,600 Erlang C rows) and `staffing_erlang_a_expected.csv`
//! (96 Erlang A rows): agents exactly, service level, occupancy and abandon rate to 1e-6.

mod common;

use common::{Row, num, read_csv};
use wfm::staffing::{StaffingRequest, staff};

fn request(row: &Row) -> StaffingRequest {
    let optional = |column: &str| {
        row.get(column)
            .filter(|text| !text.is_empty())
            .map(|_| num(row, column))
    };
    StaffingRequest {
        calls: num(row, "calls"),
        aht_s: num(row, "aht_s"),
        interval_s: num(row, "interval_s"),
        sl_target: num(row, "sl_target"),
        sl_seconds: num(row, "sl_seconds"),
        max_occupancy: num(row, "max_occupancy"),
        patience_s: optional("patience_s"),
        shrinkage: optional("shrinkage"),
    }
}

fn check_all(file: &str, expected_rows: usize) {
    let rows = read_csv(file);
    assert_eq!(rows.len(), expected_rows, "{file}");
    let mut mismatches = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        let s = staff(&request(row)).unwrap_or_else(|e| panic!("{file} line {line}: {e}"));
        let agents = num(row, "agents") as u32;
        if s.agents != agents {
            mismatches.push(format!("line {line}: ours {} expected {agents}", s.agents));
            continue;
        }
        let close = |what: &str, ours: f64, column: &str| {
            let expected = num(row, column);
            assert!(
                (ours - expected).abs() <= 1e-6,
                "{file} line {line} {what}: ours {ours}, expected {expected}"
            );
        };
        close("service level", s.service_level, "service_level");
        close("occupancy", s.occupancy, "occupancy");
        match row["abandon_rate"].as_str() {
            "" => assert_eq!(s.abandon_rate, None, "{file} line {line}"),
            _ => close("abandon rate", s.abandon_rate.unwrap(), "abandon_rate"),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{file}: {} agent counts differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn erlang_c_staffing_reproduces_all_9600_reference_rows() {
    check_all("staffing_expected.csv", 9600);
}

#[test]
fn erlang_a_staffing_reproduces_all_96_reference_rows() {
    check_all("staffing_erlang_a_expected.csv", 96);
}

#[test]
fn the_reference_contains_the_exact_occupancy_ties() {
    // The ties are the hard part of the file: make sure the test above really covers some.
    let ties = read_csv("staffing_expected.csv")
        .iter()
        .filter(|row| {
            let (calls, aht, interval) =
                (num(row, "calls"), num(row, "aht_s"), num(row, "interval_s"));
            row["max_occupancy"] == "0.85" && (calls * aht * 100.0) % (interval * 85.0) == 0.0
        })
        .count();
    assert!(ties >= 10, "only {ties} ties");
}
