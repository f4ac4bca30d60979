//! Unit tests of fields, mapping files and header recognition.

use super::*;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn field_keys_round_trip() {
    for field in Field::all() {
        assert_eq!(Field::parse(&field.key()), Some(field));
    }
    assert_eq!(Field::parse("phone1"), Some(Field::Phone(1)));
    assert_eq!(Field::parse("PHONE3"), Some(Field::Phone(3)));
    assert_eq!(Field::Phone(1).key(), "phone");
    assert_eq!(Field::Email(2).key(), "email2");
    assert_eq!(Field::parse("phone9"), None);
    assert_eq!(Field::parse("phone0"), None);
    assert_eq!(Field::parse("phone02"), None);
    assert_eq!(Field::parse("fax"), None);
}

#[test]
fn mapping_resolves_loosely() {
    let mapping = Mapping::from_toml(
        r#"
        [columns]
        name = "Nombre y apellidos"
        phone2 = "Móvil"
        phone = "TELEFONO"
        [custom]
        contract = "Contrato"
        "#,
    )
    .unwrap();
    let cols = mapping
        .resolve(&headers(&[
            "  nombre y apellidos ",
            "Teléfono",
            "movil",
            "Contrato",
        ]))
        .unwrap();
    assert_eq!(cols.column(Field::Name), Some(0));
    assert_eq!(cols.column(Field::Phone(1)), Some(1));
    assert_eq!(cols.column(Field::Phone(2)), Some(2));
    assert_eq!(cols.phones()[1].hint, PhoneHint::Mobile);
    assert_eq!(cols.custom(), [("contract".to_string(), 3)]);
}

#[test]
fn mapping_errors() {
    let err = Mapping::from_toml("[columns]\nnombre = \"Nombre\"\nfax = \"Fax\"\n").unwrap_err();
    let MappingError::UnknownFields { unknown, valid } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(unknown, &["fax", "nombre"]);
    assert!(valid.contains(&"phone8".to_string()));
    assert!(err.to_string().contains("postal_code"), "{err}");

    let err = Mapping::from_toml("[colums]\nname = \"Nombre\"\n").unwrap_err();
    assert_eq!(err, MappingError::UnknownSections(vec!["[colums]".into()]));
    assert!(matches!(
        Mapping::from_toml("[columns\n"),
        Err(MappingError::Toml(_))
    ));
    assert!(matches!(
        Mapping::from_toml("[columns]\nname = 3\n"),
        Err(MappingError::NotText { .. })
    ));

    let mapping =
        Mapping::from_toml("[columns]\nname = \"Nombre\"\n[custom]\nx = \"Y\"\n").unwrap();
    let err = mapping.resolve(&headers(&["Name"])).unwrap_err();
    assert!(err.to_string().contains("\"Nombre\", \"Y\""), "{err}");
}

/// The same ten fields, headed in English, Spanish, Catalan and Czech.
const HEADERS: [[&str; 10]; 4] = [
    [
        "Customer ID",
        "Full name",
        "Phone",
        "Mobile",
        "E-mail",
        "Street",
        "ZIP",
        "Town",
        "Country",
        "Language",
    ],
    [
        "Código",
        "Nombre y apellidos",
        "Teléfono",
        "Móvil",
        "Correo electrónico",
        "Dirección",
        "Código postal",
        "Localidad",
        "País",
        "Idioma",
    ],
    [
        "Codi",
        "Nom i cognoms",
        "Telèfon",
        "Mòbil",
        "Correu electrònic",
        "Adreça",
        "Codi postal",
        "Població",
        "País",
        "Llengua",
    ],
    [
        "Číslo zákazníka",
        "Jméno a příjmení",
        "Telefon",
        "Mobil",
        "E-mail",
        "Ulice",
        "PSČ",
        "Město",
        "Země",
        "Jazyk",
    ],
];

#[test]
fn recognises_each_language() {
    let fields = [
        Field::ExternalId,
        Field::Name,
        Field::Phone(1),
        Field::Phone(2),
        Field::Email(1),
        Field::Address,
        Field::PostalCode,
        Field::City,
        Field::Country,
        Field::Language,
    ];
    for names in HEADERS {
        let (cols, unrecognised) = Columns::recognise(&headers(&names));
        assert!(unrecognised.is_empty(), "{names:?}: {unrecognised:?}");
        for (i, field) in fields.iter().enumerate() {
            assert_eq!(cols.column(*field), Some(i), "{names:?} {field}");
        }
        assert_eq!(cols.phones()[1].hint, PhoneHint::Mobile, "{names:?}");
    }
}

#[test]
fn phones_and_emails_in_file_order() {
    let (cols, unrecognised) = Columns::recognise(&headers(&[
        "Móvil",
        "Nombre",
        "Teléfono trabajo",
        "Email",
        "Tel 2",
        "Mail",
        "Contrato",
        "Nombre",
    ]));
    let phones: Vec<(u8, usize, PhoneHint)> = cols
        .phones()
        .iter()
        .map(|p| (p.number, p.column, p.hint))
        .collect();
    assert_eq!(
        phones,
        [
            (1, 0, PhoneHint::Mobile),
            (2, 2, PhoneHint::Work),
            (3, 4, PhoneHint::Any)
        ]
    );
    assert_eq!(cols.emails().collect::<Vec<_>>(), [3, 5]);
    assert_eq!(unrecognised, ["Contrato", "Nombre"]);
}

#[test]
fn columns_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Columns>();
}
