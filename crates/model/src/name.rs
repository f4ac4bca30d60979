//! Short names that facts carry by the million (a routing rule's name, the
//! strategy or cause of a decision): a [`Name`] is a `Copy` reference to a
//! string that lives as long as the program, so a fact that holds some
//! needs no drop code and no reference counting.
//!
//! Names written in the code are `&'static str` already. Names that come
//! from outside (a routing plan, an event read back from the log) are
//! interned: each distinct text is stored once, and kept. They are few (a
//! tenant's rule names, the engines' vocabulary of strategies and causes);
//! [`NAMES_MAX`] bounds them against a log that is not ours.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most distinct names interned by one process.
pub const NAMES_MAX: usize = 1 << 20;
/// Longest name, in bytes.
pub const NAME_LEN_MAX: usize = 256;

static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// A short name (see the [module](self)); compares and hashes by its text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(&'static str);

/// A name could not be interned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Longer than [`NAME_LEN_MAX`].
    #[error("name of {0} bytes is longer than {NAME_LEN_MAX}")]
    TooLong(usize),
    /// [`NAMES_MAX`] distinct names are interned already.
    #[error("more than {NAMES_MAX} distinct names")]
    TooMany,
}

impl Name {
    /// A name written in the code.
    pub const fn from_static(s: &'static str) -> Name {
        Name(s)
    }

    /// The name with this text, stored once for the life of the program.
    pub fn intern(s: &str) -> Result<Name, NameError> {
        if s.len() > NAME_LEN_MAX {
            return Err(NameError::TooLong(s.len()));
        }
        // A poisoned lock still holds a valid set: every insert is one step.
        let mut set = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = set.get(s) {
            return Ok(Name(known));
        }
        if set.len() >= NAMES_MAX {
            return Err(NameError::TooMany);
        }
        let kept: &'static str = Box::leak(Box::from(s));
        set.insert(kept);
        Ok(Name(kept))
    }

    /// The text.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

impl From<&'static str> for Name {
    fn from(s: &'static str) -> Name {
        Name(s)
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name (text)")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Name, E> {
                Name::intern(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_by_text_and_intern_once() {
        let a = Name::intern("longest_idle").unwrap();
        let b = Name::intern(&String::from("longest_idle")).unwrap();
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, Name::from("longest_idle"));
        assert_eq!(a, "longest_idle");
        assert_ne!(a, Name::from("random"));
    }

    #[test]
    fn names_round_trip_through_json() {
        let n: Name = serde_json::from_str("\"vip rule\"").unwrap();
        assert_eq!(n, "vip rule");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"vip rule\"");
    }

    #[test]
    fn an_overlong_name_is_refused_with_its_length() {
        let long = "x".repeat(NAME_LEN_MAX + 1);
        assert_eq!(
            Name::intern(&long),
            Err(NameError::TooLong(NAME_LEN_MAX + 1))
        );
        let e = serde_json::from_str::<Name>(&format!("\"{long}\"")).unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
    }
}
