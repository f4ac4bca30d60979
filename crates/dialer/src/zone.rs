//! Where a callee is: the candidate time zones (and country and region) of a
//! phone number or an address.
//!
//! The country comes from the `phonenumber` crate's metadata; the zone within
//! the country from our own tables (module `zone_tables`) by area code or
//! province. When a number could be in several zones the dialer keeps all of
//! them and the gate calls only when the window is open in every one (the most
//! restrictive reading). An address, when given, refines a number that only
//! told the country; when both are precise, both are kept.

use chrono_tz::Tz;
use model::PhoneNumber;
use std::borrow::Cow;

use crate::zone_tables::{
    CA_ALL, COUNTRY_ZONES, ES_ALL, ES_PREFIXES, GB_PREFIXES, NANP_AREAS, US_ALL,
};

/// An ISO 3166-1 alpha-2 country code such as `US`, `ES`, `GB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// The United States.
    pub const US: Country = Country(*b"US");
    /// Canada.
    pub const CA: Country = Country(*b"CA");
    /// Spain.
    pub const ES: Country = Country(*b"ES");
    /// The United Kingdom.
    pub const GB: Country = Country(*b"GB");
    /// Puerto Rico (in the North American plan, under US rules).
    pub const PR: Country = Country(*b"PR");

    /// Parses two ASCII letters, in either case.
    pub fn parse(s: &str) -> Option<Country> {
        let b = s.as_bytes();
        (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
            .then(|| Country([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Its international calling code (`ES` → 34), if it has one.
    pub fn calling_code(&self) -> Option<u16> {
        phonenumber::metadata::DATABASE
            .by_id(self.as_str())
            .map(|m| m.country_code())
    }

    /// The country whose zone table holds `tz` (`Europe/Madrid` → `ES`);
    /// none for a zone of several countries' tables or of none (`UTC`).
    pub fn of_zone(tz: Tz) -> Option<Country> {
        let named = [
            (Country::US, US_ALL),
            (Country::CA, CA_ALL),
            (Country::ES, ES_ALL),
        ];
        let table = COUNTRY_ZONES
            .iter()
            .filter_map(|(c, z)| Some((Country::parse(c)?, *z)));
        let mut found = named
            .into_iter()
            .chain(table)
            .filter(|(_, z)| z.contains(&tz));
        let first = found.next()?.0;
        found.all(|(c, _)| c == first).then_some(first)
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place a callee may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneCandidate {
    /// The country, whose calling-window preset applies.
    pub country: Country,
    /// The time zone the window is read in.
    pub tz: Tz,
    /// The region (ISO 3166-2 such as `ES-B`, `US-NY`, `GB-SCT`), for regional holidays.
    pub region: Option<Cow<'static, str>>,
}

/// The candidate places of a callee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Zones {
    /// Every place the callee may be; empty when unknown.
    pub candidates: Vec<ZoneCandidate>,
    /// Whether they come from an area code, a province or an address (not just the country).
    pub precise: bool,
}

impl Zones {
    /// No place known.
    pub fn unknown() -> Self {
        Zones::default()
    }

    /// Whether nothing is known.
    pub fn is_unknown(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The zone used for calendar counting (per-day caps, "next day" retries): the first candidate.
    pub fn primary_tz(&self) -> Option<Tz> {
        self.candidates.first().map(|c| c.tz)
    }

    fn push(&mut self, c: ZoneCandidate) {
        if !self.candidates.contains(&c) {
            self.candidates.push(c);
        }
    }

    fn of(country: Country, zones: &[Tz], region: Option<&'static str>, precise: bool) -> Zones {
        let mut z = Zones {
            candidates: Vec::with_capacity(zones.len()),
            precise,
        };
        for tz in zones {
            z.push(ZoneCandidate {
                country,
                tz: *tz,
                region: region.map(Cow::Borrowed),
            });
        }
        z
    }

    /// Combines what the number and the address say (see the module doc).
    pub fn combine(number: Zones, address: Zones) -> Zones {
        if address.is_unknown() {
            return number;
        }
        if !number.precise {
            return address;
        }
        let mut z = number;
        for c in address.candidates {
            z.push(c);
        }
        z.precise = true;
        z
    }
}

/// What the phone-number metadata says about a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFacts {
    /// Whether the number is a valid number of its country.
    pub valid: bool,
    /// Where the callee may be.
    pub zones: Zones,
}

/// The facts of an E.164 number (`+` and digits). A number the metadata cannot
/// parse is invalid and has no zone.
pub fn number_facts(number: &PhoneNumber) -> NumberFacts {
    let Ok(parsed) = phonenumber::parse(None, number.as_str()) else {
        return NumberFacts {
            valid: false,
            zones: Zones::unknown(),
        };
    };
    let valid = parsed.is_valid();
    let national = parsed.national().value();
    let country = parsed
        .country()
        .id()
        .and_then(|id| Country::parse(id.as_ref()));
    let zones = match (parsed.code().value(), country) {
        (1, country) => nanp_zones(national, country),
        (34, _) => spain_zones(national),
        (44, _) => uk_zones(national),
        (_, Some(c)) => country_zones(c),
        (_, None) => Zones::unknown(),
    };
    NumberFacts { valid, zones }
}

/// The one time zone a customer lives in, when the address or a number
/// tells it without doubt: the address's country when it has one zone (in
/// Spain the postal code's province: 35 and 38 are the Canary Islands),
/// else the number's area code (North America, Spain, the UK) or its
/// country. `None` when it could be several.
pub fn home_zone(
    country: Option<Country>,
    postal_code: Option<&str>,
    e164: Option<&str>,
    phone_country: Option<Country>,
) -> Option<Tz> {
    let one = |z: Zones| match z.candidates.as_slice() {
        [c] => Some(c.tz),
        _ => None,
    };
    if let Some(c) = country {
        let province = postal_code
            .map(str::trim)
            .and_then(|p| p.get(..2))
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if c == Country::ES
            && let Some(p) = province
        {
            let canary = p == "35" || p == "38";
            return Some(if canary {
                chrono_tz::Atlantic::Canary
            } else {
                chrono_tz::Europe::Madrid
            });
        }
        if let Some(tz) = one(country_zones(c)) {
            return Some(tz);
        }
    }
    let digits = e164?.strip_prefix('+')?;
    let national = |cc: &str| digits.strip_prefix(cc).and_then(|n| n.parse::<u64>().ok());
    let zones = if let Some(n) = national("1") {
        nanp_zones(n, phone_country)
    } else if let Some(n) = national("34") {
        spain_zones(n)
    } else if let Some(n) = national("44") {
        uk_zones(n)
    } else {
        country_zones(phone_country?)
    };
    one(zones)
}

/// Zones of a North American number from its area code.
fn nanp_zones(national: u64, country: Option<Country>) -> Zones {
    let area = u16::try_from(national / 10_000_000).unwrap_or(0);
    for (region, zones, codes) in NANP_AREAS {
        if codes.contains(&area) {
            let country = if region.starts_with("CA") {
                Country::CA
            } else {
                Country::US
            };
            return Zones::of(country, zones, Some(region), true);
        }
    }
    match country {
        Some(Country::CA) => Zones::of(Country::CA, CA_ALL, None, false),
        Some(Country::US) | None => Zones::of(Country::US, US_ALL, None, false),
        Some(other) => country_zones(other),
    }
}

/// Zones of a Spanish number from its landline prefix.
fn spain_zones(national: u64) -> Zones {
    let digits = national.to_string();
    let geographic = match digits.as_bytes().first() {
        Some(b'9') => digits.clone(),
        // 81x–88x mirror 91x–98x; 80x are premium and 800/900 are free numbers.
        Some(b'8')
            if digits
                .as_bytes()
                .get(1)
                .is_some_and(|d| (b'1'..=b'8').contains(d)) =>
        {
            format!("9{}", &digits[1..])
        }
        _ => String::new(),
    };
    for len in [3, 2] {
        let Some(prefix) = geographic.get(..len).and_then(|p| p.parse::<u16>().ok()) else {
            continue;
        };
        if let Some((_, province, _, zones)) = ES_PREFIXES.iter().find(|(p, ..)| *p == prefix) {
            return Zones::of(Country::ES, zones, Some(province), true);
        }
    }
    Zones::of(Country::ES, ES_ALL, None, false)
}

/// Zones of a UK number: one zone, and the nation where the prefix tells it.
fn uk_zones(national: u64) -> Zones {
    let digits = national.to_string();
    let region = GB_PREFIXES
        .iter()
        .filter(|(p, _)| digits.starts_with(&p.to_string()))
        .max_by_key(|(p, _)| *p)
        .map(|(_, r)| *r);
    // The zone is certain; only the region may be missing.
    Zones::of(Country::GB, &[chrono_tz::Europe::London], region, true)
}

/// Every zone of a country from the country table; unknown if it is not there.
pub fn country_zones(country: Country) -> Zones {
    let zones: &[Tz] = match country {
        Country::US => US_ALL,
        Country::CA => CA_ALL,
        Country::ES => ES_ALL,
        _ => COUNTRY_ZONES
            .iter()
            .find(|(c, _)| *c == country.as_str())
            .map(|(_, z)| *z)
            .unwrap_or(&[]),
    };
    Zones::of(country, zones, None, zones.len() == 1)
}

/// Zones of an address: an explicit zone wins; otherwise the region (a US state
/// or Canadian province such as `US-NY`, a Spanish province such as `ES-B`),
/// otherwise the country.
pub fn address_zones(country: Option<Country>, region: Option<&str>, tz: Option<Tz>) -> Zones {
    let region_owned = region.map(|r| Cow::Owned(r.to_ascii_uppercase()));
    if let (Some(tz), Some(country)) = (tz, country) {
        let mut z = Zones {
            candidates: Vec::new(),
            precise: true,
        };
        z.push(ZoneCandidate {
            country,
            tz,
            region: region_owned,
        });
        return z;
    }
    if let Some(r) = region_owned.as_deref() {
        let mut z = Zones {
            candidates: Vec::new(),
            precise: true,
        };
        for (reg, zones, _) in NANP_AREAS.iter().filter(|(reg, ..)| *reg == r) {
            let country = if reg.starts_with("CA") {
                Country::CA
            } else {
                Country::US
            };
            for tz in *zones {
                z.push(ZoneCandidate {
                    country,
                    tz: *tz,
                    region: Some(Cow::Borrowed(reg)),
                });
            }
        }
        for (_, province, _, zones) in ES_PREFIXES.iter().filter(|(_, p, c, _)| *p == r || *c == r)
        {
            for tz in *zones {
                z.push(ZoneCandidate {
                    country: Country::ES,
                    tz: *tz,
                    region: Some(Cow::Borrowed(province)),
                });
            }
        }
        if !z.is_unknown() {
            return z;
        }
    }
    match country {
        Some(c) => {
            let mut z = country_zones(c);
            if let Some(r) = region_owned {
                for cand in &mut z.candidates {
                    cand.region = Some(r.clone());
                }
            }
            z
        }
        None => Zones::unknown(),
    }
}

/// The community (or nation) a region belongs to, for regional holidays: `ES-B` → `ES-CT`.
pub fn region_parent(region: &str) -> Option<&'static str> {
    ES_PREFIXES
        .iter()
        .find(|(_, p, ..)| *p == region)
        .map(|(_, _, c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Atlantic, Europe};

    #[test]
    fn a_zone_names_its_country_and_a_country_its_calling_code() {
        assert_eq!(Country::of_zone(Europe::Madrid), Some(Country::ES));
        assert_eq!(Country::of_zone(Atlantic::Canary), Some(Country::ES));
        assert_eq!(Country::of_zone(America::Chicago), Some(Country::US));
        assert_eq!(Country::of_zone(Europe::London), Some(Country::GB));
        assert_eq!(Country::of_zone(Tz::UTC), None);
        assert_eq!(Country::ES.calling_code(), Some(34));
        assert_eq!(
            Country::parse("cz").and_then(|c| c.calling_code()),
            Some(420)
        );
        assert_eq!(Country::parse("QQ").and_then(|c| c.calling_code()), None);
    }

    fn facts(s: &str) -> NumberFacts {
        number_facts(&PhoneNumber::parse(s).unwrap())
    }

    fn tzs(z: &Zones) -> Vec<Tz> {
        z.candidates.iter().map(|c| c.tz).collect()
    }

    #[test]
    fn a_home_zone_comes_from_the_address_then_the_number() {
        let es = Some(Country::ES);
        assert_eq!(
            home_zone(es, Some("38001"), None, None),
            Some(Atlantic::Canary)
        );
        assert_eq!(
            home_zone(es, Some("28013"), Some("+34922000000"), None),
            Some(Europe::Madrid)
        );
        // Spain without a postal code: the number's province, else nothing certain.
        assert_eq!(
            home_zone(es, None, Some("+34922123456"), es),
            Some(Atlantic::Canary)
        );
        assert_eq!(home_zone(es, None, Some("+34600112233"), es), None);
        assert_eq!(
            home_zone(Country::parse("fr"), None, None, None),
            Some(Europe::Paris)
        );
        assert_eq!(
            home_zone(Some(Country::US), None, Some("+12125550123"), None),
            Some(America::New_York)
        );
        assert_eq!(home_zone(Some(Country::US), None, None, None), None);
        assert_eq!(
            home_zone(None, None, Some("+442071234567"), None),
            Some(Europe::London)
        );
        assert_eq!(
            home_zone(None, None, Some("+33123456789"), Country::parse("FR")),
            Some(Europe::Paris)
        );
        assert_eq!(home_zone(None, None, None, None), None);
    }

    #[test]
    fn a_new_york_number_is_in_eastern_time() {
        let f = facts("+12125550123");
        assert_eq!(tzs(&f.zones), vec![America::New_York]);
        assert_eq!(f.zones.candidates[0].region.as_deref(), Some("US-NY"));
        assert!(f.zones.precise);
    }

    #[test]
    fn the_florida_panhandle_is_ambiguous_between_eastern_and_central() {
        let f = facts("+18505550123");
        assert_eq!(tzs(&f.zones), vec![America::New_York, America::Chicago]);
    }

    #[test]
    fn a_toronto_number_is_canadian() {
        let f = facts("+14165550123");
        assert_eq!(f.zones.candidates[0].country, Country::CA);
    }

    #[test]
    fn spanish_landlines_tell_the_province_and_the_canaries_are_an_hour_behind() {
        let bcn = facts("+34931234567");
        assert!(bcn.valid);
        assert_eq!(tzs(&bcn.zones), vec![Europe::Madrid]);
        assert_eq!(bcn.zones.candidates[0].region.as_deref(), Some("ES-B"));
        assert_eq!(region_parent("ES-B"), Some("ES-CT"));
        let tenerife = facts("+34922123456");
        assert_eq!(tzs(&tenerife.zones), vec![Atlantic::Canary]);
    }

    #[test]
    fn a_spanish_mobile_may_be_on_the_peninsula_or_the_canaries() {
        let m = facts("+34612345678");
        assert!(m.valid);
        assert_eq!(tzs(&m.zones), vec![Europe::Madrid, Atlantic::Canary]);
        assert!(!m.zones.precise);
    }

    #[test]
    fn uk_numbers_are_in_london_and_belfast_is_northern_ireland() {
        let f = facts("+442890123456");
        assert_eq!(tzs(&f.zones), vec![Europe::London]);
        assert_eq!(f.zones.candidates[0].region.as_deref(), Some("GB-NIR"));
    }

    #[test]
    fn an_unparseable_number_is_invalid_with_no_zone() {
        let f = facts("12");
        assert!(!f.valid);
        assert!(f.zones.is_unknown());
    }

    #[test]
    fn an_address_refines_a_number_that_only_told_the_country() {
        let number = facts("+34612345678").zones;
        let address = address_zones(Some(Country::ES), Some("ES-TF"), None);
        let z = Zones::combine(number, address);
        assert_eq!(tzs(&z), vec![Atlantic::Canary]);
        // A precise number keeps its zone beside the address's.
        let z = Zones::combine(
            facts("+12125550123").zones,
            address_zones(Some(Country::US), Some("US-CA"), None),
        );
        assert_eq!(tzs(&z), vec![America::New_York, America::Los_Angeles]);
    }
}
