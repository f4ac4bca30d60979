//! Payments from bank files as banks send them (camt.053.001.02 and .08,
//! camt.054.001.08, CSV with `,` and `;`), read and matched to cases; the
//! made-up statement of the benchmark matched as it was made.

use chrono::NaiveDate;
use import::payments::{
    self, CaseIndex, CaseKey, Match, MatchedBy, PaymentFormat, PaymentLine, SkipReason, Statement,
    UnmatchedReason,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const V02: &[u8] = include_bytes!("fixtures/payments/camt053_v02.xml");
const V08: &[u8] = include_bytes!("fixtures/payments/camt053_v08.xml");
const NOTIFICATION: &[u8] = include_bytes!("fixtures/payments/camt054_v08.xml");
const COMMA: &[u8] = include_bytes!("fixtures/payments/comma_bom.csv");
const SEMICOLON: &[u8] = include_bytes!("fixtures/payments/semicolon.csv");

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

fn amount(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn skipped(statement: &Statement) -> Vec<(u64, SkipReason)> {
    statement
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.clone()))
        .collect()
}

fn pending() -> SkipReason {
    SkipReason::NotBooked {
        status: "PDNG".into(),
    }
}

#[test]
fn a_czech_camt053_v02_statement() {
    let read = payments::read(V02).unwrap();
    assert_eq!(read.format, PaymentFormat::Camt053);
    assert_eq!(read.id.as_deref(), Some("0192000145399-20240305"));
    assert_eq!(read.account.as_deref(), Some("CZ6508000000192000145399"));
    let p = &read.payments;
    assert_eq!(p.len(), 5);
    assert_eq!(
        p[0],
        PaymentLine {
            line: 1,
            id: "A:CZ6508000000192000145399:240305/0800/1".into(),
            date: day(5),
            amount: amount("1500.00"),
            currency: "CZK".into(),
            creditor_reference: None,
            end_to_end_id: Some("VS20240017/SS/KS0308".into()),
            variable_symbol: Some("20240017".into()),
            remittance: "/VS/20240017/SS//KS/0308".into(),
            payer_name: Some("Novák & syn s.r.o.".into()),
            payer_account: Some("19-2000145399/0800".into()),
        }
    );
    let batch: Vec<_> = p[1..4]
        .iter()
        .map(|p| (p.line, p.id.as_str(), p.amount))
        .collect();
    assert_eq!(
        batch,
        [
            (
                3,
                "A:CZ6508000000192000145399:240305/0800/3:1",
                amount("1000")
            ),
            (
                4,
                "A:CZ6508000000192000145399:240305/0800/3:2",
                amount("1250")
            ),
            (
                5,
                "A:CZ6508000000192000145399:240305/0800/3:3",
                amount("500")
            ),
        ]
    );
    assert_eq!(p[1].creditor_reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(p[1].end_to_end_id, None, "NOTPROVIDED");
    assert_eq!(
        p[1].payer_account.as_deref(),
        Some("CZ5508000000001234567899")
    );
    assert_eq!(p[2].end_to_end_id.as_deref(), Some("C-2024-0042"));
    assert_eq!(p[3].remittance, "Splátka dluhu č. K-2024-0099, děkuji");
    assert_eq!(p[3].payer_name.as_deref(), Some("ČERNÝ Karel"));
    // No details: the entry's amount and text, the value date.
    assert_eq!(
        (p[4].line, p[4].date, p[4].amount),
        (8, day(4), amount("400"))
    );
    assert_eq!(
        p[4].id,
        "N:CZ6508000000192000145399:0192000145399-20240305:6"
    );
    assert_eq!(p[4].remittance, "Vklad hotovosti, VS: 0077");
    assert_eq!(p[4].variable_symbol.as_deref(), Some("0077"));
    let expected = [
        (2, SkipReason::Debit),
        (6, SkipReason::Reversal),
        (7, pending()),
    ];
    assert_eq!(skipped(&read), expected);
}

#[test]
fn a_camt053_v08_statement() {
    let read = payments::read(V08).unwrap();
    assert_eq!(read.format, PaymentFormat::Camt053);
    let p = &read.payments;
    let summary: Vec<_> = p
        .iter()
        .map(|p| (p.line, p.id.as_str(), p.amount))
        .collect();
    assert_eq!(
        summary,
        [
            (
                1,
                "A:ES9121000418450200051332:2024030500001-1",
                amount("120.50")
            ),
            (2, "A:ES9121000418450200051332:2024030500002", amount("75")),
            (
                4,
                "A:ES9121000418450200051332:2024030500004:1",
                amount("110")
            ),
            (
                5,
                "A:ES9121000418450200051332:2024030500004:2",
                amount("100")
            ),
        ]
    );
    assert!(p.iter().all(|p| p.currency == "EUR" && p.date == day(5)));
    assert_eq!(p[0].creditor_reference.as_deref(), Some("RF73 EXP2 0240 1"));
    assert_eq!(p[0].end_to_end_id.as_deref(), Some("E2E-4471-ABCD"));
    assert_eq!(p[0].payer_name.as_deref(), Some("García López, María"));
    assert_eq!(
        p[0].payer_account.as_deref(),
        Some("ES7921000813610123456789")
    );
    assert_eq!(p[1].remittance, "Pago expediente EXP-2024-0150 <marzo>");
    assert_eq!(p[3].payer_name.as_deref(), Some("Pere Soler"));
    let expected = [
        (3, SkipReason::Debit),
        (6, SkipReason::Reversal),
        (7, pending()),
    ];
    assert_eq!(skipped(&read), expected);
}

#[test]
fn a_camt054_v08_notification_with_prefixes() {
    let read = payments::read(NOTIFICATION).unwrap();
    assert_eq!(read.format, PaymentFormat::Camt054);
    assert_eq!(read.id.as_deref(), Some("NTF-0001"));
    assert_eq!(read.account.as_deref(), Some("2000145399"));
    let p = &read.payments;
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].id, "N:2000145399:NTF-0001:77");
    assert_eq!(p[0].variable_symbol.as_deref(), Some("20240099"));
    assert_eq!(p[0].payer_account.as_deref(), Some("123456789/0300"));
    assert_eq!(
        (p[1].amount, p[1].currency.as_str()),
        (amount("5000"), "CZK")
    );
    assert!(p[1].id.starts_with("H:"));
    assert_eq!(p[1].remittance, "Platba");
    assert!(read.skipped.is_empty());
}

