//! Short names that facts carry (a routing rule's name, the strategy or
//! cause of a decision): a [`Name`] is either text written in the code
//! (`&'static str`, free to copy and drop) or text that came from outside,
//! shared by reference count.
//!
//! Names from outside (a tenant's routing plan, an event read back from the
//! log) are not kept in any process-wide table: each lives as long as what
//! holds it (the plan whose rule it names, the interactions and events that
//! give it as a reason) and is freed with the last of them. So a tenant's
//! names are bounded by its own plan, a plan that is only validated leaves
//! nothing behind, and no tenant can fill a table that all the others need.
//! Clones share the text (a reference count, no copy of it); the engines'
//! own vocabulary of strategies and causes is static and costs nothing.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest name, in bytes.
pub const NAME_LEN_MAX: usize = 256;

/// A short name (see the [module](self)); compares and hashes by its text,
/// whether it is static or shared.
#[derive(Clone)]
pub struct Name(Text);

/// Where a name's text is.
#[derive(Clone)]
enum Text {
    /// Written in the code.
    Static(&'static str),
    /// From outside: freed with the last name that holds it. Behind one
    /// thin pointer, so that a name is 16 bytes as a `&str` is.
    Shared(Arc<Box<str>>),
}

/// Whether `s` is 1 to `max` bytes of `a-z`, `0-9`, `_` and `-`: the form
/// of codes, list names, purposes and other words people type as keys.
pub fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A name from outside was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Longer than [`NAME_LEN_MAX`].
    #[error("name of {0} bytes is longer than {NAME_LEN_MAX}")]
    TooLong(usize),
}

impl Name {
    /// A name written in the code.
    pub const fn from_static(s: &'static str) -> Name {
        Name(Text::Static(s))
    }

    /// A name from outside, with its own copy of the text (shared by its
    /// clones, freed with the last of them).
    pub fn new(s: &str) -> Result<Name, NameError> {
        if s.len() > NAME_LEN_MAX {
            return Err(NameError::TooLong(s.len()));
        }
        Ok(Name(Text::Shared(Arc::new(Box::from(s)))))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Text::Static(s) => s,
            Text::Shared(s) => s,
        }
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::from_static("")
    }
}

impl From<&'static str> for Name {
    fn from(s: &'static str) -> Name {
        Name::from_static(s)
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name (text)")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Name, E> {
                Name::new(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash_of(n: &Name) -> u64 {
        let mut h = DefaultHasher::new();
        n.hash(&mut h);
        h.finish()
    }

    fn shared(n: &Name) -> &Arc<Box<str>> {
        match &n.0 {
            Text::Shared(s) => s,
            Text::Static(s) => panic!("{s:?} is static"),
        }
    }

    #[test]
    fn static_and_shared_names_of_one_text_are_equal() {
        let shared = Name::new(&String::from("longest_idle")).unwrap();
        let written = Name::from("longest_idle");
        assert_eq!(shared, written);
        assert_eq!(shared.cmp(&written), Ordering::Equal);
        assert_eq!(hash_of(&shared), hash_of(&written));
        assert_eq!(shared, "longest_idle");
        assert_eq!(shared.as_str(), written.as_str());
        assert_ne!(shared, Name::from("random"));
        let (a, b) = (Name::new("a").unwrap(), Name::from("b"));
        assert!(a < b);
        assert_eq!(Name::default(), "");
    }

    #[test]
    fn a_name_from_outside_is_freed_with_its_last_holder() {
        let a = Name::new("vip rule").unwrap();
        let b = a.clone();
        assert!(Arc::ptr_eq(shared(&a), shared(&b)), "clones share the text");
        let weak = Arc::downgrade(shared(&a));
        drop(a);
        assert!(weak.upgrade().is_some(), "the clone still holds it");
        drop(b);
        assert!(
            weak.upgrade().is_none(),
            "nothing keeps it after its holders"
        );
        let read: Name = serde_json::from_str("\"vip rule\"").unwrap();
        let weak = Arc::downgrade(shared(&read));
        drop(read);
        assert!(
            weak.upgrade().is_none(),
            "a name read back is not kept either"
        );
    }

    /// The process-wide table this replaced refused new names after 2^20
    /// distinct ones, for every tenant, until restart.
    #[test]
    fn distinct_names_beyond_two_to_the_twenty_are_all_accepted() {
        let mut text = String::new();
        for i in 0..(1 << 20) + 1 {
            text.clear();
            fmt::Write::write_fmt(&mut text, format_args!("rule {i}")).unwrap();
            let n = Name::new(&text).unwrap();
            assert_eq!(n.len(), text.len());
        }
    }

    #[test]
    fn names_round_trip_through_json() {
        let n: Name = serde_json::from_str("\"vip rule\"").unwrap();
        assert_eq!(n, "vip rule");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"vip rule\"");
        let written = Name::from_static("plan");
        let back: Name = serde_json::from_str(&serde_json::to_string(&written).unwrap()).unwrap();
        assert_eq!(back, written);
    }

    #[test]
    fn an_overlong_name_is_refused_with_its_length() {
        let long = "x".repeat(NAME_LEN_MAX + 1);
        assert_eq!(Name::new(&long), Err(NameError::TooLong(NAME_LEN_MAX + 1)));
        assert!(Name::new(&long[..NAME_LEN_MAX]).is_ok());
        let e = serde_json::from_str::<Name>(&format!("\"{long}\"")).unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
    }
}
