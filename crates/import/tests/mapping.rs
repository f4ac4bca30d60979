//! From a file's bytes to customer rows: recognised headers and mapping
//! files, good and bad.

use import::mapping::{Columns, Field, Mapping, MappingError, PhoneHint};
use import::phone::{Country, PhoneKind};
use import::row::CustomerRow;
use import::table::{Encoding, ReadOptions, Record, open};

fn records(bytes: &[u8]) -> (Vec<String>, Vec<Record>) {
    let mut table = open(bytes, &ReadOptions::default()).unwrap();
    let mut out = Vec::new();
    while table.next_chunk(100, &mut out).unwrap() > 0 {}
    (table.headers().to_vec(), out)
}

#[test]
fn a_czech_file_in_windows_1250_without_a_mapping() {
    let text = "Číslo zákazníka;Jméno a příjmení;Telefon;Mobil;E-mail;Ulice;PSČ;Město;Země;Jazyk;Smlouva\r\n\
                Z-1;Jiří Dvořák;224 123 456;602 123 456;jiri@example.cz;Dlouhá 5;110 00;Praha;Česko;čeština;S-77\r\n\
                Z-2;Ľubica Ďurišová;;905 123 456;;;;Žilina;Slovensko;sk;\r\n";
    let (bytes, complete) = Encoding::Windows1250.encode(text);
    assert!(complete);
    let (headers, records) = records(&bytes);
    let (columns, unrecognised) = Columns::recognise(&headers);
    assert_eq!(unrecognised, ["Smlouva"]);
    assert_eq!(columns.phones()[1].hint, PhoneHint::Mobile);

    let rows: Vec<CustomerRow> = records
        .iter()
        .map(|r| {
            let (row, problems) = columns.row(r, Country::parse("CZ"));
            assert!(problems.is_empty(), "{problems:?}");
            row.unwrap()
        })
        .collect();
    assert_eq!(rows[0].name.as_deref(), Some("Jiří Dvořák"));
    assert_eq!(rows[0].language.as_deref(), Some("cs"));
    let phones: Vec<(&str, PhoneKind)> = rows[0]
        .phones
        .iter()
        .map(|p| (p.phone.e164.as_deref().unwrap(), p.phone.kind))
        .collect();
    assert_eq!(
        phones,
        [
            ("+420224123456", PhoneKind::Landline),
            ("+420602123456", PhoneKind::Mobile)
        ]
    );
    // The second row names Slovakia: its phone is Slovak.
    assert_eq!(rows[1].line, 3);
    assert_eq!(
        rows[1].phones[0].phone.e164.as_deref(),
        Some("+421905123456")
    );
    assert_eq!(
        rows[1].address.as_ref().unwrap().country,
        Country::parse("SK")
    );
}

const MAPPING: &str = r#"
[columns]
external_id = "Ref."
name = "Cliente"
phone = "Tel. casa"
phone2 = "Tel. móvil"
email = "Correo"
city = "Municipio"

[custom]
contract = "Nº contrato"
"#;

#[test]
fn a_mapping_file_on_a_spanish_file() {
    let text = "Ref.;Cliente;Tel. casa;Tel. móvil;Correo;Municipio;Nº contrato;Notas\n\
                1;Ana Pérez;91 123 45 67;612 345 678;ana@example.es;Madrid;C-1;x\n\
                2;Luis Ruiz;n/d;+34 699 111 222;luis.example.es;Sevilla;;\n";
    let (headers, records) = records(text.as_bytes());
    let mapping = Mapping::from_toml(MAPPING).unwrap();
    let columns = mapping.resolve(&headers).unwrap();
    assert_eq!(columns.column(Field::City), Some(5));
    assert_eq!(columns.phones()[1].hint, PhoneHint::Mobile);

    let (row, problems) = columns.row(&records[0], Country::parse("ES"));
    assert!(problems.is_empty(), "{problems:?}");
    let row = row.unwrap();
    assert_eq!(row.custom, [("contract".to_string(), "C-1".to_string())]);
    assert_eq!(row.address.unwrap().city.as_deref(), Some("Madrid"));

    let (row, problems) = columns.row(&records[1], Country::parse("ES"));
    let row = row.unwrap();
    assert_eq!(row.phones.len(), 2);
    assert_eq!(row.phones[0].phone.given, "n/d");
    assert!(row.emails.is_empty());
    let reasons: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.column.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("Tel. casa", "phone not valid: n/d"),
            ("Correo", "email not valid: luis.example.es")
        ]
    );
}

#[test]
fn a_mapping_naming_headers_the_file_lacks() {
    let (headers, _) = records(b"Ref.;Cliente\n1;Ana\n");
    let err = Mapping::from_toml(MAPPING)
        .unwrap()
        .resolve(&headers)
        .unwrap_err();
    let MappingError::MissingHeaders { missing, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(missing.len(), 5);
    assert!(err.to_string().contains("\"Tel. casa\""), "{err}");
    assert!(
        err.to_string()
            .contains("its columns are: \"Ref.\", \"Cliente\""),
        "{err}"
    );
}

#[test]
fn bad_mapping_files() {
    let err = Mapping::from_toml("[columns]\nmovil = \"Móvil\"\n").unwrap_err();
    assert!(
        err.to_string().starts_with(
            "unknown field(s) in [columns]: movil; the fields are: external_id, name, phone, phone2"
        ),
        "{err}"
    );
    let err = Mapping::from_toml("[campos]\nname = \"Nombre\"\n").unwrap_err();
    assert!(err.to_string().contains("[campos]"), "{err}");
    assert!(Mapping::from_toml("name = \"Nombre\"").is_err());
}
