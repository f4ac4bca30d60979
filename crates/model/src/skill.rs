//! Skills, proficiency levels and not-ready reason codes.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// How well an agent handles a skill: 1 (barely) to 10 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Proficiency(u8);

impl Proficiency {
    /// The lowest level; also what "has the skill at all" means.
    pub const MIN: Proficiency = Proficiency(1);
    /// The highest level.
    pub const MAX: Proficiency = Proficiency(10);

    /// A level from 1 to 10.
    pub fn new(level: u8) -> Result<Self, ParseError> {
        if (1..=10).contains(&level) {
            Ok(Proficiency(level))
        } else {
            Err(ParseError::new(
                "proficiency",
                &level.to_string(),
                "must be from 1 to 10",
            ))
        }
    }

    /// The level as a number.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Proficiency {
    type Error = ParseError;
    fn try_from(v: u8) -> Result<Self, ParseError> {
        Proficiency::new(v)
    }
}

impl From<Proficiency> for u8 {
    fn from(p: Proficiency) -> u8 {
        p.0
    }
}

/// Why an agent is not ready: `break`, `lunch`, `training`, `missed`…
///
/// Lower-case letters, digits, `_` and `-`, 1 to 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReasonCode(Box<str>);

impl ReasonCode {
    /// Longest accepted code, in bytes.
    pub const LEN_MAX: usize = 32;

    /// Parses a code.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if s.is_empty() || s.len() > Self::LEN_MAX {
            return Err(ParseError::new(
                "reason code",
                s,
                "must be 1 to 32 characters",
            ));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(ParseError::new(
                "reason code",
                s,
                "only a-z, 0-9, '_' and '-' are allowed",
            ));
        }
        Ok(ReasonCode(s.into()))
    }

    /// The code given when an offer rings out unanswered.
    pub fn missed() -> Self {
        ReasonCode("missed".into())
    }

    /// The code given by a supervisor forcing an agent not ready.
    pub fn supervisor() -> Self {
        ReasonCode("supervisor".into())
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReasonCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        ReasonCode::parse(&s)
    }
}

impl From<ReasonCode> for String {
    fn from(r: ReasonCode) -> String {
        r.0.into()
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proficiency_outside_one_to_ten_is_refused() {
        assert!(Proficiency::new(0).is_err());
        assert!(Proficiency::new(11).is_err());
        assert_eq!(Proficiency::new(7).map(|p| p.get()), Ok(7));
    }

    #[test]
    fn reason_codes_are_short_lowercase_words() {
        assert!(ReasonCode::parse("lunch").is_ok());
        assert!(ReasonCode::parse("Lunch").is_err());
        assert!(ReasonCode::parse("").is_err());
        assert!(ReasonCode::parse(&"x".repeat(33)).is_err());
    }
}
