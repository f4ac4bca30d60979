//! The forecasting goal on `reference/forecast_*`: WAPE at most 1.1 × the
//! floor in `forecast_truth.json`, and at least 40 % below "same interval last week".

mod common;

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use common::{num, read_csv, reference};
use wfm::forecast::{HistoryPoint, SameIntervalLastWeek, SpecialDays, accuracy, forecast_queue};

fn time(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").expect("a timestamp")
}

fn truth(key: &str) -> f64 {
    let text = std::fs::read_to_string(reference("forecast_truth.json")).unwrap();
    let at = text
        .find(&format!("\"{key}\""))
        .unwrap_or_else(|| panic!("no {key}"));
    let rest = &text[at + key.len() + 2..];
    let rest = rest[rest.find(':').unwrap() + 1..].trim_start();
    let end = rest.find([',', '\n', '}']).unwrap();
    rest[..end].trim().parse().unwrap()
}

#[test]
fn forecast_meets_the_goal_on_the_reference_series() {
    let mut history: BTreeMap<String, Vec<HistoryPoint>> = BTreeMap::new();
    for row in read_csv("forecast_history.csv") {
        history
            .entry(row["queue"].clone())
            .or_default()
            .push(HistoryPoint {
                start: time(&row["interval_start"]),
                calls: num(&row, "calls"),
                aht_s: Some(num(&row, "aht_s")),
            });
    }
    let mut special = SpecialDays::new();
    for row in read_csv("forecast_special_days.csv") {
        let date = NaiveDate::parse_from_str(&row["date"], "%Y-%m-%d").unwrap();
        special.insert(date, &row["label"]).unwrap();
    }
    let actual = read_csv("forecast_actual.csv");
    let until = actual
        .iter()
        .map(|r| time(&r["interval_start"]))
        .max()
        .unwrap()
        + TimeDelta::minutes(30);

    let mut ours = Vec::new();
    let mut naive = Vec::new();
    for (queue, points) in &history {
        let f = forecast_queue(points, &special, until).unwrap();
        let by_time: BTreeMap<NaiveDateTime, f64> =
            f.points.iter().map(|p| (p.start, p.calls)).collect();
        let last_week = SameIntervalLastWeek::new(points).unwrap();
        for row in actual.iter().filter(|r| &r["queue"] == queue) {
            let t = time(&row["interval_start"]);
            let a = num(row, "calls");
            ours.push((by_time[&t], a));
            naive.push((last_week.predict(t).unwrap(), a));
        }
        // The holiday in the horizon is forecast at the holiday level.
        let h = &f.model.special[0];
        assert_eq!((h.label.as_str(), h.history_days), ("holiday", 2));
        assert!(h.factor > 0.2 && h.factor < 0.4, "{h:?}");
    }
    assert_eq!(ours.len(), truth("horizon_rows") as usize);
    let ours = accuracy(&ours).unwrap();
    let naive = accuracy(&naive).unwrap();
    let floor = truth("wape_floor_true_rates");
    // Our "same interval last week" is the reference's seasonal naive, to the digit.
    assert!(
        (naive.wape - truth("wape_seasonal_naive")).abs() < 1e-12,
        "{naive:?}"
    );
    println!(
        "WAPE ours {:.4}, floor {floor:.4} (ratio {:.3}), last week {:.4} ({:.0} % lower)",
        ours.wape,
        ours.wape / floor,
        naive.wape,
        (1.0 - ours.wape / naive.wape) * 100.0
    );
    assert!(
        ours.wape <= 1.1 * floor,
        "WAPE {} above 1.1 × floor {floor}",
        ours.wape
    );
    assert!(
        ours.wape <= 0.6 * naive.wape,
        "WAPE {} not 40 % below {}",
        ours.wape,
        naive.wape
    );
}
