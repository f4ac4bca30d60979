//! What must be the same in a live core and in a core rebuilt from the
//! same facts: the deterministic simulation compares the two after every
//! restart.

use std::collections::BTreeMap;

use model::event::AgentState;
use model::fact::Presence;

use crate::core::TenantCore;
use crate::index::Index;

/// The durable part of a core's state, comparable.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Interactions, customers, keys.
    pub index: Index,
    /// Agents: name, teams, last published state.
    pub agents: Vec<(String, Vec<String>, AgentState)>,
    /// Agents' capacities where set.
    pub capacity: BTreeMap<u32, BTreeMap<model::Channel, u8>>,
    /// Queue names, skill names, team names.
    pub names: (Vec<String>, Vec<String>, Vec<String>),
    /// Campaigns: name, over, the dialer's state, contacts open.
    pub campaigns: BTreeMap<u32, (String, bool, String, usize)>,
    /// Contacts taken per campaign.
    pub next_contact: BTreeMap<u32, u64>,
    /// Campaign agents and their presence.
    pub dialer_agents: BTreeMap<u32, (u32, Presence)>,
    /// Calls placed and not over: (campaign, contact).
    pub placed: BTreeMap<u64, (u32, u64)>,
    /// Attempts of outbound interactions.
    pub attempts: BTreeMap<i64, (u64, u32)>,
    /// When the dialer is next due.
    pub dialer_due: Option<model::Instant>,
    /// The tenant's settings.
    pub settings: Option<crate::settings::TenantSettings>,
    /// Cases as the API shows them (state, flags, fields, money, promises).
    pub cases: Vec<crate::cases::CaseView>,
    /// Case types and their latest versions.
    pub case_types: Vec<(String, u32)>,
    /// The case engine's timers pending, and when it is next due.
    pub case_timers: (usize, Option<model::Instant>),
    /// The case each interaction carries.
    pub case_interactions: BTreeMap<i64, u64>,
    /// The contacts each case was given in campaigns.
    pub case_contacts: BTreeMap<u64, Vec<(u32, u64)>>,
    /// The case feeds, by campaign.
    pub case_feeds: BTreeMap<u32, crate::cases::CaseFeed>,
    /// The contacts the feeds added, by (campaign, case).
    pub case_fed: BTreeMap<(u32, u64), u64>,
}

fn strings(v: &[std::sync::Arc<str>]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl TenantCore {
    /// The durable part of the state (see [`Snapshot`]).
    pub fn snapshot(&self) -> Snapshot {
        let campaigns = self
            .out
            .campaigns
            .iter()
            .map(|(id, c)| {
                let view = self.out.dialer.campaign(model::ids::CampaignId(*id));
                let state = view.map(|v| format!("{:?}", v.state())).unwrap_or_default();
                let open = view.map(|v| v.open_contacts()).unwrap_or(0);
                (*id, (c.name.clone(), c.over, state, open))
            })
            .collect();
        Snapshot {
            index: self.index.clone(),
            agents: (0..self.agent_names.len())
                .map(|i| {
                    (
                        self.agent_names[i].clone(),
                        self.agent_teams[i].clone(),
                        self.agent_states[i],
                    )
                })
                .collect(),
            capacity: self.agent_capacity.clone(),
            names: (
                strings(&self.names.queues),
                strings(&self.names.skills),
                strings(&self.names.teams),
            ),
            campaigns,
            next_contact: self
                .out
                .next_contact
                .iter()
                .map(|(k, v)| (*k, *v))
                .collect(),
            dialer_agents: self.out.agents.iter().map(|(k, v)| (*k, *v)).collect(),
            placed: self
                .out
                .placed
                .iter()
                .map(|(k, p)| (*k, (p.campaign, p.contact)))
                .collect(),
            attempts: self.out.attempts.iter().map(|(k, v)| (*k, *v)).collect(),
            dialer_due: self.out.dialer.poll_timeout(),
            settings: self.settings.clone(),
            cases: self
                .cases
                .engine
                .cases()
                .map(|c| self.case_view(c))
                .collect(),
            case_types: self.case_types(),
            case_timers: (
                self.cases.engine.timers_pending(),
                self.cases.engine.poll_timeout(),
            ),
            case_interactions: self.cases.interactions.clone(),
            case_contacts: self.cases.contacts.clone(),
            case_feeds: self.cases.feeds().map(|(c, f)| (c, f.clone())).collect(),
            case_fed: self.cases.fed().clone(),
        }
    }
}
