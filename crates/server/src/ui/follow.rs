//! Which facts each live page follows: the one list, in Rust.
//!
//! A live fragment of a page ([`Feed`]) names the fact kinds that change
//! what it shows (`data-live`), and a page ([`Page`]) is the fragments it can
//! hold. The page's `<body data-kinds>` carries the union, and `app.js`
//! listens on its `EventSource` for exactly those kinds (a server-sent
//! event reaches a listener only under its own name), then fetches again
//! the fragments whose `data-live` names the kind that arrived. A fragment
//! that follows a kind its page does not listen to cannot happen: the page's
//! list is made from its fragments'.
//!
//! [`KINDS`] is every kind the log has (checked against the fact types in
//! the tests), so a page can only follow kinds that exist.

/// The routing engine's facts.
const ROUTING: &[&str] = &[
    "routing.interaction_created",
    "routing.interaction_queued",
    "routing.step_reached",
    "routing.offered",
    "routing.accepted",
    "routing.rejected",
    "routing.offer_timed_out",
    "routing.offer_revoked",
    "routing.transferred",
    "routing.overflowed",
    "routing.ended",
    "routing.agent_state_changed",
    "routing.outbound",
];

/// The server's own facts.
const SERVER: &[&str] = &[
    "interaction_opened",
    "requeued",
    "disposition_set",
    "note_added",
    "chat_message",
    "email_received",
    "email_sent",
    "customer_created",
    "customers_set",
    "customer_cleaned",
    "customer_merged",
    "customer_unmerged",
    "customer_consent",
    "customer_erased",
    "agent_defined",
    "agent_capacity",
    "plan_set",
    "customer_profiled",
    "setting_set",
    "campaign_defined",
    "campaign_contacts",
    "dialer_input",
    "quality.evaluated",
    "quality.acknowledged",
    "quality.playlist_set",
    "quality.playlist_removed",
    "case_input",
    "case_type_set",
    "case_feed_set",
    "case_fact",
    "case_action",
    "case_letter_ordered",
];

/// The switch's facts about calls.
const CALL: &[&str] = &[
    "call.arrived",
    "call.ivr",
    "call.announced",
    "call.agent_ringing",
    "call.agent_leg_failed",
    "call.connected",
    "call.recording_started",
    "call.recording_paused",
    "call.recording_resumed",
    "call.recording_requested",
    "call.recording_accessed",
    "call.recording_deleted",
    "call.callback_requested",
    "call.held",
    "call.unheld",
    "call.muted",
    "call.unmuted",
    "call.hangup_requested",
    "call.consult_requested",
    "call.consult_connected",
    "call.consult_completed",
    "call.consult_cancelled",
    "call.ended",
];

/// The dialer's facts.
const OUTBOUND: &[&str] = &[
    "outbound.campaign_state_changed",
    "outbound.contacts_loaded",
    "outbound.contact_rejected",
    "outbound.gate_decided",
    "outbound.preview_offered",
    "outbound.preview_skipped",
    "outbound.dial_placed",
    "outbound.dial_result",
    "outbound.call_connected",
    "outbound.call_abandoned",
    "outbound.call_ended",
    "outbound.retry_scheduled",
    "outbound.contact_closed",
    "outbound.paced",
    "outbound.abandon_rate_alert",
    "outbound.disposition_set",
    "outbound.history_noted",
    "outbound.phone_invalidated",
    "outbound.phone_added",
    "outbound.callback_scheduled",
    "outbound.consent_recorded",
    "outbound.consent_withdrawn",
    "outbound.do_not_call_added",
    "outbound.do_not_call_removed",
    "outbound.do_not_call_imported",
];

/// Every kind of fact in a tenant's log, by group.
pub const KINDS: [&[&str]; 4] = [ROUTING, SERVER, CALL, OUTBOUND];

/// What a preview campaign's contacts on the desktop change with.
const PREVIEWS: &[&str] = &[
    "outbound.preview_offered",
    "outbound.preview_skipped",
    "outbound.dial_placed",
];

/// What the campaign pages (their table, a campaign's contacts) change with:
/// the facts their projections read.
const CAMPAIGNS: &[&str] = &[
    "campaign_defined",
    "campaign_contacts",
    "outbound.campaign_state_changed",
    "outbound.contacts_loaded",
    "outbound.contact_rejected",
    "outbound.dial_placed",
    "outbound.dial_result",
    "outbound.call_connected",
    "outbound.call_abandoned",
    "outbound.contact_closed",
];

/// The wallboard's facts besides routing's: agents and queues defined, the
/// tenant's settings (its day), interactions queued again after a restart.
const BOARD_MORE: &[&str] = &[
    "agent_defined",
    "agent_capacity",
    "plan_set",
    "setting_set",
    "requeued",
];

/// A live fragment: an element fetched again when one of its kinds arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The agent's state (desktop).
    AgentState,
    /// The contacts a preview campaign shows the agent (desktop).
    Previews,
    /// The agent's offers, interactions and wrap-up (desktop).
    AgentWork,
    /// A chat's conversation (desktop, inside the agent's work).
    Conversation,
    /// The wallboard's queues, agents and waiting interactions.
    Board,
    /// The campaigns table, or one campaign's contacts.
    Campaigns,
    /// The callbacks the agent promised (desktop).
    Callbacks,
}

