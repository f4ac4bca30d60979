//! A customer's consent ledger: each entry a permission given or withdrawn,
//! for a purpose, on a channel, when, from where and on what evidence. The
//! dialer's gate reads the voice entries (through the tenant core, per
//! number); a withdrawal for the purpose [`ALL`] on voice is an opt-out from
//! every call. Pure.

use serde::{Deserialize, Serialize};

/// The purpose that stands for every purpose (a withdrawal of it stops
/// every call).
pub const ALL: &str = "all";
/// Longest purpose or source, in bytes.
pub const WORD_LEN_MAX: usize = 64;
/// Longest evidence, in bytes.
pub const EVIDENCE_LEN_MAX: usize = 2_000;
/// Most entries a customer's ledger keeps in the tenant core (older ones
/// stay in the log and the store).
pub const ENTRIES_KEPT_MAX: usize = 64;

/// The channel a consent is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentChannel {
    /// Calls.
    Voice,
    /// Text messages.
    Sms,
    /// E-mail.
    Email,
    /// Every channel.
    Any,
}

impl ConsentChannel {
    /// Whether it covers calls.
    pub fn covers_calls(self) -> bool {
        matches!(self, ConsentChannel::Voice | ConsentChannel::Any)
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentChannel::Voice => "voice",
            ConsentChannel::Sms => "sms",
            ConsentChannel::Email => "email",
            ConsentChannel::Any => "any",
        }
    }
}

/// One entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentEntry {
    /// For what (`marketing`, `collections`; `all` for every purpose).
    pub purpose: String,
    /// On which channel.
    pub channel: ConsentChannel,
    /// Given (true) or withdrawn (false).
    pub granted: bool,
    /// When it was given or withdrawn (Unix ms).
    pub at: i64,
    /// Where it came from (`web_form`, `call`, `disposition`, `api`).
    pub source: String,
    /// What proves it (a form's id, a recording, a letter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Who recorded it.
    pub by: String,
}

impl ConsentEntry {
    /// Checks its words: the part and why, if something is wrong.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let word = |w: &str| crate::name::is_slug(w, WORD_LEN_MAX);
        if !word(&self.purpose) {
            return Err(("purpose", "1 to 64 of a-z, 0-9, _ and -".into()));
        }
        if !word(&self.source) {
            return Err(("source", "1 to 64 of a-z, 0-9, _ and -".into()));
        }
        if self
            .evidence
            .as_ref()
            .is_some_and(|e| e.len() > EVIDENCE_LEN_MAX)
        {
            return Err(("evidence", format!("at most {EVIDENCE_LEN_MAX} bytes")));
        }
        Ok(())
    }

    /// Whether it withdraws every call.
    pub fn stops_calls(&self) -> bool {
        !self.granted && self.purpose == ALL && self.channel.covers_calls()
    }
}

/// What a ledger says now about a purpose on a channel: the latest entry
/// that covers both (a withdrawal for `all` covers every purpose).
pub fn in_force<'a>(
    ledger: &'a [ConsentEntry],
    purpose: &str,
    channel: ConsentChannel,
) -> Option<&'a ConsentEntry> {
    ledger
        .iter()
        .filter(|e| e.channel == channel || e.channel == ConsentChannel::Any)
        .filter(|e| e.purpose == purpose || (e.purpose == ALL && !e.granted))
        .max_by_key(|e| e.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(purpose: &str, channel: ConsentChannel, granted: bool, at: i64) -> ConsentEntry {
        ConsentEntry {
            purpose: purpose.into(),
            channel,
            granted,
            at,
            source: "api".into(),
            evidence: None,
            by: "ana".into(),
        }
    }

    #[test]
    fn the_latest_entry_covering_purpose_and_channel_is_in_force() {
        use ConsentChannel::*;
        let ledger = [
            e("marketing", Voice, true, 1),
            e("marketing", Email, false, 2),
            e("surveys", Any, true, 3),
        ];
        assert!(in_force(&ledger, "marketing", Voice).unwrap().granted);
        assert!(!in_force(&ledger, "marketing", Email).unwrap().granted);
        assert!(in_force(&ledger, "surveys", Voice).unwrap().granted);
        assert!(in_force(&ledger, "collections", Voice).is_none());
        let mut later = ledger.to_vec();
        later.push(e(ALL, Voice, false, 4));
        assert!(!in_force(&later, "marketing", Voice).unwrap().granted);
        assert!(!in_force(&later, "surveys", Voice).unwrap().granted);
        assert!(in_force(&later, "surveys", Sms).unwrap().granted);
        assert!(later[3].stops_calls());
    }

    #[test]
    fn words_are_checked() {
        let mut x = e("marketing", ConsentChannel::Voice, true, 1);
        assert!(x.check().is_ok());
        x.purpose = "Marketing calls".into();
        assert_eq!(x.check().unwrap_err().0, "purpose");
    }
}
