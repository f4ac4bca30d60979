//! Fuzz target: routing plans. Any text, and above all text made of the
//! plan language's own pieces in any order, is either a plan or an error
//! naming where it went wrong: never a panic. Runs on stable Rust with
//! proptest; `PROPTEST_CASES` sets how many inputs (CI's fuzz step runs
//! many more than the default), and a failing input is kept in
//! `proptest-regressions/` and replayed first ever after.

use proptest::prelude::*;
use routing::spec::{self, Names, PlanSpec, Source};

/// Pieces of the plan language, and some that break it.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[[queue]]\n".to_string()),
        Just("[[rule]]\n".to_string()),
        Just("[[queue.step]]\n".to_string()),
        Just("name = \"support\"\n".to_string()),
        Just("default_queue = \"support\"\n".to_string()),
        Just("when = { channel = [\"chat\"] }\n".to_string()),
        Just("then = { queue = \"support\" }\n".to_string()),
        Just("then = { action = \"callback\" }\n".to_string()),
        Just("after_s = 30\n".to_string()),
        Just("ring_timeout_s = -1\n".to_string()),
        Just("priority = -2147483648\n".to_string()),
        Just("max_wait = { s = 1e308, then = \"overflow:nowhere\" }\n".to_string()),
        Just("skills = { support = 300 }\n".to_string()),
        Just("hours = { mon = \"25:00-08:00\" }\n".to_string()),
        "[a-z_]{1,12} = [0-9\"\\[\\]{}.,-]{0,12}\n",
        "\\PC{0,16}",
    ]
}

fn compile(text: &str) {
    let src = Source { file: "fuzz", text };
    if let Ok(parsed) = spec::parse::<PlanSpec>(src) {
        let _ = spec::compile(src, &parsed, &mut Names::default());
    }
}

proptest! {
    #[test]
    fn any_text_is_a_plan_or_an_error(text in "\\PC{0,400}") {
        compile(&text);
    }

    #[test]
    fn pieces_of_plans_in_any_order_are_a_plan_or_an_error(
        pieces in proptest::collection::vec(piece(), 0..40)
    ) {
        compile(&pieces.concat());
    }
}
