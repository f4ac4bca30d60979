//! Unit tests of phone normalisation.

use super::*;

fn es() -> Option<Country> {
    Country::parse("es")
}

#[test]
fn country_parse() {
    assert_eq!(
        Country::parse("es").map(|c| c.to_string()),
        Some("ES".into())
    );
    assert_eq!(
        Country::parse(" Cz ").map(|c| c.to_string()),
        Some("CZ".into())
    );
    assert_eq!(Country::parse("zz"), None);
    assert_eq!(Country::parse("e"), None);
    assert_eq!(Country::parse("esp"), None);
    assert_eq!(Country::parse("1a"), None);
}

#[test]
fn spanish_shapes() {
    for raw in [
        "612 345 678",
        "+34 612345678",
        "0034612345678",
        "612.34.56.78",
        "612-345-678",
        "+34-612-345-678",
    ] {
        let p = normalise(raw, es());
        assert_eq!(p.e164.as_deref(), Some("+34612345678"), "{raw}");
        assert!(p.valid, "{raw}");
        assert_eq!(p.kind, PhoneKind::Mobile, "{raw}");
        assert_eq!(p.country, es(), "{raw}");
    }
    let landline = normalise("91 123 45 67", es());
    assert_eq!(landline.e164.as_deref(), Some("+34911234567"));
    assert_eq!(landline.kind, PhoneKind::Landline);
}

#[test]
fn other_countries() {
    let us = Country::parse("us");
    for raw in [
        "(512) 345-6789",
        "512-345-6789",
        "+1 512 345 6789",
        "15123456789",
    ] {
        let p = normalise(raw, us);
        assert_eq!(p.e164.as_deref(), Some("+15123456789"), "{raw}");
        assert!(p.valid, "{raw}");
        assert_eq!(p.kind, PhoneKind::Other, "{raw}");
    }
    let gb = Country::parse("gb");
    for raw in ["07123 456789", "+44 7123456789"] {
        let p = normalise(raw, gb);
        assert_eq!(p.e164.as_deref(), Some("+447123456789"), "{raw}");
        assert_eq!(p.kind, PhoneKind::Mobile, "{raw}");
    }
    let cz = Country::parse("cz");
    for raw in ["00420712345678", "+420 712 345 678", "712 345 678"] {
        let p = normalise(raw, cz);
        assert_eq!(p.e164.as_deref(), Some("+420712345678"), "{raw}");
        assert_eq!(p.country, cz, "{raw}");
    }
}

#[test]
fn junk() {
    for raw in ["n/a", "12", "abc", "", "  ", "-", "1"] {
        let p = normalise(raw, es());
        assert!(!p.valid, "{raw}");
        assert_eq!(p, normalise_reference(raw, es()), "{raw}");
    }
    assert_eq!(normalise("  n/a ", None).given, "n/a");
}

#[test]
fn agrees_on_quirky_inputs() {
    let cases = [
        "+44 (0)7123456789",
        "+3461234-5678",
        "+0034-612345678",
        "(12",
        "+-34612345678",
        "0800 123 456",
        "612345678 ext. 12",
        "+34 612 345 678 / 699 111 222",
        "00 34 612 345 678",
        "+1 (512) 345-6789",
        "011 34 612345678",
        "0000",
        "00000000000000000012",
        "9".repeat(20).as_str(),
    ]
    .map(str::to_owned);
    for default in [None, es(), Country::parse("us"), Country::parse("ar")] {
        for raw in &cases {
            assert_eq!(
                normalise(raw, default),
                normalise_reference(raw, default),
                "{raw} {default:?}"
            );
        }
    }
}

#[test]
fn kind_names() {
    assert_eq!(PhoneKind::Mobile.as_str(), "mobile");
    assert_eq!(PhoneKind::Landline.as_str(), "landline");
    assert_eq!(PhoneKind::Other.as_str(), "other");
}
