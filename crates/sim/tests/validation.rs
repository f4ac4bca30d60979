//! The simulator against queueing theory: on one-queue M/M/n+M and M/M/n days, the figures of
//! many independent replications agree with the Erlang A and Erlang C closed forms of `wfm`
//! (themselves checked against `reference/erlang_reference.csv` in `wfm`'s tests),
//! within the 99 % confidence interval of the replications' mean.
//!
//! Each replication is a different seed of the same scenario; the first hour is warm-up (left
//! out of the figures) so the empty start does not bias the steady state.

use sim::{Options, Report, Scenario};

/// Replications per check.
const REPLICATIONS: usize = 160;
/// Student's t, 0.995 quantile, 159 degrees of freedom (a two-sided 99 % interval for 160 runs).
const T_995_159: f64 = 2.6071;

/// One queue, one group, exponential handle time (and patience when given).
fn scenario(agents: u32, erlangs: f64, aht_s: f64, patience_s: Option<f64>) -> Scenario {
    let rate_per_hour = erlangs / aht_s * 3600.0;
    let patience = match patience_s {
        Some(p) => format!("patience = {{ dist = \"exponential\", mean_s = {p} }}"),
        None => String::new(),
    };
    let text = format!(
        r#"
duration_s = 25200
warmup_s = 3600
interval_s = 1800
seed = 1
[[queue]]
name = "line"
sl_seconds = 20
sl_target = 0.8
wrap_up_s = 0
[[arrivals]]
queue = "line"
rate_per_hour = {rate_per_hour}
handle_time = {{ dist = "exponential", mean_s = {aht_s} }}
{patience}
[[agents]]
group = "agents"
count = {agents}
skills = {{ line = 5 }}
"#
    );
    Scenario::from_text("validation.toml", &text, None).expect("the validation scenario is valid")
}

fn replicate(sc: &Scenario) -> Vec<Report> {
    (0..REPLICATIONS as u64)
        .map(|i| {
            let opts = Options {
                seed: Some(1_000 + i),
                ..Options::default()
            };
            sim::run(sc, "validation.toml", &opts).expect("no invariant breaks")
        })
        .collect()
}

/// The replications' mean of one figure and the half-width of its 99 % interval.
fn interval(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T_995_159 * (var / n).sqrt())
}

/// A figure's name, how to read it off a report, and its closed-form value.
type Expected<'a> = (&'a str, fn(&Report) -> f64, f64);

