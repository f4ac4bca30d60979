//! Outbound campaigns in the simulator: the real dialer and routing engines
//! on the virtual clock, checked for determinism, the abandon cap, each
//! pacing mode's character, skipped contacts and bad keys.

use sim::{Options, Report, Scenario, run};

/// A scenario with one campaign of `agents` agents for `hours`.
fn scenario(mode: &str, agents: u32, hours: f64, contacts: u64, live: f64) -> String {
    let rest = 1.0 - live;
    let ratio = match mode {
        "power" => "ratio = 1.5\n".to_string(),
        m if m.starts_with("power ") => format!("ratio = {}\n", &m[6..]),
        _ => String::new(),
    };
    let mode = mode.split(' ').next().unwrap_or(mode);
    format!(
        r#"duration_s = {duration}
start = "2026-01-05T09:00:00"
time_zone = "America/New_York"

[[agents]]
group = "outbound"
count = {agents}

[[campaign]]
name = "renewals"
mode = "{mode}"
{ratio}agents = "outbound"
contacts = {contacts}
max_abandon_rate = 0.03

[campaign.population]
live_answer = {live}
busy = {busy}
no_answer = {no_answer}
machine = {machine}
failed = {failed}
ring_time = {{ dist = "lognormal", mean_s = 12, cv = 0.5 }}
talk_time = {{ dist = "lognormal", mean_s = 180, cv = 0.8 }}
wrap_s = 20
"#,
        duration = hours * 3600.0,
        busy = rest * 0.15,
        no_answer = rest * 0.6,
        machine = rest * 0.15,
        failed = rest - rest * 0.15 - rest * 0.6 - rest * 0.15,
    )
}

fn simulate(text: &str, seed: u64) -> Report {
    let sc = Scenario::from_text("test.toml", text, None).expect("the scenario loads");
    let opts = Options {
        seed: Some(seed),
        ..Options::default()
    };
    run(&sc, "test.toml", &opts).unwrap_or_else(|e| panic!("seed {seed}: {e}"))
}

#[test]
fn same_seed_gives_byte_identical_reports() {
    let text = scenario("predictive", 8, 1.0, 2000, 0.3);
    let a = serde_json::to_string(&simulate(&text, 7)).unwrap();
    let b = serde_json::to_string(&simulate(&text, 7)).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&simulate(&text, 8)).unwrap();
    assert_ne!(a, c, "another seed should give another day");
}

fn campaign(r: &Report) -> &sim::kpi::CampaignReport {
    &r.campaigns["renewals"]
}

#[test]
fn predictive_stays_under_the_cap_on_every_seed_and_beats_progressive() {
    let (mut pred_occ, mut prog_occ) = (0.0, 0.0);
    for seed in 1..=4 {
        let pred = simulate(&scenario("predictive", 10, 2.0, 4000, 0.3), seed);
        let prog = simulate(&scenario("progressive", 10, 2.0, 4000, 0.3), seed);
        let (p, q) = (campaign(&pred), campaign(&prog));
        assert!(
            p.live_answers > 200,
            "seed {seed}: too small a day to mean anything"
        );
        assert!(
            p.abandon_rate <= 0.03 && p.max_daily_abandon_rate <= 0.03,
            "seed {seed}: predictive abandoned {} of {}",
            p.abandoned,
            p.live_answers
        );
        pred_occ += p.occupancy;
        prog_occ += q.occupancy;
    }
    assert!(
        pred_occ > prog_occ + 0.1,
        "predictive ({}) should keep agents busier than progressive ({}) over 4 seeds",
        pred_occ / 4.0,
        prog_occ / 4.0
    );
}

#[test]
fn predictive_holds_the_cap_with_a_low_answer_rate() {
    for seed in 1..=2 {
        let r = simulate(&scenario("predictive", 20, 1.5, 8000, 0.15), seed);
        let c = campaign(&r);
        assert!(c.live_answers > 150);
        assert!(c.abandon_rate <= 0.03, "seed {seed}: {}", c.abandon_rate);
    }
}

