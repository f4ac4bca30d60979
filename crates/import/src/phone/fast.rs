//! The fast path: `phonenumber::parse`, `is_valid` and `number_type` redone
//! step for step (quirks included) with the metadata compiled once
//! ([`super::meta`]):
//!
//! 1. the text read as the crate reads it ([`super::text`]): RFC 3966 first,
//!    else the natural reading; the viability check; digits normalised;
//! 2. the international (IDD) prefix of the default region, the country
//!    calling code (`+`, IDD, or the default region's);
//! 3. the national prefix and carrier code of the default region (or of the
//!    number's own region when there is no default), and the length limits;
//! 4. validity, type and region from the region's patterns.
//!
//! Where the crate would panic (a national-prefix transform rule whose
//! carrier group took no part in the match: the crate unwraps the carrier),
//! this carries on as the crate would after it, the carrier not mattering.

use phonenumber::Type;

use super::meta::{DB, Length, Region};
use super::text;

/// The shortest national significant number the crate accepts.
const MIN_NSN: usize = 2;
/// The longest national significant number the crate accepts.
const MAX_NSN: usize = 17;

/// What the fast path made of an input.
pub(super) enum Fast {
    /// The crate would fail to parse it.
    Failed,
    /// The crate would parse it to this country calling code and national
    /// significant number (digits, leading zeros included).
    Parsed { code: u16, national: String },
}

/// What validation says of a parsed number.
pub(super) struct Verdict {
    /// `phonenumber::is_valid`.
    pub(super) valid: bool,
    /// `PhoneNumber::number_type`.
    pub(super) kind: Type,
    /// `PhoneNumber::country().id()`.
    pub(super) region: Option<&'static Region>,
}

/// How the country calling code was found (`country::Source`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Plus,
    Idd,
    Default,
}

/// Parse as `phonenumber::parse(default, s)` would.
pub(super) fn parse(s: &str, default: Option<&Region>) -> Fast {
    // Viability needs two ASCII digits in a part of the text.
    if s.bytes().filter(u8::is_ascii_digit).nth(1).is_none() {
        return Fast::Failed;
    }
    let Some(read) = text::read(s) else {
        return Fast::Failed;
    };
    if !text::viable(read.national) {
        return Fast::Failed;
    }
    let found = match read.prefix {
        Some(prefix) => with_prefix(prefix, read.national),
        None => natural(read.national, default),
    };
    match found {
        Some((code, national)) => finish(code, national, default),
        None => Fast::Failed,
    }
}

/// An RFC 3966 number with a `+prefix` or `phone-context`: the prefix is
/// the calling code.
fn with_prefix(prefix: &str, rest: &str) -> Option<(u16, String)> {
    let national = text::digits(rest);
    if national.len() <= MIN_NSN {
        return None;
    }
    let code = text::digits(prefix).parse::<u16>().ok()?;
    (!DB.by_code(code).is_empty()).then_some((code, national))
}

/// No explicit prefix: `+`, the default region's IDD, or the default
/// region's own code.
fn natural(text: &str, default: Option<&Region>) -> Option<(u16, String)> {
    let mut source = if text.starts_with(['+', '\u{FF0B}']) {
        Source::Plus
    } else {
        Source::Default
    };
    let mut national = text::digits(text);
    let idd = default.and_then(|r| r.compiled().idd.as_ref());
    if let Some(end) = idd.and_then(|re| re.find(&national)).map(|m| m.end())
        && !national[end..].starts_with('0')
    {
        if source == Source::Default {
            source = Source::Idd;
        }
        national.drain(..end);
    }
    if source == Source::Default {
        let region = default?;
        let compiled = region.compiled();
        if national.starts_with(&region.code_str)
            && (!compiled.general_match(&national)
                || compiled.length(national.len()) != Length::Possible)
        {
            national.drain(..region.code_str.len());
        }
        return Some((region.code, national));
    }
    if national.len() <= MIN_NSN || national.starts_with('0') {
        return None;
    }
    (1..=3).find_map(|len| {
        let code: u16 = national[..len].parse().ok()?;
        (!DB.by_code(code).is_empty()).then(|| (code, national[len..].to_owned()))
    })
}

/// From the calling code on: the national prefix and the length limits.
fn finish(code: u16, mut national: String, default: Option<&Region>) -> Fast {
    let region = match default {
        Some(region) => Some(region),
        None => DB.source_for(code, national.trim_start_matches('0')),
    };
    if let Some(region) = region {
        let compiled = region.compiled();
        let mut potential = strip_national_prefix(region, &national);
        if let Some(prefix) = &compiled.national_prefix
            && potential.starts_with(prefix.as_str())
        {
            potential.drain(..prefix.len());
        }
        if compiled.length(potential.len()) != Length::TooShort {
            national = potential;
        }
    }
    if !(MIN_NSN..=MAX_NSN).contains(&national.len()) {
        return Fast::Failed;
    }
    // `NationalNumber`: the leading zeros, then a value below 2^56.
    let value = national.trim_start_matches('0');
    match value.parse::<u64>() {
        Ok(v) if v < 1 << 56 => Fast::Parsed { code, national },
        _ => Fast::Failed,
    }
}

/// `helper::national_number`: strip the national prefix (and carrier code),
/// or apply the region's transform rule.
fn strip_national_prefix(region: &Region, national: &str) -> String {
    let compiled = region.compiled();
    let Some(npp) = &compiled.npp else {
        let prefix = compiled.national_prefix.as_deref();
        return match prefix.and_then(|p| national.strip_prefix(p)) {
            Some(rest) => rest.to_owned(),
            None => national.to_owned(),
        };
    };
    let viable = || compiled.general_match(national);
    match &compiled.transform {
        None => match npp.find(national) {
            Some(m) => national[m.end()..].to_owned(),
            None => national.to_owned(),
        },
        Some(transform) => {
            let Some(caps) = npp.captures(national) else {
                return national.to_owned();
            };
            if caps.get(caps.len() - 1).is_none() {
                let end = caps.get(0).map_or(0, |m| m.end());
                return national[end..].to_owned();
            }
            let transformed = npp.replace(national, transform.as_str());
            if viable() && !compiled.general_match(&transformed) {
                return national.to_owned();
            }
            transformed.into_owned()
        }
    }
}

/// `is_valid`, `number_type` and the country, as the crate works them out.
pub(super) fn verdict(code: u16, national: &str) -> Verdict {
    let db = &*DB;
    let judge = |number: &str| {
        let region = db.source_for(code, number);
        let kind = region.map_or(Type::Unknown, |r| r.compiled().number_type(number));
        (region, kind)
    };
    let (region, kind) = judge(national);
    // The type and the country are worked out without the leading zeros.
    let value = national.trim_start_matches('0');
    if value.len() == national.len() {
        return Verdict {
            valid: kind != Type::Unknown,
            kind,
            region,
        };
    }
    let (region_value, kind_value) = judge(value);
    Verdict {
        valid: kind != Type::Unknown,
        kind: kind_value,
        region: region_value,
    }
}
