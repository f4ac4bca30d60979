//! Every column of `reference/erlang_reference.csv` against our Erlang B, C and A.
//!
//! The reference rounds to 12 significant digits, so 1e-9 relative is a strict test.

mod common;

use common::{assert_close, num, read_csv};
use wfm::erlang::{erlang_a, erlang_a_tails, erlang_b, erlang_c};

const REL: f64 = 1e-9;
/// Probabilities near zero are compared absolutely below this size.
const FLOOR: f64 = 1e-12;

#[test]
fn erlang_b_and_c_match_every_reference_case() {
    let rows = read_csv("erlang_reference.csv");
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let id = &row["case_id"];
        let agents = num(row, "agents") as u32;
        let erlangs = num(row, "offered_erlangs");
        let aht_s = num(row, "aht_s");
        let t_s = num(row, "t_s");
        let b = erlang_b(agents, erlangs);
        assert_close(&format!("{id} B"), b, num(row, "erlangB_block"), REL, FLOOR);
        let c = erlang_c(agents, erlangs, aht_s, t_s);
        assert_close(
            &format!("{id} C p_wait"),
            c.p_wait,
            num(row, "erlangC_p_wait"),
            REL,
            FLOOR,
        );
        assert_close(
            &format!("{id} C sl"),
            c.service_level,
            num(row, "erlangC_sl"),
            REL,
            FLOOR,
        );
        assert_close(
            &format!("{id} C asa"),
            c.asa_s,
            num(row, "erlangC_asa_s"),
            REL,
            FLOOR,
        );
        assert_close(
            &format!("{id} C occupancy"),
            c.occupancy,
            num(row, "erlangC_occupancy"),
            REL,
            FLOOR,
        );
        assert!(c.p_wait <= 1.0, "{id}: P(wait) above 1");
    }
}

#[test]
fn pyworkforce_agrees_below_overload_and_exceeds_one_above() {
    // pyworkforce uses the same formula, so it is a second opinion where the queue is stable;
    // where agents ≤ load its P(wait) goes above 1, and ours stays at 1.
    for row in &read_csv("erlang_reference.csv") {
        let agents = num(row, "agents") as u32;
        let erlangs = num(row, "offered_erlangs");
        let c = erlang_c(agents, erlangs, num(row, "aht_s"), num(row, "t_s"));
        let theirs = num(row, "pyworkforce_p_wait");
        if f64::from(agents) > erlangs {
            assert_close(&row["case_id"], c.p_wait, theirs, 1e-9, FLOOR);
        } else {
            assert_eq!(c.p_wait, 1.0);
            assert!(
                !(0.0..=1.0).contains(&theirs),
                "{}: {theirs}",
                row["case_id"]
            );
        }
    }
}

#[test]
fn erlang_a_matches_every_reference_case() {
    for row in &read_csv("erlang_reference.csv") {
        let id = &row["case_id"];
        let agents = num(row, "agents") as u32;
        let calls_per_s = num(row, "lambda_per_hour") / 3600.0;
        let aht_s = num(row, "aht_s");
        let patience_s = num(row, "patience_s");
        let t_s = num(row, "t_s");
        let a = erlang_a(agents, calls_per_s, aht_s, patience_s, t_s);
        let check = |what: &str, ours: f64, column: &str| {
            assert_close(
                &format!("{id} A {what}"),
                ours,
                num(row, column),
                REL,
                FLOOR,
            )
        };
        check("p_wait", a.p_wait, "erlangA_p_wait");
        check("p_abandon", a.p_abandon, "erlangA_p_abandon");
        check("sl offered", a.service_level, "erlangA_sl_offered");
        check(
            "sl answered",
            a.service_level_answered,
            "erlangA_sl_answered",
        );
        check("mean wait", a.mean_wait_s, "erlangA_mean_wait_all_s");
        check("asa", a.asa_s, "erlangA_asa_answered_s");
        check("occupancy", a.occupancy, "erlangA_occupancy");
        let tails = erlang_a_tails(agents, calls_per_s, aht_s, patience_s, t_s).unwrap();
        assert_eq!(tails.figures, a);
        check(
            "P(V>t)",
            tails.p_offered_wait_gt_t,
            "erlangA_p_offered_wait_gt_t",
        );
        check("P(W>t)", tails.p_wait_gt_t, "erlangA_p_wait_gt_t");
    }
}