#[test]
fn a_csv_with_commas_and_a_byte_order_mark() {
    let read = payments::read(COMMA).unwrap();
    assert_eq!((read.format, read.id.clone()), (PaymentFormat::Csv, None));
    let p = &read.payments;
    let lines: Vec<u64> = p.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert_eq!(p[0].creditor_reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(p[0].payer_name.as_deref(), Some("Jan Novák"));
    assert_eq!(
        (p[1].amount, p[1].currency.as_str()),
        (amount("250.5"), "CZK")
    );
    assert_eq!(p[1].remittance, "Invoice C-2024-0042, March");
    assert_eq!(p[1].payer_account, None);
    assert_ne!(p[2].id, p[3].id, "two identical rows are two payments");
    let skipped: Vec<String> = read.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        [
            "line 7, column amount: \"12,5x\" is not an amount",
            "line 8, amount -20.00 is not more than zero",
            "line 9, column date: \"03/03/2024\" is not a date (YYYY-MM-DD)",
            "line 10, column currency: \"KČ\" is not a currency code",
        ]
    );
}

#[test]
fn a_csv_with_semicolons_in_another_order() {
    let read = payments::read(SEMICOLON).unwrap();
    let p = &read.payments;
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].variable_symbol.as_deref(), Some("20240017"));
    assert_eq!(p[0].payer_account.as_deref(), Some("19-2000145399/0800"));
    assert_eq!(p[1].payer_name.as_deref(), Some("Dvořák; Jan"));
    assert_eq!(read.skipped[0].line, 4);
}

#[test]
fn reading_a_file_again_gives_the_same_payments() {
    for file in [V02, V08, NOTIFICATION, COMMA, SEMICOLON] {
        let once = payments::read(file).unwrap();
        assert_eq!(once, payments::read(file).unwrap());
        let mut ids: Vec<_> = once.payments.iter().map(|p| &p.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), once.payments.len());
    }
}

