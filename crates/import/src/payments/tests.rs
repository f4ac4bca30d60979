//! Tests of reading: formats recognised, errors named, limits, ids. (The
//! fixtures as banks send them are read in `tests/payments.rs`.)

use super::*;

/// A camt.053.001.08 statement of these entries.
fn statement(entries: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>CZ6508000000192000145399</IBAN></Id><Ccy>CZK</Ccy></Acct>
{entries}
</Stmt></BkToCstmrStmt></Document>
"#
    )
}

/// A booked credit entry of one transaction with these details.
fn credit(amount: &str, details: &str) -> String {
    format!(
        "<Ntry><Amt Ccy=\"CZK\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
         <BookgDt><Dt>2024-03-05</Dt></BookgDt><NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>\n"
    )
}

fn xml_error(text: &str) -> (u64, String, String) {
    match read(text.as_bytes()) {
        Err(PaymentFileError::Xml {
            line,
            element,
            message,
        }) => (line, element, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn neither_format_is_an_error_saying_what_was_expected() {
    for text in ["", "hello;world\n1;2\n", "name,amount\nx,1\n"] {
        let error = read(text.as_bytes()).unwrap_err();
        assert!(
            matches!(error, PaymentFileError::Unrecognised { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("camt.053"), "{error}");
        assert!(
            error.to_string().contains("date,amount,currency"),
            "{error}"
        );
    }
    let report = "<Document><BkToCstmrAcctRpt><Rpt/></BkToCstmrAcctRpt></Document>";
    let error = read(report.as_bytes()).unwrap_err().to_string();
    assert!(error.contains("camt.052"), "{error}");
    let other = read(b"<html><body/></html>").unwrap_err().to_string();
    assert!(other.contains("<html>"), "{other}");
    let utf16 = read(b"<\xff\xfeD").unwrap_err();
    assert_eq!(utf16, PaymentFileError::NotUtf8 { line: 1 });
}

#[test]
fn a_bad_amount_names_its_line_and_element() {
    let text = statement(&credit("12,5x", ""));
    let (line, element, message) = xml_error(&text);
    assert_eq!((line, element.as_str()), (5, "Ntry/Amt"));
    assert_eq!(message, "\"12,5x\" is not an amount");
    let text = statement(&credit("5.00", "<Amt Ccy=\"CZK\">1O</Amt>"));
    assert_eq!(xml_error(&text).1, "TxDtls/Amt");
    let text = statement(&credit("5.00", "<Amt Ccy=\"CZKK\">10</Amt>"));
    assert_eq!(xml_error(&text).2, "\"CZKK\" is not a currency code");
}

#[test]
fn malformed_xml_names_its_line() {
    let text = statement(&credit("5.00", "<Refs><EndToEndId>X</Refs>"));
    let (line, _, message) = xml_error(&text);
    assert_eq!(line, 5);
    assert!(message.contains("EndToEndId"), "{message}");
    let full = statement(&credit("5.00", ""));
    let cut = &full[..full.find("</Amt>").unwrap() + 6];
    assert!(xml_error(cut).2.contains("ends inside"));
    let entity = statement(&credit("5.00", "<AddtlTxInf>&nbsp;</AddtlTxInf>"));
    assert_eq!(xml_error(&entity).2, "unknown entity &nbsp;");
}

#[test]
fn a_batch_transaction_without_an_amount_is_an_error() {
    let entry = "<Ntry><Amt Ccy=\"CZK\">10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
        <BookgDt><Dt>2024-03-05</Dt></BookgDt><NtryDtls><TxDtls/><TxDtls/></NtryDtls></Ntry>";
    let (line, element, message) = xml_error(&statement(entry));
    assert_eq!((line, element.as_str()), (5, "Ntry"));
    assert!(message.starts_with("transaction 1: no amount"), "{message}");
    let no_date =
        "<Ntry><Amt Ccy=\"CZK\">10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>";
    assert!(
        xml_error(&statement(no_date))
            .2
            .contains("no booking or value date")
    );
}

#[test]
fn entities_and_empty_elements_are_read() {
    let details = "<Refs><EndToEndId>A&amp;B&#x2F;&#49;</EndToEndId></Refs>\
        <RltdPties><Dbtr><Pty><Nm>O&apos;Brien &lt;Ltd&gt;</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd/></RmtInf>";
    let read = read(statement(&credit("5", details)).as_bytes()).unwrap();
    let payment = &read.payments[0];
    assert_eq!(payment.end_to_end_id.as_deref(), Some("A&B/1"));
    assert_eq!(payment.payer_name.as_deref(), Some("O'Brien <Ltd>"));
    assert_eq!(payment.remittance, "");
}

#[test]
fn zero_amounts_are_skipped() {
    let read = read(statement(&credit("0.00", "")).as_bytes()).unwrap();
    assert!(read.payments.is_empty());
    assert_eq!(
        read.skipped[0].reason,
        SkipReason::NotPositive {
            amount: Decimal::ZERO
        }
    );
    assert_eq!(
        read.skipped[0].to_string(),
        "line 1, amount 0.00 is not more than zero"
    );
}

#[test]
fn long_texts_are_cut() {
    let long = "x".repeat(500);
    let lines = format!("<Ustrd>{long}</Ustrd>").repeat(10);
    let details =
        format!("<RltdPties><Dbtr><Nm>{long}</Nm></Dbtr></RltdPties><RmtInf>{lines}</RmtInf>");
    let read = read(statement(&credit("5", &details)).as_bytes()).unwrap();
    let payment = &read.payments[0];
    assert_eq!(
        payment.payer_name.as_ref().unwrap().chars().count(),
        TEXT_MAX
    );
    assert_eq!(payment.remittance.chars().count(), REMITTANCE_MAX);
}

#[test]
fn ids_follow_the_documented_forms() {
    let servicer = "<Refs><AcctSvcrRef>R-1</AcctSvcrRef></Refs>";
    let long = format!(
        "<Refs><AcctSvcrRef>{}</AcctSvcrRef></Refs>",
        "9".repeat(140)
    );
    let entries = [
        credit("1", servicer),
        credit("2", servicer),
        credit("3", &long),
        credit("4", ""),
    ];
    let read = read(statement(&entries.concat()).as_bytes()).unwrap();
    let ids: Vec<&str> = read.payments.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids[0], "A:CZ6508000000192000145399:R-1");
    assert_eq!(ids[1], "A:CZ6508000000192000145399:R-1#2");
    assert!(ids[2].starts_with("H:") && ids[2].len() == 34, "{}", ids[2]);
    assert!(ids[3].starts_with("H:") && ids[3] != ids[2], "{}", ids[3]);
    let entry_ref = "<Ntry><NtryRef>7</NtryRef><Amt Ccy=\"CZK\">10</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
        <Sts>BOOK</Sts><ValDt><Dt>2024-03-05</Dt></ValDt></Ntry>";
    let read = super::read(statement(entry_ref).as_bytes()).unwrap();
    assert_eq!(read.payments[0].id, "N:CZ6508000000192000145399:S1:7");
    assert_eq!(
        read.payments[0].date,
        NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()
    );
}

#[test]
fn each_statement_qualifies_its_ids_by_its_account() {
    let entry = "<Ntry><Amt Ccy=\"EUR\">10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
        <BookgDt><Dt>2024-03-05</Dt></BookgDt><AcctSvcrRef>X</AcctSvcrRef></Ntry>";
    let second =
        format!("</Stmt><Stmt><Id>S2</Id><Acct><Id><Othr><Id>42</Id></Othr></Id></Acct>{entry}");
    let read = read(statement(&format!("{entry}{second}")).as_bytes()).unwrap();
    let ids: Vec<&str> = read.payments.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["A:CZ6508000000192000145399:X", "A:42:X"]);
    assert_eq!(read.id.as_deref(), Some("S1"));
    assert_eq!(read.account.as_deref(), Some("CZ6508000000192000145399"));
}

#[test]
fn too_many_payments_is_an_error() {
    let rows = "2024-03-01,1,CZK,,,\n".repeat(3);
    let csv = format!("date,amount,currency,reference,payer_name,payer_account\n{rows}");
    assert_eq!(read_up_to(csv.as_bytes(), 3).unwrap().payments.len(), 3);
    let error = read_up_to(csv.as_bytes(), 2).unwrap_err();
    assert_eq!(error, PaymentFileError::TooManyPayments { max: 2 });
    let xml = statement(&credit("1", "").repeat(3));
    assert_eq!(read_up_to(xml.as_bytes(), 3).unwrap().payments.len(), 3);
    assert!(read_up_to(xml.as_bytes(), 2).is_err());
}

#[test]
fn deep_nesting_is_an_error() {
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    let text = statement(&credit("1", &deep));
    assert!(xml_error(&text).2.contains("deeper"));
}

#[test]
fn csv_rows_without_optional_columns_are_read() {
    let csv = "Amount;Date;Currency\n10.00;2024-03-01;eur\n";
    let read = read(csv.as_bytes()).unwrap();
    let payment = &read.payments[0];
    assert_eq!((payment.line, payment.currency.as_str()), (2, "EUR"));
    assert_eq!(payment.creditor_reference, None);
    assert_eq!(read.format, PaymentFormat::Csv);
}

#[test]
fn ids_met_again_get_the_first_suffix_not_taken() {
    let payment = |id: &str| PaymentLine {
        line: 1,
        id: id.into(),
        date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
        amount: Decimal::ONE,
        currency: "CZK".into(),
        creditor_reference: None,
        end_to_end_id: None,
        variable_symbol: None,
        remittance: String::new(),
        payer_name: None,
        payer_account: None,
    };
    let mut payments: Vec<_> = ["X", "X", "X#2", "X", "Y"].map(payment).into();
    unique_ids(&mut payments);
    let ids: Vec<&str> = payments.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["X", "X#3", "X#2", "X#4", "Y"]);
}
