//! Case type parsing: good types compile; bad ones are refused with the line
//! and the field named.

use super::*;

const MINI: &str = r#"
[[states]]
name = "open"
initial = true

[[states]]
name = "done"
final = true

[[fields]]
name = "kind"
type = "enum"
options = ["a", "b"]

[[transitions]]
from = ["open"]
to = "done"
roles = ["agent", "system"]
guard = "field.kind == \"a\" and balance <= 0"
"#;

fn err(text: &str) -> TypeError {
    CaseType::parse("t", 1, text).expect_err("the type should be refused")
}

#[test]
fn the_shipped_collections_type_compiles() {
    let ty = CaseType::parse("collections", 1, crate::COLLECTIONS).unwrap();
    for s in [
        "new",
        "contacting",
        "promised",
        "promise_broken",
        "payment_plan",
        "disputed",
        "paid",
        "closed",
    ] {
        assert!(ty.state(s).is_some(), "state {s}");
    }
    assert_eq!(ty.states[usize::from(ty.initial)].name.as_ref(), "new");
    assert!(ty.states[usize::from(ty.state("paid").unwrap())].is_final);
    assert_eq!(ty.collections.grace_days, 3);
    assert!(ty.interest.is_some());
    assert!(
        ty.states[usize::from(ty.state("contacting").unwrap())]
            .sla
            .is_some()
    );
}

#[test]
fn a_small_type_compiles_with_its_guard() {
    let ty = CaseType::parse("mini", 2, MINI).unwrap();
    assert_eq!(ty.version, 2);
    assert_eq!(ty.transitions.len(), 1);
    assert_eq!(
        ty.transitions[0].guard.as_ref().unwrap().text.as_ref(),
        "field.kind == \"a\" and balance <= 0"
    );
}

#[test]
fn an_unknown_state_in_a_transition_names_its_line_and_field() {
    let bad = MINI.replace("to = \"done\"", "to = \"dne\"");
    let e = err(&bad);
    assert_eq!(e.field, "transitions[0].to");
    assert_eq!(e.line, 17);
    assert!(e.message.contains("dne"), "{e}");
}

#[test]
fn an_unknown_key_is_refused_by_the_reader_with_its_line() {
    let bad = MINI.replace("initial = true", "initial = true\ncolour = \"red\"");
    let e = err(&bad);
    assert_eq!(e.line, 5, "{e}");
    assert_eq!(e.field, "colour");
    assert!(e.message.contains("colour"), "{e}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let e = err("[[states]]\nname = \"open\ninitial = true\n");
    assert_eq!(e.line, 2, "{e}");
}

#[test]
fn a_guard_on_an_unknown_option_names_the_guard() {
    let e = err(&MINI.replace("field.kind == \\\"a\\\"", "field.kind == \\\"c\\\""));
    assert_eq!(e.field, "transitions[0].guard");
    assert_eq!(e.line, 19);
    assert!(e.message.contains("options"), "{e}");
}

#[test]
fn a_guard_that_orders_text_is_refused() {
    let e = err(&MINI.replace("field.kind == \\\"a\\\"", "field.kind < \\\"a\\\""));
    assert_eq!(e.field, "transitions[0].guard");
}

#[test]
fn two_initial_states_are_refused() {
    let e = err(&MINI.replace("final = true", "initial = true"));
    assert_eq!(e.field, "states[1].initial");
    assert_eq!(e.line, 7);
}

#[test]
fn a_type_without_a_final_state_is_refused() {
    let e = err(&MINI.replace("final = true", ""));
    assert_eq!(e.field, "states");
}

#[test]
fn a_bad_sla_names_the_state() {
    let e = err(&MINI.replace("initial = true", "initial = true\nsla = \"3 weeks\""));
    assert_eq!(e.field, "states[0].sla");
    assert_eq!(e.line, 5);
}

