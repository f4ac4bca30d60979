//! Whole files from their bytes: `table::open`, then the columns, then the
//! rows.

use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

use super::*;
use crate::phone::Country;
use crate::row::Problem;
use crate::table::{Encoding, ReadOptions, open};

/// Every record of a file read as debts.
fn read(
    bytes: &[u8],
    mapping: Option<&DebtMapping>,
    country: Option<Country>,
) -> (Vec<DebtRow>, Vec<Problem>) {
    let mut table = open(bytes, &ReadOptions::default()).unwrap();
    let cols = DebtColumns::for_table(&table, mapping).unwrap();
    let mut records = Vec::new();
    while table.next_chunk(2, &mut records).unwrap() > 0 {}
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for rec in &records {
        let (row, found) = cols.row(rec, country);
        rows.extend(row);
        problems.extend(found);
    }
    (rows, problems)
}

const CZECH_FILE: &str = "\
Číslo případu;Rodné číslo;Dlužník;Telefon;Jistina;Poplatky;Měna;Splatnost;Věřitel;Poznámka\r
2024/0001;815204/1234;Jiří Dvořák;602 123 456;12.550,00;350,00;CZK;31.01.2024;Česká spořitelna, a.s.;\r
2024/0002;;Alžběta Nováková;+420 777 111 222;1 200,50;;Kč;1. 2. 2024;Komerční banka;splátkový kalendář\r
2024/0003;905101/0001;Šárka Růžičková;731 000 111;-5,00;;CZK;2024-02-01;;\r
";

#[test]
fn a_czech_csv_in_windows_1250() {
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1250.encode(CZECH_FILE);
    assert!(!lossy);
    let table = open(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(table.encoding(), Some(Encoding::Windows1250));
    assert_eq!(table.delimiter(), Some(';'));
    let mapping = DebtMapping::parse(CZECH).unwrap();
    let cols = DebtColumns::for_table(&table, Some(&mapping)).unwrap();
    assert_eq!(cols.column(DebtField::Fees), Some(5), "recognised");
    assert_eq!(cols.unused(), ["Poznámka"]);

    let (rows, problems) = read(&bytes, Some(&mapping), Country::parse("CZ"));
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.case_ref, "2024/0001");
    assert_eq!(first.debtor_id.as_deref(), Some("815204/1234"));
    assert_eq!(first.debtor_name.as_deref(), Some("Jiří Dvořák"));
    assert_eq!(first.phones[0].e164.as_deref(), Some("+420602123456"));
    assert_eq!(first.principal, decimal("12550.00"));
    assert_eq!(first.fees, decimal("350"));
    assert_eq!(first.interest, Decimal::ZERO);
    assert_eq!(first.currency, "CZK");
    assert_eq!(first.due_date, day(2024, 1, 31));
    assert_eq!(first.creditor.as_deref(), Some("Česká spořitelna, a.s."));
    let second = &rows[1];
    assert_eq!(second.debtor_id, None);
    assert_eq!(second.principal, decimal("1200.50"));
    assert_eq!(second.currency, "CZK");
    assert_eq!(second.due_date, day(2024, 2, 1));
    assert_eq!(second.phones[0].e164.as_deref(), Some("+420777111222"));

    let listed: Vec<(u64, &str, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                4,
                "Jistina",
                "principal \"-5,00\" is negative; an amount owed is never below zero"
            ),
            (
                4,
                "Splatnost",
                "due_date \"2024-02-01\" is not a date in DD.MM.YYYY"
            ),
        ]
    );
}

#[test]
fn field_keys_as_headers_need_no_mapping() {
    let file = "case_ref,debtor_id,debtor_name,phone,phone2,email,address,principal,fees,interest,currency,due_date,creditor\n\
                C-7,X123,Joan Puig,612345678,,joan@example.cat,\"Carrer Major 1\nGirona\",\"1,000.00\",10,0.5,EUR,2024-06-30,Caixa\n";
    let (rows, problems) = read(file.as_bytes(), None, Country::parse("ES"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].address.as_deref(), Some("Carrer Major 1\nGirona"));
    assert_eq!(rows[0].principal, decimal("1000"));
    assert_eq!(rows[0].interest, decimal("0.5"));
}

/// A workbook of debts: numbers and dates typed, and as text.
fn xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = CellFormat::new().set_num_format("dd.mm.yyyy");
    let names = [
        "Case",
        "Debtor",
        "Principal",
        "Fees",
        "Currency",
        "Due date",
    ];
    for (col, header) in names.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_number(1, 0, 1001.0).unwrap();
    sheet.write_string(1, 1, "Ana Pérez").unwrap();
    sheet.write_number(1, 2, 1550.5).unwrap();
    sheet.write_number(1, 3, 12.0).unwrap();
    sheet.write_string(1, 4, "EUR").unwrap();
    let due = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet.write_datetime_with_format(1, 5, &due, &date).unwrap();
    sheet.write_string(2, 0, "1002").unwrap();
    sheet.write_string(2, 1, "Luis Gil").unwrap();
    sheet.write_string(2, 2, "2.000,25").unwrap();
    sheet.write_string(2, 4, "EUR").unwrap();
    sheet.write_string(2, 5, "15.03.2024").unwrap();
    sheet.write_string(3, 0, "1003").unwrap();
    sheet.write_string(3, 1, "Eva Roca").unwrap();
    sheet.write_number(3, 2, 10.125).unwrap();
    sheet.write_string(3, 4, "EUR").unwrap();
    sheet.write_string(3, 5, "03/15/2024").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_with_typed_and_text_cells() {
    let mapping = DebtMapping::parse("date_format = \"DD.MM.YYYY\"\ndecimal = \",\"\n").unwrap();
    let (rows, problems) = read(&xlsx(), Some(&mapping), None);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].case_ref, "1001");
    assert_eq!(rows[0].principal, decimal("1550.50"));
    assert_eq!(rows[0].fees, decimal("12"));
    assert_eq!(rows[0].due_date, day(2024, 3, 1));
    assert_eq!(rows[1].principal, decimal("2000.25"));
    assert_eq!(rows[1].fees, Decimal::ZERO);
    assert_eq!(rows[1].due_date, day(2024, 3, 15));
    let listed: Vec<(u64, &str, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                4,
                "Principal",
                "principal \"10.125\" has more than 2 decimals; amounts are kept to the cent"
            ),
            (
                4,
                "Due date",
                "due_date \"03/15/2024\" is not a date in DD.MM.YYYY"
            ),
        ]
    );
}
