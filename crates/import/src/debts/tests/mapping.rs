//! The mapping file, and the columns found from it or from the headers.

use super::*;

#[test]
fn mapping_parses_settings_and_columns() {
    let m = DebtMapping::parse(CZECH).unwrap();
    assert_eq!(m.date_format, DateFormat::DayMonthYearDots);
    assert_eq!(m.decimal, DecimalMark::Comma);
    assert_eq!(m.currency_default.as_deref(), Some("CZK"));
    let fields: Vec<DebtField> = m.columns.iter().map(|(f, _)| *f).collect();
    use DebtField::*;
    assert_eq!(
        fields,
        [
            CaseRef, DebtorId, DebtorName, Phone, Principal, Currency, DueDate, Creditor
        ]
    );
    assert_eq!(m.header(DueDate), Some("Splatnost"));
    assert_eq!(m.header(Email), None);
    let empty = DebtMapping::parse("").unwrap();
    assert_eq!(empty, DebtMapping::default());
    assert_eq!(empty.date_format.as_str(), "YYYY-MM-DD");
    assert_eq!(empty.decimal.as_str(), ".");
    for field in DebtField::ALL {
        assert_eq!(DebtField::parse(field.key()), Some(field));
    }
}

#[test]
fn mapping_unknown_keys_name_the_line() {
    let err = DebtMapping::parse("decimal = \",\"\n\nseparator = \";\"\n").unwrap_err();
    assert_eq!(
        err,
        DebtMappingError::UnknownKeys {
            keys: vec![(3, "separator".into())]
        }
    );
    assert!(err.to_string().contains("line 3: \"separator\""), "{err}");
    let err =
        DebtMapping::parse("[columns]\ncase_ref = \"Spis\"\ndluznik = \"Dlužník\"\nfax = \"F\"\n")
            .unwrap_err();
    let DebtMappingError::UnknownFields { fields, valid } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(fields, &[(3, "dluznik".into()), (4, "fax".into())]);
    assert_eq!(valid.len(), DebtField::ALL.len());
    let text = err.to_string();
    assert!(
        text.contains("line 3: \"dluznik\", line 4: \"fax\""),
        "{text}"
    );
    assert!(text.contains("debtor_name"), "{text}");
}

