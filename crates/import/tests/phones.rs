//! The fast phone normalisation against the `phonenumber` crate itself.

mod support;

use import::phone::{Country, normalise, normalise_reference};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use support::phone_mix;

/// Let the `phonenumber` crate keep every pattern it compiles: as shipped it
/// keeps 100 and recompiles the rest, which makes this test slow. Its
/// answers do not depend on it.
fn keep_every_pattern() {
    let cache = phonenumber::metadata::DATABASE.cache();
    cache.lock().expect("pattern cache").set_capacity(100_000);
}

#[test]
fn agrees_with_phonenumber_on_the_mix() {
    keep_every_pattern();
    let mut rng = Pcg64Mcg::seed_from_u64(20_240_611);
    let mut parsed = 0;
    let total = 30_000;
    for _ in 0..total {
        let (raw, default) = phone_mix::sample(&mut rng);
        let default = default.and_then(Country::parse);
        let fast = normalise(&raw, default);
        let slow = normalise_reference(&raw, default);
        assert_eq!(fast, slow, "input {raw:?} default {default:?}");
        parsed += usize::from(fast.e164.is_some());
    }
    // The mix is mostly numbers: most of it must parse.
    assert!(parsed > total / 2, "only {parsed} of {total} parsed");
}

#[test]
fn every_default_country_is_known() {
    for iso in phone_mix::countries() {
        assert!(Country::parse(iso).is_some(), "{iso}");
    }
}

fn default_country() -> impl Strategy<Value = Option<Country>> {
    keep_every_pattern();
    prop::sample::select(vec![
        None,
        Country::parse("ES"),
        Country::parse("CZ"),
        Country::parse("US"),
        Country::parse("GB"),
        Country::parse("DE"),
        Country::parse("IT"),
        Country::parse("AR"),
        Country::parse("BR"),
        Country::parse("RU"),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn typed_numbers_agree(raw in "[+]{0,2}[0-9 ()./-]{0,18}", default in default_country()) {
        prop_assert_eq!(normalise(&raw, default), normalise_reference(&raw, default));
    }

    #[test]
    fn plus_and_digits_agree(raw in "(\\+|00|011)?[1-9][0-9]{1,15}", default in default_country()) {
        prop_assert_eq!(normalise(&raw, default), normalise_reference(&raw, default));
    }

    #[test]
    fn uri_letters_and_extensions_agree(
        raw in "(tel:|TEL:)?[+\u{FF0B}]?[0-9a-fA-Zx ;=#()./*,~-]{0,18}(;ext=[0-9]{0,3})?(;phone-context=[+]?[0-9]{0,4})?( ?(ext|x|#|int|anexo)[.:]? ?[0-9]{0,6}#?)?",
        default in default_country(),
    ) {
        prop_assert_eq!(normalise(&raw, default), normalise_reference(&raw, default));
    }

    #[test]
    fn other_scripts_agree(raw in "[+\u{FF0B}]?[0-9\u{FF10}-\u{FF19}\u{0660}-\u{0669}\u{00A0}\u{2013} ]{0,16}", default in default_country()) {
        prop_assert_eq!(normalise(&raw, default), normalise_reference(&raw, default));
    }

    #[test]
    fn any_text_agrees(raw in "\\PC{0,24}", default in default_country()) {
        prop_assert_eq!(normalise(&raw, default), normalise_reference(&raw, default));
    }
}
