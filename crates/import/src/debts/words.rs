//! The debt file headers recognised without a mapping file, in English,
//! Spanish, Catalan and Czech, plus the field keys themselves.
//!
//! Headers are compared as the customer headers are ([`key`]): lower case,
//! accents dropped, letters and digits only ("Číslo případu" →
//! `cislopripadu`, "case_ref" → `caseref`). A key ending in digits is looked
//! up again without them ("Teléfono 2" is a phone).

use crate::mapping::words::key;

/// What a recognised header holds: a field, or any phone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Meaning {
    CaseRef,
    DebtorId,
    DebtorName,
    Phone,
    Email,
    Address,
    Principal,
    Fees,
    Interest,
    Currency,
    DueDate,
    Creditor,
}

/// The known headers, by meaning (as keys). Each list starts with the
/// field's own key.
const WORDS: &[(Meaning, &[&str])] = &[
    (
        Meaning::CaseRef,
        &[
            "caseref",
            "case",
            "caseid",
            "casenumber",
            "caseno",
            "casereference",
            "reference",
            "ref",
            "debtref",
            "accountnumber",
            "account",
            "contractnumber",
            "expediente",
            "numeroexpediente",
            "numerodeexpediente",
            "nexpediente",
            "numexpediente",
            "noexpediente",
            "nexpedient",
            "numexpedient",
            "referencia",
            "caso",
            "numerocaso",
            "referenciacaso",
            "expedient",
            "numeroexpedient",
            "numerodexpedient",
            "cas",
            "numerocas",
            "cislopripadu",
            "pripad",
            "spis",
            "cislospisu",
            "spisovaznacka",
            "referencnicislo",
            "cislosmlouvy",
            "smlouva",
        ],
    ),
    (
        Meaning::DebtorId,
        &[
            "debtorid",
            "debtorno",
            "debtornumber",
            "nationalid",
            "idnumber",
            "taxid",
            "personalnumber",
            "birthnumber",
            "customerid",
            "nif",
            "dni",
            "nie",
            "cif",
            "documento",
            "numerodocumento",
            "iddeudor",
            "documentodeudor",
            "nifdeudor",
            "document",
            "numerodocument",
            "iddeutor",
            "nifdeutor",
            "rodnecislo",
            "rc",
            "ico",
            "icorc",
            "rcico",
            "iddluznika",
            "cislodluznika",
        ],
    ),
    (
        Meaning::DebtorName,
        &[
            "debtorname",
            "debtor",
            "name",
            "fullname",
            "customer",
            "customername",
            "deudor",
            "nombre",
            "nombredeudor",
            "nombreyapellidos",
            "nombrecompleto",
            "titular",
            "cliente",
            "deutor",
            "nom",
            "nomdeutor",
            "nomicognoms",
            "nomcomplet",
            "client",
            "dluznik",
            "jmeno",
            "jmenodluznika",
            "jmenoaprijmeni",
            "nazevdluznika",
            "zakaznik",
        ],
    ),
    (
        Meaning::Phone,
        &[
            "phone",
            "phonenumber",
            "telephone",
            "tel",
            "mobile",
            "mobilephone",
            "cell",
            "cellphone",
            "telefono",
            "movil",
            "telefonomovil",
            "celular",
            "telefon",
            "mobil",
            "telefonmobil",
            "telefonnicislo",
            "mobilni",
            "mobilnitelefon",
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
        ],
    ),
    (
        Meaning::Address,
        &[
            "address",
            "postaladdress",
            "direccion",
            "domicilio",
            "direccionpostal",
            "adreca",
            "domicili",
            "adresa",
            "bydliste",
            "trvalebydliste",
            "adresadluznika",
        ],
    ),
    (
        Meaning::Principal,
        &[
            "principal",
            "principalamount",
            "amount",
            "debt",
            "debtamount",
            "amountdue",
            "amountowed",
            "capital",
            "importe",
            "deuda",
            "importedeuda",
            "principalpendiente",
            "capitalpendiente",
            "import",
            "deute",
            "importdeute",
            "jistina",
            "dluh",
            "castka",
            "dluznacastka",
            "vysedluhu",
            "dluznajistina",
        ],
    ),
    (
        Meaning::Fees,
        &[
            "fees",
            "fee",
            "charges",
            "costs",
            "gastos",
            "comisiones",
            "costas",
            "despeses",
            "comissions",
            "costes",
            "poplatky",
            "poplatek",
            "naklady",
        ],
    ),
    (
        Meaning::Interest,
        &[
            "interest",
            "interests",
            "intereses",
            "interes",
            "interessos",
            "urok",
            "uroky",
            "urokzprodleni",
            "urokyzprodleni",
        ],
    ),
    (
        Meaning::Currency,
        &["currency", "curr", "ccy", "moneda", "divisa", "mena"],
    ),
    (
        Meaning::DueDate,
        &[
            "duedate",
            "due",
            "dueon",
            "maturity",
            "maturitydate",
            "vencimiento",
            "fechavencimiento",
            "fechadevencimiento",
            "venciment",
            "datavenciment",
            "datadevenciment",
            "splatnost",
            "datumsplatnosti",
            "splatnostdo",
            "splatno",
        ],
    ),
    (
        Meaning::Creditor,
        &[
            "creditor",
            "creditorname",
            "originalcreditor",
            "acreedor",
            "entidad",
            "acreedora",
            "creditora",
            "entitat",
            "veritel",
            "puvodniveritel",
            "nazevveritele",
        ],
    ),
];

/// What a header means, if it is one of the known ones; "Nº" and "N°"
/// (number) read as "N".
pub(super) fn meaning(header: &str) -> Option<Meaning> {
    let key = key(&header.replace(['º', 'ª', '°'], ""));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_has_one_meaning() {
        let mut seen = std::collections::BTreeMap::new();
        for (meaning, words) in WORDS {
            for word in *words {
                assert_eq!(key(word), *word, "{word} is not written as a key");
                let before = seen.insert(*word, *meaning);
                assert!(before.is_none(), "{word} is listed twice");
            }
        }
    }
}
