//! Where a tenant may call (sans-IO): a country allow-list and blocked
//! prefixes (premium-rate and satellite ranges by default), checked before
//! an outbound INVITE leaves. A refusal names the rule that decided.

use serde::Deserialize;

/// Premium-rate and shared-cost ranges refused unless a tenant's settings
/// say otherwise (international format, digits only): Spain 803/806/807/905,
/// Czechia 900/906/909, the UK's 09, North America's 900/976, and the
/// satellite and international networks (870, 881, 882, 883).
pub const PREMIUM_PREFIXES: &[&str] = &[
    "34803", "34806", "34807", "34905", "420900", "420906", "420909", "449", "1900", "1976", "870",
    "881", "882", "883",
];

/// A tenant's outbound destination rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationPolicy {
    /// Country calling codes that may be called (`34`, `420`); empty: none.
    pub countries: Vec<String>,
    /// The country of numbers written without an international prefix.
    pub home_country: String,
    /// Prefixes (international format, digits) refused in any allowed country;
    /// [`PREMIUM_PREFIXES`] when absent.
    pub blocked_prefixes: Option<Vec<String>>,
}

/// Why a destination is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationRefusal {
    /// Not a phone number (digits, an optional `+` or `00` first, 6 to 15 digits).
    #[error("not a phone number")]
    Malformed,
    /// Its country is not on the tenant's list.
    #[error("country not allowed")]
    Country,
    /// It starts with a blocked (premium-rate) prefix.
    #[error("blocked prefix {0}")]
    Blocked(String),
}

impl DestinationRefusal {
    /// A short machine-readable reason (for the dial outcome and the log).
    pub fn reason(&self) -> &'static str {
        match self {
            DestinationRefusal::Malformed => "destination_malformed",
            DestinationRefusal::Country => "destination_country",
            DestinationRefusal::Blocked(_) => "destination_premium",
        }
    }
}

impl DestinationPolicy {
    /// The number in international format (digits only), if it is one.
    pub fn international(&self, number: &str) -> Result<String, DestinationRefusal> {
        let n: String = number
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let (intl, rest) = if let Some(r) = n.strip_prefix('+') {
            (true, r)
        } else if let Some(r) = n.strip_prefix("00") {
            (true, r)
        } else {
            (false, n.as_str())
        };
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DestinationRefusal::Malformed);
        }
        let full = if intl {
            rest.to_owned()
        } else {
            // A national number: the home country's code in front (a national
            // trunk prefix 0 goes, as in the UK's 07…).
            let national = rest.strip_prefix('0').unwrap_or(rest);
            format!("{}{national}", self.home_country)
        };
        if !(6..=15).contains(&full.len()) {
            return Err(DestinationRefusal::Malformed);
        }
        Ok(full)
    }

    /// Whether this tenant may call `number`.
    pub fn check(&self, number: &str) -> Result<(), DestinationRefusal> {
        let full = self.international(number)?;
        // Country codes are prefix-free, so a prefix match is the country.
        if !self.countries.iter().any(|c| full.starts_with(c.as_str())) {
            return Err(DestinationRefusal::Country);
        }
        let blocked = match &self.blocked_prefixes {
            Some(list) => list.iter().find(|p| full.starts_with(p.as_str())).cloned(),
            None => PREMIUM_PREFIXES
                .iter()
                .find(|p| full.starts_with(**p))
                .map(|p| (*p).to_owned()),
        };
        match blocked {
            Some(p) => Err(DestinationRefusal::Blocked(p)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spain_and_czechia() -> DestinationPolicy {
        DestinationPolicy {
            countries: vec!["34".into(), "420".into()],
            home_country: "34".into(),
            blocked_prefixes: None,
        }
    }

    #[test]
    fn allowed_countries_pass_in_every_spelling() {
        let p = spain_and_czechia();
        for n in [
            "+34600111222",
            "0034600111222",
            "600111222",
            "+420 602 123 456",
            "(0034) 91-555-1234",
        ] {
            assert_eq!(p.check(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn other_countries_and_premium_numbers_are_refused() {
        let p = spain_and_czechia();
        assert_eq!(p.check("+33612345678"), Err(DestinationRefusal::Country));
        assert_eq!(p.check("+1 900 555 0100"), Err(DestinationRefusal::Country));
        assert_eq!(
            p.check("806123456"),
            Err(DestinationRefusal::Blocked("34806".into()))
        );
        assert_eq!(
            p.check("+420906123456"),
            Err(DestinationRefusal::Blocked("420906".into()))
        );
        let uk = DestinationPolicy {
            countries: vec!["44".into()],
            home_country: "44".into(),
            blocked_prefixes: None,
        };
        assert_eq!(uk.check("07700900123"), Ok(()));
        assert_eq!(
            uk.check("09098790000").unwrap_err().reason(),
            "destination_premium"
        );
        let own = DestinationPolicy {
            blocked_prefixes: Some(vec!["3490".into()]),
            ..spain_and_czechia()
        };
        assert_eq!(
            own.check("806123456"),
            Ok(()),
            "a tenant's own list replaces the default"
        );
        assert!(own.check("905123456").is_err());
    }

    #[test]
    fn garbage_is_malformed_never_a_panic() {
        let p = spain_and_czechia();
        for n in [
            "",
            "+",
            "00",
            "abc",
            "+34 6OO",
            "123",
            "+1234567890123456",
            "ñ",
            "0",
        ] {
            assert_eq!(p.check(n), Err(DestinationRefusal::Malformed), "{n:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_checked_never_a_panic(n in ".{0,40}") {
            let _ = spain_and_czechia().check(&n);
        }
    }
}
