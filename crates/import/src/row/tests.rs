//! Unit tests of reading records as customer rows.

use super::*;
use crate::mapping::Mapping;
use crate::phone::PhoneKind;

fn columns(headers: &[&str]) -> Columns {
    let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
    let (columns, _) = Columns::recognise(&headers);
    columns
}

fn record(line: u64, fields: &[&str]) -> Record {
    Record {
        line,
        fields: fields.iter().map(|s| s.to_string()).collect(),
    }
}

fn es() -> Option<Country> {
    Country::parse("ES")
}

#[test]
fn a_full_row() {
    let cols = columns(&[
        "Código",
        "Nombre",
        "Teléfono",
        "Móvil",
        "Email",
        "Dirección",
        "CP",
        "Ciudad",
        "País",
        "Idioma",
    ]);
    let rec = record(
        7,
        &[
            " C-1 ",
            "Ana Pérez",
            "91 123 45 67",
            "612 345 678",
            " ana@example.com ",
            "Calle Mayor 1",
            "28013",
            "Madrid",
            "España",
            "Español",
        ],
    );
    let (row, problems) = cols.row(&rec, Country::parse("CZ"));
    assert!(problems.is_empty(), "{problems:?}");
    let row = row.unwrap();
    assert_eq!(row.line, 7);
    assert_eq!(row.external_id.as_deref(), Some("C-1"));
    assert_eq!(row.name.as_deref(), Some("Ana Pérez"));
    // The row's own country (Spain) beats the default (Czechia).
    let phones: Vec<(&str, PhoneKind, PhoneHint)> = row
        .phones
        .iter()
        .map(|p| (p.phone.e164.as_deref().unwrap(), p.phone.kind, p.hint))
        .collect();
    assert_eq!(
        phones,
        [
            ("+34911234567", PhoneKind::Landline, PhoneHint::Any),
            ("+34612345678", PhoneKind::Mobile, PhoneHint::Mobile)
        ]
    );
    assert_eq!(row.emails, ["ana@example.com"]);
    let address = row.address.unwrap();
    assert_eq!(address.street.as_deref(), Some("Calle Mayor 1"));
    assert_eq!(address.postal_code.as_deref(), Some("28013"));
    assert_eq!(address.city.as_deref(), Some("Madrid"));
    assert_eq!(address.country, es());
    assert_eq!(row.language.as_deref(), Some("es"));
}

#[test]
fn problems_are_reported_not_dropped() {
    let cols = columns(&[
        "Nombre",
        "Teléfono",
        "Teléfono 2",
        "Email",
        "País",
        "Idioma",
    ]);
    let rec = record(
        3,
        &[
            "Luis",
            "12345",
            "612345678",
            "luis@@example",
            "Narnia",
            "Klingon",
        ],
    );
    let (row, problems) = cols.row(&rec, es());
    let row = row.unwrap();
    assert_eq!(row.phones.len(), 2);
    assert!(!row.phones[0].phone.valid);
    assert_eq!(row.phones[0].phone.given, "12345");
    // The unknown country falls back to the default for phones.
    assert_eq!(row.phones[1].phone.e164.as_deref(), Some("+34612345678"));
    assert!(row.emails.is_empty());
    assert_eq!(row.language, None);
    let got: Vec<(u64, &str, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "País", "unknown country: Narnia"),
            (3, "Teléfono", "phone not valid: 12345"),
            (3, "Email", "email not valid: luis@@example"),
            (3, "Idioma", "unknown language: Klingon"),
        ]
    );
}

#[test]
fn duplicates_empty_cells_and_widths() {
    let cols = columns(&["Name", "Phone", "Mobile", "Email", "Email 2"]);
    let (row, problems) = cols.row(
        &record(
            2,
            &[
                "Eva",
                "+34 612 345 678",
                "612345678",
                "",
                "eva@x.org",
                "extra",
            ],
        ),
        es(),
    );
    let row = row.unwrap();
    assert_eq!(row.phones.len(), 1);
    assert_eq!(row.emails, ["eva@x.org"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column, "");
    assert!(problems[0].reason.contains("6 fields"), "{problems:?}");

    // Fewer fields than the header: the missing ones are empty.
    let (row, problems) = cols.row(&record(3, &["Eva"]), es());
    assert!(problems.is_empty());
    let row = row.unwrap();
    assert!(row.phones.is_empty() && row.address.is_none());

    assert_eq!(cols.row(&record(4, &["", "  ", ""]), es()), (None, vec![]));
}

#[test]
fn emails() {
    for good in ["a@b.co", "first.last+tag@mail.example.es"] {
        assert!(looks_like_email(good), "{good}");
    }
    for bad in [
        "a@b",
        "@b.com",
        "a b@c.com",
        "a@b@c.com",
        "a@.com",
        "a@com.",
        "ab.com",
    ] {
        assert!(!looks_like_email(bad), "{bad}");
    }
}

#[test]
fn custom_fields_from_a_mapping() {
    let mapping =
        Mapping::from_toml("[columns]\nname = \"Cliente\"\n[custom]\ncontract = \"Contrato\"\n")
            .unwrap();
    let headers = vec!["Cliente".to_string(), "Contrato".to_string()];
    let cols = mapping.resolve(&headers).unwrap();
    let (row, _) = cols.row(&record(2, &["Ana", " X-9 "]), None);
    assert_eq!(
        row.unwrap().custom,
        [("contract".to_string(), "X-9".to_string())]
    );
}