#[test]
fn mapping_bad_values_name_the_line() {
    let cases = [
        (
            "date_format = \"MM/DD/YYYY\"",
            1,
            "date_format",
            "\"MM/DD/YYYY\"",
        ),
        ("\ndecimal = \";\"", 2, "decimal", "\";\""),
        (
            "currency_default = \"EURO\"",
            1,
            "currency_default",
            "\"EURO\"",
        ),
        ("decimal = 1", 1, "decimal", "1"),
        ("[columns]\ncase_ref = 3", 2, "columns.case_ref", "3"),
        (
            "[columns]\ncase_ref = \" \"",
            2,
            "columns.case_ref",
            "\" \"",
        ),
        ("columns = \"A\"", 1, "columns", "\"A\""),
    ];
    for (text, line, key, value) in cases {
        match DebtMapping::parse(text) {
            Err(DebtMappingError::BadValue {
                line: l,
                key: k,
                value: v,
                ..
            }) => assert_eq!((l, k.as_str(), v.as_str()), (line, key, value), "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    let err = DebtMapping::parse("decimal = \",\"\n[columns\n").unwrap_err();
    assert!(
        matches!(err, DebtMappingError::Toml { line: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("line 2: "), "{err}");
}

/// The column of each field, by key.
fn found(cols: &DebtColumns) -> Vec<(&'static str, usize)> {
    cols.fields()
        .into_iter()
        .map(|(f, c)| (f.key(), c))
        .collect()
}

#[test]
fn headers_recognised_in_four_languages() {
    let expected = [
        ("case_ref", 0),
        ("debtor_id", 1),
        ("debtor_name", 2),
        ("phone", 3),
        ("phone2", 4),
        ("email", 5),
        ("address", 6),
        ("principal", 7),
        ("fees", 8),
        ("interest", 9),
        ("currency", 10),
        ("due_date", 11),
        ("creditor", 12),
    ];
    let files: [&[&str]; 5] = [
        &[
            "Case Number",
            "National ID",
            "Debtor",
            "Phone",
            "Mobile",
            "E-mail",
            "Address",
            "Principal",
            "Fees",
            "Interest",
            "Currency",
            "Due date",
            "Creditor",
        ],
        &[
            "Nº Expediente",
            "DNI",
            "Nombre y apellidos",
            "Teléfono",
            "Móvil",
            "Correo electrónico",
            "Dirección",
            "Importe",
            "Gastos",
            "Intereses",
            "Moneda",
            "Fecha vencimiento",
            "Acreedor",
        ],
        &[
            "Número d'expedient",
            "NIF deutor",
            "Nom i cognoms",
            "Telèfon",
            "Mòbil",
            "Correu",
            "Adreça",
            "Import deute",
            "Despeses",
            "Interessos",
            "Divisa",
            "Data venciment",
            "Entitat",
        ],
        &[
            "Číslo případu",
            "Rodné číslo",
            "Dlužník",
            "Telefon",
            "Mobil",
            "E-mail",
            "Adresa",
            "Jistina",
            "Poplatky",
            "Úroky z prodlení",
            "Měna",
            "Datum splatnosti",
            "Věřitel",
        ],
        &[
            "case_ref",
            "debtor_id",
            "debtor_name",
            "phone",
            "phone2",
            "email",
            "address",
            "principal",
            "fees",
            "interest",
            "currency",
            "due_date",
            "creditor",
        ],
    ];
    for names in files {
        let cols = DebtColumns::resolve(&headers(names), None).unwrap();
        assert_eq!(found(&cols), expected, "{names:?}");
        assert!(cols.unused().is_empty(), "{:?}", cols.unused());
        assert_eq!(cols.date_format(), DateFormat::YearMonthDay);
        assert_eq!(cols.decimal(), DecimalMark::Point);
    }
}

#[test]
fn mapping_columns_first_then_recognition() {
    let mapping = DebtMapping::parse(
        "currency_default = \"EUR\"\n[columns]\ncase_ref = \"SPIS\"\nprincipal = \" dluzna  castka \"\n",
    )
    .unwrap();
    let names = headers(&[
        "Spis",
        "Číslo případu",
        "Dlužná  částka",
        "Dlužník",
        "Splatnost",
        "Poznámka",
    ]);
    let cols = DebtColumns::resolve(&names, Some(&mapping)).unwrap();
    assert_eq!(
        found(&cols),
        [
            ("case_ref", 0),
            ("debtor_name", 3),
            ("principal", 2),
            ("due_date", 4)
        ]
    );
    // Recognised as a case reference, but the mapping took that field.
    assert_eq!(cols.unused(), ["Číslo případu", "Poznámka"]);
    assert_eq!(cols.currency_default(), Some("EUR"));
    assert_eq!(cols.header(4), "Splatnost");
    assert_eq!(cols.header(9), "");
}

#[test]
fn missing_columns_are_listed_with_the_headers() {
    let err = DebtColumns::resolve(&headers(&["Spis", "Jistina", "Poznámka"]), None).unwrap_err();
    assert_eq!(
        err,
        DebtColumnsError::MissingFields {
            missing: vec![
                "due_date".into(),
                "debtor_id or debtor_name".into(),
                "currency (or currency_default in the mapping)".into(),
            ],
            headers: headers(&["Spis", "Jistina", "Poznámka"]),
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("\"Spis\", \"Jistina\", \"Poznámka\""),
        "{text}"
    );
    let mapping =
        DebtMapping::parse("[columns]\ncase_ref = \"Reference\"\nfees = \"Costs\"\n").unwrap();
    let err = DebtColumns::resolve(&headers(&["Ref", "Costs"]), Some(&mapping)).unwrap_err();
    assert_eq!(
        err,
        DebtColumnsError::MappedHeadersMissing {
            missing: vec!["Reference".into()],
            headers: headers(&["Ref", "Costs"]),
        }
    );
    assert!(
        err.to_string().contains("no column named \"Reference\""),
        "{err}"
    );
}
