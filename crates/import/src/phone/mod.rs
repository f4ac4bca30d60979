//! Phone numbers as people type them, normalised to E.164.
//!
//! [`normalise`] gives exactly what the `phonenumber` crate gives when used
//! the obvious way ([`normalise_reference`]: `phonenumber::parse` with the
//! default country, `format().mode(Mode::E164)`, `phonenumber::is_valid` and
//! `number_type`), faster: about 1.2 µs a number in release, against
//! 15 µs for the crate with every pattern kept compiled and over a
//! millisecond as shipped on a file mixing a dozen countries (its cache
//! keeps 100 compiled patterns and recompiles the others). It redoes the crate's steps
//! (reading the text, the international and national prefixes, the calling
//! code, the length limits, validity and type) with the crate's own metadata
//! compiled once per region, instead of the crate's small shared cache of
//! compiled patterns. The differential tests hold it to the crate.

mod fast;
mod meta;
mod text;

use std::fmt;

use phonenumber::{Mode, Type};

use self::fast::Fast;
use self::meta::{DB, Region};

/// A country or region, as an ISO 3166 alpha-2 code the phone metadata knows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// The country for an alpha-2 code, any case ("es", "ES"); `None` unless
    /// the phone metadata knows the region.
    pub fn parse(code: &str) -> Option<Self> {
        let &[a, b] = code.trim().as_bytes() else {
            return None;
        };
        let bytes = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let country = Self(bytes);
        DB.by_id(country.as_str())
            .is_some_and(|r| r.id.is_some())
            .then_some(country)
    }

    /// The upper-case code, e.g. "ES".
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The region's metadata (always there: checked by [`Country::parse`]).
    fn region(self) -> Option<&'static Region> {
        DB.by_id(self.as_str())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

/// What kind of line a number is, as far as the number itself tells.
///
/// From the `phonenumber` crate's type: fixed-line → [`PhoneKind::Landline`],
/// mobile → [`PhoneKind::Mobile`], and everything else → [`PhoneKind::Other`]:
/// fixed-line-or-mobile (the United States, Canada and other regions where the
/// number does not tell), toll-free, premium-rate, shared-cost, VoIP, personal,
/// pager, UAN, voicemail, and numbers that are not valid.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum PhoneKind {
    /// A mobile number.
    Mobile,
    /// A fixed-line number.
    Landline,
    /// Anything else, or not known.
    Other,
}

impl PhoneKind {
    /// "mobile", "landline" or "other".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::Landline => "landline",
            Self::Other => "other",
        }
    }

    fn from_type(kind: Type) -> Self {
        match kind {
            Type::Mobile => Self::Mobile,
            Type::FixedLine => Self::Landline,
            _ => Self::Other,
        }
    }
}

/// A phone number as given and as normalised.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Phone {
    /// The input, trimmed.
    pub given: String,
    /// E.164 ("+34612345678") when the input parses to a country calling code
    /// and a national number, even if the number is not valid.
    pub e164: Option<String>,
    /// Whether the number matches a number type of its region.
    pub valid: bool,
    /// The kind of line.
    pub kind: PhoneKind,
    /// The region the number belongs to, when the metadata tells.
    pub country: Option<Country>,
}

impl Phone {
    fn failed(given: &str) -> Self {
        Self {
            given: given.to_owned(),
            e164: None,
            valid: false,
            kind: PhoneKind::Other,
            country: None,
        }
    }
}

/// Normalise a phone number as typed, with the country to assume when it has
/// no international prefix.
///
/// Same answer as [`normalise_reference`] for every input, faster (and an
/// answer too where the crate would panic on a carrier code it unwraps).
pub fn normalise(raw: &str, default: Option<Country>) -> Phone {
    let given = raw.trim();
    let region = default.and_then(Country::region);
    match fast::parse(given, region) {
        Fast::Failed => Phone::failed(given),
        Fast::Parsed { code, national } => {
            let verdict = fast::verdict(code, &national);
            Phone {
                given: given.to_owned(),
                e164: Some(format!("+{code}{national}")),
                valid: verdict.valid,
                kind: PhoneKind::from_type(verdict.kind),
                country: verdict.region.and_then(|r| r.id).and_then(country_of),
            }
        }
    }
}

/// Normalise with the `phonenumber` crate directly: `phonenumber::parse` of
/// the trimmed input with the default country, E.164 formatting,
/// `phonenumber::is_valid` and `number_type`. The yardstick for
/// [`normalise`], which gives the same answers faster.
pub fn normalise_reference(raw: &str, default: Option<Country>) -> Phone {
    let given = raw.trim();
    let id = default.and_then(Country::region).and_then(|r| r.id);
    let Ok(number) = phonenumber::parse(id, given) else {
        return Phone::failed(given);
    };
    Phone {
        given: given.to_owned(),
        e164: Some(number.format().mode(Mode::E164).to_string()),
        valid: phonenumber::is_valid(&number),
        kind: PhoneKind::from_type(number.number_type(&phonenumber::metadata::DATABASE)),
        country: number.country().id().and_then(country_of),
    }
}

/// Our country for the crate's identifier.
fn country_of(id: phonenumber::country::Id) -> Option<Country> {
    Country::parse(id.as_ref())
}

#[cfg(test)]
mod tests;