#[test]
fn a_trigger_moving_where_the_system_may_not_is_refused() {
    let t = format!(
        "{}\n[[triggers]]\nname = \"x\"\non = \"payment\"\ndo = [{{ action = \"transition\", to = \"open\" }}]\n",
        MINI
    );
    let e = err(&t);
    assert_eq!(e.field, "triggers[0].do[0].to");
    assert_eq!(e.line, 24);
}

#[test]
fn a_trigger_on_an_unknown_timer_names_the_timer() {
    let t = format!(
        "{MINI}\n[[triggers]]\nname = \"x\"\non = \"timer\"\ntimer = \"nope\"\ndo = [{{ action = \"stop_contact\" }}]\n"
    );
    let e = err(&t);
    assert_eq!(e.field, "triggers[0].timer");
    assert_eq!(e.line, 24);
}

#[test]
fn a_timer_with_both_forms_is_refused() {
    let t = format!("{MINI}\n[[timers]]\nname = \"x\"\nafter = \"3d\"\nevery = \"weekday\"\n");
    assert_eq!(err(&t).field, "timers[0]");
}

#[test]
fn an_unknown_action_and_a_bad_priority_are_named() {
    let t = format!(
        "{MINI}\n[[triggers]]\nname = \"x\"\non = \"payment\"\ndo = [{{ action = \"fax\" }}]\n"
    );
    assert_eq!(err(&t).field, "triggers[0].do[0].action");
    let t = format!(
        "{MINI}\n[[triggers]]\nname = \"x\"\non = \"payment\"\ndo = [{{ action = \"task\", title = \"t\", priority = 11, due_in = \"1d\" }}]\n"
    );
    assert_eq!(err(&t).field, "triggers[0].do[0].priority");
}

#[test]
fn a_bad_allocation_order_and_day_count_are_named() {
    let t = format!("[collections]\nallocation = [\"fees\", \"fees\", \"principal\"]\n{MINI}");
    let e = err(&t);
    assert_eq!((e.field.as_str(), e.line), ("collections.allocation", 2));
    let t = format!("[interest]\nannual_rate_percent = \"5\"\nday_count = \"act/366\"\n{MINI}");
    let e = err(&t);
    assert_eq!((e.field.as_str(), e.line), ("interest.day_count", 3));
}

#[test]
fn a_bad_name_is_refused() {
    let e = err(&MINI.replace("name = \"open\"", "name = \"Open Now\""));
    assert_eq!(e.field, "states[0].name");
    assert_eq!(e.line, 3);
}

#[test]
fn guards_combine_and_before_or_and_read_flags_fields_and_money() {
    use crate::case::FieldValue;
    use crate::money::Amount;
    use guard::Facts;
    let ty = CaseType::parse("mini", 1, &format!("flags = [\"vip\"]\n{MINI}")).unwrap();
    let g = |s: &str| Guard::parse(s, &ty.flags, &ty.fields).unwrap();
    let fields = [Some(FieldValue::Enum(1))];
    let facts = Facts {
        balance: Amount::parse("10.50").unwrap(),
        debt: Amount::parse("100").unwrap(),
        paid: Amount::parse("89.50").unwrap(),
        flags: 1,
        fields: &fields,
    };
    assert!(g("balance > 10 and balance<=10.5").holds(&facts));
    assert!(g("flag.vip").holds(&facts));
    assert!(!g("not flag.vip").holds(&facts));
    assert!(g("field.kind == \"b\"").holds(&facts));
    assert!(g("balance <= 0 or field.kind != \"a\" and paid >= 89.5").holds(&facts));
    assert!(!g("balance <= 0 or field.kind == \"a\" and paid >= 89.5").holds(&facts));
    let empty = Facts {
        fields: &[None],
        ..facts
    };
    assert!(
        !g("field.kind != \"a\"").holds(&empty),
        "an unset field makes a comparison false"
    );
    for bad in [
        "balance",
        "balance <=",
        "balance == \"x\"",
        "field.nope == 1",
        "flag.vip < true",
        "balance and",
    ] {
        assert!(Guard::parse(bad, &ty.flags, &ty.fields).is_err(), "{bad}");
    }
}