#[test]
fn progressive_and_preview_never_abandon_a_call() {
    for seed in 1..=3 {
        for mode in ["progressive", "preview"] {
            let r = simulate(&scenario(mode, 10, 2.0, 4000, 0.3), seed);
            let c = campaign(&r);
            assert!(c.live_answers > 150, "seed {seed} {mode}: too small a day");
            assert_eq!(
                c.abandoned, 0,
                "seed {seed} {mode}: a reserved agent missed a call"
            );
            assert_eq!(c.connected, c.live_answers, "seed {seed} {mode}");
            // One line per free agent: never more calls connected per hour than agents can talk.
            assert!(c.occupancy < 0.9, "seed {seed} {mode}: {}", c.occupancy);
        }
    }
}

#[test]
fn power_dials_more_with_a_higher_ratio() {
    let low = simulate(&scenario("power 1.0", 10, 2.0, 4000, 0.3), 1);
    let high = simulate(&scenario("power 2.5", 10, 2.0, 4000, 0.3), 1);
    let (l, h) = (campaign(&low), campaign(&high));
    assert!(h.dials > l.dials, "{} vs {}", h.dials, l.dials);
    assert!(
        h.abandoned > l.abandoned,
        "{} vs {}",
        h.abandoned,
        l.abandoned
    );
    assert!(
        h.occupancy > l.occupancy,
        "{} vs {}",
        h.occupancy,
        l.occupancy
    );
    // At the cap the dialer falls back to reserved lines, so even 2.5 lines per
    // agent cannot run far past it over the day.
    assert!(h.abandon_rate < 0.06, "{}", h.abandon_rate);
}

#[test]
fn every_contact_is_reached_exhausted_or_pending_and_none_is_skipped() {
    // A short list that runs out: every contact is tried during the day.
    let r = simulate(&scenario("predictive", 10, 4.0, 400, 0.3), 3);
    let c = campaign(&r);
    assert_eq!(c.contacts_untried, 0, "the list should run out in 4 h");
    assert_eq!(
        c.contacts_reached + c.contacts_exhausted + c.contacts_pending,
        400
    );
    assert_eq!(c.contacts_done, c.contacts_reached + c.contacts_exhausted);
    assert_eq!(
        c.contacts_reached, c.connected,
        "each connected call closes its contact"
    );
    assert!(
        c.contacts_pending > 0,
        "retries after the day are still pending"
    );
    assert!((c.penetration - c.contacts_done as f64 / 400.0).abs() < 1e-9);
    // Every live answer was connected or abandoned.
    assert_eq!(c.connected + c.abandoned, c.live_answers);
}

#[test]
fn outside_the_calling_window_nothing_is_dialled_and_contacts_wait() {
    // 20:00 to 22:00 in New York: the US window closes at 21:00.
    let text = scenario("progressive", 5, 2.0, 1000, 0.3)
        .replace("2026-01-05T09:00:00", "2026-01-05T20:00:00");
    let evening = simulate(&text, 1);
    let c = campaign(&evening);
    assert!(c.dials > 0, "the first hour is inside the window");
    assert!(c.blocked > 0, "after 21:00 the gate denies");
    let full = simulate(&scenario("progressive", 5, 2.0, 1000, 0.3), 1);
    assert!(
        c.dials < campaign(&full).dials * 3 / 4,
        "{} dials in the evening vs {} by day",
        c.dials,
        campaign(&full).dials
    );
}

#[test]
fn a_blended_group_takes_inbound_calls_and_the_campaign() {
    let text = format!(
        "{}\n[[queue]]\nname = \"support\"\n\n[[arrivals]]\nqueue = \"support\"\nrate_per_hour = 60\nhandle_time = {{ dist = \"exponential\", mean_s = 240 }}\n",
        scenario("predictive", 10, 1.0, 2000, 0.3)
    )
    .replace("count = 10", "count = 10\nskills = { support = 5 }");
    let r = simulate(&text, 2);
    let c = campaign(&r);
    assert!(r.queues["support"].answered > 20);
    assert!(c.connected > 20);
    assert!(c.abandon_rate <= 0.03, "{}", c.abandon_rate);
}

