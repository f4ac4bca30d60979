//! The column headers recognised without a mapping file, in English,
//! Spanish, Catalan and Czech, and how headers are compared.
//!
//! A header is compared by its *key*: lower case, accents dropped, and
//! everything but letters and digits dropped ("Teléfono móvil" → `telefonomovil`,
//! "E-mail" → `email`, "PSČ" → `psc`). A key ending in digits is looked up
//! again without them ("Teléfono 2" → `telefono`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::PhoneHint;

/// What a recognised header holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Meaning {
    ExternalId,
    Name,
    Phone(PhoneHint),
    Email,
    Address,
    PostalCode,
    City,
    Country,
    Language,
}

/// The known headers, by meaning (as keys).
const WORDS: &[(Meaning, &[&str])] = &[
    (
        Meaning::ExternalId,
        &[
            "externalid",
            "id",
            "customerid",
            "clientid",
            "customernumber",
            "customerno",
            "customercode",
            "clientcode",
            "clientnumber",
            "reference",
            "ref",
            "idcliente",
            "codigo",
            "codigocliente",
            "numerocliente",
            "referencia",
            "idclient",
            "codi",
            "codiclient",
            "numeroclient",
            "cislozakaznika",
            "idzakaznika",
            "kodzakaznika",
            "cisloklienta",
            "kod",
        ],
    ),
    (
        Meaning::Name,
        &[
            "name",
            "fullname",
            "customername",
            "clientname",
            "contactname",
            "customer",
            "nombre",
            "nombreyapellidos",
            "nombrecompleto",
            "nombreapellidos",
            "cliente",
            "nom",
            "nomicognoms",
            "nomcomplet",
            "nomcognoms",
            "client",
            "jmeno",
            "jmenoaprijmeni",
            "celejmeno",
            "jmenoprijmeni",
            "zakaznik",
        ],
    ),
    (
        Meaning::Phone(PhoneHint::Any),
        &[
            "phone",
            "phonenumber",
            "telephone",
            "telephonenumber",
            "tel",
            "homephone",
            "landline",
            "telefono",
            "numerodetelefono",
            "numerotelefono",
            "telfijo",
            "telefonofijo",
            "fijo",
            "telefonocasa",
            "telefon",
            "telefonfix",
            "numerodetelefon",
            "telefoncasa",
            "telefonnicislo",
            "pevnalinka",
            "telefondomu",
        ],
    ),
    (
        Meaning::Phone(PhoneHint::Mobile),
        &[
            "mobile",
            "mobilephone",
            "mobilenumber",
            "cell",
            "cellphone",
            "cellular",
            "movil",
            "telefonomovil",
            "telmovil",
            "celular",
            "mobil",
            "telefonmobil",
            "mobilni",
            "mobilnitelefon",
            "mobilnicislo",
            "mobiltelefon",
        ],
    ),
    (
        Meaning::Phone(PhoneHint::Work),
        &[
            "workphone",
            "officephone",
            "businessphone",
            "telefonotrabajo",
            "teltrabajo",
            "telefonooficina",
            "telefondefeina",
            "telefonfeina",
            "telfeina",
            "telefonprace",
            "pracovnitelefon",
            "telefondoprace",
        ],
    ),
    (
        Meaning::Email,
        &[
            "email",
            "emailaddress",
            "mail",
            "correo",
            "correoelectronico",
            "correu",
            "correuelectronic",
            "emailovaadresa",
            "epost",
        ],
    ),
    (
        Meaning::Address,
        &[
            "address",
            "street",
            "streetaddress",
            "direccion",
            "domicilio",
            "calle",
            "direccionpostal",
            "adreca",
            "carrer",
            "domicili",
            "adresa",
            "ulice",
            "uliceacislo",
        ],
    ),
    (
        Meaning::PostalCode,
        &[
            "postalcode",
            "zip",
            "zipcode",
            "postcode",
            "codigopostal",
            "cp",
            "codpostal",
            "codipostal",
            "psc",
        ],
    ),
    (
        Meaning::City,
        &[
            "city",
            "town",
            "ciudad",
            "localidad",
            "municipio",
            "poblacion",
            "ciutat",
            "poblacio",
            "municipi",
            "localitat",
            "mesto",
            "obec",
        ],
    ),
    (
        Meaning::Country,
        &["country", "countrycode", "pais", "zeme", "stat"],
    ),
    (
        Meaning::Language,
        &["language", "lang", "idioma", "lengua", "llengua", "jazyk"],
    ),
];

/// What a header means, if it is one of the known ones.
pub(super) fn meaning(header: &str) -> Option<Meaning> {
    let key = key(header);
    lookup(&key).or_else(|| {
        let bare = key.trim_end_matches(|c: char| c.is_ascii_digit());
        (bare.len() < key.len() && !bare.is_empty())
            .then(|| lookup(bare))
            .flatten()
    })
}

fn lookup(key: &str) -> Option<Meaning> {
    WORDS
        .iter()
        .find(|(_, words)| words.contains(&key))
        .map(|(meaning, _)| *meaning)
}

/// Lower case, accents dropped, letters and digits only.
pub(crate) fn key(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Lower case, accents dropped, surrounding whitespace trimmed: how mapping
/// files name headers.
pub(super) fn loose(text: &str) -> String {
    text.trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key("Teléfono móvil"), "telefonomovil");
        assert_eq!(key("E-mail"), "email");
        assert_eq!(key("PSČ"), "psc");
        assert_eq!(key("Adreça"), "adreca");
        assert_eq!(key("Jméno a příjmení"), "jmenoaprijmeni");
        assert_eq!(loose("  Nombre y Apellidos "), "nombre y apellidos");
    }

    #[test]
    fn meanings() {
        assert_eq!(meaning("Teléfono 2"), Some(Meaning::Phone(PhoneHint::Any)));
        assert_eq!(meaning("Móvil"), Some(Meaning::Phone(PhoneHint::Mobile)));
        assert_eq!(
            meaning("Telèfon feina"),
            Some(Meaning::Phone(PhoneHint::Work))
        );
        assert_eq!(meaning("Číslo zákazníka"), Some(Meaning::ExternalId));
        assert_eq!(meaning("Correu electrònic"), Some(Meaning::Email));
        assert_eq!(meaning("Contrato"), None);
        assert_eq!(meaning("2"), None);
    }
}
