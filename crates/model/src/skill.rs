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
/// Lower-case letters, digits, `_` and `-`, 1 to 32 characters, kept inline
/// (no allocation): a code is `Copy`, and so is the agent state that carries
/// one, which the routing engine publishes at every change of every agent.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReasonCode {
    /// The code's bytes, then zeros (no valid byte is zero, so the derived
    /// order is the text's order).
    bytes: [u8; ReasonCode::LEN_MAX],
    len: u8,
}

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
        if !crate::name::is_slug(s, Self::LEN_MAX) {
            return Err(ParseError::new(
                "reason code",
                s,
                "only a-z, 0-9, '_' and '-' are allowed",
            ));
        }
        let mut bytes = [0; Self::LEN_MAX];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Ok(ReasonCode {
            bytes,
            len: s.len() as u8,
        })
    }

    /// The code given when an offer rings out unanswered.
    pub fn missed() -> Self {
        Self::parse("missed").expect("a valid code")
    }

    /// The code given by a supervisor forcing an agent not ready.
    pub fn supervisor() -> Self {
        Self::parse("supervisor").expect("a valid code")
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (see `parse`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ReasonCode").field(&self.as_str()).finish()
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
        r.as_str().to_owned()
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
        let long = "x".repeat(32);
        assert_eq!(ReasonCode::parse(&long).map(|r| r.to_string()), Ok(long));
    }

    #[test]
    fn reason_codes_order_and_print_as_their_text() {
        let code = |s| ReasonCode::parse(s).expect("valid");
        let mut codes = [code("lunch"), code("break"), code("b"), code("break-2")];
        codes.sort();
        let texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(texts, ["b", "break", "break-2", "lunch"]);
        assert_eq!(format!("{:?}", code("lunch")), r#"ReasonCode("lunch")"#);
        assert_eq!(
            serde_json::to_string(&code("training")).ok().as_deref(),
            Some(r#""training""#)
        );
        assert!(serde_json::from_str::<ReasonCode>(r#""Bad code""#).is_err());
    }
}
