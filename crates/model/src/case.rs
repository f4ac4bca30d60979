//! Cases in the tenant's log. The case engine (crate `workflow`) depends on
//! this crate, so the log keeps its inputs and facts as JSON
//! ([`crate::fact::Fact::CaseInput`], [`crate::fact::Fact::CaseFact`]); what
//! the tenant core did with the engine's orders is typed here.

use serde::{Deserialize, Serialize};

use crate::InteractionId;

/// What came of an action the case engine ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ActionOutcome {
    /// A `task` interaction was created and given to routing.
    TaskCreated {
        /// The interaction.
        interaction: InteractionId,
    },
    /// The debtor was added as a contact of a campaign.
    ContactAdded {
        /// The campaign.
        campaign: u32,
        /// The contact's id in it.
        contact: u64,
    },
    /// The case's contacts were closed in their campaigns (those in a
    /// call or a preview now are left to their campaign).
    ContactsClosed {
        /// (campaign, contact) pairs closed.
        closed: Vec<(u32, u64)>,
    },
    /// A letter or an e-mail was ordered (`case_letter_ordered` follows).
    LetterOrdered,
    /// The core could not carry it out, and says why.
    Refused {
        /// Why, for people.
        reason: String,
    },
}

/// How a letter reaches the debtor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterMedium {
    /// On paper.
    Letter,
    /// By e-mail.
    Email,
}

/// What a letter says of its case, as it stood when the letter was ordered
/// (kept in the fact, so the letter printed later says the same; money as
/// decimal strings, dates as `YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LetterSnapshot {
    /// The case's reference.
    pub reference: String,
    /// Who owes.
    pub debtor: String,
    /// Who the debt was first owed to.
    pub creditor: String,
    /// Still owed.
    pub balance: String,
    /// The case's currency.
    pub currency: String,
    /// The tenant's day when it was ordered.
    pub date: String,
    /// When the oldest debt fell due.
    #[serde(default)]
    pub due_date: String,
    /// The next pending promise: amount and date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<(String, String)>,
    /// The pending instalments of a plan: date and amount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instalments: Vec<(String, String)>,
}

/// A saved case query that keeps a campaign's list current
/// (`case_feed_set`): the debtors of the open cases that match are contacts
/// of the campaign, and leave it when their case stops matching. Every
/// condition given must hold; money as decimal strings, bounds inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseFeed {
    /// The case's state is one of these (none: any state).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    /// Flags the case has, all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The balance is at least this (needs `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_min: Option<String>,
    /// The balance is at most this (needs `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_max: Option<String>,
    /// The case's currency (ISO 4217).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The case's type, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_type: Option<String>,
}

/// What a case feed did to a case, as `case_action` facts keep it (their
/// `action`, beside the engine's own actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FeedAction {
    /// The case matched: its debtor was added to the feed's campaign.
    FeedContact {
        /// The campaign.
        campaign: u32,
    },
    /// The case stopped matching: its contact in the campaign was closed.
    FeedStop {
        /// The campaign.
        campaign: u32,
    },
}
