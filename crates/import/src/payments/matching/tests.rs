//! Tests of matching: each step, ambiguity, currencies, names.

use chrono::NaiveDate;

use super::*;

fn case(case: u64, reference: &str, currency: &str, balance: i64) -> CaseKey {
    CaseKey {
        case,
        reference: reference.into(),
        variable_symbol: None,
        currency: currency.into(),
        balance: Decimal::new(balance, 0),
        debtor_names: Vec::new(),
        open_amounts: Vec::new(),
        open: true,
    }
}

fn payment(amount: i64) -> PaymentLine {
    PaymentLine {
        line: 1,
        id: "p".into(),
        date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
        amount: Decimal::new(amount, 0),
        currency: "CZK".into(),
        creditor_reference: None,
        end_to_end_id: None,
        variable_symbol: None,
        remittance: String::new(),
        payer_name: None,
        payer_account: None,
    }
}

fn index() -> CaseIndex {
    let mut vs = case(3, "2024-17", "CZK", 50);
    vs.variable_symbol = Some("0020240017".into());
    let mut named = case(5, "N-5", "CZK", 1_000);
    named.debtor_names = vec!["Jan Novák".into(), "Eva Nováková".into()];
    named.open_amounts = vec![Decimal::new(250, 0)];
    let mut twin = case(6, "N-6", "CZK", 400);
    twin.debtor_names = vec!["NOVAK, Jan".into()];
    twin.open_amounts = vec![Decimal::new(25_000, 2)];
    let mut closed = case(7, "N-7", "CZK", 999);
    closed.debtor_names = vec!["Jan Novák".into()];
    closed.open = false;
    CaseIndex::new([
        case(1, "539007547034", "CZK", 100),
        case(2, "C-2024-0042", "CZK", 200),
        vs,
        case(4, "EUR-CASE-1", "EUR", 10),
        named,
        twin,
        closed,
        case(8, "K-2024-0099", "CZK", 10),
        case(9, "K-2024-0099-B", "CZK", 10),
        case(10, "AB1", "CZK", 10),
    ])
}

fn matched(case: u64, by: MatchedBy) -> Match {
    Match::Matched { case, by }
}

fn unmatched(reason: UnmatchedReason) -> Match {
    Match::Unmatched { reason }
}

#[test]
fn by_creditor_reference() {
    let index = index();
    let mut p = payment(1);
    for reference in [
        "RF18539007547034",
        "rf18 5390 0754 7034",
        "539007547034",
        " 5390 0754 7034",
    ] {
        p.creditor_reference = Some(reference.into());
        assert_eq!(
            index.match_payment(&p),
            matched(1, MatchedBy::CreditorReference),
            "{reference}"
        );
    }
    p.creditor_reference = Some("c-2024-0042".into());
    assert_eq!(
        index.match_payment(&p),
        matched(2, MatchedBy::CreditorReference)
    );
    // Bad check digits: not an RF reference, and no case has it.
    p.creditor_reference = Some("RF19539007547034".into());
    assert_eq!(index.match_payment(&p), unmatched(UnmatchedReason::NoMatch));
}

#[test]
fn by_end_to_end_id() {
    let index = index();
    let mut p = payment(1);
    p.end_to_end_id = Some("C-2024-0042".into());
    p.creditor_reference = Some("unknown".into());
    assert_eq!(index.match_payment(&p), matched(2, MatchedBy::EndToEndId));
    // The creditor reference comes first.
    p.creditor_reference = Some("RF18539007547034".into());
    assert_eq!(
        index.match_payment(&p),
        matched(1, MatchedBy::CreditorReference)
    );
}

#[test]
fn by_variable_symbol_leading_zeros_aside() {
    let index = index();
    let mut p = payment(1);
    for symbol in ["20240017", "0020240017"] {
        p.variable_symbol = Some(symbol.into());
        assert_eq!(
            index.match_payment(&p),
            matched(3, MatchedBy::VariableSymbol)
        );
    }
    p.variable_symbol = Some("20240018".into());
    assert_eq!(index.match_payment(&p), unmatched(UnmatchedReason::NoMatch));
}