/// Checks every figure; collects all misses so one failure shows them all.
fn check(label: &str, runs: &[Report], expected: &[Expected<'_>]) {
    let mut misses = Vec::new();
    for (name, get, theory) in expected {
        let values: Vec<f64> = runs.iter().map(get).collect();
        let (mean, half) = interval(&values);
        let line = format!(
            "{label} {name}: simulated {mean:.5} ± {half:.5} (99 %), closed form {theory:.5}"
        );
        println!("{line}");
        assert!(
            half > 0.0,
            "{label} {name}: the replications do not vary: {values:?}"
        );
        if (mean - theory).abs() > half {
            misses.push(line);
        }
    }
    assert!(
        misses.is_empty(),
        "outside the 99 % interval:\n{}",
        misses.join("\n")
    );
}

fn queue(r: &Report) -> &sim::kpi::QueueReport {
    &r.queues["line"]
}

#[test]
fn erlang_a_agrees_with_simulation() {
    let (agents, erlangs, aht, patience) = (30, 29.0, 240.0, 180.0);
    let runs = replicate(&scenario(agents, erlangs, aht, Some(patience)));
    let a = wfm::erlang::erlang_a(agents, erlangs / aht, aht, patience, 20.0);
    check(
        "M/M/30+M at 29 E",
        &runs,
        &[
            ("service_level", |r| queue(r).service_level, a.service_level),
            ("abandon_rate", |r| queue(r).abandon_rate, a.p_abandon),
            ("asa_s", |r| queue(r).asa_s, a.asa_s),
            ("occupancy", |r| r.groups["agents"].occupancy, a.occupancy),
        ],
    );
    // The day really abandons and waits, or the check above would be a weak one.
    assert!(a.p_abandon > 0.02 && a.service_level < 0.9, "{a:?}");
}

#[test]
fn erlang_a_overloaded_agrees_with_simulation() {
    // More offered load than agents: only abandonment keeps the queue finite.
    let (agents, erlangs, aht, patience) = (20, 24.0, 180.0, 90.0);
    let runs = replicate(&scenario(agents, erlangs, aht, Some(patience)));
    let a = wfm::erlang::erlang_a(agents, erlangs / aht, aht, patience, 20.0);
    check(
        "M/M/20+M at 24 E",
        &runs,
        &[
            ("service_level", |r| queue(r).service_level, a.service_level),
            ("abandon_rate", |r| queue(r).abandon_rate, a.p_abandon),
            ("asa_s", |r| queue(r).asa_s, a.asa_s),
            ("occupancy", |r| r.groups["agents"].occupancy, a.occupancy),
        ],
    );
    assert!(a.p_abandon > 0.1, "{a:?}");
}

#[test]
fn erlang_c_agrees_with_simulation() {
    let (agents, erlangs, aht) = (30, 26.0, 240.0);
    let runs = replicate(&scenario(agents, erlangs, aht, None));
    let c = wfm::erlang::erlang_c(agents, erlangs, aht, 20.0);
    check(
        "M/M/30 at 26 E",
        &runs,
        &[
            ("service_level", |r| queue(r).service_level, c.service_level),
            ("asa_s", |r| queue(r).asa_s, c.asa_s),
            ("occupancy", |r| r.groups["agents"].occupancy, c.occupancy),
        ],
    );
    for r in &runs {
        assert_eq!(queue(r).abandoned, 0, "nobody abandons without patience");
        assert_eq!(queue(r).answered, queue(r).offered);
    }
    assert!(c.p_wait > 0.3, "{c:?}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_day() {
    let sc = scenario(30, 29.0, 240.0, Some(180.0));
    let run = |seed| {
        let opts = Options {
            seed: Some(seed),
            intervals: true,
            ..Options::default()
        };
        serde_json::to_string(&sim::run(&sc, "validation.toml", &opts).unwrap()).unwrap()
    };
    let (a, b, c) = (run(7), run(7), run(8));
    assert_eq!(a, b, "the same seed must give byte-identical reports");
    assert_ne!(a, c, "another seed must give another day");
}

/// Agents who take `answer_s` to pick up: every answered caller waits at
/// least that long; with 0 (auto-answer, the default) an idle line answers
/// on arrival. Plenty of agents, so nobody queues for another reason.
#[test]
fn the_answer_time_is_part_of_every_wait_and_zero_is_auto_answer() {
    let day = |answer: &str| {
        let text = format!(
            r#"
duration_s = 7200
seed = 3
[[queue]]
name = "line"
sl_seconds = 5
[[arrivals]]
queue = "line"
rate_per_hour = 120
handle_time = {{ dist = "exponential", mean_s = 120 }}
[[agents]]
group = "agents"
count = 40
skills = {{ line = 5 }}
{answer}
"#
        );
        let sc = Scenario::from_text("answer.toml", &text, None).expect("valid");
        sim::run(&sc, "answer.toml", &Options::default()).expect("no invariant breaks")
    };
    let auto = day("");
    let q = queue(&auto);
    assert!(q.answered > 150, "{q:?}");
    assert_eq!(q.asa_s, 0.0, "{q:?}");
    assert_eq!(q.service_level, 1.0, "{q:?}");
    let slow = day("answer_s = 8");
    let q = queue(&slow);
    assert!(q.answered > 150, "{q:?}");
    assert_eq!(
        q.asa_s, 8.0,
        "every caller waits the 8 s it takes to answer: {q:?}"
    );
    assert_eq!(q.max_wait_s, 8.0, "{q:?}");
    assert_eq!(q.service_level, 0.0, "8 s is over the 5 s threshold: {q:?}");
}