#[test]
fn through_the_tenant_core_a_waiting_caller_takes_a_callback_beside_a_campaign() {
    // Inbound calls wait in a busy queue that offers a callback after 30 s;
    // every caller takes it. The callbacks keep their place and are handled
    // by the same agents as the campaign's calls, all through the core.
    let text = format!(
        "{}\n[[queue]]\nname = \"support\"\nmax_wait = {{ s = 30, then = \"callback\" }}\n\n[[arrivals]]\nqueue = \"support\"\nrate_per_hour = 200\naccept_callback = 1.0\nhandle_time = {{ dist = \"exponential\", mean_s = 240 }}\n",
        scenario("progressive", 10, 1.0, 500, 0.3)
    )
    .replace("count = 10", "count = 10\nskills = { support = 5 }");
    let r = simulate(&text, 3);
    let q = &r.queues["support"];
    assert!(q.callbacks > 20, "{q:?}");
    assert_eq!(
        r.unfinished, 0,
        "every callback was handled by the end of the day"
    );
    let c = campaign(&r);
    assert!(c.connected > 5, "{c:?}");
    // The agents handled the campaign's calls, and the callbacks besides.
    let handled = r.groups["outbound"].handled;
    assert!(
        handled >= c.connected + q.callbacks,
        "{handled} {c:?} {q:?}"
    );
    assert_eq!(c.abandoned, 0, "a progressive campaign abandons nothing");
}

fn load_error(text: &str) -> String {
    match Scenario::from_text("bad.toml", text, None) {
        Ok(_) => panic!("the scenario should not load"),
        Err(e) => e.to_string(),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn bad_campaign_keys_give_an_error_naming_line_and_key() {
    let good = scenario("predictive", 5, 1.0, 100, 0.3);
    let cases: [(&str, &str, &str, &str); 8] = [
        (
            "mode = \"predictive\"",
            "mode = \"turbo\"",
            "mode = \"turbo\"",
            "renewals\".mode",
        ),
        (
            "mode = \"predictive\"",
            "mode = \"power\"",
            "mode = \"power\"",
            "renewals\".ratio",
        ),
        (
            "agents = \"outbound\"",
            "agents = \"inbound\"",
            "agents = \"inbound\"",
            "renewals\".agents",
        ),
        (
            "max_abandon_rate = 0.03",
            "max_abandon_rate = 0.05",
            "max_abandon_rate",
            "renewals\".max_abandon_rate",
        ),
        (
            "contacts = 100",
            "contacts = 0",
            "contacts = 0",
            "renewals\".contacts",
        ),
        (
            "wrap_s = 20",
            "wrap_s = -4",
            "wrap_s = -4",
            "population.wrap_s",
        ),
        (
            "mean_s = 180, cv = 0.8",
            "mean_s = 180, cv = 0",
            "talk_time",
            "population.talk_time",
        ),
        (
            "contacts = 100",
            "contacts = 100\nratoi = 1.2",
            "ratoi",
            "ratoi",
        ),
    ];
    for (from, to, needle, key) in cases {
        let text = good.replacen(from, to, 1);
        assert_ne!(text, good, "{from} is in the scenario");
        let e = load_error(&text);
        let line = line_of(&text, needle);
        assert!(
            e.contains(&format!("bad.toml:{line}")),
            "{to}: {e} (expected line {line})"
        );
        assert!(e.contains(key), "{to}: {e} (expected the key {key})");
    }
    let shares = good.replacen("live_answer = 0.3", "live_answer = 0.5", 1);
    let e = load_error(&shares);
    assert!(e.contains("population") && e.contains("bad.toml:"), "{e}");
    let ratio = good.replacen("contacts = 100", "contacts = 100\nratio = 2.0", 1);
    let e = load_error(&ratio);
    assert!(
        e.contains("ratio") && e.contains(&format!("bad.toml:{}", line_of(&ratio, "ratio = 2.0"))),
        "{e}"
    );
}
