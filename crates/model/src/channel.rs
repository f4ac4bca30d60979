//! Channels and directions of interactions.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::ParseError;

/// The medium of an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An inbound phone call.
    Voice,
    /// A web chat.
    Chat,
    /// An email.
    Email,
    /// A text message.
    Sms,
    /// A submitted web form.
    WebForm,
    /// A fax.
    Fax,
    /// A promised call back to a customer.
    Callback,
    /// A back-office task.
    Task,
    /// A call placed by the dialer and answered by a person.
    OutboundVoice,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 9] = [
        Channel::Voice,
        Channel::Chat,
        Channel::Email,
        Channel::Sms,
        Channel::WebForm,
        Channel::Fax,
        Channel::Callback,
        Channel::Task,
        Channel::OutboundVoice,
    ];

    /// Number of channels.
    pub const COUNT: usize = Self::ALL.len();

    /// Dense index, for per-channel tables.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The snake-case name used in files and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::Chat => "chat",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::WebForm => "web_form",
            Channel::Fax => "fax",
            Channel::Callback => "callback",
            Channel::Task => "task",
            Channel::OutboundVoice => "outbound_voice",
        }
    }

    /// Whether an agent talks to the customer live on this channel (a voice
    /// interaction blocks other work unless the agent's profile allows it).
    pub const fn is_voice(self) -> bool {
        matches!(
            self,
            Channel::Voice | Channel::Callback | Channel::OutboundVoice
        )
    }

    /// Default number of interactions of this channel an agent handles at once.
    pub const fn default_capacity(self) -> u8 {
        match self {
            Channel::Chat | Channel::Sms => 3,
            Channel::Email | Channel::WebForm | Channel::Fax => 5,
            Channel::Voice | Channel::Callback | Channel::OutboundVoice | Channel::Task => 1,
        }
    }

    /// Whether the customer started it.
    pub const fn direction(self) -> Direction {
        match self {
            Channel::Callback | Channel::OutboundVoice => Direction::Outbound,
            _ => Direction::Inbound,
        }
    }
}

impl FromStr for Channel {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| ParseError::new("channel", s, "expected one of voice, chat, email, sms, web_form, fax, callback, task, outbound_voice"))
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who started the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The customer contacts the center.
    Inbound,
    /// The center contacts the customer.
    Outbound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_parses_from_its_own_name() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
        }
        assert!("pigeon".parse::<Channel>().is_err());
    }
}