#[test]
fn csv_ids_do_not_depend_on_the_delimiter_or_column_order() {
    let comma = "date,amount,currency,reference,payer_name,payer_account\n2024-03-01,5,CZK,A,B,C\n";
    let semicolon =
        "payer_account;payer_name;reference;currency;amount;date\nC;B;A;CZK;5;2024-03-01\n";
    let one = payments::read(comma.as_bytes()).unwrap();
    let two = payments::read(semicolon.as_bytes()).unwrap();
    assert_eq!(one.payments[0].id, two.payments[0].id);
}

fn key(case: u64, reference: &str, currency: &str) -> CaseKey {
    let digits = reference.bytes().all(|b| b.is_ascii_digit());
    CaseKey {
        case,
        reference: reference.into(),
        variable_symbol: digits.then(|| reference.into()),
        currency: currency.into(),
        balance: amount("5000"),
        debtor_names: Vec::new(),
        open_amounts: Vec::new(),
        open: true,
    }
}

fn matches(file: &[u8], index: &CaseIndex) -> Vec<Match> {
    let read = payments::read(file).unwrap();
    read.payments
        .iter()
        .map(|p| index.match_payment(p))
        .collect()
}

#[test]
fn the_fixtures_payments_find_their_cases() {
    let mut debtor = key(9, "D-9", "CZK");
    debtor.debtor_names = vec!["Jiří Kučera".into()];
    let index = CaseIndex::new([
        key(1, "20240017", "CZK"),
        key(2, "539007547034", "CZK"),
        key(3, "C-2024-0042", "CZK"),
        key(4, "K-2024-0099", "CZK"),
        key(5, "0077", "CZK"),
        key(6, "EXP202401", "EUR"),
        key(7, "EXP-2024-0150", "EUR"),
        key(8, "EXP-2024-0151", "EUR"),
        key(10, "EXP-2024-0152", "CZK"),
        key(11, "20240099", "CZK"),
        debtor,
    ]);
    let m = |case, by| Match::Matched { case, by };
    use MatchedBy::*;
    let v02 = [
        m(1, VariableSymbol),
        m(2, CreditorReference),
        m(3, EndToEndId),
    ];
    let v02 = [&v02[..], &[m(4, RemittanceText), m(5, VariableSymbol)]].concat();
    assert_eq!(matches(V02, &index), v02);
    let mismatch = Match::Unmatched {
        reason: UnmatchedReason::CurrencyMismatch { case: 10 },
    };
    let v08 = [
        m(6, CreditorReference),
        m(7, RemittanceText),
        m(8, EndToEndId),
        mismatch,
    ];
    assert_eq!(matches(V08, &index), v08);
    let notification = [m(11, VariableSymbol), m(9, AmountAndDebtor)];
    assert_eq!(matches(NOTIFICATION, &index), notification);
}

#[test]
fn the_sample_statement_matches_as_it_was_made() {
    let sample = payments::sample_camt053(10_000, 7);
    let read = payments::read(&sample.xml).unwrap();
    assert_eq!(read.payments.len(), 10_000);
    assert!(read.skipped.is_empty());
    let index = CaseIndex::new(sample.cases.iter().cloned());
    let mut counts = std::collections::BTreeMap::new();
    for (payment, expected) in read.payments.iter().zip(&sample.expected) {
        let found = index.match_payment(payment);
        let want = match expected {
            Some((case, by)) => Match::Matched {
                case: *case,
                by: *by,
            },
            None => Match::Unmatched {
                reason: UnmatchedReason::NoMatch,
            },
        };
        assert_eq!(found, want, "{payment:?}");
        *counts
            .entry(format!("{:?}", expected.map(|e| e.1)))
            .or_insert(0) += 1;
    }
    // The mix is as documented (40/20/15/15/5/5 %), give or take.
    let share = |kind: &str| counts[kind] as f64 / 100.0;
    assert!(
        (share("Some(CreditorReference)") - 40.0).abs() < 2.0,
        "{counts:?}"
    );
    assert!((share("Some(EndToEndId)") - 20.0).abs() < 2.0, "{counts:?}");
    assert!(
        (share("Some(VariableSymbol)") - 15.0).abs() < 2.0,
        "{counts:?}"
    );
    assert!(
        (share("Some(RemittanceText)") - 15.0).abs() < 2.0,
        "{counts:?}"
    );
    assert!(
        (share("Some(AmountAndDebtor)") - 5.0).abs() < 1.0,
        "{counts:?}"
    );
    assert!((share("None") - 5.0).abs() < 1.0, "{counts:?}");
    assert_eq!(
        payments::sample_camt053(100, 7).xml,
        payments::sample_camt053(100, 7).xml
    );
}

