//! E-mail as the log keeps it: a message received by a tenant's mailbox
//! or sent from it, on an `email` interaction.
//!
//! What the shell read off the wire, already made safe: the text part as
//! text, the HTML part sanitised (no script, no style, no remote content
//! to load), each attachment kept on disk within the size limits or noted
//! as left out.

use serde::{Deserialize, Serialize};

/// Longest subject kept, in bytes (longer ones are cut).
pub const SUBJECT_LEN_MAX: usize = 998;
/// Longest text or HTML part kept, in bytes (longer ones are cut).
pub const BODY_LEN_MAX: usize = 256 * 1024;
/// Most attachments noted per message.
pub const ATTACHMENTS_MAX: usize = 32;
/// Most earlier messages of the thread noted per message (the latest).
pub const REFERENCES_MAX: usize = 32;
/// Most addressees noted per message.
pub const ADDRESSEES_MAX: usize = 32;

/// One e-mail message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email {
    /// Its Message-ID (without the angle brackets).
    pub message_id: String,
    /// The message it answers (In-Reply-To).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// The thread's earlier messages (References).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The sender's address.
    pub from: String,
    /// The addressees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// The subject.
    #[serde(default)]
    pub subject: String,
    /// The text (the text part, or the HTML part's text when there is none).
    #[serde(default)]
    pub text: String,
    /// The HTML part, sanitised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Its attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// An attachment of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Its file name as sent.
    pub name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it is kept; none when it was over the size limit (left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Cuts a string to at most `max` bytes, on a character boundary.
pub fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_keeps_whole_characters() {
        assert_eq!(cut("añb", 2), "a");
        assert_eq!(cut("añb", 3), "añ");
        assert_eq!(cut("abc", 10), "abc");
    }
}
