//! A seeded mix of phone numbers as people type them, shared by the
//! differential test and the `phones` example.

#![allow(dead_code)] // Each user takes what it needs.

use rand::{Rng, RngExt};

/// A country the mix writes numbers for: ISO code, calling code, national
/// (trunk) prefix, and how national significant numbers start and how long
/// they are.
struct Plan {
    iso: &'static str,
    code: &'static str,
    trunk: &'static str,
    /// (leading digits, total national length)
    starts: &'static [(&'static str, usize)],
}

const PLANS: &[Plan] = &[
    Plan {
        iso: "ES",
        code: "34",
        trunk: "",
        starts: &[
            ("6", 9),
            ("7", 9),
            ("91", 9),
            ("93", 9),
            ("8", 9),
            ("900", 9),
        ],
    },
    Plan {
        iso: "CZ",
        code: "420",
        trunk: "",
        starts: &[
            ("60", 9),
            ("72", 9),
            ("77", 9),
            ("2", 9),
            ("5", 9),
            ("800", 9),
        ],
    },
    Plan {
        iso: "US",
        code: "1",
        trunk: "1",
        starts: &[
            ("512", 10),
            ("212", 10),
            ("415", 10),
            ("800", 10),
            ("2", 10),
        ],
    },
    Plan {
        iso: "GB",
        code: "44",
        trunk: "0",
        starts: &[("7", 10), ("20", 10), ("121", 10), ("1", 9), ("800", 10)],
    },
    Plan {
        iso: "DE",
        code: "49",
        trunk: "0",
        starts: &[("151", 11), ("17", 11), ("30", 10), ("89", 9), ("40", 10)],
    },
    Plan {
        iso: "FR",
        code: "33",
        trunk: "0",
        starts: &[("6", 9), ("7", 9), ("1", 9), ("4", 9), ("9", 9)],
    },
    Plan {
        iso: "IT",
        code: "39",
        trunk: "",
        starts: &[("3", 10), ("06", 10), ("02", 9), ("0", 8)],
    },
    Plan {
        iso: "PT",
        code: "351",
        trunk: "",
        starts: &[("91", 9), ("96", 9), ("21", 9), ("22", 9)],
    },
    Plan {
        iso: "MX",
        code: "52",
        trunk: "",
        starts: &[("55", 10), ("33", 10), ("1", 11), ("81", 10)],
    },
    Plan {
        iso: "AR",
        code: "54",
        trunk: "0",
        starts: &[("11", 10), ("911", 11), ("351", 10), ("15", 10)],
    },
    Plan {
        iso: "NL",
        code: "31",
        trunk: "0",
        starts: &[("6", 9), ("20", 9)],
    },
    Plan {
        iso: "SK",
        code: "421",
        trunk: "0",
        starts: &[("9", 9), ("2", 9)],
    },
    Plan {
        iso: "AD",
        code: "376",
        trunk: "",
        starts: &[("3", 6), ("8", 6)],
    },
];

const JUNK: &[&str] = &[
    "",
    "n/a",
    "N/A",
    "abc",
    "-",
    "12",
    "1",
    "?",
    "none",
    "tel: 612 345 678",
    "tel:+34-612-345-678",
    "612345678 ext 12",
    "612 345 678 x 5",
    "0800-FLOWERS",
    "+",
    "++34 612 345 678",
    "612 345 678 / 699 111 222",
    "612345678;ext=9",
    "#612345678",
    "juan@example.com",
    "６１２３４５６７８",
    "+34 ６12 345 678",
    "(0)",
    "0",
    "00",
    "000000",
    "+0",
    "+00 34 612 345 678",
    "612 345 678 (casa)",
    "móvil: 612 345 678",
];

/// The countries the mix uses as defaults (ISO codes), besides none.
pub fn countries() -> Vec<&'static str> {
    PLANS.iter().map(|p| p.iso).collect()
}

/// One (input, default country ISO code) of the mix.
pub fn sample(rng: &mut impl Rng) -> (String, Option<&'static str>) {
    let plan = &PLANS[rng.random_range(0..PLANS.len())];
    let default = if rng.random_range(0..20) == 0 {
        None
    } else if rng.random_range(0..8) == 0 {
        Some(PLANS[rng.random_range(0..PLANS.len())].iso)
    } else {
        Some(plan.iso)
    };
    let text = match rng.random_range(0..20) {
        0..=13 => shaped(rng, plan),
        14..=17 => random_digits(rng),
        _ => JUNK[rng.random_range(0..JUNK.len())].to_owned(),
    };
    (text, default)
}

/// A plausible national number of the plan.
fn national(rng: &mut impl Rng, plan: &Plan) -> String {
    let (start, len) = plan.starts[rng.random_range(0..plan.starts.len())];
    let mut s = start.to_owned();
    // Now and then one digit too few or too many.
    let len = match rng.random_range(0..12) {
        0 => len - 1,
        1 => len + 1,
        _ => len,
    };
    while s.len() < len {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

/// Digits split in groups by one separator.
fn grouped(rng: &mut impl Rng, digits: &str, sep: &str) -> String {
    let mut out = String::new();
    let mut rest = digits;
    while !rest.is_empty() {
        let take = rng.random_range(2..=4).min(rest.len());
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(&rest[..take]);
        rest = &rest[take..];
    }
    out
}

/// A number of the plan written in one of the usual ways.
fn shaped(rng: &mut impl Rng, plan: &Plan) -> String {
    let nsn = national(rng, plan);
    let seps = [" ", "", ".", "-", " - ", "/"];
    let sep = seps[rng.random_range(0..seps.len())];
    let body = grouped(rng, &nsn, sep);
    let code = plan.code;
    let trunk = plan.trunk;
    match rng.random_range(0..13) {
        0 | 1 => body,
        2 => format!("{trunk}{body}"),
        3 => format!("+{code} {body}"),
        4 => format!("+{code}{nsn}"),
        5 => format!("00{code}{nsn}"),
        6 => format!("00 {code} {body}"),
        7 => format!("+{code} (0){body}"),
        8 => format!("{code}{nsn}"),
        9 => format!("011{code}{nsn}"),
        10 => format!("({}) {}", &nsn[..3], grouped(rng, &nsn[3..], "-")),
        11 => format!("+{code}-{}", grouped(rng, &nsn, "-")),
        _ => format!("  {trunk}{nsn}  "),
    }
}

/// Random digits (3 to 16) with random separators and leading prefixes.
fn random_digits(rng: &mut impl Rng) -> String {
    let len = rng.random_range(3..=16);
    let lead = ["", "", "+", "00", "011", "0", "+0", "(", "+ "];
    let mut s = lead[rng.random_range(0..lead.len())].to_owned();
    let seps = [' ', '-', '.', '/', '(', ')'];
    for i in 0..len {
        if i > 0 && rng.random_range(0..4) == 0 {
            s.push(seps[rng.random_range(0..seps.len())]);
        }
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}
