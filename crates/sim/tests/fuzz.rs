//! Fuzz target: simulation scenarios. Any text, and scenarios put together
//! from their own keys in any order, load or give an error naming the file,
//! line and key, never a panic; one that loads also runs a short day
//! without breaking an invariant it is not meant to. Runs on stable Rust
//! with proptest (`PROPTEST_CASES` for more inputs; failures are kept in
//! `proptest-regressions/`).

use proptest::prelude::*;
use sim::{Options, Scenario};

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("duration_s = 600\n".to_string()),
        Just("duration_s = -1\n".to_string()),
        Just("warmup_s = 1e300\n".to_string()),
        Just("time_zone = \"Mars/Olympus\"\n".to_string()),
        Just("[[queue]]\nname = \"q\"\n".to_string()),
        Just("[[arrivals]]\nqueue = \"q\"\nrate_per_hour = 60\nhandle_time = { dist = \"exponential\", mean_s = 60 }\n".to_string()),
        Just("[[arrivals]]\nrate_per_hour = 1e12\nhandle_time = { dist = \"lognormal\", mean_s = 0, cv = -1 }\n".to_string()),
        Just("[[agents]]\ngroup = \"g\"\ncount = 3\n".to_string()),
        Just("[[agents]]\ngroup = \"g\"\ncount = 4294967295\n".to_string()),
        Just("skills = { q = 5 }\n".to_string()),
        Just("[[campaign]]\nname = \"c\"\nmode = \"power\"\nagents = \"g\"\ncontacts = 10\n".to_string()),
        Just("[campaign.population]\nlive_answer = 0.5\nbusy = 0.5\nno_answer = 0\nmachine = 0\nfailed = 0\nring_time = { dist = \"fixed\", s = 5 }\ntalk_time = { dist = \"fixed\", s = 30 }\n".to_string()),
        "[a-z_]{1,12} = [0-9\"\\[\\]{}.,-]{0,12}\n",
        "\\PC{0,16}",
    ]
}

fn load_and_run(text: &str) {
    if let Ok(sc) = Scenario::from_text("fuzz.toml", text, None)
        && sc.duration_ms <= 3_600_000
        && sc.groups.iter().map(|g| u64::from(g.count)).sum::<u64>() <= 50
    {
        let _ = sim::run(&sc, "fuzz.toml", &Options::default());
    }
}

proptest! {
    #[test]
    fn any_text_is_a_scenario_or_an_error(text in "\\PC{0,300}") {
        load_and_run(&text);
    }

    #[test]
    fn pieces_of_scenarios_in_any_order_load_or_say_why(
        pieces in proptest::collection::vec(piece(), 0..16)
    ) {
        load_and_run(&pieces.concat());
    }
}
