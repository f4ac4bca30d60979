//! Records read as debt rows, and each kind of problem.

use super::*;
use crate::phone::Country;
use crate::row::Problem;

const ES_HEADERS: &[&str] = &[
    "Expediente",
    "DNI",
    "Nombre",
    "Teléfono",
    "Móvil",
    "Email",
    "Dirección",
    "Importe",
    "Gastos",
    "Intereses",
    "Moneda",
    "Vencimiento",
    "Acreedor",
];

fn spanish() -> DebtColumns {
    DebtColumns::resolve(&headers(ES_HEADERS), None).unwrap()
}

/// A good Spanish record, with the given cells replaced (by header).
fn es_record(changes: &[(&str, &str)]) -> Record {
    let mut fields = [
        "EXP-1",
        "12345678Z",
        "Ana Pérez",
        "612 345 678",
        "91 123 45 67",
        "Ana@Example.com",
        "Calle Mayor 1, Madrid",
        "1,550.00",
        "",
        "12.5",
        "eur",
        "2024-01-31",
        "Banco X",
    ];
    for (header, value) in changes {
        let i = ES_HEADERS.iter().position(|h| h == header).unwrap();
        fields[i] = value;
    }
    record(9, &fields)
}

fn es() -> Option<Country> {
    Country::parse("ES")
}

#[test]
fn a_full_row() {
    let (row, problems) = spanish().row(&es_record(&[]), es());
    assert!(problems.is_empty(), "{problems:?}");
    let row = row.unwrap();
    assert_eq!(row.line, 9);
    assert_eq!(row.case_ref, "EXP-1");
    assert_eq!(row.debtor_id.as_deref(), Some("12345678Z"));
    assert_eq!(row.debtor_name.as_deref(), Some("Ana Pérez"));
    let phones: Vec<&str> = row
        .phones
        .iter()
        .filter_map(|p| p.e164.as_deref())
        .collect();
    assert_eq!(phones, ["+34612345678", "+34911234567"]);
    assert_eq!(row.email.as_deref(), Some("ana@example.com"));
    assert_eq!(row.address.as_deref(), Some("Calle Mayor 1, Madrid"));
    assert_eq!(row.principal, decimal("1550"));
    assert_eq!(row.fees, Decimal::ZERO);
    assert_eq!(row.interest, decimal("12.50"));
    assert_eq!(row.currency, "EUR");
    assert_eq!(row.due_date, day(2024, 1, 31));
    assert_eq!(row.creditor.as_deref(), Some("Banco X"));
}

#[test]
fn the_same_phone_twice_is_kept_once_and_blank_records_are_nothing() {
    let rec = es_record(&[("Móvil", "+34 612 34 56 78")]);
    let (row, problems) = spanish().row(&rec, es());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(row.unwrap().phones.len(), 1);
    let (row, problems) = spanish().row(&record(3, &["", " ", ""]), es());
    assert_eq!((row, problems), (None, Vec::new()));
}

/// The problems of a Spanish record with these changes: (column, reason),
/// and whether a row came out.
fn problems(changes: &[(&str, &str)]) -> (bool, Vec<(String, String)>) {
    let (row, problems) = spanish().row(&es_record(changes), es());
    assert!(problems.iter().all(|p| p.line == 9));
    let listed = problems
        .into_iter()
        .map(|Problem { column, reason, .. }| (column, reason))
        .collect();
    (row.is_some(), listed)
}

/// Cells changed, by header.
type Changes<'a> = Vec<(&'a str, &'a str)>;
/// Problems as (column, reason).
type Listed = Vec<(String, String)>;

fn one(column: &str, reason: &str) -> Listed {
    vec![(column.to_owned(), reason.to_owned())]
}