/// `cargo test --release -p import --test payments -- --ignored --nocapture`
#[test]
#[ignore = "a benchmark: run in release"]
#[allow(clippy::disallowed_methods)]
fn bench_100k() {
    let sample = payments::sample_camt053(100_000, 1);
    let start = std::time::Instant::now();
    let read = payments::read(&sample.xml).unwrap();
    let reading = start.elapsed();
    let index = CaseIndex::new(sample.cases.iter().cloned());
    let indexing = start.elapsed() - reading;
    let matched = read
        .payments
        .iter()
        .filter(|p| matches!(index.match_payment(p), Match::Matched { .. }))
        .count();
    let total = start.elapsed();
    println!(
        "100,000 payments, {} MB: read {reading:?}, index {} cases {indexing:?}, match {:?}; total {total:?}; {matched} matched",
        sample.xml.len() / 1_000_000,
        sample.cases.len(),
        total - reading - indexing,
    );
    assert!(total.as_secs_f64() < 5.0);
}

/// A camt.053 entry: bank reference, entry reference, transactions.
type Entry = (Option<u8>, Option<u8>, u8);

fn statement_of(entries: &[Entry]) -> String {
    let mut xml = String::from(
        "<Document><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>X1</IBAN></Id></Acct>",
    );
    for &(servicer, reference, txs) in entries {
        xml.push_str("<Ntry><Amt Ccy=\"EUR\">10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>");
        xml.push_str("<BookgDt><Dt>2024-03-01</Dt></BookgDt>");
        if let Some(r) = reference {
            xml.push_str(&format!("<NtryRef>{r}</NtryRef>"));
        }
        if let Some(s) = servicer {
            xml.push_str(&format!("<AcctSvcrRef>{s}</AcctSvcrRef>"));
        }
        xml.push_str("<NtryDtls>");
        for _ in 0..txs {
            xml.push_str("<TxDtls><Amt Ccy=\"EUR\">5</Amt></TxDtls>");
        }
        xml.push_str("</NtryDtls></Ntry>");
    }
    xml + "</Stmt></BkToCstmrStmt></Document>"
}

fn ids_unique_and_stable(file: &[u8]) -> Result<(), TestCaseError> {
    let once = payments::read(file).unwrap();
    let again = payments::read(file).unwrap();
    let ids: Vec<_> = once.payments.iter().map(|p| p.id.clone()).collect();
    let ids_again: Vec<_> = again.payments.iter().map(|p| p.id.clone()).collect();
    prop_assert_eq!(&ids, &ids_again);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    prop_assert_eq!(unique.len(), ids.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn csv_ids_are_unique_and_stable(rows in prop::collection::vec((0u8..3, 1u8..4, 0u8..2), 0..40)) {
        let mut csv = String::from("date,amount,currency,reference,payer_name,payer_account\n");
        for (reference, amount, name) in rows {
            csv.push_str(&format!("2024-03-01,{amount},CZK,R{reference},N{name},\n"));
        }
        ids_unique_and_stable(csv.as_bytes())?;
    }

    #[test]
    fn xml_ids_are_unique_and_stable(
        entries in prop::collection::vec((prop::option::of(0u8..3), prop::option::of(0u8..3), 0u8..4), 0..30),
    ) {
        ids_unique_and_stable(statement_of(&entries).as_bytes())?;
    }
}
