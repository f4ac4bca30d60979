//! What is known about an interaction when it is routed: who is calling, which
//! line they dialled, which customer and segment, the language, what the IVR
//! collected. Routing plans match on these.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// A phone number as digits, with an optional leading `+` (E.164 style).
///
/// Separators (spaces, dots, dashes, parentheses) are removed when parsing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(Box<str>);

impl PhoneNumber {
    /// Most digits accepted (E.164 allows 15; extensions and prefixes need a little more).
    pub const DIGITS_MAX: usize = 20;

    /// Parses `+34 93 123 45 67`, `0034931234567`, `2001`…
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let mut out = String::with_capacity(s.len());
        for (i, ch) in s.trim().chars().enumerate() {
            match ch {
                '+' if i == 0 => out.push('+'),
                '0'..='9' => out.push(ch),
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => {
                    return Err(ParseError::new(
                        "phone number",
                        s,
                        "only digits, a leading '+' and separators are allowed",
                    ));
                }
            }
        }
        let digits = out.trim_start_matches('+').len();
        if digits == 0 {
            return Err(ParseError::new("phone number", s, "has no digits"));
        }
        if digits > Self::DIGITS_MAX {
            return Err(ParseError::new(
                "phone number",
                s,
                "has more than 20 digits",
            ));
        }
        Ok(PhoneNumber(out.into()))
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number starts with `prefix` (compared after normalising both).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        PhoneNumber::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0.into()
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! word {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Box<str>);

        impl $name {
            /// Parses a word: 1 to `$max` characters of letters, digits, `_`, `-`.
            pub fn parse(s: &str) -> Result<Self, ParseError> {
                if s.is_empty() || s.len() > $max {
                    return Err(ParseError::new($what, s, concat!("must be 1 to ", $max, " characters")));
                }
                if !s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                    return Err(ParseError::new($what, s, "only letters, digits, '_' and '-' are allowed"));
                }
                Ok($name(s.into()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0.into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

word!(
    /// A language tag such as `en`, `es`, `ca`, `cs` (languages are also skills).
    Language, "language", 16
);
word!(
    /// A customer segment such as `retail`, `business`, `vip`.
    Segment, "segment", 32
);
word!(
    /// A customer value tier such as `gold`, `silver`.
    ValueTier, "value tier", 32
);

/// Longest free key or value of [`Attributes::extra`], in bytes.
pub const ATTRIBUTE_LEN_MAX: usize = 256;
/// Most free key/values (and IVR choices) on one interaction.
pub const ATTRIBUTES_MAX: usize = 64;

/// Everything routing may match on. All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attributes {
    /// Who called (ANI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub caller_number: Option<PhoneNumber>,
    /// The line they called (DNIS): VIP lines, product lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dialled_number: Option<PhoneNumber>,
    /// The customer record, when identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<u64>,
    /// The customer's segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub segment: Option<Segment>,
    /// The customer's value tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub value_tier: Option<ValueTier>,
    /// The language the customer speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub language: Option<Language>,
    /// IVR menu choices, in order: (menu, choice).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<[String; 2]>))]
    pub ivr: Vec<(String, String)>,
    /// Free key/values from integrations and web forms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<[String; 2]>))]
    pub extra: Vec<(String, String)>,
}

impl Attributes {
    /// The choice made at IVR menu `menu`, the last one if chosen twice.
    pub fn ivr_choice(&self, menu: &str) -> Option<&str> {
        self.ivr
            .iter()
            .rev()
            .find(|(m, _)| m == menu)
            .map(|(_, c)| c.as_str())
    }

    /// A free value by key.
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Checks the limits on free keys and values.
    pub fn validate(&self) -> Result<(), ParseError> {
        if self.ivr.len() + self.extra.len() > ATTRIBUTES_MAX {
            return Err(ParseError::new(
                "attributes",
                "",
                "more than 64 IVR choices and free values",
            ));
        }
        for (k, v) in self.ivr.iter().chain(&self.extra) {
            if k.is_empty() || k.len() > ATTRIBUTE_LEN_MAX || v.len() > ATTRIBUTE_LEN_MAX {
                return Err(ParseError::new(
                    "attribute",
                    k,
                    "keys must be 1 to 256 bytes and values at most 256",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_lose_their_separators() {
        let p = PhoneNumber::parse("+34 (93) 123-45.67").unwrap();
        assert_eq!(p.as_str(), "+34931234567");
        assert!(p.has_prefix("+3493"));
    }

    #[test]
    fn phone_numbers_with_letters_or_no_digits_are_refused() {
        assert!(PhoneNumber::parse("call me").is_err());
        assert!(PhoneNumber::parse("+").is_err());
        assert!(PhoneNumber::parse("1234567890123456789012").is_err());
    }

    #[test]
    fn the_last_ivr_choice_wins() {
        let a = Attributes {
            ivr: vec![("main".into(), "1".into()), ("main".into(), "3".into())],
            ..Default::default()
        };
        assert_eq!(a.ivr_choice("main"), Some("3"));
        assert_eq!(a.ivr_choice("other"), None);
    }
}
