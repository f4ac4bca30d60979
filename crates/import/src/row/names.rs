//! Country and language names as customer files write them, in English,
//! Spanish, Catalan and Czech. Names are compared by their key (lower case,
//! no accents, letters only: "Česká republika" → `ceskarepublika`).

use crate::mapping::words::key;
use crate::phone::Country;

/// Country names and ISO alpha-3 codes, by alpha-2 code.
const COUNTRIES: &[(&str, &[&str])] = &[
    ("ES", &["esp", "spain", "espana", "espanya", "spanelsko"]),
    (
        "CZ",
        &[
            "cze",
            "czechia",
            "czechrepublic",
            "cesko",
            "ceskarepublika",
            "cr",
            "chequia",
            "republicacheca",
            "txequia",
            "republicatxeca",
        ],
    ),
    (
        "US",
        &[
            "usa",
            "unitedstates",
            "unitedstatesofamerica",
            "estadosunidos",
            "eeuu",
            "eua",
            "estatsunits",
            "estatsunitsdamerica",
            "spojenestaty",
            "spojenestatyamericke",
        ],
    ),
    (
        "GB",
        &[
            "gbr",
            "uk",
            "unitedkingdom",
            "greatbritain",
            "britain",
            "england",
            "reinounido",
            "granbretana",
            "inglaterra",
            "regneunit",
            "granbretanya",
            "anglaterra",
            "spojenekralovstvi",
            "velkabritanie",
            "anglie",
        ],
    ),
    ("FR", &["fra", "france", "francia", "franca", "francie"]),
    (
        "DE",
        &[
            "deu",
            "germany",
            "alemania",
            "alemanya",
            "nemecko",
            "deutschland",
        ],
    ),
    ("IT", &["ita", "italy", "italia", "italie"]),
    ("PT", &["prt", "portugal", "portugalsko"]),
    ("SK", &["svk", "slovakia", "eslovaquia", "slovensko"]),
    ("PL", &["pol", "poland", "polonia", "polsko"]),
    ("AD", &["and", "andorra"]),
    ("MX", &["mex", "mexico", "mexic", "mexiko"]),
    ("AR", &["arg", "argentina", "argentinska"]),
    (
        "NL",
        &[
            "nld",
            "netherlands",
            "holland",
            "holanda",
            "paisesbajos",
            "paisosbaixos",
            "nizozemsko",
        ],
    ),
    ("BE", &["bel", "belgium", "belgica", "belgie"]),
    (
        "CH",
        &["che", "switzerland", "suiza", "suissa", "svycarsko"],
    ),
    ("AT", &["aut", "austria", "rakousko"]),
    ("IE", &["irl", "ireland", "irlanda", "irsko"]),
];

/// Language names, by code.
const LANGUAGES: &[(&str, &[&str])] = &[
    (
        "es",
        &[
            "spanish",
            "castilian",
            "espanol",
            "castellano",
            "espanyol",
            "castella",
            "spanelstina",
        ],
    ),
    (
        "ca",
        &[
            "catalan",
            "catala",
            "katalanstina",
            "valencia",
            "valenciano",
        ],
    ),
    ("cs", &["czech", "checo", "txec", "cestina", "cesky"]),
    (
        "en",
        &["english", "ingles", "angles", "anglictina", "anglicky"],
    ),
];

/// A country from an alpha-2 code or a name.
pub(super) fn country(text: &str) -> Option<Country> {
    if let Some(country) = Country::parse(text) {
        return Some(country);
    }
    let k = key(text);
    COUNTRIES
        .iter()
        .find(|(_, names)| names.contains(&k.as_str()))
        .and_then(|(code, _)| Country::parse(code))
}

/// A language code (2 or 3 letters, lower-cased) from a code or a name.
pub(super) fn language(text: &str) -> Option<String> {
    let text = text.trim();
    if (2..=3).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(text.to_ascii_lowercase());
    }
    let k = key(text);
    LANGUAGES
        .iter()
        .find(|(_, names)| names.contains(&k.as_str()))
        .map(|(code, _)| (*code).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        let code = |t: &str| country(t).map(|c| c.to_string());
        for (text, want) in [
            ("es", "ES"),
            ("España", "ES"),
            ("Spain", "ES"),
            ("Espanya", "ES"),
            ("Španělsko", "ES"),
            ("Czechia", "CZ"),
            ("Česko", "CZ"),
            ("Česká republika", "CZ"),
            ("Chequia", "CZ"),
            ("Txèquia", "CZ"),
            ("United States", "US"),
            ("USA", "US"),
            ("EE. UU.", "US"),
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("Reino Unido", "GB"),
            ("França", "FR"),
            ("Německo", "DE"),
            ("Itálie", "IT"),
            ("Portugal", "PT"),
            ("Eslovàquia", "SK"),
            ("Polsko", "PL"),
            ("Andorra", "AD"),
            ("México", "MX"),
            ("Argentina", "AR"),
        ] {
            assert_eq!(code(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(code("Narnia"), None);
    }

    #[test]
    fn languages() {
        for (text, want) in [
            ("ES", "es"),
            ("cat", "cat"),
            ("Español", "es"),
            ("castellano", "es"),
            ("Català", "ca"),
            ("Čeština", "cs"),
            ("Checo", "cs"),
            ("English", "en"),
            ("Anglès", "en"),
            ("angličtina", "en"),
        ] {
            assert_eq!(language(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(language("Klingon"), None);
        assert_eq!(language("e"), None);
    }
}