#[test]
fn problems_that_leave_no_debt() {
    let long = "x".repeat(65);
    let name = "y".repeat(201);
    let cases: Vec<(Changes<'_>, Listed)> = vec![
        (
            vec![("Expediente", " ")],
            one("Expediente", "case_ref is empty"),
        ),
        (
            vec![("Expediente", &long)],
            one(
                "Expediente",
                &format!("case_ref \"{long}\" is 65 characters long; at most 64"),
            ),
        ),
        (
            vec![("Expediente", "A\u{1}B")],
            one(
                "Expediente",
                "case_ref \"A\u{1}B\" holds control characters (a line break, a tab…)",
            ),
        ),
        (
            vec![("DNI", ""), ("Nombre", "")],
            one(
                "",
                "debtor_id and debtor_name are both empty; a debt needs its debtor",
            ),
        ),
        (
            vec![("Nombre", &name)],
            one(
                "Nombre",
                &format!("debtor_name \"{name}\" is 201 characters long; at most 200"),
            ),
        ),
        (
            vec![("Acreedor", &name)],
            one(
                "Acreedor",
                &format!("creditor \"{name}\" is 201 characters long; at most 200"),
            ),
        ),
        (vec![("Importe", "")], one("Importe", "principal is empty")),
        (
            vec![("Importe", "-10")],
            one(
                "Importe",
                "principal \"-10\" is negative; an amount owed is never below zero",
            ),
        ),
        (
            vec![("Importe", "10.505")],
            one(
                "Importe",
                "principal \"10.505\" has more than 2 decimals; amounts are kept to the cent",
            ),
        ),
        (
            vec![("Gastos", "diez")],
            one(
                "Gastos",
                "fees \"diez\" is not an amount written like 1,550.00 or 1550.00",
            ),
        ),
        (
            vec![("Intereses", "1,5")],
            one(
                "Intereses",
                "interest \"1,5\" is not an amount written like 1,550.00 or 1550.00",
            ),
        ),
        (
            vec![("Moneda", "")],
            one(
                "Moneda",
                "currency is empty and the mapping has no currency_default",
            ),
        ),
        (
            vec![("Moneda", "euros")],
            one(
                "Moneda",
                "currency \"euros\" is not an ISO 4217 code (three letters: EUR)",
            ),
        ),
        (
            vec![("Vencimiento", "")],
            one("Vencimiento", "due_date is empty"),
        ),
        (
            vec![("Vencimiento", "31/01/2024")],
            one(
                "Vencimiento",
                "due_date \"31/01/2024\" is not a date in YYYY-MM-DD",
            ),
        ),
    ];
    for (changes, expected) in cases {
        assert_eq!(problems(&changes), (false, expected), "{changes:?}");
    }
}

#[test]
fn problems_reported_beside_the_debt() {
    let (kept, listed) = problems(&[("Teléfono", "123"), ("Email", "ana@example")]);
    assert!(kept);
    assert_eq!(
        listed,
        [
            (
                "Teléfono".to_owned(),
                "phone \"123\" is not a valid phone number; kept as given".to_owned()
            ),
            (
                "Email".to_owned(),
                "email \"ana@example\" is not an email address; left out".to_owned()
            ),
        ]
    );
    let (row, _) = spanish().row(&es_record(&[("Teléfono", "123"), ("Email", "x")]), es());
    let row = row.unwrap();
    assert_eq!(row.phones[0].given, "123");
    assert!(!row.phones[0].valid);
    assert_eq!(row.email, None);
    let mut rec = es_record(&[]);
    rec.fields.push("extra".into());
    let (row, problems) = spanish().row(&rec, es());
    assert!(row.is_some());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column, "");
    assert!(
        problems[0]
            .reason
            .starts_with("the row has 14 fields and the header 13")
    );
}

#[test]
fn currency_from_the_row_or_the_mapping() {
    let mapping = DebtMapping::parse("currency_default = \"CZK\"").unwrap();
    let names = headers(&[
        "case_ref",
        "debtor_name",
        "principal",
        "due_date",
        "currency",
    ]);
    let cols = DebtColumns::resolve(&names, Some(&mapping)).unwrap();
    let currency = |cell: &str| {
        let (row, problems) = cols.row(&record(2, &["C1", "Jan", "10", "2024-05-06", cell]), None);
        assert!(problems.is_empty(), "{problems:?}");
        row.unwrap().currency
    };
    assert_eq!(currency(""), "CZK");
    assert_eq!(currency("Kč"), "CZK");
    assert_eq!(currency("eur"), "EUR");
    // No currency column at all: the default, always.
    let cols = DebtColumns::resolve(&names[..4], Some(&mapping)).unwrap();
    let (row, _) = cols.row(&record(2, &["C1", "Jan", "10", "2024-05-06"]), None);
    assert_eq!(row.unwrap().currency, "CZK");
}