impl Feed {
    /// The kinds that change it, in groups.
    fn groups(self) -> &'static [&'static [&'static str]] {
        match self {
            // The state, and the own figures beside it (a contact taken).
            Feed::AgentState => &[&["routing.agent_state_changed", "routing.accepted"]],
            Feed::Previews => &[PREVIEWS],
            Feed::AgentWork => &[ROUTING],
            Feed::Conversation => &[&["chat_message"]],
            Feed::Board => &[ROUTING, BOARD_MORE],
            Feed::Campaigns => &[CAMPAIGNS],
            Feed::Callbacks => &[&["customer_profiled", "customer_erased", "routing.accepted"]],
        }
    }

    /// The kinds that change it.
    pub fn kinds(self) -> impl Iterator<Item = &'static str> {
        self.groups().iter().flat_map(|g| g.iter().copied())
    }

    /// The `data-live` value of an element that follows it (with a
    /// `data-src` to fetch again): the kinds, space-separated.
    pub fn live(self) -> String {
        self.kinds().collect::<Vec<_>>().join(" ")
    }
}

/// A page that follows live facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The agent desktop.
    Desktop,
    /// The supervisor wallboard.
    Wallboard,
    /// The campaigns, and one campaign's page.
    Campaigns,
}

impl Page {
    /// The fragments it can hold (some only at times, such as a chat's conversation).
    pub fn feeds(self) -> &'static [Feed] {
        match self {
            Page::Desktop => &[
                Feed::Callbacks,
                Feed::AgentState,
                Feed::Previews,
                Feed::AgentWork,
                Feed::Conversation,
            ],
            Page::Wallboard => &[Feed::Board],
            Page::Campaigns => &[Feed::Campaigns],
        }
    }

    /// The kinds it listens to: every kind its fragments follow, once, in order.
    pub fn kinds(self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Vec::new();
        for k in self.feeds().iter().flat_map(|f| f.kinds()) {
            if !v.contains(&k) {
                v.push(k);
            }
        }
        v
    }
}

/// Where a live page starts and what it follows: the log position it was
/// rendered at (its stream resumes after it) and the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Live {
    /// The last fact the page reflects.
    pub seq: i64,
    /// The page.
    pub page: Page,
}

impl Live {
    /// The `<body>`'s `data-kinds`: the kinds the page follows.
    pub fn kinds(self) -> String {
        self.page.kinds().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The variants serde knows for a tag, from its "unknown variant" message.
    fn variants<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> Vec<String> {
        let e = serde_json::from_str::<T>(json).unwrap_err().to_string();
        let list = e
            .split("expected one of ")
            .nth(1)
            .unwrap_or_else(|| panic!("{e}"));
        list.split(", ")
            .map(|v| v.trim_matches(|c: char| c == '`' || c.is_whitespace()))
            .map(|v| v.split('`').next().unwrap_or(v).to_string())
            .collect()
    }

    #[test]
    fn the_list_is_every_kind_of_fact_and_nothing_else() {
        let mut all = BTreeSet::new();
        for fact in variants::<store::Fact>(r#"{"fact": "?"}"#) {
            match fact.as_str() {
                "routing" => {
                    for k in variants::<model::event::EventKind>(r#"{"type": "?"}"#) {
                        all.insert(format!("routing.{k}"));
                    }
                }
                "call" => {
                    for k in variants::<store::fact::CallFact>(r#"{"type": "?"}"#) {
                        all.insert(format!("call.{k}"));
                    }
                }
                "outbound" => {
                    for k in variants::<model::outbound::OutboundEvent>(r#"{"outbound": "?"}"#) {
                        all.insert(format!("outbound.{k}"));
                    }
                }
                "quality" => {
                    for k in variants::<model::quality::QualityFact>(r#"{"type": "?"}"#) {
                        all.insert(format!("quality.{k}"));
                    }
                }
                other => {
                    all.insert(other.to_string());
                }
            }
        }
        let listed: BTreeSet<String> = KINDS
            .iter()
            .flat_map(|g| g.iter())
            .map(|k| k.to_string())
            .collect();
        assert_eq!(listed, all);
        assert_eq!(listed.len(), KINDS.iter().map(|g| g.len()).sum::<usize>());
    }

    #[test]
    fn every_fragment_follows_kinds_that_exist_and_its_page_listens_to() {
        let all: Vec<&str> = KINDS.iter().flat_map(|g| g.iter().copied()).collect();
        for page in [Page::Desktop, Page::Wallboard, Page::Campaigns] {
            let kinds = page.kinds();
            for feed in page.feeds() {
                for k in feed.kinds() {
                    assert!(all.contains(&k), "{feed:?}: {k} is no kind of fact");
                    assert!(kinds.contains(&k), "{page:?} does not listen to {k}");
                }
            }
        }
        let desktop = Page::Desktop.kinds();
        assert!(desktop.contains(&"outbound.preview_offered"));
        assert!(!Page::Wallboard.kinds().contains(&"chat_message"));
    }
}
