//! Contacts, phone numbers, consent and dispositions: the vocabulary of the
//! outbound dialer.

use serde::{Deserialize, Serialize};

/// A fact of the outbound dialer, kept in the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outbound")]
pub enum OutboundEvent {}