#[test]
fn by_reference_in_the_text() {
    let index = index();
    let mut p = payment(1);
    let text = |p: &mut PaymentLine, t: &str| {
        p.remittance = t.into();
        index.match_payment(p)
    };
    let by_text = |case| matched(case, MatchedBy::RemittanceText);
    assert_eq!(
        text(&mut p, "Splátka dluhu č. k-2024-0099, děkuji"),
        by_text(8)
    );
    assert_eq!(
        text(&mut p, "K-2024-0099-B"),
        by_text(9),
        "the longest wins"
    );
    assert_eq!(text(&mut p, "(K-2024-0099)"), by_text(8));
    assert_eq!(
        text(&mut p, "XK-2024-0099"),
        unmatched(UnmatchedReason::NoMatch)
    );
    assert_eq!(
        text(&mut p, "K-2024-00991"),
        unmatched(UnmatchedReason::NoMatch)
    );
    assert_eq!(text(&mut p, "ref 539007547034."), by_text(1));
    assert_eq!(text(&mut p, "platba RF18539007547034"), by_text(1));
    assert_eq!(
        text(&mut p, "platba RF18 5390 0754 7034 dekuji"),
        by_text(1)
    );
    assert_eq!(
        text(&mut p, "AB1 is too short to look for"),
        unmatched(UnmatchedReason::NoMatch)
    );
    let both = text(&mut p, "C-2024-0042 and K-2024-0099");
    assert_eq!(
        both,
        unmatched(UnmatchedReason::Ambiguous { cases: vec![2, 8] })
    );
}

#[test]
fn by_amount_and_debtor() {
    let index = index();
    let mut p = payment(1_000);
    p.payer_name = Some("NOVÁK  Jan".into());
    assert_eq!(
        index.match_payment(&p),
        matched(5, MatchedBy::AmountAndDebtor)
    );
    p.payer_name = Some("Nováková, Eva".into());
    assert_eq!(
        index.match_payment(&p),
        matched(5, MatchedBy::AmountAndDebtor)
    );
    // 250.00 is an open amount of both Jan Novák's open cases.
    p.payer_name = Some("jan novak".into());
    p.amount = Decimal::new(2_500, 1);
    let both = unmatched(UnmatchedReason::Ambiguous { cases: vec![5, 6] });
    assert_eq!(index.match_payment(&p), both);
    // The closed case's balance is not looked at.
    p.amount = Decimal::new(999, 0);
    assert_eq!(index.match_payment(&p), unmatched(UnmatchedReason::NoMatch));
    p.amount = Decimal::new(1_000, 0);
    p.currency = "EUR".into();
    assert_eq!(index.match_payment(&p), unmatched(UnmatchedReason::NoMatch));
}

#[test]
fn a_reference_to_a_case_in_another_currency_is_not_a_match() {
    let index = index();
    let mut p = payment(10);
    p.end_to_end_id = Some("EUR-CASE-1".into());
    assert_eq!(
        index.match_payment(&p),
        unmatched(UnmatchedReason::CurrencyMismatch { case: 4 })
    );
    p.currency = "eur".into();
    assert_eq!(index.match_payment(&p), matched(4, MatchedBy::EndToEndId));
}

#[test]
fn a_closed_case_found_by_reference_is_a_match() {
    let index = index();
    let mut p = payment(1);
    p.creditor_reference = Some("N-7".into());
    assert_eq!(
        index.match_payment(&p),
        matched(7, MatchedBy::CreditorReference)
    );
}

#[test]
fn two_cases_of_one_reference_are_ambiguous() {
    let index = CaseIndex::new([case(1, "X-1", "CZK", 1), case(2, "x-1", "CZK", 1)]);
    let mut p = payment(1);
    p.creditor_reference = Some("X-1".into());
    let reason = UnmatchedReason::Ambiguous { cases: vec![1, 2] };
    assert_eq!(index.match_payment(&p), unmatched(reason));
    assert_eq!(index.len(), 2);
    assert!(!index.is_empty());
}

#[test]
fn names_are_compared_by_their_key() {
    assert_eq!(name_key("NOVÁK Jan"), name_key("Jan Novak"));
    assert_eq!(name_key("Novák, Jan"), Some("jan novak".into()));
    assert_eq!(name_key(" - "), None);
    assert_ne!(name_key("Jan Novák"), name_key("Jana Nováková"));
}
